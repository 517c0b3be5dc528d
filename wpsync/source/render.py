"""Markdown → HTML, and the local files the HTML refers to.  Pure: no I/O, no clock.

``render_markdown`` runs Python-Markdown (``extra``, ``toc``, ``sane_lists``; no
``smarty``: quotes stay as written) and walks the parsed ElementTree to collect local
image references and relative links to other Markdown sources.  Raw HTML written in the
Markdown is kept aside by Python-Markdown (its "stash"); those snippets are read with
``html.parser`` so ``<img src="…">`` written by hand is found too.

One ``Markdown`` object per thread is reused, with ``reset()`` before every document, so
footnotes, abbreviations and heading ids never leak from one document into the next.
"""

from __future__ import annotations

import html
import importlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TypeVar
from urllib.parse import unquote
from xml.etree import ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from wpsync.source.gfm import normalise_list_indent

logger = logging.getLogger(__name__)

__all__ = [
    "MARKDOWN_EXTENSIONS",
    "LocalRef",
    "Rendered",
    "is_local_ref",
    "is_markdown_link",
    "render_markdown",
    "rewrite_urls",
    "split_fragment",
]

# "extra" without its fenced_code: pymdownx.superfences also handles fences inside list
# items; tilde/magiclink/tasklist cover GitHub's ~~strike~~, bare URLs and [ ] tasks.
MARKDOWN_EXTENSIONS = (
    "abbr",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "toc",
    "sane_lists",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.tilde",
    "pymdownx.magiclink",
    "pymdownx.tasklist",
)
MARKDOWN_CONFIG: dict[str, dict[str, object]] = {
    "pymdownx.highlight": {"use_pygments": False, "css_class": ""},
    "pymdownx.tilde": {"subscript": False},
    "pymdownx.tasklist": {"custom_checkbox": False},
}

_T = TypeVar("_T")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_MARKDOWN_TARGET = re.compile(r"\.(?:md|markdown)$", re.IGNORECASE)


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


class _RawHtmlRefs(HTMLParser):
    """Collects ``<img src>`` and ``<a href>`` from a snippet of raw HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("img", "a"):
            self.found.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


class _Collector(Treeprocessor):
    """Runs last among the tree processors: takes the leading ``<h1>`` (removing it when
    asked) and collects image and link references in document order."""

    strip_title = False

    def reset_state(self) -> None:
        self.title: str | None = None
        self.images: list[LocalRef] = []
        self.links: list[str] = []

    def run(self, root: etree.Element) -> None:
        self.reset_state()
        first = next(iter(root), None)
        if first is not None and first.tag == "h1":
            self.title = self._text_of(first).strip()
            if self.strip_title:
                root.remove(first)
        for tag, attrs in self._walk(root):
            self._note(tag, attrs)

    def _walk(self, el: etree.Element) -> Iterator[tuple[str, Mapping[str, str]]]:
        if el.tag in ("img", "a"):
            yield el.tag, el.attrib
        yield from self._stashed(el.text)
        for child in el:
            yield from self._walk(child)
            yield from self._stashed(child.tail)

    def _stashed(self, text: str | None) -> Iterator[tuple[str, Mapping[str, str]]]:
        if not text or "\x02" not in text:
            return
        for found in HTML_PLACEHOLDER_RE.finditer(text):
            index = int(found.group(1))
            blocks = self.md.htmlStash.rawHtmlBlocks
            if index >= len(blocks):
                continue
            block = blocks[index]
            if isinstance(block, str):
                parser = _RawHtmlRefs()
                parser.feed(block)
                parser.close()
                yield from parser.found
            else:  # an element kept by md_in_html
                yield from self._walk(block)

    def _note(self, tag: str, attrs: Mapping[str, str]) -> None:
        if tag == "img":
            src = attrs.get("src", "")
            ref = unquote(split_fragment(src)[0])
            if is_local_ref(src) and is_local_ref(ref):
                self.images.append(LocalRef(ref, attrs.get("alt", ""), attrs.get("title", "")))
        else:
            href = attrs.get("href", "")
            ref = unquote(split_fragment(href)[0])
            if is_markdown_link(href) and is_local_ref(ref):
                self.links.append(ref)

    def _text_of(self, el: etree.Element) -> str:
        text = "".join(el.itertext())
        if "\x02" in text:
            blocks = self.md.htmlStash.rawHtmlBlocks

            def raw(found: re.Match[str]) -> str:
                index = int(found.group(1))
                block = blocks[index] if index < len(blocks) else ""
                return block if isinstance(block, str) else ""

            text = HTML_PLACEHOLDER_RE.sub(raw, text)
        return text


_KEEP_NEWLINES = frozenset({"pre", "code", "script", "style", "textarea"})


class _JoinSoftBreaks(Treeprocessor):
    """Turn Markdown's soft line breaks into spaces.

    Writers hard-wrap paragraphs; Markdown treats those newlines as spaces, but
    WordPress's ``wpautop`` (applied to classic content) turns every newline inside a
    paragraph into ``<br />``.  Code keeps its newlines.
    """

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, el: etree.Element) -> None:
        if el.tag in _KEEP_NEWLINES:
            return
        el.text = _join(el.text)
        for child in el:
            self._walk(child)
            child.tail = _join(child.tail)


def _join(text: str | None) -> str | None:
    """Newlines inside running text become spaces; newlines between blocks stay."""
    if not text or "\n" not in text or not text.strip():
        return text
    return text.replace("\n", " ")


def _extensions() -> list[Extension]:
    """The extensions, made from their modules: given by name, Python-Markdown first
    looks every name up among the entry points of all installed packages (tens of
    milliseconds at the first render of every process)."""
    out = []
    for name in MARKDOWN_EXTENSIONS:
        module = importlib.import_module(name if "." in name else f"markdown.extensions.{name}")
        out.append(module.makeExtension(**MARKDOWN_CONFIG.get(name, {})))
    return out


class _Renderer:
    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=_extensions(), output_format="html")
        self.collector = _Collector(self.md)
        # after "unescape" (0): attribute values and text are final apart from raw HTML
        self.md.treeprocessors.register(self.collector, "wpsync-collector", -1)
        self.md.treeprocessors.register(_JoinSoftBreaks(self.md), "wpsync-soft-breaks", -2)


_local = threading.local()


def _renderer() -> _Renderer:
    renderer: _Renderer | None = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = _Renderer()
        _local.renderer = renderer
    return renderer


def render_markdown(text: str, *, strip_title: bool = False) -> Rendered:
    """Render one document's Markdown body to HTML.

    With ``strip_title=True`` a leading first-level heading is left out of the HTML (its
    text is in ``Rendered.title`` either way).
    """
    renderer = _renderer()
    md = renderer.md
    md.reset()
    renderer.collector.strip_title = strip_title
    renderer.collector.reset_state()
    try:
        out = md.convert(normalise_list_indent(text))
    finally:
        renderer.collector.strip_title = False
    collector = renderer.collector
    image_refs = tuple(_unique(collector.images, key=lambda r: r.ref))
    return Rendered(
        html=out,
        images=tuple(r.ref for r in image_refs),
        links=tuple(_unique(collector.links, key=lambda s: s)),
        title=collector.title or None,
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


# ---------------------------------------------------------------------------- rewrite

# A start tag with its attributes (values double-, single- or un-quoted), or a comment,
# which is left alone.  Text outside tags never matches: Markdown escapes ``<`` there.
_TAG = re.compile(
    r"""<!--.*?-->"""
    r"""|<[A-Za-z][A-Za-z0-9:-]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""",
    re.DOTALL,
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


def _lookup(value: str, replace: Mapping[str, str]) -> str | None:
    if value in replace:
        return replace[value]
    unquoted = unquote(value)
    return replace.get(unquoted)
