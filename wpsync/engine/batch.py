"""Sending post creates and updates: 25 at a time through ``/batch/v1``, or one by one.

The executor (:mod:`wpsync.engine.executor`) decides *what* to write and keeps the state; this
module only decides *how* the writes of one wave travel:

- :func:`groups` cuts a wave into the groups that are sent together: batches of at most
  :data:`MAX_BATCH` spread evenly over the workers, or single writes when batching is off
  or not worth it.
- :meth:`PostWriter.send` sends one group (from a worker thread).  A batch item that
  WordPress refused is sent again on its own (the single request gives the error its
  usual form, and a route that does not allow batching still gets its write).  A site
  without the batch route (404 ``rest_no_route``) or refusing the batch as a whole
  (any other 4xx) has batching switched off for the rest of the run.

Never a duplicate: the caller journals every create of a group as pending *before* the
group is sent (:meth:`wpsync.store.state.StateStore.mark_pending`); a batch whose answer was
lost is not re-sent before its creates were looked up by slug (the client does that,
:meth:`wpsync.wordpress.client.WordPressClient.batch`); and a create whose batch item failed with
a server error is looked up by slug before it is sent alone.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wpsync.errors import AuthError, RemoteError, TransportError
from wpsync.model import RestBody

if TYPE_CHECKING:
    from wpsync.engine.plan import WriteAction
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import BatchResponse, RemotePost

logger = logging.getLogger(__name__)

#: WordPress's default ``rest_get_max_batch_size``.
MAX_BATCH = 25


@dataclass(frozen=True)
class PostWrite:
    """One create (``post_id`` None) or update of a post, page or custom-type item."""

    rest_base: str
    post_id: int | None
    body: RestBody

    @property
    def route(self) -> str:
        if self.post_id is None:
            return f"/wp/v2/{self.rest_base}"
        return f"/wp/v2/{self.rest_base}/{self.post_id}"

    @property
    def slug(self) -> str:
        slug = self.body.get("slug")
        return slug if isinstance(slug, str) else ""


def groups(count: int, concurrency: int, *, batching: bool) -> list[range]:
    """Cut ``count`` writes into the index ranges sent together.

    Without batching (or with a single write) every write is its own group.  With it,
    as few batches as :data:`MAX_BATCH` allows, but at least one per worker while there
    are writes enough (4 workers, 8 writes → 4 batches of 2), of even sizes.
    """
    if count <= 0:
        return []
    if not batching or count == 1:
        return [range(i, i + 1) for i in range(count)]
    n_groups = max(math.ceil(count / MAX_BATCH), min(max(1, concurrency), count))
    size, extra = divmod(count, n_groups)
    out: list[range] = []
    start = 0
    for g in range(n_groups):
        end = start + size + (1 if g < extra else 0)
        out.append(range(start, end))
        start = end
    return out


class PostWriter:
    """Sends groups of writes for one run; safe to share between worker threads."""

    def __init__(
        self,
        client: WordPressClient,
        *,
        batching: bool = True,
        stopping: Callable[[], RemoteError | None] | None = None,
    ) -> None:
        """``stopping``: asked before every request; an error from it means "send nothing
        more" (the run is being cancelled) and becomes the outcome of the unsent writes."""
        self._client = client
        self._batching = batching
        self._stopping = stopping or (lambda: None)
        self._lock = threading.Lock()
        self.batches_sent = 0
        self.sent_alone = 0

    @property
    def batching(self) -> bool:
        """True while batches are worth trying (configured on, and the site has not refused)."""
        return self._batching

    def switch_off(self, why: str) -> None:
        """No more batches in this run (the site turned one down)."""
        with self._lock:
            if self._batching:
                self._batching = False
                logger.info("%s: sending writes one by one from now on", why)

    def send(self, writes: Sequence[PostWrite]) -> list[RemotePost | RemoteError]:
        """Send a group (from a worker thread); one outcome per write, in order: the post
        as WordPress answered, or the write's error.

        Only :class:`AuthError` is raised (the run stops).  Once the site could not be
        reached (:class:`TransportError` after the client's retries) nothing more of the
        group is sent: the writes not known to be done get that error, and creates among
        them stay journalled as pending, to be found by slug on the next run.
        """
        if (stop := self._stopping()) is not None:
            return [stop] * len(writes)
        if len(writes) > 1 and self._batching:
            try:
                answers = self._send_batch(writes)
            except AuthError:
                raise
            except RemoteError as exc:  # the batch's fate is unknown: none is recorded
                return [exc] * len(writes)
            if answers is not None:
                return self._settle(writes, answers)
        return self._settle(writes, [None] * len(writes))

    def _send_batch(self, writes: Sequence[PostWrite]) -> list[BatchResponse] | None:
        """The batch's answers, or None when the site will not take batches."""
        from wpsync.wordpress.batch_route import BatchUnsupported
        from wpsync.wordpress.records import CHECKED_FIELDS, BatchRequest

        # (every write asks back what the state records: records.CHECKED_FIELDS)
        route = "{}?_fields=" + CHECKED_FIELDS
        requests = [BatchRequest("POST", route.format(w.route), w.body) for w in writes]
        try:
            answers = self._client.batch(requests)
        except BatchUnsupported as exc:
            self.switch_off(str(exc))
            return None
        except TransportError:
            raise
        except RemoteError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                # Refused as a whole (disabled by a plugin, a smaller batch limit, a
                # proxy's size limit): nothing of it was carried out.
                self.switch_off(f"the batch API refused a batch ({exc})")
                return None
            raise
        with self._lock:
            self.batches_sent += 1
        return answers

    def _settle(
        self, writes: Sequence[PostWrite], answers: Sequence[BatchResponse | None]
    ) -> list[RemotePost | RemoteError]:
        """Turn batch answers into outcomes; writes without a good answer go alone."""
        from wpsync.wordpress.records import RemotePost

        out: list[RemotePost | RemoteError] = []
        down: RemoteError | None = None
        for write, answer in zip(writes, answers, strict=True):
            if answer is not None and answer.ok:
                try:
                    out.append(RemotePost.from_json(write.rest_base, answer.body))
                    continue
                except RemoteError:
                    pass  # an odd answer: look again below
            down = down or self._stopping()
            if down is not None:
                out.append(down)
                continue
            if answer is not None:
                logger.debug(
                    "batch item %s %r answered %s (%s): sending it alone",
                    write.route,
                    write.slug,
                    answer.status,
                    answer.code,
                )
            try:
                out.append(self._alone(write, answer))
            except TransportError as exc:
                down = exc
                out.append(exc)
            except AuthError:
                raise
            except RemoteError as exc:
                out.append(exc)
        return out

    def _alone(self, write: PostWrite, answer: BatchResponse | None) -> RemotePost:
        if write.post_id is None and answer is not None and not 400 <= answer.status < 500:
            # Not a plain refusal: the item may have created the post: look first.
            found = self._client.posts_by_slugs(write.rest_base, [write.slug]).get(write.slug)
            if found is not None:
                logger.info(
                    "%s %r: found the create of a failed batch item", write.rest_base, write.slug
                )
                return found
        with self._lock:
            self.sent_alone += 1
        if write.post_id is None:
            return self._client.create_post(write.rest_base, write.body)
        return self._client.update_post(write.rest_base, write.post_id, write.body)


def waves(writes: Sequence[WriteAction]) -> list[list[WriteAction]]:
    """Split writes so a parent is written before its children (pages by depth)."""
    by_rel = {w.rel: w for w in writes}
    in_run = {(w.payload.rest_base, w.payload.slug): w for w in sorted(writes, key=lambda w: w.rel)}

    def depth(action: WriteAction, seen: frozenset[str] = frozenset()) -> int:
        parent = action.payload.parent
        if action.payload.parent_rel is not None:  # the file of the parent page is known
            above = by_rel.get(action.payload.parent_rel)
        else:
            above = in_run.get((action.payload.rest_base, parent or "")) if parent else None
        if above is None or action.rel in seen:
            return 0
        return 1 + depth(above, seen | {action.rel})

    by_depth: dict[int, list[WriteAction]] = {}
    for action in writes:
        by_depth.setdefault(depth(action), []).append(action)
    return [by_depth[d] for d in sorted(by_depth)]
