"""``wpsync completion bash|zsh|fish``: the shell's completion script (click's own)."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (commands, options, file names); install
    it once.

    \b
    Examples:
      wpsync completion bash > ~/.local/share/bash-completion/completions/wpsync
      wpsync completion zsh > ~/.zfunc/_wpsync    # fpath+=(~/.zfunc) in ~/.zshrc
      wpsync completion fish > ~/.config/fish/completions/wpsync.fish
    """
    from click.shell_completion import get_completion_class

    root = ctx.find_root()
    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - the choices are click's own shells
        raise click.UsageError(f"no completion for {shell}")
    script = cls(root.command, {}, "wpsync", "_WPSYNC_COMPLETE").source()
    click.echo(script)
