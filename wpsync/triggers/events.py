"""From file-system events to the queue: which events the daemon looks at
(:class:`EventRouter`: only Markdown files wpsync publishes, images as a reason for a full
reconcile) and the observer that sends them (:func:`start_observer`: inotify, or polling
when asked or when inotify's limits are reached)."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from wpsync.errors import ConfigError
from wpsync.source.content import is_ignored_name, is_markdown

if TYPE_CHECKING:
    from wpsync.source.discovery import ContentRules

logger = logging.getLogger(__name__)

#: how the folder is watched: the kernel's notifications, or looking every poll interval
ObserverKind = Literal["inotify", "polling"]

#: events worth a look (opening or reading a file — wpsync's own reads included — is not)
EVENTS = (
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
)

#: how long watchdog's inotify observer holds an unpaired "moved from" back
INOTIFY_MOVE_GROUPING = 0.5

INOTIFY_LIMITS = {
    errno.ENOSPC: ("max_user_watches", "524288"),
    errno.EMFILE: ("max_user_instances", "512"),
}


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")


class EventRouter(FileSystemEventHandler):
    """Turns watchdog events into queue calls: only Markdown files that wpsync publishes
    (temp, swap, backup and hidden names ignored, in any folder of the path)."""

    def __init__(
        self,
        root: Path,
        *,
        touch: Callable[[str], None],
        moved: Callable[[str, str], None],
        rescan: Callable[[], None],
        appeared: Callable[[str], None] | None = None,
        rules: ContentRules | None = None,
    ) -> None:
        """``rules``: what is content (the scan's predicate); without, every Markdown
        file that is not hidden or temporary."""
        self.root = str(root)
        self._rules = rules
        self._touch = touch
        self._appeared = appeared or touch
        self._moved = moved
        self._rescan = rescan

    def wanted(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        if rel.startswith(".."):
            return False
        parts = rel.split(os.sep)
        if any(is_ignored_name(p) for p in parts[:-1]) or not is_markdown(rel):
            return False
        return self._rules is None or self._rules.is_content("/".join(parts))

    def _enter(self, top: str, name: str) -> bool:
        """Whether a new folder's subfolder may hold content (node_modules/ is not walked)."""
        if self._rules is None:
            return True
        rel = os.path.relpath(os.path.join(top, name), self.root)
        return rel.startswith("..") or self._rules.folder_skipped(rel.replace(os.sep, "/")) is None

    def _is_image(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        if rel.startswith(".."):
            return False
        parts = rel.split(os.sep)
        return not any(is_ignored_name(p) for p in parts) and rel.lower().endswith(IMAGE_SUFFIXES)

    def _inside(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        return rel != ".." and not rel.startswith(".." + os.sep)

    def on_any_event(self, event: FileSystemEvent) -> None:
        src = os.fsdecode(event.src_path)
        dest = os.fsdecode(event.dest_path) if event.dest_path else ""
        kind = event.event_type
        if event.is_directory:
            self._directory(kind, src, dest)
            return
        if kind in ("closed", "moved", "deleted") and self._is_image(dest or src):
            # An image a post uses changed: the reconcile re-uploads it and updates
            # the posts that show it (unchanged files cost a stat each).
            self._rescan()
            return
        if kind == "moved":
            src_ok, dest_ok = self.wanted(src), self.wanted(dest)
            if src_ok and dest_ok:
                self._moved(src, dest)
            elif src_ok:
                self._touch(src)  # f → f~ / f___jb_old___: a save in progress (or a deletion)
            elif dest_ok:
                self._touch(dest)  # tmp → f: a save
        elif kind == "created" and self.wanted(src):
            self._appeared(src)
        elif kind in ("modified", "closed", "deleted") and self.wanted(src):
            self._touch(src)

    def _directory(self, kind: str, src: str, dest: str) -> None:
        if kind == "deleted":
            # Its files' own events may not come (a folder moved out of the tree):
            # let a full reconcile find what went away.
            self._rescan()
        elif kind == "created":
            for path in self._markdown_below(src):
                self._appeared(path)
        elif kind == "moved":
            if not self._inside(dest):
                self._rescan()
                return
            for path in self._markdown_below(dest):
                old = os.path.join(src, os.path.relpath(path, dest))
                if self._inside(src) and self.wanted(old):
                    self._moved(old, path)
                else:
                    self._touch(path)

    def _markdown_below(self, folder: str) -> Iterable[str]:
        for top, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not is_ignored_name(d) and self._enter(top, d)]
            for name in files:
                path = os.path.join(top, name)
                if self.wanted(path):
                    yield path


def start_observer(
    root: Path,
    handler: FileSystemEventHandler,
    *,
    poll: bool,
    poll_interval: float = 1.0,
    native: Callable[[], BaseObserver] = Observer,
) -> tuple[BaseObserver, ObserverKind]:
    """Start watching ``root`` recursively: inotify (the platform's native observer), or
    polling when asked or when the inotify limits are reached.  Returns (observer, kind)."""
    if not poll:
        observer = native()
        try:
            observer.schedule(handler, str(root), recursive=True, event_filter=list(EVENTS))
            observer.start()
            return observer, "inotify"
        except OSError as exc:
            if exc.errno not in INOTIFY_LIMITS:
                raise ConfigError(f"cannot watch {root}: {exc.strerror or exc}") from None
            with contextlib.suppress(Exception):
                observer.stop()
            logger.warning("%s", inotify_limit_message(exc.errno, poll_interval))
    # imported only when polling (its directory snapshots are not inotify's)
    from watchdog.observers.polling import PollingObserver

    observer = PollingObserver(timeout=poll_interval)
    try:
        observer.schedule(handler, str(root), recursive=True, event_filter=list(EVENTS))
        observer.start()
    except OSError as exc:
        raise ConfigError(f"cannot watch {root}: {exc.strerror or exc}") from None
    return observer, "polling"


def inotify_limit_message(err: int, poll_interval: float) -> str:
    setting, suggested = INOTIFY_LIMITS[err]
    current = "?"
    with contextlib.suppress(OSError):
        current = Path(f"/proc/sys/fs/inotify/{setting}").read_text().strip()
    what = "watch" if err == errno.ENOSPC else "instance"
    return (
        f"inotify {what} limit reached (fs.inotify.{setting} = {current}): falling back to "
        f"polling the folder every {poll_interval:g} s. To use inotify, raise it: "
        f"echo fs.inotify.{setting}={suggested} | sudo tee /etc/sysctl.d/60-wpsync.conf "
        "&& sudo sysctl --system"
    )
