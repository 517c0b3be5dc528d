"""GitBook's blocks → the Markdown/HTML wpsync renders (``[content] dialect = "docs"``).  Pure.

GitBook writes its blocks as Liquid-like tags, each alone on its line
(https://gitbook.com/docs/creating-content/blocks); without GitBook they are printed as
text.  What each becomes:

===========================================  ==============================================
``{% hint style="info" %}`` … ``{% endhint %}``  a callout of that style (``info``,
                                             ``success``, ``warning``, ``danger``), no
                                             title, as GitBook shows it
``{% tabs %}`` ``{% tab title="Linux" %}``   each tab's title in bold, then its content
``{% embed url="…" caption="…" %}``          the URL alone in its paragraph (WordPress
                                             embeds YouTube, Vimeo, X…), else a link; the
                                             caption below
``{% content-ref url="a.md" %}``             the tags removed, the link inside kept
``{% code title="a.js" %}`` around a fence   the fence gets ``title="a.js"`` (``fences.py``)
``{% file src="a.pdf" %}``                   a link to the file (its caption the text)
``{% stepper %}`` ``{% step %}``             the tags removed, the steps' content kept
===========================================  ==============================================

An opening tag whose closing tag never comes is left as written, and so is a block this
table does not name (``{% swagger %}``, ``{% openapi %}``): :func:`unknown_blocks` warns
about it, once a name and file.  Nothing in fenced code is touched.
"""

from __future__ import annotations

import functools
import html
import re

from wpsync.source.admonitions import callout_open
from wpsync.source.embeds import find_embed
from wpsync.source.fences import FenceTracker

__all__ = ["convert_gitbook", "unknown_blocks"]

#: the blocks that have a closing tag, by their opening tag's name
_PAIRED = ("hint", "tabs", "tab", "content-ref", "code", "stepper", "step")
_DROPPED = ("tabs", "content-ref", "stepper", "step")


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on the first text with a ``{%`` (most files hold none)."""
    names = "|".join(re.escape(n) for n in (*_PAIRED, "embed", "file"))
    return {
        "tag": re.compile(rf"^([ \t]*)\{{%-?\s*(end)?({names})\b(.*?)-?%\}}[ \t]*$"),
        "arg": re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"""),
        "fence": re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$"),
    }


def convert_gitbook(text: str, engine: str = "commonmark") -> str:
    """``text`` with GitBook's blocks translated as the module docstring says."""
    if "{%" not in text:
        return text
    lines = text.split("\n")
    tag = _patterns()["tag"]
    extra = ' markdown="1"' if engine == "python-markdown" else ""
    closes = _closed(lines)
    out: list[str] = []
    code = FenceTracker()
    title: str | None = None  # a {% code title %} for the next fence
    for i, line in enumerate(lines):
        opening = not code.inside
        if code.in_code(line):
            if opening and title is not None:
                line, title = _titled(line, title), None
            out.append(line)
            continue
        found = tag.match(line)
        if found is None or (not found.group(2) and found.group(3) in _PAIRED and i not in closes):
            out.append(line)
            continue
        indent, end, name, rest = found.groups()
        args = _args(rest)
        if end:
            out += _closing(name, indent)
        elif name == "hint":
            style = args.get("style", "info") or "info"
            out += [indent + part if part else "" for part in callout_open(style, "", extra)]
        elif name == "tab":
            out += ["", f"{indent}<p><strong>{html.escape(args.get('title', ''))}</strong></p>", ""]
        elif name == "code":
            title = args.get("title") or None
            out.append("")
        elif name == "embed":
            out += _embed(args, indent)
        elif name == "file":
            src = args.get("src", "")
            text_of = args.get("caption") or src.rsplit("/", 1)[-1]
            out += ["", f"{indent}[{_escaped(text_of)}](<{src}>)", ""] if src else [""]
        else:  # the tags of tabs, content-ref, stepper, step
            out.append("")
    return "\n".join(out)


def _closed(lines: list[str]) -> set[int]:
    """The indexes of the opening tags that a closing tag of their name follows."""
    tag = _patterns()["tag"]
    open_at: dict[str, list[int]] = {}
    closed: set[int] = set()
    code = FenceTracker()
    for i, line in enumerate(lines):
        if code.in_code(line):
            continue
        found = tag.match(line)
        if found is None or found.group(3) not in _PAIRED:
            continue
        if found.group(2):
            if open_at.get(found.group(3)):
                closed.add(open_at[found.group(3)].pop())
        else:
            open_at.setdefault(found.group(3), []).append(i)
    return closed


def _closing(name: str, indent: str) -> list[str]:
    if name == "hint":
        return ["", f"{indent}</div>", ""]
    return [""]


def _args(rest: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _patterns()["arg"].finditer(rest)
    }


def _embed(args: dict[str, str], indent: str) -> list[str]:
    url = args.get("url", "").strip()
    if not url:
        return [""]
    shown = url if find_embed(url) is not None else f"<{url}>"
    out = ["", f"{indent}{shown}", ""]
    caption = args.get("caption", "").strip()
    if caption:
        out += [f"{indent}{_escaped(caption)}", ""]
    return out


def _escaped(text: str) -> str:
    """``text`` as literal Markdown inline text."""
    return re.sub(r"([\\`*_\[\]<>!|])", r"\\\1", text)


def _titled(line: str, title: str) -> str:
    """A fence's opening line with ``title="…"`` added to its info string."""
    found = _patterns()["fence"].match(line)
    if found is None or '"' in title:
        return line
    indent, fence, info = found.groups()
    info = info.strip()
    if fence.startswith("`") and "`" in info:
        return line
    return f'{indent}{fence}{info} title="{title}"'


_ANY_TAG = re.compile(r"^[ \t]*\{%-?\s*(?!end)([a-z][\w-]*)\b.*?-?%\}[ \t]*$")
#: the tags ``convert_gitbook`` translates, and Liquid's that ``dialects.py`` does
_KNOWN = frozenset((*_PAIRED, "embed", "file", "raw", "highlight"))


def unknown_blocks(text: str, first_line: int = 1) -> tuple[str, ...]:
    """A warning for each block tag alone on its line (outside fenced code) that
    :func:`convert_gitbook` does not translate, once a name: published as written."""
    if "{%" not in text:
        return ()
    warned: dict[str, str] = {}
    code = FenceTracker()
    for i, line in enumerate(text.split("\n")):
        if code.in_code(line) or "{%" not in line:
            continue
        found = _ANY_TAG.match(line)
        if found is None or found.group(1) in _KNOWN or found.group(1) in warned:
            continue
        warned[found.group(1)] = (
            f"line {first_line + i}: the {{% {found.group(1)} %}} block has no WordPress "
            "equivalent: published as written"
        )
    return tuple(warned.values())
