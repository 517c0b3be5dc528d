"""`wpsync plan` against the real WordPress: exactly what a sync would do, with reasons
and diffs, and not one write request."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults import FaultProxy
from tests.sitekit import Site, admin, all_posts, make_site, next_second
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TOKEN_ROUTES = ("/jwt-auth/v1/token",)


@pytest.fixture
def proxy(wp: WordPressInstance) -> Iterator[FaultProxy]:
    """A pass-through proxy: every request wpsync sends is in its log."""
    with FaultProxy(wp.url) as running:
        yield running


def plan_json(site: Site, *args: str, **env: str) -> tuple[int, dict[str, Any]]:
    done = site.cli("plan", "--json", *args, env=site.env(**env))
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def writes(proxy: FaultProxy, since: int) -> list[str]:
    """Requests that could change something (anything but GET and the JWT login)."""
    return [
        f"{e.method} {e.path}"
        for e in proxy.log[since:]
        if e.method != "GET" and not any(r in e.path for r in TOKEN_ROUTES)
    ]


def sample_site(tmp_path: Path, wp: WordPressInstance, url: str) -> Site:
    site = make_site(tmp_path / "blog", dataclasses.replace(wp, url=url))
    shutil.rmtree(site.content)
    shutil.copytree(REPO / "content", site.content)
    code, report = site.sync_json()
    assert code == 0 and report["failed"] == 0, report
    return site


def _unreferenced(site: Site, files: list[Path]) -> Path:
    """A file no other file names (deleting it changes no other post's links or parent)."""
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    for candidate in files:
        stem = candidate.stem
        if stem in ("index", "_index") or candidate.with_suffix("").is_dir():
            continue
        if not any(stem in text for f, text in texts.items() if f != candidate):
            return candidate
    raise AssertionError("the sample content has no file that nothing links to")


def test_plan_on_the_sample_site_lists_exactly_the_two_edits_and_the_deletion(
    tmp_path: Path, wp: WordPressInstance, proxy: FaultProxy
) -> None:
    site = sample_site(tmp_path, wp, proxy.url)
    files = sorted(site.content.rglob("*.md"))
    assert len(files) >= 3
    gone = _unreferenced(site, files)
    edited = [f for f in files if f != gone][:2]
    for path in edited:
        path.write_text(
            path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8"
        )
    gone.unlink()
    rel = lambda p: p.relative_to(site.content).as_posix()  # noqa: E731

    before = len(proxy.log)
    code, plan = plan_json(site)
    assert code == 0
    moving = {f["path"]: f["action"] for f in plan["files"] if f["action"] != "unchanged"}
    assert moving == {rel(edited[0]): "update", rel(edited[1]): "update", rel(gone): "delete"}
    assert (plan["update"], plan["delete"], plan["create"]) == (2, 1, 0)
    assert plan["unchanged"] == len(files) - 3
    deletion = next(f for f in plan["files"] if f["action"] == "delete")
    assert "trash" in deletion["reason"] and deletion["id"]

    code, diffed = plan_json(site, "--diff")
    updates = [f for f in diffed["files"] if f["action"] == "update"]
    assert all(f["fields"] == ["content"] for f in updates), updates
    assert all("+" in f["diff"] and "One more paragraph." in f["diff"] for f in updates)
    text = site.cli("plan", "--diff")
    assert "One more paragraph." in text.stdout and "plan: 2 to update, 1 to delete" in text.stdout
    assert writes(proxy, before) == []

    # sync --dry-run takes the same path and agrees
    dry = json.loads(site.cli("sync", "--dry-run", "--json").stdout)
    assert (dry["updated"], dry["deleted"], dry["created"]) == (2, 1, 0)
    assert writes(proxy, before) == []
    # and the sync does what the plan said
    code, report = site.sync_json()
    assert (report["updated"], report["deleted"], report["created"]) == (2, 1, 0), report


def test_a_conflict_says_what_changed_in_wordpress_and_what_force_would_send(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blog", wp)
    path = site.write("hello.md", "---\ntitle: Hello\n---\nFirst version.\n")
    assert site.sync_json()[0] == 0
    [post] = all_posts(wp)
    next_second()
    with admin(wp) as client:
        r = client.post(f"/wp/v2/posts/{post['id']}", json={"title": "Hello from the editor"})
        assert r.status_code == 200
        edited_at = r.json()["modified_gmt"]
    path.write_text("---\ntitle: Hello\n---\nSecond version.\n")
    code, plan = plan_json(site, "--diff")
    assert code == 1  # a sync would leave it in conflict
    [conflict] = [f for f in plan["files"] if f["action"] == "conflict"]
    assert "edited on the site" in conflict["reason"]
    assert "title" in conflict["reason"] and "Hello from the editor" in conflict["reason"]
    assert set(conflict["fields"]) == {"title", "content"}
    assert (
        "-<p>First version.</p>" in conflict["diff"]
        and "+<p>Second version.</p>" in conflict["diff"]
    )
    [after] = all_posts(wp)  # planning changed nothing
    assert after["modified_gmt"] == edited_at and after["title"]["raw"] == "Hello from the editor"


def test_a_user_without_rights_on_the_posts_can_still_plan(
    tmp_path: Path, wp: WordPressInstance, proxy: FaultProxy
) -> None:
    site = make_site(tmp_path / "blog", dataclasses.replace(wp, url=proxy.url))
    site.write("one.md", "---\ntitle: One\n---\nBody one.\n")
    site.write("two.md", "---\ntitle: Two\n---\nBody two.\n")
    assert site.sync_json()[0] == 0  # published by admin
    modified = {p["slug"]: p["modified_gmt"] for p in all_posts(wp)}
    (site.content / "one.md").write_text("---\ntitle: One, again\n---\nBody one, edited.\n")
    before = len(proxy.log)
    author = {"WPSYNC_USERNAME": wp.author_user, "WPSYNC_PASSWORD": wp.author_password}
    code, plan = plan_json(site, "--diff", **author)
    assert code == 0, plan
    [update] = [f for f in plan["files"] if f["action"] == "update"]
    assert update["path"] == "one.md"
    assert "no edit rights" in update["note"] and "diff" not in update
    assert writes(proxy, before) == []
    assert {p["slug"]: p["modified_gmt"] for p in all_posts(wp)} == modified
    # and a real sync as that user is refused for that post; it never re-creates it
    done = site.cli("sync", "--json", env=site.env(**author))
    report = json.loads(done.stdout)
    assert (report["failed"], report["created"]) == (1, 0), report
    assert "rest_cannot_edit" in report["files"][0]["error"]
    assert len(all_posts(wp)) == 2
