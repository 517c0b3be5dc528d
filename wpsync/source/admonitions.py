"""Python-Markdown's admonitions, collapsible blocks and tabs → wpsync's markup.  Pure.

MkDocs (Material for MkDocs above all) and Pelican archives are written for
Python-Markdown and its ``admonition`` and PyMdown extensions::

    !!! note "Optional title"
        The body, indented four spaces: any Markdown, nested blocks too.

    ??? tip "Collapsed"          (pymdownx.details; ``???+`` opens it)
        …

    === "pip"                    (pymdownx.tabbed: one tab)
        …

    :::tip[Title]                (Docusaurus; ``:::tip Title`` in v2, VitePress'
    The body, not indented.       ``::: details Title``; an outer one has more colons)
    :::

CommonMark reads such a block as a paragraph and a code block (a container as paragraphs
of colons): never what the writer meant.  Whatever the dialect and engine, an admonition,
a collapsible block and a container (whose closing line is found) become
wpsync's callout — the markup GitHub's ``> [!NOTE]`` alerts get (alerts.py)::

    <div class="wpsync-callout wpsync-callout-note">
    <p class="wpsync-callout-title">Optional title</p>
    …the body, as blocks…
    </div>

the title given (``""``: none), else the type capitalised (``Note``); the first word of
the type gives the class.  A tab becomes its title in bold, then its content.  Nothing in
fenced code is touched.  A container may be indented (a list item's: a VitePress step's
``::: warning``; more than three spaces only under a list item, else it is code), its
closing line as indented; its title's code spans, strong and emphasis are HTML, as those
tools show them.  An
admonition or tab that does not open at the start of a line (a list item's) is left as
written, and so is a header with neither a body nor a quoted title (a line of prose such
as ``!!! big news``).
"""

from __future__ import annotations

import functools
import html
import re

from wpsync.source.fences import FenceTracker

__all__ = ["callout_open", "convert_admonitions"]


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on the first text that may hold a block (most files hold none)."""
    return (
        re.compile(r"^(?:!!!|\?\?\?\+?) ?[\w-]|^===[+!]{0,2} |^[ \t]*:::", re.M),
        # admonition.py's and pymdownx.details' header: types, then an optional title
        re.compile(r'^(?:!!!|\?\?\?\+?) ?([\w-]+(?: +[\w-]+)*)(?: +"(.*?)")? *$'),
        # pymdownx.tabbed's header
        re.compile(r'^===[+!]{0,2} +"(.*?)" *(?:\{[^}]*\})? *$'),
        # a container: Docusaurus' :::note[Title] / :::note Title, VitePress' ::: tip Title
        re.compile(r"^( *)(:{3,})[ \t]*([A-Za-z][\w-]*)(?:\[(.*)\]|[ \t]+(.*?))?[ \t]*$"),
        # a list item's first line: a container indented more than 3 spaces must be in one
        re.compile(r"^[ \t]*(?:[*+-]|\d+[.)])[ \t]"),
    )


def convert_admonitions(text: str, engine: str = "commonmark") -> str:
    """``text`` with its admonitions, collapsible blocks and tabs as wpsync's markup
    (``engine`` "python-markdown": the HTML asks for Markdown inside, md_in_html)."""
    if "!!!" not in text and "???" not in text and "===" not in text and ":::" not in text:
        return text
    if _patterns()[0].search(text) is None:
        return text
    extra = ' markdown="1"' if engine == "python-markdown" else ""
    return "\n".join(_convert(text.split("\n"), extra))


def _convert(lines: list[str], extra: str) -> list[str]:
    _, admonition, tab, container, _item = _patterns()
    out: list[str] = []
    code = FenceTracker()
    i = 0
    while i < len(lines):
        line = lines[i]
        if code.in_code(line):
            out.append(line)
            i += 1
            continue
        opened = container.match(line)
        if opened is not None and len(opened.group(1)) > 3 and not _in_list(lines, i):
            opened = None  # indented code, not a list item's container
        close = _container_end(lines, i + 1, *opened.group(1, 2)) if opened else None
        if opened is not None and close is not None:
            indent = opened.group(1)
            title = opened.group(4) if opened.group(4) is not None else opened.group(5)
            body = _convert(lines[i + 1 : close], extra)
            head = callout_open(opened.group(3), title or None, extra, markdown_title=True)
            out += [f"{indent}{part}" if part else "" for part in head]
            out += [*body, "", f"{indent}</div>", ""]
            i = close + 1
            continue
        header = admonition.match(line) or tab.match(line)
        if header is None:
            out.append(line)
            i += 1
            continue
        end = _body_end(lines, i + 1)
        if end == i + 1 and (header.re is tab or header.group(2) is None):
            out.append(line)  # no body, no title: a line of prose ("!!! big news")
            i += 1
            continue
        body = _convert([_dedent(text) for text in lines[i + 1 : end]], extra)
        if header.re is tab:
            out += ["", f"<p><strong>{html.escape(header.group(1))}</strong></p>", "", *body, ""]
        else:
            out += _callout(header.group(1).split()[0], header.group(2), body, extra)
        i = end
    return out


def _callout(kind_name: str, title: str | None, body: list[str], extra: str) -> list[str]:
    """The lines of a callout: ``title`` None is the kind capitalised, "" none."""
    return [*callout_open(kind_name, title, extra), *body, "", "</div>", ""]


def callout_open(
    kind_name: str, title: str | None, extra: str = "", *, markdown_title: bool = False
) -> list[str]:
    """The lines that open a callout (its body and a ``</div>`` line follow, blank lines
    between): ``title`` None is the kind capitalised, "" none; ``extra``: attributes for
    the ``<div>`` (`` markdown="1"`` for Python-Markdown); ``markdown_title``: the title's
    code spans, strong and emphasis are HTML (Docusaurus and VitePress render a title's
    Markdown; Python-Markdown shows it as written).  Other dialects' callouts (``mdx.py``, ``gitbook.py``) are made
    with it too."""
    kind = re.sub(r"[^a-z0-9-]", "", kind_name.lower()) or "note"
    if title is None:
        title = kind_name[:1].upper() + kind_name[1:]
    out = ["", f'<div class="wpsync-callout wpsync-callout-{kind}"{extra}>']
    if title:
        shown = _inline(title) if markdown_title else html.escape(title)
        out.append(f'<p class="wpsync-callout-title">{shown}</p>')
    return [*out, ""]


def _inline(title: str) -> str:
    """A container's title as HTML: its code spans, ``**strong**`` and ``_emphasis_``
    (``:::note[Your Title **with** some _Markdown_ `syntax`!]``), the rest as text."""
    parts = re.split(r"(`+)(.+?)\1", title)
    out: list[str] = []
    for i in range(0, len(parts), 3):
        text = html.escape(parts[i])
        text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"<strong>\2</strong>", text)
        text = re.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", r"<em>\2</em>", text)
        out.append(text)
        if i + 2 < len(parts):
            out.append(f"<code>{html.escape(parts[i + 2].strip())}</code>")
    return "".join(out)


def _in_list(lines: list[str], index: int) -> bool:
    """Whether the line at ``index`` is in a list item: the nearest line above it that is
    indented less is a list item's first line."""
    line = lines[index]
    indent = len(line) - len(line.lstrip(" "))
    item = _patterns()[4]
    for j in range(index - 1, -1, -1):
        text = lines[j]
        if text.strip() and len(text) - len(text.lstrip(" ")) < indent:
            return item.match(text) is not None
    return False


def _container_end(lines: list[str], start: int, indent: str, colons: str) -> int | None:
    """The index of the line that closes a container opened with ``colons`` (as many
    colons alone on their line, as indented, outside fenced code); None when none does."""
    code = FenceTracker()
    for j in range(start, len(lines)):
        line = lines[j]
        inner = line[len(indent) :] if line.startswith(indent) else line.lstrip(" ")
        if not code.in_code(inner) and line.rstrip() == indent + colons:
            return j
    return None


def _body_end(lines: list[str], start: int) -> int:
    """The index after the block's last indented line (blank lines between count in)."""
    end = start
    j = start
    while j < len(lines):
        text = lines[j]
        if not text.strip():
            j += 1
            continue
        if text.startswith(("    ", "\t")):
            j += 1
            end = j
            continue
        break
    return end


def _dedent(line: str) -> str:
    if line.startswith("\t"):
        return line[1:]
    return line[4:] if line.startswith("    ") else line.lstrip(" ")
