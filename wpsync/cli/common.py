"""What the commands share: the global options they receive (:class:`Globals`), config
loading (:func:`load`), the error exit (:func:`fail`) and the options several commands take.

Exit codes: 0 everything synced · 1 some files failed or conflicted (the rest synced), a
path that does not exist, or a safety check refused · 2 configuration, authentication or
state error · 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from wpsync.errors import WpsyncError

if TYPE_CHECKING:
    from wpsync.config import Config

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention
CONFIG_NAME = "config.toml"


@dataclass(frozen=True)
class Globals:
    """The group's options, handed to every command (``@click.pass_obj``)."""

    config_path: Path
    verbosity: int
    #: plain output for a CI log (``--ci`` or a CI environment): no colour, no progress
    #: bar, one line per file, always a summary
    ci: bool = False
    color: str = "auto"
    #: the configuration was looked for (no --config, no WPSYNC_CONFIG)
    config_searched: bool = False


def find_config(start: Path) -> Path:
    """``config.toml`` in ``start`` or the nearest folder above it that has one (as git
    finds ``.git``: run from ``content/``, wpsync finds ``../config.toml``); none
    anywhere: ``config.toml`` in ``start``, for the error to name.  Above ``start``, only
    a file with a ``[site]`` table counts."""
    if (start / CONFIG_NAME).is_file():
        return Path(CONFIG_NAME)
    for folder in start.parents:
        candidate = folder / CONFIG_NAME
        if candidate.is_file() and _is_ours(candidate):
            return candidate
    return Path(CONFIG_NAME)


def _is_ours(path: Path) -> bool:
    """A ``config.toml`` met on the way up is wpsync's only when it has a ``[site]`` table:
    Hugo's is named ``config.toml`` too."""
    import tomllib

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(raw.get("site"), dict)


def fail(exc: WpsyncError, as_json: bool = False) -> NoReturn:
    """Report ``exc`` (and its hint) on stderr -- with ``as_json`` also as one JSON object on
    stdout -- and exit with its exit code.  Through the one masking step
    (:func:`wpsync.logsetup.mask`): no secret, even one a server echoed into the message,
    and one line each whatever the message holds."""
    from wpsync.logsetup import mask, scrub

    message, hint = str(exc), exc.hint
    if as_json:
        out: dict[str, str] = {"error": scrub(message), "kind": type(exc).__name__}
        if hint:
            out["hint"] = scrub(hint)
        paths = getattr(exc, "paths", ())  # a refused mass deletion: the files it names
        click.echo(json.dumps({**out, "paths": [scrub(p) for p in paths]} if paths else out))
    click.echo(f"error: {mask(message)}", err=True)
    if hint:
        click.echo(f"hint: {mask(hint)}", err=True)
    sys.exit(exc.exit_code)


def load(g: Globals) -> Config:
    """The configuration the global ``--config`` names."""
    from wpsync.config import load_config

    return load_config(g.config_path)


def deprecated_force(force: bool, overwrite: bool, allow_mass_delete: bool) -> tuple[bool, bool]:
    """``--force`` (deprecated) means both ``--overwrite`` and ``--allow-mass-delete``."""
    if force:
        click.echo(
            "warning: --force is deprecated: it means --overwrite --allow-mass-delete; "
            "give the one you mean",
            err=True,
        )
        return True, True
    return overwrite, allow_mass_delete


lock_timeout_option = click.option(
    "--lock-timeout",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds to wait for another wpsync process on this folder.",
)
overwrite_option = click.option(
    "--overwrite", is_flag=True, help="Send files over posts edited or trashed in WordPress."
)
allow_mass_delete_option = click.option(
    "--allow-mass-delete",
    is_flag=True,
    help="Carry out a deletion above sync.max_deletions / max_deletion_ratio.",
)
force_option = click.option(
    "--force", is_flag=True, help="Deprecated: --overwrite and --allow-mass-delete together."
)
offline_option = click.option(
    "--offline",
    is_flag=True,
    help="Do not check WordPress for edits made there (no request when nothing changed).",
)
