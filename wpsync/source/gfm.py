"""GitHub-style nested lists for Python-Markdown.

Python-Markdown nests a list only when it is indented by four spaces; GitHub, Obsidian,
VS Code/Prettier and most writers indent nested lists by two (or by the width of the
parent's marker, ``1. `` = three).  CommonMark's rule is "indented to the parent item's
content".  :func:`normalise_list_indent` rewrites list blocks so that every nesting level
is four spaces, which Python-Markdown then reads the way the writer meant.  Lines inside
fenced code keep their own indentation relative to their list item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)(.*)$")
_FENCE = re.compile(r"^( *)(`{3,}|~{3,})")
_STEP = 4


@dataclass
class _Item:
    old_content: int  # column where the item's text starts in the source
    level: int  # nesting depth, 0 for a top-level item

    @property
    def shift(self) -> int:
        """How far this item's continuation lines move: Python-Markdown wants them at
        (level + 1) × 4 columns."""
        return _STEP * (self.level + 1) - self.old_content


def normalise_list_indent(text: str) -> str:
    if not _has_item(text):
        return text
    out: list[str] = []
    stack: list[_Item] = []
    fence: tuple[str, int] | None = None  # (marker, shift) while inside fenced code
    blank_before = True
    after_fence = False  # Python-Markdown needs a blank line between a fence and an item
    for line in text.split("\n"):
        expanded = line.expandtabs(_STEP)
        stripped = expanded.strip()
        if fence is not None:
            marker, shift = fence
            out.append(_shift(expanded, shift) if stripped else line)
            if stripped.startswith(marker) and set(stripped) == {marker[0]}:
                fence = None
                after_fence = True
            continue
        if not stripped:
            out.append(line)
            blank_before = True
            continue
        indent = len(expanded) - len(expanded.lstrip(" "))
        item = _ITEM.match(expanded)
        was_after_fence, after_fence = after_fence, False
        interrupts_paragraph = not blank_before and not stack
        if item and not interrupts_paragraph:
            while stack and indent < stack[-1].old_content:
                stack.pop()
            if stack or indent < _STEP:
                marker, spaces, rest = item.group(2), item.group(3) or " ", item.group(4)
                if len(spaces) > _STEP:  # "-      code": one space, the rest is content
                    spaces = " "
                level = len(stack)
                if was_after_fence:
                    out.append("")
                stack.append(_Item(indent + len(marker) + len(spaces), level))
                out.append(" " * (_STEP * level) + marker + spaces + rest)
                blank_before = False
                continue
        owner = _owner(stack, indent)
        shift = owner.shift if owner is not None else 0
        if owner is None and blank_before:
            stack.clear()
        fence_match = _FENCE.match(expanded)
        if fence_match:
            fence = (fence_match.group(2), shift)
        out.append(_shift(expanded, shift) if shift else line)
        blank_before = False
    return "\n".join(out)


def _has_item(text: str) -> bool:
    return re.search(r"^ {0,3}(?:[-*+]|\d{1,9}[.)]) ", text, re.MULTILINE) is not None


def _owner(stack: list[_Item], indent: int) -> _Item | None:
    """The innermost open item a continuation line at ``indent`` belongs to."""
    for item in reversed(stack):
        if indent >= item.old_content:
            return item
    return None


def _shift(line: str, shift: int) -> str:
    if shift >= 0:
        return " " * shift + line
    indent = len(line) - len(line.lstrip(" "))
    return line[min(indent, -shift) :]
