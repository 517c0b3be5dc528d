"""Which tool a folder was written for, from the files each tool leaves (dialect.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpsync.source.dialect import choose_dialect, detect_dialect


def _make(root: Path, *paths: str) -> None:
    for rel in paths:
        path = root / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text('baseURL = "https://example.org/"\n' if "hugo" in rel else "x: 1\n")


@pytest.mark.parametrize(
    ("made", "dialect", "found"),
    [
        ((".obsidian/",), "obsidian", ".obsidian/"),
        (("hugo.toml",), "hugo", "hugo.toml"),
        (("_config.yml",), "jekyll", "_config.yml"),
        (("_posts/2016-10-06-x.md",), "jekyll", "_posts/ (Jekyll's posts folder)"),
        (("mkdocs.yml",), "docs", "mkdocs.yml"),
        (("docusaurus.config.js",), "docs", "docusaurus.config.js"),
        (("docusaurus.config.ts",), "docs", "docusaurus.config.ts"),
        ((".vitepress/config.mts",), "docs", ".vitepress/"),
        # a README that names the tools is no marker; a bare .vitepress file neither
        (("notes/docusaurus.md", ".vitepress"), "plain", None),
        (("notes/a.md",), "plain", None),
        # the nearest marker wins; in one folder, the order of the table
        (("_config.yml", ".obsidian/"), "obsidian", ".obsidian/"),
        (("_posts/", "book.toml"), "jekyll", "_posts/ (Jekyll's posts folder)"),
    ],
)
def test_markers(tmp_path: Path, made: tuple[str, ...], dialect: str, found: str | None) -> None:
    _make(tmp_path, *made)
    detected = detect_dialect(tmp_path, tmp_path)
    assert detected.dialect == dialect
    if found is not None:
        assert detected.reason == f"found {tmp_path / found}"


def test_a_content_folder_that_is_jekylls_posts_folder(tmp_path: Path) -> None:
    """``[content] dir = "_posts"`` in a Jekyll repository copied without ``_config.yml``."""
    _make(tmp_path, "_posts/2016-10-06-x.md")
    detected = detect_dialect(tmp_path / "_posts", tmp_path)
    assert detected.dialect == "jekyll"
    assert detected.reason == f"found {tmp_path / '_posts'}/ (Jekyll's posts folder)"


def test_a_file_named_posts_is_no_marker(tmp_path: Path) -> None:
    _make(tmp_path, "_posts")
    assert detect_dialect(tmp_path, tmp_path).dialect == "plain"


def test_a_marker_above_the_project_is_not_looked_at(tmp_path: Path) -> None:
    _make(tmp_path, "_posts/", "project/content/a.md")
    project = tmp_path / "project"
    assert detect_dialect(project / "content", project).dialect == "plain"


def test_a_set_dialect_wins(tmp_path: Path) -> None:
    _make(tmp_path, "_posts/")
    chosen = choose_dialect("plain", tmp_path, tmp_path)
    assert (chosen.dialect, chosen.reason) == ("plain", "set in config.toml")
