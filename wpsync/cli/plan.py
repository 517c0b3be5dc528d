"""``wpsync plan``: the command over :func:`wpsync.engine.preview.run_plan`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wpsync.cli.common import Globals, fail, load, lock_timeout_option
from wpsync.errors import WpsyncError

if TYPE_CHECKING:
    from wpsync.engine.preview import FilePlan

COLOURS = {
    "create": "green",
    "update": "yellow",
    "delete": "red",
    "conflict": "red",
    "failed": "red",
    "unchanged": "dim",
}


def render_plan(plan: FilePlan, *, colour: bool, diff: bool) -> list[str]:
    from wpsync.cli.terminal import paint, shown

    ident = f" #{plan.post_id}" if plan.post_id else ""
    lines = [
        f"{paint(f'{plan.action:<9}', COLOURS[plan.action], colour)} "
        f"{shown(plan.path)}{ident}: {shown(plan.reason)}"
    ]
    if not diff:
        return lines
    pad = " " * 10
    for change in plan.changes:
        if change.field == "content":
            continue
        lines.append(
            f"{pad}{change.field}: {shown(repr(change.remote))} → {shown(repr(change.local))}"
        )
    if plan.note:
        lines.append(f"{pad}({shown(plan.note)})")
    for line in plan.diff.splitlines():
        if line.startswith(("+++", "---")):
            lines.append(pad + paint(line, "bold", colour))
        elif line.startswith("+"):
            lines.append(pad + paint(line, "green", colour))
        elif line.startswith("-"):
            lines.append(pad + paint(line, "red", colour))
        elif line.startswith("@@"):
            lines.append(pad + paint(line, "dim", colour))
        else:
            lines.append(pad + line)
    return lines


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--diff", "show_diff", is_flag=True, help="Show changed fields and a diff of the content."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the plan.")
@lock_timeout_option
@click.pass_obj
def plan(
    g: Globals, paths: tuple[Path, ...], show_diff: bool, as_json: bool, lock_timeout: float
) -> None:
    """Show what `wpsync sync` would do, file by file, and why; change nothing.

    Each file is listed as create, update, delete, conflict or failed with the reason
    (unchanged files too with -v), after a line naming the dialect the folder is read
    in and why (`[content] dialect`).  --diff adds, for updates and conflicts, the fields
    that differ from the post in WordPress and a unified diff of the content.  Only
    reads from WordPress: a user without write rights can plan.  A file the user may
    not sync (a page for an Author, a new category…) is listed as failed with the
    capability it needs; front-matter authors that are no user of the site are listed
    with their post counts.  Same as `wpsync sync --dry-run`, in more detail.  Exit
    status 1 when a sync would leave a file failed or in conflict.

    \b
    Example:
      wpsync plan                       # what the next sync would do
      wpsync plan --diff hello.md       # and what exactly would change in that post
      wpsync plan --json | jq '.files[] | select(.action == "conflict")'
    """
    from wpsync.cli.terminal import colour_enabled, shown
    from wpsync.engine.preview import run_plan, summary_line

    try:
        config = load(g)
        report = run_plan(config, paths=paths or None, diff=show_diff, lock_timeout=lock_timeout)
    except WpsyncError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps(report.to_json()))
        sys.exit(report.exit_code)
    colour = colour_enabled(sys.stdout)
    if report.dialect is not None and g.verbosity >= 0:
        click.echo(f"dialect: {report.dialect.dialect} ({shown(report.dialect.reason)})")
    for item in report.files:
        if item.action == "unchanged" and g.verbosity < 1:
            continue
        if g.verbosity < 0 and item.action not in ("failed", "conflict"):
            continue
        for line in render_plan(item, colour=colour, diff=show_diff):
            click.echo(line)
    if report.unknown_authors and g.verbosity >= 0:
        names = ", ".join(
            f"{name} ({count} post{'' if count == 1 else 's'})"
            for name, count in report.unknown_authors
        )
        click.echo(
            f"unknown authors: {shown(names)} — published as {config.site.username!r}; "
            "map them under [authors] in config.toml"
        )
    if g.verbosity >= 0:
        click.echo(summary_line(report.counts))
    sys.exit(report.exit_code)
