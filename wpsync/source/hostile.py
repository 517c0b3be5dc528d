"""Markdown no engine should be given: nesting that would take seconds or overflow the stack.
Pure and fast (regular expressions and one pass over the brackets).

A document that fails these checks fails alone, with a clear message (``render_markdown``
raises ``DocumentError``); every other document of the run goes on.  What is turned away
is far past anything written by hand:

- quotes nested more than :data:`MAX_QUOTE_DEPTH` levels (``>>>>…``): markdown-it-py
  re-reads every following line once per level (seconds at ~100 levels on a long file),
  Python-Markdown recurses;
- ``[`` nested more than :data:`MAX_BRACKET_DEPTH` deep in one paragraph: both engines
  look for the end of every link text, which is quadratic in the nesting.  For the
  ``commonmark`` engine only brackets that are closed count (an unclosed ``[`` is
  literal text, found fast); Python-Markdown is slow on unclosed ones too;
- for Python-Markdown, list items indented more than :data:`MAX_LIST_INDENT` columns (it
  recurses once per level; markdown-it-py's depth is bounded by ``commonmark.TooDeep``).
"""

from __future__ import annotations

import re

__all__ = ["MAX_BRACKET_DEPTH", "MAX_LIST_INDENT", "MAX_QUOTE_DEPTH", "problem"]

MAX_QUOTE_DEPTH = 64
MAX_BRACKET_DEPTH = 64
MAX_LIST_INDENT = 128

_QUOTES = re.compile(rf"^ {{0,3}}(?:>[ \t]?){{{MAX_QUOTE_DEPTH + 1}}}", re.MULTILINE)
_ITEM_INDENT = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
_BRACKET = re.compile(r"\\.|[\[\]]|\n[ \t]*\n")


def problem(text: str, engine: str) -> str | None:
    """Why ``engine`` must not be given ``text`` (``None``: it may)."""
    if ">" * MAX_QUOTE_DEPTH in text.replace(" ", "") and _QUOTES.search(text):
        return f"quotes are nested more than {MAX_QUOTE_DEPTH} levels deep"
    if text.count("[") > MAX_BRACKET_DEPTH:
        depth = _bracket_depth(text, closed_only=engine == "commonmark")
        if depth > MAX_BRACKET_DEPTH:
            return f"'[' is nested {depth} deep in one paragraph (at most {MAX_BRACKET_DEPTH})"
    if engine == "python-markdown":
        widest = max(
            (len(m.group(1).expandtabs(4)) for m in _ITEM_INDENT.finditer(text)), default=0
        )
        if widest > MAX_LIST_INDENT:
            return f"a list item is indented {widest} columns: lists nest too deep"
    return None


def _bracket_depth(text: str, *, closed_only: bool) -> int:
    """The deepest ``[`` nesting of a paragraph: at any ``[`` or, ``closed_only``, at the
    ``]`` that closes one."""
    depth = deepest = 0
    for found in _BRACKET.finditer(text):
        mark = found.group(0)
        if mark == "[":
            depth += 1
            if not closed_only:
                deepest = max(deepest, depth)
        elif mark == "]":
            if depth:
                if closed_only:
                    deepest = max(deepest, depth)
                depth -= 1
        elif mark[0] == "\n":
            depth = 0
    return deepest
