"""The baselines of the initial publish: the same HTTP work as ``wpsync sync`` on a fresh
site — the same terms, the same images, the same rendered post bodies — sent by a plain
httpx loop at the same concurrency, with nothing else around it (no state, no journal,
no lookups).  What WordPress itself allows on this machine.

- one request per write (``batch=False``): each term, image and post alone, as wpsync
  with ``sync.batch = false``;
- batched (``batch=True``): terms level by level and posts through ``/batch/v1``, grouped
  the way wpsync groups them (:func:`wpsync.engine.batch.groups` for the posts: at most
  25 a batch, at least one batch per worker, even sizes; terms in chunks of 25), images one
  request each (WordPress has no batch for uploads; the first alone, as it creates the
  month's folder).

The corpus is read and mapped with wpsync's own reader and mapper, untimed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.wordpress import WordPressInstance
from wpsync.wordpress.records import CHECKED_FIELDS

#: what each write asks back: what wpsync's writes ask (the post's fields for the state,
#: its raw texts for the edit check's digest)
FIELDS = CHECKED_FIELDS
MAX_BATCH = 25  # WordPress's default rest_get_max_batch_size


@dataclass(frozen=True)
class Prepared:
    """The HTTP work of a first publish, as a raw client would do it."""

    terms: list[tuple[str, tuple[str, ...]]]  # (taxonomy, path), parents first
    images: list[str]  # rels
    posts: list[tuple[dict[str, Any], tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]]


@dataclass(frozen=True)
class RawRun:
    total: float  # seconds, first request to last answer
    posts_alone: float  # seconds of the post writes alone
    requests: int


def prepare(root: Path) -> Prepared:
    """Read and map the corpus with wpsync's own reader and mapper (not timed)."""
    from wpsync.source.content import read_document, scan_content
    from wpsync.source.mapping import MappingDefaults, map_document

    defaults = MappingDefaults("post", "publish")
    terms: set[tuple[str, tuple[str, ...]]] = set()
    images: list[str] = []
    posts = []
    for f in scan_content(root).files:
        payload = map_document(read_document(root, f.rel), defaults).payload
        refs: list[tuple[str, tuple[str, ...]]] = []
        for path in payload.categories:
            for depth in range(1, len(path) + 1):
                terms.add(("categories", path[:depth]))
            refs.append(("categories", path))
        for tag in payload.tags:
            terms.add(("tags", (tag,)))
            refs.append(("tags", (tag,)))
        rels = tuple(ref.rel for ref in payload.images)
        images.extend(r for r in rels if r not in images)
        posts.append((payload.scalar_fields(), tuple(refs), rels))
    return Prepared(sorted(terms, key=lambda t: (len(t[1]), t)), images, posts)


def groups(count: int, concurrency: int) -> list[range]:
    """How wpsync cuts a wave of ``count`` writes into batches (its own function when it
    has one by that name, else the same rule written here)."""
    try:
        from wpsync.engine.batch import groups as wpsync_groups

        return list(wpsync_groups(count, concurrency, batching=True))
    except (ImportError, TypeError):
        pass
    if count <= 0:
        return []
    if count == 1:
        return [range(0, 1)]
    n_groups = max(math.ceil(count / MAX_BATCH), min(max(1, concurrency), count))
    size, extra = divmod(count, n_groups)
    out, start = [], 0
    for g in range(n_groups):
        end = start + size + (1 if g < extra else 0)
        out.append(range(start, end))
        start = end
    return out


def token(wp: WordPressInstance) -> str:
    r = httpx.post(
        f"{wp.url}/wp-json/jwt-auth/v1/token",
        json={"username": wp.admin_user, "password": wp.admin_password},
        timeout=60,
    )
    r.raise_for_status()
    return str(r.json()["token"])


def raw_publish(
    wp: WordPressInstance, root: Path, work: Prepared, *, concurrency: int, batch: bool
) -> RawRun:
    """Terms, images, then the posts, with plain httpx at ``concurrency``."""
    from wpsync.source.render import rewrite_urls

    bearer = token(wp)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sent = [0]
    with (
        httpx.Client(
            base_url=f"{wp.url}/wp-json",
            headers={"Authorization": f"Bearer {bearer}"},
            timeout=120,
            limits=limits,
            event_hooks={"request": [lambda _: sent.__setitem__(0, sent[0] + 1)]},
        ) as client,
        ThreadPoolExecutor(concurrency) as pool,
    ):
        started = time.perf_counter()
        ids: dict[tuple[str, tuple[str, ...]], int] = {}

        def term_body(key: tuple[str, tuple[str, ...]]) -> dict[str, Any]:
            taxonomy, path = key
            body: dict[str, Any] = {"name": path[-1]}
            if len(path) > 1:
                body["parent"] = ids[(taxonomy, path[:-1])]
            return body

        def term_id(status: int, data: Any) -> int:
            if status == 400 and data.get("code") == "term_exists":
                return int(data["data"]["term_id"])
            if status >= 300:
                raise RuntimeError(f"raw term: HTTP {status} {str(data)[:300]}")
            return int(data["id"])

        def term(key: tuple[str, tuple[str, ...]]) -> int:
            r = client.post(f"/wp/v2/{key[0]}", params={"_fields": "id"}, json=term_body(key))
            return term_id(r.status_code, r.json())

        def term_batch(keys: list[tuple[str, tuple[str, ...]]]) -> list[int]:
            answers = batch_post(
                client,
                [(f"/wp/v2/{k[0]}?_fields=id", term_body(k)) for k in keys],
            )
            return [term_id(a["status"], a["body"]) for a in answers]

        for depth in sorted({len(p) for _, p in work.terms}):
            level = [t for t in work.terms if len(t[1]) == depth]
            if batch and len(level) > 1:
                chunks = [level[i : i + MAX_BATCH] for i in range(0, len(level), MAX_BATCH)]
                for chunk, got in zip(chunks, pool.map(term_batch, chunks), strict=True):
                    ids.update(zip(chunk, got, strict=True))
            else:
                ids.update(zip(level, pool.map(term, level), strict=True))

        def upload(rel: str) -> str:
            data = (root / rel).read_bytes()
            r = client.post(
                "/wp/v2/media",
                params={"_fields": "id,source_url"},
                content=data,
                headers={
                    "Content-Type": "image/png",
                    "Content-Disposition": f'attachment; filename="{Path(rel).name}"',
                },
            )
            r.raise_for_status()
            return str(r.json()["source_url"])

        urls: dict[str, str] = {}
        if work.images:  # the first alone: WordPress creates the month's upload folder
            urls[work.images[0]] = upload(work.images[0])
            urls.update(zip(work.images[1:], pool.map(upload, work.images[1:]), strict=True))

        bodies = []
        for scalar, refs, rels in work.posts:
            body = dict(scalar)
            for taxonomy in ("categories", "tags"):
                chosen = [ids[(t, p)] for t, p in refs if t == taxonomy]
                if chosen:
                    body[taxonomy] = chosen
            if rels:
                body["content"] = rewrite_urls(body["content"], {r: urls[r] for r in rels})
            bodies.append(body)

        posts_started = time.perf_counter()

        def one(body: dict[str, Any]) -> None:
            r = client.post("/wp/v2/posts", params={"_fields": FIELDS}, json=body)
            if r.status_code != 201:
                raise RuntimeError(f"raw create: HTTP {r.status_code} {r.text[:300]}")

        def many(chunk: list[dict[str, Any]]) -> None:
            answers = batch_post(client, [(f"/wp/v2/posts?_fields={FIELDS}", b) for b in chunk])
            bad = [a for a in answers if a["status"] != 201]
            if bad:
                raise RuntimeError(f"raw batch create: {bad[0]}")

        send: Callable[[Any], None]
        if batch:
            items: list[Any] = [[bodies[i] for i in g] for g in groups(len(bodies), concurrency)]
            send = many
        else:
            items, send = bodies, one
        list(pool.map(send, items))
        done = time.perf_counter()
    return RawRun(done - started, done - posts_started, sent[0])


def batch_post(client: httpx.Client, items: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """One ``/batch/v1`` request of POSTs; the answers (status and body each)."""
    r = client.post(
        "/batch/v1",
        json={
            "validation": "normal",
            "requests": [{"method": "POST", "path": p, "body": b} for p, b in items],
        },
    )
    r.raise_for_status()
    answers: list[Any] = r.json()["responses"]
    return answers
