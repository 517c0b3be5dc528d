"""The pure pieces of issue 5: link targets, the folder rule for pages, conflict words."""

from __future__ import annotations

import pytest

from wpsync.engine.conflicts import describe_conflict, pushed_fields
from wpsync.model import Entry
from wpsync.source.links import LinkTargets
from wpsync.source.pages import folder_parent


def entry(rel: str, link: str) -> Entry:
    return Entry(rel, "posts", 1, rel, "s", "p", "m", link)


# ---------------------------------------------------------------------------- links

TARGETS = LinkTargets(
    {
        "a.md": entry("a.md", "http://site/a/"),
        "draft.md": entry("draft.md", "http://site/?p=2"),
        "later.md": entry("later.md", "http://site/?p=3"),
        "old.md": entry("old.md", "http://site/old/"),
        "legacy.md": entry("legacy.md", "http://site/legacy/"),
    },
    {"a.md": "publish", "draft.md": "draft", "later.md": "future", "old.md": "publish"},
    gone={"old.md"},
    failed={"broken.md": "bad YAML"},
    exists=lambda rel: rel in ("broken.md", "new.md"),
)


def test_only_published_posts_are_link_targets() -> None:
    assert TARGETS.resolve(["a.md", "draft.md", "later.md", "old.md", "nope.md"]) == {
        "a.md": "http://site/a/"
    }
    # a state written before statuses were recorded: taken as published
    assert TARGETS.url("legacy.md") == "http://site/legacy/"


@pytest.mark.parametrize(
    ("rel", "why"),
    [
        ("draft.md", "is not published (status draft)"),
        ("later.md", "is scheduled and not published yet"),
        ("old.md", "was deleted"),
        ("broken.md", "failed to publish"),
        ("new.md", "is not published yet"),
        ("nope.md", "does not exist"),
    ],
)
def test_an_unresolved_link_is_reported_naming_both_files(rel: str, why: str) -> None:
    [warning] = TARGETS.warnings("guides/x.md", [rel])
    assert warning.startswith(f"guides/x.md: links to {rel}, which {why}")


# ---------------------------------------------------------------------------- pages

PAGES = {
    "about.md",
    "about/team.md",
    "about/team/joining.md",
    "docs/index.md",
    "docs/guides/intro.md",
    "help/_index.markdown",
    "help/faq/deep/answer.md",
    "orphans/x.md",
}


@pytest.mark.parametrize(
    ("rel", "parent"),
    [
        ("about.md", None),
        ("about/team.md", "about.md"),
        ("about/team/joining.md", "about/team.md"),
        ("docs/index.md", None),  # the page of docs/ itself, at the top
        ("docs/guides/intro.md", "docs/index.md"),  # nearest folder with a page
        ("help/faq/deep/answer.md", "help/_index.markdown"),
        ("orphans/x.md", None),
    ],
)
def test_a_page_is_a_child_of_the_nearest_folder_page_above_it(
    rel: str, parent: str | None
) -> None:
    assert folder_parent(rel, PAGES) == parent


def test_index_wins_over_the_file_named_like_the_folder() -> None:
    assert folder_parent("a/b.md", {"a.md", "a/index.md", "a/b.md"}) == "a/index.md"


# ---------------------------------------------------------------------------- conflicts

REMOTE = {
    "id": 12,
    "modified_gmt": "2026-11-29T10:02:11",
    "title": {"raw": "Hello there", "rendered": "Hello there"},
    "content": {"raw": "<p>Edited in WordPress</p>", "rendered": "…"},
    "excerpt": {"raw": "Short", "rendered": "<p>Short</p>"},
    "status": "future",
    "slug": "hello",
    "categories": [3, 1],
    "tags": [],
    "date_gmt": "2030-01-01T08:00:00",
}


def test_a_conflict_names_the_fields_edited_in_wordpress() -> None:
    sent = {
        "title": "Hello",
        "content": "<p>Ours</p>",
        "excerpt": "Short",
        "status": "publish",  # WordPress made it "future": the same thing
        "slug": "hello",
        "categories": [1, 3],
        "tags": [5],
        "date_gmt": "2030-01-01T08:00:00",
        "password": "secret",
    }
    fields = pushed_fields(sent)
    assert "password" not in fields and "Ours" not in str(fields)
    described = describe_conflict(fields, REMOTE)
    assert described.fields == ("title", "content", "tags")
    assert described.summary() == (
        "changed in WordPress: title ('Hello' → 'Hello there'), content, tags ([5] → [])"
    )


def test_without_a_record_of_the_push_the_conflict_says_so() -> None:
    described = describe_conflict(None, REMOTE)
    assert not described.known and "not recorded" in described.summary()
    untouched = describe_conflict(pushed_fields({"slug": "hello"}), REMOTE)
    assert untouched.changes == () and "without a change" in untouched.summary()
