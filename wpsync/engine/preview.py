"""What a sync would do, file by file, for ``wpsync plan``: the planned action with its
reason and — given the post as WordPress holds it — the fields that would change and a
unified diff of the content.

:func:`describe`, :func:`compare` and :func:`with_remote` are pure.  :func:`run_plan` is
the I/O: it runs the sync pipeline as a dry run (``run_sync(..., dry_run=True)``, the
very code path ``sync`` takes) and, for ``--diff``, reads the posts concerned.  It only
ever sends GET requests (and the JWT login): a user without write rights can plan.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from wpsync.engine.conflicts import describe_conflict
from wpsync.engine.items import RENDERING_CHANGED, Broken, Changed, Stat
from wpsync.engine.plan import Action, Conflict, Create, Delete, Fail, Keep, Update
from wpsync.engine.terms import TermTable, fetch_terms, term_path
from wpsync.errors import DocumentError, RemoteError, TransportError
from wpsync.model import PostPayload

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.source.dialect import Detected
    from wpsync.source.discovery import Skipped
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.connect import ClientFactory

logger = logging.getLogger(__name__)

#: what a plan line says would happen to a file (a sync's report says it in the past
#: tense: :data:`wpsync.engine.report.FileAction`)
PlanVerb = Literal["create", "update", "delete", "conflict", "failed", "unchanged"]
#: plan verbs, in the order the summary lists them
VERBS: tuple[PlanVerb, ...] = ("create", "update", "delete", "conflict", "failed", "unchanged")

#: payload field → where the post object keeps it (``context=edit``)
_RAW = {"title": "title", "content": "content", "excerpt": "excerpt"}
_SCALARS = (
    "slug",
    "status",
    "date",
    "date_gmt",
    "template",
    "sticky",
    "comment_status",
    "ping_status",
    "format",
    "menu_order",
)

#: the term tables of the taxonomies a plan compares: taxonomy → its terms by ID
TermTables = Mapping[str, TermTable]


@dataclass(frozen=True)
class FieldChange:
    field: str
    remote: str
    local: str


@dataclass(frozen=True)
class FilePlan:
    """One line of the plan (and, with ``--diff``, what would change)."""

    path: str
    action: PlanVerb
    post_id: int | None
    reason: str
    rest_base: str | None = None
    changes: tuple[FieldChange, ...] = ()
    diff: str = ""
    note: str = ""  # e.g. why no diff could be made

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "action": self.action,
            "id": self.post_id,
            "reason": self.reason,
        }
        if self.changes:
            out["fields"] = [c.field for c in self.changes]
            out["changes"] = [
                {"field": c.field, "remote": c.remote, "local": c.local} for c in self.changes
            ]
        if self.diff:
            out["diff"] = self.diff
        if self.note:
            out["note"] = self.note
        return out


def describe(action: Action) -> FilePlan:
    """The plan line for an action, without looking at WordPress."""
    match action:
        case Create(rel=rel, payload=payload, adopt=adopt, republish=old) if old is not None:
            return FilePlan(
                rel,
                "create",
                old.post_id,
                f"deleted on the site → publish again as '{payload.slug}' (a new "
                f"{_kind(payload.rest_base)}; #{old.post_id} is gone)",
                payload.rest_base,
            )
        case Create(rel=rel, payload=payload, adopt=adopt):
            if adopt is not None:
                return FilePlan(
                    rel,
                    "create",
                    adopt.id,
                    f"link {_kind(payload.rest_base)} {adopt.id} ('{adopt.slug}'), which an "
                    "earlier interrupted run created, and update it",
                    payload.rest_base,
                )
            return FilePlan(
                rel,
                "create",
                None,
                f"new file: a {payload.status} {_kind(payload.rest_base)} '{payload.slug}'",
                payload.rest_base,
            )
        case Update(rel=rel, entry=entry, reason=reason, renamed_from=renamed_from):
            why = {
                "changed": "the file changed since the last sync",
                RENDERING_CHANGED: f"{RENDERING_CHANGED}: the file is the same, its rendering "
                "(Markdown renderer, block conversion, fingerprint) is not the last sync's",
                "renamed": f"moved from {renamed_from}",
                "renamed and changed": f"moved from {renamed_from} and changed",
            }.get(reason, reason)
            return FilePlan(rel, "update", entry.post_id, why, entry.rest_base)
        case Keep(rel=rel, entry=entry):
            return FilePlan(rel, "unchanged", entry.post_id, "as last synced", entry.rest_base)
        case Delete(entry=entry, policy=policy, skipped=skipped):
            what = {
                "trash": "move its post to the trash",
                "delete": "delete its post for good",
                "draft": "turn its post back into a draft",
                "keep": "forget it, leaving the post online",
            }.get(policy, policy)
            why = f"no longer content ({skipped})" if skipped else "the file is gone"
            return FilePlan(
                entry.rel,
                "delete",
                entry.post_id,
                f"{why}: {what} (content.delete = {policy!r})",
                entry.rest_base,
            )
        case Conflict(rel=rel, reason=reason, entry=entry, remote=remote):
            post_id = entry.post_id if entry else (remote.id if remote else None)
            return FilePlan(rel, "conflict", post_id, reason, entry.rest_base if entry else None)
        case Fail(rel=rel, error=error):
            text = str(error)  # "rel: why": the line names the path already
            return FilePlan(rel, "failed", None, text.removeprefix(f"{rel}: "))
    raise AssertionError(action)


def payload_of(action: Action) -> PostPayload | None:
    if isinstance(action, Create | Update):
        return action.payload
    return None


def compare(
    payload: PostPayload, remote: Mapping[str, Any], terms: TermTables | None = None
) -> tuple[FieldChange, ...]:
    """The fields where what we would send differs from the post in WordPress.

    Only fields the document sets are compared (``None`` leaves WordPress's value
    alone).  ``terms`` gives names for the remote category/tag IDs; without it terms
    are not compared.  ``remote`` may be a ``context=view`` object (no ``raw``): those
    fields are compared with their rendered form only where that is meaningful.
    """
    body = payload.scalar_fields()
    changes: list[FieldChange] = []
    for name, key in _RAW.items():
        if name not in body:
            continue
        value = remote.get(key)
        raw = value.get("raw") if isinstance(value, Mapping) else value
        if raw is None:
            continue  # no edit rights: nothing reliable to compare with
        if _norm_text(str(raw)) != _norm_text(str(body[name])):
            changes.append(FieldChange(name, _short(str(raw)), _short(str(body[name]))))
    for name in _SCALARS:
        if name not in body or name not in remote:
            continue
        local, there = body[name], remote.get(name)
        if name == "date" and "date_gmt" in body:
            continue
        if name == "status" and local == "publish" and there == "future":
            continue  # WordPress schedules a post published with a future date
        if (
            name in ("date", "date_gmt")
            and isinstance(there, str)
            and isinstance(local, str)
            and there[:19] == local[:19]
        ):
            continue
        if there != local:
            changes.append(FieldChange(name, _short(_show(there)), _short(_show(local))))
    if "password" in body and remote.get("password") not in (None, body["password"]):
        changes.append(FieldChange("password", "(set)", "(changed)"))
    if payload.meta and isinstance(remote.get("meta"), Mapping):
        there_meta = remote["meta"]
        changed = [k for k, v in payload.meta if there_meta.get(k) != v]
        if changed:
            changes.append(FieldChange("meta", ", ".join(changed), "(new values)"))
    if terms is not None:
        changes.extend(_term_changes(payload, remote, terms))
    return tuple(changes)


def _term_changes(
    payload: PostPayload, remote: Mapping[str, Any], terms: TermTables
) -> list[FieldChange]:
    out: list[FieldChange] = []
    if payload.categories and "categories" in terms and isinstance(remote.get("categories"), list):
        table = terms["categories"]
        there = sorted(
            "/".join(term_path(table, int(i))) for i in remote["categories"] if int(i) in table
        )
        here = sorted("/".join(path) for path in payload.categories)
        if [t.casefold() for t in there] != [h.casefold() for h in here]:
            out.append(FieldChange("categories", ", ".join(there), ", ".join(here)))
    if payload.tags and "tags" in terms and isinstance(remote.get("tags"), list):
        table = terms["tags"]
        there = sorted(table[int(i)][0] for i in remote["tags"] if int(i) in table)
        here = sorted(payload.tags)
        if [t.casefold() for t in there] != [h.casefold() for h in here]:
            out.append(FieldChange("tags", ", ".join(there), ", ".join(here)))
    return out


def content_diff(remote_html: str, local_html: str, path: str, post: str) -> str:
    """A unified diff of the post's content, WordPress's copy first."""
    lines = difflib.unified_diff(
        _lines(remote_html),
        _lines(local_html),
        fromfile=f"wordpress/{post}",
        tofile=f"local/{path}",
        lineterm="",
        n=2,
    )
    return "\n".join(lines)


def with_remote(
    plan: FilePlan, payload: PostPayload | None, remote: Mapping[str, Any], terms: TermTables | None
) -> FilePlan:
    """``plan`` completed with the changed fields and the content diff."""
    if payload is None:
        return plan
    changes = compare(payload, remote, terms)
    content = remote.get("content")
    raw = content.get("raw") if isinstance(content, Mapping) else None
    diff = ""
    note = ""
    if raw is None:
        note = "no edit rights on this post: its raw content cannot be compared"
    elif any(c.field == "content" for c in changes):
        diff = content_diff(
            str(raw), payload.content, plan.path, f"{plan.rest_base or 'posts'}/{plan.post_id}"
        )
    reason = plan.reason
    if plan.action == "update" and raw is not None:
        listing = ", ".join(c.field for c in changes)
        reason = (
            f"{plan.reason}; changes {listing}"
            if changes
            else f"{plan.reason}; " + ("WordPress already holds the same values")
        )
    return FilePlan(
        plan.path,
        plan.action,
        plan.post_id,
        reason,
        plan.rest_base,
        changes,
        diff,
        note,
    )


def summary(plans: Sequence[FilePlan]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(VERBS, 0)
    for plan in plans:
        counts[plan.action] += 1
    return counts


def summary_line(counts: Mapping[str, int]) -> str:
    labels = {
        "create": "to create",
        "update": "to update",
        "delete": "to delete",
        "conflict": "in conflict",
        "failed": "failed",
        "unchanged": "unchanged",
    }
    parts = [f"{counts[v]} {labels[v]}" for v in VERBS if counts.get(v)]
    return "plan: " + (", ".join(parts) or "no files")


# --------------------------------------------------------------------------- helpers


def _kind(rest_base: str) -> str:
    return {"posts": "post", "pages": "page"}.get(rest_base, rest_base)


def _norm_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _lines(html_text: str) -> list[str]:
    return [line.rstrip() for line in html_text.strip().splitlines()]


def _show(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --------------------------------------------------------------------------- I/O: run_plan


@dataclass(frozen=True)
class PlanReport:
    files: tuple[FilePlan, ...]
    requests: int = 0
    warnings: tuple[str, ...] = ()
    #: the content folder's dialect and why (``source/dialect.py``)
    dialect: Detected | None = None
    #: front-matter author names that name no user of the site, with their post counts
    unknown_authors: tuple[tuple[str, int], ...] = ()
    #: Markdown files and folders that are not content, and why (``--show-skipped``)
    skipped: tuple[Skipped, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return summary(self.files)

    @property
    def exit_code(self) -> int:
        """1 when a sync would leave a file failed or in conflict (as ``sync`` would)."""
        return 1 if any(f.action in ("failed", "conflict") for f in self.files) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            **self.counts,
            "requests": self.requests,
            "warnings": list(self.warnings),
            **(
                {"dialect": {"name": self.dialect.dialect, "reason": self.dialect.reason}}
                if self.dialect is not None
                else {}
            ),
            "unknown_authors": dict(self.unknown_authors),
            "files": [f.to_json() for f in self.files],
            "skipped": [s.to_json() for s in self.skipped],
        }


def run_plan(
    config: Config,
    *,
    paths: tuple[Path, ...] | None = None,
    diff: bool = False,
    lock_timeout: float | None = 600.0,
    client_factory: ClientFactory | None = None,
    client: WordPressClient | None = None,
    offline: bool = False,
    strict_paths: bool = False,
) -> PlanReport:
    """Plan a sync of ``paths`` (all files when None) without changing anything
    (``strict_paths``: as :class:`~wpsync.engine.executor.SyncRequest`'s).

    Who owns the WordPress client, as for :func:`~wpsync.engine.executor.run_sync`: with
    ``client`` the caller lends one and closes it itself (the report counts the requests
    of this plan); without, the plan opens its own with ``client_factory`` and closes it.
    """
    from wpsync.engine.run import SyncRequest, run_sync
    from wpsync.wordpress.connect import RunClient, open_client

    factory = client_factory or open_client
    before = client.request_count if client is not None else 0
    actions: list[Action] = []
    report = run_sync(
        config,
        SyncRequest(
            paths=paths,
            dry_run=True,
            lock_timeout=lock_timeout,
            offline=offline,
            strict_paths=strict_paths,
        ),
        client_factory=factory,
        on_plan=actions.extend,
        client=client,
    )
    plans = [describe(a) for a in actions]
    requests = report.requests
    if diff and not offline:
        wanted = [(i, a) for i, a in enumerate(actions) if _remote_id(a) is not None]
        if wanted:
            reader = RunClient(config, factory=factory, lent=client)
            try:
                plans = _with_diffs(config, reader.get(), plans, wanted)
            finally:
                requests += reader.request_count
                reader.close()
    if client is not None:
        requests = client.request_count - before
    order = {verb: n for n, verb in enumerate(VERBS)}
    plans.sort(key=lambda p: (order[p.action], p.path))
    from wpsync.engine.reading import content_dialect

    return PlanReport(
        tuple(plans),
        requests,
        report.warnings,
        content_dialect(config.content),
        report.unknown_authors,
        report.skipped,
    )


def _remote_id(action: Action) -> tuple[str, int] | None:
    match action:
        case Update(entry=entry):
            return entry.rest_base, entry.post_id
        case Create(adopt=adopt, payload=payload) if adopt is not None:
            return payload.rest_base, adopt.id
        case Conflict(entry=entry, remote=remote) if entry is not None:
            return entry.rest_base, (remote.id if remote is not None else entry.post_id)
    return None


def _with_diffs(
    config: Config,
    client: WordPressClient,
    plans: list[FilePlan],
    wanted: list[tuple[int, Action]],
) -> list[FilePlan]:
    out = list(plans)
    by_index = dict(wanted)
    posts: dict[int, Mapping[str, Any]] = {}
    for index, action in wanted:
        where = _remote_id(action)
        assert where is not None
        try:
            posts[index] = _fetch(client, *where)
        except TransportError:
            raise
        except RemoteError as exc:
            out[index] = _noted(plans[index], f"cannot read the post from WordPress: {exc}")
    terms = _terms_for(client, [p for p in posts.values()])
    conflicts = [by_index[i].rel for i in posts if isinstance(by_index[i], Conflict)]
    pushed = _pushed_fields(config, conflicts)
    for index, remote in posts.items():
        action = by_index[index]
        payload = payload_of(action)
        plan = plans[index]
        if isinstance(action, Conflict):
            # What WordPress changed since our push (conflicts.py), then what --force
            # would send over it (the diff below).
            summary = describe_conflict(pushed.get(action.rel), remote).summary()
            plan = dataclasses.replace(plan, reason=f"{plan.reason}; {summary}")
        if payload is None:
            try:
                payload = _local_payload(config, action.rel)
            except DocumentError as exc:
                out[index] = _noted(plan, str(exc))
                continue
        out[index] = with_remote(plan, payload, remote, terms)
    return out


def _pushed_fields(config: Config, rels: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """What each file's post was last pushed with (for describing a conflict)."""
    from wpsync.store.state import StateStore

    if not rels:
        return {}
    out: dict[str, Mapping[str, Any]] = {}
    with StateStore.open(config.state.path, config.site.url) as state:
        for rel in rels:
            pushed = state.get_pushed(rel)
            if pushed is not None and pushed.fields:
                out[rel] = pushed.fields
    return out


def _fetch(client: WordPressClient, rest_base: str, post_id: int) -> Mapping[str, Any]:
    try:
        return client.get_post_raw(rest_base, post_id)
    except RemoteError as exc:
        if isinstance(exc, TransportError) or exc.status not in (401, 403):
            raise
        logger.info(
            "%s/%d: no edit rights (%s): reading the public view", rest_base, post_id, exc.code
        )
        return client.get_post_raw(rest_base, post_id, context="view")


def _terms_for(client: WordPressClient, posts: Sequence[Mapping[str, Any]]) -> TermTables:
    out: dict[str, TermTable] = {}
    for taxonomy in ("categories", "tags"):
        ids = {int(i) for p in posts for i in (p.get(taxonomy) or []) if isinstance(i, int)}
        table: dict[int, tuple[str, int]] = {}
        fetch_terms(client, taxonomy, ids, table)  # with parents: a child shows as Parent/Child
        out[taxonomy] = table
    return out


def _local_payload(config: Config, rel: str) -> PostPayload:
    """The file's payload, read and mapped as a sync does (raises DocumentError)."""
    from wpsync.engine.reading import read_settings
    from wpsync.engine.readpool import ReadTask, load

    item = load(read_settings(config.content), ReadTask(rel, Stat(0, 0), None))
    if isinstance(item, Broken):
        raise item.error
    assert isinstance(item, Changed)
    return item.payload


def _noted(plan: FilePlan, note: str) -> FilePlan:
    return FilePlan(
        plan.path,
        plan.action,
        plan.post_id,
        plan.reason,
        plan.rest_base,
        plan.changes,
        plan.diff,
        note,
    )
