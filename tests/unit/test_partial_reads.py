"""A run over a few files of a big folder (``sync --changed``, ``sync PATHS``, the
watcher) reads the state rows it needs, not the whole state: its files' entries and
records, a link target's permalink, the holders of a slug — and still decides exactly
as a run over the whole folder does (same-named files, links that got their URL)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakewp import FakeWordPress, Folder
from wpsync.model import Entry, Pushed
from wpsync.store.state import StateStore
from wpsync.store.views import LinkedPosts, PushedRecords, StateEntries

URL = "http://127.0.0.1:8080"
#: a SELECT of every row of the entries, the pushed records or the uploads (a count is
#: one row)
WHOLE_TABLE = re.compile(
    r"^\s*SELECT\b(?!\s*COUNT).*\bFROM (entries|pushed|media)\s*$", re.S | re.I
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement the state stores opened from now on run."""
    seen: list[str] = []
    connect: Callable[..., sqlite3.Connection] = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    yield seen


def filler(folder: Folder, n: int) -> None:
    for i in range(n):
        folder.write(f"notes/note-{i:02}.md", f"---\ntitle: Note {i}\n---\nNote {i}.\n")


def test_a_run_over_one_changed_file_reads_only_what_it_needs(
    tmp_path: Path, statements: list[str]
) -> None:
    wp = FakeWordPress()
    folder = Folder.make(tmp_path / "blog")
    filler(folder, 20)
    for n in range(3):
        (folder.content / f"pic-{n}.png").write_bytes(PNG + bytes([n]))
        folder.write(f"pics/p{n}.md", f"---\ntitle: P{n}\n---\n![p](../pic-{n}.png)\n")
    folder.write("a/intro.md", "---\ntitle: A\n---\nA.\n")
    c = folder.write("c/intro.md", "---\ntitle: C\n---\nC.\n")
    folder.write("b/post.md", "---\ntitle: B\n---\nSee [C](../c/intro.md).\n")
    first = folder.sync(wp)
    assert {f.action for f in first.files} == {"created"}
    assert {p.slug for p in wp.posts() if p.title == "C"} == {"c-intro"}
    statements.clear()

    # edited, its name changed back to what a/intro.md holds: it keeps the one it has
    c.write_text("---\ntitle: C, edited\n---\nC again.\n", encoding="utf-8")
    report = folder.sync(wp, paths=[c])
    assert {f.path: f.action for f in report.files} == {"c/intro.md": "updated"}
    [post] = [p for p in wp.posts() if p.title == "C, edited"]
    assert post.slug == "c-intro"
    # a slug of its own now: the post linking to it follows in this same run
    statements.clear()
    c.write_text("---\ntitle: C\nslug: sea\n---\nC. ![p](../pic-1.png)\n", encoding="utf-8")
    report = folder.sync(wp, paths=[c])
    outcome = {f.path: (f.action, f.detail) for f in report.files}
    assert outcome == {"c/intro.md": ("updated", None), "b/post.md": ("updated", "links updated")}
    [b] = [p for p in wp.posts() if p.title == "B"]
    assert "/sea/" in b.content and "c-intro" not in b.content
    [sea] = [p for p in wp.posts() if p.slug == "sea"]
    assert len(wp.media()) == 3 and any(m.source_url in sea.content for m in wp.media())
    # … and not one of the 26 files' (3 images') rows was read all at once
    whole = [s for s in statements if WHOLE_TABLE.match(s)]
    assert whole == [], whole


def test_a_run_over_one_new_file_gives_what_a_full_run_gives(tmp_path: Path) -> None:
    wp = FakeWordPress()
    folder = Folder.make(tmp_path / "blog")
    filler(folder, 5)
    folder.write("a/intro.md", "---\ntitle: A\n---\nA.\n")
    folder.write("b/post.md", "---\ntitle: B\n---\nSee [C](../c/intro.md).\n")
    folder.sync(wp)
    new = folder.write("c/intro.md", "---\ntitle: C\n---\nC.\n")
    report = folder.sync(wp, paths=[new])
    outcome = {f.path: (f.action, f.detail) for f in report.files}
    # the same name as a published file: the folder in front, as a full run gives it
    assert outcome == {"c/intro.md": ("created", None), "b/post.md": ("updated", "links updated")}
    [b] = [p for p in wp.posts() if p.title == "B"]
    [c] = [p for p in wp.posts() if p.title == "C"]
    assert c.slug == "c-intro" and c.link in b.content


def test_a_run_over_the_whole_folder_gives_the_same_slug(tmp_path: Path) -> None:
    wp = FakeWordPress()
    folder = Folder.make(tmp_path / "blog")
    folder.write("a/intro.md", "---\ntitle: A\n---\nA.\n")
    folder.sync(wp)
    folder.write("c/intro.md", "---\ntitle: C\n---\nC.\n")
    folder.sync(wp)
    assert {p.slug for p in wp.posts() if p.title == "C"} == {"c-intro"}


def entry(rel: str, post_id: int, rest_base: str = "posts", slug: str = "") -> Entry:
    return Entry(rel, rest_base, post_id, slug or rel[:-3], "s", "p", "2026-01-01T00:00:00")


def test_the_state_read_by_key_agrees_with_the_state_read_whole(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("a.md", 1))
        store.put(entry("b.md", 2, "pages", slug="intro"))
        store.put(entry("c.md", 3, "pages", slug="intro"))
        store.put_pushed(Pushed("a.md", "publish", {"link:b.md": "http://x/b/"}, {"n": 1}))
        store.put_pushed(Pushed("c.md", "draft", {"link:é.md": ""}, {}))
    with StateStore.open(tmp_path, URL) as store:
        view = StateEntries(store)
        view.read(["a.md", "z.md"])
        assert view.get("a.md") == entry("a.md", 1) and "z.md" not in view
        assert set(view.of_type("pages", "intro")) == {"b.md", "c.md"}
        assert view.rel_of("pages", 3) == "c.md" and view.rel_of("posts", 3) is None
        assert len(view) == 3
        # a write is seen by the next question
        store.put(entry("z.md", 1))  # post 1 moves from a.md to z.md
        assert "a.md" not in view and view["z.md"].post_id == 1
        assert 1 in {e.post_id for e in view.values()} and set(view) == {"b.md", "c.md", "z.md"}
        assert ("posts", 1) in LinkedPosts(store) and ("posts", 9) not in LinkedPosts(store)
        assert ("posts", 9) in LinkedPosts(store, [("posts", 9)])

        records = PushedRecords(store)
        assert records.get("c.md") == store.get_pushed("c.md")
        assert set(records.linking(["b.md"])) == {"a.md"}
        assert set(records.linking(["é.md"])) == {"c.md"}  # stored as \\u00e9 in JSON
        assert records.linking(["a.md"]) == {}
        records["new.md"] = Pushed("new.md", "publish", {"link:b.md": ""}, {})
        assert set(records.linking(["b.md"])) == {"a.md", "new.md"}
        assert set(records) == {"a.md", "c.md", "new.md"}  # read whole, this run's on top


def test_an_older_state_gets_the_index_of_slugs(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("a.md", 1))
    conn = sqlite3.connect(tmp_path / "state.sqlite")
    conn.execute("DROP INDEX entries_slug")
    conn.execute("ALTER TABLE entries DROP COLUMN stored")  # (added by version 6)
    conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with StateStore.open(tmp_path, URL) as store:
        assert StateEntries(store).of_type("posts", "a") == {"a.md": entry("a.md", 1)}
    conn = sqlite3.connect(tmp_path / "state.sqlite")
    plan = " ".join(
        str(row[-1])
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT rel FROM entries WHERE rest_base = 'posts' AND slug = 'a'"
        )
    )
    [(version,)] = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
    conn.close()
    assert "entries_slug" in plan and version == "6"
