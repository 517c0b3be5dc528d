"""`wpsync pull` adopts a site that already has content: Markdown files with front matter,
linked so that the next `sync` creates nothing, updates nothing and sends no request."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frontmatter
import httpx
import pytest

from tests.sitekit import REMOTE_CHECK, Site, admin, all_posts, make_site, next_second
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

# a 1×1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _post(client: httpx.Client, route: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(route, json=body)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


@pytest.fixture
def paris(wp: WordPressInstance) -> Iterator[None]:
    """The site in Europe/Paris for the test (dates then carry +01:00 / +02:00)."""
    with admin(wp) as client:
        _post(client, "/wp/v2/settings", {"timezone": "Europe/Paris"})
    try:
        yield
    finally:
        with admin(wp) as client:
            _post(client, "/wp/v2/settings", {"timezone": "UTC"})


def build_site(wp: WordPressInstance) -> dict[str, Any]:
    """20 posts and 2 pages made the way a WordPress user would, through the REST API."""
    with admin(wp) as client:
        r = client.post(
            "/wp/v2/media",
            content=PNG,
            headers={
                "Content-Type": "image/png",
                "Content-Disposition": 'attachment; filename="dot.png"',
            },
        )
        assert r.status_code == 201, r.text
        image = r.json()["source_url"]
        guides = _post(client, "/wp/v2/categories", {"name": "Guides"})["id"]
        python = _post(client, "/wp/v2/categories", {"name": "Python", "parent": guides})["id"]
        news = _post(client, "/wp/v2/categories", {"name": "News & Views"})["id"]
        tags = {
            n: _post(client, "/wp/v2/tags", {"name": n})["id"]
            for n in ("intro", "python", "release")
        }
        made: list[dict[str, Any]] = []
        for n in range(20):
            body: dict[str, Any] = {
                "title": f'Post {n}: "quoted" & more — é' if n % 5 == 0 else f"Post number {n}",
                "status": "publish",
                "slug": f"post-{n}",
                "date": f"2025-{1 + n % 12:02d}-10T09:30:00",
                "content": (
                    f"<p>Paragraph of post {n} with <strong>bold</strong> and "
                    f'<a href="https://example.org/{n}">a link</a>.</p>\n'
                    f'<p><img src="{image}" alt="a dot {n}" /></p>\n'
                    "<ul><li>one</li><li>two</li></ul>\n"
                    '<pre><code class="language-python">print("hi")\n</code></pre>'
                ),
                "categories": [python] if n % 2 else [news, guides],
                "tags": [tags["intro"], tags["python"]] if n % 3 else [tags["release"]],
            }
            if n % 7 == 3:
                body["excerpt"] = f"Excerpt {n}."
            if n in (4, 9, 14):
                body["status"] = "draft"
            if n == 11:
                body["status"] = "private"
            if n == 12:
                body["status"] = "future"
                body["date"] = "2031-05-01T12:00:00"
            if n == 13:
                body["sticky"] = True
            if n == 17:
                # classic-editor content: paragraphs are blank lines, no <p>
                body["content"] = "First paragraph\nstill the first.\n\nSecond paragraph."
            made.append(_post(client, "/wp/v2/posts", body))
        about = _post(
            client,
            "/wp/v2/pages",
            {"title": "About", "slug": "about", "status": "publish", "content": "<p>Us.</p>"},
        )
        team = _post(
            client,
            "/wp/v2/pages",
            {
                "title": "Team",
                "slug": "team",
                "status": "publish",
                "parent": about["id"],
                "menu_order": 3,
                "content": "<p>People.</p>",
            },
        )
    return {"image": image, "posts": made, "pages": [about, team]}


def test_a_pulled_site_then_syncs_with_zero_creates_and_zero_updates(
    tmp_path: Path, wp: WordPressInstance, paris: None
) -> None:
    built = build_site(wp)
    site = make_site(tmp_path / "blog", wp)
    done = site.cli("pull", "--json")
    assert done.returncode == 0, done.stderr
    pulled = json.loads(done.stdout)
    assert (pulled["pulled"], pulled["failed"], pulled["skipped"]) == (22, 0, 0)
    assert len(list(site.content.rglob("*.md"))) == 22

    # what the files say
    first = frontmatter.loads((site.content / "post-0.md").read_text())
    assert first["title"] == 'Post 0: "quoted" & more — é'
    assert first["type"] == "post" and first["status"] == "publish"
    assert sorted(first["categories"]) == ["Guides", "News & Views"] and first["tags"] == [
        "release"
    ]
    assert str(first["date"]) == "2025-01-10 09:30:00+01:00"  # Paris in winter
    assert f"![a dot 0]({built['image']})" in first.content
    assert "```python" in first.content and "[a link](https://example.org/0)" in first.content
    summer = frontmatter.loads((site.content / "post-5.md").read_text())
    assert str(summer["date"]) == "2025-06-10 09:30:00+02:00"
    assert frontmatter.loads((site.content / "post-1.md").read_text())["categories"] == [
        "Guides/Python"
    ]
    draft = frontmatter.loads((site.content / "post-4.md").read_text())
    assert draft["status"] == "draft" and "date" not in draft
    assert frontmatter.loads((site.content / "post-12.md").read_text())["status"] == "future"
    assert frontmatter.loads((site.content / "post-13.md").read_text())["sticky"] is True
    assert frontmatter.loads((site.content / "post-3.md").read_text())["excerpt"] == "Excerpt 3."
    classic = frontmatter.loads((site.content / "post-17.md").read_text()).content
    assert "First paragraph" in classic and "\n\nSecond paragraph." in classic
    team = frontmatter.loads((site.content / "pages" / "team.md").read_text())
    assert (team["type"], team["parent"], team["menu_order"]) == ("page", "about", 3)

    # the point: nothing to send
    code, report = site.sync_json()
    assert code == 0, report
    assert (report["created"], report["updated"], report["failed"], report["conflicts"]) == (
        0,
        0,
        0,
        0,
    )
    assert report["unchanged"] == 22 and report["requests"] <= REMOTE_CHECK
    plan = json.loads(site.cli("plan", "--json").stdout)
    assert (plan["create"], plan["update"], plan["unchanged"]) == (0, 0, 22)
    assert len(all_posts(wp)) == 20 and len(all_posts(wp, "pages")) == 2

    # a pulled file is a real source: editing it updates exactly its post, terms kept
    path = site.content / "post-1.md"
    path.write_text(path.read_text().replace("Paragraph of post 1", "Edited paragraph of post 1"))
    code, report = site.sync_json()
    assert code == 0 and (report["updated"], report["created"]) == (1, 0), report
    posts = {p["slug"]: p for p in all_posts(wp)}
    assert "Edited paragraph" in posts["post-1"]["content"]["raw"]
    assert built["image"] in posts["post-1"]["content"]["raw"]
    original = next(p for p in built["posts"] if p["slug"] == "post-1")
    assert posts["post-1"]["categories"] == original["categories"]
    assert sorted(posts["post-1"]["tags"]) == sorted(original["tags"])
    assert posts["post-1"]["date_gmt"] == original["date_gmt"]
    assert len(posts) == 20


def pulled_site(tmp_path: Path, wp: WordPressInstance) -> tuple[Site, dict[str, Any]]:
    with admin(wp) as client:
        one = _post(
            client,
            "/wp/v2/posts",
            {"title": "One", "slug": "one", "status": "publish", "content": "<p>1</p>"},
        )
        two = _post(
            client,
            "/wp/v2/posts",
            {"title": "Two", "slug": "two", "status": "publish", "content": "<p>2</p>"},
        )
    return make_site(tmp_path / "blog", wp), {"one": one, "two": two}


def test_an_existing_file_is_never_overwritten_without_force(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site, _ = pulled_site(tmp_path, wp)
    mine = site.write("one.md", "# My own one\n")
    before = mine.read_text()
    done = site.cli("pull")
    assert done.returncode == 0
    assert "skipped    one.md" in done.stderr and "--force" in done.stderr
    assert mine.read_text() == before
    assert (site.content / "two.md").exists()
    done = site.cli("pull", "--force", "--json")
    assert json.loads(done.stdout)["pulled"] == 1
    assert frontmatter.loads(mine.read_text())["title"] == "One"
    code, report = site.sync_json()
    assert code == 0 and (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)


def test_linked_posts_are_not_pulled_again_and_dry_run_writes_nothing(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site, _ = pulled_site(tmp_path, wp)
    done = site.cli("pull", "--dry-run", "--json")
    assert json.loads(done.stdout)["pulled"] == 2
    assert list(site.content.iterdir()) == []
    assert json.loads(site.cli("pull", "--json").stdout)["pulled"] == 2
    again = json.loads(site.cli("pull", "--json").stdout)
    assert (again["pulled"], again["already_linked"]) == (0, 2)


def test_a_post_edited_in_wordpress_after_the_pull_is_a_conflict(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site, made = pulled_site(tmp_path, wp)
    assert site.cli("pull").returncode == 0
    next_second()  # modified_gmt has one-second resolution
    with admin(wp) as client:
        _post(client, f"/wp/v2/posts/{made['one']['id']}", {"title": "One, edited in WordPress"})
    path = site.content / "one.md"
    path.write_text(path.read_text() + "\nMore.\n")
    code, report = site.sync_json()
    assert code == 1 and report["conflicts"] == 1, report
    [post] = [p for p in all_posts(wp) if p["slug"] == "one"]
    assert post["title"]["raw"] == "One, edited in WordPress"
