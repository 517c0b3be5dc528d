"""The interpretation of WordPress's answers: its error bodies, and what an answer about
credentials means (a refused password, a missing plugin, a stripped header…).

WordPress answers an error with ``{"code", "message", "data"}`` (Simple JWT Login with
``{"success": false, "data": {"message", "errorCode"}}``); :func:`wp_error` reads both.
The auth flows (:mod:`wpsync.wordpress.auth`), the client and ``wpsync doctor`` all read
answers through here, so a code means the same thing to each of them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import httpx

from wpsync.errors import AuthError, RemoteError, UploadRefused

#: The two authentication schemes (``site.auth``).
Scheme = Literal["jwt", "application-password"]

#: What to do when the server drops the ``Authorization`` header, in one line.
HEADER_HINT = (
    "make the web server pass the Authorization header to PHP — Apache: "
    '`SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1` or `CGIPassAuth On`; '
    "nginx + php-fpm: `fastcgi_param HTTP_AUTHORIZATION $http_authorization;`"
)

#: The same fixes at length, one per line (REFERENCE.md §1), for ``wpsync doctor``.
HEADER_FIXES = (
    "Apache (.htaccess, above the WordPress rules):",
    "    RewriteEngine On",
    "    RewriteCond %{HTTP:Authorization} ^(.*)",
    "    RewriteRule ^(.*) - [E=HTTP_AUTHORIZATION:%1]",
    'or: SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1',
    "or, Apache 2.4.13+ with PHP as CGI/FastCGI: CGIPassAuth On",
    "nginx + php-fpm (in the PHP location block):",
    "    fastcgi_param HTTP_AUTHORIZATION $http_authorization;",
)

# --------------------------------------------------------------------------- WordPress error bodies


@dataclass(frozen=True)
class WpErrorBody:
    """The ``{"code", "message", "data"}`` of a WordPress error answer, message as plain text."""

    status: int
    code: str | None
    message: str
    data: object


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(message: str, limit: int = 300) -> str:
    """WordPress error messages carry HTML (``<strong>Error:</strong> …``): strip it."""
    text = _SPACE.sub(" ", html.unescape(_TAG.sub("", message))).strip()
    if text.lower().startswith("error: "):
        text = text[len("error: ") :]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_body(response: httpx.Response) -> object:
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


def sent_credentials(request: httpx.Request) -> bool:
    """Did ``request`` carry an ``Authorization`` header?"""
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
    if response.status_code == 401 and is_refusal_code(error.code):
        return error.code
    if response.status_code == 400 and error.code == "rest_invalid_param":
        details = error.data.get("details") if isinstance(error.data, Mapping) else None
        for detail in details.values() if isinstance(details, Mapping) else ():
            if not isinstance(detail, Mapping):
                continue
            code, data = detail.get("code"), detail.get("data")
            if (
                isinstance(code, str)
                and is_refusal_code(code)
                and isinstance(data, Mapping)
                and data.get("status") == 401
            ):
                return code
    return None


def is_token_refusal(status: int, code: str) -> bool:
    """Is ``code`` (with HTTP ``status``) a JWT plugin saying the token it was given is
    expired or no longer accepted?  Tmeister: 403 ``jwt_auth_invalid_token`` or
    ``jwt_auth_bad_iss``; Useful Team: 401 ``jwt_auth_*``; Simple JWT Login: ``errorCode`` 14."""
    if code == "simple_jwt_login_14":
        return True
    if status == 403:
        return code in ("jwt_auth_invalid_token", "jwt_auth_bad_iss")
    return status == 401 and code.startswith("jwt_auth_")


def is_token_rejected(response: httpx.Response) -> bool:
    """Does ``response`` say the token we sent is expired or no longer accepted?

    Tmeister: 403 ``jwt_auth_invalid_token`` (any message) or ``jwt_auth_bad_iss``.
    Useful Team: 401 ``jwt_auth_*``, or — the token silently ignored — core's refusal of
    an anonymous request (see :func:`anonymous_refusal`).  Simple JWT Login: ``errorCode`` 14.
    Only meaningful for a request that carried a token.
    """
    if not sent_credentials(response.request):
        return False
    error = wp_error(response)
    if error is None or error.code is None:
        return False
    return is_token_refusal(response.status_code, error.code) or (
        anonymous_refusal(response) is not None
    )


def is_refusal_code(code: str) -> bool:
    """Core's refusals: ``rest_cannot_*``, ``rest_forbidden*``."""
    return code.startswith("rest_cannot_") or code.startswith("rest_forbidden")


def describe(response: httpx.Response) -> str:
    """``HTTP 403 jwt_auth_invalid_token``: the status and, if any, WordPress's error code."""
    error = wp_error(response)
    code = error.code if error is not None else None
    return f"HTTP {response.status_code} {code}" if code else f"HTTP {response.status_code}"


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


# --------------------------------------------------------------------------- refused uploads

#: the 5xx codes WordPress answers a refused raw upload with: ``wp_handle_sideload``'s error
#: ("Sorry, you are not allowed to upload this file type.", a plugin's size limit…) —
#: WordPress removed the file and created nothing
_SIDELOAD_CODES = ("rest_upload_sideload_error", "rest_upload_unknown_error")
#: the words of a sideload error that is the site's trouble, not the file's (the uploads
#: folder cannot be made or written): worth another try, the file is not to blame
_SITE_TROUBLE = re.compile(r"directory|could not be moved|could not be written|not writable", re.I)
#: 4xx answers to an upload that are not about the file (credentials, the route, a pause)
_NOT_THE_FILE = (401, 403, 404, 405, 408, 429)


def upload_refusal(route: str, response: httpx.Response) -> UploadRefused | None:
    """The :class:`UploadRefused` an answer to a media upload means, or None when it is not
    a refusal of the file itself (a 2xx, credentials, a transient or site-wide fault).

    Refusals: the web server's 413 (too large for it) or 415; WordPress's 4xx
    ``rest_upload_*`` codes (``rest_upload_file_too_big``, ``rest_upload_limited_space``,
    ``rest_upload_user_quota_exceeded``, ``rest_upload_image_type_not_supported``, a body
    dropped for being over PHP's ``post_max_size``: ``rest_upload_no_data``…); and its 500
    ``rest_upload_sideload_error`` (the file type is not allowed, a plugin's limit), unless
    its message is about the uploads folder."""
    status = response.status_code
    if status < 400:
        return None
    error = wp_error(response)
    code = error.code if error is not None else None
    message = (error.message if error is not None else "") or ""
    url = str(response.request.url)
    if status in (413, 415) and (code is None or not code.startswith("rest_")):
        words = "too large for the web server" if status == 413 else "a type the server refuses"
        return UploadRefused(
            f"POST {route}: HTTP {status}: the file is {words}",
            status=status,
            code=code or f"http_{status}",
            method="POST",
            url=url,
        )
    if code is None:
        return None
    refused = (
        400 <= status < 500 and status not in _NOT_THE_FILE and code.startswith("rest_upload_")
    ) or (status >= 500 and code in _SIDELOAD_CODES and not _SITE_TROUBLE.search(message))
    if not refused:
        return None
    return UploadRefused(
        f"POST {route}: {message or code}", status=status, code=code, method="POST", url=url
    )


# --------------------------------------------------------------------------- errors about credentials

#: The codes (``jwt_auth_`` prefix removed) by which the JWT plugins say there is no such user.
NO_SUCH_USER = ("invalid_username", "invalid_email", "user_not_found", "invalid_user")


def bare_jwt_code(code: str) -> str:
    """A JWT plugin's error code without its ``[jwt_auth] `` / ``jwt_auth_`` prefix."""
    return code.removeprefix("[jwt_auth] ").removeprefix("jwt_auth_")


def token_endpoint_error(
    response: httpx.Response, site_url: str, username: str
) -> AuthError | None:
    """The :class:`AuthError` a failed ``/token`` answer means, or ``None`` if it is not about
    credentials (a 5xx, a 429, a web page: the client's retry and discovery handle those)."""
    error = wp_error(response)
    status = response.status_code
    if error is None or error.code is None:
        return None
    code = bare_jwt_code(error.code)
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
    if code in NO_SUCH_USER:
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
    response: httpx.Response, *, scheme: Scheme, username: str = ""
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
    if sent_credentials(response.request) and (refusal := anonymous_refusal(response)):
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
    if scheme != "jwt" or not sent_credentials(response.request):
        return None
    if is_token_refusal(response.status_code, code):
        return AuthError(
            f"WordPress rejected a freshly issued token: {error.message} ({code})",
            code=code,
            hint="the site's JWT_AUTH_SECRET_KEY or address may be changing between requests, "
            "or the server clock is wrong",
        )
    return None
