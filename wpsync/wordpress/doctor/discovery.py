"""Doctor: where the REST API is (``/wp-json/`` or ``/?rest_route=``), and which
authentication the site offers (a JWT plugin at jwt-auth/v1, core application passwords)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from wpsync.config import Secret
from wpsync.errors import RemoteError, TransportError
from wpsync.wordpress.doctor.diagnosis import PLUGIN_NAMES, Diagnosis
from wpsync.wordpress.doctor.report import FAIL, OK, make_check
from wpsync.wordpress.doctor.sniff import auth_offered

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient


def check_rest_api(d: Diagnosis) -> None:
    """Where the REST API is, read through the client (one attempt) as a sync finds it."""
    from wpsync.wordpress.client import WordPressClient

    site = dataclasses.replace(d.site, max_attempts=1)
    client = WordPressClient(site, d.password or Secret(""), token_cache=None)
    try:
        d.index = client.index()
    except TransportError as exc:
        d.add(
            make_check(
                "rest_api",
                FAIL,
                f"no usable answer from the REST API: {exc}",
                "the site may be down or overloaded; try again",
                code=exc.code,
            )
        )
        return
    except RemoteError as exc:
        _root(d, client)
        if exc.code is not None and exc.status in (401, 403):
            # The index is guarded (Useful Team's JWT Auth, a security plugin): the
            # API is there; the plugins are read from the index once we have a token.
            if exc.code.startswith("jwt_auth_"):
                d.flavour = "useful-team"
            d.add(
                make_check(
                    "rest_api",
                    OK,
                    f"found at {_root_text(d)}; its index needs a login "
                    f"(HTTP {exc.status} {exc.code})",
                )
            )
            return
        said = str(exc)
        d.add(
            make_check(
                "rest_api",
                FAIL,
                # the error may say "no WordPress REST API at …" itself: not twice
                said
                if said.startswith("no WordPress REST API")
                else f"no WordPress REST API at {d.site.url}: {said}",
                "check site.url (the address of the WordPress home page); a security "
                "plugin may have switched the REST API off",
                code=exc.code,
            )
        )
        return
    finally:
        client.close()
    _root(d, client)
    _settle_reachable(d)
    name = d.index.get("name") if isinstance(d.index, Mapping) else None
    where = _root_text(d)
    if d.plain_permalinks:
        d.add(
            make_check(
                "rest_api",
                OK,
                f"found at {where} (plain permalinks; /wp-json/ is not served)"
                + (f": {name!r}" if name else ""),
                "optional: pretty permalinks (Settings → Permalinks → Post name) "
                "give the API its usual /wp-json/ address",
            )
        )
    else:
        d.add(make_check("rest_api", OK, f"found at {where}" + (f": {name!r}" if name else "")))


def _settle_reachable(d: Diagnosis) -> None:
    """The REST API answered: an error status of ``/wp-json/`` (plain permalinks serve
    it elsewhere) no longer makes "site reachable" a warning."""
    for i, check in enumerate(d.checks):
        if check.name == "reachable" and check.code == "http_error" and d.plain_permalinks:
            tls = check.message.rpartition("; ")[2]
            d.checks[i] = dataclasses.replace(
                check,
                status=OK if check.fix == "see the REST API check below" else check.status,
                message=f"{d.site.url} answers (the REST API at /?rest_route=/); {tls}",
                fix=None if check.fix == "see the REST API check below" else "use https://",
                code=None,
            )


def _root(d: Diagnosis, client: WordPressClient) -> None:
    d.api_root = client.api_root
    d.plain_permalinks = "rest_route=" in d.api_root
    d.facts["api_root"] = d.api_root


def _root_text(d: Diagnosis) -> str:
    return "/?rest_route=/" if d.plain_permalinks else "/wp-json/"


def _namespaces(d: Diagnosis) -> tuple[set[str], bool] | None:
    if not isinstance(d.index, Mapping):
        return None
    return auth_offered(d.index)


def check_auth_plugin(d: Diagnosis) -> None:
    """Which auth the site offers (after the token answer told the JWT flavour)."""
    found = _namespaces(d)
    if found is None:
        if d.flavour is not None:
            d.add(
                make_check(
                    "auth_plugin",
                    OK,
                    f"{PLUGIN_NAMES[d.flavour]} at jwt-auth/v1 (told by its answers; "
                    "the REST index could not be read)",
                )
            )
        return
    namespaces, app_passwords = found
    d.facts["namespaces"] = sorted(namespaces)
    d.facts["application_passwords"] = app_passwords
    offered: list[str] = []
    if "jwt-auth/v1" in namespaces:
        flavour = PLUGIN_NAMES[d.flavour] if d.flavour else "a JWT plugin"
        offered.append(f"{flavour} at jwt-auth/v1")
    if "simple-jwt-login/v1" in namespaces:
        offered.append("Simple JWT Login at simple-jwt-login/v1")
    if app_passwords:
        offered.append("core application passwords")
    listing = "; ".join(offered) or "no authentication plugin and no application passwords"
    d.facts["jwt_flavour"] = d.flavour
    if d.site.auth == "jwt":
        if "jwt-auth/v1" in namespaces:
            d.add(make_check("auth_plugin", OK, listing))
            return
        alternative = (
            ' — or set site.auth = "application-password": this site offers them'
            if app_passwords
            else ""
        )
        if "simple-jwt-login/v1" in namespaces:
            d.add(
                make_check(
                    "auth_plugin",
                    FAIL,
                    f"{listing}; wpsync logs in through jwt-auth/v1, which Simple JWT Login "
                    "does not provide",
                    "install and activate 'JWT Authentication for WP REST API' and define "
                    "JWT_AUTH_SECRET_KEY" + alternative,
                    code="jwt_auth_missing",
                )
            )
            return
        d.add(
            make_check(
                "auth_plugin",
                FAIL,
                f"no JWT plugin: jwt-auth/v1 is not in the REST index ({listing})",
                "install and activate 'JWT Authentication for WP REST API' (Plugins → Add "
                "New) and define JWT_AUTH_SECRET_KEY in wp-config.php" + alternative,
                code="jwt_auth_missing",
            )
        )
        return
    if app_passwords:
        d.add(make_check("auth_plugin", OK, listing))
        return
    d.add(
        make_check(
            "auth_plugin",
            FAIL,
            f"application passwords are not available ({listing})",
            "they need HTTPS (or WP_ENVIRONMENT_TYPE 'local') and no plugin switching "
            'them off; or install the JWT plugin and set site.auth = "jwt"',
            code="application_passwords_disabled",
        )
    )
