"""The front-matter fields: one cleaning function per field in ``FIELDS`` (pelican's
``METADATA_PROCESSORS`` idea), the aliases that stand for a field, and the keys other tools
write that mean nothing to WordPress.  Pure.

A cleaning function takes the raw value and returns the clean one, or raises
``InvalidValue`` with a message; :func:`wpsync.source.mapping.map_document` turns that into
a ``DocumentError`` naming the file, the key and its line.  Nothing here reads the clock or
the disk.

Size: one table of every field and every dialect's known keys reads better whole.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Literal, TypeVar, get_args
from urllib.parse import unquote

from wpsync.model import JSONValue, MediaRef
from wpsync.source.render import is_local_ref
from wpsync.source.slugs import explicit_slug
from wpsync.words import article

__all__ = [
    "ALIASES",
    "COMMENT_STATUSES",
    "DIALECT_ALIASES",
    "DIALECT_IGNORED",
    "FIELDS",
    "FORMATS",
    "IGNORED_KEYS",
    "MAX_TITLE",
    "STATUSES",
    "Cleaner",
    "DiscussionStatus",
    "FieldContext",
    "InvalidValue",
    "PostFormat",
    "PostStatus",
    "UnsupportedValue",
    "normalise_ref",
    "rest_base_for",
]

#: a post's status as the front matter may set it
PostStatus = Literal["publish", "future", "draft", "pending", "private"]
#: a post format (WordPress's closed list)
PostFormat = Literal[
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
]
#: comment_status and ping_status
DiscussionStatus = Literal["open", "closed"]

STATUSES: tuple[PostStatus, ...] = get_args(PostStatus)
FORMATS: tuple[PostFormat, ...] = get_args(PostFormat)
COMMENT_STATUSES: tuple[DiscussionStatus, ...] = get_args(DiscussionStatus)
MAX_TITLE = 1000
MAX_TERMS = 100  # per key (tags, categories, a custom taxonomy): each may be a request
_REST_BASE = re.compile(r"^[a-z0-9_-]+$")


class InvalidValue(ValueError):
    """A front-matter value is unusable; ``message`` says why, without the file."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class FieldContext:
    """What a cleaning function may know of the document besides the value."""

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
    return article(type(value).__name__)


def _text(value: object, what: str = "text") -> str:
    """A string; numbers are accepted as written (``title: 1984``)."""
    if isinstance(value, bool):
        raise InvalidValue(
            f"must be {what}, not {_describe(value)}",
            hint="YAML reads yes/no/on/off/true/false as booleans: put the value in quotes",
        )
    if isinstance(value, str):
        if control := _CONTROL.search(value):
            raise InvalidValue(
                f"contains the control character U+{ord(control.group()):04X} "
                f"(at character {control.start() + 1})",
                hint="remove it (a YAML escape such as \\0 or \\a in a quoted value?)",
            )
        return value
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    raise InvalidValue(f"must be {what}, not {_describe(value)}")


#: C0 controls but tab and line breaks, and DEL: invisible, and MySQL or themes mangle them
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_Choice = TypeVar("_Choice", bound=str)


def _choice(value: object, allowed: Sequence[_Choice]) -> _Choice:
    if isinstance(value, str):
        for option in allowed:
            if value.strip().lower() == option:
                return option
    raise InvalidValue(f"must be one of {', '.join(allowed)}; got {_describe(value)}")


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
    raise InvalidValue(f"must be true or false, not {_describe(value)}")


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
        raise InvalidValue(
            f"must be a list of names or a comma-separated string, not {_describe(value)}"
        )
    if len(items) > MAX_TERMS:
        raise InvalidValue(
            f"lists {len(items)} names; at most {MAX_TERMS} are accepted",
            hint="a post with that many terms is almost always a mistake in the front matter",
        )
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        try:
            name = _text(item, "a name").strip()
        except InvalidValue as exc:
            raise InvalidValue(f"each entry {exc.message}", exc.hint) from None
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return tuple(out)


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


def normalise_ref(folder: str, ref: str) -> str | None:
    """``ref`` (relative to ``folder``) as a path relative to the content root, or
    ``None`` when it leads outside of it."""
    joined = posixpath.normpath(posixpath.join(folder, ref))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


# ---------------------------------------------------------------------------- cleaners
# One function per field.  Each returns the value to layer over the defaults.


def _clean_title(value: object, ctx: FieldContext) -> str | None:
    title = _text(value).strip()
    if len(title) > MAX_TITLE:
        raise InvalidValue(f"is {len(title)} characters long; at most {MAX_TITLE} are allowed")
    return title or None


def _clean_slug(value: object, ctx: FieldContext) -> str:
    raw = _text(value)
    slug = explicit_slug(raw)
    if not slug:
        raise InvalidValue(
            f"{_describe(raw)} has no letters or digits left for a slug",
            hint="use letters, digits and dashes, e.g. slug: my-post",
        )
    return slug


def _clean_status(value: object, ctx: FieldContext) -> PostStatus:
    return _choice(value, STATUSES)


def _clean_flag(value: object, ctx: FieldContext) -> bool:
    return _bool(value)


def _clean_date(value: object, ctx: FieldContext) -> tuple[str | None, str | None]:
    """(``date``, ``date_gmt``): aware times become UTC ``date_gmt``; naive ones stay
    local ``date`` (the site's time zone applies)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = _parse_date(value)
    else:
        raise InvalidValue(
            f"must be a date like 2024-05-01 or 2024-05-01 09:30:00+02:00, not {_describe(value)}"
        )
    return _date_fields(moment)


def _date_fields(moment: datetime) -> tuple[str | None, str | None]:
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        try:
            utc = moment.astimezone(UTC)
        except OverflowError:
            raise InvalidValue(f"{moment.isoformat()} is out of range") from None
        return None, utc.replace(tzinfo=None, microsecond=0).isoformat(timespec="seconds")
    return moment.replace(tzinfo=None, microsecond=0).isoformat(timespec="seconds"), None


_DATE_SHAPE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ]|$)")
_SPACED_OFFSET = re.compile(r"\s+(Z|[+-]\d{2}:?\d{2})$")


_UNPADDED = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:([T ])(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?(?=$|[^\d:])"
)


def _padded(found: re.Match[str]) -> str:
    """``2024-7-16 8:00`` as ``2024-07-16 08:00``: Jekyll (Ruby's Time.parse) reads the
    digits unpadded, Python's ISO parser does not."""
    year, month, day, sep, hour, minute, second = found.groups()
    out = f"{year}-{int(month):02d}-{int(day):02d}"
    if sep is not None:
        out += f"{sep}{int(hour):02d}:{int(minute):02d}"
        out += f":{int(second):02d}" if second is not None else ""
    return out


def _parse_date(text: str) -> datetime:
    cleaned = _SPACED_OFFSET.sub(r"\1", text.strip())  # Jekyll: "2024-05-01 09:30:00 +0200"
    cleaned = _UNPADDED.sub(_padded, cleaned, count=1)
    if cleaned.endswith(("z", "Z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError as exc:
        if _DATE_SHAPE.match(cleaned) and not str(exc).startswith("Invalid isoformat"):
            raise InvalidValue(f"{text!r} is not a real date ({exc})") from None
        raise InvalidValue(
            f"{_describe(text)} is not a date; write YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] "
            "or ISO 8601 with an offset (2024-05-01T09:30:00+02:00)"
        ) from None


def _clean_excerpt(value: object, ctx: FieldContext) -> str:
    return _text(value).strip()


def _clean_categories(value: object, ctx: FieldContext) -> tuple[tuple[str, ...], ...]:
    paths: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for name in _names(value, spaces=ctx.jekyll):
        path = tuple(part.strip() for part in name.split("/") if part.strip())
        key = tuple(part.casefold() for part in path)
        if path and key not in seen:
            seen.add(key)
            paths.append(path)
    return tuple(paths)


def _clean_tags(value: object, ctx: FieldContext) -> tuple[str, ...]:
    return _names(value, spaces=ctx.jekyll)


def _clean_type(value: object, ctx: FieldContext) -> str:
    try:
        return rest_base_for(_text(value, "a post type"))
    except ValueError as exc:
        if isinstance(exc, InvalidValue):
            raise
        raise InvalidValue(str(exc), hint="post, page, or a custom type's REST base") from None


def _clean_template(value: object, ctx: FieldContext) -> str:
    return _text(value).strip()


def _clean_discussion(value: object, ctx: FieldContext) -> DiscussionStatus:
    if isinstance(value, bool):
        return "open" if value else "closed"
    return _choice(value, COMMENT_STATUSES)


def _clean_format(value: object, ctx: FieldContext) -> PostFormat:
    return _choice(value, FORMATS)


def _json_scalar(value: object, where: str) -> JSONValue:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        raise InvalidValue(f"{where} is {value!r}, which JSON cannot carry")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise InvalidValue(
        f"{where} must be text, a number, true/false or a list of those, not {_describe(value)}"
    )


def _clean_meta(value: object, ctx: FieldContext) -> tuple[tuple[str, JSONValue], ...]:
    if not isinstance(value, Mapping):
        raise InvalidValue(f"must be a mapping of meta keys to values, not {_describe(value)}")
    out: list[tuple[str, JSONValue]] = []
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidValue(f"has a key {_describe(key)}; meta keys must be non-empty text")
        where = f"value of {key!r}"
        if isinstance(item, list | tuple):
            out.append((key, [_json_scalar(v, f"an entry of {where}") for v in item]))
        else:
            out.append((key, _json_scalar(item, where)))
    return tuple(out)


def _clean_menu_order(value: object, ctx: FieldContext) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,10}\s*", value)
    ):
        number = int(value)
    if number is None:
        raise InvalidValue(f"must be a whole number, not {_describe(value)}")
    if not -(2**31) <= number < 2**31:
        raise InvalidValue(f"{number} is out of range")
    return number


def _clean_parent(value: object, ctx: FieldContext) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"must be the parent page's slug, not {_describe(value)}")
    slug = explicit_slug(value)
    if not slug:
        raise InvalidValue(f"{_describe(value)} is not a usable slug")
    return slug


def _clean_author(value: object, ctx: FieldContext) -> str | None:
    if isinstance(value, list):  # PaperMod's 'author: ["Me", "You"]': WordPress has one
        value = next((item for item in value if item), None)
        if value is None:
            return None
    if isinstance(value, Mapping):  # FixIt's and Jekyll themes' {name: …, link: …, avatar: …}
        value = next((value[k] for k in ("login", "username", "name") if value.get(k)), None)
        if value is None:
            return None
    return _text(value, "a user login").strip() or None


def _clean_password(value: object, ctx: FieldContext) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        # never show the value: it is a secret
        raise InvalidValue("must be text")
    return str(value)


# Set by _clean_featured_image for a URL: kept apart so the mapper can warn.
@dataclass(frozen=True)
class UnsupportedValue:
    reason: str


def _clean_featured_image(value: object, ctx: FieldContext) -> MediaRef | UnsupportedValue | None:
    alt = title = ""
    if isinstance(value, Mapping):
        source = next((value[k] for k in ("image", "src", "path", "url") if k in value), None)
        if source is None:
            raise InvalidValue("needs an 'image' (the file's path) when given as a mapping")
        if _unset_image(source):
            return None  # PaperMod's archetype: cover: {image: "" or "<image path/url>"}
        alt = _text(value.get("alt", "") or "").strip()
        title = _text(value.get("title", value.get("caption", "")) or "").strip()
        value = source
    if _unset_image(value):
        return None  # 'image: ""', as a theme's archetype leaves it
    if not isinstance(value, str):
        raise InvalidValue(f"must be the path of a local image, not {_describe(value)}")
    ref = value.strip()
    if not is_local_ref(ref):
        return UnsupportedValue(
            f"featured image {ref!r} is not a path relative to the document; "
            "remote and site-absolute images are not supported, ignored"
        )
    rel = normalise_ref(ctx.folder, unquote(ref.partition("#")[0].partition("?")[0]))
    if rel is None:
        raise InvalidValue(f"{ref!r} points outside the content folder")
    return MediaRef(rel, alt, title)


def _clean_taxonomies(value: object, ctx: FieldContext) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise InvalidValue(f"must map a taxonomy's REST base to names, not {_describe(value)}")
    out: list[tuple[str, tuple[str, ...]]] = []
    for key, names in value.items():
        base = key.strip().lower() if isinstance(key, str) else ""
        if base in ("categories", "tags", "category", "tag"):
            raise InvalidValue(f"lists {key!r}: use the top-level '{base}' key instead")
        if not _REST_BASE.match(base):
            raise InvalidValue(
                f"has the key {_describe(key)}; a taxonomy is named by its REST base "
                "(letters, digits, '_' and '-')"
            )
        try:
            out.append((base, _names(names)))
        except InvalidValue as exc:
            raise InvalidValue(f"{key!r} {exc.message}", exc.hint) from None
    return tuple(out)


def _unset_image(value: object) -> bool:
    """An image left empty or as a template's placeholder (``"<image path/url>"``)."""
    text = value.strip() if isinstance(value, str) else None
    return text is not None and (not text or (text[0] == "<" and text[-1] == ">"))


#: a cleaning function: the raw value and the document → the clean value
Cleaner = Callable[[object, FieldContext], object]

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
    "coverimage": "featured_image",  # wordpress-export-to-markdown, some Hugo themes
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
        # Obsidian's properties (``publish: false`` makes a note a draft: mapping.py)
        "alias",
        "cssclasses",
        "cssclass",
        "publish",
    ]
)

#: Keys each dialect's own documentation defines that WordPress has no use for (or that a
#: theme of that tool commonly adds): ignored without a "did you mean" warning.
#: gohugo.io/content-management/front-matter, jekyllrb.com/docs/front-matter.
DIALECT_IGNORED: Mapping[str, frozenset[str]] = {
    "hugo": frozenset(
        [
            "aliases",
            "build",
            "_build",
            "cascade",
            "expirydate",
            "unpublishdate",
            "headless",
            "iscjklanguage",
            "keywords",
            "lastmod",
            "modified",
            "layout",
            "linktitle",
            "markup",
            "menu",
            "menus",
            "outputs",
            "params",
            "resources",
            "series",
            "sitemap",
            "translationkey",
            "url",
            "images",
            "videos",
            "audio",
            "toc",
            "showtoc",
            "tocopen",
            "hidemeta",
            "comments",
            "math",
            "authors",
            # the themes' own (themes.py reads thumbnail): LoveIt, FixIt, PaperMod, Stack
            "thumbnail",
            "featuredimagepreview",
            "subtitle",
            "authorlink",
            "lightgallery",
            "hiddenfromhomepage",
            "hiddenfromsearch",
            "showreadingtime",
            "showbreadcrumbs",
            "showpostnavlinks",
            "showwordcount",
            "disablehljs",
            "disableshare",
            "hidesummary",
            "searchhidden",
            "usehugotoc",
        ]
    ),
    "jekyll": frozenset(
        [
            "permalink",
            "layout",
            "redirect_from",
            "redirect_to",
            "comments",
            "excerpt_separator",
            "last_modified_at",
            "sitemap",
            "hidden",
            "pin",
            "render_with_liquid",
            "lang",
            "share",
            "toc",
            "header",
            "classes",
            "sidebar",
            "seo",
            "collection",
            "media_subpath",
            "img_path",
            # the themes' own (themes.py reads thumbnail): Minimal Mistakes, al-folio, Chirpy
            "thumbnail",
            "related_posts",
            "related",
            "author_profile",
            "read_time",
            "show_date",
            "toc_label",
            "toc_icon",
            "toc_sticky",
            "giscus_comments",
            "featured",
            "mermaid",
            "gallery",  # Minimal Mistakes' {% include gallery %} reads it (jekyll.py)
        ]
    ),
    # docusaurus.io/docs/api/plugins/@docusaurus/plugin-content-docs#markdown-front-matter,
    # vitepress.dev/reference/frontmatter-config, squidfunk.github.io/mkdocs-material
    # (hide, icon, status, search), GitBook's page layout (layout, cover)
    "docs": frozenset(
        [
            "id",
            "sidebar_label",
            "sidebar_class_name",
            "sidebar_custom_props",
            "displayed_sidebar",
            "hide_title",
            "hide_table_of_contents",
            "toc_min_heading_level",
            "toc_max_heading_level",
            "pagination_label",
            "pagination_next",
            "pagination_prev",
            "parse_number_prefixes",
            "custom_edit_url",
            "last_update",
            "unlisted",
            "authors",
            "keywords",  # the page's <meta name="keywords">, not its tags
            "layout",
            "outline",
            "aside",
            "lastupdated",
            "editlink",
            "footer",
            "pageclass",
            "head",
            "hero",
            "features",
            "navbar",
            "sidebar",
            "hide",
            "icon",
            "status",
            "search",
            "covery",
        ]
    ),
}

#: Keys that stand for a field only in one dialect (Hugo's publishDate is the post's
#: date; its ``published`` is a date too, not Jekyll's published: false).
DIALECT_ALIASES: Mapping[str, Mapping[str, str]] = {
    "hugo": {
        "publishdate": "date",
        "pubdate": "date",
        "published": "date",
        "featuredimage": "featured_image",  # LoveIt, DoIt, FixIt
    },
    # Docusaurus' place of a doc among its siblings (docusaurus.io/docs/sidebar/autogenerated)
    "docs": {"sidebar_position": "menu_order"},
}
