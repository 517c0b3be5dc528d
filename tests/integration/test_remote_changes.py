"""Posts deleted for good, trashed or edited in WordPress (as an administrator, through
REST) are seen by `plan` and `sync` through the remote check (engine/remote.py) — with
other tests' posts on the same site, so the counts are never just this folder's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.sitekit import Site, admin, make_site, next_second
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration


def post_by_slug(wp: WordPressInstance, slug: str, status: str = "any") -> dict[str, Any] | None:
    with admin(wp) as http:
        found = http.get(
            "/wp/v2/posts", params={"slug": slug, "status": status, "context": "edit"}
        ).json()
    return found[0] if found else None


def lines_of(text: str) -> dict[str, str]:
    """plan's text output: file → its line."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("create", "update", "delete", "conflict", "unchanged"):
            out[parts[1].rstrip(":")] = line
    return out


@pytest.fixture
def site(tmp_path: Path, wp: WordPressInstance) -> Site:
    site = make_site(tmp_path / "blog", wp)
    for name in ("gone", "binned", "kept", "edited"):
        site.write(f"rc-{name}.md", f"---\ntitle: The {name} one\n---\nBody of {name}.\n")
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 4, report
    code, report = site.sync_json()  # the first check: the baseline is kept
    assert code == 0 and report["unchanged"] == 4, report
    # WordPress dates edits to the second: what the tests change in WordPress from here on
    # must be later than the posts' own writes to be told apart from them (documented)
    next_second()
    return site


@pytest.mark.slow
def test_deleted_and_trashed_posts_are_seen_and_the_deleted_one_is_published_again(
    site: Site, wp: WordPressInstance
) -> None:
    gone = post_by_slug(wp, "rc-gone")
    binned = post_by_slug(wp, "rc-binned")
    assert gone is not None and binned is not None
    with admin(wp) as http:
        http.delete(f"/wp/v2/posts/{gone['id']}", params={"force": "true"}).raise_for_status()
        http.delete(f"/wp/v2/posts/{binned['id']}").raise_for_status()

    done = site.cli("plan")
    assert done.returncode == 1, done.stderr
    lines = lines_of(done.stdout)
    assert lines["rc-gone.md"].startswith("create")
    assert "deleted on the site → publish again as 'rc-gone'" in lines["rc-gone.md"]
    assert lines["rc-binned.md"].startswith("conflict")
    assert "trashed on the site" in lines["rc-binned.md"]
    assert "wpsync resolve rc-binned.md --keep-local" in lines["rc-binned.md"]
    assert "rc-kept.md" not in lines  # unchanged (shown with -v only)
    assert "1 to create, 1 in conflict" in done.stdout
    assert post_by_slug(wp, "rc-gone") is None  # a plan changes nothing

    code, report = site.sync_json()
    assert code == 1, report
    outcome = {f["path"]: f for f in report["files"]}
    assert outcome["rc-gone.md"]["action"] == "created"
    assert "deleted on the site" in outcome["rc-gone.md"]["detail"]
    assert outcome["rc-binned.md"]["action"] == "conflict"
    assert outcome["rc-kept.md"]["action"] == "unchanged"
    again = post_by_slug(wp, "rc-gone")
    assert again is not None and again["id"] != gone["id"]
    assert again["slug"] == "rc-gone" and again["status"] == "publish"  # its old address
    trashed = post_by_slug(wp, "rc-binned__trashed", status="trash")
    assert trashed is not None and trashed["id"] == binned["id"]  # left in the trash

    # the conflict is not forgotten by the next run, the republished post is in sync
    code, report = site.sync_json()
    outcome = {f["path"]: f["action"] for f in report["files"]}
    assert code == 1 and outcome["rc-binned.md"] == "conflict", report
    assert outcome["rc-gone.md"] == "unchanged" and report["created"] == 0

    # the writer's call: publish the trashed one again from the file
    done = site.cli("resolve", "rc-binned.md", "--keep-local")
    assert done.returncode == 0, done.stderr
    assert "kept local" in done.stdout
    restored = post_by_slug(wp, "rc-binned")
    assert restored is not None and restored["id"] == binned["id"]
    assert restored["status"] == "publish"
    code, report = site.sync_json()
    assert code == 0 and report["unchanged"] == 4, report

    # --offline asks nothing, so sees nothing
    with admin(wp) as http:
        http.delete(f"/wp/v2/posts/{again['id']}", params={"force": "true"}).raise_for_status()
    code, report = site.sync_json("--offline")
    assert code == 0 and report["requests"] == 0 and report["unchanged"] == 4, report


def test_an_edit_made_in_wordpress_is_a_conflict_until_overwritten(
    site: Site, wp: WordPressInstance
) -> None:
    edited = post_by_slug(wp, "rc-edited")
    assert edited is not None
    with admin(wp) as http:
        http.post(
            f"/wp/v2/posts/{edited['id']}", json={"title": "Retitled in WordPress"}
        ).raise_for_status()
    code, report = site.sync_json()
    outcome = {f["path"]: f for f in report["files"]}
    assert code == 1 and outcome["rc-edited.md"]["action"] == "conflict", report
    assert "edited on the site" in outcome["rc-edited.md"]["error"]
    assert post_by_slug(wp, "rc-edited")["title"]["raw"] == "Retitled in WordPress"  # type: ignore[index]
    # --overwrite sends the file over it (and --force, deprecated, says so)
    done = site.cli("sync", "--force")
    assert "--force is deprecated" in done.stderr
    assert done.returncode == 0, done.stderr
    assert post_by_slug(wp, "rc-edited")["title"]["raw"] == "The edited one"  # type: ignore[index]
    code, report = site.sync_json()
    assert code == 0 and report["unchanged"] == 4, report

    # plan lists every file of a refused mass deletion before refusing
    for name in ("gone", "binned", "kept"):
        (site.content / f"rc-{name}.md").unlink()
    done = site.cli("plan")
    assert done.returncode == 1
    listed = [
        line.split()[1].rstrip(":")
        for line in done.stdout.splitlines()
        if line.startswith("delete")
    ]
    assert listed == ["rc-binned.md", "rc-gone.md", "rc-kept.md"]
    assert "refusing to trash 3 of 4 posts" in done.stderr
    assert "--allow-mass-delete" in done.stderr
    done = site.cli("plan", "--json")  # one JSON object, naming the files
    refused = json.loads(done.stdout)
    assert done.returncode == 1 and refused["kind"] == "SafetyError", refused
    assert refused["paths"] == ["rc-binned.md", "rc-gone.md", "rc-kept.md"]
    done = site.cli("sync", "--allow-mass-delete")
    assert done.returncode == 0, done.stderr
    assert [
        line.split()[1] for line in done.stdout.splitlines() if line.startswith("deleted ")
    ] == [
        "rc-binned.md",
        "rc-gone.md",
        "rc-kept.md",
    ]


def test_an_edit_is_seen_whatever_the_site_timezone(tmp_path: Path, wp: WordPressInstance) -> None:
    """``modified_after`` is compared with ``post_modified``, in the site's timezone: wpsync
    sends its GMT time with its zone. Eight hours behind GMT, a time sent without it would
    miss every edit of the last eight hours."""
    with admin(wp) as http:
        before = http.get("/wp/v2/settings").json()["timezone"]
        http.post("/wp/v2/settings", json={"timezone": "America/Los_Angeles"}).raise_for_status()
    try:
        site = make_site(tmp_path / "blog", wp)
        site.write("rc-tz.md", "---\ntitle: Zoned\n---\nBody.\n")
        code, report = site.sync_json()
        assert code == 0 and report["created"] == 1, report
        code, report = site.sync_json()  # the baseline
        assert code == 0 and report["unchanged"] == 1, report
        post = post_by_slug(wp, "rc-tz")
        assert post is not None and post["modified"] != post["modified_gmt"]
        next_second()  # after the syncs' second: WordPress's dates tell no finer
        with admin(wp) as http:
            http.post(f"/wp/v2/posts/{post['id']}", json={"title": "Re-zoned"}).raise_for_status()
        code, report = site.sync_json()
        assert code == 1 and report["conflicts"] == 1, report
        # seen by the listing (the count agrees: no look-up by ID); the third request reads
        # the post to say what was changed there
        assert report["requests"] == 3, report
    finally:
        with admin(wp) as http:
            http.post("/wp/v2/settings", json={"timezone": before or "UTC"}).raise_for_status()
