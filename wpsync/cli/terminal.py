"""Terminal output for the command line: colour only on a terminal and never with
``NO_COLOR`` (``--color always|never`` decides instead when given); a progress display
for runs with work, drawn with rich on a terminal only: silent in hooks, CI, pipes and
``--json``.

The display writes to stderr, so ``--json`` output on stdout is never disturbed; rich is
imported only when a display is drawn (a no-op run, ``--version`` and every run in a pipe
never import it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TextIO, TypeVar

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from wpsync.engine.report import Phase

T = TypeVar("T")

#: how often the bar moves at most while files are reported (seconds; ~ the redraw rate)
REDRAW_EVERY = 0.1

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

ColourChoice = Literal["auto", "always", "never"]
#: ``--color``: set once by the command line's group, read by every output
_colour_choice: ColourChoice = "auto"


def set_colour_choice(choice: ColourChoice) -> None:
    global _colour_choice
    _colour_choice = choice


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
    stream: object,
    env: Mapping[str, str] | None = None,
    choice: ColourChoice | None = None,
    *,
    ci: bool = False,
) -> bool:
    """``--color always``/``never`` decide; else (``auto``) colour only on a terminal, never
    in CI mode, never when ``NO_COLOR`` is set (no-color.org) or TERM=dumb."""
    choice = choice or _colour_choice
    if choice != "auto":
        return choice == "always"
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


class _Scrubbed:
    """What rich writes to the terminal: secrets masked, its cursor sequences untouched
    (the masking stream would escape them)."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        from wpsync.logsetup import scrub

        return self._inner.write(scrub(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Ticker:
    """Redraws the display ten times a second from a thread of its own, which can be
    stopped for a step that forks (readpool.py reads on every core only from a process
    with one thread)."""

    def __init__(self, redraw: Callable[[], None]) -> None:
        self._redraw = redraw
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="wpsync-progress", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._redraw()


class Progress:
    """A run's progress on a terminal (stderr): a spinner with what the run is doing while
    it waits for the lock, reads and plans ("reading 300 files…"), then a bar with the
    count, the time left and the file at hand.  Lines printed meanwhile -- a result, a log
    record -- appear above it, never in it; it is gone when the run ends.

    Disabled (a pipe, a hook, CI, ``--json``, ``-q``): nothing is drawn and rich is never
    imported; only a wait for another process's lock is said, in one plain line.  Enabled,
    rich is imported at the first sign of work: a lock to wait for, files to read, or a
    plan with something to do (a no-op run draws nothing)."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        enabled: bool = True,
        label: str = "sync",
        colour: bool | None = None,
        quiet: bool = False,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.label = label
        self.colour = colour_enabled(self.stream) if colour is None else colour
        self.quiet = quiet
        self.total = 0
        self.done = 0
        self._next_update = 0.0  # when advance() next moves the bar (time.monotonic)
        self._lock = threading.RLock()
        self._rich: RichProgress | None = None
        self._task: TaskID | None = None
        self._ticker: _Ticker | None = None
        self._handlers: list[tuple[logging.StreamHandler[Any], Any]] = []
        self._first_frame = False  # drawn by begin(), before rich is imported
        self._restore: tuple[TextIO, TextIO] = (sys.stdout, sys.stderr)

    def begin(self) -> Progress:
        """Say "planning…" at once (a person sees the run started), before the slow imports
        and the reading; drawn without rich, replaced by the display or erased at the end."""
        if self.enabled and not self._first_frame:
            frame = "⠋" if can_encode(self.stream, "⠋") else "-"
            self._first_frame = self._write(
                f"{CLEAR_LINE}{paint(frame, 'green', self.colour)} planning…"
            )
        return self

    @property
    def drawn(self) -> bool:
        return self._rich is not None

    # -- hooks for run_sync

    def on_phase(self, phase: Phase) -> None:
        """``run_sync``'s ``on_phase``: the spinner's text (a wait: a plain line too)."""
        if not self.enabled:
            if phase.waiting and not self.quiet:
                self._plain(phase.what)
            return
        with self._lock:
            self._start()
            assert self._rich is not None and self._task is not None
            self._rich.update(self._task, description=shown(phase.what), total=None)
            ticker = self._ticker
        if ticker is not None:
            if phase.forks:
                ticker.stop()
            else:
                ticker.start()
        self._redraw()

    def on_plan(self, actions: Sequence[object]) -> None:
        """``run_sync``'s ``on_plan``: one result will follow per planned action."""
        from wpsync.engine.quiet import Kept

        self.total, self.done, self._next_update = len(actions), 0, 0.0
        if not self.enabled:
            return
        # (a folder at rest: every file kept, said without making one Keep per file — nor
        # importing the planner)
        kept = isinstance(actions, Kept)
        if not kept:
            from wpsync.engine.plan import Keep

            kept = all(isinstance(a, Keep) for a in actions)
        if kept and not self.drawn:
            return
        with self._lock:
            self._start()
            assert self._rich is not None and self._task is not None
            self._rich.reset(self._task, total=self.total, description=self.label, what="")
            ticker = self._ticker
        if ticker is not None:
            ticker.start()
        self._redraw()

    def advance(self, what: str = "") -> None:
        """One more file done.  The count is exact; the bar and the file shown move at
        most every :data:`REDRAW_EVERY` seconds (the display is redrawn no more often,
        and a big folder's run reports ten thousand files), and at the last file."""
        with self._lock:
            self.done += 1
            if self._rich is None or self._task is None:
                return
            now = time.monotonic()
            if now < self._next_update and self.done < self.total:
                return
            self._next_update = now + REDRAW_EVERY
            self._rich.update(self._task, completed=self.done, what=shown(what))

    def wrap(self, callback: Callable[[T], object] | None) -> Callable[[T], None]:
        """An ``on_result`` that lets ``callback`` print (above the display), then advances."""

        def on_result(result: T) -> None:
            if callback is not None:
                callback(result)
            # the file's name only for a display that shows it
            self.advance(str(getattr(result, "path", "")) if self._rich is not None else "")

        return on_result

    def finish(self) -> None:
        """Erase the display and give the terminal back (stdout, stderr, the log)."""
        with self._lock:
            ticker, self._ticker = self._ticker, None
            rich, self._rich = self._rich, None
        if ticker is not None:
            ticker.stop()
        if rich is None and self._first_frame:
            self._write(CLEAR_LINE)
        self._first_frame = False
        if rich is not None:
            for handler, stream in self._handlers:
                handler.setStream(stream)
            self._handlers.clear()
            with contextlib.suppress(OSError, ValueError):
                rich.stop()
            sys.stdout, sys.stderr = self._restore

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.finish()

    # -- drawing

    def _plain(self, text: str) -> None:
        self._write(f"{shown(text)}\n")

    def _write(self, text: str) -> bool:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            return False
        return True

    def _start(self) -> None:
        if self._rich is not None:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            SpinnerColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress
        from rich.table import Column

        raw = getattr(self.stream, "inner", self.stream)
        console = Console(
            file=_Scrubbed(raw),  # type: ignore[arg-type]
            force_terminal=True,
            color_system="auto" if self.colour else None,
            no_color=not self.colour,
            highlight=False,
            emoji=False,
            markup=False,
            soft_wrap=True,  # a line printed above the display is not cut at the width
        )
        ascii_only = not can_encode(raw, "█━⠋")
        rich = RichProgress(
            SpinnerColumn("line" if ascii_only else "dots"),
            TextColumn("{task.description}", markup=False),
            _when_counted(BarColumn(bar_width=30)),
            _when_counted(
                TextColumn("{task.completed}/{task.total}", markup=False, style="progress.download")
            ),
            _when_counted(TextColumn("ETA")),
            _when_counted(TimeRemainingColumn(compact=True)),
            TextColumn(
                "{task.fields[what]}",
                markup=False,
                table_column=Column(no_wrap=True, overflow="ellipsis"),
            ),
            console=console,
            transient=True,
            auto_refresh=False,
            redirect_stdout=False,  # done here: rich's proxy makes click bypass it
            redirect_stderr=False,
            expand=False,
        )
        rich.start()
        self._task = rich.add_task("planning…", total=None, what="")
        # What is printed meanwhile (click.echo, the log) goes above the display: stderr,
        # and stdout when it is this terminal too (a pipe keeps its lines).
        self._restore = (sys.stdout, sys.stderr)
        if _isatty(sys.stdout):
            sys.stdout = _above(console, sys.stdout)
        sys.stderr = _above(console, sys.stderr)
        # The log writes above the display too (through that stderr).
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream in (
                self.stream,
                raw,
            ):
                self._handlers.append((handler, handler.setStream(sys.stderr)))
        self._rich = rich
        self._ticker = _Ticker(self._redraw)

    def _redraw(self) -> None:
        with self._lock:
            rich = self._rich
        if rich is not None:
            try:
                rich.refresh()
            except (OSError, ValueError):
                self.enabled = False


def _above(console: Any, stream: TextIO) -> TextIO:
    """``stream`` printing its lines above the live display (rich's ``FileProxy``, with the
    ``encoding`` click needs to write to it rather than past it, to the bytes below)."""
    from rich.file_proxy import FileProxy

    class Above(FileProxy):
        @property
        def encoding(self) -> str:  # type: ignore[override]
            return str(getattr(stream, "encoding", None) or "utf-8")

        @property
        def errors(self) -> str | None:  # type: ignore[override]
            return getattr(stream, "errors", None)

    return Above(console, stream)  # type: ignore[return-value]


def _when_counted(column: Any) -> Any:
    """``column``, shown once the run has a total (blank while it plans)."""
    render = column.render

    def when_counted(task: Any) -> Any:
        if task.total is None:
            from rich.text import Text

            return Text("")
        return render(task)

    column.render = when_counted
    return column


def progress_bar(
    *, quiet: bool = False, as_json: bool = False, label: str = "sync", ci: bool = False
) -> Progress:
    """The display for a command: on stderr, enabled only where :func:`progress_enabled` says."""
    return Progress(
        sys.stderr,
        enabled=progress_enabled(sys.stderr, quiet=quiet, as_json=as_json, ci=ci),
        label=label,
        quiet=quiet or as_json,
    )
