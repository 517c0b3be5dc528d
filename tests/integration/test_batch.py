"""Writes through the REST batch endpoint (``/batch/v1``), against the real WordPress.

- batched creates and updates leave WordPress exactly as one request per post does;
- a site without the batch route (or refusing batches) still gets every post, one by one,
  and is asked for a batch once per run only;
- a batch item WordPress refuses fails alone, with WordPress's message, the others go in;
- a batch whose answer is lost creates nothing twice, in the same run or the next.

The runs go through the fault proxy (tests/faults.py), which also counts what was sent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.convergence import (
    assert_converged,
    assert_unchanged,
    duplicates,
    posts_by_slug,
    read_state,
    site_at,
    sync_here,
)
from tests.faults import FaultProxy, drop_response, passthrough, route, status
from tests.sitekit import Site, admin
from tests.wordpress import WordPressInstance, reset

pytestmark = pytest.mark.integration

BATCH = route("POST", "/batch/v1")


def folder(site: Site, count: int = 12, *, prefix: str = "b") -> dict[str, str]:
    """A small blog: posts with categories (one nested), tags, excerpts, dates, a draft,
    a sticky post; a page with two child pages (a second wave).  rel → slug."""
    expected: dict[str, str] = {}
    for n in range(count):
        slug = f"{prefix}-post-{n}"
        extra = ""
        if n == 3:
            extra = "status: draft\n"
        if n == 5:
            extra = "sticky: true\ncomment_status: closed\n"
        site.write(
            f"posts/{slug}.md",
            f"---\ntitle: Post {n}\ndate: 2024-0{1 + n % 9}-1{n % 10}T10:00:00+02:00\n"
            f"categories: [News, Guides/Py{n % 3}]\ntags: [t{n % 4}, shared]\n"
            f"excerpt: Excerpt {n}.\n{extra}---\n"
            f"Body of *post {n}*.\n\n| a | b |\n|---|---|\n| {n} | {n * n} |\n\n"
            "```python\nprint('hi')\n```\n",
        )
        expected[f"posts/{slug}.md"] = slug
    site.write(
        f"{prefix}-about.md",
        f"---\ntitle: About\ntype: page\nslug: {prefix}-about\ndate: 2024-01-01T00:00:00Z\n---\nUs.\n",
    )
    for child in ("team", "history"):
        site.write(
            f"{prefix}-{child}.md",
            f"---\ntitle: {child.title()}\ntype: page\nslug: {prefix}-{child}\ndate: 2024-01-02T00:00:00Z\n"
            f"parent: {prefix}-about\nmenu_order: {len(child)}\n---\nAbout {child}.\n",
        )
    return expected


PAGES = ("b-about", "b-team", "b-history")


def assert_published_once(site: Site, posts: dict[str, str]) -> None:
    """Every post (rel → slug) and the three pages exist exactly once, and one more run
    has nothing to send."""
    for rest_base, slugs in (("posts", posts.values()), ("pages", PAGES)):
        remote = posts_by_slug(site.wp, rest_base)
        assert duplicates(remote, slugs) == [], rest_base
        assert sorted(slugs) == sorted(remote), rest_base
    assert read_state(site).pending == {}
    assert_unchanged(site, len(posts) + len(PAGES))


def edit(site: Site, prefix: str = "b") -> None:
    """Change four posts and one child page (updates, in two waves)."""
    for n in (0, 3, 5, 7):
        path = site.content / f"posts/{prefix}-post-{n}.md"
        path.write_text(path.read_text().replace("Body of", "Edited body of"))
    path = site.content / f"{prefix}-team.md"
    path.write_text(path.read_text().replace("About team.", "About the team, edited."))


def snapshot(wp: WordPressInstance) -> dict[str, Any]:
    """What a reader and an editor see, with ids replaced by names (comparable across sites)."""
    with admin(wp) as client:
        cats = {
            c["id"]: c for c in client.get("/wp/v2/categories", params={"per_page": 100}).json()
        }
        tags = {
            t["id"]: t["name"] for t in client.get("/wp/v2/tags", params={"per_page": 100}).json()
        }

    def cat_path(term_id: int) -> str:
        cat = cats[term_id]
        return (cat_path(cat["parent"]) + "/" if cat["parent"] else "") + cat["name"]

    out: dict[str, Any] = {}
    for rest_base in ("posts", "pages"):
        remote = posts_by_slug(wp, rest_base)
        by_id = {p[0]["id"]: slug for slug, p in remote.items()}
        for slug, [post] in remote.items():
            with admin(wp) as client:
                full = client.get(
                    f"/wp/v2/{rest_base}/{post['id']}", params={"context": "edit"}
                ).json()
            out[f"{rest_base}/{slug}"] = {
                "title": full["title"]["raw"],
                "content": full["content"]["raw"],
                "excerpt": full["excerpt"]["raw"],
                "status": full["status"],
                "date_gmt": full["date_gmt"],
                "categories": sorted(cat_path(c) for c in full.get("categories", [])),
                "tags": sorted(tags[t] for t in full.get("tags", [])),
                "sticky": full.get("sticky"),
                "comment_status": full["comment_status"],
                "parent": by_id.get(full.get("parent", 0), full.get("parent", 0)),
                "menu_order": full.get("menu_order"),
            }
    return out


def run_both_ways(
    tmp_path: Path, wp: WordPressInstance, batch: bool
) -> tuple[list[Any], list[list[str]]]:
    """Publish the folder, edit it, publish again: WordPress after each run, and the
    requests that carried each run's writes (batches, or single posts/pages writes)."""
    reset(wp)
    snapshots: list[Any] = []
    writes: list[list[str]] = []
    with FaultProxy(wp.url) as proxy:
        site = site_at(
            tmp_path / ("batched" if batch else "single"),
            wp,
            proxy.url,
            extra=f"[sync]\nbatch = {json.dumps(batch)}\nconcurrency = 4\n",
        )
        folder(site)
        for step in ("publish", "edit"):
            if step == "edit":
                edit(site)
            seen = len(proxy.log)
            code, report = site.sync_json()
            assert code == 0 and report["failed"] == 0, report
            snapshots.append(snapshot(wp))
            writes.append(
                [
                    re.sub(r"/\d+$", "", e.path.split("?")[0])
                    for e in proxy.log[seen:]
                    if e.method == "POST"
                    and any(
                        r in e.path for r in ("/batch/v1", "/wp/v2/p", "/wp/v2/tags", "/wp/v2/cat")
                    )
                ]
            )
        assert (report["updated"], report["unchanged"]) == (5, 10), report
    return snapshots, writes


def test_batched_creates_and_updates_leave_wordpress_as_single_requests_do(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    batched, batch_writes = run_both_ways(tmp_path, wp, batch=True)
    single, single_writes = run_both_ways(tmp_path, wp, batch=False)

    for step, (b, s) in enumerate(zip(batched, single, strict=True)):
        for key in sorted(set(b) | set(s)):
            assert b.get(key) == s.get(key), (step, key)
    assert len(batched[0]) == 15 and batched[0] != batched[1]
    # one request per post, page and term without batching: 15 creates and the terms of
    # the folder (News, Guides, Guides/Py0-2, t0-t3, shared), then 5 updates (terms known)
    posts = [[p for p in w if "/wp/v2/p" in p] for w in single_writes]
    assert [len(w) for w in posts] == [15, 5]
    assert len([p for p in single_writes[0] if "/wp/v2/tags" in p or "/wp/v2/cat" in p]) >= 10
    assert not any("/batch/v1" in path for w in single_writes for path in w)
    # with it, batches carried most of them (a wave of two goes as two single writes), the
    # terms included: none was created on its own
    for step, (batched_run, single_run) in enumerate(zip(batch_writes, single_writes, strict=True)):
        assert "/wp-json/batch/v1" in batched_run, batched_run
        assert not any("/wp/v2/tags" in p or "/wp/v2/cat" in p for p in batched_run), batched_run
        if step == 0:
            assert len(batched_run) < len(single_run) / 2, (batched_run, single_run)
        else:  # the terms exist: found by slug either way, none written again
            assert not any("/wp/v2/tags" in p or "/wp/v2/cat" in p for p in single_run), single_run
            assert len(batched_run) < len(single_run), (batched_run, single_run)


@pytest.mark.parametrize(
    ("answer", "body"),
    [
        (
            404,
            {
                "code": "rest_no_route",
                "message": "No route was found matching the URL and request method.",
                "data": {"status": 404},
            },
        ),
        (
            403,
            {
                "code": "rest_batch_disabled",
                "message": "Batch requests are disabled on this site.",
                "data": {"status": 403},
            },
        ),
    ],
    ids=["no-route", "refused"],
)
def test_a_site_without_batching_gets_every_post_one_by_one_and_is_asked_once(
    tmp_path: Path, wp: WordPressInstance, answer: int, body: dict[str, Any]
) -> None:
    with FaultProxy(wp.url) as proxy:
        refusal = status(answer, body=json.dumps(body).encode(), content_type="application/json")
        plan = proxy.plan(BATCH, [refusal], repeat=True)
        # one worker: the first batch is refused before any other is tried
        site = site_at(tmp_path / "site", wp, proxy.url, extra="[sync]\nconcurrency = 1\n")
        expected = folder(site, 30)

        code, report = site.sync_json()

        assert code == 0 and report["created"] == 33 and report["failed"] == 0, report
        assert plan.hits == 1, proxy.log
        creates = proxy.requests_to("POST", "/wp-json/wp/v2/posts?")
        assert len(creates) == 30, [e.path for e in proxy.log]
        proxy.clear()
        assert_published_once(site, expected)


def test_a_batch_item_wordpress_refuses_fails_alone_with_its_message(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    with FaultProxy(wp.url) as proxy:
        site = site_at(tmp_path / "site", wp, proxy.url, extra="[sync]\nconcurrency = 1\n")
        expected = folder(site, 6)
        site.write("posts/bad.md", "---\ntitle: Bad\ntemplate: no-such-template.php\n---\nBody.\n")

        code, report = site.sync_json()

        assert code == 1, report
        failed = [f for f in report["files"] if f["action"] == "failed"]
        assert [f["path"] for f in failed] == ["posts/bad.md"], report
        assert "template" in failed[0]["error"], failed
        assert report["created"] == 9
        # the first wave went as one batch; the refused item was then sent on its own
        # the terms (two levels: News, Guides, t0…; then Guides/Py0…), the first wave, the
        # child pages
        assert len(proxy.requests_to("POST", "/batch/v1")) == 2 + 2
        assert len(proxy.requests_to("POST", "/wp/v2/posts?")) == 1
    assert "bad" not in posts_by_slug(wp)
    assert read_state(site).pending.keys() <= {"posts/bad.md"}
    assert set(read_state(site).entries) == set(expected) | {
        "b-about.md",
        "b-team.md",
        "b-history.md",
    }


def test_a_lost_batch_answer_is_recovered_by_slug_without_a_duplicate(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    with FaultProxy(wp.url) as proxy:
        # the first two batches create the terms (two levels); the third carries the posts
        plan = proxy.plan(BATCH, [passthrough, passthrough, drop_response])
        site = site_at(tmp_path / "site", wp, proxy.url, extra="[sync]\nconcurrency = 1\n")
        expected = folder(site, 20)

        code, report = site.sync_json()

        assert plan.hits == 3 and proxy.by_fault["drop_response"] == 1
        assert code == 0 and report["created"] == 23 and report["failed"] == 0, report
        # the batch was not sent again: its creates were found by their slugs
        bodies = [e for e in proxy.log if "/batch/v1" in e.path]
        assert len(bodies) == 2 + 2, bodies  # terms ×2, the lost one, the child pages' wave
        proxy.clear()
        assert_published_once(site, expected)


def test_a_batch_lost_for_good_is_adopted_by_the_next_run_without_a_duplicate(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    with FaultProxy(wp.url) as proxy:
        # every batch answer is lost, and so is every look-up by slug: the run gives up
        proxy.plan(BATCH, [drop_response], repeat=True)
        slugs = route("GET", "/wp/v2/posts?slug=")
        proxy.plan(slugs, [passthrough])  # the planner's look-up before the creates
        proxy.plan(slugs, [status(503)], repeat=True)
        site = site_at(
            tmp_path / "site",
            wp,
            proxy.url,
            timeout=5,
            max_attempts=2,
            extra="[sync]\nconcurrency = 1\n",
        )
        for n in range(8):
            site.write(f"p{n}.md", f"---\ntitle: Lost {n}\n---\nBody {n}.\n")

        code, report = site.sync_json()

        assert code == 1 and report["failed"] == 8, report
        assert all(f["action"] == "failed" for f in report["files"]), report
        assert len(read_state(site).pending) == 8
        assert sorted(posts_by_slug(wp)) == [f"p{n}" for n in range(8)]  # they reached WordPress

        proxy.clear()
        code, report = sync_here(site)
        assert code == 0 and report["created"] == 8, report
        assert {f["detail"] for f in report["files"]} == {"recovered earlier create"}
        assert_converged(site, {f"p{n}.md": f"p{n}" for n in range(8)})
