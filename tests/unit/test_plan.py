"""The planner decides everything without a network: scenario tests + a property test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpsync.engine.items import Broken, Changed, RemotePostFacts, Stat, Unchanged, payload_hash
from wpsync.engine.plan import (
    Conflict,
    Create,
    Delete,
    Fail,
    Keep,
    Options,
    RemoteFacts,
    Update,
    needs_remote,
    plan,
)
from wpsync.errors import DocumentError, SafetyError
from wpsync.model import Entry, Pending, PostPayload

STAT = Stat(10, 1)


def changed(
    rel: str, slug: str | None = None, body: str = "<p>x</p>", source: str | None = None
) -> Changed:
    payload = PostPayload(
        rel=rel,
        rest_base="posts",
        slug=slug or rel.removesuffix(".md"),
        title="T",
        content=body,
        status="publish",
    )
    return Changed(rel, STAT, source or f"src-{rel}-{body}", payload, payload_hash(payload))


def entry_for(item: Changed, post_id: int, modified: str = "2026-01-01T00:00:00") -> Entry:
    return Entry(
        item.rel,
        "posts",
        post_id,
        item.payload.slug,
        item.source_hash,
        item.payload_hash,
        modified,
        "",
        STAT.size,
        STAT.mtime_ns,
    )


def test_a_new_file_is_created_after_checking_its_slug_is_free() -> None:
    item = changed("a.md")
    query = needs_remote([item], {}, Options())
    assert query.slugs == {"posts": ("a",)} and not query.ids
    [action] = plan([item], {}, {}, RemoteFacts(), Options())
    assert isinstance(action, Create) and action.adopt is None


def test_an_unchanged_tree_needs_no_remote_facts_and_sends_nothing() -> None:
    item = changed("a.md")
    entries = {"a.md": entry_for(item, 5)}
    local = [Unchanged("a.md", STAT)]
    assert not needs_remote(local, entries, Options())
    [action] = plan(local, entries, {}, RemoteFacts(), Options())
    assert isinstance(action, Keep) and action.refresh is None


def test_an_edited_file_updates_its_post_when_wordpress_was_not_touched() -> None:
    old = changed("a.md", body="<p>old</p>")
    entries = {"a.md": entry_for(old, 7, "2026-01-01T00:00:00")}
    new = changed("a.md", body="<p>new</p>")
    assert needs_remote([new], entries, Options()).ids == {"posts": (7,)}
    remote = RemoteFacts(
        by_id={("posts", 7): RemotePostFacts(7, "a", "publish", "2026-01-01T00:00:00")}
    )
    [action] = plan([new], entries, {}, remote, Options())
    assert isinstance(action, Update) and action.entry.post_id == 7


def test_a_post_edited_in_wordpress_is_a_conflict_not_an_overwrite() -> None:
    old = changed("a.md", body="<p>old</p>")
    entries = {"a.md": entry_for(old, 7, "2026-01-01T00:00:00")}
    new = changed("a.md", body="<p>new</p>")
    remote = RemoteFacts(
        by_id={("posts", 7): RemotePostFacts(7, "a", "publish", "2026-02-02T00:00:00")}
    )
    [action] = plan([new], entries, {}, remote, Options())
    assert isinstance(action, Conflict) and "edited on the site" in action.reason
    [forced] = plan([new], entries, {}, remote, Options(overwrite=True, allow_mass_delete=True))
    assert isinstance(forced, Update)


def test_a_post_deleted_in_wordpress_is_published_again() -> None:
    old = changed("a.md", body="<p>old</p>")
    entries = {"a.md": entry_for(old, 7)}
    [action] = plan([changed("a.md", body="<p>new</p>")], entries, {}, RemoteFacts(), Options())
    assert isinstance(action, Create)


def test_a_lost_create_is_adopted_by_slug_never_duplicated() -> None:
    item = changed("a.md")
    remote = RemoteFacts(by_slug={("posts", "a"): RemotePostFacts(9, "a", "publish", "x")})
    pending = {"a.md": Pending("a.md", "posts", "a", 0.0)}
    [action] = plan([item], {}, pending, remote, Options())
    assert isinstance(action, Create) and action.adopt is not None and action.adopt.id == 9


def test_a_foreign_post_with_the_same_slug_is_a_conflict() -> None:
    item = changed("a.md")
    remote = RemoteFacts(by_slug={("posts", "a"): RemotePostFacts(9, "a", "publish", "x")})
    [action] = plan([item], {}, {}, remote, Options())
    assert isinstance(action, Conflict) and "did not create" in action.reason


def test_a_renamed_file_keeps_its_post() -> None:
    old = changed("old.md", slug="same", body="<p>b</p>", source="S")
    entries = {"old.md": entry_for(old, 3)}
    moved = changed("new/place.md", slug="same", body="<p>b</p>", source="S")
    # a move is sent, so the post is checked first (not overwritten if edited in WordPress)
    assert needs_remote([moved], entries, Options()).ids == {"posts": (3,)}
    remote = RemoteFacts(
        by_id={("posts", 3): RemotePostFacts(3, "same", "publish", "2026-01-01T00:00:00")}
    )
    actions = plan([moved], entries, {}, remote, Options())
    [action] = actions
    assert (
        isinstance(action, Update) and action.renamed_from == "old.md" and action.entry.post_id == 3
    )
    assert action.reason == "renamed"


def test_a_deleted_file_follows_the_delete_policy() -> None:
    a, b, c, d = (changed(f"{n}.md") for n in "abcd")
    entries = {i.rel: entry_for(i, n) for n, i in enumerate((a, b, c, d), 1)}
    local = [Unchanged(r, STAT) for r in ("a.md", "b.md", "c.md")]
    actions = plan(local, entries, {}, RemoteFacts(), Options(delete_policy="draft"))
    deletes = [x for x in actions if isinstance(x, Delete)]
    assert [(x.rel, x.policy) for x in deletes] == [("d.md", "draft")]


def test_an_emptied_folder_is_refused_unless_forced() -> None:
    items = [changed(f"{n}.md") for n in "abcdef"]
    entries = {i.rel: entry_for(i, n) for n, i in enumerate(items, 1)}
    with pytest.raises(SafetyError):
        plan([], entries, {}, RemoteFacts(), Options())
    actions = plan([], entries, {}, RemoteFacts(), Options(overwrite=True, allow_mass_delete=True))
    assert len(actions) == 6


def test_a_broken_file_fails_alone() -> None:
    error = DocumentError("bad.md", "broken YAML", line=2)
    actions = plan([Broken("bad.md", error), changed("ok.md")], {}, {}, RemoteFacts(), Options())
    assert isinstance(actions[0], Fail) and isinstance(actions[1], Create)


def test_two_files_claiming_one_slug_fail_the_second() -> None:
    actions = plan(
        [changed("a.md", slug="x"), changed("b.md", slug="x")], {}, {}, RemoteFacts(), Options()
    )
    assert isinstance(actions[0], Create) and isinstance(actions[1], Fail)


def test_a_new_file_taking_the_slug_of_a_published_file_fails_alone() -> None:
    # The second run of two files with one slug: the first is published and unchanged;
    # the second must not be reported as a foreign conflict (--force would overwrite
    # the first file's post with it).
    first = changed("a.md", slug="x")
    entries = {"a.md": entry_for(first, 1)}
    facts = RemoteFacts(by_slug={("posts", "x"): RemotePostFacts(1, "x", "publish", "m")})
    actions = plan(
        [Unchanged("a.md", STAT), changed("b.md", slug="x")],
        entries,
        {},
        facts,
        Options(overwrite=True, allow_mass_delete=True),
    )
    assert isinstance(actions[0], Keep)
    assert isinstance(actions[1], Fail) and "also used by a.md" in str(actions[1].error)


def test_a_changed_source_with_the_same_payload_only_refreshes_state() -> None:
    item = changed("a.md", source="old")
    entries = {"a.md": entry_for(item, 1)}
    again = changed("a.md", source="new")  # e.g. trailing whitespace only
    [action] = plan([again], entries, {}, RemoteFacts(), Options())
    assert (
        isinstance(action, Keep)
        and action.refresh is not None
        and action.refresh.source_hash == "new"
    )


names = st.sampled_from(["a.md", "b.md", "c.md", "d/e.md"])


@settings(max_examples=200, deadline=None)
@given(
    present=st.sets(names),
    known=st.sets(names),
    edited=st.sets(names),
    remote_moved=st.sets(names),
)
def test_every_file_gets_exactly_one_action_and_nothing_is_created_twice(
    present: set[str], known: set[str], edited: set[str], remote_moved: set[str]
) -> None:
    originals = {rel: changed(rel, body=f"<p>{rel}</p>") for rel in sorted(known)}
    entries = {rel: entry_for(item, n) for n, (rel, item) in enumerate(originals.items(), 1)}
    local = []
    for rel in sorted(present):
        if rel in known and rel not in edited:
            local.append(Unchanged(rel, STAT))
        else:
            local.append(changed(rel, body=f"<p>{rel} edited</p>"))
    remote = RemoteFacts(
        by_id={
            ("posts", e.post_id): RemotePostFacts(
                e.post_id, e.slug, "publish", "moved" if rel in remote_moved else e.modified_gmt
            )
            for rel, e in entries.items()
        }
    )
    try:
        actions = plan(
            local,
            entries,
            {},
            remote,
            Options(max_deletions=100, max_deletion_ratio=1.0),
        )
    except SafetyError:
        assert len(known - present) == len(known) >= 2
        return
    touched = [a.rel for a in actions]
    assert sorted(touched) == sorted(set(touched)), "one action per file"
    assert set(touched) == present | known
    for action in actions:
        if isinstance(action, Update) and action.entry.rel in remote_moved:
            raise AssertionError("a remote edit must never be overwritten without --overwrite")
    created_slugs = [a.payload.slug for a in actions if isinstance(a, Create)]
    assert len(created_slugs) == len(set(created_slugs))


def test_a_post_trashed_in_wordpress_is_a_conflict_not_a_resurrection() -> None:
    old = changed("a.md", body="<p>old</p>")
    entries = {"a.md": entry_for(old, 7)}
    remote = RemoteFacts(
        by_id={
            ("posts", 7): RemotePostFacts(7, "a", "trash", old_modified := "2026-01-01T00:00:00")
        }
    )
    [action] = plan([changed("a.md", body="<p>new</p>")], entries, {}, remote, Options())
    assert isinstance(action, Conflict) and "trash" in action.reason and old_modified


def test_files_gone_are_deleted_in_path_order_whatever_the_entries_order() -> None:
    items = {n: changed(f"{n}.md") for n in "edcba"}
    entries = {i.rel: entry_for(i, n) for n, i in enumerate(items.values(), 1)}  # e, d, c…
    local = [Unchanged("c.md", STAT), Unchanged("a.md", STAT)]
    options = Options(max_deletions=10, max_deletion_ratio=1.0)
    actions = plan(local, entries, {}, RemoteFacts(), options)
    assert [a.rel for a in actions if isinstance(a, Delete)] == ["b.md", "d.md", "e.md"]
    # every known file there: nothing deleted (told without a set of every path)
    everything = [Unchanged(rel, STAT) for rel in entries]
    assert not [
        a for a in plan(everything, entries, {}, RemoteFacts(), options) if isinstance(a, Delete)
    ]
