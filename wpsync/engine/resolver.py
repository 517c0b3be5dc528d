"""Payload → REST body: names (terms, author, parent) into IDs once per run, local
images into uploads, links into permalinks (references.py).

The executor makes one :class:`Resolver` for the writes of a run and gives it what it
needs, nothing more: the client (opened when first asked for), the state and the
references, the run's concurrency, the reading of a file, read-only views of the posts
written and the results so far, and callbacks for a report line, a warning and the
question "are we stopping?".
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from wpsync.engine import plan as planner
from wpsync.engine.items import LocalItem, Stat
from wpsync.engine.media import ImageError, ImageRefused, LocalImages, MediaLibrary, UploadFailed
from wpsync.engine.permissions import denied
from wpsync.engine.plan import Create, Update, WriteAction
from wpsync.engine.references import LINK, References, Sent, media_refs
from wpsync.engine.report import FileResult
from wpsync.errors import DocumentError, RemoteError, TransportError
from wpsync.model import PostPayload, RestBody, scalar_body, with_taxonomy
from wpsync.source.links import LinkTargets
from wpsync.store.state import StateStore
from wpsync.wordpress.rights import term_refusal, upload_refusal

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import RemotePost

logger = logging.getLogger(__name__)


class Resolver:
    """Turns the payloads of one run's writes into REST bodies, and finishes the run's
    references once the writes went out (:meth:`relink`)."""

    def __init__(
        self,
        *,
        client: Callable[[], WordPressClient],
        state: StateStore,
        references: References,
        concurrency: int,
        read: Callable[[str, Stat], LocalItem],
        written: Mapping[str, RemotePost],
        results: Sequence[FileResult],
        replace_result: Callable[[FileResult], None],
        warn: Callable[[str], None],
        stopping: Callable[[], TransportError | None],
        authors: Mapping[str, int | None] | None = None,
    ) -> None:
        """``client``: the run's client, opened when first asked for.  ``read(rel, stat)``
        reads and maps one file.  ``written`` (what each file's write returned) and
        ``results`` (the report lines so far) are the run's, read as they grow.
        ``replace_result`` reports a line that replaces any earlier one of that file;
        ``warn`` adds a warning to the report; ``stopping`` answers an error once the run
        is being cancelled (no upload starts then).  ``authors``: the user ID of each
        front-matter author name, None to leave it to WordPress (permissions.py)."""
        self._client = client
        self._state = state
        self._refs = references
        self._concurrency = concurrency
        self._read = read
        self._written = written
        self._results = results
        self._replace_result = replace_result
        self._warn = warn
        self._terms: dict[tuple[str, tuple[str, ...]], int] = {}
        self._users: dict[str, int | None] = dict(authors or {})
        self.media = MediaLibrary(
            state, references.images, client, concurrency=concurrency, stopping=stopping
        )
        self._sent: dict[str, Sent] = {}
        self._pending: dict[str, tuple[Sent, RestBody]] = {}

    def upload_images(self, writes: Sequence[WriteAction]) -> None:
        """Every image the writes use that the site lacks, uploaded in parallel; an image
        WordPress refused before is tried again only for a post whose file was edited."""
        edited = [w for w in writes if _edited(w)]
        self.media.ensure(
            (ref for w in writes for ref in media_refs(w.payload)),
            retry=[ref for w in edited for ref in media_refs(w.payload)],
        )

    def body(self, action: WriteAction, targets: LinkTargets) -> tuple[WriteAction, RestBody]:
        """The REST body, and the action carrying the hash of exactly what is sent."""
        payload = action.payload
        body = scalar_body(payload)
        if payload.categories:
            body["categories"] = [
                self.term("categories", path, payload.rel) for path in payload.categories
            ]
        if payload.tags:
            body["tags"] = [self.term("tags", (name,), payload.rel) for name in payload.tags]
        for taxonomy, names in payload.taxonomies:
            ids = [self.term(taxonomy, (name,), payload.rel) for name in names]
            with_taxonomy(body, taxonomy, ids)
        if payload.author:
            author = self.user(payload)
            if author is not None:
                body["author"] = author
        if payload.parent is not None:
            body["parent"] = self.parent(payload)
        try:
            rendered = self._refs.render(payload, self.media, targets)
        except ImageError as exc:
            raise DocumentError(payload.rel, str(exc), hint=exc.hint) from None
        except UploadFailed as exc:
            if exc.error.code == "rest_cannot_create" and exc.error.status in (401, 403):
                raise denied(payload.rel, upload_refusal(1), None) from None
            kind = TransportError if isinstance(exc.error, TransportError) else RemoteError
            raise kind(
                str(exc), status=exc.error.status, code=exc.error.code, hint=exc.error.hint
            ) from None
        for refused, how in rendered.refused:
            warning = _refusal_warning(payload.rel, refused, how)
            logger.warning("%s", warning)
            self._warn(warning)
        body["content"] = rendered.content
        if rendered.featured_media is not None:
            body["featured_media"] = rendered.featured_media
        sent = Sent(action.rel, payload, rendered.inputs)
        self._pending[action.rel] = (sent, body)
        return dataclasses.replace(action, payload_hash=rendered.payload_hash), body

    def sent(self, bodies: Sequence[tuple[WriteAction, RestBody]]) -> None:
        """After a wave: record status, inputs and fields of the writes that went through."""
        for action, _ in bodies:
            post = self._written.get(action.rel)
            pending = self._pending.pop(action.rel, None)
            if post is None or pending is None:
                continue
            sent, body = pending
            self._refs.recorded(action.rel, post.status, sent.inputs, body)
            self._sent[action.rel] = sent

    def relink(self) -> None:
        """Links to posts that got their URL in this run; warnings for the rest."""
        failed = {r.path: r.error or "" for r in self._results if r.action == "failed"}
        skip = {r.path for r in self._results if r.action in ("failed", "conflict")}
        outcome = self._refs.relink(
            self._sent,
            self._client(),
            self._read,
            concurrency=self._concurrency,
            skip=skip,
        )
        for rel, post_id in outcome.updated:
            entry = self._state.get(rel)
            link = entry.link if entry is not None else None
            self._replace_result(
                FileResult(rel, "updated", post_id, detail="links updated", link=link or None)
            )
        targets = self._refs.targets(failed)
        written = set(self._sent) | {rel for rel, _ in outcome.updated}
        for rel in sorted(written):
            pushed = self._refs.pushed.get(rel)
            if pushed is not None:
                links = [k[len(LINK) :] for k in pushed.inputs if k.startswith(LINK)]
                for warning in targets.warnings(rel, links):
                    logger.warning("%s", warning)
                    self._warn(warning)
        for warning in outcome.warnings:
            logger.warning("%s", warning)
            self._warn(warning)
        self._refs.finish()

    def term(self, taxonomy: str, path: tuple[str, ...], rel: str = "") -> int:
        key = (taxonomy, path)
        if key not in self._terms:
            parent = self.term(taxonomy, path[:-1], rel) if len(path) > 1 else 0
            try:
                self._terms[key] = self._client().ensure_term(taxonomy, path[-1], parent)
            except RemoteError as exc:
                if isinstance(exc, TransportError) or exc.code != "rest_cannot_create":
                    raise
                refusal = term_refusal(taxonomy, "/".join(path))
                raise denied(rel, refusal, None) from None
        return self._terms[key]

    def user(self, payload: PostPayload) -> int | None:
        """The author's user ID; None: the author is left to WordPress (the run's
        gate resolved the names and warned once per name)."""
        login = payload.author or ""
        if login not in self._users:
            user_id = self._client().find_user(login)
            if user_id is None:
                warning = f"author '{login}' is not a user of the site: left to WordPress"
                logger.warning("%s", warning)
                self._warn(warning)
            self._users[login] = user_id
        return self._users[login]

    def parent(self, payload: PostPayload) -> int:
        slug = payload.parent or ""
        if not slug:
            return 0
        if payload.parent_rel is not None:  # the folder's or SUMMARY.md's page: its file
            entry = self._state.get(payload.parent_rel)
            if entry is not None and entry.rest_base == payload.rest_base:
                return entry.post_id
        for _, entry in sorted(self._state.entries().items()):
            if entry.rest_base == payload.rest_base and entry.slug == slug:
                return entry.post_id
        found = self._client().posts_by_slugs(payload.rest_base, [slug]).get(slug)
        if found is None:
            raise DocumentError(payload.rel, f"parent '{slug}' is not published")
        return found.id


def refused_images(
    actions: Sequence[planner.Action], state: StateStore, images: LocalImages
) -> list[str]:
    """For a plan: the images of the writes that WordPress refused before, and what a
    sync will do about them (try again for an edited post, else show the alt text)."""
    refused = state.refused_media()
    out: list[str] = []
    if not refused:
        return out
    for action in actions:
        if not isinstance(action, Create | Update):
            continue
        for ref in media_refs(action.payload):
            try:
                refusal = refused.get(images.hash_of(ref.rel))
            except ImageError:
                continue
            if refusal is None:
                continue
            then = "tried again (the post changed)" if _edited(action) else "its alt text shown"
            out.append(
                f"{action.rel}: image {ref.rel!r} was refused by WordPress "
                f"({refusal.message}): {then}"
            )
    return out


def _edited(action: WriteAction) -> bool:
    """A new post, or one whose file changed (not only what it links to or its renderer)."""
    if isinstance(action, Create):
        return True
    return isinstance(action, Update) and action.source_hash != action.entry.source_hash


def _refusal_warning(rel: str, refused: ImageRefused, how: str) -> str:
    """The report's line for an image WordPress refuses: its own words, once as news."""
    refusal = refused.refusal
    code = f" ({refusal.code})" if refusal.code else ""
    if refused.now:
        return (
            f"{rel}: image {refused.ref.rel!r} refused by WordPress: {refusal.message}{code}; "
            f"{how}; not sent again until the image or this post changes"
        )
    return (
        f"{rel}: image {refused.ref.rel!r} was refused by WordPress earlier "
        f"({refusal.message}); {how} (edit the image or the post to try again)"
    )
