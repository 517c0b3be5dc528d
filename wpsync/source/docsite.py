"""A docs folder's page → the Markdown wpsync renders (``[content] dialect = "docs"``).  Pure.

The docs tools share the dialect; each one's syntax is translated by its own pass, in this
order: Docusaurus' MDX (``mdx.py``: first, so its warnings count the file's own lines),
GitBook's blocks (``gitbook.py``), Material for MkDocs' icons (``icons.py``) and inline
marks (``inlinemarks.py``), VitePress'
code groups and ``[[toc]]`` (``vitepress.py``), Docusaurus' ``// highlight-next-line``
(``magiccomments.py``), then links to built pages
(``./routing``, ``ch03.html``) made links to their files (``doclinks.py``); a page that
includes another file is named in a warning (``includes.py``).  Each pass looks for its own marks only, so a page written
for one tool goes through the others unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from wpsync.source.doclinks import rewrite_page_links
from wpsync.source.gitbook import convert_gitbook, unknown_blocks
from wpsync.source.icons import drop_icons
from wpsync.source.includes import include_warnings
from wpsync.source.inlinemarks import convert_inline_marks
from wpsync.source.magiccomments import apply_magic_comments
from wpsync.source.mdx import translate_mdx
from wpsync.source.sitepaths import Translated
from wpsync.source.vitepress import convert_vitepress, home_page

__all__ = ["translate_docs"]


def translate_docs(
    text: str,
    *,
    rel: str = "",
    exists: Callable[[str], bool] | None = None,
    first_line: int = 1,
    engine: str = "commonmark",
    front_matter: Mapping[str, object] | None = None,
) -> Translated:
    """``text`` (the body of ``rel``) with every docs tool's syntax translated; with
    ``exists`` (whether a file of the folder exists), links to built pages are made links
    to their files (``doclinks.py``)."""
    mdx = translate_mdx(text, first_line=first_line, engine=engine)
    body = convert_inline_marks(drop_icons(convert_gitbook(mdx.text, engine)))
    body = convert_vitepress(body)
    body = apply_magic_comments(body)
    if front_matter:
        body = home_page(front_matter) + body  # VitePress' home: its words are its settings
    if exists is not None:
        body = rewrite_page_links(body, rel, exists)
    warnings = (
        *mdx.warnings,
        *unknown_blocks(text, first_line),
        *include_warnings(text, first_line),
    )
    return Translated(body, warnings)
