"""Page hierarchy from the folder structure.  Pure.

The rule: a folder's page is ``<folder>/index.md`` (or ``_index.md``), else its
``README.md`` (as GitHub, mdBook and MkDocs show it; a README beside an index is not
content at all: :mod:`wpsync.source.discovery`), else the file named like the folder next
to it, ``<folder>.md``, else the one inside it, ``<folder>/<folder>.md`` (an Obsidian
"folder note").  A page without a ``parent:`` key is a child of the page of the nearest
folder above it that has one::

    about.md                 → top level            (it is the page of the folder about/)
    about/team.md            → child of about.md
    about/history/index.md   → child of about.md    (index.md is the page of about/history/)
    about/history/1990s.md   → child of about/history/index.md
    docs/intro.md            → top level when neither docs/index.md nor docs.md is a page

Only pages take part (``type: page``): posts and custom types keep their front matter's
``parent:`` only.  A ``parent:`` key (a page slug) always wins over the folder.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection

__all__ = ["INDEX_NAMES", "README_NAMES", "folder_page", "folder_parent", "is_index"]

INDEX_NAMES = ("index", "_index")
#: the spellings of a README that stands for its folder (checked in this order)
README_NAMES = ("README", "readme", "Readme", "ReadMe")
_SUFFIXES = (".md", ".markdown", ".mdx")


def _stem(name: str) -> str:
    lowered = name.lower()
    for suffix in _SUFFIXES:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_index(rel: str) -> bool:
    """An index or a README: the page of the folder it is in."""
    return _stem(posixpath.basename(rel)).lower() in (*INDEX_NAMES, "readme")


def folder_page(folder: str, pages: Collection[str]) -> str | None:
    """The page of ``folder`` (``"a/b"``) among ``pages``, or None; the root has none."""
    if not folder:
        return None
    for name in INDEX_NAMES:
        for suffix in _SUFFIXES:
            candidate = f"{folder}/{name}{suffix}"
            if candidate in pages:
                return candidate
    for name in README_NAMES:
        for suffix in _SUFFIXES:
            candidate = f"{folder}/{name}{suffix}"
            if candidate in pages:
                return candidate
    for suffix in _SUFFIXES:
        candidate = f"{folder}{suffix}"
        if candidate in pages:
            return candidate
    inside = f"{folder}/{posixpath.basename(folder)}"
    for suffix in _SUFFIXES:
        if inside + suffix in pages:
            return inside + suffix
    return None


def folder_parent(rel: str, pages: Collection[str]) -> str | None:
    """The page ``rel`` is a child of by the folder rule, or None (top level)."""
    folder = posixpath.dirname(rel)
    if is_index(rel):
        folder = posixpath.dirname(folder)  # an index page is its folder's own page
    while folder:
        found = folder_page(folder, pages)
        if found is not None and found != rel:
            return found
        folder = posixpath.dirname(folder)
    return None
