"""``wpsync pull``: adopt a site that already has content — each WordPress post or page
becomes a Markdown file with front matter, linked in the state as if ``sync`` had
published it, so the next ``sync`` sends nothing and creates no duplicate.

Two halves:

- pure: :func:`~wpsync.adopt.pullmarkdown.convert_content` (pullmarkdown.py: Markdown
  where Markdown can say it, block markup kept as it is where it cannot), :func:`front_matter` (title, slug, type, status, date with its offset,
  excerpt, categories as ``Parent/Child`` names, tags, sticky, format, template, page
  parent and order) and :func:`render_file` (block-style YAML, plain ISO dates);
- I/O: :func:`run_pull` lists the posts (``context=edit``, 100 a request) and the terms,
  writes the files it may write, and links each one.  The hashes it records are
  computed from the written file exactly as ``sync`` computes them —
  ``content.read_document`` → ``mapping.map_document`` → ``plan.payload_hash``, with
  the references (images, links, folder pages) completed, through ``reading.local_items``
  — and the remote ``modified_gmt`` is kept, so an edit made in WordPress afterwards
  is still seen as a conflict.

Never overwrites a local file unless ``force``; never touches a post already linked; a file
the state links to another post is left alone even with ``force``; no fingerprint is pulled.

What WordPress sends is untrusted, and the files land in the writer's folder:

- a file is written only inside the content folder — its name is made from the slug
  (ASCII letters, digits, dashes: no ``/``, no leading dot, at most :data:`MAX_NAME`), its
  folder must resolve inside the real content folder (a symlinked sub-folder leading out
  is refused) and it is created without following a link (``O_NOFOLLOW``), atomically;
- each file is linked in the state as soon as it is written, so a pull killed half-way
  and run again links what it had written (a file already holding exactly what would be
  written is linked, not skipped);
- slugs stay as WordPress stores them (``привет-мир``, stored ``%d0%bf…``, goes in the
  front matter decoded and is sent back the same: no URL changes) and the page tree too
  (a page slugged ``index`` is not written as ``index.md``, which would be its folder's
  page and adopt every top-level page on the next edit);
- a post with bad data (a malformed id, a missing field, HTML too deep) fails alone.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

import yaml

from wpsync.adopt.pullfiles import existing_bytes, write_inside
from wpsync.adopt.pullmarkdown import autop, convert_content, html_to_markdown
from wpsync.engine.terms import TermTable, term_path
from wpsync.errors import DocumentError, WpsyncError
from wpsync.source.pages import INDEX_NAMES
from wpsync.source.slugs import slugify
from wpsync.wordpress.records import stored_digest

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.store.state import StateStore
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.connect import ClientFactory

logger = logging.getLogger(__name__)

DEFAULT_TYPES = ("posts", "pages")

#: the statuses whose date is the publication date (a draft's date floats)
DATED_STATUSES = ("publish", "future", "private")

#: the longest file name (without ``.md``) made from a slug
MAX_NAME = 120


# --------------------------------------------------------------------------- front matter


def _raw(post: Mapping[str, Any], key: str) -> str:
    value = post.get(key)
    if isinstance(value, Mapping):
        value = value.get("raw", value.get("rendered", ""))
    return str(value or "")


def _decoded(value: object) -> str:
    text = str(value or "") if isinstance(value, str | int) else ""
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        return text


def post_slug(post: Mapping[str, Any]) -> str:
    """The post's slug, decoded from the percent-encoded UTF-8 WordPress stores
    (``%d0%bf%d1%80…`` → ``пр…``); a draft without one gets WordPress's suggestion."""
    slug = _decoded(post.get("slug")) or _decoded(post.get("generated_slug"))
    return slug or f"post-{post.get('id')}"


def post_id(post: Mapping[str, Any]) -> int | None:
    """The post's ID, or None when WordPress sent none that is usable."""
    raw = post.get("id")
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _date_with_offset(post: Mapping[str, Any]) -> datetime | None:
    """``date_gmt`` with the site's offset at that moment (from ``date`` − ``date_gmt``)."""
    try:
        gmt = datetime.fromisoformat(str(post.get("date_gmt") or ""))
    except ValueError:
        return None
    try:
        local = datetime.fromisoformat(str(post.get("date") or ""))
        offset = local - gmt
    except ValueError:
        offset = timedelta(0)
    if abs(offset) > timedelta(hours=18) or offset.total_seconds() % 60:
        offset = timedelta(0)
    zone = UTC if not offset else timezone(offset)
    return gmt.replace(tzinfo=UTC).astimezone(zone)


def category_names(ids: Iterable[Any], terms: TermTable) -> list[str]:
    """``Parent/Child`` paths of the categories ``ids`` (unknown ids are left out)."""
    paths = (term_path(terms, int(raw)) for raw in ids)
    return ["/".join(path) for path in paths if path]


def front_matter(
    post: Mapping[str, Any],
    rest_base: str,
    *,
    categories: TermTable,
    tags: TermTable,
    parents: Mapping[int, str],
) -> dict[str, Any]:
    """The front matter that maps back to this post (only fields it sets)."""
    kind = {"posts": "post", "pages": "page"}.get(rest_base, rest_base)
    status = str(post.get("status") or "draft")
    out: dict[str, Any] = {}
    title = html.unescape(_raw(post, "title")).strip()
    if title:
        out["title"] = title
    out["slug"] = post_slug(post)
    out["type"] = kind
    out["status"] = status
    if status in DATED_STATUSES:
        moment = _date_with_offset(post)
        if moment is not None:
            out["date"] = moment
    excerpt = _raw(post, "excerpt").strip()
    if excerpt:
        out["excerpt"] = excerpt
    if isinstance(post.get("categories"), list):
        names = category_names(post["categories"], categories)
        if names:
            out["categories"] = names
    if isinstance(post.get("tags"), list):
        names = [tags[int(t)][0] for t in post["tags"] if int(t) in tags]
        if names:
            out["tags"] = names
    if post.get("sticky") is True:
        out["sticky"] = True
    fmt = post.get("format")
    if isinstance(fmt, str) and fmt and fmt != "standard":
        out["format"] = fmt
    template = post.get("template")
    if isinstance(template, str) and template:
        out["template"] = template
    parent = post.get("parent")
    if isinstance(parent, int) and parent and parent in parents:
        out["parent"] = parents[parent]
    order = post.get("menu_order")
    if isinstance(order, int) and order:
        out["menu_order"] = order
    return out


class _FrontMatterDumper(yaml.SafeDumper):
    """Block-style YAML, lists indented under their key, dates as plain ISO 8601."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _iso_date(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    # a plain scalar YAML reads back as the same date: no quotes, no !!timestamp tag
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_FrontMatterDumper.add_representer(datetime, _iso_date)


def render_file(front: Mapping[str, Any], body: str) -> str:
    """The file: block-style YAML front matter (dates as ``2026-03-01T11:00:00+01:00``)."""
    block = yaml.dump(
        dict(front),
        Dumper=_FrontMatterDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    )
    return f"---\n{block}---\n\n{body}"


def file_name(slug: str, post_id: int | None = None) -> str:
    """A file name (no ``.md``) for ``slug``: ASCII letters, digits and dashes (never
    ``/``, ``..`` or a leading dot), at most :data:`MAX_NAME` long.  A slug without Latin
    letters (``привет-мир``) gives ``post-<id>``: a file name that gives no slug makes
    ``sync`` warn, and the front matter holds the slug anyway."""
    name = slugify(slug, max_length=MAX_NAME)
    if name:
        return name
    return f"post-{post_id}" if post_id is not None else "post"


def target_rel(rest_base: str, slug: str, post_id: int | None = None) -> str:
    name = file_name(slug, post_id)
    folder = {"posts": "", "pages": "pages/"}.get(rest_base, f"{file_name(rest_base)}/")
    if name.lower() in INDEX_NAMES and folder:
        # index.md is its folder's page: every top-level page would become its child
        name = f"{name}-page"
    return f"{folder}{name}.md"


# --------------------------------------------------------------------------- report


#: what pull did with a post ("would pull": a dry run's "pulled")
PullAction = Literal["pulled", "would pull", "skipped", "failed"]


@dataclass(frozen=True)
class PulledFile:
    path: str
    action: PullAction
    rest_base: str
    post_id: int
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "action": self.action,
            "type": self.rest_base,
            "id": self.post_id,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class PullReport:
    files: tuple[PulledFile, ...]
    already_linked: int = 0
    dry_run: bool = False
    requests: int = 0

    def count(self, action: PullAction) -> int:
        return sum(1 for f in self.files if f.action == action)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("failed") else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "pulled": self.count("pulled") + self.count("would pull"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "already_linked": self.already_linked,
            "dry_run": self.dry_run,
            "requests": self.requests,
            "files": [f.to_json() for f in self.files],
        }


# --------------------------------------------------------------------------- I/O


def run_pull(
    config: Config,
    *,
    types: tuple[str, ...] = DEFAULT_TYPES,
    dry_run: bool = False,
    force: bool = False,
    lock_timeout: float | None = 600.0,
    client_factory: ClientFactory | None = None,
    on_result: Callable[[PulledFile], None] | None = None,
    client: WordPressClient | None = None,
) -> PullReport:
    """Write every post of ``types`` not yet linked as a Markdown file and link it.

    Who owns the WordPress client, as for :func:`~wpsync.engine.executor.run_sync`: with
    ``client`` the caller lends one and closes it itself; without, the pull opens its own
    with ``client_factory`` and closes it."""
    from wpsync.store.lock import FolderLock
    from wpsync.store.state import StateStore
    from wpsync.wordpress.connect import RunClient, open_client

    root = config.content.dir
    if not dry_run:
        root.mkdir(parents=True, exist_ok=True)
    elif not root.is_dir():
        logger.info("content folder %s does not exist yet", root)
    lock = FolderLock(config.state.path)
    lock.acquire(lock_timeout)
    try:
        with StateStore.open(config.state.path, config.site.url) as state:
            run_client = RunClient(config, factory=client_factory or open_client, lent=client)
            try:
                return _Pull(config, state, run_client.get(), force, dry_run, on_result).run(types)
            finally:
                run_client.close()
    finally:
        lock.release()


class _Pull:
    def __init__(
        self,
        config: Config,
        state: StateStore,
        client: WordPressClient,
        force: bool,
        dry_run: bool,
        on_result: Callable[[PulledFile], None] | None,
    ) -> None:
        self.config = config
        self.state = state
        self.client = client
        self.force = force
        self.dry_run = dry_run
        self.on_result = on_result
        self.results: list[PulledFile] = []
        self._requests_before = client.request_count  # a lent client may have sent some

    def report(self, result: PulledFile) -> None:
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)

    def run(self, types: tuple[str, ...]) -> PullReport:
        entries = self.state.entries()
        linked = {(e.rest_base, e.post_id) for e in entries.values()}
        by_rel = {rel: e for rel, e in entries.items()}
        posts: dict[str, list[Mapping[str, Any]]] = {}
        for t in types:
            posts[t] = []
            for item in self.client.list_posts_raw(t):
                if not isinstance(item, Mapping) or post_id(item) is None:
                    self._bad(t, item)
                    continue
                posts[t].append(item)
        wanted = [(t, p) for t in types for p in posts[t] if (t, post_id(p)) not in linked]
        already = sum(len(v) for v in posts.values()) - len(wanted)
        needs_terms = any(p.get("categories") or p.get("tags") for _, p in wanted)
        categories = self.client.list_terms("categories") if needs_terms else {}
        tags = self.client.list_terms("tags") if needs_terms else {}
        parents = _slugs_by_id(posts.get("pages", []))
        if any(_parent_id(p) not in (None, *parents) for _, p in wanted):
            parents.update(_slugs_by_id(self.client.list_posts_raw("pages")))
        claimed: set[str] = set()
        for rest_base, post in wanted:
            try:
                rel = target_rel(rest_base, post_slug(post), post_id(post))
            except Exception:
                rel = f"{rest_base}/{post_id(post)}"
            try:
                done = self._one(rest_base, post, categories, tags, parents, by_rel, claimed)
                if done is not None:
                    self._link(*done)
            except (OSError, WpsyncError) as exc:
                self._failed(rel, rest_base, post, exc)
            except Exception as exc:  # bad data from the site: this post fails alone
                logger.debug("%s: could not be pulled", rel, exc_info=exc)
                detail = str(exc).splitlines()[0][:200] if str(exc) else ""
                self._failed(
                    rel,
                    rest_base,
                    post,
                    DocumentError(
                        rel,
                        f"could not be converted: {type(exc).__name__}"
                        + (f": {detail}" if detail else ""),
                    ),
                )
        requests = self.client.request_count - self._requests_before
        return PullReport(tuple(self.results), already, self.dry_run, requests)

    def _bad(self, rest_base: str, post: object) -> None:
        """A listed item without a usable ID: reported, nothing written."""
        raw = post.get("id") if isinstance(post, Mapping) else None
        detail = f"WordPress sent an item without a usable id ({str(raw)[:40]!r})"
        logger.error("%s: %s", rest_base, detail)
        self.report(PulledFile(f"{rest_base}/?", "failed", rest_base, 0, detail))

    def _one(
        self,
        rest_base: str,
        post: Mapping[str, Any],
        categories: TermTable,
        tags: TermTable,
        parents: Mapping[int, str],
        by_rel: Mapping[str, Any],
        claimed: set[str],
    ) -> tuple[str, str, Mapping[str, Any], str] | None:
        """Write one post's file; (rel, rest_base, post, description) when written."""
        number = post_id(post)
        assert number is not None
        slug = post_slug(post)
        rel = target_rel(rest_base, slug, number)
        if rel in claimed:
            rel = rel[: -len(".md")] + f"-{number}.md"
        claimed.add(rel)
        root = self.config.content.dir
        linked = by_rel.get(rel)
        if linked is not None:
            self.report(
                PulledFile(
                    rel,
                    "skipped",
                    rest_base,
                    number,
                    f"{rel} is linked to {linked.rest_base}/{linked.post_id}; not replaced",
                )
            )
            return None
        front = front_matter(post, rest_base, categories=categories, tags=tags, parents=parents)
        converted = convert_content(
            _raw(post, "content"), self.config.site.url, engine=self.config.content.markdown
        )
        text = render_file(front, converted.markdown)
        described = _describe(front)
        if converted.kept:
            names = ", ".join(sorted(set(converted.kept)))
            described += f"; {len(converted.kept)} block(s) kept as block markup: {names}"
        existing = existing_bytes(root, rel)
        if existing is not None and not self.force:
            if existing == text.encode("utf-8"):
                # written by a pull that was stopped before linking it: link it now
                return rel, rest_base, post, described
            self.report(
                PulledFile(
                    rel, "skipped", rest_base, number, "the file exists (--force replaces it)"
                )
            )
            return None
        if self.dry_run:
            self.report(PulledFile(rel, "would pull", rest_base, number, described))
            return None
        write_inside(root, rel, text)
        return rel, rest_base, post, described

    def _failed(
        self, rel: str, rest_base: str, post: Mapping[str, Any], exc: OSError | WpsyncError
    ) -> None:
        if isinstance(exc, OSError):
            detail = f"cannot be written: {exc.strerror or exc}"
        elif isinstance(exc, DocumentError) and exc.path == rel and exc.line is None:
            detail = exc.reason  # the path is printed beside it
        else:
            detail = str(exc)
        logger.error("%s: %s", rel, detail)
        self.report(PulledFile(rel, "failed", rest_base, post_id(post) or 0, detail))

    def _link(self, rel: str, rest_base: str, post: Mapping[str, Any], description: str) -> None:
        """Record one written file as ``sync`` would after publishing it: the hashes come
        from sync's own reading of the file (``reading.local_items``)."""
        from wpsync.engine.items import Changed
        from wpsync.engine.reading import local_items
        from wpsync.model import Entry

        [item] = local_items(self.config, self.state, [rel])
        number = post_id(post)
        assert number is not None
        if not isinstance(item, Changed):
            error = getattr(item, "error", None)
            raise error or DocumentError(rel, "could not be read back")
        payload = item.payload
        for warning in item.warnings:
            logger.warning("%s: %s", rel, warning)
        slug = post_slug(post)
        if payload.rest_base != rest_base or payload.slug != slug:
            logger.warning(
                "%s: maps to %s '%s', not %s '%s' as in WordPress",
                rel,
                payload.rest_base,
                payload.slug,
                rest_base,
                slug,
            )
        self.state.put(
            Entry(
                rel=rel,
                rest_base=rest_base,
                post_id=number,
                slug=payload.slug,
                source_hash=item.source_hash,
                payload_hash=item.payload_hash,
                modified_gmt=str(post.get("modified_gmt") or ""),
                link=str(post.get("link") or ""),
                size=item.stat.size,
                mtime_ns=item.stat.mtime_ns,
                stored=stored_digest(post),
            )
        )
        self.report(PulledFile(rel, "pulled", rest_base, number, description))


def _parent_id(post: Mapping[str, Any]) -> int | None:
    parent = post.get("parent")
    return parent if isinstance(parent, int) and not isinstance(parent, bool) and parent else None


def _slugs_by_id(pages: Iterable[Mapping[str, Any]]) -> dict[int, str]:
    out: dict[int, str] = {}
    for page in pages:
        number = post_id(page) if isinstance(page, Mapping) else None
        if number is not None:
            out[number] = post_slug(page)
    return out


def _describe(front: Mapping[str, Any]) -> str:
    return f"{front.get('status')} {front.get('type')} '{front.get('slug')}'"


__all__ = [
    "PullReport",
    "PulledFile",
    "autop",
    "front_matter",
    "html_to_markdown",
    "render_file",
    "run_pull",
]
