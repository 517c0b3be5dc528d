"""A damaged state file is an error, never "start from empty"; `wpsync state rebuild`
re-links files to their posts (by the old mapping when readable, else by slug) without
creating anything, and the next sync sends only what really differs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.convergence import assert_converged, list_posts, read_state, sync_here
from tests.sitekit import Site, admin, make_site
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration


def publish_blog(site: Site) -> dict[str, str]:
    """Ten files of every kind a rebuild must match exactly; rel → slug."""
    expected = {}
    for n in range(6):
        site.write(
            f"posts/note-{n}.md",
            f"---\ntitle: Note {n}\ntags: [notes, n{n % 2}]\ncategories: [Blog/Notes]\n"
            f"date: 2025-0{n + 1}-02T10:00:00+00:00\n---\nNote *{n}*.\n",
        )
        expected[f"posts/note-{n}.md"] = f"note-{n}"
    site.write("posts/linking.md", "---\ntitle: Linking\n---\nSee [note 1](note-1.md).\n")
    site.write("posts/draft.md", "---\ntitle: A draft\nstatus: draft\n---\nNot yet.\n")
    site.write(
        "posts/excerpt.md", "---\ntitle: Excerpt\nexcerpt: Short.\nsticky: true\n---\nLong.\n"
    )
    site.write("about.md", "---\ntitle: About\ntype: page\nmenu_order: 3\n---\nUs.\n")
    expected.update(
        {
            "posts/linking.md": "linking",
            "posts/draft.md": "draft",
            "posts/excerpt.md": "excerpt",
        }
    )
    code, report = sync_here(site)
    assert code == 0 and report["created"] == 10, report
    return expected


@pytest.fixture
def blog(tmp_path: Path, wp: WordPressInstance) -> Site:
    site = make_site(tmp_path / "blog", wp)
    publish_blog(site)
    return site


def state_file(site: Site) -> Path:
    return site.root / ".wpsync" / "state.sqlite"


def truncate_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def garble_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[0:16] = b"not a database!!"
    path.write_bytes(bytes(data))


def garble_pages(path: Path) -> None:
    """Noise over the b-tree header of every page after the first (the tables' pages).
    (Noise inside a stored value, a hash or an id, is not detectable: SQLite keeps no
    checksums — docs/reliability.md says so.)"""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for offset in range(page, len(data), page):
        data[offset : offset + 12] = b"\xff" * 12
    path.write_bytes(bytes(data))


def text_file(path: Path) -> None:
    path.write_text("{'this': 'is not sqlite'}\n")


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "truncated": truncate_half,
    "empty": zero_bytes,
    "garbled header": garble_header,
    "garbled pages": garble_pages,
    "not sqlite": text_file,
}


def checkpoint(site: Site) -> None:
    """Fold the WAL into the file, as a clean exit does, so damage to it is damage."""
    read_state(site)


@pytest.mark.parametrize("damage", list(CORRUPTIONS))
def test_a_damaged_state_file_is_a_clear_error_and_nothing_is_sent(
    blog: Site, wp: WordPressInstance, damage: str
) -> None:
    checkpoint(blog)
    path = state_file(blog)
    CORRUPTIONS[damage](path)
    damaged = path.read_bytes()
    before = {p["id"] for p in list_posts(wp)}

    every = (["sync"], ["sync", "--dry-run"], ["sync", "--json"], ["-vv", "sync"])
    for args in every if damage == "truncated" else every[:1]:
        done = blog.cli(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and "state file" in errors[0] and "unreadable" in errors[0]
        assert str(path) in errors[0]
        assert "hint: " in done.stderr and "wpsync state rebuild" in done.stderr
        if "--json" in args:
            assert json.loads(done.stdout)["kind"] == "StateError"

    assert {p["id"] for p in list_posts(wp)} == before, "a post was created or deleted"
    assert path.read_bytes() == damaged, "the damaged file was changed"


def test_rebuild_relinks_by_slug_creates_nothing_and_the_next_sync_sends_only_the_differences(
    blog: Site, wp: WordPressInstance
) -> None:
    expected = {rel: e.slug for rel, e in read_state(blog).entries.items() if rel != "about.md"}
    checkpoint(blog)
    path = state_file(blog)
    garble_pages(path)
    damaged = path.read_bytes()
    # Meanwhile: one file edited, one new file, one file whose slug a post already has.
    edited = blog.content / "posts" / "note-2.md"
    edited.write_text(edited.read_text().replace("Note 2", "Note two"))
    blog.write("posts/brand-new.md", "---\ntitle: Brand new\n---\nNew.\n")
    with admin(wp) as client:
        made = client.post(
            "/wp/v2/posts",
            json={
                "slug": "adopted",
                "title": "Adopted",
                # what the file renders to (block markup, the default)
                "content": "<!-- wp:paragraph -->\n<p>Old words.</p>\n<!-- /wp:paragraph -->",
                "status": "publish",
            },
        ).json()
    blog.write("posts/adopted.md", "---\ntitle: Adopted\n---\nOld words.\n")
    posts_before = {p["id"] for p in list_posts(wp)}

    preview = blog.cli("state", "rebuild", "--dry-run", "--json")
    assert preview.returncode == 0, preview.stderr
    plan = json.loads(preview.stdout)
    assert path.read_bytes() == damaged and not list(path.parent.glob("*.corrupt-*"))

    done = blog.cli("state", "rebuild", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {k: v for k, v in plan.items() if k not in ("dry_run", "moved_to", "requests")} == {
        k: v for k, v in report.items() if k not in ("dry_run", "moved_to", "requests")
    }
    outcomes = {f["path"]: (f["outcome"], f["how"]) for f in report["files"]}
    assert outcomes.pop("posts/note-2.md") == ("differs", "slug")
    assert outcomes.pop("posts/brand-new.md") == ("new", None)
    assert outcomes.pop("posts/adopted.md") == ("linked", "slug")
    assert set(outcomes.values()) == {("linked", "slug")}, [
        f for f in report["files"] if f["outcome"] != "linked"
    ]
    assert len(outcomes) == 9
    assert report["old_state"] == "corrupt"
    [aside] = [
        p
        for p in path.parent.glob("state.sqlite.corrupt-*")
        if not p.name.endswith(("-wal", "-shm"))
    ]
    assert str(aside) == report["moved_to"] and aside.read_bytes() == damaged
    assert {p["id"] for p in list_posts(wp)} == posts_before, "the rebuild wrote to WordPress"

    code, synced = sync_here(blog)
    assert code == 0, synced
    changed = {f["path"]: f["action"] for f in synced["files"] if f["action"] != "unchanged"}
    assert changed == {"posts/note-2.md": "updated", "posts/brand-new.md": "created"}
    expected |= {"posts/brand-new.md": "brand-new", "posts/adopted.md": "adopted"}
    posts = assert_converged(blog, expected, pages={"about.md": "about"})
    assert posts["adopted"]["id"] == made["id"]


def test_a_readable_state_is_rebuilt_from_its_mapping_even_when_a_slug_moved(
    blog: Site, wp: WordPressInstance
) -> None:
    entry = read_state(blog).entries["posts/note-3.md"]
    with admin(wp) as client:  # renamed in WordPress: the slug no longer finds it
        client.post(f"/wp/v2/posts/{entry.post_id}", json={"slug": "renamed-in-wordpress"})

    done = blog.cli("state", "rebuild", "--json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["old_state"] == "readable" and report["salvaged"] == 10
    files = {f["path"]: f for f in report["files"]}
    assert files["posts/note-3.md"]["how"] == "mapping"
    assert files["posts/note-3.md"]["id"] == entry.post_id
    # The slug was changed in WordPress: an edit made there (the fingerprint says what was
    # sent), reported as a conflict, not a difference to overwrite.
    assert files["posts/note-3.md"]["outcome"] == "conflict"
    assert "edited in WordPress since" in files["posts/note-3.md"]["detail"]
    assert {f["how"] for p, f in files.items() if p != "posts/note-3.md"} == {"mapping"}
    assert list(state_file(blog).parent.glob("state.sqlite.old-*"))
    code, synced = sync_here(blog)
    assert code == 1 and synced["conflicts"] == 1 and synced["created"] == 0, synced
    assert synced["updated"] == 0
    done = blog.cli("sync", "--json", "--force")
    synced = json.loads(done.stdout)
    assert done.returncode == 0 and synced["updated"] == 1 and synced["created"] == 0, synced


def test_a_missing_state_is_rebuilt_by_slug(blog: Site, wp: WordPressInstance) -> None:
    expected = {rel: e.slug for rel, e in read_state(blog).entries.items() if rel != "about.md"}
    for leftover in state_file(blog).parent.glob("state.sqlite*"):
        leftover.unlink()
    done = blog.cli("state", "rebuild")
    assert done.returncode == 0, done.stderr
    assert "10 linked" in done.stdout
    assert_converged(blog, expected, pages={"about.md": "about"})
