"""Material for MkDocs' icon shortcodes in a docs folder (icons.py)."""

from __future__ import annotations

from pathlib import Path

from wpsync.model import Document
from wpsync.source.icons import drop_icons
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.site import Site


def test_icons_and_their_attribute_lists_are_removed_outside_code() -> None:
    text = (
        "#### :material-check:{ .pg-green } 71 Countries\n\n"
        "- [:simple-linux: Linux](https://protonvpn.com/support/linux-vpn-setup)\n"
        ":octicons-beaker-24: Experimental, `:material-x:` in code, a:material-b:c, :smile:\n\n"
        "```md\n:material-check:\n```\n"
    )
    assert drop_icons(text) == (
        "#### 71 Countries\n\n"
        "- [Linux](https://protonvpn.com/support/linux-vpn-setup)\n"
        "Experimental, `:material-x:` in code, a:material-b:c, :smile:\n\n"
        "```md\n:material-check:\n```\n"
    )


def test_a_heading_with_an_icon_gets_the_id_of_its_words(tmp_path: Path) -> None:
    body = "#### :material-check:{ .pg-green } 71 Countries\n"
    doc = Document(rel="a.md", front_matter={}, body=body, source_hash="x")
    docs = map_document(doc, MappingDefaults(dialect="docs"), Site(tmp_path)).payload.content
    assert docs == '<h4 id="71-countries">71 Countries</h4>'
    plain = map_document(doc, MappingDefaults(dialect="plain"), Site(tmp_path)).payload.content
    assert ":material-check:" in plain
