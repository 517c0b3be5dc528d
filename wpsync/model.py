"""The plain data that flows through the pipeline: documents read from disk, the
payloads mapped from them, and the records the state store keeps of what was pushed
(read by the planner, which never touches the store itself).  Frozen, typed, no I/O."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypedDict, cast

JSONValue = Any  # a value json.dumps accepts


@dataclass(frozen=True)
class Document:
    """One Markdown source file, read and split, not yet mapped.

    ``rel`` is the POSIX path relative to the content folder and is the file's identity
    in the state store.  ``body_line`` is the 1-based line of the file where the body
    starts (for error messages pointing into the Markdown).  ``key_lines`` gives the
    file line of each top-level front-matter key where the reader could find it.
    """

    rel: str
    front_matter: Mapping[str, JSONValue]
    body: str
    source_hash: str
    body_line: int = 1
    key_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MediaRef:
    """A local image a post uses, relative to the content folder."""

    rel: str
    alt: str = ""
    title: str = ""


@dataclass(frozen=True)
class PostPayload:
    """What a document becomes in WordPress, before names are resolved to IDs.

    ``categories`` are paths (``("Guides", "Python")`` for a child category);
    ``tags`` are names; ``parent`` and ``author`` are slugs / logins; ``links`` are
    the relative Markdown targets found in the body (resolved later to permalinks).
    ``None`` means "not set by the document: leave WordPress's value alone".
    """

    rel: str
    rest_base: str
    slug: str
    title: str
    content: str
    status: str
    date: str | None = None
    date_gmt: str | None = None
    excerpt: str | None = None
    categories: tuple[tuple[str, ...], ...] = ()
    tags: tuple[str, ...] = ()
    template: str | None = None
    sticky: bool | None = None
    comment_status: str | None = None
    ping_status: str | None = None
    format: str | None = None
    menu_order: int | None = None
    parent: str | None = None
    author: str | None = None
    password: str | None = field(default=None, repr=False)
    meta: tuple[tuple[str, JSONValue], ...] = ()
    featured_image: MediaRef | None = None
    images: tuple[MediaRef, ...] = ()
    links: tuple[str, ...] = ()
    taxonomies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: the slug came from the front matter (not from the file name): a moved file
    #: without one keeps its post's slug
    slug_explicit: bool = False
    #: the file of the parent page when the folders or SUMMARY.md give it (``parent`` is
    #: then that page's slug, which other pages of the folder may share)
    parent_rel: str | None = None
    #: the title was made from the file name (no ``title:``, no leading heading): a
    #: table of contents (SUMMARY.md) may give a better one
    title_from_name: bool = False

    #: fields that are bookkeeping, not sent nor hashed (what they stand for is)
    BOOKKEEPING: ClassVar[tuple[str, ...]] = ("slug_explicit", "parent_rel", "title_from_name")

    def scalar_fields(self) -> dict[str, JSONValue]:
        """The REST body fields that need no lookup (no term, media, parent, author IDs)."""
        body: dict[str, JSONValue] = {
            "slug": self.slug,
            "title": self.title,
            "content": self.content,
            "status": self.status,
        }
        optional: dict[str, JSONValue] = {
            "date": self.date,
            "date_gmt": self.date_gmt,
            "excerpt": self.excerpt,
            "template": self.template,
            "sticky": self.sticky,
            "comment_status": self.comment_status,
            "ping_status": self.ping_status,
            "format": self.format,
            "menu_order": self.menu_order,
            "password": self.password,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        if self.meta:
            body["meta"] = dict(self.meta)
        return body


# ---------------------------------------------------------------------------- state records
# What the state store (wpsync.store.state) keeps of each push, and what the planner reads.


@dataclass(frozen=True, slots=True)
class Entry:
    """A source file linked to a WordPress object, as of our last successful push."""

    rel: str
    rest_base: str
    post_id: int
    slug: str
    source_hash: str
    payload_hash: str
    modified_gmt: str
    link: str = ""
    size: int = -1
    mtime_ns: int = -1
    #: the digest of the post's raw texts as WordPress stored them at that push
    #: (``records.stored_digest``; "" if unknown): an edit in the same second as the push
    #: has our ``modified_gmt`` but not this (:func:`edited_since`)
    stored: str = ""


@dataclass(frozen=True)
class Pending:
    """A create that was sent (or about to be) and whose answer we have not recorded."""

    rel: str
    rest_base: str
    slug: str
    started: float


@dataclass(frozen=True)
class Pushing:
    """An update that was sent (or about to be) and whose answer we have not recorded:
    ``fields`` are what it sent (``conflicts.pushed_fields``)."""

    rel: str
    post_id: int
    fields: Mapping[str, JSONValue]
    started: float


@dataclass(frozen=True)
class MediaEntry:
    """An uploaded image: its content hash, the media object it became, and its file."""

    content_hash: str
    media_id: int
    source_url: str
    rel: str


@dataclass(frozen=True)
class MediaRefusal:
    """An image WordPress refused for good: its content hash, the file it was first met
    as, and WordPress's answer (HTTP status, error code, its own message)."""

    content_hash: str
    rel: str
    status: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Pushed:
    """What a file's post was last pushed with, beyond the payload hash of its Entry.

    ``status`` is the status WordPress gave the post (``future`` for a scheduled one);
    ``inputs`` what the body was rendered from besides the file (``img:<rel>`` → the
    image's content hash, ``link:<rel>`` → the target's URL or ``""``, options);
    ``fields`` the REST fields sent (long texts as hashes, never the password), for
    describing a conflict.
    """

    rel: str
    status: str
    inputs: Mapping[str, str]
    fields: Mapping[str, JSONValue]


#: ``json.dumps(value, sort_keys=True, …)`` without making an encoder at each call (the
#: same text: ``dumps`` makes this one and calls its ``encode``)
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
)


def stable_hash(value: JSONValue) -> str:
    """SHA-256 of a JSON value in canonical form."""
    blob = _CANONICAL.encode(value)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def bytes_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RestBody(TypedDict, total=False):
    """The REST body of a post create or update, as it travels from the payload (names
    resolved to IDs, content rendered) to the client and, as pushed fields, to the state.

    The writable post fields wpsync sends; only those the document sets are present.
    Custom taxonomies travel under their REST base (``genres: [4, 7]``), a key no
    TypedDict can declare: :func:`with_taxonomy` puts them in.
    """

    title: str
    content: str
    excerpt: str
    slug: str
    status: str
    date: str
    date_gmt: str
    categories: list[int]
    tags: list[int]
    author: int
    parent: int
    menu_order: int
    featured_media: int
    meta: dict[str, JSONValue]
    template: str
    format: str
    sticky: bool
    comment_status: str
    ping_status: str
    password: str


def scalar_body(payload: PostPayload) -> RestBody:
    """The part of a post's REST body that needs no lookup (:meth:`PostPayload.scalar_fields`)."""
    return cast(RestBody, payload.scalar_fields())


def with_taxonomy(body: RestBody, rest_base: str, term_ids: list[int]) -> None:
    """Put a custom taxonomy's term IDs into ``body`` under its REST base."""
    cast("dict[str, object]", body)[rest_base] = term_ids


def edited_since(entry: Entry, modified_gmt: str, stored: str) -> bool:
    """Whether WordPress's copy of ``entry``'s post, now modified at ``modified_gmt`` with
    the raw texts digested as ``stored``, was edited since our last push.  WordPress keeps
    the modification time to the second: an edit in the second of our push is told by
    the texts' digest, where both sides know it."""
    if modified_gmt != entry.modified_gmt:
        return True
    return bool(stored and entry.stored and stored != entry.stored)
