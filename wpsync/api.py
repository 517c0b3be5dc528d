"""wpsync as a library: what a Python program may call, in four functions.

    import wpsync

    config = wpsync.load_config(Path("config.toml"))   # validated, paths resolved
    report = wpsync.plan(config)                        # what a sync would do; changes nothing
    report = wpsync.sync(config)                        # publish; a SyncReport per file
    mapped = wpsync.render_file(config, Path("content/hello.md"))   # the payload, offline

These are the same code paths the command line runs (``wpsync sync``, ``wpsync plan``): the
folder lock, the state file, retries, conflicts and the mass-deletion guard all apply.
Errors are :class:`wpsync.errors.WpsyncError` subclasses.  Everything else in the package is
internal and may move between releases; ``tests/unit/test_public_api.py`` guards this list.

The heavy modules (httpx, the Markdown renderer) are imported by the first call, not by
``import wpsync``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from wpsync.config import Config, load_config

if TYPE_CHECKING:
    from wpsync.engine.preview import PlanReport
    from wpsync.engine.report import FileResult, SyncReport
    from wpsync.source.mapping import Mapped

__all__ = ["load_config", "plan", "render_file", "sync"]


def sync(
    config: Config,
    paths: list[Path] | tuple[Path, ...] | None = None,
    *,
    dry_run: bool = False,
    force: bool = False,
    lock_timeout: float | None = 600.0,
    on_result: Callable[[FileResult], None] | None = None,
    overwrite: bool = False,
    allow_mass_delete: bool = False,
    offline: bool = False,
) -> SyncReport:
    """Publish the folder (or only ``paths``: files under the content folder; a path that
    no longer exists is a deletion) as ``wpsync sync`` does.  ``on_result`` sees each
    file's outcome as it happens.  ``report.exit_code`` is the command's exit status.
    ``overwrite``: send files over posts edited in WordPress; ``allow_mass_delete``: pass
    the mass-deletion guard (``force``, deprecated, means both); ``offline``: do not check
    WordPress for edits made there."""
    from wpsync.engine.run import SyncRequest, run_sync

    request = SyncRequest(
        paths=tuple(paths) if paths is not None else None,
        dry_run=dry_run,
        overwrite=overwrite or force,
        allow_mass_delete=allow_mass_delete or force,
        offline=offline,
        lock_timeout=lock_timeout,
    )
    return run_sync(config, request, on_result=on_result)


def plan(
    config: Config,
    paths: list[Path] | tuple[Path, ...] | None = None,
    *,
    diff: bool = False,
    lock_timeout: float | None = 600.0,
) -> PlanReport:
    """What a sync would do, file by file (``wpsync plan``): only GET requests are sent.
    ``diff``: each update carries the differences to what WordPress holds."""
    from wpsync.engine.preview import run_plan

    return run_plan(
        config,
        paths=tuple(paths) if paths is not None else None,
        diff=diff,
        lock_timeout=lock_timeout,
    )


def render_file(config: Config, path: Path) -> Mapped:
    """One Markdown file read and mapped as a sync would (front matter → fields, Markdown
    → HTML), without any request: ``.payload`` and ``.warnings``.  ``path`` is absolute or
    relative to the working directory, and must lie in the content folder.  Raises
    :class:`wpsync.errors.DocumentError` (file and line) for a file a sync would fail."""
    from wpsync.errors import DocumentError
    from wpsync.source.content import read_document
    from wpsync.source.mapping import MappingDefaults, map_document

    root = config.content.dir
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        rel = absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise DocumentError(str(path), f"is not in the content folder {root}") from None
    doc = read_document(root, rel, max_bytes=int(config.content.max_file_mb * 1024 * 1024))
    from wpsync.engine.reading import read_settings

    settings = read_settings(config.content)  # the dialect, and an Obsidian vault's files
    defaults = MappingDefaults(
        settings.default_type,
        config.content.default_status,
        config.content.markdown,
        settings.dialect,
        settings.vault,
    )
    from wpsync.source.site import Site

    return map_document(doc, defaults, Site(root))
