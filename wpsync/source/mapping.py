"""Front matter → ``PostPayload``: where every front-matter field is mapped.  Pure.

Each field is cleaned by its function in :data:`wpsync.source.fields.FIELDS`; aliases point
at the field they stand for.  Values are layered:

    defaults (config)  →  derived from the path (slug, title, Jekyll date)
                       →  derived from the body (leading "# Title")  →  front matter

A cleaning function raises ``InvalidValue`` for a value it cannot use; ``map_document``
turns that into a ``DocumentError`` naming the file, the key and its line.  Nothing here
reads the clock or the disk.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from wpsync.config import Dialect
from wpsync.errors import DocumentError
from wpsync.model import Document, MediaRef, PostPayload
from wpsync.source.fields import (
    ALIASES,
    DIALECT_ALIASES,
    DIALECT_IGNORED,
    FIELDS,
    IGNORED_KEYS,
    MAX_TITLE,
    STATUSES,
    FieldContext,
    InvalidValue,
    UnsupportedValue,
    normalise_ref,
    rest_base_for,
)
from wpsync.source.render import (
    DEFAULT_ENGINE,
    ENGINES,
    MarkdownEngine,
    Rendered,
    render_markdown,
    rewrite_urls,
)
from wpsync.source.site import Site
from wpsync.source.slugs import slugify
from wpsync.source.themes import media_subpath, under_subpath
from wpsync.source.translation import translated

if TYPE_CHECKING:  # an Obsidian vault's and a site-root path's modules: imported where used
    from wpsync.source.vault import VaultIndex

logger = logging.getLogger(__name__)

__all__ = ["Mapped", "MappingDefaults", "Terms", "map_document", "placed", "terms_hint"]

_JEKYLL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(?=.)")


@dataclass(frozen=True)
class MappingDefaults:
    """What a document gets when its front matter says nothing (from the config)."""

    default_type: str = "post"
    default_status: str = "publish"
    markdown: MarkdownEngine = DEFAULT_ENGINE
    #: the tool the archive was written for (:mod:`wpsync.source.dialect`)
    dialect: Dialect = "plain"
    #: an Obsidian vault's files, to find what ``[[links]]`` name (:mod:`wpsync.source.vault`)
    vault: VaultIndex | None = None

    def __post_init__(self) -> None:
        if self.markdown not in ENGINES:
            raise ValueError(
                f"Markdown engine {self.markdown!r} is not one of {', '.join(ENGINES)}"
            )
        if self.default_status not in STATUSES:
            raise ValueError(
                f"default status {self.default_status!r} is not one of {', '.join(STATUSES)}"
            )
        rest_base_for(self.default_type)  # raises ValueError when unusable


@dataclass(frozen=True)
class Mapped:
    """A document's payload, and the warnings mapping it gave (keys ignored, and why)."""

    payload: PostPayload
    warnings: tuple[str, ...]


_POST_ONLY: tuple[str, ...] = ("sticky", "format", "categories", "tags")
_PAGE_ONLY: tuple[str, ...] = ("parent", "menu_order")


# ---------------------------------------------------------------------------- mapper


@dataclass(frozen=True)
class _Given:
    """A cleaned front-matter value and the key it was written under."""

    key: str
    value: Any


def placed(doc: Document, defaults: MappingDefaults, site: Site | None = None) -> tuple[str, str]:
    """The REST base and slug :func:`map_document` gives ``doc``, from its path and
    front matter alone: without rendering it.  Only a hint (a checkout without a state
    looks its post up by it, and takes the post only when its fingerprint names this
    file's bytes: engine/recognised.py): the slug references.py gives a same-named file
    or a book's front page is not this one.  Raises DocumentError as map_document does."""
    dialect = defaults.dialect
    jekyll = dialect == "jekyll" or (
        dialect != "hugo"
        and (
            "_posts" in doc.rel.split("/")[:-1]
            or any(str(key).lower() == "layout" for key in doc.front_matter)
        )
    )
    warnings: list[str] = []
    stem_slug, _, stem_date = _from_path(doc.rel, warnings)
    given = _front_matter(doc, FieldContext(doc.rel, jekyll), warnings, dialect, stem_date, site)
    rest_base = given["type"].value if "type" in given else rest_base_for(defaults.default_type)
    if "type" not in given:
        rest_base = _by_folder(dialect, doc.rel.split("/")[:-1], defaults, str(rest_base))
    slug = given["slug"].value if "slug" in given else stem_slug
    return str(rest_base), str(slug)


@dataclass(frozen=True)
class Terms:
    """The terms a document's front matter names (:func:`terms_hint`)."""

    categories: tuple[tuple[str, ...], ...] = ()
    tags: tuple[str, ...] = ()
    taxonomies: tuple[tuple[str, tuple[str, ...]], ...] = ()


def terms_hint(doc: Document, defaults: MappingDefaults) -> Terms:
    """The categories, tags and custom taxonomies :func:`map_document` gives ``doc``, from
    its front matter alone: without rendering it.  Only a hint (a hook's run looks them
    up while the file is still being rendered, engine/executor.py; the payload's own
    terms are what is written): a page's terms, which the mapping drops, are named here
    too.  Raises DocumentError as map_document does."""
    dialect = defaults.dialect
    jekyll = dialect == "jekyll" or (
        dialect != "hugo"
        and (
            "_posts" in doc.rel.split("/")[:-1]
            or any(str(key).lower() == "layout" for key in doc.front_matter)
        )
    )
    warnings: list[str] = []
    _, _, stem_date = _from_path(doc.rel, warnings)
    given = _front_matter(doc, FieldContext(doc.rel, jekyll), warnings, dialect, stem_date, None)

    def value(name: str) -> Any:
        return given[name].value if name in given else ()

    return Terms(value("categories"), value("tags"), value("taxonomies"))


def map_document(doc: Document, defaults: MappingDefaults, site: Site | None = None) -> Mapped:
    """Map one document to the payload WordPress should hold for it.

    ``site``: the folder, for a dialect's links to other files (none: no file is known).
    Raises ``DocumentError`` for a value that cannot be used (naming the key and, when
    known, its line); returns warnings for what was ignored.
    """
    dialect = defaults.dialect
    jekyll = dialect == "jekyll" or (
        dialect != "hugo"
        and (
            "_posts" in doc.rel.split("/")[:-1]
            or any(str(key).lower() == "layout" for key in doc.front_matter)
        )
    )
    ctx = FieldContext(doc.rel, jekyll)
    warnings: list[str] = []
    stem_slug, stem_title, stem_date = _from_path(doc.rel, warnings, as_named=dialect == "obsidian")
    site = site or Site()
    given = _front_matter(doc, ctx, warnings, dialect, stem_date, site)

    def value(name: str, default: Any = None) -> Any:
        return given[name].value if name in given else default

    # Layers: the config's defaults, then what the path says, then the front matter.
    rest_base = value("type", rest_base_for(defaults.default_type))
    folders = doc.rel.split("/")[:-1]
    if "type" not in given:
        rest_base = _by_folder(dialect, folders, defaults, rest_base)
    status = value("status", defaults.default_status)
    if dialect == "jekyll" and "_drafts" in folders and "status" not in given:
        status = "draft"  # Jekyll publishes _drafts/ only with --drafts
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
    title_from_name = False
    if dialect == "obsidian" and doc.front_matter.get("publish") is False and status != "draft":
        status = "draft"  # Obsidian Publish's "not this one": never public
    body = translated(  # (translation.py)
        doc,
        site,
        warnings,
        dialect=defaults.dialect,
        engine=defaults.markdown,
        vault=defaults.vault,
    )
    rendered = _render(doc, body, strip_title=title is None, defaults=defaults)
    if title is None:
        if rendered.title is not None and len(rendered.title) > MAX_TITLE:
            raise DocumentError(
                doc.rel,
                f"the first heading is {len(rendered.title)} characters long; "
                f"a title may have at most {MAX_TITLE}",
                line=doc.body_line,
            )
        title = rendered.title or stem_title
        title_from_name = rendered.title is None
    elif rendered.title is not None and _same_title(rendered.title, title):
        # don't show it twice
        rendered = _render(doc, body, strip_title=True, defaults=defaults)

    content, images, links = _local_refs(doc, rendered, defaults.vault)

    date_local, date_gmt = value("date", (stem_date, None))

    featured = value("featured_image")
    if isinstance(featured, UnsupportedValue):
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
    _drop_unsupported(rest_base, fields, given, warnings, dialect)

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
        title_from_name=title_from_name,
        **fields,
    )
    return Mapped(payload, tuple(warnings))


def _by_folder(
    dialect: Dialect, folders: list[str], defaults: MappingDefaults, rest_base: str
) -> str:
    """The type a file's folder gives it when its front matter names none: Jekyll's file
    outside ``_posts/`` (and collections) is a page; in a docs folder whose files are pages,
    one under a top-level ``blog/`` is a post (Docusaurus' blog, Material's
    ``blog/posts/``)."""
    if dialect == "jekyll" and not any(f.startswith("_") for f in folders):
        return "pages"
    if dialect == "docs" and defaults.default_type == "page" and folders[:1] == ["blog"]:
        return "posts"
    return rest_base


def _render(doc: Document, body: str, *, strip_title: bool, defaults: MappingDefaults) -> Rendered:
    """``render_markdown``, its ``DocumentError`` (Markdown too deep to render) naming the file."""
    # A single line break is one in an Obsidian vault, unless its Strict line breaks is on.
    vault = defaults.vault
    breaks = defaults.dialect == "obsidian" and not (vault and vault.strict_line_breaks)
    try:
        rendered = render_markdown(
            body, strip_title=strip_title, engine=defaults.markdown, breaks=breaks
        )
    except DocumentError as error:
        raise DocumentError(doc.rel, error.reason, line=doc.body_line) from None
    if defaults.dialect == "obsidian":
        from wpsync.source import obsidian

        rendered = obsidian.finish(rendered)
    if defaults.dialect in ("plain", "jekyll", "docs") and ":" in rendered.html:
        from wpsync.source.emoji import emojify  # GitHub's :shortcodes: (emoji.py)

        rendered = dataclasses.replace(rendered, html=emojify(rendered.html))
    if "<!--wpsync:toc-->" in rendered.html:  # kramdown's {:toc} (attrlists.py)
        from wpsync.source.attrlists import fill_toc

        rendered = dataclasses.replace(rendered, html=fill_toc(rendered.html))
    return rendered


def _front_matter(
    doc: Document,
    ctx: FieldContext,
    warnings: list[str],
    dialect: Dialect = "plain",
    stem_date: str | None = None,
    site: Site | None = None,
) -> dict[str, _Given]:
    """Clean every known key; warn about unknown and shadowed ones.  ``dialect``: its
    own keys are known (ignored or mapped); ``stem_date``: the file name's date, used
    when the front matter's does not parse."""
    spellings: dict[str, list[tuple[int, str]]] = {}
    order = {name: 0 for name in FIELDS}
    order.update({alias: i + 1 for i, alias in enumerate(ALIASES)})
    extra = DIALECT_ALIASES.get(dialect, {})
    order.update({alias: len(ALIASES) + i + 1 for i, alias in enumerate(extra)})
    ignored = DIALECT_IGNORED.get(dialect, frozenset())
    subpath = media_subpath(doc.front_matter)
    for key in doc.front_matter:
        lowered = key.strip().lower()
        if lowered in extra and not isinstance(doc.front_matter[key], bool):
            canonical: str | None = extra[lowered]  # (published: false stays a flag)
        elif lowered in ignored and lowered not in FIELDS:
            logger.debug("%s: front-matter key %r is %s's; ignored", doc.rel, key, dialect)
            continue
        else:
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
            if dialect != "plain" and other.strip().lower() not in FIELDS:
                # summary + description, date + publishDate: the tool's own pairs
                logger.debug("%s: %r ignored: %r sets %s", doc.rel, other, key, canonical)
                continue
            warnings.append(f"front-matter key {other!r} ignored: {key!r} already sets {canonical}")
        raw = doc.front_matter[key]
        if raw is None:  # "title:" with nothing after it: not set
            continue
        if canonical == "type" and dialect in _OWN_TYPE and not _wordpress_type(raw):
            warnings.append(
                f"front-matter key {key!r} ({raw!r}) is {_OWN_TYPE[dialect]}, not a "
                "WordPress post type; ignored"
            )
            continue
        if dialect != "plain" and canonical == "featured_image" and site is not None:
            raw = _site_image(raw, doc.rel, site, subpath if dialect == "jekyll" else None)
        if ctx.jekyll and key.strip().lower() in ("category", "tag") and isinstance(raw, str):
            raw = [raw]  # Jekyll splits only the plural keys: 'category: applied ai' is one
        try:
            cleaned = FIELDS[canonical](raw, ctx)
        except InvalidValue as exc:
            if canonical == "date" and (stem_date is not None or dialect != "plain"):
                fallback = (
                    f"the date in the file name ({stem_date[:10]}) is used"
                    if stem_date is not None
                    else "WordPress dates the post"
                )
                warnings.append(f"front-matter key {key!r} {exc.message}; ignored: {fallback}")
                continue
            if canonical == "status" and dialect == "obsidian":
                # a note's own property ("status: 🌱 seedling"): the note is published
                warnings.append(
                    f"front-matter key {key!r} {exc.message}; ignored: a property of the "
                    "note, not a WordPress status (publish: false keeps a note off the site)"
                )
                continue
            raise DocumentError(
                doc.rel,
                f"front-matter key {key!r} {exc.message}",
                line=doc.key_lines.get(key),
                hint=exc.hint,
            ) from None
        if canonical == "tags" and dialect == "obsidian" and isinstance(cleaned, tuple):
            # Obsidian's tags have no spaces, and a "#" before one is no part of it
            words = (word.lstrip("#") for tag in cleaned for word in str(tag).split())
            cleaned = tuple(dict.fromkeys(word for word in words if word))
        if cleaned is not None:
            given[canonical] = _Given(key, cleaned)
    if dialect in ("jekyll", "hugo") and "featured_image" not in given:
        header = _theme_image(doc, ctx, site)
        if header is not None:
            given["featured_image"] = header
    return given


def _theme_image(doc: Document, ctx: FieldContext, site: Site | None) -> _Given | None:
    """A theme's featured image (``themes.py``): the first local one, else a remote one."""
    from wpsync.source.themes import featured_candidates

    found: _Given | None = None
    for raw in featured_candidates(doc.front_matter):
        try:
            cleaned = FIELDS["featured_image"](
                _site_image(raw, doc.rel, site) if site else raw, ctx
            )
        except InvalidValue:
            continue
        if not isinstance(cleaned, UnsupportedValue):
            return _Given("header", cleaned)
        found = found or _Given("header", cleaned)
    return found


#: what a ``type`` that is neither post nor page means in a dialect: not a WordPress type
#: (an Obsidian note's ``type: Session Journal`` is a property Dataview and templates use)
_OWN_TYPE = {
    "hugo": "Hugo's content type (which layout renders the page)",
    "obsidian": "a property of the note (post or page would be WordPress's)",
}


def _wordpress_type(raw: object) -> bool:
    """Whether Hugo's ``type:`` names a WordPress type too (post, page)."""
    return isinstance(raw, str) and raw.strip().lower() in ("post", "posts", "page", "pages")


def _site_image(raw: object, rel: str, site: Site, subpath: str | None = None) -> object:
    """A featured image given as a site-root path (``/assets/x.png``, ``{path: …, alt: …}``,
    after Chirpy's ``media_subpath``) made relative to the document: a file of the folder."""
    if isinstance(raw, Mapping):
        key = next((k for k in ("image", "src", "path", "url") if k in raw), None)
        return {**raw, key: _site_image(raw[key], rel, site, subpath)} if key else raw
    raw = under_subpath(raw, subpath) if isinstance(raw, str) else raw
    if isinstance(raw, str) and raw.startswith("/") and not raw.startswith("//"):
        from wpsync.source.sitepaths import relative_url, site_target

        target = site_target(raw, site.exists, prefixes=("", "content/", "static/"))
        if target is not None:
            return relative_url(rel, target)
    return raw


def _unknown(key: str) -> str:
    import difflib  # only for a front matter with an unknown key

    known = [*FIELDS, *ALIASES]
    close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.7)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown front-matter key {key!r} ignored{suggestion}"


def _from_path(
    rel: str, warnings: list[str], *, as_named: bool = False
) -> tuple[str, str, str | None]:
    """(slug, title, date) that the file's path suggests.  ``as_named``: the title is the
    file's name as written (an Obsidian note's name is its title: ``2023-10-26``, not
    ``2023 10 26``), else its words, the first capitalised."""
    folder, name = posixpath.split(rel)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    named = stem.strip()
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
    if stem.lower() in ("index", "_index", "readme"):
        # the folder's page (a README is one when it is content: discovery.py)
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
    if as_named and named:
        title = named
    return slug, title, found_date


def _same_title(heading: str, title: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(re.sub(r"<[^>]*>", "", text).split()).casefold()

    return norm(heading) == norm(title)


def _local_refs(
    doc: Document, rendered: Rendered, vault: VaultIndex | None = None
) -> tuple[str, tuple[MediaRef, ...], tuple[str, ...]]:
    """Content with local references made relative to the content root, the images
    and the Markdown links it uses.  With an Obsidian ``vault``, a reference to no file
    next to the note is looked for as Obsidian does (from the vault's root, by name)."""
    folder = posixpath.dirname(doc.rel)
    replace: dict[str, str] = {}

    def resolve(ref: str, what: str) -> str:
        rel = normalise_ref(folder, ref)
        if vault is not None and (rel is None or not vault.exists(rel)):
            rel = vault.locate(ref, doc.rel, note=what == "link").rel or rel
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
    rest_base: str,
    fields: dict[str, Any],
    given: Mapping[str, _Given],
    warnings: list[str],
    dialect: Dialect = "plain",
) -> None:
    """Posts have no parent or menu order; pages have no sticky, format or terms
    (Hugo's ``weight`` orders posts too: dropped from a post without a word)."""
    if rest_base == "posts":
        dropped, kind = _PAGE_ONLY, "posts"
    elif rest_base == "pages":
        dropped, kind = _POST_ONLY, "pages"
    else:
        return
    for name in dropped:
        if name in given and dialect == "hugo" and given[name].key.lower() == "weight":
            fields[name] = None
        elif name in given:
            warnings.append(f"front-matter key {given[name].key!r} ignored: {kind} have no {name}")
            fields[name] = () if name in ("categories", "tags") else None
