"""HTML → block markup: each element becomes the core block that reproduces it, anything
uncertain an html block; the block comments parse back into the expected tree."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wpsync.source.blocks import to_blocks
from wpsync.source.render import render_markdown

_DELIMITER = re.compile(r"<!--\s+(/)?wp:([a-z][a-z0-9_-]*)\s+(\{.*?\}\s+)?(/)?-->", re.S)


def parse(markup: str) -> list[dict[str, Any]]:
    """A small port of WordPress's block parser: names, attributes and inner blocks."""
    root: dict[str, Any] = {"inner": []}
    stack = [root]
    for found in _DELIMITER.finditer(markup):
        closing, name, attrs, void = found.groups()
        if closing:
            assert stack[-1]["name"] == name, f"{name} closes {stack[-1]['name']}"
            stack.pop()
            continue
        block = {"name": name, "attrs": json.loads(attrs) if attrs else {}, "inner": []}
        stack[-1]["inner"].append(block)
        if not void:
            stack.append(block)
    assert len(stack) == 1, "unclosed block"
    return root["inner"]


def shape(blocks: list[dict[str, Any]]) -> list[Any]:
    return [
        (b["name"], b["attrs"], shape(b["inner"])) if b["inner"] else (b["name"], b["attrs"])
        for b in blocks
    ]


def blocks_of(markdown: str, media: dict[str, int] | None = None) -> list[Any]:
    return shape(parse(to_blocks(render_markdown(markdown).html, media)))


def test_paragraphs_headings_and_separators() -> None:
    assert blocks_of("One.\n\n## Two\n\n### Three\n\n---\n\nFour.") == [
        ("paragraph", {}),
        ("heading", {}),
        ("heading", {"level": 3}),
        ("separator", {}),
        ("paragraph", {}),
    ]


def test_lists_are_list_blocks_with_list_item_children_nested_lists_inside_items() -> None:
    markdown = "1. one\n2. two\n    - a\n    - b\n\n3. three\n"
    [(name, attrs, items)] = blocks_of("5. five\n6. six\n")
    assert (name, attrs) == ("list", {"ordered": True, "start": 5})
    assert [i[0] for i in items] == ["list-item", "list-item"]
    [(name, attrs, items)] = blocks_of(markdown)
    assert attrs == {"ordered": True}
    assert items[1] == (
        "list-item",
        {},
        [("list", {}, [("list-item", {}), ("list-item", {})])],
    )


def test_a_quote_holds_its_paragraphs_as_inner_blocks() -> None:
    assert blocks_of("> one\n>\n> two\n") == [("quote", {}, [("paragraph", {}), ("paragraph", {})])]
    assert 'class="wp-block-quote"' in to_blocks("<blockquote><p>x</p></blockquote>")


def test_code_keeps_its_language_and_is_escaped_like_the_block_saves_it() -> None:
    markup = to_blocks(render_markdown("```python\nx = [1]\n```\n").html)
    assert shape(parse(markup)) == [("code", {"className": "language-python"})]
    assert '<pre class="wp-block-code language-python"><code>x = &#91;1]</code></pre>' in markup


def test_an_uploaded_image_alone_in_a_paragraph_is_an_image_block_with_its_id() -> None:
    url = "http://site/wp-content/uploads/a.png"
    markup = to_blocks(render_markdown(f'![Alt text]({url} "A title")').html, {url: 42})
    assert shape(parse(markup)) == [
        ("image", {"id": 42, "sizeSlug": "full", "linkDestination": "none"})
    ]
    assert 'class="wp-image-42"' in markup and 'alt="Alt text"' in markup
    assert '<figure class="wp-block-image size-full">' in markup
    remote = to_blocks('<p><img src="https://elsewhere/b.png" alt=""></p>')
    assert shape(parse(remote)) == [("image", {})]


def test_a_table_is_a_table_block_with_the_alignment_classes_the_block_writes() -> None:
    markup = to_blocks(render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n").html)
    assert shape(parse(markup)) == [("table", {})]
    assert '<th class="has-text-align-left" data-align="left">a</th>' in markup
    assert "style=" not in markup and '<figure class="wp-block-table"><table>' in markup


def test_what_no_block_reproduces_is_kept_as_html() -> None:
    markdown = 'Note[^1].\n\n<div class="box">raw <b>html</b></div>\n\nTerm\n:   definition\n\n[^1]: The note.\n'
    names = [b[0] for b in blocks_of(markdown)]
    assert names == ["paragraph", "html", "html", "html"]
    assert blocks_of('<p style="color: red">styled</p>') == [("html", {})]
    assert blocks_of('<p class="lead">styled</p>') == [("paragraph", {"className": "lead"})]


def test_block_attributes_never_contain_a_comment_terminator() -> None:
    markup = to_blocks('<pre><code class="language-a--b">x</code></pre>')
    assert "--b" not in markup.split("-->")[0]
    assert shape(parse(markup)) == [("code", {"className": "language-a--b"})]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Para *em*.",
                "## Head",
                "- a\n- b",
                "1. x\n2. y",
                "> q",
                "```\nc\n```",
                "---",
                "| a |\n|---|\n| 1 |",
                "<div>raw</div>",
                "![i](http://x/i.png)",
                "Text[^n].\n\n[^n]: N.",
            ]
        ),
        max_size=8,
    )
)
def test_any_document_gives_well_nested_blocks_that_keep_every_word(parts: list[str]) -> None:
    html = render_markdown("\n\n".join(parts)).html
    markup = to_blocks(html)
    parse(markup)  # raises when delimiters do not nest
    words = set(re.findall(r"\b[a-zA-Z]{2,}\b", re.sub(r"<[^>]+>", " ", html)))
    kept = set(re.findall(r"\b[a-zA-Z]{2,}\b", re.sub(r"<[^>]+>", " ", markup)))
    assert words <= kept
