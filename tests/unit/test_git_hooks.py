"""`--changed` and `hook install`, against real git repositories in a temporary folder
(no WordPress: what is synced is checked in tests/integration/test_hooks.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from wpsync.errors import ConfigError
from wpsync.triggers.gitchanges import changed_files, parse_name_status
from wpsync.triggers.hooks import block, install, uninstall

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Writer",
    "GIT_AUTHOR_EMAIL": "writer@example.com",
    "GIT_COMMITTER_NAME": "Writer",
    "GIT_COMMITTER_EMAIL": "writer@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)
    monkeypatch.delenv("PRE_COMMIT_TO_REF", raising=False)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def write(repo: Path, rel: str, text: str = "") -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text or f"# {rel}\n\n" + "".join(f"Line {n} of {rel}.\n" for n in range(10)))


def commit(repo: Path, message: str = "c") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "blog"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "README.md")  # outside the content folder
    write(repo, "content/a.md")
    write(repo, "content/b.md")
    write(repo, "content/guides/c.md")
    write(repo, "content/image.png", "png")
    commit(repo, "first")
    return repo


def rels(repo: Path, paths: tuple[Path, ...]) -> list[str]:
    return sorted(p.relative_to(repo / "content").as_posix() for p in paths)


def test_a_root_commit_is_its_whole_tree_under_the_content_folder(repo: Path) -> None:
    found = changed_files(repo / "content", None)
    assert rels(repo, found.paths) == ["a.md", "b.md", "guides/c.md"]
    assert found.renames == ()


def test_the_last_commit_edits_deletions_and_a_move_with_an_edit(repo: Path) -> None:
    write(repo, "content/a.md", "# A\n\nEdited.\n")
    (repo / "content/b.md").unlink()
    git(repo, "mv", "content/guides/c.md", "content/guides/c-renamed.md")
    moved = repo / "content/guides/c-renamed.md"
    moved.write_text(moved.read_text().replace("Line 3", "Line three"))  # and edited
    write(repo, "README.md", "# changed too\n")
    write(repo, "content/.draft.md~")
    commit(repo)
    found = changed_files(repo / "content", None)
    assert rels(repo, found.paths) == ["a.md", "b.md", "guides/c-renamed.md", "guides/c.md"]
    assert found.renames == ((repo / "content/guides/c.md", repo / "content/guides/c-renamed.md"),)


def test_a_range_and_a_single_commit(repo: Path) -> None:
    write(repo, "content/a.md", "# A\n\none\n")
    commit(repo)
    write(repo, "content/b.md", "# B\n\ntwo\n")
    commit(repo)
    assert rels(repo, changed_files(repo / "content", "HEAD~2..HEAD").paths) == ["a.md", "b.md"]
    assert rels(repo, changed_files(repo / "content", "HEAD~1").paths) == ["a.md"]
    assert rels(repo, changed_files(repo / "content", "HEAD").paths) == ["b.md"]


def test_a_file_moved_out_of_the_content_folder_is_a_deletion_and_moved_in_a_creation(
    repo: Path,
) -> None:
    (repo / "archive").mkdir()
    git(repo, "mv", "content/a.md", "archive/a.md")
    git(repo, "mv", "README.md", "content/readme.md")
    commit(repo)
    found = changed_files(repo / "content", None)
    assert rels(repo, found.paths) == ["a.md", "readme.md"] and found.renames == ()


def test_a_new_branch_pushed_is_the_commits_no_remote_has(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "content/a.md", "# A\n\nfeature 1\n")
    commit(repo)
    write(repo, "content/new.md", "# New\n")
    commit(repo)
    zeros = "0" * 40
    found = changed_files(repo / "content", f"{zeros}..{git(repo, 'rev-parse', 'HEAD').strip()}")
    assert rels(repo, found.paths) == ["a.md", "new.md"]
    unknown = "1234567" * 5 + "12345"  # a remote tip never fetched
    assert rels(repo, changed_files(repo / "content", f"{unknown}..feature").paths) == [
        "a.md",
        "new.md",
    ]


def test_pre_commit_framework_refs_are_used_when_no_range_is_given(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    write(repo, "content/a.md", "# A\n\n1\n")
    commit(repo)
    write(repo, "content/b.md", "# B\n\n2\n")
    commit(repo)
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "HEAD")
    assert rels(repo, changed_files(repo / "content", None).paths) == ["a.md", "b.md"]


def test_a_bad_revision_or_a_folder_outside_git_is_a_config_error(
    repo: Path, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="not a commit"):
        changed_files(repo / "content", "no-such-branch")
    (tmp_path / "plain").mkdir()
    with pytest.raises(ConfigError, match="not in a git repository"):
        changed_files(tmp_path / "plain", None)


def test_a_repository_with_no_commit_yet_is_a_config_error(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "content/a.md")
    with pytest.raises(ConfigError, match="not a commit"):
        changed_files(repo / "content", None)


def test_a_detached_head_a_merge_and_a_shallow_clone(repo: Path, tmp_path: Path) -> None:
    write(repo, "content/a.md", "# A\n\non main\n")
    commit(repo)
    git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    write(repo, "content/b.md", "# B\n\non side\n")
    commit(repo)
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "side")
    # a merge: what it brought in, against its first parent
    assert rels(repo, changed_files(repo / "content", None).paths) == ["b.md"]
    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    assert rels(repo, changed_files(repo / "content", None).paths) == ["a.md"]
    # a shallow clone's only commit has no parent here: its whole tree
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    found = changed_files(clone / "content", None)
    assert rels(clone, found.paths) == ["a.md", "b.md", "guides/c.md"]
    assert found.compared == "HEAD (root commit)"


def test_the_last_commit_costs_two_git_processes(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "content/a.md", "# A\n\nEdited.\n")
    commit(repo)
    calls: list[list[str]] = []
    real = subprocess.run

    def counted(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return real(command, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(subprocess, "run", counted)
    found = changed_files(repo / "content", None)
    assert rels(repo, found.paths) == ["a.md"] and found.compared == "HEAD~1..HEAD"
    assert [c[3] for c in calls] == ["rev-parse", "diff"]


def test_name_status_parsing_keeps_odd_file_names() -> None:
    out = "M\0a b.md\0R087\0old\nname.md\0new\tname.md\0D\0é.md\0"
    assert parse_name_status(out) == [
        ("M", ("a b.md",)),
        ("R087", ("old\nname.md", "new\tname.md")),
        ("D", ("é.md",)),
    ]


# ---------------------------------------------------------------- hook files


def test_install_keeps_an_existing_hook_is_idempotent_and_uninstall_restores_it(
    repo: Path,
) -> None:
    hook = repo / ".git/hooks/post-commit"
    original = "#!/bin/bash\necho 'lint done'\n"
    hook.write_text(original)
    hook.chmod(0o700)
    first = install(repo / "content", "post-commit", repo / "config.toml")
    text = hook.read_text()
    assert first.action == "installed" and text.startswith(original)
    assert text.count("# >>> wpsync post-commit >>>") == 1
    assert "--config config.toml" in text and "sync --changed HEAD" in text
    assert os.access(hook, os.X_OK)
    assert install(repo / "content", "post-commit", repo / "config.toml").action == "unchanged"
    assert hook.read_text() == text
    assert uninstall(repo / "content", "post-commit").action == "removed"
    assert hook.read_text() == original
    assert uninstall(repo / "content", "post-commit").action == "absent"


def test_a_hook_wpsync_created_is_removed_on_uninstall_and_core_hookspath_is_honoured(
    repo: Path,
) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")
    result = install(repo / "content", "pre-push", repo / "config.toml", blocking=True)
    assert result.path == repo / ".githooks/pre-push"
    assert 'exit "$wpsync_status"' in result.path.read_text()
    refreshed = install(repo / "content", "pre-push", repo / "config.toml")
    assert refreshed.action == "updated" and "the push goes on" in refreshed.path.read_text()
    uninstall(repo / "content", "pre-push")
    assert not result.path.exists()


def test_a_hook_written_in_another_language_is_refused(repo: Path) -> None:
    hook = repo / ".git/hooks/post-commit"
    hook.write_text("#!/usr/bin/env python3\nprint('hi')\n")
    with pytest.raises(ConfigError, match="python3 script"):
        install(repo / "content", "post-commit", repo / "config.toml")
    assert hook.read_text() == "#!/usr/bin/env python3\nprint('hi')\n"


def test_an_existing_hook_that_exits_early_gets_a_warning(repo: Path) -> None:
    (repo / ".git/hooks/post-commit").write_text("#!/bin/sh\nexec other-tool\n")
    result = install(repo / "content", "post-commit", repo / "config.toml")
    assert result.warning is not None and "exec other-tool" in result.warning


@pytest.mark.parametrize("hook", ["post-commit", "pre-push"])
def test_the_hook_block_is_valid_shell(hook: str, tmp_path: Path) -> None:
    script = tmp_path / "hook.sh"
    script.write_text("#!/bin/sh\n" + block(hook, config_arg="'my config.toml'", python="/x/py"))
    subprocess.run(["sh", "-n", str(script)], check=True)
