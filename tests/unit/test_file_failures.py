"""One file that breaks the reader, the mapper or the renderer fails alone: the run
publishes the others and the watch daemon goes on (issue 14).  Against the in-memory
WordPress (tests/fakewp.py); the same run of 30 files crosses the wire in
tests/integration/test_hostile_files.py."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.fakewp import FakeWordPress, Folder
from wpsync.engine.report import SyncReport


@pytest.fixture
def wp() -> FakeWordPress:
    return FakeWordPress()


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder.make(tmp_path / "blog")


def bombs() -> dict[str, str]:
    """Small files built to exhaust a Markdown parser."""
    nested_list = "".join("  " * depth + "- item\n" for depth in range(300))
    return {
        "stars.md": "**" * 1000 + "\n",
        "nested-list.md": nested_list,
        "brackets.md": "[" * 10000 + "\n",
        "quotes.md": ">" * 10000 + " deep\n",
    }


def actions(report: SyncReport) -> dict[str, str]:
    return {f.path: f.action for f in report.files}


def test_parser_bombs_fail_alone_in_a_run_of_30_files(folder: Folder, wp: FakeWordPress) -> None:
    for n in range(26):
        folder.write(f"post-{n:02}.md", f"---\ntitle: Post {n}\n---\nBody {n}.\n")
    for rel, text in bombs().items():
        folder.write(rel, text)
    report = folder.sync(wp)
    got = actions(report)
    assert len(got) == 30
    assert all(got[f"post-{n:02}.md"] == "created" for n in range(26)), got
    # a bomb is refused (failed) or rendered harmlessly (created), never the run's end
    assert {got[rel] for rel in bombs()} <= {"failed", "created"}
    assert report.count("created") >= 26
    for result in report.files:
        if result.action == "failed":
            assert result.error and result.path in result.error


def test_an_unexpected_mapper_exception_fails_that_file_alone(
    folder: Folder,
    wp: FakeWordPress,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import wpsync.source.mapping as mapping

    real = mapping.map_document

    def broken(doc, defaults, site=None):  # type: ignore[no-untyped-def]
        if doc.rel == "cursed.md":
            raise ZeroDivisionError("the mapper's own bug")
        return real(doc, defaults, site)

    monkeypatch.setattr(mapping, "map_document", broken)
    for n in range(5):
        folder.write(f"fine-{n}.md", f"Fine {n}.\n")
    folder.write("cursed.md", "Looks harmless.\n")
    with caplog.at_level(logging.DEBUG, logger="wpsync"):
        report = folder.sync(wp)
    got = actions(report)
    assert got.pop("cursed.md") == "failed"
    assert set(got.values()) == {"created"} and len(got) == 5
    [failed] = [f for f in report.files if f.action == "failed"]
    assert failed.error is not None
    assert "could not be read: ZeroDivisionError: the mapper's own bug" in failed.error
    assert report.exit_code == 1
    # the traceback is in the debug log, not in the message
    assert any(r.exc_info for r in caplog.records if r.levelno == logging.DEBUG)
    assert "Traceback" not in failed.error


def test_an_unexpected_rendering_exception_fails_that_file_alone(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wpsync.engine.references import References

    real = References.render

    def broken(self, payload, media, targets):  # type: ignore[no-untyped-def]
        if payload.rel == "cursed.md":
            raise RecursionError("maximum recursion depth exceeded")
        return real(self, payload, media, targets)

    monkeypatch.setattr(References, "render", broken)
    for n in range(3):
        folder.write(f"fine-{n}.md", f"Fine {n}.\n")
    folder.write("cursed.md", "Looks harmless.\n")
    report = folder.sync(wp)
    got = actions(report)
    assert got.pop("cursed.md") == "failed"
    assert set(got.values()) == {"created"}
    [failed] = [f for f in report.files if f.action == "failed"]
    assert failed.error is not None and "could not be rendered: RecursionError" in failed.error
    assert len(wp.posts()) == 3


def test_the_daemon_survives_an_unexpected_exception_in_a_sync(
    folder: Folder, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import wpsync.triggers.watch as watch
    from wpsync.triggers.queue import DueChanges

    calls: list[int] = []

    def exploding(*args: object, **kwargs: object) -> SyncReport:
        calls.append(1)
        raise KeyError("a bug")

    monkeypatch.setattr(watch, "run_sync", exploding)
    daemon = watch.Daemon(folder.config, watch.WatchOptions.from_config(folder.config))
    path = str(folder.write("a.md", "A.\n"))
    with caplog.at_level(logging.ERROR, logger="wpsync"):
        daemon._run(DueChanges((path,), ()))
        daemon._run(DueChanges((path,), ()))
    assert len(calls) == 2  # still running, and the next sync is tried
    assert daemon._exit_code == 0 and not daemon._stop.is_set()
    assert any("KeyError" in r.getMessage() for r in caplog.records)
