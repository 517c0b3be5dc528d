"""SUMMARY.md (mdBook, GitBook): the order, nesting and titles of a book's pages."""

from __future__ import annotations

from pathlib import Path

from wpsync.source.summary import Chapter, parse_summary, read_summary

BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "archives" / "docs"

SUMMARY = """\
# Summary

[Introduction](README.md)

# User Guide

- [Installation](guide/installation.md)
- [Reading **Books**](guide/reading.md)
    - [Tips & `tricks`](guide/tips.md#top)
    * [Draft inside]()
        - [Orphan](guide/orphan.md)
- [Draft]()
  - [Under a draft](guide/under-draft.md)
- [Spaces](guide/with%20space.md)
- [Outside](../../elsewhere.md)
- [Web](https://example.org/x.md)

```
- [Not a chapter](code.md)
```

---

[Contributors](misc/contributors.md)
"""


def test_the_mdbook_format_gives_nesting_order_and_titles() -> None:
    outline = parse_summary(SUMMARY, "src")
    assert dict(outline.chapters) == {
        "src/README.md": Chapter("src/README.md", "Introduction", None, 1),
        "src/guide/installation.md": Chapter("src/guide/installation.md", "Installation", None, 2),
        "src/guide/reading.md": Chapter("src/guide/reading.md", "Reading Books", None, 3),
        "src/guide/tips.md": Chapter(
            "src/guide/tips.md", "Tips & tricks", "src/guide/reading.md", 1
        ),
        # a draft chapter has no page: its children hang on the chapter above it
        "src/guide/orphan.md": Chapter("src/guide/orphan.md", "Orphan", "src/guide/reading.md", 2),
        "src/guide/under-draft.md": Chapter("src/guide/under-draft.md", "Under a draft", None, 4),
        "src/guide/with space.md": Chapter("src/guide/with space.md", "Spaces", None, 5),
        "src/misc/contributors.md": Chapter("src/misc/contributors.md", "Contributors", None, 6),
    }


def test_the_parent_is_the_nearest_chapter_that_is_a_page() -> None:
    outline = parse_summary(SUMMARY, "")
    pages = frozenset({"README.md", "guide/tips.md"})
    assert outline.parent("guide/tips.md", pages) is None  # guide/reading.md is no page
    assert outline.parent("guide/tips.md", pages | {"guide/reading.md"}) == "guide/reading.md"


def test_the_sample_book_outline() -> None:
    outline = read_summary(BOOK, "src/SUMMARY.md")
    assert outline.chapters["src/templates/introduction.md"].parent == "src/templates/README.md"
    assert outline.chapters["src/templates/README.md"].parent == "src/guide/index.md"
    assert "src/guide/checklist.md" not in outline
    assert read_summary(BOOK, "src/NO-SUCH.md").chapters == {}
    assert read_summary(BOOK, None).chapters == {}


MKDOCS = """\
site_name: Handbook
docs_dir: pages
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
nav:
  - Home: index.md
  - 'User Guide':
      - 'Writing': 'guide/writing.md'
      - guide/styling.md
  - About:
      - 'License': 'about/license.md'
  - Issues: https://example.org/issues
"""


def test_mkdocs_nav_orders_pages_and_sections_are_no_pages(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    outline = read_summary(tmp_path, "mkdocs.yml", "pages")
    assert dict(outline.chapters) == {
        "pages/index.md": Chapter("pages/index.md", "Home", None, 1),
        "pages/guide/writing.md": Chapter("pages/guide/writing.md", "Writing", None, 2),
        "pages/guide/styling.md": Chapter("pages/guide/styling.md", "", None, 3),
        "pages/about/license.md": Chapter("pages/about/license.md", "License", None, 4),
    }


def test_the_docs_layout_finds_the_nav_beside_or_above_the_content_folder(tmp_path: Path) -> None:
    from wpsync.source.layout import site_layout

    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    assert site_layout(tmp_path, "docs").summary == "mkdocs.yml"
    assert site_layout(tmp_path, "docs").source == "pages"
    (tmp_path / "pages").mkdir()
    assert site_layout(tmp_path / "pages", "docs").summary == "../mkdocs.yml"
    outline = read_summary(tmp_path / "pages", "../mkdocs.yml", "")
    assert outline.chapters["guide/writing.md"].order == 2
