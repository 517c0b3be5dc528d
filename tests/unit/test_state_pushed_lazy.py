"""The pushed fields of each post are decoded when used (a no-op run of a big folder reads
none of them), and still fail loudly when corrupt."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from wpsync.errors import StateError
from wpsync.state import STATE_FILE, Pushed, StateStore

URL = "http://127.0.0.1:8080"


def corrupt_fields(tmp_path: Path, text: str) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put_pushed(Pushed("a.md", "publish", {"img:x.png": "h"}, {"title": "A"}))
        store.put_pushed(Pushed("b.md", "draft", {}, {"title": "B", "tags": [3, 4]}))
    conn = sqlite3.connect(tmp_path / STATE_FILE)
    conn.execute("UPDATE pushed SET fields = ? WHERE rel = 'a.md'", (text,))
    conn.commit()
    conn.close()


def test_pushed_records_read_back_equal_to_what_was_written(tmp_path: Path) -> None:
    corrupt_fields(tmp_path, '{"title": "A"}')
    with StateStore.open(tmp_path, URL) as store:
        pushed = store.pushed()
    assert pushed["a.md"] == Pushed("a.md", "publish", {"img:x.png": "h"}, {"title": "A"})
    assert dict(pushed["b.md"].fields) == {"title": "B", "tags": [3, 4]}
    assert pushed["b.md"].fields.get("featured_media") is None


def test_corrupt_fields_fail_when_they_are_used_not_silently(tmp_path: Path) -> None:
    corrupt_fields(tmp_path, '{"title": }')
    with StateStore.open(tmp_path, URL) as store:
        pushed = store.pushed()  # the inputs are fine, the fields not looked at yet
    assert pushed["b.md"].fields["title"] == "B"
    with pytest.raises(StateError, match="not JSON"):
        dict(pushed["a.md"].fields)


def test_fields_that_are_not_an_object_at_all_fail_at_once(tmp_path: Path) -> None:
    corrupt_fields(tmp_path, "[1, 2]")
    with StateStore.open(tmp_path, URL) as store, pytest.raises(StateError, match="not JSON"):
        store.pushed()
