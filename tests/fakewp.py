"""An in-memory WordPress for the pure executor paths (no network, no PHP).

    wp = FakeWordPress()
    folder = Folder.make(tmp_path)                     # config.toml + content/
    folder.write("hello.md", "# Hello\\n")
    report = folder.sync(wp)                           # run_sync with a fresh FakeClient
    assert folder.sync(wp).requests == 0               # converged: nothing sent

Two halves, as in life:

- :class:`FakeWordPress` is the *site*: posts (any REST base), terms, media and users,
  with WordPress's own rules where the engine depends on them — a published slug is
  unique per type (``-2``, ``-3``…; drafts may share one), a trashed post gives up its
  slug (``slug__trashed``), ``modified_gmt`` moves on every write (one second per write,
  a logical clock), ``status=any`` look-ups leave the trash out, a term that exists
  answers ``term_exists`` with its ID, an upload gets an ID and a ``source_url``, and
  ``/batch/v1`` carries out each item on its own (``validation: normal``).
- :class:`FakeClient` is the *connection* the engine holds: it has the public methods of
  :class:`wpsync.wordpress.client.WordPressClient` that the engine calls, its own
  ``request_count`` (what ``SyncReport.requests`` reports) and its own term and user
  caches, like the real client.  :meth:`FakeWordPress.client_factory` gives one per run.

Faults are what the engine sees *after the real client's retries* (the client's own
recovery is tested against the real WordPress):

- :attr:`Fault.DOWN` — the request is not carried out; :class:`TransportError`;
- :attr:`Fault.LOSE_ANSWER` — carried out, then :class:`TransportError` (WordPress saved
  the post, every answer was lost);
- :attr:`Fault.KILL_BEFORE` / :attr:`Fault.KILL_AFTER` — :class:`Killed` (a
  ``BaseException``: the run stops as under ``kill -9``) before or after the request is
  carried out.

:meth:`FakeWordPress.inject` arms a fault for the *n*-th matching request from now.
Every request is counted once (:attr:`FakeWordPress.request_count`, :attr:`requests`).
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import re
import textwrap
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from wpsync.errors import RemoteError, TransportError, UploadRefused
from wpsync.wordpress.batch_route import BatchUnsupported
from wpsync.wordpress.records import (
    BatchRequest,
    BatchResponse,
    PostCount,
    RemoteMedia,
    RemotePost,
)
from wpsync.wordpress.rights import Rights

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.engine.lookahead import CheckedAhead
    from wpsync.engine.report import SyncReport
    from wpsync.wordpress.client import WordPressClient

T = TypeVar("T")

URL = "https://wp.test"
#: the logical clock's first tick (``modified_gmt`` of the first write)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
#: statuses whose slug WordPress does not make unique (``wp_unique_post_slug``)
UNSETTLED = frozenset({"draft", "pending", "auto-draft"})
#: REST bases that are taxonomies (everything else is a post type)
TAXONOMIES = frozenset({"categories", "tags"})
#: per_page of the real client's look-ups (one request per this many IDs or slugs)
PER_PAGE = 100
MAX_BATCH = 25
#: how many recent uploads the real client fetches to compare bytes
RECENT_UPLOADS = 20
UPLOADS_COMPARED = 5

# ---------------------------------------------------------------- faults


class Killed(BaseException):
    """The wpsync process was killed in the middle of a request: nothing after it runs
    (not even an ``except Exception``), as under ``kill -9``."""


class Fault(enum.Enum):
    DOWN = "down"
    LOSE_ANSWER = "lose-answer"
    KILL_BEFORE = "kill-before"
    KILL_AFTER = "kill-after"

    @property
    def applied(self) -> bool:
        """Whether WordPress carries the request out."""
        return self in (Fault.LOSE_ANSWER, Fault.KILL_AFTER)


@dataclass(frozen=True)
class Request:
    """One HTTP request as the real client would send it."""

    method: str
    route: str

    @property
    def is_write(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH", "DELETE")

    @property
    def is_post_write(self) -> bool:
        """A write of posts (a create, update or delete, or a batch of them)."""
        if not self.is_write:
            return False
        if self.route == "/batch/v1":
            return True
        base = _route_base(self.route)
        return base is not None and base not in TAXONOMIES and base != "media"


def any_request(request: Request) -> bool:
    return True


def writes(request: Request) -> bool:
    return request.is_write


def post_writes(request: Request) -> bool:
    return request.is_post_write


Match = Callable[[Request], bool]


@dataclass
class _Armed:
    fault: Fault
    countdown: int
    match: Match


@dataclass(frozen=True)
class Sent:
    """A request in the log, with the fault it met (if any)."""

    request: Request
    fault: Fault | None


# ---------------------------------------------------------------- the site's records


@dataclass
class FakePost:
    """A post (page, custom-type item) as the site stores it.  ``fields`` holds every
    other field as last written (``title``, ``content``, ``categories``…)."""

    id: int
    rest_base: str
    slug: str
    status: str
    modified_gmt: str
    date_gmt: str
    fields: dict[str, Any] = field(default_factory=dict)
    #: the slug a trashed post gives back when restored (``_wp_desired_post_slug``)
    desired_slug: str | None = None

    @property
    def type(self) -> str:
        return {"posts": "post", "pages": "page"}.get(self.rest_base, self.rest_base)

    @property
    def parent(self) -> int:
        return int(self.fields.get("parent") or 0)

    @property
    def title(self) -> str:
        return str(self.fields.get("title") or "")

    @property
    def content(self) -> str:
        return str(self.fields.get("content") or "")

    @property
    def link(self) -> str:
        if self.status == "publish":
            return f"{URL}/{self.slug}/"
        key = "page_id" if self.rest_base == "pages" else "p"
        return f"{URL}/?{key}={self.id}"

    def answer(self, stored: bool = False) -> dict[str, Any]:
        """What a look-up asks back (``_fields=id,slug,status,modified_gmt,link,type``);
        ``stored``: and the raw texts, as a write or an edit check asks them
        (``records.CHECKED_FIELDS``)."""
        out: dict[str, Any] = {
            "id": self.id,
            "slug": self.slug,
            "status": self.status,
            "modified_gmt": self.modified_gmt,
            "link": self.link,
            "type": self.type,
        }
        if stored:
            for key in ("title", "content"):
                out[key] = {"raw": str(self.fields.get(key) or "")}
        return out

    def remote(self, stored: bool = False) -> RemotePost:
        return RemotePost.from_json(self.rest_base, self.answer(stored))

    def raw(self) -> dict[str, Any]:
        """The whole post, ``context=edit``."""
        out: dict[str, Any] = {
            k: v for k, v in self.fields.items() if k not in ("title", "content", "excerpt")
        }
        for key in ("title", "content", "excerpt"):
            text = str(self.fields.get(key) or "")
            out[key] = {"raw": text, "rendered": text}
        if self.rest_base == "posts":
            out.setdefault("categories", [])
            out.setdefault("tags", [])
        out.update(self.answer())
        out["date_gmt"] = self.date_gmt
        return out


@dataclass(frozen=True)
class FakeTerm:
    id: int
    taxonomy: str
    name: str
    parent: int
    slug: str = ""


@dataclass(frozen=True)
class FakeMedia:
    id: int
    filename: str
    data: bytes
    mime: str
    alt_text: str
    caption: str
    title: str
    slug: str = ""

    @property
    def source_url(self) -> str:
        return f"{URL}/wp-content/uploads/2026/01/{self.filename}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def remote(self) -> RemoteMedia:
        return RemoteMedia(self.id, self.source_url, self.mime)


def _route_base(route: str) -> str | None:
    match = re.fullmatch(r"/wp/v2/([\w-]+)(?:/(\d+))?/?", route.split("?", 1)[0])
    return match.group(1) if match else None


def _route_id(route: str) -> int | None:
    match = re.fullmatch(r"/wp/v2/[\w-]+/(\d+)/?", route.split("?", 1)[0])
    return int(match.group(1)) if match else None


def _error(status: int, code: str, message: str, **data: Any) -> RemoteError:
    return RemoteError(message, status=status, code=code, data={"status": status, **data})


def _lost(request: Request) -> TransportError:
    """What the real client raises when no attempt got an answer."""
    return TransportError(
        f"{request.method} {request.route}: no usable answer from {URL} after 5 attempts "
        "(last: ReadTimeout)",
        method=request.method,
        url=URL + "/wp-json" + request.route,
        hint="the site may be down or overloaded; run wpsync again later",
    )


# ---------------------------------------------------------------- the site


class FakeWordPress:
    """The site: records, rules, the request log and the fault plan.  Thread-safe."""

    def __init__(
        self,
        *,
        batch: bool = True,
        users: Mapping[str, int] | None = None,
        taxonomies: Iterable[str] = (),
    ) -> None:
        """``batch``: whether ``/batch/v1`` exists (else :class:`BatchUnsupported`);
        ``users``: login → ID (``admin`` is 1); ``taxonomies``: REST bases of custom
        taxonomies besides categories and tags."""
        self.batch_route = batch
        #: like WordPress: SVG refused (500 rest_upload_sideload_error) unless a plugin allows it
        self.accepts_svg = False
        #: a size limit of the kind a plugin sets (None: none)
        self.max_upload_bytes: int | None = None
        #: the user's capabilities (``can``); an administrator's by default
        self.capabilities = {"unfiltered_html", "upload_files", "publish_posts"}
        self.users: dict[str, int] = dict(users if users is not None else {"admin": 1})
        self.taxonomies = TAXONOMIES | frozenset(taxonomies)
        self._lock = threading.RLock()
        self._ids = itertools.count(1)  # posts and attachments share one sequence
        self._term_ids = itertools.count(1)
        self._ticks = itertools.count(1)
        self._posts: dict[int, FakePost] = {}
        self._terms: dict[int, FakeTerm] = {}
        self._media: dict[int, FakeMedia] = {}
        self._armed: list[_Armed] = []
        self.log: list[Sent] = []

    # ------------------------------------------------------------ wiring

    def client(self) -> FakeClient:
        """A new connection (fresh request count and caches), as a run opens one."""
        return FakeClient(self)

    def client_factory(self) -> Callable[[Config], WordPressClient]:
        """For ``run_sync(client_factory=…)``: a new :class:`FakeClient` per run."""

        def factory(config: Config) -> WordPressClient:
            return cast("WordPressClient", self.client())

        return factory

    # ------------------------------------------------------------ faults and counts

    def inject(self, fault: Fault, *, nth: int = 1, match: Match = post_writes) -> None:
        """Arm ``fault`` for the ``nth`` request from now that ``match`` accepts."""
        if nth < 1:
            raise ValueError("nth counts from 1")
        with self._lock:
            self._armed.append(_Armed(fault, nth, match))

    def disarm(self) -> None:
        """Forget the faults not yet met."""
        with self._lock:
            self._armed.clear()

    @property
    def armed(self) -> int:
        with self._lock:
            return len(self._armed)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.log)

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return [sent.request for sent in self.log]

    def faults_met(self) -> list[Sent]:
        with self._lock:
            return [sent for sent in self.log if sent.fault is not None]

    def exchange(self, request: Request, carry_out: Callable[[], T]) -> T:
        """One request: counted, met by its fault if one is armed for it, carried out."""
        with self._lock:
            fault = self._fault_for(request)
            self.log.append(Sent(request, fault))
            if fault is Fault.DOWN:
                raise _lost(request)
            if fault is Fault.KILL_BEFORE:
                raise Killed(f"killed before {request.method} {request.route}")
            result = carry_out()
            if fault is Fault.LOSE_ANSWER:
                raise _lost(request)
            if fault is Fault.KILL_AFTER:
                raise Killed(f"killed after {request.method} {request.route}")
            return result

    def _fault_for(self, request: Request) -> Fault | None:
        for armed in list(self._armed):
            if armed.match(request):
                armed.countdown -= 1
                if armed.countdown == 0:
                    self._armed.remove(armed)
                    return armed.fault
        return None

    # ------------------------------------------------------------ looking (tests)

    def posts(self, rest_base: str = "posts", *, trash: bool = False) -> list[FakePost]:
        """The posts of a type, oldest first: the trash only with ``trash``."""
        with self._lock:
            return [
                p
                for p in sorted(self._posts.values(), key=lambda p: p.id)
                if p.rest_base == rest_base and (trash or p.status != "trash")
            ]

    def all_posts(self) -> list[FakePost]:
        with self._lock:
            return sorted(self._posts.values(), key=lambda p: p.id)

    def post(self, post_id: int) -> FakePost | None:
        with self._lock:
            return self._posts.get(post_id)

    def terms(self, taxonomy: str) -> list[FakeTerm]:
        with self._lock:
            return [t for t in self._terms.values() if t.taxonomy == taxonomy]

    def media(self) -> list[FakeMedia]:
        with self._lock:
            return sorted(self._media.values(), key=lambda m: m.id)

    # ------------------------------------------------------------ someone else (tests)

    def edit(self, post_id: int, **fields: Any) -> FakePost:
        """An edit made in WordPress by someone (not a request of ours)."""
        with self._lock:
            return self._update(self._posts[post_id], fields)

    def edit_same_second(self, post_id: int, **fields: Any) -> FakePost:
        """An edit saved in the same second as the post's last write: its
        ``modified_gmt`` does not move (WordPress keeps whole seconds)."""
        with self._lock:
            post = self._posts[post_id]
            before = post.modified_gmt
            self._update(post, fields)
            post.modified_gmt = before
            return post

    def add_post(self, rest_base: str, slug: str, **fields: Any) -> FakePost:
        """A post this folder did not create (not a request of ours)."""
        with self._lock:
            return self._insert(rest_base, {"slug": slug, "status": "publish", **fields})

    # ------------------------------------------------------------ WordPress's rules

    def _tick(self) -> str:
        moment = EPOCH + timedelta(seconds=next(self._ticks))
        return moment.strftime("%Y-%m-%dT%H:%M:%S")

    def _unique_slug(self, wanted: str, post: FakePost) -> str:
        """``wp_unique_post_slug``: drafts keep theirs; else ``-2``, ``-3``… per type (per
        parent for pages)."""
        if post.status in UNSETTLED or not wanted:
            return wanted
        hierarchical = post.rest_base == "pages"

        def taken(slug: str) -> bool:
            return any(
                other.slug == slug
                and other.rest_base == post.rest_base
                and other.id != post.id
                and (not hierarchical or other.parent == post.parent)
                for other in self._posts.values()
            )

        if not taken(wanted):
            return wanted
        for n in itertools.count(2):
            candidate = f"{wanted}-{n}"
            if not taken(candidate):
                return candidate
        raise AssertionError("unreachable")  # pragma: no cover

    def _set_slug(self, post: FakePost, wanted: str, previous_status: str) -> None:
        """``wp_insert_post``'s slug steps: a trashed post gives its slug up, a restored
        one asks for it back, a trashed post holding the wanted slug is renamed."""
        if post.status == "trash":
            if previous_status != "trash":
                post.desired_slug = wanted
                post.slug = f"{wanted}__trashed"
            return
        if previous_status == "trash" and post.desired_slug:
            wanted = post.desired_slug
            post.desired_slug = None
        for other in self._posts.values():
            if (
                other.status == "trash"
                and other.rest_base == post.rest_base
                and other.slug == wanted
                and other.id != post.id
            ):
                other.desired_slug = other.desired_slug or wanted
                other.slug = f"{wanted}__trashed"
        post.slug = self._unique_slug(wanted, post)

    def _insert(self, rest_base: str, body: Mapping[str, Any]) -> FakePost:
        now = self._tick()
        status = str(body.get("status") or "draft")
        rest = {k: v for k, v in body.items() if k not in ("id", "slug", "status")}
        post = FakePost(next(self._ids), rest_base, "", status, now, now, rest)
        self._posts[post.id] = post
        self._set_slug(post, str(body.get("slug") or ""), "new")
        return post

    def _update(self, post: FakePost, body: Mapping[str, Any]) -> FakePost:
        previous = post.status
        if "status" in body:
            post.status = str(body["status"])
        post.fields.update({k: v for k, v in body.items() if k not in ("id", "slug", "status")})
        wanted = str(body["slug"]) if "slug" in body else (post.desired_slug or post.slug)
        if "slug" in body or post.status != previous:
            self._set_slug(post, wanted, previous)
        post.modified_gmt = self._tick()
        return post

    def do_get(self, rest_base: str, post_id: int) -> FakePost:
        """The post, or WordPress's 404."""
        post = self._posts.get(post_id)
        if post is None or post.rest_base != rest_base:
            raise _error(404, "rest_post_invalid_id", "Invalid post ID.")
        return post

    # ------------------------------------------------------------ requests carried out

    def do_create(self, rest_base: str, body: Mapping[str, Any]) -> FakePost:
        return self._insert(rest_base, body)

    def do_update(self, rest_base: str, post_id: int, body: Mapping[str, Any]) -> FakePost:
        return self._update(self.do_get(rest_base, post_id), body)

    def do_delete(self, rest_base: str, post_id: int, *, force: bool) -> None:
        post = self.do_get(rest_base, post_id)
        if force:
            del self._posts[post_id]
        elif post.status == "trash":
            raise _error(410, "rest_already_trashed", "The post has already been deleted.")
        else:
            self._update(post, {"status": "trash"})

    def do_find_slugs(self, rest_base: str, slugs: Iterable[str]) -> list[FakePost]:
        """``?slug=a,b&status=any``: every status but the trash, oldest first."""
        wanted = set(slugs)
        return [p for p in self.posts(rest_base) if p.slug in wanted]

    def do_find_ids(self, rest_base: str, ids: Iterable[int]) -> list[FakePost]:
        """``?include=1,2&status=any,trash``."""
        wanted = set(ids)
        return [p for p in self.posts(rest_base, trash=True) if p.id in wanted]

    def do_count(self, rest_base: str, modified_after: str | None, by: str) -> PostCount:
        """``?per_page=1&status=any,trash&orderby=<by>&order=desc``: X-WP-Total and the first."""
        posts = [
            p
            for p in self.posts(rest_base, trash=True)
            if modified_after is None or p.modified_gmt > modified_after
        ]
        if by == "id":
            top = max(posts, key=lambda p: p.id, default=None)
        else:
            top = max(posts, key=lambda p: (p.modified_gmt, p.id), default=None)
        return PostCount(len(posts), top.id if top else 0, top.modified_gmt if top else "")

    def do_modified_after(self, rest_base: str, since: str) -> list[FakePost]:
        """``?modified_after=…&status=any,trash``, latest first."""
        posts = [p for p in self.posts(rest_base, trash=True) if p.modified_gmt > since]
        return sorted(posts, key=lambda p: p.modified_gmt, reverse=True)

    def do_term(self, taxonomy: str, name: str, parent: int) -> tuple[int, bool]:
        """The term's ID, and whether it was created (else WordPress says term_exists)."""
        for term in self._terms.values():
            same = term.name.strip().lower() == name.strip().lower()
            if term.taxonomy == taxonomy and same and term.parent == parent:
                return term.id, False
        return self.add_term(taxonomy, name, parent), True

    def add_term(self, taxonomy: str, name: str, parent: int = 0, slug: str | None = None) -> int:
        """A new term (as ``do_term`` creates one, or as someone adds it in WordPress's
        admin, ``slug`` chosen by hand): its slug made unique as WordPress does (the
        parent's slug appended, then ``-2``…)."""
        from wpsync.source.slugs import stored_slug

        with self._lock:
            if parent and parent not in self._terms:
                raise _error(400, "rest_term_invalid", "Parent term does not exist.")
            taken = {t.slug for t in self._terms.values() if t.taxonomy == taxonomy}
            unique = slug or stored_slug(name) or "term"
            above = self._terms.get(parent)
            while unique in taken and above is not None:
                unique = f"{unique}-{above.slug}"
                above = self._terms.get(above.parent)
            base, n = unique, 2
            while unique in taken:
                unique, n = f"{base}-{n}", n + 1
            term = FakeTerm(next(self._term_ids), taxonomy, name, parent, unique)
            self._terms[term.id] = term
            return term.id

    def do_terms_by_slugs(self, taxonomy: str, slugs: Sequence[str]) -> dict[int, tuple[str, int]]:
        """``GET /wp/v2/<taxonomy>?slug=a,b``: the terms with these slugs."""
        if taxonomy not in self.taxonomies:
            raise _error(404, "rest_no_route", "No route was found matching the URL.")
        with self._lock:
            return {
                t.id: (t.name, t.parent)
                for t in self._terms.values()
                if t.taxonomy == taxonomy and t.slug in set(slugs)
            }

    def do_upload(
        self,
        filename: str,
        data: bytes,
        mime: str,
        alt_text: str,
        caption: str,
        title: str,
        slug: str = "",
    ) -> FakeMedia:
        """``wp_unique_filename``: ``name.png``, then ``name-1.png``…; the refusals of a
        WordPress that does not take SVG, or of a size limit."""
        if mime == "image/svg+xml" and not self.accepts_svg:
            raise UploadRefused(
                "POST /wp/v2/media: Sorry, you are not allowed to upload this file type.",
                status=500,
                code="rest_upload_sideload_error",
            )
        if self.max_upload_bytes is not None and len(data) > self.max_upload_bytes:
            raise UploadRefused(
                "POST /wp/v2/media: This file is too big.",
                status=400,
                code="rest_upload_file_too_big",
            )
        taken = {m.filename for m in self._media.values()}
        stem, dot, ext = filename.rpartition(".")
        if not dot:
            stem, ext = filename, ""
        name = filename
        for n in itertools.count(1):
            if name not in taken:
                break
            name = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        slugs = {m.slug for m in self._media.values()}
        wanted = slug
        for n in itertools.count(2):
            if not wanted or wanted not in slugs:
                break
            wanted = f"{slug}-{n}"
        media = FakeMedia(next(self._ids), name, data, mime, alt_text, caption, title, wanted)
        self._media[media.id] = media
        return media

    def do_batch_item(self, item: BatchRequest) -> BatchResponse:
        """One item of ``/batch/v1`` (``validation: normal``): carried out on its own."""
        base, post_id = _route_base(item.path), _route_id(item.path)
        body = dict(item.body or {})
        try:
            if base is None or item.method.upper() != "POST":
                raise _error(404, "rest_no_route", "No route was found.")
            if base in self.taxonomies:
                term_id, created = self.do_term(
                    base, str(body.get("name") or ""), int(body.get("parent") or 0)
                )
                if not created:
                    return BatchResponse(
                        400,
                        {
                            "code": "term_exists",
                            "message": "A term with the name provided already exists.",
                            "data": {"status": 400, "term_id": term_id},
                        },
                    )
                return BatchResponse(201, {"id": term_id})
            if post_id is None:
                return BatchResponse(201, self.do_create(base, body).answer(stored=True))
            return BatchResponse(200, self.do_update(base, post_id, body).answer(stored=True))
        except RemoteError as exc:
            status = exc.status or 500
            return BatchResponse(
                status, {"code": exc.code, "message": str(exc), "data": {"status": status}}
            )


# ---------------------------------------------------------------- the connection


#: what an administrator may do, as far as wpsync asks
ADMIN_CAPS = (
    "edit_posts",
    "publish_posts",
    "edit_others_posts",
    "edit_pages",
    "publish_pages",
    "edit_others_pages",
    "manage_categories",
    "upload_files",
    "list_users",
)


def _chunks(values: Sequence[T], size: int) -> list[Sequence[T]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class FakeClient:
    """The engine's side of the fake: the public methods of ``WordPressClient`` that the
    engine calls, each sending as many requests as the real one would on a good day."""

    base_url = URL

    def __init__(self, site: FakeWordPress) -> None:
        self.site = site
        self.closed = False
        self._lock = threading.Lock()
        self._count = 0
        self._terms: dict[tuple[str, str, int], int] = {}
        self._users: dict[str, int | None] = {}
        self._rights: Rights | None = None

    def __enter__(self) -> FakeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.closed = True

    @property
    def request_count(self) -> int:
        with self._lock:
            return self._count

    def _send(self, method: str, route: str, carry_out: Callable[[], T]) -> T:
        if self.closed:
            raise AssertionError(f"{method} {route} on a closed client")
        with self._lock:
            self._count += 1
        return self.site.exchange(Request(method, route), carry_out)

    # -- posts

    def get_post(self, rest_base: str, post_id: int) -> RemotePost | None:
        def carry_out() -> RemotePost | None:
            post = self.site.post(post_id)
            return post.remote() if post is not None and post.rest_base == rest_base else None

        return self._send("GET", f"/wp/v2/{rest_base}/{post_id}", carry_out)

    def get_post_raw(
        self, rest_base: str, post_id: int, *, context: str = "edit"
    ) -> dict[str, Any]:
        return self._send(
            "GET",
            f"/wp/v2/{rest_base}/{post_id}",
            lambda: self.site.do_get(rest_base, post_id).raw(),
        )

    def posts_by_slugs(self, rest_base: str, slugs: Sequence[str]) -> dict[str, RemotePost]:
        """Any status but trash; drafts sharing a slug: the oldest."""
        found: dict[str, RemotePost] = {}
        for chunk in _chunks(sorted(set(slugs) - {""}), PER_PAGE):
            posts = self._send(
                "GET", f"/wp/v2/{rest_base}", partial(self.site.do_find_slugs, rest_base, chunk)
            )
            for post in posts:
                found.setdefault(post.slug, post.remote())
        return found

    def posts_by_slugs_raw(self, rest_base: str, slugs: Sequence[str]) -> dict[str, dict[str, Any]]:
        """As :meth:`posts_by_slugs`, whole ``context=edit`` objects."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(set(slugs) - {""}), PER_PAGE):
            posts = self._send(
                "GET", f"/wp/v2/{rest_base}", partial(self.site.do_find_slugs, rest_base, chunk)
            )
            for post in posts:
                found.setdefault(post.slug, post.raw())
        return found

    def search_posts_raw(self, rest_base: str, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """``?search=…``: every word in the title or the content, any status but trash."""
        words = text.lower().split()

        def carry_out() -> list[dict[str, Any]]:
            found = [
                p.raw()
                for p in self.site.posts(rest_base)
                if all(w in (p.title + " " + p.content).lower() for w in words)
            ]
            return found[:limit]

        return self._send("GET", f"/wp/v2/{rest_base}", carry_out)

    def posts_by_ids(
        self, rest_base: str, ids: Sequence[int], *, stored: bool = False
    ) -> dict[int, RemotePost]:
        """Any status, trash included; a missing ID costs the real client's second look."""
        found: dict[int, RemotePost] = {}
        unique = sorted(set(ids))
        for chunk in _chunks(unique, PER_PAGE):
            posts = self._send(
                "GET", f"/wp/v2/{rest_base}", partial(self.site.do_find_ids, rest_base, chunk)
            )
            found.update((p.id, p.remote(stored)) for p in posts)
        missing = [i for i in unique if i not in found]
        for _ in _chunks(missing, PER_PAGE):  # asked again in the public view: not there
            self._send("GET", f"/wp/v2/{rest_base}", lambda: None)
        return found

    def count_posts(
        self, rest_base: str, *, modified_after: str | None = None, by: str = "id"
    ) -> PostCount:
        return self._send(
            "GET",
            f"/wp/v2/{rest_base}",
            partial(self.site.do_count, rest_base, modified_after, by),
        )

    def posts_modified_after(self, rest_base: str, since_gmt: str) -> list[RemotePost]:
        posts = self._send(
            "GET", f"/wp/v2/{rest_base}", partial(self.site.do_modified_after, rest_base, since_gmt)
        )
        pages = _chunks(posts, PER_PAGE)
        for _ in pages[1:]:  # each further page is a request
            self._send("GET", f"/wp/v2/{rest_base}", lambda: None)
        return [p.remote() for p in posts]

    def create_post(self, rest_base: str, body: Mapping[str, Any]) -> RemotePost:
        slug = body.get("slug")
        if not isinstance(slug, str) or not slug:
            raise ValueError("create_post() needs an explicit slug in the body")
        payload = dict(body)
        return self._send(
            "POST",
            f"/wp/v2/{rest_base}",
            lambda: self.site.do_create(rest_base, payload).remote(stored=True),
        )

    def update_post(self, rest_base: str, post_id: int, body: Mapping[str, Any]) -> RemotePost:
        payload = dict(body)
        return self._send(
            "POST",
            f"/wp/v2/{rest_base}/{post_id}",
            lambda: self.site.do_update(rest_base, post_id, payload).remote(stored=True),
        )

    def delete_post(self, rest_base: str, post_id: int, *, force: bool = False) -> None:
        """Trash (or delete); already trashed or gone is fine, as for the real client."""

        def carry_out() -> None:
            try:
                self.site.do_delete(rest_base, post_id, force=force)
            except RemoteError as exc:
                if exc.code not in ("rest_already_trashed", "rest_post_invalid_id"):
                    raise

        self._send("DELETE", f"/wp/v2/{rest_base}/{post_id}", carry_out)

    # -- terms and users

    def ensure_term(self, taxonomy_rest_base: str, name: str, parent: int = 0) -> int:
        key = (taxonomy_rest_base, name.strip().lower(), parent)
        with self._lock:
            if key in self._terms:
                return self._terms[key]
        term_id, _ = self._send(
            "POST",
            f"/wp/v2/{taxonomy_rest_base}",
            lambda: self.site.do_term(taxonomy_rest_base, name, parent),
        )
        with self._lock:
            self._terms[key] = term_id
        return term_id

    def terms_by_slugs(
        self, taxonomy_rest_base: str, slugs: Sequence[str]
    ) -> dict[int, tuple[str, int]]:
        return self._send(
            "GET",
            f"/wp/v2/{taxonomy_rest_base}",
            lambda: self.site.do_terms_by_slugs(taxonomy_rest_base, slugs),
        )

    def known_term(self, taxonomy_rest_base: str, name: str, parent: int = 0) -> int | None:
        with self._lock:
            return self._terms.get((taxonomy_rest_base, name.strip().lower(), parent))

    def remember_term(self, taxonomy_rest_base: str, name: str, parent: int, term_id: int) -> None:
        with self._lock:
            self._terms[(taxonomy_rest_base, name.strip().lower(), parent)] = term_id

    def rights(self) -> Rights:
        """``/users/me``: the fake signs in as ``admin``, who may do everything."""
        with self._lock:
            if self._rights is not None:
                return self._rights
        body = {
            "id": 1,
            "username": "admin",
            "slug": "admin",
            "name": "admin",
            "roles": ["administrator"],
            "capabilities": {cap: True for cap in ADMIN_CAPS},
        }
        rights = self._send("GET", "/wp/v2/users/me", lambda: Rights.from_json(body))
        with self._lock:
            self._rights = rights
        return rights

    def find_user(self, login_or_slug: str) -> int | None:
        """By slug (one request), else by a search (a second)."""
        with self._lock:
            if login_or_slug in self._users:
                return self._users[login_or_slug]
        user_id = self._send("GET", "/wp/v2/users", lambda: self.site.users.get(login_or_slug))
        if user_id is None:
            self._send("GET", "/wp/v2/users", lambda: None)
        with self._lock:
            self._users[login_or_slug] = user_id
        return user_id

    def can(self, capability: str) -> bool:
        self._send("GET", "/wp/v2/users/me", lambda: None)
        return capability in self.site.capabilities

    # -- media

    def upload_media(
        self,
        path: Path,
        data: bytes,
        filename: str,
        mime: str,
        *,
        alt_text: str = "",
        caption: str = "",
        title: str = "",
        slug: str = "",
    ) -> RemoteMedia:
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-.") or "upload"
        return self._send(
            "POST",
            "/wp/v2/media",
            lambda: self.site.do_upload(
                name, bytes(data), mime, alt_text, caption, title, slug
            ).remote(),
        )

    def media_by_slugs(self, slugs: Sequence[str]) -> dict[str, RemoteMedia]:
        """``/wp/v2/media?slug=…``: the real client's chunks of 27 slugs (71 characters each
        in 2,000)."""
        found: dict[str, RemoteMedia] = {}
        for chunk in _chunks(sorted(set(slugs) - {""}), 27):
            items = self._send("GET", "/wp/v2/media", partial(self._media_with, set(chunk)))
            for media in items:
                found.setdefault(media.slug, media.remote())
        return found

    def _media_with(self, slugs: set[str]) -> list[FakeMedia]:
        return [m for m in self.site.media() if m.slug in slugs]

    def find_uploaded_media(self, filename: str, data: bytes) -> RemoteMedia | None:
        """The recent uploads with the same extension and size, their bytes compared."""
        ext = Path(filename).suffix.lower()
        digest = hashlib.sha256(data).hexdigest()
        recent = self._send("GET", "/wp/v2/media", lambda: self.site.media()[-RECENT_UPLOADS:])
        candidates = [
            m
            for m in reversed(recent)
            if Path(m.filename).suffix.lower() == ext and len(m.data) == len(data)
        ]
        for media in candidates[:UPLOADS_COMPARED]:
            got = self._send("GET", media.source_url.removeprefix(URL), partial(bytes, media.data))
            if hashlib.sha256(got).hexdigest() == digest:
                return media.remote()
        return None

    # -- batch

    def batch(self, requests: Sequence[BatchRequest]) -> list[BatchResponse]:
        """``/batch/v1``, 25 items a request; :class:`BatchUnsupported` without the route."""
        out: list[BatchResponse] = []
        for chunk in _chunks(list(requests), MAX_BATCH):
            out.extend(self._send("POST", "/batch/v1", partial(self._batch_chunk, chunk)))
        return out

    def _batch_chunk(self, chunk: Sequence[BatchRequest]) -> list[BatchResponse]:
        if not self.site.batch_route:
            raise BatchUnsupported(
                f"{URL} has no batch API (/batch/v1)", status=404, code="rest_no_route"
            )
        return [self.site.do_batch_item(item) for item in chunk]


# ---------------------------------------------------------------- a folder wired to the fake


@dataclass(frozen=True)
class Folder:
    """A writer's folder (``config.toml``, ``content/``, ``.wpsync/``) synced to a fake."""

    root: Path
    config: Config

    @classmethod
    def make(
        cls,
        root: Path,
        *,
        batch: bool = True,
        concurrency: int = 1,
        delete: str = "trash",
        max_deletions: int = 10,
        max_deletion_ratio: float = 0.5,
    ) -> Folder:
        """Write ``config.toml`` and read it back with the real :func:`load_config`."""
        from wpsync.config import load_config

        root.mkdir(parents=True, exist_ok=True)
        (root / "content").mkdir(exist_ok=True)
        path = root / "config.toml"
        path.write_text(
            textwrap.dedent(
                f"""
                [site]
                url = "{URL}"
                username = "admin"

                [content]
                dir = "content"
                delete = "{delete}"

                [sync]
                concurrency = {concurrency}
                batch = {"true" if batch else "false"}
                max_deletions = {max_deletions}
                max_deletion_ratio = {max_deletion_ratio}
                """
            ),
            encoding="utf-8",
        )
        return cls(root, load_config(path, env={}))

    @property
    def content(self) -> Path:
        return self.config.content.dir

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def sync(
        self,
        wp: FakeWordPress,
        *,
        paths: Sequence[Path] | None = None,
        renames: Sequence[tuple[Path, Path]] = (),
        force: bool = False,
        client: FakeClient | None = None,
        offline: bool = False,
        dry_run: bool = False,
        checked: CheckedAhead | None = None,
    ) -> SyncReport:
        """One ``wpsync sync`` against ``wp`` (a new client, unless one is lent);
        ``dry_run``: ``wpsync plan``; ``checked``: an edit check asked ahead."""
        from wpsync.engine.run import SyncRequest, run_sync

        request = SyncRequest(
            paths=tuple(paths) if paths is not None else None,
            force=force,
            offline=offline,
            dry_run=dry_run,
            renames=tuple(renames),
            lock_timeout=5.0,
            checked=checked,
        )
        return run_sync(
            self.config,
            request,
            client_factory=wp.client_factory(),
            client=cast("WordPressClient", client) if client is not None else None,
        )


def only_the_remote_check(requests: Sequence[Request], types: int = 1) -> bool:
    """What a full run that has nothing to send may ask: the remote check's two small
    GETs per post type (engine/remote.py), nothing else."""
    return all(r.method == "GET" for r in requests) and len(requests) <= 2 * types
