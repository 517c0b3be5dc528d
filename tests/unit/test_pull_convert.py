"""pull's pure half: a WordPress post becomes a Markdown file that maps back to the same post."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wpsync.adopt.pull import (
    autop,
    category_names,
    front_matter,
    html_to_markdown,
    post_slug,
    render_file,
    target_rel,
)
from wpsync.adopt.pullmarkdown import convert_content
from wpsync.config import MarkdownEngine
from wpsync.source.blocks import to_blocks
from wpsync.source.content import read_document
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.render import render_markdown

SITE = "https://blog.example.com"
CATEGORIES = {1: ("Uncategorized", 0), 5: ("Guides", 0), 6: ("Python", 5), 7: ("News & Views", 0)}
TAGS = {10: ("intro", 0), 11: ("python", 0)}


def post(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 12,
        "slug": "hello-world",
        "status": "publish",
        "type": "post",
        "date": "2026-03-01T11:00:00",
        "date_gmt": "2026-03-01T10:00:00",
        "modified_gmt": "2026-03-02T08:00:00",
        "title": {"raw": "Hello, world", "rendered": "Hello, world"},
        "content": {"raw": "<p>Some <em>text</em>.</p>", "rendered": "<p>Some <em>text</em>.</p>"},
        "excerpt": {"raw": "", "rendered": ""},
        "categories": [6, 7],
        "tags": [10, 11],
        "sticky": False,
        "format": "standard",
        "template": "",
        "link": f"{SITE}/hello-world/",
    }
    base.update(fields)
    return base


def round_trip(tmp_path: Path, item: dict[str, Any], rest_base: str = "posts") -> Any:
    front = front_matter(item, rest_base, categories=CATEGORIES, tags=TAGS, parents={3: "about"})
    text = render_file(front, html_to_markdown(item["content"]["raw"], SITE))
    rel = target_rel(rest_base, post_slug(item))
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    doc = read_document(tmp_path, rel)
    mapped = map_document(doc, MappingDefaults("post", "publish"))
    assert mapped.warnings == ()
    return mapped.payload


def test_a_post_maps_back_to_its_title_slug_status_date_and_terms(tmp_path: Path) -> None:
    payload = round_trip(tmp_path, post(excerpt={"raw": "Short.", "rendered": "<p>Short.</p>"}))
    assert (payload.rest_base, payload.slug, payload.title, payload.status) == (
        "posts",
        "hello-world",
        "Hello, world",
        "publish",
    )
    assert payload.date_gmt == "2026-03-01T10:00:00" and payload.date is None
    assert payload.categories == (("Guides", "Python"), ("News & Views",))
    assert payload.tags == ("intro", "python")
    assert payload.excerpt == "Short."
    assert "<em>text</em>" in payload.content


def test_the_date_keeps_the_sites_offset(tmp_path: Path) -> None:
    front = front_matter(post(), "posts", categories={}, tags={}, parents={})
    assert front["date"].isoformat() == "2026-03-01T11:00:00+01:00"
    payload = round_trip(tmp_path, post(date="2026-07-01T04:30:00", date_gmt="2026-07-01T09:00:00"))
    assert payload.date_gmt == "2026-07-01T09:00:00"


def test_a_draft_keeps_no_date_and_gets_wordpress_suggested_slug(tmp_path: Path) -> None:
    item = post(status="draft", slug="", generated_slug="my-draft", categories=[], tags=[])
    front = front_matter(item, "posts", categories=CATEGORIES, tags=TAGS, parents={})
    assert "date" not in front and front["slug"] == "my-draft" and front["status"] == "draft"
    assert "categories" not in front and "tags" not in front
    payload = round_trip(tmp_path, item)
    assert (payload.slug, payload.status, payload.date, payload.date_gmt) == (
        "my-draft",
        "draft",
        None,
        None,
    )


def test_a_page_keeps_parent_order_and_template(tmp_path: Path) -> None:
    item = post(
        id=4,
        slug="team",
        type="page",
        parent=3,
        menu_order=2,
        template="full-width.php",
        categories=None,
        tags=None,
    )
    del item["categories"], item["tags"], item["sticky"], item["format"]
    assert target_rel("pages", "team") == "pages/team.md"
    payload = round_trip(tmp_path, item, "pages")
    assert (payload.rest_base, payload.parent, payload.menu_order, payload.template) == (
        "pages",
        "about",
        2,
        "full-width.php",
    )


def test_sticky_and_format_survive(tmp_path: Path) -> None:
    payload = round_trip(tmp_path, post(sticky=True, format="aside"))
    assert payload.sticky is True and payload.format == "aside"


def test_category_paths_walk_up_to_the_root_and_survive_a_parent_loop() -> None:
    assert category_names([6, 99], CATEGORIES) == ["Guides/Python"]
    loop = {1: ("A", 2), 2: ("B", 1)}
    assert category_names([1], loop) == ["B/A"]


def test_classic_content_gets_its_paragraphs_back() -> None:
    raw = "First line\nsame paragraph.\n\nSecond paragraph.\n\n<ul><li>x</li></ul>"
    assert autop(raw).startswith("<p>First line<br />\nsame paragraph.</p>\n\n<p>Second")
    markdown = html_to_markdown(raw, SITE)
    assert "Second paragraph." in markdown and "- x" in markdown
    assert markdown.index("First") < markdown.index("Second")
    assert "\n\nSecond paragraph." in markdown


def test_block_markup_code_languages_and_images_by_absolute_url() -> None:
    raw = (
        "<!-- wp:paragraph --><p>Hi</p><!-- /wp:paragraph -->\n"
        '<!-- wp:code {"className":"language-python"} -->\n'
        '<pre class="wp-block-code language-python"><code>x = 1</code></pre>\n'
        "<!-- /wp:code -->\n"
        '<p><img src="/wp-content/uploads/a.png" alt="An image"></p>\n'
        '<p><img src="https://cdn.example.org/b.jpg" alt="B"></p>'
    )
    markdown = html_to_markdown(raw, SITE)
    assert "wp:" not in markdown
    assert "```python\nx = 1\n```" in markdown
    assert f"![An image]({SITE}/wp-content/uploads/a.png)" in markdown
    assert "![B](https://cdn.example.org/b.jpg)" in markdown


def test_a_block_markdown_would_change_is_kept_as_its_markup() -> None:
    # core/code saves no class on <code>: a plugin's block, which Markdown would rewrite
    code = (
        '<!-- wp:code --><pre class="wp-block-code"><code class="language-python">x = 1\n'
        "</code></pre><!-- /wp:code -->"
    )
    markdown = html_to_markdown(
        "<!-- wp:paragraph --><p>Hi</p><!-- /wp:paragraph -->\n" + code, SITE
    )
    assert markdown == "Hi\n\n" + code + "\n"


@pytest.mark.parametrize(
    "text",
    [
        "Done :+1: here",  # would become an emoji
        '!!! note "Heads up"',  # would become a callout
        "Text {: .x}",  # stays; only the paragraph below changes
    ],
)
def test_text_a_sync_pass_would_change_keeps_its_markup(text: str) -> None:
    block = f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"
    markdown = html_to_markdown(block + "\n\n" + block, SITE)
    if text == "Text {: .x}":
        assert markdown == f"{text}\n\n{text}\n"
    else:
        assert markdown == f"{block}\n\n{block}\n"


def test_the_markdown_renders_back_to_the_same_structure(tmp_path: Path) -> None:
    raw = (
        '<h2>Why</h2>\n<p>Plain <strong>bold</strong> and <a href="https://x.org/">a link</a>.</p>\n'
        "<ol><li>one</li><li>two</li></ol>\n<blockquote><p>quoted</p></blockquote>"
    )
    payload = round_trip(tmp_path, post(content={"raw": raw}))
    for fragment in (
        "<h2",
        "Why</h2>",
        "<strong>bold</strong>",
        '<a href="https://x.org/">a link</a>',
        "<ol>",
        "<li>two</li>",
        "<blockquote>",
    ):
        assert fragment in payload.content


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/,"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=names, tag=names, category=names)
def test_any_title_and_term_name_survives_the_yaml(
    tmp_path: Path, title: str, tag: str, category: str
) -> None:
    item = post(
        title={"raw": title.replace("&", "and")},
        categories=[1],
        tags=[2],
    )
    front = front_matter(
        item, "posts", categories={1: (category, 0)}, tags={2: (tag, 0)}, parents={}
    )
    path = tmp_path / "p.md"
    path.write_text(render_file(front, "Body.\n"), encoding="utf-8")
    payload = map_document(
        read_document(tmp_path, "p.md"), MappingDefaults("post", "publish")
    ).payload
    assert payload.title == title.replace("&", "and").strip()
    assert payload.tags == (tag.strip(),)
    assert payload.categories == ((category.strip(),),)


def test_autop_leaves_preformatted_blocks_whole() -> None:
    raw = "Intro.\n\n<pre><code>line 1\n\nline 3</code></pre>\n\nOutro."
    html = autop(raw)
    assert "<pre><code>line 1\n\nline 3</code></pre>" in html
    assert html.startswith("<p>Intro.</p>") and html.endswith("<p>Outro.</p>")
    assert "line 1\n\nline 3" in html_to_markdown(raw, SITE)


def test_front_matter_is_block_style_yaml_with_plain_iso_dates() -> None:
    for date_gmt, written in (
        ("2026-03-01T10:00:00", "2026-03-01T10:00:00+00:00"),
        ("2026-07-01T09:00:00", "2026-07-01T11:00:00+02:00"),
    ):
        local = "2026-03-01T10:00:00" if written.endswith("+00:00") else "2026-07-01T11:00:00"
        item = post(date=local, date_gmt=date_gmt, categories=[], tags=[])
        front = front_matter(item, "posts", categories={}, tags={}, parents={})
        text = render_file(front, "Body.\n")
        assert text.startswith("---\ntitle: Hello, world\nslug: hello-world\n"), text
        assert f"\ndate: {written}\n" in text and "!!" not in text and "{" not in text


def test_lists_in_the_front_matter_are_block_sequences() -> None:
    front = front_matter(post(), "posts", categories=CATEGORIES, tags=TAGS, parents={})
    text = render_file(front, "Body.\n")
    assert "categories:\n  - Guides/Python\n  - News & Views\n" in text
    assert "[" not in text


EDITOR_POST = """<!-- wp:paragraph -->
<p>Hello <em>world</em>.</p>
<!-- /wp:paragraph -->

<!-- wp:list -->
<ul><!-- wp:list-item -->
<li>one</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>two</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:list -->
<ul><!-- wp:list-item -->
<li>three</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:paragraph {"align":"center"} -->
<p class="has-text-align-center">Centred.</p>
<!-- /wp:paragraph -->"""


@pytest.mark.parametrize("engine", ["commonmark", "python-markdown"])
def test_a_pulled_block_post_syncs_back_to_the_same_blocks(engine: MarkdownEngine) -> None:
    converted = convert_content(EDITOR_POST, SITE, engine=engine)
    assert converted.markdown.startswith("Hello *world*.\n\n")
    assert "paragraph" in converted.kept  # the centred one: Markdown has no alignment
    assert '<!-- wp:paragraph {"align":"center"} -->' in converted.markdown
    html = render_markdown(converted.markdown, engine=engine).html
    assert to_blocks(html) == EDITOR_POST  # what sync sends is what WordPress had


def test_neighbouring_lists_stay_two_lists() -> None:
    converted = convert_content(EDITOR_POST, SITE)
    assert "- one\n- two\n\n* three" in converted.markdown and "list" not in converted.kept
