"""CI mode (``--ci`` or a CI environment): plain output."""

from __future__ import annotations

import io

from wpsync.cli.terminal import ci_mode, colour_enabled, progress_enabled


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ci_mode_from_the_flag_or_the_environment() -> None:
    assert ci_mode(True, env={})
    assert not ci_mode(False, env={})
    assert ci_mode(False, env={"CI": "true"})
    assert ci_mode(False, env={"GITHUB_ACTIONS": "true"})
    assert ci_mode(False, env={"GITLAB_CI": "true"})
    assert not ci_mode(False, env={"CI": "false"})
    assert not ci_mode(False, env={"CI": "0"})
    assert not ci_mode(False, env={"CI": ""})


def test_ci_mode_has_no_colour_and_no_progress_bar_even_at_a_terminal() -> None:
    assert colour_enabled(Tty(), env={})
    assert not colour_enabled(Tty(), env={}, ci=True)
    assert progress_enabled(Tty(), env={})
    assert not progress_enabled(Tty(), env={}, ci=True)
