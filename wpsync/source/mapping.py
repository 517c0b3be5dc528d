"""Front matter → ``PostPayload``: where every front-matter field is mapped.  Pure.

Each field has one cleaning function in ``FIELDS`` (pelican's ``METADATA_PROCESSORS``
idea); aliases point at the field they stand for.  Values are layered:

    defaults (config)  →  derived from the path (slug, title, Jekyll date)
                       →  derived from the body (leading "# Title")  →  front matter

A cleaning function takes the raw value and returns the clean one, or raises
``_Invalid`` with a message; ``map_document`` turns that into a ``DocumentError``
naming the file, the key and its line.  Nothing here reads the clock or the disk.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import math
import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import quote, unquote

from wpsync.errors import DocumentError
from wpsync.model import Document, JSONValue, MediaRef, PostPayload
from wpsync.source.dialects import convert_template_tags
from wpsync.source.render import Rendered, is_local_ref, render_markdown, rewrite_urls

logger = logging.getLogger(__name__)

__all__ = [
    "ALIASES",
    "COMMENT_STATUSES",
    "FIELDS",
    "FORMATS",
    "IGNORED_KEYS",
    "STATUSES",
    "Mapped",
    "MappingDefaults",
    "map_document",
    "rest_base_for",
    "slugify",
]

STATUSES = ("publish", "future", "draft", "pending", "private")
FORMATS = (
    "standard",
    "aside",
    "chat",
    "gallery",
    "link",
    "image",
    "quote",
    "status",
    "video",
    "audio",
)
COMMENT_STATUSES = ("open", "closed")
MAX_TITLE = 1000
MAX_TERMS = 100  # per key (tags, categories, a custom taxonomy): each may be a request
MAX_SLUG = 200
_REST_BASE = re.compile(r"^[a-z0-9_-]+$")
_JEKYLL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(?=.)")


@dataclass(frozen=True)
class MappingDefaults:
    """What a document gets when its front matter says nothing (from the config)."""

    default_type: str = "post"
    default_status: str = "publish"

    def __post_init__(self) -> None:
        if self.default_status not in STATUSES:
            raise ValueError(
                f"default status {self.default_status!r} is not one of {', '.join(STATUSES)}"
            )
        rest_base_for(self.default_type)  # raises ValueError when unusable


@dataclass(frozen=True)
class Mapped:
    payload: PostPayload
    warnings: tuple[str, ...]


class _Invalid(ValueError):
    """A front-matter value is unusable; ``message`` says why, without the file."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class _Context:
    rel: str  # the document, relative to the content root
    jekyll: bool = False  # a Jekyll post: space-separated categories and tags

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.rel)


# ---------------------------------------------------------------------------- helpers


def _describe(value: object) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple | set | frozenset):
        return "a list"
    if isinstance(value, datetime | date | time):
        return f"the date/time {value.isoformat()}"
    if value is None:
        return "nothing"
    return f"a {type(value).__name__}"


def _text(value: object, what: str = "text") -> str:
    """A string; numbers are accepted as written (``title: 1984``)."""
    if isinstance(value, bool):
        raise _Invalid(
            f"must be {what}, not {_describe(value)}",
            hint="YAML reads yes/no/on/off/true/false as booleans: put the value in quotes",
        )
    if isinstance(value, str):
        if control := _CONTROL.search(value):
            raise _Invalid(
                f"contains the control character U+{ord(control.group()):04X} "
                f"(at character {control.start() + 1})",
                hint="remove it (a YAML escape such as \\0 or \\a in a quoted value?)",
            )
        return value
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    raise _Invalid(f"must be {what}, not {_describe(value)}")


#: C0 controls but tab and line breaks, and DEL: invisible, and MySQL or themes mangle them
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _choice(value: object, allowed: Sequence[str]) -> str:
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower()
    raise _Invalid(f"must be one of {', '.join(allowed)}; got {_describe(value)}")


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise _Invalid(f"must be true or false, not {_describe(value)}")


def _names(value: object, *, spaces: bool = False) -> tuple[str, ...]:
    """A list of names, or one comma-separated string; stripped, without duplicates
    (compared case-insensitively; the first spelling wins).  ``spaces``: a string
    without commas is space-separated, as Jekyll reads ``categories: jekyll update``."""
    if isinstance(value, str):
        separated = spaces and "," not in value
        items: list[object] = list(value.split() if separated else value.split(","))
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise _Invalid(
            f"must be a list of names or a comma-separated string, not {_describe(value)}"
        )
    if len(items) > MAX_TERMS:
        raise _Invalid(
            f"lists {len(items)} names; at most {MAX_TERMS} are accepted",
            hint="a post with that many terms is almost always a mistake in the front matter",
        )
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        try:
            name = _text(item, "a name").strip()
        except _Invalid as exc:
            raise _Invalid(f"each entry {exc.message}", exc.hint) from None
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return tuple(out)


# Letters NFKD cannot take apart, spelled out as WordPress's remove_accents() does;
# apostrophes vanish ("don't" → "dont").
_ASCII_EXTRA = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th"}
) | str.maketrans("øØđĐðÐłŁıħ", "ooddddllih", "'’‘")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = MAX_SLUG) -> str:
    """WordPress-like slug: ASCII lowercase letters, digits and single dashes.

    Accents are removed (NFKD), a few letters without a decomposition are spelled out
    (ß → ss, ø → o …); anything else becomes a dash.  May return ``""`` (``"日本"``).
    """
    ascii_text = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_ALNUM.sub("-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")


def rest_base_for(post_type: str) -> str:
    """REST base of a post type: ``post`` → ``posts``, ``page`` → ``pages``, else as given."""
    lowered = post_type.strip().lower()
    if lowered in ("post", "posts"):
        return "posts"
    if lowered in ("page", "pages"):
        return "pages"
    if lowered in ("attachment", "media"):
        raise ValueError("media cannot be published from a Markdown file")
    if not _REST_BASE.match(lowered):
        raise ValueError(
            f"post type {post_type!r} is not a REST base (letters, digits, '_' and '-' only)"
        )
    return lowered


def _normalise_ref(folder: str, ref: str) -> str | None:
    """``ref`` (relative to ``folder``) as a path relative to the content root, or
    ``None`` when it leads outside of it."""
    joined = posixpath.normpath(posixpath.join(folder, ref))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


# ---------------------------------------------------------------------------- cleaners
# One function per field.  Each returns the value to layer over the defaults.


def _clean_title(value: object, ctx: _Context) -> str | None:
    title = _text(value).strip()
    if len(title) > MAX_TITLE:
        raise _Invalid(f"is {len(title)} characters long; at most {MAX_TITLE} are allowed")
    return title or None


def _clean_slug(value: object, ctx: _Context) -> str:
    raw = _text(value)
    slug = slugify(raw)
    if not slug:
        raise _Invalid(
            f"{_describe(raw)} has no letters or digits left for a slug",
            hint="use ASCII letters, digits and dashes, e.g. slug: my-post",
        )
    return slug


def _clean_status(value: object, ctx: _Context) -> str:
    return _choice(value, STATUSES)


def _clean_flag(value: object, ctx: _Context) -> bool:
    return _bool(value)


def _clean_date(value: object, ctx: _Context) -> tuple[str | None, str | None]:
    """(``date``, ``date_gmt``): aware times become UTC ``date_gmt``; naive ones stay
    local ``date`` (the site's time zone applies)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = _parse_date(value)
    else:
        raise _Invalid(
            f"must be a date like 2024-05-01 or 2024-05-01 09:30:00+02:00, not {_describe(value)}"
        )
    return _date_fields(moment)


def _date_fields(moment: datetime) -> tuple[str | None, str | None]:
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        try:
            utc = moment.astimezone(UTC)
        except OverflowError:
            raise _Invalid(f"{moment.isoformat()} is out of range") from None
        return None, utc.replace(tzinfo=None, microsecond=0).isoformat(timespec="seconds")
    return moment.replace(tzinfo=None, microsecond=0).isoformat(timespec="seconds"), None


_DATE_SHAPE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ]|$)")
_SPACED_OFFSET = re.compile(r"\s+(Z|[+-]\d{2}:?\d{2})$")


def _parse_date(text: str) -> datetime:
    cleaned = _SPACED_OFFSET.sub(r"\1", text.strip())  # Jekyll: "2024-05-01 09:30:00 +0200"
    if cleaned.endswith(("z", "Z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError as exc:
        if _DATE_SHAPE.match(cleaned) and not str(exc).startswith("Invalid isoformat"):
            raise _Invalid(f"{text!r} is not a real date ({exc})") from None
        raise _Invalid(
            f"{_describe(text)} is not a date; write YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] "
            "or ISO 8601 with an offset (2024-05-01T09:30:00+02:00)"
        ) from None


def _clean_excerpt(value: object, ctx: _Context) -> str:
    return _text(value).strip()


def _clean_categories(value: object, ctx: _Context) -> tuple[tuple[str, ...], ...]:
    paths: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for name in _names(value, spaces=ctx.jekyll):
        path = tuple(part.strip() for part in name.split("/") if part.strip())
        key = tuple(part.casefold() for part in path)
        if path and key not in seen:
            seen.add(key)
            paths.append(path)
    return tuple(paths)


def _clean_tags(value: object, ctx: _Context) -> tuple[str, ...]:
    return _names(value, spaces=ctx.jekyll)


def _clean_type(value: object, ctx: _Context) -> str:
    try:
        return rest_base_for(_text(value, "a post type"))
    except ValueError as exc:
        if isinstance(exc, _Invalid):
            raise
        raise _Invalid(str(exc), hint="post, page, or a custom type's REST base") from None


def _clean_template(value: object, ctx: _Context) -> str:
    return _text(value).strip()


def _clean_discussion(value: object, ctx: _Context) -> str:
    if isinstance(value, bool):
        return "open" if value else "closed"
    return _choice(value, COMMENT_STATUSES)


def _clean_format(value: object, ctx: _Context) -> str:
    return _choice(value, FORMATS)


def _json_scalar(value: object, where: str) -> JSONValue:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        raise _Invalid(f"{where} is {value!r}, which JSON cannot carry")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise _Invalid(
        f"{where} must be text, a number, true/false or a list of those, not {_describe(value)}"
    )


def _clean_meta(value: object, ctx: _Context) -> tuple[tuple[str, JSONValue], ...]:
    if not isinstance(value, Mapping):
        raise _Invalid(f"must be a mapping of meta keys to values, not {_describe(value)}")
    out: list[tuple[str, JSONValue]] = []
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise _Invalid(f"has a key {_describe(key)}; meta keys must be non-empty text")
        where = f"value of {key!r}"
        if isinstance(item, list | tuple):
            out.append((key, [_json_scalar(v, f"an entry of {where}") for v in item]))
        else:
            out.append((key, _json_scalar(item, where)))
    return tuple(out)


def _clean_menu_order(value: object, ctx: _Context) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,10}\s*", value)
    ):
        number = int(value)
    if number is None:
        raise _Invalid(f"must be a whole number, not {_describe(value)}")
    if not -(2**31) <= number < 2**31:
        raise _Invalid(f"{number} is out of range")
    return number


def _clean_parent(value: object, ctx: _Context) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"must be the parent page's slug, not {_describe(value)}")
    slug = slugify(value)
    if not slug:
        raise _Invalid(f"{_describe(value)} is not a usable slug")
    return slug


def _clean_author(value: object, ctx: _Context) -> str | None:
    return _text(value, "a user login").strip() or None


def _clean_password(value: object, ctx: _Context) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        # never show the value: it is a secret
        raise _Invalid("must be text")
    return str(value)


# Set by _clean_featured_image for a URL: kept apart so the mapper can warn.
@dataclass(frozen=True)
class _Unsupported:
    reason: str


def _clean_featured_image(value: object, ctx: _Context) -> MediaRef | _Unsupported:
    alt = title = ""
    if isinstance(value, Mapping):
        source = next((value[k] for k in ("image", "src", "path", "url") if k in value), None)
        if source is None:
            raise _Invalid("needs an 'image' (the file's path) when given as a mapping")
        alt = _text(value.get("alt", "") or "").strip()
        title = _text(value.get("title", value.get("caption", "")) or "").strip()
        value = source
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"must be the path of a local image, not {_describe(value)}")
    ref = value.strip()
    if not is_local_ref(ref):
        return _Unsupported(
            f"featured image {ref!r} is not a path relative to the document; "
            "remote and site-absolute images are not supported, ignored"
        )
    rel = _normalise_ref(ctx.folder, unquote(ref.partition("#")[0].partition("?")[0]))
    if rel is None:
        raise _Invalid(f"{ref!r} points outside the content folder")
    return MediaRef(rel, alt, title)


def _clean_taxonomies(value: object, ctx: _Context) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise _Invalid(f"must map a taxonomy's REST base to names, not {_describe(value)}")
    out: list[tuple[str, tuple[str, ...]]] = []
    for key, names in value.items():
        base = key.strip().lower() if isinstance(key, str) else ""
        if base in ("categories", "tags", "category", "tag"):
            raise _Invalid(f"lists {key!r}: use the top-level '{base}' key instead")
        if not _REST_BASE.match(base):
            raise _Invalid(
                f"has the key {_describe(key)}; a taxonomy is named by its REST base "
                "(letters, digits, '_' and '-')"
            )
        try:
            out.append((base, _names(names)))
        except _Invalid as exc:
            raise _Invalid(f"{key!r} {exc.message}", exc.hint) from None
    return tuple(out)


Cleaner = Callable[[Any, _Context], Any]

#: canonical key → cleaning function.  ``draft`` and ``published`` fold into ``status``.
FIELDS: Mapping[str, Cleaner] = {
    "title": _clean_title,
    "slug": _clean_slug,
    "status": _clean_status,
    "draft": _clean_flag,
    "published": _clean_flag,
    "date": _clean_date,
    "excerpt": _clean_excerpt,
    "categories": _clean_categories,
    "tags": _clean_tags,
    "type": _clean_type,
    "template": _clean_template,
    "sticky": _clean_flag,
    "comment_status": _clean_discussion,
    "ping_status": _clean_discussion,
    "format": _clean_format,
    "meta": _clean_meta,
    "menu_order": _clean_menu_order,
    "parent": _clean_parent,
    "author": _clean_author,
    "featured_image": _clean_featured_image,
    "password": _clean_password,
    "taxonomies": _clean_taxonomies,
}

#: alias → canonical key.  When several spellings are present the canonical key wins,
#: then the aliases in this order; the others are reported and ignored.
ALIASES: Mapping[str, str] = {
    "summary": "excerpt",
    "description": "excerpt",
    "category": "categories",
    "tag": "tags",
    "keywords": "tags",
    "weight": "menu_order",
    "image": "featured_image",
    "cover": "featured_image",
    "featured_media": "featured_image",
    "comments_status": "comment_status",
}

#: Keys other tools (Jekyll, Hugo, Pelican…) use that mean nothing to WordPress.
IGNORED_KEYS = frozenset(
    [
        "layout",
        "lastmod",
        "last_modified_at",
        "modified",
        "updated",
        "aliases",
        "toc",
        "permalink",
        "id",
        "url",
        "redirect_from",
        "redirect_to",
        "sitemap",
        "comments",
        "share",
        "math",
        "mathjax",
        "katex",
        "linktitle",
        "translationkey",
    ]
)

_POST_ONLY: tuple[str, ...] = ("sticky", "format", "categories", "tags")
_PAGE_ONLY: tuple[str, ...] = ("parent", "menu_order")


# ---------------------------------------------------------------------------- mapper


@dataclass(frozen=True)
class _Given:
    """A cleaned front-matter value and the key it was written under."""

    key: str
    value: Any


def map_document(doc: Document, defaults: MappingDefaults) -> Mapped:
    """Map one document to the payload WordPress should hold for it.

    Raises ``DocumentError`` for a value that cannot be used (naming the key and, when
    known, its line); returns warnings for what was ignored.
    """
    jekyll = "_posts" in doc.rel.split("/")[:-1] or any(
        str(key).lower() == "layout" for key in doc.front_matter
    )
    ctx = _Context(doc.rel, jekyll)
    warnings: list[str] = []
    given = _front_matter(doc, ctx, warnings)

    def value(name: str, default: Any = None) -> Any:
        return given[name].value if name in given else default

    # Layers: the config's defaults, then what the path says, then the front matter.
    stem_slug, stem_title, stem_date = _from_path(doc.rel, warnings)
    rest_base = value("type", rest_base_for(defaults.default_type))
    status = value("status", defaults.default_status)
    slug = value("slug", stem_slug)

    # draft: true / published: false fold into the status
    if value("draft") is True or value("published") is False:
        flag = "draft" if value("draft") is True else "published"
        if "status" in given and status != "draft":
            warnings.append(f"'{given[flag].key}' makes this a draft; status {status!r} ignored")
        status = "draft"

    # The body; its leading "# Title" is the title when the front matter gives none
    # (and is then left out of the content, so the theme does not show it twice).
    title = value("title")
    body = convert_template_tags(doc.body)
    rendered = render_markdown(body, strip_title=title is None)
    if title is None:
        if rendered.title is not None and len(rendered.title) > MAX_TITLE:
            raise DocumentError(
                doc.rel,
                f"the first heading is {len(rendered.title)} characters long; "
                f"a title may have at most {MAX_TITLE}",
                line=doc.body_line,
            )
        title = rendered.title or stem_title
    elif rendered.title is not None and _same_title(rendered.title, title):
        rendered = render_markdown(body, strip_title=True)  # don't show it twice

    content, images, links = _local_refs(doc, rendered)

    date_local, date_gmt = value("date", (stem_date, None))

    featured = value("featured_image")
    if isinstance(featured, _Unsupported):
        warnings.append(featured.reason)
        featured = None

    fields: dict[str, Any] = {
        "excerpt": value("excerpt"),
        "categories": value("categories", ()),
        "tags": value("tags", ()),
        "template": value("template"),
        "sticky": value("sticky"),
        "comment_status": value("comment_status"),
        "ping_status": value("ping_status"),
        "format": value("format"),
        "menu_order": value("menu_order"),
        "parent": value("parent"),
        "author": value("author"),
        "password": value("password"),
        "meta": value("meta", ()),
        "taxonomies": value("taxonomies", ()),
    }
    _drop_unsupported(rest_base, fields, given, warnings)

    payload = PostPayload(
        rel=doc.rel,
        rest_base=rest_base,
        slug=slug,
        title=title,
        content=content,
        status=status,
        date=date_local,
        date_gmt=date_gmt,
        featured_image=featured,
        images=images,
        links=links,
        slug_explicit="slug" in given,
        **fields,
    )
    return Mapped(payload, tuple(warnings))


def _front_matter(doc: Document, ctx: _Context, warnings: list[str]) -> dict[str, _Given]:
    """Clean every known key; warn about unknown and shadowed ones."""
    spellings: dict[str, list[tuple[int, str]]] = {}
    order = {name: 0 for name in FIELDS}
    order.update({alias: i + 1 for i, alias in enumerate(ALIASES)})
    for key in doc.front_matter:
        lowered = key.strip().lower()
        canonical = lowered if lowered in FIELDS else ALIASES.get(lowered)
        if canonical is None:
            if lowered in IGNORED_KEYS:
                logger.debug("%s: front-matter key %r ignored", doc.rel, key)
            else:
                warnings.append(_unknown(key))
            continue
        rank = order[lowered] * 2 + (0 if key == lowered else 1)
        spellings.setdefault(canonical, []).append((rank, key))

    given: dict[str, _Given] = {}
    for canonical, keys in spellings.items():
        keys.sort()
        key = keys[0][1]
        for _, other in keys[1:]:
            warnings.append(f"front-matter key {other!r} ignored: {key!r} already sets {canonical}")
        raw = doc.front_matter[key]
        if raw is None:  # "title:" with nothing after it: not set
            continue
        try:
            cleaned = FIELDS[canonical](raw, ctx)
        except _Invalid as exc:
            raise DocumentError(
                doc.rel,
                f"front-matter key {key!r} {exc.message}",
                line=doc.key_lines.get(key),
                hint=exc.hint,
            ) from None
        if cleaned is not None:
            given[canonical] = _Given(key, cleaned)
    return given


def _unknown(key: str) -> str:
    known = [*FIELDS, *ALIASES]
    close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.7)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown front-matter key {key!r} ignored{suggestion}"


def _from_path(rel: str, warnings: list[str]) -> tuple[str, str, str | None]:
    """(slug, title, date) that the file's path suggests."""
    folder, name = posixpath.split(rel)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    found_date: str | None = None
    jekyll = _JEKYLL_DATE.match(stem)
    if jekyll:
        stem = stem[jekyll.end() :]
        try:
            year, month, day = (int(part) for part in jekyll.groups())
            found_date = datetime(year, month, day).isoformat(timespec="seconds")
        except ValueError:
            warnings.append(
                f"the date in the file name ({jekyll.group(0)[:-1]}) is not a real date; ignored"
            )
    if stem.lower() in ("index", "_index"):
        stem = posixpath.basename(folder) or "index"
    slug = slugify(stem)
    if not slug:
        slug = "post-" + hashlib.sha256(rel.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        warnings.append(
            f"the file name gives no slug (no Latin letters or digits); using {slug!r}: "
            "set 'slug' in the front matter"
        )
    words = re.sub(r"[-_\s]+", " ", stem).strip()
    title = (words[:1].upper() + words[1:]) if words else slug
    return slug, title, found_date


def _same_title(heading: str, title: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(re.sub(r"<[^>]*>", "", text).split()).casefold()

    return norm(heading) == norm(title)


def _local_refs(
    doc: Document, rendered: Rendered
) -> tuple[str, tuple[MediaRef, ...], tuple[str, ...]]:
    """Content with local references made relative to the content root, the images
    and the Markdown links it uses."""
    folder = posixpath.dirname(doc.rel)
    replace: dict[str, str] = {}

    def resolve(ref: str, what: str) -> str:
        rel = _normalise_ref(folder, ref)
        if rel is None:
            raise DocumentError(
                doc.rel,
                f"{what} {ref!r} points outside the content folder",
                line=_body_line(doc, ref),
            )
        if rel != ref:
            replace[ref] = quote(rel, safe="/")
        return rel

    images: list[MediaRef] = []
    seen: set[str] = set()
    for image in rendered.image_refs:
        rel = resolve(image.ref, "image")
        if rel not in seen:
            seen.add(rel)
            images.append(MediaRef(rel, image.alt, image.title))
    links: list[str] = []
    for link in rendered.links:
        rel = resolve(link, "link")
        if rel not in links:
            links.append(rel)
    content = rewrite_urls(rendered.html, replace) if replace else rendered.html
    return content, tuple(images), tuple(links)


def _body_line(doc: Document, ref: str) -> int | None:
    for form in (ref, quote(ref, safe="/#?")):
        index = doc.body.find(form)
        if index >= 0:
            return doc.body_line + doc.body.count("\n", 0, index)
    return None


def _drop_unsupported(
    rest_base: str, fields: dict[str, Any], given: Mapping[str, _Given], warnings: list[str]
) -> None:
    """Posts have no parent or menu order; pages have no sticky, format or terms."""
    if rest_base == "posts":
        dropped, kind = _PAGE_ONLY, "posts"
    elif rest_base == "pages":
        dropped, kind = _POST_ONLY, "pages"
    else:
        return
    for name in dropped:
        if name in given:
            warnings.append(f"front-matter key {given[name].key!r} ignored: {kind} have no {name}")
            fields[name] = () if name in ("categories", "tags") else None
