"""Python-Markdown's admonitions, collapsible blocks and tabs → wpsync's markup.  Pure.

MkDocs (Material for MkDocs above all) and Pelican archives are written for
Python-Markdown and its ``admonition`` and PyMdown extensions::

    !!! note "Optional title"
        The body, indented four spaces: any Markdown, nested blocks too.

    ??? tip "Collapsed"          (pymdownx.details; ``???+`` opens it)
        …

    === "pip"                    (pymdownx.tabbed: one tab)
        …

CommonMark reads such a block as a paragraph and a code block: never what the writer
meant.  Whatever the dialect and engine, an admonition and a collapsible block become
wpsync's callout — the markup GitHub's ``> [!NOTE]`` alerts get (alerts.py)::

    <div class="wpsync-callout wpsync-callout-note">
    <p class="wpsync-callout-title">Optional title</p>
    …the body, as blocks…
    </div>

the title given (``""``: none), else the type capitalised (``Note``); the first word of
the type gives the class.  A tab becomes its title in bold, then its content.  Nothing in
fenced code is touched; a block that does not open at the start of a line (a list item's)
is left as written.
"""

from __future__ import annotations

import functools
import html
import re

from wpsync.source.fences import FenceTracker

__all__ = ["convert_admonitions"]


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compiled on the first text that may hold a block (most files hold none)."""
    return (
        re.compile(r"^(?:!!!|\?\?\?\+?|===[+!]{0,2}) ", re.M),
        # admonition.py's and pymdownx.details' header: types, then an optional title
        re.compile(r'^(?:!!!|\?\?\?\+?) ?([\w-]+(?: +[\w-]+)*)(?: +"(.*?)")? *$'),
        # pymdownx.tabbed's header
        re.compile(r'^===[+!]{0,2} +"(.*?)" *(?:\{[^}]*\})? *$'),
    )


def convert_admonitions(text: str, engine: str = "commonmark") -> str:
    """``text`` with its admonitions, collapsible blocks and tabs as wpsync's markup
    (``engine`` "python-markdown": the HTML asks for Markdown inside, md_in_html)."""
    if "!!!" not in text and "???" not in text and "===" not in text:
        return text
    if _patterns()[0].search(text) is None:
        return text
    extra = ' markdown="1"' if engine == "python-markdown" else ""
    return "\n".join(_convert(text.split("\n"), extra))


def _convert(lines: list[str], extra: str) -> list[str]:
    _, admonition, tab = _patterns()
    out: list[str] = []
    code = FenceTracker()
    i = 0
    while i < len(lines):
        line = lines[i]
        if code.in_code(line):
            out.append(line)
            i += 1
            continue
        header = admonition.match(line) or tab.match(line)
        if header is None:
            out.append(line)
            i += 1
            continue
        end = _body_end(lines, i + 1)
        body = _convert([_dedent(text) for text in lines[i + 1 : end]], extra)
        if header.re is tab:
            out += ["", f"<p><strong>{html.escape(header.group(1))}</strong></p>", "", *body, ""]
        else:
            kinds, title = header.group(1).split(), header.group(2)
            kind = re.sub(r"[^a-z0-9-]", "", kinds[0].lower()) or "note"
            if title is None:
                title = kinds[0][:1].upper() + kinds[0][1:]
            out += ["", f'<div class="wpsync-callout wpsync-callout-{kind}"{extra}>']
            if title:
                out.append(f'<p class="wpsync-callout-title">{html.escape(title)}</p>')
            out += ["", *body, "", "</div>", ""]
        i = end
    return out


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
