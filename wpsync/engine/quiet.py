"""A folder at rest: a whole-folder sync that can tell, from the scan and a few digests,
that it would find nothing to do — and so reads no file, settles nothing, plans nothing.

A run over the whole folder decides each file's fate from: the file's ``stat`` against
its entry (the scan), the state's rows (entries, what each post was pushed with, the
journals of creates, updates and uploads, the images' stat → hash cache), the inputs a
post's body depends on besides its file (references.py: images, link targets, the
options, the renderer, the outline) and what the remote check finds in WordPress.  When a
run over the whole folder found every file unchanged (and said nothing else), it leaves a
mark (``meta`` key ``rest``) holding:

- ``context``: a digest of what does not live in the state — the configuration of the
  content and of the sync, the Markdown engine with its installed version and the
  dialect, the block conversion's and the fingerprint's revisions, the outline
  (``SUMMARY.md``), this module's revision;
- ``written``: the state's write token (:meth:`StateStore.written`), read after the
  run's last write: SQLite triggers on every table but ``meta`` replace it with a fresh
  random one on any INSERT, UPDATE or DELETE, by any connection — another wpsync
  process, a crash recovery, an older wpsync, the sqlite3 shell.  The same token, no row
  was written since (the triggers are installed with the first mark; a state file
  without them is never at rest);
- ``listing``: a digest of every entry's (file, size, mtime_ns), in file order;
- ``types``: the post types of the entries (the remote check's questions);
- ``images``: the ``stat`` of every image a post was rendered with, as its hash was read.

The next run over the whole folder is *at rest* (:func:`at_rest`) when the token is the
mark's (no row written since), the scan found no file it could not read and its listing
digests as the mark's (exactly the state's files with their recorded ``stat``: no file
new, gone, moved, edited) and every image still has its ``stat``.  Then every file is
"unchanged" without reading the entries, the files, settling or planning; the remote
check runs as always, reading only the entries its answers name (remotecheck.py), and
anything it finds sends the run down the usual path.  Anything else — a file touched,
an image edited, a setting changed, a create or upload left pending by an interrupted
run, a record written by any other command — and the run takes the usual path, which
leaves a new mark when it ends with nothing done.

What the token does not see: a byte edit of the database file made without SQLite (its
triggers then do not run).  A row written and put back as it was changes the token: the
next run takes the usual path once (the safe direction).

Bump :data:`REVISION` when what a run over an unchanged folder decides changes in code
(a new input of the bodies, a new journal): the marks of older runs are then ignored.
"""

from __future__ import annotations

import array
import hashlib
import itertools
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, overload

from wpsync import __version__
from wpsync.source.versions import BLOCKS_REVISION, FINGERPRINT_REVISION

if TYPE_CHECKING:
    from pathlib import Path

    from wpsync.config import Config
    from wpsync.engine.plan import Keep
    from wpsync.engine.reading import Scope
    from wpsync.model import Entry
    from wpsync.source.summary import Outline
    from wpsync.store.state import StateStore

logger = logging.getLogger(__name__)

#: the ``meta`` key of the mark
MARK = "rest"
#: the key of the marks of earlier versions (rows digested: dropped when a mark is left)
OLD_MARK = "quiet"
#: this module's idea of what a run at rest depends on (bumped: older marks are ignored)
REVISION = "2"


@dataclass(frozen=True)
class Rest:
    """The mark a run with nothing to do leaves."""

    context: str
    #: the state's write token after the run's last write
    written: str
    #: :func:`listing_digest` of the entries
    listing: str
    #: the post types of the entries
    types: tuple[str, ...]
    #: (rel, size, mtime_ns) of each image the posts were rendered with
    images: tuple[tuple[str, int, int], ...]

    def dump(self) -> str:
        return json.dumps(
            {
                "context": self.context,
                "written": self.written,
                "listing": self.listing,
                "types": list(self.types),
                "images": [list(i) for i in self.images],
            },
            separators=(",", ":"),
        )

    @classmethod
    def load(cls, text: str | None) -> Rest | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            images = tuple((str(rel), int(size), int(mtime)) for rel, size, mtime in data["images"])
            types = tuple(str(t) for t in data["types"])
            return cls(
                str(data["context"]), str(data["written"]), str(data["listing"]), types, images
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def listing_digest(files: Sequence[tuple[str, tuple[int, int]]]) -> str:
    """A digest of (file, (size, mtime_ns)) pairs in the order given (the scan's: by
    file); "" when a number does not fit 64 bits (never at rest then)."""
    digest = hashlib.sha256("\x00".join(map(itemgetter(0), files)).encode("utf-8", "surrogatepass"))
    try:
        numbers = array.array("q", itertools.chain.from_iterable(map(itemgetter(1), files)))
    except OverflowError:
        return ""
    digest.update(b"\x00\x1e\x00")
    digest.update(numbers.tobytes())
    return digest.hexdigest()


class Kept(Sequence["Keep"]):
    """The plan of a folder at rest as ``on_plan`` sees a plan: a :class:`Keep` per file
    (``rels``, in order), each made when asked — a display that draws nothing only
    counts them, and the entries are read (from ``state``) only when one is asked."""

    def __init__(self, rels: Sequence[str], state: StateStore) -> None:
        self._rels = rels
        self._state = state
        self._entries: Mapping[str, Entry] | None = None

    def _entry(self, rel: str) -> Entry:
        if self._entries is None:
            self._entries = self._state.entries()
        return self._entries[rel]

    def __len__(self) -> int:
        return len(self._rels)

    @overload
    def __getitem__(self, index: int) -> Keep: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Keep]: ...

    def __getitem__(self, index: int | slice) -> Keep | Sequence[Keep]:
        from wpsync.engine.plan import Keep  # (only when a caller looks at the plan)

        if isinstance(index, slice):
            return [Keep(rel, self._entry(rel)) for rel in self._rels[index]]
        rel = self._rels[index]
        return Keep(rel, self._entry(rel))


def context_digest(
    config: Config, *, renderer: str, dialect: str, source: str, outline: Outline
) -> str:
    """What a run's decisions depend on that the state does not hold (no secret: the
    site's section, with its password sources, is left out): the configuration, the
    ``renderer`` recorded with each post (``References.renderer``), the content folder's
    ``dialect``, its tool's ``source`` folder and the book's ``outline``."""
    parts = [
        REVISION,
        __version__,
        repr(config.content),
        repr(config.sync),
        repr(sorted(config.authors.items(), key=lambda kv: kv[0])),
        renderer,
        BLOCKS_REVISION if config.content.block_editor else "",
        FINGERPRINT_REVISION,
        dialect,
        source,
        repr(sorted(outline.chapters.items())),
    ]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def at_rest(state: StateStore, context: str, root: Path, scope: Scope) -> Rest | None:
    """The mark, if nothing a whole-folder run looks at changed since the run that left
    it (the cheap questions first: most runs that are not at rest stop at the token or
    the scan); else None."""
    rest = Rest.load(state.mark(MARK))
    if rest is None or rest.context != context or scope.broken:
        return None
    if not rest.listing or state.written() != rest.written:
        return None
    if listing_digest(scope.files) != rest.listing:
        return None
    for rel, size, mtime_ns in rest.images:
        try:
            st = os.stat(os.path.join(root, rel))
        except OSError:
            return None
        if st.st_size != size or st.st_mtime_ns != mtime_ns:
            return None
    logger.debug("the folder is at rest: %d files unchanged, not read", len(scope.files))
    return rest


def record(state: StateStore, context: str, *, quiet: bool) -> None:
    """After a whole-folder run: mark the folder at rest when the run found nothing to do
    (``quiet``) and every image a post uses has the hash it was pushed with; else drop
    the mark (it would name a state that is gone anyway: this keeps the ``meta`` honest)."""
    with state.transaction():  # the token read and the mark written as one step
        if state.mark(OLD_MARK) is not None:
            state.set_mark(OLD_MARK, None)
        rest = _rest(state, context) if quiet else None
        if rest is None:
            if state.mark(MARK) is not None:
                state.set_mark(MARK, None)
            return
        text = rest.dump()
        if state.mark(MARK) != text:
            state.set_mark(MARK, text)


def _rest(state: StateStore, context: str) -> Rest | None:
    from wpsync.engine.references import IMAGE  # (only after a run that read them all)

    files = state.media_files()
    images: dict[str, tuple[int, int]] = {}
    for record_ in state.pushed().values():  # as the run read them: kept, not read again
        for key, value in record_.inputs.items():
            if not key.startswith(IMAGE):
                continue
            rel = key[len(IMAGE) :]
            known = files.get(rel)
            if known is None or known[2] != value:
                return None  # hashed from other bytes than the stat cache says: look again
            images[rel] = (known[0], known[1])
    written = state.write_token()
    if written is None:
        return None
    entries = state.entries()  # as the run read them: kept, not read again
    listing = listing_digest(
        [(rel, (entries[rel].size, entries[rel].mtime_ns)) for rel in sorted(entries)]
    )
    return Rest(
        context,
        written,
        listing,
        tuple(sorted({e.rest_base for e in entries.values()})),
        tuple((rel, size, mtime) for rel, (size, mtime) in sorted(images.items())),
    )
