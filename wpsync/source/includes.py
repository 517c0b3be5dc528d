"""Other files a docs page pulls in when its tool builds it: found, to warn.  Pure.

mdBook's ``{{#include file.rs:anchor}}``, ``{{#rustdoc_include …}}`` and
``{{#playground …}}``, Material for MkDocs' snippets (``--8<-- "file.md"``) and VitePress'
``<<< @/snippets/file.js`` and ``<!--@include: ./part.md-->`` put another file's text in
the page — most often the code of a code block.  wpsync publishes a page from its own file
only (a change to the included file would not reach WordPress), so the directive is
published as written, with one warning a file naming its first line, rather than the page
looking complete while it is not.
"""

from __future__ import annotations

import re

__all__ = ["include_warnings"]

_DIRECTIVE = re.compile(
    r"\{\{#(?:include|rustdoc_include|playground|playpen)\s"
    r"|^[ \t]*(?:-{1,3}8<-{1,3}|;{1,3}8<;{1,3})[ \t]*[\"']?\S"
    r"|^[ \t]*<<<[ \t]+\S"
    r"|<!--\s*@include:",
    re.M,
)


def include_warnings(text: str, first_line: int = 1) -> tuple[str, ...]:
    """One warning for the first directive of ``text`` that includes another file (none
    without one); ``first_line``: the body's first line in the file."""
    if "{{#" not in text and "8<" not in text and "<<<" not in text and "@include" not in text:
        return ()
    found = _DIRECTIVE.search(text)
    if found is None:
        return ()
    line = first_line + text.count("\n", 0, found.start())
    shown = text[found.start() : text.find("\n", found.start()) % (len(text) + 1)].strip()
    return (
        f"line {line}: {shown[:60]!r} includes another file's text, which wpsync does not "
        "read: published as written",
    )
