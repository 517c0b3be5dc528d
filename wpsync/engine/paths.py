"""Content-relative paths ("rels": POSIX, relative to the content folder, a file's
identity in the state): made from the paths a caller gives, and compared."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path


def content_rel(raw: Path, root: Path) -> str | None:
    """``raw`` (absolute, or relative to the working directory) as a path under ``root``."""
    path = raw if raw.is_absolute() else Path.cwd() / raw
    try:
        return Path(os.path.normpath(path)).relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return None


def rel_of(path: str, root: Path) -> str:
    """A scanned path (a scan error's) relative to ``root``; as it is if outside it."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def under_any(rel: str, prefixes: Collection[str]) -> bool:
    """``rel`` is one of ``prefixes`` or below one of them (a folder)."""
    return rel in prefixes or any(rel.startswith(p.rstrip("/") + "/") for p in prefixes)
