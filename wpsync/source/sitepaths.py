"""What Hugo's and Jekyll's translations share: where the code is, and site-root paths.  Pure.

- :func:`code_regions`: the spans of fenced code blocks and code spans of a Markdown text,
  so a translation never touches what the writer shows as code (the code stays
  byte-identical);
- :func:`site_target`: the file a site-root path (``/posts/hello/``, ``/about#team``,
  ``/2024/05/01/hello.html``, ``/assets/x.png``) names, among the files the static-site
  generator would have built that URL from;
- :func:`relative_url`: that file as a path relative to the linking document, which is
  what wpsync's own link and image machinery resolves (``links.py``, ``media.py``);
- :func:`rewrite_site_links`: Markdown links and images to site-root paths made relative.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

__all__ = [
    "CodeRegions",
    "Translated",
    "code_regions",
    "in_html_block",
    "in_table_row",
    "line_of",
    "relative_url",
    "rewrite_site_links",
    "site_target",
]

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class Translated:
    """A body as a dialect's translation left it, and what the translation warns about."""

    text: str
    warnings: tuple[str, ...] = ()


class CodeRegions:
    """The ``[start, end)`` spans of a text that are code (fences and code spans)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [s for s, _ in self.spans]

    def __contains__(self, pos: object) -> bool:
        if not isinstance(pos, int):
            return False
        index = bisect.bisect_right(self._starts, pos) - 1
        return index >= 0 and pos < self.spans[index][1]


def code_regions(text: str) -> CodeRegions:
    """Fenced code blocks (````` ``` ````` or ``~~~``, also inside quotes and list items)
    and code spans (a run of backticks up to the next run as long, within a paragraph)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    fences: list[tuple[int, int]] = []
    while True:
        opened = _FENCE_OPEN.search(text, pos)
        if opened is None:
            break
        fence = opened.group("fence")
        if fence[0] == "`" and "`" in opened.group("info"):
            pos = opened.end()
            continue  # not a fence: an info string with a backtick is a code span
        close = re.compile(
            rf"^[ \t>]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$",
            re.M,
        )
        closed = close.search(text, opened.end() + 1)
        end = closed.end() if closed else len(text)
        fences.append((opened.start(), end))
        pos = end
    spans.extend(fences)
    fence_regions = CodeRegions(fences)
    pos = 0
    while True:
        run = _BACKTICKS.search(text, pos)
        if run is None:
            break
        if run.start() in fence_regions:
            pos = next(e for s, e in fence_regions.spans if s <= run.start() < e)
            continue
        limit = _BLANK_LINE.search(text, run.end())
        stop = limit.start() if limit else len(text)
        width = len(run.group())
        found = None
        for other in _BACKTICKS.finditer(text, run.end(), stop):
            if len(other.group()) == width:
                found = other
                break
        if found is None:
            pos = run.end()
            continue
        spans.append((run.start(), found.end()))
        pos = found.end()
    return CodeRegions(spans)


def line_of(text: str, pos: int, first_line: int = 1) -> int:
    """The line number of ``pos`` in ``text`` (``first_line``: the text's first line)."""
    return first_line + text.count("\n", 0, pos)


#: a line that opens a raw HTML block (CommonMark's kinds 2 and 6/7: a comment, a tag)
_HTML_BLOCK_START = re.compile(r" {0,3}<(?:!--|/?[A-Za-z][\w-]*(?:[\s/>]|$))")


def in_html_block(text: str, pos: int) -> bool:
    """Whether the line of ``pos`` continues a raw HTML block: the run of non-blank lines
    it ends opens with an HTML tag (``<div class="row">`` above an indented line).  There
    Markdown is not read and a blank line would end the block (what follows, indented,
    would become code): what replaces a template tag must be HTML on its own line."""
    start = text.rfind("\n", 0, pos) + 1
    first: int | None = None
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        if not text[previous : start - 1].strip():
            break
        first = previous
        start = previous
    if first is None:
        return False  # the first line of its run: it opens a block of its own
    end = text.find("\n", first)
    line = text[first : end if end >= 0 else len(text)]
    if _HTML_BLOCK_START.match(line) is None:
        return False
    if line.lstrip().startswith("<!--"):  # a comment's block ends on the line closing it
        return "-->" not in text[first : text.rfind("\n", 0, pos)]
    return True


def in_table_row(text: str, pos: int) -> bool:
    """Whether ``pos`` is in a table row (its line starts with ``|``): a figure or a video
    there must stay in its cell, on the row's line."""
    start = text.rfind("\n", 0, pos) + 1
    return text[start:pos].lstrip(" \t>").startswith("|")


# --------------------------------------------------------------------------- paths

#: what a site-root path to a page may have been built from, after its own name
_PAGE_FILES = ("{}.md", "{}/index.md", "{}/_index.md", "{}.markdown", "{}/index.markdown")
#: Jekyll's default post permalink: /[categories/]YYYY/MM/DD/title(.html|/)
_JEKYLL_POST_URL = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})/([^/]+?)(?:\.html?)?$")


def site_target(
    path: str, exists: Callable[[str], bool], *, prefixes: Sequence[str] = ("",)
) -> str | None:
    """The file (relative to the content folder) that the site-root ``path`` names, or
    None.  ``path`` is without its ``#fragment``; ``prefixes``: folders of the content
    folder the site's pages may come from (Hugo's ``content/``, ``static/``)."""
    clean = unquote(path).strip()
    if not clean.startswith("/") or clean.startswith("//"):
        return None
    clean = posixpath.normpath(clean.strip("/")) if clean.strip("/") else ""
    if clean.startswith(".."):
        return None
    stem = re.sub(r"\.html?$", "", clean)
    candidates: list[str] = []
    for prefix in prefixes:
        base = posixpath.join(prefix, clean) if clean else prefix.rstrip("/")
        if clean and "." in posixpath.basename(clean) and not clean.endswith((".html", ".htm")):
            candidates.append(base)  # a file: /assets/x.png
        page = posixpath.join(prefix, stem) if stem else prefix.rstrip("/")
        if page:
            candidates += [pattern.format(page) for pattern in _PAGE_FILES]
        else:
            candidates += ["index.md", "_index.md"]
    post = _JEKYLL_POST_URL.search(stem)
    if post:
        year, month, day, title = post.groups()
        for suffix in (".md", ".markdown"):
            candidates.append(f"_posts/{year}-{month}-{day}-{title}{suffix}")
    for candidate in candidates:
        if exists(candidate):
            return candidate
    return None


def relative_url(doc_rel: str, target: str, fragment: str = "") -> str:
    """``target`` (relative to the content folder) as seen from ``doc_rel``'s folder."""
    folder = posixpath.dirname(doc_rel) or "."
    rel = posixpath.relpath(target, folder)
    return quote(rel, safe="/-._~") + fragment


# Inline links and images: "](/path ...)" or "](</path ...>)"; reference definitions.
_INLINE_DEST = re.compile(r"\]\(\s*(?P<lt><?)(?P<url>/(?!/)[^\s)>]*)(?P<gt>>?)")
_REFERENCE_DEF = re.compile(
    r"^(?P<pre> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<lt><?)(?P<url>/(?!/)[^\s>]*)(?P<gt>>?)", re.M
)

# src="/…" and href="/…" of raw HTML
_HTML_URL = re.compile(
    r"""(?<=[\s])(?:src|href)\s*=\s*(?P<q>["'])(?P<url>/(?!/)[^"'\s<>]*)(?P=q)""", re.I
)


def rewrite_site_links(
    text: str,
    doc_rel: str,
    exists: Callable[[str], bool],
    *,
    prefixes: Sequence[str] = ("",),
    regions: CodeRegions | None = None,
    permalink: Callable[[str], str | None] | None = None,
) -> tuple[str, list[tuple[int, str]]]:
    """Site-root link and image destinations that name a file of the folder, made
    relative to ``doc_rel``; returns the text and the ``(line index, path)`` of those
    that name none (left as written; the index counts from the text's first line, 0).
    ``permalink``: the file a page's own URL names (Jekyll's ``permalink:``), when its
    path does not."""
    code = regions if regions is not None else code_regions(text)
    missed: list[tuple[int, str]] = []

    def swap(found: re.Match[str]) -> str:
        if found.start() in code:
            return found.group(0)
        url = found.group("url")
        path, hash_, fragment = url.partition("#")
        if not path.strip("/"):
            return found.group(0)  # the site's home: left to the site
        target = site_target(path.partition("?")[0], exists, prefixes=prefixes)
        if target is None and permalink is not None:
            target = permalink(path.partition("?")[0])
        if target is None:
            missed.append((found.string.count("\n", 0, found.start()), url))
            return found.group(0)
        new = relative_url(doc_rel, target, f"#{fragment}" if hash_ else "")
        start, end = found.span("url")
        whole = found.group(0)
        offset = found.start()
        return whole[: start - offset] + new + whole[end - offset :]

    text = _INLINE_DEST.sub(swap, text)
    if "]:" in text:
        code = code_regions(text)
        text = _REFERENCE_DEF.sub(swap, text)
    if "=" in text:
        code = code_regions(text)
        text = _HTML_URL.sub(swap, text)
    return text, missed
