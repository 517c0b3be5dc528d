"""Material for MkDocs' icon shortcodes (``:material-check:``, ``:octicons-heart-24:``) →
nothing.  Pure.

Material for MkDocs shows ``:material-check:{ .pg-green }`` as an SVG icon from the sets
it bundles (Material Design, FontAwesome, Octicons, Simple Icons): a picture, no text.
WordPress has no such icons, and the name between colons is not what the writer's readers
saw, so in a docs folder the shortcode — and an attribute list right after it — is
removed before rendering, with the space after it (a heading's id is then made from its
words alone, as Material makes it; a list item's text stays where it was).  Other shortcodes (``:smile:``) are emoji (``emoji.py``).  Nothing in fenced
code or code spans is touched.
"""

from __future__ import annotations

import re

from wpsync.source.fences import FenceTracker, outside_code_spans

__all__ = ["drop_icons"]

_ICON = re.compile(
    r"(?<![\w:]):(?:material|octicons|fontawesome|simple)-[\w-]+:(?![\w:])(?:\{[^{}\n]*\})?"
    r"(?:[ \t](?=\S))?"  # and the space after it: "- :material-x: Text" stays "- Text"
)
_PREFIXES = (":material-", ":octicons-", ":fontawesome-", ":simple-")


def drop_icons(text: str) -> str:
    """``text`` without Material's icon shortcodes (outside code)."""
    if not any(prefix in text for prefix in _PREFIXES):
        return text
    out: list[str] = []
    code = FenceTracker()
    for line in text.split("\n"):
        if code.in_code(line) or ":" not in line:
            out.append(line)
            continue
        out.append(outside_code_spans(line, lambda part: _ICON.sub("", part)))
    return "\n".join(out)
