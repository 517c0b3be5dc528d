"""Block-editor markup written in a Markdown file, kept exactly as written.  Pure.

A Markdown file may hold blocks that Markdown cannot express — a gallery, columns,
buttons, an embed — as the block editor saves them (``wpsync pull`` writes them so)::

    <!-- wp:buttons -->
    <div class="wp-block-buttons"><!-- wp:button -->
    <div class="wp-block-button"><a class="wp-block-button__link wp-element-button">Go</a></div>
    <!-- /wp:button --></div>
    <!-- /wp:buttons -->

Such a region starts on a line of its own with a block comment (``<!-- wp:name …-->``),
outside a code fence, and ends with the comment that closes it (or is one void block,
``<!-- wp:name /-->``).  It is cut out before the Markdown is parsed (:func:`protect`: the
parser sees one placeholder paragraph) and put back, byte for byte, in the HTML
(:func:`restore`); :func:`segments` finds the same regions in HTML, so the block
conversion passes them through untouched instead of wrapping them in an html block.

The delimiters are read with WordPress's own grammar (``WP_Block_Parser``): a comment
``<!-- wp:`` + name (``core/`` optional) + optional JSON attributes + ``/-->`` or ``-->``.
A region whose closing comment is missing is not a region: it stays Markdown / HTML.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = ["DELIMITER", "Protected", "protect", "restore", "segments"]

#: a block delimiter, as WordPress's block parser reads it (``class-wp-block-parser.php``)
DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>(?:[a-z][a-z0-9_-]*/)?[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)

_OPENING = re.compile(r" {0,3}<!--\s+wp:[a-z]")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _region_end(text: str, start: int) -> int | None:
    """The end of the balanced block region starting with the delimiter at ``start``
    (None: ``start`` is no opener, or the region never closes)."""
    depth = 0
    for found in DELIMITER.finditer(text, start):
        if depth == 0 and found.start() != start:
            return None
        if found.group("void"):
            if depth == 0:
                return found.end()
            continue
        if found.group("closer"):
            depth -= 1
            if depth == 0:
                return found.end()
            if depth < 0:
                return None
        else:
            depth += 1
    return None


def segments(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into ``(is_block, chunk)`` pieces: the top-level block regions (each
    from its opening to its closing delimiter) and the text between them."""
    out: list[tuple[bool, str]] = []
    position = 0
    cursor = 0
    while True:
        found = DELIMITER.search(text, cursor)
        if found is None:
            break
        end = None if found.group("closer") else _region_end(text, found.start())
        if end is None:
            cursor = found.end()
            continue
        if found.start() > position:
            out.append((False, text[position : found.start()]))
        out.append((True, text[found.start() : end]))
        position = cursor = end
    if position < len(text):
        out.append((False, text[position:]))
    return out


@dataclass(frozen=True)
class Protected:
    """Markdown with its block regions replaced by placeholders, and those regions."""

    text: str
    regions: tuple[str, ...] = ()
    token: str = ""

    def placeholder(self, index: int) -> str:
        return f"{self.token}{index}x"


def protect(markdown: str) -> Protected:
    """Cut the block regions out of ``markdown`` (each becomes a placeholder paragraph)."""
    if "<!--" not in markdown or "wp:" not in markdown:
        return Protected(markdown)
    token = (
        "wpsyncblock" + hashlib.sha256(markdown.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    )
    regions: list[str] = []
    out: list[str] = []
    fence: str | None = None
    lines = markdown.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = _FENCE.match(line)
        if fence is not None:
            closing = marker is not None and marker.group(1)[0] == fence[0]
            if closing and marker and len(marker.group(1)) >= len(fence):
                fence = None if not line[marker.end() :].strip() else fence
            out.append(line)
            index += 1
            continue
        if marker:
            fence = marker.group(1)
            out.append(line)
            index += 1
            continue
        if _OPENING.match(line):
            start = offsets[index] + len(line) - len(line.lstrip(" "))
            end = _region_end(markdown, start)
            last = _line_of(offsets, end) if end is not None else None
            if (
                end is not None
                and last is not None
                and not markdown[end : offsets[last + 1]].strip()
            ):
                out.append(f"\n{token}{len(regions)}x\n\n")
                regions.append(markdown[start:end])
                index = last + 1
                continue
        out.append(line)
        index += 1
    if not regions:
        return Protected(markdown)
    return Protected("".join(out), tuple(regions), token)


def _line_of(offsets: list[int], position: int) -> int:
    """The index of the line holding character ``position`` (``offsets``: line starts)."""
    low, high = 0, len(offsets) - 2
    while low < high:
        middle = (low + high + 1) // 2
        if offsets[middle] <= position - 1:
            low = middle
        else:
            high = middle - 1
    return low


def restore(html_text: str, protected: Protected) -> str:
    """``html_text`` with each placeholder paragraph replaced by its block region."""
    for index, region in enumerate(protected.regions):
        placeholder = protected.placeholder(index)
        paragraph = f"<p>{placeholder}</p>"
        if paragraph in html_text:
            html_text = html_text.replace(paragraph, region, 1)
        else:
            html_text = html_text.replace(placeholder, region, 1)
    return html_text
