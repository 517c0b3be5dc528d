"""Which Markdown files a commit or a range of commits touched (``wpsync sync --changed``).

Git is asked with ``git diff --name-status -M -z``: additions and modifications are synced,
deletions follow the delete policy, and a rename is passed as (old, new) so the post
follows its file (even when it was edited in the same commit).  Only files under the
content folder that wpsync publishes count.  Files are published as they are in the working
tree (for a hook, that is the commit that was just made or pushed).

What a REV_RANGE means here:

=====================  ===============================================================
(none)                 the last commit: ``HEAD~1..HEAD``; for a root commit, its whole tree
                       (under pre-commit: ``$PRE_COMMIT_FROM_REF..$PRE_COMMIT_TO_REF``)
``REV``                the changes that commit made (against its first parent)
``A..B``               ``git diff A B``; ``A`` all zeros (a new branch in a pre-push hook):
                       the commits of ``B`` that no remote has yet
``A...B``              ``git diff A...B`` (since the merge base)
=====================  ===============================================================
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from wpsync.errors import ConfigError
from wpsync.source.content import is_ignored_name, is_markdown
from wpsync.words import plural

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GitChanges:
    """Files to sync (absolute; one that no longer exists is a deletion) and the moves."""

    paths: tuple[Path, ...]
    renames: tuple[tuple[Path, Path], ...]
    compared: str  # what was compared, for messages


def changed_files(
    content_dir: Path, rev_range: str | None, *, env: Mapping[str, str] | None = None
) -> GitChanges:
    env = os.environ if env is None else env
    if not rev_range and env.get("PRE_COMMIT_FROM_REF") and env.get("PRE_COMMIT_TO_REF"):
        rev_range = f"{env['PRE_COMMIT_FROM_REF']}..{env['PRE_COMMIT_TO_REF']}"
    rev_range = rev_range or "HEAD"
    asked = _one_commit(content_dir, rev_range)  # the hook's usual case: one git process
    top = (
        asked.top
        if asked is not None
        else Path(run_git(content_dir, "rev-parse", "--show-toplevel").strip())
    )
    try:
        content_rel = content_dir.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise ConfigError(
            f"the content folder {content_dir} is not inside the git repository {top}"
        ) from None
    if asked is not None:
        compared, diff_args = _commit_diff(top, rev_range, asked.commit, asked.parent)
    else:
        compared, diff_args = _diff_args(top, rev_range)
    if not diff_args:
        return GitChanges((), (), compared)
    pathspec = [] if content_rel == "." else ["--", content_rel]
    out = run_git(
        top,
        "diff",
        "--name-status",
        "-z",
        "-M",
        "--no-ext-diff",
        "--no-color",
        *diff_args,
        *pathspec,
    )
    paths: dict[str, None] = {}  # ordered set
    renames: list[tuple[Path, Path]] = []
    for status, names in parse_name_status(out):
        wanted = [n for n in names if _publishable(n, content_rel)]
        if status.startswith("R") and len(wanted) == 2:
            old, new = (top / n for n in names)
            renames.append((old, new))
            paths.update({str(old): None, str(new): None})
        elif status.startswith(("R", "C")):
            # moved in or out of what we publish (or copied): the new side, if ours, is
            # new; the old side of a move, if ours, is gone
            if status.startswith("C"):
                wanted = [n for n in wanted if n == names[-1]]
            paths.update({str(top / n): None for n in wanted})
        elif status[:1] in ("A", "M", "T", "D") and wanted:
            paths[str(top / wanted[0])] = None
        elif wanted:
            logger.warning("%s: git status %s ignored", wanted[0], status)
    return GitChanges(tuple(Path(p) for p in paths), tuple(renames), compared)


def parse_name_status(out: str) -> list[tuple[str, tuple[str, ...]]]:
    """``git diff --name-status -z`` output → [(status, (path,) or (old, new))]."""
    fields = out.split("\0")
    if fields and fields[-1] == "":
        fields.pop()
    entries: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(fields):
        status = fields[i]
        count = 2 if status[:1] in ("R", "C") else 1
        names = tuple(fields[i + 1 : i + 1 + count])
        if len(names) != count:
            raise ConfigError(f"unexpected output from git diff: {out[:200]!r}")
        entries.append((status, names))
        i += 1 + count
    return entries


def _publishable(rel: str, content_rel: str) -> bool:
    path = PurePosixPath(rel)
    if content_rel != ".":
        try:
            path = path.relative_to(content_rel)
        except ValueError:
            return False
    return not any(is_ignored_name(p) for p in path.parts[:-1]) and is_markdown(str(path))


def _diff_args(top: Path, rev_range: str) -> tuple[str, list[str]]:
    """(description, arguments for ``git diff``); no arguments = nothing to compare."""
    if "..." in rev_range:
        return rev_range, [rev_range]
    if ".." in rev_range:
        base, _, tip = rev_range.partition("..")
        tip = tip or "HEAD"
        if base and (set(base) == {"0"} or not _is_commit(top, base)):
            # A new branch (pre-push sends zeros), or a remote tip we have not fetched:
            # what is new is what no remote has.
            return _new_branch(top, tip)
        return rev_range, [_commit(top, base or "HEAD"), _commit(top, tip)]
    commit = _commit(top, rev_range)
    parent = run_git(top, "rev-parse", "-q", "--verify", f"{commit}^", check=False).strip()
    return _commit_diff(top, rev_range, commit, parent)


def _commit_diff(top: Path, rev: str, commit: str, parent: str) -> tuple[str, list[str]]:
    """What one commit changed: against its first parent, or everything (a root commit,
    or the first commit of a shallow clone: its parent is not there)."""
    if parent:
        return f"{rev}~1..{rev}", [parent, commit]
    return f"{rev} (root commit)", [_empty_tree(top), commit]


@dataclass(frozen=True)
class _Commit:
    top: Path
    commit: str
    parent: str  # its first parent; "" for a root commit (or a shallow clone's first)


def _one_commit(content_dir: Path, rev: str) -> _Commit | None:
    """The repository's top, the commit ``rev`` names and its first parent, asked of one
    ``git rev-parse`` (``REV^{commit}^!`` prints the commit, then ``^`` and each parent in
    order).  None for a range, or when git says no (no commit yet, not a repository, not a
    commit): the caller then asks step by step, which says what is wrong."""
    if ".." in rev or rev.startswith("-"):
        return None
    done = _git(content_dir, "rev-parse", "--show-toplevel", f"{rev}^{{commit}}^!", "--")
    lines = done.stdout.splitlines() if done.returncode == 0 else []
    if len(lines) < 3 or lines[-1] != "--" or not _is_object_name(lines[1]):
        return None
    parents = [line[1:] for line in lines[2:-1] if line.startswith("^")]
    if not all(_is_object_name(p) for p in parents):
        return None
    return _Commit(Path(lines[0]), lines[1], parents[0] if parents else "")


def _is_object_name(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _new_branch(top: Path, tip: str) -> tuple[str, list[str]]:
    commit = _commit(top, tip)
    fresh = run_git(top, "rev-list", "--reverse", commit, "--not", "--remotes").split()
    if not fresh:
        return f"{tip} (already on a remote)", []
    parent = run_git(top, "rev-parse", "-q", "--verify", f"{fresh[0]}^", check=False).strip()
    base = parent or _empty_tree(top)
    return f"{tip} (new branch, {plural(len(fresh), 'commit')})", [base, commit]


def _commit(top: Path, rev: str) -> str:
    if rev.startswith("-"):
        raise ConfigError(f"not a revision: {rev!r}")
    found = run_git(top, "rev-parse", "-q", "--verify", f"{rev}^{{commit}}", check=False).strip()
    if not found:
        raise ConfigError(
            f"--changed: {rev!r} is not a commit of {top}",
            hint="give a commit or a range, e.g. HEAD~3..HEAD",
        )
    return found


def _is_commit(top: Path, rev: str) -> bool:
    if rev.startswith("-"):
        return False
    return bool(
        run_git(top, "rev-parse", "-q", "--verify", f"{rev}^{{commit}}", check=False).strip()
    )


def _empty_tree(top: Path) -> str:
    return run_git(top, "hash-object", "-t", "tree", "/dev/null").strip()


def run_git(cwd: Path, *args: str, check: bool = True) -> str:
    done = _git(cwd, *args)
    if check and done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["(no message)"])[0]
        if "not a git repository" in done.stderr:
            raise ConfigError(
                f"{cwd} is not in a git repository",
                hint="--changed works on a content folder kept in git",
            )
        raise ConfigError(f"git {args[0]} failed: {first}")
    return done.stdout


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command: Sequence[str] = ["git", "-C", str(cwd), *args]
    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            errors="surrogateescape",
        )
    except FileNotFoundError:
        raise ConfigError(
            "--changed needs git, and git is not installed", hint="install git"
        ) from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"git {args[0]} did not answer within 120 s") from None
