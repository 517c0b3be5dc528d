"""Markdown rendering: the HTML people expect, references found, no state between documents.

Behaviours of the pipeline are checked with both engines (``ENGINE`` parametrises); the
HTML particular to Python-Markdown (``PM``) is pinned to it.  The ``commonmark`` engine's
own constructs are in ``test_commonmark.py``."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpsync.source import pymarkdown
from wpsync.source.render import (
    ENGINES,
    is_local_ref,
    is_markdown_link,
    render_markdown,
    rewrite_urls,
)

PM = "python-markdown"
ENGINE = pytest.mark.parametrize("engine", ENGINES)

HUGO_STYLE_POST = """\
Intro paragraph with **bold**, *emphasis* and `inline code`.

## Install

| Tool   | Version | Notes        |
|--------|:-------:|--------------|
| Python | 3.11    | required     |
| Hugo   | 0.120   | *optional*   |

```python
def hello(name: str) -> str:
    return f"Hello, {name} <3"
```

1. First
2. Second
    - nested bullet
    - another one
3. Third

Term
:   Definition of the term.

*[HTML]: Hyper Text Markup Language

HTML is everywhere.[^why]

[^why]: Because browsers.
"""


# ---------------------------------------------------------------------------- HTML


def test_tables_fenced_code_and_heading_ids_render() -> None:
    html = render_markdown(HUGO_STYLE_POST, engine=PM).html
    assert '<h2 id="install">Install</h2>' in html
    assert "<table>" in html and '<th style="text-align: center;">Version</th>' in html
    assert "<td><em>optional</em></td>" in html
    assert '<pre><code class="language-python">def hello(name: str) -&gt; str:' in html
    assert "&lt;3" in html


def test_nested_lists_definition_lists_and_abbreviations_render() -> None:
    html = render_markdown(HUGO_STYLE_POST, engine=PM).html
    assert "<ol>\n<li>First</li>\n<li>Second<ul>\n<li>nested bullet</li>" in html
    assert "<dl>\n<dt>Term</dt>\n<dd>Definition of the term.</dd>\n</dl>" in html
    assert '<abbr title="Hyper Text Markup Language">HTML</abbr> is everywhere.' in html


def test_attribute_lists_set_ids_and_classes() -> None:
    html = render_markdown("## Setup {#custom-id .wide}\n\nText", engine=PM).html
    assert '<h2 class="wide" id="custom-id">Setup</h2>' in html


def test_quotes_and_dashes_stay_as_written() -> None:
    html = render_markdown('He said "don\'t" -- twice...', engine=PM).html
    assert html == '<p>He said "don\'t" -- twice...</p>'


def test_sane_lists_do_not_merge_ordered_and_bullet_lists() -> None:
    html = render_markdown("1. one\n2. two\n\n* a\n* b\n", engine=PM).html
    assert html.count("<ol>") == 1 and html.count("<ul>") == 1


@ENGINE
def test_duplicate_headings_get_unique_ids(engine: str) -> None:
    html = render_markdown("## Usage\n\ntext\n\n## Usage\n", engine=engine).html
    assert 'id="usage"' in html and 'id="usage_1"' in html


@ENGINE
def test_rendering_is_deterministic(engine: str) -> None:
    assert render_markdown(HUGO_STYLE_POST, engine=engine) == render_markdown(
        HUGO_STYLE_POST, engine=engine
    )


def test_footnotes_do_not_leak_between_documents() -> None:
    first = render_markdown("One.[^a]\n\n[^a]: first note", engine=PM)
    second = render_markdown("Two, without notes.", engine=PM)
    assert "first note" in first.html
    assert second.html == "<p>Two, without notes.</p>"
    # the same label in another document is numbered afresh
    third = render_markdown("Three.[^b]\n\n[^b]: third note", engine=PM)
    assert 'href="#fn:b"' in third.html and "first note" not in third.html
    assert render_markdown("One.[^a]\n\n[^a]: first note", engine=PM) == first


def test_abbreviations_and_references_do_not_leak_between_documents() -> None:
    render_markdown("*[WP]: WordPress\n\n[site]: https://example.com\n\nWP", engine=PM)
    html = render_markdown("WP and [site]", engine=PM).html
    assert html == "<p>WP and [site]</p>"


@ENGINE
def test_an_empty_body_renders_to_nothing(engine: str) -> None:
    assert render_markdown("", engine=engine) == render_markdown("\n\n", engine=engine)
    assert render_markdown("", engine=engine).html == ""


@ENGINE
def test_raw_html_passes_through(engine: str) -> None:
    html = render_markdown('<div class="note">\n<p>raw</p>\n</div>\n\nAfter', engine=engine).html
    assert '<div class="note">\n<p>raw</p>\n</div>' in html


@ENGINE
def test_threads_render_independently(engine: str) -> None:
    docs = [f"# Doc {n}\n\nBody {n}.[^n]\n\n[^n]: note {n}\n" for n in range(8)]
    expected = [render_markdown(d, engine=engine) for d in docs]
    results: dict[int, list[object]] = {}

    def work(n: int) -> None:
        results[n] = [render_markdown(docs[(n + i) % 8], engine=engine) for i in range(40)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, rendered in results.items():
        assert rendered == [expected[(n + i) % 8] for i in range(40)]


def test_one_parser_is_reused_per_thread() -> None:
    render_markdown("first", engine=PM)
    renderer = pymarkdown.renderer()
    render_markdown("second", engine=PM)
    assert pymarkdown.renderer() is renderer


# ---------------------------------------------------------------------------- title


@ENGINE
def test_a_leading_first_level_heading_is_reported_and_can_be_stripped(engine: str) -> None:
    body = "# My *first* post\n\nHello.\n\n# Not a title\n"
    kept = render_markdown(body, engine=engine)
    stripped = render_markdown(body, strip_title=True, engine=engine)
    assert kept.title == stripped.title == "My first post"
    assert kept.html.startswith('<h1 id="my-first-post">My <em>first</em> post</h1>')
    assert stripped.html == '<p>Hello.</p>\n<h1 id="not-a-title">Not a title</h1>'


@ENGINE
def test_a_setext_heading_counts_as_the_title(engine: str) -> None:
    rendered = render_markdown("Hello World\n===========\n\nText", strip_title=True, engine=engine)
    assert (rendered.title, rendered.html) == ("Hello World", "<p>Text</p>")


@ENGINE
def test_a_heading_after_text_is_not_the_title(engine: str) -> None:
    rendered = render_markdown("Intro.\n\n# Heading\n", strip_title=True, engine=engine)
    assert rendered.title is None
    assert '<h1 id="heading">Heading</h1>' in rendered.html


@ENGINE
def test_a_second_level_heading_is_not_the_title(engine: str) -> None:
    assert render_markdown("## Section\n\ntext", strip_title=True, engine=engine).title is None


@ENGINE
def test_a_title_heading_keeps_raw_html_and_escapes(engine: str) -> None:
    rendered = render_markdown(
        "# Use <kbd>Ctrl</kbd> \\*now\\* 🎉\n\nx", strip_title=True, engine=engine
    )
    assert rendered.title == "Use <kbd>Ctrl</kbd> *now* 🎉"


# ---------------------------------------------------------------------------- references

REFS = """\
![Inline](img/inline.png "A title") and ![Spaced](img/my%20photo.jpg)
![Reference][logo] and again ![Inline twice](img/inline.png)
<img src="raw/inline.gif" alt="raw"> inline HTML

<figure>
  <img src='raw/block.webp' alt="block">
  <figcaption>A <a href="raw-link.md">raw link</a></figcaption>
</figure>

![remote](https://example.com/a.png) ![insecure](http://example.com/b.png)
![protocol-relative](//cdn.example.com/c.png) ![data](data:image/png;base64,AAAA)
![site path](/wp-content/uploads/d.png)

See [setup](../guides/setup.md#install), [faq](faq.markdown), [again](../guides/setup.md),
[spaced](my%20notes.md), [query](other.md?x=1#y), [home](https://example.com/a.md),
[mail](mailto:me@example.com), [anchor](#top), [site](/about/), [pdf](files/guide.pdf).

[logo]: img/logo.svg
"""


@ENGINE
def test_local_images_are_found_in_document_order_without_duplicates(engine: str) -> None:
    rendered = render_markdown(REFS, engine=engine)
    assert rendered.images == (
        "img/inline.png",
        "img/my photo.jpg",
        "img/logo.svg",
        "raw/inline.gif",
        "raw/block.webp",
    )
    assert rendered.image_refs[0].alt == "Inline"
    assert rendered.image_refs[0].title == "A title"


@ENGINE
def test_relative_markdown_links_are_found_without_fragment(engine: str) -> None:
    assert render_markdown(REFS, engine=engine).links == (
        "raw-link.md",
        "../guides/setup.md",
        "faq.markdown",
        "my notes.md",
        "other.md",
    )


def test_images_inside_markdown_in_html_blocks_are_found() -> None:
    rendered = render_markdown('<div markdown="1">\n![in](inside.png)\n</div>\n', engine=PM)
    assert rendered.images == ("inside.png",)


@ENGINE
def test_image_syntax_inside_code_is_not_a_reference(engine: str) -> None:
    body = '`![no](inline-code.png)`\n\n```markdown\n![no](fenced.png)\n<img src="x.png">\n```\n'
    assert render_markdown(body, engine=engine).images == ()


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("img/a.png", True),
        ("./a.png", True),
        ("../a.png", True),
        ("a.png?v=2", True),
        ("https://x/a.png", False),
        ("HTTP://x/a.png", False),
        ("//cdn/a.png", False),
        ("data:image/png;base64,AA", False),
        ("/wp-content/a.png", False),
        ("#top", False),
        ("mailto:a@b", False),
        ("", False),
    ],
)
def test_is_local_ref(url: str, local: bool) -> None:
    assert is_local_ref(url) is local


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("a.md", True),
        ("../a.MD#x", True),
        ("a.markdown?q", True),
        ("introduction.mdx#fast-track", True),  # Docusaurus' own links
        ("a.md/", False),
        ("a.html", False),
        ("https://x/a.md", False),
    ],
)
def test_is_markdown_link(url: str, expected: bool) -> None:
    assert is_markdown_link(url) is expected


# ---------------------------------------------------------------------------- rewrite


@ENGINE
def test_rewrite_urls_replaces_images_and_keeps_link_fragments(engine: str) -> None:
    html = render_markdown(REFS, engine=engine).html
    out = rewrite_urls(
        html,
        {
            "img/inline.png": "https://site.test/wp-content/uploads/inline.png",
            "img/my photo.jpg": "https://site.test/wp-content/uploads/my-photo.jpg",
            "raw/block.webp": "https://site.test/block.webp",
            "../guides/setup.md": "https://site.test/setup/",
        },
    )
    assert out.count('src="https://site.test/wp-content/uploads/inline.png"') == 2
    assert 'src="https://site.test/wp-content/uploads/my-photo.jpg"' in out
    assert '<img src="https://site.test/block.webp" alt="block">' in out
    assert 'href="https://site.test/setup/#install"' in out
    assert 'href="https://site.test/setup/"' in out
    assert 'src="img/logo.svg"' in out  # not in the mapping: untouched


def test_rewrite_urls_matches_exact_values_only() -> None:
    html = '<p><img src="a.png"> <img src="xa.png"> <a href="a.png.md">x</a></p>'
    assert rewrite_urls(html, {"a.png": "B"}) == (
        '<p><img src="B"> <img src="xa.png"> <a href="a.png.md">x</a></p>'
    )


def test_rewrite_urls_escapes_the_new_value() -> None:
    out = rewrite_urls('<img src="a.png">', {"a.png": 'https://x/?a=1&b="2"'})
    assert out == '<img src="https://x/?a=1&amp;b=&quot;2&quot;">'


@ENGINE
def test_rewrite_urls_leaves_text_code_and_comments_alone(engine: str) -> None:
    html = render_markdown(
        'Write `<img src="a.png">` like this.\n\n<!-- <img src="a.png"> -->\n\n![a](a.png)',
        engine=engine,
    ).html
    out = rewrite_urls(html, {"a.png": "B"})
    assert "&lt;img src=&quot;a.png&quot;&gt;" in out or '&lt;img src="a.png"&gt;' in out
    assert '<!-- <img src="a.png"> -->' in out
    assert out.count('src="B"') == 1


@ENGINE
def test_rewrite_urls_with_nothing_to_replace_returns_the_html(engine: str) -> None:
    html = render_markdown(REFS, engine=engine).html
    assert rewrite_urls(html, {}) is html


# ---------------------------------------------------------------------------- properties

_PIECES = st.sampled_from(
    ["# ", "\n", "![a](", ")", "[x](", "../", "a.md", "b.png", '<img src="', '">', "[^1]",
     "[^1]: n", '<div markdown="1">', "</div>", "```", "    ", "*", "`", "|", "---", "\\",
     "<!--", "-->", "[r]: ", "![r][r]", "%20", "#frag", "==="]
) | st.text(max_size=3)  # fmt: skip


@ENGINE
@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), st.booleans())
def test_any_markdown_renders_and_its_references_are_local(
    engine: str, body: str, strip: bool
) -> None:
    rendered = render_markdown(body, strip_title=strip, engine=engine)
    assert all(is_local_ref(ref) for ref in rendered.images)
    assert all(is_local_ref(ref) for ref in rendered.links)
    assert len(set(rendered.images)) == len(rendered.images)
    assert render_markdown(body, strip_title=strip, engine=engine) == rendered


@ENGINE
def test_hard_wrapped_paragraphs_are_joined_so_wordpress_adds_no_line_breaks(engine: str) -> None:
    html = render_markdown(
        "One line\nwrapped by the writer.\n\n```\nkeep\nthese\n```\n", engine=engine
    ).html
    assert "<p>One line wrapped by the writer.</p>" in html
    assert "keep\nthese" in html


@ENGINE
def test_a_markdown_hard_break_stays_a_break(engine: str) -> None:
    assert "<br" in render_markdown("first  \nsecond\n", engine=engine).html
