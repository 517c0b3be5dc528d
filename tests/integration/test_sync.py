"""`wpsync sync` end to end against the real WordPress (JWT via the test plugin)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.sitekit import REMOTE_CHECK, Site, admin, all_posts, make_site, next_second
from tests.wordpress import WordPressInstance, set_jwt
from wpsync.wordpress.connect import TOKEN_CACHE
from wpsync.wordpress.tokens import TokenCache

pytestmark = pytest.mark.integration


@pytest.fixture
def site(tmp_path: Path, wp: WordPressInstance) -> Site:
    site = make_site(tmp_path / "blog", wp)
    site.write(
        "hello.md",
        """
        ---
        title: Hello, world
        date: 2026-03-01T10:00:00+02:00
        categories: [News, Guides/Python]
        tags: [intro, python]
        excerpt: The first post.
        ---
        Some *emphasis* and a table:

        | a | b |
        |---|---|
        | 1 | 2 |

        Footnote here[^1].

        [^1]: The note.
        """,
    )
    site.write(
        "guides/2026-01-02-setup-guide.md",
        """
        ---
        status: draft
        tags: python
        ---
        # Setting things up

        ```python
        print("hi")
        ```
        """,
    )
    site.write(
        "about.md",
        """
        ---
        title: About
        type: page
        comment_status: closed
        ---
        ## Who we are
        Writers.
        """,
    )
    return site


def test_a_folder_publishes_with_titles_slugs_dates_status_terms_and_html(site: Site) -> None:
    code, report = site.sync_json()
    assert code == 0, report
    assert (report["created"], report["failed"], report["conflicts"]) == (3, 0, 0)
    posts = {p["slug"]: p for p in all_posts(site.wp)}
    assert set(posts) == {"hello", "setup-guide"}
    hello = posts["hello"]
    assert hello["title"]["raw"] == "Hello, world"
    assert hello["status"] == "publish"
    assert hello["date_gmt"] == "2026-03-01T08:00:00"
    assert hello["excerpt"]["raw"] == "The first post."
    assert "<table>" in hello["content"]["raw"] and "footnote" in hello["content"]["raw"]
    guide = posts["setup-guide"]
    assert guide["status"] == "draft" and guide["title"]["raw"] == "Setting things up"
    assert (
        "<h1" not in guide["content"]["raw"]
        and '<pre class="wp-block-code language-python">' in guide["content"]["raw"]
    )
    with admin(site.wp) as client:
        cats = {
            c["id"]: c for c in client.get("/wp/v2/categories", params={"per_page": 100}).json()
        }
        tags = {
            t["id"]: t["name"] for t in client.get("/wp/v2/tags", params={"per_page": 100}).json()
        }
    names = {cats[c]["name"] for c in hello["categories"]}
    assert names == {"News", "Python"}
    python = next(cats[c] for c in hello["categories"] if cats[c]["name"] == "Python")
    assert cats[python["parent"]]["name"] == "Guides"
    assert {tags[t] for t in hello["tags"]} == {"intro", "python"}
    assert guide["tags"] == [t for t in hello["tags"] if tags[t] == "python"]
    [page] = all_posts(site.wp, "pages")
    assert page["slug"] == "about" and page["comment_status"] == "closed"


def test_a_second_run_sends_no_request_and_reports_everything_unchanged(site: Site) -> None:
    assert site.sync_json()[0] == 0
    code, report = site.sync_json()
    assert code == 0
    assert report["unchanged"] == 3 and report["requests"] <= REMOTE_CHECK
    assert {f["action"] for f in report["files"]} == {"unchanged"}


def test_editing_one_file_updates_exactly_that_post(site: Site) -> None:
    site.sync_json()
    before = {p["slug"]: p["modified_gmt"] for p in all_posts(site.wp)}
    next_second()  # modified_gmt has one-second resolution
    path = site.content / "hello.md"
    path.write_text(path.read_text().replace("Some *emphasis*", "Edited *emphasis*"))
    code, report = site.sync_json()
    assert code == 0
    assert (report["updated"], report["unchanged"], report["created"]) == (1, 2, 0)
    after = {p["slug"]: p for p in all_posts(site.wp)}
    assert "Edited" in after["hello"]["content"]["raw"]
    assert after["setup-guide"]["modified_gmt"] == before["setup-guide"]
    assert len(after) == 2


def test_a_token_that_expires_mid_run_is_renewed_without_a_failed_file(site: Site) -> None:
    set_jwt(site.wp, ttl=2)
    for n in range(12):
        site.write(f"bulk/post-{n}.md", f"---\ntitle: Bulk {n}\n---\nBody {n}\n")
    assert site.sync_json()[0] == 0  # token cached now, lives 2 s
    cached = TokenCache(site.root / ".wpsync" / TOKEN_CACHE).load(site.wp.url, site.wp.admin_user)
    assert cached is not None and cached.exp is not None
    time.sleep(max(0.0, cached.exp - time.time()) + 0.2)  # expired for WordPress too
    for n in range(12):
        site.write(f"bulk/post-{n}.md", f"---\ntitle: Bulk {n}\n---\nBody {n} edited\n")
    code, report = site.sync_json()
    assert code == 0, report
    assert report["updated"] == 12 and report["failed"] == 0


def test_broken_front_matter_fails_alone_with_its_path_and_line(site: Site) -> None:
    site.write("broken.md", "---\ntitle: ok\ntags: [unclosed\n---\nbody\n")
    done = site.cli("sync")
    assert done.returncode == 1
    assert "broken.md:3" in done.stderr or "broken.md:4" in done.stderr, done.stderr
    assert len(all_posts(site.wp)) == 2  # the others were published


def test_wrong_password_is_a_one_line_error_with_exit_code_2(site: Site) -> None:
    done = site.cli("sync", env=site.env(WPSYNC_PASSWORD="not-the-password"))
    assert done.returncode == 2
    assert "password" in done.stderr.lower() and "Traceback" not in done.stderr
    assert all_posts(site.wp) == []


def test_application_password_auth_publishes_too(tmp_path: Path, wp: WordPressInstance) -> None:
    site = make_site(tmp_path / "app", wp, auth="application-password")
    site.write("one.md", "# One\n\nBody.\n")
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 1


def test_passwords_and_tokens_appear_nowhere(site: Site) -> None:
    site.write("broken.md", "---\n: : :\n---\n")
    outputs = [
        site.cli("-vv", "sync"),
        site.cli("-vv", "sync", "--json"),
        site.cli("-vv", "sync", "--dry-run"),
    ]
    bad = site.env(WPSYNC_PASSWORD="Wrong-Secret-123")
    outputs.append(site.cli("-vv", "sync", env=bad))
    cache = site.root / ".wpsync" / "token.json"
    [token] = [t["token"] for t in json.loads(cache.read_text())["tokens"].values()]
    state_bytes = (site.root / ".wpsync" / "state.sqlite").read_bytes()
    for secret in (site.wp.admin_password, site.wp.app_password, token, "Wrong-Secret-123"):
        for done in outputs:
            assert secret not in done.stdout and secret not in done.stderr
        assert secret.encode() not in state_bytes
    assert (cache.stat().st_mode & 0o777) == 0o600


def test_a_post_trashed_in_wordpress_is_not_resurrected_by_an_edit(site: Site) -> None:
    site.sync_json()
    hello = next(p for p in all_posts(site.wp) if p["slug"] == "hello")
    with admin(site.wp) as client:
        assert client.delete(f"/wp/v2/posts/{hello['id']}").status_code == 200
    path = site.content / "hello.md"
    path.write_text(path.read_text() + "\nMore.\n")
    code, report = site.sync_json()
    assert code == 1 and report["conflicts"] == 1
    assert [p["slug"] for p in all_posts(site.wp)] == ["setup-guide"]


def test_a_hard_wrapped_paragraph_shows_without_stray_line_breaks(site: Site) -> None:
    site.write(
        "wrapped.md", "# Wrapped\n\nThis paragraph was\nwrapped at a narrow\nwidth by its writer.\n"
    )
    assert site.sync_json()[0] == 0
    [post] = [p for p in all_posts(site.wp) if p["slug"] == "wrapped"]
    with admin(site.wp) as client:
        rendered = client.get(f"/wp/v2/posts/{post['id']}").json()["content"]["rendered"]
    assert "This paragraph was wrapped at a narrow width by its writer." in rendered
    assert "<br" not in rendered


def test_the_in_process_runner_answers_as_the_real_process_does(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    # Site.cli runs wpsync inside the test's process unless a test asks for a process: the
    # two must agree on exit status and output, a failed file and a wrong password included.
    site = make_site(tmp_path / "blog", wp)
    site.write("good.md", "# Good\n\nBody.\n")
    site.write("broken.md", "---\ntitle: ok\ntags: [unclosed\n---\nbody\n")
    for args, env, code in (
        (("sync",), site.env(WPSYNC_PASSWORD="not-the-password"), 2),  # before any token
        (("plan",), site.env(), 1),
    ):
        real = site.cli(*args, env=env, process=True)
        here = site.cli(*args, env=env)
        assert (here.returncode, here.stdout, here.stderr) == (
            real.returncode,
            real.stdout,
            real.stderr,
        ), args
        assert real.returncode == code, real.stderr
    assert all_posts(wp) == []
