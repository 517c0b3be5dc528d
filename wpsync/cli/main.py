"""The ``wpsync`` click group: the global options and the version; every command lives in
its own module (``wpsync.cli.<command>``) and is registered here.

Exit codes (:mod:`wpsync.cli.common`): 0 everything synced · 1 some files failed or
conflicted (the rest synced), or a safety check refused · 2 configuration, authentication
or state error.
"""

from __future__ import annotations

from pathlib import Path

import click

from wpsync import __version__
from wpsync.cli.common import Globals
from wpsync.cli.doctor import doctor
from wpsync.cli.hook import hook
from wpsync.cli.init import init
from wpsync.cli.plan import plan
from wpsync.cli.pull import pull
from wpsync.cli.render import render
from wpsync.cli.resolve import resolve
from wpsync.cli.state import state
from wpsync.cli.sync import sync
from wpsync.cli.trust import trust
from wpsync.cli.watch import watch


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="wpsync")
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("config.toml"),
    show_default=True,
    envvar="WPSYNC_CONFIG",
    help="Configuration file (env WPSYNC_CONFIG).",
)
@click.option("-v", "--verbose", count=True, help="More output (-vv: debug, HTTP included).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.option(
    "--ci",
    is_flag=True,
    help="Plain output for CI logs (also when CI or GITHUB_ACTIONS is set): no colour, "
    "no progress bar, one line per file, a summary.",
)
@click.pass_context
def main(ctx: click.Context, config_path: Path, verbose: int, quiet: bool, ci: bool) -> None:
    """Keep a WordPress site in step with a folder of Markdown files.

    \b
    Example:
      export WPSYNC_PASSWORD=…   # the WordPress password (never in config.toml)
      wpsync sync                # publish ./content as configured in ./config.toml
    """
    from wpsync.cli.terminal import ci_mode
    from wpsync.logsetup import configure

    verbosity = -1 if quiet else verbose
    configure(verbosity)
    ctx.obj = Globals(config_path=config_path, verbosity=verbosity, ci=ci_mode(ci))


main.add_command(sync)
main.add_command(doctor)
main.add_command(init)
main.add_command(plan)
main.add_command(pull)
main.add_command(hook)
main.add_command(watch)
main.add_command(state)
main.add_command(render)
main.add_command(resolve)
main.add_command(trust)

if __name__ == "__main__":  # pragma: no cover
    main()
