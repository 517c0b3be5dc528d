"""Which tool a folder of Markdown was written for: its *dialect*.

``[content] dialect = "auto"`` (the default) looks at the content folder and the folders
above it, up to the project (the folder of ``config.toml``), for the files each tool leaves:

========== ====================================================================
obsidian   ``.obsidian/`` (a vault)
hugo       ``hugo.toml`` / ``hugo.yaml`` / ``hugo.json``, or a ``config.toml`` /
           ``config.yaml`` that is Hugo's (``baseURL``, ``contentDir``, ``theme``)
jekyll     ``_config.yml`` / ``_config.yaml``, or a ``_posts/`` folder (Jekyll's posts;
           the content folder itself may be it) — an archive copied without its config
docs       ``book.toml`` (mdBook), ``mkdocs.yml``, a ``SUMMARY.md`` (GitBook),
           ``docusaurus.config.js`` / ``.ts`` / ``.mjs`` / ``.cjs`` (Docusaurus) or a
           ``.vitepress/`` folder (VitePress)
plain      none of these
========== ====================================================================

The nearest folder wins; within one folder, the order of the table.  Pure apart from the
few ``stat``/reads of those marker files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wpsync.config import DIALECTS, Dialect, DialectSetting

__all__ = [
    "DIALECTS",
    "Detected",
    "Dialect",
    "choose_dialect",
    "detect_dialect",
    "found_in",
    "is_hugo_config",
]

#: the files a docs tool leaves beside its pages: mdBook, MkDocs, GitBook, Docusaurus
_DOCS_MARKERS = (
    "book.toml",
    "mkdocs.yml",
    "mkdocs.yaml",
    "SUMMARY.md",
    "docusaurus.config.js",
    "docusaurus.config.ts",
    "docusaurus.config.mjs",
    "docusaurus.config.cjs",
)
_HUGO_KEY = re.compile(r"^\s*(?:baseURL|baseurl|contentDir|theme|languageCode)\s*[=:]", re.M)


@dataclass(frozen=True)
class Detected:
    """The dialect in use and why (``"set in config.toml"``, ``"found .obsidian/"``…)."""

    dialect: Dialect
    reason: str


def choose_dialect(setting: DialectSetting, content_dir: Path, project: Path) -> Detected:
    """The dialect ``[content] dialect`` names, or the detected one for ``"auto"``."""
    if setting != "auto":
        return Detected(setting, "set in config.toml")
    return detect_dialect(content_dir, project)


def detect_dialect(content_dir: Path, project: Path) -> Detected:
    """Look in ``content_dir`` and each folder above it up to ``project`` (included)."""
    folder = content_dir.resolve()
    top = project.resolve()
    while True:
        found = _in_folder(folder, is_project=folder == top)
        if found is not None:
            return found
        if folder == top or top not in folder.parents:
            break
        folder = folder.parent
    return Detected("plain", "no other tool's files found")


def found_in(folder: Path) -> Detected | None:
    """The tool whose files lie in ``folder`` itself (a Hugo or Jekyll site's root, a
    vault, a docs folder), or None (``wpsync init`` reads such a folder from its root)."""
    return _in_folder(folder, is_project=True)


def _in_folder(folder: Path, *, is_project: bool) -> Detected | None:
    if (folder / ".obsidian").is_dir():
        return Detected("obsidian", f"found {_show(folder, '.obsidian/')}")
    for name in ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"):
        if (folder / name).is_file():
            return Detected("hugo", f"found {_show(folder, name)}")
    for name in ("config.toml", "config.yaml", "config.yml"):
        path = folder / name
        if path.is_file() and is_hugo_config(path):
            return Detected("hugo", f"found Hugo's {_show(folder, name)}")
    for name in ("_config.yml", "_config.yaml"):
        if (folder / name).is_file():
            return Detected("jekyll", f"found {_show(folder, name)}")
    if folder.name == "_posts" or (folder / "_posts").is_dir():
        posts = folder if folder.name == "_posts" else folder / "_posts"
        return Detected("jekyll", f"found {posts}/ (Jekyll's posts folder)")
    for name in _DOCS_MARKERS:
        if (folder / name).is_file():
            return Detected("docs", f"found {_show(folder, name)}")
    if (folder / ".vitepress").is_dir():
        return Detected("docs", f"found {_show(folder, '.vitepress/')}")
    return None


def is_hugo_config(path: Path) -> bool:
    """A ``config.toml`` that is Hugo's, not wpsync's own (which has a ``[site]`` table)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024).decode("utf-8", "replace")
    except OSError:
        return False
    return bool(_HUGO_KEY.search(head)) and "[site]" not in head


def _show(folder: Path, name: str) -> str:
    return str(folder / name)
