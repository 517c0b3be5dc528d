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


def _regions(text: str) -> dict[int, int]:
    """Start → end of every balanced block region in ``text`` (a void block is one).

    One pass, linear: each comment (``<!--`` to the next ``-->``) is read once — a block's
    attributes never hold ``--``, WordPress's serializer escapes it — and an opener is
    paired with the closer that brings the nesting back to it, as WordPress's parser
    pairs them.  An opener never closed is not a region; a stray closer is ignored."""
    out: dict[int, int] = {}
    stack: list[int] = []
    position = 0
    while (begin := text.find("<!--", position)) >= 0:
        finish = text.find("-->", begin + 4)
        if finish < 0:
            break
        position = finish + 3
        found = DELIMITER.fullmatch(text, begin, position)
        if found is None:
            continue
        if found.group("void"):
            if not found.group("closer"):
                out[begin] = position
        elif found.group("closer"):
            if stack:
                out[stack.pop()] = position
        else:
            stack.append(begin)
    return out


def segments(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into ``(is_block, chunk)`` pieces: the top-level block regions (each
    from its opening to its closing delimiter) and the text between them."""
    regions = _regions(text)
    out: list[tuple[bool, str]] = []
    position = 0
    for start in sorted(regions):
        if start < position:
            continue  # inside the region before
        if start > position:
            out.append((False, text[position:start]))
        out.append((True, text[start : regions[start]]))
        position = regions[start]
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
    regions_at = _regions(markdown)
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
            end = regions_at.get(start)
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
    if not protected.regions:
        return html_text
    token = re.escape(protected.token)
    placeholder = re.compile(rf"<p>{token}(\d+)x</p>|{token}(\d+)x")

    def put_back(found: re.Match[str]) -> str:
        index = int(found.group(1) or found.group(2))
        return protected.regions[index] if index < len(protected.regions) else found.group(0)

    return placeholder.sub(put_back, html_text)
