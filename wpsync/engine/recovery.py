"""Our own lost updates are not edits made in WordPress.

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
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from wpsync.engine.conflicts import describe_conflict
from wpsync.engine.plan import Action, Changed, Conflict, LocalItem, Update
from wpsync.errors import AuthError, RemoteError
from wpsync.model import Pushing

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
    out: list[Action] = []
    for action in actions:
        settled = None
        if isinstance(action, Conflict):
            settled = _settle(action, changed.get(action.rel), journal.get(action.rel), client)
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
        dataclasses.replace(entry, modified_gmt=facts.modified_gmt),
        LOST_UPDATE,
        entry.rel if entry.rel != item.rel else None,
    )
