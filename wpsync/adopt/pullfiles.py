"""Writing the files of ``wpsync pull`` into the writer's folder, never outside it.

The names come from a server (slugs), so each file is written through descriptors: its
folders are walked one name at a time from the content folder without following a link
(a symlinked sub-folder leading out is refused), the temporary file is created new with
``O_EXCL | O_NOFOLLOW``, synced, then renamed over the target — a link in place of the
target is replaced, never followed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from wpsync.errors import WpsyncError

__all__ = ["OutsideFolder", "existing_bytes", "write_inside"]


class OutsideFolder(WpsyncError):
    """A file pull would write resolves outside the content folder."""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _folder_fd(root: Path, rel: str, *, create: bool) -> int | None:
    """A descriptor of the folder of ``rel``, walked one name at a time from the content
    folder without following a link (None: it does not exist and ``create`` is False).
    A link on the way is refused: it could lead outside the folder."""
    parts = rel.split("/")[:-1]
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if create:
            raise
        return None
    try:
        for part in parts:
            if part in ("", ".", "..") or part.startswith("."):
                raise OutsideFolder(f"{rel}: not a file name pull writes")
            try:
                child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    os.close(fd)
                    return None
                os.mkdir(part, 0o755, dir_fd=fd)
                child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise OutsideFolder(
                        f"{rel}: '{part}' is a link or not a folder; pull writes only inside"
                        f" the content folder {root}",
                        hint="remove the link, or pull into a folder without one",
                    ) from None
                raise
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def existing_bytes(root: Path, rel: str) -> bytes | None:
    """The bytes of ``rel`` if something is there (a link counts: b"" is returned for
    anything but a regular file, so it is never taken for a pulled file)."""
    fd = _folder_fd(root, rel, create=False)
    if fd is None:
        return None
    name = rel.rsplit("/", 1)[-1]
    try:
        try:
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return b""
        file_fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=fd)
        with os.fdopen(file_fd, "rb") as handle:
            return handle.read()
    finally:
        os.close(fd)


def write_inside(root: Path, rel: str, text: str) -> None:
    """Write ``text`` to ``root/rel`` atomically (a temporary file, fsync, rename),
    never through a link: each folder on the way is opened without following links,
    and the temporary file is created new (``O_EXCL | O_NOFOLLOW``).  A link in place
    of the file itself is replaced, not followed."""
    fd = _folder_fd(root, rel, create=True)
    assert fd is not None
    name = rel.rsplit("/", 1)[-1]
    tmp = f".{name}.{os.getpid()}.pull.tmp"
    try:
        file_fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644, dir_fd=fd)
        try:
            with os.fdopen(file_fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=fd)
            raise
        os.fsync(fd)
    finally:
        os.close(fd)
