"""The state store never reads a damaged file as empty and survives concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from wpsync.errors import LockTimeout, StateError
from wpsync.model import Entry, MediaEntry
from wpsync.store.lock import FolderLock
from wpsync.store.state import STATE_FILE, StateStore

URL = "http://127.0.0.1:8080"


def entry(rel: str, post_id: int) -> Entry:
    return Entry(rel, "posts", post_id, rel.removesuffix(".md"), "s", "p", "2026-01-01T00:00:00")


def test_entries_survive_reopening_and_the_file_is_private(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("a.md", 1))
        store.mark_pending("b.md", "posts", "b")
        store.put_media(MediaEntry("h", 5, "http://x/a.png", "img/a.png"))
    with StateStore.open(tmp_path, URL) as store:
        assert store.get("a.md") == entry("a.md", 1)
        assert set(store.pending()) == {"b.md"}
        assert store.media()["h"].media_id == 5
    assert stat.S_IMODE((tmp_path / STATE_FILE).stat().st_mode) == 0o600


def test_recording_an_entry_clears_its_pending_create(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.mark_pending("a.md", "posts", "a")
        store.put(entry("a.md", 1))
        assert store.pending() == {}


def test_a_renamed_file_takes_over_the_row_of_the_same_post(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("old.md", 1))
        store.put(entry("new.md", 1))
        assert set(store.entries()) == {"new.md"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(p.read_bytes()[:100]),
        lambda p: p.write_bytes(b"garbage" * 500),
        lambda p: p.write_bytes(os.urandom(4096)),
    ],
    ids=["emptied", "truncated", "garbled", "random"],
)
def test_a_damaged_state_file_is_an_error_never_empty(tmp_path: Path, damage: object) -> None:
    with StateStore.open(tmp_path, URL) as store:
        for n in range(50):
            store.put(entry(f"p{n}.md", n + 1))
    for suffix in ("-wal", "-shm"):
        (tmp_path / (STATE_FILE + suffix)).unlink(missing_ok=True)
    damage(tmp_path / STATE_FILE)  # type: ignore[operator]
    with pytest.raises(StateError, match="unreadable"):
        StateStore.open(tmp_path, URL)


def test_a_damaged_file_checked_later_is_an_error_before_any_write(tmp_path: Path) -> None:
    """``verify_later`` (a run's: the check runs beside its scan): a file whose tables'
    pages are damaged opens, then :meth:`verify` says so — and no write goes into it
    before that."""
    with StateStore.open(tmp_path, URL) as store:
        for n in range(400):
            store.put(entry(f"p{n}.md", n + 1))
    for suffix in ("-wal", "-shm"):
        (tmp_path / (STATE_FILE + suffix)).unlink(missing_ok=True)
    path = tmp_path / STATE_FILE
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    last = len(data) - page  # an entries leaf: the meta the open reads stays whole
    data[last : last + 12] = b"\xff" * 12
    path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    store = StateStore.open(tmp_path, URL, verify_later=True)
    try:
        with pytest.raises(StateError, match="unreadable"):
            store.put(entry("new.md", 999))  # the write waits for the check
        with pytest.raises(StateError, match="unreadable"):
            store.verify()  # and says so again: no later write goes in either
    finally:
        store.close()
    assert path.read_bytes() == damaged
    with pytest.raises(StateError, match="unreadable"):
        StateStore.open(tmp_path, URL)  # checked at once, as before


def test_a_state_file_of_another_site_is_refused(tmp_path: Path) -> None:
    StateStore.open(tmp_path, URL).close()
    with pytest.raises(StateError, match="belongs to"):
        StateStore.open(tmp_path, "https://other.example")


def _hold_lock(
    path: str, ready: multiprocessing.synchronize.Event, release: multiprocessing.synchronize.Event
) -> None:
    lock = FolderLock(Path(path))
    lock.acquire()
    ready.set()
    release.wait(10)
    lock.release()


def test_a_second_process_waits_for_the_folder_lock(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    holder.start()
    assert ready.wait(10)
    with pytest.raises(LockTimeout):
        FolderLock(tmp_path).acquire(timeout=0.2)
    release.set()
    holder.join(10)
    lock = FolderLock(tmp_path)
    lock.acquire(timeout=5)
    lock.release()
