"""Where a file event becomes a sync: the ``wpsync watch`` daemon.

::

    watchdog thread ──event──▶ ChangeQueue ──due batch──▶ worker thread ──▶ run_sync(paths, renames)
    (inotify, or polling)      per-path debounce,          one sync at a      │ FolderLock shared with
                               moves kept together,        time (sync lock)   │ every wpsync process
                               deletions double-checked                       ▼
    APScheduler ──every reconcile_minutes──▶ "full reconcile wanted" ──▶ run_sync(whole folder)
                ──ahead of the token's exp──▶ client.renew_token_if_expiring() (under the sync lock)

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
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from wpsync.config import Config, resolve_password
from wpsync.engine.executor import SyncRequest, run_sync
from wpsync.engine.report import FileResult, SyncReport
from wpsync.errors import (
    AuthError,
    ConfigError,
    LockTimeout,
    SafetyError,
    StateError,
    TransportError,
    WpsyncError,
)
from wpsync.source.content import is_ignored_name, is_markdown
from wpsync.store.state import KeptStore
from wpsync.wordpress.client import WordPressClient
from wpsync.wordpress.connect import TOKEN_CACHE

logger = logging.getLogger(__name__)

#: events worth a look (opening or reading a file — wpsync's own reads included — is not)
EVENTS = (
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
)

#: how long watchdog's inotify observer holds an unpaired "moved from" back
INOTIFY_MOVE_GROUPING = 0.5

INOTIFY_LIMITS = {
    errno.ENOSPC: ("max_user_watches", "524288"),
    errno.EMFILE: ("max_user_instances", "512"),
}


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class Batch:
    """Files to sync together (absolute paths) and the moves among them (old, new)."""

    paths: tuple[str, ...]
    renames: tuple[tuple[str, str], ...] = ()


@dataclass
class _Waiting:
    deadline: float
    since: float
    missing_seen: bool = False  # found missing once already
    second_look: bool = False  # … and due again for a second look


class ChangeQueue:
    """Paths waiting for quiet.  Not thread-safe: the daemon calls it under its condition.

    - ``touch``: something happened to this path; it is due ``debounce`` seconds after the
      last touch.
    - ``moved``: old → new; both wait for each other and leave together, with the move.
    - ``take_due``: the next batch.  A due path that does not exist is looked at again one
      debounce later (an editor between "rename away" and "write the new file"), and every
      other due path waits for that second look; a confirmed deletion also waits while other
      paths are still settling (up to ``hold_max``).  So a move seen as "delete + create"
      (a folder created just before, its inotify watch not there yet) reaches the planner
      in one run, and keeps its post.
    """

    def __init__(
        self,
        debounce: float,
        *,
        exists: Callable[[str], bool] = os.path.exists,
        hold_max: float | None = None,
        first_sight: float = 0.0,
    ) -> None:
        self.debounce = debounce
        #: extra wait for a path that appears out of nowhere (see ``appeared``)
        self.first_sight = first_sight
        self._exists = exists
        self._hold_max = hold_max if hold_max is not None else max(2.0, 10 * debounce)
        self._waiting: dict[str, _Waiting] = {}
        self._moves: dict[str, str] = {}  # new → old

    def __len__(self) -> int:
        return len(self._waiting)

    def touch(self, path: str, now: float) -> None:
        waiting = self._waiting.get(path)
        if waiting is None:
            self._waiting[path] = _Waiting(now + self.debounce, now)
        else:
            waiting.deadline = max(waiting.deadline, now + self.debounce)
            waiting.missing_seen = waiting.second_look = False

    def appeared(self, path: str, now: float) -> None:
        """A file created, not waiting already.  It may be the new name of a move whose
        other half comes late: inotify holds an unpaired "moved from" back for 0.5 s
        (watchdog's move grouper) before it reports a deletion, e.g. for ``mkdir new;
        mv a.md new/`` before the new folder is watched.  So it waits ``first_sight``
        more.  (An editor's save is not this: its file is waiting already.)"""
        if path in self._waiting:
            self.touch(path, now)
        else:
            self._waiting[path] = _Waiting(now + self.debounce + self.first_sight, now)

    def moved(self, old: str, new: str, now: float) -> None:
        origin = self._moves.pop(old, old)  # a → b then b → c is one move a → c
        if origin != new:
            self._moves[new] = origin
        for path in {origin, old, new}:
            self.touch(path, now)

    def settling(self, now: float) -> bool:
        """Is any path still inside its quiet time?"""
        return any(w.deadline > now for w in self._waiting.values())

    def next_deadline(self) -> float | None:
        return min((w.deadline for w in self._waiting.values()), default=None)

    def requeue(self, batch: Batch, at: float, now: float) -> None:
        """Put back a batch that could not be sent; it is due at ``at``, without a new
        existence check (it was checked already)."""
        for path in batch.paths:
            waiting = self._waiting.get(path)
            if waiting is None:
                self._waiting[path] = _Waiting(at, now, missing_seen=True)
            else:
                waiting.deadline = max(waiting.deadline, at)
        for old, new in batch.renames:
            self._moves.setdefault(new, old)

    def take_due(self, now: float) -> Batch | None:
        due = {p for p, w in self._waiting.items() if w.deadline <= now}
        if not due:
            return None
        self._keep_moves_together(due)
        partners = self._partners()
        for path in sorted(due):
            waiting = self._waiting[path]
            if self._exists(path) or any(self._exists(p) for p in partners.get(path, ())):
                # There (or the old side of a move whose new name is there).
                waiting.second_look = False
                continue
            if not waiting.missing_seen:
                # Missing once: maybe an editor between two steps of a save.  Look again.
                waiting.missing_seen = waiting.second_look = True
                waiting.deadline = now + max(self.debounce, 0.05)
                due.discard(path)
                continue
            waiting.second_look = False
            if now - waiting.since < self._hold_max and (
                later := [w.deadline for p, w in self._waiting.items() if p not in due]
            ):
                # A real deletion: wait for the rest to settle, a move may be its other half.
                waiting.deadline = min(max(later), waiting.since + self._hold_max)
                due.discard(path)
        self._keep_moves_together(due)
        if not due or any(w.second_look for w in self._waiting.values()):
            return None  # everything waits for a second look (≤ one debounce)
        renames = tuple(
            sorted((old, new) for new, old in self._moves.items() if new in due and old in due)
        )
        for path in due:
            del self._waiting[path]
        self._moves = {
            new: old for new, old in self._moves.items() if new not in due and old not in due
        }
        return Batch(tuple(sorted(due)), renames)

    def _partners(self) -> dict[str, set[str]]:
        partners: dict[str, set[str]] = {}
        for new, old in self._moves.items():
            partners.setdefault(new, set()).add(old)
            partners.setdefault(old, set()).add(new)
        return partners

    def _keep_moves_together(self, due: set[str]) -> None:
        """Both ends of a move leave together, or neither does."""
        changed = True
        while changed:
            changed = False
            for new, old in self._moves.items():
                ends = {p for p in (new, old) if p in self._waiting}
                if ends & due and not ends <= due:
                    due.difference_update(ends)
                    changed = True


# --------------------------------------------------------------------------- events


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")


class EventRouter(FileSystemEventHandler):
    """Turns watchdog events into queue calls: only Markdown files that wpsync publishes
    (temp, swap, backup and hidden names ignored, in any folder of the path)."""

    def __init__(
        self,
        root: Path,
        *,
        touch: Callable[[str], None],
        moved: Callable[[str, str], None],
        rescan: Callable[[], None],
        appeared: Callable[[str], None] | None = None,
    ) -> None:
        self.root = str(root)
        self._touch = touch
        self._appeared = appeared or touch
        self._moved = moved
        self._rescan = rescan

    def wanted(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        if rel.startswith(".."):
            return False
        parts = rel.split(os.sep)
        return not any(is_ignored_name(p) for p in parts[:-1]) and is_markdown(rel)

    def _is_image(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        if rel.startswith(".."):
            return False
        parts = rel.split(os.sep)
        return not any(is_ignored_name(p) for p in parts) and rel.lower().endswith(IMAGE_SUFFIXES)

    def _inside(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        return rel != ".." and not rel.startswith(".." + os.sep)

    def on_any_event(self, event: FileSystemEvent) -> None:
        src = os.fsdecode(event.src_path)
        dest = os.fsdecode(event.dest_path) if event.dest_path else ""
        kind = event.event_type
        if event.is_directory:
            self._directory(kind, src, dest)
            return
        if kind in ("closed", "moved", "deleted") and self._is_image(dest or src):
            # An image a post uses changed: the reconcile re-uploads it and updates
            # the posts that show it (unchanged files cost a stat each).
            self._rescan()
            return
        if kind == "moved":
            src_ok, dest_ok = self.wanted(src), self.wanted(dest)
            if src_ok and dest_ok:
                self._moved(src, dest)
            elif src_ok:
                self._touch(src)  # f → f~ / f___jb_old___: a save in progress (or a deletion)
            elif dest_ok:
                self._touch(dest)  # tmp → f: a save
        elif kind == "created" and self.wanted(src):
            self._appeared(src)
        elif kind in ("modified", "closed", "deleted") and self.wanted(src):
            self._touch(src)

    def _directory(self, kind: str, src: str, dest: str) -> None:
        if kind == "deleted":
            # Its files' own events may not come (a folder moved out of the tree):
            # let a full reconcile find what went away.
            self._rescan()
        elif kind == "created":
            for path in self._markdown_below(src):
                self._appeared(path)
        elif kind == "moved":
            if not self._inside(dest):
                self._rescan()
                return
            for path in self._markdown_below(dest):
                old = os.path.join(src, os.path.relpath(path, dest))
                if self._inside(src) and self.wanted(old):
                    self._moved(old, path)
                else:
                    self._touch(path)

    def _markdown_below(self, folder: str) -> Iterable[str]:
        for top, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not is_ignored_name(d)]
            for name in files:
                path = os.path.join(top, name)
                if self.wanted(path):
                    yield path


def start_observer(
    root: Path,
    handler: FileSystemEventHandler,
    *,
    poll: bool,
    poll_interval: float = 1.0,
    native: Callable[[], BaseObserver] = Observer,
) -> tuple[BaseObserver, str]:
    """Start watching ``root`` recursively: inotify (the platform's native observer), or
    polling when asked or when the inotify limits are reached.  Returns (observer, kind)."""
    if not poll:
        observer = native()
        try:
            observer.schedule(handler, str(root), recursive=True, event_filter=list(EVENTS))
            observer.start()
            return observer, "inotify"
        except OSError as exc:
            if exc.errno not in INOTIFY_LIMITS:
                raise ConfigError(f"cannot watch {root}: {exc.strerror or exc}") from None
            with contextlib.suppress(Exception):
                observer.stop()
            logger.warning("%s", inotify_limit_message(exc.errno, poll_interval))
    observer = PollingObserver(timeout=poll_interval)
    try:
        observer.schedule(handler, str(root), recursive=True, event_filter=list(EVENTS))
        observer.start()
    except OSError as exc:
        raise ConfigError(f"cannot watch {root}: {exc.strerror or exc}") from None
    return observer, "polling"


def inotify_limit_message(err: int, poll_interval: float) -> str:
    setting, suggested = INOTIFY_LIMITS[err]
    current = "?"
    with contextlib.suppress(OSError):
        current = Path(f"/proc/sys/fs/inotify/{setting}").read_text().strip()
    what = "watch" if err == errno.ENOSPC else "instance"
    return (
        f"inotify {what} limit reached (fs.inotify.{setting} = {current}): falling back to "
        f"polling the folder every {poll_interval:g} s. To use inotify, raise it: "
        f"echo fs.inotify.{setting}={suggested} | sudo tee /etc/sysctl.d/60-wpsync.conf "
        "&& sudo sysctl --system"
    )


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
class _Full:
    """A full reconcile of the folder."""


Job = Batch | _Full


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
        self._exit_code = 0
        self._scheduler: BackgroundScheduler | None = None
        self.outcome = _Outcome()
        #: True when :meth:`run` returned with a request still in flight (see ``serve``)
        self.abandoned = False
        self.observer_kind = ""

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
        client = self._client or WordPressClient(
            self.config.site,
            resolve_password(self.config.site),
            token_cache=self.config.state.path / TOKEN_CACHE,
        )
        self._client = client
        router = EventRouter(
            self.root,
            touch=self._touch,
            moved=self._moved,
            rescan=self.request_reconcile,
            appeared=self._appeared,
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
        scheduler = self._start_scheduler()
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
            with contextlib.suppress(Exception):
                scheduler.shutdown(wait=False)
            observer.stop()
            worker.join(self.options.shutdown_grace)
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

    def _start_scheduler(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(
            timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1}
        )
        scheduler.add_job(
            self.request_reconcile,
            "interval",
            minutes=self.options.reconcile_minutes,
            id="reconcile",
            misfire_grace_time=60,
        )
        if self.config.site.auth == "jwt":
            scheduler.add_job(self._renew_token, "date", id="renew-token", misfire_grace_time=60)
        scheduler.start()
        self._scheduler = scheduler
        return scheduler

    # -- token renewal (a scheduler job)

    def _renew_token(self) -> None:
        delay = 30.0
        try:
            if self._sync_lock.acquire(timeout=2.0):
                try:
                    if self._stop.is_set():
                        return
                    assert self._client is not None
                    if self._client.renew_token_if_expiring():
                        logger.info("new token, valid until %s", _when(self._client))
                finally:
                    self._sync_lock.release()
            # else a sync is running: it renews the token itself if it must
            delay = self._next_renewal_check()
        except TransportError as exc:
            logger.info("could not renew the token now (%s); trying again in 30 s", exc)
        except AuthError as exc:
            logger.error("%s%s", exc, f" ({exc.hint})" if exc.hint else "")
            self.stop(exc.exit_code)
            return
        finally:
            if not self._stop.is_set() and self._scheduler is not None:
                with contextlib.suppress(Exception):
                    self._scheduler.add_job(
                        self._renew_token,
                        "date",
                        run_date=datetime.now(UTC) + timedelta(seconds=delay),
                        id="renew-token",
                        replace_existing=True,
                        misfire_grace_time=60,
                    )

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

    def _next_job(self) -> Job | None:
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
                    return _Full()
                batch = self._queue.take_due(now)
                if batch is not None:
                    return batch
                deadline = self._queue.next_deadline()
                timeout = None if deadline is None else max(0.0, deadline - now)
                if self._want_full:
                    timeout = 0.1 if timeout is None else min(timeout, 0.1)
                self._cond.wait(timeout)
        return None

    def _run(self, job: Job) -> None:
        if isinstance(job, Batch):
            request = SyncRequest(
                paths=tuple(Path(p) for p in job.paths),
                renames=tuple((Path(a), Path(b)) for a, b in job.renames),
                lock_timeout=self.options.lock_timeout,
                cancel=self._cancel,
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
        self.outcome.syncs += 1
        self._after(job, report)

    def _after(self, job: Job, report: SyncReport) -> None:
        again = {r.path for r in report.files if r.action == "failed" and r.transient}
        if not again:
            self._failures = 0
            return
        if self._stop.is_set():
            return
        absolute = {str(self.root / rel) for rel in again}
        renames = job.renames if isinstance(job, Batch) else ()
        kept_moves = tuple((old, new) for old, new in renames if new in absolute)
        absolute |= {old for old, _ in kept_moves}
        reason = next((r.error for r in report.files if r.transient and r.error), "no answer")
        self._retry_later(Batch(tuple(sorted(absolute)), kept_moves), reason)

    def _retry_later(self, job: Job, reason: str) -> None:
        if self._stop.is_set():
            return
        self._failures += 1
        delay = min(self.options.retry_max, self.options.retry_initial * 2 ** (self._failures - 1))
        now = self._clock()
        with self._cond:
            self._retry_at = now + delay
            if isinstance(job, Batch):
                self._queue.requeue(job, self._retry_at, now)
                what = f"{len(job.paths)} change(s) kept"
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
        # failures are logged by the sync itself, one line each

    def _rel(self, path: str) -> str:
        return os.path.relpath(path, self.root)


def _when(client: WordPressClient) -> str:
    exp = client.token_expires_at
    if exp is None:
        return "(no expiry)"
    return datetime.fromtimestamp(exp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# --------------------------------------------------------------------------- entry point


def serve(config: Config, options: WatchOptions) -> int:
    """Run the daemon in this (main) thread until SIGTERM or SIGINT; SIGHUP asks for a full
    reconcile.  Returns the exit status (0 after a signal)."""
    daemon = Daemon(config, options)

    def on_stop(signum: int, frame: FrameType | None) -> None:
        logger.info("%s received: stopping", signal.Signals(signum).name)
        daemon.stop()

    def on_hup(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=daemon.request_reconcile, daemon=True).start()

    previous: dict[signal.Signals, Any] = {}
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
