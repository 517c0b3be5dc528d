"""Directives that pull another file into a docs page: published as written, with a
warning (includes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpsync.model import Document
from wpsync.source.includes import include_warnings
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.site import Site


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # rust-lang/book
        (
            "```rust,ignore\n{{#rustdoc_include ../listings/listing-02-01/src/main.rs:all}}\n```\n",
            "{{#rustdoc_include ../listings/listing-02-01/src/main.rs:all}}",
        ),
        ("```toml\n{{#include ../Cargo.toml}}\n```\n", "{{#include ../Cargo.toml}}"),
        # Material for MkDocs' snippets, VitePress' code snippets and Markdown includes
        ('```python\n--8<-- "example.py"\n```\n', '--8<-- "example.py"'),
        ("<<< @/snippets/init.ansi\n", "<<< @/snippets/init.ansi"),
        ("<!--@include: ./parts/basics.md-->\n", "<!--@include: ./parts/basics.md-->"),
    ],
)
def test_an_include_is_named_in_one_warning(text: str, shown: str) -> None:
    twice = f"Intro.\n\n{text}\n{text}"
    line = 6 if text.startswith("```") else 5  # the directive's, in a code block or not
    assert include_warnings(twice, first_line=3) == (
        f"line {line}: {shown[:60]!r} includes another file's text, which wpsync does not read: "
        "published as written",
    )


@pytest.mark.parametrize(
    "text",
    ["Use {{ page.title }} and <<< in prose.\n", "a --8<-- b\n", "Plain text.\n"],
)
def test_no_include_no_warning(text: str) -> None:
    assert include_warnings(text) == ()


def test_only_a_docs_folder_warns(tmp_path: Path) -> None:
    body = "```toml\n{{#include ../Cargo.toml}}\n```\n"
    doc = Document(rel="a.md", front_matter={}, body=body, source_hash="x")
    docs = map_document(doc, MappingDefaults(dialect="docs"), Site(tmp_path))
    plain = map_document(doc, MappingDefaults(), Site(tmp_path))
    assert len(docs.warnings) == 1 and plain.warnings == ()
