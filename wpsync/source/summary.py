"""A book's table of contents, ``SUMMARY.md`` (mdBook, GitBook): the order of the pages,
which page is a child of which, and their titles.  Pure but for reading the file.

The format (https://rust-lang.github.io/mdBook/format/summary.html)::

    # Summary                         ← an optional title, ignored

    [Introduction](README.md)         ← prefix chapters: top level

    # User Guide                      ← part titles: ignored (no page)

    - [Installation](guide/install.md)
    - [Reading](guide/reading.md)
        - [Tips](guide/tips.md)       ← nested: a child of guide/reading.md
    - [Draft]()                       ← a draft chapter: no page; its children go up
    ---                               ← a separator
    [Contributors](misc/contributors.md)   ← suffix chapters: top level

Links are relative to the folder of ``SUMMARY.md``.  Each page gets the position it has
among its siblings (1, 2, …) as ``menu_order``, and the link text as its title when its
file gives none (no ``title:``, no leading heading).

MkDocs' ``nav:`` (in ``mkdocs.yml``) says the same in YAML — ``- Title: page.md``,
``- page.md``, ``- Section: [ … ]`` — with paths relative to ``docs_dir``; a section is no
page, so its pages hang on the page above it (usually: top level).
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

__all__ = ["Chapter", "Outline", "parse_mkdocs_nav", "parse_summary", "read_summary"]

logger = logging.getLogger(__name__)

_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+\[(?P<title>.*)\]\((?P<target>[^)]*)\)\s*$")
_LINK = re.compile(r"^\[(?P<title>.*)\]\((?P<target>[^)]*)\)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Chapter:
    """A page of the book: its file, its title there, its parent chapter (None: top
    level) and its position among its siblings (from 1)."""

    rel: str
    title: str
    parent: str | None
    order: int


@dataclass(frozen=True)
class Outline:
    """The chapters of ``SUMMARY.md`` by file (empty: no table of contents)."""

    chapters: Mapping[str, Chapter] = field(default_factory=dict)

    def __contains__(self, rel: object) -> bool:
        return rel in self.chapters

    def get(self, rel: str) -> Chapter | None:
        return self.chapters.get(rel)

    def parent(self, rel: str, pages: set[str] | frozenset[str]) -> str | None:
        """The page ``rel`` is a child of: its parent chapter, or the nearest chapter above
        it that is a page (a chapter whose file is a post or not published is skipped)."""
        chapter = self.chapters.get(rel)
        seen = {rel}
        parent = chapter.parent if chapter else None
        while parent is not None and parent not in pages and parent not in seen:
            seen.add(parent)
            above = self.chapters.get(parent)
            parent = above.parent if above else None
        return parent if parent is not None and parent in pages else None


def read_summary(root: Path, rel: str | None, source: str = "") -> Outline:
    """The outline of ``root/rel``, a ``SUMMARY.md`` or an ``mkdocs.yml`` whose pages are in
    ``source`` (an empty one when there is none or it cannot be read)."""
    if rel is None:
        return Outline()
    try:
        text = (root / rel).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return Outline()
    if rel.endswith((".yml", ".yaml")):
        return parse_mkdocs_nav(text, source)
    return parse_summary(text, posixpath.dirname(rel))


def parse_mkdocs_nav(text: str, folder: str = "") -> Outline:
    """The pages of ``mkdocs.yml``'s ``nav:``; ``folder``: the docs_dir below the content
    folder.  Tags safe_load refuses (``!!python/name:…``) are read as nothing."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return Outline()
    nav = data.get("nav") if isinstance(data, dict) else None
    chapters: dict[str, Chapter] = {}
    counts: dict[str | None, int] = {}

    def walk(items: object, parent: str | None) -> None:
        if not isinstance(items, list):
            return
        for item in items:
            if isinstance(item, str):
                _add(chapters, counts, _target(item, folder), "", parent)
            elif isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, list):  # a section: no page of its own
                        walk(value, parent)
                    elif isinstance(value, str):
                        _add(chapters, counts, _target(value, folder), str(title), parent)

    walk(nav, None)
    return Outline(chapters)


def parse_summary(text: str, folder: str = "") -> Outline:
    """The chapters a ``SUMMARY.md`` lists; ``folder``: its folder (relative to the content
    folder), which its links are relative to."""
    chapters: dict[str, Chapter] = {}
    # the open list items: (indent, rel or None for a draft chapter)
    stack: list[tuple[int, str | None]] = []
    counts: dict[str | None, int] = {}
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        item = _ITEM.match(line)
        if item is not None:
            indent = len(item["indent"].expandtabs(4))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parent = next((r for _, r in reversed(stack) if r is not None), None)
            rel = _target(item["target"], folder)
            stack.append((indent, rel))
            _add(chapters, counts, rel, item["title"], parent)
            continue
        link = _LINK.match(line.strip())
        if link is not None:  # a prefix or suffix chapter: top level
            stack.clear()
            _add(chapters, counts, _target(link["target"], folder), link["title"], None)
            continue
        if line.startswith("#") or line.strip() == "---":
            stack.clear()  # a part title or a separator ends the nesting
    return Outline(chapters)


def _add(
    chapters: dict[str, Chapter],
    counts: dict[str | None, int],
    rel: str | None,
    title: str,
    parent: str | None,
) -> None:
    if rel is None or rel in chapters:
        return  # a draft chapter, or a file listed twice (the first place wins)
    counts[parent] = counts.get(parent, 0) + 1
    chapters[rel] = Chapter(rel, _plain(title), parent, counts[parent])


def _target(target: str, folder: str) -> str | None:
    """The file a link names, relative to the content folder (None: a draft chapter, a
    web address, or a path leaving the folder)."""
    path = target.strip().strip("<>").split("#", 1)[0]
    if not path or re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I) or path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(folder, unquote(path)))
    if joined.startswith("../") or joined in (".", ".."):
        return None
    return joined


def _plain(title: str) -> str:
    """A link text as plain words: Markdown escapes, emphasis and code marks taken off."""
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", title)
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return " ".join(text.split())
