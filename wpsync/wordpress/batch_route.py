"""The ``/batch/v1`` route: up to ``max_batch`` requests in one, and no blind re-send.

A batch whose answer was lost may have been carried out: before it is sent again, the
creates in it are looked up by slug, and those that did happen get a synthetic 201
answer (``recovered``).  What the sync sends in batches is :mod:`wpsync.engine.batch`'s
to decide.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence

from wpsync.errors import RemoteError
from wpsync.wordpress.lookups import lookup_slug_raw, match_created
from wpsync.wordpress.records import BatchRequest, BatchResponse
from wpsync.wordpress.rest import RestSession
from wpsync.wordpress.transport import Transient

logger = logging.getLogger(__name__)

#: WordPress's default ``rest_get_max_batch_size``.
MAX_BATCH = 25


class BatchUnsupported(RemoteError):
    """The site has no ``/batch/v1`` route (WordPress < 5.6, or disabled): send one by one."""


def send_batch(
    rest: RestSession, requests: Sequence[BatchRequest], *, max_batch: int = MAX_BATCH
) -> list[BatchResponse]:
    """Send through ``/batch/v1`` (``validation: normal``), at most ``max_batch`` per call.

    Raises :class:`BatchUnsupported` when the site has no batch route.
    """
    out: list[BatchResponse] = []
    for start in range(0, len(requests), max_batch):
        out.extend(_send_chunk(rest, list(requests[start : start + max_batch])))
    return out


def _send_chunk(rest: RestSession, chunk: list[BatchRequest]) -> list[BatchResponse]:
    route = "/batch/v1"
    results: dict[int, BatchResponse] = {}
    pending = list(range(len(chunk)))
    ambiguous = False

    def send() -> list[BatchResponse]:
        body = {
            "validation": "normal",
            "requests": [
                {
                    "method": chunk[i].method,
                    "path": chunk[i].path,
                    "body": dict(chunk[i].body or {}),
                }
                for i in pending
            ],
        }
        try:
            response = rest.send("POST", route, json=body)
        except RemoteError as exc:
            if exc.status == 404 and exc.code == "rest_no_route":
                raise BatchUnsupported(
                    f"{rest.base_url} has no batch API (/batch/v1)",
                    status=404,
                    code=exc.code,
                    method="POST",
                    url=exc.url,
                ) from None
            raise
        answer = rest.decode(response, "POST", route)
        responses = answer.get("responses") if isinstance(answer, Mapping) else None
        if not isinstance(responses, list) or len(responses) != len(pending):
            raise RemoteError(
                f"POST {route}: unexpected answer ({len(pending)} requests sent)",
                status=response.status_code,
                method="POST",
                url=str(response.request.url),
            )
        return [
            BatchResponse(int(r.get("status", 0)), r.get("body"))
            if isinstance(r, Mapping)
            else BatchResponse(0, r)
            for r in responses
        ]

    try:
        for attempt in rest.retry.retrying("POST", route):
            with attempt:
                if ambiguous:
                    _recover_creates(rest, chunk, pending, results)
                if pending:
                    try:
                        answers = send()
                    except Transient as exc:
                        ambiguous = ambiguous or exc.ambiguous
                        raise
                    results.update(zip(pending, answers, strict=True))
                    pending = []
    except Transient as exc:
        raise rest.retry.gave_up(exc, "POST", route) from None
    return [results[i] for i in range(len(chunk))]


def _recover_creates(
    rest: RestSession,
    chunk: list[BatchRequest],
    pending: list[int],
    results: dict[int, BatchResponse],
) -> None:
    """After a lost batch answer: creates that did happen get a synthetic 201 answer."""
    creates: dict[str, list[tuple[int, str, str | None]]] = {}
    for i in pending:
        request = chunk[i]
        match = re.fullmatch(r"/wp/v2/([\w-]+)/?", request.path.split("?", 1)[0])
        body = request.body or {}
        slug, title = body.get("slug"), body.get("title")
        if request.method.upper() == "POST" and match and isinstance(slug, str) and slug:
            creates.setdefault(match.group(1), []).append(
                (i, slug, title if isinstance(title, str) else None)
            )
    for rest_base, wanted in creates.items():
        for i, slug, title in wanted:  # one look-up each: WordPress matches slugs its way
            item = match_created(lookup_slug_raw(rest, rest_base, slug), title)
            if item is not None:
                logger.info("POST /batch/v1: recovered lost create of %s %r", rest_base, slug)
                results[i] = BatchResponse(201, item, recovered=True)
                pending.remove(i)
