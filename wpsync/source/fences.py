"""A code fence's info string → its language and the data the code block carries.  Pure.

Writers put more than a language after the opening fence; every tool has its own syntax:

    ```rust,editable          mdBook: flags after a comma
    ```js title="a.js"        Docusaurus, VitePress, Material for MkDocs
    ```js {2,4-5}             lines to highlight (Docusaurus, VitePress, Hugo)
    ```python hl_lines="2 3"  Material for MkDocs (pymdownx.highlight)
    ```python linenums="10"   numbering from 10
    ```{.python}              Pandoc

The language is the first word (up to a space, a comma or a ``{``), and becomes the
``language-x`` class of ``<code>``.  Everything else is kept as ``data-`` attributes of
``<pre>`` — never in the code text and never in the class:

    title="a.js"                 data-title="a.js"
    {2,4-5}, hl_lines="2 4-5"    data-line="2,4-5"   (Prism's line-highlight attribute)
    linenums="10"                data-start="10"     (Prism's line-numbers attribute)
    other key=value              data-key="value"    (key lower-cased, [a-z0-9-] only)
    bare words and flags         data-flags="editable ignore"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FenceInfo", "FenceTracker", "parse_info"]

_LANGUAGE = re.compile(r"\.?([^\s,{}]+)")
_PAIR = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s,{}"']+))""")
_BRACES = re.compile(r"\{([^{}]*)\}")
_LINE_RANGE = re.compile(r"\d+(?:-\d+)?")
_SAFE_NAME = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class FenceInfo:
    """What an info string says: the language (``""`` without one) and the data attributes
    for ``<pre>``, in a stable order."""

    language: str = ""
    attrs: tuple[tuple[str, str], ...] = ()


def _lines(spec: str) -> str:
    """``"2 4-5"`` / ``"2,4-5"`` → ``"2,4-5"``; ``""`` when it is not a list of lines."""
    parts = [p for p in re.split(r"[\s,]+", spec.strip()) if p]
    if not parts or not all(_LINE_RANGE.fullmatch(p) for p in parts):
        return ""
    return ",".join(parts)


def parse_info(info: str) -> FenceInfo:
    """Split a fence's info string (entities and escapes already resolved)."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):  # Pandoc: {.python .numberLines}
        inner = info[1:-1].strip()
        if _lines(inner):
            return FenceInfo("", (("data-line", _lines(inner)),))
        info = inner
    if not info:
        return FenceInfo()
    language = ""
    rest = info
    found = _LANGUAGE.match(info)
    if found and "=" not in found.group(1):
        language = found.group(1)
        rest = info[found.end() :]
    attrs: dict[str, str] = {}
    flags: list[str] = []
    lines: list[str] = []

    def pair(m: re.Match[str]) -> str:
        key = m.group(1).lower()
        value = next((g for g in m.group(2, 3, 4) if g is not None), "")
        if key in ("hl_lines", "highlight", "lines"):
            spec = _lines(value)
            if spec:
                lines.append(spec)
                return " "
        if key == "linenums":
            key = "start"
        name = _SAFE_NAME.sub("-", key.replace("_", "-")).strip("-")
        if name:
            attrs.setdefault(name, value)
        return " "

    rest = _PAIR.sub(pair, rest)

    def braces(m: re.Match[str]) -> str:
        inner = m.group(1)
        spec = _lines(inner)
        if spec:
            lines.append(spec)
        else:  # {.class #id} and the like: keep the words as flags
            flags.extend(w for w in re.split(r"[\s,]+", inner) if w)
        return " "

    rest = _BRACES.sub(braces, rest)
    flags.extend(w for w in re.split(r"[\s,]+", rest) if w)
    out: list[tuple[str, str]] = []
    if "title" in attrs:
        out.append(("data-title", attrs.pop("title")))
    if lines:
        out.append(("data-line", ",".join(lines)))
    if "start" in attrs:
        out.append(("data-start", attrs.pop("start")))
    out.extend((f"data-{name}", value) for name, value in attrs.items())
    if flags:
        out.append(("data-flags", " ".join(flags)))
    return FenceInfo(language, tuple(out))


_FENCE_RUN = re.compile(r"^ {0,3}(`{3,}|~{3,})")


class FenceTracker:
    """Line by line, whether a line belongs to fenced code at the top level of a text (its
    opening fence, its code or its closing fence) — for the passes that translate text
    before rendering and must leave code alone.  An unclosed fence runs to the end."""

    def __init__(self) -> None:
        self._fence: str | None = None

    @property
    def inside(self) -> bool:
        """Whether the lines seen so far leave a fence open (the next line is code)."""
        return self._fence is not None

    def in_code(self, line: str) -> bool:
        found = _FENCE_RUN.match(line)
        run = found.group(1) if found else ""
        if self._fence is None:
            if run:
                self._fence = run
            return bool(run)
        fence = self._fence
        if run[:1] == fence[0] and len(run) >= len(fence) and not line.strip().lstrip(fence[0]):
            self._fence = None  # its closing fence: the same character, as many or more
        return True


def outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    """``line`` with ``change`` applied to its text outside code spans (a run of backticks
    opens one, the next run of the same length closes it), the code spans as written."""
    parts = re.split(r"(`+)", line)
    ticks: str | None = None
    for i, part in enumerate(parts):
        if i % 2 == 1:  # a run of backticks: opens or closes a code span
            ticks = part if ticks is None else (None if part == ticks else ticks)
        elif ticks is None:
            parts[i] = change(part)
    return "".join(parts)
