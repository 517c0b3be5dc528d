"""The planner: (local files, state, remote facts) → a list of actions.  Pure: no I/O.

Deciding is separate from doing.  The sync runs in three steps:

1. ``needs_remote(...)`` says which remote facts the plan depends on (the
   ``modified_gmt`` of posts we are about to update, whether the slugs we are about to
   create already exist).  Nothing is asked when nothing changed.
2. The caller fetches exactly those facts (``RemoteFacts``).
3. ``plan(...)`` turns everything into actions; each branch below is a commented case.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wpsync.engine.items import (
    Broken,
    Changed,
    LocalItem,
    RemotePostFacts,
    Stat,
    Unchanged,
    payload_hash,
)
from wpsync.errors import DocumentError, SafetyError
from wpsync.model import Entry, Pending, PostPayload, edited_since

if TYPE_CHECKING:
    from wpsync.config import DeletePolicy
    from wpsync.source.discovery import Skipped

# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class RemoteFacts:
    """What WordPress told us about the objects a plan touches."""

    by_id: Mapping[tuple[str, int], RemotePostFacts] = field(default_factory=dict)
    by_slug: Mapping[tuple[str, str], RemotePostFacts] = field(default_factory=dict)
    #: posts found changed in WordPress (edited, trashed, deleted for good) by the remote
    #: check (remote.py): their files are planned even when the file itself is unchanged
    flagged: frozenset[tuple[str, int]] = frozenset()


@dataclass(frozen=True)
class RemoteQuery:
    ids: Mapping[str, tuple[int, ...]]  # rest_base → post ids whose modified_gmt we need
    slugs: Mapping[str, tuple[str, ...]]  # rest_base → slugs we are about to create

    def __bool__(self) -> bool:
        return any(self.ids.values()) or any(self.slugs.values())


@dataclass(frozen=True)
class Options:
    #: overwrite posts edited (or trashed) in WordPress since the last sync
    overwrite: bool = False
    #: carry out a deletion the mass-deletion guard would refuse
    allow_mass_delete: bool = False
    #: nothing was asked of WordPress (``--offline``): a post's state there is unknown
    offline: bool = False
    delete_policy: DeletePolicy = "trash"
    full_scan: bool = True  # files missing from disk are deletions only on a full scan
    max_deletions: int = 10
    max_deletion_ratio: float = 0.5
    #: new rel → old rel: moves the caller saw happen (watcher events, ``git diff -M``).
    #: They win over the content/slug guess, so a file moved *and* edited keeps its post.
    renames: Mapping[str, str] = field(default_factory=dict)
    #: how many files the state knows in all (a subset run plans with only its own
    #: entries; the mass-deletion guard must still judge against the whole folder)
    known_total: int | None = None
    #: (rest base, post ID) of every post the state links to a file: a post with the
    #: slug of a new page is no stranger's when it is one of these (a page of the same
    #: name under another parent: samename.py); a run over a few files asks the state
    linked: Container[tuple[str, int]] = frozenset()


# ---------------------------------------------------------------- actions


@dataclass(frozen=True)
class Create:
    rel: str
    stat: Stat
    source_hash: str
    payload: PostPayload
    payload_hash: str
    adopt: RemotePostFacts | None = None  # our own earlier create, found by slug
    #: the post this file had was deleted for good in WordPress: published again
    republish: Entry | None = None


@dataclass(frozen=True)
class Update:
    rel: str
    stat: Stat
    source_hash: str
    payload: PostPayload
    payload_hash: str
    entry: Entry
    reason: str
    renamed_from: str | None = None


@dataclass(frozen=True, slots=True)
class Keep:
    """Nothing to send.  ``entry`` is rewritten when only local bookkeeping changed."""

    rel: str
    entry: Entry
    refresh: Entry | None = None


@dataclass(frozen=True)
class Delete:
    entry: Entry
    policy: DeletePolicy
    #: why the post goes when the file is still there but no longer content (excluded,
    #: ignored by a .gitignore…); "" for a file that is gone
    skipped: str = ""

    @property
    def rel(self) -> str:
        return self.entry.rel


@dataclass(frozen=True)
class Conflict:
    rel: str
    reason: str
    entry: Entry | None
    remote: RemotePostFacts | None


@dataclass(frozen=True)
class Fail:
    rel: str
    error: DocumentError


Action = Create | Update | Keep | Delete | Conflict | Fail
#: the actions that send a post
WriteAction = Create | Update


# ---------------------------------------------------------------- step 1


def _renames(
    local: Sequence[LocalItem], entries: Mapping[str, Entry], options: Options
) -> dict[str, Entry]:
    """New files that are an old file moved: same content, or same type and slug."""
    vanished = _vanished(local, entries) if options.full_scan else []
    if not vanished:
        return {}
    by_source = {e.source_hash: e for e in vanished}
    by_slug = {(e.rest_base, e.slug): e for e in vanished}
    taken: set[str] = set()
    found: dict[str, Entry] = {}
    changed = {item.rel for item in local if isinstance(item, Changed)}
    vanished_rels = {e.rel for e in vanished}
    for new_rel, old_rel in sorted(options.renames.items()):
        # A move the caller saw: the old file is gone and the new one is not linked yet.
        if (
            new_rel in changed
            and new_rel not in entries
            and old_rel in vanished_rels
            and old_rel not in taken
        ):
            taken.add(old_rel)
            found[new_rel] = entries[old_rel]
    for item in local:
        if not isinstance(item, Changed) or item.rel in entries or item.rel in found:
            continue
        old = by_source.get(item.source_hash) or by_slug.get(
            (item.payload.rest_base, item.payload.slug)
        )
        if old is not None and old.rel not in taken:
            taken.add(old.rel)
            found[item.rel] = old
    return found


def _vanished(local: Sequence[LocalItem], entries: Mapping[str, Entry]) -> list[Entry]:
    """The entries whose file is not among ``local`` (a full scan's: gone), in the
    entries' order.  Every entry's file there (the usual case) is told without a set of
    every path."""
    if sum(1 for item in local if item.rel in entries) == len(entries):
        return []  # (``local`` names each file once)
    present = {item.rel for item in local}
    return [e for rel, e in entries.items() if rel not in present]


def needs_remote(
    local: Sequence[LocalItem],
    entries: Mapping[str, Entry],
    options: Options,
) -> RemoteQuery:
    renames = _renames(local, entries, options)
    ids: dict[str, list[int]] = {}
    slugs: dict[str, list[str]] = {}
    for item in local:
        if not isinstance(item, Changed):
            continue
        entry = entries.get(item.rel) or renames.get(item.rel)
        if entry is not None:
            # A move is sent even when nothing else changed: check the post first.
            if entry.payload_hash != item.payload_hash or item.rel not in entries:
                ids.setdefault(entry.rest_base, []).append(entry.post_id)
        else:
            slugs.setdefault(item.payload.rest_base, []).append(item.payload.slug)
    return RemoteQuery(
        ids={k: tuple(sorted(set(v))) for k, v in ids.items()},
        slugs={k: tuple(sorted(set(v))) for k, v in slugs.items()},
    )


# ---------------------------------------------------------------- step 3


def plan(
    local: Sequence[LocalItem],
    entries: Mapping[str, Entry],
    pending: Mapping[str, Pending],
    remote: RemoteFacts,
    options: Options,
) -> list[Action]:
    """Decide what to do with every file; raise SafetyError for a dangerous plan."""
    renames = _renames(local, entries, options)
    renamed_away = {e.rel for e in renames.values()}
    actions: list[Action] = []
    # A slug belongs to the file already published with it (while that file is unchanged),
    # else to the first file that asks for it — among the posts of a type, or the pages
    # of one parent (pages of one name under other parents: samename.py).
    # (Only the slugs a changed file asks for: a folder with no change claims nothing.)
    asked = {_slug_key(item.payload) for item in local if isinstance(item, Changed)}
    claimed_slugs: dict[tuple[str, str, str], str] = (
        {
            key: item.rel
            for item in local
            if isinstance(item, Unchanged)
            and (entry := entries.get(item.rel)) is not None
            and entry.rest_base != "pages"
            and (key := (entry.rest_base, "", entry.slug)) in asked
        }
        if asked
        else {}
    )
    for item in local:
        match item:
            case Broken(rel=rel, error=error):
                # Unreadable or unmappable: this file fails, its post is left as it is.
                actions.append(Fail(rel, error))
            case Unchanged(rel=rel, stat=stat):
                entry = entries[rel]
                refresh = None
                if (entry.size, entry.mtime_ns) != (stat.size, stat.mtime_ns):
                    refresh = dataclasses.replace(entry, size=stat.size, mtime_ns=stat.mtime_ns)
                actions.append(Keep(rel, entry, refresh))
            case Changed() if (key := _slug_key(item.payload)) in claimed_slugs:
                # Two files want the same slug: WordPress would quietly suffix one of them.
                actions.append(
                    Fail(
                        item.rel,
                        DocumentError(
                            item.rel,
                            f"slug '{item.payload.slug}' is also used by {claimed_slugs[key]}",
                            hint="give one of them a different `slug:` in its front matter",
                        ),
                    )
                )
            case Changed():
                claimed_slugs[_slug_key(item.payload)] = item.rel
                actions.append(_plan_changed(item, entries, renames, pending, remote, options))
    if options.full_scan:
        for entry in sorted(_vanished(local, entries), key=lambda e: e.rel):
            if entry.rel in renamed_away:
                continue
            # The file is gone: apply the delete policy.
            actions.append(Delete(entry, options.delete_policy))
    _check_mass_deletion(actions, entries, options)
    return actions


def _plan_changed(
    item: Changed,
    entries: Mapping[str, Entry],
    renames: Mapping[str, Entry],
    pending: Mapping[str, Pending],
    remote: RemoteFacts,
    options: Options,
) -> Action:
    entry = entries.get(item.rel)
    renamed_from = None
    if entry is None and item.rel in renames:
        entry = renames[item.rel]
        renamed_from = entry.rel
        item = _keep_slug(item, entry)
    payload = item.payload
    if entry is not None and entry.rest_base != payload.rest_base:
        # The type changed (post → page): WordPress cannot convert; treat as a conflict.
        return Conflict(
            item.rel,
            f"type changed from {entry.rest_base} to {payload.rest_base}; "
            "delete the old post or restore the type",
            entry,
            None,
        )
    flagged = entry is not None and (entry.rest_base, entry.post_id) in remote.flagged
    if entry is not None:
        if entry.payload_hash == item.payload_hash and not flagged:
            # Source bytes changed but what we would send did not: only the state moves.
            # (A pure move goes on below: it is sent, after the conflict check.)
            refresh = dataclasses.replace(
                entry,
                rel=item.rel,
                source_hash=item.source_hash,
                size=item.stat.size,
                mtime_ns=item.stat.mtime_ns,
            )
            if renamed_from is None:
                return Keep(item.rel, entry, refresh)
        facts = remote.by_id.get((entry.rest_base, entry.post_id))
        if facts is None and options.offline:
            # Nothing was asked (--offline): sent as it is, unchecked.
            return Update(
                item.rel, item.stat, item.source_hash, payload, item.payload_hash, entry,
                item.cause or ("renamed" if renamed_from else "changed"), renamed_from,
            )  # fmt: skip
        if facts is None:
            # Our post is gone from WordPress (deleted for good): publish it again, with
            # its old slug (so its old address) unless the front matter names another.
            item = _keep_slug(item, entry)
            return Create(
                item.rel, item.stat, item.source_hash, item.payload, item.payload_hash,
                republish=entry,
            )  # fmt: skip
        if facts.status == "trash" and not options.overwrite:
            # Trashed in WordPress by someone: do not resurrect it behind their back.
            return Conflict(
                item.rel,
                f"trashed on the site ({_kind(entry.rest_base)} {entry.post_id}): restore it "
                f"in WordPress, or `wpsync resolve {item.rel} --keep-local` to publish again",
                entry,
                facts,
            )
        if edited_since(entry, facts.modified_gmt, facts.stored) and not options.overwrite:
            # Edited in WordPress since our last push: never overwrite silently.
            when = (
                f"at {facts.modified_gmt} (last sync: {entry.modified_gmt or 'unknown'})"
                if facts.modified_gmt != entry.modified_gmt
                else f"in the second of the last sync ({facts.modified_gmt})"
            )
            return Conflict(
                item.rel,
                f"edited on the site {when}: `wpsync resolve {item.rel} --keep-remote` "
                "takes WordPress's version into the file, `--keep-local` (or sync "
                "--overwrite) sends the file over it",
                entry,
                facts,
            )
        if flagged and entry.payload_hash == item.payload_hash and renamed_from is None:
            reason = "the file is the same; WordPress's copy is overwritten (--overwrite)"
            return Update(
                item.rel, item.stat, item.source_hash, payload, item.payload_hash, entry, reason
            )
        if renamed_from is None:
            # The file itself, or — same bytes, read again — what it renders to.
            reason = item.cause or "changed"
        elif entry.payload_hash == item.payload_hash:
            reason = "renamed"
        else:
            reason = "renamed and changed"
        return Update(
            item.rel, item.stat, item.source_hash, payload, item.payload_hash, entry,
            reason, renamed_from,
        )  # fmt: skip
    existing = remote.by_slug.get((payload.rest_base, payload.slug))
    if (
        existing is not None
        and payload.rest_base == "pages"
        and ((payload.rest_base, existing.id) in options.linked)
    ):
        existing = None  # another file's page of this name, under another parent
    if existing is None:
        # New file, slug free: create it.
        return Create(item.rel, item.stat, item.source_hash, payload, item.payload_hash)
    mine = pending.get(item.rel)
    if (mine is not None and mine.slug == payload.slug) or options.overwrite:
        # Our own create whose answer was lost (or --overwrite): adopt it, no duplicate.
        return Create(item.rel, item.stat, item.source_hash, payload, item.payload_hash, existing)
    # Someone else's post already has this slug: linking it blindly would overwrite it.
    return Conflict(
        item.rel,
        f"WordPress already has a {payload.rest_base[:-1] if payload.rest_base.endswith('s') else payload.rest_base} "
        f"with slug '{payload.slug}' (id {existing.id}) that this folder did not create; "
        "run `wpsync state rebuild` to link it, or use --overwrite to overwrite it",
        None,
        existing,
    )


def _slug_key(payload: PostPayload) -> tuple[str, str, str]:
    """Where a slug must be unique: the posts of a type, the pages of one parent."""
    scope = (payload.parent_rel or payload.parent or "") if payload.rest_base == "pages" else ""
    return payload.rest_base, scope, payload.slug


def _keep_slug(item: Changed, old: Entry) -> Changed:
    """A moved file keeps its post's slug (so its URL) unless its front matter names one:
    without ``slug:`` the mapper derived the slug from the new file name."""
    payload = item.payload
    if payload.slug_explicit or payload.slug == old.slug or payload.rest_base != old.rest_base:
        return item
    payload = dataclasses.replace(payload, slug=old.slug)
    return dataclasses.replace(
        item, payload=payload, payload_hash=payload_hash(payload, dict(item.inputs))
    )


def _check_mass_deletion(
    actions: Iterable[Action], entries: Mapping[str, Entry], options: Options
) -> None:
    deletes = [a for a in actions if isinstance(a, Delete) and a.policy != "keep"]
    if not deletes or options.allow_mass_delete:
        return
    n = len(deletes)
    total = max(options.known_total or 0, len(entries))
    too_many = n > options.max_deletions
    too_large_share = total >= 4 and n / total > options.max_deletion_ratio
    everything = n == total and n >= 2
    if too_many or too_large_share or everything:
        raise SafetyError(
            f"refusing to {options.delete_policy} {n} of {total} posts whose files are gone "
            "(is the content folder empty or unmounted?)",
            hint="check the folder (files a new `exclude` or .gitignore leaves out count as "
            "gone: `wpsync plan --show-skipped` lists them); use --allow-mass-delete if you "
            "really mean it",
            paths=tuple(sorted(a.rel for a in deletes)),
        )


def with_skipped(actions: list[Action], skipped: Sequence[Skipped]) -> list[Action]:
    """A deletion whose file is still there but no longer content says why: it goes as
    a deleted file's post does (``content.delete``, the mass-deletion guard)."""
    if not skipped:
        return actions
    files = {s.rel: s.reason for s in skipped if not s.rel.endswith("/")}
    folders = [(s.rel, s.reason) for s in skipped if s.rel.endswith("/")]
    out: list[Action] = []
    for action in actions:
        if isinstance(action, Delete):
            why = files.get(action.rel) or next(
                (reason for folder, reason in folders if action.rel.startswith(folder)), None
            )
            if why is not None:
                action = dataclasses.replace(action, skipped=why)
        out.append(action)
    return out


def _kind(rest_base: str) -> str:
    return {"posts": "post", "pages": "page"}.get(rest_base, rest_base)


def summarize(actions: Iterable[Action]) -> dict[str, int]:
    counts = {"create": 0, "update": 0, "keep": 0, "delete": 0, "conflict": 0, "fail": 0}
    for action in actions:
        counts[type(action).__name__.lower()] += 1
    return counts
