"""``wpsync doctor``: the command over :mod:`wpsync.wordpress.doctor`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from wpsync.errors import WpsyncError

if TYPE_CHECKING:
    from wpsync.cli.main import Globals
    from wpsync.wordpress.doctor.report import DoctorReport

SYMBOLS = {
    "ok": ("✓", "green"),
    "warn": ("!", "yellow"),
    "fail": ("✗", "red"),
    "skip": ("-", "dim"),
}
ASCII = {"ok": "ok", "warn": "!!", "fail": "XX", "skip": "--"}


def render_report(
    report: DoctorReport, *, colour: bool, unicode: bool = True, problems_only: bool = False
) -> str:
    """The report as the terminal shows it: one line per check, its fix indented below
    (``problems_only``: the ✗ lines alone, for -q)."""
    from wpsync.cli.terminal import paint

    width = max(len(c.title) for c in report.checks)
    lines = [f"wpsync doctor: {report.site} ({report.auth}, user {report.username!r})"]
    for check in report.checks:
        if problems_only and check.status != "fail":
            continue
        mark, colour_name = SYMBOLS[check.status]
        if not unicode:
            mark = ASCII[check.status]
        lines.append(
            f"  {paint(mark, colour_name, colour)} {check.title:<{width}}  {check.message}"
        )
        if check.fix and check.status in ("fail", "warn"):
            pad = " " * (width + 6)
            fix_lines = check.fix.splitlines()
            lines.append(pad + paint("fix: ", "bold", colour) + fix_lines[0])
            lines.extend(pad + "     " + line for line in fix_lines[1:])
        elif check.fix and check.status == "ok":
            lines.append(" " * (width + 6) + paint(check.fix, "dim", colour))
    failures = sum(1 for c in report.checks if c.status == "fail")
    warnings = sum(1 for c in report.checks if c.status == "warn")
    if failures:
        lines.append(
            paint(f"{failures} problem{'s' if failures > 1 else ''} to fix", "red", colour)
            + (f", {warnings} warning{'s' if warnings > 1 else ''}" if warnings else "")
            + "."
        )
    elif problems_only:
        return ""
    else:
        lines.append(
            paint("Ready to sync", "green", colour)
            + (f" ({warnings} warning{'s' if warnings > 1 else ''})" if warnings else "")
            + "."
        )
    return "\n".join(lines)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every check.")
@click.pass_obj
def doctor(g: Globals, as_json: bool) -> None:
    """Check the set-up: site, REST API, auth plugin, credentials, header, clock, rights.

    Each check prints ✓ (fine), ! (works, but worth knowing), ✗ (a sync would fail: the
    fix is printed below it) or - (not checked because an earlier step failed).  Nothing
    is written, to WordPress or to disk.  Exit status 1 if any check fails, 2 if the
    configuration cannot be read.  With -q only the failed checks are printed (nothing
    when all is well).

    \b
    Example:
      export WPSYNC_PASSWORD=…          # the WordPress password
      wpsync doctor                     # all ✓? then `wpsync sync` will work
      wpsync doctor --json | jq '.checks[] | select(.status == "fail")'
    """
    from wpsync.cli.main import _fail, _load
    from wpsync.cli.terminal import can_encode, colour_enabled
    from wpsync.wordpress.doctor import run_doctor

    try:
        config = _load(g)
        report = run_doctor(config)
    except WpsyncError as exc:
        _fail(exc, as_json)
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
