"""Reading the content folder as a sync sees it: which files a run covers, and each
changed file read and mapped (on every core when there are many: readpool.py).

The executor reads through a :class:`Reader`; :func:`local_items` reads given files the
same way, references completed, for the commands that link files without syncing them
(``pull``, ``state rebuild``).
"""

from __future__ import annotations

import dataclasses
import logging
import posixpath
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wpsync.engine.items import Broken, Changed, LocalItem, Stat, Unchanged, payload_hash
from wpsync.engine.paths import content_rel, rel_of
from wpsync.engine.report import Phase
from wpsync.errors import DocumentError
from wpsync.words import plural

if TYPE_CHECKING:
    from wpsync.config import Config, ContentConfig
    from wpsync.engine.readpool import ReadSettings
    from wpsync.model import Entry
    from wpsync.source.dialect import Detected
    from wpsync.source.discovery import ContentRules, Skipped
    from wpsync.source.summary import Outline
    from wpsync.store.state import StateStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """What a run looks at: the files to look at (rel, stat), the paths that could not
    be scanned or are not content, and every rel in scope (a listed file that no longer
    exists included: a deletion if it is known)."""

    files: tuple[tuple[str, Stat], ...]
    broken: tuple[Broken, ...]
    #: every rel in scope when paths were given; None for the whole folder (its files'
    #: and broken paths' rels, made when asked: a run over the whole folder never asks,
    #: and a set of ten thousand paths is half a megabyte)
    named: frozenset[str] | None
    #: Markdown files and folders that are not content, and why (``plan --show-skipped``)
    skipped: tuple[Skipped, ...] = ()
    #: given paths that do not exist (a known one is a deletion; else a mistyped name)
    missing: frozenset[str] = frozenset()

    @property
    def rels(self) -> frozenset[str]:
        """Every rel in scope."""
        if self.named is not None:
            return self.named
        return frozenset([rel for rel, _ in self.files] + [b.rel for b in self.broken])

    def sharing(self, known: Mapping[str, Entry]) -> Scope:
        """This scope with each known file named by its entry's string (the state's
        entries, read after the scan): ten thousand paths kept once, not twice."""
        if not known:
            return self
        files = tuple(
            [
                (e.rel if (e := known.get(rel)) is not None else rel, stat)
                for rel, stat in self.files
            ]
        )
        return dataclasses.replace(self, files=files)

    def mistyped(self, known: Container[str]) -> tuple[Broken, ...]:
        """The given paths that neither exist nor were synced: "no such file"."""
        return tuple(
            Broken(rel, DocumentError(rel, "no such file"))
            for rel in sorted(self.missing)
            if rel not in known
        )


def read_settings(content: ContentConfig, *, vault_links: bool = True) -> ReadSettings:
    """What reading and mapping a file needs from the configuration (picklable); without
    ``vault_links``, an Obsidian vault is not listed (front matter alone is read)."""
    from wpsync.engine.readpool import ReadSettings

    dialect = content_dialect(content).dialect
    vault = None
    if (
        dialect == "obsidian" and vault_links
    ):  # links name files anywhere in the vault: list them once
        from wpsync.source.vault import scan_vault

        vault = scan_vault(content.dir, content.project)
    return ReadSettings(
        str(content.dir),
        int(content.max_file_mb * 1024 * 1024),
        default_type(content, dialect),
        content.default_status,
        content.markdown,
        dialect,
        vault,
    )


def default_type(content: ContentConfig, dialect: str) -> str:
    """``[content] default_type``; in a docs folder (mdBook, MkDocs…), unless it is set,
    ``page``: a handbook's chapters are pages, nested as its folders and SUMMARY.md say."""
    if dialect == "docs" and not content.type_given:
        return "page"
    return content.default_type


def content_dialect(content: ContentConfig) -> Detected:
    """The dialect of the content folder: ``[content] dialect``, or detected for "auto"."""
    from wpsync.source.dialect import choose_dialect

    return choose_dialect(content.dialect, content.dir, content.project or content.dir)


def content_rules(content: ContentConfig) -> ContentRules:
    """What is content in the content folder: ``[content] exclude``, the ``.gitignore``
    files, the dialect's non-content folders (:mod:`wpsync.source.discovery`).  The one
    predicate of the scan, the paths given on the command line, ``--changed`` and the
    watcher."""
    from wpsync.source.discovery import ContentRules

    return ContentRules(
        content.dir, dialect=content_dialect(content).dialect, exclude=content.exclude
    )


def front_page(item: LocalItem, source: str) -> LocalItem:
    """The index or README of the tool's source folder (mdBook's ``src/README.md``) is the
    front page, as a top-level ``index.md`` is: its slug is ``index``, not ``src``."""
    from wpsync.source.pages import is_index

    if (
        not source
        or not isinstance(item, Changed)
        or item.payload.slug_explicit
        or posixpath.dirname(item.rel) != source
        or not is_index(item.rel)
    ):
        return item
    payload = dataclasses.replace(item.payload, slug="index")
    return dataclasses.replace(
        item, payload=payload, payload_hash=payload_hash(payload, dict(item.inputs))
    )


class Reader:
    """Reads and maps the files of one run; the mapping's warnings are logged and
    passed to ``warn``."""

    def __init__(
        self,
        content: ContentConfig,
        *,
        warn: Callable[[str], None] = lambda _: None,
        on_phase: Callable[[Phase], None] | None = None,
    ) -> None:
        self._content = content
        self._warn = warn
        self._rules: ContentRules | None = None
        self._on_phase = on_phase  # told "reading N files…", then "planning…"
        self._settings: ReadSettings | None = None

    @property
    def rules(self) -> ContentRules:
        """What is content (built on first use, kept for the reader's life)."""
        if self._rules is None:
            self._rules = content_rules(self._content)
        return self._rules

    @property
    def settings(self) -> ReadSettings:
        """What mapping needs, made once per run (an Obsidian vault is listed once)."""
        if self._settings is None:
            self._settings = read_settings(self._content)
        return self._settings

    def outline(self) -> Outline:
        """The book's table of contents (SUMMARY.md, MkDocs' nav), empty when none."""
        from wpsync.source.summary import read_summary

        rules = self.rules
        return read_summary(self._content.dir, rules.summary, rules.layout.source)

    def scope(self, paths: Sequence[Path] | None) -> Scope:
        """The files to look at: the whole folder (``paths`` None), else these paths."""
        from wpsync.source.content import is_markdown, scan_content
        from wpsync.source.discovery import Skipped

        root = self._content.dir
        broken: list[Broken] = []
        if paths is None:
            scan = scan_content(root, self.rules)
            for error in scan.errors:
                broken.append(Broken(rel_of(error.path, root), error))
            found = tuple([(f.rel, Stat(f.size, f.mtime_ns)) for f in scan.files])
            return Scope(found, tuple(broken), None, scan.skipped)
        files = []
        scope: set[str] = set()
        skipped: list[Skipped] = []
        missing: set[str] = set()
        for raw in paths:
            rel = content_rel(raw, root)
            if rel is None:
                broken.append(
                    Broken(str(raw), DocumentError(raw, f"not inside the content folder {root}"))
                )
                continue
            if not is_markdown(rel):
                if not (root / rel).exists():
                    missing.add(rel)
                continue
            scope.add(rel)  # in scope even when not content: its post follows the rules
            why = self.rules.reason(rel)
            if why is not None:
                skipped.append(Skipped(rel, why))
                continue
            try:
                st = (root / rel).stat()
            except FileNotFoundError:
                missing.add(rel)
                continue  # gone: a deletion if we know it
            except OSError as exc:
                broken.append(Broken(rel, DocumentError(rel, f"cannot read: {exc.strerror}")))
                continue
            files.append((rel, Stat(st.st_size, st.st_mtime_ns)))
        return Scope(
            tuple(files), tuple(broken), frozenset(scope), tuple(skipped), frozenset(missing)
        )

    def read(
        self, files: Iterable[tuple[str, Stat]], entries: Mapping[str, Entry]
    ) -> list[LocalItem]:
        """Each file as an item: Unchanged without reading it when its stat is the one in
        ``entries``; else read and mapped (Unchanged again if its bytes are the same)."""
        items: list[LocalItem | None] = []
        stale: list[tuple[int, str, Stat, Entry | None]] = []
        for rel, stat in files:
            entry = entries.get(rel)
            if entry is not None and (entry.size, entry.mtime_ns) == (stat.size, stat.mtime_ns):
                items.append(Unchanged(rel, stat))  # fast path: not even read
            else:
                stale.append((len(items), rel, stat, entry))
                items.append(None)
        if stale:
            # The reader and the Markdown renderer are imported only by a run with a file
            # to read; many files are read on every core (readpool.py).
            from wpsync.engine.readpool import ReadTask, load_all

            if self._on_phase is not None:
                self._on_phase(Phase(f"reading {plural(len(stale), 'file')}…", forks=True))
            tasks = [ReadTask(rel, stat, e.source_hash if e else None) for _, rel, stat, e in stale]
            for (index, *_), item in zip(stale, load_all(self.settings, tasks), strict=True):
                items[index] = self._noted(item)
            if self._on_phase is not None:
                self._on_phase(Phase("planning…"))
        return [item for item in items if item is not None]

    def read_one(self, rel: str, stat: Stat) -> LocalItem:
        """Read and map one file even though its bytes are known (references.py)."""
        return self.read([(rel, stat)], {})[0]

    def _noted(self, item: LocalItem) -> LocalItem:
        item = front_page(item, self.rules.layout.source)
        if isinstance(item, Changed):
            for warning in item.warnings:
                logger.warning("%s: %s", item.rel, warning)
                self._warn(f"{item.rel}: {warning}")
        return item


def local_items(config: Config, state: StateStore, rels: Sequence[str]) -> list[LocalItem]:
    """The files ``rels``, read, mapped and hashed exactly as a sync sees a new file
    (references completed: images, links, folder pages).  Sends nothing; for ``pull``
    and ``state rebuild``, which link files without syncing them.  The caller holds the
    folder lock."""
    from wpsync.engine.references import References, configured_engine

    reader = Reader(config.content)
    references = References(
        config.content.dir,
        state,
        block_editor=config.content.block_editor,
        markdown=configured_engine(config.content),
        dry_run=True,
        outline=reader.outline(),
        source=reader.rules.layout.source,
        dialect=content_dialect(config.content).dialect,
    )
    root = config.content.dir
    files = []
    for rel in rels:
        st = (root / rel).stat()
        files.append((rel, Stat(st.st_size, st.st_mtime_ns)))
    items = reader.read(files, {})
    return references.settle(items, state.entries(), set(rels), reader.read_one)
