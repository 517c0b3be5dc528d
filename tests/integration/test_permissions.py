"""A user with fewer rights than an administrator, and authors that are not users, on
the real WordPress: what the user may not do fails those files alone with the
capability named, the rest publishes, and ``doctor`` and ``plan`` said so beforehand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.sitekit import REMOTE_CHECK, Site, admin, all_posts, make_site
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration


def as_user(site: Site, wp: WordPressInstance, *args: str) -> tuple[int, dict[str, Any], str]:
    """Run a command with --json as the site's Author-role user (JWT, login password)."""
    env = site.env(WPSYNC_USERNAME=wp.author_user, WPSYNC_PASSWORD=wp.author_password)
    done = site.cli(*args, "--json", env=env)
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def user_id(wp: WordPressInstance, login: str) -> int:
    with admin(wp) as client:
        found = client.get("/wp/v2/users", params={"slug": login, "context": "edit"})
        found.raise_for_status()
        [user] = found.json()
        return int(user["id"])


def write(site: Site, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = site.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_an_author_publishes_its_posts_and_only_the_page_and_the_new_category_fail(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    admin_id = user_id(wp, wp.admin_user)
    site = make_site(tmp_path / "blog", wp, extra=f"[authors]\nParker = {admin_id}\n")
    write(
        site,
        {
            "hello.md": "---\ntitle: Hello\n---\nFirst post.\n",
            "tagged.md": "---\ntitle: Tagged\ntags: [fresh-tag]\n---\nA new tag is fine.\n",
            "by-parker.md": "---\ntitle: By Parker\nauthor: Parker\n---\nMapped to admin.\n",
            "news.md": "---\ntitle: News\ncategories: [Brand New]\n---\nNeeds a category.\n",
            "about/index.md": "---\ntitle: About\ntype: page\n---\nA page.\n",
        },
    )
    refused = {
        "about/index.md": "may not create pages (edit_pages)",
        "news.md": "may not create categories (manage_categories): category 'Brand New'",
    }

    # doctor, as that user, predicts exactly those two files, and the author it cannot set
    code, report, stderr = as_user(site, wp, "doctor")
    checks = {c["name"]: c for c in report["checks"]}
    assert code == 1 and checks["files"]["status"] == "fail", checks["files"]
    predicted = dict(line.split(": ", 1) for line in report["facts"]["refused_files"])
    assert set(predicted) == set(refused), predicted
    for rel, why in refused.items():
        assert why in predicted[rel]
    assert checks["authors"]["status"] == "warn"
    assert "edit_others_posts" in checks["authors"]["fix"]
    assert not (site.root / ".wpsync").exists()  # doctor wrote nothing

    # plan says the same, and sends nothing
    code, plan, _ = as_user(site, wp, "plan")
    assert code == 1
    assert {f["path"] for f in plan["files"] if f["action"] == "failed"} == set(refused)
    assert all_posts(wp) == []

    # the sync: the three posts publish, the two files fail alone naming the capability
    code, done, stderr = as_user(site, wp, "sync")
    assert code == 1, done
    assert (done["created"], done["failed"]) == (3, 2), done
    errors = {f["path"]: f["error"] for f in done["files"] if f["action"] == "failed"}
    assert set(errors) == set(refused)
    for rel, why in refused.items():
        assert f"your user '{wp.author_user}' (author) {why}" in errors[rel]
    # Parker maps to the administrator, whom an Author may not publish as: one warning
    [warning] = [w for w in done["warnings"] if "Parker" in w]
    assert "edit_others_posts" in warning
    assert stderr.count("'Parker'") == 1

    author_id = user_id(wp, wp.author_user)
    posts = {p["slug"]: p for p in all_posts(wp)}
    assert set(posts) == {"hello", "tagged", "by-parker"}
    assert {p["author"] for p in posts.values()} == {author_id}
    assert {p["status"] for p in posts.values()} == {"publish"}
    assert all_posts(wp, "pages") == []
    with admin(wp) as client:
        names = [c["name"] for c in client.get("/wp/v2/categories").json()]
    assert "Brand New" not in names

    # the terminal lines say it plainly, and a second run sends only the failed files' checks
    env = site.env(WPSYNC_USERNAME=wp.author_user, WPSYNC_PASSWORD=wp.author_password)
    text = site.cli("sync", env=env)
    assert text.returncode == 1
    assert (
        f"failed    about/index.md: your user '{wp.author_user}' (author) may not create "
        "pages (edit_pages)" in text.stderr
    ), text.stderr
    assert "failed    news.md: " in text.stderr and "manage_categories" in text.stderr
    assert "3 unchanged, 2 failed" in text.stdout


def test_unknown_authors_publish_as_the_configured_user_with_one_warning_per_name(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "jekyll", wp, extra='[authors]\n"Tom Preston" = "author"\n')
    write(
        site,
        {
            "_posts/2024-01-01-welcome.md": "---\ntitle: Welcome\nauthor: parkr\n---\nHi.\n",
            "_posts/2024-01-02-again.md": "---\ntitle: Again\nauthor: parkr\n---\nMore.\n",
            "_posts/2024-01-03-ghost.md": "---\ntitle: Ghost\nauthor: ghost\n---\nBoo.\n",
            "_posts/2024-01-04-tom.md": "---\ntitle: Tom\nauthor: Tom Preston\n---\nMine.\n",
            "_posts/2024-01-05-admin.md": f"---\ntitle: Own\nauthor: {wp.admin_user}\n---\n.\n",
        },
    )
    done = site.cli("doctor", "--json")
    report = json.loads(done.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert done.returncode == 0 and checks["authors"]["status"] == "warn", checks["authors"]
    assert report["facts"]["unknown_authors"] == ["ghost", "parkr"]

    text = site.cli("plan")
    assert text.returncode == 0, text.stderr
    assert "unknown authors: ghost (1 post), parkr (2 posts)" in text.stdout

    code, synced = site.sync_json()
    assert code == 0 and synced["created"] == 5 and synced["failed"] == 0, synced
    assert synced["unknown_authors"] == {"ghost": 1, "parkr": 2}
    about_parkr = [w for w in synced["warnings"] if "'parkr'" in w]
    assert len(about_parkr) == 1 and "2 posts" in about_parkr[0]
    assert len([w for w in synced["warnings"] if "'ghost'" in w]) == 1

    admin_id, author_id = user_id(wp, wp.admin_user), user_id(wp, wp.author_user)
    by_slug = {p["slug"]: p["author"] for p in all_posts(wp)}
    assert by_slug == {
        "welcome": admin_id,
        "again": admin_id,
        "ghost": admin_id,
        "tom": author_id,
        "admin": admin_id,
    }
    # converged: the next run sends nothing and warns of nobody
    code, again = site.sync_json()
    assert code == 0 and again["requests"] <= REMOTE_CHECK and again["warnings"] == [], again


def test_a_type_the_site_does_not_have_fails_its_files_alone(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    # Hugo's `type: section` read as plain Markdown: WordPress has no /wp/v2/section
    site = make_site(tmp_path / "plain", wp)  # no tool's files: the plain dialect
    write(site, {"a.md": "---\ntitle: A\ntype: section\n---\nA.\n", "b.md": "B.\n"})
    code, report = site.sync_json()
    assert code == 1 and "files" in report, report
    outcome = {f["path"]: f for f in report["files"]}
    assert outcome["b.md"]["action"] == "created"
    assert outcome["a.md"]["action"] == "failed"
    assert "WordPress has no post type 'section'" in outcome["a.md"]["error"]
