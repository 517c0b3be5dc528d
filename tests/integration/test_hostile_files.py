"""Hostile files and a hostile site against the real WordPress (issue 14): parser bombs
fail alone in a run of 30 files, only real images reach the media library, and ``pull``
of a site with Cyrillic, Greek and Japanese slugs, an ``index`` page and hostile slugs
writes only inside the content folder, after which ``sync`` sends nothing and no URL
changes — not even when the pulled files are edited.  A pull killed with SIGKILL and run
again links every file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import frontmatter
import httpx
import pytest

from tests.sitekit import Site, admin, all_posts, make_site
from tests.unit.test_file_failures import bombs
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5c3a8d30000000049454e44ae426082"
)


def _post(client: httpx.Client, route: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(route, json=body)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


def media_count(wp: WordPressInstance) -> int:
    with admin(wp) as client:
        r = client.get("/wp/v2/media", params={"per_page": 1})
        r.raise_for_status()
        return int(r.headers["X-WP-Total"])


def test_parser_bombs_fail_alone_in_a_run_of_30_files(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blog", wp)
    for n in range(26):
        site.write(f"post-{n:02}.md", f"---\ntitle: Post {n}\n---\nBody {n}.\n")
    for rel, text in bombs().items():
        (site.content / rel).write_text(text, encoding="utf-8")
    started = time.monotonic()
    code, report = site.sync_json()
    elapsed = time.monotonic() - started
    actions = {f["path"]: f["action"] for f in report["files"]}
    assert len(actions) == 30
    assert all(actions[f"post-{n:02}.md"] == "created" for n in range(26)), report
    assert {actions[rel] for rel in bombs()} <= {"failed", "created"}
    failed = [f for f in report["files"] if f["action"] == "failed"]
    assert code == (1 if failed else 0)
    for f in failed:
        assert f["path"] in f["error"] and "Traceback" not in f["error"]
    assert len(all_posts(wp)) == report["created"] >= 26
    assert elapsed < 120


def test_only_images_reach_the_media_library(tmp_path: Path, wp: WordPressInstance) -> None:
    site = make_site(tmp_path / "blog", wp)
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$salt$hash:19000:0:99999:7:::\n")
    os.link(secret, site.content / "avatar.jpg")  # a hard link to a file outside
    (site.content / "secrets.txt").write_text("API_KEY=abc123\n")
    (site.content / "notes.png").write_text("just notes\n")
    (site.content / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (site.content / "dot.png").write_bytes(PNG)
    site.write("a.md", "![x](secrets.txt)\n")
    site.write("b.md", "![x](notes.png)\n")
    site.write("c.md", "---\nfeatured_image: avatar.jpg\n---\nText.\n")
    site.write("d.md", "![x](drawing.svg)\n")
    site.write("good.md", "![dot](dot.png)\n")
    code, report = site.sync_json()
    assert code == 1
    errors = {f["path"]: f["error"] for f in report["files"] if f["action"] == "failed"}
    assert set(errors) == {"a.md", "b.md", "c.md"}, report
    assert "'secrets.txt' is not an image" in errors["a.md"]
    assert "'notes.png' is not an image" in errors["b.md"]
    assert "'avatar.jpg' is not an image" in errors["c.md"]
    # the SVG WordPress refuses: its post published, the drawing shown as a data: image
    assert {f["path"]: f["action"] for f in report["files"]}["d.md"] == "created"
    assert any("d.md: image 'drawing.svg' refused by WordPress" in w for w in report["warnings"])
    assert media_count(wp) == 1  # the PNG alone
    # the next run says the same without retrying anything
    code, again = site.sync_json()
    assert code == 1 and again["requests"] == 0 and media_count(wp) == 1


SLUGS = {
    "cyrillic": "привет-мир",
    "greek": "καλημέρα-κόσμε",
    "japanese": "こんにちは世界",
    "mixed": "café-日本",
}
HOSTILE = ["../../etc/passwd", ".wpsync", "con", "x" * 300, "index.md", "a/b"]


def build_site(wp: WordPressInstance) -> dict[str, Any]:
    with admin(wp) as client:
        made = {
            name: _post(
                client,
                "/wp/v2/posts",
                {"title": name, "slug": slug, "status": "publish", "content": f"<p>{name}</p>"},
            )
            for name, slug in SLUGS.items()
        }
        for n, slug in enumerate(HOSTILE):
            made[f"hostile-{n}"] = _post(
                client,
                "/wp/v2/posts",
                {"title": f"Hostile {n}", "slug": slug, "status": "publish"},
            )
        home = _post(
            client,
            "/wp/v2/pages",
            {"title": "Home", "slug": "index", "status": "publish", "content": "<p>Home</p>"},
        )
        about = _post(
            client,
            "/wp/v2/pages",
            {"title": "About", "slug": "about", "status": "publish", "content": "<p>Us</p>"},
        )
        team = _post(
            client,
            "/wp/v2/pages",
            {"title": "Команда", "slug": "команда", "status": "publish", "parent": about["id"]},
        )
        made.update({"home": home, "about": about, "team": team})
    return made


def links(wp: WordPressInstance) -> dict[int, tuple[str, str, int]]:
    return {
        p["id"]: (p["slug"], p["link"], p.get("parent", 0))
        for base in ("posts", "pages")
        for p in all_posts(wp, base)
    }


def test_pull_of_hostile_and_non_latin_slugs_then_sync_changes_no_url(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    made = build_site(wp)
    assert made["cyrillic"]["slug"].startswith("%d0%bf%d1%80")  # stored percent-encoded
    before = links(wp)
    site = make_site(tmp_path / "blog", wp)
    outside = {p for p in tmp_path.rglob("*") if site.root not in p.parents}
    done = site.cli("pull", "--json")
    assert done.returncode == 0, done.stderr
    pulled = json.loads(done.stdout)
    assert (pulled["pulled"], pulled["failed"], pulled["skipped"]) == (len(before), 0, 0)
    assert {p for p in tmp_path.rglob("*") if site.root not in p.parents} == outside
    written = [p.relative_to(site.content).as_posix() for p in site.content.rglob("*.md")]
    assert len(written) == len(before)
    assert all(not part.startswith(".") for rel in written for part in rel.split("/"))
    assert "pages/index.md" not in written
    for rel in written:  # the front matter holds the slug decoded
        front = frontmatter.loads((site.content / rel).read_text(encoding="utf-8"))
        assert "%" not in front["slug"]

    code, report = site.sync_json()
    assert code == 0, report
    assert report["requests"] == 0 and report["unchanged"] == len(before), report
    assert not report["warnings"], report["warnings"]

    # every pulled file edited: each post updated in place, no slug, link or parent moves
    for rel in written:
        path = site.content / rel
        path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    code, report = site.sync_json()
    assert code == 0, report
    assert report["updated"] == len(before) and report["created"] == 0, report
    assert not [w for w in report["warnings"] if "slug" in w], report["warnings"]
    assert links(wp) == before


def test_a_slug_written_in_another_script_is_stored_as_wordpress_stores_it(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blog", wp)
    site.write("greek.md", "---\ntitle: Greek\nslug: Καλημέρα Κόσμε\n---\nText.\n")
    site.write("mixed.md", "---\ntitle: Mixed\nslug: Café 日本\n---\nText.\n")
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 2, report
    assert not report["warnings"], report["warnings"]
    slugs = {p["title"]["raw"]: p["slug"] for p in all_posts(wp)}
    assert slugs["Mixed"] == "cafe-%e6%97%a5%e6%9c%ac"
    assert slugs["Greek"].startswith("%ce%ba%ce%b1")


def _batch_create(wp: WordPressInstance, count: int) -> None:
    with admin(wp) as client:
        for start in range(0, count, 25):
            requests = [
                {
                    "method": "POST",
                    "path": "/wp/v2/posts",
                    "body": {
                        "title": f"Bulk {n}",
                        "slug": f"bulk-{n}",
                        "status": "publish",
                        "content": f"<p>Bulk post {n}.</p>",
                    },
                }
                for n in range(start, min(count, start + 25))
            ]
            r = client.post("/batch/v1", json={"requests": requests})
            assert r.status_code == 207, r.text


def test_a_pull_killed_with_sigkill_then_run_again_links_every_file(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    total = 250
    _batch_create(wp, total)
    site: Site = make_site(tmp_path / "blog", wp)
    proc = subprocess.Popen(
        [sys.executable, "-m", "wpsync.cli", "--config", str(site.config), "pull"],
        cwd=site.root,
        env=site.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(site.content.glob("*.md"))) >= 40:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the pull ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    on_disk = len(list(site.content.glob("*.md")))
    assert 40 <= on_disk < total

    done = site.cli("pull", "--json")
    assert done.returncode == 0, done.stderr
    again = json.loads(done.stdout)
    assert again["skipped"] == 0 and again["failed"] == 0, again
    assert again["pulled"] + again["already_linked"] == total
    assert len(list(site.content.glob("*.md"))) == total
    code, report = site.sync_json()
    assert code == 0 and report["requests"] == 0 and report["unchanged"] == total, report
