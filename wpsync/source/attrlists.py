"""kramdown's and Python-Markdown's attribute lists, for the ``commonmark`` engine.  Pure.

Jekyll renders Markdown with kramdown, and themes teach writers its marks: a block's
attributes on the line after it (``{: .notice--info}``, ``{: .table}``), a span's right
after it (``![a](x.png){: .align-center}``, ``*word*{: .red}``), the table of contents
(``* TOC`` then ``{:toc}``), ``{::options … /}`` and abbreviation definitions
(``*[HTML]: HyperText Markup Language``).  Python-Markdown's ``attr_list`` (MkDocs,
Pelican) writes the same ``{: …}``.  CommonMark has none of them: it prints them — worse,
GFM reads a ``{: .table}`` line under a table as one more row.  So, before the
``commonmark`` engine renders (``python-markdown`` reads them itself):

- a line that is only an attribute list (indented three spaces at most: four make code)
  is dropped (a blank line in its place, so the block above ends there, as kramdown ends
  it);
- an attribute list right after a span (``)``, ``*``, ``_``, `````, ``]``) is dropped;
- ``{:toc}`` and the one-item list above it are dropped (WordPress makes no table of
  contents from it); so are ``{::options … /}`` lines and abbreviation definitions;
- a heading's own ``{: #id .class}`` is kept: headings.py gives the heading that id.

Nothing in fenced code or code spans is touched.
"""

from __future__ import annotations

import functools
import re

from wpsync.source.fences import FenceTracker

__all__ = ["drop_attribute_lists"]


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on the first text that holds ``{:`` or ``*[`` (most files hold neither)."""
    return {
        "block": re.compile(r"^ {0,3}\{:(?!:)[^{}\n]*\}[ \t]*$"),
        "toc": re.compile(r"^ {0,3}\{:\s*toc\s*\}[ \t]*$"),
        "item": re.compile(r"^[ \t]*(?:[*+-]|\d+[.)])[ \t]+\S.*$"),
        "options": re.compile(r"^ {0,3}\{::options\b[^}\n]*/\}[ \t]*$"),
        "abbr": re.compile(r"^ {0,3}\*\[[^\]\n]+\]:.*$"),
        "span": re.compile(r"(?<=[)*_`\]])\{:(?!:)[^{}\n]*\}"),
    }


def drop_attribute_lists(text: str) -> str:
    """``text`` without the marks listed in the module docstring."""
    if "{:" not in text and "*[" not in text:
        return text
    p = _patterns()
    lines = text.split("\n")
    out: list[str] = []
    code = FenceTracker()
    for line in lines:
        if code.in_code(line):
            out.append(line)
            continue
        if p["toc"].match(line):
            if out and p["item"].match(out[-1]):
                out[-1] = ""  # the list kramdown replaces with the table of contents
            out.append("")
        elif p["block"].match(line) or p["options"].match(line) or p["abbr"].match(line):
            out.append("")
        elif "{:" in line:
            out.append(_outside_code_spans(line, p["span"]))
        else:
            out.append(line)
    return "\n".join(out)


def _outside_code_spans(line: str, span: re.Pattern[str]) -> str:
    """``line`` with ``span``'s matches removed outside its code spans (between backticks:
    an even number of backtick runs before)."""
    parts = re.split(r"(`+)", line)
    ticks: str | None = None
    for i, part in enumerate(parts):
        if i % 2 == 1:  # a run of backticks: opens or closes a code span
            if ticks is None:
                ticks = part
            elif part == ticks:
                ticks = None
            continue
        if ticks is None:
            # the lookbehind needs the character before: a closing backtick run counts
            before = parts[i - 1][-1:] if i else ""
            parts[i] = span.sub("", before + part)[len(before) :]
    return "".join(parts)
