"""Colour only on a terminal and never with NO_COLOR; the progress bar only for a person."""

from __future__ import annotations

import io

from wpsync.cli.terminal import CLEAR_LINE, Progress, colour_enabled, paint, progress_enabled


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_needs_a_terminal_and_no_no_color() -> None:
    assert colour_enabled(Tty(), env={})
    assert not colour_enabled(Tty(), env={"NO_COLOR": "1"})
    assert not colour_enabled(Tty(), env={"TERM": "dumb"})
    assert not colour_enabled(io.StringIO(), env={})
    assert paint("x", "red", False) == "x" and paint("x", "red", True) == "\x1b[31mx\x1b[0m"


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


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_quick_run_draws_nothing_a_long_one_draws_and_clears() -> None:
    clock, out = Clock(), Tty()
    bar = Progress(out, delay=0.5, clock=clock)
    bar.on_plan([1, 2, 3, 4])
    bar.advance("a.md")
    assert out.getvalue() == ""  # before the delay
    clock.now = 1.0
    bar.advance("b.md")
    assert "2/4" in out.getvalue() and "b.md" in out.getvalue()
    printed: list[str] = []
    on_result = bar.wrap(lambda r: printed.append(r))
    clock.now = 2.0
    on_result("c.md")
    assert printed == ["c.md"] and bar.done == 3
    bar.finish()
    assert out.getvalue().endswith(CLEAR_LINE)


def test_a_disabled_bar_writes_nothing_but_still_calls_through() -> None:
    clock, out = Clock(), Tty()
    bar = Progress(out, enabled=False, clock=clock)
    seen: list[str] = []
    clock.now = 10
    bar.on_plan([1])
    bar.wrap(seen.append)("x")
    bar.finish()
    assert seen == ["x"] and out.getvalue() == ""
