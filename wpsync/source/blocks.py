"""HTML (as the renderer makes it) → block-editor markup.  Pure.

With ``content.block_editor = true`` (the default) a post is sent as core blocks, so it
opens in the WordPress editor as editable paragraphs, headings, lists… instead of one
"Classic" block.  Each top-level element becomes the block whose ``save()`` output it
matches, as of WordPress 6.1's block library — the editor checks every block against its
``save()`` and flags any difference as "unexpected or invalid content":

    <p>                       wp:paragraph (a ``class`` kept as its className)
    <p> holding block HTML    wp:html (the browser would split the paragraph)
    <p>URL</p>                wp:embed for a YouTube, Vimeo or X/Twitter address (embeds.py)
    <p><img></p>, <figure>    wp:image: uploaded images with their ID, a link around the
                              image, a figcaption, width and height
    <h1>…<h6>                 wp:heading {"level": N} (2 is the default and left out); an id
                              is the block's anchor
    <ul>, <ol>                wp:list (+ ordered, start, reversed) of wp:list-item, nested
                              lists as inner list blocks
    <blockquote>              wp:quote, its content as inner blocks
    <pre><code>               wp:code (a ``language-x`` class kept as className; data-*
                              attributes, which the block cannot keep, dropped)
    <table>                   wp:table, rebuilt in the block's shape: thead/tbody/tfoot,
                              aligned cells, caption → figcaption
    <hr>                      wp:separator
    <!--more-->               wp:more (the teaser's end on archive pages)
    callout                   wp:group of the renderer's ``wpsync-callout`` div
    anything else             wp:html (raw HTML, footnotes, definition lists, task lists…)
    block markup              as it is: ``<!-- wp:x -->…<!-- /wp:x -->`` regions in the HTML
                              (written in the Markdown file) are passed through untouched

An element this module is not sure a block reproduces exactly (unexpected attributes,
block content inside a list item…) becomes a ``wp:html`` block rather than a block the
editor would flag as invalid.  tests/integration/test_block_editor.py checks the output
in WordPress's real editor.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping

from wpsync.source.embeds import find_embed
from wpsync.source.htmltree import INLINE, P_CLOSERS, Node, closed_html, parse_html
from wpsync.source.rawblocks import segments

__all__ = ["to_blocks"]

#: deeper than this, lists and quotes become one html block (no recursion without end)
MAX_DEPTH = 40

_ALIGNS = frozenset({"left", "center", "right"})
_CALLOUT = re.compile(r"wpsync-callout wpsync-callout-[a-z]+")
_NUMBER = re.compile(r"[0-9]{1,5}")


# ---------------------------------------------------------------------------- serialising


#: ``json.dumps(…, ensure_ascii=False, separators=(",", ":"))``, its encoder made once
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _attrs_json(attrs: Mapping[str, object]) -> str:
    """Block attributes as WordPress's serializer writes them (no ``--``, ``<``, ``>``…)."""
    text = _JSON.encode(attrs)
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
    if not attrs:
        return f"<{tag}>"  # (most table cells, most lists)
    parts = [tag]
    for key, value in attrs:
        parts.append(key if value is None else f'{key}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


def _only(node: Node, *allowed: str) -> bool:
    return all(key in allowed for key, _ in node.attrs)


class _Converter:
    def __init__(self, text: str, media_ids: Mapping[str, int]) -> None:
        self.text = text
        self.media_ids = media_ids
        self.depth = 0

    def raw(self, node: Node) -> str:
        return self.text[node.start : node.end]

    def inner(self, node: Node) -> str:
        return self.text[node.inner_start : node.inner_end]

    def html(self, nodes: list[Node]) -> str:
        """An html block of ``nodes`` (elements left open closed, as a browser would)."""
        return _block("html", closed_html(self.text, nodes).strip())

    def has_text(self, node: Node) -> bool:
        """Text other than white space directly inside ``node``."""
        text = self.text
        for child in node.children:  # (a loop: asked of most elements of every post)
            if child.tag == "" and text[child.start : child.end].strip():
                return True
        return False

    def phrasing(self, node: Node) -> bool:
        """No element below ``node`` that the browser would move out of a paragraph."""
        stack = list(node.children)  # (any order: stops at the first one found)
        while stack:
            below = stack.pop()
            if below.tag in P_CLOSERS:
                return False
            if below.children:
                stack.extend(below.children)
        return True

    # -- the sequence of top-level nodes

    def blocks(self, parent: Node) -> list[str]:
        out: list[str] = []
        loose: list[Node] = []  # text and inline elements outside any block element

        def flush() -> None:
            if loose and self.text[loose[0].start : loose[-1].end].strip():
                out.append(self._loose(loose))
            loose.clear()

        for node in parent.children:
            if node.tag in ("", "#comment") or node.tag in INLINE:
                if node.tag == "#comment" and not loose:
                    out.append(self._loose([node]))
                    continue
                loose.append(node)
                continue
            flush()
            out.append(self.block(node))
        flush()
        return out

    def _loose(self, nodes: list[Node]) -> str:
        """Inline content outside any block: an image written as HTML, or an html block."""
        elements = [n for n in nodes if n.tag != ""]
        blank = all(n.tag != "" or not self.raw(n).strip() for n in nodes)
        if blank and len(elements) == 1 and elements[0].tag == "#comment":
            if self.raw(elements[0]) == "<!--more-->":  # the end of the archive teaser
                return _block("more", "<!--more-->")
        elif blank and len(elements) == 1:
            image = self._image(elements[0], None)
            if image is not None:
                return image
        return self.html(nodes)

    def block(self, node: Node) -> str:
        convert = getattr(self, f"_{node.tag}", None)
        if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            convert = self._heading
        result = convert(node) if convert is not None else None
        return result if result is not None else self.html([node])

    def nested(self, parent: Node) -> list[str] | None:
        """The blocks inside a quote or group; None when nested too deep."""
        if self.depth >= MAX_DEPTH:
            return None
        self.depth += 1
        try:
            return self.blocks(parent)
        finally:
            self.depth -= 1

    # -- one converter per element; None = not sure: use an html block

    def _p(self, node: Node) -> str | None:
        if not node.attrs:
            found = self._lone_image(node) or self._embed(node)
            if found is not None:
                return found
        if not self.phrasing(node):
            return self._broken_paragraph(node)
        if not _only(node, "id", "class"):
            return None
        attrs: dict[str, object] = {}
        classes = " ".join((node.attr("class") or "").split())
        if classes:
            attrs["className"] = classes
        return _block("paragraph", self.raw(node), attrs)

    def _broken_paragraph(self, node: Node) -> str:
        """A ``<p>`` holding block-level HTML, which the browser splits where each block
        element starts: split it the same way — its text runs as paragraphs, the block
        elements as their own blocks.  When the block element hides in inline markup, the
        whole paragraph becomes an html block, as a ``<div>`` (which may hold it)."""
        if node.attrs or any(c.tag in INLINE and not self.phrasing(c) for c in node.children):
            start = self.text[node.start : node.inner_start]
            inner = closed_html(self.text, node.children)
            return _block("html", f"<div{start[2:]}{inner}</div>".strip())
        out: list[str] = []
        run: list[Node] = []

        def flush() -> None:
            if run and self.text[run[0].start : run[-1].end].strip():
                out.append(_block("paragraph", f"<p>{closed_html(self.text, run).strip()}</p>"))
            run.clear()

        for child in node.children:
            if child.tag in P_CLOSERS:
                flush()
                out.append(self.block(child))
            else:
                run.append(child)
        flush()
        return "\n\n".join(out)

    def _heading(self, node: Node) -> str | None:
        if not _only(node, "id") or not self.phrasing(node):
            return None
        level = int(node.tag[1])
        return _block("heading", self.raw(node), {"level": level} if level != 2 else None)

    def _hr(self, node: Node) -> str | None:
        if node.attrs:
            return None
        return _block("separator", '<hr class="wp-block-separator has-alpha-channel-opacity"/>')

    def _pre(self, node: Node) -> str | None:
        children = node.elements()
        if len(children) != 1 or children[0].tag != "code" or self.has_text(node):
            return None
        code = children[0]
        if any(not key.startswith("data-") for key, _ in node.attrs):
            return None
        if any(key != "class" and not key.startswith("data-") for key, _ in code.attrs):
            return None  # data-* (a title, lines to highlight): the block has no room for them
        classes = (code.attr("class") or "").split()
        if any(not c.startswith("language-") for c in classes):
            return None
        if code.elements():
            return None  # markup inside the code (a highlighter's spans): not the block's text
        content = _escape_code(self.inner(code))
        attrs: dict[str, object] = {}
        pre_class = "wp-block-code"
        if classes:
            attrs["className"] = " ".join(classes)
            pre_class += " " + " ".join(classes)
        return _block("code", f'<pre class="{pre_class}"><code>{content}</code></pre>', attrs)

    def _blockquote(self, node: Node) -> str | None:
        if node.attrs:
            return None
        inner = self.nested(node)
        if inner is None:
            return None
        body = "\n\n".join(inner)
        return _block("quote", f'<blockquote class="wp-block-quote">{body}</blockquote>')

    def _div(self, node: Node) -> str | None:
        """The renderer's callout (a GitHub alert) → a group keeping its classes."""
        classes = " ".join((node.attr("class") or "").split())
        if not _only(node, "class") or not _CALLOUT.fullmatch(classes) or self.has_text(node):
            return None
        inner = self.nested(node)
        if inner is None:
            return None
        body = "\n\n".join(inner)
        return _block(
            "group", f'<div class="wp-block-group {classes}">{body}</div>', {"className": classes}
        )

    def _ul(self, node: Node) -> str | None:
        return self._list(node)

    def _ol(self, node: Node) -> str | None:
        return self._list(node)

    def _list(self, node: Node) -> str | None:
        if self.depth >= MAX_DEPTH:
            return None
        attrs: dict[str, object] = {}
        tag_attrs: list[tuple[str, str | None]] = []
        if node.tag == "ol":
            attrs["ordered"] = True
        for key, value in node.attrs:
            if key == "start" and node.tag == "ol" and value and value.lstrip("-").isdigit():
                attrs["start"] = int(value)
                tag_attrs.append(("start", value))
            elif key == "reversed" and node.tag == "ol":
                attrs["reversed"] = True
                tag_attrs.append(("reversed", None))
            else:
                return None
        if self.has_text(node):
            return None
        items: list[str] = []
        self.depth += 1
        try:
            for child in node.elements():
                item = self._list_item(child) if child.tag == "li" else None
                if item is None:
                    return None
                items.append(item)
        finally:
            self.depth -= 1
        inner = "\n\n".join(items)
        return _block("list", f"{_start_tag(node.tag, tag_attrs)}{inner}</{node.tag}>", attrs)

    def _list_item(self, node: Node) -> str | None:
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
            elif child.tag == "p" and not child.attrs and self.phrasing(child):
                paragraphs += 1  # a "loose" list item: its one paragraph is its text
                content.append(self.inner(child))
            elif child.tag in ("", "#comment") or (child.tag in INLINE and self.phrasing(child)):
                content.append(self.raw(child))
            else:
                return None
        if paragraphs > 1 or (paragraphs == 1 and len(content) > 1):
            return None
        text = "".join(content).strip()
        return _block("list-item", f"<li>{text}{''.join(nested)}</li>")

    def _table(self, node: Node, caption: str | None = None) -> str | None:
        """A table in the block's shape; ``caption``: from a figure around it."""
        if node.attrs or self.has_text(node):
            return None
        sections: dict[str, list[str]] = {"head": [], "body": [], "foot": []}
        for child in node.elements():
            if child.tag == "caption":
                if child.attrs or caption is not None or not self.phrasing(child):
                    return None
                caption = self.inner(child).strip()
            elif child.tag == "tr":
                row = self._row(child)
                if row is None:
                    return None
                sections["body"].append(row)
            elif child.tag in ("thead", "tbody", "tfoot") and not child.attrs:
                if self.has_text(child):
                    return None
                for tr in child.elements():
                    row = self._row(tr) if tr.tag == "tr" else None
                    if row is None:
                        return None
                    sections[child.tag[1:]].append(row)
            else:
                return None
        if not any(sections.values()):
            return None
        out = ['<figure class="wp-block-table"><table>']
        for name, rows in sections.items():
            if rows:
                out.append(f"<t{name}>{''.join(rows)}</t{name}>")
        out.append("</table>")
        if caption:
            out.append(f'<figcaption class="wp-element-caption">{caption}</figcaption>')
        out.append("</figure>")
        return _block("table", "".join(out))

    def _row(self, tr: Node) -> str | None:
        if tr.attrs or self.has_text(tr):
            return None
        cells: list[str] = []
        for cell in tr.elements():
            if cell.tag not in ("td", "th") or not self.phrasing(cell):
                return None
            align = ""
            new_attrs: list[tuple[str, str | None]] = []
            for key, value in cell.attrs:
                if key == "style":
                    style = (value or "").strip().rstrip(";").replace(" ", "")
                    align = style.removeprefix("text-align:")
                    if not style.startswith("text-align:") or align not in _ALIGNS:
                        return None
                elif key == "align" and value in _ALIGNS:
                    align = value
                elif key == "scope" and cell.tag == "th" and value:
                    new_attrs.append(("scope", value))
                else:
                    return None  # colspan, rowspan, class…: not in WordPress 6.1's table
            if align:
                new_attrs[:0] = [("class", f"has-text-align-{align}"), ("data-align", align)]
            cells.append(f"{_start_tag(cell.tag, new_attrs)}{self.inner(cell)}</{cell.tag}>")
        return f"<tr>{''.join(cells)}</tr>"

    def _figure(self, node: Node) -> str | None:
        """``<figure>`` around an image or a table, with or without a figcaption."""
        if node.attrs or self.has_text(node):
            return None
        elements = node.elements()
        caption: str | None = None
        if elements and elements[-1].tag == "figcaption":
            last = elements.pop()
            if last.attrs or not self.phrasing(last):
                return None
            caption = self.inner(last).strip()
        if len(elements) != 1:
            return None
        if elements[0].tag == "table":
            return self._table(elements[0], caption)
        return self._image(elements[0], caption)

    # -- images and embeds

    def _lone_image(self, node: Node) -> str | None:
        """``<p><img></p>`` (``![alt](src)`` alone on a line), ``<p><a><img></a></p>``."""
        elements = node.elements()
        if len(elements) != 1 or self.has_text(node):
            return None
        return self._image(elements[0], None)

    def _image(self, element: Node, caption: str | None) -> str | None:
        """An image block for ``<img>`` or ``<a><img></a>``; None if the block can't hold it."""
        link: Node | None = None
        img = element
        if element.tag == "a":
            inside = element.elements()
            if len(inside) != 1 or self.has_text(element) or not _only(element, *_LINK_ATTRS):
                return None
            link, img = element, inside[0]
        if img.tag != "img" or not _only(img, "src", "alt", "title", "width", "height"):
            return None
        src = img.attr("src") or ""
        attrs: dict[str, object] = {}
        img_attrs: list[tuple[str, str | None]] = [("src", src), ("alt", img.attr("alt") or "")]
        figure = ["wp-block-image"]
        media_id = self.media_ids.get(html.unescape(src))
        if media_id is not None:
            attrs = {"id": media_id}
            img_attrs.append(("class", f"wp-image-{media_id}"))
        for key in ("width", "height"):
            value = img.attr(key)
            if value is None:
                continue
            if not _NUMBER.fullmatch(value):
                return None  # "50%", "300px": the block's sizes are numbers of pixels
            attrs[key] = int(value)
            img_attrs.append((key, value))
        if media_id is not None:
            attrs["sizeSlug"] = "full"
            figure.append("size-full")
        if "width" in attrs or "height" in attrs:
            figure.append("is-resized")
        title = img.attr("title")
        if title:
            img_attrs.append(("title", title))
        picture = _start_tag("img", img_attrs)[:-1] + "/>"
        if link is not None:
            attrs["linkDestination"] = "custom"
            picture = _start_tag("a", [(k, v or "") for k, v in link.attrs]) + picture + "</a>"
        elif media_id is not None:
            attrs["linkDestination"] = "none"
        if caption:
            picture += f'<figcaption class="wp-element-caption">{caption}</figcaption>'
        return _block("image", f'<figure class="{" ".join(figure)}">{picture}</figure>', attrs)

    def _embed(self, node: Node) -> str | None:
        """A paragraph holding only a URL (linked or not) that WordPress embeds."""
        elements = node.elements()
        if not elements and not any(c.tag == "#comment" for c in node.children):
            url = html.unescape(self.inner(node)).strip()
        elif len(elements) == 1 and elements[0].tag == "a" and not self.has_text(node):
            link = elements[0]
            url = html.unescape(self.inner(link)).strip()
            if link.elements() or not _only(link, "href") or link.attr("href") != url:
                return None
        else:
            return None
        embed = find_embed(url) if url and not any(c.isspace() for c in url) else None
        if embed is None:
            return None
        wrapper = (
            f'<div class="wp-block-embed__wrapper">\n{html.escape(embed.url, quote=False)}\n</div>'
        )
        return _block(
            "embed",
            f'<figure class="{embed.figure_class()}">{wrapper}</figure>',
            embed.attributes(),
        )


_LINK_ATTRS = ("href", "target", "rel", "class")


def _escape_code(content: str) -> str:
    """What the code block's ``save()`` does to its content (``[`` and a lone URL's ``//``)."""
    content = content.replace("[", "&#91;")
    return re.sub(
        r"^(\s*https?:)//([^\s<>\"]+\s*)$", r"\1&#47;&#47;\2", content, count=1, flags=re.M
    )


def to_blocks(html_text: str, media_ids: Mapping[str, int] | None = None) -> str:
    """Block markup for ``html_text``; ``media_ids`` maps an image URL to its attachment ID.

    Block markup already in ``html_text`` (``<!-- wp:gallery -->…<!-- /wp:gallery -->``
    written in the Markdown file, see rawblocks.py) is passed through as it is."""
    out: list[str] = []
    for is_block, chunk in segments(html_text):
        if is_block:
            out.append(chunk)
        elif chunk.strip():
            converter = _Converter(chunk, media_ids or {})
            out.extend(converter.blocks(parse_html(chunk)))
    return "\n\n".join(out)
