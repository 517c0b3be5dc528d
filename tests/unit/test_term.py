"""Colour only on a terminal and never with NO_COLOR (--color decides when given); the
progress display only for a person, rich imported only for a run with work."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time

from wpsync.cli.terminal import Progress, colour_enabled, paint, progress_enabled
from wpsync.engine.plan import Create, Keep
from wpsync.engine.report import Phase


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_needs_a_terminal_and_no_no_color() -> None:
    assert colour_enabled(Tty(), env={})
    assert not colour_enabled(Tty(), env={"NO_COLOR": "1"})
    assert not colour_enabled(Tty(), env={"TERM": "dumb"})
    assert not colour_enabled(io.StringIO(), env={})
    assert paint("x", "red", False) == "x" and paint("x", "red", True) == "\x1b[31mx\x1b[0m"


def test_color_always_and_never_override_the_terminal_and_no_color() -> None:
    assert colour_enabled(io.StringIO(), env={"NO_COLOR": "1"}, choice="always")
    assert not colour_enabled(Tty(), env={}, choice="never")
    assert colour_enabled(Tty(), env={}, choice="auto")


def test_no_progress_in_ci_hooks_pipes_quiet_or_json() -> None:
    assert progress_enabled(Tty(), env={})
    for env in (
        {"CI": "true"},
        {"GIT_DIR": ".git"},
        {"GIT_INDEX_FILE": "x"},
        {"WPSYNC_NO_PROGRESS": "1"},
    ):
        assert not progress_enabled(Tty(), env=env), env
    assert not progress_enabled(io.StringIO(), env={})
    assert not progress_enabled(Tty(), quiet=True, env={})
    assert not progress_enabled(Tty(), as_json=True, env={})


def _keep() -> Keep:
    return Keep.__new__(Keep)  # only its type matters to the display


def test_begin_says_planning_at_once_and_a_no_op_run_erases_it_without_rich() -> None:
    code = """
import io, sys
from wpsync.cli.terminal import Progress
class Tty(io.StringIO):
    def isatty(self): return True
out = Tty()
bar = Progress(out, colour=False).begin()
assert "planning" in out.getvalue(), out.getvalue()
bar.on_plan([])
bar.finish()
assert out.getvalue().endswith("\\r\\x1b[K"), repr(out.getvalue())
assert "rich" not in sys.modules, "rich imported on a run with nothing to do"
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_plan_of_only_unchanged_files_draws_nothing() -> None:
    out = Tty()
    bar = Progress(out, colour=False)
    bar.on_plan([_keep(), _keep()])
    bar.wrap(None)(object())
    bar.finish()
    assert out.getvalue() == "" and not bar.drawn and bar.done == 1


def test_the_spinner_names_the_step_and_stops_its_thread_for_a_step_that_forks() -> None:
    out = Tty()
    bar = Progress(out, colour=False)
    before = threading.active_count()
    with bar:
        bar.on_phase(Phase("waiting for the lock held by pid 4242…", waiting=True))
        assert "waiting for the lock held by pid 4242" in out.getvalue()
        assert threading.active_count() == before + 1  # the spinner turns
        bar.on_phase(Phase("reading 300 files…", forks=True))
        assert "reading 300 files" in out.getvalue()
        assert threading.active_count() == before  # the read pool may fork
        bar.on_plan([Create.__new__(Create), _keep()])
        time.sleep(0.25)
        assert "0/2" in out.getvalue() and "ETA" in out.getvalue()
        bar.advance("a.md")
        bar._redraw()
        assert "1/2" in out.getvalue() and "a.md" in out.getvalue()
    assert threading.active_count() == before


def test_without_a_display_only_a_lock_wait_is_said_in_a_plain_line() -> None:
    out = io.StringIO()
    bar = Progress(out, enabled=False).begin()
    bar.on_phase(Phase("reading 3 files…", forks=True))
    bar.on_phase(Phase("waiting for the lock held by pid 7…", waiting=True))
    bar.on_plan([Create.__new__(Create)])
    seen: list[object] = []
    bar.wrap(seen.append)("x")
    bar.finish()
    assert out.getvalue() == "waiting for the lock held by pid 7…\n" and seen == ["x"]
    quiet = io.StringIO()
    Progress(quiet, enabled=False, quiet=True).on_phase(Phase("waiting…", waiting=True))
    assert quiet.getvalue() == ""
