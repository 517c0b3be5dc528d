"""``wpsync doctor``: walk the set-up a sync depends on and say, for each step, what is
wrong and how to fix it.  Read-only: nothing is written to WordPress or to disk.

:func:`run_doctor` runs the checks, in the order a sync needs them, and returns a
:class:`~wpsync.wordpress.doctor.report.DoctorReport`::

    password       the password can be read (environment, command, file)
    reachable      the site answers; its TLS certificate is valid       reachability
    rest_api       the REST API is at /wp-json/ (pretty permalinks)      discovery
                   or /?rest_route=
    auth_plugin    which auth is on offer: jwt-auth/v1 (Tmeister's or    discovery
                   Useful Team's flavour), Simple JWT Login, core
                   application passwords
    credentials    WordPress accepts the user and password (bad user,    jwt_login,
                   bad password and a JWT plugin without its secret      capabilities
                   key are told apart)
    auth_header    the Authorization header reaches PHP (the classic     jwt_login
                   Apache/CGI trap)
    clock          the server's clock (token ``iat``, HTTP ``Date``)     clock
                   agrees with ours
    token_lifetime how long a token lives                                clock
    can_create, can_publish, can_upload, can_create_terms                capabilities
                   what the user may do (``/wp/v2/users/me?context=edit`` capabilities)

The HTTP exchanges are deliberately raw (:mod:`~wpsync.wordpress.doctor.probe`); reading
WordPress's error bodies is :mod:`wpsync.wordpress.answers`'s, the JWT routes and token
parsing :mod:`wpsync.wordpress.tokens`'s, and finding the REST root
:class:`wpsync.wordpress.client.WordPressClient`'s.  The state one run builds up is a
:class:`~wpsync.wordpress.doctor.diagnosis.Diagnosis`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping

from wpsync.config import Config, password_source, resolve_password
from wpsync.errors import ConfigError
from wpsync.logsetup import register_secret
from wpsync.wordpress.doctor.capabilities import check_application_password
from wpsync.wordpress.doctor.clock import check_skew
from wpsync.wordpress.doctor.diagnosis import Diagnosis
from wpsync.wordpress.doctor.discovery import check_rest_api
from wpsync.wordpress.doctor.jwt_login import check_jwt
from wpsync.wordpress.doctor.probe import Probe
from wpsync.wordpress.doctor.reachability import check_reachable
from wpsync.wordpress.doctor.report import CHECK_ORDER, FAIL, DoctorReport, make_check


def run_doctor(
    config: Config,
    *,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.time,
) -> DoctorReport:
    """Diagnose the set-up ``config`` describes.  Never raises for what it diagnoses."""
    d = Diagnosis(config, os.environ if env is None else env, clock)
    _password(d)
    probe = Probe(d.site, d.clock)
    try:
        if check_reachable(d, probe):
            check_rest_api(d)
            if d.site.auth == "jwt":
                check_jwt(d, probe)
            else:
                check_application_password(d, probe)
    finally:
        probe.close()
    skew = d.facts.get("date_header_skew")
    if not d.has("clock") and isinstance(skew, float):
        check_skew(d, [("HTTP Date", skew)])
    failed = next((c for c in d.checks if c.status == FAIL), None)
    d.skip(
        tuple(name for name in CHECK_ORDER if name != "password"),
        f"not checked: fix {failed.title} first" if failed else "not checked",
    )
    checks = sorted(d.checks, key=lambda c: CHECK_ORDER.index(c.name))
    return DoctorReport(d.site.url, d.site.auth, d.site.username, tuple(checks), d.facts)


def _password(d: Diagnosis) -> None:
    site = d.site
    d.password_source = password_source(site, d.env)
    try:
        d.password = resolve_password(site, d.env)
    except ConfigError as exc:
        which = (
            "an application password of the user (Users → Profile → Application Passwords)"
            if site.auth == "application-password"
            else "the user's WordPress password"
        )
        fix = (
            f"export {site.password_env}='…'  ({which}), or set site.password_command "
            "to a command that prints it (e.g. pass show blog/wpsync)"
            if "no password" in str(exc)
            else exc.hint
        )
        d.add(make_check("password", FAIL, str(exc), fix, code="no_password"))
        return
    register_secret(d.password.reveal())
