"""Terminal output for the command line: colour only on a terminal and never with
``NO_COLOR``; a progress bar for long runs that stays silent in hooks, CI and pipes.

Everything here writes to a stream it is given (stderr for the bar), so ``--json`` output
on stdout is never disturbed.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sized
from types import TracebackType
from typing import TextIO, TypeVar

T = TypeVar("T")

logger = logging.getLogger(__name__)

COLOURS = {
    "green": "\x1b[32m",
    "red": "\x1b[31m",
    "yellow": "\x1b[33m",
    "dim": "\x1b[2m",
    "bold": "\x1b[1m",
}
RESET = "\x1b[0m"
CLEAR_LINE = "\r\x1b[K"


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False


#: environment variables that say a CI runner is running us (``CI=true`` is set by
#: GitHub Actions, GitLab, CircleCI, Travis, Buildkite…; ``GITHUB_ACTIONS`` by GitHub)
CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL")


def ci_mode(flag: bool = False, env: Mapping[str, str] | None = None) -> bool:
    """Plain output for a CI log: ``--ci``, or a CI environment (``CI`` set to anything
    but ``false``/``0``/empty, ``GITHUB_ACTIONS``…)."""
    env = os.environ if env is None else env
    if flag:
        return True
    return any(env.get(name, "").strip().lower() not in ("", "0", "false") for name in CI_VARIABLES)


def colour_enabled(
    stream: object, env: Mapping[str, str] | None = None, *, ci: bool = False
) -> bool:
    """Colour only on a terminal, never in CI mode, never when ``NO_COLOR`` is set
    (no-color.org) or TERM=dumb."""
    env = os.environ if env is None else env
    if ci or env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def shown(text: object) -> str:
    """Text from outside (a file name, a title, a server's message) as it may be printed:
    on one line, control characters escaped (``\\n``, ``\\x1b``), secrets masked."""
    from wpsync.logsetup import mask

    return mask(str(text))


def paint(text: str, colour: str, enabled: bool) -> str:
    return f"{COLOURS[colour]}{text}{RESET}" if enabled and colour in COLOURS else text


def can_encode(stream: object, text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def progress_enabled(
    stream: object,
    *,
    quiet: bool = False,
    as_json: bool = False,
    env: Mapping[str, str] | None = None,
    ci: bool = False,
) -> bool:
    """A bar only for a person at a terminal: not with -q or --json, not in CI (``--ci``, ``CI``),
    not inside a git hook (``GIT_DIR``/``GIT_INDEX_FILE`` are set there), not when
    ``WPSYNC_NO_PROGRESS`` is set, and never into a pipe or file."""
    env = os.environ if env is None else env
    if quiet or as_json or ci:
        return False
    if any(env.get(name) for name in ("CI", "GIT_DIR", "GIT_INDEX_FILE", "WPSYNC_NO_PROGRESS")):
        return False
    if env.get("TERM") == "dumb":
        return False
    return _isatty(stream)


class Progress:
    """``[#######.......]  12/40  hello.md`` on one line of ``stream``, redrawn in place.

    Drawn only once ``delay`` seconds have passed (a quick sync shows nothing), at most
    ``fps`` times a second.  Call :meth:`clear` before printing anything else to the
    terminal; the next :meth:`advance` draws the bar again below it.  Thread-safe.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        enabled: bool = True,
        delay: float = 0.5,
        fps: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        label: str = "sync",
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.delay = delay
        self.interval = 1.0 / fps
        self.clock = clock
        self.label = label
        self.total = 0
        self.done = 0
        self._started = clock()
        self._last_draw = float("-inf")
        self._shown = False
        self._lock = threading.Lock()
        self._ascii = not can_encode(self.stream, "█░")

    def start(self, total: int) -> None:
        with self._lock:
            self.total = total
            self.done = 0

    def advance(self, what: str = "") -> None:
        with self._lock:
            self.done += 1
            now = self.clock()
            if not self.enabled or now - self._started < self.delay:
                return
            if self.done < self.total and now - self._last_draw < self.interval:
                return
            self._last_draw = now
            self._draw(what)

    def _draw(self, what: str) -> None:
        width = shutil.get_terminal_size((80, 24)).columns
        total = max(self.total, self.done, 1)
        counter = f" {self.done}/{total} "
        bar_width = max(10, min(30, width // 3))
        filled = int(bar_width * self.done / total)
        full, empty = ("#", ".") if self._ascii else ("█", "░")
        bar = f"{self.label} [{full * filled}{empty * (bar_width - filled)}]{counter}"
        room = width - len(bar) - 1
        tail = what if len(what) <= room else "…" + what[-(room - 1) :] if room > 1 else ""
        try:
            self.stream.write(CLEAR_LINE + bar + tail)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False
            return
        self._shown = True

    def clear(self) -> None:
        """Erase the bar (before something else is printed)."""
        with self._lock:
            if self._shown:
                try:
                    self.stream.write(CLEAR_LINE)
                    self.stream.flush()
                except (OSError, ValueError):
                    self.enabled = False
                self._shown = False

    def finish(self) -> None:
        self.clear()

    # -- hooks for run_sync

    def on_plan(self, actions: Sized) -> None:
        """``run_sync``'s ``on_plan``: one result will follow per planned action."""
        self.start(len(actions))

    def wrap(self, callback: Callable[[T], object] | None) -> Callable[[T], None]:
        """An ``on_result`` that erases the bar, lets ``callback`` print, then advances."""

        def on_result(result: T) -> None:
            self.clear()
            if callback is not None:
                callback(result)
            self.advance(str(getattr(result, "path", "")))

        return on_result

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.finish()


def progress_bar(
    *, quiet: bool = False, as_json: bool = False, label: str = "sync", ci: bool = False
) -> Progress:
    """The bar for a command: on stderr, enabled only where :func:`progress_enabled` says."""
    return Progress(
        sys.stderr,
        enabled=progress_enabled(sys.stderr, quiet=quiet, as_json=as_json, ci=ci),
        label=label,
    )
