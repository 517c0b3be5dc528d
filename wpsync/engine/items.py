"""What the planner takes in: each file of a run as the reader saw it (``Unchanged``,
``Changed``, ``Broken``, with its ``Stat``), a post as WordPress described it
(``RemotePostFacts``), and the payload hash that tells a change.  Pure.

Apart from ``plan.py`` (which re-exports them) so that a run over a folder at rest —
which scans, and reads the state, but plans nothing — need not import the planner and
its actions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from wpsync.errors import DocumentError
from wpsync.model import PostPayload, stable_hash


class Stat(NamedTuple):
    """A file's size and modification time, as the scan saw them (a named tuple: a big
    folder's scan makes one per file)."""

    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A file whose stat (or, failing that, content hash) matches the state."""

    rel: str
    stat: Stat


@dataclass(frozen=True)
class Changed:
    """A file that was read and mapped: new, or different from what we pushed."""

    rel: str
    stat: Stat
    source_hash: str
    payload: PostPayload
    payload_hash: str
    warnings: tuple[str, ...] = ()
    #: what the body is rendered from besides the file (``payload_hash`` covers them):
    #: ``img:<rel>`` → image hash, ``link:<rel>`` → target URL or "", options
    inputs: tuple[tuple[str, str], ...] = ()
    #: why a file whose bytes are the ones pushed was read again, when that explains an
    #: update better than "changed" (:data:`RENDERING_CHANGED`); "" otherwise
    cause: str = ""


@dataclass(frozen=True)
class Broken:
    """A file that could not be read or mapped."""

    rel: str
    error: DocumentError


LocalItem = Unchanged | Changed | Broken

#: the reason of an update whose file is the same but renders differently (the Markdown
#: renderer was switched or upgraded since the last sync: references.py)
RENDERING_CHANGED = "rendering changed"


@dataclass(frozen=True)
class RemotePostFacts:
    id: int
    slug: str
    status: str
    modified_gmt: str
    link: str = ""
    stored: str = ""  # records.stored_digest of the answer, "" if not asked


#: the input naming the Markdown renderer a post's HTML was made with (references.py):
#: recorded with the post, never hashed — the payload holds the HTML it made, so a new
#: renderer changes the hash of exactly the posts it renders differently
RENDERER = "opt:renderer"


#: the payload's fields that are hashed: not ``rel`` nor the bookkeeping (the slug, parent
#: and title themselves are hashed)
_HASHED = tuple(
    f.name
    for f in dataclasses.fields(PostPayload)
    if f.name != "rel" and f.name not in PostPayload.BOOKKEEPING
)
_SCALARS = (str, int, float, bool, type(None))


def _plain(value: object) -> object:
    """``value`` as :func:`dataclasses.asdict` gives it, for JSON (a tuple as a list: the
    same JSON) and without its deep copy: a few times cheaper, the same hash."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def payload_hash(payload: PostPayload, resolved: Mapping[str, str] | None = None) -> str:
    """Hash of what we would send: the mapped payload plus any resolved references
    (image URLs, link permalinks) that end up in the body."""
    data = {name: _plain(getattr(payload, name)) for name in _HASHED}
    hashed = {k: v for k, v in sorted((resolved or {}).items()) if k != RENDERER}
    return stable_hash({"payload": data, "resolved": hashed})
