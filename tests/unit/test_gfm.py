"""The Markdown writers really write (GitHub, Obsidian, Prettier): two-space nested lists,
fences inside list items, ~~strike~~, bare URLs, task lists — read by the python-markdown
engine (``gfm.normalise_list_indent``); the commonmark engine reads them natively
(``test_commonmark.py``)."""

from __future__ import annotations

from wpsync.source.gfm import normalise_list_indent
from wpsync.source.render import render_markdown

PM = "python-markdown"


def test_two_space_nested_lists_nest() -> None:
    html = render_markdown("- one\n  - two\n    - three\n- four\n", engine=PM).html
    assert "<li>one<ul>\n<li>two<ul>\n<li>three</li>" in html
    assert html.count("<ul>") == 3


def test_four_space_nested_lists_still_nest() -> None:
    html = render_markdown("- one\n    - two\n- three\n", engine=PM).html
    assert "<li>one<ul>\n<li>two</li>" in html


def test_a_bullet_list_under_a_numbered_item_nests_at_three_spaces() -> None:
    html = render_markdown(
        "1. Write.\n2. Commit:\n   - `git add`\n   - `git commit`\n3. Done.\n", engine=PM
    ).html
    assert "<ol>" in html and "<li>Commit:<ul>" in html and "<li>Done.</li>" in html


def test_a_fence_inside_a_list_item_stays_code_and_the_list_goes_on() -> None:
    text = "- item\n\n  ```python\n  def f():\n      return 1\n  ```\n- next\n"
    html = render_markdown(text, engine=PM).html
    assert '<code class="language-python">def f():\n    return 1' in html
    assert "<p>next</p>" in html and html.count("<ul>") == 1


def test_lists_inside_fenced_code_are_left_alone() -> None:
    text = "```yaml\nlist:\n  - a\n  - b\n```\n"
    assert normalise_list_indent(text) == text
    assert "  - a\n  - b" in render_markdown(text, engine=PM).html


def test_an_indented_code_block_is_not_taken_for_a_list() -> None:
    text = "Para.\n\n    - not a list, code\n"
    assert "<pre><code>- not a list, code" in render_markdown(text, engine=PM).html


def test_strikethrough_bare_urls_and_task_lists() -> None:
    html = render_markdown(
        "~~old~~ see https://example.com\n\n- [x] done\n- [ ] todo\n", engine=PM
    ).html
    assert "<del>old</del>" in html
    assert '<a href="https://example.com">https://example.com</a>' in html
    assert 'type="checkbox" disabled checked' in html


def test_subscript_tildes_are_not_eaten() -> None:
    assert "H~2~O" in render_markdown("H~2~O\n", engine=PM).html
