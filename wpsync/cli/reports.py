"""Reports more than one command prints: the doctor report (``wpsync doctor``, and
``wpsync init`` after writing the configuration)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wpsync.cli.terminal import paint

if TYPE_CHECKING:
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
