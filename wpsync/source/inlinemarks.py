"""PyMdown's inline marks (Material for MkDocs) → HTML.  Pure.

Material for MkDocs' pages are written with PyMdown's ``mark``, ``caret`` and ``keys``
extensions, which the recommended configuration turns on:

=========================  ==========================================================
``==marked==``             ``<mark>marked</mark>``
``^^inserted^^``           ``<ins>inserted</ins>``
``++ctrl+alt+del++``       ``<kbd>Ctrl</kbd>+<kbd>Alt</kbd>+<kbd>Del</kbd>`` (a key's
                           name capitalised, ``++"My key"++`` as quoted)
=========================  ==========================================================

CommonMark prints them as typed.  In a docs folder they become that HTML — the text
inside still Markdown.  A mark must hug its text (``a == b == c`` stays as written), and
nothing in fenced code or code spans is touched.
"""

from __future__ import annotations

import functools
import html
import re

from wpsync.source.fences import FenceTracker, outside_code_spans

__all__ = ["convert_inline_marks"]

#: pymdownx.keymap_db's display names for the keys writers most often press
_KEY_NAMES = {
    "ctrl": "Ctrl",
    "control": "Ctrl",
    "alt": "Alt",
    "shift": "Shift",
    "cmd": "Cmd",
    "command": "Cmd",
    "meta": "Meta",
    "win": "Win",
    "windows": "Win",
    "option": "Option",
    "opt": "Option",
    "del": "Del",
    "delete": "Del",
    "enter": "Enter",
    "return": "Return",
    "esc": "Esc",
    "escape": "Esc",
    "tab": "Tab",
    "space": "Space",
    "backspace": "Backspace",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "pgup": "Page Up",
    "page-up": "Page Up",
    "pgdn": "Page Down",
    "page-down": "Page Down",
    "home": "Home",
    "end": "End",
    "insert": "Ins",
    "ins": "Ins",
    "caps-lock": "Caps Lock",
}


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        "mark": re.compile(r"(?<![=\w])==(?=[^\s=])(.+?)(?<=[^\s=])==(?![=\w])"),
        "ins": re.compile(r"(?<![\^\w])\^\^(?=[^\s^])(.+?)(?<=[^\s^])\^\^(?![\^\w])"),
        "keys": re.compile(
            r"(?<![+\w])\+\+((?:[\w-]+|\"[^\"\n]+\")(?:\+(?:[\w-]+|\"[^\"\n]+\"))*)\+\+(?![+\w])"
        ),
    }


def convert_inline_marks(text: str) -> str:
    """``text`` with PyMdown's inline marks as HTML (outside code)."""
    if "==" not in text and "^^" not in text and "++" not in text:
        return text
    out: list[str] = []
    code = FenceTracker()
    for line in text.split("\n"):
        if code.in_code(line) or ("==" not in line and "^^" not in line and "++" not in line):
            out.append(line)
            continue
        out.append(outside_code_spans(line, _marks))
    return "\n".join(out)


def _marks(text: str) -> str:
    p = _patterns()
    text = p["mark"].sub(r"<mark>\1</mark>", text)
    text = p["ins"].sub(r"<ins>\1</ins>", text)
    return p["keys"].sub(_keys, text)


def _keys(found: re.Match[str]) -> str:
    names = re.findall(r"\"[^\"\n]+\"|[\w-]+", found.group(1))
    shown = []
    for name in names:
        label = name[1:-1] if name.startswith('"') else _KEY_NAMES.get(name.lower())
        if label is None:
            label = name.upper() if len(name) == 1 else name[:1].upper() + name[1:]
        shown.append(f"<kbd>{html.escape(label)}</kbd>")
    return "+".join(shown)
