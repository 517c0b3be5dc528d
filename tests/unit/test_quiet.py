"""A folder at rest (engine/quiet.py): a whole-folder run after one that found nothing
to do tells every file unchanged without reading, settling or planning — and whatever
such a run would have looked at that changed sends it down the usual path, with the
usual outcome.  Against the in-memory WordPress (tests/fakewp.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import sqlite3
from pathlib import Path

import pytest

import wpsync.engine.reading
from tests.fakewp import FakeWordPress, Folder, only_the_remote_check
from wpsync.config import load_config
from wpsync.engine import quiet
from wpsync.engine.report import SyncReport
from wpsync.store.schema import WRITE_TRIGGERS, WRITTEN
from wpsync.store.state import StateStore

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"


@pytest.fixture
def wp() -> FakeWordPress:
    return FakeWordPress()


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    folder = Folder.make(tmp_path / "blog")
    (folder.content / "pic.png").write_bytes(PNG)
    folder.write("a.md", "---\ntitle: A\n---\nSee [b](b.md).\n\n![A picture](pic.png)\n")
    folder.write("b.md", "---\ntitle: B\n---\nThe second post.\n")
    folder.write("notes/c.md", "---\ntitle: C\n---\nThe third.\n")
    return folder


def actions(report: SyncReport) -> dict[str, str]:
    return {f.path: f.action for f in report.files}


def settled(folder: Folder, wp: FakeWordPress) -> SyncReport:
    """Published, then one run with nothing to do: the folder is marked at rest."""
    created = folder.sync(wp)
    assert set(actions(created).values()) == {"created"}, created.to_json()
    report = folder.sync(wp)
    assert set(actions(report).values()) == {"unchanged"}, report.to_json()
    with state_of(folder) as state:
        assert state.mark(quiet.MARK) is not None
    return report


def state_of(folder: Folder) -> StateStore:
    return StateStore.open(folder.config.state.path, folder.config.site.url, create=False)


def resting(caplog: pytest.LogCaptureFixture) -> bool:
    return any("at rest" in r.getMessage() for r in caplog.records)


def test_a_run_at_rest_reports_what_the_full_run_reported_and_reads_nothing(
    folder: Folder,
    wp: FakeWordPress,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full = settled(folder, wp)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run at rest read or planned a file")

    monkeypatch.setattr(wpsync.engine.reading.Reader, "read", no_reading)
    caplog.set_level(logging.DEBUG, logger="wpsync.engine.quiet")
    mark = wp.request_count
    again = folder.sync(wp)
    assert resting(caplog)
    assert again.to_json() == full.to_json()  # links, IDs, counts, the two requests
    assert only_the_remote_check(wp.requests[mark:]) and again.requests == 2
    offline = folder.sync(wp, offline=True)
    assert offline.requests == 0 and actions(offline) == actions(full)


def test_a_new_file_is_not_at_rest(
    folder: Folder, wp: FakeWordPress, caplog: pytest.LogCaptureFixture
) -> None:
    settled(folder, wp)
    folder.write("d.md", "---\ntitle: D\n---\nNew.\n")
    caplog.set_level(logging.DEBUG, logger="wpsync.engine.quiet")
    report = folder.sync(wp)
    assert not resting(caplog)
    assert actions(report)["d.md"] == "created"


def test_a_deleted_file_is_not_at_rest(folder: Folder, wp: FakeWordPress) -> None:
    settled(folder, wp)
    (folder.content / "notes" / "c.md").unlink()
    report = folder.sync(wp)
    assert actions(report)["notes/c.md"] == "deleted"
    assert [p.status for p in wp.posts() if p.title == "C"] == []  # trashed


def test_a_moved_file_is_not_at_rest(folder: Folder, wp: FakeWordPress) -> None:
    settled(folder, wp)
    (folder.content / "notes" / "c.md").rename(folder.content / "c.md")
    report = folder.sync(wp)
    assert actions(report)["c.md"] == "updated", report.to_json()


def test_an_edited_file_is_not_at_rest(folder: Folder, wp: FakeWordPress) -> None:
    settled(folder, wp)
    path = folder.write("b.md", "---\ntitle: B\n---\nThe second post, edited.\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    report = folder.sync(wp)
    assert actions(report) == {"a.md": "unchanged", "b.md": "updated", "notes/c.md": "unchanged"}


def test_an_edited_image_is_not_at_rest(folder: Folder, wp: FakeWordPress) -> None:
    """The Markdown file is the same, size and time; the image it shows is not."""
    settled(folder, wp)
    image = folder.content / "pic.png"
    image.write_bytes(PNG + b" edited")
    report = folder.sync(wp)
    assert actions(report)["a.md"] == "updated", report.to_json()


def test_a_changed_setting_is_not_at_rest(folder: Folder, wp: FakeWordPress) -> None:
    """Every file the same size and time, the configuration not: the block editor
    switched off renders every post again."""
    settled(folder, wp)
    text = folder.config.path.read_text(encoding="utf-8")
    folder.config.path.write_text(
        text.replace("[content]\n", "[content]\nblock_editor = false\n"), encoding="utf-8"
    )
    switched = dataclasses.replace(folder, config=load_config(folder.config.path, env={}))
    assert not switched.config.content.block_editor
    report = switched.sync(wp)
    assert set(actions(report).values()) == {"updated"}, report.to_json()


def test_a_state_written_by_another_command_is_not_at_rest(
    folder: Folder, wp: FakeWordPress
) -> None:
    """The files untouched, the state not: here b.md's post got another permalink (as
    `wpsync pull` or `resolve` would record it): a.md, which links to it, is sent again."""
    settled(folder, wp)
    with state_of(folder) as state:
        entry = state.entries()["b.md"]
        state.put(dataclasses.replace(entry, link=entry.link + "moved/"))
    report = folder.sync(wp)
    assert actions(report)["a.md"] == "updated", report.to_json()


def test_an_edit_made_in_wordpress_is_seen_at_rest(folder: Folder, wp: FakeWordPress) -> None:
    full = settled(folder, wp)
    [post] = [p for p in wp.posts() if p.title == "B"]
    wp.edit(post.id, title="Edited there")
    report = folder.sync(wp)
    assert actions(report)["b.md"] == "conflict" and report.exit_code == 1
    assert report.requests <= full.requests + 2  # the check, and one look at the conflict


def test_a_failed_run_leaves_no_mark(folder: Folder, wp: FakeWordPress) -> None:
    settled(folder, wp)
    path = folder.write("b.md", "---\ntitle: [unclosed\n---\nBroken front matter.\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    for _ in range(2):  # failing again: never taken for a folder at rest
        report = folder.sync(wp)
        assert actions(report)["b.md"] == "failed" and report.exit_code == 1
        with state_of(folder) as state:
            assert state.mark(quiet.MARK) is None


def test_a_write_by_another_connection_breaks_the_rest(folder: Folder, wp: FakeWordPress) -> None:
    """Any row written through SQLite — here by a bare connection, as another process
    or the sqlite3 shell would — changes the write token: the mark no longer holds and
    the next run takes the usual path (which marks the folder again)."""
    settled(folder, wp)
    with state_of(folder) as state:
        token = state.written()
        assert token is not None and quiet.Rest.load(state.mark(quiet.MARK)) is not None
        assert quiet.Rest.load(state.mark(quiet.MARK)).written == token  # type: ignore[union-attr]
    path = folder.config.state.path / "state.sqlite"
    for statement in (
        "UPDATE media_files SET size = size",  # written and put back: still a write
        "INSERT INTO pending VALUES ('x.md', 'posts', 'x', 0)",
        "DELETE FROM media_files",  # the image's stat cache: hashed again
    ):
        with state_of(folder) as state:
            before = state.written()
        with contextlib.closing(sqlite3.connect(path)) as other, other:
            other.execute(statement)
        with state_of(folder) as state:
            assert state.written() not in (None, before), statement
        context = _context(folder)
        with state_of(folder) as state:
            scope = wpsync.engine.reading.Reader(folder.config.content).scope(None)
            assert quiet.at_rest(state, context, folder.content, scope) is None, statement
        report = folder.sync(wp)  # the usual path, nothing to do: marked again
        assert set(actions(report).values()) == {"unchanged"}, report.to_json()
        with state_of(folder) as state:
            scope = wpsync.engine.reading.Reader(folder.config.content).scope(None)
            assert quiet.at_rest(state, context, folder.content, scope) is not None


def _context(folder: Folder) -> str:
    from wpsync.engine.run import SyncRequest, first_look

    with state_of(folder) as state:
        return first_look(folder.config, SyncRequest(), state).context


def test_the_triggers_are_installed_on_an_old_state_file(folder: Folder, wp: FakeWordPress) -> None:
    """A state file written before the write triggers (same schema version) works as
    before and gets them with its first mark; one whose triggers were dropped is not at
    rest until a run puts them back."""
    settled(folder, wp)
    path = folder.config.state.path / "state.sqlite"

    def triggers() -> set[str]:
        with contextlib.closing(sqlite3.connect(path)) as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            return {str(r[0]) for r in rows}

    assert triggers() == set(WRITE_TRIGGERS)
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # as an older wpsync left it
        for name in WRITE_TRIGGERS:
            db.execute(f"DROP TRIGGER {name}")
        db.execute("DELETE FROM meta WHERE key IN (?, ?)", (WRITTEN, quiet.MARK))
        db.execute("INSERT INTO meta VALUES (?, ?)", (quiet.OLD_MARK, "{}"))
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    with state_of(folder) as state:
        assert state.written() is None
    first = folder.sync(wp)  # the usual path: nothing to do, the triggers installed
    assert set(actions(first).values()) == {"unchanged"}
    assert triggers() == set(WRITE_TRIGGERS)
    with state_of(folder) as state:
        assert state.written() is not None and state.mark(quiet.OLD_MARK) is None
        assert state.mark("schema_version") == version[0]
        # one trigger dropped: no token, no rest
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(f"DROP TRIGGER {next(iter(WRITE_TRIGGERS))}")
    with state_of(folder) as state:
        assert state.written() is None
        scope = wpsync.engine.reading.Reader(folder.config.content).scope(None)
        assert quiet.at_rest(state, _context(folder), folder.content, scope) is None
    again = folder.sync(wp)
    assert again.to_json() == first.to_json()
    assert triggers() == set(WRITE_TRIGGERS)


def test_a_run_at_rest_shows_the_plan_a_full_run_shows(folder: Folder, wp: FakeWordPress) -> None:
    """``on_plan`` (the progress display's total) sees one Keep per file, as planned."""
    from wpsync.engine.run import SyncRequest, run_sync

    folder.sync(wp)
    plans: list[list[object]] = []

    def planned() -> list[object]:
        run_sync(
            folder.config,
            SyncRequest(lock_timeout=5.0),
            client_factory=wp.client_factory(),
            on_plan=lambda actions: plans.append(list(actions)),
        )
        return plans[-1]

    full = planned()  # nothing to do: marks the folder at rest
    assert planned() == full and len(full) == 3
    assert [type(a).__name__ for a in full] == ["Keep"] * 3


def test_an_unchanged_result_made_fast_is_the_dataclass_one() -> None:
    """FileResult.unchanged sets every slot (a field added to FileResult must be added
    there too) and equals what the dataclass's own __init__ makes."""
    from dataclasses import fields

    from wpsync.engine import report

    assert tuple(f.name for f in fields(report.FileResult)) == report._FIELDS
    fast = report.FileResult.unchanged("a.md", 7, "https://example.org/a/")
    assert fast == report.FileResult("a.md", "unchanged", 7, link="https://example.org/a/")
    assert report.FileResult.unchanged("b.md", None, None) == report.FileResult("b.md", "unchanged")


def test_a_run_at_rest_reads_only_the_entries_the_remote_check_needs(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At rest, no run makes every entry: the check reads those of the posts its listing
    names (by post) — none on a quiet site — or every one of a type whose count moved (a
    post deleted on the site by someone else: each of ours looked up by ID)."""
    full = settled(folder, wp)
    read: list[str] = []
    real = StateStore.entries_where

    def no_entries(self: StateStore) -> dict[str, object]:
        raise AssertionError("a run at rest read every entry")

    def entries_where(self: StateStore, rest_base: str, slug: str | None = None) -> object:
        read.append(rest_base)
        return real(self, rest_base, slug)

    monkeypatch.setattr(StateStore, "entries", no_entries)
    monkeypatch.setattr(StateStore, "entries_where", entries_where)
    assert folder.sync(wp).to_json() == full.to_json()
    assert read == []
    theirs = wp.add_post("posts", "theirs", title="Written in WordPress")
    assert actions(folder.sync(wp)) == actions(full)  # new, listed: the count agrees
    assert read == []
    wp.do_delete("posts", theirs.id, force=True)  # gone, not listed: the count moved
    assert actions(folder.sync(wp)) == actions(full)  # not ours: still at rest
    assert read == ["posts"]


def test_a_run_at_rest_counts_its_results_without_making_them() -> None:
    """The report of a folder at rest (report.AtRest) holds the rows: its counts and exit
    status come from their number, and each result, made when asked, is the one a
    planned run reports."""
    from wpsync.engine.report import AtRest, FileResult

    rows = [("a.md", 1, "https://example.org/a/"), ("b.md", 2, "")]
    report = SyncReport(files=AtRest(rows), requests=2)
    assert report.count("unchanged") == 2 and report.count("failed") == 0
    assert report.exit_code == 0 and len(report.files) == 2
    made = [FileResult("a.md", "unchanged", 1, link="https://example.org/a/")]
    made.append(FileResult("b.md", "unchanged", 2))
    assert list(report.files) == made and report.files[1] == made[1]
    assert list(report.files[:1]) == made[:1]
    planned = SyncReport(files=tuple(made), requests=2)
    assert report.to_json() == planned.to_json()


def test_a_run_at_rest_imports_no_part_of_the_pipeline(folder: Folder, wp: FakeWordPress) -> None:
    """`wpsync sync --offline` on a folder at rest is answered by engine/run.py: neither
    the pipeline (executor, references, permissions, planning's helpers) nor the HTTP
    stack nor the renderer is imported — and its output is the full run's."""
    import json
    import subprocess
    import sys

    full = settled(folder, wp)
    command = ["--config", str(folder.root / "config.toml"), "sync", "--offline", "--json"]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wpsync.cli", *command],
        cwd=folder.root,
        env={k: v for k, v in os.environ.items() if not k.startswith("WPSYNC_")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {**full.to_json(), "requests": 0}
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "wpsync.engine.run" in imported  # the check saw the run's imports
    pipeline = ("executor", "references", "permissions", "resolver", "adoption", "readpool")
    unwanted = {f"wpsync.engine.{name}" for name in pipeline} | {"httpx", "markdown_it", "yaml"}
    assert sorted(imported & unwanted) == []
