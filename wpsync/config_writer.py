"""``wpsync init``: write a commented ``config.toml``, keep the state folder out of git.

The file lists every key of :func:`wpsync.config.schema` — the ones given set, the
others commented out with their default — so it documents itself and stays true when a
key is added.  No password is ever written: the file says where the password comes
from instead.  The text is validated with :func:`wpsync.config.load_config` before it
replaces anything, and an existing file is only replaced with ``force``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wpsync.config import AUTH_METHODS, Config, load_config, schema
from wpsync.errors import ConfigError
from wpsync.trust import approve

logger = logging.getLogger(__name__)

#: keys written uncommented (with the given or default value)
_ALWAYS = {
    ("site", "url"),
    ("site", "auth"),
    ("site", "username"),
    ("site", "password_env"),
    ("content", "dir"),
    ("content", "default_status"),
    ("content", "delete"),
    ("state", "path"),
}
#: never written, not even commented out
_NEVER = {("site", "password")}

_HEADER = """\
# wpsync configuration (written by `wpsync init`).  Every key is listed: the commented ones
# show their default.  Reference: README.md, "Configuration reference".
#
# The password is never stored here: wpsync reads it from the environment variable named by
# site.password_env (default WPSYNC_PASSWORD), from the system keyring (password_keyring),
# or from the output of site.password_command.
"""

_SECTION_NOTES = {
    "site": "The WordPress site and how to log in.",
    "content": "The Markdown folder and what a file without front matter becomes.",
    "state": "Where wpsync remembers which file is which post (keep it out of git).",
    "sync": "How a sync runs.",
    "watch": "`wpsync watch`, the background service.",
}


@dataclass(frozen=True)
class InitResult:
    config_path: Path
    gitignore: Path | None  # the .gitignore changed or created (None: already ignored)
    content_dir: Path
    created_content_dir: bool
    #: the site approved for this folder's credentials (``wpsync trust``): what init wrote
    trusted_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "config": str(self.config_path),
            "gitignore": str(self.gitignore) if self.gitignore else None,
            "content_dir": str(self.content_dir),
            "created_content_dir": self.created_content_dir,
            "trusted_url": self.trusted_url,
        }


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def render_config(values: Mapping[str, Mapping[str, Any]]) -> str:
    """The commented ``config.toml`` for ``values`` (``{section: {key: value}}``)."""
    lines = [_HEADER]
    for section, keys in schema().items():
        lines.append(f"# {_SECTION_NOTES.get(section, '')}".rstrip())
        lines.append(f"[{section}]")
        for key, spec in keys.items():
            if (section, key) in _NEVER:
                continue
            given = values.get(section, {}).get(key)
            value = given if given is not None else spec.default
            comment = f"  # {spec.doc}" if spec.doc else ""
            if (section, key) == ("site", "auth"):
                comment = f"  # {' or '.join(AUTH_METHODS)}"
            if value is None:
                lines.append(f"# {key} = …{comment}")
            elif (section, key) in _ALWAYS or given is not None:
                lines.append(f"{key} = {_toml_value(value)}{comment}")
            else:
                lines.append(f"# {key} = {_toml_value(value)}{comment}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_config(
    path: Path,
    *,
    url: str,
    username: str,
    auth: str = "jwt",
    content_dir: str = "content",
    force: bool = False,
    password_keyring: bool = False,
) -> tuple[Path, Config]:
    """Write a validated config file at ``path``; refuse to replace one without ``force``."""
    if auth not in AUTH_METHODS:
        raise ConfigError(f"auth must be one of {', '.join(AUTH_METHODS)}, not {auth!r}")
    if path.exists() and not force:
        raise ConfigError(
            f"{path} already exists; not overwritten",
            hint="use --force to replace it, or --config to write another file",
        )
    text = render_config(
        {
            "site": {
                "url": url.strip().rstrip("/"),
                "username": username.strip(),
                "auth": auth,
                **({"password_keyring": True} if password_keyring else {}),
            },
            "content": {"dir": content_dir},
        }
    )
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        # the same checks every command makes (URL shape, http:// to a remote host…),
        # without the environment's overrides
        load_config(tmp, env={})
    except ConfigError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path.resolve(), load_config(path, env={})


def ignore_state(config: Config) -> Path | None:
    """Add the state folder to the ``.gitignore`` next to the config file.

    Returns the file changed, or ``None`` when it already ignores the folder (or the
    folder is outside the config's directory)."""
    base = config.path.parent
    try:
        rel = config.state.path.relative_to(base).as_posix()
    except ValueError:
        return None
    gitignore = base / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    patterns = {line.strip() for line in existing.splitlines()}
    if {rel, f"{rel}/", f"/{rel}", f"/{rel}/"} & patterns:
        return None
    prefix = "" if not existing or existing.endswith("\n") else "\n"
    addition = f"{prefix}# wpsync state (which file is which post, token cache, lock)\n/{rel}/\n"
    with open(gitignore, "a", encoding="utf-8") as handle:
        handle.write(addition)
    return gitignore


def run_init(
    path: Path,
    *,
    url: str,
    username: str,
    auth: str = "jwt",
    content_dir: str = "content",
    force: bool = False,
    password_keyring: bool = False,
) -> tuple[InitResult, Config]:
    """Write the config, create the content folder, ignore the state folder, and approve
    the site written for this folder (:func:`wpsync.trust.approve`: the user just chose it)."""
    written, config = write_config(
        path,
        url=url,
        username=username,
        auth=auth,
        content_dir=content_dir,
        force=force,
        password_keyring=password_keyring,
    )
    created = not config.content.dir.exists()
    config.content.dir.mkdir(parents=True, exist_ok=True)
    gitignore = ignore_state(config)
    logger.info("wrote %s", written)
    trusted = None
    if config.site.scope is not None:
        trusted = approve(config.site.scope).url
    return InitResult(written, gitignore, config.content.dir, created, trusted), config
