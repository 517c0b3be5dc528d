"""GitHub's emoji shortcodes (``:smile:``, ``:+1:``, ``:heavy_check_mark:``) → the emoji.  Pure.

github.com shows ``:name:`` as its emoji in every Markdown file, README and docs page it
renders, and GitHub Pages does too (jemoji): writers of such folders see ✔️ where they
typed ``:heavy_check_mark:``.  After rendering, the names GitHub knows (gemoji's list, as
pymdown-extensions ships it: ``pymdownx.gemoji_db``) become their Unicode characters — in
text only: never inside ``code``, ``pre``, ``kbd``, ``samp``, a tag's attributes or a
comment.  Unknown names, and GitHub's own pictures that have no character (``:octocat:``),
stay as written.  Used for the dialects whose tools show them (plain, jekyll, docs; not
Obsidian, which shows the name, nor Hugo, where ``enableEmoji`` is off by default).
"""

from __future__ import annotations

import functools
import re

__all__ = ["emojify"]

#: a name between colons, not touching a letter, digit or colon (``a:b:c``, ``10:30:45``)
_SHORTCODE = re.compile(r"(?<![\w:]):[\w+-]+:(?![\w:])")
#: the same without the look-behind, which keeps the regex engine from skipping ahead to
#: each colon: a quick test (~1 µs a post where the full pattern takes ~50)
_CANDIDATE = re.compile(r":[\w+-]+:")
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"^</?([A-Za-z][\w-]*)")
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style"})


@functools.cache
def _characters() -> dict[str, str]:
    """Each shortcode (aliases too) → its emoji, the emoji presentation when gemoji has one."""
    from pymdownx import gemoji_db

    out: dict[str, str] = {}
    for name, entry in gemoji_db.emoji.items():
        code = entry.get("unicode_alt") or entry.get("unicode")
        if code:
            out[name] = "".join(chr(int(point, 16)) for point in code.split("-"))
    for alias, name in gemoji_db.aliases.items():
        if name in out:
            out[alias] = out[name]
    return out


def emojify(html_text: str) -> str:
    """``html_text`` with the known shortcodes of its text as emoji."""
    if ":" not in html_text or _CANDIDATE.search(html_text) is None:
        return html_text
    known = _characters()

    def swap(found: re.Match[str]) -> str:
        return known.get(found.group(0), found.group(0))

    parts = _MARKUP.split(html_text)
    verbatim = 0  # how many code/pre/… elements are open
    for i, part in enumerate(parts):
        if i % 2:  # markup
            name = _TAG_NAME.match(part)
            if name is not None and name.group(1).lower() in _VERBATIM:
                verbatim += -1 if part.startswith("</") else 1
                verbatim = max(verbatim, 0)
        elif not verbatim and ":" in part:
            parts[i] = _SHORTCODE.sub(swap, part)
    return "".join(parts)
