"""The folder lock: every wpsync process working on one state folder takes it first.

An exclusive ``flock`` on ``<state>/lock`` (the holder's PID written in it).  A process
waits for it up to a timeout, then gives up with ``LockTimeout``.
This process's held descriptors are listed for the read pool: a forked worker closes its
copies, so a killed parent's lock is not kept alive by its children.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from types import TracebackType

from wpsync.errors import LockTimeout

logger = logging.getLogger(__name__)

LOCK_FILE = "lock"

#: descriptors of the folder locks this process holds (a forked worker closes its copies)
_held_locks: set[int] = set()


def held_lock_fds() -> frozenset[int]:
    """The descriptors of the folder locks this process holds now."""
    return frozenset(_held_locks)


class FolderLock:
    """An exclusive ``flock`` shared by every wpsync process using one state folder."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, timeout: float | None = 600.0, on_wait: str | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = None if timeout is None else time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and on_wait:
                    logger.info("%s", on_wait)
                    told = True
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
