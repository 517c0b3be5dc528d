"""Docusaurus' highlight comments in code blocks (magiccomments.py)."""

from __future__ import annotations

from pathlib import Path

from wpsync.model import Document
from wpsync.source.magiccomments import apply_magic_comments
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.render import render_markdown
from wpsync.source.site import Site


def test_highlight_comments_become_the_blocks_highlighted_lines() -> None:
    """Docusaurus' markdown-features-tabs.mdx and its 3.0 release notes."""
    text = (
        "```jsx\n"
        "// highlight-next-line\n"
        '<Tabs groupId="operating-systems">\n'
        '  <TabItem value="win" label="Windows" default>Use Ctrl + C to copy.</TabItem>\n'
        "</Tabs>\n"
        "```\n\n"
        '```matlab title="matlab.m"\n'
        "% highlight-start\n"
        "function result = times2(n)\n"
        "  result = n * 2;\n"
        "end\n"
        "% highlight-end\n"
        "x = 10;\n"
        "<!-- highlight-next-line -->\n"
        "y = times2(x);\n"
        "```\n"
    )
    out = render_markdown(apply_magic_comments(text)).html
    assert "highlight-" not in out
    assert '<pre data-line="1"><code class="language-jsx">&lt;Tabs groupId=' in out
    assert '<pre data-title="matlab.m" data-line="1,2,3,5">' in out
    assert '<code class="language-matlab">function result = times2(n)\n' in out


def test_unpaired_marks_and_text_outside_code_stay_as_written() -> None:
    text = (
        "// highlight-next-line in prose\n\n"
        "```js\n// highlight-start\nx()\n```\n\n"
        "```js\nx() // highlight-next-line is not alone on its line\n```\n"
    )
    assert apply_magic_comments(text) == text


def test_only_a_docs_folder_reads_them(tmp_path: Path) -> None:
    body = "```js\n// highlight-next-line\nx()\n```\n"
    doc = Document(rel="a.md", front_matter={}, body=body, source_hash="x")
    docs = map_document(doc, MappingDefaults(dialect="docs"), Site(tmp_path)).payload.content
    plain = map_document(doc, MappingDefaults(), Site(tmp_path)).payload.content
    assert docs == '<pre data-line="1"><code class="language-js">x()</code></pre>'
    assert "highlight-next-line" in plain


def test_vitepress_notation_comments_leave_the_code() -> None:
    """VitePress' docs/en/guide/markdown.md."""
    text = (
        "```js\n"
        "export default {\n"
        "  data () {\n"
        "    return {\n"
        "      msg: 'Highlighted!' // [!code highlight]\n"
        "      old: 'Removed' // [!code --]\n"
        "      added: 'Added', // [!code ++]\n"
        "    }\n"
        "  }\n"
        "}\n"
        "```\n\n"
        "```html\n<p>Focus</p> <!-- [!code focus] -->\n```\n"
    )
    out = render_markdown(apply_magic_comments(text)).html
    assert "[!code" not in out
    assert '<pre data-line="4"><code class="language-js">' in out
    assert "      msg: 'Highlighted!'\n      old: 'Removed'\n      added: 'Added',\n" in out
    assert '<code class="language-html">&lt;p&gt;Focus&lt;/p&gt;</code>' in out
