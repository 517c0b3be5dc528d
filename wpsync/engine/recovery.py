"""Our own lost answers: a lost update is not an edit made in WordPress, and a lost create
is not lost when its file moves, changes slug or goes before the next run.

An update can reach WordPress and its answer never reach us: the connection dropped
after WordPress saved the post, every retry's answer was lost too, or wpsync was killed
between the request and the state write.  The post's ``modified_gmt`` then moved while
the state still holds the old one, and the planner — rightly careful — calls it an edit
made in WordPress: a conflict, which would need ``--force`` although nobody else
touched the post.

So every update is journalled before it leaves (``state.pushing``: the fields it sends).
For a conflict on a file with such a journal, :func:`settle_lost_updates` reads the post
(``context=edit``, one GET per such conflict) and compares it with the journalled fields
(:func:`wpsync.engine.conflicts.describe_conflict`): when WordPress holds exactly what we sent,
the change was ours and the conflict becomes the update it should have been (sending the
file's current content, which may have changed again since).  Any other difference is a
real edit and stays a conflict.

A create is journalled too (``state.pending``: file, type, slug), and the planner adopts
the post a lost create made when the *same* file asks for the same slug again.  When the
file has gone, moved or asks for another slug by the next run, :func:`settle_lost_creates`
looks the journalled slug up (one request per type): the post found is linked to the file
that asked for it, so the planner treats it like any post of ours (trashed with its file,
followed by its moved file, renamed to the new slug); a slug WordPress does not have means
the create never landed, and the journal row goes (a post someone writes later with that
slug is theirs, never adopted).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from wpsync.engine.conflicts import describe_conflict
from wpsync.engine.items import Changed, LocalItem
from wpsync.engine.plan import Action, Conflict, Update
from wpsync.errors import AuthError, RemoteError
from wpsync.model import Entry, Pending, Pushing

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient

logger = logging.getLogger(__name__)

LOST_UPDATE = "its earlier update reached WordPress but the answer was lost"


def settle_lost_updates(
    actions: Sequence[Action],
    local: Sequence[LocalItem],
    journal: Mapping[str, Pushing],
    client: Callable[[], WordPressClient],
) -> list[Action]:
    """``actions`` with every conflict that is only our own lost update turned into an
    :class:`~wpsync.engine.plan.Update`.  Asks WordPress (``client()``) only about such conflicts."""
    if not journal or not any(isinstance(a, Conflict) for a in actions):
        return list(actions)
    changed = {item.rel: item for item in local if isinstance(item, Changed)}
    # A file moved since its update was journalled has another name now: find the journal
    # by the post too.
    by_post = {p.post_id: p for p in journal.values()}
    out: list[Action] = []
    for action in actions:
        settled = None
        if isinstance(action, Conflict):
            pushing = journal.get(action.rel)
            if pushing is None and action.entry is not None:
                pushing = by_post.get(action.entry.post_id)
            settled = _settle(action, changed.get(action.rel), pushing, client)
        out.append(settled or action)
    return out


def _settle(
    conflict: Conflict,
    item: Changed | None,
    pushing: Pushing | None,
    client: Callable[[], WordPressClient],
) -> Update | None:
    entry, facts = conflict.entry, conflict.remote
    if item is None or pushing is None or entry is None or facts is None:
        return None
    if pushing.post_id != entry.post_id or facts.status == "trash":
        return None
    if item.payload.rest_base != entry.rest_base:
        return None
    try:
        remote = client().get_post_raw(entry.rest_base, entry.post_id)
    except AuthError:
        raise
    except RemoteError as exc:
        logger.debug("%s: cannot check the journalled update: %s", conflict.rel, exc)
        return None
    if str(remote.get("modified_gmt") or "") != facts.modified_gmt:
        return None  # moved again while we looked: leave it to the next run
    description = describe_conflict(pushing.fields, remote)
    if description.changes:
        return None  # WordPress holds something we did not send: a real edit
    logger.info("%s: %s (post %d): not a conflict", conflict.rel, LOST_UPDATE, entry.post_id)
    return Update(
        item.rel,
        item.stat,
        item.source_hash,
        item.payload,
        item.payload_hash,
        dataclasses.replace(entry, modified_gmt=facts.modified_gmt, stored=facts.stored),
        LOST_UPDATE,
        entry.rel if entry.rel != item.rel else None,
    )


def settled(entry: Entry, rel: str | None = None) -> Entry:
    """The state's entry once a lost update is settled (the planner's ``Update`` with
    :data:`LOST_UPDATE`), recorded before the update that follows it leaves: WordPress's
    ``modified_gmt`` is then ours, and the bytes it was made from unknown (the journal
    kept the fields sent, not the file) — so a run killed before that update is recorded
    neither calls our own earlier update an edit made in WordPress (its journal is
    replaced by the new update's), nor takes a file put back as it was for published.
    ``rel``: the file's name now, when the lost update was its move's (the entry is then
    found under it: with no bytes of its own, the old name's entry would match no file,
    and the next run would trash the post as the old file's and call the new one's
    create a conflict)."""
    return dataclasses.replace(
        entry, rel=rel or entry.rel, source_hash="", payload_hash="", size=-1, mtime_ns=-1
    )


@dataclasses.dataclass(frozen=True)
class LostCreates:
    """What became of the journalled creates whose file no longer asks for them:
    ``found`` — the posts they made, as entries of the files that asked for them;
    ``never_landed`` — the files whose create WordPress never received."""

    found: tuple[Entry, ...] = ()
    never_landed: tuple[str, ...] = ()


def settle_lost_creates(
    pending: Mapping[str, Pending],
    local: Sequence[LocalItem],
    in_scope: Callable[[str], bool],
    client: Callable[[], WordPressClient],
) -> LostCreates:
    """The journalled creates of files in scope that are gone, or that now ask for another
    type or slug, looked up in WordPress by the slug they were sent with.  A journalled
    create whose file still asks for the same slug is the planner's (it adopts the post)."""
    present = {item.rel: item for item in local}
    orphans: list[Pending] = []
    for rel, record in sorted(pending.items()):
        if not in_scope(rel):
            continue
        item = present.get(rel)
        if item is not None and not isinstance(item, Changed):
            continue  # unreadable now: its journal waits for the file to be fixed
        if isinstance(item, Changed) and (item.payload.rest_base, item.payload.slug) == (
            record.rest_base,
            record.slug,
        ):
            continue
        orphans.append(record)
    if not orphans:
        return LostCreates()
    by_type: dict[str, list[Pending]] = {}
    for record in orphans:
        by_type.setdefault(record.rest_base, []).append(record)
    found: list[Entry] = []
    never: list[str] = []
    for rest_base, records in sorted(by_type.items()):
        try:
            posts = client().posts_by_slugs(rest_base, [r.slug for r in records])
        except AuthError:
            raise
        except RemoteError as exc:
            logger.debug("cannot look up lost creates (%s): %s", rest_base, exc)
            continue  # the journal stays: the next run asks again
        for record in records:
            post = posts.get(record.slug)
            if post is None:
                never.append(record.rel)
                continue
            logger.info(
                "%s: its earlier create reached WordPress but the answer was lost (post %d)",
                record.rel,
                post.id,
            )
            found.append(
                Entry(
                    rel=record.rel,
                    rest_base=rest_base,
                    post_id=post.id,
                    slug=post.slug,
                    source_hash="",  # unknown: what was sent is re-sent or trashed
                    payload_hash="",
                    modified_gmt=post.modified_gmt,
                    link=post.link,
                )
            )
    return LostCreates(tuple(found), tuple(never))
