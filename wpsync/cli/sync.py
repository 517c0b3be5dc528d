"""``wpsync sync``: the command over :func:`wpsync.engine.run.run_sync`."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wpsync.cli.common import (
    Globals,
    allow_mass_delete_option,
    deprecated_force,
    fail,
    force_option,
    load,
    lock_timeout_option,
    offline_option,
    overwrite_option,
)
from wpsync.cli.terminal import shown
from wpsync.errors import WpsyncError

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from wpsync.config import Config
    from wpsync.engine.lookahead import CheckedAhead
    from wpsync.engine.report import FileResult, SyncReport
    from wpsync.triggers.gitchanges import GitChanges
    from wpsync.wordpress.client import WordPressClient


def _print_result(result: FileResult, verbosity: int, ci: bool = False) -> None:
    action = result.action
    if action == "unchanged":  # the common case, printed only with -v: nothing to mask
        if verbosity >= 1:
            click.echo(f"unchanged {shown(result.path)}")
        return
    path = shown(result.path)
    if action == "failed":
        error = str(result.error or "")
        # A document error already starts with "path:line:"; don't say the path twice.
        where = "" if error.startswith(f"{result.path}:") else f"{path}: "
        click.echo(f"failed    {where}{shown(error)}", err=True)
        if result.hint:
            click.echo(f"          hint: {shown(result.hint)}", err=True)
    elif action == "conflict":
        ident = f" #{result.id}" if result.id else ""
        if ci:  # one line per file in a CI log
            detail = f" ({shown(result.detail)})" if result.detail else ""
            click.echo(f"conflict  {path}{ident}: {shown(result.error)}{detail}", err=True)
            return
        click.echo(f"conflict  {path}{ident}: {shown(result.error)}", err=True)
        if result.detail:
            click.echo(f"          {shown(result.detail)}", err=True)
    elif verbosity >= 0:
        ident = f" #{result.id}" if result.id else ""
        extra = f" ({shown(result.detail)})" if result.detail else ""
        link = f" {shown(result.link)}" if result.link and action != "deleted" else ""
        click.echo(f"{action:<9} {path}{ident}{link}{extra}")


def _summary(report: SyncReport) -> str:
    from wpsync.words import plural

    data = report.to_json()
    parts = [
        f"{data[k]} {label}" if label != "conflict" else plural(data[k], label)
        for k, label in (
            ("created", "created"),
            ("updated", "updated"),
            ("deleted", "deleted"),
            ("unchanged", "unchanged"),
            ("conflicts", "conflict"),
            ("failed", "failed"),
        )
        if data[k]
    ]
    prefix = "plan: " if report.dry_run else ""
    return prefix + (", ".join(parts) or "nothing to sync")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", "-n", is_flag=True, help="Show what would happen; change nothing.")
@overwrite_option
@allow_mass_delete_option
@force_option
@offline_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object with every file's outcome."
)
@lock_timeout_option
@click.option(
    "--changed",
    "changed",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[REV_RANGE]",
    help="Only the Markdown files a git commit or range touched (default: the last commit).",
)
@click.pass_obj
def sync(
    g: Globals,
    paths: tuple[Path, ...],
    dry_run: bool,
    overwrite: bool,
    allow_mass_delete: bool,
    force: bool,
    offline: bool,
    as_json: bool,
    lock_timeout: float,
    changed: str | None,
) -> None:
    """Publish the content folder (or only PATHS) to WordPress.

    Only files that changed since the last run are sent.  Posts edited, trashed or
    deleted in WordPress since the last sync are noticed (two small requests per post
    type; none with --offline): a post deleted there is published again with its old
    slug; an edited or trashed one is a conflict, left alone (`wpsync resolve`, or
    --overwrite sends the files over them).  A deletion of many posts at once is refused
    unless --allow-mass-delete.

    \b
    Examples:
      wpsync sync                       # everything
      wpsync sync content/hello.md      # just this file
      wpsync sync --dry-run             # what would happen
      wpsync sync --json | jq .failed   # for scripts
      wpsync sync --changed             # what the last commit touched (git hooks)
      wpsync sync --changed main..HEAD  # what these commits touched
      wpsync --ci sync                  # plain output for a CI log
    """
    from wpsync.cli.exiting import one_shot
    from wpsync.cli.terminal import progress_bar

    one_shot()
    bar = progress_bar(
        quiet=g.verbosity < 0, as_json=as_json, ci=g.ci
    ).begin()  # before the imports
    overwrite, allow_mass_delete = deprecated_force(force, overwrite, allow_mass_delete)
    early: _Early | None = None
    try:
        config = load(g)
        asked: Future[GitChanges] | None = None
        if changed is not None:
            if paths:
                raise click.UsageError("give PATHS or --changed, not both")
            asked = _ask_git(config.content.dir, changed or None)
        if (paths or changed is not None) and not (dry_run or offline):
            # A hook's run (or one over some files): what it asks WordPress before it
            # writes is asked as soon as its files are known, answered meanwhile.
            early = _ask_early(config, paths, asked)
        from wpsync.engine.report import SyncReport
        from wpsync.engine.run import SyncRequest, import_pipeline, run_sync

        if paths or changed is not None or dry_run:
            # A run that is never at rest (engine/run.py) needs the pipeline: imported
            # now, while git answers (--changed), and before the collector is frozen.
            import_pipeline()
        # What the imports made lives until the exit: the cyclic collector stops walking
        # it (over a big folder's run it walked it again and again: ~30 ms of a
        # 10,000-file no-op).
        gc.freeze()

        renames: tuple[tuple[Path, Path], ...] = ()
        if asked is not None:
            found = asked.result()
            if not found.paths:  # nothing of ours in that commit: not a full sync
                if as_json:
                    click.echo(json.dumps(SyncReport(files=()).to_json()))
                sys.exit(0)
            paths, renames = found.paths, found.renames
        request = SyncRequest(
            paths=paths or None,
            dry_run=dry_run,
            overwrite=overwrite,
            allow_mass_delete=allow_mass_delete,
            offline=offline,
            lock_timeout=lock_timeout,
            renames=renames,
            strict_paths=changed is None,  # a mistyped PATH fails; a hook's deleted one not
            checked=early.checked if early is not None else None,
        )
        printer = None if as_json else (lambda r: _print_result(r, g.verbosity, g.ci))
        with bar:
            report = run_sync(
                config,
                request,
                client=early.client if early is not None else None,
                on_result=bar.wrap(printer),
                on_plan=bar.on_plan,
                on_phase=bar.on_phase,
                # an unchanged file is a line with -v only, and a step of a drawn bar
                unchanged_results=bar.enabled or (printer is not None and g.verbosity >= 1),
            )
    except WpsyncError as exc:
        bar.finish()
        _refused(exc, as_json)
        fail(exc, as_json)
    finally:
        bar.finish()  # idempotent: the line is erased whatever ends the run
        if early is not None:
            early.close()
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=None))
    elif g.verbosity >= 0 and (
        g.ci
        or report.exit_code
        or g.verbosity >= 1
        or (_changed(report) and changed is None)  # a hook: one line per post is enough
        or dry_run
    ):
        from wpsync.engine.reading import content_dialect

        detected = content_dialect(config.content)
        if detected.dialect != "plain":
            click.echo(f"dialect: {detected.dialect} ({shown(detected.reason)})")
        click.echo(_summary(report))
    sys.exit(report.exit_code)


def _ask_git(content_dir: Path, rev_range: str | None) -> Future[GitChanges]:
    """What the commits touched (``git diff``), asked on a thread of its own: git runs
    while this thread imports the engine, instead of before."""
    from concurrent.futures import ThreadPoolExecutor

    def ask() -> GitChanges:
        from wpsync.triggers.gitchanges import changed_files

        return changed_files(content_dir, rev_range)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wpsync-git")
    try:
        return pool.submit(ask)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one job


class _Early:
    """What a run over some files asked before it started (engine/lookahead.py): the
    client that asked, lent to the run, and the pool its answers come on."""

    def __init__(self, client: WordPressClient, checked: CheckedAhead, pool: Executor) -> None:
        self.client = client
        self.checked = checked
        self._pool = pool

    def close(self) -> None:
        self._pool.shutdown(wait=True)  # nothing in flight when the client closes
        self.client.close()


def _ask_early(
    config: Config, paths: tuple[Path, ...], asked: Future[GitChanges] | None
) -> _Early | None:
    """Ask what the run over ``paths`` (or the files git names) will ask WordPress first:
    its edit check, the user's rights, the files' terms — answered while the rest of the
    pipeline is imported, instead of after."""
    from concurrent.futures import ThreadPoolExecutor

    import wpsync.wordpress.client  # noqa: F401  (httpx: imported while git answers)

    if asked is not None:
        try:
            paths = asked.result().paths
        except Exception:  # (the run says what went wrong: asked.result() again)
            return None
    if not paths:
        return None
    from wpsync.engine.lookahead import ask_before_run
    from wpsync.wordpress.connect import open_client

    pool = ThreadPoolExecutor(max_workers=6, thread_name_prefix="wpsync-early")
    try:
        got = ask_before_run(config, paths, open_client, pool)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    if got is None:
        pool.shutdown(wait=False)
        return None
    client, checked = got
    return _Early(client, checked, pool)


def _changed(report: SyncReport) -> bool:
    return report.count("unchanged") != len(report.files)


def _refused(exc: WpsyncError, as_json: bool) -> None:
    """A refused mass deletion: every file it would have touched, before the error."""
    from wpsync.errors import SafetyError

    if isinstance(exc, SafetyError) and not as_json:
        for path in exc.paths:
            click.echo(f"refused   {shown(path)}: its post would be deleted", err=True)
