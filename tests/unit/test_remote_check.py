"""The remote check's decisions (engine/remote.py) and the planner's answers to them
(engine/plan.py): pure, no network."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from tests.fakewp import FakeWordPress, Folder
from tests.unit.test_plan import STAT, changed, entry_for
from wpsync.engine.items import RemotePostFacts, Unchanged
from wpsync.engine.lookahead import LEAD, MAX_AGE, CheckedAhead, ask_ahead, lead
from wpsync.engine.plan import Conflict, Create, Delete, Keep, Options, RemoteFacts, Update, plan
from wpsync.engine.remote import (
    Baseline,
    TypeCheck,
    assess,
    count_agrees,
    looked_up_findings,
    merge,
    next_since,
    second_before,
)
from wpsync.engine.report import SyncReport
from wpsync.errors import SafetyError
from wpsync.store.state import StateStore
from wpsync.wordpress.records import PostCount, RemotePost

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient

T0 = "2026-01-01T00:00:00"


def remote(post_id: int, modified: str = T0, status: str = "publish") -> RemotePost:
    return RemotePost(post_id, "posts", f"p{post_id}", status, modified, "")


# ---------------------------------------------------------------- the count


def test_the_count_agrees_when_only_new_posts_were_added() -> None:
    base = Baseline("2026-01-01T00:00:00", total=10, top_id=50)
    quiet = TypeCheck("posts", PostCount(10, 50), ())
    assert count_agrees(base, quiet)
    # someone published two posts: listed (modified after since), IDs above the top
    grown = TypeCheck(
        "posts", PostCount(12, 52), (remote(51, "2026-01-02T00:00:00"), remote(52, T0))
    )
    assert count_agrees(base, grown)


def test_a_post_deleted_for_good_breaks_the_count() -> None:
    base = Baseline("2026-01-01T00:00:00", total=10, top_id=50)
    assert not count_agrees(base, TypeCheck("posts", PostCount(9, 50), ()))
    # deleted one, created one: the count is the same, the new post gives it away
    assert not count_agrees(base, TypeCheck("posts", PostCount(10, 51), (remote(51),)))


def test_no_baseline_or_no_count_is_never_agreement() -> None:
    check = TypeCheck("posts", PostCount(10, 50), ())
    assert not count_agrees(None, check)
    assert not count_agrees(Baseline(T0, None, 50), check)


# ---------------------------------------------------------------- findings


def test_listed_posts_of_ours_with_another_modified_time_are_changed() -> None:
    a, b = changed("a.md"), changed("b.md")
    entries = [entry_for(a, 1, T0), entry_for(b, 2, T0)]
    check = TypeCheck(
        "posts",
        PostCount(3, 3),
        (
            remote(1, T0),  # our own last push: not a change
            remote(2, "2026-01-05T10:00:00"),  # edited
            remote(3, "2026-01-05T11:00:00"),  # someone else's post: not ours
        ),
    )
    found = assess(entries, check)
    assert set(found.changed) == {("posts", 2)} and found.gone == frozenset()


def test_a_trashed_post_is_changed_and_a_missing_one_is_gone() -> None:
    a, b, c = changed("a.md"), changed("b.md"), changed("c.md")
    entries = [entry_for(a, 1), entry_for(b, 2), entry_for(c, 3)]
    found = looked_up_findings(
        entries, [remote(1), remote(2, "2026-01-03T00:00:00", status="trash")]
    )
    assert found.changed[("posts", 2)].status == "trash"
    assert found.gone == frozenset({("posts", 3)})
    assert set(found.known) == {("posts", 1), ("posts", 2)}
    assert found.rels({e.rel: e for e in entries}) == {"b.md", "c.md"}


def test_findings_merge_across_types() -> None:
    one = looked_up_findings([entry_for(changed("a.md"), 1)], [])
    two = looked_up_findings([entry_for(changed("b.md"), 2)], [remote(2, "2026-02-01T00:00:00")])
    both = merge([one, two])
    assert both.gone == {("posts", 1)} and set(both.changed) == {("posts", 2)}


# ---------------------------------------------------------------- since


def test_since_is_a_second_before_the_latest_edit_seen() -> None:
    assert second_before("2026-03-01T00:00:00") == "2026-02-28T23:59:59"
    check = TypeCheck("posts", PostCount(2, 2), (remote(1, "2026-01-02T00:00:05"), remote(2, T0)))
    assert next_since(T0, check, []) == "2026-01-02T00:00:04"
    # nothing listed: the listing starts at the same place
    assert next_since(T0, TypeCheck("posts", PostCount(2, 2), ()), []) == T0


def test_since_never_passes_an_edit_still_in_conflict() -> None:
    check = TypeCheck("posts", PostCount(2, 2), (remote(1, "2026-01-09T00:00:00"),))
    assert next_since(T0, check, ["2026-01-03T00:00:00"]) == "2026-01-02T23:59:59"


def test_the_baseline_survives_the_state_and_a_damaged_one_is_none() -> None:
    base = Baseline("2026-01-01T00:00:00", 4, 9)
    assert Baseline.load(base.dump()) == base
    assert Baseline.load('{"since": 1}') is None
    assert Baseline.load("not json") is None
    assert Baseline.load(None) is None


# ---------------------------------------------------------------- the planner's answers


def test_an_unchanged_file_whose_post_was_deleted_is_published_again_with_its_slug() -> None:
    item = changed("a.md", slug="renamed-by-file")
    entry = dataclasses.replace(entry_for(item, 7), slug="old-slug")
    facts = RemoteFacts(flagged=frozenset({("posts", 7)}))
    [action] = plan([item], {"a.md": entry}, {}, facts, Options())
    assert isinstance(action, Create) and action.republish == entry
    assert action.payload.slug == "old-slug"  # its old address, the front matter names none


def test_an_unchanged_file_whose_post_was_trashed_or_edited_is_a_conflict() -> None:
    item = changed("a.md")
    entry = entry_for(item, 7)
    trashed = RemotePostFacts(7, "a__trashed", "trash", "2026-01-02T00:00:00")
    facts = RemoteFacts(by_id={("posts", 7): trashed}, flagged=frozenset({("posts", 7)}))
    [action] = plan([item], {"a.md": entry}, {}, facts, Options())
    assert isinstance(action, Conflict) and action.reason.startswith("trashed on the site")
    assert "wpsync resolve a.md --keep-local" in action.reason
    edited = RemotePostFacts(7, "a", "publish", "2026-01-02T00:00:00")
    facts = RemoteFacts(by_id={("posts", 7): edited}, flagged=frozenset({("posts", 7)}))
    [action] = plan([item], {"a.md": entry}, {}, facts, Options())
    assert isinstance(action, Conflict) and action.reason.startswith("edited on the site")
    # --overwrite sends the file over it, although the file is the one last sent
    [action] = plan([item], {"a.md": entry}, {}, facts, Options(overwrite=True))
    assert isinstance(action, Update) and "overwritten" in action.reason


def test_an_unflagged_unchanged_file_is_kept() -> None:
    item = changed("a.md")
    entry = entry_for(item, 7)
    [action] = plan([item], {"a.md": entry}, {}, RemoteFacts(), Options())
    assert isinstance(action, Keep)


def test_offline_sends_an_edit_unchecked_instead_of_taking_the_post_for_deleted() -> None:
    item = changed("a.md", body="<p>new</p>")
    entry = entry_for(changed("a.md"), 7)
    [action] = plan([item], {"a.md": entry}, {}, RemoteFacts(), Options(offline=True))
    assert isinstance(action, Update)
    [action] = plan([item], {"a.md": entry}, {}, RemoteFacts(), Options())
    assert isinstance(action, Create)  # online, a post not found is gone


def test_a_refused_mass_deletion_names_every_file() -> None:
    items = [changed(f"{n}.md") for n in range(5)]
    entries = {i.rel: entry_for(i, n) for n, i in enumerate(items)}
    with pytest.raises(SafetyError) as refused:
        plan([Unchanged("0.md", STAT)], entries, {}, RemoteFacts(), Options())
    assert refused.value.paths == ("1.md", "2.md", "3.md", "4.md")
    assert "--allow-mass-delete" in (refused.value.hint or "")
    actions = plan(
        [Unchanged("0.md", STAT)], entries, {}, RemoteFacts(), Options(allow_mass_delete=True)
    )
    assert sum(isinstance(a, Delete) for a in actions) == 4
    # --overwrite alone does not allow it
    with pytest.raises(SafetyError):
        plan([Unchanged("0.md", STAT)], entries, {}, RemoteFacts(), Options(overwrite=True))


# ---------------------------------------------------------------- a run (fake WordPress)


@pytest.fixture
def wp() -> FakeWordPress:
    return FakeWordPress()


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder.make(tmp_path / "blog")


def outcome(report: SyncReport) -> dict[str, str]:
    return {f.path: f.action for f in report.files}


def test_a_quiet_site_costs_two_requests_and_our_own_writes_are_not_listed_again(
    folder: Folder, wp: FakeWordPress
) -> None:
    for n in range(150):  # more than a page: listing them again would show
        folder.write(f"n{n}.md", f"Note {n}.\n")
    assert folder.sync(wp).count("created") == 150
    first = folder.sync(wp)  # no baseline yet: this folder's posts looked up by ID
    assert set(outcome(first).values()) == {"unchanged"}
    mark = wp.request_count
    assert folder.sync(wp).requests == 2 and all(r.method == "GET" for r in wp.requests[mark:])
    folder.write("n1.md", "Edited here.\n")
    assert outcome(folder.sync(wp))["n1.md"] == "updated"
    # the update is counted in its window, not listed again: still two requests
    assert folder.sync(wp).requests == 2
    someone = wp.add_post("posts", "someone-elses")  # not ours: counted, ignored
    wp.edit(someone.id, title="Theirs")
    report = folder.sync(wp)
    assert report.requests == 2 and set(outcome(report).values()) == {"unchanged"}


def test_edited_trashed_and_deleted_posts_are_seen_by_a_full_run(
    folder: Folder, wp: FakeWordPress
) -> None:
    for name in ("a", "b", "c", "d"):
        folder.write(f"{name}.md", f"Body {name}.\n")
    folder.sync(wp)
    folder.sync(wp)
    a, b, c, _ = wp.posts()
    wp.edit(a.id, title="Edited there")
    wp.do_delete("posts", b.id, force=False)  # trashed
    wp.do_delete("posts", c.id, force=True)  # deleted for good
    report = folder.sync(wp)
    assert outcome(report) == {
        "a.md": "conflict",
        "b.md": "conflict",
        "c.md": "created",
        "d.md": "unchanged",
    }
    [again] = [p for p in wp.posts() if p.slug == "c"]
    assert again.id != c.id
    # conflicts stay conflicts; the republished post is in sync
    assert outcome(folder.sync(wp)) == {
        "a.md": "conflict",
        "b.md": "conflict",
        "c.md": "unchanged",
        "d.md": "unchanged",
    }
    report = folder.sync(wp, force=True)
    assert outcome(report)["a.md"] == "updated" and outcome(report)["b.md"] == "updated"
    assert wp.post(b.id) is not None and wp.post(b.id).status == "publish"  # type: ignore[union-attr]
    assert set(outcome(folder.sync(wp)).values()) == {"unchanged"}


def test_a_run_over_some_files_looks_their_posts_up_by_id(
    folder: Folder, wp: FakeWordPress
) -> None:
    folder.write("a.md", "A.\n")
    folder.write("b.md", "B.\n")
    folder.sync(wp)
    a, b = wp.posts()
    wp.do_delete("posts", a.id, force=True)
    wp.edit(b.id, title="Edited there")
    report = folder.sync(wp, paths=[folder.content / "a.md"])
    assert outcome(report) == {"a.md": "created"}
    report = folder.sync(wp, paths=[folder.content / "b.md"])
    assert outcome(report) == {"b.md": "conflict"}


def test_a_run_over_some_files_answers_as_before_though_its_look_up_runs_while_they_are_read(
    folder: Folder, wp: FakeWordPress
) -> None:
    """The edit check of a run over some files is asked while they are read (a hook's,
    the daemon's): a file unchanged here whose post was edited there is still read and
    planned as a conflict, whatever the order the answers came in."""
    for name in ("same", "edited-there", "both", "here", "gone"):
        folder.write(f"{name}.md", f"Body {name}.\n")
    folder.sync(wp)
    posts = {p.slug: p for p in wp.posts()}
    wp.edit(posts["edited-there"].id, title="Edited there")
    wp.edit(posts["both"].id, title="Edited there too")
    wp.do_delete("posts", posts["gone"].id, force=True)
    folder.write("both.md", "Edited here as well.\n")
    folder.write("here.md", "Edited here only.\n")
    paths = [folder.content / f"{n}.md" for n in ("same", "edited-there", "both", "here", "gone")]
    report = folder.sync(wp, paths=paths)
    assert outcome(report) == {
        "same.md": "unchanged",
        "edited-there.md": "conflict",
        "both.md": "conflict",
        "here.md": "updated",
        "gone.md": "created",
    }
    assert "Edited here only." in wp.post(posts["here"].id).content  # type: ignore[union-attr]


@contextlib.contextmanager
def asked_ahead(folder: Folder, wp: FakeWordPress, rels: list[str]) -> Iterator[CheckedAhead]:
    """The watch daemon's look-ahead (engine/lookahead.py) of ``rels``, answered."""
    with (
        StateStore.open(folder.config.state.path, folder.config.site.url) as state,
        ThreadPoolExecutor(1) as pool,
    ):
        checked = ask_ahead(state, cast("WordPressClient", wp.client()), rels, pool)
        assert checked is not None
        checked.answer.result()
        yield checked


def post_look_ups(wp: FakeWordPress, since: int) -> int:
    return sum(1 for r in wp.requests[since:] if r.method == "GET" and r.route == "/wp/v2/posts")


def test_a_run_given_the_edit_check_of_its_posts_asked_ahead_uses_its_answer(
    folder: Folder, wp: FakeWordPress
) -> None:
    """The daemon's check asked before the run: the run asks no look-up of its own, and
    what the check saw (an edit made in WordPress) is a conflict all the same."""
    for name in ("mine", "theirs"):
        folder.write(f"{name}.md", f"Body {name}.\n")
    folder.sync(wp)
    posts = {p.slug: p for p in wp.posts()}
    wp.edit(posts["theirs"].id, title="Edited there")
    folder.write("mine.md", "Edited here.\n")
    folder.write("theirs.md", "Edited here too.\n")
    paths = [folder.content / "mine.md", folder.content / "theirs.md"]
    with asked_ahead(folder, wp, ["mine.md", "theirs.md"]) as checked:
        mark = len(wp.requests)
        report = folder.sync(wp, paths=paths, checked=checked)
    assert outcome(report) == {"mine.md": "updated", "theirs.md": "conflict"}
    assert post_look_ups(wp, mark) == 0
    assert wp.post(posts["theirs"].id).title == "Edited there"  # type: ignore[union-attr]


def test_an_edit_check_asked_ahead_of_other_posts_is_not_used(
    folder: Folder, wp: FakeWordPress
) -> None:
    """Asked of one file, the run is of two (or its files' posts changed since — another
    process synced them): the run asks its own check, and sees what happened since."""
    for name in ("a", "b"):
        folder.write(f"{name}.md", f"Body {name}.\n")
    folder.sync(wp)
    posts = {p.slug: p for p in wp.posts()}
    paths = [folder.content / "a.md", folder.content / "b.md"]
    with asked_ahead(folder, wp, ["a.md"]) as checked:
        wp.edit(posts["a"].id, title="Edited after the look-ahead")
        folder.write("a.md", "Edited here.\n")
        mark = len(wp.requests)
        report = folder.sync(wp, paths=paths, checked=checked)
    assert outcome(report) == {"a.md": "conflict", "b.md": "unchanged"}
    assert post_look_ups(wp, mark) == 1


def test_a_new_file_has_nothing_to_ask_ahead(folder: Folder, wp: FakeWordPress) -> None:
    folder.write("old.md", "Old.\n")
    folder.sync(wp)
    folder.write("new.md", "New.\n")
    with (
        StateStore.open(folder.config.state.path, folder.config.site.url) as state,
        ThreadPoolExecutor(1) as pool,
    ):
        mark = len(wp.requests)
        assert ask_ahead(state, cast("WordPressClient", wp.client()), ["new.md"], pool) is None
    assert len(wp.requests) == mark


def test_the_look_ahead_is_at_most_half_the_debounce_and_goes_stale() -> None:
    assert lead(0.3) == LEAD and lead(0.05) == 0.025 and lead(0.0) == 0.0
    now = [10.0 + MAX_AGE - 0.01]
    checked = CheckedAhead(frozenset(), Future(), asked_at=10.0, clock=lambda: now[0])
    assert checked.fresh()
    now[0] = 10.0 + MAX_AGE + 0.01
    assert not checked.fresh()


def test_an_edit_check_asked_ahead_too_long_ago_is_not_used(
    folder: Folder, wp: FakeWordPress
) -> None:
    """A run that started late (it waited for the folder lock, the file was saved again):
    the check asked ahead is too old to stand for its own, which sees the edit made since."""
    folder.write("a.md", "Body a.\n")
    folder.sync(wp)
    [post] = wp.posts()
    with asked_ahead(folder, wp, ["a.md"]) as checked:
        wp.edit(post.id, title="Edited after the look-ahead")
        folder.write("a.md", "Edited here.\n")
        late = dataclasses.replace(checked, clock=lambda: checked.asked_at + checked.max_age + 1)
        mark = len(wp.requests)
        report = folder.sync(wp, paths=[folder.content / "a.md"], checked=late)
    assert outcome(report) == {"a.md": "conflict"}
    assert post_look_ups(wp, mark) == 1


def test_a_folder_at_rest_last_time_asks_its_two_questions_before_it_scans(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The remote check's round trip passes while the folder is scanned (run.first_look):
    asked before the scan, taken by the check, asked once."""
    from wpsync.engine import remotecheck
    from wpsync.engine.reading import Reader
    from wpsync.engine.remotecheck import RemoteCheck

    for n in range(3):
        folder.write(f"n{n}.md", f"Note {n}.\n")
    folder.sync(wp)
    folder.sync(wp)  # at rest from now on
    events: list[str] = []
    ask_early, scope = RemoteCheck.ask_early, Reader.scope

    def asking(check: RemoteCheck, client: object, types: object) -> None:
        events.append("ask")
        ask_early(check, client, types)  # type: ignore[arg-type]

    def scanning(reader: Reader, paths: object) -> object:
        events.append("scan")
        return scope(reader, paths)  # type: ignore[arg-type]

    asked = remotecheck.ask_type

    def questions(*args: object) -> object:
        events.append("questions")
        return asked(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(RemoteCheck, "ask_early", asking)
    monkeypatch.setattr(Reader, "scope", scanning)
    monkeypatch.setattr(remotecheck, "ask_type", questions)
    report = folder.sync(wp)
    assert events in (["ask", "questions", "scan"], ["ask", "scan", "questions"])
    assert report.requests == 2 and set(outcome(report).values()) == {"unchanged"}
    # not at rest (a file changed): the full run takes the same answers
    folder.write("n1.md", "Edited.\n")
    events.clear()
    report = folder.sync(wp)
    assert events in (["ask", "questions", "scan"], ["ask", "scan", "questions"])
    assert outcome(report)["n1.md"] == "updated"
    # offline: nothing asked
    events.clear()
    assert folder.sync(wp, offline=True).requests == 0 and events == ["scan"]


def test_an_edit_check_asked_ahead_that_failed_is_the_runs_warning_as_its_own_would_be(
    folder: Folder, wp: FakeWordPress
) -> None:
    """WordPress down for the look-ahead's one request: the run goes on without the
    check, and says so — what it does when its own check fails."""
    from tests.fakewp import Fault, Request

    folder.write("a.md", "Body a.\n")
    folder.sync(wp)
    folder.write("a.md", "Edited here.\n")

    def look_up(request: Request) -> bool:
        return request.method == "GET" and request.route == "/wp/v2/posts"

    wp.inject(Fault.DOWN, match=look_up)
    with asked_ahead(folder, wp, ["a.md"]) as checked:
        report = folder.sync(wp, paths=[folder.content / "a.md"], checked=checked)
    assert outcome(report) == {"a.md": "updated"}
    assert any("could not be checked" in w for w in report.warnings), report.warnings
    assert wp.faults_met()
