"""How requests travel: the HTTP transports (plain, TLS, counted), one attempt's failure
worth retrying, and the retry policy.

Retries live here and only here (tenacity): connect errors, timeouts, resets, 429 and
5xx are :class:`Transient` and retried with exponential backoff and jitter, honouring
``Retry-After``; a 4xx fails at once.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import ssl
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from wpsync.config import SiteConfig
from wpsync.errors import TransportError
from wpsync.wordpress.bounded import MB, BoundedTransport, DeadlineTransport
from wpsync.words import plural

logger = logging.getLogger(__name__)

E = TypeVar("E", bound=BaseException)

#: The longest a server's ``Retry-After`` is honoured (seconds).
RETRY_AFTER_MAX = 60.0


class Transient(TransportError):
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


def find_cause(exc: BaseException, kind: type[E]) -> E | None:
    """The first exception of ``kind`` in ``exc``'s chain of causes (``exc`` included)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        current = current.__cause__ or current.__context__
    return None


def certificate_problem(exc: BaseException) -> str | None:
    """Why certificate verification failed, if that is what ``exc`` is about."""
    found = find_cause(exc, ssl.SSLCertVerificationError)
    if found is not None:
        return str(found.verify_message or "certificate verify failed")
    text = str(exc)
    return "certificate verify failed" if "CERTIFICATE_VERIFY_FAILED" in text else None


def failed_request(exc: httpx.HTTPError) -> httpx.Request | None:
    """The request ``exc`` is about, if httpx knows it."""
    try:
        return exc.request
    except RuntimeError:
        return None


# --------------------------------------------------------------------------- transports


class CountingTransport(httpx.BaseTransport):
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


class PlainUntilTLS(httpx.BaseTransport):
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


def transport_for(site: SiteConfig, limits: httpx.Limits) -> httpx.BaseTransport:
    """The transport for ``site``: TLS for an ``https://`` site, else plain until TLS; its
    sockets bounded by the request deadline (:mod:`wpsync.wordpress.bounded`)."""

    def tls() -> httpx.BaseTransport:
        return DeadlineTransport(verify=tls_verify(site), limits=limits)

    if site.url.lower().startswith("https://"):
        return tls()
    return PlainUntilTLS(DeadlineTransport(verify=False, limits=limits), tls)


def bounded(site: SiteConfig, inner: httpx.BaseTransport) -> BoundedTransport:
    """``inner`` under ``site``'s request deadline and answer cap."""
    return BoundedTransport(
        inner,
        seconds=max(site.request_deadline, site.timeout),
        max_bytes=int(site.max_answer_mb * MB),
    )


def tls_verify(site: SiteConfig) -> ssl.SSLContext | bool:
    """What a TLS connection to ``site`` verifies against: nothing, its CA bundle, or the
    system's certificates."""
    if not site.verify_tls:
        return False
    if site.ca_bundle is not None:
        return ssl.create_default_context(cafile=str(site.ca_bundle))
    return True


# --------------------------------------------------------------------------- retries


class RetryPolicy:
    """How often and how patiently one request is tried.

    ``wait_initial`` / ``wait_max`` shape the exponential backoff (tests make them tiny);
    a server's ``Retry-After`` replaces it, capped at ``retry_after_max``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        max_attempts: int,
        wait_initial: float,
        wait_max: float,
        retry_after_max: float = RETRY_AFTER_MAX,
    ) -> None:
        self.base_url = base_url
        self.max_attempts = max_attempts
        self._backoff = wait_exponential_jitter(
            multiplier=wait_initial, max=wait_max, jitter=wait_initial
        )
        self._retry_after_max = retry_after_max

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return min(exc.retry_after, self._retry_after_max)
        return float(self._backoff(state))

    def _log_retry(self, method: str, route: str, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        reason = exc.reason if isinstance(exc, Transient) else type(exc).__name__
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.info(
            "%s %s: %s, retrying in %.2fs (attempt %d of %d)",
            method,
            route,
            reason,
            wait,
            state.attempt_number + 1,
            self.max_attempts,
        )

    def retrying(self, method: str, route: str) -> Retrying:
        """The attempts for one request: iterate, and run each ``with attempt:``."""
        return Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type(Transient),
            before_sleep=functools.partial(self._log_retry, method, route),
            reraise=True,
        )

    def gave_up(self, exc: Transient, method: str, route: str) -> TransportError:
        """The error once every attempt failed (``exc``: the last failure)."""
        return TransportError(
            f"{method} {route}: no usable answer from {self.base_url} after "
            f"{plural(self.max_attempts, 'attempt')} (last: {exc.reason})",
            status=exc.status,
            code=exc.code,
            method=method,
            url=exc.url,
            hint="the site may be down or overloaded; run wpsync again later",
        )
