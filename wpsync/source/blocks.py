"""HTML (as the renderer makes it) → block-editor markup.  Pure.

With ``content.block_editor = true`` a post is sent as core blocks, so it opens in the
WordPress editor as editable paragraphs, headings, lists… instead of one "Classic"
block.  Each top-level element becomes the block whose ``save()`` output it matches (as
of WordPress 6.1's block library), keeping the element's own markup:

    <p>                 wp:paragraph
    <p><img></p>        wp:image  {"id": N, "sizeSlug": "full"} when the image was uploaded
    <h1>…<h6>           wp:heading {"level": N} (2 is the default and left out)
    <ul>, <ol>          wp:list (+ {"ordered": true, "start": N}) with wp:list-item children
    <blockquote>        wp:quote, its content as inner blocks
    <pre><code>         wp:code (a ``language-x`` class kept as the block's className)
    <table>             wp:table (cell alignment as the block writes it)
    <hr>                wp:separator
    anything else       wp:html (raw HTML, footnotes, definition lists, …)

An element this module is not sure a block reproduces exactly (unexpected attributes,
block content inside a list item…) becomes a ``wp:html`` block rather than a block the
editor would flag as invalid.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["to_blocks"]

_VOID = frozenset(
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
_INLINE = frozenset(
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


# ---------------------------------------------------------------------------- a small tree


@dataclass
class _Node:
    tag: str  # "" for text, "#comment" for a comment
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    start: int = 0  # offsets into the source: the whole element …
    end: int = 0
    inner_start: int = 0  # … and its content
    inner_end: int = 0
    children: list[_Node] = field(default_factory=list)

    def attr(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value if value is not None else ""
        return None

    def elements(self) -> list[_Node]:
        return [c for c in self.children if c.tag not in ("", "#comment")]


class _TreeBuilder(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self._line_starts = [0]
        for found in re.finditer("\n", text):
            self._line_starts.append(found.end())
        self.root = _Node("#root", start=0, end=len(text), inner_start=0, inner_end=len(text))
        self._stack = [self.root]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _add(self, node: _Node) -> None:
        self._stack[-1].children.append(node)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        node = _Node(tag, attrs, start, start + len(raw), start + len(raw), start + len(raw))
        self._add(node)
        if tag not in _VOID and not raw.endswith("/>"):
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        self._add(_Node(tag, attrs, start, end, end, end))

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
                del self._stack[depth:]
                return
        # a stray end tag: part of the surrounding text

    def _text(self, length: int) -> None:
        start = self._offset()
        self._add(_Node("", start=start, end=start + length))

    def handle_data(self, data: str) -> None:
        self._text(len(data))

    def handle_entityref(self, name: str) -> None:
        self._text(len(name) + 2)

    def handle_charref(self, name: str) -> None:
        self._text(len(name) + 3)

    def handle_comment(self, data: str) -> None:
        start = self._offset()
        self._add(_Node("#comment", start=start, end=start + len(data) + 7))

    def close(self) -> None:
        super().close()
        for node in self._stack[1:]:  # unclosed elements run to the end
            node.end = node.inner_end = len(self.text)
        self._stack = [self.root]


def _parse(text: str) -> _Node:
    builder = _TreeBuilder(text)
    builder.feed(text)
    builder.close()
    return builder.root


# ---------------------------------------------------------------------------- serialising


def _attrs_json(attrs: Mapping[str, object]) -> str:
    """Block attributes as WordPress's serializer writes them (no ``--``, ``<``, ``>``…)."""
    text = json.dumps(attrs, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("--", "\\u002d\\u002d"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ('\\"', "\\u0022"),
    ):
        text = text.replace(raw, escaped)
    return text


def _block(name: str, inner: str, attrs: Mapping[str, object] | None = None) -> str:
    opening = f"<!-- wp:{name} {_attrs_json(attrs)} -->" if attrs else f"<!-- wp:{name} -->"
    return f"{opening}\n{inner}\n<!-- /wp:{name} -->"


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [tag]
    for key, value in attrs:
        parts.append(key if value is None else f'{key}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


class _Converter:
    def __init__(self, text: str, media_ids: Mapping[str, int]) -> None:
        self.text = text
        self.media_ids = media_ids

    def raw(self, node: _Node) -> str:
        return self.text[node.start : node.end]

    def inner(self, node: _Node) -> str:
        return self.text[node.inner_start : node.inner_end]

    # -- the sequence of top-level nodes

    def blocks(self, parent: _Node) -> list[str]:
        out: list[str] = []
        loose: list[_Node] = []  # text and inline elements outside any block element

        def flush() -> None:
            if loose and self.text[loose[0].start : loose[-1].end].strip():
                out.append(_block("html", self.text[loose[0].start : loose[-1].end].strip()))
            loose.clear()

        for node in parent.children:
            if node.tag in ("", "#comment") or node.tag in _INLINE:
                if node.tag == "#comment" and not loose:
                    out.append(_block("html", self.raw(node)))
                    continue
                loose.append(node)
                continue
            flush()
            out.append(self.block(node))
        flush()
        return out

    def block(self, node: _Node) -> str:
        convert = getattr(self, f"_{node.tag}", None)
        if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            convert = self._heading
        result = convert(node) if convert is not None else None
        return result if result is not None else _block("html", self.raw(node))

    # -- one converter per element; None = not sure: use an html block

    @staticmethod
    def _only(node: _Node, *allowed: str) -> bool:
        return all(key in allowed for key, _ in node.attrs)

    def _p(self, node: _Node) -> str | None:
        image = self._lone_image(node)
        if image is not None:
            return image
        if not self._only(node, "id"):
            return None
        return _block("paragraph", self.raw(node))

    def _heading(self, node: _Node) -> str | None:
        if not self._only(node, "id"):
            return None
        level = int(node.tag[1])
        return _block("heading", self.raw(node), {"level": level} if level != 2 else None)

    def _hr(self, node: _Node) -> str | None:
        if node.attrs:
            return None
        return _block("separator", '<hr class="wp-block-separator has-alpha-channel-opacity"/>')

    def _pre(self, node: _Node) -> str | None:
        children = node.elements()
        text_outside = any(
            c.tag == "" and self.raw(c).strip() for c in node.children if c.tag != "code"
        )
        if node.attrs or len(children) != 1 or children[0].tag != "code" or text_outside:
            return None
        code = children[0]
        classes = (code.attr("class") or "").split()
        if not self._only(code, "class") or any(not c.startswith("language-") for c in classes):
            return None
        content = _escape_code(self.inner(code))
        attrs: dict[str, object] = {}
        pre_class = "wp-block-code"
        if classes:
            attrs["className"] = " ".join(classes)
            pre_class += " " + " ".join(classes)
        return _block("code", f'<pre class="{pre_class}"><code>{content}</code></pre>', attrs)

    def _blockquote(self, node: _Node) -> str | None:
        if node.attrs:
            return None
        inner = "\n\n".join(self.blocks(node))
        return _block("quote", f'<blockquote class="wp-block-quote">{inner}</blockquote>')

    def _ul(self, node: _Node) -> str | None:
        return self._list(node)

    def _ol(self, node: _Node) -> str | None:
        return self._list(node)

    def _list(self, node: _Node) -> str | None:
        attrs: dict[str, object] = {}
        tag_attrs: list[tuple[str, str | None]] = []
        if node.tag == "ol":
            attrs["ordered"] = True
        for key, value in node.attrs:
            if key == "start" and node.tag == "ol" and value and value.lstrip("-").isdigit():
                attrs["start"] = int(value)
                tag_attrs.append(("start", value))
            else:
                return None
        if any(c.tag == "" and self.raw(c).strip() for c in node.children):
            return None
        items: list[str] = []
        for child in node.elements():
            if child.tag != "li":
                return None
            item = self._list_item(child)
            if item is None:
                return None
            items.append(item)
        inner = "\n\n".join(items)
        return _block("list", f"{_start_tag(node.tag, tag_attrs)}{inner}</{node.tag}>", attrs)

    def _list_item(self, node: _Node) -> str | None:
        if node.attrs:
            return None
        content: list[str] = []
        nested: list[str] = []
        paragraphs = 0
        for child in node.children:
            if child.tag in ("ul", "ol"):
                converted = self._list(child)
                if converted is None:
                    return None
                nested.append(converted)
            elif child.tag == "" and not self.raw(child).strip():
                continue
            elif nested:
                return None  # content after a nested list: not what a list item holds
            elif child.tag == "p" and not child.attrs:
                paragraphs += 1  # a "loose" list item: its one paragraph is its text
                content.append(self.inner(child))
            elif child.tag in ("", "#comment") or child.tag in _INLINE:
                content.append(self.raw(child))
            else:
                return None
        if paragraphs > 1 or (paragraphs == 1 and len(content) > 1):
            return None
        text = "".join(content).strip()
        return _block("list-item", f"<li>{text}{''.join(nested)}</li>")

    def _table(self, node: _Node) -> str | None:
        if node.attrs:
            return None
        out = [self.text[node.start : node.inner_start]]
        position = node.inner_start
        for cell in _cells(node):
            if any(key not in ("style",) for key, _ in cell.attrs):
                return None
            style = (cell.attr("style") or "").strip().rstrip(";").replace(" ", "")
            align = style.removeprefix("text-align:") if style else ""
            if style and (not style.startswith("text-align:") or align not in _ALIGNS):
                return None
            out.append(self.text[position : cell.start])
            new_attrs: list[tuple[str, str | None]] = []
            if align:
                new_attrs = [("class", f"has-text-align-{align}"), ("data-align", align)]
            out.append(_start_tag(cell.tag, new_attrs))
            position = cell.inner_start
        out.append(self.text[position : node.end])
        return _block("table", f'<figure class="wp-block-table">{"".join(out)}</figure>')

    def _lone_image(self, node: _Node) -> str | None:
        """``<p><img></p>`` (what ``![alt](src)`` alone on a line gives) → an image block."""
        if node.attrs:
            return None
        elements = node.elements()
        text = any(c.tag == "" and self.raw(c).strip() for c in node.children)
        if len(elements) != 1 or elements[0].tag != "img" or text:
            return None
        img = elements[0]
        if not self._only(img, "src", "alt", "title"):
            return None
        src = img.attr("src") or ""
        attrs: dict[str, object] = {}
        img_attrs: list[tuple[str, str | None]] = [("src", src), ("alt", img.attr("alt") or "")]
        figure_class = "wp-block-image"
        media_id = self.media_ids.get(html.unescape(src))
        if media_id is not None:
            attrs = {"id": media_id, "sizeSlug": "full", "linkDestination": "none"}
            img_attrs.append(("class", f"wp-image-{media_id}"))
            figure_class += " size-full"
        title = img.attr("title")
        if title:
            img_attrs.append(("title", title))
        tag = _start_tag("img", img_attrs)[:-1] + "/>"
        return _block("image", f'<figure class="{figure_class}">{tag}</figure>', attrs)


_ALIGNS = frozenset({"left", "center", "right"})


def _cells(table: _Node) -> list[_Node]:
    found: list[_Node] = []

    def walk(node: _Node) -> None:
        for child in node.children:
            if child.tag in ("td", "th"):
                found.append(child)
            elif child.tag in ("thead", "tbody", "tfoot", "tr"):
                walk(child)

    walk(table)
    return found


def _escape_code(content: str) -> str:
    """What the code block's ``save()`` does to its content (``[`` and a lone URL's ``//``)."""
    content = content.replace("[", "&#91;")
    return re.sub(
        r"^(\s*https?:)//([^\s<>\"]+\s*)$", r"\1&#47;&#47;\2", content, count=1, flags=re.M
    )


def to_blocks(html_text: str, media_ids: Mapping[str, int] | None = None) -> str:
    """Block markup for ``html_text``; ``media_ids`` maps an image URL to its attachment ID."""
    if not html_text.strip():
        return ""
    converter = _Converter(html_text, media_ids or {})
    return "\n\n".join(converter.blocks(_parse(html_text)))
