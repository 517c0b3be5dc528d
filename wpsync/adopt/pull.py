"""``wpsync pull``: adopt a site that already has content — each WordPress post or page
becomes a Markdown file with front matter, linked in the state as if ``sync`` had
published it, so the next ``sync`` sends nothing and creates no duplicate.

Two halves:

- pure: :func:`html_to_markdown` (markdownify, after a ``wpautop``-like pass for classic
  posts), :func:`front_matter` (title, slug, type, status, date with its offset,
  excerpt, categories as ``Parent/Child`` names, tags, sticky, format, template, page
  parent and order) and :func:`render_file`;
- I/O: :func:`run_pull` lists the posts (``context=edit``, 100 a request) and the terms,
  writes the files it may write, and links each one.  The hashes it records are
  computed from the written file exactly as ``sync`` computes them —
  ``content.read_document`` → ``mapping.map_document`` → ``plan.payload_hash``, with
  the references (images, links, folder pages) completed, through ``reading.local_items``
  — and the remote ``modified_gmt`` is kept, so an edit made in WordPress afterwards
  is still seen as a conflict.

Never overwrites a local file unless ``force``; never touches a post already linked; a
file the state links to another post is left alone even with ``force``.
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urljoin

import yaml

from wpsync.engine.terms import TermTable, term_path
from wpsync.errors import DocumentError
from wpsync.source.slugs import slugify

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.store.state import StateStore
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.connect import ClientFactory

logger = logging.getLogger(__name__)

DEFAULT_TYPES = ("posts", "pages")

#: the statuses whose date is the publication date (a draft's date floats)
DATED_STATUSES = ("publish", "future", "private")


# --------------------------------------------------------------------------- HTML → Markdown

_BLOCK_TAG = re.compile(
    r"<(?:p|div|h[1-6]|ul|ol|li|pre|blockquote|table|figure|hr|section|article|dl|"
    r"address|form|fieldset|details|!-- wp:)[\s>/]",
    re.IGNORECASE,
)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_PARAGRAPHS = re.compile(r"\n\s*\n")
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.IGNORECASE | re.DOTALL)
_KEPT = re.compile(r"\x00(\d+)\x00")
_URL_ATTR = re.compile(r"""(\s(?:src|href)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def autop(text: str) -> str:
    """Classic-editor content keeps paragraphs as blank lines (WordPress adds ``<p>`` when
    it shows the post): wrap them, as ``wpautop`` would, before converting.  ``<pre>``
    blocks are left exactly as they are."""
    kept: list[str] = []

    def keep(found: re.Match[str]) -> str:
        kept.append(found.group(0))
        return f"\x00{len(kept) - 1}\x00"

    protected = _PRE.sub(keep, text.replace("\r\n", "\n"))
    chunks = [c.strip() for c in _PARAGRAPHS.split(protected) if c.strip()]
    out: list[str] = []
    for chunk in chunks:
        if _BLOCK_TAG.match(chunk) or _KEPT.fullmatch(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br />\n") + "</p>")
    return _KEPT.sub(lambda m: kept[int(m.group(1))], "\n\n".join(out))


def _absolute_urls(html_text: str, site_url: str) -> str:
    """Root-relative and relative image/link URLs made absolute, so the Markdown file
    never points at a local path that does not exist."""
    base = site_url.rstrip("/") + "/"

    def fix(found: re.Match[str]) -> str:
        url = found.group(3).strip()
        if not url or url.startswith(("#", "mailto:", "tel:", "data:")) or "://" in url:
            return found.group(0)
        if url.startswith("//"):
            return found.group(0)
        return f"{found.group(1)}{found.group(2)}{urljoin(base, url)}{found.group(2)}"

    return _URL_ATTR.sub(fix, html_text)


def _code_language(element: Any) -> str | None:
    code = element.find("code") if hasattr(element, "find") else None
    for candidate in (code, element):
        classes = candidate.get("class") if candidate is not None else None
        for name in classes or ():
            for prefix in ("language-", "lang-"):
                if str(name).startswith(prefix):
                    return str(name)[len(prefix) :]
    return None


def html_to_markdown(content: str, site_url: str) -> str:
    """WordPress post content (raw, block or classic) as Markdown."""
    from markdownify import markdownify

    # Block-editor content carries its own <p>; classic content needs wpautop's pass.
    text = _BLOCK_COMMENT.sub("", content) if "<!-- wp:" in content else autop(content)
    text = _absolute_urls(text, site_url)
    markdown = markdownify(
        text,
        heading_style="ATX",
        bullets="-",
        code_language_callback=_code_language,
        strip=["script", "style"],
    )
    lines = [line.rstrip() for line in markdown.strip().splitlines()]
    collapsed: list[str] = []
    for line in lines:
        if line == "" and collapsed and collapsed[-1] == "":
            continue
        collapsed.append(line)
    return "\n".join(collapsed).strip() + "\n"


# --------------------------------------------------------------------------- front matter


def _raw(post: Mapping[str, Any], key: str) -> str:
    value = post.get(key)
    if isinstance(value, Mapping):
        value = value.get("raw", value.get("rendered", ""))
    return str(value or "")


def post_slug(post: Mapping[str, Any]) -> str:
    """The post's slug, decoded; a draft without one gets WordPress's suggestion."""
    slug = unquote(str(post.get("slug") or "")) or unquote(str(post.get("generated_slug") or ""))
    return slug or f"post-{post.get('id')}"


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


def render_file(front: Mapping[str, Any], body: str) -> str:
    block = yaml.safe_dump(
        dict(front), sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000
    )
    return f"---\n{block}---\n\n{body}"


def target_rel(rest_base: str, slug: str) -> str:
    name = slugify(slug) or "post"
    folder = {"posts": "", "pages": "pages/"}.get(rest_base, f"{rest_base}/")
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
    lock.acquire(lock_timeout, on_wait="waiting for another wpsync process to finish…")
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
        posts: dict[str, list[dict[str, Any]]] = {
            t: list(self.client.list_posts_raw(t)) for t in types
        }
        wanted = [(t, p) for t in types for p in posts[t] if (t, int(p["id"])) not in linked]
        already = sum(len(v) for v in posts.values()) - len(wanted)
        needs_terms = any(p.get("categories") or p.get("tags") for _, p in wanted)
        categories = self.client.list_terms("categories") if needs_terms else {}
        tags = self.client.list_terms("tags") if needs_terms else {}
        parents = {int(p["id"]): post_slug(p) for p in posts.get("pages", [])}
        if any(p.get("parent") and int(p["parent"]) not in parents for _, p in wanted):
            parents.update(
                {int(p["id"]): post_slug(p) for p in self.client.list_posts_raw("pages")}
            )
        claimed: set[str] = set()
        written: list[tuple[str, str, Mapping[str, Any], str]] = []
        for rest_base, post in wanted:
            try:
                done = self._one(rest_base, post, categories, tags, parents, by_rel, claimed)
            except (OSError, DocumentError) as exc:
                self._failed(target_rel(rest_base, post_slug(post)), rest_base, post, exc)
                continue
            if done is not None:
                written.append(done)
        self._link(written)
        requests = self.client.request_count - self._requests_before
        return PullReport(tuple(self.results), already, self.dry_run, requests)

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
        post_id = int(post["id"])
        slug = post_slug(post)
        rel = target_rel(rest_base, slug)
        if rel in claimed:
            rel = rel[: -len(".md")] + f"-{post_id}.md"
        claimed.add(rel)
        path = self.config.content.dir / rel
        linked = by_rel.get(rel)
        if linked is not None:
            self.report(
                PulledFile(
                    rel,
                    "skipped",
                    rest_base,
                    post_id,
                    f"{rel} is linked to {linked.rest_base}/{linked.post_id}; not replaced",
                )
            )
            return None
        if path.exists() and not self.force:
            self.report(
                PulledFile(
                    rel, "skipped", rest_base, post_id, "the file exists (--force replaces it)"
                )
            )
            return None
        front = front_matter(post, rest_base, categories=categories, tags=tags, parents=parents)
        body = html_to_markdown(_raw(post, "content"), self.config.site.url)
        text = render_file(front, body)
        if self.dry_run:
            self.report(PulledFile(rel, "would pull", rest_base, post_id, _describe(front)))
            return None
        _write_atomic(path, text)
        return rel, rest_base, post, _describe(front)

    def _failed(
        self, rel: str, rest_base: str, post: Mapping[str, Any], exc: OSError | DocumentError
    ) -> None:
        detail = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
        logger.error("%s: %s", rel, detail)
        self.report(PulledFile(rel, "failed", rest_base, int(post["id"]), detail))

    def _link(self, written: list[tuple[str, str, Mapping[str, Any], str]]) -> None:
        """Record the written files as ``sync`` would after publishing them: the hashes
        come from sync's own reading of the files (``reading.local_items``)."""
        from wpsync.engine.plan import Changed
        from wpsync.engine.reading import local_items
        from wpsync.model import Entry

        if not written:
            return
        items = {
            item.rel: item for item in local_items(self.config, self.state, [w[0] for w in written])
        }
        for rel, rest_base, post, description in written:
            item = items.get(rel)
            if not isinstance(item, Changed):
                error = getattr(item, "error", None)
                self._failed(
                    rel, rest_base, post, error or DocumentError(rel, "could not be read back")
                )
                continue
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
                    post_id=int(post["id"]),
                    slug=payload.slug,
                    source_hash=item.source_hash,
                    payload_hash=item.payload_hash,
                    modified_gmt=str(post.get("modified_gmt") or ""),
                    link=str(post.get("link") or ""),
                    size=item.stat.size,
                    mtime_ns=item.stat.mtime_ns,
                )
            )
            self.report(PulledFile(rel, "pulled", rest_base, int(post["id"]), description))


def _describe(front: Mapping[str, Any]) -> str:
    return f"{front.get('status')} {front.get('type')} '{front.get('slug')}'"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.pull.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


__all__ = [
    "PullReport",
    "PulledFile",
    "front_matter",
    "html_to_markdown",
    "render_file",
    "run_pull",
]
