"""Reading and mapping the changed files of a run, on every core when there are many.

Rendering Markdown is the costliest thing wpsync itself does (a few milliseconds a file,
all Python).  A first publish of a big folder renders everything before the first request
leaves, while WordPress waits; with several cores the files are read and mapped by a few
forked worker processes instead.

Forking is only safe from a process with one thread (a lock held by another thread at the
fork stays held in the child), so the pool is used only then — the command line — and
never in the watch daemon, whose observer and scheduler threads run beside it.  Anything
unexpected about the pool (no ``fork`` on this platform, a worker that died) falls back
to reading in this process: the result is the same, only slower.

:func:`load` is the pure part (no state; it logs only an unexpected exception's
traceback, at debug level): it runs in the workers.  Whatever goes wrong reading or
mapping one file — an exception no one foresaw included — fails that file alone
(:func:`unreadable`); the run goes on.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wpsync.config import Dialect, MarkdownEngine
from wpsync.engine.items import Broken, Changed, LocalItem, Stat, Unchanged, payload_hash
from wpsync.errors import DocumentError

if TYPE_CHECKING:
    from wpsync.model import Document
    from wpsync.source.mapping import Terms
    from wpsync.source.site import Site
    from wpsync.source.vault import VaultIndex

logger = logging.getLogger(__name__)

#: Fewer changed files than this are read in this process (a pool costs ~20 ms a worker).
MIN_FILES = 64
MAX_WORKERS = 4


@dataclass(frozen=True)
class ReadSettings:
    """What reading and mapping a file needs from the configuration (picklable)."""

    root: str
    max_bytes: int
    default_type: str
    default_status: str
    markdown: MarkdownEngine = "commonmark"
    dialect: Dialect = "plain"
    #: an Obsidian vault's files (``reading.read_settings`` lists them once per run)
    vault: VaultIndex | None = None


@dataclass(frozen=True)
class ReadTask:
    """One file to read and map."""

    rel: str
    stat: Stat
    known_hash: str | None  # the source hash in the state (None: a new file)


def load(
    settings: ReadSettings, task: ReadTask, site: Site | None = None, real_root: str | None = None
) -> LocalItem:
    """Read and map one file: Unchanged (same bytes as pushed), Changed or Broken.
    ``site``: the folder as the files of one run share it (else made for this file);
    ``real_root``: the content folder's real path, as :func:`_real_root` resolved it for
    the files read together (else resolved for this file)."""
    from pathlib import Path

    from wpsync.source.mapping import MappingDefaults, map_document
    from wpsync.source.site import Site

    try:
        doc = _read_settled(settings, task, real_root)
        if task.known_hash is not None and doc.source_hash == task.known_hash:
            return Unchanged(task.rel, task.stat)
        defaults = MappingDefaults(
            settings.default_type,
            settings.default_status,
            settings.markdown,
            settings.dialect,
            settings.vault,
        )
        mapped = map_document(doc, defaults, site or Site(Path(settings.root)))
    except DocumentError as error:
        return Broken(task.rel, error)
    except Exception as exc:  # a bug in a parser or mapper: this file fails, not the run
        return Broken(task.rel, unreadable(task.rel, exc))
    return Changed(
        task.rel,
        task.stat,
        doc.source_hash,
        mapped.payload,
        payload_hash(mapped.payload),
        mapped.warnings,
    )


#: A file that cannot be read as a document and whose size or modification time moved
#: since the folder was listed is being saved (an editor truncates, then writes): it is
#: read again after each of these pauses (seconds) before its error counts.
SAVING_PAUSES = (0.05, 0.15, 0.4)


def terms_hint(settings: ReadSettings, rel: str, stat: Stat) -> Terms | None:
    """The terms a file's front matter names, read without rendering it (a hint:
    :func:`wpsync.source.mapping.terms_hint`); None when it cannot be read or mapped (its
    read says why)."""
    from wpsync.source.mapping import MappingDefaults
    from wpsync.source.mapping import terms_hint as hint

    try:
        doc = _read_settled(settings, ReadTask(rel, stat, None))
        defaults = MappingDefaults(
            settings.default_type,
            settings.default_status,
            settings.markdown,
            settings.dialect,
            settings.vault,
        )
        return hint(doc, defaults)
    except Exception as exc:  # DocumentError or a bug: the read reports it with its file
        logger.debug("%s: no terms hint: %s", rel, exc)
        return None


def _read_settled(settings: ReadSettings, task: ReadTask, real_root: str | None = None) -> Document:
    from pathlib import Path

    from wpsync.source.content import read_document

    root = Path(settings.root)
    for pause in (*SAVING_PAUSES, None):
        try:
            return read_document(root, task.rel, max_bytes=settings.max_bytes, real_root=real_root)
        except DocumentError:
            if pause is None or not _moved(root / task.rel, task.stat):
                raise
            logger.debug("%s changed while it was read (being saved?): reading it again", task.rel)
            time.sleep(pause)
    raise AssertionError("unreachable")  # the last pass returns or raises


def _moved(path: os.PathLike[str], stat: Stat) -> bool:
    """Whether the file's size or modification time differ from the listing's."""
    try:
        now = os.stat(path)
    except OSError:
        return False  # gone: its error stands
    return (now.st_size, now.st_mtime_ns) != (stat.size, stat.mtime_ns)


def unreadable(rel: str, exc: Exception, what: str = "read") -> DocumentError:
    """The error of a file that raised something unexpected while being read or
    rendered (``what``); the traceback goes to the debug log."""
    logger.debug("%s: unexpected error", rel, exc_info=exc)
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    message = f"could not be {what}: {type(exc).__name__}" + (f": {detail}" if detail else "")
    return DocumentError(rel, message, hint="-vv shows the traceback; please report it")


# A DocumentError does not survive pickling (its constructor takes more than its message),
# so a worker sends the parts of one and the parent builds it again.
_Sent = LocalItem | tuple[str, str, str, int | None, str | None]


def _load_chunk(settings: ReadSettings, tasks: Sequence[ReadTask]) -> list[_Sent]:
    site = _site(settings)
    real_root = _real_root(settings)
    out: list[_Sent] = []
    for task in tasks:
        item = load(settings, task, site, real_root)
        if isinstance(item, Broken):
            error = item.error
            out.append((item.rel, error.path, error.reason, error.line, error.hint))
        else:
            out.append(item)
    return out


def _received(sent: _Sent) -> LocalItem:
    if isinstance(sent, tuple):
        rel, path, reason, line, hint = sent
        return Broken(rel, DocumentError(path, reason, line=line, hint=hint))
    return sent


def workers_for(count: int) -> int:
    """How many worker processes to read ``count`` files with (0: read them here)."""
    cores = os.cpu_count() or 1
    if count < MIN_FILES or cores < 2 or threading.active_count() > 1:
        return 0
    import multiprocessing  # not imported by the runs with a few files to read

    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(cores, MAX_WORKERS)


def load_all(settings: ReadSettings, tasks: Sequence[ReadTask]) -> list[LocalItem]:
    """Every task's item, in order: in worker processes when it pays, else here."""
    workers = workers_for(len(tasks))
    if workers:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return _in_pool(settings, tasks, workers)
        except (BrokenProcessPool, OSError) as exc:
            logger.info("reading in worker processes failed (%s): reading here", exc)
    site = _site(settings)
    real_root = _real_root(settings)
    return [load(settings, task, site, real_root) for task in tasks]


def warm(markdown: MarkdownEngine, block_editor: bool, *, parser: bool = False) -> None:
    """Import what reading, mapping and rendering changed files will need (the Markdown
    engine, YAML, the mappers, the block converter: ~0.1 s of CPU) — meant for a thread of
    its own while the run waits for WordPress's first answers (the edit check, the user's
    rights), so that the reads find them imported; ``parser``: also build this thread's
    Markdown parser (~5 ms), for a thread that reads or forks the read pool (whose workers
    then inherit it).  Nothing else is done here: an import that fails is left to fail
    again where the read imports it, with its file."""
    import importlib

    names = [
        "wpsync.source.content",
        "wpsync.source.front_matter",  # (content imports it, and YAML, at the first read)
        "wpsync.source.mapping",
        "wpsync.source.render",
    ]
    names.append(
        "wpsync.source.commonmark" if markdown == "commonmark" else "wpsync.source.pymarkdown"
    )
    if block_editor:
        names.append("wpsync.source.blocks")
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # the read imports it again and reports it
            logger.debug("importing %s ahead failed: %s", name, exc)
            return
    if parser:
        from wpsync.source.render import prepare

        prepare(markdown)


def _site(settings: ReadSettings) -> Site:
    """One view of the folder for the files read together (it lists the folder at most
    once, for Hugo's ``ref`` by name)."""
    from pathlib import Path

    from wpsync.source.site import Site

    return Site(Path(settings.root))


def _real_root(settings: ReadSettings) -> str:
    """The content folder's real path, resolved once for the files read together (each
    file is still resolved whole and read only if it lies inside it: ~15 µs a file less)."""
    return os.path.realpath(settings.root)


def _in_pool(settings: ReadSettings, tasks: Sequence[ReadTask], workers: int) -> list[LocalItem]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # What the workers run, imported (and the parser built) once here before the fork
    # (copy-on-write) rather than once in each worker: markdown-it, YAML, the mappers cost
    # ~0.1 s of CPU to import.  (A first publish did it while WordPress counted its posts:
    # recognised.py.)
    warm(settings.markdown, False, parser=True)
    size = max(8, len(tasks) // (workers * 4))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_started
    ) as pool:
        results = pool.map(_load_chunk, [settings] * len(chunks), chunks)
        return [_received(sent) for chunk in results for sent in chunk]


def _worker_started() -> None:
    """A worker must neither keep the folder lock it inherited nor outlive its parent:
    after a ``kill -9`` of wpsync, an orphaned worker holding the lock would make every
    later run wait for it."""
    import contextlib
    import gc

    # What the worker inherited (every module, the run's state) is never garbage: out of
    # the collector's sight, whose passes would otherwise walk it again and again while
    # markdown-it allocates (~5 % of a worker's CPU), touching — copying — its pages.
    gc.freeze()

    from wpsync.store.lock import held_lock_fds

    for fd in held_lock_fds():
        with contextlib.suppress(OSError):
            os.close(fd)  # the parent's lock stays: it holds its own descriptor
    import signal

    # Ctrl-C reaches the whole process group: the parent stops the run, cleanly; a
    # worker is not to print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)
