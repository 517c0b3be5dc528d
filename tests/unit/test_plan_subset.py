"""Planning a subset of the folder (the watcher's and the git hook's runs): moves the caller
saw, and the mass-deletion guard judged against the whole folder."""

from __future__ import annotations

import pytest

from tests.unit.test_plan import changed, entry_for
from wpsync.engine.items import RemotePostFacts
from wpsync.engine.plan import Create, Delete, Options, RemoteFacts, Update, plan
from wpsync.errors import SafetyError
from wpsync.model import Entry

MODIFIED = "2026-01-01T00:00:00"


def _remote(*entries: Entry) -> RemoteFacts:
    return RemoteFacts(
        by_id={
            (e.rest_base, e.post_id): RemotePostFacts(e.post_id, e.slug, "publish", e.modified_gmt)
            for e in entries
        }
    )


def test_a_file_moved_and_edited_keeps_its_post_when_the_move_was_seen() -> None:
    old = entry_for(changed("drafts/idea.md", body="<p>first</p>"), 7, MODIFIED)
    moved = changed("published/idea-final.md", body="<p>first, edited</p>")  # new slug, new body
    actions = plan(
        [moved],
        {"drafts/idea.md": old},
        {},
        _remote(old),
        Options(renames={"published/idea-final.md": "drafts/idea.md"}),
    )
    [action] = actions
    assert isinstance(action, Update)
    assert action.entry.post_id == 7 and action.renamed_from == "drafts/idea.md"


def test_without_the_move_a_moved_and_edited_file_is_a_new_post_and_a_deletion() -> None:
    # What the hint protects against: neither the content nor the slug matches any more.
    old = entry_for(changed("drafts/idea.md", body="<p>first</p>"), 7, MODIFIED)
    moved = changed("published/idea-final.md", body="<p>first, edited</p>")
    actions = plan([moved], {"drafts/idea.md": old}, {}, RemoteFacts(), Options())
    assert {type(a) for a in actions} == {Create, Delete}


def test_a_move_hint_whose_old_file_is_still_there_is_ignored() -> None:
    # `cp a.md b.md` reported as a move by mistake must not steal a.md's post.
    a = changed("a.md")
    a_entry = entry_for(a, 3, MODIFIED)
    b = changed("b.md", body="<p>copy</p>")
    actions = plan(
        [a, b], {"a.md": a_entry}, {}, _remote(a_entry), Options(renames={"b.md": "a.md"})
    )
    by_rel = {a.rel: a for a in actions}
    assert isinstance(by_rel["b.md"], Create)
    assert not isinstance(by_rel["a.md"], Delete)


def test_deleting_two_files_out_of_twenty_is_allowed_in_a_subset_run() -> None:
    # The subset run sees only the two entries it was given: 2 of 2 looks like "everything".
    gone = {rel: entry_for(changed(rel), n, MODIFIED) for n, rel in enumerate(("x.md", "y.md"), 1)}
    actions = plan([], gone, {}, RemoteFacts(), Options(known_total=20))
    assert [type(a) for a in actions] == [Delete, Delete]
    with pytest.raises(SafetyError):
        plan([], gone, {}, RemoteFacts(), Options())


def test_a_subset_run_still_refuses_more_deletions_than_allowed() -> None:
    gone = {f"p{n}.md": entry_for(changed(f"p{n}.md"), n, MODIFIED) for n in range(1, 13)}
    with pytest.raises(SafetyError):
        plan([], gone, {}, RemoteFacts(), Options(known_total=500, max_deletions=10))
