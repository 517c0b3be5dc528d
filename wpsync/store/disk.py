"""A disk that refuses a write — read-only, full, failing — told in a few words naming
the file, instead of SQLite's or the OS's exception."""

from __future__ import annotations

from pathlib import Path

from wpsync.errors import StateError

__all__ = ["unwritable", "write_problem"]

_WRITE_PROBLEMS = (
    ("readonly", "read-only file system"),
    ("read-only", "read-only file system"),
    ("disk is full", "no space left on device"),
    ("disk i/o error", "disk I/O error"),
    ("unable to open", "cannot be opened"),
)


def write_problem(exc: BaseException) -> str | None:
    """What keeps the state from being written, in a few words (None: something else)."""
    if isinstance(exc, OSError):
        return (exc.strerror or str(exc)).lower() if exc.errno is not None else str(exc)
    text = str(exc).lower()
    for needle, problem in _WRITE_PROBLEMS:
        if needle in text:
            return problem
    return None


def unwritable(path: Path, exc: BaseException) -> StateError:
    """The state cannot be written at ``path`` (read-only or full disk, no permission):
    one line naming the file and why; nothing was changed."""
    problem = write_problem(exc) or str(exc)
    return StateError(
        f"cannot write the state file {path}: {problem}",
        hint="make that folder writable (or free some space), or set [state] path in config.toml",
    )
