"""``wpsync resolve``: the command over :func:`wpsync.adopt.resolve.run_resolve`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wpsync.cli.common import Globals, fail, load, lock_timeout_option
from wpsync.errors import WpsyncError

if TYPE_CHECKING:
    from wpsync.adopt.resolve import Resolved


def _print(result: Resolved, colour: bool) -> None:
    from wpsync.cli.terminal import paint, shown

    ident = f" #{result.post_id}" if result.post_id else ""
    line = f"{result.action:<11} {shown(result.path)}{ident}: {shown(result.detail)}"
    click.echo(line, err=result.action == "failed")
    for diff_line in result.diff.splitlines():
        colour_name = (
            "bold"
            if diff_line.startswith(("+++", "---"))
            else "green"
            if diff_line.startswith("+")
            else "red"
            if diff_line.startswith("-")
            else "dim"
            if diff_line.startswith("@@")
            else ""
        )
        click.echo("            " + paint(diff_line, colour_name, colour))


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--keep-local", "keep_local", is_flag=True, help="Send the file over WordPress's version."
)
@click.option(
    "--keep-remote",
    "keep_remote",
    is_flag=True,
    help="Write WordPress's version into the file (front matter and body).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with each file.")
@lock_timeout_option
@click.pass_obj
def resolve(
    g: Globals,
    paths: tuple[Path, ...],
    keep_local: bool,
    keep_remote: bool,
    as_json: bool,
    lock_timeout: float,
) -> None:
    """Settle the conflict of PATHS with their posts edited, trashed or deleted in WordPress.

    --keep-remote writes WordPress's version into each file (front matter and body,
    converted as `wpsync pull` converts a post; block markup that has no Markdown form is
    kept as HTML), shows the change as a diff, and records the file as in sync: the next
    sync sends nothing.  --keep-local sends each file over WordPress's version (as
    `wpsync sync --overwrite PATH`); a post trashed or deleted in WordPress is published
    again.  Exit status 1 when a file could not be resolved.

    \b
    Example:
      wpsync plan                              # conflict  hello.md: edited on the site …
      wpsync plan --diff hello.md              # both sides
      wpsync resolve hello.md --keep-remote    # take WordPress's version into the file
      wpsync resolve hello.md --keep-local     # or publish the file over it
    """
    from wpsync.adopt.resolve import run_resolve
    from wpsync.cli.terminal import colour_enabled

    if keep_local == keep_remote:
        raise click.UsageError("give one of --keep-local or --keep-remote")
    colour = colour_enabled(sys.stdout, ci=g.ci)
    try:
        config = load(g)
        report = run_resolve(
            config,
            paths,
            "local" if keep_local else "remote",
            lock_timeout=lock_timeout,
            on_result=None if as_json else (lambda r: _print(r, colour)),
        )
    except WpsyncError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps(report.to_json()))
    sys.exit(report.exit_code)
