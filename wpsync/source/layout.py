"""What each tool keeps in its folder besides the writing: build output, templates,
installed packages, its source folder.  Pure but for reading the tool's own config file.

:func:`builtin_rules` gives, for the content folder and its dialect, gitignore-style
patterns (relative to the content folder) of what is never content, each with the reason
``plan --show-skipped`` shows.  A user's ``[content] exclude`` comes after them, so a
negation there (``"!vendor/"``) takes one of them back.

====================  ====================================================================
every dialect         ``node_modules/``, ``vendor/`` (installed packages), hidden folders
                      (``.git``, ``.obsidian``, ``.trash``: the scan never enters them)
docs: mdBook          ``book.toml`` in the content folder: only ``[book] src`` (``src/``) is
                      the book — ``book/`` (``[build] build-dir``), ``theme/`` and the
                      repository's own files are not; ``<src>/SUMMARY.md`` orders the
                      chapters and is not published
docs: MkDocs          ``mkdocs.yml`` in the content folder: only ``docs_dir`` (``docs/``) —
                      ``site/`` (``site_dir``) is the build output; its ``nav:`` orders
                      the pages as a ``SUMMARY.md`` does
docs: Docusaurus      ``docusaurus.config.*`` in the content folder: ``build/`` (the output),
                      ``versioned_docs/`` and ``i18n/`` (copies of the docs: older versions,
                      translations), and the partials (``_name.mdx``, ``_folder/``: pieces
                      other pages import, never pages themselves) are not content
docs: others          ``SUMMARY.md`` at the top (GitBook) is the table of contents;
                      ``_build/`` (Sphinx, Jupyter Book) is build output
hugo                  Hugo's config in the content folder: only ``contentDir``
                      (``content/``) — ``public/``, ``resources/``, ``themes/``,
                      ``archetypes/``, ``layouts/``… are not
jekyll                ``_site/`` (``destination``), folders starting with ``_`` but
                      ``_posts``, ``_drafts`` and collections; ``_config.yml``'s
                      ``exclude:`` (and ``include:`` taking entries back); Jekyll's default
                      exclusions (``gemfiles/``, ``vendor/bundle/``…)
obsidian              the templates folder of the Templates core plugin
                      (``.obsidian/templates.json``) and of Templater
====================  ====================================================================
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wpsync.config import Dialect

__all__ = ["Layout", "Rule", "builtin_rules", "site_layout"]

#: the name mdBook and GitBook give the table of contents
SUMMARY = "SUMMARY.md"


@dataclass(frozen=True)
class Rule:
    """A gitignore-style pattern (relative to the content folder) and why it applies."""

    pattern: str
    reason: str


@dataclass(frozen=True)
class Layout:
    """The content folder as its tool sees it: the rules of what is not content, and the
    table of contents when there is one (``SUMMARY.md``, or an ``mkdocs.yml`` with a
    ``nav:``; relative to the content folder, ``../mkdocs.yml`` when it is the docs_dir)."""

    rules: tuple[Rule, ...]
    summary: str | None = None
    #: the folder the tool reads the writing from (mdBook's ``src``, MkDocs' ``docs``,
    #: Hugo's ``content``) when it is below the content folder; its index or README is
    #: the site's front page, as a top-level ``index.md`` is
    source: str = ""


_ALWAYS = (
    Rule("node_modules/", "installed npm packages, never content"),
    Rule("vendor/", "installed third-party packages, never content"),
)

_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml")


def builtin_rules(content_dir: Path, dialect: Dialect) -> tuple[Rule, ...]:
    return site_layout(content_dir, dialect).rules


def site_layout(content_dir: Path, dialect: Dialect) -> Layout:
    """The rules for ``content_dir`` written for ``dialect`` (its tool's config read when
    it is in the content folder itself)."""
    rules: list[Rule] = []
    summary: str | None = None
    source = ""
    if dialect == "docs":
        summary, source = _docs(content_dir, rules)
    elif dialect == "hugo":
        source = _hugo(content_dir, rules)
    elif dialect == "jekyll":
        _jekyll(content_dir, rules)
    elif dialect == "obsidian":
        _obsidian(content_dir, rules)
    return Layout((*rules, *_ALWAYS), summary, source)


# ---------------------------------------------------------------------------- docs


def _docs(root: Path, rules: list[Rule]) -> tuple[str | None, str]:
    book = root / "book.toml"
    mkdocs = next((root / n for n in ("mkdocs.yml", "mkdocs.yaml") if (root / n).is_file()), None)
    if book.is_file():
        data = _toml(book)
        src = _rel_folder(_get(data, "book", "src"), "src")
        build = _rel_folder(_get(data, "build", "build-dir"), "book")
        if src:
            _only(rules, src, f"outside mdBook's source folder {src}/ (book.toml)")
        rules.append(Rule(f"/{build}/", "mdBook's build output (book.toml)"))
        rules.append(Rule("/theme/", "mdBook's theme templates"))
        summary = f"{src}/{SUMMARY}" if src else SUMMARY
        rules.append(
            Rule(f"/{summary}", "mdBook's table of contents: it orders and nests the pages")
        )
        return summary, src
    source = ""
    nav: str | None = None
    if mkdocs is not None:
        text = _text(mkdocs)
        docs_dir = _rel_folder(_yaml_scalar(text, "docs_dir"), "docs")
        site_dir = _rel_folder(_yaml_scalar(text, "site_dir"), "site")
        if docs_dir:
            _only(rules, docs_dir, f"outside MkDocs' docs_dir {docs_dir}/ ({mkdocs.name})")
            source = docs_dir
        rules.append(Rule(f"/{site_dir}/", f"MkDocs' build output ({mkdocs.name})"))
        nav = mkdocs.name if re.search(r"^nav\s*:", text, re.M) else None
    else:
        names = ("mkdocs.yml", "mkdocs.yaml")
        above = next((p for n in names if (p := root.parent / n).is_file()), None)
        if above is not None:
            text = _text(above)
            docs_dir = _rel_folder(_yaml_scalar(text, "docs_dir"), "docs")
            if docs_dir == root.name and re.search(r"^nav\s*:", text, re.M):
                nav = f"../{above.name}"  # the content folder is the docs_dir
    if any((root / f"docusaurus.config.{ext}").is_file() for ext in ("js", "ts", "mjs", "cjs")):
        rules.append(Rule("/build/", "Docusaurus' build output"))
        rules.append(Rule("/versioned_docs/", "Docusaurus' copies of older versions of the docs"))
        rules.append(Rule("/i18n/", "Docusaurus' translations (each a copy of the docs)"))
        rules.append(Rule("_*/", "a Docusaurus partial folder: imported by pages, not a page"))
        rules.append(Rule("_*.md", "a Docusaurus partial: imported by pages, not a page"))
        rules.append(Rule("_*.mdx", "a Docusaurus partial: imported by pages, not a page"))
    rules.append(Rule("_build/", "documentation build output (Sphinx, Jupyter Book)"))
    if nav is not None:
        return nav, source
    if (root / SUMMARY).is_file():
        rules.append(Rule(f"/{SUMMARY}", "the table of contents: it orders and nests the pages"))
        return SUMMARY, source
    return None, source


# ---------------------------------------------------------------------------- hugo


def _hugo(root: Path, rules: list[Rule]) -> str:
    for name in _HUGO_CONFIGS:
        path = root / name
        if not path.is_file():
            continue
        text = _text(path)
        if name.startswith("config.") and not re.search(
            r"^\s*(?:baseURL|baseurl|contentDir|theme|languageCode)\s*[=:]", text, re.M
        ):
            continue  # wpsync's own config.toml
        if name.endswith(".toml"):
            value = _get(_toml(path), "contentDir") or _get(_toml(path), "contentdir")
        elif name.endswith(".json"):
            value = _get(_json(path), "contentDir")
        else:
            value = _yaml_scalar(text, "contentDir")
        content = _rel_folder(value, "content")
        if content:
            _only(rules, content, f"outside Hugo's contentDir {content}/ ({name})")
        rules.append(Rule("/public/", "Hugo's build output"))
        rules.append(Rule("/resources/", "Hugo's generated resources"))
        return content
    return ""


# ---------------------------------------------------------------------------- jekyll

#: Jekyll's default exclusions (its docs: the ``exclude`` option)
_JEKYLL_DEFAULT = (
    "gemfiles/",
    "Gemfile",
    "Gemfile.lock",
    "vendor/bundle/",
    "vendor/cache/",
    "vendor/gems/",
    "vendor/ruby/",
)


def _jekyll(root: Path, rules: list[Rule]) -> None:
    path = next((root / n for n in ("_config.yml", "_config.yaml") if (root / n).is_file()), None)
    if path is None:
        return  # the config is above the content folder: its folders are not in it
    data = _yaml(path)
    destination = _rel_folder(data.get("destination"), "_site")
    collections = data.get("collections")
    names = (
        list(collections) if isinstance(collections, dict | list) else []
    )  # a list or a mapping of names
    collections_dir = _rel_folder(data.get("collections_dir"), "")
    rules.append(Rule("/_*/", "Jekyll does not publish folders whose name starts with _"))
    kept = ["_posts", "_drafts", *(f"_{n}" for n in names if isinstance(n, str))]
    base = f"/{collections_dir}/" if collections_dir else "/"
    for name in kept:
        rules.append(Rule(f"!{base}{name}/", ""))
    rules.append(Rule(f"/{destination}/", "Jekyll's build output"))
    for pattern in _JEKYLL_DEFAULT:
        rules.append(Rule(f"/{pattern}", "excluded by Jekyll by default"))
    for key, negate in (("exclude", False), ("include", True)):
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, str) and entry.strip():
                clean = entry.strip().removeprefix("./").lstrip("/")
                reason = "" if negate else f"excluded by {path.name}'s exclude: {entry!r}"
                rules.append(Rule(("!" if negate else "") + "/" + clean, reason))


# ---------------------------------------------------------------------------- obsidian


def _obsidian(root: Path, rules: list[Rule]) -> None:
    for config, key, what in (
        (".obsidian/templates.json", "folder", "Obsidian's templates folder"),
        (
            ".obsidian/plugins/templater-obsidian/data.json",
            "templates_folder",
            "Templater's templates folder",
        ),
    ):
        folder = _rel_folder(_get(_json(root / config), key), "")
        if folder:
            rules.append(Rule(f"/{_escape(folder)}/", f"{what} ({config})"))


# ---------------------------------------------------------------------------- helpers


def _only(rules: list[Rule], folder: str, reason: str) -> None:
    """Everything at the top but ``folder``."""
    rules.append(Rule("/*", reason))
    parts = folder.split("/")
    for depth in range(1, len(parts)):  # a nested source folder: src/book
        rules.append(Rule("!/" + "/".join(map(_escape, parts[:depth])) + "/", ""))
        rules.append(Rule("/" + "/".join(map(_escape, parts[:depth])) + "/*", reason))
    rules.append(Rule("!/" + "/".join(map(_escape, parts)) + "/", ""))


def _escape(name: str) -> str:
    return re.sub(r"([*?\[\]\\!#])", r"\\\1", name)


def _rel_folder(value: Any, default: str) -> str:
    """A folder named in a tool's config, as a clean relative path ("" = the folder itself)."""
    if not isinstance(value, str) or not value.strip():
        value = default
    parts = [p for p in value.strip().replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return ""  # outside the folder: nothing of it is in the content folder
    return "/".join(parts)


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(256 * 1024).decode("utf-8", "replace")
    except OSError:
        return ""


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError:
        return {}


def _json(path: Path) -> Any:
    try:
        return json.loads(_text(path)) if path.is_file() else None
    except ValueError:
        return None


def _yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(_text(path))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _yaml_scalar(text: str, key: str) -> str | None:
    """A top-level ``key: value`` of a YAML file that may use tags safe_load refuses
    (``mkdocs.yml``'s ``!!python/name``)."""
    match = re.search(rf"^{re.escape(key)}\s*:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", text, re.M)
    return match.group(1) if match else None
