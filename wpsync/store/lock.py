"""The folder lock: every wpsync process working on one state folder takes it first.

An exclusive ``flock`` on ``<state>/lock`` (the holder's PID written in it).  A process
waits for it up to a timeout, then gives up with ``LockTimeout``.  The state folder is
made private (0700, whatever the umask) and the lock is opened without following a
symbolic link and only if it is a plain file: a ``lock`` link committed to a repository,
or planted by another user, can never make wpsync truncate the file it points at.
This process's held descriptors are listed for the read pool: a forked worker closes its
copies, so a killed parent's lock is not kept alive by its children.
"""

from __future__ import annotations

import fcntl
import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from wpsync.errors import LockTimeout, StateError

logger = logging.getLogger(__name__)

LOCK_FILE = "lock"

#: descriptors of the folder locks this process holds (a forked worker closes its copies)
_held_locks: set[int] = set()


def held_lock_fds() -> frozenset[int]:
    """The descriptors of the folder locks this process holds now."""
    return frozenset(_held_locks)


def make_private_dir(path: Path) -> None:
    """Create the state folder readable by its owner alone (0700 whatever the umask); an
    existing one that other users can write to is refused."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
        return
    # An existing folder others may write into could hold a planted link or state: refuse
    # it, as OpenSSH refuses a ~/.ssh others can write to.
    mode = path.stat().st_mode
    if mode & (stat.S_IWGRP | stat.S_IWOTH) and not mode & stat.S_ISVTX:
        raise StateError(
            f"the state folder {path} can be written by other users",
            hint=f"chmod 700 {path}",
        )


def open_plain_file(path: Path) -> int:
    """``path`` opened read-write (created 0600), never through a symbolic link and only
    when it is a plain file."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if os.path.islink(path):
            raise StateError(
                f"{path} is a symbolic link; wpsync does not follow links in its state folder",
                hint=f"remove it (rm {path}); wpsync makes its own",
            ) from None
        raise StateError(f"cannot open {path}: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise StateError(f"{path} is not a plain file", hint="remove it; wpsync makes its own")
    return fd


def holder_pid(fd: int) -> int | None:
    """The PID the holder of the lock wrote in it (None: not known, or not yet written)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def waiting_message(pid: int | None) -> str:
    who = f"the lock held by pid {pid}" if pid else "the lock held by another wpsync process"
    return f"waiting for {who}…"


class FolderLock:
    """An exclusive ``flock`` shared by every wpsync process using one state folder."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(
        self, timeout: float | None = 600.0, on_wait: Callable[[str], None] | None = None
    ) -> None:
        """Take the lock, waiting up to ``timeout`` seconds (None: for ever).  While it
        waits, ``on_wait`` is told once, in words, who holds it ("waiting for the lock
        held by pid 4242…"); the same line is logged at INFO."""
        make_private_dir(self.path.parent)
        fd = open_plain_file(self.path)
        deadline = None if timeout is None else time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    told = True
                    message = waiting_message(holder_pid(fd))
                    logger.info("%s", message)
                    if on_wait is not None:
                        on_wait(message)
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(
                        f"another wpsync process is working on this folder (lock {self.path})",
                        hint="wait for it to finish, or raise --lock-timeout",
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        _held_locks.add(fd)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            _held_locks.discard(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
