"""One site's REST API as wpsync reaches it: one ``httpx.Client`` (one connection pool,
no cookies, no redirects), the REST root, and the ways a request is sent.

- :meth:`RestSession.send` — one attempt: a 2xx answer, or :class:`~wpsync.wordpress.
  transport.Transient` (worth retrying) or :class:`~wpsync.errors.RemoteError`.
- :meth:`RestSession.request` — with retries, for requests that are safe to repeat.
- :meth:`RestSession.create` — a non-idempotent POST: when an attempt failed in a way
  that may have happened *after* WordPress received it (read timeout, reset, lost
  answer, 5xx), the next attempt first looks for what the lost one would have created
  and returns it if it is there ("recovered lost create").

The REST root is assumed at ``/wp-json`` (no discovery request on a no-op run); a 404
web page there switches the session to ``/?rest_route=`` (plain permalinks).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, TypeVar

import httpx

from wpsync import __version__
from wpsync.config import SiteConfig
from wpsync.errors import RemoteError, TransportError
from wpsync.wordpress.answers import error_message, json_body, wp_error
from wpsync.wordpress.bounded import (
    MAX_BYTES,
    MB,
    AnswerTooLarge,
    DeadlineExceeded,
    too_large,
)
from wpsync.wordpress.transport import (
    CountingTransport,
    RetryPolicy,
    Transient,
    bounded,
    certificate_problem,
    failed_request,
    parse_retry_after,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")


class RestSession:
    """Requests to one site's REST API, safe to share between threads.

    ``transport`` carries the requests (counted: :attr:`request_count`); ``auth`` is
    applied to each unless it is sent ``authenticated=False``; ``retry`` says how often
    a request is tried.
    """

    def __init__(
        self,
        site: SiteConfig,
        auth: httpx.Auth,
        *,
        transport: httpx.BaseTransport,
        retry: RetryPolicy,
    ) -> None:
        self.base_url = site.url.rstrip("/")
        self.retry = retry
        limited = bounded(site, transport)
        self._deadline = limited.seconds
        self._transport = CountingTransport(limited)
        self._max_pages = site.max_pages
        self._max_media_bytes = int(site.max_media_mb * MB)
        self._http = httpx.Client(
            transport=self._transport,
            auth=auth,
            timeout=httpx.Timeout(site.timeout),
            headers={
                "User-Agent": f"wpsync/{__version__}",
                "Accept": "application/json",
                # the encodings the answer cap can count decoded (bounded.py)
                "Accept-Encoding": "gzip, deflate",
            },
            # No cookie jar: WordPress must see the same stateless request every time
            # (a logged-in or refresh cookie would change how it authenticates us).
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            follow_redirects=False,
        )
        self._plain_permalinks = False
        self._root_lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    @property
    def request_count(self) -> int:
        """HTTP requests actually sent so far (token fetches and retries included)."""
        return self._transport.count

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
                raise Transient(
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

    def send(
        self,
        method: str,
        route: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: object = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        refusal: Callable[[httpx.Response], RemoteError | None] | None = None,
    ) -> httpx.Response:
        """Send once; return a 2xx answer, raise :class:`Transient` or :class:`RemoteError`.

        ``refusal`` reads an error answer first: the error it returns is raised as it is
        (an upload refused for good is not a 5xx worth a retry)."""
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
            if (reason := certificate_problem(exc)) is not None:
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
            raise Transient(
                type(exc).__name__, method=method, url=str(request.url), ambiguous=False
            ) from exc
        except DeadlineExceeded as exc:
            raise Transient(
                f"no complete answer within {self._deadline:g} s (site.request_deadline)",
                method=method,
                url=str(request.url),
                ambiguous=True,
            ) from exc
        except AnswerTooLarge as exc:
            raise too_large(request, exc.max_bytes, route) from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            never_sent = isinstance(
                exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
            )
            raise Transient(
                type(exc).__name__,
                method=method,
                url=str(request.url),
                ambiguous=not never_sent and failed_request(exc) is request,
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
        if refusal is not None and (refused := refusal(response)) is not None:
            raise refused
        if status == 429 or status >= 500:
            error = wp_error(response)
            raise Transient(
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
                return self.send(
                    method,
                    route,
                    params=params,
                    json=json,
                    content=content,
                    headers=headers,
                    authenticated=authenticated,
                    refusal=refusal,
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

    # -- with retries

    def request(
        self,
        method: str,
        route: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: object = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send with retries (for requests that are safe to repeat)."""
        try:
            for attempt in self.retry.retrying(method, route):
                with attempt:
                    return self.send(
                        method,
                        route,
                        params=params,
                        json=json,
                        content=content,
                        headers=headers,
                        authenticated=authenticated,
                    )
        except Transient as exc:
            raise self.retry.gave_up(exc, method, route) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def create(
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
            for attempt in self.retry.retrying("POST", route):
                with attempt:
                    if ambiguous and (found := recovered()) is not None:
                        return found
                    try:
                        return parse(send())
                    except Transient as exc:
                        ambiguous = ambiguous or exc.ambiguous
                        raise
        except Transient as exc:
            if ambiguous and (found := recovered()) is not None:
                return found
            raise self.retry.gave_up(exc, "POST", route) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def decode(self, response: httpx.Response, method: str, route: str) -> Any:
        """The JSON document of a 2xx answer (read field by field where it is used)."""
        body = json_body(response)
        if body is None:
            raise RemoteError(
                f"{method} {route}: WordPress answered HTTP {response.status_code} with "
                f"something that is not JSON ({not_json(response)})",
                status=response.status_code,
                method=method,
                url=str(response.request.url),
                hint="PHP notices printed into the answer break it: set WP_DEBUG_DISPLAY to false",
            )
        return body

    def paginate(self, route: str, params: Mapping[str, Any]) -> Iterator[Any]:
        """Every item of a list route, page after page (``X-WP-TotalPages``).

        At most as many pages as WordPress's counts allow (``X-WP-Total`` / ``per_page``,
        one more for a post published meanwhile) and never more than ``site.max_pages``: a
        server claiming a billion pages is stopped at the first answer.
        """
        page = 1
        allowed = self._max_pages
        while True:
            response = self.request("GET", route, params={**params, "page": page})
            items = self.decode(response, "GET", route)
            if not isinstance(items, list):
                raise RemoteError(f"GET {route}: expected a list, got {type(items).__name__}")
            if page == 1:
                allowed = pages_allowed(route, response.headers, params, self._max_pages)
            yield from items
            total = header_int(response.headers, "X-WP-TotalPages", 1)
            if page >= total or not items:
                return
            if page >= allowed:
                raise too_many_pages(route, allowed, total)
            page += 1

    def send_out_of_band(self, request: httpx.Request) -> httpx.Response:
        """For :meth:`JwtAuth.renew_if_expiring`: one request through the pool, no auth flow."""
        return self._http.send(request, auth=None)

    def fetch(self, url: str) -> httpx.Response:
        """GET any URL (a media file) through the pool, once, without credentials, at most
        ``site.max_media_mb`` long (:class:`~wpsync.wordpress.bounded.AnswerTooLarge`)."""
        return self._http.get(url, auth=None, extensions={MAX_BYTES: self._max_media_bytes})


# --------------------------------------------------------------------------- answers in messages


def not_json(response: httpx.Response) -> str:
    """What a non-JSON answer is, for a message: its type and length, never its text (it
    may echo anything, credentials included)."""
    kind = response.headers.get("Content-Type", "").split(";", 1)[0].strip() or "no type"
    return f"{kind[:60]}, {len(response.content)} bytes"


def header_int(headers: httpx.Headers, name: str, default: int) -> int:
    """A whole-number header, ``default`` when absent or not a number."""
    try:
        return int(headers.get(name, ""))
    except ValueError:
        return default


def pages_allowed(
    route: str, headers: httpx.Headers, params: Mapping[str, Any], ceiling: int
) -> int:
    """How many pages of a listing to follow, from the first page's counts.

    ``X-WP-TotalPages`` above ``ceiling`` or above what ``X-WP-Total`` allows is refused
    at once (:func:`too_many_pages`)."""
    pages = header_int(headers, "X-WP-TotalPages", 1)
    total = header_int(headers, "X-WP-Total", -1)
    per_page = int(params.get("per_page", 10) or 10)
    allowed = ceiling
    if total >= 0:
        allowed = min(ceiling, -(-total // max(per_page, 1)) + 1)
    if pages > allowed:
        raise too_many_pages(route, allowed, pages)
    return allowed


def too_many_pages(route: str, allowed: int, claimed: int) -> RemoteError:
    return RemoteError(
        f"GET {route}: WordPress reports {claimed} pages, more than the {allowed} wpsync "
        "follows (its item count and site.max_pages)",
        code="too_many_pages",
        method="GET",
        hint="a misbehaving server or plugin; if the site is really that large, raise "
        "site.max_pages",
    )
