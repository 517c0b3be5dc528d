"""Obsidian's Markdown that is no link: math, task statuses, inline footnotes and sized
Markdown images, made into what wpsync's renderer shows as Obsidian's reading view does.
Pure; :func:`wpsync.source.obsidian.translate` calls these, outside code.

==================================  ====================================================
``$x^2$``, ``$$\\frac{a}{b}$$``     kept as written (the TeX Obsidian gives MathJax): no
                                    Markdown escape or emphasis read in it; a ``$$``
                                    block over several lines made one line
``- [/] task``, ``- [-]``, ``[>]``  a checked task (any character but a space checks it)
``text^[a note]``                   a footnote, numbered with the ``[^1]`` ones
``![alt|300](x.png)``,              the image with that width (and height), alt text
``![300x200](https://…)``           the rest
``![](https://youtube.com/…)``      the URL alone: WordPress embeds the video (or post)
==================================  ====================================================
"""

from __future__ import annotations

import re

from wpsync.source.embeds import find_embed
from wpsync.source.obsidianspans import BLANK, LEAVE, between, code_spans, runs

__all__ = [
    "MATH_JOIN",
    "SIZE_MARK",
    "checked_tasks",
    "embedded_pages",
    "inline_footnotes",
    "join_math",
    "protect_math",
    "sized_images",
]

#: carries an image's size through the renderer, in the image's title
SIZE_MARK = "\ue000"
# a Markdown image without a title whose alt text gives a size: ![alt|300](x.png)
_MARKDOWN_IMAGE = re.compile(
    r"!\[(?P<alt>[^\[\]\n]*)\]\((?P<dest><[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)"
)
_MARKDOWN_SIZE = re.compile(
    r"^(?:(?P<text>.*?)\s*\\?\|\s*)?(?P<width>\d{1,5})(?:\s*x\s*(?P<height>\d{1,5}))?\s*$"
)
# math: $$display$$ (over several lines too) and $inline$, as Obsidian (MathJax) reads it
_DISPLAY_MATH = re.compile(r"(?<!\\)\$\$(?:[^$]|\$(?!\$))+?\$\$")
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])(?:[^$\n\\]|\\.)*?(?<=[^\s\\])\$(?![$\d])")
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
MATH_JOIN = "\ue001"  # ends a line of display math that goes on on the next line
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*")
# a task's status: "- [/] doing", "- [-] cancelled", "1. [>] moved" (any one character)
_TASK = re.compile(
    r"^(?P<lead>(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[(?P<mark>[^ xX\]\[\\])\](?=[ \t])"
)
_INLINE_NOTE = "^["


# ---------------------------------------------------------------------------- math


def protect_math(lines: list[str], code: frozenset[int]) -> list[str]:
    """``$…$`` and ``$$…$$`` outside code kept as written: every ASCII punctuation mark
    in them escaped, so Markdown neither reads ``\\`` as an escape nor ``_`` as emphasis
    and the site's math plugin gets the TeX Obsidian shows.  A ``$$`` block over several
    lines keeps its lines for now; each but the last ends with a mark, and
    :func:`join_math` later makes it one line (a line break in it would be a ``<br>``)."""
    out = list(lines)
    for a, b in runs(lines, code):
        text = "\n".join(lines[a:b])
        if "$" not in text:
            continue
        leave = [*code_spans(text), *((m.start(), m.end()) for m in LEAVE.finditer(text))]
        text = between(text, leave, lambda s, base: _math_in(s))
        out[a:b] = text.split("\n")
    return out


def _math_in(text: str) -> str:
    if "$" not in text:
        return text

    def display(found: re.Match[str]) -> str:
        if "\n\n" in found.group(0) or re.search(r"\n[ \t>]*\n", found.group(0)):
            return found.group(0)  # a blank line ends the paragraph: no math
        first, *rest = found.group(0).split("\n")
        escaped = [_escape_math(first)]
        for line in rest:  # the quote markers of the lines stay markers
            prefix = _QUOTE_PREFIX.match(line).group(0)  # type: ignore[union-attr]
            escaped.append(prefix + _escape_math(line[len(prefix) :]))
        return (MATH_JOIN + "\n").join(escaped)

    parts: list[str] = []
    cursor = 0
    for found in _DISPLAY_MATH.finditer(text):
        parts.append(
            _INLINE_MATH.sub(lambda m: _escape_math(m.group(0)), text[cursor : found.start()])
        )
        parts.append(display(found))
        cursor = found.end()
    parts.append(_INLINE_MATH.sub(lambda m: _escape_math(m.group(0)), text[cursor:]))
    return "".join(parts)


def _escape_math(text: str) -> str:
    return _PUNCTUATION.sub(lambda m: "\\" + m.group(0), text)


def join_math(items: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The lines of a ``$$`` block made one (see :func:`_math`): each next line without
    the quote markers its block's first line has."""
    out: list[tuple[str, bool]] = []
    depth: int | None = None
    for line, code in items:
        if out and out[-1][0].endswith(MATH_JOIN) and not code:
            rest = line
            for _ in range(depth or 0):
                rest = re.sub(r"^[ \t]*>[ \t]?", "", rest, count=1)
            out[-1] = (out[-1][0][: -len(MATH_JOIN)] + " " + rest.lstrip(" \t"), False)
            continue
        if line.endswith(MATH_JOIN):
            depth = _QUOTE_PREFIX.match(line).group(0).count(">")  # type: ignore[union-attr]
        out.append((line, code))
    return [(line.replace(MATH_JOIN, ""), code) for line, code in out]


# ---------------------------------------------------------------------------- tasks


def checked_tasks(lines: list[str], code: frozenset[int]) -> list[str]:
    """A task with a status of its own (``- [/]``, ``- [-]``, ``- [>]``…) is a task that
    is checked, as Obsidian shows it (any character but a space checks the box)."""
    out = list(lines)
    for i, line in enumerate(lines):
        if i in code or "[" not in line:
            continue
        out[i] = _TASK.sub(lambda m: m.group("lead") + "[x]", line, count=1)
    return out


# ---------------------------------------------------------------------------- footnotes


def inline_footnotes(lines: list[str], code: frozenset[int]) -> tuple[list[str], list[str]]:
    """``^[an inline footnote]`` → a footnote reference, and its definition to add at
    the end of the note (``[^wpsync-inline-1]: an inline footnote``): Obsidian numbers
    both kinds of footnote in one sequence, as the renderer does.  A footnote written over
    several lines is made one: the note then has fewer lines (code lines move up)."""
    if not any(_INLINE_NOTE in line for i, line in enumerate(lines) if i not in code):
        return lines, []
    notes: list[str] = []
    out: list[str] = []
    cursor = 0
    for a, b in runs(lines, code):
        out.extend(lines[cursor:a])
        text = "\n".join(lines[a:b])
        if _INLINE_NOTE in text:
            text = _notes_in(text, code_spans(text), notes)
        out.extend(text.split("\n"))
        cursor = b
    out.extend(lines[cursor:])
    return out, notes


def _notes_in(text: str, spans: list[tuple[int, int]], notes: list[str]) -> str:
    starts = {start: end for start, end in spans}
    parts: list[str] = []
    cursor = 0
    search = 0
    while True:
        start = text.find(_INLINE_NOTE, search)
        if start < 0:
            break
        search = start + 2
        if (start > 0 and text[start - 1] == "\\") or any(a <= start < b for a, b in spans):
            continue  # escaped, or in code
        end = _closing_bracket(text, start + 1, starts)
        content = text[start + 2 : end].strip() if end is not None else ""
        if end is None or not content:
            continue
        label = f"wpsync-inline-{len(notes) + 1}"
        notes.append(f"[^{label}]: " + " ".join(re.sub(r"\n[ \t>]*", " ", content).split()))
        parts.append(text[cursor:start] + f"[^{label}]")
        cursor = search = end + 1
    parts.append(text[cursor:])
    return "".join(parts)


def _closing_bracket(text: str, open_at: int, spans: dict[int, int]) -> int | None:
    """The index of the ``]`` that closes the ``[`` at ``open_at`` (nested brackets,
    escapes and code spans counted; not past a blank line)."""
    depth = 0
    i = open_at
    while i < len(text):
        char = text[i]
        if i in spans:
            i = spans[i]
            continue
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        elif char == "\n" and BLANK.match(text, i):
            return None
        i += 1
    return None


# ---------------------------------------------------------------------------- images


def sized_images(text: str) -> str:
    """``![alt|300](url)``, ``![alt|300x200](url)``, ``![300](url)``: the image with that
    width (and height), its alt text the rest, as Obsidian shows a Markdown image."""

    def sized(found: re.Match[str]) -> str:
        alt = found.group("alt")
        size = _MARKDOWN_SIZE.match(alt)
        if size is None:
            return found.group(0)
        dimensions = size.group("width") + (
            f"x{size.group('height')}" if size.group("height") else ""
        )
        return f'![{size.group("text") or ""}]({found.group("dest")} "{SIZE_MARK}{dimensions}")'

    return _MARKDOWN_IMAGE.sub(sized, text)


def embedded_pages(text: str) -> str:
    """``![](https://www.youtube.com/watch?v=…)``, ``![](https://twitter.com/…/status/…)``:
    Obsidian shows the video or the post there; the URL alone, which WordPress embeds (an
    embed block when alone in its paragraph, else a link to it), not an image that is none."""

    def page(found: re.Match[str]) -> str:
        dest = found.group("dest")
        url = dest[1:-1] if dest.startswith("<") else dest
        return url if find_embed(url) is not None else found.group(0)

    return _MARKDOWN_IMAGE.sub(page, text)
