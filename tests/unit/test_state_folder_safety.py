"""The state folder is wpsync's own: a symbolic link planted there (committed to a
repository, or by another local user) never makes wpsync write through it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from wpsync.errors import StateError
from wpsync.store.lock import FolderLock
from wpsync.store.state import StateStore


def test_a_lock_that_is_a_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("do not truncate me\n", encoding="utf-8")
    state_dir = tmp_path / ".wpsync"
    state_dir.mkdir()
    (state_dir / "lock").symlink_to(target)
    with pytest.raises(StateError, match="symbolic link"):
        FolderLock(state_dir).acquire(timeout=1)
    assert target.read_text(encoding="utf-8") == "do not truncate me\n"


def test_a_lock_that_is_not_a_plain_file_is_refused(tmp_path: Path) -> None:
    state_dir = tmp_path / ".wpsync"
    (state_dir / "lock").mkdir(parents=True)
    with pytest.raises(StateError):
        FolderLock(state_dir).acquire(timeout=1)


def test_a_state_file_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.sqlite"
    target.write_bytes(b"")
    state_dir = tmp_path / ".wpsync"
    state_dir.mkdir()
    (state_dir / "state.sqlite").symlink_to(target)
    with pytest.raises(StateError, match="symbolic link"):
        StateStore.open(state_dir, "https://blog.example.com")
    assert target.read_bytes() == b""


def test_the_state_folder_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        state_dir = tmp_path / "deep" / ".wpsync"
        with FolderLock(state_dir):
            pass
    finally:
        os.umask(old)
    assert stat.S_IMODE(state_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((state_dir / "lock").stat().st_mode) == 0o600


def test_a_state_folder_others_can_write_to_is_refused(tmp_path: Path) -> None:
    state_dir = tmp_path / ".wpsync"
    state_dir.mkdir()
    os.chmod(state_dir, 0o777)
    with pytest.raises(StateError, match="other users") as caught:
        FolderLock(state_dir).acquire(timeout=1)
    assert caught.value.hint == f"chmod 700 {state_dir}"
    os.chmod(state_dir, 0o700)
    with FolderLock(state_dir):
        pass


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_planted_link_beside_the_state_file_is_refused(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / "elsewhere"
    target.write_bytes(b"keep")
    state_dir = tmp_path / ".wpsync"
    state_dir.mkdir(mode=0o700)
    (state_dir / f"state.sqlite{suffix}").symlink_to(target)
    with pytest.raises(StateError, match="symbolic link"):
        StateStore.open(state_dir, "https://blog.example.com")
    assert target.read_bytes() == b"keep"
