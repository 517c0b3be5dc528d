"""Rebuilding the state file from WordPress (``wpsync state rebuild``), creating nothing.

When the state file is lost or unreadable, every file is linked again to its post:

1. by the old mapping, as far as the old file can still be read (its ``entries`` table,
   row by row, until the damage);
2. else by slug (``status=any``, as a lost create is recovered).

A file with no post stays unlinked: the next ``wpsync sync`` creates it.  For each linked
file the post is read (``context=edit``).  A post carrying wpsync's fingerprint
(engine/fingerprint.py) is judged as a sync without a state judges it
(engine/adoption.py): unedited since it was sent and the file the same → linked; unedited
and the file changed since → ``differs`` (the next sync updates it); edited in WordPress
since → ``conflict``: linked as edited since the last push, so the next sync reports
the conflict and never overwrites the edit (``--force`` does).  A post without a fingerprint (published by an earlier wpsync) is
compared with what a sync would send: title,
content (links and images resolved as the sync does), excerpt, status, slug, date, terms,
author, parent and the other scalar fields.  A file that matches gets the hashes a sync
would have recorded (its next sync reports it unchanged, without a request); a file that
differs, or cannot be verified (an image never uploaded from this folder), is recorded
as needing an update: the next sync sends it (it is listed here first, so ``--dry-run``
shows what would be overwritten).

The unreadable file is moved aside (``state.sqlite.corrupt-<time>``; a readable one to
``state.sqlite.old-<time>``) and the new state is built next to it and moved into place
in one rename.  The folder lock is held throughout.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from wpsync.config import Config
from wpsync.engine.adoption import EDITED, raw_text, recognition
from wpsync.engine.conflicts import describe_conflict, pushed_fields
from wpsync.engine.fingerprint import strip_fingerprint
from wpsync.engine.items import Broken, Changed, LocalItem
from wpsync.engine.terms import fetch_terms, term_path
from wpsync.errors import AuthError, RemoteError
from wpsync.model import Entry, MediaEntry, Pushed, RestBody, scalar_body
from wpsync.store.lock import FolderLock
from wpsync.store.state import STATE_FILE, StateStore, integrity_problem
from wpsync.wordpress.records import stored_digest

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.connect import ClientFactory, RunClient
    from wpsync.wordpress.records import RemotePost

logger = logging.getLogger(__name__)

#: payload hash of a linked file whose post differs: never equal to a real hash
DIFFERS = "rebuild:differs"


#: what the rebuild did with a file (see :class:`Relinked`)
RelinkOutcome = Literal["linked", "differs", "conflict", "new", "failed"]
#: how a file was linked to its post: by the old state's mapping, or by slug
FoundBy = Literal["mapping", "slug"]
#: what became of the old state file: none, readable, or damaged
OldState = Literal["missing", "readable", "corrupt"]


@dataclass(frozen=True)
class Relinked:
    """What the rebuild did with one file.

    ``outcome``: ``linked`` (matches its post), ``differs`` (linked; the next sync updates
    the post), ``conflict`` (its post was edited in WordPress since wpsync sent it: the
    next sync reports it; or the post with its slug is another file's: not linked), ``new`` (no post: the next sync creates one) or
    ``failed`` (unreadable)."""

    rel: str
    outcome: RelinkOutcome
    post_id: int | None = None
    how: FoundBy | None = None
    detail: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.rel,
            "outcome": self.outcome,
            "id": self.post_id,
            "how": self.how,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class RebuildReport:
    files: tuple[Relinked, ...]
    dry_run: bool
    old_state: OldState
    salvaged: int  # entries read back from the old state file
    moved_to: str | None = None  # where the old file went
    requests: int = 0

    def count(self, outcome: RelinkOutcome) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("failed") else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "linked": self.count("linked"),
            "differs": self.count("differs"),
            "conflict": self.count("conflict"),
            "new": self.count("new"),
            "failed": self.count("failed"),
            "dry_run": self.dry_run,
            "old_state": self.old_state,
            "salvaged": self.salvaged,
            "moved_to": self.moved_to,
            "requests": self.requests,
            "files": [f.to_json() for f in self.files],
        }


@dataclass(frozen=True)
class Salvage:
    """What could be read back from the old state file."""

    status: OldState
    entries: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # rel → (type, id)
    media: tuple[MediaEntry, ...] = ()
    problem: str = ""


def rebuild_state(
    config: Config,
    *,
    dry_run: bool = False,
    client_factory: ClientFactory | None = None,
    lock_timeout: float | None = 600.0,
    client: WordPressClient | None = None,
) -> RebuildReport:
    """Re-link every file of the content folder to its post; see the module docstring.

    Who owns the WordPress client, as for :func:`~wpsync.engine.executor.run_sync`: with
    ``client`` the caller lends one and closes it itself; without, the rebuild opens its
    own with ``client_factory`` when it first needs it and closes it."""
    from wpsync.wordpress.connect import RunClient, open_client

    lock = FolderLock(config.state.path)
    lock.acquire(lock_timeout)
    try:
        run_client = RunClient(config, factory=client_factory or open_client, lent=client)
        return _Rebuild(config, run_client, dry_run).run()
    finally:
        lock.release()


def salvage(path: Path) -> Salvage:
    """Read what can be read of a state file (never raises for a damaged one)."""
    if not path.exists():
        return Salvage("missing")
    entries: dict[str, tuple[str, int]] = {}
    media: list[MediaEntry] = []
    problem = ""
    try:
        problem = _read_rows(path, entries, media)
    except (sqlite3.Error, OSError, ValueError) as exc:
        problem = str(exc) or type(exc).__name__
    return Salvage("corrupt" if problem else "readable", entries, tuple(media), problem)


def _read_rows(path: Path, entries: dict[str, tuple[str, int]], media: list[MediaEntry]) -> str:
    if path.stat().st_size == 0:
        return "the file is empty"
    uri = f"file:{path}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=5)
    try:
        problem = ""
        try:  # the same check the state store makes when it opens the file
            row = conn.execute("PRAGMA quick_check").fetchone()
            if not row or row[0] != "ok":
                problem = f"integrity check failed: {integrity_problem(row)}"
        except sqlite3.Error as exc:
            return str(exc)
        try:
            for rel, rest_base, post_id in conn.execute(
                "SELECT rel, rest_base, post_id FROM entries"
            ):
                entries[str(rel)] = (str(rest_base), int(post_id))
        except (sqlite3.Error, ValueError, TypeError) as exc:
            problem = str(exc) or "unreadable entries"
        try:
            for row in conn.execute("SELECT content_hash, media_id, source_url, rel FROM media"):
                media.append(MediaEntry(str(row[0]), int(row[1]), str(row[2]), str(row[3])))
        except (sqlite3.Error, ValueError, TypeError) as exc:
            problem = problem or str(exc)
        return problem
    finally:
        conn.close()


class _Rebuild:
    def __init__(self, config: Config, client: RunClient, dry_run: bool) -> None:
        self.config = config
        self.dry_run = dry_run
        self._client = client
        self._requests_before = client.request_count  # a lent client may have sent some
        self._terms: dict[str, dict[int, tuple[str, int]]] = {}

    @property
    def client(self) -> WordPressClient:
        return self._client.get()

    def run(self) -> RebuildReport:
        state_dir = self.config.state.path
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / STATE_FILE
        old = salvage(path)
        if old.status == "corrupt":
            logger.warning("%s is unreadable (%s): rebuilding it", path, old.problem)
        work = Path(tempfile.mkdtemp(prefix=".rebuild-", dir=state_dir))
        try:
            with StateStore.open(work, self.config.site.url) as new:
                for media in old.media:
                    new.put_media(media)
                files = self._relink(new, old)
            moved = None if self.dry_run else _swap(work / STATE_FILE, path, old.status)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            self._client.close()
        return RebuildReport(
            files=tuple(sorted(files, key=lambda f: f.rel)),
            dry_run=self.dry_run,
            old_state=old.status,
            salvaged=len(old.entries),
            moved_to=str(moved) if moved else None,
            requests=self._client.request_count - self._requests_before,
        )

    # ------------------------------------------------------------ linking

    def _relink(self, new: StateStore, old: Salvage) -> list[Relinked]:
        from wpsync.engine.reading import Reader, local_items

        scope = Reader(self.config.content).scope(None)
        results = [Relinked(b.rel, "failed", detail=str(b.error)) for b in scope.broken]
        items = local_items(self.config, new, [rel for rel, _ in scope.files])
        results += [Relinked(i.rel, "failed", detail=str(i.error)) for i in _broken(items)]
        changed = [i for i in items if isinstance(i, Changed)]
        links = self._find_posts(changed, old)
        results += [
            Relinked(i.rel, "new", detail=f"no post with slug '{i.payload.slug}'")
            for i in changed
            if i.rel not in links
        ]
        # First pass: the links and their posts' statuses, so that links between files
        # resolve to permalinks as in a sync …
        for item in changed:
            if item.rel in links:
                post, _ = links[item.rel]
                new.put(_entry(item, post, DIFFERS, linked=False))
                new.put_pushed(Pushed(item.rel, post.status, {}, {}))
        # … then read every file again as a sync would, and compare with its post.
        again = {
            i.rel: i for i in local_items(self.config, new, sorted(links)) if isinstance(i, Changed)
        }
        raws = self._raw_posts(links.values())
        for rel, (post, how) in sorted(links.items()):
            reread = again.get(rel)
            raw = raws.get((post.rest_base, post.id))
            body: RestBody = {}
            seen = recognition(rel, raw) if raw is not None else None
            edited = seen is not None and seen.verdict == "edited"
            # found by slug, but published from another file: not this file's
            another = seen is not None and seen.fingerprint is not None and how == "slug"
            if seen is not None and (edited or (another and seen.verdict == "foreign")):
                new.remove(rel)
                if edited:  # this folder's post: linked as edited since the last push
                    first = next(i for i in changed if i.rel == rel)
                    entry = _entry(reread or first, post, EDITED, linked=False)
                    new.put(dataclasses.replace(entry, modified_gmt=""))
                detail = f"{seen.reason} (the next sync reports it as a conflict)"
                results.append(Relinked(rel, "conflict", post.id, how, detail))
                continue
            if reread is None or raw is None:
                differences = ["cannot be read back"]
            elif seen is not None and seen.verdict == "ours" and seen.fingerprint is not None:
                # Unedited in WordPress: what the file would send now is all that counts.
                same = reread.payload_hash == seen.fingerprint.payload_hash
                differences = [] if same else ["the file changed since it was published"]
                body = {
                    "title": raw_text(raw, "title"),
                    "content": raw_text(raw, "content"),
                    "status": str(raw.get("status") or ""),
                }
            else:
                differences, body = self._differences(reread, raw, new)
            if differences:
                new.remove(rel)  # and its pushed record: nothing of it is known to be online
                first = next(i for i in changed if i.rel == rel)
                new.put(_entry(reread or first, post, DIFFERS, linked=False))
                detail = "differs: " + ", ".join(differences) + " (the next sync updates it)"
                results.append(Relinked(rel, "differs", post.id, how, detail))
            else:
                assert reread is not None and raw is not None
                # (as of the post read back: its time and its texts' digest together)
                entry = dataclasses.replace(
                    _entry(reread, post, reread.payload_hash, linked=True),
                    modified_gmt=str(raw.get("modified_gmt") or post.modified_gmt),
                    stored=stored_digest(raw),
                )
                with new.transaction():  # what a sync records after a push
                    new.put(entry)
                    new.put_pushed(
                        Pushed(rel, post.status, dict(reread.inputs), pushed_fields(body))
                    )
                results.append(Relinked(rel, "linked", post.id, how))
        return results

    def _find_posts(
        self, changed: Sequence[Changed], old: Salvage
    ) -> dict[str, tuple[RemotePost, FoundBy]]:
        """rel → (its post, how it was found): the old mapping first, then the slug."""
        ids: dict[str, list[int]] = {}
        slugs: dict[str, list[str]] = {}
        for item in changed:
            base = item.payload.rest_base
            known = old.entries.get(item.rel)
            if known is not None and known[0] == base:
                ids.setdefault(base, []).append(known[1])
            slugs.setdefault(base, []).append(item.payload.slug)
        by_id = {
            (base, post_id): post
            for base, wanted in ids.items()
            for post_id, post in self.client.posts_by_ids(base, wanted).items()
        }
        by_slug = {
            (base, slug): post
            for base, wanted in slugs.items()
            for slug, post in self.client.posts_by_slugs(base, wanted).items()
        }
        links: dict[str, tuple[RemotePost, FoundBy]] = {}
        taken: set[tuple[str, int]] = set()
        hows: tuple[FoundBy, ...] = ("mapping", "slug")
        for how in hows:
            for item in changed:
                if item.rel in links:
                    continue
                base = item.payload.rest_base
                if how == "mapping":
                    known = old.entries.get(item.rel)
                    post = by_id.get((base, known[1])) if known and known[0] == base else None
                else:
                    post = by_slug.get((base, item.payload.slug))
                if post is not None and (base, post.id) not in taken:
                    taken.add((base, post.id))
                    links[item.rel] = (post, how)
        return links

    def _raw_posts(
        self, posts: Iterable[tuple[RemotePost, FoundBy]]
    ) -> dict[tuple[str, int], dict[str, Any]]:
        wanted = [(post.rest_base, post.id) for post, _ in posts]

        def fetch(key: tuple[str, int]) -> tuple[tuple[str, int], dict[str, Any] | None]:
            try:
                return key, self.client.get_post_raw(*key)
            except AuthError:
                raise
            except RemoteError as exc:
                logger.warning("%s/%d: cannot read it back: %s", key[0], key[1], exc)
                return key, None

        workers = max(1, self.config.sync.concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wpsync") as pool:
            return {key: raw for key, raw in pool.map(fetch, wanted) if raw is not None}

    # ------------------------------------------------------------ comparing

    def _differences(
        self, item: Changed, raw: Mapping[str, Any], new: StateStore
    ) -> tuple[list[str], RestBody]:
        """The fields in which the post differs from what a sync would send (or cannot
        be verified; none when the post is what the file says), and that body."""
        payload = item.payload
        body = scalar_body(payload)
        body.pop("password", None)  # never compared: stored as is, not readable back
        out: list[str] = []
        content = self._content(item, new)
        if content is not None:  # a post without a fingerprint is compared without one
            content = strip_fingerprint(content)
        if content is None:
            out.append("images not uploaded from this folder")
            body.pop("content", None)
        else:
            body["content"] = content
        out += list(describe_conflict(pushed_fields(body), raw).fields)
        out += self._term_differences(payload.categories, "categories", raw)
        out += self._term_differences(tuple((t,) for t in payload.tags), "tags", raw)
        for taxonomy, names in payload.taxonomies:
            out += self._term_differences(tuple((n,) for n in names), taxonomy, raw)
        if payload.author and self.client.find_user(payload.author) != raw.get("author"):
            out.append("author")
        if payload.parent == "":
            if raw.get("parent") not in (0, None):
                out.append("parent")
        elif payload.parent is not None:
            found = self.client.posts_by_slugs(payload.rest_base, [payload.parent])
            parent = found.get(payload.parent)
            if parent is None or parent.id != raw.get("parent"):
                out.append("parent")
        return out, body

    def _content(self, item: Changed, new: StateStore) -> str | None:
        """The content a sync would send (links as permalinks, images as their uploads,
        blocks if asked), or None when an image was never uploaded from this folder."""
        from wpsync.engine.media import ImageError, MediaLibrary
        from wpsync.engine.references import References, media_refs

        root = self.config.content.dir
        refs = References(root, new, block_editor=self.config.content.block_editor, dry_run=True)
        images = refs.images
        known = {m.content_hash for m in new.media().values()}
        try:
            if any(images.hash_of(ref.rel) not in known for ref in media_refs(item.payload)):
                return None
        except ImageError:
            return None

        def no_upload() -> WordPressClient:
            raise AssertionError("a rebuild uploads nothing")

        media = MediaLibrary(new, images, no_upload)
        return refs.render(item.payload, media, refs.targets()).content

    def _term_differences(
        self, wanted: tuple[tuple[str, ...], ...], taxonomy: str, raw: Mapping[str, Any]
    ) -> list[str]:
        have = raw.get(taxonomy)
        if not wanted and not isinstance(have, list):
            return []
        if not isinstance(have, list):
            return [taxonomy]
        ids = [int(i) for i in have if isinstance(i, int)]
        if not wanted:
            return []  # a sync sends no terms then: WordPress keeps whatever it has
        paths = {tuple(p.casefold() for p in path) for path in wanted}
        return [] if paths == self._paths(taxonomy, ids) else [taxonomy]

    def _paths(self, taxonomy: str, ids: Sequence[int]) -> set[tuple[str, ...]]:
        known = self._terms.setdefault(taxonomy, {})
        if any(i not in known for i in ids):
            fetch_terms(self.client, taxonomy, ids, known)
        return {tuple(name.casefold() for name in term_path(known, i)) for i in ids}


# ---------------------------------------------------------------- helpers


def _entry(item: Changed, post: RemotePost, payload_hash: str, *, linked: bool) -> Entry:
    """A linked file's entry.  One that does not match its post gets no source hash and
    no stat, so the next sync reads it and, its payload hash being ``DIFFERS``, updates."""
    return Entry(
        rel=item.rel,
        rest_base=post.rest_base,
        post_id=post.id,
        slug=post.slug,
        source_hash=item.source_hash if linked else "",
        payload_hash=payload_hash,
        modified_gmt=post.modified_gmt,
        link=post.link,
        size=item.stat.size if linked else -1,
        mtime_ns=item.stat.mtime_ns if linked else -1,
        stored=post.stored,
    )


def _broken(items: Sequence[LocalItem]) -> list[Broken]:
    return [i for i in items if isinstance(i, Broken)]


def _swap(built: Path, path: Path, old_status: str) -> Path | None:
    """Move the old file (and its WAL) aside and the new one into place."""
    moved = None
    if path.exists():
        stamp = time.strftime("%Y%m%dT%H%M%S")
        kind = "corrupt" if old_status == "corrupt" else "old"
        moved = path.with_name(f"{path.name}.{kind}-{stamp}")
        n = 1
        while moved.exists():
            n += 1
            moved = path.with_name(f"{path.name}.{kind}-{stamp}-{n}")
        os.replace(path, moved)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, moved.with_name(moved.name + suffix))
    os.replace(built, path)
    logger.info("new state file %s written (the old one: %s)", path, moved or "none")
    return moved
