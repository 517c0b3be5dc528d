"""The WordPress REST client: every HTTP request wpsync makes goes through here.

Retries live here and only here (tenacity): connect errors, timeouts, resets, 429 and
5xx are retried with exponential backoff and jitter, honouring ``Retry-After``; a 4xx
fails at once (the single exception, renewing an expired token, is the auth flow's).

A create is never blindly re-sent: when an attempt failed in a way that may have
happened *after* WordPress received it (read timeout, reset, lost answer, 5xx), the next
attempt first looks for what the lost one would have created (the post's slug, the
media file's bytes) and returns it if it is there ("recovered lost create").

The REST root is assumed at ``/wp-json`` (no discovery request on a no-op run); a 404
web page there switches the client to ``/?rest_route=`` (plain permalinks).
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import html
import logging
import re
import ssl
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from wpsync import __version__
from wpsync.config import Secret, SiteConfig
from wpsync.errors import RemoteError, TransportError
from wpsync.wordpress.auth import JwtAuth, json_body, make_auth, wp_error

logger = logging.getLogger(__name__)

T = TypeVar("T")

POST_FIELDS = "id,slug,status,modified_gmt,link,type"
MEDIA_FIELDS = "id,source_url,mime_type,media_details,date_gmt"
PER_PAGE = 100
MAX_BATCH = 25
#: Keep list queries (``slug=a,b,c``) well under common URL length limits.
MAX_QUERY_CHARS = 2000
RETRY_AFTER_MAX = 60.0


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class RemotePost:
    """What wpsync needs to know about a post (or page, or custom type item) in WordPress."""

    id: int
    rest_base: str
    slug: str
    status: str
    modified_gmt: str
    link: str
    type: str = ""

    @classmethod
    def from_json(cls, rest_base: str, item: Mapping[str, Any]) -> RemotePost:
        try:
            return cls(
                id=int(item["id"]),
                rest_base=rest_base,
                slug=str(item.get("slug") or ""),
                status=str(item.get("status") or ""),
                modified_gmt=str(item.get("modified_gmt") or ""),
                link=str(item.get("link") or ""),
                type=str(item.get("type") or ""),
            )
        except (KeyError, TypeError, ValueError):
            raise RemoteError(
                f"WordPress answered with an unexpected {rest_base} object (no id)"
            ) from None


@dataclass(frozen=True)
class RemoteMedia:
    """An uploaded file in the media library."""

    id: int
    source_url: str
    mime_type: str = ""

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> RemoteMedia:
        try:
            return cls(
                id=int(item["id"]),
                source_url=str(item.get("source_url") or ""),
                mime_type=str(item.get("mime_type") or ""),
            )
        except (KeyError, TypeError, ValueError):
            raise RemoteError(
                "WordPress answered with an unexpected media object (no id)"
            ) from None


@dataclass(frozen=True)
class BatchRequest:
    """One request inside ``/batch/v1``: ``path`` is a route (``/wp/v2/posts/12?force=true``)."""

    method: str
    path: str
    body: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class BatchResponse:
    """One answer from ``/batch/v1``, in the order of the requests.

    ``recovered``: the batch's answer was lost and this create was found again by its
    slug; ``body`` is then the post as the look-up returned it (``id``, ``slug``,
    ``status``, ``modified_gmt``, ``link``, ``type``, ``title``), ``status`` is 201.
    """

    status: int
    body: Any
    recovered: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def code(self) -> str | None:
        if isinstance(self.body, Mapping) and isinstance(self.body.get("code"), str):
            return str(self.body["code"])
        return None


class BatchUnsupported(RemoteError):
    """The site has no ``/batch/v1`` route (WordPress < 5.6, or disabled): send one by one."""


class _Transient(TransportError):
    """One attempt failed in a way worth retrying.

    ``ambiguous``: WordPress may have received and carried out the request (the answer,
    not the request, was lost) — a create must look before it re-sends.
    """

    def __init__(
        self,
        reason: str,
        *,
        method: str,
        url: str,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        ambiguous: bool = False,
    ) -> None:
        super().__init__(reason, status=status, code=code, method=method, url=url)
        self.reason = reason
        self.retry_after = retry_after
        self.ambiguous = ambiguous


# --------------------------------------------------------------------------- small pure helpers


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i"}
)


def normalise_slug(slug: str) -> str:
    """A slug as WordPress would store it, near enough to compare: decoded from its
    percent-encoding, lower case, accents removed (``café`` and ``cafe`` are one slug)."""
    text = unquote(slug).strip().lower().translate(_TRANSLITERATE)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def chunked_for_query(values: Sequence[str], size: int, max_chars: int) -> Iterator[list[str]]:
    """Split ``values`` into lists of at most ``size`` items and ``max_chars`` joined chars."""
    chunk: list[str] = []
    length = 0
    for value in values:
        if chunk and (len(chunk) >= size or length + len(value) + 1 > max_chars):
            yield chunk
            chunk, length = [], 0
        chunk.append(value)
        length += len(value) + 1
    if chunk:
        yield chunk


def error_message(method: str, route: str, response: httpx.Response) -> RemoteError:
    """The :class:`RemoteError` for a 4xx answer (WordPress's message, HTML stripped)."""
    error = wp_error(response)
    status = response.status_code
    url = str(response.request.url)
    if error is None:
        return RemoteError(
            f"{method} {route}: HTTP {status} (not a WordPress REST answer)",
            status=status,
            method=method,
            url=url,
        )
    message = error.message or (error.code or f"HTTP {status}")
    if isinstance(error.data, Mapping) and isinstance(error.data.get("params"), Mapping):
        details = "; ".join(str(v) for v in error.data["params"].values())
        if details:
            message = f"{message} ({details})"
    return RemoteError(
        f"{method} {route}: {message}",
        status=status,
        code=error.code,
        method=method,
        url=url,
        data=error.data,
    )


_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(filename: str) -> str:
    """A file name that survives a ``Content-Disposition`` header unchanged."""
    stem = _SAFE_FILENAME.sub("-", Path(filename).name).strip("-.")
    return stem or "upload"


# --------------------------------------------------------------------------- transport


class _CountingTransport(httpx.BaseTransport):
    """Counts every HTTP request actually sent (token fetches and retries included)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.count += 1
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class _PlainUntilTLS(httpx.BaseTransport):
    """For an ``http://`` site: plain HTTP at once, and the TLS transport (loading the CA
    bundle costs tens of milliseconds, at every start of a hook) only when an ``https://``
    URL comes up (a media file served from elsewhere)."""

    def __init__(self, plain: httpx.BaseTransport, tls: Callable[[], httpx.BaseTransport]) -> None:
        self._plain = plain
        self._make_tls = tls
        self._tls: httpx.BaseTransport | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme != "https":
            return self._plain.handle_request(request)
        with self._lock:
            if self._tls is None:
                self._tls = self._make_tls()
        return self._tls.handle_request(request)

    def close(self) -> None:
        self._plain.close()
        if self._tls is not None:
            self._tls.close()


def _transport_for(site: SiteConfig, limits: httpx.Limits) -> httpx.BaseTransport:
    def tls() -> httpx.BaseTransport:
        return httpx.HTTPTransport(verify=tls_verify(site), limits=limits)

    if site.url.lower().startswith("https://"):
        return tls()
    return _PlainUntilTLS(httpx.HTTPTransport(verify=False, limits=limits), tls)


def tls_verify(site: SiteConfig) -> ssl.SSLContext | bool:
    if not site.verify_tls:
        return False
    if site.ca_bundle is not None:
        return ssl.create_default_context(cafile=str(site.ca_bundle))
    return True


# --------------------------------------------------------------------------- the client


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
        inner = transport or _transport_for(
            site,
            httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
        )
        self._transport = _CountingTransport(inner)
        self._http = httpx.Client(
            transport=self._transport,
            auth=self._auth,
            timeout=httpx.Timeout(site.timeout),
            headers={"User-Agent": f"wpsync/{__version__}", "Accept": "application/json"},
            # No cookie jar: WordPress must see the same stateless request every time
            # (a logged-in or refresh cookie would change how it authenticates us).
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            follow_redirects=False,
        )
        self._max_attempts = site.max_attempts
        self._backoff = wait_exponential_jitter(
            multiplier=retry_wait_initial, max=retry_wait_max, jitter=retry_wait_initial
        )
        self._retry_after_max = retry_after_max
        self._max_batch = max_batch
        self._plain_permalinks = False
        self._root_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._terms: dict[tuple[str, str, int], int] = {}
        self._users: dict[str, int | None] = {}
        if isinstance(self._auth, JwtAuth):
            self._auth.bind(self._send_out_of_band)

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
        self._http.close()

    @property
    def request_count(self) -> int:
        """HTTP requests actually sent so far (token fetches and retries included)."""
        return self._transport.count

    @property
    def auth(self) -> httpx.Auth:
        return self._auth

    @property
    def api_root(self) -> str:
        """Where the REST API is believed to live (``…/wp-json`` or ``…/?rest_route=``)."""
        return (
            f"{self.base_url}/?rest_route="
            if self._plain_permalinks
            else f"{self.base_url}/wp-json"
        )

    # -- URL building and root discovery

    def url(self, route: str) -> str:
        """The URL of a REST route (``/wp/v2/posts``) under the current API root."""
        if not route.startswith("/"):
            route = "/" + route
        if self._plain_permalinks:
            return f"{self.base_url}/?rest_route={route}"
        return f"{self.base_url}/wp-json{route}"

    def _switch_to_plain_permalinks(self) -> bool:
        """``/wp-json`` answered with a web page: is the API at ``/?rest_route=`` instead?"""
        with self._root_lock:
            if self._plain_permalinks:
                return True
            probe = f"{self.base_url}/?rest_route=/"
            try:
                response = self._http.get(probe, auth=None)
            except httpx.TransportError as exc:
                raise _Transient(
                    f"{type(exc).__name__} while probing {probe}", method="GET", url=probe
                ) from exc
            body = json_body(response)
            if response.status_code == 200 and isinstance(body, Mapping) and "namespaces" in body:
                logger.info(
                    "%s: /wp-json is not served (plain permalinks): using /?rest_route=",
                    self.base_url,
                )
                self._plain_permalinks = True
                return True
            return False

    # -- one attempt

    def _send(
        self,
        method: str,
        route: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send once; return a 2xx answer, raise :class:`_Transient` or :class:`RemoteError`."""
        plain_before = self._plain_permalinks
        query = dict(params) if params else {}
        if plain_before:
            # httpx replaces a URL's query with ``params``: rest_route goes in with them
            url, query = f"{self.base_url}/", {"rest_route": route, **query}
        else:
            url = self.url(route)
        request = self._http.build_request(
            method,
            url,
            params=query or None,
            json=json,
            content=content,
            headers=dict(headers) if headers else None,
        )
        try:
            if authenticated:
                response = self._http.send(request)
            else:
                response = self._http.send(request, auth=None)
        except httpx.ConnectError as exc:
            if (reason := _certificate_problem(exc)) is not None:
                # not worth a retry: the same certificate comes back every time
                raise TransportError(
                    f"{method} {route}: the TLS certificate of {request.url.host} could not "
                    f"be verified ({reason})",
                    code="tls_certificate",
                    method=method,
                    url=str(request.url),
                    hint="a private CA: point site.ca_bundle at its PEM file; an expired or "
                    "self-signed certificate: renew it (site.verify_tls = false only to test)",
                ) from None
            raise _Transient(
                type(exc).__name__, method=method, url=str(request.url), ambiguous=False
            ) from exc
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            never_sent = isinstance(
                exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
            )
            raise _Transient(
                type(exc).__name__,
                method=method,
                url=str(request.url),
                ambiguous=not never_sent and _failed_request(exc) is request,
            ) from exc
        except httpx.HTTPError as exc:
            raise TransportError(
                f"{method} {route}: {type(exc).__name__}: {exc}",
                method=method,
                url=str(request.url),
            ) from None
        status = response.status_code
        if 200 <= status < 300:
            return response
        if status == 429 or status >= 500:
            error = wp_error(response)
            raise _Transient(
                f"HTTP {status}" + (f" {error.code}" if error and error.code else ""),
                method=method,
                url=str(response.request.url),
                status=status,
                code=error.code if error else None,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                # a 5xx may come after WordPress did the work (a proxy gave up, a fatal
                # error after the insert); a 429 is a refusal before any.
                ambiguous=status != 429 and response.request is request,
            )
        if 300 <= status < 400:
            location = response.headers.get("Location", "")
            raise RemoteError(
                f"{method} {route}: WordPress redirected to {location or '(nowhere)'}",
                status=status,
                method=method,
                url=str(request.url),
                hint="set site.url to the address WordPress redirects to (https? www?)",
            )
        if status == 404 and json_body(response) is None:
            if not plain_before and self._switch_to_plain_permalinks():
                return self._send(
                    method,
                    route,
                    params=params,
                    json=json,
                    content=content,
                    headers=headers,
                    authenticated=authenticated,
                )
            raise RemoteError(
                f"no WordPress REST API at {self.base_url}: {response.request.url} answered "
                "404 with a web page",
                status=404,
                method=method,
                url=str(response.request.url),
                hint="check site.url (the address of the WordPress home page)",
            )
        raise error_message(method, route, response)

    # -- retries

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, self._retry_after_max)
        return float(self._backoff(state))

    def _log_retry(self, method: str, route: str, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        reason = exc.reason if isinstance(exc, _Transient) else type(exc).__name__
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.info(
            "%s %s: %s, retrying in %.2fs (attempt %d of %d)",
            method,
            route,
            reason,
            wait,
            state.attempt_number + 1,
            self._max_attempts,
        )

    def _retrying(self, method: str, route: str) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self._max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Transient),
            before_sleep=functools.partial(self._log_retry, method, route),
            reraise=True,
        )

    def _gave_up(self, exc: _Transient, method: str, route: str) -> TransportError:
        return TransportError(
            f"{method} {route}: no usable answer from {self.base_url} after "
            f"{self._max_attempts} attempt(s) (last: {exc.reason})",
            status=exc.status,
            code=exc.code,
            method=method,
            url=exc.url,
            hint="the site may be down or overloaded; run wpsync again later",
        )

    def _request(
        self,
        method: str,
        route: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send with retries (for requests that are safe to repeat)."""
        try:
            for attempt in self._retrying(method, route):
                with attempt:
                    return self._send(
                        method,
                        route,
                        params=params,
                        json=json,
                        content=content,
                        headers=headers,
                        authenticated=authenticated,
                    )
        except _Transient as exc:
            raise self._gave_up(exc, method, route) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _create(
        self,
        route: str,
        what: str,
        send: Callable[[], httpx.Response],
        parse: Callable[[httpx.Response], T],
        recover: Callable[[], T | None],
    ) -> T:
        """A non-idempotent POST: retried, but after an ambiguous failure look first."""
        ambiguous = False

        def recovered() -> T | None:
            found = recover()
            if found is not None:
                logger.info("POST %s: recovered lost create of %s", route, what)
            return found

        try:
            for attempt in self._retrying("POST", route):
                with attempt:
                    if ambiguous and (found := recovered()) is not None:
                        return found
                    try:
                        return parse(send())
                    except _Transient as exc:
                        ambiguous = ambiguous or exc.ambiguous
                        raise
        except _Transient as exc:
            if ambiguous and (found := recovered()) is not None:
                return found
            raise self._gave_up(exc, "POST", route) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, response: httpx.Response, method: str, route: str) -> Any:
        body = json_body(response)
        if body is None:
            start = response.content[:60].decode("utf-8", "replace")
            raise RemoteError(
                f"{method} {route}: WordPress answered HTTP {response.status_code} with "
                f"something that is not JSON ({start!r}…)",
                status=response.status_code,
                method=method,
                url=str(response.request.url),
                hint="PHP notices printed into the answer break it: set WP_DEBUG_DISPLAY to false",
            )
        return body

    def _paginate(self, route: str, params: Mapping[str, Any]) -> Iterator[Any]:
        page = 1
        while True:
            response = self._request("GET", route, params={**params, "page": page})
            items = self._json(response, "GET", route)
            if not isinstance(items, list):
                raise RemoteError(f"GET {route}: expected a list, got {type(items).__name__}")
            yield from items
            try:
                total = int(response.headers.get("X-WP-TotalPages", "1"))
            except ValueError:
                total = 1
            if page >= total or not items:
                return
            page += 1

    def _send_out_of_band(self, request: httpx.Request) -> httpx.Response:
        """For :meth:`JwtAuth.renew_if_expiring`: one request through the pool, no auth flow."""
        return self._http.send(request, auth=None)

    # -- site

    def index(self) -> dict[str, Any]:
        """The REST index (``/wp-json/``): ``namespaces``, ``authentication``… (for doctor)."""
        body = self._json(self._request("GET", "/", authenticated=False), "GET", "/")
        if not isinstance(body, dict):
            raise RemoteError(f"{self.base_url}: the REST index is not a JSON object")
        return body

    def validate_token(self) -> None:
        """Ask the JWT plugin whether our token is good (raises :class:`AuthError` if not)."""
        if not isinstance(self._auth, JwtAuth):
            raise TypeError("validate_token() needs JWT authentication")
        self._request("POST", "/jwt-auth/v1/token/validate")

    def current_user(self) -> dict[str, Any]:
        """``/wp/v2/users/me`` (context=edit): who WordPress thinks we are."""
        route = "/wp/v2/users/me"
        body = self._json(self._request("GET", route, params={"context": "edit"}), "GET", route)
        return body if isinstance(body, dict) else {}

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
            response = self._request(
                "GET", route, params={"context": "edit", "_fields": POST_FIELDS}
            )
        except RemoteError as exc:
            if exc.code == "rest_post_invalid_id" or exc.status == 410:
                return None
            raise
        return RemotePost.from_json(rest_base, self._json(response, "GET", route))

    def get_post_raw(
        self, rest_base: str, post_id: int, *, context: str = "edit"
    ) -> dict[str, Any]:
        """The whole post as the editor sees it (``context=edit``), for diffs and pull.
        ``context="view"`` for a user who may read the post but not edit it."""
        route = f"/wp/v2/{rest_base}/{post_id}"
        body = self._json(self._request("GET", route, params={"context": context}), "GET", route)
        if not isinstance(body, dict):
            raise RemoteError(f"GET {route}: expected an object")
        return body

    def posts_by_slugs(self, rest_base: str, slugs: Sequence[str]) -> dict[str, RemotePost]:
        """The posts (any status but trash) having these slugs, keyed by the slug asked for.

        WordPress sanitises the slugs of the query as it does a post's (``café`` finds
        ``cafe``); an answer that cannot be told apart locally is settled by asking for
        that slug alone.
        """
        asked = sorted(set(slugs) - {""})
        found: dict[str, RemotePost] = {}
        unmatched: list[RemotePost] = []
        for chunk in chunked_for_query(asked, PER_PAGE, MAX_QUERY_CHARS):
            posts = self._query_slugs(rest_base, chunk)
            if len(chunk) == 1:
                if posts:
                    found[chunk[0]] = _first_of(rest_base, chunk[0], posts)
                continue
            wanted: dict[str, list[str]] = {}
            for slug in chunk:
                wanted.setdefault(normalise_slug(slug), []).append(slug)
            by_slug: dict[str, list[RemotePost]] = {}
            for post in posts:
                keys = wanted.get(normalise_slug(post.slug))
                if keys is None:
                    unmatched.append(post)
                for key in keys or ():
                    by_slug.setdefault(key, []).append(post)
            found.update({k: _first_of(rest_base, k, v) for k, v in by_slug.items()})
        if unmatched:
            for slug in (s for s in asked if s not in found):
                posts = self._query_slugs(rest_base, [slug])
                if posts:
                    found[slug] = _first_of(rest_base, slug, posts)
        return found

    def _query_slugs(self, rest_base: str, slugs: Sequence[str]) -> list[RemotePost]:
        params = {
            "slug": _slug_query(slugs),
            "status": "any",
            "context": "edit",
            "per_page": PER_PAGE,
            "orderby": "id",
            "order": "asc",
            "_fields": POST_FIELDS,
        }
        route = f"/wp/v2/{rest_base}"
        return [RemotePost.from_json(rest_base, item) for item in self._paginate(route, params)]

    def posts_by_ids(self, rest_base: str, ids: Sequence[int]) -> dict[int, RemotePost]:
        """The posts (any status, trash included) with these IDs; missing ones are left out."""
        found: dict[int, RemotePost] = {}
        route = f"/wp/v2/{rest_base}"
        unique = [str(i) for i in sorted(set(ids))]
        for chunk in chunked_for_query(unique, PER_PAGE, MAX_QUERY_CHARS):
            params = {
                "include": ",".join(chunk),
                "status": "any,trash",
                "context": "edit",
                "per_page": PER_PAGE,
                "_fields": POST_FIELDS,
            }
            for item in self._paginate(route, params):
                post = RemotePost.from_json(rest_base, item)
                found[post.id] = post
        # With context=edit WordPress leaves out the posts this user may not edit (another
        # author's): they exist all the same.  Ask again for those in the public view, so a
        # post we cannot edit is never taken for a deleted one (and re-created).
        missing = [i for i in unique if int(i) not in found]
        for chunk in chunked_for_query(missing, PER_PAGE, MAX_QUERY_CHARS):
            params = {
                "include": ",".join(chunk),
                "status": "any,trash",
                "context": "view",
                "per_page": PER_PAGE,
                "_fields": POST_FIELDS,
            }
            for item in self._paginate(route, params):
                post = RemotePost.from_json(rest_base, item)
                found.setdefault(post.id, post)
        return found

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
        for item in self._paginate(f"/wp/v2/{rest_base}", params):
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
        for item in self._paginate(f"/wp/v2/{rest_base}", params):
            if isinstance(item, dict):
                yield item

    def create_post(self, rest_base: str, body: Mapping[str, Any]) -> RemotePost:
        """Create a post; ``body`` must carry an explicit ``slug`` (used to recover a lost create)."""
        slug = body.get("slug")
        if not isinstance(slug, str) or not slug:
            raise ValueError("create_post() needs an explicit slug in the body")
        route = f"/wp/v2/{rest_base}"
        title = body.get("title")
        payload = dict(body)
        return self._create(
            route,
            f"{rest_base} {slug!r}",
            lambda: self._send("POST", route, params={"_fields": POST_FIELDS}, json=payload),
            lambda response: RemotePost.from_json(rest_base, self._json(response, "POST", route)),
            lambda: self._find_created_post(
                rest_base, slug, title if isinstance(title, str) else None
            ),
        )

    def _find_created_post(self, rest_base: str, slug: str, title: str | None) -> RemotePost | None:
        """The post a lost create made: same slug (and same title when we sent one)."""
        item = _match_created(self._lookup_slug_raw(rest_base, slug), title)
        return RemotePost.from_json(rest_base, item) if item is not None else None

    def _lookup_slug_raw(self, rest_base: str, slug: str) -> list[dict[str, Any]]:
        route = f"/wp/v2/{rest_base}"
        params = {
            "slug": _slug_query([slug]),
            "status": "any",
            "context": "edit",
            "per_page": PER_PAGE,
            "_fields": POST_FIELDS + ",title",
        }
        return [i for i in self._paginate(route, params) if isinstance(i, dict)]

    def update_post(self, rest_base: str, post_id: int, body: Mapping[str, Any]) -> RemotePost:
        route = f"/wp/v2/{rest_base}/{post_id}"
        response = self._request("POST", route, params={"_fields": POST_FIELDS}, json=dict(body))
        return RemotePost.from_json(rest_base, self._json(response, "POST", route))

    def delete_post(self, rest_base: str, post_id: int, *, force: bool = False) -> None:
        """Trash (or, with ``force``, delete for good).  Already trashed or gone is fine."""
        route = f"/wp/v2/{rest_base}/{post_id}"
        params = {"force": "true"} if force else None
        try:
            self._request("DELETE", route, params=params)
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
        body: dict[str, Any] = {"name": name}
        if parent:
            body["parent"] = parent
        try:
            # Safe to repeat: a create that went through answers term_exists the second time.
            response = self._request("POST", route, params={"_fields": "id"}, json=body)
            term_id = int(self._json(response, "POST", route)["id"])
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
        for item in self._paginate(f"/wp/v2/{taxonomy_rest_base}", params):
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
        chunks: list[dict[str, Any]] = (
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
            for item in self._paginate(route, {**base, **extra}):
                if isinstance(item, Mapping) and "id" in item:
                    name = html.unescape(str(item.get("name", "")))
                    found[int(item["id"])] = (name, int(item.get("parent", 0) or 0))
        return found

    def find_user(self, login_or_slug: str) -> int | None:
        """A user's ID by login, e-mail or nicename; ``None`` if WordPress knows no such user."""
        with self._cache_lock:
            if login_or_slug in self._users:
                return self._users[login_or_slug]
        route = "/wp/v2/users"
        user_id: int | None = None
        for item in self._paginate(route, {"slug": login_or_slug, "_fields": "id,slug"}):
            user_id = int(item["id"])
            break
        if user_id is None:
            wanted = login_or_slug.strip().lower()
            params = {
                "search": login_or_slug,
                "context": "edit",
                "_fields": "id,username,email,slug",
            }
            try:
                for item in self._paginate(route, {**params, "per_page": PER_PAGE}):
                    names = (item.get("username"), item.get("email"), item.get("slug"))
                    if wanted in (str(n).lower() for n in names if n):
                        user_id = int(item["id"])
                        break
            except RemoteError as exc:
                if isinstance(exc, TransportError) or exc.status not in (401, 403):
                    raise
                logger.debug("cannot search users by login (%s): only nicenames match", exc.code)
        with self._cache_lock:
            self._users[login_or_slug] = user_id
        return user_id

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
    ) -> RemoteMedia:
        """Upload a file (raw body) with its alt text, caption and title in the same request.

        After an ambiguous failure the most recent uploads are searched for the same bytes
        before the file is sent again.
        """
        route = "/wp/v2/media"
        name = safe_filename(filename)
        params: dict[str, str] = {"_fields": MEDIA_FIELDS}
        if alt_text:
            params["alt_text"] = alt_text
        if caption:
            params["caption"] = caption
        if title:
            params["title"] = title
        headers = {"Content-Type": mime, "Content-Disposition": f'attachment; filename="{name}"'}
        digest = hashlib.sha256(data).hexdigest()
        logger.debug("uploading %s as %s (%d bytes)", path, name, len(data))
        return self._create(
            route,
            f"media {name!r}",
            lambda: self._send("POST", route, params=params, content=data, headers=headers),
            lambda response: RemoteMedia.from_json(self._json(response, "POST", route)),
            lambda: self._find_uploaded(name, len(data), digest),
        )

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
        response = self._request("GET", "/wp/v2/media", params=params)
        items = self._json(response, "GET", "/wp/v2/media")
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
                got = self._http.get(source, auth=None)
            except httpx.HTTPError:
                continue
            if got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == digest:
                return RemoteMedia.from_json(item)
        return None

    # -- batch

    def batch(self, requests: Sequence[BatchRequest]) -> list[BatchResponse]:
        """Send through ``/batch/v1`` (``validation: normal``), at most ``max_batch`` per call.

        Raises :class:`BatchUnsupported` when the site has no batch route.  A batch whose
        answer was lost is not re-sent blindly: its creates are looked up by slug first.
        """
        out: list[BatchResponse] = []
        for start in range(0, len(requests), self._max_batch):
            out.extend(self._batch_chunk(list(requests[start : start + self._max_batch])))
        return out

    def _batch_chunk(self, chunk: list[BatchRequest]) -> list[BatchResponse]:
        route = "/batch/v1"
        results: dict[int, BatchResponse] = {}
        pending = list(range(len(chunk)))
        ambiguous = False

        def send() -> list[BatchResponse]:
            body = {
                "validation": "normal",
                "requests": [
                    {
                        "method": chunk[i].method,
                        "path": chunk[i].path,
                        "body": dict(chunk[i].body or {}),
                    }
                    for i in pending
                ],
            }
            try:
                response = self._send("POST", route, json=body)
            except RemoteError as exc:
                if exc.status == 404 and exc.code == "rest_no_route":
                    raise BatchUnsupported(
                        f"{self.base_url} has no batch API (/batch/v1)",
                        status=404,
                        code=exc.code,
                        method="POST",
                        url=exc.url,
                    ) from None
                raise
            answer = self._json(response, "POST", route)
            responses = answer.get("responses") if isinstance(answer, Mapping) else None
            if not isinstance(responses, list) or len(responses) != len(pending):
                raise RemoteError(
                    f"POST {route}: unexpected answer ({len(pending)} requests sent)",
                    status=response.status_code,
                    method="POST",
                    url=str(response.request.url),
                )
            return [
                BatchResponse(int(r.get("status", 0)), r.get("body"))
                if isinstance(r, Mapping)
                else BatchResponse(0, r)
                for r in responses
            ]

        try:
            for attempt in self._retrying("POST", route):
                with attempt:
                    if ambiguous:
                        self._recover_batch_creates(chunk, pending, results)
                    if pending:
                        try:
                            answers = send()
                        except _Transient as exc:
                            ambiguous = ambiguous or exc.ambiguous
                            raise
                        results.update(zip(pending, answers, strict=True))
                        pending = []
        except _Transient as exc:
            raise self._gave_up(exc, "POST", route) from None
        return [results[i] for i in range(len(chunk))]

    def _recover_batch_creates(
        self, chunk: list[BatchRequest], pending: list[int], results: dict[int, BatchResponse]
    ) -> None:
        """After a lost batch answer: creates that did happen get a synthetic 201 answer."""
        creates: dict[str, list[tuple[int, str, str | None]]] = {}
        for i in pending:
            request = chunk[i]
            match = re.fullmatch(r"/wp/v2/([\w-]+)/?", request.path.split("?", 1)[0])
            body = request.body or {}
            slug, title = body.get("slug"), body.get("title")
            if request.method.upper() == "POST" and match and isinstance(slug, str) and slug:
                creates.setdefault(match.group(1), []).append(
                    (i, slug, title if isinstance(title, str) else None)
                )
        for rest_base, wanted in creates.items():
            for i, slug, title in wanted:  # one look-up each: WordPress matches slugs its way
                item = _match_created(self._lookup_slug_raw(rest_base, slug), title)
                if item is not None:
                    logger.info("POST /batch/v1: recovered lost create of %s %r", rest_base, slug)
                    results[i] = BatchResponse(201, item, recovered=True)
                    pending.remove(i)


def _match_created(
    items: Sequence[Mapping[str, Any]], title: str | None
) -> Mapping[str, Any] | None:
    """Among the posts a look-up by one slug found, the one a lost create made: the newest
    with the title we sent (any, when we sent none)."""
    for item in sorted(items, key=lambda i: int(i.get("id", 0)), reverse=True):
        raw_title = item.get("title")
        if isinstance(raw_title, Mapping):
            raw_title = raw_title.get("raw")
        if title is not None and str(raw_title or "").strip() != title.strip():
            continue
        return item
    return None


def _slug_query(slugs: Sequence[str]) -> str:
    """The ``slug=`` value for these slugs.  WordPress compares the query's slugs without
    removing accents as it does when saving (``café`` is stored ``cafe`` but not found by
    ``slug=café``): each slug goes with its accent-free form."""
    values: dict[str, None] = {}
    for slug in slugs:
        values[slug] = None
        values.setdefault(normalise_slug(slug), None)
    return ",".join(values)


def _first_of(rest_base: str, slug: str, posts: Sequence[RemotePost]) -> RemotePost:
    """Drafts may share a slug: use the oldest, and say so."""
    if len(posts) > 1:
        logger.warning(
            "%s: %d posts have the slug %r (ids %s): using %d",
            rest_base,
            len(posts),
            slug,
            ", ".join(str(p.id) for p in posts),
            posts[0].id,
        )
    return posts[0]


def _certificate_problem(exc: BaseException) -> str | None:
    """Why certificate verification failed, if that is what ``exc`` is about."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return str(current.verify_message or "certificate verify failed")
        current = current.__cause__ or current.__context__
    text = str(exc)
    return "certificate verify failed" if "CERTIFICATE_VERIFY_FAILED" in text else None


def _failed_request(exc: httpx.HTTPError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:
        return None


__all__ = [
    "POST_FIELDS",
    "BatchRequest",
    "BatchResponse",
    "BatchUnsupported",
    "RemoteMedia",
    "RemotePost",
    "WordPressClient",
    "parse_retry_after",
]
