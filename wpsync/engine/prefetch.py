"""What a run asks WordPress before it writes, asked concurrently.

:func:`look_up` fetches the facts the planner needs (the posts about to be updated, the
slugs about to be created), 100 to a request, ``concurrency`` requests at a time.

Terms: :func:`warm_terms` finds or creates every term the writes use before the resolver
walks the payloads.

The resolver (:mod:`wpsync.engine.resolver`) turns the names in each payload into IDs one payload
at a time; a first publish of a large folder would then create its terms one request
after another.  :func:`warm_terms` first looks the terms up by the slugs WordPress gives
them (one ``GET`` per taxonomy for every depth at once, the taxonomies at the same time:
a hook's one post whose terms all exist waits for one round trip, where creating them
level by level took one per level; a run over a few files sends these look-ups as soon as
its files are read, beside the edit check: :func:`ask_terms`), then creates the missing ones level by level
(parents before children): through ``/batch/v1`` (25 terms a call, the calls ``concurrency`` at a time)
when batching is on, else ``concurrency`` single requests at a time.  What it learns goes
into the client's term cache, so the resolver's own calls need no request.  Nothing here
decides anything: a term that could not be ensured ahead is simply asked again (and fails
with its file) when the resolver gets to it.

A term create is safe to repeat (WordPress answers ``term_exists`` with the term's ID),
so a batch whose answer was lost is just sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wpsync.errors import AuthError, RemoteError, TransportError
from wpsync.wordpress.rights import forbids_listing

if TYPE_CHECKING:
    from wpsync.model import PostPayload
    from wpsync.source.mapping import Terms
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import BatchResponse, RemotePost

logger = logging.getLogger(__name__)

#: Below this many terms to ensure, a thread pool is not worth starting.
MIN_TERMS = 4
MAX_BATCH = 25
#: IDs or slugs per look-up request (WordPress's per_page limit)
LOOKUP = 100

TermKey = tuple[str, tuple[str, ...]]  # (taxonomy rest base, path of names)


@dataclass(frozen=True)
class Warmed:
    """How the warm-up went: terms known, and why the site turned batches down, if it did
    (no batch route, or the batch refused as a whole: the writes need not ask again)."""

    known: int
    batch_refused: str | None = None


@dataclass(frozen=True)
class Found:
    """What :func:`look_up` found: posts by (rest base, ID) and by (rest base, slug), and
    the rest bases WordPress would not list to this user (with its refusal)."""

    by_id: dict[tuple[str, int], RemotePost]
    by_slug: dict[tuple[str, str], RemotePost]
    forbidden: dict[str, RemoteError]


def look_up(
    client: WordPressClient,
    ids: Mapping[str, Sequence[int]],
    slugs: Mapping[str, Sequence[str]],
    concurrency: int,
    *,
    stored: bool = False,
) -> Found:
    """The posts with these IDs and these slugs (by rest base), as far as they exist.  A
    type WordPress will not list to this user is left out (``forbidden``): the run fails
    its files alone instead of stopping.  ``stored``: the posts by ID with their raw
    texts' digest (an edit check of posts about to be written: ``RemotePost.stored``)."""
    jobs: list[tuple[str, str, list[Any]]] = []
    for rest_base, values in ids.items():
        unique = sorted(set(values))
        jobs += [("id", rest_base, unique[i : i + LOOKUP]) for i in range(0, len(unique), LOOKUP)]
    for rest_base, names in slugs.items():
        wanted = sorted(set(names))
        jobs += [("slug", rest_base, wanted[i : i + LOOKUP]) for i in range(0, len(wanted), LOOKUP)]

    forbidden: dict[str, RemoteError] = {}

    def run(job: tuple[str, str, list[Any]]) -> dict[Any, RemotePost]:
        kind, rest_base, chunk = job
        try:
            if kind == "id":
                return dict(client.posts_by_ids(rest_base, chunk, stored=stored))
            return dict(client.posts_by_slugs(rest_base, chunk))
        except RemoteError as exc:
            if not forbids_listing(exc):
                raise
            logger.debug("%s: WordPress will not list them to this user: %s", rest_base, exc)
            forbidden[rest_base] = exc
            return {}

    if len(jobs) > 1 and concurrency > 1:
        with ThreadPoolExecutor(
            max_workers=min(concurrency, len(jobs)), thread_name_prefix="wpsync-lookup"
        ) as pool:
            answers = list(pool.map(run, jobs))
    else:
        answers = [run(job) for job in jobs]
    by_id: dict[tuple[str, int], RemotePost] = {}
    by_slug: dict[tuple[str, str], RemotePost] = {}
    for (kind, rest_base, _), found in zip(jobs, answers, strict=True):
        for key, post in found.items():
            if kind == "id":
                by_id[(rest_base, key)] = post
            else:
                by_slug[(rest_base, key)] = post
    return Found(by_id, by_slug, forbidden)


def term_paths(payloads: Iterable[PostPayload | Terms]) -> set[TermKey]:
    """Every (taxonomy, path) the payloads (or a file's terms read ahead) name, their
    ancestors included."""
    paths: set[TermKey] = set()

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


def warm_terms(
    client: WordPressClient,
    payloads: Iterable[PostPayload],
    concurrency: int,
    *,
    batching: bool = False,
    asked: Sequence[TermsAsked] = (),
) -> Warmed:
    """Ensure every term the payloads use, level by level.  ``asked``: look-ups sent
    ahead (:func:`ask_terms`, beside the edit check): their answers are taken first, and
    their paths not asked again (created if still unknown)."""
    paths = term_paths(payloads)
    looked_up: set[TermKey] = set()
    for ahead in asked:
        looked_up |= take_terms(client, ahead)
    ids: dict[TermKey, int] = {}
    refused: str | None = None
    deepest = max((len(path) for _, path in paths), default=0)
    with ThreadPoolExecutor(
        max_workers=max(1, concurrency), thread_name_prefix="wpsync-terms"
    ) as pool:
        take_terms(client, ask_terms(client, paths - looked_up, pool.submit))
        for depth in range(1, deepest + 1):
            todo: list[tuple[TermKey, int]] = []  # this level's terms not known yet
            for taxonomy, path in sorted(p for p in paths if len(p[1]) == depth):
                parent = ids.get((taxonomy, path[:-1]), 0) if depth > 1 else 0
                if depth > 1 and not parent:
                    continue  # its parent could not be ensured: the resolver will say why
                known = client.known_term(taxonomy, path[-1], parent)
                if known is not None:
                    ids[(taxonomy, path)] = known
                else:
                    todo.append(((taxonomy, path), parent))
            if batching and len(todo) > 1:
                refused = _by_batches(client, pool, todo, ids)
                if refused is None:
                    continue  # what a batch could not settle, the resolver asks again
                batching = False
            if len(todo) >= MIN_TERMS and concurrency > 1:
                _one_by_one(client, pool, [t for t in todo if t[0] not in ids], ids)
    logger.debug("%d terms known ahead of the writes", len(ids))
    return Warmed(len(ids), refused)


@dataclass(frozen=True)
class TermsAsked:
    """Term look-ups sent (:func:`ask_terms`) and not yet taken (:func:`take_terms`): the
    paths wanted per taxonomy, and each taxonomy's answer on its way."""

    wanted: Mapping[str, set[tuple[str, ...]]]
    answers: Sequence[tuple[str, Future[dict[int, tuple[str, int]]]]]


def ask_terms(
    client: WordPressClient,
    paths: Iterable[TermKey],
    submit: Callable[..., Future[dict[int, tuple[str, int]]]],
) -> TermsAsked:
    """Send the look-ups of the terms of ``paths`` the client does not know yet, found by
    the slugs WordPress would have given them (``python``; a child whose name its parent's
    sibling holds, ``python-guides``): one look-up per taxonomy, all depths at once, each
    handed to ``submit`` (a pool's).  Nothing waits here: :func:`take_terms` reads the
    answers.  A hook's run asks them as soon as its files are read, beside the edit check
    (executor.py), instead of after the plan."""
    wanted: dict[str, set[tuple[str, ...]]] = {}
    for taxonomy, path in paths:
        if _known_path(client, taxonomy, path) is None:
            wanted.setdefault(taxonomy, set()).add(path)
    if not wanted:
        return TermsAsked({}, ())
    from wpsync.source.slugs import stored_slug

    def candidates(path: tuple[str, ...]) -> list[str]:
        slug = stored_slug(path[-1])
        out = [slug] if slug else []
        for ancestor in reversed(path[:-1]):  # WordPress appends the parents' slugs
            above = stored_slug(ancestor)
            if not slug or not above:
                break
            slug = f"{slug}-{above}"
            out.append(slug)
        return out

    answers = [
        (taxonomy, submit(client.terms_by_slugs, taxonomy, sorted(slugs)))
        for taxonomy, wanted_paths in sorted(wanted.items())
        if (slugs := {s for path in wanted_paths for s in candidates(path)})
    ]
    return TermsAsked(wanted, answers)


def take_terms(client: WordPressClient, asked: TermsAsked) -> set[TermKey]:
    """Put into the client's term cache the terms :func:`ask_terms` found; returns the
    paths whose look-up was answered (found or not: they need not be asked again).

    A term is taken only when its name is the name asked for (as WordPress compares
    names) and its parent the term found (or known) for the path above: what a create
    would have answered with ``term_exists``.  A term WordPress holds under another slug (renamed by hand) is not
    found here; its create then answers ``term_exists`` as before.  A look-up that fails
    leaves its terms to the creates (which report a real error with its file)."""
    answered: set[TermKey] = set()
    for taxonomy, future in asked.answers:
        try:
            found = future.result()
        except AuthError:
            raise
        except RemoteError as exc:  # a transport error included: the creates ask again
            logger.debug("could not look up the %s terms ahead: %s", taxonomy, exc)
            continue
        for path in sorted(asked.wanted[taxonomy], key=len):
            answered.add((taxonomy, path))
            parent = _known_path(client, taxonomy, path[:-1]) if len(path) > 1 else 0
            if parent is None or _known_path(client, taxonomy, path) is not None:
                continue
            wanted_name = path[-1].encode().lower()
            same = [
                i for i, (name, up) in found.items() if _same_name(name, wanted_name, up, parent)
            ]
            if len(same) == 1:  # several: WordPress's own choice is its create's answer
                client.remember_term(taxonomy, path[-1], parent, same[0])
    return answered


def _same_name(name: str, wanted: bytes, parent: int, wanted_parent: int) -> bool:
    """Whether a create of ``wanted`` (under ``wanted_parent``) would answer ``term_exists``
    with this term: WordPress compares names ``strtolower``-ed (ASCII letters only, as
    ``bytes.lower``) among the terms of the same parent."""
    return parent == wanted_parent and name.encode().lower() == wanted


def _known_path(client: WordPressClient, taxonomy: str, path: tuple[str, ...]) -> int | None:
    """The ID of the term at ``path`` if the client knows it and each term above it."""
    parent = 0
    for name in path:
        known = client.known_term(taxonomy, name, parent)
        if known is None:
            return None
        parent = known
    return parent


def _one_by_one(
    client: WordPressClient,
    pool: ThreadPoolExecutor,
    todo: Sequence[tuple[TermKey, int]],
    ids: dict[TermKey, int],
) -> None:
    jobs = [
        (key, pool.submit(client.ensure_term, key[0], key[1][-1], parent)) for key, parent in todo
    ]
    for key, future in jobs:
        try:
            ids[key] = future.result()
        except AuthError:
            raise
        except RemoteError as exc:
            logger.debug("could not ensure term %s %s ahead: %s", key[0], "/".join(key[1]), exc)


def _by_batches(
    client: WordPressClient,
    pool: ThreadPoolExecutor,
    todo: Sequence[tuple[TermKey, int]],
    ids: dict[TermKey, int],
) -> str | None:
    """Create one level's terms through ``/batch/v1``; why not, when the site will not
    take batches (no route, or a batch refused as a whole: the caller then goes one by
    one).  Items the batch could not settle are left out of ``ids`` (the resolver asks
    for them again)."""
    from wpsync.wordpress.batch_route import BatchUnsupported
    from wpsync.wordpress.records import BatchRequest

    chunks = [list(todo[i : i + MAX_BATCH]) for i in range(0, len(todo), MAX_BATCH)]

    def send(chunk: list[tuple[TermKey, int]]) -> list[BatchResponse]:
        requests = []
        for (taxonomy, path), parent in chunk:
            body: dict[str, Any] = {"name": path[-1]}
            if parent:
                body["parent"] = parent
            requests.append(BatchRequest("POST", f"/wp/v2/{taxonomy}?_fields=id", body))
        return client.batch(requests)

    futures = [(chunk, pool.submit(send, chunk)) for chunk in chunks if chunk]
    refused: str | None = None
    for chunk, future in futures:
        try:
            answers = future.result()
        except AuthError:
            raise
        except BatchUnsupported as exc:
            refused = str(exc)
            continue
        except TransportError as exc:
            logger.debug("a batch of terms failed (%s): the posts will ask for them", exc)
            continue
        except RemoteError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                refused = f"the batch API refused a batch ({exc})"
            else:
                logger.debug("a batch of terms failed (%s): the posts will ask for them", exc)
            continue
        for ((taxonomy, path), parent), answer in zip(chunk, answers, strict=True):
            term_id = _term_id(answer.status, answer.body)
            if term_id is not None:
                ids[(taxonomy, path)] = term_id
                client.remember_term(taxonomy, path[-1], parent, term_id)
    return refused


def _term_id(status: int, body: Any) -> int | None:
    """The term's ID from a batch answer: created (201), or already there (term_exists)."""
    if not isinstance(body, Mapping):
        return None
    try:
        if 200 <= status < 300:
            return int(body["id"])
        data = body.get("data")
        if body.get("code") == "term_exists" and isinstance(data, Mapping):
            return int(data["term_id"])
    except (KeyError, TypeError, ValueError):
        return None
    return None
