"""Where every sync run starts (the ``sync`` command, the watcher, git hooks, the API):
the folder lock, the state, the scan — and a folder at rest (quiet.py) answered here,
before the pipeline (engine/executor.py: planning, permissions, references, writes) is
even imported.  A run with something to do is handed over to it with what was looked at
(:class:`~wpsync.engine.request.FirstLook`), so nothing is scanned or asked twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from wpsync.engine import quiet
from wpsync.engine.reading import Reader, content_dialect
from wpsync.engine.remotecheck import RemoteCheck
from wpsync.engine.report import AtRest, FileResult, Phase, SyncReport
from wpsync.engine.request import FirstLook, SyncRequest
from wpsync.errors import ConfigError
from wpsync.source import versions
from wpsync.store.lock import FolderLock
from wpsync.store.state import KeptStore, StateStore
from wpsync.wordpress.connect import ClientFactory, RunClient, open_client

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.engine.plan import Action
    from wpsync.engine.reading import Scope
    from wpsync.source.summary import Outline
    from wpsync.wordpress.client import WordPressClient

__all__ = ["SyncRequest", "first_look", "import_pipeline", "rest_context", "run_sync"]


def run_sync(
    config: Config,
    request: SyncRequest,
    *,
    client_factory: ClientFactory = open_client,
    on_result: Callable[[FileResult], None] | None = None,
    on_plan: Callable[[Sequence[Action]], None] | None = None,
    keep: KeptStore | None = None,
    client: WordPressClient | None = None,
    on_phase: Callable[[Phase], None] | None = None,
    unchanged_results: bool = True,
) -> SyncReport:
    """Sync (or, with ``request.dry_run``, only plan).  ``on_plan`` sees the planned
    actions before any is carried out (one result follows per action: a progress total);
    ``on_result`` each file's outcome as it happens — with ``unchanged_results`` False,
    only those of the files that are not unchanged (a caller that shows none of those:
    a folder at rest then costs it nothing per file) —, ``on_phase`` the steps before it
    (the lock, reading, planning).  ``keep``: a long-lived
    process's state store, kept open between runs (else the state is opened and closed).

    Who owns the WordPress client: with ``client`` the caller lends one (a long-lived
    process's: one connection pool, one token) and closes it itself; without, the run opens
    one with ``client_factory`` when it first needs it and closes it at its end."""
    root = config.content.dir
    if not root.is_dir():
        raise ConfigError(
            f"content folder {root} does not exist",
            hint="check [content] dir in config.toml (is the folder mounted?)",
        )
    run_client = RunClient(config, factory=client_factory, lent=client)
    lock = FolderLock(config.state.path)
    phase = on_phase or (lambda _: None)
    tell = _Tell(on_result, on_plan, phase, unchanged_results)
    lock.acquire(request.lock_timeout, on_wait=lambda what: phase(Phase(what, waiting=True)))
    try:
        if keep is None:
            # (its integrity check runs beside the scan: verified in _run before the rest)
            with StateStore.open(config.state.path, config.site.url, verify_later=True) as state:
                return _run(config, request, state, run_client, tell)
        try:
            state = keep.get(config.state.path, config.site.url)
            return _run(config, request, state, run_client, tell)
        except BaseException:
            keep.drop()  # the next run reads the file afresh
            raise
    finally:
        lock.release()


@dataclasses.dataclass(frozen=True)
class _Tell:
    """Who hears of the run as it goes (run_sync's callbacks)."""

    on_result: Callable[[FileResult], None] | None
    on_plan: Callable[[Sequence[Action]], None] | None
    on_phase: Callable[[Phase], None]
    unchanged_results: bool


def _run(
    config: Config, request: SyncRequest, state: StateStore, client: RunClient, tell: _Tell
) -> SyncReport:
    try:
        look = first_look(
            config, request, state, tell.on_phase, client=None if request.offline else client.get
        )
        state.verify()  # the state file's check, begun at open, before anything reads more
        if look.context:
            # A whole folder unchanged since a run that found nothing to do (quiet.py): no
            # entry or file is read, settled or planned, unless the remote check finds
            # something (then the run goes on with what it found).
            rest = quiet.at_rest(state, look.context, config.content.dir, _scope(look))
            if rest is not None:
                found = None
                if not request.offline:
                    found = look.remote.run_at_rest(client.get, rest.types, look.warnings.append)
                if found is None or (not found.changed and not found.gone):
                    return _at_rest(state, client, look, tell)
                look.found = found
        from wpsync.engine.executor import execute  # a run with something to look into

        return execute(
            config,
            request,
            state,
            client,
            look,
            on_result=tell.on_result,
            on_plan=tell.on_plan,
            unchanged_results=tell.unchanged_results,
        )
    finally:
        client.close()  # if the run opened it


def import_pipeline() -> None:
    """Import the pipeline ahead of a run that will need it (one over some files, a dry
    run: never at rest), at a moment the caller chooses."""
    import wpsync.engine.executor  # noqa: F401


def first_look(
    config: Config,
    request: SyncRequest,
    state: StateStore,
    on_phase: Callable[[Phase], None] = lambda _: None,
    *,
    client: Callable[[], WordPressClient] | None = None,
) -> FirstLook:
    """What every run looks at first: what is content, the book's outline, the scan of
    the run's scope; and, for a whole-folder run that is not a dry one (it leaves an
    at-rest mark, or drops it), the mark's context.  With a ``client``, such a run whose
    folder was at rest last time sends the remote check's questions before the scan
    (:meth:`RemoteCheck.ask_early`): their round trip passes while it scans."""
    warnings: list[str] = []
    reader = Reader(config.content, warn=warnings.append, on_phase=on_phase)
    outline = reader.outline()
    context = ""
    remote = RemoteCheck(state, config.sync.concurrency)
    if request.paths is None and not request.dry_run:
        context = rest_context(config, reader, outline)
        mark = quiet.Rest.load(state.mark(quiet.MARK)) if client is not None else None
        if client is not None and mark is not None:
            remote.ask_early(client(), mark.types)
    scope = reader.scope(request.paths)
    return FirstLook(reader, scope, outline, remote, warnings, context)


def rest_context(config: Config, reader: Reader, outline: Outline) -> str:
    """The at-rest mark's context (:func:`quiet.context_digest`) of this configuration."""
    dialect = content_dialect(config.content).dialect
    return quiet.context_digest(
        config,
        renderer=versions.renderer_identity(config.content.markdown)
        + versions.dialect_identity(dialect),
        dialect=dialect,
        source=reader.rules.layout.source,
        outline=outline,
    )


def _scope(look: FirstLook) -> Scope:
    assert look.scope is not None  # (not taken before the pipeline)
    return look.scope


def _at_rest(state: StateStore, client: RunClient, look: FirstLook, tell: _Tell) -> SyncReport:
    """Every file unchanged, told without reading one (quiet.py): the results, and the
    remote check's baseline moved on, as a run that planned them all would."""
    scope = _scope(look)
    rels = [rel for rel, _ in scope.files]  # sorted, as scanned
    if tell.on_plan is not None:
        tell.on_plan(quiet.Kept(rels, state))
    on_result = tell.on_result if tell.unchanged_results else None
    rows = state.post_links()  # the same files (quiet.py): in the same order?
    if [row[0] for row in rows] != rels:
        posts = {row[0]: row for row in rows}  # (SQLite's order of names is not ours)
        rows = [posts[rel] for rel in rels]
    results = AtRest(rows)
    if on_result is not None:
        for result in results:
            on_result(result)
    # (no conflict, create or deletion among them: the baseline moves as after any)
    look.remote.settle(client.get, (), results, {})
    return SyncReport(
        files=results,
        requests=client.request_count,
        warnings=tuple(look.warnings),
        skipped=scope.skipped,
    )
