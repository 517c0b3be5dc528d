"""``wpsync doctor``: the command over :mod:`wpsync.wordpress.doctor`."""

from __future__ import annotations

import json
import sys

import click

from wpsync.cli.common import Globals, fail, load
from wpsync.errors import WpsyncError


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every check.")
@click.pass_obj
def doctor(g: Globals, as_json: bool) -> None:
    """Check the set-up: site, REST API, auth plugin, credentials, header, clock, rights,
    and the folder against those rights.

    Each check prints ✓ (fine), ! (works, but worth knowing), ✗ (a sync would fail: the
    fix is printed below it) or - (not checked because an earlier step failed).  Nothing
    is written, to WordPress or to disk.  The last two checks read the files the next
    sync would send and name each one the user may not send (a page for an Author, a new
    category without manage_categories…) and the front-matter authors that are not users
    of the site.  Exit status 1 if any check fails, 2 if the
    configuration cannot be read.  With -q only the failed checks are printed (nothing
    when all is well).

    \b
    Example:
      export WPSYNC_PASSWORD=…          # the WordPress password
      wpsync doctor                     # all ✓? then `wpsync sync` will work
      wpsync doctor --json | jq '.checks[] | select(.status == "fail")'
    """
    from wpsync.cli.reports import render_report
    from wpsync.cli.terminal import can_encode, colour_enabled
    from wpsync.engine.readiness import with_folder_checks
    from wpsync.wordpress.doctor import run_doctor

    try:
        config = load(g)
        report = with_folder_checks(config, run_doctor(config))
    except WpsyncError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps(report.to_json()))
    else:
        out = sys.stdout
        text = render_report(
            report,
            colour=colour_enabled(out),
            unicode=can_encode(out, "✓✗…→"),
            problems_only=g.verbosity < 0,
        )
        if text:
            click.echo(text)
    sys.exit(report.exit_code)
