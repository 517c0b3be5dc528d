"""JWT tokens: the plugin's routes, what a token's claims say about its life, where a token
is found in the ``/token`` answer, and the private file that keeps tokens between runs.

The flow that fetches and renews tokens is :class:`wpsync.wordpress.auth.JwtAuth`.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import secrets
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from wpsync.config import Secret

logger = logging.getLogger(__name__)

TOKEN_ROUTE = "/jwt-auth/v1/token"
VALIDATE_ROUTE = "/jwt-auth/v1/token/validate"

#: Renew when fewer than this many seconds are left (capped at 10 % of the lifetime,
#: so a short-lived token is not renewed on every request).
RENEW_MARGIN = 60.0
RENEW_FRACTION = 0.1


# --------------------------------------------------------------------------- JWT claims


def jwt_claims(token: str) -> dict[str, object] | None:
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
    """A claim's number (``exp``, ``iat``: a JSON number or a numeric string), else ``None``."""
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


def token_in(body: object) -> str | None:
    """The token in a ``/token`` answer's JSON body: ``token`` (Tmeister), ``data.token``
    (Useful Team) or ``data.jwt`` (Simple JWT Login); ``None`` if there is none."""
    if not isinstance(body, Mapping):
        return None
    value = body.get("token")
    data = body.get("data")
    if value is None and isinstance(data, Mapping):
        value = data.get("token") or data.get("jwt")
    return value if isinstance(value, str) and value else None


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

    def _read_all(self) -> dict[str, object]:
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

    def _write(self, document: Mapping[str, object]) -> None:
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


def rest_route(url: httpx.URL) -> str | None:
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
    return (rest_route(request.url) or "").rstrip("/") == TOKEN_ROUTE
