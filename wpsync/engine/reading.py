"""Reading the content folder as a sync sees it: which files a run covers, and each
changed file read and mapped (on every core when there are many: readpool.py).

The executor reads through a :class:`Reader`; :func:`local_items` reads given files the
same way, references completed, for the commands that link files without syncing them
(``pull``, ``state rebuild``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wpsync.engine.paths import content_rel, rel_of
from wpsync.engine.plan import Broken, Changed, LocalItem, Stat, Unchanged
from wpsync.engine.references import References, configured_engine
from wpsync.errors import DocumentError

if TYPE_CHECKING:
    from wpsync.config import Config, ContentConfig
    from wpsync.engine.readpool import ReadSettings
    from wpsync.model import Entry
    from wpsync.source.dialect import Detected
    from wpsync.store.state import StateStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """What a run looks at: the files to look at (rel, stat), the paths that could not
    be scanned or are not content, and every rel in scope (a listed file that no longer
    exists included: a deletion if it is known)."""

    files: tuple[tuple[str, Stat], ...]
    broken: tuple[Broken, ...]
    rels: frozenset[str]


def read_settings(content: ContentConfig) -> ReadSettings:
    """What reading and mapping a file needs from the configuration (picklable)."""
    from wpsync.engine.readpool import ReadSettings

    dialect = content_dialect(content).dialect
    vault = None
    if dialect == "obsidian":  # links name files anywhere in the vault: list them once
        from wpsync.source.vault import scan_vault

        vault = scan_vault(content.dir, content.project)
    return ReadSettings(
        str(content.dir),
        int(content.max_file_mb * 1024 * 1024),
        content.default_type,
        content.default_status,
        content.markdown,
        dialect,
        vault,
    )


def content_dialect(content: ContentConfig) -> Detected:
    """The dialect of the content folder: ``[content] dialect``, or detected for "auto"."""
    from wpsync.source.dialect import choose_dialect

    return choose_dialect(content.dialect, content.dir, content.project or content.dir)


class Reader:
    """Reads and maps the files of one run; the mapping's warnings are logged and
    passed to ``warn``."""

    def __init__(
        self, content: ContentConfig, *, warn: Callable[[str], None] = lambda _: None
    ) -> None:
        self._content = content
        self._warn = warn
        self._settings: ReadSettings | None = None

    @property
    def settings(self) -> ReadSettings:
        """What mapping needs, made once per run (an Obsidian vault is listed once)."""
        if self._settings is None:
            self._settings = read_settings(self._content)
        return self._settings

    def scope(self, paths: Sequence[Path] | None) -> Scope:
        """The files to look at: the whole folder (``paths`` None), else these paths."""
        from wpsync.source.content import is_markdown, scan_content

        root = self._content.dir
        broken: list[Broken] = []
        if paths is None:
            scan = scan_content(root)
            for error in scan.errors:
                broken.append(Broken(rel_of(error.path, root), error))
            files = [(f.rel, Stat(f.size, f.mtime_ns)) for f in scan.files]
            rels = {rel for rel, _ in files} | {b.rel for b in broken}
            return Scope(tuple(files), tuple(broken), frozenset(rels))
        files = []
        scope: set[str] = set()
        for raw in paths:
            rel = content_rel(raw, root)
            if rel is None:
                broken.append(
                    Broken(str(raw), DocumentError(raw, f"not inside the content folder {root}"))
                )
                continue
            if not is_markdown(rel):
                continue
            scope.add(rel)
            try:
                st = (root / rel).stat()
            except FileNotFoundError:
                continue  # gone: a deletion if we know it
            except OSError as exc:
                broken.append(Broken(rel, DocumentError(rel, f"cannot read: {exc.strerror}")))
                continue
            files.append((rel, Stat(st.st_size, st.st_mtime_ns)))
        return Scope(tuple(files), tuple(broken), frozenset(scope))

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

            tasks = [ReadTask(rel, stat, e.source_hash if e else None) for _, rel, stat, e in stale]
            for (index, *_), item in zip(stale, load_all(self.settings, tasks), strict=True):
                items[index] = self._noted(item)
        return [item for item in items if item is not None]

    def read_one(self, rel: str, stat: Stat) -> LocalItem:
        """Read and map one file even though its bytes are known (references.py)."""
        return self.read([(rel, stat)], {})[0]

    def _noted(self, item: LocalItem) -> LocalItem:
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
    reader = Reader(config.content)
    references = References(
        config.content.dir,
        state,
        block_editor=config.content.block_editor,
        markdown=configured_engine(config.content),
        dialect=content_dialect(config.content).dialect,
        dry_run=True,
    )
    root = config.content.dir
    files = []
    for rel in rels:
        st = (root / rel).stat()
        files.append((rel, Stat(st.st_size, st.st_mtime_ns)))
    items = reader.read(files, {})
    return references.settle(items, state.entries(), set(rels), reader.read_one)
