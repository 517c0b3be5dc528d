"""A file caught in the middle of a save (an editor truncates it, then writes) is read
again once it has settled, instead of failing as "empty"; a file that is really broken
fails at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from wpsync.engine.items import Broken, Changed, Stat
from wpsync.engine.readpool import SAVING_PAUSES, ReadSettings, ReadTask, load


def _task(root: Path, rel: str) -> ReadTask:
    st = (root / rel).stat()
    return ReadTask(rel, Stat(st.st_size, st.st_mtime_ns), None)


def _settings(root: Path) -> ReadSettings:
    return ReadSettings(str(root), 1_000_000, "post", "publish")


def test_a_file_emptied_by_a_save_in_progress_is_read_once_written(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Before\n---\nOld body.\n", encoding="utf-8")
    task = _task(tmp_path, "a.md")  # the folder was listed here
    path.write_bytes(b"")  # the editor has truncated the file …
    finish = threading.Timer(
        0.1, lambda: path.write_text("---\ntitle: After\n---\nNew body.\n", encoding="utf-8")
    )
    finish.start()  # … and writes it a moment later
    try:
        item = load(_settings(tmp_path), task)
    finally:
        finish.join()
    assert isinstance(item, Changed), item
    assert item.payload.title == "After"


def test_a_file_that_is_empty_when_listed_fails_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"")
    started = time.monotonic()
    item = load(_settings(tmp_path), _task(tmp_path, "a.md"))
    assert isinstance(item, Broken) and "file is empty" in str(item.error)
    assert time.monotonic() - started < SAVING_PAUSES[0]  # no waiting for a settled file


def test_a_file_still_broken_after_the_pauses_fails_with_its_error(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Before\n---\nBody.\n", encoding="utf-8")
    task = _task(tmp_path, "a.md")
    path.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")  # saved broken
    item = load(_settings(tmp_path), task)
    assert isinstance(item, Broken), item
    assert "a.md" in str(item.error)
