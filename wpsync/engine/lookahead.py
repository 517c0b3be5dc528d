"""The edit check of a run asked ahead of it: the watch daemon asks WordPress about the
posts of the files whose quiet time (the debounce) is about to end, so that when their
run starts the answer is there, and a save waits for one round trip (the write) where it
waited for two (the check, then the write).

The answer stands in for the run's own check only for that run: the same files with the
same posts (:meth:`CheckedAhead.covers`), asked at most :data:`MAX_AGE` before the run
began; else the run asks, as any run does.  What it costs: the check is :data:`LEAD`
older when the post is written — a post edited in WordPress in the last moments before
the write is overwritten as it would be in the round trip between a check and its write.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING

from wpsync.engine.remotecheck import RemoteCheck

if TYPE_CHECKING:
    from wpsync.engine.remote import Findings
    from wpsync.model import Entry
    from wpsync.store.state import StateStore
    from wpsync.wordpress.client import WordPressClient

__all__ = ["LEAD", "MAX_AGE", "CheckedAhead", "ask_ahead", "lead"]

#: how long before a file's quiet time ends its posts are asked about (a local round trip
#: is 10–40 ms: the answer is there when the run starts)
LEAD = 0.06
#: an answer older than this when its run starts is not used (a save in between, a run
#: that waited for the folder lock): the run asks again
MAX_AGE = 0.15


def lead(debounce: float) -> float:
    """The look-ahead for a ``debounce``: :data:`LEAD`, at most half of it (0: none)."""
    return min(LEAD, debounce / 2)


def _posts(entries: Mapping[str, Entry]) -> frozenset[tuple[str, str, int]]:
    return frozenset((rel, e.rest_base, e.post_id) for rel, e in entries.items())


@dataclasses.dataclass(frozen=True)
class CheckedAhead:
    """An edit check on its way: the files and posts it asks about, its answer, when it
    was asked (``clock``'s time) and the warnings it gave (a check that could not be
    made: the run goes on without it, as with its own)."""

    posts: frozenset[tuple[str, str, int]]  # (file, post type, post ID)
    answer: Future[Findings] = dataclasses.field(compare=False)
    asked_at: float
    warnings: list[str] = dataclasses.field(default_factory=list, compare=False)

    def covers(self, entries: Mapping[str, Entry]) -> bool:
        """Was this the check of exactly these files' posts?"""
        return _posts(entries) == self.posts

    def fresh(self, now: float) -> bool:
        """Asked recently enough (``now``: the same clock) to stand for its run's check?"""
        return now - self.asked_at <= MAX_AGE


def ask_ahead(
    state: StateStore,
    client: WordPressClient,
    rels: Iterable[str],
    pool: Executor,
    clock: Callable[[], float] = time.monotonic,
) -> CheckedAhead | None:
    """Ask about the posts of ``rels`` (content-relative) on another thread; None when
    none of them has a post yet (a new file: nothing to check)."""
    entries = {rel: entry for rel in sorted(set(rels)) if (entry := state.get(rel)) is not None}
    if not entries:
        return None
    warnings: list[str] = []
    check = RemoteCheck(state)
    answer = pool.submit(check.run, lambda: client, entries, False, warnings.append)
    return CheckedAhead(_posts(entries), answer, clock(), warnings)
