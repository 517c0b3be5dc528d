"""``wpsync state …``: the commands over :mod:`wpsync.adopt.rebuild`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from wpsync.cli.common import Globals, fail, load, lock_timeout_option
from wpsync.errors import WpsyncError

if TYPE_CHECKING:
    from wpsync.adopt.rebuild import RebuildReport, Relinked


@click.group()
def state() -> None:
    """The state file: which WordPress post each file became.

    \b
    Example:
      wpsync state rebuild --dry-run    # what a rebuild would link
    """


@state.command()
@click.option("--dry-run", "-n", is_flag=True, help="Show what would be linked; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every file.")
@lock_timeout_option
@click.pass_obj
def rebuild(g: Globals, dry_run: bool, as_json: bool, lock_timeout: float) -> None:
    """Re-link every file to its post in WordPress, creating nothing.

    For a state file that is lost or unreadable ("state file … is unreadable"). Files are
    linked by the old mapping as far as the old file can be read, else by slug; each
    post is compared with its file: one that matches is recorded as synced (the next
    sync reports it unchanged), one that differs is listed and updated by the next sync,
    one edited in WordPress since wpsync sent it (told by the fingerprint wpsync leaves
    in each post) is listed as a conflict and left for the next sync to report, a file
    without a post is created by the next sync. The old file is moved aside
    (state.sqlite.corrupt-<time>, or .old-<time> when it was readable).

    \b
    Example:
      wpsync state rebuild --dry-run    # what would be linked, what differs
      wpsync state rebuild              # write the new state
      wpsync sync --dry-run             # then: only the files that differ are sent
    """
    from wpsync.adopt.rebuild import rebuild_state

    try:
        config = load(g)
        report = rebuild_state(config, dry_run=dry_run, lock_timeout=lock_timeout)
    except WpsyncError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps(report.to_json()))
        sys.exit(report.exit_code)
    for result in report.files:
        _print(result, g.verbosity)
    data = report.to_json()
    parts = [
        f"{data[k]} {k}" for k in ("linked", "differs", "conflict", "new", "failed") if data[k]
    ]
    prefix = "plan: " if dry_run else ""
    click.echo(prefix + (", ".join(parts) or "no files") + _old_state(report))
    sys.exit(report.exit_code)


def _print(result: Relinked, verbosity: int) -> None:
    ident = f" #{result.post_id}" if result.post_id else ""
    how = f" (by {result.how})" if result.how else ""
    if result.outcome == "failed":
        click.echo(f"failed    {result.rel}: {result.detail}", err=True)
    elif result.outcome == "linked":
        if verbosity >= 1:
            click.echo(f"linked    {result.rel}{ident}{how}")
    else:
        click.echo(f"{result.outcome:<9} {result.rel}{ident}{how}: {result.detail}")


def _old_state(report: RebuildReport) -> str:
    if report.moved_to:
        return f"; the old state file was moved to {report.moved_to}"
    if report.old_state == "corrupt":
        return "; the old state file is unreadable (--dry-run: left as it is)"
    return ""
