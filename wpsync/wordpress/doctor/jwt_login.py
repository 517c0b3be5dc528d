"""Doctor, for ``site.auth = "jwt"``: may the user log in (a token from jwt-auth/v1), does
the Authorization header reach PHP (``/token/validate``), then the clock, the token's
lifetime and the user's capabilities with that token."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

import httpx

from wpsync.logsetup import register_secret
from wpsync.wordpress.answers import (
    HEADER_FIXES,
    HEADER_HINT,
    NO_SUCH_USER,
    bare_jwt_code,
    token_endpoint_error,
    wp_error,
)
from wpsync.wordpress.doctor.capabilities import check_capabilities
from wpsync.wordpress.doctor.clock import check_clock, check_lifetime
from wpsync.wordpress.doctor.diagnosis import PLUGIN_NAMES, Diagnosis, Flavour
from wpsync.wordpress.doctor.discovery import check_auth_plugin
from wpsync.wordpress.doctor.probe import Answer, Probe, reason
from wpsync.wordpress.doctor.report import FAIL, OK, make_check
from wpsync.wordpress.tokens import TOKEN_ROUTE, VALIDATE_ROUTE, jwt_claims, token_in


def check_jwt(d: Diagnosis, probe: Probe) -> None:
    """Log in at jwt-auth/v1, then check the header, the clock, the lifetime and the rights."""
    if d.password is None:
        check_auth_plugin(d)
        return
    try:
        answer = probe.send(
            "POST",
            d.url(TOKEN_ROUTE),
            json={"username": d.site.username, "password": d.password.reveal()},
        )
    except httpx.HTTPError as exc:
        check_auth_plugin(d)
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"the token endpoint did not answer: {reason(exc)}",
                "try again; check the server's error log",
            )
        )
        return
    d.flavour = flavour_of(answer.body) or d.flavour
    token = token_in(answer.body) if answer.response.status_code == 200 else None
    if token is not None:
        register_secret(token)
        d.token = token
        if d.index is None:
            _index_with_token(d, probe)
    check_auth_plugin(d)
    if token is None:
        _token_refused(d, answer)
        return
    d.credentials_ok = True
    d.add(
        make_check(
            "credentials",
            OK,
            f"user {d.site.username!r} logged in; "
            f"{PLUGIN_NAMES[d.flavour] if d.flavour else 'the plugin'} issued a token",
        )
    )
    claims = jwt_claims(token) or {}
    _validate(d, probe, token)
    check_clock(d, answer, claims)
    check_lifetime(d, claims)
    if d.header_ok:
        check_capabilities(d, probe, {"Authorization": f"Bearer {token}"})


def _index_with_token(d: Diagnosis, probe: Probe) -> None:
    assert d.token is not None
    try:
        answer = probe.send("GET", d.url("/"), headers={"Authorization": f"Bearer {d.token}"})
    except httpx.HTTPError:
        return
    if answer.response.status_code == 200 and isinstance(answer.body, Mapping):
        d.index = answer.body


def _token_refused(d: Diagnosis, answer: Answer) -> None:
    response = answer.response
    error = wp_error(response)
    code = error.code if error is not None else None
    bare = bare_jwt_code(code or "")
    user = d.site.username
    source = d.password_source
    if code == "jwt_auth_bad_config":
        d.add(
            make_check(
                "credentials",
                FAIL,
                "the JWT plugin is active but has no secret key (jwt_auth_bad_config): "
                "JWT_AUTH_SECRET_KEY is not defined in wp-config.php",
                'add this line to wp-config.php, above "That\'s all, stop editing!":\n'
                f"define('JWT_AUTH_SECRET_KEY', '{secrets.token_urlsafe(48)}');",
                code=code,
            )
        )
        return
    if "incorrect_password" in bare:
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"WordPress rejected the password of user {user!r} ({code})",
                f"check the password wpsync reads from {source} (with JWT: the user's login "
                "password, or one of its application passwords)",
                code=code,
            )
        )
        return
    if bare in NO_SUCH_USER:
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"WordPress has no user {user!r} ({code})",
                "set site.username (or $WPSYNC_USERNAME) to the login name or e-mail address "
                "of an existing user",
                code=code,
            )
        )
        return
    if response.status_code == 404 and (code == "rest_no_route" or error is None):
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"no token endpoint at {d.url(TOKEN_ROUTE)} (HTTP 404)",
                "install and activate 'JWT Authentication for WP REST API'",
                code=code or "jwt_auth_missing",
            )
        )
        return
    mapped = token_endpoint_error(response, d.site.url, user)
    if mapped is not None:
        d.add(make_check("credentials", FAIL, str(mapped), mapped.hint, code=mapped.code))
        return
    d.add(
        make_check(
            "credentials",
            FAIL,
            f"the token endpoint answered HTTP {response.status_code}"
            + (f" ({code})" if code else " without a token"),
            "look at the web server's and PHP's error logs",
            code=code,
        )
    )


def _validate(d: Diagnosis, probe: Probe, token: str) -> None:
    try:
        answer = probe.send(
            "POST", d.url(VALIDATE_ROUTE), headers={"Authorization": f"Bearer {token}"}
        )
    except httpx.HTTPError as exc:
        d.add(make_check("auth_header", FAIL, f"/token/validate did not answer: {reason(exc)}"))
        return
    body = answer.body
    code = body.get("code") if isinstance(body, Mapping) else None
    if answer.response.status_code == 200 and code == "jwt_auth_valid_token":
        d.header_ok = True
        d.add(
            make_check(
                "auth_header",
                OK,
                "reaches WordPress: /token/validate accepts the token (jwt_auth_valid_token)",
            )
        )
        return
    error = wp_error(answer.response)
    code = error.code if error is not None else None
    message = error.message if error is not None else f"HTTP {answer.response.status_code}"
    if code == "jwt_auth_no_auth_header":
        d.add(
            make_check(
                "auth_header",
                FAIL,
                "a token was issued, but /token/validate says jwt_auth_no_auth_header: the "
                "web server drops the Authorization header before PHP sees it",
                "\n".join(HEADER_FIXES),
                code=code,
            )
        )
        return
    if code == "jwt_auth_bad_iss":
        d.add(
            make_check(
                "auth_header",
                FAIL,
                f"WordPress refuses its own token: the issuer does not match ({code})",
                "set site.url to the WordPress Address (Settings → General): same scheme and host",
                code=code,
            )
        )
        return
    if code == "jwt_auth_bad_auth_header":
        d.add(
            make_check(
                "auth_header",
                FAIL,
                f"the Authorization header arrives damaged ({code}: {message})",
                "a proxy or security plugin rewrites the Authorization header",
                code=code,
            )
        )
        return
    if code is not None and code.startswith("jwt_auth_"):
        clock_hint = "prior to" in message or "expired" in message.lower()
        d.add(
            make_check(
                "auth_header",
                FAIL,
                f"WordPress rejects the token it has just issued ({code}: {message})",
                "the server's clock is wrong"
                if clock_hint
                else "JWT_AUTH_SECRET_KEY differs between requests (several servers?) or a "
                "plugin filters the token",
                code=code,
            )
        )
        return
    d.add(
        make_check(
            "auth_header",
            FAIL,
            f"/token/validate answered HTTP {answer.response.status_code}"
            + (f" ({code}: {message})" if code else ""),
            HEADER_HINT,
            code=code,
        )
    )


def flavour_of(body: object) -> Flavour | None:
    """Which plugin wrote a ``/token`` answer, success or error, by its shape."""
    if not isinstance(body, Mapping):
        return None
    data = body.get("data")
    if "success" in body and "statusCode" in body:
        return "useful-team"
    if "success" in body and isinstance(data, Mapping) and ("jwt" in data or "errorCode" in data):
        return "simple-jwt-login"
    if "token" in body or "code" in body:
        return "tmeister"
    return None
