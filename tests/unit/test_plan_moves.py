"""Moves: the post follows its file, keeps its slug (its URL) unless the front matter names
a new one, and is never sent over an edit made in WordPress."""

from __future__ import annotations

import dataclasses

from tests.unit.test_plan import changed, entry_for
from wpsync.engine.items import Changed, RemotePostFacts, payload_hash
from wpsync.engine.plan import Conflict, Options, RemoteFacts, Update, needs_remote, plan

MODIFIED = "2026-01-01T00:00:00"


def _with_slug(item: Changed, slug: str, *, explicit: bool) -> Changed:
    payload = dataclasses.replace(item.payload, slug=slug, slug_explicit=explicit)
    return dataclasses.replace(item, payload=payload, payload_hash=payload_hash(payload))


def _facts(post_id: int, slug: str, modified: str = MODIFIED) -> RemoteFacts:
    return RemoteFacts(
        by_id={("posts", post_id): RemotePostFacts(post_id, slug, "publish", modified)}
    )


def test_a_moved_file_without_a_slug_key_keeps_its_posts_slug() -> None:
    old = changed("drafts/idea.md", slug="idea", source="S")
    entries = {old.rel: entry_for(old, 4)}
    # same bytes, new name: the mapper derived "great-idea" from the file name
    moved = _with_slug(changed("posts/great-idea.md", source="S"), "great-idea", explicit=False)
    [action] = plan([moved], entries, {}, _facts(4, "idea"), Options())
    assert isinstance(action, Update) and action.entry.post_id == 4
    assert action.payload.slug == "idea" and action.reason == "renamed"
    # what is recorded is the hash of what is sent: the next run sees nothing to do
    assert action.payload_hash == entries["drafts/idea.md"].payload_hash


def test_a_moved_file_whose_front_matter_names_a_slug_takes_it() -> None:
    old = changed("drafts/idea.md", slug="idea", source="S")
    entries = {old.rel: entry_for(old, 4)}
    moved = _with_slug(changed("posts/great-idea.md", source="S"), "great-idea", explicit=True)
    [action] = plan([moved], entries, {}, _facts(4, "idea"), Options())
    assert isinstance(action, Update) and action.payload.slug == "great-idea"
    assert action.reason == "renamed and changed"


def test_a_move_is_not_sent_over_an_edit_made_in_wordpress() -> None:
    old = changed("a.md", slug="a", source="S")
    entries = {old.rel: entry_for(old, 4)}
    moved = _with_slug(changed("b.md", source="S"), "b", explicit=False)
    assert needs_remote([moved], entries, Options()).ids == {"posts": (4,)}
    edited = _facts(4, "a", modified="2026-02-02T00:00:00")
    [action] = plan([moved], entries, {}, edited, Options())
    assert isinstance(action, Conflict) and "edited on the site" in action.reason
    [forced] = plan([moved], entries, {}, edited, Options(overwrite=True, allow_mass_delete=True))
    assert isinstance(forced, Update) and forced.payload.slug == "a"


def test_the_kept_slug_is_hashed_with_the_files_inputs() -> None:
    base = changed("a.md", slug="a", source="S")
    with_inputs = dataclasses.replace(base, inputs=(("img:i.png", "h1"),))
    with_inputs = dataclasses.replace(
        with_inputs, payload_hash=payload_hash(base.payload, {"img:i.png": "h1"})
    )
    entries = {"a.md": entry_for(with_inputs, 4)}
    moved = dataclasses.replace(with_inputs, rel="b.md")
    moved = _with_slug(moved, "b", explicit=False)
    moved = dataclasses.replace(moved, inputs=(("img:i.png", "h1"),))
    [action] = plan([moved], entries, {}, _facts(4, "a"), Options())
    assert isinstance(action, Update)
    assert action.payload_hash == payload_hash(action.payload, {"img:i.png": "h1"})
    assert action.payload_hash == entries["a.md"].payload_hash


def test_the_mapper_says_whether_the_slug_was_written_in_the_front_matter() -> None:
    from tests.unit.test_mapping import mapped

    assert mapped({"slug": "Chosen"}, rel="a/b.md").payload.slug_explicit
    derived = mapped({"title": "T"}, rel="a/2026-01-02-b.md").payload
    assert derived.slug == "b" and not derived.slug_explicit
