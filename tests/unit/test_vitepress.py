"""VitePress' code groups, code titles and [[toc]] in a docs folder (vitepress.py).

The inputs are taken from VitePress' own documentation (docs/en/guide/getting-started.md,
deploy.md, markdown.md)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from wpsync.model import Document
from wpsync.source.admonitions import convert_admonitions
from wpsync.source.attrlists import fill_toc
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.render import render_markdown
from wpsync.source.site import Site
from wpsync.source.vitepress import convert_vitepress


def html(markdown: str) -> str:
    text = convert_admonitions(convert_vitepress(textwrap.dedent(markdown)))
    return fill_toc(render_markdown(text).html)


def test_a_code_group_is_each_block_under_its_label_in_bold() -> None:
    out = html(
        """\
        In both cases, you can install it with:

        ::: code-group

        ```sh [npm]
        $ npm add -D vitepress
        ```

        ```sh [yarn (pnp)]
        $ yarn add -D vitepress vue
        ```

        :::

        After.
        """
    )
    assert ":::" not in out and "code-group" not in out.lower() and "[npm]" not in out
    assert (
        '<p><strong>npm</strong></p>\n<pre><code class="language-sh">$ npm add -D vitepress'
    ) in out
    assert "<p><strong>yarn (pnp)</strong></p>" in out
    assert out.endswith("<p>After.</p>")


def test_a_code_blocks_bracketed_name_is_its_title() -> None:
    out = html("```js [.vitepress/config.js]\nexport default {}\n```\n")
    assert out.startswith('<pre data-title=".vitepress/config.js"><code class="language-js">')


def test_toc_markers_become_the_table_of_contents() -> None:
    for marker in ("[[toc]]", "[TOC]"):
        out = html(f"{marker}\n\n## Install\n\n### Config\n\n## Custom anchors {{#my-anchor}}\n")
        assert marker not in out
        assert out.startswith(
            '<ul>\n<li><a href="#install">Install</a>\n<ul>\n'
            '<li><a href="#config">Config</a></li>\n</ul>\n</li>\n'
            '<li><a href="#my-anchor">Custom anchors</a></li>\n</ul>'
        )


def test_code_and_an_unclosed_group_stay_as_written() -> None:
    text = "```md\n::: code-group\n[[toc]]\n```\n\n::: code-group\n\n```sh [npm]\nx\n```\n"
    assert convert_vitepress(text) == text.replace("```sh [npm]", '```sh title="npm"')


def test_only_a_docs_folder_is_read_as_vitepress(tmp_path: Path) -> None:
    body = "[[toc]]\n\n## A\n"
    doc = Document(rel="a.md", front_matter={}, body=body, source_hash="x")
    docs = map_document(doc, MappingDefaults(dialect="docs"), Site(tmp_path)).payload.content
    plain = map_document(doc, MappingDefaults(dialect="plain"), Site(tmp_path)).payload.content
    assert '<a href="#a">A</a>' in docs and "[[toc]]" not in docs
    assert "[[toc]]" in plain


def test_a_home_pages_hero_and_features_are_its_content(tmp_path: Path) -> None:
    """VitePress' docs/en/index.md: all its words are in the front matter."""
    front = {
        "layout": "home",
        "hero": {
            "name": "VitePress",
            "text": "Vite & Vue Powered Static Site Generator",
            "tagline": "Markdown to beautiful docs in minutes",
            "actions": [
                {"theme": "brand", "text": "Quickstart", "link": "./guide/getting-started"},
                {"theme": "alt", "text": "GitHub", "link": "https://github.com/vuejs/vitepress"},
            ],
            "image": {"src": "/vitepress-logo-large.svg", "alt": "VitePress"},
        },
        "features": [
            {
                "icon": '<span class="write"></span>',
                "title": "Focus on your content",
                "details": "Effortlessly create beautiful documentation sites.",
            },
            {"icon": "🛠️", "title": "Enjoy the Vite DX", "details": "Instant server start."},
        ],
    }
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "getting-started.md").write_text("# Start\n")
    doc = Document(rel="index.md", front_matter=front, body="", source_hash="x")
    done = map_document(doc, MappingDefaults(dialect="docs"), Site(tmp_path))
    assert done.payload.title == "VitePress" and done.warnings == ()
    assert done.payload.content == (
        "<p><strong>Vite &amp; Vue Powered Static Site Generator</strong></p>\n"
        "<p>Markdown to beautiful docs in minutes</p>\n"
        '<p><a href="guide/getting-started.md">Quickstart</a> · '
        '<a href="https://github.com/vuejs/vitepress">GitHub</a></p>\n'
        '<h3 id="focus-on-your-content">Focus on your content</h3>\n'
        "<p>Effortlessly create beautiful documentation sites.</p>\n"
        '<h3 id="enjoy-the-vite-dx">🛠️ Enjoy the Vite DX</h3>\n'
        "<p>Instant server start.</p>"
    )
    assert done.payload.links == ("guide/getting-started.md",)
    other = Document(
        rel="a.md", front_matter={"hero": {"name": "X"}}, body="Hi.\n", source_hash="x"
    )
    assert map_document(other, MappingDefaults(dialect="docs"), Site(tmp_path)).payload.content == (
        "<p>Hi.</p>"
    )


def test_v_pre_and_raw_containers_keep_only_their_content() -> None:
    out = html(
        "::: v-pre\n`{{ This will be displayed as-is }}`\n:::\n\n::: raw\nWraps in a div.\n:::\n"
    )
    assert out == "<p><code>{{ This will be displayed as-is }}</code></p>\n<p>Wraps in a div.</p>"
