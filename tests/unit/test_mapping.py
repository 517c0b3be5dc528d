"""Front matter → PostPayload: every field's rule, its errors and warnings, and properties."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wpsync.errors import DocumentError
from wpsync.model import Document, MediaRef
from wpsync.source.content import read_document
from wpsync.source.fields import ALIASES, FIELDS, IGNORED_KEYS, rest_base_for
from wpsync.source.mapping import Mapped, MappingDefaults, map_document
from wpsync.source.slugs import slugify, stored_slug

DEFAULTS = MappingDefaults()


def make(
    front_matter: dict[str, Any] | None = None,
    body: str = "Body text.\n",
    rel: str = "posts/hello-world.md",
    key_lines: dict[str, int] | None = None,
) -> Document:
    fm = front_matter or {}
    lines = key_lines if key_lines is not None else {k: n + 2 for n, k in enumerate(fm)}
    return Document(rel, fm, body, "0" * 64, body_line=len(fm) + 3, key_lines=lines)


def mapped(front_matter: dict[str, Any] | None = None, **kwargs: Any) -> Mapped:
    return map_document(make(front_matter, **kwargs), DEFAULTS)


def failure(front_matter: dict[str, Any], **kwargs: Any) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        mapped(front_matter, **kwargs)
    return caught.value


def file_failure(tmp_path: Path, text: str, rel: str = "post.md") -> DocumentError:
    (tmp_path / rel).write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        map_document(read_document(tmp_path, rel), DEFAULTS)
    return caught.value


# ---------------------------------------------------------------------------- whole documents


def test_a_jekyll_post_maps_to_a_payload(tmp_path: Path) -> None:
    folder = tmp_path / "_posts"
    folder.mkdir()
    (folder / "2024-03-05-welcome-to-jekyll.md").write_text(
        "---\n"
        "layout: post\n"
        'title: "Welcome to Jekyll!"\n'
        "date: 2024-03-05 10:00:00 +0200\n"
        "categories: [Guides/Jekyll, News]\n"
        "tags: [intro, Setup, setup]\n"
        "excerpt: A first post.\n"
        "image: img/cover.png\n"
        "---\n\n"
        "You'll find this post in your `_posts` directory.\n\n"
        "![Screenshot](img/shot.png)\n\n"
        "Read [the guide](../guides/setup.md#install) next.\n",
        encoding="utf-8",
    )
    result = map_document(
        read_document(tmp_path, "_posts/2024-03-05-welcome-to-jekyll.md"), DEFAULTS
    )
    p = result.payload
    assert (p.rest_base, p.slug, p.title, p.status) == (
        "posts",
        "welcome-to-jekyll",
        "Welcome to Jekyll!",
        "publish",
    )
    assert (p.date, p.date_gmt) == (None, "2024-03-05T08:00:00")
    assert p.categories == (("Guides", "Jekyll"), ("News",))
    assert p.tags == ("intro", "Setup")
    assert p.excerpt == "A first post."
    assert p.featured_image == MediaRef("_posts/img/cover.png")
    assert p.images == (MediaRef("_posts/img/shot.png", alt="Screenshot"),)
    assert p.links == ("guides/setup.md",)
    assert 'src="_posts/img/shot.png"' in p.content and 'alt="Screenshot"' in p.content
    assert '<a href="guides/setup.md#install">the guide</a>' in p.content
    assert result.warnings == ()


def test_a_hugo_page_with_toml_front_matter(tmp_path: Path) -> None:
    (tmp_path / "about").mkdir()
    (tmp_path / "about/_index.md").write_text(
        '+++\ntitle = "About us"\ntype = "page"\nweight = 2\ndraft = true\n'
        "date = 2024-02-01T08:00:00-05:00\n+++\n\nWho we are.\n",
        encoding="utf-8",
    )
    p = map_document(read_document(tmp_path, "about/_index.md"), DEFAULTS).payload
    assert (p.rest_base, p.slug, p.title, p.status, p.menu_order) == (
        "pages",
        "about",
        "About us",
        "draft",
        2,
    )
    assert p.date_gmt == "2024-02-01T13:00:00"


def test_a_plain_markdown_file_gets_everything_from_its_path_and_heading() -> None:
    result = mapped({}, body="# My First Post\n\nHello.\n", rel="notes/my-first-post.md")
    p = result.payload
    assert (p.slug, p.title, p.content, p.status, p.rest_base) == (
        "my-first-post",
        "My First Post",
        "<p>Hello.</p>",
        "publish",
        "posts",
    )
    assert (p.date, p.date_gmt, p.sticky, p.tags) == (None, None, None, ())


def test_the_payload_gives_the_rest_body() -> None:
    p = mapped(
        {"title": "T", "sticky": True, "meta": {"rating": 5}, "comment_status": False}
    ).payload
    assert p.scalar_fields() == {
        "slug": "hello-world",
        "title": "T",
        "content": "<p>Body text.</p>",
        "status": "publish",
        "sticky": True,
        "comment_status": "closed",
        "meta": {"rating": 5},
    }


# ---------------------------------------------------------------------------- title


def test_a_front_matter_title_is_stripped_and_kept_as_written() -> None:
    title = "  Ünïcödé 🎉 <em>HTML</em> & عربي  "
    assert mapped({"title": title}).payload.title == "Ünïcödé 🎉 <em>HTML</em> & عربي"


def test_the_first_heading_becomes_the_title_and_leaves_the_content() -> None:
    p = mapped({}, body="# Hello *world*\n\nText.\n\n## More\n").payload
    assert p.title == "Hello world"
    assert p.content == '<p>Text.</p>\n<h2 id="more">More</h2>'


def test_a_heading_repeating_the_front_matter_title_is_not_shown_twice() -> None:
    p = mapped({"title": "Hello World"}, body="# Hello  world\n\nText.\n").payload
    assert p.content == "<p>Text.</p>"


def test_a_heading_different_from_the_front_matter_title_stays() -> None:
    p = mapped({"title": "Release notes"}, body="# Version 2.0\n\nText.\n").payload
    assert p.content.startswith('<h1 id="version-20">Version 2.0</h1>')


@pytest.mark.parametrize(
    ("rel", "title"),
    [
        ("posts/my-first-post.md", "My first post"),
        ("2024-01-05-new_year_plans.md", "New year plans"),
        ("guides/install/index.md", "Install"),
        ("guides/_index.md", "Guides"),
    ],
)
def test_without_title_or_heading_the_file_name_gives_the_title(rel: str, title: str) -> None:
    assert mapped({}, body="Just text.", rel=rel).payload.title == title


def test_a_numeric_title_is_accepted_as_written() -> None:
    assert mapped({"title": 1984}).payload.title == "1984"


def test_a_title_yaml_read_as_a_boolean_is_an_error_with_a_hint() -> None:
    error = failure({"title": False})
    assert error.reason == "front-matter key 'title' must be text, not false"
    assert error.hint is not None and "quotes" in error.hint


def test_an_empty_title_falls_back_to_the_heading() -> None:
    assert mapped({"title": "  "}, body="# From heading\n").payload.title == "From heading"


def test_a_title_over_a_thousand_characters_is_an_error() -> None:
    error = failure({"title": "x" * 1001})
    assert (error.line, error.reason) == (
        2,
        "front-matter key 'title' is 1001 characters long; at most 1000 are allowed",
    )


def test_a_heading_over_a_thousand_characters_is_an_error() -> None:
    error = failure({}, body="# " + "x" * 1001 + "\n")
    assert error.line == 3 and "first heading" in error.reason


# ---------------------------------------------------------------------------- slug


@pytest.mark.parametrize(
    ("given", "slug"),
    [
        ("Hello World", "hello-world"),
        ("  Ça va? Très bien!  ", "ca-va-tres-bien"),
        ("Straße & Smørrebrød", "strasse-smorrebrod"),
        ("Don't Stop", "dont-stop"),
        ("C++ -- the  good parts", "c-the-good-parts"),
        ("already-a-slug", "already-a-slug"),
        ("2024", "2024"),
        ("Ελληνικά and latin", "ελληνικά-and-latin"),  # WordPress keeps other scripts
        ("Привет, мир", "привет-мир"),
        ("%d0%bf%d1%80%d0%b8", "при"),  # as WordPress stores it: decoded
    ],
)
def test_a_front_matter_slug_is_sanitised_like_wordpress(given: str, slug: str) -> None:
    assert mapped({"slug": given}).payload.slug == slug


def test_a_slug_is_at_most_200_characters() -> None:
    slug = mapped({"slug": "word-" * 100}).payload.slug
    assert len(slug) <= 200 and not slug.endswith("-")


def test_a_slug_with_nothing_usable_is_an_error() -> None:
    error = failure({"title": "T", "slug": "— … —"}, key_lines={"title": 2, "slug": 7})
    assert error.line == 7
    assert (
        error.reason == "front-matter key 'slug' '— … —' has no letters or digits left for a slug"
    )


@pytest.mark.parametrize(
    ("rel", "slug"),
    [
        ("posts/hello-world.md", "hello-world"),
        ("_posts/2024-03-05-welcome-to-jekyll.md", "welcome-to-jekyll"),
        ("Über Uns.markdown", "uber-uns"),
        ("guides/python/index.md", "python"),
        ("docs/_index.md", "docs"),
        ("index.md", "index"),
        ("2024-01-01.md", "2024-01-01"),
    ],
)
def test_without_a_slug_the_file_name_gives_it(rel: str, slug: str) -> None:
    assert mapped({}, rel=rel).payload.slug == slug


def test_a_file_name_without_latin_letters_gets_a_stable_slug_and_a_warning() -> None:
    first = mapped({}, rel="日本語.md")
    again = mapped({}, rel="日本語.md")
    assert re.fullmatch(r"post-[0-9a-f]{8}", first.payload.slug)
    assert first.payload.slug == again.payload.slug
    assert any("set 'slug'" in w for w in first.warnings)


# ---------------------------------------------------------------------------- status


@pytest.mark.parametrize("status", ["publish", "FUTURE", "Draft", "pending", "private"])
def test_every_wordpress_status_is_accepted_in_any_case(status: str) -> None:
    assert mapped({"status": status}).payload.status == status.lower()


def test_an_unknown_status_lists_the_allowed_values_and_the_line() -> None:
    error = failure({"title": "T", "status": "published"})
    assert error.line == 3
    assert error.reason == (
        "front-matter key 'status' must be one of publish, future, draft, pending, private; "
        "got 'published'"
    )


def test_draft_true_makes_a_draft() -> None:
    assert mapped({"draft": True}).payload.status == "draft"
    assert mapped({"draft": False}).payload.status == "publish"


def test_published_false_makes_a_draft() -> None:
    assert mapped({"published": False}).payload.status == "draft"
    assert mapped({"published": True}).payload.status == "publish"


def test_draft_true_wins_over_an_explicit_status_with_a_warning() -> None:
    result = mapped({"status": "publish", "draft": True})
    assert result.payload.status == "draft"
    assert result.warnings == ("'draft' makes this a draft; status 'publish' ignored",)


def test_the_default_status_comes_from_the_config() -> None:
    doc = make({})
    assert map_document(doc, MappingDefaults(default_status="draft")).payload.status == "draft"


# ---------------------------------------------------------------------------- date


@pytest.mark.parametrize(
    ("value", "local", "gmt"),
    [
        ("2024-05-01", "2024-05-01T00:00:00", None),
        ("2024-05-01 09:30", "2024-05-01T09:30:00", None),
        ("2024-05-01 09:30:15", "2024-05-01T09:30:15", None),
        ("2024-05-01T09:30:15", "2024-05-01T09:30:15", None),
        ("2024-05-01T09:30:15Z", None, "2024-05-01T09:30:15"),
        ("2024-05-01T09:30:15+02:00", None, "2024-05-01T07:30:15"),
        ("2024-05-01 09:30:15 -0500", None, "2024-05-01T14:30:15"),
        ("2024-05-01T09:30:15.123456+00:00", None, "2024-05-01T09:30:15"),
        (date(2024, 5, 1), "2024-05-01T00:00:00", None),
        (datetime(2024, 5, 1, 9, 30), "2024-05-01T09:30:00", None),
        (
            datetime(2024, 5, 1, 23, 30, tzinfo=timezone(timedelta(hours=-3))),
            None,
            "2024-05-02T02:30:00",
        ),
        (datetime(2024, 5, 1, 9, 30, tzinfo=UTC), None, "2024-05-01T09:30:00"),
    ],
)
def test_dates_in_every_common_form(value: object, local: str | None, gmt: str | None) -> None:
    p = mapped({"date": value}).payload
    assert (p.date, p.date_gmt) == (local, gmt)


def test_an_impossible_date_is_an_error_with_the_line(tmp_path: Path) -> None:
    error = file_failure(tmp_path, "---\ntitle: Leap\ndate: 2023-02-30\n---\nBody\n")
    assert error.line == 3
    assert error.reason.startswith("front-matter key 'date' '2023-02-30' is not a real date")


@pytest.mark.parametrize(
    "value", ["next tuesday", "05/01/2024", "", True, 20240501, time(9, 30), [2024]]
)
def test_an_unreadable_date_is_an_error(value: object) -> None:
    error = failure({"date": value})
    assert error.reason.startswith("front-matter key 'date' ")
    assert error.line == 2


@pytest.mark.parametrize(
    ("value", "why"),
    [("2024-13-01", "month must be in 1..12"), ("2024-05-01 25:00", "hour must be in 0..23")],
)
def test_an_impossible_date_string_says_what_is_wrong(value: str, why: str) -> None:
    assert failure({"date": value}).reason == (
        f"front-matter key 'date' {value!r} is not a real date ({why})"
    )


def test_a_future_date_keeps_the_status_as_given() -> None:
    p = mapped({"date": "2999-01-01T00:00:00Z"}).payload
    assert (p.status, p.date_gmt) == ("publish", "2999-01-01T00:00:00")


def test_a_jekyll_file_name_gives_the_date_unless_the_front_matter_does() -> None:
    assert mapped({}, rel="_posts/2024-03-05-x.md").payload.date == "2024-03-05T00:00:00"
    p = mapped({"date": "2024-04-01T12:00:00Z"}, rel="_posts/2024-03-05-x.md").payload
    assert (p.date, p.date_gmt) == (None, "2024-04-01T12:00:00")


def test_an_impossible_date_in_a_file_name_is_ignored_with_a_warning() -> None:
    result = mapped({}, rel="_posts/2023-02-30-x.md")
    assert (result.payload.date, result.payload.slug) == (None, "x")
    assert result.warnings == (
        "the date in the file name (2023-02-30) is not a real date; ignored",
    )


def test_a_date_out_of_range_after_conversion_is_an_error() -> None:
    late = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert "out of range" in failure({"date": late}).reason


# ---------------------------------------------------------------------------- terms


def test_categories_are_hierarchy_paths_from_a_list_or_a_comma_string() -> None:
    expected = (("Guides", "Python"), ("News",))
    assert mapped({"categories": ["Guides/Python", "News"]}).payload.categories == expected
    assert mapped({"categories": "Guides / Python, News"}).payload.categories == expected
    assert mapped({"category": "News"}).payload.categories == (("News",),)


def test_categories_are_deduplicated_case_insensitively() -> None:
    p = mapped({"categories": ["News", "news", "Guides/Python", "guides/python"]}).payload
    assert p.categories == (("News",), ("Guides", "Python"))


def test_tags_from_a_list_or_comma_string_deduplicated_in_order() -> None:
    assert mapped({"tags": ["Python", "tips", "python", " Tips ", "", 3.11]}).payload.tags == (
        "Python",
        "tips",
        "3.11",
    )
    assert mapped({"tags": "b, a,b , c"}).payload.tags == ("b", "a", "c")
    assert mapped({"keywords": ["seo"]}).payload.tags == ("seo",)
    assert mapped({"tag": "one"}).payload.tags == ("one",)


def test_tags_given_as_a_mapping_name_the_key_and_line() -> None:
    error = failure({"title": "T", "tags": {"a": 1}})
    assert error.line == 3
    assert error.reason == (
        "front-matter key 'tags' must be a list of names or a comma-separated string, not a mapping"
    )


def test_a_nested_list_inside_tags_is_an_error() -> None:
    assert "each entry must be a name" in failure({"tags": ["a", ["b"]]}).reason


def test_custom_taxonomies_map_a_rest_base_to_names() -> None:
    p = mapped({"taxonomies": {"series": ["Intro", "intro"], "genre": "Jazz, Blues"}}).payload
    assert p.taxonomies == (("series", ("Intro",)), ("genre", ("Jazz", "Blues")))


@pytest.mark.parametrize(
    "value", [{"tags": ["a"]}, {"bad base!": ["a"]}, ["series"], {"series": {"a": 1}}]
)
def test_bad_taxonomies_are_errors(value: object) -> None:
    assert failure({"taxonomies": value}).reason.startswith("front-matter key 'taxonomies'")


# ---------------------------------------------------------------------------- type and friends


@pytest.mark.parametrize(
    ("value", "rest_base"),
    [
        ("post", "posts"),
        ("Page", "pages"),
        ("posts", "posts"),
        ("product", "product"),
        ("wp_doc", "wp_doc"),
    ],
)
def test_type_gives_the_rest_base(value: str, rest_base: str) -> None:
    assert mapped({"type": value}).payload.rest_base == rest_base


@pytest.mark.parametrize("value", ["my type", "docs/v2", "attachment", ["post"]])
def test_an_unusable_type_is_an_error(value: object) -> None:
    assert failure({"type": value}).reason.startswith("front-matter key 'type'")


def test_the_default_type_comes_from_the_config() -> None:
    assert map_document(make({}), MappingDefaults(default_type="page")).payload.rest_base == "pages"


@pytest.mark.parametrize(
    "defaults", [{"default_type": "bad type"}, {"default_status": "published"}]
)
def test_bad_defaults_are_refused(defaults: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        MappingDefaults(**defaults)


@pytest.mark.parametrize(("value", "expected"), [(True, True), ("yes", True), ("False", False)])
def test_sticky_is_a_boolean(value: object, expected: bool) -> None:
    assert mapped({"sticky": value}).payload.sticky is expected


def test_sticky_maybe_is_an_error_naming_key_and_line() -> None:
    error = failure({"title": "T", "excerpt": "E", "sticky": "maybe"})
    assert (error.path, error.line) == ("posts/hello-world.md", 4)
    assert error.reason == "front-matter key 'sticky' must be true or false, not 'maybe'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "open"), (False, "closed"), ("Open", "open"), ("closed", "closed")],
)
def test_comment_and_ping_status_accept_booleans(value: object, expected: str) -> None:
    p = mapped({"comment_status": value, "ping_status": value}).payload
    assert (p.comment_status, p.ping_status) == (expected, expected)


def test_a_bad_comment_status_is_an_error() -> None:
    assert "open, closed" in failure({"comment_status": "sometimes"}).reason


@pytest.mark.parametrize("value", ["standard", "Aside", "gallery", "audio"])
def test_post_formats(value: str) -> None:
    assert mapped({"format": value}).payload.format == value.lower()


def test_an_unknown_post_format_is_an_error() -> None:
    assert "standard, aside" in failure({"format": "podcast"}).reason


def test_template_author_and_password_are_passed_on() -> None:
    p = mapped({"template": "wide.php", "author": " jane ", "password": 1234}).payload
    assert (p.template, p.author, p.password) == ("wide.php", "jane", "1234")
    assert "1234" not in repr(p)


def test_a_bad_password_value_is_never_shown_in_the_error() -> None:
    error = failure({"password": ["hunter2"]})
    assert "hunter2" not in str(error)


@pytest.mark.parametrize(("value", "order"), [(3, 3), ("-2", -2), (4.0, 4)])
def test_menu_order_and_weight(value: object, order: int) -> None:
    doc_fm = {"type": "page", "menu_order": value}
    assert mapped(doc_fm).payload.menu_order == order
    assert mapped({"type": "page", "weight": value}).payload.menu_order == order


@pytest.mark.parametrize("value", [True, 1.5, "first", 2**40])
def test_a_bad_menu_order_is_an_error(value: object) -> None:
    assert failure({"type": "page", "menu_order": value}).reason.startswith(
        "front-matter key 'menu_order'"
    )


def test_parent_is_a_slug() -> None:
    assert mapped({"type": "page", "parent": "About Us"}).payload.parent == "about-us"
    assert "parent page's slug" in failure({"type": "page", "parent": 12}).reason


def test_meta_takes_json_scalars_and_lists() -> None:
    meta = {"rating": 4.5, "subtitle": "x", "flags": [1, "a", True, None], "on": date(2024, 1, 2)}
    assert mapped({"meta": meta}).payload.meta == (
        ("rating", 4.5),
        ("subtitle", "x"),
        ("flags", [1, "a", True, None]),
        ("on", "2024-01-02"),
    )


@pytest.mark.parametrize(
    "value", [["a"], {"nested": {"a": 1}}, {"nan": float("nan")}, {"": 1}, {"l": [[1]]}]
)
def test_bad_meta_is_an_error(value: object) -> None:
    assert failure({"meta": value}).reason.startswith("front-matter key 'meta'")


def test_post_only_fields_on_a_page_are_dropped_with_warnings() -> None:
    result = mapped({"type": "page", "sticky": True, "tags": ["a"], "format": "aside"})
    p = result.payload
    assert (p.sticky, p.tags, p.format) == (None, (), None)
    assert result.warnings == (
        "front-matter key 'sticky' ignored: pages have no sticky",
        "front-matter key 'format' ignored: pages have no format",
        "front-matter key 'tags' ignored: pages have no tags",
    )


def test_page_only_fields_on_a_post_are_dropped_with_warnings() -> None:
    result = mapped({"weight": 3, "parent": "about"})
    assert (result.payload.menu_order, result.payload.parent) == (None, None)
    assert len(result.warnings) == 2


# ---------------------------------------------------------------------------- aliases, unknown keys


def test_summary_and_description_are_excerpt_aliases() -> None:
    assert mapped({"summary": " S "}).payload.excerpt == "S"
    assert mapped({"description": "D"}).payload.excerpt == "D"


def test_when_several_spellings_are_given_the_canonical_key_wins_with_a_warning() -> None:
    result = mapped({"description": "D", "excerpt": "E", "summary": "S"})
    assert result.payload.excerpt == "E"
    assert result.warnings == (
        "front-matter key 'summary' ignored: 'excerpt' already sets excerpt",
        "front-matter key 'description' ignored: 'excerpt' already sets excerpt",
    )


def test_keys_are_case_insensitive() -> None:
    p = mapped({"Title": "T", "Tags": ["a"], "Draft": True}).payload
    assert (p.title, p.tags, p.status) == ("T", ("a",), "draft")


def test_an_unknown_key_is_one_warning_never_a_crash() -> None:
    result = mapped({"title": "T", "foo": {"deep": [1]}, "tgas": ["x"]})
    assert result.warnings == (
        "unknown front-matter key 'foo' ignored",
        "unknown front-matter key 'tgas' ignored (did you mean 'tags'?)",
    )


def test_harmless_keys_from_other_tools_are_ignored_silently() -> None:
    fm = {"layout": "post", "lastmod": date(2024, 1, 1), "aliases": ["/old/"], "toc": True}
    fm |= {"permalink": "/x/", "id": 12, "redirect_from": ["/y/"]}
    assert mapped(fm).warnings == ()


def test_a_key_with_no_value_is_not_set() -> None:
    p = mapped({"title": None, "tags": None, "date": None, "sticky": None}, body="# H\n").payload
    assert (p.title, p.tags, p.date, p.sticky) == ("H", (), None, None)


# ---------------------------------------------------------------------------- images and links


def test_featured_image_is_relative_to_the_document_then_to_the_root() -> None:
    assert mapped(
        {"featured_image": "../img/a.png"}, rel="posts/2024/x.md"
    ).payload.featured_image == (MediaRef("posts/img/a.png"))
    assert mapped({"cover": "./cover%20art.jpg"}).payload.featured_image == MediaRef(
        "posts/cover art.jpg"
    )


def test_featured_image_as_a_mapping_with_alt_text() -> None:
    p = mapped({"cover": {"image": "c.png", "alt": "A cat", "caption": "Cat"}}).payload
    assert p.featured_image == MediaRef("posts/c.png", alt="A cat", title="Cat")


@pytest.mark.parametrize("url", ["https://cdn.example.com/a.png", "/wp-content/uploads/a.png"])
def test_a_remote_featured_image_is_unsupported_with_a_warning(url: str) -> None:
    result = mapped({"image": url})
    assert result.payload.featured_image is None
    assert len(result.warnings) == 1 and "not supported" in result.warnings[0]


def test_a_featured_image_outside_the_root_is_an_error() -> None:
    error = failure({"image": "../../secret.png"})
    assert (
        error.reason
        == "front-matter key 'image' '../../secret.png' points outside the content folder"
    )


def test_body_images_and_links_become_root_relative() -> None:
    body = (
        "![A](img/a.png) ![B](../shared/b%20c.png) ![A again](./img/a.png)\n"
        "[Setup](../guides/setup.md#install) [Same](/abs.md) [Web](https://x.test/a.md)\n"
    )
    p = mapped({}, body=body, rel="posts/hello.md").payload
    assert p.images == (MediaRef("posts/img/a.png", alt="A"), MediaRef("shared/b c.png", alt="B"))
    assert p.links == ("guides/setup.md",)
    assert 'src="posts/img/a.png"' in p.content and 'src="shared/b%20c.png"' in p.content
    assert 'href="guides/setup.md#install"' in p.content
    assert 'href="/abs.md"' in p.content and 'href="https://x.test/a.md"' in p.content


def test_an_image_escaping_the_root_names_its_line() -> None:
    body = "Intro.\n\nMore.\n\n![x](../../../etc/x.png)\n"
    error = failure({"title": "T"}, body=body)
    assert (error.line, error.reason) == (
        8,
        "image '../../../etc/x.png' points outside the content folder",
    )


def test_a_link_escaping_the_root_is_an_error() -> None:
    assert "outside the content folder" in failure({}, body="[x](../../x.md)").reason


# ---------------------------------------------------------------------------- purity


def test_mapping_is_deterministic() -> None:
    doc = make({"title": "T", "tags": "a, b", "date": "2024-01-01"}, body="Text[^1]\n\n[^1]: n\n")
    assert map_document(doc, DEFAULTS) == map_document(doc, DEFAULTS)


# ---------------------------------------------------------------------------- properties

SLUG = re.compile(r"^[a-z0-9-]*$")

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=30)
)
yaml_values = st.recursive(
    json_scalars
    | st.dates()
    | st.datetimes(timezones=st.none() | st.timezones())
    | st.times()
    | st.binary(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
known_keys = st.sampled_from(sorted({*FIELDS, *ALIASES, *IGNORED_KEYS}))
keys = known_keys | known_keys.map(str.title) | st.text(max_size=12)
front_matters = st.dictionaries(keys, yaml_values, max_size=8)
name_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\x00")
rels = st.builds(
    lambda folder, stem, ext: f"{folder}{stem}{ext}",
    st.sampled_from(["", "posts/", "a/b/"]),
    st.text(name_chars, min_size=1, max_size=20).filter(lambda s: s not in (".", "..")),
    st.sampled_from([".md", ".markdown"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter=front_matters, rel=rels)
def test_any_front_matter_maps_to_a_payload_or_a_document_error(
    front_matter: dict[str, Any], rel: str
) -> None:
    doc = Document(rel, front_matter, "Body.\n", "0" * 64)
    try:
        result = map_document(doc, DEFAULTS)
    except DocumentError as error:
        assert error.path == rel
        return
    payload = result.payload
    assert SLUG.match(payload.slug) and payload.slug
    assert payload.status in ("publish", "future", "draft", "pending", "private")
    assert payload.title
    assert all(isinstance(w, str) for w in result.warnings)


@given(st.text())
def test_slugify_gives_only_lowercase_letters_digits_and_single_dashes(text: str) -> None:
    slug = slugify(text)
    assert SLUG.match(slug)
    assert "--" not in slug and not slug.startswith("-") and not slug.endswith("-")
    assert len(slug) <= 200
    assert slugify(slug) == slug


@given(rels, st.dictionaries(st.just("slug"), st.text(max_size=40), max_size=1))
def test_slugs_are_never_empty(rel: str, front_matter: dict[str, Any]) -> None:
    try:
        payload = map_document(Document(rel, front_matter, "x", "0" * 64), DEFAULTS).payload
    except DocumentError:
        return
    slug = payload.slug
    assert slug and not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    if slug.isascii():
        assert SLUG.match(slug)
    else:  # another script's letters, kept as WordPress keeps them
        assert stored_slug(slug) == slug
        assert not any(c.isspace() or c in "/.%?#" for c in slug)
    assert len(quote(slug, safe="-").lower()) <= 200  # WordPress's limit, percent-encoded


def test_rest_base_for_rejects_what_is_not_a_rest_base() -> None:
    with pytest.raises(ValueError):
        rest_base_for("bad/type")


# ---------------------------------------------------------------------------- terms hint


@pytest.mark.parametrize(
    ("front_matter", "rel", "dialect"),
    [
        ({"tags": "python, Web", "categories": ["Guides/Python", "News"]}, "a.md", "plain"),
        ({"tag": ["x"], "category": "Guides"}, "a.md", "plain"),
        ({"keywords": ["k1", "k2"], "taxonomies": {"series": ["Intro"]}}, "a.md", "plain"),
        ({"layout": "post", "categories": "jekyll update", "tags": "a b"}, "_posts/x.md", "plain"),
        ({"categories": "jekyll update"}, "_posts/2024-01-02-x.md", "jekyll"),
        ({"tags": ["Go"], "categories": ["Code"]}, "posts/x.md", "hugo"),
        ({"title": "No terms"}, "a.md", "plain"),
    ],
)
def test_the_terms_hint_names_the_terms_the_mapping_gives(
    front_matter: dict[str, Any], rel: str, dialect: Any
) -> None:
    """A hook's run looks a file's terms up from its front matter alone while the file is
    rendered (engine/executor.py): the hint must name what the payload will hold."""
    from wpsync.source.mapping import terms_hint

    defaults = MappingDefaults(dialect=dialect)
    doc = make(front_matter, rel=rel)
    payload = map_document(doc, defaults).payload
    hint = terms_hint(doc, defaults)
    assert (hint.categories, hint.tags, hint.taxonomies) == (
        payload.categories,
        payload.tags,
        payload.taxonomies,
    )


def test_the_terms_hint_fails_as_the_mapping_does() -> None:
    from wpsync.source.mapping import terms_hint

    with pytest.raises(DocumentError):
        terms_hint(make({"tags": {"not": "a list"}}), DEFAULTS)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        # what WordPress 6.1 stored for each (a draft created through the REST API)
        ("ƀ𝕬 x", "ƀ𝕬-x"),  # a mathematical letter is no Latin letter: kept, not 'A'
        ("Ａbc", "ａbc"),  # full-width letters: lower-cased, kept
        ("ﬁsh", "ﬁsh"),  # a ligature: kept
        ("① two", "①-two"),
        ("x²", "x²"),
        ("Ĳssel", "ijssel"),  # Latin letters: their accents and ligatures removed
        ("Élan vital", "elan-vital"),
    ],
)
def test_stored_slug_removes_accents_from_latin_letters_alone(written: str, stored: str) -> None:
    assert stored_slug(written) == stored
    assert stored_slug(stored) == stored
