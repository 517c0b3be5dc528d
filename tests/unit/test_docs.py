"""The documentation keeps up with the code (sqlite-utils' tests/test_docs.py idea): every
command — including the ones added later — is in README.md and has an example in its
--help, and every configuration key is in the configuration reference."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from wpsync.cli.main import main
from wpsync.config import schema

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def commands(
    group: click.Group = main, prefix: str = "wpsync"
) -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the group loads its commands when named
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


ALL = [("wpsync", main), *commands()]
KEYS = [f"{section}.{key}" for section, keys in schema().items() for key in keys]


def test_the_walk_finds_the_commands() -> None:
    names = {path for path, _ in ALL}
    assert {"wpsync sync", "wpsync plan", "wpsync doctor", "wpsync init", "wpsync pull"} <= names


@pytest.mark.parametrize("path", [p for p, _ in ALL if p != "wpsync"])
def test_every_command_is_in_the_readme(path: str) -> None:
    assert f"`{path}" in README, f"README.md does not document `{path}`"


@pytest.mark.parametrize(("path", "command"), ALL, ids=[p for p, _ in ALL])
def test_every_command_help_has_an_example(path: str, command: click.Command) -> None:
    lines = [line.strip() for line in (command.help or "").splitlines()]
    assert any(line in ("Example:", "Examples:") for line in lines), f"{path} --help has no example"
    start = next(i for i, line in enumerate(lines) if line in ("Example:", "Examples:"))
    examples = [line for line in lines[start + 1 :] if line.startswith("wpsync ")]
    if isinstance(command, click.Group) and path != "wpsync":
        assert any(e.startswith(path + " ") for e in examples), f"{path}: no example runs it"
    elif path != "wpsync":
        assert any(e == path or e.startswith(path + " ") for e in examples), (
            f"{path}: its example does not run `{path}`"
        )


@pytest.mark.parametrize("key", KEYS)
def test_every_config_key_is_in_the_configuration_reference(key: str) -> None:
    reference = README.split("## Configuration reference", 1)[-1].split("\n## ", 1)[0]
    assert f"`{key}`" in reference, f"README.md's configuration reference lacks `{key}`"


def test_the_help_renders_the_example_block_as_written() -> None:
    from click.testing import CliRunner

    out = CliRunner().invoke(main, ["plan", "--help"]).output
    assert re.search(r"Example:\n\s+wpsync plan ", out), out
