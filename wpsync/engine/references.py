"""What a post's body is made of besides its own file, and noticing when that changes.

A post's HTML depends on more than its Markdown: the images it shows (uploaded once per
site, by content hash), the permalinks of the Markdown files it links to, whether block
markup is on, the Markdown renderer, and — for a page without ``parent:`` — the page of
its folder.  These are the post's *inputs*, a flat ``{key: value}``:

    img:<rel>          the image's content hash
    link:<rel>         the URL the link was given, "" while the target is not published
    opt:block-editor   "1" when ``content.block_editor`` is on
    opt:renderer       the Markdown engine and its version (:func:`renderer_identity`),
                       and the dialect when it is not "plain" (:func:`dialect_identity`)
    opt:fingerprint    the revision of the fingerprint the content carries (fingerprint.py)
    parent-page        the page its folder or SUMMARY.md made it a child of ("": none)
    outline            its place in SUMMARY.md, "<menu_order>|<title>" (if listed)

The inputs are hashed with the payload (``plan.payload_hash``) and stored with each post
(``state.pushed``) — all but ``opt:renderer``, which is only stored: the payload already
holds the HTML the renderer made, so a new renderer changes the hash of exactly the
posts it renders differently.  So:

- before planning (:meth:`References.settle`), a file whose bytes did not change is
  still read again when one of its inputs did — an image was edited, a link target was
  published, moved or deleted, the option was switched, the renderer is another one (or
  unknown: a post pushed before wpsync recorded it) — and its new payload hash makes
  the planner update it, after the usual check for edits made in WordPress (the reason
  is "rendering changed" when the renderer alone explains it); a post whose payload
  hash is the same sends nothing, only its record of the inputs moves;
- while writing (:meth:`References.render`), images are swapped for their
  ``source_url``, links for permalinks, and the HTML turned into blocks if asked;
- after writing (:meth:`References.relink`), posts whose links point at files that got
  their URL in this same run (new posts, a draft published, a slug changed) are updated
  once more with the real URL: no post is left linking to a ``.md`` path that now has a
  permalink.

Size: one run's inputs of every post (images, links, parent pages, the outline, slugs
beside same-named files) are one state, read before planning and after writing; the pure
decisions live in samename.py and source/summary.py.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from posixpath import dirname
from typing import TYPE_CHECKING

from wpsync.engine.conflicts import pushed_fields
from wpsync.engine.fingerprint import FINGERPRINT, REVISION, fingerprinted, inputs_digest
from wpsync.engine.items import (
    RENDERER,
    RENDERING_CHANGED,
    Broken,
    Changed,
    LocalItem,
    Stat,
    Unchanged,
    payload_hash,
)
from wpsync.engine.media import ImageError, ImageRefused, LocalImages, MediaLibrary, UploadFailed
from wpsync.engine.paths import under_any
from wpsync.engine.samename import Claim, SlugBook, claim_for, entry_scope, first_by_slug, with_slug
from wpsync.errors import AuthError, DocumentError, RemoteError
from wpsync.model import Entry, MediaRef, PostPayload, Pushed, RestBody, edited_since
from wpsync.source import versions
from wpsync.source.links import LinkTargets
from wpsync.source.pages import folder_parent, is_index
from wpsync.source.summary import Outline
from wpsync.source.versions import BLOCKS_REVISION, dialect_identity, renderer_identity
from wpsync.store.state import StateStore
from wpsync.store.views import PushedRecords, StateEntries
from wpsync.wordpress.rights import forbids_listing

if TYPE_CHECKING:
    from wpsync.config import ContentConfig
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import RemotePost

logger = logging.getLogger(__name__)

__all__ = [
    "BLOCK_EDITOR",
    "IMAGE",
    "LINK",
    "PARENT_PAGE",
    "PYTHON_MARKDOWN",
    "RENDERER",
    "Body",
    "References",
    "Relinked",
    "Sent",
    "configured_engine",
    "dialect_identity",
    "media_refs",
    "renderer_identity",
]

IMAGE = "img:"
LINK = "link:"
BLOCK_EDITOR = "opt:block-editor"
PARENT_PAGE = "parent-page"
OUTLINE = "outline"

#: the engine of the pipeline wpsync rendered with before ``[content] markdown`` chose one
PYTHON_MARKDOWN = "python-markdown"


def configured_engine(content: ContentConfig) -> str:
    """The Markdown engine ``[content] markdown`` names."""
    return content.markdown


def media_refs(payload: PostPayload) -> tuple[MediaRef, ...]:
    """Every local image a payload uses (the featured image first)."""
    refs = [payload.featured_image] if payload.featured_image is not None else []
    return (*refs, *payload.images)


@dataclass(frozen=True)
class Body:
    """The rendered parts of a REST body: ``content``, ``featured_media`` (None: not
    sent; 0: removed), the inputs used, and the links left unresolved."""

    content: str
    featured_media: int | None
    inputs: Mapping[str, str]
    unresolved: tuple[str, ...] = ()
    #: images WordPress refuses, each with how it is shown instead (for the warnings)
    refused: tuple[tuple[ImageRefused, str], ...] = ()
    #: the hash of the payload with these inputs (what the content's fingerprint holds)
    payload_hash: str = ""


@dataclass(frozen=True)
class Sent:
    """A post written in this run, as the relink pass needs it."""

    rel: str
    payload: PostPayload
    inputs: Mapping[str, str]


@dataclass(frozen=True)
class Relinked:
    """What the relink pass did: files updated that had not been written before in
    this run (their report line changes), and what it could not do."""

    updated: tuple[tuple[str, int], ...] = ()
    warnings: tuple[str, ...] = ()


class References:
    """One per run: the inputs of every post, before and after writing."""

    def __init__(
        self,
        root: Path,
        state: StateStore,
        *,
        block_editor: bool,
        markdown: str = PYTHON_MARKDOWN,
        dry_run: bool = False,
        dialect: str = "plain",
        outline: Outline | None = None,
        source: str = "",
    ) -> None:
        """``markdown``: the engine that renders the files (:func:`configured_engine`);
        ``dialect``: the content folder's (``engine.reading.content_dialect``);
        ``outline``: the book's SUMMARY.md; ``source``: the tool's source folder."""
        self.root = root
        self.state = state
        self.block_editor = block_editor
        self.markdown = markdown
        self.dialect = dialect
        self.dry_run = dry_run
        self.images = LocalImages(root, state, remember=not dry_run)
        #: read by key, or all at once by a run over the whole folder (settle)
        self.pushed = PushedRecords(state)
        self._inputs: dict[str, dict[str, str]] = {}  # read-time inputs of changed files
        #: the payload hash of each changed file as settled: its payload, inputs and hash
        self._hashed: dict[str, tuple[PostPayload, dict[str, str], str]] = {}
        self._sources: dict[str, str] = {}  # the source hash of each changed file
        #: files recognised by their bytes (recognised.py): their inputs' names and digest
        self._expected: dict[str, tuple[frozenset[str], str]] = {}
        self._recognised: dict[str, Pushed] = {}
        self._gone: frozenset[str] = frozenset()
        self._pages: set[str] = set()
        self._page_slugs: dict[str, str] = {}
        self._page_of_slug: dict[str, str] = {}
        self._targets: LinkTargets | None = None
        self.outline = outline or Outline()
        self._source = source
        self._book = SlugBook()
        self._full = True  # the run covers the whole folder (settle's scope)
        self._scope: set[str] = set()  # else the files it covers
        #: the URL of each file of ``_scope`` before the run's writes ("" for none)
        self._urls_before: dict[str, str] = {}
        #: files linked to their posts in this run without a write (recognised, adopted)
        self._linked_now: set[str] = set()
        self._now: dict[str, str | None] = {}  # settle's inputs as they are now
        self._recorded: set[str] = set()  # files whose record this run wrote
        self.warnings: list[str] = []  # a slug given to a file with a common name…

    @property
    def source(self) -> str:
        """The tool's source folder ("" when none: the content folder itself)."""
        return self._source

    # ------------------------------------------------------------ link targets

    def targets(
        self,
        failed: Mapping[str, str] | None = None,
        entries: Mapping[str, Entry] | None = None,
    ) -> LinkTargets:
        """Link targets as the state stands now (call again after writes); ``entries``:
        the state's entries when the caller has just read them."""
        return LinkTargets(
            StateEntries(self.state) if entries is None else entries,
            self._statuses(),
            gone=self._gone,
            failed=dict(failed or {}),
            exists=lambda rel: (self.root / rel).is_file(),
        )

    def _statuses(self) -> Mapping[str, str]:
        """The status of each post: all of them after a run over the whole folder read
        them, else asked for by key (a link's target)."""
        if self._full:
            return {rel: p.status for rel, p in self.pushed.items()}
        return _Statuses(self.pushed)

    # ------------------------------------------------------------ before planning

    def settle(
        self,
        items: Sequence[LocalItem],
        entries: Mapping[str, Entry],
        scope: Iterable[str] | None,
        read: Callable[[str, Stat], LocalItem],
    ) -> list[LocalItem]:
        """Give changed files their inputs; read unchanged files whose inputs changed.

        ``scope``: the files this run covers (None: the whole folder), to know which
        known files were deleted.  ``read(rel, stat)`` reads and maps one file.
        """
        broken = {item.rel for item in items if isinstance(item, Broken)}
        self._full = scope is None
        covered: Iterable[str]
        if scope is None:
            self.pushed.read_all()  # every file is looked at: one query
            covered = entries
            # Every known file there (the usual case of a big folder): nothing is gone,
            # told without a set of every path (``items`` names each file once).
            if sum(1 for item in items if item.rel in entries) == len(entries):
                covered = ()
        else:
            scope = set(scope)
            self._scope = scope
            covered = {rel for rel in scope if rel in entries}
        present = {item.rel for item in items} if covered or scope is not None else set()
        if scope is not None:
            self.pushed.read(scope | present)
        self._gone = frozenset(
            rel for rel in covered if rel not in present and not under_any(rel, broken)
        )
        pages = _of_type(entries, "pages")
        self._pages = {rel for rel in pages if rel not in self._gone}
        self._page_slugs = {rel: pages[rel].slug for rel in self._pages}
        for item in items:
            if isinstance(item, Changed):
                if item.payload.rest_base == "pages":
                    self._pages.add(item.rel)
                    self._page_slugs[item.rel] = item.payload.slug
                else:
                    self._pages.discard(item.rel)
        self._settle_slugs(items, entries)
        self._targets = self.targets(entries=entries)
        if scope is not None:  # each file's URL before the run's writes (gone or not)
            before = LinkTargets(entries, self._statuses(), exists=self._targets.exists)
            for rel in scope:  # a second settle (after an adoption) keeps the first
                self._urls_before.setdefault(rel, before.url(rel))
        self._now = {}
        out: list[LocalItem] = []
        for item in items:
            if isinstance(item, Changed):
                completed = self._complete(item)
                entry = entries.get(item.rel)
                if entry is not None and isinstance(completed, Changed):
                    self._same_as_pushed(completed, entry)
                out.append(completed)
            elif isinstance(item, Unchanged) and item.rel in self._expected:
                out.append(self._verified(item, entries, read))
            elif isinstance(item, Unchanged) and self._stale(item.rel):
                out.append(self._reread(item, entries[item.rel], read))
            else:
                out.append(item)
        return out

    @property
    def renderer(self) -> str:
        """The renderer of this run, as recorded in ``opt:renderer``."""
        return versions.renderer_identity(self.markdown) + versions.dialect_identity(self.dialect)

    # ------------------------------------------------------------ pages and slugs

    def _parent_of(self, rel: str) -> str | None:
        """The page ``rel`` is a child of: SUMMARY.md's when it lists the file, else its
        folder's."""
        if rel in self.outline:
            return self.outline.parent(rel, frozenset(self._pages))
        parent = folder_parent(rel, self._pages)
        if self._source and parent and is_index(parent) and dirname(parent) == self._source:
            return None  # the front page is no folder's page: its neighbours are top level
        return parent

    def _outline_of(self, rel: str) -> str | None:  # the input OUTLINE
        chapter = self.outline.get(rel) if rel in self._pages else None
        return f"{chapter.order}|{chapter.title}" if chapter is not None else None

    def _claim(self, payload: PostPayload, entry: Entry | None) -> Claim:
        folder = self._parent_of(payload.rel) if payload.rest_base == "pages" else None
        return claim_for(payload, entry, folder, self._page_of_slug)

    def _settle_slugs(self, items: Sequence[LocalItem], entries: Mapping[str, Entry]) -> None:
        """Same-named files (samename.py): every changed file's slug, decided together."""
        changed = {item.rel: item for item in items if isinstance(item, Changed)}
        self._page_of_slug = first_by_slug(self._page_slugs)
        holders = _Holders(entries, self.pushed)
        self._book = SlugBook(holders=holders.of, skip=set(changed) | self._gone)
        given = self._book.settle(
            self._claim(item.payload, entries.get(rel)) for rel, item in changed.items()
        )
        for rel, slug in given.items():
            if rel in self._page_slugs and not slug.error:
                self._page_slugs[rel] = slug.slug
        self._page_of_slug = first_by_slug(self._page_slugs)

    def _complete(self, item: Changed) -> LocalItem:
        """``item`` with its inputs, its parent page, its place in SUMMARY.md, its slug
        beside same-named files, and the matching payload hash."""
        given = self._book.one(self._claim(item.payload, self.state.get(item.rel)))
        if given.warning and (note := f"{item.rel}: {given.warning}") not in self.warnings:
            self.warnings.append(note)
        if not isinstance(slugged := with_slug(item, given), Changed):
            return slugged
        item = slugged
        payload = item.payload
        inputs: dict[str, str] = {}
        try:
            for ref in media_refs(payload):
                inputs[IMAGE + ref.rel] = self.images.hash_of(ref.rel)
        except ImageError as exc:
            return Broken(
                item.rel,
                DocumentError(item.rel, str(exc), hint=exc.hint),
            )
        assert self._targets is not None
        for rel in payload.links:
            inputs[LINK + rel] = self._targets.url(rel)
        if self.block_editor:
            inputs[BLOCK_EDITOR] = BLOCKS_REVISION
        inputs[FINGERPRINT] = REVISION
        inputs[RENDERER] = self.renderer  # recorded, not hashed (plan.payload_hash)
        if payload.rest_base == "pages" and payload.parent is None:
            parent = self._parent_of(item.rel)
            inputs[PARENT_PAGE] = parent or ""
            slug = self._page_slugs.get(parent, "") if parent else ""
            payload = dataclasses.replace(payload, parent=slug, parent_rel=parent)
        place = self._outline_of(item.rel)
        if place is not None:
            inputs[OUTLINE] = place
            chapter = self.outline.chapters[item.rel]
            if payload.menu_order is None:
                payload = dataclasses.replace(payload, menu_order=chapter.order)
            if payload.title_from_name and chapter.title:
                payload = dataclasses.replace(payload, title=chapter.title)
        self._inputs[item.rel] = inputs
        self._sources[item.rel] = item.source_hash
        hashed = payload_hash(payload, inputs)
        self._hashed[item.rel] = (payload, dict(inputs), hashed)
        return dataclasses.replace(
            item,
            payload=payload,
            payload_hash=hashed,
            inputs=tuple(sorted(inputs.items())),
        )

    def _payload_hash(self, payload: PostPayload, inputs: Mapping[str, str]) -> str:
        """``payload_hash(payload, inputs)``; the one :meth:`_complete` made when this is
        its payload and the inputs are still the same (a post's body is rendered with what
        its file settled with, unless an image or a link target changed since)."""
        settled = self._hashed.pop(payload.rel, None)
        if settled is not None and settled[0] is payload and settled[1] == inputs:
            return settled[2]
        return payload_hash(payload, inputs)

    def _current(self, rel: str, key: str) -> str | None:
        """The value input ``key`` of file ``rel`` would have now (None: unusable)."""
        if key == PARENT_PAGE:
            return self._parent_of(rel) or ""
        if key == OUTLINE:
            return self._outline_of(rel)
        # the others are the same for every file: asked once per settle
        try:
            return self._now[key]
        except KeyError:
            value = self._now[key] = self._current_of(key)
            return value

    def _current_of(self, key: str) -> str | None:
        assert self._targets is not None
        if key.startswith(IMAGE):
            try:
                return self.images.hash_of(key[len(IMAGE) :])
            except ImageError:
                return None
        if key.startswith(LINK):
            return self._targets.url(key[len(LINK) :])
        if key == BLOCK_EDITOR:
            return BLOCKS_REVISION if self.block_editor else None
        if key == RENDERER:
            return self.renderer
        if key == FINGERPRINT:
            return REVISION
        return None

    def _stale(self, rel: str) -> bool:
        pushed = self.pushed.get(rel)
        if pushed is None:
            return True  # pushed by an older wpsync: look once
        if (BLOCK_EDITOR in pushed.inputs) != self.block_editor:
            return True
        if RENDERER not in pushed.inputs:
            return True  # rendered by an unknown renderer: look once
        if (OUTLINE in pushed.inputs) != (self._outline_of(rel) is not None):
            return True  # listed in SUMMARY.md, or no longer
        if FINGERPRINT not in pushed.inputs:
            return True  # pushed without a fingerprint: look once (and send one)
        return any(self._current(rel, key) != value for key, value in pushed.inputs.items())

    def _rendering_changed(self, rel: str) -> bool:
        """The rendering alone explains why ``rel`` was read again: the Markdown renderer or
        the block conversion's revision changed, every other input is the one it was
        pushed with."""
        pushed = self.pushed.get(rel)
        if pushed is None or (BLOCK_EDITOR in pushed.inputs) != self.block_editor:
            return False
        # the Markdown renderer, the revision of the block conversion or of the
        # fingerprint moved
        rendering = (RENDERER, BLOCK_EDITOR, FINGERPRINT)
        if all(pushed.inputs.get(key) == self._current(rel, key) for key in rendering):
            return False
        return all(
            self._current(rel, key) == value
            for key, value in pushed.inputs.items()
            if key not in rendering
        )

    def _reread(
        self, item: Unchanged, entry: Entry, read: Callable[[str, Stat], LocalItem]
    ) -> LocalItem:
        fresh = read(item.rel, item.stat)
        if not isinstance(fresh, Changed):
            return fresh
        completed = self._complete(fresh)
        logger.debug(
            "%s: read again: an image, link target, option or the renderer it uses changed",
            item.rel,
        )
        if not isinstance(completed, Changed) or self._same_as_pushed(completed, entry):
            return completed
        if self._rendering_changed(item.rel):
            return dataclasses.replace(completed, cause=RENDERING_CHANGED)
        return completed

    def _same_as_pushed(self, completed: Changed, entry: Entry) -> bool:
        """Whether ``completed`` would send what WordPress has; if so, its inputs (the
        renderer included) are recorded as they are now, so it is not read again."""
        if completed.payload_hash != entry.payload_hash:
            return False
        old = self.pushed.get(completed.rel)
        inputs = dict(completed.inputs)
        if self.dry_run or (old is not None and old.inputs == inputs):
            return True
        # Same as what WordPress has: only the record of the inputs was missing or old.
        self._put_pushed(
            Pushed(
                completed.rel,
                old.status if old else "",
                inputs,
                old.fields if old else {},
            )
        )
        return True

    # ------------------------------------------------------------ while writing

    def read_time_inputs(self, rel: str) -> Mapping[str, str]:
        return self._inputs.get(rel, {})

    def render(self, payload: PostPayload, media: MediaLibrary, targets: LinkTargets) -> Body:
        """The content (images and links swapped for URLs, blocks if asked) and the
        featured image's ID.  An image WordPress refuses for good is shown another way
        (an SVG: ``MediaLibrary.stand_in``) or as its alt text, and listed in ``refused``.
        Raises ImageError, UploadFailed."""
        inputs = dict(self._inputs.get(payload.rel, {}))
        urls: dict[str, str] = {}
        media_ids: dict[str, int] = {}
        refused: list[tuple[ImageRefused, str]] = []
        in_place: dict[str, str] = {}  # image → the text shown instead
        for ref in payload.images:
            try:
                found = media.get(ref)
            except ImageRefused as exc:
                inputs[IMAGE + ref.rel] = exc.refusal.content_hash
                stand_in = media.stand_in(exc)
                if stand_in is None:
                    in_place[ref.rel] = ref.alt or f"[{posixpath.basename(ref.rel)}]"
                    refused.append((exc, "its alt text is shown instead"))
                    continue
                urls[ref.rel] = stand_in.url
                if stand_in.media is not None:
                    media_ids[stand_in.url] = stand_in.media.media_id
                refused.append((exc, stand_in.how))
                continue
            urls[ref.rel] = found.source_url
            media_ids[found.source_url] = found.media_id
            inputs[IMAGE + ref.rel] = found.content_hash
        featured: int | None = None
        if payload.featured_image is not None:
            try:
                found = media.get(payload.featured_image)
                featured = found.media_id
                inputs[IMAGE + payload.featured_image.rel] = found.content_hash
            except ImageRefused as exc:
                inputs[IMAGE + payload.featured_image.rel] = exc.refusal.content_hash
                stand_in = media.stand_in(exc)
                if stand_in is not None and stand_in.media is not None:
                    featured = stand_in.media.media_id
                    refused.append((exc, f"featured image {stand_in.how}"))
                else:
                    featured = 0
                    refused.append((exc, "the post has no featured image"))
        else:
            before = self.pushed.get(payload.rel)
            if before is not None and before.fields.get("featured_media"):
                featured = 0  # the front matter dropped it: remove it in WordPress too
        unresolved: list[str] = []
        for rel in payload.links:
            url = targets.url(rel)
            inputs[LINK + rel] = url
            if url:
                urls[rel] = url
            else:
                unresolved.append(rel)
        # not imported by a run that writes nothing
        from wpsync.source.render import replace_images, rewrite_urls

        content = replace_images(payload.content, in_place) if in_place else payload.content
        content = rewrite_urls(content, urls) if urls else content
        if self.block_editor:
            inputs[BLOCK_EDITOR] = BLOCKS_REVISION
            from wpsync.source.blocks import to_blocks

            content = to_blocks(content, media_ids)
        inputs[FINGERPRINT] = REVISION
        # Where it came from and what is sent, for a checkout without a state (adoption.py).
        hashed = self._payload_hash(payload, inputs)
        content = fingerprinted(
            content,
            payload.rel,
            hashed,
            payload.title,
            payload.status,
            payload.slug,
            source_hash=self._sources.get(payload.rel, ""),
            inputs=inputs,
        )
        return Body(content, featured, inputs, tuple(unresolved), tuple(refused), hashed)

    def expect(self, records: Iterable[tuple[Pushed, frozenset[str], str]]) -> None:
        """Files a checkout without a state recognised by their bytes (recognised.py):
        their post's status and fields, and the names and digest of the inputs it was
        sent with.  :meth:`settle` leaves such a file unread when its inputs are still
        those (:meth:`recognised`), and reads it again when one is not — as it does a
        file of the state's whose input changed."""
        for pushed, keys, digest in records:
            self.pushed[pushed.rel] = pushed
            self._expected[pushed.rel] = (keys, digest)
            self._linked_now.add(pushed.rel)

    def recognised(self) -> Mapping[str, Pushed]:
        """The files :meth:`expect` named whose inputs are the ones sent, with them."""
        return self._recognised

    def _verified(
        self, item: Unchanged, entries: Mapping[str, Entry], read: Callable[[str, Stat], LocalItem]
    ) -> LocalItem:
        keys, digest = self._expected.pop(item.rel)
        now = {key: self._current(item.rel, key) for key in keys}
        inputs = {key: value for key, value in now.items() if value is not None}
        old = self.pushed[item.rel]
        # (kept in memory: the state records it only once it is known to be the same)
        self.pushed[item.rel] = Pushed(item.rel, old.status, inputs, old.fields)
        if len(inputs) == len(now) and inputs_digest(inputs) == digest:
            self._recognised[item.rel] = self.pushed[item.rel]
            return item
        logger.debug("%s: an input changed since its post was sent: read", item.rel)
        return self._reread(item, entries[item.rel], read)

    def adopt(self, records: Iterable[Pushed]) -> None:
        """Posts a checkout without their state recognised as its own (adoption.py): their
        status and fields, as if this run had pushed them (a dry run only keeps them)."""
        for pushed in records:
            self._linked_now.add(pushed.rel)
            if self.dry_run:
                self.pushed[pushed.rel] = pushed
            else:
                self._put_pushed(pushed)

    def recorded(self, rel: str, status: str, inputs: Mapping[str, str], body: RestBody) -> None:
        """A write went through: remember its status, inputs and fields."""
        self._put_pushed(Pushed(rel, status, dict(inputs), pushed_fields(body)))

    def _put_pushed(self, pushed: Pushed) -> None:
        self.state.put_pushed(pushed)
        self.pushed[pushed.rel] = pushed
        self._recorded.add(pushed.rel)

    # ------------------------------------------------------------ after writing

    def relink(
        self,
        sent: Mapping[str, Sent],
        client: WordPressClient,
        read: Callable[[str, Stat], LocalItem],
        *,
        concurrency: int,
        skip: Iterable[str] = (),
    ) -> Relinked:
        """Update the posts whose links got a new URL in this run.

        ``sent``: the posts written in this run; other posts are updated only when their
        file is unchanged on disk and WordPress has no edit of theirs (else their own
        next sync handles it).  ``skip``: files not to touch (failed, in conflict).
        """
        targets = self.targets()
        entries = StateEntries(self.state)
        skipped = set(skip) | set(self._gone)
        todo: dict[str, tuple[Entry, PostPayload, dict[str, str]]] = {}
        warnings: list[str] = []
        others: list[tuple[str, Entry]] = []
        for rel, pushed in sorted(self._linking(sent).items()):
            entry = entries.get(rel)
            if entry is None or rel in skipped:
                continue
            links = {k: v for k, v in pushed.inputs.items() if k.startswith(LINK)}
            if all(targets.url(k[len(LINK) :]) == v for k, v in links.items()):
                continue
            if rel in sent:
                todo[rel] = (entry, sent[rel].payload, dict(sent[rel].inputs))
            else:
                others.append((rel, entry))
        for rel, entry in self._unedited(others, client, warnings):
            item = read(rel, Stat(entry.size, entry.mtime_ns))
            completed = self._complete(item) if isinstance(item, Changed) else item
            if isinstance(completed, Changed):
                todo[rel] = (entry, completed.payload, dict(completed.inputs))
        if not todo:
            return Relinked(warnings=tuple(warnings))
        media = MediaLibrary(self.state, self.images, lambda: client, concurrency=concurrency)
        bodies: dict[str, tuple[Entry, PostPayload, Body]] = {}
        for rel, (entry, payload, inputs) in todo.items():
            self._inputs[rel] = inputs
            try:
                bodies[rel] = (entry, payload, self.render(payload, media, targets))
            except AuthError:
                raise
            except (ImageError, UploadFailed, RemoteError, DocumentError) as exc:
                warnings.append(f"{rel}: links not updated: {exc}")
        updated: list[tuple[str, int]] = []
        for rel, (entry, _, body) in bodies.items():
            # Journalled like every update: a lost answer is not a WordPress edit (recovery.py).
            self.state.mark_pushing(rel, entry.post_id, pushed_fields({"content": body.content}))
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            futures = {
                rel: pool.submit(
                    client.update_post, entry.rest_base, entry.post_id, {"content": body.content}
                )
                for rel, (entry, _, body) in bodies.items()
            }
            for rel, future in futures.items():
                entry, payload, body = bodies[rel]
                try:
                    post: RemotePost = future.result()
                except AuthError:
                    raise
                except RemoteError as exc:
                    warnings.append(f"{rel}: links not updated ({exc}); the next sync does it")
                    continue
                self.state.put(
                    dataclasses.replace(
                        entry,
                        payload_hash=payload_hash(payload, body.inputs),
                        modified_gmt=post.modified_gmt,
                        link=post.link or entry.link,
                        stored=post.stored,
                    )
                )
                old = self.pushed.get(rel)
                fields = dict(old.fields) if old else {}
                fields.update(pushed_fields({"content": body.content}))
                self._put_pushed(Pushed(rel, post.status, dict(body.inputs), fields))
                logger.info("%s: links updated (post %d)", rel, post.id)
                if rel not in sent:
                    updated.append((rel, post.id))
        return Relinked(tuple(updated), tuple(warnings))

    def _linking(self, sent: Mapping[str, Sent]) -> dict[str, Pushed]:
        """The records whose links may have another URL now: every one after a run over
        the whole folder; after a run over a few files, those written and those linking
        to a file of the run (written, recorded, gone) whose URL changed."""
        if self._full:
            return dict(self.pushed.items())
        moved = self._moved(self._scope | set(sent) | self._recorded)
        found = self.pushed.linking(moved) if moved else {}
        self.pushed.read(sent)
        for rel in sent:
            if (record := self.pushed.get(rel)) is not None:
                found[rel] = record
        return found

    def _moved(self, rels: Iterable[str]) -> set[str]:
        """Of ``rels``, the files whose URL this run changed (or may have: one whose URL
        before is not known): a post linking to any other still has the right URL, and
        finding who links to a file reads every record."""
        now = self.targets()
        return {
            rel
            for rel in rels
            if rel in self._linked_now
            or rel not in self._urls_before
            or self._urls_before[rel] != now.url(rel)
        }

    def _unedited(
        self, candidates: list[tuple[str, Entry]], client: WordPressClient, warnings: list[str]
    ) -> list[tuple[str, Entry]]:
        """Among posts not written in this run: those whose file and post are as we left
        them (anything else is for their own next sync)."""
        on_disk: list[tuple[str, Entry]] = []
        for rel, entry in candidates:
            try:
                st = os.stat(self.root / rel)
            except OSError:
                continue
            if (st.st_size, st.st_mtime_ns) == (entry.size, entry.mtime_ns):
                on_disk.append((rel, entry))
        by_base: dict[str, list[tuple[str, Entry]]] = {}
        for rel, entry in on_disk:
            by_base.setdefault(entry.rest_base, []).append((rel, entry))
        out: list[tuple[str, Entry]] = []
        for rest_base, group in by_base.items():
            try:
                ids = [e.post_id for _, e in group]
                remote = client.posts_by_ids(rest_base, ids, stored=True)
            except RemoteError as exc:
                if not forbids_listing(exc):
                    raise
                warnings.extend(
                    f"{rel}: links not updated: your user may not edit {rest_base} ({exc.code})"
                    for rel, _ in group
                )
                continue
            for rel, entry in group:
                post = remote.get(entry.post_id)
                if post is not None and not edited_since(entry, post.modified_gmt, post.stored):
                    out.append((rel, entry))
                else:
                    warnings.append(
                        f"{rel}: links not updated: post {entry.post_id} was edited in "
                        "WordPress (the next sync reports the conflict)"
                    )
        return out

    def finish(self) -> None:
        """Forget records of files the state no longer links (after a run over a few
        files, those its own writes unlinked: state.prune_pushed)."""
        if not self.dry_run:
            self.state.prune_pushed(everywhere=self._full)


class _Statuses(Mapping[str, str]):
    """The status WordPress gave each file's post, from its record (LinkTargets')."""

    def __init__(self, pushed: PushedRecords) -> None:
        self._pushed = pushed

    def __getitem__(self, rel: str) -> str:
        record = self._pushed.get(rel)
        if record is None:
            raise KeyError(rel)
        return record.status

    def __iter__(self) -> Iterator[str]:
        return iter(self._pushed)

    def __len__(self) -> int:
        return len(self._pushed)


def _of_type(entries: Mapping[str, Entry], rest_base: str) -> dict[str, Entry]:
    if isinstance(entries, StateEntries):
        return entries.of_type(rest_base)  # an index: not every entry
    return {rel: e for rel, e in entries.items() if e.rest_base == rest_base}


class _Holders:
    """The published files holding a slug in a scope (samename.SlugBook's ``holders``):
    from the state's index of slugs when ``entries`` is the state read by key, else from
    an index of ``entries`` made when first asked."""

    def __init__(self, entries: Mapping[str, Entry], pushed: Mapping[str, Pushed]) -> None:
        self._entries = entries
        self._pushed = pushed
        self._by_slug: dict[tuple[str, str], list[tuple[str, Entry]]] | None = None
        self._page_of_id: dict[int, str] | None = None

    def of(self, rest_base: str, scope: str, slug: str) -> list[str]:
        if isinstance(self._entries, StateEntries):
            found = list(self._entries.of_type(rest_base, slug).items())
        else:
            if self._by_slug is None:
                self._by_slug = {}
                for rel, e in self._entries.items():
                    self._by_slug.setdefault((e.rest_base, e.slug), []).append((rel, e))
            found = self._by_slug.get((rest_base, slug), [])
        return [rel for rel, e in found if self._scope(rel, e) == scope]

    def _scope(self, rel: str, entry: Entry) -> str:
        """samename.entry_scope of a published file (its record read for a page only)."""
        if entry.rest_base != "pages":
            return ""
        record = self._pushed.get(rel)
        parent_page = record.inputs.get(PARENT_PAGE) if record is not None else None
        parent_id = (
            record.fields.get("parent") if record is not None and parent_page is None else None
        )
        rel_of_id: dict[int, str] = {}
        if isinstance(parent_id, int) and parent_id:
            page = self._page(parent_id)
            if page is not None:
                rel_of_id[parent_id] = page
        return entry_scope(entry.rest_base, parent_page, parent_id, rel_of_id)

    def _page(self, post_id: int) -> str | None:
        if isinstance(self._entries, StateEntries):
            return self._entries.rel_of("pages", post_id)
        if self._page_of_id is None:
            self._page_of_id = {
                e.post_id: r for r, e in self._entries.items() if e.rest_base == "pages"
            }
        return self._page_of_id.get(post_id)
