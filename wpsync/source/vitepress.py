"""VitePress' code groups, code titles and table-of-contents marker → wpsync's Markdown.  Pure.

For ``[content] dialect = "docs"`` (a ``.vitepress/`` folder; Python-Markdown's ``[TOC]``
too, as MkDocs writes it):

==============================  ===========================================================
``::: code-group`` … ``:::``    the container lines removed; each block's ``[label]`` in
                                bold above it (the tab it was: ``npm``, ``pnpm``, ``yarn``)
````` ```js [config.js] `````   ``title="config.js"`` (``fences.py``: ``data-title``)
``[[toc]]``, ``[TOC]``          the table of contents of the page's headings, where the
                                marker was (``attrlists.TOC_MARK``)
==============================  ===========================================================

Nothing in fenced code is touched.
"""

from __future__ import annotations

import functools
import html
import re

from wpsync.source.attrlists import TOC_MARK
from wpsync.source.fences import FenceTracker

__all__ = ["convert_vitepress"]


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on the first text that may hold VitePress' syntax."""
    return {
        "quick": re.compile(
            r"^ {0,3}(?::{3,}[ \t]*code-group|\[\[toc\]\]|\[TOC\])|\[[^\]\n]+\]", re.M
        ),
        "group": re.compile(r"^( {0,3})(:{3,})[ \t]*code-group[ \t]*$"),
        "toc": re.compile(r"^ {0,3}(?:\[\[toc\]\]|\[TOC\])[ \t]*$"),
        "fence": re.compile(r"^([ \t]*)(`{3,}|~{3,})([^`\[\n]*?)[ \t]*\[([^\]\n]+)\][ \t]*(.*)$"),
    }


def convert_vitepress(text: str) -> str:
    """``text`` with VitePress' marks translated as the module docstring says."""
    if "[" not in text and ":::" not in text:
        return text
    p = _patterns()
    if p["quick"].search(text) is None:
        return text
    lines = text.split("\n")
    out: list[str] = []
    code = FenceTracker()
    group_close: str | None = None  # the closing line of the code group we are in
    for i, line in enumerate(lines):
        opening = not code.inside
        if code.in_code(line):
            fence = p["fence"].match(line) if opening else None
            if fence is not None:
                indent, ticks, info, label, rest = fence.groups()
                if group_close is not None:
                    out += ["", f"{indent}<p><strong>{html.escape(label)}</strong></p>", ""]
                    line = f"{indent}{ticks}{info.strip()} {rest}".rstrip()
                elif '"' not in label:
                    line = f'{indent}{ticks}{info.strip()} title="{label}" {rest}'.rstrip()
            out.append(line)
            continue
        if group_close is not None and line.rstrip() == group_close:
            group_close = None
            out.append("")
            continue
        group = p["group"].match(line)
        if group is not None and _closes(lines, i, group.group(1) + group.group(2)):
            group_close = group.group(1) + group.group(2)
            out.append("")
            continue
        out.append(TOC_MARK if p["toc"].match(line) else line)
    return "\n".join(out)


def _closes(lines: list[str], start: int, close: str) -> bool:
    """Whether a line ``close`` (outside fenced code) follows ``start``."""
    code = FenceTracker()
    return any(not code.in_code(line) and line.rstrip() == close for line in lines[start + 1 :])
