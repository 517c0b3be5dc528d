"""``wpsync resolve``: settle a conflict between a file and its post edited (or trashed,
or deleted) in WordPress.

- ``keep="remote"``: WordPress's version is written into the file — front matter and
  body, converted as ``pull`` converts a post (:func:`wpsync.adopt.pull.front_matter`,
  :func:`~wpsync.adopt.pull.html_to_markdown`) — at the file's own path, and recorded as
  in sync (the hashes computed from the written file as ``sync`` computes them, the
  post's ``modified_gmt`` kept), so the next sync sends nothing.  A unified diff of the
  file, before → after, is reported.
- ``keep="local"``: the file is sent over the post, as ``sync --overwrite FILE`` does; a
  post trashed in WordPress is published again, a post deleted for good is created again
  with its old slug.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from wpsync.adopt.pull import front_matter, html_to_markdown, post_slug, render_file
from wpsync.adopt.pullfiles import existing_bytes, write_inside
from wpsync.engine.paths import content_rel
from wpsync.engine.terms import fetch_terms
from wpsync.errors import AuthError, DocumentError, RemoteError, TransportError, WpsyncError
from wpsync.model import Entry, edited_since
from wpsync.wordpress.records import stored_digest

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.engine.report import FileResult
    from wpsync.store.state import StateStore
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.connect import ClientFactory

logger = logging.getLogger(__name__)

Keep = Literal["local", "remote"]
ResolveAction = Literal["kept remote", "kept local", "unchanged", "failed"]


@dataclass(frozen=True)
class Resolved:
    path: str
    action: ResolveAction
    post_id: int | None = None
    detail: str = ""
    diff: str = ""  # keep-remote: the file before → after

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "action": self.action, "id": self.post_id}
        if self.detail:
            out["detail"] = self.detail
        if self.diff:
            out["diff"] = self.diff
        return out


@dataclass(frozen=True)
class ResolveReport:
    files: tuple[Resolved, ...]

    @property
    def exit_code(self) -> int:
        return 1 if any(f.action == "failed" for f in self.files) else 0

    def to_json(self) -> dict[str, Any]:
        return {"files": [f.to_json() for f in self.files]}


def in_folder(raw: Path, root: Path) -> Path:
    """A path as given on the command line — from the working directory, or as plan and
    sync name a file: relative to the content folder."""
    rel = content_rel(raw, root)
    from_cwd = rel is not None and (root / rel).exists()
    if not raw.is_absolute() and not from_cwd and ((root / raw).exists() or rel is None):
        return root / raw
    return raw


def run_resolve(
    config: Config,
    paths: Sequence[Path],
    keep: Keep,
    *,
    lock_timeout: float | None = 600.0,
    client_factory: ClientFactory | None = None,
    on_result: Callable[[Resolved], None] | None = None,
) -> ResolveReport:
    paths = [in_folder(raw, config.content.dir) for raw in paths]
    if keep == "local":
        return _keep_local(config, paths, lock_timeout, client_factory, on_result)
    from wpsync.store.lock import FolderLock
    from wpsync.store.state import StateStore
    from wpsync.wordpress.connect import RunClient, open_client

    lock = FolderLock(config.state.path)
    lock.acquire(lock_timeout, on_wait=lambda message: logger.warning("%s", message))
    results: list[Resolved] = []
    try:
        with StateStore.open(config.state.path, config.site.url) as state:
            run_client = RunClient(config, factory=client_factory or open_client)
            try:
                for raw in paths:
                    result = _keep_remote_one(config, state, run_client.get, raw)
                    results.append(result)
                    if on_result is not None:
                        on_result(result)
            finally:
                run_client.close()
    finally:
        lock.release()
    return ResolveReport(tuple(results))


def _keep_local(
    config: Config,
    paths: Sequence[Path],
    lock_timeout: float | None,
    client_factory: ClientFactory | None,
    on_result: Callable[[Resolved], None] | None,
) -> ResolveReport:
    from wpsync.engine.run import SyncRequest, run_sync
    from wpsync.wordpress.connect import open_client

    def relay(result: FileResult) -> None:
        if on_result is not None:
            on_result(_from_sync(result))

    report = run_sync(
        config,
        SyncRequest(paths=tuple(paths), overwrite=True, lock_timeout=lock_timeout),
        client_factory=client_factory or open_client,
        on_result=relay,
    )
    return ResolveReport(tuple(_from_sync(r) for r in report.files))


def _from_sync(result: FileResult) -> Resolved:
    if result.action in ("created", "updated"):
        what = "published again" if result.action == "created" else "sent over WordPress's copy"
        return Resolved(result.path, "kept local", result.id, what)
    if result.action == "unchanged":
        return Resolved(result.path, "unchanged", result.id, "WordPress already has the file")
    return Resolved(result.path, "failed", result.id, str(result.error or result.action))


def _keep_remote_one(
    config: Config, state: StateStore, client: Callable[[], WordPressClient], raw: Path
) -> Resolved:
    root = config.content.dir
    rel = content_rel(raw, root) or str(raw)
    entry = state.get(rel)
    if entry is None:
        return Resolved(
            rel, "failed", None, "not linked to a post (nothing to take from WordPress)"
        )
    try:
        post = client().get_post_raw(entry.rest_base, entry.post_id)
    except AuthError:
        raise
    except TransportError:
        raise
    except RemoteError as exc:
        if exc.status in (404, 410):
            return Resolved(
                rel,
                "failed",
                entry.post_id,
                "deleted on the site: there is no version to keep; `--keep-local` publishes "
                "the file again",
            )
        return Resolved(rel, "failed", entry.post_id, str(exc))
    if not edited_since(entry, str(post.get("modified_gmt") or ""), stored_digest(post)):
        return Resolved(
            rel, "unchanged", entry.post_id, "not edited in WordPress since the last sync"
        )
    if post.get("status") == "trash":
        return Resolved(
            rel,
            "failed",
            entry.post_id,
            "trashed on the site: restore it in WordPress first, or delete the file to let "
            "the post go",
        )
    try:
        text = remote_text(config, client(), entry.rest_base, post)
    except WpsyncError:
        raise
    except Exception as exc:  # bad data from the site: this file fails alone
        return Resolved(rel, "failed", entry.post_id, f"could not be converted: {exc}")
    before = existing_bytes(root, rel)
    old = before.decode("utf-8", "replace") if before is not None else ""
    diff = "\n".join(
        difflib.unified_diff(
            old.splitlines(),
            text.splitlines(),
            fromfile=f"local/{rel}",
            tofile=f"wordpress/{entry.rest_base}/{entry.post_id}",
            lineterm="",
            n=2,
        )
    )
    try:
        write_inside(root, rel, text)
        record(config, state, rel, entry, post)
    except OSError as exc:
        return Resolved(rel, "failed", entry.post_id, f"cannot be written: {exc.strerror}")
    except DocumentError as exc:
        return Resolved(rel, "failed", entry.post_id, f"written, but cannot be read back: {exc}")
    return Resolved(
        rel, "kept remote", entry.post_id, "the file now holds WordPress's version", diff
    )


def remote_text(
    config: Config, client: WordPressClient, rest_base: str, post: dict[str, Any]
) -> str:
    """The Markdown file for ``post`` (``context=edit``), as ``pull`` would write it."""
    categories: dict[int, tuple[str, int]] = {}
    tags: dict[int, tuple[str, int]] = {}
    fetch_terms(client, "categories", _ids(post.get("categories")), categories)
    fetch_terms(client, "tags", _ids(post.get("tags")), tags)
    parents: dict[int, str] = {}
    parent = post.get("parent")
    if isinstance(parent, int) and parent:
        found = client.get_post(rest_base, parent)
        if found is not None:
            parents[parent] = post_slug({"slug": found.slug, "id": found.id})
    front = front_matter(post, rest_base, categories=categories, tags=tags, parents=parents)
    content = post.get("content")
    raw = content.get("raw", "") if isinstance(content, dict) else str(content or "")
    return render_file(front, html_to_markdown(str(raw or ""), config.site.url))


def record(config: Config, state: StateStore, rel: str, entry: Entry, post: dict[str, Any]) -> None:
    """Record the written file as in sync with ``post`` (hashes as ``sync`` makes them)."""
    from wpsync.engine.items import Changed
    from wpsync.engine.reading import local_items

    [item] = local_items(config, state, [rel])
    if not isinstance(item, Changed):
        error = getattr(item, "error", None)
        raise error or DocumentError(rel, "could not be read back")
    state.put(
        Entry(
            rel=rel,
            rest_base=entry.rest_base,
            post_id=entry.post_id,
            slug=item.payload.slug,
            source_hash=item.source_hash,
            payload_hash=item.payload_hash,
            modified_gmt=str(post.get("modified_gmt") or ""),
            link=str(post.get("link") or entry.link),
            size=item.stat.size,
            mtime_ns=item.stat.mtime_ns,
            stored=stored_digest(post),
        )
    )


def _ids(value: object) -> list[int]:
    return [int(v) for v in value if isinstance(v, int)] if isinstance(value, list) else []
