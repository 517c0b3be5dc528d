"""A small HTML tree with source offsets, for the block conversion.  Pure.

``parse_html`` reads HTML into ``Node``s that remember where each element, and its
content, starts and ends in the source text — so a converter can keep an element's markup
byte for byte (``source[node.start:node.end]``) and only rebuild what a block's ``save()``
writes differently.  No normalisation: a stray end tag stays text, an unclosed element
runs to the end of its parent.

The tree is the one the standard library's ``html.parser`` reads.  HTML as the renderers
make it (tags with double-quoted attributes, ``&name;`` references, comments) is read by
a scanner of its own, a few times faster (the block conversion of a post is otherwise
mostly ``html.parser``); anything else in the text — a bare ``&`` or ``<``, unquoted
attributes, ``<script>``, ``<!DOCTYPE>`` — and the whole text is read by ``html.parser``.
Both give the same tree (tests/unit/test_htmltree.py compares them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = [
    "INLINE",
    "P_CLOSERS",
    "VOID",
    "Node",
    "closed_html",
    "parse_html",
    "parse_html_slow",
    "scan_html",
]

VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)


#: elements whose start tag closes an open ``<p>`` (HTML's parsing rules): inside a
#: paragraph, the browser — and so the block editor — breaks the paragraph there
P_CLOSERS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dd",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "plaintext",
        "pre",
        "search",
        "section",
        "summary",
        "table",
        "ul",
        "xmp",
    ]
)


# ---------------------------------------------------------------------------- a small tree


@dataclass(slots=True)
class Node:
    """An element (``tag``), a text (``""``) or a comment (``"#comment"``) of the source."""

    tag: str  # "" for text, "#comment" for a comment
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    start: int = 0  # offsets into the source: the whole element …
    end: int = 0
    inner_start: int = 0  # … and its content
    inner_end: int = 0
    children: list[Node] = field(default_factory=list)
    closed: bool = False  # an element: its end tag was found where it belongs

    def attr(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value if value is not None else ""
        return None

    def elements(self) -> list[Node]:
        """The child elements (no text, no comments)."""
        return [c for c in self.children if c.tag not in ("", "#comment")]

    def well_formed(self) -> bool:
        """Every element from here down has its end tag (or needs none)."""
        return all(n.closed or n.tag in ("", "#comment") for n in [self, *self.descendants()])

    def descendants(self) -> list[Node]:
        """Every node below this one, depth first (without recursion: any depth)."""
        found: list[Node] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self._line_starts = [0]
        for found in re.finditer("\n", text):
            self._line_starts.append(found.end())
        self.root = Node("#root", start=0, end=len(text), inner_start=0, inner_end=len(text))
        self._stack = [self.root]

    def _offset(self) -> int:
        # getpos() without its call: this runs for every tag and text of every post
        return self._line_starts[self.lineno - 1] + self.offset

    def _add(self, node: Node) -> None:
        self._stack[-1].children.append(node)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        node = Node(tag, attrs, start, start + len(raw), start + len(raw), start + len(raw))
        self._add(node)
        if tag in VOID or raw.endswith("/>"):
            node.closed = True
        else:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        self._add(Node(tag, attrs, start, end, end, end, closed=True))

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        close = self.text.find(">", start)
        end = len(self.text) if close < 0 else close + 1
        for depth in range(len(self._stack) - 1, 0, -1):
            closing = self._stack[depth]
            if closing.tag == tag:
                for node in self._stack[depth + 1 :]:  # closed implicitly, here
                    node.end = node.inner_end = start
                closing.inner_end = start
                closing.end = end
                closing.closed = True
                del self._stack[depth:]
                return
        # a stray end tag: part of the surrounding text

    def _text(self, length: int) -> None:
        start = self._line_starts[self.lineno - 1] + self.offset
        self._stack[-1].children.append(Node("", start=start, end=start + length))

    def handle_data(self, data: str) -> None:
        start = self._line_starts[self.lineno - 1] + self.offset
        self._stack[-1].children.append(Node("", start=start, end=start + len(data)))

    def handle_entityref(self, name: str) -> None:
        self._text(len(name) + 2)

    def handle_charref(self, name: str) -> None:
        self._text(len(name) + 3)

    def handle_comment(self, data: str) -> None:
        start = self._offset()
        self._add(Node("#comment", start=start, end=start + len(data) + 7))

    def close(self) -> None:
        super().close()
        for node in self._stack[1:]:  # unclosed elements run to the end
            node.end = node.inner_end = len(self.text)
        self._stack = [self.root]


def closed_html(text: str, nodes: list[Node]) -> str:
    """The source of ``nodes`` with the end tags a browser would add put in (an element
    left open closes where its parent does)."""
    out: list[str] = []
    # a stack of (node, next child index); text and closed subtrees are copied as they are
    stack: list[tuple[Node, int]] = [(Node("#root", children=nodes), 0)]
    while stack:
        node, index = stack.pop()
        if index < len(node.children):
            stack.append((node, index + 1))
            child = node.children[index]
            if child.tag in ("", "#comment") or child.well_formed():
                out.append(text[child.start : child.end])
            else:
                out.append(text[child.start : child.inner_start])
                stack.append((child, 0))
        elif node.tag != "#root":
            out.append(text[node.inner_end : node.end] if node.closed else f"</{node.tag}>")
    return "".join(out)


def parse_html(text: str) -> Node:
    """The tree of ``text`` (see the module docstring)."""
    root = scan_html(text)
    return root if root is not None else parse_html_slow(text)


def parse_html_slow(text: str) -> Node:
    """The tree of ``text`` as read by ``html.parser`` (whatever the text)."""
    builder = _TreeBuilder(text)
    builder.feed(text)
    builder.close()
    return builder.root


# ---------------------------------------------------------------------------- the scanner

# What the scanner reads (anything else: ``html.parser`` reads the whole text).  White
# space is the five characters ``html.parser`` takes for it in a tag name, no other.
_TOKEN = re.compile(
    r"([^<&]+)"  # 1: text
    r"|<([a-zA-Z][a-zA-Z0-9-]*)"  # 2: a start tag's name
    r"((?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"]*\")?)*)"  # 3: its attributes
    r"[ \t\n\r\f]*(/?)>"  # 4: "/" of a self-closing tag
    r"|</([a-zA-Z][a-zA-Z0-9-]*)>"  # 5: an end tag's name
    r"|&(?:([a-zA-Z][-.a-zA-Z0-9]*)|#([0-9]+|[xX][0-9a-fA-F]+));"  # 6, 7: a reference
    r"|(<!--(?s:.*?)--\s*>)"  # 8: a comment, to where html.parser ends it
)
_SCANNED_ATTR = re.compile(r"[ \t\n\r\f]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=\"([^\"]*)\")?")
_RAW_TEXT = frozenset(["script", "style"])  # html.parser's CDATA_CONTENT_ELEMENTS


def _close_outer(stack: list[Node], tag: str, start: int, end: int) -> bool:
    """An end tag at ``start``–``end`` closes the innermost open ``tag`` of ``stack`` and
    the elements still open inside it (there, implicitly); False for a stray end tag."""
    for depth in range(len(stack) - 1, 0, -1):
        closing = stack[depth]
        if closing.tag == tag:
            for inner in stack[depth + 1 :]:  # closed implicitly, here
                inner.end = inner.inner_end = start
            closing.inner_end = start
            closing.end = end
            closing.closed = True
            del stack[depth:]
            return True
    return False  # a stray end tag: part of the surrounding text


def scan_html(text: str) -> Node | None:
    """``text``'s tree as ``_TreeBuilder`` builds it, or None for text it does not read."""
    from html import unescape

    length = len(text)
    root = Node("#root", [], 0, length, 0, length)
    stack = [root]
    add = root.children.append
    pos = 0
    for found in _TOKEN.finditer(text):
        start, end = found.span()
        if start != pos:
            return None  # something between two tokens that is none
        kind = found.lastindex
        if kind == 1 or kind == 6 or kind == 7:  # text, a reference: text
            add(Node("", [], start, end, 0, 0))
        elif kind == 4:  # a start tag
            name, written, slash = found.group(2, 3, 4)
            tag = name.lower()
            if tag in _RAW_TEXT:
                return None
            attrs: list[tuple[str, str | None]] = []
            if written:
                for attr in _SCANNED_ATTR.finditer(written):
                    value = attr.group(2)
                    if value and "&" in value:
                        value = unescape(value)  # as html.parser does
                    attrs.append((attr.group(1).lower(), value))
            node = Node(tag, attrs, start, end, end, end)
            add(node)
            if tag in VOID or slash:
                node.closed = True
            else:
                stack.append(node)
                add = node.children.append
        elif kind == 5:  # an end tag
            tag = found.group(5).lower()
            innermost = stack[-1]
            if innermost.tag == tag:  # the common case (never the root: its tag is "#root")
                innermost.inner_end = start
                innermost.end = end
                innermost.closed = True
                stack.pop()
                add = stack[-1].children.append
            elif _close_outer(stack, tag, start, end):
                add = stack[-1].children.append
        else:  # a comment: html.parser ends it at the first "--\s*>", which must be "-->"
            if not text.endswith("-->", start, end):
                return None
            add(Node("#comment", [], start, end, 0, 0))
        pos = end
    if pos != length:
        return None
    for node in stack[1:]:  # unclosed elements run to the end
        node.end = node.inner_end = length
    return root
