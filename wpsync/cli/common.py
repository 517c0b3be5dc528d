"""Options shared by several commands."""

from __future__ import annotations

import click

lock_timeout_option = click.option(
    "--lock-timeout",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds to wait for another wpsync process on this folder.",
)
