"""Warm the client's caches concurrently before the resolver walks the payloads.

The resolver (:mod:`wpsync.sync`) turns the names in each payload into IDs one payload
at a time; a first publish of a large folder would then create its terms one request
after another.  :func:`warm_terms` creates (or finds) every term the writes use first,
``concurrency`` requests at a time, parents before children; the resolver's own calls
then hit the client's cache.  Nothing here decides anything: a term that fails to warm
is simply asked again (and fails with its file) when the resolver gets to it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from .errors import AuthError, RemoteError

if TYPE_CHECKING:
    from .client import WordPressClient
    from .model import PostPayload

logger = logging.getLogger(__name__)

#: Below this many distinct terms a thread pool is not worth starting.
MIN_TERMS = 4


def term_paths(payloads: Iterable[PostPayload]) -> set[tuple[str, tuple[str, ...]]]:
    """Every (taxonomy, path) the payloads name, their ancestors included."""
    paths: set[tuple[str, tuple[str, ...]]] = set()

    def add(taxonomy: str, path: tuple[str, ...]) -> None:
        for depth in range(1, len(path) + 1):
            paths.add((taxonomy, path[:depth]))

    for payload in payloads:
        for category in payload.categories:
            add("categories", category)
        for tag in payload.tags:
            add("tags", (tag,))
        for taxonomy, names in payload.taxonomies:
            for name in names:
                add(taxonomy, (name,))
    return paths


def warm_terms(client: WordPressClient, payloads: Iterable[PostPayload], concurrency: int) -> int:
    """Ensure every term the payloads use, level by level; the number ensured."""
    paths = term_paths(payloads)
    if len(paths) < MIN_TERMS or concurrency < 2:
        return 0
    ids: dict[tuple[str, tuple[str, ...]], int] = {}
    deepest = max(len(path) for _, path in paths)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="wpsync-terms") as pool:
        for depth in range(1, deepest + 1):
            level = sorted(p for p in paths if len(p[1]) == depth)
            jobs = []
            for taxonomy, path in level:
                parent = ids.get((taxonomy, path[:-1]), 0) if depth > 1 else 0
                if depth > 1 and not parent:
                    continue  # its parent could not be ensured: the resolver will say why
                jobs.append(
                    ((taxonomy, path), pool.submit(client.ensure_term, taxonomy, path[-1], parent))
                )
            for key, future in jobs:
                try:
                    ids[key] = future.result()
                except AuthError:
                    raise
                except RemoteError as exc:
                    logger.debug(
                        "could not ensure term %s %s ahead: %s", key[0], "/".join(key[1]), exc
                    )
    logger.debug("ensured %d terms ahead of the writes", len(ids))
    return len(ids)
