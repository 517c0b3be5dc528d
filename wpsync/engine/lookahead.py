"""What a run over some files asks WordPress before it starts: its edit check, and for a
hook's run the user's rights and the changed files' terms too.

- The watch daemon asks the edit check of the files whose quiet time (the debounce) is
  about to end (:func:`ask_ahead`), so that when their run starts the answer is there,
  and a save waits for one round trip (the write) where it waited for two.
- ``wpsync sync --changed`` (a git hook) and ``wpsync sync FILE`` ask, as soon as the
  files are known, all that their run would ask before writing (:func:`ask_before_run`):
  sent while the process is still importing the rest of wpsync, instead of after.

The edit check stands in for the run's own only for that run: the same files with the
same posts as its state says (:meth:`CheckedAhead.covers`), asked at most ``max_age``
before the run uses it (the daemon's :data:`MAX_AGE`, a hook's
:data:`MAX_AGE_BEFORE_RUN`); else the run asks, as any run does.
What it costs: the check is that much older when the post is written (a post edited in
WordPress in those last moments is overwritten, as it would be in the round trip between
a check and its write).  The rights and the terms are the run's hints: a term they did
not find is asked again after the files are read.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import TYPE_CHECKING

from wpsync.engine.remote import Findings
from wpsync.engine.remotecheck import subset_findings
from wpsync.errors import AuthError, RemoteError

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.engine.prefetch import TermsAsked
    from wpsync.model import Entry
    from wpsync.store.state import StateStore
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.rights import Rights

__all__ = [
    "HINTED_FILES",
    "LEAD",
    "MAX_AGE",
    "MAX_AGE_BEFORE_RUN",
    "CheckedAhead",
    "ask_ahead",
    "ask_before_run",
    "lead",
]

logger = logging.getLogger(__name__)

#: a run over at most this many changed files reads their terms ahead, from their front
#: matter alone (here, or :meth:`wpsync.engine.executor._Run._hint_terms`); more are
#: looked up once read
HINTED_FILES = 16
#: how long before a file's quiet time ends its posts are asked about (a local round trip
#: is 10–40 ms: the answer is there when the run starts)
LEAD = 0.06
#: an answer of the daemon's older than this when its run uses it is not used (a save in
#: between, a run that waited for the folder lock): the run asks again
MAX_AGE = 0.15
#: … and of a hook's, asked before wpsync's imports (a slow machine's second or so; a
#: run that waited longer for the folder lock asks again)
MAX_AGE_BEFORE_RUN = 1.0


def lead(debounce: float) -> float:
    """The look-ahead for a ``debounce``: :data:`LEAD`, at most half of it (0: none)."""
    return min(LEAD, debounce / 2)


def _posts(entries: Mapping[str, Entry]) -> frozenset[tuple[str, str, int, str, str]]:
    return frozenset(
        (rel, e.rest_base, e.post_id, e.modified_gmt, e.stored) for rel, e in entries.items()
    )


@dataclasses.dataclass(frozen=True)
class CheckedAhead:
    """An edit check on its way: the files and posts it asks about (with the modification
    time the state knew), its answer, when it was asked (``clock``'s time) and the
    warnings it gave (a check that could not be made: the run goes on without it, as with
    its own).  ``rights`` and ``terms``: asked by the same client, which the run is lent.
    It stands for the run's check up to ``max_age`` seconds after it was asked."""

    #: (file, post type, post ID, modified, stored digest) as the state recorded them
    posts: frozenset[tuple[str, str, int, str, str]]
    answer: Future[Findings] = dataclasses.field(compare=False)
    asked_at: float
    warnings: list[str] = dataclasses.field(default_factory=list, compare=False)
    rights: Future[Rights] | None = dataclasses.field(default=None, compare=False)
    terms: Future[TermsAsked] | None = dataclasses.field(default=None, compare=False)
    max_age: float = MAX_AGE
    clock: Callable[[], float] = dataclasses.field(default=time.monotonic, compare=False)

    def covers(self, entries: Mapping[str, Entry]) -> bool:
        """Was this the check of exactly these files' posts, as the state has them?"""
        return _posts(entries) == self.posts

    def fresh(self) -> bool:
        """Asked recently enough to stand for its run's check (now, by its clock)?"""
        return self.clock() - self.asked_at <= self.max_age


def _check(
    entries: Mapping[str, Entry], client: WordPressClient, warnings: list[str], concurrency: int
) -> Findings:
    """:meth:`RemoteCheck.run` of a run over some files."""
    try:
        return subset_findings(client, entries, concurrency)
    except AuthError:
        raise
    except RemoteError as exc:
        warnings.append(f"changes made in WordPress could not be checked: {exc}")
        logger.warning("changes made in WordPress could not be checked: %s", exc)
        return Findings()


def ask_ahead(
    state: StateStore,
    client: WordPressClient,
    rels: Iterable[str],
    pool: Executor,
    clock: Callable[[], float] = time.monotonic,
    concurrency: int = 1,
) -> CheckedAhead | None:
    """The watch daemon's: ask about the posts of ``rels`` (content-relative) on
    ``pool``; None when none of them has a post yet (a new file: nothing to check)."""
    entries = {rel: entry for rel in sorted(set(rels)) if (entry := state.get(rel)) is not None}
    if not entries:
        return None
    warnings: list[str] = []
    answer = pool.submit(_check, entries, client, warnings, concurrency)
    return CheckedAhead(_posts(entries), answer, clock(), warnings, clock=clock)


def ask_before_run(
    config: Config,
    paths: Iterable[Path],
    open_client: Callable[[Config], WordPressClient],
    pool: Executor,
) -> tuple[WordPressClient, CheckedAhead] | None:
    """A hook's (``sync --changed``, ``sync FILE``): the edit check of ``paths``' posts,
    the user's rights and the terms their front matter names, asked on ``pool`` by a
    client opened here (the caller lends it to the run, and closes it).  The state is
    read as it is, without its lock (the run checks that it is still so).  None when
    none of the files has a post yet or the state cannot be read: the run asks for
    itself (a run with a post to check opens a client as this does: its errors are the
    run's)."""
    from wpsync.engine.paths import content_rel
    from wpsync.store.state import peek_entries

    root = config.content.dir
    rels = {rel for p in paths if (rel := content_rel(p, root)) is not None}
    try:
        entries = peek_entries(config.state.path, config.site.url, rels)
    except Exception as exc:  # the run opens the state properly, and says what is wrong
        logger.debug("nothing asked ahead: %s", exc)
        return None
    if not entries:
        return None
    client = open_client(config)
    warnings: list[str] = []
    answer = pool.submit(_check, entries, client, warnings, config.sync.concurrency)
    rights = pool.submit(client.rights)
    # the terms: the front matter read here (the run's reading needs these imports too),
    # the look-ups sent on the pool
    terms: Future[TermsAsked] | None = None
    if len(rels) <= HINTED_FILES:
        terms = Future()
        try:
            terms.set_result(_terms(config, sorted(rels), client, pool))
        except Exception as exc:  # a hint: the run asks what its files name
            terms.set_exception(exc)
    checked = CheckedAhead(
        _posts(entries), answer, time.monotonic(), warnings, rights, terms, MAX_AGE_BEFORE_RUN
    )
    return client, checked


def _terms(config: Config, rels: list[str], client: WordPressClient, pool: Executor) -> TermsAsked:
    """The terms the front matter of the changed files names, looked up (as the run's
    own hint, :meth:`_Run._hint_terms`, does)."""
    from wpsync.engine.items import Stat
    from wpsync.engine.prefetch import ask_terms, term_paths
    from wpsync.engine.reading import read_settings
    from wpsync.engine.readpool import terms_hint

    settings = read_settings(config.content, vault_links=False)  # (front matter alone)
    hinted = []
    for rel in rels:
        try:
            st = os.stat(config.content.dir / rel)
        except OSError:
            continue  # deleted: no terms
        hint = terms_hint(settings, rel, Stat(st.st_size, st.st_mtime_ns))
        if hint is not None:
            hinted.append(hint)
    return ask_terms(client, term_paths(hinted), pool.submit)
