"""How many round trips a run over some files waits for (a git hook's ``sync --changed``,
the daemon's saves): the edit check of the changed posts and the user's rights are asked
at the same time (engine/executor.py ``_ask_rights_ahead``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.fakewp import FakeClient, FakeWordPress, Folder, Request
from wpsync.wordpress.rights import Rights


@pytest.fixture
def wp() -> FakeWordPress:
    return FakeWordPress()


@pytest.fixture
def folder(tmp_path: Path, wp: FakeWordPress) -> Folder:
    folder = Folder.make(tmp_path / "blog")
    for n in range(3):
        folder.write(f"n{n}.md", f"---\ntitle: Note {n}\ntags: [a]\n---\nBody {n}.\n")
    report = folder.sync(wp)
    assert report.count("created") == 3
    return folder


def meeting(
    monkeypatch: pytest.MonkeyPatch, timeout: float = 10.0
) -> tuple[threading.Barrier, list[str]]:
    """The rights and the posts' look-up each wait until the other has started: run one
    after the other, the first waits in vain (BrokenBarrierError fails the run)."""
    barrier = threading.Barrier(2, timeout=timeout)
    met: list[str] = []
    rights: Callable[[FakeClient], Rights] = FakeClient.rights
    by_ids: Callable[..., Any] = FakeClient.posts_by_ids

    def waiting_rights(self: FakeClient) -> Rights:
        barrier.wait()
        met.append("rights")
        return rights(self)

    def waiting_by_ids(
        self: FakeClient, rest_base: str, ids: Sequence[int], *, stored: bool = False
    ) -> Any:
        barrier.wait()
        met.append("posts")
        return by_ids(self, rest_base, ids, stored=stored)

    monkeypatch.setattr(FakeClient, "rights", waiting_rights)
    monkeypatch.setattr(FakeClient, "posts_by_ids", waiting_by_ids)
    return barrier, met


def test_a_changed_file_s_edit_check_and_rights_are_asked_together(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = folder.write("n1.md", "---\ntitle: Note 1\ntags: [a]\n---\nEdited.\n")
    _, met = meeting(monkeypatch)
    mark = wp.request_count
    report = folder.sync(wp, paths=[changed])
    assert report.count("updated") == 1, report.to_json()
    assert sorted(met) == ["posts", "rights"]
    sent = wp.requests[mark:]
    assert sorted(sent[:2], key=lambda r: r.route) == [
        Request("GET", "/wp/v2/posts"),
        Request("GET", "/wp/v2/users/me"),
    ]
    assert sent.count(Request("GET", "/wp/v2/users/me")) == 1  # asked once


def test_a_run_with_nothing_changed_does_not_ask_the_rights(
    folder: Folder, wp: FakeWordPress
) -> None:
    mark = wp.request_count
    report = folder.sync(wp, paths=[folder.content / "n1.md"])
    assert report.count("unchanged") == 1
    assert wp.requests[mark:] == [Request("GET", "/wp/v2/posts")]  # the edit check alone


def test_a_failed_rights_answer_ahead_is_the_run_s_error(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked on another thread, the answer is still the run's: WordPress saying nothing
    of the user's capabilities lets the writes go (as before); no thread is left behind."""
    from wpsync.errors import RemoteError

    def refusing(self: FakeClient) -> Rights:
        raise RemoteError("no", status=500)

    monkeypatch.setattr(FakeClient, "rights", refusing)
    changed = folder.write("n2.md", "---\ntitle: Note 2\ntags: [a]\n---\nEdited.\n")
    before = {t.name for t in threading.enumerate()}
    report = folder.sync(wp, paths=[changed])
    assert report.count("updated") == 1, report.to_json()
    assert not [
        t.name
        for t in threading.enumerate()
        if t.name.startswith("wpsync-ahead") and t.name not in before
    ]


# ------------------------------------------------------------ terms


def terms_sent(sent: Sequence[Request]) -> list[Request]:
    """The requests about terms: look-ups, creates, and batches (of terms or posts)."""
    return [
        r for r in sent if r.route in ("/wp/v2/categories", "/wp/v2/tags") or r.route == "/batch/v1"
    ]


def test_a_changed_post_whose_terms_all_exist_waits_for_one_term_round_trip(
    tmp_path: Path, wp: FakeWordPress
) -> None:
    """A nested category and tags that WordPress holds are found by slug, all depths at
    once, one look-up per taxonomy: no create that answers ``term_exists``, no second
    round trip for the child (level by level, that was a batch, then a create)."""
    folder = Folder.make(tmp_path / "blog")
    page = "---\ntitle: P\ncategories: [Guides/Python]\ntags: [a, b]\n---\n{}\n"
    path = folder.write("p.md", page.format("First."))
    assert folder.sync(wp).count("created") == 1
    folder.write("p.md", page.format("Edited."))
    mark = wp.request_count
    report = folder.sync(wp, paths=[path])
    assert report.count("updated") == 1, report.to_json()
    sent = wp.requests[mark:]
    assert sorted(terms_sent(sent), key=lambda r: r.route) == [
        Request("GET", "/wp/v2/categories"),
        Request("GET", "/wp/v2/tags"),
    ]
    post = wp.all_posts()[0]
    names = {t.id: t.name for t in wp.terms("categories")}
    assert [names[i] for i in post.fields["categories"]] == ["Python"]
    assert len(wp.terms("categories")) == 2 and len(wp.terms("tags")) == 2  # none twice


def test_a_term_made_by_hand_under_another_slug_is_reused_not_duplicated(
    tmp_path: Path, wp: FakeWordPress
) -> None:
    """The look-up by slug misses a category someone made in WordPress with a slug of
    their own (and a child whose slug took its parent's): the create answers
    ``term_exists`` with it, as before — the post gets that term, no twin is made."""
    guides = wp.add_term("categories", "Guides", slug="handmade-guides")
    python = wp.add_term("categories", "Python", guides, slug="py")
    other = wp.add_term("categories", "Python")  # a top-level namesake: a different term
    folder = Folder.make(tmp_path / "blog")
    folder.write("p.md", "---\ntitle: P\ncategories: [Guides/Python, Python]\n---\nBody.\n")
    report = folder.sync(wp)
    assert report.count("created") == 1, report.to_json()
    assert sorted(wp.all_posts()[0].fields["categories"]) == sorted([python, other])
    assert len(wp.terms("categories")) == 3


# ------------------------------------------------------------ imports while waiting


def test_a_changed_file_s_reading_imports_are_done_while_the_first_answers_are_awaited(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Markdown engine, the mappers and the block converter are imported on another
    thread while the edit check and the rights are on their way (readpool.warm); a run
    with nothing changed imports nothing ahead."""
    import wpsync.engine.executor as executor

    calls: list[tuple[str, bool, str]] = []

    def recording(markdown: str, block_editor: bool) -> None:
        calls.append((markdown, block_editor, threading.current_thread().name))

    monkeypatch.setattr(executor, "warm", recording)
    report = folder.sync(wp, paths=[folder.content / "n0.md"])
    assert report.count("unchanged") == 1 and calls == []
    changed = folder.write("n0.md", "---\ntitle: Note 0\ntags: [a]\n---\nEdited.\n")
    report = folder.sync(wp, paths=[changed])
    assert report.count("updated") == 1, report.to_json()
    assert [(m, b) for m, b, _ in calls] == [("commonmark", True)]
    assert calls[0][2].startswith("wpsync-ahead")  # not the run's own thread


@pytest.mark.parametrize(
    ("engine", "loaded", "absent"),
    [("commonmark", "markdown_it", "markdown"), ("python-markdown", "markdown", "markdown_it")],
)
def test_warm_imports_what_the_configured_engine_reads_with(
    engine: str, loaded: str, absent: str
) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from wpsync.engine.readpool import warm\n"
        f"warm({engine!r}, True)\n"
        f"assert {loaded!r} in sys.modules, 'not imported'\n"
        f"assert {absent!r} not in sys.modules, 'the other engine imported'\n"
        "assert 'wpsync.source.blocks' in sys.modules and 'wpsync.source.mapping' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------------ state reads after the write


def test_who_links_to_a_changed_file_is_looked_for_only_when_its_url_changed(
    tmp_path: Path, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding the posts that link to a file reads every record of the state: after an
    edit that keeps the post's URL it is not done; after one that moves it (a new slug),
    it is, and the post linking there is updated."""
    from wpsync.store.state import StateStore

    asked: list[list[str]] = []
    linking = StateStore.pushed_linking

    def recording(self: StateStore, targets: Any) -> Any:
        asked.append(sorted(targets))
        return linking(self, targets)

    monkeypatch.setattr(StateStore, "pushed_linking", recording)
    folder = Folder.make(tmp_path / "blog")
    folder.write("a.md", "---\ntitle: A\n---\nSee [b](b.md).\n")
    b = folder.write("b.md", "---\ntitle: B\n---\nFirst.\n")
    assert folder.sync(wp).count("created") == 2
    folder.write("b.md", "---\ntitle: B\n---\nEdited.\n")
    report = folder.sync(wp, paths=[b])
    assert report.count("updated") == 1, report.to_json()
    assert asked == []
    folder.write("b.md", "---\ntitle: B\nslug: bee\n---\nEdited.\n")
    report = folder.sync(wp, paths=[b])
    assert asked == [["b.md"]]
    assert [r.path for r in report.files if r.action == "updated"] == ["a.md", "b.md"]
    a_post = next(p for p in wp.all_posts() if p.slug == "a")
    assert "/bee" in str(a_post.fields["content"])


def test_a_run_over_a_few_files_forgets_a_moved_file_s_record_without_reading_them_all(
    tmp_path: Path, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record of what was pushed for a moved file's old name is forgotten by name
    (the put that replaced its entry said which); only a run over the whole folder
    looks through every record for ones nothing links any more."""
    import sqlite3

    from wpsync.store.state import StateStore

    statements: list[str] = []
    real = sqlite3.connect

    def tracing(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    folder = Folder.make(tmp_path / "blog")
    old = folder.write("a.md", "---\ntitle: A\nslug: a\n---\nBody.\n")
    folder.write("b.md", "---\ntitle: B\n---\nOther.\n")
    assert folder.sync(wp).count("created") == 2
    new = folder.content / "c.md"
    old.rename(new)
    monkeypatch.setattr(sqlite3, "connect", tracing)
    report = folder.sync(wp, paths=[old, new], renames=[(old, new)])
    monkeypatch.undo()
    assert report.count("failed") == 0 and report.count("deleted") == 0, report.to_json()
    everywhere = [s for s in statements if "NOT IN (SELECT rel FROM entries)" in s]
    assert all("rel IN (" in s for s in everywhere), everywhere  # by name, if at all
    with StateStore.open(folder.config.state.path, folder.config.site.url) as state:
        assert state.get("c.md") is not None and state.get("a.md") is None
        assert state.get_pushed("c.md") is not None
        assert state.get_pushed("a.md") is None


def test_plan_offline_asks_nothing_even_with_files_to_send(
    folder: Folder, wp: FakeWordPress
) -> None:
    # `wpsync plan --offline` promises no request at all: neither the rights (users/me)
    # nor an author's look-up, whatever the plan holds
    folder.write("n1.md", "---\ntitle: Note 1\ntags: [a]\n---\nEdited.\n")
    folder.write("new.md", "---\ntitle: New\nauthor: someone\ncategories: [x]\n---\nNew.\n")
    mark = wp.request_count
    report = folder.sync(wp, offline=True, dry_run=True)
    assert wp.requests[mark:] == []
    assert (report.count("created"), report.count("updated")) == (1, 1), report.to_json()
