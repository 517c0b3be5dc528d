"""kramdown's tables as GitHub's tables, for the ``commonmark`` engine.  Pure.

Jekyll renders Markdown with kramdown, whose tables GitHub's (GFM) do not read:

- a *separator line* (``|---``, ``|-|-``, ``|:--|--:|``) right under the first row makes
  it the header, and any number of columns will do (``|-|-`` under three cells);
- a table needs no header at all (rows alone are a table);
- a separator line above the first row, between rows or at the end, and a footer line
  (``|===``), only draw rules;
- a row needs no closing ``|``.

GFM wants one header row, then a delimiter row of as many cells, or it prints the lines as
a paragraph of pipes.  :func:`gfm_tables` rewrites the tables GFM would not read (a block
of lines that start with ``|``) into GFM's form: the header (or an empty one), the
delimiter with kramdown's alignment, every row with as many cells as the widest.  A table
GFM reads already is left as written, and so is anything in fenced code.
"""

from __future__ import annotations

import re

from wpsync.source.fences import FenceTracker

__all__ = ["gfm_tables"]

_ROW = re.compile(r"^ {0,3}\|")
_SEPARATOR = re.compile(r"^ {0,3}\|[ \t]*[-:=+|][-:=+| \t]*$")
_DELIMITER_CELL = re.compile(r"^[ \t]*:?-+:?[ \t]*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def gfm_tables(text: str) -> str:
    """``text`` with its kramdown tables written as GFM tables (see the module)."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    fences = FenceTracker()
    in_code = [fences.in_code(line) for line in lines]
    out: list[str] = []
    i = 0
    while i < len(lines):
        starts = _ROW.match(lines[i]) and not in_code[i] and not (out and out[-1].strip())
        if not starts:
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and not in_code[j] and _ROW.match(lines[j]):
            j += 1
        out.extend(_table(lines[i:j]))
        i = j
    return "\n".join(out)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip() for cell in _CELL_SPLIT.split(body)]


def _is_gfm(block: list[str]) -> bool:
    """Whether GFM reads ``block`` as a table already (a delimiter row under the first)."""
    if len(block) < 2 or _SEPARATOR.match(block[0]):
        return False
    delimiter = _cells(block[1])
    return len(delimiter) == len(_cells(block[0])) and all(
        _DELIMITER_CELL.match(cell) for cell in delimiter
    )


def _table(block: list[str]) -> list[str]:
    if _is_gfm(block):
        return block
    rows: list[list[str]] = []
    header = 0
    align: list[str] = []
    for line in block:
        if _SEPARATOR.match(line):
            if rows and not header and "=" not in line:
                header = len(rows)
                align = [_alignment(cell) for cell in _cells(line)]
            continue
        rows.append(_cells(line))
    if not rows:
        return block
    width = max(len(row) for row in rows)
    head = rows[0] if header else [""] * width
    body = rows[1:] if header else rows
    align = (align + ["---"] * width)[:width]
    return [_row(head, width), _row(align, width)] + [_row(row, width) for row in body]


def _alignment(cell: str) -> str:
    cell = cell.strip()
    left, right = cell.startswith(":"), cell.endswith(":") and len(cell) > 1
    return f"{':' if left else ''}---{':' if right else ''}"


def _row(cells: list[str], width: int) -> str:
    padded = cells + [""] * (width - len(cells))
    return "| " + " | ".join(padded) + " |"
