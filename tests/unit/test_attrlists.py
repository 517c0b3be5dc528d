"""kramdown's and Python-Markdown's attribute lists under the commonmark engine (attrlists.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpsync.model import Document
from wpsync.source.attrlists import drop_attribute_lists, fill_toc
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.render import render_markdown
from wpsync.source.site import Site


def html(markdown: str) -> str:
    return render_markdown(drop_attribute_lists(markdown)).html


def test_a_block_attribute_list_is_dropped_and_ends_its_block() -> None:
    out = html("A paragraph.\n{: .lead}\n\n> quoted\n{: .q}\n")
    assert out == "<p>A paragraph.</p>\n<blockquote>\n<p>quoted</p>\n</blockquote>"


def test_a_themes_notice_class_makes_its_block_a_callout() -> None:
    # Minimal Mistakes' notices and Chirpy's prompts: the box was lost, the class dropped.
    out = html(
        "**Note:** This is a notice box\n{: .notice--info}\n\n"
        "Careful, *hot*.\nSecond line.\n{: .notice--danger}\n\n"
        "<!-- prettier-ignore -->\n> [Problem](https://x.org)\n{: .prompt-tip }\n\n"
        "> Warned.\n{: .prompt-warning .small}\n"
    )
    assert out == (
        '<div class="wpsync-callout wpsync-callout-note">\n'
        '<p class="wpsync-callout-title">Note</p>\n'
        "<p><strong>Note:</strong> This is a notice box</p>\n</div>\n"
        '<div class="wpsync-callout wpsync-callout-caution">\n'
        '<p class="wpsync-callout-title">Caution</p>\n'
        "<p>Careful, <em>hot</em>. Second line.</p>\n</div>\n"
        "<!-- prettier-ignore -->\n"
        '<div class="wpsync-callout wpsync-callout-tip">\n'
        '<p class="wpsync-callout-title">Tip</p>\n'
        '<p><a href="https://x.org">Problem</a></p>\n</div>\n'
        '<div class="wpsync-callout wpsync-callout-warning">\n'
        '<p class="wpsync-callout-title">Warning</p>\n<p>Warned.</p>\n</div>'
    )


def test_a_notice_class_under_code_is_only_dropped() -> None:
    out = html("```sh\nmake\n```\n{: .notice}\n")
    assert out == '<pre><code class="language-sh">make</code></pre>'


def test_markdown_inside_an_html_element_marked_markdown_1_is_rendered() -> None:
    # kramdown's <div markdown="1">: '**Primary Notice**' and '[link](#)' were published raw.
    out = html(
        '<div class="notice--primary" markdown="1">\n**Primary** [link](#).\n\n'
        "```html\n<b>x</b>\n```\n<div>inner</div>\n</div>\n\nAfter.\n"
    )
    assert out == (
        '<div class="notice--primary">\n<p><strong>Primary</strong> <a href="#">link</a>.</p>\n'
        '<pre><code class="language-html">&lt;b&gt;x&lt;/b&gt;</code></pre>\n'
        "<div>inner</div>\n</div>\n<p>After.</p>"
    )


def test_a_table_does_not_get_the_attribute_list_as_a_row() -> None:
    out = html("| a | b |\n|---|---|\n| 1 | 2 |\n{: .table}\n")
    assert "{:" not in out and out.count("<tr>") == 2


def test_span_attribute_lists_are_dropped() -> None:
    out = html(
        "![Alt](https://example.org/x.png){: .align-center} *w*{: .red} [l](/x){:target='_blank'}\n"
    )
    assert out == (
        '<p><img src="https://example.org/x.png" alt="Alt"> <em>w</em> <a href="/x">l</a></p>'
    )


def fill(markdown: str) -> str:
    return fill_toc(html(markdown))


def test_the_table_of_contents_marker_becomes_the_list_of_headings() -> None:
    out = fill(
        "* TOC\n{:toc}\n\n## One\n\n### One *a*\n\n#### Deep\n\n## Two\n{: .no_toc}\n\n"
        "## Three [link](https://x.org)\n"
    )
    assert out.split("<h2")[0] == (
        '<ul>\n<li><a href="#one">One</a>\n<ul>\n<li><a href="#one-a">One a</a>\n<ul>\n'
        '<li><a href="#deep">Deep</a></li>\n</ul>\n</li>\n</ul>\n</li>\n'
        '<li><a href="#three-link">Three link</a></li>\n</ul>\n'
    )
    # a heading's attribute list on the line below it is the heading's
    assert '<h2 class="no_toc" id="two">Two</h2>' in out


def test_a_table_of_contents_without_headings_is_nothing() -> None:
    assert fill("1. Contents\n{:toc}\n\nText.\n") == "<p>Text.</p>"


def test_the_list_of_headings_renders_as_markdown_lists_do() -> None:
    """Shallower headings after deeper ones close the lists between."""
    made = fill("* TOC\n{:toc}\n\n### a\n\n## b\n\n#### c\n\n# d\n").split("<h3")[0]
    written = render_markdown("- [a](#a)\n- [b](#b)\n  - [c](#c)\n- [d](#d)\n").html
    assert made.strip() == written


def test_options_and_abbreviation_definitions_go() -> None:
    out = html(
        '{::options parse_block_html="true" /}\n\nHTML here.\n\n*[HTML]: HyperText Markup Language\n'
    )
    assert out == "<p>HTML here.</p>"


def test_a_heading_keeps_its_id_written_the_kramdown_way() -> None:
    assert html("## Other {: #custom .x}\n") == '<h2 id="custom" class="x">Other</h2>'


@pytest.mark.parametrize(
    "text",
    [
        "```\n{: .x}\n*[A]: b\n```\n",  # fenced code
        "Use `*x*{: .red}` in kramdown.\n",  # a code span
        "    {: .x}\n",  # indented code
        "A {: .x} in prose, after a space.\n",
        "{{ site.title }}\n",
        "A line.\n",
    ],
)
def test_what_is_no_attribute_list_is_left_alone(text: str) -> None:
    assert drop_attribute_lists(text) == text


def test_python_markdown_reads_them_itself(tmp_path: Path) -> None:
    doc = Document(rel="a.md", front_matter={"title": "A"}, body="Text.\n{: .x}\n", source_hash="x")
    mapped = map_document(doc, MappingDefaults(markdown="python-markdown"), Site(tmp_path))
    assert mapped.payload.content == '<p class="x">Text.</p>'
    mapped = map_document(doc, MappingDefaults(), Site(tmp_path))
    assert mapped.payload.content == "<p>Text.</p>"


def test_in_a_docs_folder_attribute_lists_without_the_colon_are_dropped() -> None:
    """Material for MkDocs' pages (cobra-tools' docs, privacyguides.org) write
    ``attr_list``'s colon-less form."""
    text = (
        "Delete your `cobra-tools`(1) folder entirely.\n"
        "{ .annotate }\n\n"
        "1. e.g. `cobra-tools-master`\n\n"
        '[Insiders][x]{ .mdx-insiders } and *this*{ #here data-x="1" }.\n\n'
        "## Custom anchors\n{ #my-anchor }\n\n"
        "Keep {1,3-4}, {} and `code{ .x }` and a {.spaced} word { .alone} in prose.\n\n"
        "[x]: https://example.org\n"
    )
    out = render_markdown(drop_attribute_lists(text, braces=True)).html
    assert "annotate" not in out and "mdx-insiders" not in out and "data-x" not in out
    assert "<p>Delete your <code>cobra-tools</code>(1) folder entirely.</p>\n<ol>" in out
    assert '<h2 id="my-anchor">Custom anchors</h2>' in out
    assert "Keep {1,3-4}, {} and <code>code{ .x }</code> and a {.spaced} word { .alone}" in out
    # without ``braces`` (kramdown, whose lists need the colon) nothing changes
    assert drop_attribute_lists(text) == text
