"""PyMdown's ==mark==, ^^insert^^ and ++keys++ in a docs folder (inlinemarks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpsync.model import Document
from wpsync.source.inlinemarks import convert_inline_marks
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.render import render_markdown
from wpsync.source.site import Site


def test_marks_inserts_and_keys_become_html() -> None:
    """Material for MkDocs' docs/reference/formatting.md."""
    out = render_markdown(
        convert_inline_marks(
            "- ==This was marked== and ^^This was inserted^^\n"
            "- Press ++ctrl+alt+del++, ++cmd+"
            '"My Key"'
            "++ or ++f5++.\n"
        )
    ).html
    assert "<mark>This was marked</mark> and <ins>This was inserted</ins>" in out
    assert "<kbd>Ctrl</kbd>+<kbd>Alt</kbd>+<kbd>Del</kbd>" in out
    assert "<kbd>Cmd</kbd>+<kbd>My Key</kbd>" in out and "<kbd>F5</kbd>" in out


@pytest.mark.parametrize(
    "text",
    [
        "if a == b == c\n",
        "x ^^ y ^^ z\n",
        "C++ and ++i++ in `==code==` and `++k++`\n",
        "```\n==mark== ++ctrl++\n```\n",
        "a===b===c\n",
        "Title\n================\n",  # a setext heading's underline
        "^^^^^^\n",
    ],
)
def test_what_is_no_mark_stays(text: str) -> None:
    assert convert_inline_marks(text) == text.replace("++i++", "<kbd>I</kbd>")


def test_icons_leave_no_space_that_makes_code(tmp_path: Path) -> None:
    """Material's grid cards: '-   :material-clock-fast:{ .lg .middle } __Set up__' kept
    its item's content where it was (its '---' and text were a code block)."""
    body = (
        "-   :material-clock-fast:{ .lg .middle } __Set up in 5 minutes__\n\n"
        "    ---\n\n"
        "    Install it with `pip`\n"
    )
    doc = Document(rel="a.md", front_matter={}, body=body, source_hash="x")
    out = map_document(doc, MappingDefaults(dialect="docs"), Site(tmp_path)).payload.content
    assert "<pre>" not in out and "<hr>" in out
    assert "<p><strong>Set up in 5 minutes</strong></p>" in out
