"""Obsidian's Markdown that is no link, shown on the site as Obsidian's reading view shows
it: math as written, tasks with a status of their own, inline footnotes, sized Markdown
images (source/obsidianmarks.py)."""

from __future__ import annotations

import pytest

from tests.notekit import STRICT, VAULT, html
from wpsync.source.blocks import to_blocks
from wpsync.source.obsidian import translate

# ---------------------------------------------------------------------------- math


def test_display_math_is_published_as_written_on_one_line() -> None:
    # obsidianmd/obsidian-help, Advanced formatting syntax.md
    body = "$$\\begin{vmatrix}a & b\\\\\nc & d\n\\end{vmatrix}=ad-bc$$\n"
    assert html(body) == "<p>$$\\begin{vmatrix}a &amp; b\\\\ c &amp; d \\end{vmatrix}=ad-bc$$</p>"
    assert html(body, vault=STRICT) == html(body)


def test_inline_math_keeps_its_backslashes_and_underscores() -> None:
    out = html("Euler: $e^{2i\\pi} = 1$ and $a_1 * b_2 * c_3$, with $\\{x\\}$.\n")
    assert out == ("<p>Euler: $e^{2i\\pi} = 1$ and $a_1 * b_2 * c_3$, with $\\{x\\}$.</p>")


def test_math_in_a_callout_and_a_list() -> None:
    out = html("> [!note] Formula\n> $$\n> x_1 \\\\\n> y_2\n> $$\n\n- item $a_b$\n")
    assert "$$ x_1 \\\\ y_2 $$" in out and "<li>item $a_b$</li>" in out


def test_dollars_that_are_no_math_and_math_in_code_stay_as_they_were() -> None:
    assert html("It costs $5 and $10 *today*.\n") == ("<p>It costs $5 and $10 <em>today</em>.</p>")
    assert html("`$a_1\\\\$` and\n\n```\n$$x_1\\\\$$\n```\n") == (
        "<p><code>$a_1\\\\$</code> and</p>\n<pre><code>$$x_1\\\\$$</code></pre>"
    )


def test_wikilink_and_highlight_marks_in_math_are_math() -> None:
    assert html("$[[0,1]] == x$\n") == "<p>$[[0,1]] == x$</p>"


# ---------------------------------------------------------------------------- tasks


def test_a_task_with_a_status_of_its_own_is_checked() -> None:
    # obsidianmd/obsidian-help, Basic formatting syntax.md (in a callout there)
    out = html("> [!tip]\n> - [x] Milk\n> - [?] Eggs\n> - [-] Eggs\n\n- [/] doing\n- [ ] to do\n")
    assert out.count('type="checkbox" checked=""> ') == 4
    assert out.count('type="checkbox"> ') == 1
    assert "[?]" not in out and "[-]" not in out and "[/]" not in out


def test_brackets_that_are_no_task_stay() -> None:
    out = html("- [link](https://e.org) and [a]\n- [ab] two letters\n\n```\n- [/] code\n```\n")
    assert '<a href="https://e.org">link</a>' in out and "[ab] two letters" in out
    assert "- [/] code" in out


# ---------------------------------------------------------------------------- footnotes


def test_an_inline_footnote_is_a_footnote_numbered_with_the_others() -> None:
    body = (
        "First[^a] and inline.^[An [inline](https://e.org) note, with [brackets].]\n\n"
        "[^a]: The first.\n"
    )
    out = html(body)
    assert "^[" not in out
    assert '<a class="footnote-ref" href="#fn:a">1</a>' in out
    assert '<a class="footnote-ref" href="#fn:wpsync-inline-1">2</a>' in out
    assert 'An <a href="https://e.org">inline</a> note, with [brackets].' in out


def test_an_inline_footnote_over_two_lines_is_one_and_code_after_it_stays_code() -> None:
    body = "> Text^[one\n> two `]` [[Nowhere]]] after\n\n```\n^[kept]\n```\n"
    translated = translate(body, "Notes/Here.md", VAULT)
    assert translated.warnings == (
        "line 2: [[Nowhere]] names no note in the vault; published as its text",
    )
    assert "[^wpsync-inline-1]: one two `]` Nowhere" in translated.text
    out = html(body)
    assert "Text<sup" in out and "</sup> after" in out and "<code>^[kept]</code>" in out


def test_footnote_syntax_in_code_or_escaped_stays() -> None:
    out = html("`^[no]` and \\^[not a note]\n")
    assert out == "<p><code>^[no]</code> and ^[not a note]</p>"


# ---------------------------------------------------------------------------- images


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (  # obsidianmd/obsidian-help, Basic formatting syntax.md
            "![Engelbart|100x145](https://e.org/Engelbart.jpg)",
            '<img src="https://e.org/Engelbart.jpg" alt="Engelbart" width="100" height="145">',
        ),
        (  # obsidianmd/obsidian-help, Embed files.md
            "![250](https://e.org/Engelbart.jpg)",
            '<img src="https://e.org/Engelbart.jpg" alt="" width="250">',
        ),
        (
            "![a chart|300](../Attachments/chart.png)",
            '<img src="Attachments/chart.png" alt="a chart" width="300">',
        ),
        ("![2024 plan](https://e.org/p.png)", '<img src="https://e.org/p.png" alt="2024 plan">'),
        (
            '![x|300](https://e.org/p.png "a title")',
            '<img src="https://e.org/p.png" alt="x|300" title="a title">',
        ),
    ],
)
def test_a_markdown_image_takes_its_size_from_the_alt_text(written: str, shown: str) -> None:
    assert html(written + "\n") == f"<p>{shown}</p>"


def test_a_sized_markdown_image_in_code_stays() -> None:
    assert html("`![x|300](a.png)`\n") == "<p><code>![x|300](a.png)</code></p>"


def test_a_video_or_post_shown_as_an_image_is_embedded() -> None:
    # obsidianmd/obsidian-help, Embed web pages.md
    body = (
        "![](https://www.youtube.com/watch?v=NnTvZWp5Q7o)\n\n"
        "![](https://twitter.com/obsdmd/status/1580548874246443010)\n\n"
        "![a photo](https://e.org/p.png) and `![](https://youtu.be/x)`\n"
    )
    out = html(body)
    assert "<img" in out and out.count("<img") == 1
    blocks = to_blocks(out)
    assert blocks.count("<!-- wp:embed ") == 2
    assert '"providerNameSlug":"youtube"' in blocks and '"providerNameSlug":"twitter"' in blocks
    assert "<code>![](https://youtu.be/x)</code>" in out
