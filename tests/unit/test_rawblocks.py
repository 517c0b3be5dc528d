"""Block markup written in a Markdown file reaches WordPress exactly as written."""

from __future__ import annotations

import pytest

from wpsync.config import MarkdownEngine
from wpsync.source.blocks import to_blocks
from wpsync.source.rawblocks import protect, segments
from wpsync.source.render import render_markdown

COLUMNS = (
    "<!-- wp:columns -->\n"
    '<div class="wp-block-columns"><!-- wp:column -->\n'
    '<div class="wp-block-column"><!-- wp:paragraph -->\n<p>Left</p>\n'
    "<!-- /wp:paragraph --></div>\n<!-- /wp:column -->\n\n"
    "<!-- wp:column -->\n"
    '<div class="wp-block-column">\n\n    <p>indented after a blank line</p>\n'
    "</div>\n<!-- /wp:column --></div>\n<!-- /wp:columns -->"
)


@pytest.mark.parametrize("engine", ["commonmark", "python-markdown"])
def test_a_block_region_passes_through_both_engines_and_the_block_conversion(
    engine: MarkdownEngine,
) -> None:
    markdown = f"Intro *text*.\n{COLUMNS}\nAfter.\n\n<!-- wp:separator /-->\n"
    html = render_markdown(markdown, engine=engine).html
    assert COLUMNS in html
    blocks = to_blocks(html)
    assert [chunk for is_block, chunk in segments(blocks) if is_block] == [
        "<!-- wp:paragraph -->\n<p>Intro <em>text</em>.</p>\n<!-- /wp:paragraph -->",
        COLUMNS,
        "<!-- wp:paragraph -->\n<p>After.</p>\n<!-- /wp:paragraph -->",
        "<!-- wp:separator /-->",
    ]


def test_block_comments_in_code_an_unclosed_region_and_trailing_text_stay_markdown() -> None:
    fenced = "```\n<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->\n```\n"
    assert protect(fenced).regions == ()
    assert protect("<!-- wp:group -->\n<div>never closed</div>\n").regions == ()
    assert protect("<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph --> and more\n").regions == ()
    assert protect("    <!-- wp:separator /-->\n").regions == ()  # indented code
    html = render_markdown(fenced).html
    assert "&lt;!-- wp:paragraph --&gt;" in html


def test_a_stray_closer_or_a_plain_comment_is_not_a_block() -> None:
    text = "<!-- /wp:paragraph --><p>a</p><!-- more --><!-- wp:separator /-->"
    assert segments(text) == [
        (False, "<!-- /wp:paragraph --><p>a</p><!-- more -->"),
        (True, "<!-- wp:separator /-->"),
    ]


def test_nested_blocks_of_the_same_name_close_at_their_own_closer() -> None:
    group = (
        '<!-- wp:group {"layout":{"type":"constrained"}} -->\n<div class="wp-block-group">'
        '<!-- wp:group -->\n<div class="wp-block-group"></div>\n<!-- /wp:group --></div>\n'
        "<!-- /wp:group -->"
    )
    assert segments(group + "\n<p>after</p>") == [(True, group), (False, "\n<p>after</p>")]
    assert protect(group + "\n\nAfter.\n").regions == (group,)
