"""plan's pure half: each planned action gets a line and a reason; --diff compares what
we would send with the post WordPress holds."""

from __future__ import annotations

from wpsync.engine.items import RemotePostFacts, Stat
from wpsync.engine.plan import Conflict, Create, Delete, Fail, Keep, Update
from wpsync.engine.preview import (
    compare,
    content_diff,
    describe,
    summary,
    summary_line,
    with_remote,
)
from wpsync.engine.terms import term_path
from wpsync.errors import DocumentError
from wpsync.model import Entry, PostPayload

STAT = Stat(1, 1)
ENTRY = Entry("hello.md", "posts", 12, "hello", "s", "p", "2026-01-01T00:00:00")


def payload(**fields: object) -> PostPayload:
    base: dict[str, object] = {
        "rel": "hello.md",
        "rest_base": "posts",
        "slug": "hello",
        "title": "Hello",
        "content": "<p>One</p>\n<p>Two</p>",
        "status": "publish",
    }
    base.update(fields)
    return PostPayload(**base)  # type: ignore[arg-type]


def remote(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": 12,
        "slug": "hello",
        "status": "publish",
        "title": {"raw": "Hello"},
        "content": {"raw": "<p>One</p>\n<p>Two</p>"},
        "excerpt": {"raw": ""},
        "date_gmt": "2026-01-01T10:00:00",
        "categories": [6],
        "tags": [10],
    }
    base.update(fields)
    return base


def test_every_action_has_a_verb_and_a_reason() -> None:
    p = payload()
    lines = [
        describe(Create("new.md", STAT, "s", p, "h")),
        describe(
            Create("lost.md", STAT, "s", p, "h", RemotePostFacts(40, "hello", "publish", "t"))
        ),
        describe(Update("hello.md", STAT, "s", p, "h", ENTRY, "changed")),
        describe(Update("b.md", STAT, "s", p, "h", ENTRY, "renamed", "a.md")),
        describe(Keep("hello.md", ENTRY)),
        describe(Delete(ENTRY, "trash")),
        describe(Conflict("hello.md", "post 12 was edited in WordPress", ENTRY, None)),
        describe(Fail("bad.md", DocumentError("bad.md", "no", line=3))),
    ]
    assert [line.action for line in lines] == [
        "create",
        "create",
        "update",
        "update",
        "unchanged",
        "delete",
        "conflict",
        "failed",
    ]
    assert "new file" in lines[0].reason and lines[0].post_id is None
    assert lines[1].post_id == 40 and "interrupted" in lines[1].reason
    assert "moved from a.md" in lines[3].reason
    assert "trash" in lines[5].reason and lines[5].path == "hello.md"
    assert lines[6].reason == "post 12 was edited in WordPress"
    assert "bad.md:3" in lines[7].reason
    counts = summary(lines)
    assert counts == {
        "create": 2,
        "update": 2,
        "delete": 1,
        "conflict": 1,
        "failed": 1,
        "unchanged": 1,
    }
    assert summary_line(counts).startswith("plan: 2 to create, 2 to update, 1 to delete")


def test_nothing_differs_when_wordpress_holds_what_we_would_send() -> None:
    terms = {"categories": {6: ("Python", 5), 5: ("Guides", 0)}, "tags": {10: ("intro", 0)}}
    p = payload(categories=(("Guides", "Python"),), tags=("intro",), date_gmt="2026-01-01T10:00:00")
    assert compare(p, remote(), terms) == ()


def test_changed_fields_are_named_with_both_values() -> None:
    terms = {"categories": {6: ("Python", 0)}, "tags": {10: ("intro", 0)}}
    p = payload(title="Hello again", status="draft", categories=(("News",),), tags=("intro",))
    changes = {c.field: c for c in compare(p, remote(), terms)}
    assert set(changes) == {"title", "status", "categories"}
    assert (changes["title"].remote, changes["title"].local) == ("Hello", "Hello again")
    assert (changes["categories"].remote, changes["categories"].local) == ("Python", "News")


def test_fields_the_document_does_not_set_are_not_compared() -> None:
    assert compare(payload(), remote(excerpt={"raw": "Set in WordPress"}, sticky=True)) == ()


def test_a_public_view_without_raw_fields_compares_what_it_can() -> None:
    view = remote(title={"rendered": "Hello"}, content={"rendered": "<p>other</p>"}, status="draft")
    assert [c.field for c in compare(payload(), view)] == ["status"]
    line = with_remote(
        describe(Update("hello.md", STAT, "s", payload(), "h", ENTRY, "changed")),
        payload(),
        view,
        None,
    )
    assert "no edit rights" in line.note and line.diff == ""


def test_the_content_diff_is_unified_wordpress_first() -> None:
    diff = content_diff("<p>One</p>\n<p>Two</p>", "<p>One</p>\n<p>Deux</p>", "hello.md", "posts/12")
    assert diff.splitlines()[:2] == ["--- wordpress/posts/12", "+++ local/hello.md"]
    assert "-<p>Two</p>" in diff and "+<p>Deux</p>" in diff


def test_with_remote_lists_the_changes_in_the_reason() -> None:
    p = payload(content="<p>One</p>\n<p>Deux</p>")
    line = with_remote(
        describe(Update("hello.md", STAT, "s", p, "h", ENTRY, "changed")), p, remote(), None
    )
    assert line.reason.endswith("changes content") and "+<p>Deux</p>" in line.diff
    assert line.to_json()["fields"] == ["content"]


def test_term_paths_walk_parents() -> None:
    table = {1: ("A", 0), 2: ("B", 1), 3: ("C", 2), 8: ("X", 9), 9: ("Y", 8)}
    assert term_path(table, 3) == ("A", "B", "C")
    assert term_path(table, 8) == ("Y", "X")
