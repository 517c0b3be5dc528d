"""After the Markdown renderer changes (wpsync upgraded, engine switched), the first sync
re-sends the posts it renders differently — once, and only those — and `plan` says
"rendering changed"; the run after sends nothing and reads no file.  Against the
in-memory WordPress (tests/fakewp.py); tests/integration/test_rendering_changed.py
crosses the wire."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import wpsync.source.content
import wpsync.source.mapping
from tests.fakewp import FakeWordPress, Folder, Request, only_the_remote_check
from wpsync.engine import references
from wpsync.engine.items import RENDERER, payload_hash
from wpsync.engine.preview import run_plan
from wpsync.engine.report import SyncReport
from wpsync.model import PostPayload, Pushed
from wpsync.source import versions
from wpsync.source.render import Rendered
from wpsync.store.state import StateStore

NEW_RENDERER = "test-engine 2.0 / wpsync 1"


@pytest.fixture
def wp() -> FakeWordPress:
    return FakeWordPress()


@pytest.fixture
def folder(tmp_path: Path, wp: FakeWordPress) -> Folder:
    """Three posts published with today's renderer: one with emphasis (the new renderer
    renders it differently), two without."""
    folder = Folder.make(tmp_path / "blog")
    folder.write("emphasis.md", "# Emphasis\n\nSome *emphasis* here.\n")
    folder.write("plain.md", "# Plain\n\nNothing special.\n")
    folder.write("guides/list.md", "# List\n\n- one\n- two\n")
    assert folder.sync(wp).count("created") == 3
    return folder


@pytest.fixture
def new_renderer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another renderer: its identity differs, and it writes emphasis as <i>."""
    original = wpsync.source.mapping.render_markdown

    def render(*args: Any, **kwargs: Any) -> Rendered:
        rendered = original(*args, **kwargs)
        html = rendered.html.replace("<em>", "<i>").replace("</em>", "</i>")
        return dataclasses.replace(rendered, html=html)

    monkeypatch.setattr(wpsync.source.mapping, "render_markdown", render)
    monkeypatch.setattr(versions, "renderer_identity", lambda engine: NEW_RENDERER)
    yield


def reads_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"read_document{args} called")

    monkeypatch.setattr(wpsync.source.content, "read_document", no_read)


def actions(report: SyncReport) -> dict[str, str]:
    return {f.path: f.action for f in report.files}


def recorded_renderers(folder: Folder) -> dict[str, str | None]:
    with StateStore.open(folder.config.state.path, folder.config.site.url) as state:
        return {rel: p.inputs.get(RENDERER) for rel, p in state.pushed().items()}


def test_every_post_records_the_renderer_it_was_rendered_with(folder: Folder) -> None:
    today = references.renderer_identity("commonmark")  # the default engine
    assert today.startswith("markdown-it-py ") and " / wpsync-cm " in today
    assert recorded_renderers(folder) == dict.fromkeys(
        ["emphasis.md", "guides/list.md", "plain.md"], today
    )


def test_the_renderer_is_recorded_but_not_hashed() -> None:
    payload = PostPayload("a.md", "posts", "a", "A", "<p>A</p>", "publish")
    assert payload_hash(payload, {RENDERER: "one"}) == payload_hash(payload, {RENDERER: "two"})
    assert payload_hash(payload, {RENDERER: "one"}) == payload_hash(payload)
    assert payload_hash(payload, {"link:b.md": "x"}) != payload_hash(payload)


def test_plan_says_rendering_changed_for_the_posts_rendered_differently(
    folder: Folder, wp: FakeWordPress, new_renderer: None
) -> None:
    mark = wp.request_count
    report = run_plan(folder.config, client_factory=wp.client_factory())
    lines = {p.path: p for p in report.files}
    assert {path: p.action for path, p in lines.items()} == {
        "emphasis.md": "update",
        "plain.md": "unchanged",
        "guides/list.md": "unchanged",
    }
    assert lines["emphasis.md"].reason.startswith("rendering changed: ")
    [update] = [f for f in report.to_json()["files"] if f["action"] == "update"]
    assert update["reason"].startswith("rendering changed")
    assert all(r.method == "GET" for r in wp.requests[mark:])
    # a plan changes nothing: the next plan says the same
    again = run_plan(folder.config, client_factory=wp.client_factory())
    assert [(p.path, p.action, p.reason) for p in again.files] == [
        (p.path, p.action, p.reason) for p in report.files
    ]


def test_sync_re_sends_exactly_those_posts_once(
    folder: Folder, wp: FakeWordPress, new_renderer: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    emphasis = next(p for p in wp.posts() if p.slug == "emphasis")
    mark = wp.request_count
    report = folder.sync(wp)
    assert actions(report) == {
        "emphasis.md": "updated",
        "plain.md": "unchanged",
        "guides/list.md": "unchanged",
    }
    # the remote check (GETs), then that post's update: nothing for the other two
    sent = wp.requests[mark:]
    assert [r for r in sent if r.method != "GET"] == [
        Request("POST", f"/wp/v2/posts/{emphasis.id}")
    ]
    assert "<i>emphasis</i>" in emphasis.content
    assert set(recorded_renderers(folder).values()) == {NEW_RENDERER}
    # the run after: no request, no file read
    reads_no_file(monkeypatch)
    mark = wp.request_count
    again = folder.sync(wp)
    assert only_the_remote_check(wp.requests[mark:])
    assert set(actions(again).values()) == {"unchanged"}


def test_a_dry_run_reports_the_reason_too(
    folder: Folder, wp: FakeWordPress, new_renderer: None
) -> None:
    from wpsync.engine.run import SyncRequest, run_sync

    report = run_sync(folder.config, SyncRequest(dry_run=True), client_factory=wp.client_factory())
    [update] = [f for f in report.files if f.action == "updated"]
    assert (update.path, update.detail) == ("emphasis.md", "would update (rendering changed)")


def test_a_file_edited_as_well_is_changed_not_rendering_changed(
    folder: Folder, wp: FakeWordPress, new_renderer: None
) -> None:
    folder.write("plain.md", "# Plain\n\nNothing special, edited.\n")
    report = run_plan(folder.config, client_factory=wp.client_factory())
    reasons = {p.path: p.reason for p in report.files if p.action == "update"}
    assert reasons == {
        "plain.md": "the file changed since the last sync",
        "emphasis.md": reasons["emphasis.md"],
    }
    assert reasons["emphasis.md"].startswith("rendering changed")


def test_posts_pushed_before_the_renderer_was_recorded_are_read_once_and_not_re_sent(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StateStore.open(folder.config.state.path, folder.config.site.url) as state:
        for pushed in state.pushed().values():
            inputs = {k: v for k, v in pushed.inputs.items() if k != RENDERER}
            state.put_pushed(Pushed(pushed.rel, pushed.status, inputs, pushed.fields))
    assert set(recorded_renderers(folder).values()) == {None}
    # an unknown renderer: every file is read again, nothing is sent (same HTML)
    mark = wp.request_count
    report = folder.sync(wp)
    assert set(actions(report).values()) == {"unchanged"}
    assert only_the_remote_check(wp.requests[mark:])
    today = references.renderer_identity("commonmark")
    assert set(recorded_renderers(folder).values()) == {today}
    # and never again
    reads_no_file(monkeypatch)
    assert folder.sync(wp, offline=True).requests == 0


def test_an_upgrade_from_before_the_record_re_sends_what_renders_differently(
    folder: Folder, wp: FakeWordPress, new_renderer: None
) -> None:
    with StateStore.open(folder.config.state.path, folder.config.site.url) as state:
        for pushed in state.pushed().values():
            inputs = {k: v for k, v in pushed.inputs.items() if k != RENDERER}
            state.put_pushed(Pushed(pushed.rel, pushed.status, inputs, pushed.fields))
    plan = run_plan(folder.config, client_factory=wp.client_factory())
    assert [(p.path, p.reason.split(":")[0]) for p in plan.files if p.action == "update"] == [
        ("emphasis.md", "rendering changed")
    ]
    report = folder.sync(wp)
    assert actions(report)["emphasis.md"] == "updated" and report.count("updated") == 1
    assert folder.sync(wp, offline=True).requests == 0


def test_a_post_edited_in_wordpress_is_still_a_conflict(
    folder: Folder, wp: FakeWordPress, new_renderer: None
) -> None:
    emphasis = next(p for p in wp.posts() if p.slug == "emphasis")
    wp.edit(emphasis.id, title="Edited in WordPress")
    report = folder.sync(wp)
    assert actions(report)["emphasis.md"] == "conflict"
    assert emphasis.title == "Edited in WordPress"
    # not recorded as sent: the next run reports it again
    assert recorded_renderers(folder)["emphasis.md"] != NEW_RENDERER
    assert actions(folder.sync(wp))["emphasis.md"] == "conflict"


def test_knowing_the_renderer_imports_none(tmp_path: Path) -> None:
    """Asked on every run, a run with nothing to do included (tests/integration/test_noop.py):
    the renderer's identity comes without importing a Markdown engine."""
    code = (
        "import sys\n"
        "from wpsync.engine.references import PYTHON_MARKDOWN, renderer_identity\n"
        "print(renderer_identity(PYTHON_MARKDOWN))\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('markdown', 'markdown_it')]\n"
        "heavy += [m for m in sys.modules if m == 'wpsync.source.render']\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == references.renderer_identity(references.PYTHON_MARKDOWN)


@pytest.mark.parametrize(
    ("distribution", "package"),
    [("markdown", "markdown"), ("click", "click"), ("PyYAML", "yaml"), ("wpsync", "wpsync")],
)
def test_the_installed_version_is_the_one_importlib_metadata_gives(
    distribution: str, package: str
) -> None:
    from importlib.metadata import version

    assert versions.installed_version(distribution, package) == version(distribution)


def test_a_package_that_is_not_installed_has_an_unknown_version() -> None:
    assert versions.installed_version("no-such-dist-wpsync", "no_such_package_wpsync") == "?"


def test_a_new_block_conversion_re_sends_the_block_posts_once(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the folder's posts went out as blocks (the default); the conversion's revision moves
    assert folder.config.content.block_editor
    monkeypatch.setattr(references, "BLOCKS_REVISION", "next")
    report = run_plan(folder.config, client_factory=wp.client_factory())
    assert {p.path: p.action for p in report.files} == dict.fromkeys(
        ["emphasis.md", "plain.md", "guides/list.md"], "update"
    )
    assert all(p.reason.startswith("rendering changed") for p in report.files)
    assert folder.sync(wp).count("updated") == 3
    reads_no_file(monkeypatch)
    mark = wp.request_count
    again = folder.sync(wp)
    assert only_the_remote_check(wp.requests[mark:])
    assert set(actions(again).values()) == {"unchanged"}
