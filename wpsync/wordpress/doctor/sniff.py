"""A first look at a site before there is a configuration (``wpsync init``): is the
address a reachable WordPress, and which logins does it offer (a JWT plugin at
jwt-auth/v1, core application passwords)?  Anonymous requests only; the full diagnosis
with the password is ``doctor``'s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wpsync.errors import ConfigError

#: the JWT route wpsync logs in through
JWT_NAMESPACE = "jwt-auth/v1"


def auth_offered(index: Mapping[str, Any]) -> tuple[set[str], bool]:
    """The REST index's namespaces, and whether it advertises application passwords."""
    namespaces = index.get("namespaces")
    authentication = index.get("authentication")
    app_passwords = isinstance(authentication, Mapping) and (
        "application-passwords" in authentication
    )
    return ({str(n) for n in namespaces} if isinstance(namespaces, list) else set(), app_passwords)


@dataclass(frozen=True)
class SiteFacts:
    url: str
    name: str | None
    jwt: bool
    application_passwords: bool
    api_root: str

    @property
    def preferred_auth(self) -> str | None:
        """The login to configure: the JWT plugin when there is one, else application
        passwords, else None (the site offers neither yet)."""
        if self.jwt:
            return "jwt"
        if self.application_passwords:
            return "application-password"
        return None

    @property
    def offered(self) -> str:
        found = [
            *(["the JWT plugin (jwt-auth/v1)"] if self.jwt else []),
            *(["application passwords"] if self.application_passwords else []),
        ]
        return " and ".join(found) or "no login wpsync can use yet"


def normalise_url(text: str) -> str:
    """``blog.example.com/`` → ``https://blog.example.com``."""
    url = text.strip()
    if "://" not in url:
        url = "https://" + url
    return url.rstrip("/")


def sniff_site(url: str, *, timeout: float = 10.0) -> SiteFacts:
    """What ``url`` is, or a :class:`ConfigError` saying why it is not a WordPress site."""
    import httpx

    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{url!r} is not an http(s) address")
    headers = {"Accept": "application/json"}
    try:
        with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as http:
            api_root = f"{url}/wp-json/"
            answer = http.get(api_root)
            if answer.status_code == 404:  # plain permalinks serve the API elsewhere
                api_root = f"{url}/?rest_route=/"
                answer = http.get(api_root)
    except httpx.ConnectError as exc:
        raise ConfigError(
            f"cannot connect to {url}: {exc}", hint="check the address (scheme, host, port)"
        ) from None
    except httpx.TimeoutException:
        raise ConfigError(f"{url} did not answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise ConfigError(f"{url}: {type(exc).__name__}: {exc}") from None
    if 300 <= answer.status_code < 400:
        target = answer.headers.get("Location", "")
        better = httpx.URL(target) if target else None
        where = f"{better.scheme}://{better.netloc.decode()}" if better and better.host else None
        raise ConfigError(
            f"{url} redirects to {target or '(nowhere)'}",
            hint=f"give {where} instead" if where and where != url else None,
        )
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not isinstance(body, Mapping):
        raise ConfigError(
            f"{url} is not a WordPress site with its REST API on "
            f"({api_root} answered HTTP {answer.status_code} without JSON)",
            hint="give the address of the WordPress home page",
        )
    if answer.status_code in (401, 403):  # a guarded index: WordPress, JWT plugin likely
        code = str(body.get("code", ""))
        return SiteFacts(url, None, code.startswith("jwt_auth_"), False, api_root)
    if answer.status_code != 200 or "namespaces" not in body:
        raise ConfigError(
            f"{api_root} answered HTTP {answer.status_code}, not a WordPress REST index",
            hint="give the address of the WordPress home page",
        )
    namespaces, app_passwords = auth_offered(body)
    name = body.get("name")
    return SiteFacts(
        url,
        str(name) if isinstance(name, str) and name else None,
        JWT_NAMESPACE in namespaces,
        app_passwords,
        api_root,
    )


def user_listed(facts: SiteFacts, username: str, *, timeout: float = 10.0) -> bool | None:
    """Is ``username`` among the site's public authors (True), not (False), or cannot
    tell (None)?  WordPress lists only users with published posts to a visitor."""
    import re

    import httpx

    slug = re.sub(r"[^a-z0-9_-]+", "-", username.lower()).strip("-")  # user_nicename
    params = {"slug": slug, "_fields": "slug"}
    if facts.api_root.endswith("/wp-json/"):
        url = f"{facts.api_root}wp/v2/users"
    else:  # httpx replaces a URL's query with ``params``: rest_route goes in with them
        url, params = f"{facts.url}/", {"rest_route": "/wp/v2/users", **params}
    try:
        answer = httpx.get(url, params=params, timeout=timeout)
        body = answer.json()
    except (httpx.HTTPError, ValueError):
        return None
    if answer.status_code != 200 or not isinstance(body, list):
        return None
    return any(isinstance(u, Mapping) and u.get("slug") == slug for u in body)
