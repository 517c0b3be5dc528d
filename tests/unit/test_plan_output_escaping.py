"""A file name or a server's text cannot forge lines or send terminal escapes through
``wpsync plan``'s output."""

from __future__ import annotations

from wpsync.cli.plan import render_plan
from wpsync.engine.preview import FilePlan


def test_a_file_name_with_a_newline_and_an_escape_stays_on_one_line() -> None:
    plan = FilePlan(
        path="evil\nupdate    forged.md #1: looks real\x1b[2J.md",
        action="create",
        post_id=None,
        reason="new file\x1b]0;title\x07",
    )
    [line] = render_plan(plan, colour=False, diff=False)
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line
    assert "evil\\nupdate" in line
