"""The ``wpsync`` click group: the global options and the version; every command lives in
its own module (``wpsync.cli.<command>``) and is registered here.

Exit codes (:mod:`wpsync.cli.common`): 0 everything synced · 1 some files failed or
conflicted (the rest synced), a path that does not exist, or a safety check refused ·
2 configuration, authentication or state error · 130 interrupted (Ctrl-C), after a clean
stop.

The global options (-v, -q, --color) are accepted after the command's name too
(``wpsync sync -v``); without --config, ``config.toml`` is looked for in the working
folder, then in each folder above it, as git looks for ``.git``.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import click

from wpsync import __version__
from wpsync.cli.common import EXIT_INTERRUPTED, Globals, find_config
from wpsync.cli.completion import completion
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


class WpsyncGroup(click.Group):
    """The group: Ctrl-C ends a command with exit status 130 once it has stopped cleanly
    (its ``finally`` blocks run: the lock released, the state written), without click's
    "Aborted!"."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The program's own run (a test's CliRunner calls :meth:`main` instead): a
        one-shot command that has finished leaves without the interpreter's teardown
        (exiting.py)."""
        try:
            return self.main(*args, **kwargs)
        except SystemExit as exc:
            from wpsync.cli.exiting import leave

            leave(exc.code)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)


COLOR_CHOICE = click.Choice(["auto", "always", "never"])
VERBOSE_HELP = "More output: -v what is done, -vv debug, -vvv the libraries' debug (HTTP) too."
QUIET_HELP = "Only errors."
COLOR_HELP = "Colour: auto (a terminal, unless NO_COLOR is set), always or never."


def _configure(ctx: click.Context, g: Globals) -> None:
    from wpsync.cli.terminal import set_colour_choice
    from wpsync.logsetup import configure

    set_colour_choice(g.color)  # type: ignore[arg-type]
    if g.color != "auto":  # else click strips colour from what is not a terminal
        ctx.color = g.color == "always"
    configure(g.verbosity)


def _after_command(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """-v, -q or --color given after the command's name: added to the group's."""
    g = ctx.find_object(Globals)
    if g is None or value in (None, 0, False):
        return
    if param.name == "verbose":
        g = dataclasses.replace(g, verbosity=-1 if g.verbosity < 0 else g.verbosity + value)
    elif param.name == "quiet":
        g = dataclasses.replace(g, verbosity=-1)
    elif param.name == "color":
        g = dataclasses.replace(g, color=value)
    ctx.obj = g
    _configure(ctx, g)


def _global_options(command: click.Command) -> None:
    """Every command (a group's subcommands too) accepts -v, -q and --color."""
    command.params.extend(
        [
            click.Option(
                ["-v", "--verbose"],
                count=True,
                expose_value=False,
                callback=_after_command,
                help=VERBOSE_HELP,
            ),
            click.Option(
                ["-q", "--quiet"],
                is_flag=True,
                expose_value=False,
                callback=_after_command,
                help=QUIET_HELP,
            ),
            click.Option(
                ["--color"],
                type=COLOR_CHOICE,
                default=None,
                expose_value=False,
                callback=_after_command,
                help=COLOR_HELP,
            ),
        ]
    )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _global_options(sub)


@click.group(
    cls=WpsyncGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "-V", "--version", prog_name="wpsync")
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    envvar="WPSYNC_CONFIG",
    help="Configuration file (env WPSYNC_CONFIG). Default: config.toml here or in the "
    "nearest folder above.",
)
@click.option("-v", "--verbose", count=True, help=VERBOSE_HELP)
@click.option("-q", "--quiet", is_flag=True, help=QUIET_HELP)
@click.option("--color", type=COLOR_CHOICE, default="auto", show_default=True, help=COLOR_HELP)
@click.option(
    "--ci",
    is_flag=True,
    help="Plain output for CI logs (also when CI or GITHUB_ACTIONS is set): no colour, "
    "no progress bar, one line per file, a summary.",
)
@click.pass_context
def main(
    ctx: click.Context, config_path: Path | None, verbose: int, quiet: bool, color: str, ci: bool
) -> None:
    """Keep a WordPress site in step with a folder of Markdown files.

    \b
    Example:
      export WPSYNC_PASSWORD=…   # the WordPress password (never in config.toml)
      wpsync sync                # publish ./content as configured in ./config.toml
    """
    from wpsync.cli.terminal import ci_mode

    g = Globals(
        config_path=config_path or find_config(Path.cwd()),
        verbosity=-1 if quiet else verbose,
        ci=ci_mode(ci),
        color=color,
        config_searched=config_path is None,
    )
    _configure(ctx, g)
    ctx.obj = g


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
main.add_command(completion)
for _command in main.commands.values():
    _global_options(_command)

if __name__ == "__main__":  # pragma: no cover
    main()
