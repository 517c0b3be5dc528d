"""Reading the state cheaply for big folders: the entries are read once until one is
written (every write, and a rolled-back transaction, is seen by the next read); the
pushed fields of each post are decoded when used, and still fail loudly when corrupt."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpsync.errors import StateError
from wpsync.model import Entry, Pushed
from wpsync.store.state import KEPT_CACHE_KIB, STATE_FILE, KeptStore, StateStore

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
        assert store.get_pushed("a.md") == pushed["a.md"]


def test_corrupt_fields_fail_when_they_are_used_not_silently(tmp_path: Path) -> None:
    corrupt_fields(tmp_path, '{"title": }')
    with StateStore.open(tmp_path, URL) as store:
        pushed = store.pushed()  # the inputs are fine, the fields not looked at yet
        assert pushed["b.md"].fields["title"] == "B"
        with pytest.raises(StateError, match="not JSON"):
            dict(pushed["a.md"].fields)


def test_fields_that_are_not_an_object_fail_when_read(tmp_path: Path) -> None:
    corrupt_fields(tmp_path, "[1, 2]")
    with StateStore.open(tmp_path, URL) as store:
        with pytest.raises(StateError, match="not JSON"):
            store.get_pushed("a.md")
        with pytest.raises(StateError, match="not an object"):
            dict(store.pushed()["a.md"].fields)


def entry(rel: str, post_id: int, **changes: object) -> Entry:
    values: dict[str, object] = {
        "rel": rel,
        "rest_base": "posts",
        "post_id": post_id,
        "slug": rel[:-3],
        "source_hash": "s",
        "payload_hash": "p",
        "modified_gmt": "2026-01-01T00:00:00",
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def test_every_write_is_seen_by_the_next_read_of_the_entries(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("a.md", 1))
        store.put(entry("b.md", 2))
        assert set(store.entries()) == {"a.md", "b.md"}
        store.put(entry("c.md", 2))  # the same post, moved to another file
        assert set(store.entries()) == {"a.md", "c.md"}
        store.touch("a.md", 10, 20)
        assert (store.entries()["a.md"].size, store.entries()["a.md"].mtime_ns) == (10, 20)
        store.remove("c.md")
        assert set(store.entries()) == {"a.md"}
        with store.transaction():
            store.put(entry("d.md", 4))
            assert set(store.entries()) == {"a.md", "d.md"}
        assert set(store.entries()) == {"a.md", "d.md"}


def test_a_rolled_back_write_is_not_in_the_entries(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("a.md", 1))
        with pytest.raises(RuntimeError), store.transaction():
            store.put(entry("b.md", 2))
            assert "b.md" in store.entries()
            raise RuntimeError("crash in the middle")
        assert set(store.entries()) == {"a.md"}
    with StateStore.open(tmp_path, URL) as store:
        assert set(store.entries()) == {"a.md"}


def test_the_entries_handed_out_are_the_callers_own(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("a.md", 1))
        mine = store.entries()
        mine.clear()
        assert set(store.entries()) == {"a.md"}


OPS = st.lists(
    st.tuples(
        st.sampled_from(["put", "remove", "touch", "rolled-back put", "push", "prune"]),
        st.sampled_from(["a.md", "b.md", "c.md", "d.md"]),
        st.integers(1, 4),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(ops=OPS)
def test_the_entries_read_are_always_those_of_the_file(ops: list[tuple[str, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, StateStore.open(Path(tmp), URL) as store:
        store.entries()  # read first, so every write goes through the kept copies
        store.pushed()
        for n, (op, rel, post_id) in enumerate(ops):
            if op == "put":
                store.put(entry(rel, post_id, slug=f"s{n}"))
            elif op == "remove":
                store.remove(rel)
            elif op == "touch":
                store.touch(rel, n, n)
            elif op == "push":
                store.put_pushed(Pushed(rel, "publish", {"link:x.md": str(n)}, {"n": n}))
            elif op == "prune":
                store.prune_pushed()
            else:
                with contextlib.suppress(RuntimeError), store.transaction():
                    store.put(entry(rel, post_id, slug=f"lost{n}"))
                    raise RuntimeError
            with StateStore.open(Path(tmp), URL) as fresh:
                assert store.entries() == fresh.entries()
                assert store.pushed() == fresh.pushed()


def test_what_was_pushed_is_kept_in_step_with_every_write(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("a.md", 1))
        store.put(entry("b.md", 2))
        store.pushed()
        store.put_pushed(Pushed("a.md", "publish", {"img:x.png": "h"}, {"tags": (1, 2)}))
        assert store.pushed()["a.md"].fields["tags"] == [1, 2]  # as JSON reads it back
        store.put_pushed(Pushed("b.md", "draft", {}, {"title": "B"}))
        store.remove("b.md")
        assert set(store.pushed()) == {"a.md"}
        store.put_pushed(Pushed("orphan.md", "publish", {}, {}))  # no entry: pruned
        store.prune_pushed()
        assert set(store.pushed()) == {"a.md"}
        with pytest.raises(RuntimeError), store.transaction():
            store.put_pushed(Pushed("a.md", "private", {}, {}))
            raise RuntimeError
        kept = store.pushed()
        with StateStore.open(tmp_path, URL) as fresh:
            assert fresh.pushed() == kept and kept["a.md"].status == "publish"


def test_a_kept_store_sees_what_another_process_wrote(tmp_path: Path) -> None:
    kept = KeptStore()
    store = kept.get(tmp_path, URL)
    store.put(entry("a.md", 1))
    assert set(store.entries()) == {"a.md"}
    with StateStore.open(tmp_path, URL) as other:  # a git hook's run, in between
        other.put(entry("b.md", 2))
        other.put_pushed(Pushed("b.md", "publish", {}, {}))
    again = kept.get(tmp_path, URL)
    assert again is store
    assert set(again.entries()) == {"a.md", "b.md"} and set(again.pushed()) == {"b.md"}
    assert kept.get(tmp_path, URL).entries() == again.entries()  # nothing new: kept
    kept.close()


def test_a_released_kept_store_reads_its_rows_by_key_and_answers_as_before(
    tmp_path: Path,
) -> None:
    """The daemon lets go of the whole state after a full reconcile (KeptStore.release):
    what the store answers afterwards, row by row, is what it answered from memory."""
    kept = KeptStore()
    store = kept.get(tmp_path, URL)
    for i in range(5):
        store.put(entry(f"p{i}.md", i + 1))
        store.put_pushed(Pushed(f"p{i}.md", "publish", {"opt:x": "1"}, {"title": str(i)}))
    whole = store.entries()
    records = store.pushed()
    answers = (
        store.rel_of("posts", 3),
        store.get("p2.md"),
        store.pushed_of(["p1.md", "p4.md"]),
        store.entries_where("posts"),
    )
    kept.release()
    assert store._entries is None and store._pushed is None and store._index is None
    again = kept.get(tmp_path, URL)
    assert again is store  # still open
    assert (
        again.rel_of("posts", 3),
        again.get("p2.md"),
        again.pushed_of(["p1.md", "p4.md"]),
        again.entries_where("posts"),
    ) == answers
    # A post moved to another file after the release: the old file's index is not stale.
    again.remove("p2.md")
    again.put(entry("moved.md", 3))
    assert again.rel_of("posts", 3) == "moved.md"
    assert again.entries() == {
        **{rel: e for rel, e in whole.items() if rel != "p2.md"},
        "moved.md": entry("moved.md", 3),
    }
    assert set(again.pushed()) == set(records) - {"p2.md"}  # its record went with it
    kept.release()  # twice, or on a closed store: nothing to let go of
    kept.close()
    kept.release()


def test_a_kept_store_keeps_a_small_page_cache_and_still_reads_every_row(tmp_path: Path) -> None:
    with StateStore.open(tmp_path, URL) as store, store.transaction():
        for i in range(2000):  # ~100 pages: more than the kept cache holds
            store.put(entry(f"folder/{i:05}-{'x' * 40}.md", i + 1))
    kept = KeptStore()
    store = kept.get(tmp_path, URL)
    assert store._conn.execute("PRAGMA cache_size").fetchone()[0] == -KEPT_CACHE_KIB
    assert len(store.entries()) == 2000
    kept.release()
    assert store.get("folder/01999-" + "x" * 40 + ".md") == entry(
        "folder/01999-" + "x" * 40 + ".md", 2000
    )
    with StateStore.open(tmp_path, URL) as other:  # any other store: SQLite's default
        assert other._conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
    kept.close()


def test_a_kept_store_whose_file_was_replaced_is_opened_again(tmp_path: Path) -> None:
    kept = KeptStore()
    store = kept.get(tmp_path, URL)
    store.put(entry("a.md", 1))
    store.entries()
    (tmp_path / STATE_FILE).rename(tmp_path / "state.sqlite.corrupt-1")  # `state rebuild`
    for name in ("state.sqlite-wal", "state.sqlite-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    with StateStore.open(tmp_path, URL) as rebuilt:
        rebuilt.put(entry("b.md", 2))
    again = kept.get(tmp_path, URL)
    assert again is not store and set(again.entries()) == {"b.md"}
    kept.close()


def test_a_replaced_entry_s_record_is_forgotten_by_name_others_by_a_full_prune(
    tmp_path: Path,
) -> None:
    """A put() that takes a post over from another file remembers that file: the prune of
    a run over a few files forgets its record (and no other); the full prune forgets
    every record no entry links."""

    def entry(rel: str, post_id: int) -> Entry:
        return Entry(rel, "posts", post_id, rel[:-3], "s", "p", "2026-01-01T00:00:00", "", 1, 1)

    with StateStore.open(tmp_path, URL) as store:
        store.put(entry("a.md", 1))
        store.put_pushed(Pushed("a.md", "publish", {}, {}))
        store.put_pushed(Pushed("stray.md", "publish", {}, {}))  # no entry: an old orphan
        store.put(entry("c.md", 1))  # the post moved to c.md
        store.put_pushed(Pushed("c.md", "publish", {}, {}))
        store.prune_pushed(everywhere=False)
        assert store.get_pushed("a.md") is None
        assert store.get_pushed("c.md") is not None
        assert store.get_pushed("stray.md") is not None  # left for a full run
        store.prune_pushed()
        assert store.get_pushed("stray.md") is None and store.get_pushed("c.md") is not None
