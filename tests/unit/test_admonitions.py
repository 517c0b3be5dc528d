"""Python-Markdown's admonitions, PyMdown's collapsible blocks and tabs (admonitions.py)."""

from __future__ import annotations

import textwrap

import pytest

from wpsync.config import MarkdownEngine
from wpsync.model import Document
from wpsync.source.admonitions import convert_admonitions
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.render import render_markdown
from wpsync.source.site import Site

ENGINES: tuple[MarkdownEngine, ...] = ("commonmark", "python-markdown")


def html(markdown: str, engine: MarkdownEngine = "commonmark") -> str:
    text = convert_admonitions(textwrap.dedent(markdown), engine)
    return render_markdown(text, engine=engine).html


@pytest.mark.parametrize("engine", ENGINES)
def test_an_admonition_becomes_a_callout_with_its_title(engine: MarkdownEngine) -> None:
    out = html(
        """\
        Before.

        !!! warning "Mind the *gap*"
            The body, with **Markdown**.

            A second paragraph.

        After.
        """,
        engine,
    )
    assert '<div class="wpsync-callout wpsync-callout-warning">' in out
    # the title is plain text, as Python-Markdown shows it
    assert '<p class="wpsync-callout-title">Mind the *gap*</p>' in out
    assert "<p>The body, with <strong>Markdown</strong>.</p>" in out
    assert "<p>A second paragraph.</p>\n</div>" in out
    assert out.rstrip().endswith("<p>After.</p>")
    assert "!!!" not in out and "<pre>" not in out


@pytest.mark.parametrize(
    ("header", "classes", "title"),
    [
        ("!!! note", "wpsync-callout-note", "Note"),
        ("!!! tip inline end", "wpsync-callout-tip", "Tip"),  # Material's extra classes
        ('!!! danger ""', "wpsync-callout-danger", None),  # "": no title
        ("??? question", "wpsync-callout-question", "Question"),  # pymdownx.details
        ('???+ example "Open"', "wpsync-callout-example", "Open"),
    ],
)
def test_types_titles_and_collapsible_blocks(header: str, classes: str, title: str | None) -> None:
    out = html(f"{header}\n    Body.\n")
    assert f'<div class="wpsync-callout {classes}">' in out
    if title is None:
        assert "wpsync-callout-title" not in out
    else:
        assert f'<p class="wpsync-callout-title">{title}</p>' in out
    assert "<p>Body.</p>" in out


def test_nested_admonitions_and_code_inside() -> None:
    out = html(
        """\
        !!! note
            Outer.

            !!! tip
                Inner.

            ```python
            !!! not a block
            ```
        """
    )
    assert out.count('<div class="wpsync-callout') == 2
    assert (
        '<div class="wpsync-callout wpsync-callout-tip">\n<p class="wpsync-callout-title">Tip</p>'
        in out
    )
    assert '<code class="language-python">!!! not a block</code>' in out


def test_tabs_become_their_title_then_their_content() -> None:
    out = html(
        """\
        === "pip"

            ```sh
            pip install wpsync
            ```

        === "uv & co"

            Text.
        """
    )
    assert "<p><strong>pip</strong></p>" in out
    assert '<code class="language-sh">pip install wpsync</code>' in out
    assert "<p><strong>uv &amp; co</strong></p>\n<p>Text.</p>" in out


@pytest.mark.parametrize(
    "text",
    [
        "```\n!!! note\n    in code\n```\n",  # fenced code is never touched
        "~~~~\n!!! note\n    in code\n~~~~\n",
        "!!! Important !!!\n    indented\n",  # not a header
        "Title\n===\n",  # a Setext heading
        "- item\n\n    !!! note\n        in a list item\n",  # not at the start of a line
        "A line.\n",
    ],
)
def test_what_is_no_block_is_left_alone(text: str) -> None:
    assert convert_admonitions(text) == text


def test_an_unclosed_fence_keeps_the_rest_as_code() -> None:
    text = "```\ncode\n!!! note\n    body\n"
    assert convert_admonitions(text) == text


def test_a_mapped_document_gets_callouts_in_every_dialect(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    body = '!!! note "Heads up"\n    Read this.\n'
    for dialect in ("plain", "hugo", "jekyll", "docs"):
        doc = Document(
            rel="a.md",
            front_matter={"title": "A"},
            body=body,
            source_hash="x",
            body_line=1,
            key_lines={},
        )
        mapped = map_document(doc, MappingDefaults(dialect=dialect), Site(root))
        assert '<p class="wpsync-callout-title">Heads up</p>' in mapped.payload.content, dialect


def test_docusaurus_and_vitepress_containers_become_callouts() -> None:
    out = html(
        """\
        :::tip[Use this]
        Some *content*.

        ::::info
        Nested, with more colons outside.
        ::::
        :::

        ::: details Click me
        Hidden.
        :::

        :::danger Take care
        Text.
        :::
        """
    )
    assert out == (
        '<div class="wpsync-callout wpsync-callout-tip">\n'
        '<p class="wpsync-callout-title">Use this</p>\n'
        "<p>Some <em>content</em>.</p>\n"
        '<div class="wpsync-callout wpsync-callout-info">\n'
        '<p class="wpsync-callout-title">Info</p>\n'
        "<p>Nested, with more colons outside.</p>\n"
        "</div>\n"
        "</div>\n"
        '<div class="wpsync-callout wpsync-callout-details">\n'
        '<p class="wpsync-callout-title">Click me</p>\n'
        "<p>Hidden.</p>\n"
        "</div>\n"
        '<div class="wpsync-callout wpsync-callout-danger">\n'
        '<p class="wpsync-callout-title">Take care</p>\n'
        "<p>Text.</p>\n"
        "</div>"
    )


@pytest.mark.parametrize(
    "text",
    [
        ":::note never closed\ntext\n",
        "```\n:::note\nin code\n:::\n```\n",
        "::: {.pandoc-div}\ntext\n:::\n",  # Pandoc's fenced div: no type word
        "a ::: b\n",
    ],
)
def test_what_is_no_container_is_left_alone(text: str) -> None:
    assert convert_admonitions(text) == text


@pytest.mark.parametrize("text", ["!!! big news today\n\nText.\n", "??? what now\n", '=== "tab"\n'])
def test_a_header_with_no_body_and_no_title_is_prose(text: str) -> None:
    assert convert_admonitions(text) == text


def test_a_title_alone_is_still_a_callout() -> None:
    assert html('!!! note "Only a title"\n') == (
        '<div class="wpsync-callout wpsync-callout-note">\n'
        '<p class="wpsync-callout-title">Only a title</p>\n</div>'
    )


def test_no_space_after_the_marks_as_python_markdown_reads_it() -> None:
    assert '<div class="wpsync-callout wpsync-callout-tip">' in html("!!!tip\n    Body.\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_container_in_a_list_item_is_a_callout_in_the_item(engine: MarkdownEngine) -> None:
    """VitePress' docs/en/guide/deploy.md: a ``::: warning`` under a numbered step."""
    out = html(
        """\
        1. Create a file named `deploy.yml`:

           ```yaml
           name: Deploy
           ```

           ::: warning
           Make sure the `base` option is properly configured.
           :::

        2. Push your changes.
        """,
        engine,
    )
    assert ":::" not in out
    assert '<div class="wpsync-callout wpsync-callout-warning"' in out
    assert "<code>base</code> option is properly configured." in out
    item = out[out.index("<li>") : out.index("</li>")]
    assert "wpsync-callout-warning" in item  # in the step, not after the list
    assert "Push your changes." in out


def test_an_indented_container_outside_a_list_is_code_and_titles_show_code() -> None:
    text = "Text.\n\n    ::: warning\n    in code\n    :::\n"
    assert convert_admonitions(text) == text
    out = html("::: details Example Netlify `_headers` file\nText.\n:::\n")
    assert '<p class="wpsync-callout-title">Example Netlify <code>_headers</code> file</p>' in out
    # Docusaurus' markdown-features-admonitions.mdx
    out = html(":::note[Your Title **with** some _Markdown_ `syntax`!]\nText.\n:::\n")
    assert (
        '<p class="wpsync-callout-title">Your Title <strong>with</strong> some '
        "<em>Markdown</em> <code>syntax</code>!</p>"
    ) in out
    out = html(":::tip A snake_case_name and `**not bold**` & <b>\nText.\n:::\n")
    assert (
        '<p class="wpsync-callout-title">A snake_case_name and <code>**not bold**</code> '
        "&amp; &lt;b&gt;</p>"
    ) in out
    # Python-Markdown's titles stay as written, as it shows them
    assert '<p class="wpsync-callout-title">Use `x`</p>' in html('!!! note "Use `x`"\n    Body.\n')
