"""Edits made in WordPress since the last sync: seen without listing the site.

A full sync (and ``wpsync plan``, and the daemon's periodic reconcile) asks, per post
type the state knows, two small questions (:func:`check_type`):

1. **the count** — ``X-WP-Total`` of every post of the type (any status, the trash
   included) and the highest ID, in a request of one item;
2. **what was modified since the last check** — the posts whose ``modified`` is after
   the baseline's ``since`` (WordPress 5.7+'s ``modified_after``; empty on a quiet site).

A post of ours in (2) whose ``modified_gmt`` is not the one we recorded was edited or
trashed in WordPress.  A post deleted for good shows in neither: it is found by the
count.  The count agrees when it is the last count plus the new posts (IDs above the
last highest one) that (2) lists; only when it does not — someone deleted something, or
the state has no baseline yet — are this folder's posts looked up by ID (100 a request)
to tell which are gone (:func:`assess`).

**Times are the server's.**  ``since`` is a ``modified_gmt`` WordPress itself gave
(the latest of a listing, less one second: ``modified_after`` is strict and WordPress
keeps whole seconds), never this machine's clock, so clock skew between machines loses
nothing.  It is sent as GMT with its zone (``…Z``): WordPress converts it to the site's
timezone, the zone of the ``post_modified`` column it compares with.

The baseline is kept in the state (``remote:<rest base>``) and moved on by a full sync
only (:func:`next_baseline`), never past an edit still in conflict, and its count is
dropped while a post deleted in WordPress has not been published again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from wpsync.engine.items import RemotePostFacts
from wpsync.engine.prefetch import LOOKUP, look_up
from wpsync.model import edited_since

if TYPE_CHECKING:
    from wpsync.model import Entry
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import PostCount, RemotePost

logger = logging.getLogger(__name__)

MARK = "remote:"


@dataclass(frozen=True)
class Baseline:
    """What the last sync knew of a post type in WordPress."""

    since: str  # GMT ``YYYY-MM-DDTHH:MM:SS``: posts modified after it are listed
    total: int | None  # X-WP-Total then (None: unknown, look our posts up by ID)
    top_id: int  # the highest ID then

    def dump(self) -> str:
        return json.dumps({"since": self.since, "total": self.total, "top_id": self.top_id})

    @classmethod
    def load(cls, text: str | None) -> Baseline | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            total = data.get("total")
            return cls(
                str(data["since"]), None if total is None else int(total), int(data["top_id"])
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


@dataclass(frozen=True)
class TypeCheck:
    """The answers of the two questions for one type."""

    rest_base: str
    count: PostCount
    modified: tuple[RemotePost, ...]
    #: our posts by ID, when the count disagreed (None: it agreed, nothing was deleted)
    looked_up: tuple[RemotePost, ...] | None = None


@dataclass(frozen=True)
class Findings:
    """What differs in WordPress from the state, for the posts of this folder."""

    #: (rest base, id) → the post now, for each post edited or trashed since our push
    changed: dict[tuple[str, int], RemotePostFacts] = field(default_factory=dict)
    #: posts deleted for good
    gone: frozenset[tuple[str, int]] = frozenset()
    #: every post whose state in WordPress is known now (looked up by ID)
    known: dict[tuple[str, int], RemotePost] = field(default_factory=dict)

    def rels(self, entries: Mapping[str, Entry]) -> set[str]:
        keys = set(self.changed) | self.gone
        if not keys:
            return set()  # (the usual answer: not a walk over every entry)
        return {rel for rel, e in entries.items() if (e.rest_base, e.post_id) in keys}


def facts(post: RemotePost) -> RemotePostFacts:
    return RemotePostFacts(
        post.id, post.slug, post.status, post.modified_gmt, post.link, post.stored
    )


# ---------------------------------------------------------------- pure


def count_agrees(baseline: Baseline | None, check: TypeCheck) -> bool:
    """The count is the last one plus the posts created since (listed, ID above the top)."""
    if baseline is None or baseline.total is None:
        return False
    new = {p.id for p in check.modified if p.id > baseline.top_id}
    return check.count.total == baseline.total + len(new)


def changed_posts(
    entries: Iterable[Entry], posts: Iterable[RemotePost]
) -> dict[tuple[str, int], RemotePostFacts]:
    """Our posts edited (``edited_since``: their ``modified_gmt`` is not the one recorded,
    or their texts are not, where both are known) or trashed."""
    posts = list(posts)
    if not posts:
        return {}
    by_key = {(e.rest_base, e.post_id): e for e in entries}
    out: dict[tuple[str, int], RemotePostFacts] = {}
    for post in posts:
        entry = by_key.get((post.rest_base, post.id))
        if entry is not None and (
            edited_since(entry, post.modified_gmt, post.stored) or post.status == "trash"
        ):
            out[(post.rest_base, post.id)] = facts(post)
    return out


def assess(entries: Iterable[Entry], check: TypeCheck) -> Findings:
    """What the answers say about this folder's posts of the type."""
    mine = [e for e in entries if e.rest_base == check.rest_base]
    return looked_up_findings(mine, check.looked_up, listed=check.modified)


def looked_up_findings(
    entries: Iterable[Entry],
    posts: Iterable[RemotePost] | None,
    *,
    listed: Iterable[RemotePost] = (),
) -> Findings:
    """Edited, trashed and deleted posts among ``entries``, from a listing of the
    modified ones and (not None) a look-up of them all by ID."""
    mine = list(entries)
    changed = changed_posts(mine, listed)
    if posts is None:
        return Findings(changed)
    found = {(p.rest_base, p.id): p for p in posts}
    changed.update(changed_posts(mine, found.values()))
    gone = {(e.rest_base, e.post_id) for e in mine if (e.rest_base, e.post_id) not in found}
    return Findings(changed, frozenset(gone), found)


def merge(findings: Iterable[Findings]) -> Findings:
    out = Findings()
    for f in findings:
        out.changed.update(f.changed)
        out.known.update(f.known)
        out = Findings(out.changed, out.gone | f.gone, out.known)
    return out


def second_before(gmt: str) -> str:
    try:
        moment = datetime.fromisoformat(gmt[:19])
    except ValueError:
        return gmt
    return (moment - timedelta(seconds=1)).isoformat(timespec="seconds")


def next_since(previous: str, check: TypeCheck, unresolved: Iterable[str]) -> str:
    """Where the next listing starts: a second before the latest post seen now (or the
    same place when none was), and never after an edit still in conflict."""
    seen = [*check.modified, *(check.looked_up or ())]
    times = [p.modified_gmt for p in seen if p.modified_gmt]
    since = max([previous, *(second_before(t) for t in times)]) if times else previous
    for modified in unresolved:
        if modified:
            since = min(since, second_before(modified)) if since else second_before(modified)
    return since


def window_since(client: WordPressClient, rest_base: str, since: str, expected: int) -> str | None:
    """After this run's own writes: when WordPress counts exactly the ``expected`` posts
    modified after ``since`` (ours, and those the check listed), nobody else edited one
    meanwhile, and the next listing may start after the latest of them (one request)."""
    if not since:
        return None
    window = client.count_posts(rest_base, modified_after=since, by="modified")
    if window.total != expected or not window.top_modified_gmt:
        return None
    return max(since, second_before(window.top_modified_gmt))


# ---------------------------------------------------------------- I/O


def check_type(
    client: WordPressClient,
    rest_base: str,
    entries: Iterable[Entry],
    baseline: Baseline | None,
    concurrency: int = 1,
) -> tuple[TypeCheck, Findings]:
    """The two small questions (at once, unless ``concurrency`` is 1: the run waits for
    one round trip, not two), and the look-up by ID (100 a request, ``concurrency`` at a
    time) when the count disagrees."""
    check = ask_type(client, rest_base, baseline, concurrency)
    return look_up_type(client, check, baseline, entries, concurrency)


def ask_type(
    client: WordPressClient, rest_base: str, baseline: Baseline | None, concurrency: int = 1
) -> TypeCheck:
    """The two small questions of :func:`check_type`: the count, and the posts modified
    since the baseline."""
    since = baseline.since if baseline is not None else ""
    modified: tuple[RemotePost, ...] = ()
    if since and concurrency > 1:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wpsync-check") as pool:
            listing = pool.submit(client.posts_modified_after, rest_base, since)
            count = client.count_posts(rest_base)  # an error here waits for the listing
            modified = tuple(listing.result())
    else:
        count = client.count_posts(rest_base)
        if since:
            modified = tuple(client.posts_modified_after(rest_base, since))
    return TypeCheck(rest_base, count, modified)


def look_up_type(
    client: WordPressClient,
    check: TypeCheck,
    baseline: Baseline | None,
    entries: Iterable[Entry],
    concurrency: int = 1,
) -> tuple[TypeCheck, Findings]:
    """The rest of :func:`check_type` once its questions are answered: the look-up of
    ``entries``' posts of the type by ID when the count disagrees, and what it all says
    about them.  With a count that agrees, ``entries`` need only hold the posts the
    listing names (:meth:`wpsync.store.state.StateStore.entries_of_posts`)."""
    rest_base, count, modified = check.rest_base, check.count, check.modified
    if not count_agrees(baseline, check):
        ids = [e.post_id for e in entries if e.rest_base == rest_base]
        logger.info(
            "%s: %d in WordPress (%s at the last sync): looking up this folder's %d by ID",
            rest_base,
            count.total,
            "unknown" if baseline is None or baseline.total is None else baseline.total,
            len(ids),
        )
        # (one page of them with their texts' digest: the posts a run then writes need
        # it, and need not be asked again — executor._remote_facts; more, without it)
        stored = len(ids) <= LOOKUP
        found = look_up(client, {rest_base: ids}, {}, concurrency, stored=stored)
        if rest_base in found.forbidden:  # not listed to us is not deleted
            raise found.forbidden[rest_base]
        check = TypeCheck(rest_base, count, modified, tuple(found.by_id.values()))
    return check, assess(entries, check)
