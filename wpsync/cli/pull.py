"""``wpsync pull``: the command over :func:`wpsync.adopt.pull.run_pull`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from wpsync.cli.common import Globals, fail, load, lock_timeout_option
from wpsync.errors import WpsyncError

if TYPE_CHECKING:
    from wpsync.adopt.pull import PulledFile


def _line(result: PulledFile, verbosity: int) -> None:
    where = f"{result.rest_base}/{result.post_id}"
    if result.action == "failed":
        click.echo(f"failed     {result.path} ({where}): {result.detail}", err=True)
    elif result.action == "skipped":
        if verbosity >= 0:
            click.echo(f"skipped    {result.path} ({where}): {result.detail}", err=True)
    elif verbosity >= 0:
        click.echo(f"{result.action:<10} {result.path} ← {where} ({result.detail})")


@click.command()
@click.option(
    "--type",
    "types",
    multiple=True,
    default=("posts", "pages"),
    show_default=True,
    metavar="REST_BASE",
    help="What to import: posts, pages or a custom type's REST base (repeat for several).",
)
@click.option("--dry-run", "-n", is_flag=True, help="List the files it would write; write nothing.")
@click.option("--force", is_flag=True, help="Replace local files that exist (never linked ones).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every file.")
@lock_timeout_option
@click.pass_obj
def pull(
    g: Globals,
    types: tuple[str, ...],
    dry_run: bool,
    force: bool,
    as_json: bool,
    lock_timeout: float,
) -> None:
    """Import the site's existing posts and pages as Markdown files, linked for sync.

    Every post not yet linked becomes <content>/<slug>.md (pages: pages/<slug>.md) with
    front matter: title, slug, type, status, date with its UTC offset, excerpt,
    categories (Parent/Child), tags, sticky, format, template, parent, menu_order.  The
    content is converted from HTML to Markdown; images stay where they are, referenced
    by URL.  Each file is linked in the state, so the next `wpsync sync` sends nothing
    and duplicates nothing.  An existing file is never overwritten without --force.

    \b
    Example:
      wpsync pull --dry-run             # what would be written
      wpsync pull                       # import posts and pages
      wpsync pull --type pages          # only pages
      wpsync sync                       # then: nothing to send
    """
    from wpsync.adopt.pull import run_pull

    printer = None if as_json else (lambda r: _line(r, g.verbosity))
    try:
        config = load(g)
        report = run_pull(
            config,
            types=types,
            dry_run=dry_run,
            force=force,
            lock_timeout=lock_timeout,
            on_result=printer,
        )
    except WpsyncError as exc:
        fail(exc, as_json)
    data = report.to_json()
    if as_json:
        click.echo(json.dumps(data))
    elif g.verbosity >= 0:
        verb = "would pull" if dry_run else "pulled"
        parts = [f"{data['pulled']} {verb}"]
        if data["skipped"]:
            parts.append(f"{data['skipped']} skipped")
        if data["failed"]:
            parts.append(f"{data['failed']} failed")
        if data["already_linked"]:
            parts.append(f"{data['already_linked']} already linked")
        click.echo(", ".join(parts))
    sys.exit(report.exit_code)
