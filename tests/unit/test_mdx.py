"""Docusaurus' MDX in a docs folder: imports, JSX components, comments (mdx.py).

The inputs are taken from Docusaurus' own documentation (website/docs/installation.mdx,
guides/markdown-features/markdown-features-tabs.mdx, blog/releases/3.0/index.mdx)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from wpsync.config import Dialect, MarkdownEngine
from wpsync.model import Document
from wpsync.source.admonitions import convert_admonitions
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.mdx import translate_mdx
from wpsync.source.render import render_markdown
from wpsync.source.site import Site

ENGINES: tuple[MarkdownEngine, ...] = ("commonmark", "python-markdown")


def html(markdown: str, engine: MarkdownEngine = "commonmark") -> str:
    done = translate_mdx(textwrap.dedent(markdown), engine=engine)
    return render_markdown(convert_admonitions(done.text, engine), engine=engine).html


def mapped(tmp_path: Path, body: str, dialect: Dialect = "docs", rel: str = "a.mdx") -> object:
    doc = Document(rel=rel, front_matter={}, body=textwrap.dedent(body), source_hash="x")
    return map_document(doc, MappingDefaults(dialect=dialect), Site(tmp_path))


def test_import_and_export_lines_are_not_published() -> None:
    out = html(
        """\
        import Tabs from '@theme/Tabs';

        import TabItem from '@theme/TabItem';
        import type {Config} from '@docusaurus/types';
        export const toc = [];

        Docusaurus provides `<Tabs>` components out-of-the-box.

        import UpgradeGuide from '@site/src/components/UpgradeGuide';

        ```jsx
        import Tabs from '@theme/Tabs';
        ```
        """
    )
    assert "import" not in out.replace('<code class="language-jsx">import Tabs', "")
    assert "export" not in out
    assert "<code>&lt;Tabs&gt;</code> components out-of-the-box" in out
    assert "import Tabs from '@theme/Tabs';</code></pre>" in out  # code stays code


def test_prose_that_starts_with_import_or_export_stays() -> None:
    text = (
        "import the file from the menu.\n\nexport your notes as PDF.\n\nExport default settings.\n"
    )
    assert translate_mdx(text).text == text


@pytest.mark.parametrize("engine", ENGINES)
def test_tabs_become_their_labels_in_bold_and_their_content(engine: MarkdownEngine) -> None:
    out = html(
        """\
        <Tabs>
          <TabItem value="apple" label="Apple" default>
            This is an apple 🍎
          </TabItem>
          <TabItem value="orange" label="Orange">
            ```bash
            npm install
            ```
          </TabItem>
        </Tabs>

        After.
        """,
        engine,
    )
    assert "Tabs" not in out and "TabItem" not in out
    assert "<p><strong>Apple</strong></p>" in out
    assert "<p>This is an apple 🍎</p>" in out
    assert "<p><strong>Orange</strong></p>" in out
    assert "npm install</code></pre>" in out  # the fence, indented in the source, is code
    assert "<p>After.</p>" in out


def test_tab_items_on_one_line_and_labels_from_the_tabs_values() -> None:
    out = html(
        """\
        <Tabs
          defaultValue="apple"
          values={[
            {label: 'Apple', value: 'apple'},
            {label: 'Orange', value: 'orange'},
          ]}>
          <TabItem value="apple">This is an apple 🍎</TabItem>
          <TabItem value="orange">This is an orange 🍊</TabItem>
        </Tabs>
        """
    )
    assert "values" not in out and "<Tab" not in out
    assert out.count("<strong>") == 2
    assert "<p><strong>Apple</strong></p>\n<p>This is an apple 🍎</p>" in out
    assert "<p><strong>Orange</strong></p>\n<p>This is an orange 🍊</p>" in out


def test_mdx_code_blocks_are_rendered_not_shown_as_code() -> None:
    out = html(
        """\
        ```mdx-code-block
        import Tabs from '@theme/Tabs';
        import TabItem from '@theme/TabItem';
        ```

        ```mdx-code-block
        <Tabs groupId="operating-systems">
          <TabItem value="win" label="Windows" default>Use Ctrl + C to copy.</TabItem>
          <TabItem value="mac" label="MacOS">Use Command + C to copy.</TabItem>
        </Tabs>
        ```
        """
    )
    assert "<pre>" not in out and "import" not in out
    assert "<p><strong>Windows</strong></p>\n<p>Use Ctrl + C to copy.</p>" in out


def test_an_unknown_component_loses_its_tags_keeps_its_text_and_warns_once() -> None:
    done = translate_mdx(
        'Intro.\n\n<UpgradeGuide />\n\nSee <Highlight color="#25c2a0">green</Highlight>.\n'
        "\n<UpgradeGuide />\n\n<BrowserWindow>\n\nInside.\n\n</BrowserWindow>\n",
        first_line=5,
    )
    out = render_markdown(done.text).html
    assert "<p>See green.</p>" in out and "<p>Inside.</p>" in out
    assert "UpgradeGuide" not in out and "BrowserWindow" not in out
    assert done.warnings == (
        "line 7: the <UpgradeGuide> component has no WordPress equivalent: removed",
        "line 9: the <Highlight> component has no WordPress equivalent: removed, its content kept",
        "line 13: the <BrowserWindow> component has no WordPress equivalent: removed, "
        "its content kept",
    )


def test_heading_ids_in_mdx_comments_and_other_comments() -> None:
    out = html(
        """\
        ## Requirements {/* #requirements */}

        Text {/* a note for writers */} here.

        {/* a comment alone */}

        Use `{/* #id */}` in `## Title {/* #id */}`.
        """
    )
    assert '<h2 id="requirements">Requirements</h2>' in out
    assert "<p>Text  here.</p>" in out
    assert "comment alone" not in out
    assert "<code>{/* #id */}</code>" in out  # code spans as written


@pytest.mark.parametrize("marker", ["<!-- truncate -->", "{/* truncate */}"])
def test_the_truncate_marker_is_wordpress_more(marker: str) -> None:
    out = html(f"Teaser.\n\n{marker}\n\nThe rest.\n\n{marker}\n")
    assert out.count("<!--more-->") == 1
    assert out.startswith("<p>Teaser.</p>\n<!--more-->\n<p>The rest.</p>")


@pytest.mark.parametrize("engine", ENGINES)
def test_admonition_badge_and_details_components(engine: MarkdownEngine) -> None:
    out = html(
        """\
        <Admonition type="tip" title="Use the CLI">

        Run **this**.

        </Admonition>

        ## Title <Badge type="info" text="default theme" /> <Badge type="tip">^1.9</Badge>

        <Details>
        <Summary>More</Summary>

        Hidden.

        </Details>
        """,
        engine,
    )
    assert '<div class="wpsync-callout wpsync-callout-tip"' in out
    assert '<p class="wpsync-callout-title">Use the CLI</p>' in out
    assert "<strong>this</strong>" in out
    assert ">Title default theme ^1.9</h2>" in out
    assert "<details>" in out and "<summary>More</summary>" in out
    assert "<p>Hidden.</p>" in out


def test_a_docs_folder_or_an_mdx_file_reads_mdx(tmp_path: Path) -> None:
    body = "import X from 'x';\n\n<Foo />\n\n## A {/* #b */}\n"
    docs = mapped(tmp_path, body)
    plain_mdx = mapped(tmp_path, body, "plain", "a.mdx")
    plain = mapped(tmp_path, body, "plain", "a.md")
    for done in (docs, plain_mdx):
        assert "import" not in done.payload.content  # type: ignore[attr-defined]
        assert '<h2 id="b">A</h2>' in done.payload.content  # type: ignore[attr-defined]
    assert "import X from" in plain.payload.content  # type: ignore[attr-defined]


def test_docusaurus_and_vitepress_front_matter_is_known(tmp_path: Path) -> None:
    """Docusaurus' ``sidebar_position`` orders the page among its siblings; its ``id``,
    ``sidebar_label``, ``hide_table_of_contents``, VitePress' ``outline`` and the like are
    the tools' own business: ignored without a "did you mean" warning."""
    front = {
        "id": "tabs",
        "sidebar_position": 2,
        "sidebar_label": "Tabs",
        "hide_table_of_contents": True,
        "outline": "deep",
        "unlisted": True,
        "authors": ["slorber"],
    }
    doc = Document(rel="a.mdx", front_matter=front, body="Text.\n", source_hash="x")
    pages = MappingDefaults(dialect="docs", default_type="page")  # a docs folder's default
    done = map_document(doc, pages, Site(tmp_path))
    assert done.warnings == ()
    assert done.payload.menu_order == 2
    plain = map_document(doc, MappingDefaults(default_type="page"), Site(tmp_path))
    assert len(plain.warnings) == len(front) - 1  # unknown elsewhere (but id, ignored anywhere)


def test_a_self_closing_components_code_or_text_is_kept() -> None:
    """StackQL's provider docs (Docusaurus): the resource id is only in ``code=``."""
    done = translate_mdx(
        '<tr><td><b>Id</b></td><td><CopyableCode code="aws.transfer.agreements" /></td></tr>\n'
        '\n<Chip label="beta" /> and <Badge text="new" /> and <Video src="a.mp4" />\n'
        '\n<IframeWindow url="/tests/blog/unlisted-post" /> <Card href="x.md" title="X" />\n'
    )
    assert done.text == (
        "<tr><td><b>Id</b></td><td><code>aws.transfer.agreements</code></td></tr>\n"
        "\nbeta and new and \n"
        '\n<a href="/tests/blog/unlisted-post">/tests/blog/unlisted-post</a> '
        '<a href="x.md">X</a>\n'
    )
    assert done.warnings == (
        "line 1: the <CopyableCode> component has no WordPress equivalent: removed, its text kept",
        "line 3: the <Chip> component has no WordPress equivalent: removed, its text kept",
        "line 3: the <Video> component has no WordPress equivalent: removed",
        "line 5: the <IframeWindow> component has no WordPress equivalent: removed, its text kept",
        "line 5: the <Card> component has no WordPress equivalent: removed, its text kept",
    )


def test_a_docs_folders_blog_holds_posts(tmp_path: Path) -> None:
    """Docusaurus' blog/ (and Material's blog/posts/) are posts with their tags and the
    date of their file name; the docs beside them stay pages."""
    pages = MappingDefaults(dialect="docs", default_type="page")
    front = {"slug": "first-blog-post", "tags": ["hola", "docusaurus"], "authors": ["slorber"]}
    post = Document(
        rel="blog/2019-05-28-first-blog-post.md",
        front_matter=front,
        body="Lorem.\n",
        source_hash="x",
    )
    done = map_document(post, pages, Site(tmp_path))
    assert done.payload.rest_base == "posts" and done.warnings == ()
    assert done.payload.tags == ("hola", "docusaurus")
    assert str(done.payload.date).startswith("2019-05-28")
    doc = Document(rel="docs/intro.md", front_matter={}, body="Intro.\n", source_hash="x")
    assert map_document(doc, pages, Site(tmp_path)).payload.rest_base == "pages"
    typed = Document(rel="blog/about.md", front_matter={"type": "page"}, body="", source_hash="x")
    assert map_document(typed, pages, Site(tmp_path)).payload.rest_base == "pages"


def test_the_rust_books_listings_keep_their_file_name_and_caption() -> None:
    """rust-lang/book's src/ch02-00-guessing-game-tutorial.md (mdbook-trpl listings)."""
    out = html(
        """\
        <Listing number="2-2" file-name="src/main.rs" caption="The output from running `cargo build`">

        ```console
        $ cargo build
        ```

        </Listing>
        """
    )
    assert out == (
        "<p>Filename: src/main.rs</p>\n"
        '<pre><code class="language-console">$ cargo build</code></pre>\n'
        "<p><strong>Listing 2-2:</strong> The output from running <code>cargo build</code></p>"
    )


def test_tabs_in_a_list_item_stay_in_it() -> None:
    """A numbered step holding tabs, indented as the step's content."""
    out = html(
        """\
        1. Install:

           <Tabs>
           <TabItem value="npm" label="npm">

           ```bash
           npm i
           ```

           </TabItem>
           </Tabs>

        2. Run it.
        """
    )
    assert out == (
        "<ol>\n<li>\n<p>Install:</p>\n<p><strong>npm</strong></p>\n"
        '<pre><code class="language-bash">npm i</code></pre>\n</li>\n'
        "<li>\n<p>Run it.</p>\n</li>\n</ol>"
    )


def test_a_line_that_only_looks_like_an_opening_tag_stays() -> None:
    text = "<Foo is a placeholder\nthat spans lines.\n\n<Bar />\n\nEnd.\n"
    done = translate_mdx(text)
    assert done.text == "<Foo is a placeholder\nthat spans lines.\n\n\n\nEnd.\n"


def test_toc_inline_is_the_table_of_contents(tmp_path: Path) -> None:
    """Docusaurus' markdown-features-inline-toc.mdx."""
    body = "import TOCInline from '@theme/TOCInline';\n\n<TOCInline toc={toc} />\n\n## Install\n"
    done = mapped(tmp_path, body)
    assert done.payload.content.startswith(  # type: ignore[attr-defined]
        '<ul>\n<li><a href="#install">Install</a></li>\n</ul>'
    )
    assert done.warnings == ()  # type: ignore[attr-defined]


def test_a_jsx_expression_line_stays_with_a_warning() -> None:
    """Docusaurus' markdown-features-code-blocks.mdx: <CodeBlock>{MyComponentSource}."""
    done = translate_mdx(
        "import MyComponentSource from '!!raw-loader!./myComponent';\n\n"
        '<CodeBlock language="jsx">{MyComponentSource}</CodeBlock>\n\n'
        "{ .annotate }\n\n{1,3}\n\n{props.title}\n"
    )
    assert "{MyComponentSource}" in done.text
    assert done.warnings[-1] == (
        "line 3: the JSX expression '{MyComponentSource}' has no WordPress equivalent: "
        "published as written"
    )
    assert len([w for w in done.warnings if "expression" in w]) == 1
