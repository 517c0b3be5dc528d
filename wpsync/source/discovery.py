"""Which files of the content folder are content: the one predicate the scan, the
watcher, ``--changed`` and the paths given on the command line all ask.

A Markdown file is content unless

1. a folder of its path or its own name is hidden or an editor's temp file
   (:func:`wpsync.source.content.is_ignored_name`);
2. the last gitignore-style pattern matching it (or one of its folders) ignores it, the
   patterns being, in order: the ``.gitignore`` files from the repository's top down to
   its folder (a deeper file overrides a higher one, as in git), then what its tool keeps
   besides the writing (:mod:`wpsync.source.layout`: ``node_modules/``, build output…),
   then ``[content] exclude`` — so ``exclude = ["!generated/"]`` takes back a folder a
   ``.gitignore`` or a tool's rule left out;
3. it is a ``README.md`` beside an ``index.md``/``_index.md`` (the index is the folder's
   page; the README describes the folder for people browsing the repository).

A folder that is left out is not entered (git does not re-include a file whose folder it
ignores either), so ``node_modules/`` costs one look.  Every decision comes with a reason
for ``plan --show-skipped``.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wpsync.config import Dialect
from wpsync.source.layout import Layout, site_layout

__all__ = [
    "INDEX_FILES",
    "MARKDOWN_SUFFIXES",
    "ContentRules",
    "IgnoreLayer",
    "Layers",
    "Skipped",
    "is_ignored_name",
    "is_markdown",
    "is_readme",
    "is_temporary",
]

#: ``.mdx``: Docusaurus' pages (MDX, read as Markdown; ``mdx.py`` in a docs folder)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")

# Names editors and tools leave next to the real file while saving (vim, emacs,
# JetBrains, generic "write temp then rename").  Hidden names are handled separately.
_IGNORED_EXACT = frozenset({"4913"})
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", "___jb_tmp___", "___jb_old___")

#: files that make a README beside them not the folder's page (``index.html``: Jekyll,
#: Hugo and GitHub Pages serve it as the folder's page)
INDEX_FILES = (
    "index.md",
    "_index.md",
    "index.markdown",
    "_index.markdown",
    "index.mdx",
    "index.html",
)
_README = re.compile(r"^readme\.(?:md|markdown|mdx)$", re.I)


def is_ignored_name(name: str) -> bool:
    """True for hidden names and editor temp / swap / backup files (one path component)."""
    if not name or name.startswith("."):
        return True
    if name in _IGNORED_EXACT:
        return True
    if name.startswith("#") and name.endswith("#"):
        return True
    return name.endswith(_IGNORED_SUFFIXES)


def is_temporary(name: str) -> bool:
    """An editor's temp / swap / backup name (hidden names are not)."""
    return bool(name) and not name.startswith(".") and is_ignored_name(name)


def is_markdown(rel: str) -> bool:
    """True when ``rel`` names a Markdown file (not hidden, not an editor's temp file);
    whether it is content too is :meth:`ContentRules.reason`'s question."""
    name = posixpath.basename(rel.replace(os.sep, "/"))
    return not is_ignored_name(name) and name.lower().endswith(MARKDOWN_SUFFIXES)


def is_readme(name: str) -> bool:
    return bool(_README.match(name))


@dataclass(frozen=True)
class Skipped:
    """A Markdown file or a folder (``rel`` ending in ``/``) that is not content, and why."""

    rel: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.rel, "reason": self.reason}


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    negated: bool
    #: ``x/**``: matches what is inside ``x``, not ``x`` itself
    contents_only: bool
    reason: str
    #: ``x/`` (a trailing slash): matches folders only — never a file's own path
    folders_only: bool = False

    def matches(self, path: str, is_dir: bool) -> bool:
        """Whether the pattern matches ``path`` itself.  pathspec's expressions also match
        what is below a matching folder (``book/`` matches ``book/a.md``); the folders of a
        path are asked first (and not entered when left out), so that match is not this
        path's own — and a negation such as ``!/src/`` must not take back what a deeper
        rule leaves out of ``src/gen/``."""
        if is_dir and not self.contents_only:
            path += "/"
        found = self.regex.search(path)  # (as pathspec: ``*/`` is only ``(?P<ps_d>/)``)
        if found is None:
            return False
        folder = found.groupdict().get("ps_d")
        return folder is None or found.end() == len(path)


#: pathspec's marker of a match that is a folder (what ``_Pattern.matches`` asks of it)
_FOLDER_MARK = "(?P<ps_d>/)"
_FOLDER_OR_END = f"(?:{_FOLDER_MARK}|$)"
#: what makes a line more than literal names, ``*`` and ``?``: pathspec's to translate
_NOT_PLAIN = re.compile(r"\\|\[|\*\*")


def _plain_pattern(line: str) -> tuple[str, bool] | None:
    """pathspec's expression and include flag (False: a ``!`` negation) for a
    gitignore line of names, ``*`` and ``?`` between slashes (``*.log``, ``/build/``,
    ``node_modules/``, ``!/_posts/``: nearly every line of a real ``.gitignore``),
    translated as pathspec's GitIgnoreSpec does — so that a folder whose rules are all
    such lines does not import pathspec (~10 ms a run).  None for any other line (``**``,
    ``[…]``, escapes, the whole-tree patterns): pathspec translates those.
    (tests/unit/test_discovery.py checks the translation against pathspec's.)"""
    body = line.rstrip()
    include = not body.startswith("!")
    if not include:
        body = body[1:]
    if not body or body == "/" or _NOT_PLAIN.search(body):
        return None
    segments = body.split("/")
    folders_only = not segments[-1]
    if not segments[0]:
        del segments[0]  # anchored to the folder of the rules
    elif len(segments) == 1 or (len(segments) == 2 and not segments[1]):
        segments.insert(0, "**")  # a name alone matches at any depth
    if not segments:
        return None
    if not segments[-1]:
        segments[-1] = "**"  # a folder: what is inside it too
    if "" in segments or segments in (["**", "*"], ["**", "*", "**"]):
        return None
    parts: list[str] = []
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        if segment == "**":  # (first or last: the line has no ``**`` of its own)
            parts.append("^(?:.+/)?" if i == 0 else _FOLDER_MARK if folders_only else "/")
            continue
        if i == 0:
            parts.append("^")
        elif segments[i - 1] != "**":
            parts.append("/")
        if segment == "*":
            parts.append("[^/]+")
        else:
            parts.extend(
                "[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in segment
            )
        if i == last:
            parts.append(_FOLDER_OR_END)
    return "".join(parts), include


def _compile(line: str, reason: str) -> _Pattern | None:
    body = line.rstrip()
    if not body or body.startswith("#"):
        return None  # blank or a comment
    plain = _plain_pattern(line)
    if plain is not None:
        source, include = plain
        regex = re.compile(source)
    else:
        from pathspec import GitIgnoreSpec

        try:
            patterns = GitIgnoreSpec.from_lines([line]).patterns
        except ValueError:  # a line git cannot read either (``!`` alone): git skips it
            return None
        if not patterns:
            return None
        pattern = patterns[0]
        found = getattr(pattern, "regex", None)
        if pattern.include is None or found is None:
            return None  # blank or a comment
        regex, include = found, bool(pattern.include)
    return _Pattern(
        regex,
        negated=not include,
        contents_only=body.endswith("/**"),
        reason=reason,
        folders_only=body.endswith("/"),
    )


@dataclass(frozen=True)
class IgnoreLayer:
    """Patterns that apply below ``base`` (a folder relative to the content folder),
    matched against paths relative to it.  A ``.gitignore`` above the content folder has
    a ``prefix`` instead: the way from its folder down to the content folder."""

    base: str
    patterns: tuple[_Pattern, ...]
    prefix: str = ""

    def last_match(self, rel: str, is_dir: bool) -> _Pattern | None:
        patterns = self.patterns if is_dir else self.for_files
        if not patterns:
            return None  # (a file, and patterns that name folders only: nothing to ask)
        path = f"{self.prefix}/{rel}" if self.prefix else _below(rel, self.base)
        if path is None:
            return None
        if not is_dir and (anything := self._anything) is not None and not anything.match(path):
            return None  # no pattern matches this file: one expression asked, not each
        found = None
        for pattern in patterns:
            if pattern.matches(path, is_dir):
                found = pattern
        return found

    @functools.cached_property
    def for_files(self) -> tuple[_Pattern, ...]:
        """The patterns that may match a file's own path (``x/`` names folders only: the
        folders of a path are asked first, and a folder left out is not entered)."""
        return tuple(p for p in self.patterns if not p.folders_only)

    @functools.cached_property
    def _anything(self) -> re.Pattern[str] | None:
        """One expression matching a file path when one of the patterns that may match
        a file does (asked of every file the scan meets); None when they cannot be
        joined."""
        if not self.for_files:
            return None
        joined = "|".join(f"(?:{p.regex.pattern})" for p in self.for_files)
        try:  # the folder group each of pathspec's expressions names, unnamed
            return re.compile(joined.replace("(?P<ps_d>", "(?:"))
        except re.error:
            return None


#: the ``.gitignore`` files that apply in a folder, outermost first
Layers = tuple[IgnoreLayer, ...]


def _below(rel: str, base: str) -> str | None:
    if not base:
        return rel
    return rel[len(base) + 1 :] if rel.startswith(base + "/") else None


class ContentRules:
    """What is content in one content folder (built once per run or per daemon)."""

    def __init__(
        self,
        root: Path,
        *,
        dialect: Dialect = "plain",
        exclude: Sequence[str] = (),
        gitignore: bool = True,
        layout: Layout | None = None,
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.layout = layout if layout is not None else site_layout(self.root, dialect)
        rules: list[tuple[str, str]] = [(r.pattern, r.reason) for r in self.layout.rules]
        rules += [(g, f"excluded by [content] exclude '{g}'") for g in exclude]
        self._fixed = IgnoreLayer("", tuple(p for p in _compiled(rules) if p is not None))
        self._gitignore = gitignore
        self._cache: dict[str, tuple[tuple[int, int], IgnoreLayer | None]] = {}
        self._outer = self._outer_layers() if gitignore else ()

    @property
    def summary(self) -> str | None:
        """The table of contents (``SUMMARY.md``) the layout names, if any."""
        return self.layout.summary

    # -------------------------------------------------------------- the scan's questions

    def layers_in(self, rel_dir: str, above: tuple[IgnoreLayer, ...]) -> tuple[IgnoreLayer, ...]:
        """The ``.gitignore`` layers that apply inside ``rel_dir`` ("" = the content
        folder): ``above`` (those of its parent) and its own ``.gitignore``."""
        if not self._gitignore:
            return above
        own = self._gitignore_at(rel_dir)
        return (*above, own) if own is not None else above

    def root_layers(self) -> tuple[IgnoreLayer, ...]:
        return self.layers_in("", self._outer)

    def folder_reason(self, rel: str, layers: Iterable[IgnoreLayer]) -> str | None:
        """Why the folder ``rel`` is not entered (None: it is)."""
        return self._verdict(rel, True, layers)

    def file_reason(
        self, rel: str, layers: Iterable[IgnoreLayer], siblings: Collection[str]
    ) -> str | None:
        """Why the Markdown file ``rel`` is not content (None: it is); ``siblings``: the
        names in its folder."""
        return self.scanned_file_reason(rel, self.file_layers(layers), siblings)

    def file_layers(self, layers: Iterable[IgnoreLayer]) -> Layers:
        """Of ``layers`` and the fixed rules, in order, those with a pattern that may
        match a file (the others name folders only: ``node_modules/``…) — what the scan
        asks about the files of a folder (asked once per folder)."""
        return tuple(layer for layer in (*layers, self._fixed) if layer.for_files)

    def scanned_file_reason(
        self, rel: str, file_layers: Layers, siblings: Collection[str]
    ) -> str | None:
        """:meth:`file_reason` with the folder's :meth:`file_layers`: a file of a folder
        whose rules name folders only is asked nothing but whether it is a README."""
        if file_layers:
            found: _Pattern | None = None
            for layer in file_layers:
                match = layer.last_match(rel, False)
                if match is not None:
                    found = match
            if found is not None and not found.negated:
                return found.reason
        name = rel[rel.rfind("/") + 1 :]
        if name[:1] in ("r", "R") and is_readme(name):
            index = next((i for i in INDEX_FILES if i in siblings), None)
            if index is not None:
                return f"README beside {index}: {index} is the folder's page"
        return None

    # -------------------------------------------------------------- one path from outside

    def reason(self, rel: str) -> str | None:
        """Why ``rel`` (a path relative to the content folder, of a file that may be gone)
        is not content, checking its folders first; None when it is content."""
        folder = posixpath.dirname(rel)
        why, layers = self._folders(folder)
        if why is not None:
            return why
        name = posixpath.basename(rel)
        if is_ignored_name(name):
            return "a hidden or temporary file"
        if not name.lower().endswith(MARKDOWN_SUFFIXES):
            return "not a Markdown file"
        siblings = [i for i in INDEX_FILES if (self.root / folder / i).is_file()]
        return self.file_reason(rel, layers, siblings)

    def is_content(self, rel: str) -> bool:
        return self.reason(rel) is None

    def folder_skipped(self, rel_dir: str) -> str | None:
        """Why nothing below the folder ``rel_dir`` is content (None: it may be)."""
        return self._folders(rel_dir)[0]

    def _folders(self, rel_dir: str) -> tuple[str | None, Layers]:
        """Why a folder of the way down to ``rel_dir`` (included) is left out, or the
        ``.gitignore`` layers that apply inside ``rel_dir``."""
        layers = self.root_layers()
        if not rel_dir:
            return None, layers
        parts = rel_dir.split("/")
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if is_ignored_name(parts[depth - 1]):
                return f"in the hidden or temporary folder {folder}/", layers
            why = self.folder_reason(folder, layers)
            if why is not None:
                return f"in {folder}/, skipped: {why}", layers
            layers = self.layers_in(folder, layers)
        return None, layers

    # -------------------------------------------------------------- matching

    def _verdict(self, rel: str, is_dir: bool, layers: Iterable[IgnoreLayer]) -> str | None:
        found: _Pattern | None = None
        for layer in (*layers, self._fixed):
            match = layer.last_match(rel, is_dir)
            if match is not None:
                found = match
        if found is None or found.negated:
            return None
        return found.reason

    def _gitignore_at(self, rel_dir: str) -> IgnoreLayer | None:
        path = self.root / rel_dir / ".gitignore" if rel_dir else self.root / ".gitignore"
        return self._load(str(path), rel_dir, _shown(rel_dir))

    def _load(self, path: str, base: str, shown: str) -> IgnoreLayer | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        key = (st.st_mtime_ns, st.st_size)
        cached = self._cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            with open(path, "rb") as handle:
                text = handle.read(1024 * 1024).decode("utf-8", "replace")
        except OSError:
            return None
        rules = []
        for number, line in enumerate(text.splitlines(), 1):
            rules.append((line, f"ignored by {shown} line {number} ({line.strip()})"))
        layer = IgnoreLayer(base, tuple(p for p in _compiled(rules) if p is not None))
        self._cache[path] = (key, layer)
        return layer

    def _outer_layers(self) -> tuple[IgnoreLayer, ...]:
        """The ``.gitignore`` files above the content folder, up to its repository's top
        (none when it is in no repository), as layers over content paths."""
        top = _repository_top(self.root)
        if top is None or top == self.root:
            return ()
        down = self.root.relative_to(top).parts
        layers: list[IgnoreLayer] = []
        for depth in range(len(down)):
            folder = top.joinpath(*down[:depth])
            ups = "/".join([".."] * (len(down) - depth))
            layer = self._load(str(folder / ".gitignore"), "", f"{ups}/.gitignore")
            if layer is None:
                continue
            prefix = "/".join(down[depth:])
            layers.append(IgnoreLayer("", layer.patterns, prefix))
        return tuple(layers)


def _compiled(rules: Iterable[tuple[str, str]]) -> Iterable[_Pattern | None]:
    for line, reason in rules:
        yield _compile(line, reason)


def _shown(rel_dir: str) -> str:
    return f"{rel_dir}/.gitignore" if rel_dir else ".gitignore"


def _repository_top(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None
