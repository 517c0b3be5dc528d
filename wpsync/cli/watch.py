"""``wpsync watch``: the command over :mod:`wpsync.triggers.watch`."""

from __future__ import annotations

import logging
import sys

import click

from wpsync.cli.common import Globals, fail, load
from wpsync.errors import WpsyncError

#: loggers whose INFO lines repeat what the daemon says in its own one line per event
_CHATTY = (
    "wpsync.engine.executor",
    "wpsync.wordpress.client",
    "wpsync.wordpress.auth",
    "wpsync.wordpress.rest",
    "wpsync.wordpress.transport",
    "wpsync.wordpress.batch_route",
    "wpsync.store.state",
    "wpsync.store.lock",
)


@click.command()
@click.option(
    "--poll",
    is_flag=True,
    default=None,
    help="Poll the folder instead of inotify (network shares). Default: watch.poll.",
)
@click.pass_obj
def watch(g: Globals, poll: bool | None) -> None:
    """Publish changes as you save them, until stopped (Ctrl-C, SIGTERM).

    First a full sync; then each Markdown file saved, created, moved or deleted in the
    content folder is published once it has been quiet for watch.debounce_ms (a save by
    rename, as vim or JetBrains do it, is an update; a move keeps its post). A full
    reconcile runs every watch.reconcile_minutes (and on SIGHUP). If WordPress cannot be
    reached, changes are kept and retried. Logs go to stderr, one line per event.

    \b
    Example:
      wpsync watch                   # in a terminal, or as a systemd user service
      wpsync -c ~/blog/config.toml watch --poll    # a network share
      systemctl --user start wpsync  # see contrib/wpsync.service
    """
    from wpsync.logsetup import configure
    from wpsync.triggers.watch import WatchOptions, serve

    # A service logs its events: INFO by default (-q: errors only, -v: every module);
    # under systemd each line carries its priority for the journal.
    configure(g.verbosity if g.verbosity != 0 else 1, daemon=True)
    if g.verbosity <= 0:
        for name in _CHATTY:
            logging.getLogger(name).setLevel(logging.WARNING)
    try:
        config = load(g)
        code = serve(config, WatchOptions.from_config(config, poll=poll))
    except WpsyncError as exc:
        fail(exc)
    sys.exit(code)
