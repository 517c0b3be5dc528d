"""The WordPress REST client: what wpsync asks of WordPress (posts, terms, users, media,
batches), one method each.

Every request goes out through :class:`~wpsync.wordpress.rest.RestSession` (one
connection pool, the REST root, retries: :mod:`wpsync.wordpress.transport`).  A create is
never blindly re-sent: after a failure that may have happened *after* WordPress received
it, the post's slug or the media file's bytes are looked up first ("recovered lost
create").  The records it returns are :mod:`wpsync.wordpress.records`.

Size: one method per route; the counts and rights added last are the next to move out.
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from wpsync.config import Secret, SiteConfig
from wpsync.errors import RemoteError, TransportError
from wpsync.wordpress.answers import upload_refusal
from wpsync.wordpress.auth import JwtAuth, make_auth
from wpsync.wordpress.batch_route import MAX_BATCH, send_batch
from wpsync.wordpress.bounded import AnswerTooLarge
from wpsync.wordpress.lookups import (
    MAX_QUERY_CHARS,
    PER_PAGE,
    chunked_for_query,
    lookup_slug_raw,
    match_created,
    posts_with_slugs,
)
from wpsync.wordpress.records import (
    ADOPTION_FIELDS,
    CHECKED_FIELDS,
    MEDIA_FIELDS,
    POST_FIELDS,
    BatchRequest,
    BatchResponse,
    PostCount,
    RemoteMedia,
    RemotePost,
)
from wpsync.wordpress.rest import RestSession, header_int
from wpsync.wordpress.rights import Rights
from wpsync.wordpress.tokens import VALIDATE_ROUTE
from wpsync.wordpress.transport import RETRY_AFTER_MAX, RetryPolicy, transport_for

logger = logging.getLogger(__name__)

#: every post a listing can show the editor: any status, the trash included
_ALL_STATUSES = {"status": "any,trash", "context": "edit"}
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(filename: str) -> str:
    """A file name that survives a ``Content-Disposition`` header unchanged."""
    stem = _SAFE_FILENAME.sub("-", Path(filename).name).strip("-.")
    return stem or "upload"


class WordPressClient:
    """One site, one ``httpx.Client`` (one connection pool), safe to share between threads.

    ``transport`` replaces the default ``httpx.HTTPTransport`` (whose TLS verification and
    pool limits come from ``site`` and ``max_connections``).  ``retry_wait_initial`` /
    ``retry_wait_max`` shape the backoff (tests make them tiny); ``retry_after_max`` caps a
    server's ``Retry-After``.  ``auth`` overrides :func:`~wpsync.wordpress.auth.make_auth` (tests).
    """

    def __init__(
        self,
        site: SiteConfig,
        password: Secret,
        *,
        token_cache: Path | None,
        transport: httpx.BaseTransport | None = None,
        retry_wait_max: float = 30.0,
        retry_wait_initial: float = 0.5,
        retry_after_max: float = RETRY_AFTER_MAX,
        max_connections: int = 8,
        max_batch: int = MAX_BATCH,
        auth: httpx.Auth | None = None,
    ) -> None:
        self.site = site
        self.base_url = site.url.rstrip("/")
        self._auth = auth if auth is not None else make_auth(site, password, token_cache)
        inner = transport or transport_for(
            site,
            httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
        )
        retry = RetryPolicy(
            self.base_url,
            max_attempts=site.max_attempts,
            wait_initial=retry_wait_initial,
            wait_max=retry_wait_max,
            retry_after_max=retry_after_max,
        )
        self._rest = RestSession(site, self._auth, transport=inner, retry=retry)
        self._max_batch = max_batch
        self._cache_lock = threading.Lock()
        self._terms: dict[tuple[str, str, int], int] = {}
        self._users: dict[str, int | None] = {}
        self._rights: Rights | None = None
        if isinstance(self._auth, JwtAuth):
            self._auth.bind(self._rest.send_out_of_band)

    # -- lifecycle

    def __repr__(self) -> str:
        return (
            f"WordPressClient(url={self.base_url!r}, username={self.site.username!r}, "
            f"auth={self.site.auth!r})"
        )

    def __enter__(self) -> WordPressClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._rest.close()

    @property
    def request_count(self) -> int:
        """HTTP requests actually sent so far (token fetches and retries included)."""
        return self._rest.request_count

    @property
    def auth(self) -> httpx.Auth:
        return self._auth

    @property
    def api_root(self) -> str:
        """Where the REST API is believed to live (``…/wp-json`` or ``…/?rest_route=``)."""
        return self._rest.api_root

    def url(self, route: str) -> str:
        """The URL of a REST route (``/wp/v2/posts``) under the current API root."""
        return self._rest.url(route)

    # -- site

    def index(self) -> dict[str, object]:
        """The REST index (``/wp-json/``): ``namespaces``, ``authentication``… (for doctor)."""
        body = self._rest.decode(self._rest.request("GET", "/", authenticated=False), "GET", "/")
        if not isinstance(body, dict):
            raise RemoteError(f"{self.base_url}: the REST index is not a JSON object")
        return body

    def validate_token(self) -> None:
        """Ask the JWT plugin whether our token is good (raises :class:`AuthError` if not)."""
        if not isinstance(self._auth, JwtAuth):
            raise TypeError("validate_token() needs JWT authentication")
        self._rest.request("POST", VALIDATE_ROUTE)

    def can(self, capability: str) -> bool:
        """Whether the user has ``capability`` (``unfiltered_html``…), asked once a client
        (:meth:`rights`)."""
        return capability in self.rights().capabilities

    def renew_token_if_expiring(self) -> bool:
        """For the scheduler: renew the JWT ahead of its expiry; False for app passwords."""
        if isinstance(self._auth, JwtAuth):
            return self._auth.renew_if_expiring()
        return False

    @property
    def token_expires_at(self) -> float | None:
        return self._auth.token_expires_at if isinstance(self._auth, JwtAuth) else None

    # -- posts

    def get_post(self, rest_base: str, post_id: int) -> RemotePost | None:
        route = f"/wp/v2/{rest_base}/{post_id}"
        try:
            response = self._rest.request(
                "GET", route, params={"context": "edit", "_fields": POST_FIELDS}
            )
        except RemoteError as exc:
            if exc.code == "rest_post_invalid_id" or exc.status == 410:
                return None
            raise
        return RemotePost.from_json(rest_base, self._rest.decode(response, "GET", route))

    def get_post_raw(
        self, rest_base: str, post_id: int, *, context: str = "edit"
    ) -> dict[str, Any]:
        """The whole post as the editor sees it (``context=edit``), for diffs and pull.
        ``context="view"`` for a user who may read the post but not edit it."""
        route = f"/wp/v2/{rest_base}/{post_id}"
        body = self._rest.decode(
            self._rest.request("GET", route, params={"context": context}), "GET", route
        )
        if not isinstance(body, dict):
            raise RemoteError(f"GET {route}: expected an object")
        return body

    def posts_by_slugs(self, rest_base: str, slugs: Sequence[str]) -> dict[str, RemotePost]:
        """The posts (any status but trash) having these slugs, keyed by the slug asked for.

        WordPress sanitises the slugs of the query as it does a post's (``café`` finds
        ``cafe``); an answer that cannot be told apart locally is settled by asking for
        that slug alone.
        """
        found = posts_with_slugs(self._rest, rest_base, slugs, POST_FIELDS)
        return {slug: RemotePost.from_json(rest_base, item) for slug, item in found.items()}

    def posts_by_slugs_raw(self, rest_base: str, slugs: Sequence[str]) -> dict[str, dict[str, Any]]:
        """As :meth:`posts_by_slugs`, the posts as ``context=edit`` objects with their raw
        title and content too (what adoption reads the fingerprint from)."""
        return posts_with_slugs(self._rest, rest_base, slugs, ADOPTION_FIELDS)

    def search_posts_raw(self, rest_base: str, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """The first ``limit`` posts (any status but trash) WordPress's search finds for
        ``text`` (title, excerpt, content), as :meth:`posts_by_slugs_raw` gives them."""
        params = {
            "search": text,
            "status": "any",
            "context": "edit",
            "per_page": limit,
            "_fields": ADOPTION_FIELDS,
        }
        response = self._rest.request("GET", f"/wp/v2/{rest_base}", params=params)
        items = self._rest.decode(response, "GET", f"/wp/v2/{rest_base}")
        return (
            [dict(i) for i in items if isinstance(i, dict) and "id" in i]
            if isinstance(items, list)
            else []
        )

    def posts_by_ids(
        self, rest_base: str, ids: Sequence[int], *, stored: bool = False
    ) -> dict[int, RemotePost]:
        """The posts (any status, trash included) with these IDs; missing ones are left
        out.  ``stored``: with their raw texts' digest (``RemotePost.stored``), for an
        edit check of posts about to be written."""
        found: dict[int, RemotePost] = {}
        unique = [str(i) for i in sorted(set(ids))]
        fields = CHECKED_FIELDS if stored else POST_FIELDS
        for post in self._posts_included(rest_base, unique, "edit", fields):
            found[post.id] = post
        # With context=edit WordPress leaves out the posts this user may not edit (another
        # author's): they exist all the same.  Ask again for those in the public view, so a
        # post we cannot edit is never taken for a deleted one (and re-created).
        missing = [i for i in unique if int(i) not in found]
        for post in self._posts_included(rest_base, missing, "view", POST_FIELDS):
            found.setdefault(post.id, post)
        return found

    def _posts_included(
        self, rest_base: str, ids: Sequence[str], context: str, fields: str
    ) -> Iterator[RemotePost]:
        """The posts (any status, trash included) with these IDs, as ``context`` shows them."""
        route = f"/wp/v2/{rest_base}"
        for chunk in chunked_for_query(ids, PER_PAGE, MAX_QUERY_CHARS):
            params = {
                "include": ",".join(chunk),
                "status": "any,trash",
                "context": context,
                "per_page": PER_PAGE,
                "_fields": fields,
            }
            for item in self._rest.paginate(route, params):
                yield RemotePost.from_json(rest_base, item)

    def list_posts(self, rest_base: str) -> Iterator[RemotePost]:
        """Every post of a type (any status but trash), oldest ID first."""
        params = {
            "status": "any",
            "context": "edit",
            "per_page": PER_PAGE,
            "orderby": "id",
            "order": "asc",
            "_fields": POST_FIELDS,
        }
        for item in self._rest.paginate(f"/wp/v2/{rest_base}", params):
            yield RemotePost.from_json(rest_base, item)

    def list_posts_raw(self, rest_base: str) -> Iterator[dict[str, Any]]:
        """Every post of a type (any status but trash) as whole ``context=edit`` objects,
        oldest ID first (for pull: 100 per request)."""
        params = {
            "status": "any",
            "context": "edit",
            "per_page": PER_PAGE,
            "orderby": "id",
            "order": "asc",
        }
        for item in self._rest.paginate(f"/wp/v2/{rest_base}", params):
            if isinstance(item, dict):
                yield item

    def count_posts(
        self, rest_base: str, *, modified_after: str | None = None, by: str = "id"
    ) -> PostCount:
        """How many posts of a type WordPress holds (any status, trash included) and the
        first by ``by`` (id, modified), descending, in one request of one item; with
        ``modified_after`` (GMT, sent with its zone: WordPress compares in the site's
        timezone) only the posts modified after it."""
        route = f"/wp/v2/{rest_base}"
        params = {**_ALL_STATUSES, "per_page": 1, "orderby": by, "order": "desc"}
        params["_fields"] = "id,modified_gmt"
        if modified_after is not None:
            params["modified_after"] = f"{modified_after}Z"
        response = self._rest.request("GET", route, params=params)
        items = self._rest.decode(response, "GET", route)
        first = items[0] if isinstance(items, list) and items else {}
        top = RemotePost.from_json(rest_base, first) if isinstance(first, dict) and first else None
        total = header_int(response.headers, "X-WP-Total", 1 if top else 0)
        return PostCount(total, top.id if top else 0, top.modified_gmt if top else "")

    def posts_modified_after(self, rest_base: str, since_gmt: str) -> list[RemotePost]:
        """The posts (any status, trash included) modified after the GMT time
        ``since_gmt``, latest first (WordPress 5.7+'s ``modified_after``)."""
        params = {**_ALL_STATUSES, "per_page": PER_PAGE, "orderby": "modified", "order": "desc"}
        params.update({"_fields": POST_FIELDS, "modified_after": f"{since_gmt}Z"})
        items = self._rest.paginate(f"/wp/v2/{rest_base}", params)
        return [RemotePost.from_json(rest_base, item) for item in items]

    def create_post(self, rest_base: str, body: Mapping[str, Any]) -> RemotePost:
        """Create a post; ``body`` must carry an explicit ``slug`` (used to recover a lost create)."""
        slug = body.get("slug")
        if not isinstance(slug, str) or not slug:
            raise ValueError("create_post() needs an explicit slug in the body")
        route = f"/wp/v2/{rest_base}"
        title = body.get("title")
        payload = dict(body)
        return self._rest.create(
            route,
            f"{rest_base} {slug!r}",
            lambda: self._rest.send(
                "POST", route, params={"_fields": CHECKED_FIELDS}, json=payload
            ),
            lambda response: RemotePost.from_json(
                rest_base, self._rest.decode(response, "POST", route)
            ),
            lambda: self._find_created_post(
                rest_base, slug, title if isinstance(title, str) else None
            ),
        )

    def _find_created_post(self, rest_base: str, slug: str, title: str | None) -> RemotePost | None:
        """The post a lost create made: same slug (and same title when we sent one)."""
        item = match_created(lookup_slug_raw(self._rest, rest_base, slug), title)
        return RemotePost.from_json(rest_base, item) if item is not None else None

    def update_post(self, rest_base: str, post_id: int, body: Mapping[str, Any]) -> RemotePost:
        route = f"/wp/v2/{rest_base}/{post_id}"
        response = self._rest.request(
            "POST", route, params={"_fields": CHECKED_FIELDS}, json=dict(body)
        )
        return RemotePost.from_json(rest_base, self._rest.decode(response, "POST", route))

    def delete_post(self, rest_base: str, post_id: int, *, force: bool = False) -> None:
        """Trash (or, with ``force``, delete for good).  Already trashed or gone is fine."""
        route = f"/wp/v2/{rest_base}/{post_id}"
        params = {"force": "true"} if force else None
        try:
            self._rest.request("DELETE", route, params=params)
        except RemoteError as exc:
            if exc.code == "rest_already_trashed":
                logger.debug("%s/%d was already in the trash", rest_base, post_id)
                return
            if exc.code == "rest_post_invalid_id":
                logger.info("%s/%d is already gone from WordPress", rest_base, post_id)
                return
            raise

    # -- terms and users

    def ensure_term(self, taxonomy_rest_base: str, name: str, parent: int = 0) -> int:
        """The ID of the term ``name`` (under ``parent``), created if missing."""
        key = (taxonomy_rest_base, name.strip().lower(), parent)
        with self._cache_lock:
            if key in self._terms:
                return self._terms[key]
        route = f"/wp/v2/{taxonomy_rest_base}"
        body: dict[str, str | int] = {"name": name}
        if parent:
            body["parent"] = parent
        try:
            # Safe to repeat: a create that went through answers term_exists the second time.
            response = self._rest.request("POST", route, params={"_fields": "id"}, json=body)
            term_id = int(self._rest.decode(response, "POST", route)["id"])
        except RemoteError as exc:
            if (
                exc.code == "term_exists"
                and isinstance(exc.data, Mapping)
                and "term_id" in exc.data
            ):
                term_id = int(exc.data["term_id"])
            elif exc.code is not None and exc.code.startswith("rest_cannot"):
                existing = self._find_term(taxonomy_rest_base, name, parent)
                if existing is None:
                    raise
                term_id = existing
            else:
                raise
        with self._cache_lock:
            self._terms[key] = term_id
        return term_id

    def known_term(self, taxonomy_rest_base: str, name: str, parent: int = 0) -> int | None:
        """The ID :meth:`ensure_term` would return without a request, if it is known."""
        with self._cache_lock:
            return self._terms.get((taxonomy_rest_base, name.strip().lower(), parent))

    def remember_term(self, taxonomy_rest_base: str, name: str, parent: int, term_id: int) -> None:
        """Record a term found or created another way (a batch): :meth:`ensure_term` then
        answers it without a request."""
        with self._cache_lock:
            self._terms[(taxonomy_rest_base, name.strip().lower(), parent)] = term_id

    def _find_term(self, taxonomy_rest_base: str, name: str, parent: int) -> int | None:
        params = {"search": name, "per_page": PER_PAGE, "_fields": "id,name,parent"}
        for item in self._rest.paginate(f"/wp/v2/{taxonomy_rest_base}", params):
            same_name = (
                html.unescape(str(item.get("name", ""))).strip().lower() == name.strip().lower()
            )
            if same_name and int(item.get("parent", 0) or 0) == parent:
                return int(item["id"])
        return None

    def list_terms(
        self, taxonomy_rest_base: str, ids: Sequence[int] | None = None
    ) -> dict[int, tuple[str, int]]:
        """Terms of a taxonomy as ``{id: (name, parent id)}`` (names HTML-unescaped): all of
        them, or only ``ids``.  Read-only (for pull and plan --diff)."""
        route = f"/wp/v2/{taxonomy_rest_base}"
        found: dict[int, tuple[str, int]] = {}
        base = {"per_page": PER_PAGE, "_fields": "id,name,parent", "hide_empty": "false"}
        chunks: list[dict[str, str]] = (
            [{}]
            if ids is None
            else [
                {"include": ",".join(chunk)}
                for chunk in chunked_for_query(
                    [str(i) for i in sorted(set(ids))], PER_PAGE, MAX_QUERY_CHARS
                )
            ]
        )
        for extra in chunks:
            for item in self._rest.paginate(route, {**base, **extra}):
                if isinstance(item, Mapping) and "id" in item:
                    name = html.unescape(str(item.get("name", "")))
                    found[int(item["id"])] = (name, int(item.get("parent", 0) or 0))
        return found

    def terms_by_slugs(
        self, taxonomy_rest_base: str, slugs: Sequence[str]
    ) -> dict[int, tuple[str, int]]:
        """The terms of a taxonomy with these slugs, as ``{id: (name, parent id)}`` (names
        HTML-unescaped): one request per 100 slugs, whatever their depth.  Read-only."""
        route = f"/wp/v2/{taxonomy_rest_base}"
        found: dict[int, tuple[str, int]] = {}
        base = {"per_page": PER_PAGE, "_fields": "id,name,parent", "hide_empty": "false"}
        for chunk in chunked_for_query(sorted(set(slugs)), PER_PAGE, MAX_QUERY_CHARS):
            for item in self._rest.paginate(route, {**base, "slug": ",".join(chunk)}):
                if isinstance(item, Mapping) and "id" in item:
                    name = html.unescape(str(item.get("name", "")))
                    found[int(item["id"])] = (name, int(item.get("parent", 0) or 0))
        return found

    def find_user(self, name: str) -> int | None:
        """A user's ID by login, e-mail, nicename or display name; ``None`` if WordPress
        shows no such user.  Without ``list_users`` (an Author) WordPress shows only the
        users who have published something, and matches nicenames and display names."""
        with self._cache_lock:
            if name in self._users:
                return self._users[name]
        route = "/wp/v2/users"
        user_id: int | None = None
        for item in self._rest.paginate(route, {"slug": name, "_fields": "id,slug"}):
            user_id = int(item["id"])
            break
        if user_id is None:
            wanted = name.strip().lower()
            params = {"search": name, "context": "edit", "_fields": "id,username,email,slug,name"}
            try:
                user_id = _matching_user(
                    self._rest.paginate(route, {**params, "per_page": PER_PAGE}), wanted
                )
            except RemoteError as exc:
                if isinstance(exc, TransportError) or exc.status not in (401, 403):
                    raise
                logger.debug("cannot search users by login (%s): names only", exc.code)
                view = {"search": name, "_fields": "id,slug,name", "per_page": str(PER_PAGE)}
                user_id = _matching_user(self._rest.paginate(route, view), wanted)
        with self._cache_lock:
            self._users[name] = user_id
        return user_id

    def rights(self) -> Rights:
        """Who we are and what we may do (``/users/me?context=edit``), asked once."""
        with self._cache_lock:
            if self._rights is not None:
                return self._rights
        route = "/wp/v2/users/me"
        params = {"context": "edit", "_fields": "id,username,slug,name,roles,capabilities"}
        body = self._rest.decode(self._rest.request("GET", route, params=params), "GET", route)
        rights = Rights.from_json(body if isinstance(body, dict) else {})
        with self._cache_lock:
            self._rights = rights
        return rights

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
        """Upload a file (raw body) with its alt text, caption, title and slug in the same
        request.

        After an ambiguous failure the most recent uploads are searched for the same bytes
        before the file is sent again.  A file WordPress refuses for good (its type, its
        size: :func:`~wpsync.wordpress.answers.upload_refusal`) raises
        :class:`~wpsync.errors.UploadRefused` at once, without a retry.
        """
        route = "/wp/v2/media"
        name = safe_filename(filename)
        params: dict[str, str] = {"_fields": MEDIA_FIELDS}
        if slug:
            params["slug"] = slug
        if alt_text:
            params["alt_text"] = alt_text
        if caption:
            params["caption"] = caption
        if title:
            params["title"] = title
        headers = {"Content-Type": mime, "Content-Disposition": f'attachment; filename="{name}"'}
        digest = hashlib.sha256(data).hexdigest()
        logger.debug("uploading %s as %s (%d bytes)", path, name, len(data))
        return self._rest.create(
            route,
            f"media {name!r}",
            lambda: self._rest.send(
                "POST",
                route,
                params=params,
                content=data,
                headers=headers,
                refusal=functools.partial(upload_refusal, route),
            ),
            lambda response: RemoteMedia.from_json(self._rest.decode(response, "POST", route)),
            lambda: self._find_uploaded(name, len(data), digest),
        )

    def media_by_slugs(self, slugs: Sequence[str]) -> dict[str, RemoteMedia]:
        """The media items having these slugs (as asked: lowercase ASCII), keyed by slug."""
        route = "/wp/v2/media"
        found: dict[str, RemoteMedia] = {}
        for chunk in chunked_for_query(sorted(set(slugs) - {""}), PER_PAGE, MAX_QUERY_CHARS):
            params = {
                "slug": ",".join(chunk),
                "context": "edit",
                "per_page": PER_PAGE,
                "orderby": "id",
                "order": "asc",
                "_fields": MEDIA_FIELDS + ",slug",
            }
            for item in self._rest.paginate(route, params):
                media = RemoteMedia.from_json(item)
                found.setdefault(str(item.get("slug") or ""), media)
        return found

    def find_uploaded_media(self, filename: str, data: bytes) -> RemoteMedia | None:
        """A recent upload of exactly these bytes: for an upload journalled before it was
        sent whose answer never came back (the process stopped), so it is not sent twice."""
        digest = hashlib.sha256(data).hexdigest()
        return self._find_uploaded(safe_filename(filename), len(data), digest)

    def _find_uploaded(self, name: str, size: int, digest: str) -> RemoteMedia | None:
        """A recent upload with the same extension whose bytes hash to ``digest``."""
        ext = Path(name).suffix.lower()
        params = {
            "orderby": "date",
            "order": "desc",
            "per_page": 20,
            "context": "edit",
            "_fields": MEDIA_FIELDS,
        }
        response = self._rest.request("GET", "/wp/v2/media", params=params)
        items = self._rest.decode(response, "GET", "/wp/v2/media")
        checked = 0
        for item in items if isinstance(items, list) else []:
            source = str(item.get("source_url") or "")
            if Path(source.split("?", 1)[0]).suffix.lower() != ext:
                continue
            details = item.get("media_details")
            known = details.get("filesize") if isinstance(details, Mapping) else None
            if isinstance(known, int) and known != size:
                continue
            if checked >= 5:
                break
            checked += 1
            try:
                got = self._rest.fetch(source)
            except (httpx.HTTPError, AnswerTooLarge):
                continue
            if got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == digest:
                return RemoteMedia.from_json(item)
        return None

    # -- batch

    def batch(self, requests: Sequence[BatchRequest]) -> list[BatchResponse]:
        """Send through ``/batch/v1`` (``validation: normal``), at most ``max_batch`` per call.

        Raises :class:`~wpsync.wordpress.batch_route.BatchUnsupported` when the site has no
        batch route.  A batch whose answer was lost is not re-sent blindly: its creates are
        looked up by slug first.
        """
        return send_batch(self._rest, requests, max_batch=self._max_batch)


def _matching_user(items: Iterator[Any], wanted: str) -> int | None:
    """The first user whose login, e-mail, nicename or display name is ``wanted``."""
    for item in items:
        names = (item.get(k) for k in ("username", "email", "slug", "name"))
        if wanted in (html.unescape(str(n)).lower() for n in names if n):
            return int(item["id"])
    return None
