"""A document's body in CommonMark: its dialect's own syntax translated first.  Pure.

The dialect's translation (``hugo.py``, ``jekyll.py``, ``obsidian.py``, ``docsite.py``;
``mdx.py`` for an ``.mdx`` file in a plain folder; Jekyll's and Hugo's highlight tags in
every dialect), then Python-Markdown's admonitions, whatever the dialect
(``admonitions.py``), and, for the ``commonmark`` engine, kramdown's and Python-Markdown's
attribute lists (``attrlists.py``).  ``mapping.py`` renders what this returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wpsync.model import Document
from wpsync.source.dialects import convert_template_tags
from wpsync.source.site import Site

if TYPE_CHECKING:
    from wpsync.config import Dialect, MarkdownEngine
    from wpsync.source.vault import VaultIndex

__all__ = ["translated"]


def translated(
    doc: Document,
    site: Site,
    warnings: list[str],
    *,
    dialect: Dialect,
    engine: MarkdownEngine,
    vault: VaultIndex | None,
) -> str:
    """The body with its dialect's syntax translated (``hugo.py``, ``jekyll.py``,
    ``obsidian.py``), then Python-Markdown's admonitions, whatever the dialect
    (``admonitions.py``), and, for the ``commonmark`` engine, kramdown's and
    Python-Markdown's attribute lists (``attrlists.py``)."""
    from wpsync.source.admonitions import convert_admonitions

    text = convert_admonitions(_in_dialect(doc, site, warnings, dialect, engine, vault), engine)
    if engine == "commonmark":
        from wpsync.source.attrlists import drop_attribute_lists

        text = drop_attribute_lists(text, braces=dialect == "docs")
    return text


def _in_dialect(
    doc: Document,
    site: Site,
    warnings: list[str],
    dialect: Dialect,
    engine: MarkdownEngine,
    vault: VaultIndex | None,
) -> str:
    if dialect == "obsidian":
        return _obsidian(doc, convert_template_tags(doc.body), engine, vault, warnings)
    if dialect == "hugo":
        from wpsync.source import hugo

        done = hugo.translate(
            doc.body,
            rel=doc.rel,
            front_matter=doc.front_matter,
            exists=site.exists,
            first_line=doc.body_line,
            pages=site.markdown_files,
        )
    elif dialect == "jekyll":
        from wpsync.source import jekyll

        done = jekyll.translate(
            doc.body,
            rel=doc.rel,
            front_matter=doc.front_matter,
            site=site.config(),
            exists=site.exists,
            first_line=doc.body_line,
            permalinks=site.permalinks,
        )
    elif dialect == "docs":  # MDX, GitBook, Material, VitePress (docsite.py)
        from wpsync.source.docsite import translate_docs

        done = translate_docs(
            convert_template_tags(doc.body),
            rel=doc.rel,
            exists=site.exists,
            first_line=doc.body_line,
            engine=engine,
            front_matter=doc.front_matter,
        )
    elif doc.rel.lower().endswith(".mdx"):  # an MDX file is MDX in a plain folder too
        from wpsync.source.mdx import translate_mdx

        done = translate_mdx(
            convert_template_tags(doc.body), first_line=doc.body_line, engine=engine
        )
    else:  # Jekyll's and Hugo's highlight tags, whatever the dialect (dialects.py)
        return convert_template_tags(doc.body)
    warnings.extend(done.warnings)
    return done.text


def _obsidian(
    doc: Document,
    body: str,
    engine: MarkdownEngine,
    vault: VaultIndex | None,
    warnings: list[str],
) -> str:
    """The note's body with Obsidian's syntax translated (:mod:`wpsync.source.obsidian`)."""
    from wpsync.source import obsidian
    from wpsync.source.vault import VaultIndex

    translated = obsidian.translate(
        body, doc.rel, vault or VaultIndex(), first_line=doc.body_line, engine=engine
    )
    warnings.extend(translated.warnings)
    return translated.text
