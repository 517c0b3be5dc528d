"""Finding posts by slug and by ID in lists: how WordPress compares slugs, how many values
fit one query, and which of the posts a look-up found a lost create made.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from wpsync.wordpress.records import POST_FIELDS, RemotePost
from wpsync.wordpress.rest import RestSession

logger = logging.getLogger(__name__)

#: Items per page of a list request (WordPress's maximum).
PER_PAGE = 100
#: Keep list queries (``slug=a,b,c``) well under common URL length limits.
MAX_QUERY_CHARS = 2000

_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i"}
)


def normalise_slug(slug: str) -> str:
    """A slug as WordPress would store it, near enough to compare: decoded from its
    percent-encoding, lower case, accents removed (``café`` and ``cafe`` are one slug)."""
    text = unquote(slug).strip().lower().translate(_TRANSLITERATE)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def chunked_for_query(values: Sequence[str], size: int, max_chars: int) -> Iterator[list[str]]:
    """Split ``values`` into lists of at most ``size`` items and ``max_chars`` joined chars."""
    chunk: list[str] = []
    length = 0
    for value in values:
        if chunk and (len(chunk) >= size or length + len(value) + 1 > max_chars):
            yield chunk
            chunk, length = [], 0
        chunk.append(value)
        length += len(value) + 1
    if chunk:
        yield chunk


def slug_query(slugs: Sequence[str]) -> str:
    """The ``slug=`` value for these slugs.  WordPress compares the query's slugs without
    removing accents as it does when saving (``café`` is stored ``cafe`` but not found by
    ``slug=café``): each slug goes with its accent-free form."""
    values: dict[str, None] = {}
    for slug in slugs:
        values[slug] = None
        values.setdefault(normalise_slug(slug), None)
    return ",".join(values)


def match_created(
    items: Sequence[Mapping[str, Any]], title: str | None
) -> Mapping[str, Any] | None:
    """Among the posts a look-up by one slug found, the one a lost create made: the newest
    with the title we sent (any, when we sent none)."""
    for item in sorted(items, key=lambda i: int(i.get("id", 0)), reverse=True):
        raw_title = item.get("title")
        if isinstance(raw_title, Mapping):
            raw_title = raw_title.get("raw")
        if title is not None and str(raw_title or "").strip() != title.strip():
            continue
        return item
    return None


def lookup_slug_raw(rest: RestSession, rest_base: str, slug: str) -> list[dict[str, Any]]:
    """The posts (any status but trash) with ``slug``, as JSON objects with their title."""
    route = f"/wp/v2/{rest_base}"
    params = {
        "slug": slug_query([slug]),
        "status": "any",
        "context": "edit",
        "per_page": PER_PAGE,
        "_fields": POST_FIELDS + ",title",
    }
    return [i for i in rest.paginate(route, params) if isinstance(i, dict)]


def posts_with_slugs(
    rest: RestSession, rest_base: str, slugs: Sequence[str], fields: str
) -> dict[str, dict[str, Any]]:
    """The posts (any status but trash) having these slugs, as ``context=edit`` objects
    with ``fields``, keyed by the slug asked for (see ``WordPressClient.posts_by_slugs``)."""
    asked = sorted(set(slugs) - {""})
    found: dict[str, dict[str, Any]] = {}
    unmatched: list[dict[str, Any]] = []
    for chunk in chunked_for_query(asked, PER_PAGE, MAX_QUERY_CHARS):
        posts = _query_slugs(rest, rest_base, chunk, fields)
        if len(chunk) == 1:
            if posts:
                found[chunk[0]] = _first_of(rest_base, chunk[0], posts)
            continue
        wanted: dict[str, list[str]] = {}
        for slug in chunk:
            wanted.setdefault(normalise_slug(slug), []).append(slug)
        by_slug: dict[str, list[dict[str, Any]]] = {}
        for post in posts:
            keys = wanted.get(normalise_slug(str(post.get("slug") or "")))
            if keys is None:
                unmatched.append(post)
            for key in keys or ():
                by_slug.setdefault(key, []).append(post)
        found.update({k: _first_of(rest_base, k, v) for k, v in by_slug.items()})
    if unmatched:
        for slug in (s for s in asked if s not in found):
            posts = _query_slugs(rest, rest_base, [slug], fields)
            if posts:
                found[slug] = _first_of(rest_base, slug, posts)
    return found


def _query_slugs(
    rest: RestSession, rest_base: str, slugs: Sequence[str], fields: str
) -> list[dict[str, Any]]:
    params = {
        "slug": slug_query(slugs),
        "status": "any",
        "context": "edit",
        "per_page": PER_PAGE,
        "orderby": "id",
        "order": "asc",
        "_fields": fields,
    }
    route = f"/wp/v2/{rest_base}"
    out: list[dict[str, Any]] = []
    for item in rest.paginate(route, params):
        RemotePost.from_json(rest_base, item)  # an answer without an id is refused here
        out.append(dict(item))
    return out


def _first_of(rest_base: str, slug: str, posts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Drafts may share a slug: use the oldest, and say so."""
    if len(posts) > 1:
        logger.warning(
            "%s: %d posts have the slug %r (ids %s): using %s",
            rest_base,
            len(posts),
            slug,
            ", ".join(str(p.get("id")) for p in posts),
            posts[0].get("id"),
        )
    return posts[0]
