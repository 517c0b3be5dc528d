"""What a sync run is asked (:class:`SyncRequest`), and what it saw before the pipeline
was imported (:class:`FirstLook`: engine/run.py hands it to engine/executor.py)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wpsync.engine.lookahead import CheckedAhead
    from wpsync.engine.reading import Reader, Scope
    from wpsync.engine.remote import Findings
    from wpsync.engine.remotecheck import RemoteCheck
    from wpsync.source.summary import Outline


@dataclass(frozen=True)
class SyncRequest:
    """What to sync.  ``paths`` None = the whole folder; else only these files (a path
    that no longer exists is a deletion).  ``renames``: (old, new) moves among ``paths``
    that the caller saw happen, so the post follows its file.  ``cancel``: once set, no
    further request starts (the ones in flight finish and are recorded)."""

    paths: tuple[Path, ...] | None = None
    dry_run: bool = False
    #: deprecated: both ``overwrite`` and ``allow_mass_delete``
    force: bool = False
    #: overwrite posts edited or trashed in WordPress since the last sync
    overwrite: bool = False
    allow_mass_delete: bool = False
    #: skip the check for changes made in WordPress (no request when nothing changed)
    offline: bool = False
    lock_timeout: float | None = 600.0
    renames: tuple[tuple[Path, Path], ...] = ()
    cancel: threading.Event | None = field(default=None, compare=False)
    #: a path neither there nor synced fails (the CLI's PATHS; not a hook's deleted file)
    strict_paths: bool = False
    #: the edit check of ``paths``' posts, asked before the run (engine/lookahead.py)
    checked: CheckedAhead | None = field(default=None, compare=False)


@dataclass
class FirstLook:
    """What a run looked at before it knew it had work to do (engine/run.py), handed to
    the pipeline (engine/executor.py): the reader and its scan of the run's scope, the
    book's outline, the remote check (its baselines read if it was asked) and the
    warnings so far.  ``context``: the at-rest mark's digest of a run that leaves one
    (quiet.py; "" otherwise); ``found``: what the remote check of a folder otherwise at
    rest found (None: not asked yet).

    Not frozen: the pipeline takes the scan (:meth:`take_scope`), so that a big folder's
    is dropped before the writes, as its own would be."""

    reader: Reader
    scope: Scope | None
    outline: Outline
    remote: RemoteCheck
    warnings: list[str]
    context: str = ""
    found: Findings | None = None

    def take_scope(self) -> Scope:
        """The scan, given away (once)."""
        scope, self.scope = self.scope, None
        if scope is None:
            raise RuntimeError("the scan was taken already")
        return scope
