"""Markdown → HTML, and the local files the HTML refers to.  Pure: no I/O, no clock.

One pipeline, two parsers.  ``render_markdown(text, engine=…)`` parses with

- ``"commonmark"`` (the default): CommonMark + GitHub Flavored Markdown with
  markdown-it-py, :mod:`wpsync.source.commonmark`;
- ``"python-markdown"``: Python-Markdown as wpsync configured it before, for archives
  written for it (``[content] markdown = "python-markdown"``), :mod:`wpsync.source.pymarkdown`;

and then, whatever the engine, the HTML goes through the same steps: the leading
first-level heading is the title (left out of the HTML with ``strip_title``), local images
(``<img src>``, with alt and title) and links to other Markdown files (``<a href>``) are
collected from the HTML itself — the tags the engine made and raw HTML the writer wrote
alike, never text inside code, which is escaped — and :func:`rewrite_urls` later swaps the
same attribute values for their WordPress URLs.

Hostile Markdown fails that one document fast: nesting too deep for an engine, or a
``RecursionError`` anyway, is a ``DocumentError`` (named after the file by the caller).

``RENDERER_VERSION[engine]`` changes whenever that engine's output may change (the
library's version, wpsync's own rendering revision): a sync re-sends posts rendered by an
older one.  It is computed on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import unquote

from wpsync.config import MARKDOWN_ENGINES, MarkdownEngine
from wpsync.errors import DocumentError
from wpsync.source import hostile
from wpsync.source.versions import renderer_version

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "RENDERER_VERSION",
    "LocalRef",
    "MarkdownEngine",
    "Rendered",
    "collect_refs",
    "is_local_ref",
    "is_markdown_link",
    "render_markdown",
    "replace_images",
    "rewrite_urls",
    "split_fragment",
]

ENGINES: tuple[MarkdownEngine, ...] = MARKDOWN_ENGINES
DEFAULT_ENGINE: MarkdownEngine = "commonmark"

#: wpsync's own revision of each engine's output: raise it when wpsync changes what an
#: engine makes of the same Markdown (the library's version is added at run time)

# Declared here, made on first use by __getattr__ (importing the libraries costs ~50 ms).
RENDERER_VERSION: dict[str, str]

_T = TypeVar("_T")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_MARKDOWN_TARGET = re.compile(r"\.(?:md|markdown|mdx)$", re.IGNORECASE)


@dataclass(frozen=True)
class LocalRef:
    """A local image as written in the Markdown (URL-unquoted), with its alt and title."""

    ref: str
    alt: str = ""
    title: str = ""


@dataclass(frozen=True)
class Rendered:
    """The HTML of one document and what it refers to.

    ``images`` and ``links`` are local references as written (URL-unquoted), in
    document order, without duplicates; links lose their ``#fragment``.  ``title`` is
    the text of a leading first-level heading (``None`` without one); with
    ``strip_title=True`` that heading is not part of ``html``.
    """

    html: str
    images: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    title: str | None = None
    image_refs: tuple[LocalRef, ...] = ()


# ---------------------------------------------------------------------------- refs


def split_fragment(url: str) -> tuple[str, str]:
    """``("a.md", "#x")`` for ``"a.md#x"``; a query string is dropped with the fragment kept."""
    path, hash_, fragment = url.partition("#")
    path = path.partition("?")[0]
    return path, f"#{fragment}" if hash_ else ""


def is_local_ref(url: str) -> bool:
    """True for a relative path: not ``scheme:``, ``//host``, ``/site/path`` or ``#anchor``."""
    url = url.strip()
    return bool(url) and not (
        url.startswith(("/", "#", "?", "\\")) or _SCHEME.match(url) is not None
    )


def is_markdown_link(url: str) -> bool:
    """True for a relative link to a Markdown source (``../guides/setup.md#install``)."""
    if not is_local_ref(url):
        return False
    path = split_fragment(url)[0]
    return bool(_MARKDOWN_TARGET.search(unquote(path)))


# ---------------------------------------------------------------------------- render

_local = threading.local()


def _markdown_it() -> MarkdownIt:
    """This thread's markdown-it parser (built once: ~5 ms)."""
    md: MarkdownIt | None = getattr(_local, "markdown_it", None)
    if md is None:
        from wpsync.source import commonmark

        md = commonmark.build()
        _local.markdown_it = md
    return md


def prepare(engine: MarkdownEngine) -> None:
    """Build this thread's parser for ``engine`` now rather than at its first file (the
    read pool's workers inherit the one their parent built before forking)."""
    if engine == "commonmark":
        _markdown_it()


def _parse(
    text: str, strip_title: bool, engine: MarkdownEngine, breaks: bool = False
) -> tuple[str, str | None]:
    if engine not in ENGINES:
        raise ValueError(f"unknown Markdown engine {engine!r}; use one of {', '.join(ENGINES)}")
    why = hostile.problem(text, engine)
    if why is not None:
        raise _unusable(why)
    if engine == "commonmark":
        from wpsync.source import commonmark

        try:
            return commonmark.render(_markdown_it(), text, strip_title=strip_title, breaks=breaks)
        except commonmark.TooDeep as error:
            raise _unusable(str(error)) from None
    from wpsync.source import pymarkdown

    return pymarkdown.render(text, strip_title=strip_title, breaks=breaks)


def _unusable(why: str) -> DocumentError:
    return DocumentError("(markdown)", f"the Markdown cannot be rendered: {why}")


def render_markdown(
    text: str,
    *,
    strip_title: bool = False,
    engine: MarkdownEngine = DEFAULT_ENGINE,
    breaks: bool = False,
) -> Rendered:
    """Render one document's Markdown body to HTML with ``engine``.

    With ``strip_title=True`` a leading first-level heading is left out of the HTML (its
    text is in ``Rendered.title`` either way).  With ``breaks=True`` a single line break
    inside a paragraph is a ``<br />``, as an Obsidian vault without *Strict line breaks*
    shows it (else the lines are joined, as CommonMark reads them); code keeps its lines.  Raises ``DocumentError`` (path
    ``"(markdown)"``: the caller knows the file) for Markdown nested too deep to render.
    """
    from wpsync.source.rawblocks import protect, restore

    kept = protect(text)  # block-editor markup written in the file: kept as written
    try:
        out, title = _parse(kept.text, strip_title, engine, breaks)
    except RecursionError:
        raise _unusable("it nests too deep (Python's recursion limit)") from None
    out = restore(out, kept).rstrip("\n")  # as Python-Markdown ends it, whatever the engine
    images, links = collect_refs(out)
    image_refs = tuple(_unique(images, key=lambda r: r.ref))
    return Rendered(
        html=out,
        images=tuple(r.ref for r in image_refs),
        links=tuple(_unique(links, key=lambda s: s)),
        title=title or None,
        image_refs=image_refs,
    )


def _unique(items: Iterable[_T], *, key: Callable[[_T], str]) -> list[_T]:
    seen: set[str] = set()
    out: list[_T] = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def __getattr__(name: str) -> object:
    if name == "RENDERER_VERSION":
        versions = {engine: renderer_version(engine) for engine in ENGINES}
        globals()["RENDERER_VERSION"] = versions
        return versions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------- collect


def collect_refs(html_text: str) -> tuple[list[LocalRef], list[str]]:
    """The local images and Markdown links of rendered HTML, in document order.

    Reads the start tags ``rewrite_urls`` reads (text and code are escaped, comments are
    skipped), so what is collected is what can be rewritten.
    """
    images: list[LocalRef] = []
    links: list[str] = []
    for found in _REF_TAG.finditer(html_text):
        text = found.group(0)
        if text.startswith("<!--"):
            continue
        attrs = {m.group("name").lower(): html.unescape(_value(m)) for m in _ATTR.finditer(text)}
        if found.group("tag").lower() == "img":
            src = attrs.get("src", "")
            ref = unquote(split_fragment(src)[0])
            if is_local_ref(src) and is_local_ref(ref):
                images.append(LocalRef(ref, attrs.get("alt", ""), attrs.get("title", "")))
        else:
            href = attrs.get("href", "")
            ref = unquote(split_fragment(href)[0])
            if is_markdown_link(href) and is_local_ref(ref):
                links.append(ref)
    return images, links


def _value(found: re.Match[str]) -> str:
    for group in ("dq", "sq", "uq"):
        if found.group(group) is not None:
            return found.group(group)
    return ""


# ---------------------------------------------------------------------------- rewrite

# A start tag with its attributes (values double-, single- or un-quoted), or a comment,
# which is left alone.  Text outside tags never matches: Markdown escapes ``<`` there.
_TAG = re.compile(
    r"""<!--.*?-->"""
    r"""|<[A-Za-z][A-Za-z0-9:-]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""",
    re.DOTALL,
)
# ``<img …>`` / ``<a …>`` (or a comment, skipped), and any attribute of such a tag
_REF_TAG = re.compile(
    r"""<!--.*?-->"""
    r"""|<(?P<tag>img|a)(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""",
    re.DOTALL | re.IGNORECASE,
)
_ATTR = re.compile(
    r"""\s(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'=<>`]+)))?"""
)
_URL_ATTR = re.compile(
    r"""(?P<pre>\s(?P<name>src|href)\s*=\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'=<>`]+))""",
    re.IGNORECASE,
)


def rewrite_urls(html_text: str, replace: Mapping[str, str]) -> str:
    """Replace ``src``/``href`` values that are keys of ``replace``.

    A value matches as emitted (HTML entities decoded) or URL-unquoted, so the
    references of ``Rendered.images``/``links`` can be used as keys; on a link the
    ``#fragment`` is kept (``setup.md#install`` → ``https://site/setup/#install``).
    """
    if not replace:
        return html_text

    def attr(found: re.Match[str]) -> str:
        raw = found.group("dq")
        if raw is None:
            raw = found.group("sq") if found.group("sq") is not None else found.group("uq")
        value = html.unescape(raw)
        target = _lookup(value, replace)
        fragment = ""
        if target is None and found.group("name").lower() == "href":
            path, fragment = split_fragment(value)
            target = _lookup(path, replace) if path else None
        if target is None:
            return found.group(0)
        return f'{found.group("pre")}"{html.escape(target + fragment, quote=True)}"'

    def tag(found: re.Match[str]) -> str:
        text = found.group(0)
        if text.startswith("<!--"):
            return text
        return _URL_ATTR.sub(attr, text)

    return _TAG.sub(tag, html_text)


_IMG_TAG = re.compile(
    r"""<img(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""",
    re.IGNORECASE,
)


def replace_images(html_text: str, text_for: Mapping[str, str]) -> str:
    """Each ``<img>`` whose ``src`` is a key of ``text_for`` replaced by that plain text
    (escaped): an image WordPress refused, shown as its alt text."""

    def swap(found: re.Match[str]) -> str:
        attrs = {
            m.group("name").lower(): html.unescape(_value(m))
            for m in _ATTR.finditer(found.group(0))
        }
        src = attrs.get("src", "")
        text = _lookup(src, text_for)
        if text is None:
            text = _lookup(split_fragment(src)[0], text_for)
        return found.group(0) if text is None else html.escape(text, quote=False)

    return _IMG_TAG.sub(swap, html_text)


def _lookup(value: str, replace: Mapping[str, str]) -> str | None:
    if value in replace:
        return replace[value]
    unquoted = unquote(value)
    return replace.get(unquoted)
