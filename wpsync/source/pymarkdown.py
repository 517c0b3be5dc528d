"""The ``python-markdown`` engine: Python-Markdown as wpsync configured it before 0.2.  Pure.

For archives written for Python-Markdown (MkDocs, Pelican: ``{: .class}`` attribute
lists, four-space list nesting; their ``!!!`` admonitions are translated before either
engine, by admonitions.py).  ``extra``'s pieces, ``toc``
(heading ids), ``sane_lists``; no ``smarty``: quotes stay as written.  GitHub's two-space
list nesting is read as the writer meant it by :func:`wpsync.source.gfm.normalise_list_indent`.

One ``Markdown`` object per thread is reused, with ``reset()`` before every document, so
footnotes, abbreviations and heading ids never leak from one document into the next.
Soft line breaks are joined into spaces (WordPress's ``wpautop`` turns every newline in a
paragraph into ``<br />``); code keeps its newlines.

Python-Markdown recurses and backtracks on pathological input: :mod:`wpsync.source.hostile`
turns away what would take seconds or overflow the stack before it is parsed.
"""

from __future__ import annotations

import importlib
import re
import threading
from xml.etree import ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from wpsync.source.gfm import normalise_list_indent

__all__ = [
    "MARKDOWN_CONFIG",
    "MARKDOWN_EXTENSIONS",
    "render",
    "renderer",
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


class _Title(Treeprocessor):
    """Runs last among the tree processors: takes the leading ``<h1>`` (removing it when
    asked)."""

    strip_title = False
    title: str | None = None

    def run(self, root: etree.Element) -> None:
        self.title = None
        first = next(iter(root), None)
        if first is not None and first.tag == "h1":
            self.title = self._text_of(first).strip()
            if self.strip_title:
                root.remove(first)

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
    """Turn Markdown's soft line breaks into spaces; code keeps its newlines."""

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


def _extensions(names: tuple[str, ...] = MARKDOWN_EXTENSIONS) -> list[Extension]:
    """The extensions, made from their modules: given by name, Python-Markdown first
    looks every name up among the entry points of all installed packages (tens of
    milliseconds at the first render of every process)."""
    out = []
    for name in names:
        module = importlib.import_module(name if "." in name else f"markdown.extensions.{name}")
        out.append(module.makeExtension(**MARKDOWN_CONFIG.get(name, {})))
    return out


class Renderer:
    """One configured ``Markdown`` object (use it from one thread).

    ``wpsync=False`` leaves out wpsync's post-processing: soft breaks stay newlines, and
    headings get no ids (``toc``) — the parser as ``bench/conformance.py`` measures it.
    """

    def __init__(self, *, wpsync: bool = True, breaks: bool = False) -> None:
        names = (
            MARKDOWN_EXTENSIONS if wpsync else tuple(n for n in MARKDOWN_EXTENSIONS if n != "toc")
        )
        if breaks:  # a single line break is a <br />: an Obsidian vault's default
            names = (*names, "nl2br")
        self.md = markdown.Markdown(extensions=_extensions(names), output_format="html")
        self.title = _Title(self.md)
        # after "unescape" (0): attribute values and text are final apart from raw HTML
        self.md.treeprocessors.register(self.title, "wpsync-title", -1)
        if wpsync:
            self.md.treeprocessors.register(_JoinSoftBreaks(self.md), "wpsync-soft-breaks", -2)

    def render(self, text: str, *, strip_title: bool) -> tuple[str, str | None]:
        self.md.reset()
        self.title.strip_title = strip_title
        self.title.title = None
        try:
            out = self.md.convert(normalise_list_indent(text))
        finally:
            self.title.strip_title = False
        return out, self.title.title or None


_local = threading.local()


def renderer(*, breaks: bool = False) -> Renderer:
    """This thread's renderer (``breaks``: the one that keeps single line breaks)."""
    name = "renderer_breaks" if breaks else "renderer"
    found: Renderer | None = getattr(_local, name, None)
    if found is None:
        found = Renderer(breaks=breaks)
        setattr(_local, name, found)
    return found


def render(text: str, *, strip_title: bool, breaks: bool = False) -> tuple[str, str | None]:
    """The HTML of ``text`` and the text of its leading ``# Title`` (``None`` without one);
    ``breaks``: a single line break in a paragraph is a ``<br />``."""
    return renderer(breaks=breaks).render(text, strip_title=strip_title)
