"""A checkout without the state (a fresh ``git clone``, a CI runner) against the real
WordPress: the posts, pages, terms and images its folder published are recognised —
nothing created twice, nothing uploaded twice, nothing sent that WordPress already has —
and a post edited in WordPress since is a conflict, never overwritten.

The repository's ``content/`` (posts, pages in folders, a draft, a scheduled post,
categories and tags, five images used many times, links between files) is published
from one folder; the copy is that folder without ``.wpsync/``.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sitekit import REMOTE_CHECK, Site, admin, all_posts, make_site
from tests.wordpress import REPO, WordPressInstance
from wpsync.engine.fingerprint import read_fingerprint
from wpsync.engine.media import media_slug
from wpsync.model import bytes_hash
from wpsync.store.state import StateStore

pytestmark = pytest.mark.integration

SAMPLE = REPO / "content"
MARKDOWN = sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*.md"))
IMAGES = sorted(p for p in SAMPLE.rglob("*") if p.suffix in (".png", ".jpg"))


def media(wp: WordPressInstance) -> list[dict[str, Any]]:
    with admin(wp) as client:
        r = client.get("/wp/v2/media", params={"per_page": 100, "context": "edit"})
        r.raise_for_status()
        return list(r.json())


def everything(wp: WordPressInstance) -> dict[int, dict[str, Any]]:
    return {p["id"]: p for p in all_posts(wp) + all_posts(wp, "pages")}


def terms(wp: WordPressInstance) -> list[tuple[str, str]]:
    out = []
    with admin(wp) as client:
        for taxonomy in ("categories", "tags"):
            r = client.get(f"/wp/v2/{taxonomy}", params={"per_page": 100, "hide_empty": False})
            r.raise_for_status()
            out += [(taxonomy, t["name"]) for t in r.json()]
    return sorted(out)


def publish(tmp_path: Path, wp: WordPressInstance) -> Site:
    site = make_site(tmp_path / "laptop", wp)
    shutil.copytree(SAMPLE, site.content, dirs_exist_ok=True)
    code, report = site.sync_json()
    assert code == 0, report
    assert report["created"] == len(MARKDOWN) and report["failed"] == report["conflicts"] == 0
    return site


def fresh_clone(site: Site, root: Path) -> Site:
    """The folder as ``git clone`` gives it: everything but the state."""
    shutil.copytree(site.root, root, ignore=shutil.ignore_patterns(".wpsync"))
    assert not (root / ".wpsync").exists()
    return Site(root, site.wp)


def plan_json(site: Site) -> dict[str, Any]:
    done = site.cli("plan", "--json")
    try:
        return dict(json.loads(done.stdout))
    except json.JSONDecodeError as exc:
        raise AssertionError(f"not JSON: {done.stdout!r}\n{done.stderr}") from exc


def actions(report: dict[str, Any]) -> dict[str, str]:
    return {f["path"]: f["action"] for f in report["files"]}


def test_a_fresh_clone_recognises_everything_and_sends_nothing(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    laptop = publish(tmp_path, wp)
    before = everything(wp)
    library = media(wp)
    known_terms = terms(wp)
    assert len(library) == len(IMAGES) == 5
    # what was published carries its fingerprint, and each upload its content hash
    for post in before.values():
        fingerprint, _ = read_fingerprint(post["content"]["raw"])
        assert fingerprint is not None and fingerprint.rel in MARKDOWN, post["slug"]
    assert {m["slug"] for m in library} == {media_slug(bytes_hash(p.read_bytes())) for p in IMAGES}
    # … and nothing of it reaches the site, not even its page source
    with httpx.Client(timeout=30) as web:
        for post in before.values():
            if post["status"] == "publish":
                fingerprint, _ = read_fingerprint(post["content"]["raw"])
                assert fingerprint is not None
                page = web.get(post["link"]).text
                at = page.find(fingerprint.payload_hash)
                assert at < 0, (post["link"], page[max(0, at - 600) : at + 200])
                assert not re.search(r"wpsync:[12];", page) and '"wpsync":"' not in page

    started = time.monotonic()
    code, noop = laptop.sync_json()
    noop_seconds = time.monotonic() - started
    assert code == 0 and noop["unchanged"] == len(MARKDOWN) and noop["requests"] <= REMOTE_CHECK

    ci = fresh_clone(laptop, tmp_path / "ci")
    plan = plan_json(ci)
    assert plan["conflict"] == plan["create"] == plan["update"] == plan["failed"] == 0, plan
    assert plan["unchanged"] == len(MARKDOWN)
    assert plan["requests"] <= 3  # posts and pages, 100 slugs a request (and a token)
    with StateStore.open(ci.root / ".wpsync", wp.url) as state:
        assert state.entries() == {}  # a plan links nothing: it only looked

    started = time.monotonic()
    code, report = ci.sync_json()
    adopt_seconds = time.monotonic() - started
    assert code == 0, report
    assert report["created"] == report["updated"] == report["conflicts"] == 0, report
    assert report["unchanged"] == len(MARKDOWN)
    assert report["requests"] <= 3  # two look-ups (posts, pages) and a token: no write
    after = everything(wp)
    assert {i: p["modified_gmt"] for i, p in after.items()} == {
        i: p["modified_gmt"] for i, p in before.items()
    }
    assert media(wp) == library and terms(wp) == known_terms
    print(f"\nno-op with the state: {noop_seconds:.2f}s; fresh clone: {adopt_seconds:.2f}s")

    # The clone has its state now: the next run is a no-op like any other.
    code, again = ci.sync_json()
    assert code == 0 and again["requests"] <= REMOTE_CHECK and again["unchanged"] == len(MARKDOWN)

    # One file edited in the clone: exactly one update, its images not uploaded again.
    images = ci.content / "guides" / "images.md"
    images.write_text(images.read_text() + "\nOne more line, written on the CI runner.\n")
    code, report = ci.sync_json()
    assert code == 0, report
    assert actions(report)["guides/images.md"] == "updated"
    assert report["updated"] == 1 and report["created"] == 0, report
    assert len(media(wp)) == 5  # each image once in the library
    post = next(p for p in everything(wp).values() if p["slug"] == "images")
    assert "One more line, written on the CI runner." in post["content"]["raw"]
    assert any(m["source_url"] in post["content"]["raw"] for m in library)
    assert len(everything(wp)) == len(MARKDOWN)  # no duplicate


@pytest.mark.slow  # publishes content/ a second time (~40 s with three clones)
def test_an_edit_made_in_wordpress_is_a_conflict_in_a_fresh_clone_never_overwritten(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    laptop = publish(tmp_path, wp)
    posts = {p["slug"]: p for p in everything(wp).values()}
    code_blocks, team = posts["code-blocks"], posts["team"]
    with admin(wp) as client:
        edited = code_blocks["content"]["raw"].replace("</p>", " (edited in WordPress)</p>", 1)
        r = client.post(f"/wp/v2/posts/{code_blocks['id']}", json={"content": edited})
        r.raise_for_status()
        r = client.post(f"/wp/v2/pages/{team['id']}", json={"title": "The crew"})
        r.raise_for_status()
    ci = fresh_clone(laptop, tmp_path / "ci")
    plan = plan_json(ci)
    assert plan["conflict"] == 2 and plan["create"] == plan["update"] == 0, plan
    conflicts = {f["path"]: f["reason"] for f in plan["files"] if f["action"] == "conflict"}
    assert set(conflicts) == {"guides/code-blocks.md", "about/team.md"}
    assert all("edited in WordPress since" in reason for reason in conflicts.values())

    # The file changed in the clone too: still a conflict; WordPress keeps the edit.
    source = ci.content / "guides" / "code-blocks.md"
    source.write_text(source.read_text() + "\nA local change.\n")
    code, report = ci.sync_json()
    assert code == 1, report
    assert actions(report)["guides/code-blocks.md"] == "conflict"
    assert actions(report)["about/team.md"] == "conflict"
    assert report["created"] == report["updated"] == 0 and report["unchanged"] == len(MARKDOWN) - 2
    now = everything(wp)
    assert now[code_blocks["id"]]["content"]["raw"] == edited
    assert now[team["id"]]["title"]["raw"] == "The crew"
    assert len(now) == len(MARKDOWN)

    # `state rebuild` recognises the same way: the edits are not "differences to overwrite".
    other = fresh_clone(laptop, tmp_path / "other")
    done = other.cli("state", "rebuild", "--json")
    rebuilt = json.loads(done.stdout)
    outcomes = {f["path"]: f["outcome"] for f in rebuilt["files"]}
    assert outcomes.pop("guides/code-blocks.md") == "conflict"
    assert outcomes.pop("about/team.md") == "conflict"
    assert set(outcomes.values()) == {"linked"}, rebuilt
    # each linked post with the digest of its texts, as a write records it
    with sqlite3.connect(other.root / ".wpsync" / "state.sqlite") as db:
        digests = dict(db.execute("SELECT rel, stored FROM entries"))
    assert all(digests[rel] for rel in outcomes), digests
    code, report = other.sync_json()
    assert report["created"] == report["updated"] == 0 and report["conflicts"] == 2, report
    assert everything(wp)[code_blocks["id"]]["content"]["raw"] == edited

    # --force is the writer's way to overwrite it: the post is updated in place.
    code, report = ci.sync_json("--force")
    assert code == 0 and report["conflicts"] == 0, report
    assert actions(report)["guides/code-blocks.md"] in ("created", "updated")  # sent over it
    now = everything(wp)
    assert "A local change." in now[code_blocks["id"]]["content"]["raw"]
    assert len(now) == len(MARKDOWN)


def test_classic_html_carries_the_fingerprint_as_a_comment_never_shown(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    laptop = make_site(tmp_path / "classic", wp, extra="block_editor = false\n")
    laptop.write("plain.md", "---\ntitle: Plain\n---\nOne paragraph.\n\nAnother one.\n")
    laptop.write("empty.md", "---\ntitle: Only a title\n---\n")
    code, report = laptop.sync_json()
    assert code == 0 and report["created"] == 2, report
    posts = {p["slug"]: p for p in all_posts(wp)}
    raw = posts["plain"]["content"]["raw"]
    assert "<!-- wp:" not in raw and raw.rstrip().endswith("--></p>")
    with httpx.Client(timeout=30) as web:
        for post in posts.values():
            page = web.get(post["link"]).text
            # in the page source at most as a comment; nothing of it on the page itself
            visible = re.sub(r"<!--.*?-->", "", page, flags=re.S)
            assert not re.search(r"wpsync:[12];", visible), post["link"]
            if post["slug"] == "plain":  # (a post with no content at all gets a <p> for it)
                assert "<p></p>" not in visible and "<p> </p>" not in visible, visible
    # a file moved (and synced) before the clone: found by its title and fingerprint
    laptop.write("notes/old-name.md", "---\ntitle: A moved note\n---\nMoved.\n")
    assert laptop.sync_json()[1]["created"] == 1
    (laptop.content / "notes" / "old-name.md").rename(laptop.content / "new-name.md")
    code, report = laptop.sync_json()
    assert actions(report)["new-name.md"] == "updated", report  # moved: same post, same slug
    published = {p["id"]: p["slug"] for p in all_posts(wp)}
    ci = fresh_clone(laptop, tmp_path / "classic-ci")
    code, report = ci.sync_json()
    assert code == 0 and report["unchanged"] == 3, report
    assert report["requests"] <= 3, report  # the slugs, one search, (a token)
    assert {p["id"]: p["slug"] for p in all_posts(wp)} == published
