"""Where a file event becomes a sync: the ``wpsync watch`` daemon.

::

    watchdog thread ──event──▶ ChangeQueue ──due batch──▶ worker thread ──▶ run_sync(paths, renames)
    (inotify, or polling)      per-path debounce,          one sync at a      │ FolderLock shared with
                               moves kept together,        time (sync lock)   │ every wpsync process
                               deletions double-checked                       ▼
    timers ──every reconcile_minutes──▶ "full reconcile wanted" ──▶ run_sync(whole folder)
           ──ahead of the token's exp──▶ client.renew_token_if_expiring() (under the sync lock)

A full reconcile also checks WordPress for posts edited, trashed or deleted there since
the last sync (engine/remote.py), as every full sync does; an event's sync looks up the
posts of its files by ID.

Editors save by rename (vim: ``f → f~`` then a new ``f``; JetBrains: ``f → f___jb_old___``,
``tmp → f``; many tools ``tmp → f`` via ``os.replace``).  None of that may look like a
deletion followed by a creation, so: every event only *touches* a path; a path is synced once
it has been quiet for ``debounce`` seconds; a touched path is ``stat``-ed before acting, and one
that is missing is checked again one debounce later before it counts as deleted.  A move
between two Markdown names links them: both are synced in the same run with the move passed
to the planner, so the post follows its file.

WordPress down or slow: files whose sync failed for want of an answer stay queued and are
retried with exponential backoff; what was recorded is never sent again (the state says so).
A stop (SIGTERM/SIGINT) lets requests in flight finish, starts no new one, and leaves anything
unsent to the next start's full reconcile.

Memory: a full reconcile reads every entry and stats every file; afterwards the daemon lets
go of all of it (the kept state reads its rows by key again, as a hook's run does) and
gives the freed heap back (:mod:`wpsync.triggers.memory`), so it idles at its imports'
size and the next reconcile starts from there.

The events and the observer are in :mod:`wpsync.triggers.events`, the queue in
:mod:`wpsync.triggers.queue`, the clockwork in :mod:`wpsync.triggers.timers`; here, the
daemon and its worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from wpsync.config import Config
from wpsync.engine.lookahead import CheckedAhead, ask_ahead, lead
from wpsync.engine.paths import content_rel
from wpsync.engine.reading import content_rules
from wpsync.engine.report import FileResult, SyncReport
from wpsync.engine.run import SyncRequest, run_sync
from wpsync.errors import (
    AuthError,
    ConfigError,
    LockTimeout,
    SafetyError,
    StateError,
    TransportError,
    WpsyncError,
)
from wpsync.store.state import KeptStore
from wpsync.triggers.events import INOTIFY_MOVE_GROUPING, EventRouter, ObserverKind, start_observer
from wpsync.triggers.memory import give_back
from wpsync.triggers.queue import ChangeQueue, DueChanges
from wpsync.triggers.timers import Timers
from wpsync.wordpress.client import WordPressClient
from wpsync.wordpress.connect import open_client
from wpsync.words import plural

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- the daemon


@dataclass(frozen=True)
class WatchOptions:
    debounce: float = 0.3  # seconds of quiet before a file is synced
    reconcile_minutes: float = 10.0
    poll: bool = False
    poll_interval: float = 1.0
    lock_timeout: float = 60.0  # waiting for another wpsync process (a git hook …)
    shutdown_grace: float = 3.0  # seconds a stop waits for requests in flight
    retry_initial: float = 1.0
    retry_max: float = 30.0

    @classmethod
    def from_config(cls, config: Config, *, poll: bool | None = None) -> WatchOptions:
        return cls(
            debounce=config.watch.debounce_ms / 1000.0,
            reconcile_minutes=config.watch.reconcile_minutes,
            poll=config.watch.poll if poll is None else poll,
        )


@dataclass(frozen=True)
class _FullReconcile:
    """A full reconcile of the folder."""


@dataclass(frozen=True)
class _LookAhead:
    """Ask the edit check of the files due at ``deadline`` (engine/lookahead.py)."""

    paths: tuple[str, ...]
    deadline: float


#: what the worker does next: sync the changes due, a full reconcile, or ask ahead
SyncJob = DueChanges | _FullReconcile | _LookAhead


@dataclass
class _Outcome:
    """What the daemon did (for tests and the final log line)."""

    syncs: int = 0
    events: dict[str, int] = field(default_factory=dict)


class Daemon:
    """The watcher: call :meth:`run` (blocks until :meth:`stop`), from the main thread or not."""

    def __init__(
        self,
        config: Config,
        options: WatchOptions,
        *,
        client: WordPressClient | None = None,
        native_observer: Callable[[], BaseObserver] = Observer,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.options = options
        self.root = config.content.dir
        self._client = client
        self._native_observer = native_observer
        self._clock = clock
        self._queue = ChangeQueue(options.debounce)
        #: how long before the files' quiet time ends their edit check is asked (0: not)
        self._lead = lead(options.debounce)
        self._ahead: CheckedAhead | None = None
        self._ahead_of: _LookAhead | None = None
        self._ahead_pool: ThreadPoolExecutor | None = None
        self._cond = threading.Condition()
        self._sync_lock = threading.Lock()  # one sync (or token renewal) at a time
        #: the state, open from one run to the next (only the worker thread uses it)
        self._state = KeptStore()
        self._stop = threading.Event()
        self._cancel = threading.Event()  # tells a run in progress to start no new request
        self._want_full = True  # the initial reconcile
        self._full_wanted_at = clock()
        self._retry_at = 0.0
        self._failures = 0
        #: the files whose last sync failed, and why (the periodic "still failing" line)
        self.failing: dict[str, str] = {}
        self._exit_code = 0
        self._timers: Timers | None = None
        self.outcome = _Outcome()
        #: True when :meth:`run` returned with a request still in flight (see ``serve``)
        self.abandoned = False
        self.observer_kind: ObserverKind | None = None

    # -- control (thread-safe)

    def stop(self, exit_code: int | None = None) -> None:
        if exit_code is not None:
            self._exit_code = exit_code
        self._stop.set()

    def request_reconcile(self) -> None:
        with self._cond:
            if not self._want_full:
                self._want_full = True
                self._full_wanted_at = self._clock()
            self._cond.notify_all()

    def _touch(self, path: str) -> None:
        with self._cond:
            self._queue.touch(path, self._clock())
            self._cond.notify_all()

    def _appeared(self, path: str) -> None:
        with self._cond:
            self._queue.appeared(path, self._clock())
            self._cond.notify_all()

    def _moved(self, old: str, new: str) -> None:
        with self._cond:
            self._queue.moved(old, new, self._clock())
            self._cond.notify_all()

    # -- life

    def run(self) -> int:
        # The daemon's one client for its whole life (one connection pool, one token renewed
        # ahead of expiry), lent to every sync run; closed here, unless the caller lent it.
        owns_client = self._client is None
        client = self._client or open_client(self.config)
        self._client = client
        router = EventRouter(
            self.root,
            touch=self._touch,
            moved=self._moved,
            rescan=self.request_reconcile,
            appeared=self._appeared,
            rules=content_rules(self.config.content),
        )
        if not self.root.is_dir():
            raise ConfigError(
                f"content folder {self.root} does not exist",
                hint="check [content] dir in config.toml (is the folder mounted?)",
            )
        observer, self.observer_kind = start_observer(
            self.root,
            router,
            poll=self.options.poll,
            poll_interval=self.options.poll_interval,
            native=self._native_observer,
        )
        if self.observer_kind == "inotify":
            self._queue.first_sight = INOTIFY_MOVE_GROUPING + 0.1
        logger.info(
            "watching %s (%s, debounce %d ms, full reconcile every %g min)",
            self.root,
            self.observer_kind,
            round(self.options.debounce * 1000),
            self.options.reconcile_minutes,
        )
        timers = self._start_timers()
        worker = threading.Thread(target=self._work, name="wpsync-watch", daemon=True)
        worker.start()
        try:
            while not self._stop.wait(0.25):
                if not worker.is_alive():
                    break
        finally:
            self._stop.set()
            self._cancel.set()
            with self._cond:
                self._cond.notify_all()
            timers.stop()
            observer.stop()
            worker.join(self.options.shutdown_grace)
            if self._ahead_pool is not None:
                self._ahead_pool.shutdown(wait=False, cancel_futures=True)
            if worker.is_alive():
                self.abandoned = True
                logger.warning(
                    "a request was still in flight after %g s: abandoned (the next start "
                    "checks it)",
                    self.options.shutdown_grace,
                )
            else:
                with contextlib.suppress(Exception):
                    observer.join(1.0)
                if owns_client:
                    client.close()
            logger.info("stopped")
        return self._exit_code

    def _start_timers(self) -> Timers:
        timers = Timers()
        timers.every(self.options.reconcile_minutes * 60, self.request_reconcile, name="reconcile")
        if self.config.site.auth == "jwt":
            timers.after(0.0, self._renew_token, name="renew-token")
        self._timers = timers
        return timers

    # -- token renewal (a timer job)

    def _renew_token(self) -> float | None:
        """Renew the token if it expires soon; the seconds until the next check (None:
        no more checks, the daemon is stopping)."""
        try:
            if self._sync_lock.acquire(timeout=2.0):
                try:
                    if self._stop.is_set():
                        return None
                    assert self._client is not None
                    if self._client.renew_token_if_expiring():
                        logger.info("new token, valid until %s", _when(self._client))
                finally:
                    self._sync_lock.release()
            # else a sync is running: it renews the token itself if it must
            delay = self._next_renewal_check()
        except TransportError as exc:
            logger.info("could not renew the token now (%s); trying again in 30 s", exc)
            delay = 30.0
        except AuthError as exc:
            logger.error("%s%s", exc, f" ({exc.hint})" if exc.hint else "")
            self.stop(exc.exit_code)
            return None
        return None if self._stop.is_set() else delay

    def _next_renewal_check(self) -> float:
        """Checks come closer as the token ages: a quarter of its remaining life, 0.5 s to
        5 min (a check is in memory; only a renewal sends a request)."""
        assert self._client is not None
        exp = self._client.token_expires_at
        if exp is None:
            return 60.0
        return min(300.0, max(0.5, (exp - time.time()) / 4))

    # -- the worker

    def _work(self) -> None:
        try:
            while (job := self._next_job()) is not None:
                self._run(job)
        except BaseException:
            logger.exception("the watcher's worker failed")
            self.stop(70)
        finally:
            self._state.close()

    def _next_job(self) -> SyncJob | None:
        with self._cond:
            while not self._stop.is_set():
                now = self._clock()
                if now < self._retry_at:
                    self._cond.wait(self._retry_at - now)
                    continue
                if self._want_full and (
                    not self._queue.settling(now) or now - self._full_wanted_at > 10.0
                ):
                    self._want_full = False
                    return _FullReconcile()
                batch = self._queue.take_due(now)
                if batch is not None:
                    return batch
                deadline = self._queue.next_deadline()
                timeout = None if deadline is None else max(0.0, deadline - now)
                if deadline is not None and self._lead > 0 and not self._want_full:
                    soon = deadline - self._lead
                    ahead = _LookAhead(self._queue.due_by(deadline), deadline)
                    if now < soon:
                        timeout = soon - now
                    elif ahead != self._ahead_of:
                        self._ahead_of = ahead
                        return ahead
                if self._want_full:
                    timeout = 0.1 if timeout is None else min(timeout, 0.1)
                self._cond.wait(timeout)
        return None

    def _run(self, job: SyncJob) -> None:
        if isinstance(job, _LookAhead):
            self._ask_ahead(job)
            return
        ahead, self._ahead, self._ahead_of = self._ahead, None, None
        if isinstance(job, DueChanges):
            request = SyncRequest(
                paths=tuple(Path(p) for p in job.paths),
                renames=tuple((Path(a), Path(b)) for a, b in job.renames),
                lock_timeout=self.options.lock_timeout,
                cancel=self._cancel,
                # (the run checks that it was asked of its very posts, and lately)
                checked=ahead,
            )
            logger.debug("syncing %s", ", ".join(self._rel(p) for p in job.paths))
        else:
            request = SyncRequest(lock_timeout=self.options.lock_timeout, cancel=self._cancel)
            logger.debug("full reconcile")
        with self._sync_lock:
            if self._stop.is_set():
                return  # not sent: the next start's full reconcile finds it
            try:
                report = run_sync(
                    self.config,
                    request,
                    client=self._client,
                    on_result=self._log_result,
                    keep=self._state,
                )
            except (TransportError, LockTimeout) as exc:
                self._retry_later(job, str(exc))
                return
            except SafetyError as exc:
                logger.error("%s%s", exc, f" ({exc.hint})" if exc.hint else "")
                return
            except (ConfigError, AuthError, StateError) as exc:
                logger.error("%s%s", exc, f" ({exc.hint})" if exc.hint else "")
                self.stop(exc.exit_code)
                return
            except WpsyncError as exc:
                logger.error("%s", exc)
                return
            except Exception as exc:  # a bug: this sync is lost, the daemon goes on
                logger.error("the sync failed: %s: %s", type(exc).__name__, exc)
                logger.debug("the sync failed", exc_info=exc)
                return
        self.outcome.syncs += 1
        self._note_failing(job, report)
        self._after(job, report)
        if isinstance(job, _FullReconcile):
            # What the reconcile read of every file and every row is not needed one file at
            # a time: let it go, and give the pages back (see triggers/memory.py).
            del report
            self._state.release()
            give_back()

    def _ask_ahead(self, job: _LookAhead) -> None:
        """Ask WordPress about the posts of the files about to be due, on a thread of
        its own (engine/lookahead.py); the state is read as the daemon's last run left it
        (not under the folder lock: a file another process synced since no longer has the
        same post or entry, and its run asks again)."""
        self._ahead = None
        store, client = self._state.peek(), self._client
        if store is None or client is None:
            return  # (before the first run)
        rels = [rel for p in job.paths if (rel := content_rel(Path(p), self.root)) is not None]
        if self._ahead_pool is None:
            self._ahead_pool = ThreadPoolExecutor(1, thread_name_prefix="wpsync-ahead")
        try:
            self._ahead = ask_ahead(
                store,
                client,
                rels,
                self._ahead_pool,
                self._clock,
                self.config.sync.concurrency,
            )
        except (sqlite3.Error, StateError) as exc:
            logger.debug("no edit check ahead: %s", exc)
            return
        if self._ahead is not None:
            logger.debug(
                "edit check asked ahead: %s",
                ", ".join(rel for rel, *_ in sorted(self._ahead.posts)),
            )

    def _note_failing(self, job: SyncJob, report: SyncReport) -> None:
        """Keep :attr:`failing` up to date; after a full reconcile, say in one line what
        is still failing (a writer who missed the first line learns it here)."""
        failed = {
            r.path: r.error or "failed"
            for r in report.files
            if r.action == "failed" and not r.transient
        }
        if isinstance(job, DueChanges):
            for path in job.paths:  # a file fixed, or gone without a post
                self.failing.pop(self._rel(path), None)
            self.failing.update(failed)
            return
        self.failing = failed
        if failed:
            logger.warning("still failing: %s", failing_summary(failed))

    def _after(self, job: SyncJob, report: SyncReport) -> None:
        again = {r.path for r in report.files if r.action == "failed" and r.transient}
        if not again:
            self._failures = 0
            return
        if self._stop.is_set():
            return
        absolute = {str(self.root / rel) for rel in again}
        renames = job.renames if isinstance(job, DueChanges) else ()
        kept_moves = tuple((old, new) for old, new in renames if new in absolute)
        absolute |= {old for old, _ in kept_moves}
        reason = next((r.error for r in report.files if r.transient and r.error), "no answer")
        self._retry_later(DueChanges(tuple(sorted(absolute)), kept_moves), reason)

    def _retry_later(self, job: SyncJob, reason: str) -> None:
        if self._stop.is_set():
            return
        self._failures += 1
        delay = min(self.options.retry_max, self.options.retry_initial * 2 ** (self._failures - 1))
        now = self._clock()
        with self._cond:
            self._retry_at = now + delay
            if isinstance(job, DueChanges):
                self._queue.requeue(job, self._retry_at, now)
                what = f"{plural(len(job.paths), 'change')} kept"
            else:
                self._want_full = True
                self._full_wanted_at = now
                what = "full reconcile kept"
        logger.warning("%s: %s, retrying in %g s", reason, what, delay)

    def _log_result(self, result: FileResult) -> None:
        self.outcome.events[result.action] = self.outcome.events.get(result.action, 0) + 1
        if result.action in ("created", "updated", "deleted"):
            detail = f", {result.detail}" if result.detail else ""
            logger.info("%s %s (post %s%s)", result.action, result.path, result.id, detail)
        elif result.action == "conflict":
            logger.warning("conflict %s (post %s): %s", result.path, result.id, result.error)
        elif result.action == "unchanged":
            logger.debug("unchanged %s", result.path)
        elif result.action == "failed" and result.transient:
            # WordPress did not answer: the change is kept and sent again
            logger.warning("not sent %s: %s", result.path, result.error)
        elif result.action == "failed":
            # A document error already starts with "path:line:"; don't say the path twice.
            error = result.error or ""
            where = "" if error.startswith(f"{result.path}:") else f"{result.path}: "
            hint = f" (hint: {result.hint})" if result.hint else ""
            logger.error("failed %s%s%s", where, error, hint)

    def _rel(self, path: str) -> str:
        return os.path.relpath(path, self.root)


def failing_summary(failing: dict[str, str], shown: int = 3, reason_chars: int = 80) -> str:
    """``2 files (a.md:3: invalid YAML …; b.md: missing image x.png)``: the first few
    files and their reasons, each cut short."""
    parts = []
    for path, reason in sorted(failing.items())[:shown]:
        where = "" if reason.startswith(f"{path}:") else f"{path}: "
        text = where + reason
        parts.append(text if len(text) <= reason_chars else text[: reason_chars - 1] + "…")
    more = len(failing) - len(parts)
    tail = f"; and {more} more" if more else ""
    return f"{plural(len(failing), 'file')} ({'; '.join(parts)}{tail})"


def _when(client: WordPressClient) -> str:
    exp = client.token_expires_at
    if exp is None:
        return "(no expiry)"
    return datetime.fromtimestamp(exp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# --------------------------------------------------------------------------- entry point


#: the exit status after Ctrl-C (128 + SIGINT)
EXIT_INTERRUPTED = 130


def serve(config: Config, options: WatchOptions) -> int:
    """Run the daemon in this (main) thread until SIGTERM or SIGINT; SIGHUP asks for a full
    reconcile.  Returns the exit status (0 after SIGTERM, 130 after SIGINT: Ctrl-C)."""
    daemon = Daemon(config, options)

    def on_stop(signum: int, frame: FrameType | None) -> None:
        logger.info("%s received: stopping", signal.Signals(signum).name)
        # Ctrl-C: 130, the shell's convention; SIGTERM (systemctl stop): 0
        daemon.stop(EXIT_INTERRUPTED if signum == signal.SIGINT else None)

    def on_hup(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=daemon.request_reconcile, daemon=True).start()

    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}
    handlers: dict[signal.Signals, Callable[[int, FrameType | None], None]] = {
        signal.SIGTERM: on_stop,
        signal.SIGINT: on_stop,
        signal.SIGHUP: on_hup,
    }
    for signum, on_signal in handlers.items():
        previous[signum] = signal.signal(signum, on_signal)
    try:
        code = daemon.run()
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)
    if daemon.abandoned:
        # A request still in flight (WordPress not answering): do not wait for it.  The
        # state is written per action; the next start's reconcile settles the rest.
        for handler in logging.getLogger().handlers:
            with contextlib.suppress(Exception):
                handler.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
