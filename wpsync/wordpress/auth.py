"""Authentication: where a JWT is fetched, cached, renewed — and where WordPress's
answers about credentials are understood.

Two ``httpx.Auth`` flows, both built by :func:`make_auth`:

- :class:`JwtAuth` — ``Authorization: Bearer <token>`` for the "JWT Authentication for
  WP REST API" plugin (Tmeister) and look-alikes (Useful Team's JWT Auth, Simple JWT
  Login's expiry code).  The token is fetched lazily, kept in a private :class:`TokenCache`
  file across runs, renewed before ``exp`` and, once, after an expiry answer.
- :class:`ApplicationPasswordAuth` — HTTP Basic with a core Application Password.

A flow raises :class:`~wpsync.errors.AuthError` for answers that are about credentials;
anything else (5xx, 429, a 404 web page because the REST API is not at ``/wp-json``)
is handed back to the client as the response, for its retry and discovery logic.

Secrets: the password and the token are revealed only where the header or the token
request body is built; ``repr`` of every object here is masked.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import logging
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from wpsync.config import Secret, SiteConfig
from wpsync.errors import AuthError, TransportError
from wpsync.logsetup import register_secret

logger = logging.getLogger(__name__)

TOKEN_ROUTE = "/jwt-auth/v1/token"
VALIDATE_ROUTE = "/jwt-auth/v1/token/validate"

#: Renew when fewer than this many seconds are left (capped at 10 % of the lifetime,
#: so a short-lived token is not renewed on every request).
RENEW_MARGIN = 60.0
RENEW_FRACTION = 0.1

HEADER_HINT = (
    "make the web server pass the Authorization header to PHP — Apache: "
    '`SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1` or `CGIPassAuth On`; '
    "nginx + php-fpm: `fastcgi_param HTTP_AUTHORIZATION $http_authorization;`"
)


# --------------------------------------------------------------------------- WordPress error bodies


@dataclass(frozen=True)
class WpErrorBody:
    """The ``{"code", "message", "data"}`` of a WordPress error answer, message as plain text."""

    status: int
    code: str | None
    message: str
    data: Any


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(message: str, limit: int = 300) -> str:
    """WordPress error messages carry HTML (``<strong>Error:</strong> …``): strip it."""
    text = _SPACE.sub(" ", html.unescape(_TAG.sub("", message))).strip()
    if text.lower().startswith("error: "):
        text = text[len("error: ") :]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_body(response: httpx.Response) -> Any:
    """The decoded JSON body, or ``None`` when the answer is not JSON (an HTML page…)."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None


def wp_error(response: httpx.Response) -> WpErrorBody | None:
    """The WordPress error in ``response``, if its body is one (or Simple JWT Login's shape)."""
    body = json_body(response)
    if not isinstance(body, Mapping):
        return None
    code = body.get("code")
    message = body.get("message")
    data = body.get("data")
    if code is None and body.get("success") is False and isinstance(data, Mapping):
        # Simple JWT Login: {"success": false, "data": {"message", "errorCode"}}
        error_code = data.get("errorCode")
        return WpErrorBody(
            response.status_code,
            f"simple_jwt_login_{error_code}" if error_code is not None else None,
            plain_text(str(data.get("message", ""))),
            data,
        )
    if not isinstance(code, str):
        return None
    return WpErrorBody(response.status_code, code, plain_text(str(message or "")), data)


def _sent_credentials(request: httpx.Request) -> bool:
    return "authorization" in request.headers


def anonymous_refusal(response: httpx.Response) -> str | None:
    """The code of core's refusal of a request it treated as anonymous, if this is one.

    Core answers 401 (never 403) when nobody is logged in: ``rest_cannot_*``,
    ``rest_forbidden*``; a forbidden ``status=any`` filter arrives as 400
    ``rest_invalid_param`` whose ``details`` carry ``rest_forbidden_status`` with 401.
    """
    error = wp_error(response)
    if error is None or error.code is None:
        return None
    if response.status_code == 401 and _is_refusal_code(error.code):
        return error.code
    if response.status_code == 400 and error.code == "rest_invalid_param":
        details = error.data.get("details") if isinstance(error.data, Mapping) else None
        for detail in details.values() if isinstance(details, Mapping) else ():
            if not isinstance(detail, Mapping):
                continue
            code, data = detail.get("code"), detail.get("data")
            if (
                isinstance(code, str)
                and _is_refusal_code(code)
                and isinstance(data, Mapping)
                and data.get("status") == 401
            ):
                return code
    return None


def is_token_rejected(response: httpx.Response) -> bool:
    """Does ``response`` say the token we sent is expired or no longer accepted?

    Tmeister: 403 ``jwt_auth_invalid_token`` (any message) or ``jwt_auth_bad_iss``.
    Useful Team: 401 ``jwt_auth_*``, or — the token silently ignored — core's refusal of
    an anonymous request (see :func:`anonymous_refusal`).  Simple JWT Login: ``errorCode`` 14.
    Only meaningful for a request that carried a token.
    """
    if not _sent_credentials(response.request):
        return False
    error = wp_error(response)
    if error is None or error.code is None:
        return False
    if error.code == "simple_jwt_login_14":
        return True
    if response.status_code == 403:
        return error.code in ("jwt_auth_invalid_token", "jwt_auth_bad_iss")
    if response.status_code == 401 and error.code.startswith("jwt_auth_"):
        return True
    return anonymous_refusal(response) is not None


def _is_refusal_code(code: str) -> bool:
    return code.startswith("rest_cannot_") or code.startswith("rest_forbidden")


# --------------------------------------------------------------------------- JWT claims


def jwt_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT, decoded without verification (``None`` if not a JWT)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True, repr=False)
class Token:
    """A bearer token and what its claims say about its life (``exp``/``iat``, epoch seconds)."""

    value: Secret
    exp: float | None
    iat: float | None

    @classmethod
    def parse(cls, value: str) -> Token:
        claims = jwt_claims(value) or {}
        return cls(Secret(value), as_number(claims.get("exp")), as_number(claims.get("iat")))

    def renew_margin(self) -> float:
        if self.exp is not None and self.iat is not None and self.exp > self.iat:
            return min(RENEW_MARGIN, RENEW_FRACTION * (self.exp - self.iat))
        return RENEW_MARGIN

    def is_expiring(self, now: float) -> bool:
        """Expired or about to: renew before using it.  A token without ``exp`` never is."""
        return self.exp is not None and self.exp - now <= self.renew_margin()

    def __repr__(self) -> str:
        return f"Token(value=********, exp={self.exp!r})"


# --------------------------------------------------------------------------- token cache


class TokenCache:
    """Tokens kept between runs, so a git hook does not log in on every commit.

    One private JSON file (mode 0600, replaced atomically) holding
    ``{"version": 1, "tokens": {"<site> <username>": {"site", "username", "token", "exp"}}}``.
    A file other users could read is tightened and its tokens ignored; an unreadable or
    corrupt file is ignored (the cache is an optimisation, never a source of truth).
    """

    VERSION = 1

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenCache({str(self.path)!r})"

    @staticmethod
    def _key(site: str, username: str) -> str:
        return f"{site.rstrip('/')} {username}"

    def _read_all(self) -> dict[str, Any]:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return {}
        except OSError as exc:
            logger.warning("ignoring token cache %s: %s", self.path, exc.strerror)
            return {}
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                logger.warning("ignoring token cache %s: not a regular file", self.path)
                return {}
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                logger.warning("ignoring token cache %s: owned by another user", self.path)
                return {}
            if info.st_mode & 0o077:
                os.fchmod(fd, 0o600)
                logger.warning(
                    "token cache %s was readable by other users (mode %o): tightened to 0600 "
                    "and its tokens discarded",
                    self.path,
                    stat.S_IMODE(info.st_mode),
                )
                return {}
            with os.fdopen(fd, "rb", closefd=False) as handle:
                raw = handle.read(1_000_000)
        except OSError as exc:
            logger.warning("ignoring token cache %s: %s", self.path, exc.strerror)
            return {}
        finally:
            os.close(fd)
        try:
            document = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            logger.warning("ignoring token cache %s: not valid JSON", self.path)
            return {}
        if not isinstance(document, dict) or document.get("version") != self.VERSION:
            logger.warning("ignoring token cache %s: unknown format", self.path)
            return {}
        tokens = document.get("tokens")
        return tokens if isinstance(tokens, dict) else {}

    def load(self, site: str, username: str) -> Token | None:
        with self._lock:
            entry = self._read_all().get(self._key(site, username))
        if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
            return None
        if entry.get("site") != site.rstrip("/") or entry.get("username") != username:
            return None
        return Token.parse(entry["token"])

    def store(self, site: str, username: str, token: Token) -> None:
        """Remember ``token``; a failure to write is logged, never raised."""
        with self._lock:
            tokens = self._read_all()
            tokens[self._key(site, username)] = {
                "site": site.rstrip("/"),
                "username": username,
                "token": token.value.reveal(),
                "exp": token.exp,
            }
            try:
                self._write({"version": self.VERSION, "tokens": tokens})
            except OSError as exc:
                logger.warning("could not write token cache %s: %s", self.path, exc.strerror)

    def forget(self, site: str, username: str) -> None:
        with self._lock:
            tokens = self._read_all()
            if tokens.pop(self._key(site, username), None) is None:
                return
            try:
                self._write({"version": self.VERSION, "tokens": tokens})
            except OSError as exc:
                logger.warning("could not write token cache %s: %s", self.path, exc.strerror)

    def _write(self, document: Mapping[str, Any]) -> None:
        directory = self.path.parent
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = directory / f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps(document, sort_keys=True).encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


# --------------------------------------------------------------------------- routes


def _rest_route(url: httpx.URL) -> str | None:
    """The REST route a URL addresses (``/wp/v2/posts``), for both permalink styles."""
    if "rest_route" in url.params:
        return url.params["rest_route"]
    path = url.path
    marker = "/wp-json"
    at = path.find(marker + "/")
    if at >= 0:
        return path[at + len(marker) :]
    return path if path.endswith(marker) else None


def token_url_for(url: httpx.URL | str, default: str) -> str:
    """The ``/token`` URL on the same REST root as ``url`` (pretty or plain permalinks)."""
    url = httpx.URL(url)
    if "rest_route" in url.params:
        return str(url.copy_with(query=None).copy_merge_params({"rest_route": TOKEN_ROUTE}))
    path = url.path
    at = path.find("/wp-json/")
    if at >= 0:
        parts = urlsplit(str(url))
        return urlunsplit(
            (parts.scheme, parts.netloc, path[:at] + "/wp-json" + TOKEN_ROUTE, "", "")
        )
    return default


def is_token_request(request: httpx.Request) -> bool:
    return (_rest_route(request.url) or "").rstrip("/") == TOKEN_ROUTE


# --------------------------------------------------------------------------- errors about credentials


def token_endpoint_error(
    response: httpx.Response, site_url: str, username: str
) -> AuthError | None:
    """The :class:`AuthError` a failed ``/token`` answer means, or ``None`` if it is not about
    credentials (a 5xx, a 429, a web page: the client's retry and discovery handle those)."""
    error = wp_error(response)
    status = response.status_code
    if error is None or error.code is None:
        return None
    code = error.code.removeprefix("[jwt_auth] ").removeprefix("jwt_auth_")
    if status == 404 and error.code == "rest_no_route":
        return AuthError(
            f"the JWT Authentication plugin is not active on {site_url} (no jwt-auth/v1 route)",
            code="jwt_auth_missing",
            hint="install and activate 'JWT Authentication for WP REST API', "
            'or set site.auth = "application-password"',
        )
    if error.code == "jwt_auth_bad_config":  # Tmeister: 403; Useful Team: 500
        return AuthError(
            "the JWT plugin is active but not configured: define JWT_AUTH_SECRET_KEY in "
            "wp-config.php",
            code=error.code,
            hint="add define('JWT_AUTH_SECRET_KEY', '<a long random string>'); to wp-config.php",
        )
    if status >= 500 or status == 429:
        return None
    if "incorrect_password" in code:
        return AuthError(
            f"WordPress rejected the password for user {username!r}",
            code=error.code,
            hint="check the password wpsync is given (site.password_env / site.password_command)",
        )
    if code in ("invalid_username", "invalid_email", "user_not_found", "invalid_user"):
        return AuthError(
            f"WordPress has no user {username!r}",
            code=error.code,
            hint="check site.username (the login name or e-mail address)",
        )
    if code in ("empty_username", "empty_password"):
        return AuthError(
            f"WordPress says the {code.removeprefix('empty_')} is empty",
            code=error.code,
            hint="check site.username and the password wpsync is given",
        )
    if 400 <= status < 500:
        return AuthError(
            f"WordPress refused to issue a token for user {username!r}: {error.message} "
            f"({error.code})",
            code=error.code,
            hint="check the JWT plugin's settings and any security plugin on the site",
        )
    return None


def request_auth_error(
    response: httpx.Response, *, scheme: str, username: str = ""
) -> AuthError | None:
    """The :class:`AuthError` an answer to an authenticated request means, if any.

    Called on the answer *after* any renewal: an anonymous refusal although credentials
    were sent means WordPress never saw them; a JWT refused right after it was issued is
    a configuration problem, not an expiry.
    """
    error = wp_error(response)
    if error is None or error.code is None:
        return None
    code = error.code
    if code == "jwt_auth_no_auth_header":
        return AuthError(
            "the Authorization header does not reach WordPress (jwt_auth_no_auth_header)",
            code=code,
            hint=HEADER_HINT,
        )
    if code in ("jwt_auth_bad_config",):
        return AuthError(
            "the JWT plugin is active but not configured: define JWT_AUTH_SECRET_KEY in "
            "wp-config.php",
            code=code,
            hint="add define('JWT_AUTH_SECRET_KEY', '<a long random string>'); to wp-config.php",
        )
    if code in ("jwt_auth_bad_auth_header", "jwt_auth_bad_request"):
        return AuthError(
            f"WordPress could not use the Authorization header: {error.message} ({code})",
            code=code,
            hint="a proxy or security plugin may be rewriting the Authorization header",
        )
    if _sent_credentials(response.request) and (refusal := anonymous_refusal(response)):
        if scheme != "jwt":
            return AuthError(
                f"WordPress did not accept the application password for user {username!r}: "
                f"it answered as if nobody were logged in ({refusal})",
                code="authorization_ignored",
                hint="check the user and the application password (Users → Profile → "
                "Application Passwords; the login password does not work here); if they are "
                "right, the server drops the Authorization header: " + HEADER_HINT,
            )
        return AuthError(
            "WordPress treated the request as anonymous although a token was sent "
            f"({refusal}): the Authorization header probably does not reach PHP",
            code="authorization_ignored",
            hint=HEADER_HINT,
        )
    if scheme != "jwt" or not _sent_credentials(response.request):
        return None
    rejected = (
        response.status_code == 403 and code in ("jwt_auth_invalid_token", "jwt_auth_bad_iss")
    ) or (response.status_code == 401 and code.startswith("jwt_auth_"))
    if rejected or code == "simple_jwt_login_14":
        return AuthError(
            f"WordPress rejected a freshly issued token: {error.message} ({code})",
            code=code,
            hint="the site's JWT_AUTH_SECRET_KEY or address may be changing between requests, "
            "or the server clock is wrong",
        )
    return None


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
        logger.info("token rejected (%s): fetching a new one", _describe(response))
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
        body = json_body(response)
        value: object = None
        if isinstance(body, Mapping):
            value = body.get("token")  # Tmeister
            data = body.get("data")
            if value is None and isinstance(data, Mapping):
                value = data.get("token") or data.get("jwt")  # Useful Team, Simple JWT Login
        if not isinstance(value, str) or not value:
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


def _describe(response: httpx.Response) -> str:
    error = wp_error(response)
    code = error.code if error is not None else None
    return f"HTTP {response.status_code} {code}" if code else f"HTTP {response.status_code}"


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
        pair = f"{self.username}:{self._password.reveal()}".encode()
        request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
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
