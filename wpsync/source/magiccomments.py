"""Docusaurus' magic comments in code blocks → the lines they highlight.  Pure.

Docusaurus highlights code lines marked by comments it then leaves out of the block
(docusaurus.io/docs/markdown-features/code-blocks#highlighting-with-comments)::

    ```jsx
    // highlight-next-line
    <Tabs groupId="operating-systems">
    ```

``highlight-next-line`` marks the line after it, ``highlight-start`` … ``highlight-end``
the lines between; the comment may be written as the language comments (``//``, ``#``,
``/* */``, ``<!-- -->``, ``--``, ``%``, ``;``).  VitePress marks a line at its end
(``msg: 'Hi' // [!code highlight]``; ``[!code focus]``, ``[!code ++]``, ``[!code --]``,
``[!code error]``, ``[!code warning]`` color it): the mark is removed, and a highlighted
line is highlighted the same way.  In a docs folder those comment lines are
removed from the code, and the lines they marked are added to the fence's ``{…}`` line
list, which becomes ``data-line`` (``fences.py``) as ``{1,3-4}`` does.  A block whose
marks do not pair up is left as written.
"""

from __future__ import annotations

import re

from wpsync.source.fences import FenceTracker

__all__ = ["apply_magic_comments"]

_MAGIC = re.compile(
    r"^[ \t]*(?://|#|/\*|<!--|--|%|;)[ \t]*highlight-(next-line|start|end)[ \t]*(?:\*/|-->)?[ \t]*$"
)
#: VitePress' notation at the end of a line (vitepress.dev/guide/markdown#line-highlighting-in-code-blocks)
_NOTATION = re.compile(
    r"[ \t]*(?://|#|/\*|<!--|--|%|;)[ \t]*\[!code[ \t]+"
    r"(highlight|hl|focus|\+\+|--|error|warning|word:[^\]\n]*)(?::\d+)?\][ \t]*(?:\*/|-->)?[ \t]*$"
)
_OPENING = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")


def apply_magic_comments(text: str) -> str:
    """``text`` with its code blocks' magic comments made highlighted lines."""
    if "highlight-" not in text and "[!code" not in text:
        return text
    out: list[str] = []
    code = FenceTracker()
    opening = -1  # the index in ``out`` of the open block's fence line
    body: list[str] = []
    for line in text.split("\n"):
        was_inside = code.inside
        if not code.in_code(line):
            out.append(line)
        elif not was_inside:  # an opening fence
            opening, body = len(out), []
            out.append(line)
        elif code.inside:  # a line of code
            body.append(line)
        else:  # the closing fence
            out += _highlighted(out, opening, body)
            out.append(line)
    if code.inside:  # never closed: as written
        out += body
    return "\n".join(out)


def _highlighted(out: list[str], opening: int, body: list[str]) -> list[str]:
    """The block's code without its magic comments (its fence line in ``out`` given the
    lines they mark), or as written."""
    kept, marked = _marked(body)
    found = _OPENING.match(out[opening])
    if found is None:
        return body
    if not marked:
        return kept if len(kept) == len(body) else body
    indent, fence, info = found.groups()
    spec = ",".join(str(n) for n in marked)
    out[opening] = f"{indent}{fence}{info.rstrip()} {{{spec}}}"
    return kept


def _marked(body: list[str]) -> tuple[list[str], list[int]]:
    """The code without its magic comments, and the (1-based) lines they mark; no lines
    when the marks do not pair up."""
    kept: list[str] = []
    marked: list[int] = []
    next_line = False
    block = False
    for line in body:
        found = _MAGIC.match(line)
        if found is not None:
            what = found.group(1)
            if what == "next-line":
                next_line = True
            elif what == "start":
                if block:
                    return body, []
                block = True
            elif not block:
                return body, []
            else:
                block = False
            continue
        notation = _NOTATION.search(line) if "[!code" in line else None
        if notation is not None:
            line = line[: notation.start()]
        kept.append(line)
        if (
            next_line
            or block
            or (notation is not None and notation.group(1) in ("highlight", "hl"))
        ):
            marked.append(len(kept))
            next_line = False
    if block or next_line:
        return body, []
    return kept, marked
