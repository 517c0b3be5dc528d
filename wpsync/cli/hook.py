"""``wpsync hook install|uninstall``: the commands over :mod:`wpsync.triggers.hooks`."""

from __future__ import annotations

import sys

import click

from wpsync.cli.common import Globals, fail, load
from wpsync.errors import WpsyncError

HOOK_CHOICE = click.Choice(["post-commit", "pre-push"])


@click.group()
def hook() -> None:
    """Git hooks that publish what a commit or a push changed.

    \b
    Example:
      wpsync hook install              # post-commit: publish each commit's Markdown files
      wpsync hook install pre-push     # or: publish what is pushed
      wpsync hook uninstall            # remove wpsync's part of every hook
    """


@hook.command()
@click.argument("name", type=HOOK_CHOICE, default="post-commit")
@click.option(
    "--blocking",
    is_flag=True,
    help="pre-push only: a failed publish stops the push (default: warn and push).",
)
@click.pass_obj
def install(g: Globals, name: str, blocking: bool) -> None:
    """Add wpsync to the repository's NAME hook (default post-commit).

    The hook runs `wpsync sync --changed` for the commit just made (post-commit) or the
    commits being pushed (pre-push). An existing hook keeps its content: wpsync adds one
    marked block, and installing again only refreshes that block. A post-commit hook
    cannot undo or block a commit; if publishing fails it prints how to retry.

    \b
    Example:
      wpsync hook install
      wpsync -c blog/config.toml hook install pre-push --blocking
    """
    from wpsync.triggers.hooks import install as install_hook

    try:
        config = load(g)
        result = install_hook(config.content.dir, name, g.config_path, blocking=blocking)
    except WpsyncError as exc:
        fail(exc)
    if result.warning:
        click.echo(f"warning: {result.warning}", err=True)
    if g.verbosity >= 0:
        click.echo(f"{result.action} {result.path}")
    sys.exit(0)


@hook.command()
@click.argument("name", type=HOOK_CHOICE, required=False)
@click.pass_obj
def uninstall(g: Globals, name: str | None) -> None:
    """Remove wpsync's block from the NAME hook (default: from both).

    Whatever else the hook holds stays; a hook file wpsync created and that holds nothing
    else is deleted.

    \b
    Example:
      wpsync hook uninstall pre-push
    """
    from wpsync.triggers.hooks import HOOKS
    from wpsync.triggers.hooks import uninstall as uninstall_hook

    try:
        config = load(g)
        results = [uninstall_hook(config.content.dir, h) for h in ([name] if name else HOOKS)]
    except WpsyncError as exc:
        fail(exc)
    if g.verbosity >= 0:
        for result in results:
            if result.action == "removed" or name:
                click.echo(f"{result.action} {result.path}")
    sys.exit(0)
