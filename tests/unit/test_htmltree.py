"""The HTML tree of the block conversion: its own scanner reads the same tree as
``html.parser`` (the slow reader it stands in for), and leaves to it what it does not read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpsync.source.htmltree import Node, parse_html, parse_html_slow, scan_html
from wpsync.source.render import render_markdown

REPO = Path(__file__).resolve().parents[2]


def _same_tree(text: str) -> Node | None:
    """The scanner's tree (None: left to html.parser), checked against html.parser's."""
    fast = scan_html(text)
    if fast is not None:
        assert fast == parse_html_slow(text), text
    assert parse_html(text) == parse_html_slow(text), text
    return fast


def _markdown_files() -> list[Path]:
    roots = [REPO / "content", REPO / "tests" / "fixtures"]
    return sorted(p for root in roots for p in root.rglob("*.md") if "node_modules" not in p.parts)


@pytest.mark.parametrize("engine", ["commonmark", "python-markdown"])
def test_the_renderers_html_is_read_by_the_scanner_as_html_parser_reads_it(engine: str) -> None:
    scanned = 0
    for path in _markdown_files():
        html = render_markdown(path.read_text(encoding="utf-8"), engine=engine).html  # type: ignore[arg-type]
        if _same_tree(html) is not None:
            scanned += 1
    assert scanned >= len(_markdown_files()) * 3 // 4  # the fast path is the usual one


@pytest.mark.parametrize(
    "text",
    [
        '<p>a &amp; b &#39; &#x27; &copy;<br/><BR /><img src="x" alt="">c</p>',
        '<a href="a&amp;b" title="x > y" data-x="">t</a>',
        "<ul>\n<li>one<!-- c --></li>\n<li>two</ul>",
        "<p>stray</b> end</p></div>",
        "<div><p>unclosed",
        "<!--more-->",
        '<img src="x"/>',
        '<h2 id="a-b">A &amp; B</h2>\n<hr>',
        "<my-tag>x</my-tag>",
    ],
)
def test_what_the_scanner_reads(text: str) -> None:
    assert _same_tree(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "a & b",  # a bare ampersand
        "a &amp b",  # a reference without its semicolon
        "a <3",
        "<a href=x>unquoted</a>",
        "<a href='x'>single-quoted</a>",
        '<a href = "x">spaced</a>',
        '<a href="x"title="y">joined</a>',
        "<script>if (a < b) {}</script>",
        "<style>p > a {}</style>",
        "<!DOCTYPE html><p>x</p>",
        "<?php echo 1; ?>",
        "<!-- a -- >",
        "<p\x0b>vertical tab</p>",
        "<p\u00a0>no-break space</p>",
        "</ p>",
        "&#12a;",
    ],
)
def test_what_is_left_to_html_parser(text: str) -> None:
    assert _same_tree(text) is None


_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<P>",
        "<div>",
        "</div>",
        "<ul>",
        "</ul>",
        "<li>",
        "</li>",
        '<a href="x.md">',
        '<a href="a&amp;b" class="c d">',
        "</a>",
        "<br>",
        "<br/>",
        "<br />",
        '<img src="i.png" alt="A &quot;b&quot;" title="">',
        '<img src="i.png"/>',
        '<td style="text-align:left">',
        "</td>",
        "<table>",
        "<tbody>",
        "<tr>",
        "</tr>",
        '<pre><code class="language-py">',
        "</code></pre>",
        '<input disabled type="checkbox">',
        "<!-- c -->",
        "<!--more-->",
        "<!-->",
        "<!-- a -- >",
        "-->",
        "&amp;",
        "&lt;",
        "&#39;",
        "&#x27;",
        "&amp",
        "&",
        "& ",
        "&#",
        "<",
        "< ",
        "<3",
        ">",
        "text",
        " ",
        "\n",
        "\t",
        "é",
        "\u00a0",
        "<a href=x>",
        "<a href='x'>",
        "<script>",
        "</script>",
        "<style>",
        "<!DOCTYPE html>",
        "<?x?>",
        "</ p>",
        "</p >",
        "<p/>",
        "<x:y>",
        "<a-b>",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_any_mix_reads_as_html_parser_reads_it(pieces: list[str]) -> None:
    _same_tree("".join(pieces))


_READABLE = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<P>",
        "<div>",
        "</div>",
        '<ol start="3">',
        "</ol>",
        "<li>",
        "</li>",
        '<a href="a&amp;b" class="c d">',
        "</a>",
        "</b>",
        "<br/>",
        "<br />",
        '<img src="i.png" alt="A &quot;b&quot;" title="">',
        '<img src="i.png"/>',
        '<th style="text-align:right" scope="col">',
        "</th>",
        "<figure>",
        "</figure>",
        '<input disabled type="checkbox">',
        "<!-- c -->",
        "<!--more-->",
        "<!-->",
        "-->",
        "&amp;",
        "&#39;",
        "&#x27;",
        "text",
        " ",
        "\n",
        "é",
        ">",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_READABLE, max_size=40))
def test_the_scanner_reads_the_renderers_shapes_in_any_order(pieces: list[str]) -> None:
    text = "".join(pieces)
    tree = _same_tree(text)
    assert tree is not None or "<!-->" in text or "<!--" in text


def test_the_block_markup_of_a_bench_corpus_is_the_one_html_parser_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import corpus
    from wpsync.source import blocks
    from wpsync.source.blocks import to_blocks

    corpus.generate(tmp_path, 40)
    rendered = [render_markdown(p.read_text(encoding="utf-8")) for p in tmp_path.rglob("*.md")]
    media = {ref: 7 + n for n, r in enumerate(rendered) for ref in r.images}  # as uploaded
    assert media  # (the images are blocks with their IDs)
    fast = [to_blocks(r.html, media) for r in rendered]
    monkeypatch.setattr(blocks, "parse_html", parse_html_slow)
    assert [to_blocks(r.html, media) for r in rendered] == fast
