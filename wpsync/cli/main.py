"""The ``wpsync`` click group: the global options and the version; every command lives in
its own module (``wpsync.cli.<command>``), listed here and imported when it runs.

Exit codes (:mod:`wpsync.cli.common`): 0 everything synced · 1 some files failed or
conflicted (the rest synced), a path that does not exist, or a safety check refused ·
2 configuration, authentication or state error · 130 interrupted (Ctrl-C), after a clean
stop.

The global options (-v, -q, --color) are accepted after the command's name too
(``wpsync sync -v``); without --config, ``config.toml`` is looked for in the working
folder, then in each folder above it, as git looks for ``.git``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wpsync import __version__

if TYPE_CHECKING:
    from wpsync.cli.common import Globals

#: every command: its name → how it is loaded.  A command's module is imported only when
#: that command runs (or ``--help`` lists them): ``wpsync --version`` and a git hook's
#: ``wpsync sync`` load no other command's imports.
COMMANDS: tuple[str, ...] = (
    "completion",
    "doctor",
    "hook",
    "init",
    "plan",
    "pull",
    "render",
    "resolve",
    "state",
    "sync",
    "trust",
    "watch",
)


def _load(name: str) -> click.Command:
    """The command ``name`` (one of :data:`COMMANDS`), its module imported now."""
    if name == "completion":
        from wpsync.cli.completion import completion as command
    elif name == "doctor":
        from wpsync.cli.doctor import doctor as command
    elif name == "hook":
        from wpsync.cli.hook import hook as command
    elif name == "init":
        from wpsync.cli.init import init as command
    elif name == "plan":
        from wpsync.cli.plan import plan as command
    elif name == "pull":
        from wpsync.cli.pull import pull as command
    elif name == "render":
        from wpsync.cli.render import render as command
    elif name == "resolve":
        from wpsync.cli.resolve import resolve as command
    elif name == "state":
        from wpsync.cli.state import state as command
    elif name == "sync":
        from wpsync.cli.sync import sync as command
    elif name == "trust":
        from wpsync.cli.trust import trust as command
    elif name == "watch":
        from wpsync.cli.watch import watch as command
    else:
        raise KeyError(name)
    return command


class WpsyncGroup(click.Group):
    """The group: its commands loaded when first named (:data:`COMMANDS`); each run without
    the HTTP stack's unused optional imports (:mod:`wpsync.wordpress.unused`: this is
    wpsync's own process); Ctrl-C ends a command with exit status 130 once it has stopped
    cleanly (its ``finally`` blocks run: the lock released, the state written), without
    click's "Aborted!"."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            command = _load(cmd_name)
            _global_options(command)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The program's own run (a test's CliRunner calls :meth:`main` instead): a
        one-shot command that has finished leaves without the interpreter's teardown
        (exiting.py)."""
        try:
            return self.main(*args, **kwargs)
        except SystemExit as exc:
            # only a one-shot command loads exiting.py (``--version`` and ``--help`` don't)
            exiting = sys.modules.get("wpsync.cli.exiting")
            if exiting is not None:
                exiting.leave(exc.code)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        from wpsync.wordpress.unused import left_out

        try:
            with left_out():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            from wpsync.cli.common import EXIT_INTERRUPTED

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
    import dataclasses

    from wpsync.cli.common import Globals

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
    from wpsync.cli.common import Globals, find_config
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


if __name__ == "__main__":  # pragma: no cover
    main()
