"""Schema 2 of the state file: what each post was pushed with, the images' hash cache and
the upload journal; a schema-1 file is upgraded in place, its entries kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from wpsync.errors import StateError
from wpsync.model import Entry, MediaEntry, Pushed
from wpsync.store.schema import SCHEMA_VERSION
from wpsync.store.state import STATE_FILE, StateStore

URL = "http://127.0.0.1:8080"

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
    rel TEXT PRIMARY KEY, rest_base TEXT NOT NULL, post_id INTEGER NOT NULL,
    slug TEXT NOT NULL, source_hash TEXT NOT NULL, payload_hash TEXT NOT NULL,
    modified_gmt TEXT NOT NULL, link TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT -1, mtime_ns INTEGER NOT NULL DEFAULT -1
);
CREATE UNIQUE INDEX entries_object ON entries (rest_base, post_id);
CREATE TABLE pending (rel TEXT PRIMARY KEY, rest_base TEXT NOT NULL, slug TEXT NOT NULL,
    started REAL NOT NULL);
CREATE TABLE media (content_hash TEXT PRIMARY KEY, media_id INTEGER NOT NULL,
    source_url TEXT NOT NULL, rel TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1'), ('site_url', 'http://127.0.0.1:8080');
INSERT INTO entries VALUES ('a.md', 'posts', 7, 'a', 's', 'p', '2026-01-01T00:00:00',
    'http://x/a/', 10, 20);
"""


def test_a_schema_1_state_file_is_upgraded_and_keeps_its_entries(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / STATE_FILE)
    conn.executescript(_V1)
    conn.close()
    with StateStore.open(tmp_path, URL) as store:
        assert store.get("a.md") == Entry(
            "a.md", "posts", 7, "a", "s", "p", "2026-01-01T00:00:00", "http://x/a/", 10, 20
        )
        assert store.pushed() == {}  # unknown: the sync reads such files once
        store.put_pushed(Pushed("a.md", "publish", {"img:i.png": "h"}, {"title": "A"}))
    conn = sqlite3.connect(tmp_path / STATE_FILE)
    [(version,)] = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
    conn.close()
    assert int(version) == SCHEMA_VERSION >= 2
    with StateStore.open(tmp_path, URL) as store:
        assert store.get_pushed("a.md") == Pushed(
            "a.md", "publish", {"img:i.png": "h"}, {"title": "A"}
        )


def test_a_schema_2_file_missing_its_new_tables_is_refused_not_emptied(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / STATE_FILE)
    conn.executescript(_V1.replace("'schema_version', '1'", "'schema_version', '2'"))
    conn.close()
    with pytest.raises(StateError, match="tables are missing"):
        StateStore.open(tmp_path, URL)


def test_pushed_records_follow_their_entries(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(Entry("a.md", "posts", 1, "a", "s", "p", "m"))
        store.put(Entry("b.md", "posts", 2, "b", "s", "p", "m"))
        for rel in ("a.md", "b.md", "gone.md"):
            store.put_pushed(Pushed(rel, "publish", {}, {}))
        store.remove("a.md")
        assert set(store.pushed()) == {"b.md", "gone.md"}
        store.prune_pushed()
        assert set(store.pushed()) == {"b.md"}


def test_an_upload_is_journalled_until_it_is_recorded(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.mark_media_pending("h1", "img/a.png")
        store.mark_media_pending("h2", "img/b.png")
        assert store.media_pending() == {"h1": "img/a.png", "h2": "img/b.png"}
        store.record_media(MediaEntry("h1", 9, "http://x/a.png", "img/a.png"))
        assert store.media_pending() == {"h2": "img/b.png"}
        assert store.media()["h1"].media_id == 9
        store.put_media_file("img/a.png", 10, 20, "h1")
        assert store.media_file("img/a.png") == (10, 20, "h1")
        assert store.media_file("img/b.png") is None


def test_a_pushed_record_that_is_not_json_is_a_state_error(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put_pushed(Pushed("a.md", "publish", {}, {}))
    conn = sqlite3.connect(tmp_path / STATE_FILE)
    conn.execute("UPDATE pushed SET inputs = '{not json'")
    conn.commit()
    conn.close()
    with StateStore.open(tmp_path, URL) as store, pytest.raises(StateError, match="not JSON"):
        store.pushed()


def test_a_schema_1_file_gains_the_refused_media_table_and_keeps_refusals(
    tmp_path: Path,
) -> None:
    from wpsync.model import MediaRefusal

    conn = sqlite3.connect(tmp_path / STATE_FILE)
    conn.executescript(_V1)
    conn.close()
    refusal = MediaRefusal("h1", "big.png", 500, "rest_upload_sideload_error", "Too big.")
    with StateStore.open(tmp_path, URL) as store:
        assert store.refused_media() == {}
        store.put_refused_media(refusal)
    with StateStore.open(tmp_path, URL) as store:
        assert store.refused_media() == {"h1": refusal}
        store.clear_refused_media("h1")
        assert store.refused_media() == {}
