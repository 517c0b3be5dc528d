"""The state store: which WordPress object each source file became.

One SQLite file (``<state>/state.sqlite``) with a schema version from day one.  Every
change is its own transaction (WAL journal), so a crash at any moment leaves either the
old row or the new one.  A state file that exists but cannot be read is an error, never
"start from empty" (that would re-create every post).

A create is journalled in ``pending`` *before* the request leaves, so a create whose
answer was lost (crash, dropped connection) is recognised on the next run and recovered
by slug instead of being sent twice.  An update is journalled in ``pushing`` (the fields
it sends), so an update WordPress carried out but whose answer was lost is recognised
as ours on the next run (recovery.py) instead of being reported as an edit made in
WordPress.

Every wpsync process working on the same folder takes the folder lock
(:class:`wpsync.store.lock.FolderLock`) first; the rows are the records of
:mod:`wpsync.model` (``Entry``, ``Pending``, ``Pushing``, ``Pushed``, ``MediaEntry``,
``MediaRefusal``).

Size: one class, one method per kind of row; split, the transactions would be shared
across modules through private members.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType

from wpsync.errors import StateError
from wpsync.model import Entry, JSONValue, MediaEntry, MediaRefusal, Pending, Pushed, Pushing
from wpsync.store.disk import unwritable, write_problem
from wpsync.store.lock import make_private_dir
from wpsync.store.schema import (
    MIGRATIONS,
    SCHEMA,
    SCHEMA_VERSION,
    TABLES,
    WRITE_TRIGGERS,
    WRITTEN,
)

logger = logging.getLogger(__name__)

STATE_FILE = "state.sqlite"


_ENTRY_COLUMNS = (
    "rel, rest_base, post_id, slug, source_hash, payload_hash, modified_gmt, link, size, "
    "mtime_ns, stored"
)


class StateStore:
    """Read and write the state file.  Use :meth:`open`; not shared between threads, and
    used under the folder lock only (it keeps the entries it read until it writes one)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        #: the entries as read, kept in step with every write (a run over a big folder
        #: asks for them several times: once per wave, for links, for the relink pass);
        #: None = read them again (never read yet, or a transaction rolled back)
        self._entries: dict[str, Entry] | None = None
        #: (rest_base, post_id) → rel of the entries read, made when first asked
        self._index: dict[tuple[str, int], str] | None = None
        self._pushed: dict[str, Pushed] | None = None  # the same, for what was pushed
        #: entries read by key (a run over a few files: :class:`StateEntries`), None for a
        #: file without one; dropped by every write of an entry
        self._known: dict[str, Entry | None] = {}
        #: files whose entry a put() replaced (the same post, another file): their
        #: pushed records are the ones a run over a few files may leave behind
        self._displaced: set[str] = set()
        self._identity = _identity(path)
        self._data_version: int | None = None
        #: the integrity check begun at open with ``verify_later`` (:meth:`verify`)
        self._checking: _QuickCheck | None = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls, state_dir: Path, site_url: str, *, create: bool = True, verify_later: bool = False
    ) -> StateStore:
        """The state of ``site_url`` in ``state_dir`` (made with ``create``), its file
        checked for damage (SQLite's ``quick_check``, which reads every page: ~1 ms a MB).
        With ``verify_later`` that check runs on a thread of its own while the caller goes
        on (a run scans its folder meanwhile); :meth:`verify` waits for it, and the store
        itself before any write."""
        path = state_dir / STATE_FILE
        # SQLite writes beside the file too (-wal, -shm, -journal): no link among them
        for name in (STATE_FILE, *(STATE_FILE + s for s in ("-wal", "-shm", "-journal"))):
            if (state_dir / name).is_symlink():
                raise StateError(
                    f"{state_dir / name} is a symbolic link; wpsync does not follow links in "
                    "its state folder",
                    hint="remove it; `wpsync state rebuild` makes a new state from WordPress",
                )
        exists = path.exists()
        if exists and path.stat().st_size == 0:
            raise _corrupt(path, "the file is empty (truncated)")
        if not exists and not create:
            raise StateError(
                f"no state file at {path}", hint="run `wpsync sync` or `wpsync state rebuild`"
            )
        try:
            make_private_dir(state_dir)
        except OSError as exc:
            raise unwritable(state_dir, exc) from None
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        except sqlite3.Error as exc:
            raise unwritable(path, exc) from None
        store = cls(path, conn)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            if exists:
                store._check(site_url, later=verify_later)
            else:
                store._create(site_url)
            store._identity = _identity(path)
            store._data_version = store._version()
        except (sqlite3.DatabaseError, OSError) as exc:
            conn.close()
            if write_problem(exc) is not None or isinstance(exc, OSError):
                raise unwritable(path, exc) from None
            raise _corrupt(path, str(exc)) from None
        except StateError:
            conn.close()
            raise
        return store

    def _create(self, site_url: str) -> None:
        with self._tx():
            for script in (SCHEMA, *(MIGRATIONS[v] for v in sorted(MIGRATIONS))):
                self._run_script(script)
            self._conn.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('site_url', ?)",
                (str(SCHEMA_VERSION), site_url),
            )
        os.chmod(self.path, 0o600)

    def _check(self, site_url: str, *, later: bool = False) -> None:
        if not later:
            self._quick_check()
        tables = {
            r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not TABLES[1] <= tables:
            raise _corrupt(self.path, "tables are missing")
        meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        version = int(meta.get("schema_version", "0"))
        if version > SCHEMA_VERSION:
            raise StateError(
                f"state file {self.path} was written by a newer wpsync (schema {version})",
                hint="upgrade wpsync",
            )
        if version < 1:
            raise _corrupt(self.path, "no schema version")
        if not TABLES.get(version, TABLES[1]) <= tables:
            raise _corrupt(self.path, "tables are missing")
        if version < SCHEMA_VERSION:
            if later:
                self._quick_check()  # (before the migration writes)
            self._migrate(version)
        elif later:
            self._checking = _QuickCheck(self.path)
        stored_url = meta.get("site_url", "")
        if stored_url and stored_url.rstrip("/") != site_url.rstrip("/"):
            raise StateError(
                f"state file {self.path} belongs to {stored_url}, not {site_url}",
                hint="use a separate [state] path per site",
            )

    def _run_script(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    def _migrate(self, version: int) -> None:
        """Bring an older state file up to ``SCHEMA_VERSION`` in one transaction."""
        with self._tx():
            for target in range(version + 1, SCHEMA_VERSION + 1):
                self._run_script(MIGRATIONS[target])
            self._conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )
        logger.info(
            "state file %s upgraded from schema %d to %d", self.path, version, SCHEMA_VERSION
        )

    def _quick_check(self) -> None:
        row = self._conn.execute("PRAGMA quick_check").fetchone()
        if not row or row[0] != "ok":
            raise _corrupt(self.path, f"integrity check failed: {integrity_problem(row)}")

    def verify(self) -> None:
        """Wait for the check begun at open (``verify_later``): StateError if it found the
        file damaged (then at every call: no write ever goes into it)."""
        if self._checking is not None and (problem := self._checking.problem()) is not None:
            raise _corrupt(self.path, problem)
        self._checking = None

    def close(self) -> None:
        if self._checking is not None:
            self._checking.problem()  # (its thread done before the file is let go)
        self._conn.close()

    def _version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def limit_cache(self, kib: int) -> None:
        """Keep at most ``kib`` KiB of the file's pages in memory (SQLite's default: 2 MB),
        and let go of what is over it now."""
        self._conn.execute(f"PRAGMA cache_size = -{max(1, int(kib))}")
        self._conn.execute("PRAGMA shrink_memory")

    def refresh(self) -> None:
        """For a store kept open between runs (:class:`KeptStore`): forget what it read if
        another process wrote the file since.  :class:`StateError` if the file is no longer
        the one opened (moved aside by ``wpsync state rebuild``): open it again."""
        if _identity(self.path) != self._identity:
            raise StateError(f"state file {self.path} was replaced since it was opened")
        version = self._version()
        if version != self._data_version:
            self._entries = self._pushed = None
            self._known = {}
            self._data_version = version

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        """One exclusive transaction; a disk that refuses the write (read-only, full)
        is a :class:`StateError` naming the file, not SQLite's own exception.  Never into
        a file whose check (:meth:`verify`) has not passed."""
        self.verify()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._forget()
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._forget()
            if write_problem(exc) is None:
                raise
            if self._conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
            raise unwritable(self.path, exc) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one atomic step (inside another: part of that one)."""
        if self._conn.in_transaction:
            yield
            return
        with self._tx():
            yield

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        if self._conn.in_transaction:
            self._conn.execute(sql, args)
        else:
            with self._tx():
                self._conn.execute(sql, args)

    # ------------------------------------------------------------------ entries
    def entries(self) -> dict[str, Entry]:
        """Every entry, by file (a new dict each call)."""
        if self._entries is None:
            intern = sys.intern  # "posts", "pages": one string each, not one per file
            # The posts a batch wrote share their modification time: one string each.
            # (Row by row from the cursor: a big folder's rows are never all held twice.)
            times: dict[str, str] = {}
            kept: dict[str, Entry] = {}
            for row in self._conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries"):
                (
                    rel,
                    rest_base,
                    post_id,
                    slug,
                    source,
                    payload,
                    modified,
                    link,
                    size,
                    mtime,
                    kept_as,
                ) = row
                kept[rel] = Entry(
                    rel,
                    intern(rest_base),
                    post_id,
                    slug,
                    source,
                    payload,
                    times.setdefault(modified, modified),
                    link,
                    size,
                    mtime,
                    kept_as,
                )
            self._entries = kept
            self._index = None
        return dict(self._entries)

    @contextlib.contextmanager
    def _changing_entries(self) -> Iterator[None]:
        """Around a write of entries: a failure leaves the cache to be read again."""
        try:
            yield
        except BaseException:
            self._forget()
            raise

    def _forget(self) -> None:
        """Read the rows again when next asked (a write failed or was rolled back)."""
        self._entries = self._pushed = None
        self._known = {}
        self._index = None  # the index of the entries, rebuilt with them

    def _cache_put(self, entry: Entry) -> None:
        self._known = {}  # another file's row may have gone with it (same post)
        if self._entries is None:
            return
        other = self._objects().get((entry.rest_base, entry.post_id))
        if other is not None and other != entry.rel:
            del self._entries[other]
        self._cache_remove(entry.rel)
        self._entries[entry.rel] = entry
        self._objects()[(entry.rest_base, entry.post_id)] = entry.rel

    def _cache_remove(self, rel: str) -> None:
        self._known.pop(rel, None)
        old = self._entries.pop(rel, None) if self._entries is not None else None
        if old is not None:
            self._objects().pop((old.rest_base, old.post_id), None)

    def _objects(self) -> dict[tuple[str, int], str]:
        """The entries read, by post (built on first use: a run with nothing to write
        never asks)."""
        if self._index is None:
            entries = self._entries or {}
            self._index = {(e.rest_base, e.post_id): e.rel for e in entries.values()}
        return self._index

    def get(self, rel: str) -> Entry | None:
        row = self._conn.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE rel = ?", (rel,)
        ).fetchone()
        return Entry(*row) if row else None

    def entry(self, rel: str) -> Entry | None:
        """The entry of ``rel``, kept once read (like :meth:`entries`)."""
        if self._entries is not None:
            return self._entries.get(rel)
        try:
            return self._known[rel]
        except KeyError:
            pass
        found = self._known[rel] = self.get(rel)
        return found

    def read_entries(self, rels: Iterable[str]) -> None:
        """Read the entries of ``rels`` (those not read yet) in one query per 500."""
        if self._entries is not None:
            return
        todo = sorted({rel for rel in rels if rel not in self._known})
        for start in range(0, len(todo), 500):
            chunk = todo[start : start + 500]
            for rel in chunk:
                self._known[rel] = None
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE rel IN ({marks})", chunk
            ):
                self._known[row[0]] = Entry(*row)

    def entries_where(self, rest_base: str, slug: str | None = None) -> dict[str, Entry]:
        """The entries of one type (``pages``), or of one slug in it (an index each)."""
        if self._entries is not None:
            return {
                rel: e
                for rel, e in self._entries.items()
                if e.rest_base == rest_base and (slug is None or e.slug == slug)
            }
        sql = f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE rest_base = ?"
        args: tuple[str, ...] = (rest_base,)
        if slug is not None:
            sql, args = sql + " AND slug = ?", (rest_base, slug)
        return {row[0]: Entry(*row) for row in self._conn.execute(sql, args)}

    def entries_of_posts(self, rest_base: str, post_ids: Iterable[int]) -> list[Entry]:
        """The entries of these posts of one type (those the state links), read by key
        (the unique index on the post) unless every entry was read already."""
        wanted = sorted(set(post_ids))
        if self._entries is not None:
            objects = self._objects()
            return [
                self._entries[rel]
                for post_id in wanted
                if (rel := objects.get((rest_base, post_id))) is not None
            ]
        out: list[Entry] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE rest_base = ? AND post_id IN ({marks})"
            )
            out.extend(Entry(*row) for row in self._conn.execute(sql, (rest_base, *chunk)))
        return out

    def post_links(self) -> list[tuple[str, int, str]]:
        """Every file's (file, post ID, permalink), by file (what a report of unchanged
        files shows), without making the entries."""
        if self._entries is not None:
            return [(rel, e.post_id, e.link) for rel, e in sorted(self._entries.items())]
        return self._conn.execute("SELECT rel, post_id, link FROM entries ORDER BY rel").fetchall()

    def rel_of(self, rest_base: str, post_id: int) -> str | None:
        """The file linked to a post (the unique index on the post)."""
        if self._entries is not None:  # the index of objects is kept with them
            return self._objects().get((rest_base, post_id))
        row = self._conn.execute(
            "SELECT rel FROM entries WHERE rest_base = ? AND post_id = ?", (rest_base, post_id)
        ).fetchone()
        return str(row[0]) if row else None

    def entry_count(self) -> int:
        if self._entries is not None:
            return len(self._entries)
        return int(self._conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def put(self, entry: Entry) -> None:
        """Record ``entry`` (replacing any row for the same file or the same object) and
        clear the file's pending create, in one transaction."""
        with self._changing_entries(), contextlib.ExitStack() as stack:
            if not self._conn.in_transaction:
                stack.enter_context(self._tx())
            replaced = self._conn.execute(
                "SELECT rel FROM entries WHERE rest_base = ? AND post_id = ? AND rel != ?",
                (entry.rest_base, entry.post_id, entry.rel),
            ).fetchall()
            if replaced:
                self._displaced.update(str(row[0]) for row in replaced)
                self._conn.execute(
                    "DELETE FROM entries WHERE rest_base = ? AND post_id = ? AND rel != ?",
                    (entry.rest_base, entry.post_id, entry.rel),
                )
            self._conn.execute(
                f"INSERT OR REPLACE INTO entries ({_ENTRY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    entry.rel,
                    entry.rest_base,
                    entry.post_id,
                    entry.slug,
                    entry.source_hash,
                    entry.payload_hash,
                    entry.modified_gmt,
                    entry.link,
                    entry.size,
                    entry.mtime_ns,
                    entry.stored,
                ),
            )
            self._conn.execute("DELETE FROM pending WHERE rel = ?", (entry.rel,))
            # the post's journalled update is settled, whichever name its file had then
            self._conn.execute(
                "DELETE FROM pushing WHERE rel = ? OR post_id = ?", (entry.rel, entry.post_id)
            )
            self._cache_put(entry)

    def touch(self, rel: str, size: int, mtime_ns: int) -> None:
        """Remember a new stat for an unchanged file (the fast path next time)."""
        with self._changing_entries():
            self._write(
                "UPDATE entries SET size = ?, mtime_ns = ? WHERE rel = ?", (size, mtime_ns, rel)
            )
            old = self._entries.get(rel) if self._entries is not None else None
            if old is not None:
                self._cache_put(dataclasses.replace(old, size=size, mtime_ns=mtime_ns))
            self._known.pop(rel, None)

    def remove(self, rel: str) -> None:
        with self._changing_entries(), contextlib.ExitStack() as stack:
            if not self._conn.in_transaction:
                stack.enter_context(self._tx())
            self._conn.execute(
                "DELETE FROM pushing WHERE rel = ? OR post_id IN "
                "(SELECT post_id FROM entries WHERE rel = ?)",
                (rel, rel),
            )
            self._conn.execute("DELETE FROM entries WHERE rel = ?", (rel,))
            self._conn.execute("DELETE FROM pushed WHERE rel = ?", (rel,))
            self._cache_remove(rel)
            if self._pushed is not None:
                self._pushed.pop(rel, None)

    # ------------------------------------------------------------------ marks
    def mark(self, key: str) -> str | None:
        """A value kept in the ``meta`` table (e.g. the remote check's ``remote:<type>``)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_mark(self, key: str, value: str | None) -> None:
        if value is None:
            self._write("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._write("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------ the write token
    def written(self) -> str | None:
        """The write token: a value of ``meta`` that every INSERT, UPDATE or DELETE of a
        row (of any table but ``meta``, by any connection) replaces with a fresh random
        one (schema.WRITE_TRIGGERS) — the same token read twice, no row was written in
        between.  None while the triggers are not all installed (:meth:`write_token`)."""
        names = tuple(WRITE_TRIGGERS)
        marks = ",".join("?" * len(names))
        row = self._conn.execute(
            "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            f"AND name IN ({marks})), (SELECT value FROM meta WHERE key = ?)",
            (*names, WRITTEN),
        ).fetchone()
        if row is None or row[0] != len(names) or row[1] is None:
            return None
        return str(row[1])

    def write_token(self) -> str | None:
        """The write token, the triggers installed first if they are not (a state file
        written before them: the schema is the same, they are added when first asked);
        None if they cannot be (a trigger of one of their names that is not theirs)."""
        token = self.written()
        if token is not None:
            return token
        with self.transaction():
            for statement in WRITE_TRIGGERS.values():
                self._conn.execute(statement)
            self._conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, lower(hex(randomblob(16))))",
                (WRITTEN,),
            )
        logger.debug("state file %s: write triggers installed", self.path)
        return self.written()

    # ------------------------------------------------------------------ pending creates
    def pending(self) -> dict[str, Pending]:
        rows = self._conn.execute("SELECT rel, rest_base, slug, started FROM pending").fetchall()
        return {row[0]: Pending(*row) for row in rows}

    def mark_pending(self, rel: str, rest_base: str, slug: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?)",
            (rel, rest_base, slug, time.time()),
        )

    def clear_pending(self, rel: str) -> None:
        self._write("DELETE FROM pending WHERE rel = ?", (rel,))

    # ------------------------------------------------------------------ pending updates
    def pushing(self) -> dict[str, Pushing]:
        rows = self._conn.execute("SELECT rel, post_id, fields, started FROM pushing").fetchall()
        out: dict[str, Pushing] = {}
        for rel, post_id, fields, started in rows:
            try:
                decoded = json.loads(fields)
            except (TypeError, ValueError):
                raise _corrupt(self.path, f"the journalled update of {rel} is not JSON") from None
            out[rel] = Pushing(
                rel, int(post_id), decoded if isinstance(decoded, dict) else {}, started
            )
        return out

    def mark_pushing(self, rel: str, post_id: int, fields: Mapping[str, JSONValue]) -> None:
        """Journal an update before it leaves (cleared by :meth:`put` and :meth:`remove`)."""
        self._write(
            "INSERT OR REPLACE INTO pushing VALUES (?, ?, ?, ?)",
            (rel, post_id, json.dumps(dict(fields), sort_keys=True, default=str), time.time()),
        )

    # ------------------------------------------------------------------ media
    def media(self) -> dict[str, MediaEntry]:
        rows = self._conn.execute(
            "SELECT content_hash, media_id, source_url, rel FROM media"
        ).fetchall()
        return {row[0]: MediaEntry(*row) for row in rows}

    def media_of(self, content_hash: str) -> MediaEntry | None:
        """The upload of one image, by its content hash."""
        row = self._conn.execute(
            "SELECT content_hash, media_id, source_url, rel FROM media WHERE content_hash = ?",
            (content_hash,),
        ).fetchone()
        return MediaEntry(*row) if row else None

    def put_media(self, media: MediaEntry) -> None:
        self._write(
            "INSERT OR REPLACE INTO media VALUES (?, ?, ?, ?)",
            (media.content_hash, media.media_id, media.source_url, media.rel),
        )

    def remove_media(self, content_hash: str) -> None:
        self._write("DELETE FROM media WHERE content_hash = ?", (content_hash,))

    def record_media(self, media: MediaEntry) -> None:
        """Remember an upload and clear its journal entry, in one transaction."""
        with contextlib.ExitStack() as stack:
            if not self._conn.in_transaction:
                stack.enter_context(self._tx())
            self._conn.execute(
                "INSERT OR REPLACE INTO media VALUES (?, ?, ?, ?)",
                (media.content_hash, media.media_id, media.source_url, media.rel),
            )
            self._conn.execute(
                "DELETE FROM media_pending WHERE content_hash = ?", (media.content_hash,)
            )

    # ------------------------------------------------------------------ media refused for good
    def refused_media(self) -> dict[str, MediaRefusal]:
        rows = self._conn.execute(
            "SELECT content_hash, rel, status, code, message FROM media_refused"
        ).fetchall()
        return {row[0]: MediaRefusal(row[0], row[1], int(row[2]), row[3], row[4]) for row in rows}

    def put_refused_media(self, r: MediaRefusal) -> None:
        self._write(
            "INSERT OR REPLACE INTO media_refused VALUES (?, ?, ?, ?, ?, ?)",
            (r.content_hash, r.rel, r.status, r.code, r.message, time.time()),
        )

    def clear_refused_media(self, content_hash: str) -> None:
        self._write("DELETE FROM media_refused WHERE content_hash = ?", (content_hash,))

    # ------------------------------------------------------------------ media uploads in flight
    def media_pending(self) -> dict[str, str]:
        """content hash → image rel of uploads sent (or about to be) and not recorded."""
        rows = self._conn.execute("SELECT content_hash, rel FROM media_pending").fetchall()
        return {row[0]: row[1] for row in rows}

    def mark_media_pending(self, content_hash: str, rel: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO media_pending VALUES (?, ?, ?)",
            (content_hash, rel, time.time()),
        )

    def clear_media_pending(self, content_hash: str) -> None:
        self._write("DELETE FROM media_pending WHERE content_hash = ?", (content_hash,))

    # ------------------------------------------------------------------ image stat cache
    def media_file(self, rel: str) -> tuple[int, int, str] | None:
        """(size, mtime_ns, content hash) of an image as last hashed."""
        row = self._conn.execute(
            "SELECT size, mtime_ns, content_hash FROM media_files WHERE rel = ?", (rel,)
        ).fetchone()
        return (int(row[0]), int(row[1]), str(row[2])) if row else None

    def put_media_file(self, rel: str, size: int, mtime_ns: int, content_hash: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO media_files VALUES (?, ?, ?, ?)",
            (rel, size, mtime_ns, content_hash),
        )

    def media_files(self) -> dict[str, tuple[int, int, str]]:
        """Every image's (size, mtime_ns, content hash) as last hashed, by file."""
        rows = self._conn.execute("SELECT rel, size, mtime_ns, content_hash FROM media_files")
        return {str(r[0]): (int(r[1]), int(r[2]), str(r[3])) for r in rows}

    # ------------------------------------------------------------------ what posts were pushed with
    def pushed(self) -> dict[str, Pushed]:
        """What each file's post was pushed with (a new dict each call; read once, then
        kept in step with every write, like the entries)."""
        if self._pushed is None:
            # The fields (what was sent, for describing a conflict) stay in the file until
            # one post's are asked for: a big folder's runs need a few at most.  Files
            # rendered from the same inputs share one decoded (read-only) mapping.
            self._pushed = self._pushed_rows("SELECT rel, status, inputs FROM pushed", [])
        return dict(self._pushed)

    def _inputs(self, rel: str, text: object, memo: dict[str, dict[str, str]]) -> dict[str, str]:
        """A pushed record's inputs, decoded (the same text once per ``memo``)."""
        if not isinstance(text, str):
            raise _corrupt(self.path, f"the pushed record of {rel} is not JSON")
        value = memo.get(text)
        if value is None:
            value = memo[text] = _decode_object(self.path, rel, text)
        return value

    def pushed_of(self, rels: Iterable[str]) -> dict[str, Pushed]:
        """What the posts of ``rels`` were pushed with (those that have a record), read
        by key unless every record was read already."""
        if self._pushed is not None:
            return {rel: p for rel in rels if (p := self._pushed.get(rel)) is not None}
        todo = sorted(set(rels))
        out: dict[str, Pushed] = {}
        for start in range(0, len(todo), 500):
            chunk = todo[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT rel, status, inputs FROM pushed WHERE rel IN ({marks})"
            out.update(self._pushed_rows(sql, chunk))
        return out

    def pushed_linking(self, targets: Iterable[str]) -> dict[str, Pushed]:
        """The records whose inputs link to one of ``targets`` (``link:<rel>``): the posts
        whose links may change when those files do, without reading every record."""
        wanted = set(targets)
        if self._pushed is not None:
            return {
                rel: p
                for rel, p in self._pushed.items()
                if any(k.startswith("link:") and k[5:] in wanted for k in p.inputs)
            }
        out: dict[str, Pushed] = {}
        for rel in sorted(wanted):
            # the key as put_pushed() wrote it (json.dumps: ASCII, quoted); a record that
            # only mentions it elsewhere is read for nothing (the caller compares the links)
            sql = "SELECT rel, status, inputs FROM pushed WHERE instr(inputs, ?) > 0"
            out.update(self._pushed_rows(sql, [json.dumps("link:" + rel)]))
        return out

    def _pushed_rows(self, sql: str, args: list[str]) -> dict[str, Pushed]:
        decoded: dict[str, dict[str, str]] = {}
        # A big folder's records, read whole by a full run, share what repeats: the
        # status, and the file's name with its entry's (one string, not two per file).
        entries = self._entries or {}
        out: dict[str, Pushed] = {}
        for name, status, inputs in self._conn.execute(sql, args):
            entry = entries.get(name)
            rel = entry.rel if entry is not None else name
            out[rel] = Pushed(
                rel,
                sys.intern(str(status)),
                self._inputs(rel, inputs, decoded),
                _JSONObject(self.path, rel, None, self),
            )
        return out

    def _fields_text(self, rel: str) -> str:
        row = self._conn.execute("SELECT fields FROM pushed WHERE rel = ?", (rel,)).fetchone()
        return str(row[0]) if row is not None else "{}"

    def get_pushed(self, rel: str) -> Pushed | None:
        if self._pushed is not None:
            return self._pushed.get(rel)
        row = self._conn.execute(
            "SELECT rel, status, inputs, fields FROM pushed WHERE rel = ?", (rel,)
        ).fetchone()
        return self._pushed_row(row) if row else None

    def put_pushed(self, pushed: Pushed) -> None:
        fields = json.dumps(dict(pushed.fields), sort_keys=True, default=str)
        with self._changing_entries():
            self._write(
                "INSERT OR REPLACE INTO pushed VALUES (?, ?, ?, ?)",
                (
                    pushed.rel,
                    pushed.status,
                    json.dumps(dict(pushed.inputs), sort_keys=True),
                    fields,
                ),
            )
            if self._pushed is not None:
                # as it reads back: the fields through JSON (a tuple comes back a list)
                self._pushed[pushed.rel] = Pushed(
                    pushed.rel,
                    pushed.status,
                    dict(pushed.inputs),
                    _JSONObject(self.path, pushed.rel, fields),
                )

    def prune_pushed(self, *, everywhere: bool = True) -> None:
        """Forget what was pushed for files the state no longer links (moved, deleted):
        every such record, or (``everywhere=False``, a run over a few files: looking at
        every record costs more than the run) those of the files whose entry a put() of
        this store replaced — the only ones such a run leaves (a deleted file's record
        goes with its entry); a later run over the whole folder forgets the rest."""
        if not everywhere:
            displaced, self._displaced = sorted(self._displaced), set()
            with self._changing_entries():
                for i in range(0, len(displaced), 500):
                    chunk = displaced[i : i + 500]
                    marks = ",".join("?" * len(chunk))
                    self._write(
                        f"DELETE FROM pushed WHERE rel IN ({marks}) "
                        "AND rel NOT IN (SELECT rel FROM entries)",
                        tuple(chunk),
                    )
                    if self._pushed is not None:
                        for rel in chunk:
                            if self.get(rel) is None:
                                self._pushed.pop(rel, None)
            return
        if self._pushed is not None and self._entries is not None:
            gone = [rel for rel in self._pushed if rel not in self._entries]
            if not gone:
                return  # nothing to forget: no need to ask SQLite to look
        with self._changing_entries():
            self._write("DELETE FROM pushed WHERE rel NOT IN (SELECT rel FROM entries)", ())
            self._displaced = set()
            if self._pushed is not None:
                entries = self.entries()
                self._pushed = {rel: p for rel, p in self._pushed.items() if rel in entries}

    def _pushed_row(self, row: tuple[object, ...]) -> Pushed:
        rel, inputs, fields = str(row[0]), row[2], row[3]
        if not isinstance(fields, str) or not (fields.startswith("{") and fields.endswith("}")):
            raise _corrupt(self.path, f"the pushed record of {rel} is not JSON")
        # The fields (what was sent, for describing a conflict) are decoded when used.
        return Pushed(
            rel, str(row[1]), self._inputs(rel, inputs, {}), _JSONObject(self.path, rel, fields)
        )


def _decode_object(path: Path, rel: str, text: str) -> dict[str, JSONValue]:
    """A JSON object of the pushed record of ``rel``; a corrupt one is a StateError."""
    try:
        value = json.loads(text)
    except ValueError:
        raise _corrupt(path, f"the pushed record of {rel} is not JSON") from None
    if not isinstance(value, dict):
        raise _corrupt(path, f"the pushed record of {rel} is not an object")
    return value


class _JSONObject(Mapping[str, JSONValue]):
    """A JSON object from the state, decoded on first use (a corrupt one raises then)."""

    __slots__ = ("_path", "_rel", "_store", "_text", "_value")

    def __init__(
        self, path: Path, rel: str, text: str | None, store: StateStore | None = None
    ) -> None:
        """``text`` None: read from ``store`` when first used (while it is open)."""
        self._path, self._rel, self._text, self._store = path, rel, text, store
        self._value: dict[str, JSONValue] | None = {} if text == "{}" else None

    def _data(self) -> dict[str, JSONValue]:
        if self._value is None:
            if self._text is None:
                assert self._store is not None
                try:
                    self._text = self._store._fields_text(self._rel)
                except sqlite3.ProgrammingError:
                    raise StateError(
                        f"the pushed record of {self._rel} was read after the state was closed"
                    ) from None
                self._store = None
            value = _decode_object(self._path, self._rel, self._text)
            self._value = value
        return self._value

    def __getitem__(self, key: str) -> JSONValue:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __repr__(self) -> str:
        return repr(self._data())


def peek_entries(state_dir: Path, site_url: str, rels: Iterable[str]) -> dict[str, Entry]:
    """The entries of ``rels`` as the state file holds them now, read without opening
    the store (no lock, no check, no migration, nothing written: a read ahead of a run
    that opens it properly).  Empty when there is no state file, or it is another site's;
    sqlite3.Error when it cannot be read."""
    path = state_dir / STATE_FILE
    wanted = sorted(set(rels))
    if not wanted or not path.is_file() or path.is_symlink():
        return {}
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'site_url'").fetchone()
        if row is None or str(row[0]).rstrip("/") != site_url.rstrip("/"):
            return {}
        found: dict[str, Entry] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for entry_row in conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE rel IN ({marks})", chunk
            ):
                found[entry_row[0]] = Entry(*entry_row)
        return found
    finally:
        conn.close()


class _QuickCheck:
    """``PRAGMA quick_check`` on a read-only connection of its own, on a thread: SQLite
    lets go of the interpreter while it reads the file, so the check runs beside the
    caller's Python (a run's scan of its folder) on another core."""

    def __init__(self, path: Path) -> None:
        self._problem: str | None = None
        self._thread = threading.Thread(
            target=self._run, args=(path,), name="wpsync-state-check", daemon=True
        )
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
            try:
                row = conn.execute("PRAGMA quick_check").fetchone()
            finally:
                conn.close()
            if not row or row[0] != "ok":
                self._problem = f"integrity check failed: {integrity_problem(row)}"
        except sqlite3.Error as exc:
            self._problem = str(exc)

    def problem(self) -> str | None:
        """What the check found wrong (None: nothing), once it is done."""
        self._thread.join()
        return self._problem


def integrity_problem(row: tuple[object, ...] | None) -> str:
    """SQLite's integrity report is many lines: the first real one (messages are one line)."""
    lines = [ln.strip() for ln in str(row[0] if row else "no answer").splitlines()]
    useful = [ln for ln in lines if ln and not ln.startswith("***")]
    return (useful or lines or ["no answer"])[0][:200]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


#: the page cache of a store kept open by a long-lived process (the watch daemon), in KiB
KEPT_CACHE_KIB = 256


class KeptStore:
    """A state store kept open from one run to the next by a long-lived process (the watch
    daemon), so a run that touches one file in a big folder does not read the whole state
    again.  Used under the folder lock, like any store.  Each run gets the same store,
    refreshed (what it read is dropped when another process — a git hook — wrote the file),
    or a new one when the file was replaced or the last run failed."""

    def __init__(self) -> None:
        self._store: StateStore | None = None

    def get(self, state_dir: Path, site_url: str) -> StateStore:
        if self._store is not None:
            try:
                self._store.refresh()
                return self._store
            except (StateError, sqlite3.Error) as exc:
                logger.info("state file reopened: %s", exc)
                self.close()
        self._store = StateStore.open(state_dir, site_url)
        # Kept for the process's life and read row by row between full runs, whose scans
        # of whole tables a big page cache does not speed up: a small one.
        self._store.limit_cache(KEPT_CACHE_KIB)
        return self._store

    def peek(self) -> StateStore | None:
        """The store as the last run left it, if it is open (not refreshed: for a read
        ahead of a run, outside the folder lock)."""
        return self._store

    def release(self) -> None:
        """Let go of what the store read of the whole state (every entry and record, read
        by a full run): the next runs read their files' rows by key, as a hook's does.
        The store stays open."""
        if self._store is not None:
            self._store._forget()

    def drop(self) -> None:
        """Forget the store (after a failed run: the next one opens the file afresh)."""
        self.close()

    def close(self) -> None:
        if self._store is not None:
            with contextlib.suppress(sqlite3.Error):
                self._store.close()
            self._store = None


def _corrupt(path: Path, detail: str) -> StateError:
    return StateError(
        f"state file {path} is unreadable: {detail}",
        hint="nothing was changed; `wpsync state rebuild` moves it aside and re-links every "
        "file to its post (by slug), creating nothing",
    )
