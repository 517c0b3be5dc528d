"""kramdown's tables written as GFM's (kramdowntables.py), as Jekyll users write them."""

from __future__ import annotations

import pytest

from wpsync.source.kramdowntables import gfm_tables
from wpsync.source.render import render_markdown


def test_minimal_mistakes_table_with_rules_and_a_short_separator() -> None:
    # 'Layout: Header Video': published as one paragraph of pipes.
    text = (
        "## Settings\n\n|---\n| Parameter | Required | Description |\n|-|-\n"
        "| `id` | **Required** | ID of the video\n| `provider` | **Required** | Hosting\n|---\n"
    )
    assert gfm_tables(text) == (
        "## Settings\n\n| Parameter | Required | Description |\n| --- | --- | --- |\n"
        "| `id` | **Required** | ID of the video |\n| `provider` | **Required** | Hosting |\n"
    )
    html = render_markdown(gfm_tables(text)).html
    assert html.count("<tr>") == 3 and "<th>Description</th>" in html and "|" not in html


def test_alignment_a_headerless_table_and_a_footer() -> None:
    assert gfm_tables("|:--|--:|:-:|\n| a | b | c\n| d | e |\n|===\n| f | g | h |\n") == (
        "|  |  |  |\n| --- | --- | --- |\n| a | b | c |\n| d | e |  |\n| f | g | h |\n"
    )
    assert gfm_tables("| a | b |\n|:--|--:|\n| 1 | 2 |\n") == "| a | b |\n|:--|--:|\n| 1 | 2 |\n"
    assert gfm_tables("| x | y |\n|:-|-:|\n| 1 | 2 |\n| 3 | 4 | 5 |\n").startswith(
        "| x | y |\n|:-|-:|"
    )  # GFM reads it already: left as written


@pytest.mark.parametrize(
    "text",
    [
        "```\n|---\n| a | b |\n|-|-\n```\n",  # code
        "Text above\n| not | a table |\n|-|-\n",  # a paragraph's lines
        "| a | b |\n| --- | --- |\n| 1 | 2 |\n",  # GFM already
        "No pipes at all.\n",
    ],
)
def test_what_is_no_kramdown_table_is_left_alone(text: str) -> None:
    assert gfm_tables(text) == text
