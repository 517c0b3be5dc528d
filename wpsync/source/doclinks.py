"""Links between a docs folder's pages as the tools write them → the Markdown files.  Pure.

wpsync makes a link to another Markdown file (``setup.md#install``) that file's permalink.
The docs tools let writers link to the page the file becomes instead:

================================  ===========================================================
``./routing``, ``../reference/``  VitePress and Docusaurus: the page without its extension
``ch03-01-variables.html#x``      mdBook (the Rust book): the built page
``/docs/intro``                   Docusaurus: the page's site-root path
================================  ===========================================================

In a docs folder, such a link (in Markdown: inline, or a reference definition) becomes the
relative path of the file it was built from — ``routing.md``, ``routing.mdx``,
``routing/index.md``, ``routing/README.md`` (``.html`` swapped for those) — with its
``#anchor``, when that file exists; any other link is left as written.  Nothing in code is
touched.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote

from wpsync.source.sitepaths import code_regions, relative_url

__all__ = ["rewrite_page_links"]

_INLINE_DEST = re.compile(r"\]\(\s*(?P<lt><?)(?P<url>[^\s)>]+)(?P<gt>>?)")
_REFERENCE_DEF = re.compile(
    r"^(?P<pre> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<lt><?)(?P<url>[^\s>]+)(?P<gt>>?)", re.M
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_PAGE_FILES = ("{}.md", "{}.mdx", "{}/index.md", "{}/index.mdx", "{}/README.md", "{}.markdown")
_MARKDOWN = (".md", ".mdx", ".markdown")


def rewrite_page_links(text: str, doc_rel: str, exists: Callable[[str], bool]) -> str:
    """``text`` with its links to built pages made links to their files (see above)."""
    if "](" not in text and "]:" not in text:
        return text

    def swap(found: re.Match[str]) -> str:
        if found.start() in code:
            return found.group(0)
        url = found.group("url")
        target = _target(url, doc_rel, exists)
        if target is None:
            return found.group(0)
        start, end = found.span("url")
        offset = found.start()
        whole = found.group(0)
        return whole[: start - offset] + target + whole[end - offset :]

    code = code_regions(text)
    text = _INLINE_DEST.sub(swap, text)
    if "]:" in text:
        code = code_regions(text)
        text = _REFERENCE_DEF.sub(swap, text)
    return text


def _target(url: str, doc_rel: str, exists: Callable[[str], bool]) -> str | None:
    """The relative path (with the fragment) of the file ``url`` names, or None."""
    if url.startswith(("#", "//", "?")) or _SCHEME.match(url):
        return None
    path, hash_, fragment = url.partition("#")
    path = unquote(path.partition("?")[0])
    if not path or path.lower().endswith(_MARKDOWN):
        return None  # an anchor alone, or already a Markdown file: wpsync's own business
    name = posixpath.basename(path.rstrip("/"))
    if "." in name and not name.lower().endswith((".html", ".htm")):
        return None  # a file: an image, a PDF
    if path.startswith("/"):
        base = path.strip("/")
    else:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(doc_rel), path))
        if base.startswith(".."):
            return None
    stem = re.sub(r"\.html?$", "", base).rstrip("/")
    if stem in ("", "."):
        return None
    for pattern in _PAGE_FILES:
        candidate = pattern.format(stem)
        if exists(candidate):
            return relative_url(doc_rel, candidate, f"#{fragment}" if hash_ else "")
    return None
