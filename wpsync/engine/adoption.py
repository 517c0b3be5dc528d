"""Recognising, without a state, the posts this folder published before.

A fresh ``git clone`` or a CI runner has no ``.wpsync/`` state: every file looks new.
Before planning, :func:`recognise` asks WordPress about the files no state entry links —
only those, so a run with a full state asks nothing more — by the slug each would be
created with (100 slugs to a request, ``context=edit`` with the raw title and content),
and reads the fingerprint wpsync left in each post it wrote (fingerprint.py):

- no post with that slug: a new file; the planner creates it;
- a post without a fingerprint, or one made from another file: not this file's — the
  planner's conflict ("WordPress already has a post with slug …") stands, with the
  reason said;
- a post made from this file, as wpsync sent it (its title, content and status hash to
  the fingerprint's digest): this file's post.  It is linked as if this run had
  pushed it, with the payload hash it was sent with, so the planner sends nothing when
  the file would send the same (``Keep``) and an update when it changed since;
- no post with that slug, in a folder that did publish here (other files were found):
  the file may have moved since, its post keeping the old slug — up to 20 such files
  are looked for by their title (``search``), and a post is taken only when its
  fingerprint names this very file (the file then keeps the post's slug);
- a post made from this file and edited in WordPress since (the digest differs): linked
  — it is this folder's post — as edited since the last push, so the planner reports the
  conflict by its ID on every run, never overwrites it and never creates another;
  ``--overwrite`` updates it.

Terms need nothing: they are found by name (``term_exists``); images are found by the
slug of their upload (media.py).  ``wpsync state rebuild`` uses the same recognition.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

from wpsync.engine.conflicts import pushed_fields
from wpsync.engine.fingerprint import Fingerprint, read_fingerprint, sent_digest
from wpsync.engine.items import Changed, LocalItem, RemotePostFacts
from wpsync.engine.plan import Action, Conflict, RemoteFacts, RemoteQuery
from wpsync.errors import RemoteError
from wpsync.model import Entry, Pending, Pushed, RestBody
from wpsync.wordpress.records import stored_digest

if TYPE_CHECKING:
    from wpsync.config import SyncConfig
    from wpsync.engine.references import References
    from wpsync.store.state import StateStore
    from wpsync.wordpress.client import WordPressClient

logger = logging.getLogger(__name__)

__all__ = ["Adoption", "Recognition", "look_up", "raw_text", "recognise", "recognition"]

#: at most this many files whose slug finds nothing are looked for by title (a first
#: publish of a folder, where none is found, never searches)
SEARCHED = 20

#: the payload hash of a file linked to its post edited in WordPress since: never equal to
#: a real one, and with no ``modified_gmt`` the planner reports the conflict
EDITED = "adopted:edited in WordPress"

#: what a post found by slug is to the file that asked for it
Verdict = Literal["ours", "edited", "foreign"]


@dataclass(frozen=True)
class Recognition:
    """What the post ``raw`` (``context=edit``) is to the file ``rel``.

    ``ours``: made from this file and unedited since (``fingerprint`` says what was sent);
    ``edited``: made from this file, edited in WordPress since; ``foreign``: not made
    from this file by wpsync (``reason`` says why)."""

    verdict: Verdict
    fingerprint: Fingerprint | None
    reason: str = ""


def raw_text(post: Mapping[str, Any], key: str) -> str:
    """A text field of a ``context=edit`` post: its ``raw`` (else ``rendered``) value."""
    value = post.get(key)
    if isinstance(value, Mapping):
        value = value.get("raw", value.get("rendered"))
    return value if isinstance(value, str) else ""


def recognition(rel: str, raw: Mapping[str, Any]) -> Recognition:
    """Whose the post ``raw`` is (see :class:`Recognition`)."""
    post_id = raw.get("id")
    fingerprint, content = read_fingerprint(raw_text(raw, "content"))
    if fingerprint is None:
        return Recognition(
            "foreign",
            None,
            f"post {post_id} carries no wpsync fingerprint (published by someone else or by "
            "an earlier wpsync, or saved in the block editor since)",
        )
    if fingerprint.rel != rel:
        return Recognition(
            "foreign",
            fingerprint,
            f"post {post_id} was published by wpsync from '{fingerprint.rel}', not from this file",
        )
    now = sent_digest(
        raw_text(raw, "title"),
        content,
        str(raw.get("status") or ""),
        str(raw.get("slug") or ""),
    )
    if now != fingerprint.sent:
        modified = str(raw.get("modified_gmt") or "")
        return Recognition(
            "edited",
            fingerprint,
            f"post {post_id} was published from this file and edited in WordPress since "
            f"(at {modified}); use --overwrite to overwrite it, or bring the edit into the file",
        )
    return Recognition("ours", fingerprint)


@dataclass(frozen=True)
class Adoption:
    """What :func:`recognise` found.  ``entries``: files linked to their post (ours,
    unedited), as of their last push; ``pushed``: those posts' status and fields;
    ``reasons``: why a file is in conflict (its post edited since — linked all the same,
    with the payload hash :data:`EDITED` —, or a post with its slug that is not its own);
    ``slugs``: every (type, slug) looked up, with the post found —
    the planner need not ask again; ``kept_slugs``: files moved since their post was
    published, found by their fingerprint: the post's slug they keep."""

    entries: Mapping[str, Entry] = field(default_factory=dict)
    pushed: tuple[Pushed, ...] = ()
    reasons: Mapping[str, str] = field(default_factory=dict)
    slugs: Mapping[tuple[str, str], RemotePostFacts | None] = field(default_factory=dict)
    kept_slugs: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.entries or self.reasons)

    def linking(self, entries: Mapping[str, Entry]) -> dict[str, Entry]:
        """``entries`` with the links found."""
        return {**entries, **self.entries}

    def record(self, state: StateStore, references: References, *, dry_run: bool) -> None:
        """Write the links found into the state (a dry run only tells ``references``)."""
        if self.entries and not dry_run:
            with state.transaction():
                for entry in self.entries.values():
                    state.put(entry)
        references.adopt(self.pushed)

    def keep_slugs(self, items: Sequence[LocalItem]) -> list[LocalItem]:
        """``items`` with the moved files found asking for their post's slug, as a move
        seen by a checkout with the state does (the payload hash follows in ``settle``)."""
        if not self.kept_slugs:
            return list(items)
        return [
            dataclasses.replace(
                item, payload=dataclasses.replace(item.payload, slug=self.kept_slugs[item.rel])
            )
            if isinstance(item, Changed) and item.rel in self.kept_slugs
            else item
            for item in items
        ]

    def narrow(self, query: RemoteQuery) -> RemoteQuery:
        """``query`` without the slugs already looked up."""
        if not self.slugs:
            return query
        slugs = {
            base: tuple(s for s in wanted if (base, s) not in self.slugs)
            for base, wanted in query.slugs.items()
        }
        return RemoteQuery(query.ids, {base: s for base, s in slugs.items() if s})

    def facts(self, remote: RemoteFacts) -> RemoteFacts:
        """``remote`` with the posts found by the slugs looked up here."""
        found = {key: post for key, post in self.slugs.items() if post is not None}
        if not found:
            return remote
        return RemoteFacts(remote.by_id, {**found, **remote.by_slug})

    def explain(self, actions: Sequence[Action]) -> list[Action]:
        """``actions`` with the planner's "slug taken" conflicts saying why."""
        return [
            dataclasses.replace(a, reason=self.reasons[a.rel])
            if isinstance(a, Conflict) and a.rel in self.reasons
            else a
            for a in actions
        ]


def unlinked(
    items: Sequence[LocalItem], entries: Mapping[str, Entry], pending: Mapping[str, Pending]
) -> list[Changed]:
    """The files no state entry links (nor a journalled create: recovery.py's)."""
    return [
        item
        for item in items
        if isinstance(item, Changed) and item.rel not in entries and item.rel not in pending
    ]


def recognise(
    items: Sequence[LocalItem],
    entries: Mapping[str, Entry],
    state: StateStore,
    client: Callable[[], WordPressClient],
    sync: SyncConfig,
    looked_up: Mapping[tuple[str, str], dict[str, Any] | None] | None = None,
    recognised: int = 0,
    empty: frozenset[str] = frozenset(),
) -> Adoption:
    """Find the posts of the files no entry links (see the module docstring).  Asks
    nothing (and opens no client) when every file is linked; ``looked_up``: slugs
    already asked this run (recognised.py), with the post found, not asked again;
    ``recognised``: how many files this run linked by their bytes (recognised.py);
    ``empty``: types WordPress said held no post at all this run (recognised.py): their
    slugs are known free, not asked."""
    concurrency = sync.concurrency
    todo = unlinked(items, entries, state.pending())
    if not todo:
        return Adoption()
    # A slug asked for by two files, or a post already linked to another file, is the
    # planner's to refuse: never adopted.
    wanted: dict[tuple[str, str], list[Changed]] = {}
    for item in todo:
        wanted.setdefault((item.payload.rest_base, item.payload.slug), []).append(item)
    taken = {(e.rest_base, e.post_id) for e in entries.values()}
    by_base: dict[str, list[str]] = {}
    for rest_base, slug in wanted:
        by_base.setdefault(rest_base, []).append(slug)
    asked = looked_up or {}
    found, refused = look_up(
        client,
        {
            b: [s for s in slugs if (b, s) not in asked]
            for b, slugs in by_base.items()
            if b not in empty
        },
        concurrency,
    )
    found.update({key: raw for key, raw in asked.items() if raw is not None})
    judged = _Judged()
    missing: list[Changed] = []
    for (rest_base, slug), askers in sorted(wanted.items()):
        raw = found.get((rest_base, slug))
        if raw is None:
            missing += [a for a in askers if not a.payload.slug_explicit]
        elif len(askers) == 1 and (rest_base, int(raw["id"])) not in taken:
            judged.judge(askers[0], raw)
            taken.add((rest_base, int(raw["id"])))
    if (judged.linked or recognised) and 0 < len(missing) <= SEARCHED:
        # This folder published here before; a file whose slug finds nothing may be one
        # moved since, whose post kept the old slug (plan._keep_slug): looked for by its
        # title, and taken only when its fingerprint names this very file.
        api = client()
        for item in missing:
            for raw in api.search_posts_raw(item.payload.rest_base, item.payload.title):
                fingerprint, _ = read_fingerprint(raw_text(raw, "content"))
                key = (item.payload.rest_base, int(raw["id"]))
                if fingerprint is not None and fingerprint.rel == item.rel and key not in taken:
                    taken.add(key)
                    judged.judge(item, raw)
                    judged.kept_slugs[item.rel] = unquote(str(raw.get("slug") or ""))
                    break
    linked, pushed, reasons = judged.linked, judged.pushed, judged.reasons
    if linked or reasons:
        logger.info(
            "no state for %d file(s): %d recognised as published from this folder, "
            "%d edited in WordPress since, %d new",
            len(todo),
            len(linked),
            sum(1 for rel in reasons if rel in linked),
            len(todo) - len(linked) - sum(1 for rel in reasons if rel not in linked),
        )
    slugs_seen = {
        key: (
            RemotePostFacts(
                int(raw["id"]),
                str(raw.get("slug") or ""),
                str(raw.get("status") or ""),
                str(raw.get("modified_gmt") or ""),
                str(raw.get("link") or ""),
            )
            if (raw := found.get(key)) is not None
            else None
        )
        for key in wanted
        if key[0] not in refused  # asked again by the planner, which tells the user
    }
    return Adoption(linked, tuple(pushed), reasons, slugs_seen, judged.kept_slugs)


@dataclass
class _Judged:
    """What :func:`recognise` made of the posts it found, file by file."""

    linked: dict[str, Entry] = field(default_factory=dict)
    pushed: list[Pushed] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    kept_slugs: dict[str, str] = field(default_factory=dict)

    def judge(self, item: Changed, raw: Mapping[str, Any]) -> None:
        rest_base = item.payload.rest_base
        post = _entry(item.rel, rest_base, raw, "")
        seen = recognition(item.rel, raw)
        if seen.verdict == "foreign" or seen.fingerprint is None:
            self.reasons[item.rel] = (
                f"WordPress already has a {_kind(rest_base)} with slug '{post.slug}': "
                f"{seen.reason}; run `wpsync state rebuild` to link it if it is this file's, "
                "or use --overwrite to overwrite it"
            )
            return
        status = str(raw.get("status") or "")
        if seen.verdict == "edited":
            # This folder's post: linked, as one edited since the last push (the planner
            # reports it by its ID, never creates another, and --overwrite updates it).
            logger.info("%s: %s", item.rel, seen.reason)
            self.reasons[item.rel] = seen.reason
            self.linked[item.rel] = dataclasses.replace(post, payload_hash=EDITED, modified_gmt="")
            self.pushed.append(Pushed(item.rel, status, {}, {}))
            return
        logger.debug("%s: its post %d was published from this folder", item.rel, post.post_id)
        self.linked[item.rel] = dataclasses.replace(
            post, payload_hash=seen.fingerprint.payload_hash
        )
        fields: RestBody = {
            "title": raw_text(raw, "title"),
            "content": raw_text(raw, "content"),
            "status": status,
        }
        self.pushed.append(Pushed(item.rel, status, {}, pushed_fields(fields)))


def look_up(
    client: Callable[[], WordPressClient], by_base: Mapping[str, list[str]], concurrency: int
) -> tuple[dict[tuple[str, str], dict[str, Any]], set[str]]:
    """The posts with these slugs, their raw title and content included, 100 to a request
    (the requests ``concurrency`` at a time); and the types WordPress would not list."""
    chunk = 100
    if not any(by_base.values()):
        return {}, set()
    jobs = [
        (rest_base, sorted(slugs)[i : i + chunk])
        for rest_base, slugs in sorted(by_base.items())
        for i in range(0, len(slugs), chunk)
    ]
    from wpsync.wordpress.rights import forbids_listing  # (a no-op run imports no HTTP stack)

    api = client()
    refused: set[str] = set()

    def run(job: tuple[str, list[str]]) -> dict[str, dict[str, Any]]:
        try:
            return api.posts_by_slugs_raw(job[0], job[1])
        except RemoteError as exc:
            if not forbids_listing(exc):
                raise
            # not this user's to list (an Author's pages): the planner's look-up says so
            logger.debug("%s: not adopted: WordPress will not list them: %s", job[0], exc)
            refused.add(job[0])
            return {}

    if len(jobs) > 1 and concurrency > 1:
        workers = min(concurrency, len(jobs))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wpsync-adopt") as pool:
            answers = list(pool.map(run, jobs))
    else:
        answers = [run(job) for job in jobs]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for (rest_base, _), answer in zip(jobs, answers, strict=True):
        for slug, raw in answer.items():
            out[(rest_base, slug)] = raw
    return out, refused


def _entry(rel: str, rest_base: str, raw: Mapping[str, Any], payload_hash: str) -> Entry:
    """The entry of a file linked to ``raw`` without its bytes known: the planner reads
    the file and compares payload hashes (no source hash, no stat)."""
    return Entry(
        rel=rel,
        rest_base=rest_base,
        post_id=int(raw["id"]),
        slug=unquote(str(raw.get("slug") or "")),
        source_hash="",
        payload_hash=payload_hash,
        modified_gmt=str(raw.get("modified_gmt") or ""),
        link=str(raw.get("link") or ""),
        stored=stored_digest(raw),
    )


def _kind(rest_base: str) -> str:
    return rest_base[:-1] if rest_base.endswith("s") else rest_base
