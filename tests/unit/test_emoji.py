"""GitHub's emoji shortcodes (emoji.py), and the dialects that show them (mapping.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpsync.config import Dialect
from wpsync.model import Document
from wpsync.source.emoji import emojify
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.site import Site


def test_known_names_become_their_emoji() -> None:
    assert emojify("<p>Done :+1: :smile: :heavy_check_mark: :x:</p>") == "<p>Done 👍 😄 ✔️ ❌</p>"


def test_aliases_are_known() -> None:
    assert emojify("<p>:thumbsup:</p>") == "<p>👍</p>"


@pytest.mark.parametrize(
    "html",
    [
        "<p><code>:smile:</code></p>",
        "<pre><code>:smile:\n</code></pre>",
        "<p><kbd>:x:</kbd></p>",
        '<p><span title=":smile:">t</span></p>',  # an attribute
        "<!-- :smile: -->",
        "<p>10:30:45, :octocat:, :not_an_emoji:, a:b:c</p>",  # no such name / no character
    ],
)
def test_code_markup_and_unknown_names_stay(html: str) -> None:
    assert emojify(html) == html


def test_text_after_code_is_converted_again() -> None:
    assert emojify("<p><code>:x:</code> :x:</p>") == "<p><code>:x:</code> ❌</p>"


@pytest.mark.parametrize(
    ("dialect", "shown"),
    [("plain", "👍"), ("jekyll", "👍"), ("docs", "👍"), ("obsidian", ":+1:"), ("hugo", ":+1:")],
)
def test_only_dialects_whose_tools_show_them(tmp_path: Path, dialect: Dialect, shown: str) -> None:
    doc = Document(rel="a.md", front_matter={"title": "A"}, body="Yes :+1:\n", source_hash="x")
    mapped = map_document(doc, MappingDefaults(dialect=dialect), Site(tmp_path))
    assert mapped.payload.content == f"<p>Yes {shown}</p>"
