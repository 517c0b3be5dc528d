"""Authentication: the ``httpx.Auth`` flows that attach credentials to every request and
fetch, cache and renew a JWT.

Two flows, both built by :func:`make_auth`:

- :class:`JwtAuth` — ``Authorization: Bearer <token>`` for the "JWT Authentication for
  WP REST API" plugin (Tmeister) and look-alikes (Useful Team's JWT Auth, Simple JWT
  Login's expiry code).  The token is fetched lazily, kept in a private
  :class:`~wpsync.wordpress.tokens.TokenCache` file across runs, renewed before ``exp``
  and, once, after an expiry answer.
- :class:`ApplicationPasswordAuth` — HTTP Basic with a core Application Password.

A flow raises :class:`~wpsync.errors.AuthError` for answers that are about credentials
(what they mean is :mod:`wpsync.wordpress.answers`'s to say); anything else (5xx, 429, a
404 web page because the REST API is not at ``/wp-json``) is handed back to the client
as the response, for its retry and discovery logic.

Secrets: the password and the token are revealed only where the header or the token
request body is built; ``repr`` of every object here is masked.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Generator
from pathlib import Path

import httpx

from wpsync.config import Secret, SiteConfig
from wpsync.errors import AuthError, TransportError
from wpsync.logsetup import register_secret
from wpsync.wordpress.answers import (
    describe,
    is_token_rejected,
    json_body,
    request_auth_error,
    token_endpoint_error,
    wp_error,
)
from wpsync.wordpress.tokens import (
    TOKEN_ROUTE,
    Token,
    TokenCache,
    is_token_request,
    token_in,
    token_url_for,
)

logger = logging.getLogger(__name__)


def basic_authorization(username: str, password: Secret) -> str:
    """The ``Authorization`` header value of HTTP Basic for ``username`` and ``password``."""
    pair = f"{username}:{password.reveal()}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


# --------------------------------------------------------------------------- JWT


Sender = Callable[[httpx.Request], httpx.Response]
Flow = Generator[httpx.Request, httpx.Response, None]


class JwtAuth(httpx.Auth):
    """Bearer-token auth for the JWT plugins: lazy fetch, cache, proactive and reactive renewal.

    Thread-safe: one lock serialises renewals, so when many threads see the token expire
    only one asks ``/token`` and the others use its answer.
    """

    requires_response_body = True

    def __init__(
        self,
        site_url: str,
        username: str,
        password: Secret,
        *,
        cache: TokenCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.site_url = site_url.rstrip("/")
        self.username = username
        self._password = password
        register_secret(password.reveal())
        self._cache = cache
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._cache_checked = cache is None
        self._token_url = f"{self.site_url}/wp-json{TOKEN_ROUTE}"
        self._sender: Sender | None = None
        #: how many times a token was requested from WordPress (for tests and reports)
        self.token_fetches = 0

    def __repr__(self) -> str:
        return f"JwtAuth(site_url={self.site_url!r}, username={self.username!r})"

    # -- public

    @property
    def token_expires_at(self) -> float | None:
        """``exp`` of the current token (epoch seconds), ``None`` if none yet or no claim."""
        token = self._token
        return token.exp if token is not None else None

    def bind(self, sender: Sender) -> None:
        """Give the auth a way to send a request outside a flow (for :meth:`renew_if_expiring`)."""
        self._sender = sender

    def renew_if_expiring(self) -> bool:
        """Fetch a new token now if the current one is missing, expired or about to be.

        For a scheduler job.  Needs :meth:`bind` (``WordPressClient`` does it).  Returns
        whether a token was fetched; raises :class:`AuthError` if WordPress refuses.
        """
        if self._sender is None:
            raise RuntimeError("JwtAuth.renew_if_expiring() needs bind(sender) first")
        if not self._needs_token():
            return False
        before = self.token_fetches
        flow = self._obtain(stale=None)
        try:
            request = next(flow)
            while True:
                request = flow.send(self._sender(request))
        except StopIteration as stop:
            result = stop.value
        finally:
            flow.close()
        if isinstance(result, httpx.Response):
            raise TransportError(
                f"could not renew the token: {result.request.url.path} answered "
                f"HTTP {result.status_code}",
                status=result.status_code,
                method="POST",
                url=str(result.request.url),
            )
        return self.token_fetches > before

    def forget(self) -> None:
        """Drop the token (memory and cache): the next request logs in again."""
        with self._lock:
            self._token = None
            self._cache_checked = True
            if self._cache is not None:
                self._cache.forget(self.site_url, self.username)

    # -- the httpx flow

    def sync_auth_flow(self, request: httpx.Request) -> Flow:
        # httpx's own version leaves the inner generator to the garbage collector when the
        # request fails; ours closes it at once, so a renewal lock never outlives its request.
        flow = self.auth_flow(request)
        try:
            request = next(flow)
            while True:
                response = yield request
                response.read()
                try:
                    request = flow.send(response)
                except StopIteration:
                    break
        finally:
            flow.close()

    def auth_flow(self, request: httpx.Request) -> Flow:
        if is_token_request(request):
            request.headers.pop("Authorization", None)  # never a stale Bearer to /token
            yield request
            return
        self._token_url = token_url_for(request.url, self._token_url)
        obtained = yield from self._obtain(stale=None)
        if isinstance(obtained, httpx.Response):
            return  # the token endpoint's answer (5xx, 429, web page) goes to the client
        request.headers["Authorization"] = f"Bearer {obtained.reveal()}"
        response = yield request
        if not is_token_rejected(response):
            self._raise_auth_error(response)
            return
        logger.info("token rejected (%s): fetching a new one", describe(response))
        obtained = yield from self._obtain(stale=obtained)
        if isinstance(obtained, httpx.Response):
            return
        request.headers["Authorization"] = f"Bearer {obtained.reveal()}"
        response = yield request
        self._raise_auth_error(response)

    @staticmethod
    def _raise_auth_error(response: httpx.Response) -> None:
        if response.status_code >= 400:
            error = request_auth_error(response, scheme="jwt")
            if error is not None:
                raise error

    # -- token bookkeeping

    def _needs_token(self) -> bool:
        token = self._token
        return token is None or token.is_expiring(self._clock())

    def _obtain(
        self, stale: Secret | None
    ) -> Generator[httpx.Request, httpx.Response, Secret | httpx.Response]:
        """The token to use (``stale``: the one just rejected), fetching one if needed.

        Returns the token, or the ``/token`` answer when it was not about credentials.
        """
        token = self._token
        if token is not None and token.value != stale and not token.is_expiring(self._clock()):
            return token.value
        with self._lock:
            token = self._token
            if stale is None and token is None and not self._cache_checked:
                self._cache_checked = True
                assert self._cache is not None
                cached = self._cache.load(self.site_url, self.username)
                if cached is not None and not cached.is_expiring(self._clock()):
                    register_secret(cached.value.reveal())
                    logger.debug("using the cached token for %s", self.username)
                    self._token = token = cached
            if token is not None and token.value != stale and not token.is_expiring(self._clock()):
                return token.value
            if token is not None and stale is None:
                logger.info("token expires soon: fetching a new one")
            response = yield self._token_request()
            self.token_fetches += 1
            if response.status_code != 200:
                error = token_endpoint_error(response, self.site_url, self.username)
                if error is not None:
                    raise error
                logger.debug("token request answered HTTP %d", response.status_code)
                return response
            new = self._parse_token(response)
            self._token = new
            if self._cache is not None:
                self._cache.store(self.site_url, self.username, new)
            return new.value

    def _token_request(self) -> httpx.Request:
        return httpx.Request(
            "POST",
            self._token_url,
            json={"username": self.username, "password": self._password.reveal()},
            headers={"Accept": "application/json"},
        )

    def _parse_token(self, response: httpx.Response) -> Token:
        value = token_in(json_body(response))
        if value is None:
            raise AuthError(
                f"{self.site_url}: the token endpoint answered without a token",
                code="jwt_auth_no_token",
                hint="is a plugin other than 'JWT Authentication for WP REST API' "
                "serving jwt-auth/v1?",
            )
        register_secret(value)
        token = Token.parse(value)
        if token.exp is None:
            logger.debug("the token has no exp claim: it will be renewed only when refused")
        return token


# --------------------------------------------------------------------------- application passwords


class ApplicationPasswordAuth(httpx.Auth):
    """HTTP Basic with a core Application Password; ``repr`` never shows it."""

    requires_response_body = True

    def __init__(self, site_url: str, username: str, password: Secret) -> None:
        self.site_url = site_url.rstrip("/")
        self.username = username
        self._password = password
        register_secret(password.reveal())

    def __repr__(self) -> str:
        return f"ApplicationPasswordAuth(site_url={self.site_url!r}, username={self.username!r})"

    def auth_flow(self, request: httpx.Request) -> Flow:
        request.headers["Authorization"] = basic_authorization(self.username, self._password)
        response = yield request
        if response.status_code >= 400:
            error = self._error(response)
            if error is not None:
                raise error

    def _error(self, response: httpx.Response) -> AuthError | None:
        error = wp_error(response)
        code = error.code if error is not None else None
        if code == "incorrect_password":
            return AuthError(
                f"WordPress rejected the application password for user {self.username!r}",
                code=code,
                hint="create one under Users → Profile → Application Passwords; the login "
                "password does not work here",
            )
        if code in ("invalid_username", "invalid_email"):
            return AuthError(
                f"WordPress has no user {self.username!r}",
                code=code,
                hint="check site.username (the login name or e-mail address)",
            )
        if code == "application_passwords_disabled":
            return AuthError(
                f"application passwords are disabled on {self.site_url}",
                code=code,
                hint="they need HTTPS (or WP_ENVIRONMENT_TYPE 'local') and no plugin disabling "
                'them; or use site.auth = "jwt"',
            )
        if code == "application_passwords_disabled_for_user":
            return AuthError(
                f"application passwords are disabled for user {self.username!r}",
                code=code,
                hint='a plugin or the site owner disabled them for this user; or use site.auth = "jwt"',
            )
        return request_auth_error(response, scheme="application-password", username=self.username)


# --------------------------------------------------------------------------- factory


def make_auth(site: SiteConfig, password: Secret, token_cache: Path | None) -> httpx.Auth:
    """The auth flow ``site.auth`` names (``jwt`` or ``application-password``)."""
    if site.auth == "application-password":
        return ApplicationPasswordAuth(site.url, site.username, password)
    cache = TokenCache(token_cache) if token_cache is not None else None
    return JwtAuth(site.url, site.username, password, cache=cache)
