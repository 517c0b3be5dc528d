"""The digest of a post's raw texts (records.stored_digest) and what it tells: an edit
saved in WordPress in the second of our write (model.edited_since)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from wpsync.model import Entry, edited_since
from wpsync.store.state import StateStore, peek_entries
from wpsync.wordpress.records import RemotePost, stored_digest

URL = "https://example.com"


def post(title: str = "T", content: str = "<p>C</p>", excerpt: str | None = "") -> dict:
    item: dict = {"id": 7, "modified_gmt": "2026-12-02T10:00:00"}
    item["title"] = {"raw": title}
    item["content"] = {"raw": content}
    if excerpt is not None:
        item["excerpt"] = {"raw": excerpt}
    return item


def test_the_digest_follows_the_raw_title_and_content_and_nothing_else() -> None:
    base = stored_digest(post())
    assert base and base == stored_digest(post())
    assert stored_digest(post(title="T2")) != base
    assert stored_digest(post(content="<p>C2</p>")) != base
    # the excerpt is not asked (WordPress would build one from the content for it)
    assert stored_digest(post(excerpt="E")) == stored_digest(post(excerpt=None)) == base
    # the fields' boundaries count: "ab" + "" is not "a" + "b"
    assert stored_digest(post(title="ab", content="")) != stored_digest(post("a", "b"))
    assert stored_digest({**post(), "status": "draft", "link": "x"}) == base
    # a type without titles is one with an empty title (no edit if it gains them)
    untitled = {k: v for k, v in post(title="").items() if k != "title"}
    assert stored_digest(untitled) == stored_digest(post(title=""))


def test_an_answer_without_raw_content_has_no_digest() -> None:
    assert stored_digest({"id": 7, "modified_gmt": "2026-12-02T10:00:00"}) == ""
    assert stored_digest({"id": 7, "content": {"rendered": "<p>C</p>"}}) == ""  # view
    assert stored_digest({"id": 7, "content": "<p>C</p>"}) == ""  # not WordPress's shape
    assert RemotePost.from_json("posts", post()).stored == stored_digest(post())
    assert RemotePost.from_json("posts", {"id": 7}).stored == ""


def entry(modified: str = "2026-12-02T10:00:00", stored: str = "abc") -> Entry:
    return Entry("a.md", "posts", 7, "a", "s", "p", modified, stored=stored)


def test_edited_since_the_time_or_where_both_know_it_the_texts() -> None:
    assert not edited_since(entry(), "2026-12-02T10:00:00", "abc")
    assert edited_since(entry(), "2026-12-02T10:00:01", "abc")
    assert edited_since(entry(), "2026-12-02T10:00:00", "abd")  # the same second
    # unknown on either side (a state from before, a post shown in the view context)
    assert not edited_since(entry(stored=""), "2026-12-02T10:00:00", "abd")
    assert not edited_since(entry(), "2026-12-02T10:00:00", "")
    assert edited_since(entry(stored=""), "2026-12-02T10:00:01", "")


def test_a_state_file_of_version_5_gets_the_column_and_keeps_its_entries(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry())
    conn = sqlite3.connect(tmp_path / "state.sqlite")
    conn.execute("ALTER TABLE entries DROP COLUMN stored")
    conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    # read ahead before the run migrates it: an error, and nothing is asked ahead
    # (lookahead.ask_before_run); the run opens and migrates it
    with pytest.raises(sqlite3.OperationalError, match="stored"):
        peek_entries(tmp_path, URL, ["a.md"])
    with StateStore.open(tmp_path, URL) as store:
        assert store.entries() == {"a.md": entry(stored="")}
        store.put(entry(stored="def"))
    with StateStore.open(tmp_path, URL) as store:
        assert store.entries()["a.md"].stored == "def"
    assert peek_entries(tmp_path, URL, ["a.md"]) == {"a.md": entry(stored="def")}
    conn = sqlite3.connect(tmp_path / "state.sqlite")
    [(version,)] = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
    conn.close()
    assert version == "6"
