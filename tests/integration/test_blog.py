"""Everything else a real blog has, against the real WordPress: custom types and
taxonomies, authors, scheduling, delete policies, moves, conflicts and block markup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sitekit import REMOTE_CHECK, Site, admin, all_posts, make_site, next_second
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration


@pytest.fixture
def site(tmp_path: Path, wp: WordPressInstance) -> Site:
    return make_site(tmp_path / "blog", wp)


def terms(wp: WordPressInstance, taxonomy: str) -> dict[int, dict[str, Any]]:
    with admin(wp) as client:
        r = client.get(f"/wp/v2/{taxonomy}", params={"per_page": 100, "hide_empty": False})
        r.raise_for_status()
        return {t["id"]: t for t in r.json()}


def by_slug(wp: WordPressInstance, rest_base: str = "posts") -> dict[str, dict[str, Any]]:
    return {p["slug"]: p for p in all_posts(wp, rest_base)}


# ---------------------------------------------------------------------------- types, terms, people


def test_custom_types_and_taxonomies_by_rest_base_with_terms_created_once(site: Site) -> None:
    for n, genres in enumerate((["Fantasy", "Classics"], ["Fantasy"], ["Classics", "Fantasy"])):
        site.write(
            f"books/book-{n}.md",
            f"""
            ---
            title: Book {n}
            type: books
            categories: [Reading/Novels]
            taxonomies:
              genres: {genres}
            ---
            A review.
            """,
        )
    code, report = site.sync_json()
    assert code == 0, report
    books = all_posts(site.wp, "books")
    assert len(books) == 3 and all_posts(site.wp) == []
    genres = terms(site.wp, "genres")
    assert sorted(t["name"] for t in genres.values()) == ["Classics", "Fantasy"]
    named = {b["slug"]: sorted(genres[g]["name"] for g in b["genres"]) for b in books}
    assert named == {
        "book-0": ["Classics", "Fantasy"],
        "book-1": ["Fantasy"],
        "book-2": ["Classics", "Fantasy"],
    }
    categories = terms(site.wp, "categories")
    [novels] = [c for c in categories.values() if c["name"] == "Novels"]
    assert categories[novels["parent"]]["name"] == "Reading"
    assert all(b["categories"] == [novels["id"]] for b in books)


def test_an_unknown_taxonomy_fails_its_file_with_wordpress_words(site: Site) -> None:
    site.write("b.md", "---\ntype: books\ntaxonomies:\n  moods: [calm]\n---\nX\n")
    site.write("ok.md", "# OK\n\nFine.\n")
    done = site.cli("sync")
    assert done.returncode == 1
    assert "b.md" in done.stderr and "moods" in done.stderr
    assert [p["slug"] for p in all_posts(site.wp)] == ["ok"]


def test_authors_by_login_or_slug_and_an_unknown_author_is_a_warning(site: Site) -> None:
    site.write("by-author.md", f"---\nauthor: {site.wp.author_user}\n---\nX\n")
    site.write("by-admin.md", "---\nauthor: admin\n---\nY\n")
    site.write("nobody.md", "---\nauthor: ghost-writer\n---\nZ\n")
    done = site.cli("sync")
    assert done.returncode == 0, done.stderr
    assert "author 'ghost-writer' (1 post) is not a user of the site: published as" in (done.stderr)
    with admin(site.wp) as client:
        users = {u["slug"]: u["id"] for u in client.get("/wp/v2/users").json()}
    posts = by_slug(site.wp)
    assert posts["by-author"]["author"] == users[site.wp.author_user]
    assert posts["by-admin"]["author"] == users["admin"]
    assert posts["nobody"]["author"] == users["admin"]  # the configured user


# ---------------------------------------------------------------------------- scheduling


def test_future_dates_are_scheduled_at_the_right_gmt_time_in_the_sites_time_zone(
    site: Site,
) -> None:
    with admin(site.wp) as client:
        client.post("/wp/v2/settings", json={"timezone": "Europe/Paris"}).raise_for_status()
    site.write("winter.md", "---\ndate: 2031-01-15 10:00\n---\nNaive: Paris winter time.\n")
    site.write("summer.md", "---\ndate: 2031-07-15 10:00:00\n---\nNaive: Paris summer time.\n")
    site.write("tokyo.md", "---\ndate: 2031-03-01T09:30:00+09:00\n---\nWith an offset.\n")
    site.write("past.md", "---\ndate: 2020-02-02T12:00:00Z\n---\nBack-dated.\n")
    assert site.sync_json()[0] == 0
    posts = by_slug(site.wp)
    assert {s: (p["status"], p["date_gmt"]) for s, p in posts.items()} == {
        "winter": ("future", "2031-01-15T09:00:00"),
        "summer": ("future", "2031-07-15T08:00:00"),
        "tokyo": ("future", "2031-03-01T00:30:00"),
        "past": ("publish", "2020-02-02T12:00:00"),
    }
    assert posts["winter"]["date"] == "2031-01-15T10:00:00"  # as written, local time
    assert site.sync_json()[1]["requests"] <= REMOTE_CHECK


# ---------------------------------------------------------------------------- deletes


@pytest.mark.parametrize("policy", ["trash", "draft", "keep", "delete"])
def test_a_deleted_file_follows_the_configured_policy(
    tmp_path: Path, wp: WordPressInstance, policy: str
) -> None:
    site = make_site(tmp_path / policy, wp, extra=f'delete = "{policy}"\n')
    for name in ("a", "b", "c", "d"):
        site.write(f"{name}.md", f"# {name.upper()}\n\nText.\n")
    site.sync_json()
    gone = by_slug(wp)["a"]["id"]
    (site.content / "a.md").unlink()
    code, report = site.sync_json()
    assert code == 0, report
    [result] = [f for f in report["files"] if f["path"] == "a.md"]
    assert (result["action"], result["id"]) == ("deleted", gone)
    with admin(wp) as client:
        r = client.get(f"/wp/v2/posts/{gone}", params={"context": "edit"})
    expected = {"trash": "trash", "draft": "draft", "keep": "publish"}
    if policy == "delete":
        assert r.status_code == 404
    else:
        assert r.json()["status"] == expected[policy]
    # The file is forgotten either way: a third run has nothing to do.
    code, report = site.sync_json()
    assert report["requests"] <= REMOTE_CHECK and len(report["files"]) == 3


def test_a_mass_deletion_is_refused_unless_forced(site: Site) -> None:
    for n in range(6):
        site.write(f"p{n}.md", f"# Post {n}\n\nText.\n")
    site.sync_json()
    ids = {p["slug"]: p["id"] for p in all_posts(site.wp)}
    for n in range(4):
        (site.content / f"p{n}.md").unlink()
    done = site.cli("sync")
    assert done.returncode == 1
    assert "refusing to trash 4 of 6 posts" in done.stderr
    assert "--allow-mass-delete" in done.stderr
    assert {p["status"] for p in all_posts(site.wp)} == {"publish"}
    code, report = site.sync_json("--allow-mass-delete")
    assert code == 0 and report["deleted"] == 4
    assert sorted(p["slug"] for p in all_posts(site.wp)) == ["p4", "p5"]
    with admin(site.wp) as client:
        trashed = client.get("/wp/v2/posts", params={"status": "trash", "context": "edit"}).json()
    assert sorted(p["id"] for p in trashed) == sorted(ids[f"p{n}"] for n in range(4))


# ---------------------------------------------------------------------------- moves


def test_a_renamed_or_moved_file_keeps_its_post_and_slug(site: Site) -> None:
    site.write("drafts/my-idea.md", "---\ntitle: My idea\n---\nThe idea.\n")
    site.sync_json()
    [post] = all_posts(site.wp)
    (site.content / "posts").mkdir()
    (site.content / "drafts" / "my-idea.md").rename(site.content / "posts" / "great-idea.md")
    code, report = site.sync_json()
    assert code == 0, report
    [result] = report["files"]
    assert result["action"] == "updated" and result["detail"] == "renamed from drafts/my-idea.md"
    [moved] = all_posts(site.wp)
    assert (moved["id"], moved["slug"], moved["link"]) == (post["id"], "my-idea", post["link"])
    assert site.sync_json()[1]["requests"] <= REMOTE_CHECK

    # A `slug:` key changes it, still the same post; a later move keeps that one.
    path = site.content / "posts" / "great-idea.md"
    path.write_text("---\ntitle: My idea\nslug: greater-idea\n---\nThe idea.\n")
    assert site.sync_json()[0] == 0
    [renamed] = all_posts(site.wp)
    assert (renamed["id"], renamed["slug"]) == (post["id"], "greater-idea")
    path.rename(site.content / "idea.md")
    code, report = site.sync_json()
    assert code == 0 and report["files"][0]["detail"] == "renamed from posts/great-idea.md"
    [final] = all_posts(site.wp)
    assert (final["id"], final["slug"]) == (post["id"], "greater-idea")


# ---------------------------------------------------------------------------- conflicts


def test_an_edit_made_in_wordpress_is_a_conflict_that_says_what_changed(site: Site) -> None:
    site.write("post.md", "---\ntitle: Original title\ntags: [a]\n---\nOriginal body.\n")
    site.sync_json()
    [post] = all_posts(site.wp)
    next_second()  # modified_gmt has one-second resolution
    with admin(site.wp) as client:
        client.post(
            f"/wp/v2/posts/{post['id']}",
            json={"title": "Edited in WordPress", "content": "<p>Edited there.</p>"},
        ).raise_for_status()
    site.write("post.md", "---\ntitle: Original title\ntags: [a]\n---\nEdited here.\n")
    code, report = site.sync_json()
    assert code == 1
    [result] = report["files"]
    assert result["action"] == "conflict" and "edited on the site" in result["error"]
    assert result["detail"] == (
        "changed in WordPress: title ('Original title' → 'Edited in WordPress'), content"
    )
    text = site.cli("sync")
    assert "changed in WordPress: title" in text.stderr and text.returncode == 1
    [untouched] = all_posts(site.wp)
    assert untouched["content"]["raw"] == "<p>Edited there.</p>"

    code, report = site.sync_json("--overwrite")
    assert code == 0 and report["updated"] == 1
    [forced] = all_posts(site.wp)
    assert "Edited here." in forced["content"]["raw"]
    assert forced["title"]["raw"] == "Original title"


def test_an_edit_saved_in_the_second_of_our_write_is_still_a_conflict(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    """WordPress keeps ``modified_gmt`` to the second: an edit saved right after wpsync's
    write (a script, an editor quick on the button) has wpsync's modification time.  It
    is told by the digest of the raw texts each write and each edit check asks back."""
    for attempt in range(5):
        site = make_site(tmp_path / f"blog-{attempt}", wp)
        slug = f"quick-{attempt}"
        site.write(f"{slug}.md", "---\ntitle: Mine\n---\nMine.\n")
        code, report = site.sync_json()
        assert code == 0, report
        with admin(wp) as client:
            [post] = client.get(
                "/wp/v2/posts", params={"slug": slug, "context": "edit", "status": "any"}
            ).json()
            edited = client.post(
                f"/wp/v2/posts/{post['id']}", json={"content": "<p>Edited at once.</p>"}
            )
            edited.raise_for_status()
        if edited.json()["modified_gmt"] == post["modified_gmt"]:
            break
    else:
        pytest.fail("five edits in a row fell in a later second than wpsync's write")
    site.write(f"{slug}.md", "---\ntitle: Mine\n---\nMine, edited.\n")
    for args in ([str(site.content / f"{slug}.md")], []):  # a hook's run, a whole folder's
        code, report = site.sync_json(*args)
        assert code == 1, report
        [result] = report["files"]
        assert result["action"] == "conflict", result
        assert "in the second of the last sync" in result["error"]
        assert result["detail"] == "changed in WordPress: content"
    with admin(wp) as client:
        kept = client.get(f"/wp/v2/posts/{post['id']}", params={"context": "edit"}).json()
    assert kept["content"]["raw"] == "<p>Edited at once.</p>"
    code, report = site.sync_json("--overwrite")
    assert code == 0 and report["updated"] == 1
    site.write(f"{slug}.md", "---\ntitle: Mine\n---\nMine, edited twice.\n")
    code, report = site.sync_json()  # our own write again: not a conflict
    assert code == 0 and report["updated"] == 1, report


# ---------------------------------------------------------------------------- blocks


def parse_blocks(wp: WordPressInstance, post_id: int) -> list[dict[str, Any]]:
    """WordPress's own parse_blocks() of the saved content (test control route)."""
    r = httpx.post(
        f"{wp.url}/wp-json/wpsync-test/v1/blocks",
        json={"post_id": post_id},
        auth=(wp.admin_user, wp.app_password),
        timeout=30,
    )
    r.raise_for_status()
    return [b for b in r.json() if b["name"] is not None or b["html"].strip()]


def names(blocks: list[dict[str, Any]]) -> list[Any]:
    return [(b["name"], names(b["inner"])) if b["inner"] else b["name"] for b in blocks]


def test_block_mode_saves_content_that_wordpress_parses_into_the_expected_blocks(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blocks", wp, extra="block_editor = true\n")
    (site.content / "img").mkdir()
    (site.content / "img" / "a.png").write_bytes((REPO_CONTENT / "img" / "boats.png").read_bytes())
    site.write(
        "post.md",
        """
        ---
        title: Blocks
        ---
        An opening paragraph with *emphasis*.

        ## A heading

        ### A smaller one

        1. first
        2. second
            - nested

        > A quote.

        ```python
        print("hi")
        ```

        ![Boats](img/a.png)

        | a | b |
        |---|---|
        | 1 | 2 |

        ---

        <div class="note">Raw HTML.</div>
        """,
    )
    code, report = site.sync_json()
    assert code == 0, report
    [post] = all_posts(wp)
    blocks = parse_blocks(wp, post["id"])
    assert names(blocks) == [
        "core/paragraph",
        "core/heading",
        "core/heading",
        ("core/list", ["core/list-item", ("core/list-item", [("core/list", ["core/list-item"])])]),
        ("core/quote", ["core/paragraph"]),
        "core/code",
        "core/image",
        "core/table",
        "core/separator",
        "core/html",
    ]
    [media] = [m["id"] for m in httpx.get(f"{wp.url}/wp-json/wp/v2/media").json()]
    assert blocks[6]["attrs"] == {"id": media, "sizeSlug": "full", "linkDestination": "none"}
    assert blocks[2]["attrs"] == {"level": 3} and blocks[3]["attrs"] == {"ordered": True}
    assert blocks[5]["attrs"] == {"className": "language-python"}
    assert site.sync_json()[1]["requests"] <= REMOTE_CHECK

    # Switching the option off sends classic HTML again.
    site.config.write_text(
        site.config.read_text().replace("block_editor = true\n", "block_editor = false\n")
    )
    code, report = site.sync_json()
    assert code == 0 and report["updated"] == 1
    [post] = all_posts(wp)
    assert "<!-- wp:" not in post["content"]["raw"]


REPO_CONTENT = Path(__file__).resolve().parents[2] / "content"
