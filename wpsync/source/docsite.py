"""A docs folder's page → the Markdown wpsync renders (``[content] dialect = "docs"``).  Pure.

The docs tools share the dialect; each one's syntax is translated by its own pass, in this
order: Docusaurus' MDX (``mdx.py``: first, so its warnings count the file's own lines),
GitBook's blocks (``gitbook.py``), Material for MkDocs' icons (``icons.py``), VitePress'
code groups and ``[[toc]]`` (``vitepress.py``); a page that includes another file is named
in a warning (``includes.py``).  Each pass looks for its own marks only, so a page written
for one tool goes through the others unchanged.
"""

from __future__ import annotations

from wpsync.source.gitbook import convert_gitbook
from wpsync.source.icons import drop_icons
from wpsync.source.includes import include_warnings
from wpsync.source.mdx import translate_mdx
from wpsync.source.sitepaths import Translated
from wpsync.source.vitepress import convert_vitepress

__all__ = ["translate_docs"]


def translate_docs(text: str, *, first_line: int = 1, engine: str = "commonmark") -> Translated:
    """``text`` (a docs page's body) with every docs tool's syntax translated."""
    mdx = translate_mdx(text, first_line=first_line, engine=engine)
    body = convert_vitepress(drop_icons(convert_gitbook(mdx.text, engine)))
    return Translated(body, (*mdx.warnings, *include_warnings(text, first_line)))
