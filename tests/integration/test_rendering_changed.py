"""Against the real WordPress: after the Markdown renderer changes, the first sync re-sends
the posts it renders differently, once, and only those; `plan` says "rendering changed";
the run after sends nothing and reads no file.  The "new" renderer is today's with
emphasis written as <i> (patched in this process); switching back is then a renderer
change too, run through the real command line."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import wpsync.source.content
import wpsync.source.mapping
from tests.sitekit import REMOTE_CHECK, Site, all_posts, make_site
from tests.wordpress import WordPressInstance
from wpsync.config import Config, load_config
from wpsync.engine.preview import run_plan
from wpsync.engine.run import SyncRequest, run_sync
from wpsync.source import versions
from wpsync.source.render import Rendered

pytestmark = pytest.mark.integration

NEW_RENDERER = "test-engine 2.0 / wpsync 1"


@pytest.fixture
def site(tmp_path: Path, wp: WordPressInstance) -> Site:
    site = make_site(tmp_path / "blog", wp)
    site.write("emphasis.md", "# Emphasis\n\nSome *emphasis* here.\n")
    site.write("plain.md", "# Plain\n\nNothing special.\n")
    site.write("guides/list.md", "# List\n\n- one\n- two\n")
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 3, report
    return site


@pytest.fixture
def new_renderer(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another renderer in this process (and the password its runs read from the environment)."""
    monkeypatch.setenv("WPSYNC_PASSWORD", site.env()["WPSYNC_PASSWORD"])
    original = wpsync.source.mapping.render_markdown

    def render(*args: Any, **kwargs: Any) -> Rendered:
        rendered = original(*args, **kwargs)
        html = rendered.html.replace("<em>", "<i>").replace("</em>", "</i>")
        return dataclasses.replace(rendered, html=html)

    monkeypatch.setattr(wpsync.source.mapping, "render_markdown", render)
    monkeypatch.setattr(versions, "renderer_identity", lambda engine: NEW_RENDERER)
    yield


def config_of(site: Site) -> Config:
    return load_config(site.config, env=site.env())


def by_slug(wp: WordPressInstance) -> dict[str, dict[str, Any]]:
    return {p["slug"]: p for p in all_posts(wp)}


def test_a_new_renderer_re_sends_the_posts_it_renders_differently_once(
    site: Site, wp: WordPressInstance, new_renderer: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = by_slug(wp)
    assert "<em>emphasis</em>" in before["emphasis"]["content"]["raw"]

    plan = run_plan(config_of(site))
    assert {p.path: p.action for p in plan.files} == {
        "emphasis.md": "update",
        "plain.md": "unchanged",
        "guides/list.md": "unchanged",
    }
    [update] = [p for p in plan.files if p.action == "update"]
    assert update.reason.startswith("rendering changed: ")

    report = run_sync(config_of(site), SyncRequest())
    assert {f.path: f.action for f in report.files} == {
        "emphasis.md": "updated",
        "plain.md": "unchanged",
        "guides/list.md": "unchanged",
    }
    after = by_slug(wp)
    assert "<i>emphasis</i>" in after["emphasis"]["content"]["raw"]
    for slug in ("plain", "list"):  # not written: WordPress's copy is as it was
        assert after[slug]["modified_gmt"] == before[slug]["modified_gmt"], slug

    # the run after: nothing read, nothing sent
    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"read_document{args} called on a no-op run")

    monkeypatch.setattr(wpsync.source.content, "read_document", no_read)
    again = run_sync(config_of(site), SyncRequest())
    assert again.requests <= REMOTE_CHECK and again.count("unchanged") == 3


def test_switching_back_through_the_command_line(
    site: Site, wp: WordPressInstance, new_renderer: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = run_sync(config_of(site), SyncRequest())
    assert report.count("updated") == 1
    monkeypatch.undo()  # today's renderer again, in the commands below (own processes)
    before = by_slug(wp)

    done = site.cli("plan", "--json", process=True)
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    updates = [f for f in plan["files"] if f["action"] == "update"]
    assert [(f["path"], f["reason"].split(":")[0]) for f in updates] == [
        ("emphasis.md", "rendering changed")
    ]
    assert plan["update"] == 1 and plan["unchanged"] == 2

    done = site.cli("plan", process=True)
    assert "update    emphasis.md" in done.stdout and "rendering changed" in done.stdout

    code, synced = site.sync_json(process=True)
    assert code == 0 and synced["updated"] == 1 and synced["unchanged"] == 2, synced
    after = by_slug(wp)
    assert "<em>emphasis</em>" in after["emphasis"]["content"]["raw"]
    for slug in ("plain", "list"):
        assert after[slug]["modified_gmt"] == before[slug]["modified_gmt"], slug

    code, again = site.sync_json(process=True)
    assert code == 0 and again["requests"] <= REMOTE_CHECK and again["unchanged"] == 3, again
