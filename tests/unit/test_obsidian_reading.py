"""An Obsidian note's single line breaks show on the site as they do in Obsidian's reading
view: a line break, unless the vault has *Strict line breaks* on (the ``breaks`` of
source/render.py, ``strictLineBreaks`` read by source/vault.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.notekit import STRICT, html, note
from wpsync.source.blocks import to_blocks
from wpsync.source.render import MarkdownEngine
from wpsync.source.vault import scan_vault

# ---------------------------------------------------------------------------- line breaks


def test_a_single_line_break_is_a_line_break_as_obsidian_shows_it() -> None:
    # sasilver75/obsidian, ALiBi.md: two lines of one paragraph, shown as two lines
    body = "A long context positional embedding scheme\nCompare with: [[Home|RoPE]]\n"
    assert html(body) == (
        "<p>A long context positional embedding scheme<br />\n"
        'Compare with: <a href="Home.md">RoPE</a></p>'
    )
    # no vault settings known: Obsidian's default (Strict line breaks off)
    assert "<br />" in html(body, vault=None)


def test_strict_line_breaks_joins_the_lines_as_markdown_does() -> None:
    body = "line one\nline two\n"
    assert html(body, vault=STRICT) == "<p>line one line two</p>"


@pytest.mark.parametrize("engine", ["commonmark", "python-markdown"])
def test_line_breaks_never_touch_code_headings_or_lists(engine: MarkdownEngine) -> None:
    body = (
        "# Title\n\nfirst\nsecond\n\n```\ncode one\ncode two\n```\n\n"
        "- item one\n  still item one\n- item two\n\n> quoted one\n> quoted two\n"
    )
    out = html(body, engine=engine)
    for first, second in [("first", "second"), ("item one", "still"), ("quoted one", "quoted")]:
        assert re.search(f"{first}<br ?/?>\\s*{second}", out), (first, out)
    assert "code one\ncode two" in out and "code one<br" not in out
    assert "Title<br" not in out and out.count("<br") == 3


def test_a_line_break_survives_the_block_editor() -> None:
    blocks = to_blocks(html("Above:\n- one\n\n![[chart.png]]\nBelow the chart\n"))
    assert "<br />" in blocks or "<br>" in blocks


def test_other_dialects_keep_joining_the_lines() -> None:
    assert note("one\ntwo\n", dialect="plain").payload.content == "<p>one two</p>"


def test_scan_vault_reads_strict_line_breaks(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    settings = tmp_path / ".obsidian" / "app.json"
    assert scan_vault(tmp_path).strict_line_breaks is False  # no app.json: the default
    settings.write_text(json.dumps({"strictLineBreaks": True, "attachmentFolderPath": "files"}))
    index = scan_vault(tmp_path)
    assert index.strict_line_breaks is True and index.attachment_folder == "files"
    settings.write_bytes(b'\xef\xbb\xbf{"strictLineBreaks": true}')  # a byte order mark
    assert scan_vault(tmp_path).strict_line_breaks is True
    settings.write_text('{"strictLineBreaks": false}')
    assert scan_vault(tmp_path).strict_line_breaks is False
    settings.write_text("[1, 2]")
    assert scan_vault(tmp_path).strict_line_breaks is False
