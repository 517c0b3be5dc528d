"""Heading ids and titles for the ``commonmark`` engine, as Python-Markdown made them.  Pure.

Links written against the Python-Markdown rendering (``[see](#install)``,
``setup.md#first-steps``) must keep working: ids are made the way Python-Markdown's
``toc`` extension makes them — the heading's text (tags and footnote references left
out), accents folded to ASCII, everything but letters, digits, ``_``, ``-`` and spaces
dropped, lower-cased, runs of spaces and ``-`` made one ``-``; a repeated id gets ``_1``,
``_2``…  A trailing ``{#id .class key=value}`` on the heading line (Python-Markdown's
``attr_list``, Hugo's and Pandoc's heading attributes; ``{: #id}`` too, as kramdown and
``attr_list`` write it) sets them explicitly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from markdown_it.token import Token

__all__ = ["HeadingIds", "heading_text", "slugify", "split_heading_attrs"]

_NOT_WORD = re.compile(r"[^\w\s-]")
_SEPARATORS = re.compile(r"[-\s]+")
_COUNTED = re.compile(r"^(.*)_([0-9]+)$")
_ATTR = r"""(?:[#.][\w:-]+|[A-Za-z_][\w-]*=(?:"[^"]*"|'[^']*'|[^\s"'{}]+))"""
_ATTRS = re.compile(rf"\s*\{{:?\s*({_ATTR}(?:\s+{_ATTR})*)\s*\}}\s*$")
_ONE_ATTR = re.compile(_ATTR)


def slugify(value: str) -> str:
    """``"Étape 2: install!"`` → ``"etape-2-install"`` (Python-Markdown's ``toc.slugify``)."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _NOT_WORD.sub("", value).strip().lower()
    return _SEPARATORS.sub("-", value)


class HeadingIds:
    """Hands out unique ids; ``taken`` are ids already in the document."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.used = set(taken)

    def make(self, text: str) -> str:
        wanted = slugify(text)
        if wanted in self.used or not wanted:
            counted = _COUNTED.match(wanted)
            base, count = (counted.group(1), int(counted.group(2))) if counted else (wanted, 0)
            count += 1
            while f"{base}_{count}" in self.used:
                count += 1
            wanted = f"{base}_{count}"
        self.used.add(wanted)
        return wanted


def heading_text(children: Sequence[Token], *, raw_html: bool = False) -> str:
    """The text of a heading's inline tokens: text and code as written, escapes and
    entities resolved; images and footnote references left out; raw HTML tags kept only
    with ``raw_html`` (a title keeps ``<kbd>``, an id does not)."""
    out: list[str] = []
    for token in children:  # an image's alt text is in its own children: left out
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "html_inline" and raw_html:
            out.append(token.content)
    return "".join(out) if raw_html else " ".join("".join(out).split())


def split_heading_attrs(inline: Token) -> list[tuple[str, str]] | None:
    """Take a trailing ``{#id .class key=value}`` off a heading's text; ``None`` without one."""
    children = inline.children or []
    if not children or children[-1].type != "text" or not children[-1].content.endswith("}"):
        return None
    last = children[-1]
    found = _ATTRS.search(last.content)
    if found is None:
        return None
    attrs: list[tuple[str, str]] = []
    for item in _ONE_ATTR.findall(found.group(1)):
        if item.startswith("#"):
            attrs.append(("id", item[1:]))
        elif item.startswith("."):
            attrs.append(("class", item[1:]))
        else:
            key, _, value = item.partition("=")
            attrs.append((key.lower(), value.strip("\"'")))
    last.content = last.content[: found.start()].rstrip()
    if not last.content:
        children.pop()
        while children and children[-1].type == "text" and not children[-1].content.strip():
            children.pop()
    return attrs
