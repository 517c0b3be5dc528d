"""The sync pipeline: scan → read/map → plan → apply, with the state updated per action.

This is the one place a file change becomes WordPress writes.  Every entry point (the
``sync`` command, the watcher, git hooks) calls :func:`run_sync`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wpsync.config import Config, resolve_password
from wpsync.engine import plan as planner
from wpsync.engine.batch import PostWrite, PostWriter, groups
from wpsync.engine.conflicts import pushed_fields
from wpsync.engine.plan import (
    Action,
    Broken,
    Changed,
    Conflict,
    Create,
    Delete,
    Fail,
    Keep,
    LocalItem,
    Options,
    RemoteFacts,
    RemotePostFacts,
    Stat,
    Unchanged,
    Update,
)
from wpsync.engine.prefetch import look_up, warm_terms
from wpsync.engine.recovery import settle_lost_updates
from wpsync.engine.references import References, Sent
from wpsync.errors import (
    AuthError,
    ConfigError,
    DocumentError,
    RemoteError,
    TransportError,
    WpsyncError,
)
from wpsync.model import Entry, PostPayload
from wpsync.store.lock import FolderLock
from wpsync.store.state import KeptStore, StateStore

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import RemotePost

logger = logging.getLogger(__name__)

TOKEN_CACHE = "token.json"


# ---------------------------------------------------------------- report


@dataclass(frozen=True)
class FileResult:
    path: str
    action: str  # created | updated | unchanged | deleted | conflict | failed
    id: int | None = None
    error: str | None = None
    detail: str | None = None
    link: str | None = None
    #: failed for want of an answer from WordPress (down, slow, or we were stopping):
    #: worth sending again later, unlike a refused request or a broken file
    transient: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "action": self.action,
            "id": self.id,
            "error": self.error,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.link:
            out["link"] = self.link
        return out


@dataclass(frozen=True)
class SyncReport:
    files: tuple[FileResult, ...]
    dry_run: bool = False
    requests: int = 0
    warnings: tuple[str, ...] = ()

    def count(self, action: str) -> int:
        return sum(1 for f in self.files if f.action == action)

    @property
    def exit_code(self) -> int:
        return 1 if any(f.action in ("failed", "conflict") for f in self.files) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "deleted": self.count("deleted"),
            "conflicts": self.count("conflict"),
            "failed": self.count("failed"),
            "dry_run": self.dry_run,
            "requests": self.requests,
            "warnings": list(self.warnings),
            "files": [f.to_json() for f in self.files],
        }


@dataclass(frozen=True)
class SyncRequest:
    """What to sync.  ``paths`` None = the whole folder; else only these files (a path
    that no longer exists is a deletion).  ``renames``: (old, new) moves among ``paths``
    that the caller saw happen, so the post follows its file.  ``cancel``: once set, no
    further request starts (the ones in flight finish and are recorded)."""

    paths: tuple[Path, ...] | None = None
    dry_run: bool = False
    force: bool = False
    lock_timeout: float | None = 600.0
    renames: tuple[tuple[Path, Path], ...] = ()
    cancel: threading.Event | None = field(default=None, compare=False)


ClientFactory = Callable[[Config], "WordPressClient"]


def default_client(config: Config) -> WordPressClient:
    from wpsync.wordpress.client import WordPressClient

    password = resolve_password(config.site)
    return WordPressClient(config.site, password, token_cache=config.state.path / TOKEN_CACHE)


# ---------------------------------------------------------------- entry point


def run_sync(
    config: Config,
    request: SyncRequest,
    *,
    client_factory: ClientFactory = default_client,
    on_result: Callable[[FileResult], None] | None = None,
    on_plan: Callable[[Sequence[Action]], None] | None = None,
    keep: KeptStore | None = None,
    client: WordPressClient | None = None,
) -> SyncReport:
    """Sync (or, with ``request.dry_run``, only plan).  ``on_plan`` sees the planned
    actions before any is carried out (one result follows per action: a progress total);
    ``on_result`` sees each file's outcome as it happens.  ``keep``: a long-lived
    process's state store, kept open between runs (else the state is opened and closed).

    Who owns the WordPress client: with ``client`` the caller lends one (a long-lived
    process's: one connection pool, one token) and closes it itself; without, the run opens
    one with ``client_factory`` when it first needs it and closes it at its end."""
    root = config.content.dir
    if not root.is_dir():
        raise ConfigError(
            f"content folder {root} does not exist",
            hint="check [content] dir in config.toml (is the folder mounted?)",
        )
    lock = FolderLock(config.state.path)
    lock.acquire(request.lock_timeout, on_wait="waiting for another wpsync process to finish…")
    try:
        if keep is None:
            with StateStore.open(config.state.path, config.site.url) as state:
                return _execute(config, request, state, client_factory, on_result, on_plan, client)
        try:
            state = keep.get(config.state.path, config.site.url)
            return _execute(config, request, state, client_factory, on_result, on_plan, client)
        except BaseException:
            keep.drop()  # the next run reads the file afresh
            raise
    finally:
        lock.release()


def _execute(
    config: Config,
    request: SyncRequest,
    state: StateStore,
    client_factory: ClientFactory,
    on_result: Callable[[FileResult], None] | None,
    on_plan: Callable[[Sequence[Action]], None] | None,
    client: WordPressClient | None,
) -> SyncReport:
    run = _Run(config, request, state, client_factory, on_result, on_plan, lent=client)
    try:
        return run.execute()
    finally:
        run.close()


def local_items(config: Config, state: StateStore, rels: Sequence[str]) -> list[LocalItem]:
    """The files ``rels``, read, mapped and hashed exactly as a sync sees a new file
    (references completed: images, links, folder pages).  Sends nothing; for ``pull``,
    which links files it wrote itself.  The caller holds the folder lock."""
    run = _Run(config, SyncRequest(dry_run=True), state, default_client, None)
    root = config.content.dir
    files = []
    for rel in rels:
        st = (root / rel).stat()
        files.append((rel, Stat(st.st_size, st.st_mtime_ns)))
    items = run._read(files, {})
    return run.references.settle(items, state.entries(), set(rels), run._read_one)


class _Run:
    def __init__(
        self,
        config: Config,
        request: SyncRequest,
        state: StateStore,
        client_factory: ClientFactory,
        on_result: Callable[[FileResult], None] | None,
        on_plan: Callable[[Sequence[Action]], None] | None = None,
        *,
        lent: WordPressClient | None = None,
    ) -> None:
        self.config = config
        self.request = request
        self.state = state
        self._client_factory = client_factory
        #: a lent client is the caller's to close; one this run opened is closed by it
        self._client: WordPressClient | None = lent
        self._owns_client = lent is None
        self._on_result = on_result
        self._on_plan = on_plan
        self.results: list[FileResult] = []
        self.warnings: list[str] = []
        self._site_down: TransportError | None = None
        self._post_writer: PostWriter | None = None
        #: what each file's write returned in this run (references.py records its status)
        self.written: dict[str, RemotePost] = {}
        self.references = References(
            config.content.dir,
            state,
            block_editor=config.content.block_editor,
            dry_run=request.dry_run,
        )

    @property
    def client(self) -> WordPressClient:
        if self._client is None:
            self._client = self._client_factory(self.config)
        return self._client

    def close(self) -> None:
        if self._client is not None and self._owns_client:
            self._client.close()

    # ------------------------------------------------------------ gather
    def _scope(self) -> tuple[list[tuple[str, Stat]], list[Broken], set[str]]:
        """Files to look at (rel, stat), scan errors, and the rels in scope."""
        from wpsync.source.content import is_markdown, scan_content

        root = self.config.content.dir
        broken: list[Broken] = []
        if self.request.paths is None:
            scan = scan_content(root)
            for error in scan.errors:
                broken.append(Broken(_rel_of(error.path, root), error))
            files = [(f.rel, Stat(f.size, f.mtime_ns)) for f in scan.files]
            return files, broken, {rel for rel, _ in files} | {b.rel for b in broken}
        files = []
        scope: set[str] = set()
        for raw in self.request.paths:
            rel = _content_rel(raw, root)
            if rel is None:
                broken.append(
                    Broken(str(raw), DocumentError(raw, f"not inside the content folder {root}"))
                )
                continue
            if not is_markdown(rel):
                continue
            scope.add(rel)
            try:
                st = (root / rel).stat()
            except FileNotFoundError:
                continue  # gone: a deletion if we know it
            except OSError as exc:
                broken.append(Broken(rel, DocumentError(rel, f"cannot read: {exc.strerror}")))
                continue
            files.append((rel, Stat(st.st_size, st.st_mtime_ns)))
        return files, broken, scope

    def _read(
        self, files: Iterable[tuple[str, Stat]], entries: dict[str, Entry]
    ) -> list[LocalItem]:
        items: list[LocalItem | None] = []
        stale: list[tuple[int, str, Stat, Entry | None]] = []
        for rel, stat in files:
            entry = entries.get(rel)
            if entry is not None and (entry.size, entry.mtime_ns) == (stat.size, stat.mtime_ns):
                items.append(Unchanged(rel, stat))  # fast path: not even read
            else:
                stale.append((len(items), rel, stat, entry))
                items.append(None)
        if stale:
            # The reader and the Markdown renderer are imported only by a run with a file
            # to read; many files are read on every core (readpool.py).
            from wpsync.engine.readpool import Job, ReadSettings, load_all

            content = self.config.content
            settings = ReadSettings(
                str(content.dir),
                int(content.max_file_mb * 1024 * 1024),
                content.default_type,
                content.default_status,
            )
            jobs = [Job(rel, stat, e.source_hash if e else None) for _, rel, stat, e in stale]
            for (index, *_), item in zip(stale, load_all(settings, jobs), strict=True):
                items[index] = self._noted(item)
        return [item for item in items if item is not None]

    def _noted(self, item: LocalItem) -> LocalItem:
        if isinstance(item, Changed):
            for warning in item.warnings:
                logger.warning("%s: %s", item.rel, warning)
                self.warnings.append(f"{item.rel}: {warning}")
        return item

    def _read_one(self, rel: str, stat: Stat) -> LocalItem:
        """Read and map one file even though its bytes are known (references.py)."""
        return self._read([(rel, stat)], {})[0]

    def _remote_facts(self, query: planner.RemoteQuery) -> RemoteFacts:
        if not query:
            return RemoteFacts()
        ids, slugs = look_up(self.client, query.ids, query.slugs, self.config.sync.concurrency)
        return RemoteFacts(
            by_id={key: _facts(post) for key, post in ids.items()},
            by_slug={key: _facts(post) for key, post in slugs.items()},
        )

    # ------------------------------------------------------------ run
    def execute(self) -> SyncReport:
        all_entries = self.state.entries()
        files, broken, scope = self._scope()
        full = self.request.paths is None
        entries = (
            all_entries if full else {rel: e for rel, e in all_entries.items() if rel in scope}
        )
        items: list[LocalItem] = [*broken, *self._read(files, all_entries)]
        # Images, link targets, folder pages: a file is read again when one of them changed.
        items = self.references.settle(items, all_entries, None if full else scope, self._read_one)
        options = Options(
            force=self.request.force,
            delete_policy=self.config.content.delete,
            full_scan=True,
            max_deletions=self.config.sync.max_deletions,
            max_deletion_ratio=self.config.sync.max_deletion_ratio,
            renames=self._renames(),
            known_total=len(all_entries),
        )
        # A broken file is not a deleted one: keep its entry out of the deletion pass.
        # A folder that could not be scanned covers everything below it.
        broken_rels = {b.rel for b in broken} | {i.rel for i in items if isinstance(i, Broken)}
        plannable = {rel: e for rel, e in entries.items() if not _under_any(rel, broken_rels)}
        local = [i for i in items if not isinstance(i, Broken)]
        query = planner.needs_remote(local, plannable, options)
        remote = self._remote_facts(query)
        actions = planner.plan(local, plannable, self.state.pending(), remote, options)
        # A conflict that is only our own update whose answer was lost is not one.
        actions = settle_lost_updates(actions, local, self.state.pushing(), lambda: self.client)
        actions = [*(Fail(b.rel, b.error) for b in items if isinstance(b, Broken)), *actions]
        if self._on_plan is not None:
            self._on_plan(actions)
        if self.request.dry_run:
            for action in actions:
                self._report(_planned_result(action))
        else:
            self._apply(actions)
        return SyncReport(
            files=tuple(sorted(self.results, key=lambda r: r.path)),
            dry_run=self.request.dry_run,
            requests=self._client.request_count if self._client is not None else 0,
            warnings=tuple(self.warnings),
        )

    def _renames(self) -> dict[str, str]:
        root = self.config.content.dir
        out: dict[str, str] = {}
        for old, new in self.request.renames:
            old_rel, new_rel = _content_rel(old, root), _content_rel(new, root)
            if old_rel is not None and new_rel is not None:
                out[new_rel] = old_rel
        return out

    def _stopping(self) -> TransportError | None:
        if self.request.cancel is None or not self.request.cancel.is_set():
            return None
        return TransportError("wpsync is stopping", hint="it is sent on the next run")

    def _report(self, result: FileResult) -> None:
        self.results.append(result)
        if self._on_result is not None:
            self._on_result(result)

    def _apply(self, actions: Sequence[Action]) -> None:
        writes: list[Create | Update] = []
        for action in actions:
            match action:
                case Fail(rel=rel, error=error):
                    self._report(FileResult(rel, "failed", error=str(error)))
                case Conflict(rel=rel, reason=reason, entry=entry, remote=remote):
                    post_id = entry.post_id if entry else (remote.id if remote else None)
                    detail = self._describe_conflict(entry) if remote is not None else None
                    self._report(FileResult(rel, "conflict", post_id, error=reason, detail=detail))
                case Keep(rel=rel, entry=entry, refresh=refresh):
                    if refresh is not None:
                        self.state.put(refresh)
                    self._report(
                        FileResult(rel, "unchanged", entry.post_id, link=entry.link or None)
                    )
                case Create() | Update():
                    writes.append(action)
                case Delete():
                    pass
        self._apply_writes(writes)
        for action in actions:
            if isinstance(action, Delete):
                self._apply_delete(action)

    # ------------------------------------------------------------ writes
    def _apply_writes(self, writes: list[Create | Update]) -> None:
        if not writes:
            return
        resolver = _Resolver(self)
        writer = self._writer()
        # Terms and images do not depend on each other: the terms are ensured (client
        # only) while the images upload (which writes the state, so on this thread).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wpsync-terms") as ahead:
            terms = ahead.submit(
                warm_terms,
                self.client,
                [w.payload for w in writes],
                self.config.sync.concurrency,
                batch=writer.batching,
            )
            resolver.upload_images(writes)
            warmed = terms.result()
        if warmed.batch_refused is not None:
            writer.switch_off(warmed.batch_refused)
        for wave in _waves(writes, self.state.entries()):
            bodies: list[tuple[Create | Update, dict[str, Any]]] = []
            targets = self.references.targets()  # links to posts written in earlier waves
            for action in wave:
                try:
                    bodies.append(resolver.body(action, targets))
                except (RemoteError, DocumentError) as exc:
                    self._fail(action.rel, exc)
                except AuthError:
                    raise
            self._send(bodies)
            resolver.sent(bodies)
        resolver.relink()

    def _send(self, bodies: list[tuple[Create | Update, dict[str, Any]]]) -> None:
        """Send one wave's writes, ``sync.concurrency`` requests at a time: in batches of
        up to 25 through ``/batch/v1`` (``sync.batch``, while the site takes them), else
        one by one.  Every create is journalled before its request leaves."""
        writer = self._writer()
        concurrency = max(1, self.config.sync.concurrency)
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="wpsync") as pool:
            futures: list[tuple[list[Create | Update], Future[list[RemotePost | RemoteError]]]] = []
            for group in groups(len(bodies), concurrency, batch=writer.batching):
                actions: list[Create | Update] = []
                writes: list[PostWrite] = []
                with self.state.transaction():
                    for action, body in (bodies[i] for i in group):
                        if self._site_down is not None:
                            self._fail(action.rel, self._site_down, prefix="not sent: ")
                            continue
                        if isinstance(action, Create) and action.adopt is None:
                            # Journal the create before it leaves: a lost answer is found
                            # by slug later.
                            self.state.mark_pending(
                                action.rel, action.payload.rest_base, action.payload.slug
                            )
                        elif isinstance(action, Update):
                            # Journal the update too: a lost answer is not a remote edit.
                            self.state.mark_pushing(
                                action.rel, action.entry.post_id, pushed_fields(body)
                            )
                        actions.append(action)
                        writes.append(self._write_one(action, body))
                if writes:
                    futures.append((actions, pool.submit(writer.send, writes)))
            for actions, future in futures:
                outcomes = future.result()  # an AuthError stops the run
                for action, outcome in zip(actions, outcomes, strict=True):
                    if isinstance(outcome, TransportError):
                        prefix = "not sent: " if outcome is self._site_down else ""
                        self._site_down = outcome
                        self._fail(action.rel, outcome, prefix=prefix)
                    elif isinstance(outcome, RemoteError):
                        self._fail(action.rel, outcome)
                    else:
                        self._record(action, outcome)

    def _writer(self) -> PostWriter:
        """One per run, so a site found without batching is asked only once."""
        if self._post_writer is None:
            self._post_writer = PostWriter(
                self.client, batch=self.config.sync.batch, stopping=self._stopping
            )
        return self._post_writer

    def _write_one(self, action: Create | Update, body: dict[str, Any]) -> PostWrite:
        rest_base = action.payload.rest_base
        if isinstance(action, Update):
            return PostWrite(rest_base, action.entry.post_id, body)
        if action.adopt is not None:
            return PostWrite(rest_base, action.adopt.id, body)
        return PostWrite(rest_base, None, body)

    def _record(self, action: Create | Update, post: RemotePost) -> None:
        entry = Entry(
            rel=action.rel,
            rest_base=action.payload.rest_base,
            post_id=post.id,
            slug=post.slug,
            source_hash=action.source_hash,
            payload_hash=action.payload_hash,
            modified_gmt=post.modified_gmt,
            link=post.link,
            size=action.stat.size,
            mtime_ns=action.stat.mtime_ns,
        )
        with self.state.transaction():
            if isinstance(action, Update) and action.renamed_from:
                self.state.remove(action.renamed_from)
            self.state.put(entry)
        self.written[action.rel] = post
        if isinstance(action, Create):
            verb, detail = "created", ("recovered earlier create" if action.adopt else None)
        else:
            verb = "updated"
            detail = f"renamed from {action.renamed_from}" if action.renamed_from else None
        if post.slug != action.payload.slug:
            self.warnings.append(f"{action.rel}: WordPress changed the slug to '{post.slug}'")
        logger.info("%s %s/%d %s", verb, action.payload.rest_base, post.id, action.rel)
        self._report(FileResult(action.rel, verb, post.id, detail=detail, link=post.link or None))

    def _fail(self, rel: str, exc: WpsyncError, prefix: str = "") -> None:
        message = str(exc)
        if isinstance(exc, RemoteError) and exc.code and exc.code not in message:
            message = f"{message} ({exc.code})"
        logger.error("%s: %s%s", rel, prefix, message)
        transient = isinstance(exc, TransportError)
        self._report(FileResult(rel, "failed", error=prefix + message, transient=transient))

    def _describe_conflict(self, entry: Entry | None) -> str | None:
        """What was changed in WordPress since our push (one GET), if it can be told."""
        from wpsync.engine.conflicts import describe_conflict

        if entry is None:
            return None
        try:
            remote = self.client.get_post_raw(entry.rest_base, entry.post_id)
        except AuthError:
            raise
        except RemoteError as exc:
            logger.debug("%s: cannot describe the conflict: %s", entry.rel, exc)
            return None
        pushed = self.references.pushed.get(entry.rel)
        fields = pushed.fields if pushed is not None and pushed.fields else None
        return describe_conflict(fields, remote).summary()

    def _apply_delete(self, action: Delete) -> None:
        entry = action.entry
        if self._site_down is None and action.policy != "keep":
            self._site_down = self._stopping()
        if self._site_down is not None and action.policy != "keep":
            self._fail(entry.rel, self._site_down, prefix="not sent: ")
            return
        try:
            if action.policy == "trash":
                self.client.delete_post(entry.rest_base, entry.post_id, force=False)
            elif action.policy == "delete":
                self.client.delete_post(entry.rest_base, entry.post_id, force=True)
            elif action.policy == "draft":
                self.client.update_post(entry.rest_base, entry.post_id, {"status": "draft"})
        except AuthError:
            raise
        except RemoteError as exc:
            if exc.status == 404:
                logger.info("%s: post %d was already gone from WordPress", entry.rel, entry.post_id)
            else:
                if isinstance(exc, TransportError):
                    self._site_down = exc
                self._fail(entry.rel, exc)
                return
        self.state.remove(entry.rel)
        logger.info(
            "deleted (%s) %s/%d %s", action.policy, entry.rest_base, entry.post_id, entry.rel
        )
        self._report(FileResult(entry.rel, "deleted", entry.post_id, detail=action.policy))


# ---------------------------------------------------------------- reference resolution


class _Resolver:
    """Turns a payload into the REST body: names (terms, author, parent) into IDs once per
    run, local images into uploads, links into permalinks (references.py)."""

    def __init__(self, run: _Run) -> None:
        from wpsync.engine.media import MediaLibrary

        self.run = run
        self.refs = run.references
        self._terms: dict[tuple[str, tuple[str, ...]], int] = {}
        self._users: dict[str, int] = {}
        self.media = MediaLibrary(
            run.state,
            self.refs.images,
            lambda: run.client,
            concurrency=run.config.sync.concurrency,
            stopping=run._stopping,
        )
        self._sent: dict[str, Sent] = {}
        self._pending: dict[str, tuple[Sent, dict[str, Any]]] = {}

    def upload_images(self, writes: Sequence[Create | Update]) -> None:
        """Every image the writes use that the site lacks, uploaded in parallel."""
        from wpsync.engine.references import media_refs

        self.media.ensure(ref for w in writes for ref in media_refs(w.payload))

    def body(self, action: Create | Update, targets: Any) -> tuple[Create | Update, dict[str, Any]]:
        """The REST body, and the action carrying the hash of exactly what is sent."""
        from wpsync.engine.media import ImageError, UploadFailed

        payload = action.payload
        body = payload.scalar_fields()
        if payload.categories:
            body["categories"] = [self.term("categories", path) for path in payload.categories]
        if payload.tags:
            body["tags"] = [self.term("tags", (name,)) for name in payload.tags]
        for taxonomy, names in payload.taxonomies:
            body[taxonomy] = [self.term(taxonomy, (name,)) for name in names]
        if payload.author:
            body["author"] = self.user(payload)
        if payload.parent is not None:
            body["parent"] = self.parent(payload)
        try:
            rendered = self.refs.render(payload, self.media, targets)
        except ImageError as exc:
            raise DocumentError(payload.rel, str(exc)) from None
        except UploadFailed as exc:
            kind = TransportError if isinstance(exc.error, TransportError) else RemoteError
            raise kind(
                str(exc), status=exc.error.status, code=exc.error.code, hint=exc.error.hint
            ) from None
        body["content"] = rendered.content
        if rendered.featured_media is not None:
            body["featured_media"] = rendered.featured_media
        sent = Sent(action.rel, payload, rendered.inputs)
        self._pending[action.rel] = (sent, body)
        hashed = planner.payload_hash(payload, rendered.inputs)
        return dataclasses.replace(action, payload_hash=hashed), body

    def sent(self, bodies: Sequence[tuple[Create | Update, dict[str, Any]]]) -> None:
        """After a wave: record status, inputs and fields of the writes that went through."""
        for action, _ in bodies:
            post = self.run.written.get(action.rel)
            pending = self._pending.pop(action.rel, None)
            if post is None or pending is None:
                continue
            sent, body = pending
            self.refs.recorded(action.rel, post.status, sent.inputs, body)
            self._sent[action.rel] = sent

    def relink(self) -> None:
        """Links to posts that got their URL in this run; warnings for the rest."""
        failed = {r.path: r.error or "" for r in self.run.results if r.action == "failed"}
        skip = {r.path for r in self.run.results if r.action in ("failed", "conflict")}
        outcome = self.refs.relink(
            self._sent,
            self.run.client,
            self.run._read_one,
            concurrency=self.run.config.sync.concurrency,
            skip=skip,
        )
        for rel, post_id in outcome.updated:
            self.run.results[:] = [r for r in self.run.results if r.path != rel]
            entry = self.run.state.get(rel)
            link = entry.link if entry is not None else None
            self.run._report(
                FileResult(rel, "updated", post_id, detail="links updated", link=link or None)
            )
        targets = self.refs.targets(failed)
        for rel, pushed in sorted(self.refs.pushed.items()):
            if rel in self._sent or any(rel == u for u, _ in outcome.updated):
                links = [
                    k[len("link:") :] for k, v in pushed.inputs.items() if k.startswith("link:")
                ]
                for warning in targets.warnings(rel, links):
                    logger.warning("%s", warning)
                    self.run.warnings.append(warning)
        for warning in outcome.warnings:
            logger.warning("%s", warning)
            self.run.warnings.append(warning)
        self.refs.finish()

    def term(self, taxonomy: str, path: tuple[str, ...]) -> int:
        key = (taxonomy, path)
        if key not in self._terms:
            parent = self.term(taxonomy, path[:-1]) if len(path) > 1 else 0
            self._terms[key] = self.run.client.ensure_term(taxonomy, path[-1], parent)
        return self._terms[key]

    def user(self, payload: PostPayload) -> int:
        login = payload.author or ""
        if login not in self._users:
            user_id = self.run.client.find_user(login)
            if user_id is None:
                raise DocumentError(payload.rel, f"author '{login}' is not a user of the site")
            self._users[login] = user_id
        return self._users[login]

    def parent(self, payload: PostPayload) -> int:
        slug = payload.parent or ""
        if not slug:
            return 0
        for entry in self.run.state.entries().values():
            if entry.rest_base == payload.rest_base and entry.slug == slug:
                return entry.post_id
        found = self.run.client.posts_by_slugs(payload.rest_base, [slug]).get(slug)
        if found is None:
            raise DocumentError(payload.rel, f"parent '{slug}' is not published")
        return found.id


def _waves(writes: list[Create | Update], entries: dict[str, Entry]) -> list[list[Create | Update]]:
    """Split writes so a parent is written before its children (pages by depth)."""
    in_run = {(w.payload.rest_base, w.payload.slug): w for w in writes}

    def depth(action: Create | Update, seen: frozenset[str] = frozenset()) -> int:
        parent = action.payload.parent
        key = (action.payload.rest_base, parent or "")
        if not parent or key not in in_run or action.rel in seen:
            return 0
        return 1 + depth(in_run[key], seen | {action.rel})

    waves: dict[int, list[Create | Update]] = {}
    for action in writes:
        waves.setdefault(depth(action), []).append(action)
    return [waves[d] for d in sorted(waves)]


# ---------------------------------------------------------------- helpers


def _facts(post: RemotePost) -> RemotePostFacts:
    return RemotePostFacts(post.id, post.slug, post.status, post.modified_gmt, post.link)


def _under_any(rel: str, prefixes: set[str]) -> bool:
    return rel in prefixes or any(rel.startswith(p.rstrip("/") + "/") for p in prefixes)


def _content_rel(raw: Path, root: Path) -> str | None:
    """``raw`` (absolute, or relative to the working directory) as a path under ``root``."""
    path = raw if raw.is_absolute() else Path.cwd() / raw
    try:
        return Path(os.path.normpath(path)).relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return None


def _rel_of(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def _planned_result(action: Action) -> FileResult:
    match action:
        case Create(rel=rel, adopt=adopt):
            return FileResult(rel, "created", adopt.id if adopt else None, detail="would create")
        case Update(rel=rel, entry=entry, reason=reason):
            return FileResult(rel, "updated", entry.post_id, detail=f"would update ({reason})")
        case Keep(rel=rel, entry=entry):
            return FileResult(rel, "unchanged", entry.post_id)
        case Delete(entry=entry, policy=policy):
            return FileResult(entry.rel, "deleted", entry.post_id, detail=f"would {policy}")
        case Conflict(rel=rel, reason=reason, entry=entry, remote=remote):
            post_id = entry.post_id if entry else (remote.id if remote else None)
            return FileResult(rel, "conflict", post_id, error=reason)
        case Fail(rel=rel, error=error):
            return FileResult(rel, "failed", error=str(error))
    raise AssertionError(action)
