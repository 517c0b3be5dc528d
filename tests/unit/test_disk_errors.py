"""A read-only or full disk under the state or the content folder is one clear line naming
the path — a StateError (exit 2) for the state, that file's failure for a pulled file —
never SQLite's or the OS's exception with a traceback (issue 14).

Tests run as root, where ``chmod 0555`` blocks nothing: the disk's refusal is simulated
at the write points (SQLite's own messages, ``OSError(EROFS/ENOSPC)``)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.fakewp import FakeWordPress, Folder
from wpsync.errors import StateError
from wpsync.model import Entry
from wpsync.store import state as state_module
from wpsync.store.state import StateStore

ENTRY = Entry("a.md", "posts", 1, "a", "h1", "h2", "2026-01-01T00:00:00", "", 1, 1)


class RefusingConnection:
    """A SQLite connection whose writes the disk refuses with ``message``."""

    def __init__(self, conn: sqlite3.Connection, message: str, *, armed: bool = True) -> None:
        self._conn = conn
        self.message = message
        self.armed = armed

    def execute(self, sql: str, *args: Any) -> Any:
        verb = sql.strip().split()[0].upper()
        if self.armed and verb in ("INSERT", "UPDATE", "DELETE", "REPLACE", "COMMIT"):
            raise sqlite3.OperationalError(self.message)
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("attempt to write a readonly database", "read-only file system"),
        ("database or disk is full", "no space left on device"),
        ("disk I/O error", "disk I/O error"),
    ],
)
def test_a_refused_state_write_is_a_state_error_naming_the_file(
    tmp_path: Path, message: str, said: str
) -> None:
    with StateStore.open(tmp_path / ".wpsync", "https://blog.example.com") as store:
        store._conn = RefusingConnection(store._conn, message)  # type: ignore[assignment]
        with pytest.raises(StateError) as caught:
            store.put(ENTRY)
    text = str(caught.value)
    assert said in text and str(tmp_path / ".wpsync") in text
    assert "\n" not in text and caught.value.exit_code == 2
    # nothing half-written
    with StateStore.open(tmp_path / ".wpsync", "https://blog.example.com") as store:
        assert store.entries() == {}


def test_other_sqlite_errors_are_not_dressed_up(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / ".wpsync", "https://blog.example.com") as store:
        store._conn = RefusingConnection(store._conn, "no such table: entries")  # type: ignore[assignment]
        with pytest.raises(sqlite3.OperationalError):
            store.put(ENTRY)


def test_a_state_folder_on_a_read_only_disk_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(path: Path) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(state_module, "make_private_dir", read_only)
    with pytest.raises(StateError) as caught:
        StateStore.open(tmp_path / ".wpsync", "https://blog.example.com")
    assert "read-only file system" in str(caught.value)


def test_a_new_state_file_on_a_read_only_disk_is_not_called_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        return RefusingConnection(real(*args, **kwargs), "attempt to write a readonly database")

    monkeypatch.setattr(state_module.sqlite3, "connect", connect)
    with pytest.raises(StateError) as caught:
        StateStore.open(tmp_path / ".wpsync", "https://blog.example.com")
    assert "read-only file system" in str(caught.value)
    assert "unreadable" not in str(caught.value) and "rebuild" not in (caught.value.hint or "")


def test_a_sync_whose_state_cannot_be_written_ends_with_a_state_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = Folder.make(tmp_path / "blog")
    wp = FakeWordPress()
    folder.write("a.md", "A.\n")
    folder.sync(wp)  # the state exists
    folder.write("b.md", "B.\n")
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        return RefusingConnection(real(*args, **kwargs), "database or disk is full")

    monkeypatch.setattr(state_module.sqlite3, "connect", connect)
    with pytest.raises(StateError) as caught:
        folder.sync(wp)
    assert "no space left on device" in str(caught.value)
