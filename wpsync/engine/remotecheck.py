"""The remote check of one run (the questions are :mod:`wpsync.engine.remote`'s): asked
before the files are read, and its baseline moved on after a full sync.

A full run checks every post type the state knows (two small requests each when nothing
happened); a run over some files only (``wpsync sync FILE``, git hooks, the daemon's
events) looks up just those files' posts by ID and leaves the baseline alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from wpsync.engine.prefetch import look_up
from wpsync.engine.remote import (
    MARK,
    Baseline,
    Findings,
    TypeCheck,
    ask_type,
    count_agrees,
    look_up_type,
    looked_up_findings,
    merge,
    next_since,
    window_since,
)
from wpsync.errors import AuthError, RemoteError

if TYPE_CHECKING:
    from wpsync.engine.plan import Action
    from wpsync.engine.report import FileResult
    from wpsync.model import Entry
    from wpsync.store.state import StateStore
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import RemotePost

logger = logging.getLogger(__name__)

Client = Callable[[], "WordPressClient"]


class RemoteCheck:
    def __init__(self, state: StateStore, concurrency: int = 1) -> None:
        self.state = state
        self.concurrency = concurrency
        self.checks: dict[str, TypeCheck] = {}
        self.baselines: dict[str, Baseline | None] = {}
        self.findings = Findings()
        #: the questions asked before the scan (:meth:`ask_early`), with their baseline
        self._early: dict[str, tuple[Baseline | None, Future[TypeCheck]]] = {}

    def ask_early(self, client: WordPressClient, types: Iterable[str]) -> None:
        """Send the two questions of each of ``types`` now, on threads of their own: a
        whole-folder run whose folder was at rest last time asks them before it scans
        the folder, so that their round trip passes while it scans.  Taken by the run's
        check of a type (at rest or not) whose baseline is still the one they were asked
        with; an answer not taken is dropped."""
        wanted = sorted(set(types))
        if not wanted:
            return
        pool = ThreadPoolExecutor(max_workers=len(wanted), thread_name_prefix="wpsync-check")
        try:
            for rest_base in wanted:
                baseline = Baseline.load(self.state.mark(MARK + rest_base))
                asked = pool.submit(ask_type, client, rest_base, baseline, self.concurrency)
                self._early[rest_base] = (baseline, asked)
        finally:
            pool.shutdown(wait=False)  # each thread ends with its one question

    def _ask(self, client: WordPressClient, rest_base: str, baseline: Baseline | None) -> TypeCheck:
        """:func:`ask_type`, or its answer asked early with this baseline."""
        early = self._early.pop(rest_base, None)
        if early is not None and early[0] == baseline:
            return early[1].result()
        return ask_type(client, rest_base, baseline, self.concurrency)

    def run(
        self,
        client: Client,
        entries: Mapping[str, Entry],
        full: bool,
        warn: Callable[[str], None],
    ) -> Findings:
        """What changed in WordPress for ``entries``' posts.  A site that cannot be asked
        is a warning: the run goes on without the check (nothing is moved on)."""
        if not entries:
            return Findings()
        try:
            found = self._full(client(), entries) if full else self._subset(client(), entries)
        except AuthError:
            raise
        except RemoteError as exc:
            self.checks.clear()
            warn(f"changes made in WordPress could not be checked: {exc}")
            logger.warning("changes made in WordPress could not be checked: %s", exc)
            return Findings()
        self.findings = found
        return found

    def run_at_rest(
        self, client: Client, types: Iterable[str], warn: Callable[[str], None]
    ) -> Findings:
        """:meth:`run` over the whole folder of a run at rest (quiet.py: the state is
        the one the last run left, its post ``types`` known): the same questions, with
        only the entries they need read, by key — those of the posts the listing names,
        or every one of a type whose count disagrees."""
        try:
            found = self._by_key(client(), sorted(types))
        except AuthError:
            raise
        except RemoteError as exc:
            self.checks.clear()
            warn(f"changes made in WordPress could not be checked: {exc}")
            logger.warning("changes made in WordPress could not be checked: %s", exc)
            return Findings()
        self.findings = found
        return found

    def _by_key(self, client: WordPressClient, types: Sequence[str]) -> Findings:
        out: list[Findings] = []
        for rest_base in types:
            baseline = Baseline.load(self.state.mark(MARK + rest_base))
            asked = self._ask(client, rest_base, baseline)
            mine: Iterable[Entry]
            if count_agrees(baseline, asked):
                listed = (p.id for p in asked.modified if p.rest_base == rest_base)
                mine = self.state.entries_of_posts(rest_base, listed)
            else:
                mine = self.state.entries_where(rest_base).values()
            check, found = look_up_type(client, asked, baseline, mine, self.concurrency)
            self.checks[rest_base] = check
            self.baselines[rest_base] = baseline
            out.append(found)
        return merge(out)

    def _full(self, client: WordPressClient, entries: Mapping[str, Entry]) -> Findings:
        out: list[Findings] = []
        for rest_base in sorted({e.rest_base for e in entries.values()}):
            baseline = Baseline.load(self.state.mark(MARK + rest_base))
            check, found = look_up_type(
                client,
                self._ask(client, rest_base, baseline),
                baseline,
                entries.values(),
                self.concurrency,
            )
            self.checks[rest_base] = check
            self.baselines[rest_base] = baseline
            out.append(found)
        return merge(out)

    def _subset(self, client: WordPressClient, entries: Mapping[str, Entry]) -> Findings:
        return subset_findings(client, entries, self.concurrency)

    # ------------------------------------------------------------ after a full sync
    def settle(
        self,
        client: Client,
        actions: Sequence[Action],
        results: Iterable[FileResult],
        written: Mapping[str, RemotePost],
    ) -> None:
        """Record each checked type's new baseline (its listing starts where this run
        saw WordPress last; conflicts and unpublished deletions stay to be seen again)."""
        outcome = {r.path: r.action for r in results} if actions else {}  # asked per action
        for rest_base, check in self.checks.items():
            try:
                baseline = self._next(client, rest_base, check, actions, outcome, written)
            except AuthError:
                raise
            except RemoteError as exc:
                logger.info("%s: the remote check's baseline is kept: %s", rest_base, exc)
                continue
            self.state.set_mark(MARK + rest_base, baseline.dump())

    def _next(
        self,
        client: Client,
        rest_base: str,
        check: TypeCheck,
        actions: Sequence[Action],
        outcome: Mapping[str, str],
        written: Mapping[str, RemotePost],
    ) -> Baseline:
        if actions:  # (a folder at rest has none: the planner is not imported)
            from wpsync.engine.plan import Conflict, Create, Delete

        previous = self.baselines.get(rest_base)
        unresolved: list[str] = []
        republished = True
        for action in actions:
            match action:
                case Conflict(rel=rel, entry=entry, remote=facts) if (
                    entry is not None and entry.rest_base == rest_base and facts is not None
                ):
                    unresolved.append(facts.modified_gmt)
                case Create(rel=rel, republish=old) if (
                    old is not None and old.rest_base == rest_base
                ):
                    republished = republished and outcome.get(rel) == "created"
        key_rest = [k for k in self.findings.gone if k[0] == rest_base]
        if key_rest and not any(isinstance(a, Create) and a.republish is not None for a in actions):
            republished = False  # deleted on the site, and its file was not planned
        since = next_since(previous.since if previous else "", check, unresolved)
        mine = [p for rel, p in written.items() if p.rest_base == rest_base]
        creates = {
            p.id: p.modified_gmt
            for a in actions
            if isinstance(a, Create) and a.adopt is None and (p := written.get(a.rel)) is not None
            and p.rest_base == rest_base
        }  # fmt: skip
        hard: set[int] = set()
        soft: set[int] = set()
        for action in actions:
            if (
                isinstance(action, Delete)
                and action.entry.rest_base == rest_base
                and outcome.get(action.rel) == "deleted"
            ):
                (hard if action.policy == "delete" else soft).add(action.entry.post_id)
        if (mine or soft) and since and not unresolved:
            # Our own writes would be listed by the next run: count the window instead.
            seen = [*check.modified, *(check.looked_up or ())]
            expected = {p.id for p in seen if p.modified_gmt > since}
            expected |= {p.id for p in mine if p.modified_gmt > since} | soft
            moved = window_since(client(), rest_base, since, len(expected - hard))
            since = moved or since
        if not since or not republished:
            return Baseline(since, None, check.count.top_id)
        total = (
            check.count.total
            + sum(1 for modified in creates.values() if modified <= since)
            - len(hard)
        )
        return Baseline(since, total, check.count.top_id)


def subset_findings(
    client: WordPressClient, entries: Mapping[str, Entry], concurrency: int = 1
) -> Findings:
    """The check of a run over some files: their posts looked up by ID (with their
    texts' digest: an edit in the second of our last push is one too)."""
    out: list[Findings] = []
    for rest_base in sorted({e.rest_base for e in entries.values()}):
        mine = [e for e in entries.values() if e.rest_base == rest_base]
        ids = {rest_base: [e.post_id for e in mine]}
        found = look_up(client, ids, {}, concurrency, stored=True)
        if rest_base in found.forbidden:  # not listed to us is not deleted
            raise found.forbidden[rest_base]
        out.append(looked_up_findings(mine, found.by_id.values()))
    return merge(out)
