"""Git hooks that publish what a commit (or a push) changed: ``wpsync hook install``.

A hook file may already hold other tools' commands: wpsync only ever writes, replaces or
removes its own block between two marker lines, so installing twice changes nothing and
uninstalling leaves everything else as it was.  A hook file that wpsync created and that
holds nothing else is removed on uninstall.

- ``post-commit`` runs ``wpsync sync --changed HEAD`` after each commit.  Git ignores its
  exit status: the commit is made whatever happens; a failure prints one line saying how
  to retry.
- ``pre-push`` runs ``wpsync sync --changed <remote>..<local>`` for each ref pushed (the
  commits a new branch brings that no remote has).  By default a failed publish does not
  stop the push (``blocking=True`` makes it stop it).
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wpsync.errors import ConfigError
from wpsync.triggers.gitchanges import run_git

logger = logging.getLogger(__name__)

HOOKS = ("post-commit", "pre-push")
SHELLS = ("sh", "bash", "dash", "zsh", "ksh", "ash")
NEW_FILE = "#!/bin/sh\n"
#: the longest a hook's run of wpsync may take (it is then stopped: a commit is never held
#: up by a stalled server; the next sync publishes what it left)
HOOK_SECONDS = 300


def _begin(hook: str) -> str:
    return f"# >>> wpsync {hook} >>>"


def _end(hook: str) -> str:
    return f"# <<< wpsync {hook} <<<"


#: what installing or removing a hook did to its file
HookAction = Literal["installed", "updated", "unchanged", "removed", "absent"]


@dataclass(frozen=True)
class HookResult:
    """One hook file, and what ``install`` or ``uninstall`` did to it."""

    hook: str
    path: Path
    action: HookAction
    warning: str | None = None


def hook_path(repo_dir: Path, hook: str) -> Path:
    """Where git looks for ``hook`` in the repository holding ``repo_dir`` (core.hooksPath
    honoured)."""
    _check_hook(hook)
    top = Path(run_git(repo_dir, "rev-parse", "--show-toplevel").strip())
    path = Path(run_git(top, "rev-parse", "--git-path", f"hooks/{hook}").strip())
    return path if path.is_absolute() else top / path


def block(hook: str, *, config_arg: str, python: str, blocking: bool = False) -> str:
    """The lines wpsync owns in a hook file, markers included."""
    run = (
        "wpsync_run() {\n"
        f"    # never holds up git longer than {HOOK_SECONDS} s (coreutils timeout, if any)\n"
        '    wpsync_limit=""\n'
        "    if command -v timeout >/dev/null 2>&1; then\n"
        f'        wpsync_limit="timeout {HOOK_SECONDS}"\n'
        "    fi\n"
        f"    if [ -x {shlex.quote(python)} ]; then\n"
        f'        $wpsync_limit {shlex.quote(python)} -m wpsync.cli --config {config_arg} "$@"\n'
        "    else\n"
        f'        $wpsync_limit wpsync --config {config_arg} "$@"\n'
        "    fi\n"
        "}\n"
    )
    if hook == "post-commit":
        body = (
            "# Publishes the Markdown files the commit touched. The commit is made already:\n"
            "# a failure only prints a message.\n"
            + run
            + "wpsync_run sync --changed HEAD ||\n"
            + "    echo \"wpsync: publishing this commit failed (exit $?); run 'wpsync sync' "
            + 'to retry" >&2\n'
        )
    else:
        on_failure = (
            '    exit "$wpsync_status"\n'
            if blocking
            else "    echo \"wpsync: the push goes on; run 'wpsync sync' to retry\" >&2\n"
        )
        body = (
            "# Publishes the Markdown files the pushed commits touched.\n"
            + run
            + "wpsync_status=0\n"
            + "while read -r wpsync_lref wpsync_lsha wpsync_rref wpsync_rsha; do\n"
            + '    case "$wpsync_lsha" in *[!0]*) ;; *) continue ;; esac  # a deleted ref\n'
            + '    wpsync_run sync --changed "$wpsync_rsha..$wpsync_lsha" || wpsync_status=$?\n'
            + "done\n"
            + 'if [ "$wpsync_status" -ne 0 ]; then\n'
            + '    echo "wpsync: publishing failed (exit $wpsync_status)" >&2\n'
            + on_failure
            + "fi\n"
        )
    return (
        f"{_begin(hook)}\n"
        "# Added by `wpsync hook install`; `wpsync hook uninstall` removes this block.\n"
        f"{body}{_end(hook)}\n"
    )


def install(repo_dir: Path, hook: str, config_path: Path, *, blocking: bool = False) -> HookResult:
    """Write (or refresh) wpsync's block in ``hook``; other content is kept."""
    _check_hook(hook)
    top = Path(run_git(repo_dir, "rev-parse", "--show-toplevel").strip())
    path = hook_path(top, hook)
    config_arg = _config_arg(top, config_path)
    ours = block(hook, config_arg=config_arg, python=sys.executable, blocking=blocking)
    existing = _read(path)
    warning = None
    action: HookAction
    if existing is None:
        text, action = NEW_FILE + ours, "installed"
    else:
        _check_shell(path, existing)
        span = _find(existing, hook)
        if span is not None:
            text = existing[: span[0]] + ours + existing[span[1] :]
            action = "unchanged" if text == existing else "updated"
        else:
            separator = "" if existing.endswith("\n") or not existing else "\n"
            text, action = existing + separator + "\n" + ours, "installed"
            warning = _early_exit_warning(existing, hook)
    if text != existing:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.wpsync-tmp")
        tmp.write_text(text, encoding="utf-8")
        mode = path.stat().st_mode if path.exists() else 0o644
        os.chmod(tmp, stat.S_IMODE(mode) | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        os.replace(tmp, path)
    logger.info("%s %s", action, path)
    return HookResult(hook, path, action, warning)


def uninstall(repo_dir: Path, hook: str) -> HookResult:
    """Remove wpsync's block from ``hook``; remove the file if nothing else is left."""
    path = hook_path(repo_dir, hook)
    existing = _read(path)
    span = _find(existing, hook) if existing is not None else None
    if existing is None or span is None:
        return HookResult(hook, path, "absent")
    start, end = span
    if start > 0 and existing[start - 2 : start] == "\n\n":
        start -= 1  # the blank line install put before the block
    rest = existing[:start] + existing[end:]
    if rest.strip() in ("", NEW_FILE.strip()):
        path.unlink()
    else:
        tmp = path.with_name(f".{path.name}.wpsync-tmp")
        tmp.write_text(rest, encoding="utf-8")
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    return HookResult(hook, path, "removed")


def _check_hook(hook: str) -> None:
    if hook not in HOOKS:
        raise ConfigError(f"unknown hook {hook!r}", hint=f"one of: {', '.join(HOOKS)}")


def _config_arg(top: Path, config_path: Path) -> str:
    config = config_path.expanduser().resolve()
    try:
        return shlex.quote(config.relative_to(top.resolve()).as_posix())  # hooks run at the top
    except ValueError:
        return shlex.quote(str(config))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the hook {path}: {exc}") from None


def _find(text: str, hook: str) -> tuple[int, int] | None:
    match = re.search(
        rf"^{re.escape(_begin(hook))}\n.*?^{re.escape(_end(hook))}\n?",
        text,
        flags=re.MULTILINE | re.DOTALL,
    )
    return (match.start(), match.end()) if match else None


def _check_shell(path: Path, text: str) -> None:
    first = text.splitlines()[0] if text else ""
    if not first.startswith("#!"):
        return
    words = first[2:].split()
    program = Path(words[0]).name if words else ""
    if program == "env" and len(words) > 1:
        program = Path(words[1]).name
    if program not in SHELLS:
        raise ConfigError(
            f"{path} is a {program or 'non-shell'} script: wpsync can only add to a shell hook",
            hint="call `wpsync sync --changed HEAD` from it yourself, or use the pre-commit "
            "framework entry (.pre-commit-hooks.yaml)",
        )


def _early_exit_warning(text: str, hook: str) -> str | None:
    for line in text.splitlines():
        if re.match(r"^(exit|exec)\b", line.strip()) and not line.startswith((" ", "\t")):
            return (
                f"the existing {hook} hook has a top-level `{line.strip()}` before wpsync's "
                "block, which may then never run; move the block above it"
            )
    return None
