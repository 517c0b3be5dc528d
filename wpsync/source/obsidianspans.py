"""Where an Obsidian note's Markdown is text to translate: code spans, runs of lines
outside code blocks, raw HTML tags and link destinations.  Pure.

Shared by :mod:`wpsync.source.obsidian` (links, embeds, highlights, comments) and
:mod:`wpsync.source.obsidianmarks` (math, tasks, inline footnotes, sized images).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

__all__ = ["BLANK", "LEAVE", "between", "code_spans", "runs"]

_TICKS = re.compile(r"`+")
BLANK = re.compile(r"\n[ \t>]*\n")
# raw HTML tags and autolinks, and link destinations: left as written
LEAVE = re.compile(
    r"<[A-Za-z/!][^<>\n]*>"
    r"|\]\((?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)


def code_spans(text: str) -> list[tuple[int, int]]:
    """The ``code spans`` of a run of lines: a run of backticks up to the next run of as
    many in the same paragraph.  Each run is looked at once (no search per run: a note
    full of backticks stays fast)."""
    ticks = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    if len(ticks) < 2:
        return []
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(ticks):
        by_length.setdefault(end - start, []).append(index)
    blanks = [m.start() for m in BLANK.finditer(text)]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(ticks):
        start, end = ticks[i]
        if start > 0 and text[start - 1] == "\\":
            i += 1  # an escaped backtick opens nothing
            continue
        after = bisect.bisect_left(blanks, end)
        limit = blanks[after] if after < len(blanks) else len(text)
        same = by_length[end - start]
        following = bisect.bisect_right(same, i)
        if following < len(same) and ticks[same[following]][0] < limit:
            close = same[following]
            spans.append((start, ticks[close][1]))
            i = close + 1
        else:
            i += 1
    return spans


def runs(lines: list[str], code: frozenset[int]) -> list[tuple[int, int]]:
    """``(first, end)`` of each run of lines that are not code."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    for i in range(len(lines) + 1):
        if i < len(lines) and i not in code:
            if start is None:
                start = i
        elif start is not None:
            found.append((start, i))
            start = None
    return found


def between(text: str, leave: list[tuple[int, int]], change: Callable[[str, int], str]) -> str:
    """``text`` with ``change(segment, offset)`` applied to what is outside ``leave``."""
    parts: list[str] = []
    cursor = 0
    for start, end in [*sorted(leave), (len(text), len(text))]:
        if start < cursor:  # overlaps a region already left
            if end > cursor:
                parts.append(text[cursor:end])
                cursor = end
            continue
        parts.append(change(text[cursor:start], cursor))
        parts.append(text[start:end])
        cursor = end
    return "".join(parts)
