"""Doctor: what the user may do (``/wp/v2/users/me?context=edit`` capabilities: create,
publish, upload, create terms) — and, for ``site.auth = "application-password"``, the
same request is the login check."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from wpsync.wordpress.answers import HEADER_FIXES, wp_error
from wpsync.wordpress.auth import basic_authorization
from wpsync.wordpress.doctor.clock import check_skew
from wpsync.wordpress.doctor.diagnosis import Diagnosis
from wpsync.wordpress.doctor.discovery import check_auth_plugin
from wpsync.wordpress.doctor.probe import Answer, Probe, reason
from wpsync.wordpress.doctor.report import FAIL, OK, WARN, CheckName, make_check
from wpsync.wordpress.doctor.sniff import JWT_NAMESPACE, auth_offered

ME_ROUTE = "/wp/v2/users/me"


def check_application_password(d: Diagnosis, probe: Probe) -> None:
    """Log in with the application password (``/users/me``) and read the rights."""
    check_auth_plugin(d)
    if d.password is None:
        return
    headers = {"Authorization": basic_authorization(d.site.username, d.password)}
    if not check_capabilities(d, probe, headers, login_check=True):
        return
    d.header_ok = True
    d.add(
        make_check(
            "auth_header",
            OK,
            "reaches WordPress (it knew who was asking)",
        )
    )


def check_capabilities(
    d: Diagnosis, probe: Probe, headers: Mapping[str, str], *, login_check: bool = False
) -> bool:
    """Read the user's capabilities (``login_check``: this is also the login)."""
    try:
        params = {"context": "edit", "_fields": "id,username,slug,roles,capabilities"}
        if d.plain_permalinks:
            # httpx replaces a URL's query with ``params``: rest_route goes in with them
            url, params = f"{d.site.url}/", {"rest_route": ME_ROUTE, **params}
        else:
            url = d.url(ME_ROUTE)
        answer = probe.send("GET", url, params=params, headers=dict(headers))
    except httpx.HTTPError as exc:
        name: CheckName = "credentials" if login_check else "can_create"
        d.add(make_check(name, FAIL, f"/wp/v2/users/me did not answer: {reason(exc)}"))
        return False
    body = answer.body
    if answer.response.status_code != 200 or not isinstance(body, Mapping):
        error = wp_error(answer.response)
        code = error.code if error is not None else None
        if login_check:
            _app_password_refused(d, answer, code, probe)
        else:
            d.add(
                make_check(
                    "can_create",
                    FAIL,
                    f"cannot read the user's capabilities: HTTP "
                    f"{answer.response.status_code}" + (f" ({code})" if code else ""),
                    code=code,
                )
            )
        return False
    if login_check:
        d.credentials_ok = True
        d.add(
            make_check(
                "credentials",
                OK,
                f"user {d.site.username!r} logged in with an application password",
            )
        )
        check_skew(
            d,
            [("HTTP Date", answer.server_time - answer.local_time)]
            if answer.server_time is not None
            else [],
        )
        d.add(
            make_check(
                "token_lifetime",
                OK,
                "application passwords do not expire (revoke them under Users → Profile)",
            )
        )
    caps = body.get("capabilities")
    capabilities = {str(k) for k, v in caps.items() if v} if isinstance(caps, Mapping) else set()
    roles = body.get("roles")
    d.facts["roles"] = list(roles) if isinstance(roles, list) else []
    _permissions(d, capabilities)
    return True


def header_arrives(d: Diagnosis, probe: Probe) -> bool | None:
    """Does the ``Authorization`` header reach WordPress?  None: cannot tell.

    WordPress answers a wrong application password as if nobody were logged in
    (REFERENCE.md §5), exactly as it answers a request whose header the server dropped;
    so ask something that answers differently.  With the JWT plugin installed (whatever
    site.auth says), ``/token/validate`` with a made-up token: "no auth header" when the
    header was dropped, "invalid token" when it arrived.  Without it, a made-up user:
    some WordPress versions refuse one they received by name (``invalid_username``)."""
    import secrets

    from wpsync.config import Secret

    namespaces = auth_offered(d.index)[0] if isinstance(d.index, Mapping) else set()
    if JWT_NAMESPACE in namespaces:
        route = "/jwt-auth/v1/token/validate"
        headers = {"Authorization": f"Bearer {secrets.token_hex(8)}.{secrets.token_hex(8)}.x"}
        method = "POST"
    else:
        nobody = f"wpsync-doctor-{secrets.token_hex(6)}"
        headers = {"Authorization": basic_authorization(nobody, Secret(secrets.token_hex(12)))}
        route, method = ME_ROUTE, "GET"
    if d.plain_permalinks:
        url, params = f"{d.site.url}/", {"rest_route": route}
    else:
        url, params = d.url(route), {}
    try:
        answer = probe.send(method, url, params=params, headers=headers)
    except httpx.HTTPError:
        return None
    error = wp_error(answer.response)
    code = error.code if error is not None else None
    if code == "jwt_auth_no_auth_header":
        return False
    if code in ("jwt_auth_invalid_token", "jwt_auth_bad_auth_header", "invalid_username"):
        return True
    return None


def _app_password_refused(d: Diagnosis, answer: Answer, code: str | None, probe: Probe) -> None:
    user = d.site.username
    if code == "incorrect_password":
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"WordPress rejected the application password of user {user!r} ({code})",
                "create one under Users → Profile → Application Passwords; the login "
                "password does not work here",
                code=code,
            )
        )
    elif code in ("invalid_username", "invalid_email"):
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"WordPress has no user {user!r} ({code})",
                "set site.username to the login name or e-mail address of an existing user",
                code=code,
            )
        )
    elif code in ("application_passwords_disabled", "application_passwords_disabled_for_user"):
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"application passwords are switched off ({code})",
                'they need HTTPS (or WP_ENVIRONMENT_TYPE "local"); or use site.auth = "jwt"',
                code=code,
            )
        )
    elif answer.response.status_code == 401:
        # Anonymous: a wrong password on a site with no application password in use yet,
        # or a header the server dropped.  A made-up user tells the two apart.
        arrives = header_arrives(d, probe)
        if arrives is False:
            d.add(
                make_check(
                    "credentials",
                    FAIL,
                    f"WordPress answered as if nobody were logged in ({code}): the web "
                    "server drops the Authorization header before WordPress sees it",
                    "\n".join(HEADER_FIXES),
                    code="authorization_header_stripped",
                )
            )
            return
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"WordPress answered as if nobody were logged in ({code}): the username or "
                "the application password is wrong"
                + (
                    " (the Authorization header does reach WordPress)"
                    if arrives
                    else ", or the server drops the Authorization header"
                ),
                "check site.username and create an application password under Users → "
                "Profile → Application Passwords (the login password does not work here)"
                + ("" if arrives else "; if they are right:\n" + "\n".join(HEADER_FIXES)),
                code=code,
            )
        )
    else:
        d.add(
            make_check(
                "credentials",
                FAIL,
                f"/wp/v2/users/me answered HTTP {answer.response.status_code}"
                + (f" ({code})" if code else ""),
                "look at the web server's and PHP's error logs",
                code=code,
            )
        )


def _permissions(d: Diagnosis, caps: set[str]) -> None:
    roles = d.facts.get("roles")
    role = ", ".join(roles if isinstance(roles, list) else []) or "no role"
    who = f"{d.site.username!r} ({role})"
    if "edit_posts" in caps:
        pages = "edit_pages" in caps
        d.add(
            make_check(
                "can_create",
                OK if pages else WARN,
                f"{who} may create posts" + (" and pages" if pages else " but not pages"),
                None if pages else "pages need the Editor role (edit_pages)",
            )
        )
    else:
        d.add(
            make_check(
                "can_create",
                FAIL,
                f"{who} may not create posts (no edit_posts capability)",
                "give the user the Author role or higher (Users → Edit → Role)",
                code="rest_cannot_create",
            )
        )
    if "publish_posts" in caps:
        d.add(make_check("can_publish", OK, f"{who} may publish posts"))
    elif d.config.content.default_status in ("publish", "future", "private"):
        d.add(
            make_check(
                "can_publish",
                FAIL,
                f"{who} may not publish (no publish_posts capability), but "
                f"content.default_status is {d.config.content.default_status!r}",
                "give the user the Author role or higher, or set "
                'content.default_status = "pending" to submit posts for review',
                code="rest_cannot_publish",
            )
        )
    else:
        d.add(
            make_check(
                "can_publish",
                WARN,
                f"{who} may not publish: posts can only be submitted for review",
            )
        )
    if "upload_files" in caps:
        d.add(make_check("can_upload", OK, f"{who} may upload images"))
    else:
        d.add(
            make_check(
                "can_upload",
                WARN,
                f"{who} may not upload media (no upload_files): posts with local images will fail",
                "give the user the Author role or higher",
                code="rest_cannot_create",
            )
        )
    if "manage_categories" in caps:
        d.add(make_check("can_create_terms", OK, f"{who} may create categories and tags"))
    elif "edit_posts" in caps:
        d.add(
            make_check(
                "can_create_terms",
                WARN,
                f"{who} may create tags but not categories (no manage_categories): a new "
                "category in front matter will fail with rest_cannot_create",
                "create categories in WordPress first, or give the user the Editor role",
                code="rest_cannot_create",
            )
        )
    else:
        d.add(
            make_check(
                "can_create_terms",
                FAIL,
                f"{who} may not create categories or tags",
                "give the user the Author role or higher",
                code="rest_cannot_create",
            )
        )
