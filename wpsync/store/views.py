"""The state read by key: what a run over a few files of a big folder asks of it.

A no-op of the whole folder reads every entry and record once (``StateStore.entries``,
``StateStore.pushed``); a run over a few files (``sync --changed``, ``sync PATHS``, the
watcher) reads only the rows it uses through these mappings — its files' entries, the
records of the posts it writes, a link target's permalink, the holders of one slug —
each row read once, then kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping

from wpsync.model import Entry, MediaEntry, Pushed
from wpsync.store.state import StateStore

__all__ = ["KnownMedia", "LinkedPosts", "PushedRecords", "StateEntries"]


class StateEntries(Mapping[str, Entry]):
    """The state's entries as a mapping read by key as they are asked for: a run over a
    few files of a big folder reads their rows alone.  Live (it sees the store's writes);
    iterating it reads every row once, its length is a count."""

    __slots__ = ("_store",)

    def __init__(self, store: StateStore) -> None:
        self._store = store

    def __getitem__(self, rel: str) -> Entry:
        entry = self._store.entry(rel)
        if entry is None:
            raise KeyError(rel)
        return entry

    def get(self, rel: str, default: Entry | None = None) -> Entry | None:  # type: ignore[override]
        entry = self._store.entry(rel)
        return default if entry is None else entry

    def __contains__(self, rel: object) -> bool:
        return isinstance(rel, str) and self._store.entry(rel) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.entries())

    def __len__(self) -> int:
        return self._store.entry_count()

    def read(self, rels: Iterable[str]) -> None:
        """Read these files' rows now, in one query (before asking for them one by one)."""
        self._store.read_entries(rels)

    def of_type(self, rest_base: str, slug: str | None = None) -> dict[str, Entry]:
        """The entries of one type (``pages``), or of one slug in it."""
        return self._store.entries_where(rest_base, slug)

    def rel_of(self, rest_base: str, post_id: int) -> str | None:
        return self._store.rel_of(rest_base, post_id)


class PushedRecords(Mapping[str, Pushed]):
    """What each file's post was pushed with, read by key as asked (:meth:`read` for
    many at once), or all of them once (:meth:`read_all`, or iterating); the records of
    this run (``self[rel] = …``) on top of those read."""

    def __init__(self, store: StateStore) -> None:
        self._store = store
        self._read: dict[str, Pushed | None] = {}
        self._all = False

    def read_all(self) -> None:
        if not self._all:
            read = self._store.pushed()
            for rel, record in self._read.items():  # this run's own records stay
                if record is not None:
                    read[rel] = record
            self._read = dict(read)
            self._all = True

    def read(self, rels: Iterable[str]) -> None:
        """Read these files' records now, in one query."""
        if self._all:
            return
        todo = [rel for rel in set(rels) if rel not in self._read]
        if todo:
            found = self._store.pushed_of(todo)
            for rel in todo:
                self._read[rel] = found.get(rel)

    def linking(self, targets: Iterable[str]) -> dict[str, Pushed]:
        """The records whose links name one of ``targets`` (this run's included)."""
        wanted = set(targets)
        if not self._all:
            for rel, record in self._store.pushed_linking(wanted).items():
                self._read.setdefault(rel, record)
        return {
            rel: p
            for rel, p in self._read.items()
            if p is not None and any(k.startswith("link:") and k[5:] in wanted for k in p.inputs)
        }

    def __getitem__(self, rel: str) -> Pushed:
        record = self.get(rel)
        if record is None:
            raise KeyError(rel)
        return record

    def get(self, rel: str, default: Pushed | None = None) -> Pushed | None:  # type: ignore[override]
        try:
            record = self._read[rel]
        except KeyError:
            if self._all:
                return default
            self.read((rel,))
            record = self._read[rel]
        return default if record is None else record

    def __contains__(self, rel: object) -> bool:
        return isinstance(rel, str) and self.get(rel) is not None

    def __setitem__(self, rel: str, record: Pushed) -> None:
        self._read[rel] = record

    def __iter__(self) -> Iterator[str]:
        self.read_all()
        return iter([rel for rel, p in self._read.items() if p is not None])

    def __len__(self) -> int:
        self.read_all()
        return sum(1 for p in self._read.values() if p is not None)


class LinkedPosts:
    """Whether a post is linked to a file: the state's (by its unique index) or one of
    ``extra`` (linked in this run, not recorded yet: a dry run's)."""

    __slots__ = ("_extra", "_store")

    def __init__(self, store: StateStore, extra: Iterable[tuple[str, int]] = ()) -> None:
        self._store = store
        self._extra = frozenset(extra)

    def __contains__(self, key: object) -> bool:
        if key in self._extra:
            return True
        if not (isinstance(key, tuple) and len(key) == 2):
            return False
        rest_base, post_id = key
        return self._store.rel_of(str(rest_base), int(post_id)) is not None


class KnownMedia(MutableMapping[str, MediaEntry]):
    """The images the site has, by content hash, read by key as asked (a run that
    writes one post with one image reads one row); this run's uploads set on top."""

    def __init__(self, store: StateStore) -> None:
        self._store = store
        self._read: dict[str, MediaEntry | None] = {}

    def get(self, content_hash: str, default: MediaEntry | None = None) -> MediaEntry | None:  # type: ignore[override]
        if content_hash not in self._read:
            self._read[content_hash] = self._store.media_of(content_hash)
        found = self._read[content_hash]
        return default if found is None else found

    def __getitem__(self, content_hash: str) -> MediaEntry:
        found = self.get(content_hash)
        if found is None:
            raise KeyError(content_hash)
        return found

    def __contains__(self, content_hash: object) -> bool:
        return isinstance(content_hash, str) and self.get(content_hash) is not None

    def __setitem__(self, content_hash: str, media: MediaEntry) -> None:
        self._read[content_hash] = media

    def __delitem__(self, content_hash: str) -> None:
        if content_hash not in self:
            raise KeyError(content_hash)
        self._read[content_hash] = None

    def _all(self) -> dict[str, MediaEntry]:
        out = self._store.media()
        for content_hash, media in self._read.items():
            if media is None:
                out.pop(content_hash, None)
            else:
                out[content_hash] = media
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
