"""Links to a docs folder's built pages made links to their files (doclinks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpsync.model import Document
from wpsync.source.doclinks import rewrite_page_links
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.site import Site

FILES = {
    "guide/getting-started.md",
    "guide/routing.md",
    "reference/site-config.md",
    "reference/index.md",
    "docs/intro.mdx",
    "ch02-00-guessing-game-tutorial.md",
    "ch03-01-variables-and-mutability.md",
}


def exists(rel: str) -> bool:
    return rel in FILES


@pytest.mark.parametrize(
    ("rel", "link", "becomes"),
    [
        # VitePress' docs/en/guide/getting-started.md
        ("guide/getting-started.md", "[Routing Guide](./routing)", "[Routing Guide](routing.md)"),
        (
            "guide/getting-started.md",
            "[configured](../reference/site-config#outdir)",
            "[configured](../reference/site-config.md#outdir)",
        ),
        ("guide/getting-started.md", "[ref](../reference/)", "[ref](../reference/index.md)"),
        # the Rust book: reference definitions to the built .html
        (
            "ch02-00-guessing-game-tutorial.md",
            "[v]: ch03-01-variables-and-mutability.html#variables-and-mutability",
            "[v]: ch03-01-variables-and-mutability.md#variables-and-mutability",
        ),
        # Docusaurus: a site-root path to a doc
        ("docs/other.md", "[intro](/docs/intro)", "[intro](intro.mdx)"),
    ],
)
def test_links_to_built_pages_become_links_to_their_files(
    rel: str, link: str, becomes: str
) -> None:
    assert rewrite_page_links(link + "\n", rel, exists) == becomes + "\n"


@pytest.mark.parametrize(
    "text",
    [
        "[gone](./missing)\n",
        "[site](https://vitepress.dev/guide/routing)\n",
        "[top](#install)\n",
        "[file](routing.md)\n",
        "[pdf](../files/manual.pdf)\n",
        "`[code](./routing)`\n\n```md\n[code](./routing)\n```\n",
    ],
)
def test_other_links_stay_as_written(text: str) -> None:
    assert rewrite_page_links(text, "guide/getting-started.md", exists) == text


def test_a_docs_page_links_to_the_pages_permalink(tmp_path: Path) -> None:
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "routing.md").write_text("# Routing\n")
    doc = Document(
        rel="guide/start.md", front_matter={}, body="See [routing](./routing#x).\n", source_hash="x"
    )
    done = map_document(doc, MappingDefaults(dialect="docs"), Site(tmp_path))
    assert done.payload.links == ("guide/routing.md",)
    plain = map_document(doc, MappingDefaults(), Site(tmp_path))
    assert plain.payload.links == ()
