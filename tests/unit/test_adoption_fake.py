"""A folder without its state, synced against an in-memory WordPress (tests/fakewp.py):
what its folder published is recognised by the fingerprint in each post, an edit made in
WordPress since is a conflict, a post that is not this file's is never taken, and a run
with a full state asks nothing more.  (The real WordPress: tests/integration/test_adoption.py.)"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.fakewp import FakeWordPress, Folder, only_the_remote_check
from wpsync.engine.fingerprint import read_fingerprint
from wpsync.engine.preview import run_plan
from wpsync.engine.report import SyncReport
from wpsync.store.state import StateStore

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"


def actions(report: SyncReport) -> dict[str, str]:
    return {f.path: f.action for f in report.files}


def writes(wp: FakeWordPress, since: int) -> list[str]:
    return [f"{r.method} {r.route}" for r in wp.requests[since:] if r.method != "GET"]


@pytest.fixture
def wp() -> FakeWordPress:
    return FakeWordPress()


@pytest.fixture
def laptop(tmp_path: Path, wp: FakeWordPress) -> Folder:
    folder = Folder.make(tmp_path / "laptop")
    (folder.content / "img").mkdir()
    (folder.content / "img" / "pic.png").write_bytes(PNG)
    folder.write("a.md", "---\ntitle: A\ntags: [x]\n---\nSee [b](b.md).\n\n![P](img/pic.png)\n")
    folder.write("b.md", "---\ntitle: B\ncategories: [Guides]\n---\nBack to [a](a.md).\n")
    folder.write("docs.md", "---\ntitle: Docs\ntype: page\n---\nThe docs.\n")
    folder.write("docs/child.md", "---\ntitle: Child\n---\nA child page of docs.\n")
    folder.write("draft.md", "---\ntitle: Later\nstatus: draft\n---\nNot yet; see [a](a.md).\n")
    report = folder.sync(wp)
    assert set(actions(report).values()) == {"created"}, report
    return folder


def clone(folder: Folder, root: Path) -> Folder:
    shutil.copytree(folder.root, root, ignore=shutil.ignore_patterns(".wpsync"))
    return Folder.make(root)


def test_a_clone_without_state_sends_nothing_and_then_runs_as_a_no_op(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    media = wp.media()
    mark = wp.request_count
    ci = clone(laptop, tmp_path / "ci")
    report = ci.sync(wp)
    assert set(actions(report).values()) == {"unchanged"}, report
    assert writes(wp, mark) == [] and wp.media() == media
    # one look-up per type: posts and pages
    assert report.requests == 2
    mark = wp.request_count
    again = ci.sync(wp)  # a no-op: the remote check's small GETs, nothing else
    assert only_the_remote_check(wp.requests[mark:], types=2)
    assert set(actions(again).values()) == {"unchanged"}
    with StateStore.open(ci.config.state.path, ci.config.site.url) as state:
        assert set(state.entries()) == {"a.md", "b.md", "docs.md", "docs/child.md", "draft.md"}


def test_a_clone_records_the_texts_it_adopted_an_edit_in_that_second_is_a_conflict(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    ci = clone(laptop, tmp_path / "ci")
    assert set(actions(ci.sync(wp)).values()) == {"unchanged"}
    with StateStore.open(ci.config.state.path, ci.config.site.url) as state:
        assert all(e.stored for e in state.entries().values())
    [post] = [p for p in wp.posts() if p.slug == "b"]
    wp.edit_same_second(post.id, title="B, by hand")
    ci.write("b.md", "---\ntitle: B\ncategories: [Guides]\n---\nBack to [a](a.md), now.\n")
    assert actions(ci.sync(wp))["b.md"] == "conflict"
    assert post.title == "B, by hand"


def test_a_file_changed_in_the_clone_is_one_update_and_its_image_is_not_uploaded_again(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    media = wp.media()
    ci = clone(laptop, tmp_path / "ci")
    ci.write("a.md", "---\ntitle: A\ntags: [x]\n---\nSee [b](b.md), now.\n\n![P](img/pic.png)\n")
    mark = wp.request_count
    report = ci.sync(wp)
    assert actions(report) == {
        "a.md": "updated",
        "b.md": "unchanged",
        "docs.md": "unchanged",
        "docs/child.md": "unchanged",
        "draft.md": "unchanged",
    }
    assert wp.media() == media  # found by its slug, not uploaded again
    [post] = [p for p in wp.posts() if p.slug == "a"]
    assert media[0].source_url in post.content and "now." in post.content
    assert len([w for w in writes(wp, mark) if w.startswith("POST /wp/v2/posts")]) == 1
    fingerprint, _ = read_fingerprint(post.content)
    assert fingerprint is not None and fingerprint.rel == "a.md"


def test_an_edit_made_in_wordpress_is_a_conflict_and_is_kept(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    [b] = [p for p in wp.posts() if p.slug == "b"]
    published = len(wp.posts())
    edited = b.content.replace("Back to", "Edited in WordPress: back to")
    wp.do_update("posts", b.id, {"content": edited})
    ci = clone(laptop, tmp_path / "ci")
    ci.write("b.md", "---\ntitle: B\ncategories: [Guides]\n---\nBack to [a](a.md), changed.\n")
    report = ci.sync(wp)
    assert actions(report)["b.md"] == "conflict"
    [result] = [f for f in report.files if f.path == "b.md"]
    assert result.error is not None and "edited in WordPress since" in result.error
    assert next(p for p in wp.posts() if p.slug == "b").content == edited
    assert {a for p, a in actions(report).items() if p != "b.md"} == {"unchanged"}
    # reported again on the next run, never overwritten; --force overwrites it
    assert actions(ci.sync(wp))["b.md"] == "conflict"
    forced = ci.sync(wp, force=True)
    assert actions(forced)["b.md"] in ("created", "updated")
    [post] = [p for p in wp.posts() if p.slug == "b"]
    assert "changed." in post.content and len(wp.posts()) == published


def test_a_post_not_made_from_this_file_is_never_taken(
    wp: FakeWordPress, tmp_path: Path, laptop: Folder
) -> None:
    wp.add_post("posts", "theirs", title="Theirs", content="<p>Someone else's.</p>")
    folder = clone(laptop, tmp_path / "ci")
    folder.write("theirs.md", "---\ntitle: Mine\n---\nMine.\n")
    (folder.content / "b.md").rename(folder.content / "elsewhere.md")  # b's slug, other path
    folder.write("elsewhere.md", "---\ntitle: B\nslug: b\ncategories: [Guides]\n---\nBack.\n")
    report = folder.sync(wp)
    reasons = {f.path: f.error or "" for f in report.files if f.action == "conflict"}
    assert set(reasons) == {"theirs.md", "elsewhere.md"}
    assert "carries no wpsync fingerprint" in reasons["theirs.md"]
    assert "published by wpsync from 'b.md', not from this file" in reasons["elsewhere.md"]
    assert [p.content for p in wp.posts() if p.slug == "theirs"] == ["<p>Someone else's.</p>"]


def test_a_state_missing_some_entries_asks_only_about_those(
    laptop: Folder, wp: FakeWordPress
) -> None:
    with StateStore.open(laptop.config.state.path, laptop.config.site.url) as state:
        state.remove("b.md")
    mark = wp.request_count
    report = laptop.sync(wp)
    assert set(actions(report).values()) == {"unchanged"}
    # the remote check (a count and a modified_after listing per type), then b's slug, once
    assert writes(wp, mark) == [] and report.requests == 2 * 2 + 1
    mark = wp.request_count
    laptop.sync(wp)
    assert only_the_remote_check(wp.requests[mark:], types=2)


def test_posts_published_without_a_fingerprint_get_one_on_the_next_sync_once(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    # As wpsync 0.1.0 left them: no fingerprint in the posts, none in the inputs recorded.
    from wpsync.engine.fingerprint import FINGERPRINT, strip_fingerprint

    for post in wp.posts() + wp.posts("pages"):
        post.fields["content"] = strip_fingerprint(post.content)
    with StateStore.open(laptop.config.state.path, laptop.config.site.url) as state:
        for pushed in state.pushed().values():
            inputs = {k: v for k, v in pushed.inputs.items() if k != FINGERPRINT}
            state.put_pushed(dataclasses.replace(pushed, inputs=inputs))
        for entry in state.entries().values():  # hashed without the input, no digest then
            state.put(dataclasses.replace(entry, payload_hash="hashed by 0.1.0", stored=""))
    ci = clone(laptop, tmp_path / "before-upgrade")
    assert set(actions(ci.sync(wp)).values()) == {"conflict"}  # not ours for sure: untouched
    planned = run_plan(laptop.config, client_factory=wp.client_factory(), lock_timeout=5.0)
    assert {p.action for p in planned.files} == {"update"}
    assert all(p.reason.startswith("rendering changed: ") for p in planned.files)
    report = laptop.sync(wp)
    assert set(actions(report).values()) == {"updated"}
    assert all(read_fingerprint(p.content)[0] for p in wp.posts() + wp.posts("pages"))
    mark = wp.request_count
    laptop.sync(wp)
    assert only_the_remote_check(wp.requests[mark:], types=2)
    after = clone(laptop, tmp_path / "after-upgrade")
    assert set(actions(after.sync(wp)).values()) == {"unchanged"}


def test_a_file_moved_since_keeps_its_post_in_a_clone_no_duplicate(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    old, new = laptop.content / "docs" / "child.md", laptop.content / "notes" / "moved.md"
    new.parent.mkdir()
    old.rename(new)
    moved = laptop.sync(wp, renames=[(old, new)])
    assert actions(moved)["notes/moved.md"] == "updated" and moved.count("created") == 0
    posts = {p.id: p.slug for p in wp.posts()}
    ci = clone(laptop, tmp_path / "ci")
    mark = wp.request_count
    report = ci.sync(wp)
    assert set(actions(report).values()) == {"unchanged"}, report
    assert writes(wp, mark) == [] and {p.id: p.slug for p in wp.posts()} == posts
    with StateStore.open(ci.config.state.path, ci.config.site.url) as state:
        assert state.entries()["notes/moved.md"].slug == "child"  # its URL kept
    mark = wp.request_count
    ci.sync(wp)
    assert only_the_remote_check(wp.requests[mark:], types=2)


def test_a_first_publish_never_searches(wp: FakeWordPress, tmp_path: Path) -> None:
    folder = Folder.make(tmp_path / "new")
    for n in range(3):
        folder.write(f"p{n}.md", f"# Post {n}\n\nBody.\n")
    report = folder.sync(wp)
    assert set(actions(report).values()) == {"created"}
    assert [f"{r.method} {r.route}" for r in wp.requests].count("GET /wp/v2/posts") == 1


# ------------------------------------------------ recognised by their bytes (recognised.py)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files read and mapped (rendered) in this process."""
    from wpsync.engine import readpool

    seen: list[str] = []
    real = readpool.load

    def load(settings: Any, task: Any, *shared: Any) -> Any:
        seen.append(task.rel)
        return real(settings, task, *shared)

    monkeypatch.setattr(readpool, "load", load)
    return seen


def test_an_unchanged_clone_renders_no_file(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path, renders: list[str]
) -> None:
    for post in wp.posts() + wp.posts("pages"):
        fingerprint, _ = read_fingerprint(post.content)
        assert fingerprint is not None and len(fingerprint.source) == 32
    ci = clone(laptop, tmp_path / "ci")
    renders.clear()
    mark = wp.request_count
    report = ci.sync(wp)
    assert set(actions(report).values()) == {"unchanged"}, report
    assert renders == [] and writes(wp, mark) == [] and report.requests == 2
    with StateStore.open(ci.config.state.path, ci.config.site.url) as state:
        entries = state.entries()
        pushed = state.pushed()
    with StateStore.open(laptop.config.state.path, laptop.config.site.url) as state:
        # linked as the laptop's own state links them: the same posts, hashes and inputs
        assert {r: (e.post_id, e.source_hash, e.payload_hash) for r, e in entries.items()} == {
            r: (e.post_id, e.source_hash, e.payload_hash) for r, e in state.entries().items()
        }
        assert {r: p.inputs for r, p in pushed.items()} == {
            r: p.inputs for r, p in state.pushed().items()
        }
    mark = wp.request_count
    ci.sync(wp)
    assert only_the_remote_check(wp.requests[mark:], types=2) and renders == []


def test_an_image_changed_in_the_clone_updates_the_post_showing_it(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path, renders: list[str]
) -> None:
    ci = clone(laptop, tmp_path / "ci")
    (ci.content / "img" / "pic.png").write_bytes(PNG + b" edited")
    renders.clear()
    report = ci.sync(wp)
    # a.md's bytes are the ones sent, its input img:img/pic.png is not: read, updated
    assert actions(report) == {
        "a.md": "updated",
        "b.md": "unchanged",
        "docs.md": "unchanged",
        "docs/child.md": "unchanged",
        "draft.md": "unchanged",
    }
    assert renders == ["a.md"] and len(wp.media()) == 2
    [post] = [p for p in wp.posts() if p.slug == "a"]
    assert wp.media()[-1].source_url in post.content


def test_a_file_linking_to_one_changed_in_the_clone_is_read_and_kept(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path, renders: list[str]
) -> None:
    ci = clone(laptop, tmp_path / "ci")
    ci.write("b.md", "---\ntitle: B\ncategories: [Guides]\n---\nBack to [a](a.md), again.\n")
    published = {p.id for p in wp.posts()}
    renders.clear()
    report = ci.sync(wp)
    # b.md is not linked before reading: the URL a.md links it with is not known yet,
    # so a.md is read (and sends nothing); b.md is updated; draft.md links only a.md
    assert actions(report) == {
        "a.md": "unchanged",
        "b.md": "updated",
        "docs.md": "unchanged",
        "docs/child.md": "unchanged",
        "draft.md": "unchanged",
    }
    assert sorted(set(renders)) == ["a.md", "b.md"]
    assert {p.id for p in wp.posts()} == published
    mark = wp.request_count
    again = ci.sync(wp)
    assert set(actions(again).values()) == {"unchanged"}
    assert only_the_remote_check(wp.requests[mark:], types=2)


def test_posts_with_a_revision_1_fingerprint_are_recognised_by_rendering(
    laptop: Folder, wp: FakeWordPress, tmp_path: Path, renders: list[str]
) -> None:
    from wpsync.engine.fingerprint import Fingerprint, stamp

    for post in wp.posts() + wp.posts("pages"):
        fingerprint, bare = read_fingerprint(post.content)
        assert fingerprint is not None
        old = Fingerprint(fingerprint.rel, fingerprint.payload_hash, fingerprint.sent)
        post.fields["content"] = stamp(bare, old)  # as wpsync wrote it before revision 2
        assert old.value().startswith("1;") and read_fingerprint(post.content)[0] == old
    ci = clone(laptop, tmp_path / "ci")
    renders.clear()
    mark = wp.request_count
    report = ci.sync(wp)
    assert set(actions(report).values()) == {"unchanged"}, report
    assert writes(wp, mark) == [] and sorted(renders) == sorted(actions(report))


def test_a_first_publish_of_many_files_reads_them_once_and_a_clone_of_them_none(
    wp: FakeWordPress, tmp_path: Path, renders: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from wpsync.engine import recognised

    placed: list[int] = []
    real = recognised._placed

    def counting(todo: Any, settings: Any, ask: Any) -> Any:
        todo = list(todo)
        placed.append(len(todo))
        return real(todo, settings, ask)

    monkeypatch.setattr(recognised, "_placed", counting)
    folder = Folder.make(tmp_path / "new")
    many = recognised.FEW_FILES + 6
    for n in range(many):
        folder.write(f"p{n:03d}.md", f"# Post {n}\n\nBody {n}.\n")
    report = folder.sync(wp)
    assert set(actions(report).values()) == {"created"}
    # an empty site: nothing to recognise, so no file is read ahead of the run's reading
    assert placed == []
    ci = clone(folder, tmp_path / "ci")
    renders.clear()
    report = ci.sync(wp)
    assert set(actions(report).values()) == {"unchanged"}, report
    assert placed == [many] and renders == []  # the site has posts: recognised unread


def test_a_first_publish_of_many_files_to_an_empty_site_looks_no_slug_up(
    wp: FakeWordPress, tmp_path: Path
) -> None:
    """A site that holds no post or page at all (trash included: counted before reading)
    has none of their slugs: the run does not ask for them, 100 to a request."""
    from wpsync.engine import recognised

    folder = Folder.make(tmp_path / "new")
    for n in range(recognised.FEW_FILES + 150):
        folder.write(f"p{n:03d}.md", f"# Post {n}\n\nBody {n}.\n")
    folder.write("about.md", "---\ntype: page\n---\n# About\n")
    report = folder.sync(wp)
    assert set(actions(report).values()) == {"created"}
    asked = [f"{r.method} {r.route}" for r in wp.requests]
    # one count of each type (recognised.py), then the creates
    assert asked.count("GET /wp/v2/posts") == 1 and asked.count("GET /wp/v2/pages") == 1
    assert len(wp.posts()) == recognised.FEW_FILES + 150  # (and the page)


def test_a_site_with_a_trashed_post_alone_still_has_its_slugs_looked_up(
    wp: FakeWordPress, tmp_path: Path
) -> None:
    from wpsync.engine import recognised

    folder = Folder.make(tmp_path / "new")
    for n in range(recognised.FEW_FILES + 1):
        folder.write(f"p{n:03d}.md", f"# Post {n}\n\nBody {n}.\n")
    old = wp.add_post("posts", "p000", content="<p>Written by hand.</p>", status="trash")
    folder.sync(wp)
    asked = [f"{r.method} {r.route}" for r in wp.requests]
    assert asked.count("GET /wp/v2/posts") >= 2  # the count, then the slugs
    assert old.status == "trash" and "Written by hand." in old.content
