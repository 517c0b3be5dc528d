"""The sync pipeline: scan → read/map → plan → apply, with the state updated per action.

This is the one place a file change becomes WordPress writes.  Every entry point (the
``sync`` command, the watcher, git hooks) calls :func:`run_sync`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import plan as planner
from .config import Config, resolve_password
from .errors import AuthError, ConfigError, DocumentError, RemoteError, TransportError, WpsyncError
from .model import PostPayload
from .plan import (
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
from .state import Entry, FolderLock, StateStore

if TYPE_CHECKING:
    from .client import RemotePost, WordPressClient

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
    from .client import WordPressClient

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
) -> SyncReport:
    """Sync (or, with ``request.dry_run``, only plan).  ``on_plan`` sees the planned
    actions before any is carried out (one result follows per action: a progress total);
    ``on_result`` sees each file's outcome as it happens."""
    root = config.content.dir
    if not root.is_dir():
        raise ConfigError(
            f"content folder {root} does not exist",
            hint="check [content] dir in config.toml (is the folder mounted?)",
        )
    lock = FolderLock(config.state.path)
    lock.acquire(request.lock_timeout, on_wait="waiting for another wpsync process to finish…")
    try:
        with StateStore.open(config.state.path, config.site.url) as state:
            run = _Run(config, request, state, client_factory, on_result, on_plan)
            try:
                return run.execute()
            finally:
                run.close()
    finally:
        lock.release()


class _Run:
    def __init__(
        self,
        config: Config,
        request: SyncRequest,
        state: StateStore,
        client_factory: ClientFactory,
        on_result: Callable[[FileResult], None] | None,
        on_plan: Callable[[Sequence[Action]], None] | None = None,
    ) -> None:
        self.config = config
        self.request = request
        self.state = state
        self._client_factory = client_factory
        self._client: WordPressClient | None = None
        self._on_result = on_result
        self._on_plan = on_plan
        self.results: list[FileResult] = []
        self.warnings: list[str] = []
        self._site_down: TransportError | None = None

    @property
    def client(self) -> WordPressClient:
        if self._client is None:
            self._client = self._client_factory(self.config)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # ------------------------------------------------------------ gather
    def _scope(self) -> tuple[list[tuple[str, Stat]], list[Broken], set[str]]:
        """Files to look at (rel, stat), scan errors, and the rels in scope."""
        from .content import is_markdown, scan_content

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
        from .content import read_document
        from .mapping import MappingDefaults, map_document

        root = self.config.content.dir
        defaults = MappingDefaults(
            self.config.content.default_type, self.config.content.default_status
        )
        max_bytes = int(self.config.content.max_file_mb * 1024 * 1024)
        items: list[LocalItem] = []
        for rel, stat in files:
            entry = entries.get(rel)
            if entry is not None and (entry.size, entry.mtime_ns) == (stat.size, stat.mtime_ns):
                items.append(Unchanged(rel, stat))  # fast path: not even read
                continue
            try:
                doc = read_document(root, rel, max_bytes=max_bytes)
                if entry is not None and doc.source_hash == entry.source_hash:
                    items.append(Unchanged(rel, stat))
                    continue
                mapped = map_document(doc, defaults)
            except DocumentError as error:
                items.append(Broken(rel, error))
                continue
            for warning in mapped.warnings:
                logger.warning("%s: %s", rel, warning)
                self.warnings.append(f"{rel}: {warning}")
            items.append(
                Changed(
                    rel,
                    stat,
                    doc.source_hash,
                    mapped.payload,
                    planner.payload_hash(mapped.payload),
                    mapped.warnings,
                )
            )
        return items

    def _remote_facts(self, query: planner.RemoteQuery) -> RemoteFacts:
        if not query:
            return RemoteFacts()
        by_id: dict[tuple[str, int], RemotePostFacts] = {}
        by_slug: dict[tuple[str, str], RemotePostFacts] = {}
        for rest_base, ids in query.ids.items():
            for post_id, post in self.client.posts_by_ids(rest_base, list(ids)).items():
                by_id[(rest_base, post_id)] = _facts(post)
        for rest_base, slugs in query.slugs.items():
            for slug, post in self.client.posts_by_slugs(rest_base, list(slugs)).items():
                by_slug[(rest_base, slug)] = _facts(post)
        return RemoteFacts(by_id=by_id, by_slug=by_slug)

    # ------------------------------------------------------------ run
    def execute(self) -> SyncReport:
        all_entries = self.state.entries()
        files, broken, scope = self._scope()
        full = self.request.paths is None
        entries = (
            all_entries if full else {rel: e for rel, e in all_entries.items() if rel in scope}
        )
        items: list[LocalItem] = [*broken, *self._read(files, all_entries)]
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
                    self._report(FileResult(rel, "conflict", post_id, error=reason))
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
        for wave in _waves(writes, self.state.entries()):
            bodies: list[tuple[Create | Update, dict[str, Any]]] = []
            for action in wave:
                try:
                    bodies.append((action, resolver.body(action.payload)))
                except (RemoteError, DocumentError) as exc:
                    self._fail(action.rel, exc)
                except AuthError:
                    raise
            self._send(bodies)

    def _send(self, bodies: list[tuple[Create | Update, dict[str, Any]]]) -> None:
        concurrency = max(1, self.config.sync.concurrency)
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="wpsync") as pool:
            futures: list[tuple[Create | Update, Future[RemotePost]]] = []
            for action, body in bodies:
                if self._site_down is not None:
                    self._fail(action.rel, self._site_down, prefix="not sent: ")
                    continue
                if isinstance(action, Create) and action.adopt is None:
                    # Journal the create before it leaves: a lost answer is found by slug later.
                    self.state.mark_pending(
                        action.rel, action.payload.rest_base, action.payload.slug
                    )
                futures.append((action, pool.submit(self._write_one, action, body)))
            for action, future in futures:
                try:
                    post = future.result()
                except AuthError:
                    raise
                except TransportError as exc:
                    self._site_down = exc
                    self._fail(action.rel, exc)
                    continue
                except RemoteError as exc:
                    self._fail(action.rel, exc)
                    continue
                self._record(action, post)

    def _write_one(self, action: Create | Update, body: dict[str, Any]) -> RemotePost:
        if (stopping := self._stopping()) is not None:
            raise stopping
        rest_base = action.payload.rest_base
        if isinstance(action, Update):
            return self.client.update_post(rest_base, action.entry.post_id, body)
        if action.adopt is not None:
            return self.client.update_post(rest_base, action.adopt.id, body)
        return self.client.create_post(rest_base, body)

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
    """Turns names in a payload (terms, author, parent) into WordPress IDs, once per run."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self._terms: dict[tuple[str, tuple[str, ...]], int] = {}
        self._users: dict[str, int] = {}

    def body(self, payload: PostPayload) -> dict[str, Any]:
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
        return body

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
