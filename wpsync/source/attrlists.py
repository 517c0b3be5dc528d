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
- ``{:toc}`` and the one-item list above it become the table of contents kramdown
  makes there (:data:`TOC_MARK`, filled by :func:`fill_toc` from the rendered headings
  and their ids: a nested list of links, a heading of class ``no_toc`` left out);
  ``{::options … /}`` lines and abbreviation definitions are dropped;
- a heading's own ``{: #id .class}`` is kept, on its line or the next: headings.py gives
  the heading that id and class;
- with ``braces`` (a docs folder: MkDocs reads its pages with ``attr_list``, whose colon is
  optional), the same without the colon — ``{ .annotate }`` under a paragraph,
  ``:material-check:{ .pg-green }`` — when the braces hold nothing but ``#id``,
  ``.class`` and ``key=value`` items (``{1,3}`` or a code's ``{}`` are no attribute list);
- a theme's notice class under a paragraph or a quote (Minimal Mistakes' ``{: .notice}``,
  ``{: .notice--warning}``…, Chirpy's ``{: .prompt-tip }``…) makes that block a callout
  (GitHub's alert: ``> [!WARNING]``, rendered by ``alerts.py``), the box those themes
  draw; any other class is dropped with its list.

Nothing in fenced code or code spans is touched.
"""

from __future__ import annotations

import functools
import re

from wpsync.source.fences import FenceTracker

__all__ = ["TOC_MARK", "drop_attribute_lists", "fill_toc"]

#: where ``{:toc}`` asked for the table of contents (an HTML comment: a block of its own)
TOC_MARK = "<!--wpsync:toc-->"


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on the first text that holds ``{:`` or ``*[`` (most files hold neither)."""
    item = r"""(?:[#.][\w:-]+|[A-Za-z_][\w-]*=(?:"[^"\n]*"|'[^'\n]*'|[^\s"'{}]+))"""
    braces = rf"\{{:?[ \t]*{item}(?:[ \t]+{item})*[ \t]*\}}"
    return {
        "braces_block": re.compile(rf"^ {{0,3}}{braces}[ \t]*$"),
        "braces_span": re.compile(rf"(?<=[)*_`\]:]){braces}"),
        "block": re.compile(r"^ {0,3}\{:(?!:)[^{}\n]*\}[ \t]*$"),
        "toc": re.compile(r"^ {0,3}\{:\s*toc\s*\}[ \t]*$"),
        "heading": re.compile(r"^ {0,3}#{1,6}[ \t]+[^\n]*[^}\s][ \t]*$"),
        "item": re.compile(r"^[ \t]*(?:[*+-]|\d+[.)])[ \t]+\S.*$"),
        "options": re.compile(r"^ {0,3}\{::options\b[^}\n]*/\}[ \t]*$"),
        "abbr": re.compile(r"^ {0,3}\*\[[^\]\n]+\]:.*$"),
        "span": re.compile(r"(?<=[)*_`\]])\{:(?!:)[^{}\n]*\}"),
    }


def drop_attribute_lists(text: str, *, braces: bool = False) -> str:
    """``text`` without the marks listed in the module docstring (``braces``: the
    colon-less ``{ .class }`` too)."""
    if (
        "{:" not in text
        and "*[" not in text
        and "markdown=" not in text
        and not (braces and "{" in text)
    ):
        return text
    p = _patterns()
    lines = text.split("\n")
    if "markdown=" in text:
        lines = _markdown_in_html(lines)
    out: list[str] = []
    code = FenceTracker()
    for line in lines:
        if code.in_code(line):
            out.append(line)
            continue
        if p["toc"].match(line):
            if out and p["item"].match(out[-1]):
                out[-1] = ""  # the list kramdown replaces with the table of contents
            out.append(TOC_MARK)
            continue
        attrs = p["block"].match(line) or (braces and p["braces_block"].match(line))
        if attrs and out and p["heading"].match(out[-1]):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"  # the heading's (headings.py)
            out.append("")
        elif attrs:
            _callout(out, line)  # a notice class makes the block above a callout
            out.append("")
        elif p["options"].match(line) or p["abbr"].match(line):
            out.append("")
        elif "{:" in line or (braces and "{" in line):
            line = _outside_code_spans(line, p["span"]) if "{:" in line else line
            out.append(_outside_code_spans(line, p["braces_span"]) if braces else line)
        else:
            out.append(line)
    return "\n".join(out)


_MARKDOWN_OPEN = re.compile(
    r"""^(?P<indent> {0,3})<(?P<tag>[A-Za-z][\w-]*)(?P<before>[^>]*?)\s+markdown\s*=\s*"""
    r"""(?P<q>["']?)(?:1|block)(?P=q)(?P<after>[^>]*)>[ \t]*$"""
)


def _markdown_in_html(lines: list[str]) -> list[str]:
    """kramdown's ``<div class="notice" markdown="1">`` (Python-Markdown's ``md_in_html``):
    what the element holds is Markdown.  For CommonMark, the opening tag alone on its line
    and its closing tag alone on its own become HTML blocks of their own (a blank line
    after the one, before the other), so what lies between is read as Markdown."""
    out = list(lines)
    code = FenceTracker()
    inside = [code.in_code(line) for line in lines]
    for i in range(len(out) - 1, -1, -1):
        found = None if inside[i] else _MARKDOWN_OPEN.match(out[i])
        if found is None:
            continue
        tag = found.group("tag")
        opening, closing = re.compile(rf"<{tag}\b", re.I), re.compile(rf"</{tag}\s*>", re.I)
        depth = 0
        for j in range(i + 1, len(out)):
            if inside[j]:
                continue
            depth += len(opening.findall(out[j])) - len(closing.findall(out[j]))
            if depth < 0:
                if closing.fullmatch(out[j].strip()):
                    out[j:j] = [""]
                break
        attrs = found.group("before") + found.group("after")
        out[i : i + 1] = [f"{found.group('indent')}<{tag}{attrs}>", ""]
    return out


#: the themes' notice classes → the callout kind (Minimal Mistakes, Chirpy)
_NOTICES = {
    "notice": "NOTE",
    "notice--primary": "NOTE",
    "notice--info": "NOTE",
    "notice--success": "TIP",
    "notice--warning": "WARNING",
    "notice--danger": "CAUTION",
    "prompt-info": "NOTE",
    "prompt-tip": "TIP",
    "prompt-warning": "WARNING",
    "prompt-danger": "CAUTION",
}


def _callout(out: list[str], line: str) -> bool:
    """Make the block ending ``out`` a callout when ``line``'s attribute list gives it a
    notice class; whether it did (a block with a fence in it is left as it is)."""
    kinds = [_NOTICES[c] for c in re.findall(r"\.([\w-]+)", line) if c in _NOTICES]
    start = len(out)
    while start > 0 and out[start - 1].strip():
        start -= 1
    while start < len(out) and re.fullmatch(r"\s*<!--.*-->\s*", out[start]):
        start += 1  # Chirpy's '<!-- prettier-ignore -->' above the quote stays above it
    block = out[start:]
    if not kinds or not block or any(re.match(r" {0,3}(?:`{3,}|~{3,})", b) for b in block):
        return False
    quoted = block[0].lstrip().startswith(">")
    body = [b if quoted and b.lstrip().startswith(">") else f"> {b}" for b in block]
    out[start:] = [f"> [!{kinds[0]}]", *body]
    return True


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


_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1>", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_CLASS = re.compile(r'\bclass="([^"]*)"')


def fill_toc(html: str) -> str:
    """``html`` with each :data:`TOC_MARK` replaced by the list of its headings."""
    if TOC_MARK not in html:
        return html
    headings: list[tuple[int, str, str]] = []
    for found in _HEADING.finditer(html):
        level, attrs, inner = int(found.group(1)), found.group(2), found.group(3)
        anchor = _ID.search(attrs)
        classes = _CLASS.search(attrs)
        if anchor is None or (classes is not None and "no_toc" in classes.group(1).split()):
            continue
        headings.append((level, anchor.group(1), re.sub(r"<[^>]+>", "", inner).strip()))
    listed = _nested_list(headings)
    if not listed:  # no heading: nothing where the mark was
        return html.replace(TOC_MARK + "\n", "").replace(TOC_MARK, "")
    return html.replace(TOC_MARK, listed)


def _nested_list(headings: list[tuple[int, str, str]]) -> str:
    """``<ul>`` of links to ``headings`` (level, id, text), a deeper heading in a list
    inside the item above it — the HTML markdown-it makes of a nested Markdown list."""
    parts: list[str] = []
    depth: list[int] = []  # the heading level of each open <ul>
    for level, anchor, text in headings:
        if depth and level > depth[-1]:
            parts.append("\n<ul>\n")
            depth.append(level)
        else:
            if depth:
                parts.append("</li>\n")
            while len(depth) > 1 and level < depth[-1]:
                parts.append("</ul>\n</li>\n")
                depth.pop()
            if not depth:
                parts.append("<ul>\n")
                depth.append(level)
        parts.append(f'<li><a href="#{anchor}">{text}</a>')
    if not depth:
        return ""
    parts.append("</li>\n")
    while len(depth) > 1:
        parts.append("</ul>\n</li>\n")
        depth.pop()
    parts.append("</ul>")
    return "".join(parts)
