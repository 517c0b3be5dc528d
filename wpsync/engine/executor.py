"""The sync pipeline: scan → read/map → plan → apply, with the state updated per action.

This is the one place a file change becomes WordPress writes.  Every entry point (the
``sync`` command, the watcher, git hooks) calls :func:`wpsync.engine.run.run_sync`, which
takes the lock, scans and answers a folder at rest itself, and hands any other run to
:func:`execute` with what it looked at.  What this module holds is the run itself; the
parts live beside it: reading the folder (reading.py), the planner (plan.py), payload →
REST body (resolver.py), sending the writes (batch.py), the report (report.py).

Size: the run's steps (remote check, lost creates, rights, plan, gate, apply) in one
reading order; to be split when the next step comes.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Container, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING
from urllib.parse import unquote

from wpsync.config import Config
from wpsync.engine import plan as planner
from wpsync.engine.adoption import Adoption, recognise
from wpsync.engine.batch import PostWrite, PostWriter, groups, waves
from wpsync.engine.conflicts import pushed_fields
from wpsync.engine.items import Broken, Changed, LocalItem, RemotePostFacts, Unchanged
from wpsync.engine.lookahead import HINTED_FILES
from wpsync.engine.paths import content_rel, under_any
from wpsync.engine.permissions import Gated, category_paths, gate, set_aside
from wpsync.engine.plan import (
    Action,
    Conflict,
    Create,
    Delete,
    Fail,
    Keep,
    Options,
    RemoteFacts,
    Update,
    WriteAction,
)
from wpsync.engine.prefetch import (
    Found,
    TermsAsked,
    ask_terms,
    look_up,
    term_paths,
    warm_terms,
)
from wpsync.engine.reading import Scope, content_dialect
from wpsync.engine.readpool import terms_hint, unreadable, warm
from wpsync.engine.recognised import Unread, recognise_unread
from wpsync.engine.recovery import (
    LOST_UPDATE,
    settle_lost_creates,
    settle_lost_updates,
    settled,
)
from wpsync.engine.references import References, configured_engine
from wpsync.engine.remote import Findings, facts
from wpsync.engine.report import FileAction, FileResult, SyncReport, planned_result
from wpsync.engine.request import FirstLook, SyncRequest
from wpsync.engine.resolver import Resolver, refused_images
from wpsync.errors import (
    AuthError,
    DocumentError,
    RemoteError,
    TransportError,
    WpsyncError,
)
from wpsync.model import Entry, RestBody
from wpsync.store.state import StateStore
from wpsync.store.views import LinkedPosts, StateEntries
from wpsync.wordpress.connect import RunClient
from wpsync.wordpress.rights import Rights, listing_refusal

if TYPE_CHECKING:
    from wpsync.source.links import LinkTargets
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import RemotePost

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- entry point


def execute(
    config: Config,
    request: SyncRequest,
    state: StateStore,
    client: RunClient,
    look: FirstLook,
    *,
    on_result: Callable[[FileResult], None] | None = None,
    on_plan: Callable[[Sequence[Action]], None] | None = None,
    unchanged_results: bool = True,
) -> SyncReport:
    """The pipeline of a run that :func:`wpsync.engine.run.run_sync` (its lock held, its
    state open) did not find at rest, from what it looked at (``look``: its reader tells
    the steps before the results); the callbacks as run_sync's.  The client is the
    caller's to close."""
    run: _Run | None = None
    try:
        run = _Run(config, request, state, client, on_result, on_plan, look=look)
        if not unchanged_results:
            run.tell_unchanged = False
        return run.execute()
    finally:
        if run is not None:
            run.settle_ahead()  # no request of this run still in flight


def _ahead_pool() -> ThreadPoolExecutor:
    """What a run over some files asks ahead, side by side: the user's rights, the reading's
    imports, the edit check, the changed files' terms (read from their front matter, then
    one look-up per taxonomy; each its own thread: none waits behind another)."""
    return ThreadPoolExecutor(max_workers=6, thread_name_prefix="wpsync-ahead")


class _Run:
    """One sync run: gathers and plans, then carries the actions out and reports each
    file's outcome.  Holds the run's state, client and report; the parts it calls get
    only what they use."""

    def __init__(
        self,
        config: Config,
        request: SyncRequest,
        state: StateStore,
        client: RunClient,
        on_result: Callable[[FileResult], None] | None,
        on_plan: Callable[[Sequence[Action]], None] | None = None,
        *,
        look: FirstLook,
    ) -> None:
        """``look``: what run.py looked at before handing the run over."""
        self.config = config
        self.request = request
        self.state = state
        self._client = client
        self._on_result = on_result
        #: whether ``on_result`` is told of unchanged files too (run_sync)
        self.tell_unchanged = True
        self._on_plan = on_plan
        self.results: list[FileResult] = []
        self.look = look
        self.warnings = look.warnings
        self.remote = look.remote
        self._site_down: TransportError | None = None
        self._post_writer: PostWriter | None = None
        #: what each file's write returned in this run (references.py records its status)
        self.written: dict[str, RemotePost] = {}
        self._rights: Rights | None = None
        self._rights_asked = False
        #: the rights asked while the remote check runs (:meth:`_ask_rights_ahead`)
        self._rights_ahead: Future[Rights] | None = None
        #: the terms of the changed files, asked while the edit check runs: from their
        #: front matter alone (:meth:`_hint_terms`), then what their read adds
        #: (:meth:`_ask_terms_ahead`)
        self._terms_hinted: Future[TermsAsked] | None = None
        self._terms_asked: list[TermsAsked] = []
        self._ahead: ThreadPoolExecutor | None = None
        #: the user ID of each front-matter author name (None: left to WordPress)
        self.authors: Mapping[str, int | None] = {}
        self.reader = look.reader
        self.references = References(
            config.content.dir,
            state,
            block_editor=config.content.block_editor,
            markdown=configured_engine(config.content),
            dialect=content_dialect(config.content).dialect,
            dry_run=request.dry_run,
            outline=look.outline,
            source=self.reader.rules.layout.source,
        )

    @property
    def client(self) -> WordPressClient:
        return self._client.get()

    # ------------------------------------------------------------ gather
    def _remote_facts(
        self, query: planner.RemoteQuery, found: Findings
    ) -> tuple[RemoteFacts, Found | None]:
        """What WordPress holds for the planned files; what the remote check already
        knows (``found``) is not asked again."""
        flagged = frozenset(found.changed) | found.gone
        # (a post the check listed without its texts' digest is asked again with it)
        known = {key for key, post in found.known.items() if post.stored}
        ids = {
            base: tuple(i for i in wanted if (base, i) not in known and (base, i) not in flagged)
            for base, wanted in query.ids.items()
        }
        by_id: dict[tuple[str, int], RemotePostFacts] = {}
        by_slug: dict[tuple[str, str], RemotePostFacts] = {}
        got: Found | None = None
        if any(ids.values()) or any(query.slugs.values()):
            # (the posts about to be written with their texts' digest: model.edited_since)
            got = look_up(self.client, ids, query.slugs, self.config.sync.concurrency, stored=True)
            by_slug = {key: facts(post) for key, post in got.by_slug.items()}
        by_id = {key: facts(post) for key, post in found.known.items()}
        if got is not None:  # (asked just now: fresher, and with the digest)
            by_id.update({key: facts(post) for key, post in got.by_id.items()})
        by_id.update(found.changed)
        for key in found.gone:
            by_id.pop(key, None)
        return RemoteFacts(by_id=by_id, by_slug=by_slug, flagged=flagged), got

    def _user_rights(self) -> Rights | None:
        """What the user may do (asked once per client); None if WordPress will not say."""
        if self._rights_asked:
            return self._rights
        self._rights_asked = True
        try:
            ahead, self._rights_ahead = self._rights_ahead, None
            rights = ahead.result() if ahead is not None else self.client.rights()
            # an answer without capabilities (a proxy, a plugin filtering it) says nothing
            self._rights = rights if rights.capabilities else None
        except (TransportError, AuthError):
            raise
        except RemoteError as exc:
            logger.debug("cannot read the user's capabilities: %s", exc)
        return self._rights

    def _ask_rights_ahead(self, entries: Mapping[str, Entry], scope: Scope) -> None:
        """A run over some files (a hook's, the daemon's) whose files changed here will
        ask what the user may do: asked now, beside the remote check's look-up, so the
        run waits for one round trip where it waited for two.  A run with nothing
        changed asks nothing more than before.  The imports its reading will need are
        done meanwhile on another thread (the wait would otherwise be idle)."""
        if self._rights_asked or not any(
            (entry := entries.get(rel)) is None
            or (entry.size, entry.mtime_ns) != (stat.size, stat.mtime_ns)
            for rel, stat in scope.files
        ):
            return
        client = self.client  # opened here, on the run's thread
        if self._ahead is None:
            self._ahead = _ahead_pool()
        before = self.request.checked  # (a hook's: asked before the run, lookahead.py)
        if before is not None and before.rights is not None:
            self._rights_ahead = before.rights  # (by this same client: lent to the run)
        else:
            self._rights_ahead = self._ahead.submit(client.rights)
        # … and while both answers are on their way, the reading's imports (readpool.warm)
        content = self.config.content
        self._ahead.submit(warm, content.markdown, content.block_editor)

    def _check_ahead(self, entries: Mapping[str, Entry]) -> Future[Findings] | None:
        """A run over some files looks their posts up by ID (the edit check: one round
        trip) while it reads and renders them, instead of before: asked now, answered
        by the time the files are mapped.  (A file the check flags whose bytes had not
        changed is read again then: :meth:`_read_flagged`.)"""
        if not entries:
            return None
        client = self.client  # opened here, on the run's thread
        if self._ahead is None:
            self._ahead = _ahead_pool()
        started = threading.Event()

        def check() -> Findings:
            started.set()
            return self.remote.run(lambda: client, entries, False, self.warnings.append)

        asked = self._ahead.submit(check)
        # Rendering holds the interpreter: let the look-up leave first (a few ms at most).
        started.wait(0.05)
        return asked

    def _checked_ahead(self, entries: Mapping[str, Entry]) -> Future[Findings] | None:
        """The edit check the caller asked before the run (lookahead.py: the watch
        daemon's as the files' quiet time ended, a hook's as its process started), if it
        was of these very posts and is recent enough; its warnings become the run's."""
        ahead = self.request.checked
        if ahead is None or not entries or not ahead.covers(entries) or not ahead.fresh():
            return None
        logger.debug("the edit check asked ahead is this run's")
        answer: Future[Findings] = Future()

        def done(asked: Future[Findings]) -> None:
            self.warnings.extend(ahead.warnings)
            error = asked.exception()
            if error is not None:
                answer.set_exception(error)
            else:
                answer.set_result(asked.result())

        ahead.answer.add_done_callback(done)
        return answer

    def _hint_terms(self, entries: Mapping[str, Entry], scope: Scope) -> None:
        """A run over some files whose edit check is on its way asks the terms of its
        changed files (tags, categories: by slug, one GET per taxonomy) beside it,
        instead of after the plan: read from their front matter alone on a thread of the
        ahead pool, sent while the files are still being rendered.  The writes then wait
        for one round trip where they waited for two.  Should the plan write nothing
        after all (a conflict, bytes unchanged), a GET per taxonomy was asked for
        nothing."""
        if self.request.dry_run or self._ahead is None:
            return
        changed = [
            (rel, stat)
            for rel, stat in scope.files
            if (entry := entries.get(rel)) is None
            or (entry.size, entry.mtime_ns) != (stat.size, stat.mtime_ns)
        ]
        if not changed or len(changed) > HINTED_FILES:
            return  # (many files: their terms are asked when they are read)
        before = self.request.checked  # (a hook's: asked before the run, lookahead.py)
        if before is not None and before.terms is not None:
            self._terms_hinted = before.terms
            return
        client, settings, pool = self.client, self.reader.settings, self._ahead

        def hint() -> TermsAsked:
            hinted = (terms_hint(settings, rel, stat) for rel, stat in changed)
            return ask_terms(client, term_paths(t for t in hinted if t), pool.submit)

        self._terms_hinted = pool.submit(hint)

    def _ask_terms_ahead(self, read: Sequence[LocalItem]) -> None:
        """Once the files are read: their terms the hint did not ask (:meth:`_hint_terms`:
        a file it could not read, more files than it reads) are asked now, still beside
        the edit check."""
        if self.request.dry_run or self._ahead is None:
            return
        hinted, self._terms_hinted = self._terms_hinted, None
        covered: set[tuple[str, tuple[str, ...]]] = set()
        if hinted is not None:
            try:
                asked = hinted.result()
            except Exception as exc:  # a bug in the hint: the read's terms are asked below
                logger.debug("no terms hint: %s", exc)
            else:
                self._terms_asked.append(asked)
                covered = {(tax, path) for tax, paths in asked.wanted.items() for path in paths}
        paths = term_paths(i.payload for i in read if isinstance(i, Changed)) - covered
        if paths:
            self._terms_asked.append(ask_terms(self.client, paths, self._ahead.submit))

    def _read_flagged(self, read: list[LocalItem], flagged: set[str]) -> list[LocalItem]:
        """A post edited in WordPress since the last sync: its file is read and mapped even
        when unchanged here (what the run would have done with the check's answer first)."""
        again = [(i.rel, i.stat) for i in read if isinstance(i, Unchanged) and i.rel in flagged]
        if not again:
            return read
        fresh = {item.rel: item for item in self.reader.read(again, {})}
        return [fresh.get(i.rel, i) if isinstance(i, Unchanged) else i for i in read]

    def settle_ahead(self) -> None:
        """Wait for what was asked ahead and not used (its answer or error is dropped)."""
        if self._ahead is not None:
            self._ahead.shutdown(wait=True)
            self._ahead = None

    @property
    def _asks(self) -> bool:
        """Whether this run may ask WordPress anything: all but ``plan --offline``."""
        return not (self.request.offline and self.request.dry_run)

    def _gate(self, actions: Sequence[Action]) -> Gated:
        """Refused writes → failures naming the capability; the authors resolved.  Not by
        ``plan --offline``, which asks nothing: its plan says what would be sent."""
        if not self._asks or not any(isinstance(a, Create | Update) for a in actions):
            return Gated(tuple(actions))

        def uploaded(rel: str) -> bool:
            known = self.state.media_file(rel)
            return known is not None and self.state.media_of(known[2]) is not None

        return gate(
            actions,
            self._user_rights(),
            authors_map=self.config.authors,
            me=f"'{self.config.site.username}'",
            find_user=self.client.find_user,
            categories=lambda: category_paths(self.client.list_terms("categories")),
            uploaded=uploaded,
        )

    # ------------------------------------------------------------ run
    def execute(self) -> SyncReport:
        full = self.request.paths is None
        # (what run.py looked at: the scan, the at-rest mark's context, and what the
        # remote check found when the folder was otherwise at rest)
        scope, context, found = self.look.take_scope(), self.look.context, self.look.found
        # A run over a few files reads their entries alone (and others' only as asked:
        # a link's target, a slug's holders — store/views.py).  A run over the whole
        # folder names each known file with its entry's string (one string per path,
        # not two, while the folder is planned).
        all_entries: Mapping[str, Entry]
        if full:
            all_entries = self.state.entries()
            scope = scope.sharing(all_entries)
        else:
            all_entries = self._by_key(scope)
        broken = scope.broken
        if self.request.strict_paths:
            broken += scope.mistyped(all_entries)
        entries = (
            all_entries
            if full
            else {rel: e for rel in scope.rels if (e := all_entries.get(rel)) is not None}
        )
        checking: Future[Findings] | None = None
        if found is None:
            found = Findings()
            if not self.request.offline:
                if full:
                    found = self.remote.run(
                        lambda: self.client, entries, full, self.warnings.append
                    )
                else:
                    self._ask_rights_ahead(entries, scope)
                    # (answered while the files are read; asked before the run: lookahead.py)
                    checking = self._checked_ahead(entries) or self._check_ahead(entries)
                    self._hint_terms(entries, scope)
        flagged_rels = found.rels(entries)
        known = (
            all_entries  # the common case: nothing flagged, no copy of ten thousand
            if full and not flagged_rels
            else {
                rel: e
                for rel, e in (all_entries if full else entries).items()
                if rel not in flagged_rels
            }
        )
        asks = self._asks  # plan --offline asks nothing
        # Files no entry links whose post was sent from these very bytes: linked before
        # reading, so they are not rendered (recognised.py); the rest is adoption.py's.
        unread = Unread()
        if asks:
            unread = recognise_unread(
                scope.files,
                all_entries,
                self.state.pending(),
                self.reader.settings,
                self._client.get,
                self.config.sync.concurrency,
            )
        if unread.entries:
            known = {**known, **unread.entries}
            all_entries, entries = {**all_entries, **unread.entries}, {**entries, **unread.entries}
            self.references.expect(unread.expected)
        read: list[LocalItem] = [*broken, *self.reader.read(scope.files, known)]
        if checking is not None:
            self._ask_terms_ahead(read)
            found = checking.result()
            read = self._read_flagged(read, found.rels(entries))
        rels = None if full else scope.rels  # images, links, folder pages: references.py
        items = self.references.settle(read, all_entries, rels, self.reader.read_one)
        if unread.entries and not self.request.dry_run:
            recognised = self.references.recognised()
            with self.state.transaction():  # one transaction for the whole folder
                for entry in unread.verified(recognised):
                    self.state.put(entry)
                self.references.adopt(recognised.values())
        adoption = Adoption()
        if asks:
            adoption = recognise(
                items,
                all_entries,
                self.state,
                self._client.get,
                self.config.sync,
                unread.looked_up,
                len(unread.entries),
                unread.empty,
            )
        if adoption.entries:  # this folder's posts, by fingerprint (adoption.py): settle again
            all_entries, entries = adoption.linking(all_entries), adoption.linking(entries)
            adoption.record(self.state, self.references, dry_run=self.request.dry_run)
            read = adoption.keep_slugs(read)
            items = self.references.settle(read, all_entries, rels, self.reader.read_one)
        self.warnings.extend(self.references.warnings)
        # Creates whose answer was lost and whose file has since gone, moved or changed
        # its slug: the posts they made become this folder's again (recovery.py).
        lost = settle_lost_creates(
            self.state.pending(),
            items,
            (lambda rel: True) if full else scope.rels.__contains__,
            lambda: self.client,
        )
        if lost.found or lost.never_landed:
            all_entries = {**all_entries, **{e.rel: e for e in lost.found}}
            entries = {**entries, **{e.rel: e for e in lost.found}}
            if not self.request.dry_run:
                with self.state.transaction():
                    for entry in lost.found:
                        self.state.put(entry)
                    for rel in lost.never_landed:
                        self.state.clear_pending(rel)
        options = Options(
            overwrite=self.request.overwrite or self.request.force,
            allow_mass_delete=self.request.allow_mass_delete or self.request.force,
            # nothing asked at all only by plan --offline; sync --offline still looks up
            # the posts it writes (a post deleted there is created, never updated blind)
            offline=self.request.offline and self.request.dry_run,
            delete_policy=self.config.content.delete,
            full_scan=True,
            max_deletions=self.config.sync.max_deletions,
            max_deletion_ratio=self.config.sync.max_deletion_ratio,
            renames=self._renames(),
            known_total=len(all_entries),
            linked=(
                _Linked(all_entries)
                if full
                else LinkedPosts(self.state, ((e.rest_base, e.post_id) for e in entries.values()))
            ),
        )
        # A broken file is not a deleted one: keep its entry out of the deletion pass.
        # A folder that could not be scanned covers everything below it.
        broken_rels = {b.rel for b in broken} | {i.rel for i in items if isinstance(i, Broken)}
        plannable = (
            {rel: e for rel, e in entries.items() if not under_any(rel, broken_rels)}
            if broken_rels
            else entries
        )
        local = [i for i in items if not isinstance(i, Broken)]
        refused: list[Action] = []
        query = planner.needs_remote(local, plannable, options)
        if query and asks:
            # A type the user may not edit at all (an Author's pages): its files fail
            # here, and WordPress is not asked about them.
            rights = self._user_rights()
            if rights is not None:
                local, plannable, refused = set_aside(local, plannable, rights.type_refusal, rights)
                query = planner.needs_remote(local, plannable, options)
        got: Found | None = None
        if not asks:
            remote = RemoteFacts()  # plan --offline: not a single request
        else:
            remote, got = self._remote_facts(adoption.narrow(query), found)
            remote = adoption.facts(remote)
        forbidden = got.forbidden if got is not None else {}
        if forbidden:
            # … or a type WordPress would not list to this user (a custom type)
            local, plannable, more = set_aside(
                local,
                plannable,
                lambda base: (
                    listing_refusal(base, forbidden[base].code) if base in forbidden else None
                ),
                self._rights,
            )
            refused += more
        actions = planner.plan(local, plannable, self.state.pending(), remote, options)
        # A conflict that is only our own update whose answer was lost is not one.
        actions = settle_lost_updates(actions, local, self.state.pushing(), lambda: self.client)
        gated = self._gate(adoption.explain(actions))
        self.authors = gated.authors
        for warning in gated.warnings:
            logger.warning("%s", warning)
        self.warnings.extend(gated.warnings)
        actions = [
            *(Fail(b.rel, b.error) for b in items if isinstance(b, Broken)),
            *refused,
            *gated.actions,
        ]
        skipped = scope.skipped
        actions = planner.with_skipped(actions, skipped)
        # What the plan was made from is not needed to carry it out: a big folder's scan,
        # its items and the copies of its entries go before the writes and the remote
        # check's settling (the daemon's start-up reconcile peaks at its end).
        del scope, read, items, local, known, plannable, options, all_entries, entries
        if self._on_plan is not None:
            self._on_plan(actions)
        if self.request.dry_run:
            for action in actions:
                self._report(planned_result(action))
            self.warnings.extend(refused_images(actions, self.state, self.references.images))
        else:
            self._apply(actions)
            if full:
                from wpsync.engine import quiet

                self.remote.settle(lambda: self.client, actions, self.results, self.written)
                nothing_done = not self.warnings and all(
                    r.action == "unchanged" for r in self.results
                )
                quiet.record(self.state, context, quiet=nothing_done)
        return SyncReport(
            files=tuple(sorted(self.results, key=lambda r: r.path)),
            dry_run=self.request.dry_run,
            requests=self._client.request_count,
            warnings=tuple(self.warnings),
            unknown_authors=gated.unknown_authors,
            skipped=skipped,
        )

    def _by_key(self, scope: Scope) -> Mapping[str, Entry]:
        view = StateEntries(self.state)
        view.read(scope.rels)  # one query for the run's files
        return view

    def _renames(self) -> dict[str, str]:
        root = self.config.content.dir
        out: dict[str, str] = {}
        for old, new in self.request.renames:
            old_rel, new_rel = content_rel(old, root), content_rel(new, root)
            if old_rel is not None and new_rel is not None:
                out[new_rel] = old_rel
        return out

    def _stopping(self) -> TransportError | None:
        if self.request.cancel is None or not self.request.cancel.is_set():
            return None
        return TransportError("wpsync is stopping", hint="it is sent on the next run")

    def _report(self, result: FileResult) -> None:
        self.results.append(result)
        if self._on_result is not None and (self.tell_unchanged or result.action != "unchanged"):
            self._on_result(result)

    def _replace_result(self, result: FileResult) -> None:
        """Report ``result`` in place of the file's earlier line."""
        self.results[:] = [r for r in self.results if r.path != result.path]
        self._report(result)

    def _apply(self, actions: Sequence[Action]) -> None:
        writes: list[WriteAction] = []
        for action in actions:
            match action:
                case Fail(rel=rel, error=error):
                    self._report(FileResult(rel, "failed", error=str(error), hint=error.hint))
                case Conflict(rel=rel, reason=reason, entry=entry, remote=remote):
                    post_id = entry.post_id if entry else (remote.id if remote else None)
                    detail = self._describe_conflict(entry) if remote is not None else None
                    self._report(FileResult(rel, "conflict", post_id, error=reason, detail=detail))
                case Keep(rel=rel, entry=entry, refresh=refresh):
                    if refresh is not None:
                        self.state.put(refresh)
                    self._report(
                        FileResult(rel, "unchanged", entry.post_id, link=entry.link or None)
                    )
                case Create() | Update():
                    writes.append(action)
                case Delete():
                    pass
        self._apply_writes(writes)
        for action in actions:
            if isinstance(action, Delete):
                self._apply_delete(action)

    # ------------------------------------------------------------ writes
    def _apply_writes(self, writes: list[WriteAction]) -> None:
        if not writes:
            return
        resolver = Resolver(
            client=lambda: self.client,
            state=self.state,
            references=self.references,
            concurrency=self.config.sync.concurrency,
            read=self.reader.read_one,
            written=self.written,
            results=self.results,
            replace_result=self._replace_result,
            warn=self.warnings.append,
            stopping=self._stopping,
            authors=self.authors,
        )
        writer = self._writer()
        # Terms and images do not depend on each other: the terms are ensured (client
        # only) while the images upload (which writes the state, so on this thread).
        asked, self._terms_asked = self._terms_asked, []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wpsync-terms") as ahead:
            terms = ahead.submit(
                warm_terms,
                self.client,
                [w.payload for w in writes],
                self.config.sync.concurrency,
                batching=writer.batching,
                asked=asked,
            )
            resolver.upload_images(writes)
            warmed = terms.result()
        if warmed.batch_refused is not None:
            writer.switch_off(warmed.batch_refused)
        for wave in waves(writes):
            targets = self.references.targets()  # links to posts written in earlier waves
            body_of = functools.partial(self._body, resolver, targets=targets)
            made = self._send(wave, body_of)
            with self.state.transaction():  # one commit for the wave's pushed fields
                resolver.sent(made)
        resolver.relink()

    def _body(
        self, resolver: Resolver, action: WriteAction, targets: LinkTargets
    ) -> tuple[WriteAction, RestBody] | None:
        """The action and its REST body; None when this file fails alone."""
        try:
            return resolver.body(action, targets)
        except (RemoteError, DocumentError) as exc:
            self._fail(action.rel, exc)
        except WpsyncError:
            raise
        except Exception as exc:  # a bug rendering this file: it fails alone
            self._fail(action.rel, unreadable(action.rel, exc, "rendered"))
        return None

    def _send(
        self,
        wave: Sequence[WriteAction],
        body_of: Callable[[WriteAction], tuple[WriteAction, RestBody] | None],
    ) -> list[tuple[WriteAction, RestBody]]:
        """Send one wave's writes, ``sync.concurrency`` requests at a time: in batches of
        up to 25 through ``/batch/v1`` (``sync.batch``, while the site takes them), else
        one by one.  Every create is journalled before its request leaves.

        Bodies are rendered group by group (the blocks cost ~2 ms a post), each group sent
        as soon as it is ready: WordPress works on the first while the next is rendered.
        Returns the bodies made (a file whose body failed is reported and left out)."""
        writer = self._writer()
        concurrency = max(1, self.config.sync.concurrency)
        made: list[tuple[WriteAction, RestBody]] = []
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="wpsync") as pool:
            futures: list[tuple[list[WriteAction], Future[list[RemotePost | RemoteError]]]] = []
            try:
                for group in groups(len(wave), concurrency, batching=writer.batching):
                    bodies = [b for b in (body_of(wave[i]) for i in group) if b is not None]
                    made.extend(bodies)
                    self._submit(pool, writer, bodies, futures)
            finally:  # what was sent is recorded, even when rendering a later group failed
                for actions, future in futures:
                    self._recorded(actions, future.result())  # an AuthError stops the run
        return made

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        writer: PostWriter,
        bodies: list[tuple[WriteAction, RestBody]],
        futures: list[tuple[list[WriteAction], Future[list[RemotePost | RemoteError]]]],
    ) -> None:
        """Journal one group's writes and hand them to a worker."""
        actions: list[WriteAction] = []
        writes: list[PostWrite] = []
        with self.state.transaction():
            for action, body in bodies:
                if self._site_down is not None:
                    self._fail(action.rel, self._site_down, prefix="not sent: ")
                    continue
                if isinstance(action, Create) and action.adopt is None:
                    # Journal the create before it leaves: a lost answer is found
                    # by slug later.
                    self.state.mark_pending(
                        action.rel, action.payload.rest_base, action.payload.slug
                    )
                elif isinstance(action, Update):
                    if action.reason == LOST_UPDATE:
                        # Our own earlier update, found in WordPress: recorded as such
                        # before this one's journal replaces its own (recovery.py) —
                        # under the file's name now when that update was a move's (the
                        # post already has the new name; the old file is gone).
                        if action.renamed_from:
                            self.state.remove(action.renamed_from)
                        self.state.put(settled(action.entry, action.rel))
                    # Journal the update too: a lost answer is not a remote edit.
                    self.state.mark_pushing(action.rel, action.entry.post_id, pushed_fields(body))
                actions.append(action)
                writes.append(self._write_one(action, body))
        if writes:
            futures.append((actions, pool.submit(writer.send, writes)))

    def _recorded(
        self, actions: list[WriteAction], outcomes: list[RemotePost | RemoteError]
    ) -> None:
        """One group's answers, recorded in one transaction (a post created but not yet
        recorded when the run dies is still journalled as pending: found by its slug)."""
        with self.state.transaction():
            self._record_each(actions, outcomes)

    def _record_each(
        self, actions: list[WriteAction], outcomes: list[RemotePost | RemoteError]
    ) -> None:
        for action, outcome in zip(actions, outcomes, strict=True):
            if isinstance(outcome, TransportError):
                prefix = "not sent: " if outcome is self._site_down else ""
                self._site_down = outcome
                self._fail(action.rel, outcome, prefix=prefix)
            elif isinstance(outcome, RemoteError):
                self._fail(action.rel, outcome)
            else:
                self._record(action, outcome)

    def _writer(self) -> PostWriter:
        """One per run, so a site found without batching is asked only once."""
        if self._post_writer is None:
            self._post_writer = PostWriter(
                self.client, batching=self.config.sync.batch, stopping=self._stopping
            )
        return self._post_writer

    def _write_one(self, action: WriteAction, body: RestBody) -> PostWrite:
        rest_base = action.payload.rest_base
        if isinstance(action, Update):
            return PostWrite(rest_base, action.entry.post_id, body)
        if action.adopt is not None:
            return PostWrite(rest_base, action.adopt.id, body)
        return PostWrite(rest_base, None, body)

    def _record(self, action: WriteAction, post: RemotePost) -> None:
        entry = Entry(
            rel=action.rel,
            rest_base=action.payload.rest_base,
            post_id=post.id,
            slug=unquote(post.slug),  # as front matter writes it (привет, not %d0%bf…)
            source_hash=action.source_hash,
            payload_hash=action.payload_hash,
            modified_gmt=post.modified_gmt,
            link=post.link,
            size=action.stat.size,
            mtime_ns=action.stat.mtime_ns,
            stored=post.stored,
        )
        with self.state.transaction():
            if isinstance(action, Update) and action.renamed_from:
                self.state.remove(action.renamed_from)
            self.state.put(entry)
        self.written[action.rel] = post
        verb: FileAction
        detail: str | None
        if isinstance(action, Create) and action.republish is not None:
            verb = "created"
            detail = f"deleted on the site: published again (was #{action.republish.post_id})"
        elif isinstance(action, Create):
            verb, detail = "created", ("recovered earlier create" if action.adopt else None)
        else:
            verb = "updated"
            detail = f"renamed from {action.renamed_from}" if action.renamed_from else None
        if unquote(post.slug) != action.payload.slug:  # stored percent-encoded: привет → %d0…
            self.warnings.append(
                f"{action.rel}: WordPress changed the slug to '{unquote(post.slug)}'"
            )
        logger.info("%s %s/%d %s", verb, action.payload.rest_base, post.id, action.rel)
        self._report(FileResult(action.rel, verb, post.id, detail=detail, link=post.link or None))

    def _fail(self, rel: str, exc: WpsyncError, prefix: str = "") -> None:
        message = str(exc)
        if isinstance(exc, RemoteError) and exc.code and exc.code not in message:
            message = f"{message} ({exc.code})"
        # One line per failed file is the front end's (the command's "failed" line, the
        # daemon's log line): here only for -vv.
        logger.debug("%s: %s%s", rel, prefix, message)
        transient = isinstance(exc, TransportError)
        self._report(
            FileResult(rel, "failed", error=prefix + message, transient=transient, hint=exc.hint)
        )

    def _describe_conflict(self, entry: Entry | None) -> str | None:
        """What was changed in WordPress since our push (one GET), if it can be told."""
        from wpsync.engine.conflicts import describe_conflict

        if entry is None:
            return None
        try:
            remote = self.client.get_post_raw(entry.rest_base, entry.post_id)
        except AuthError:
            raise
        except RemoteError as exc:
            logger.debug("%s: cannot describe the conflict: %s", entry.rel, exc)
            return None
        pushed = self.references.pushed.get(entry.rel)
        fields = pushed.fields if pushed is not None and pushed.fields else None
        return describe_conflict(fields, remote).summary()

    def _apply_delete(self, action: Delete) -> None:
        entry = action.entry
        if self._site_down is None and action.policy != "keep":
            self._site_down = self._stopping()
        if self._site_down is not None and action.policy != "keep":
            self._fail(entry.rel, self._site_down, prefix="not sent: ")
            return
        try:
            if action.policy == "trash":
                self.client.delete_post(entry.rest_base, entry.post_id, force=False)
            elif action.policy == "delete":
                self.client.delete_post(entry.rest_base, entry.post_id, force=True)
            elif action.policy == "draft":
                self.client.update_post(entry.rest_base, entry.post_id, {"status": "draft"})
        except AuthError:
            raise
        except RemoteError as exc:
            if exc.status == 404:
                logger.info("%s: post %d was already gone from WordPress", entry.rel, entry.post_id)
            else:
                if isinstance(exc, TransportError):
                    self._site_down = exc
                self._fail(entry.rel, exc)
                return
        self.state.remove(entry.rel)
        logger.info(
            "deleted (%s) %s/%d %s", action.policy, entry.rest_base, entry.post_id, entry.rel
        )
        self._report(FileResult(entry.rel, "deleted", entry.post_id, detail=action.policy))


# ---------------------------------------------------------------- helpers


class _Linked(Container[tuple[str, int]]):
    """(rest base, post ID) of every entry of a run over the whole folder, as a set made
    when first asked: only a new page whose slug WordPress has asks (a set of ten
    thousand posts is a megabyte, held while the whole folder is planned)."""

    __slots__ = ("_entries", "_keys")

    def __init__(self, entries: Mapping[str, Entry]) -> None:
        self._entries = entries
        self._keys: frozenset[tuple[str, int]] | None = None

    def __contains__(self, key: object) -> bool:
        if self._keys is None:
            self._keys = frozenset((e.rest_base, e.post_id) for e in self._entries.values())
        return key in self._keys
