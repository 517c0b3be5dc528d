"""``wpsync doctor``: walk the set-up a sync depends on and say, for each step, what is
wrong and how to fix it.  Read-only: nothing is written to WordPress or to disk.

The checks, in the order a sync needs them::

    reachable      the site answers; its TLS certificate is valid
    rest_api       the REST API is at /wp-json/ (pretty permalinks) or /?rest_route=
    auth_plugin    which auth is on offer: jwt-auth/v1 (Tmeister's or Useful Team's
                   flavour), Simple JWT Login, core application passwords
    credentials    WordPress accepts the user and password (bad user, bad password and
                   a JWT plugin without its secret key are told apart)
    auth_header    the Authorization header reaches PHP (the classic Apache/CGI trap)
    clock          the server's clock (token ``iat``, HTTP ``Date``) agrees with ours
    token_lifetime how long a token lives
    can_create, can_publish, can_upload, can_create_terms
                   what the user may do (``/wp/v2/users/me?context=edit`` capabilities)

The HTTP exchanges are deliberately raw (one ``httpx.Client``, no retries, no auth flow):
a diagnosis needs the exact answer — the token endpoint's body shape tells the plugins
apart, and ``/token/validate`` tells a stripped header from a bad token.  Interpreting
WordPress's error bodies is shared with :mod:`wpsync.wordpress.auth`; finding the REST root is
:class:`wpsync.wordpress.client.WordPressClient`'s.
"""

from __future__ import annotations

import dataclasses
import email.utils
import logging
import os
import secrets
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from wpsync import __version__
from wpsync.config import Config, Secret, SiteConfig, resolve_password
from wpsync.errors import ConfigError, RemoteError, TransportError
from wpsync.logsetup import register_secret
from wpsync.wordpress.answers import HEADER_HINT, json_body, token_endpoint_error, wp_error
from wpsync.wordpress.tokens import as_number, jwt_claims
from wpsync.wordpress.transport import tls_verify

logger = logging.getLogger(__name__)

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"

#: Clock difference (seconds) up to which all is well, and beyond which it is an error.
SKEW_OK = 30.0
SKEW_FAIL = 300.0
#: Shorter-lived tokens work, but make every run log in again.
SHORT_TOKEN = 120.0

TOKEN_ROUTE = "/jwt-auth/v1/token"
VALIDATE_ROUTE = "/jwt-auth/v1/token/validate"
ME_ROUTE = "/wp/v2/users/me"

#: The fixes for a server that drops ``Authorization`` (REFERENCE.md §1), one per line.
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

PLUGIN_NAMES = {
    "tmeister": "JWT Authentication for WP REST API (Tmeister)",
    "useful-team": "JWT Auth (Useful Team)",
    "simple-jwt-login": "Simple JWT Login",
}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Check:
    """One line of the diagnosis.  ``fix`` is what to do (one or a few lines)."""

    name: str
    title: str
    status: str  # ok | warn | fail | skip
    message: str
    fix: str | None = None
    code: str | None = None  # the WordPress / plugin error code behind a failure

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "fix": self.fix,
            "code": self.code,
        }


@dataclass(frozen=True)
class DoctorReport:
    site: str
    auth: str
    username: str
    checks: tuple[Check, ...]
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "site": self.site,
            "auth": self.auth,
            "username": self.username,
            "checks": [c.to_json() for c in self.checks],
            "facts": dict(self.facts),
        }


TITLES = {
    "password": "password",
    "reachable": "site reachable",
    "rest_api": "REST API",
    "auth_plugin": "auth plugin",
    "credentials": "credentials",
    "auth_header": "Authorization header",
    "clock": "clock",
    "token_lifetime": "token lifetime",
    "can_create": "may create",
    "can_publish": "may publish",
    "can_upload": "may upload media",
    "can_create_terms": "may create terms",
}


def _check(
    name: str, status: str, message: str, fix: str | None = None, code: str | None = None
) -> Check:
    return Check(name, TITLES[name], status, message, fix, code)


# --------------------------------------------------------------------------- probing


@dataclass
class _Answer:
    """A raw HTTP answer and when it arrived (local clock, mid-request)."""

    response: httpx.Response
    local_time: float
    elapsed: float

    @property
    def body(self) -> Any:
        return json_body(self.response)

    @property
    def server_time(self) -> float | None:
        value = self.response.headers.get("Date")
        if not value:
            return None
        try:
            return email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError):
            return None


class _Probe:
    """One raw HTTP client: no retries, no redirects, no cookies, no auth flow."""

    def __init__(self, site: SiteConfig, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._http = httpx.Client(
            verify=tls_verify(site),
            timeout=httpx.Timeout(min(site.timeout, 20.0)),
            follow_redirects=False,
            headers={"User-Agent": f"wpsync/{__version__} (doctor)", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def send(self, method: str, url: str, **kwargs: Any) -> _Answer:
        before = self._clock()
        started = time.monotonic()
        response = self._http.request(method, url, **kwargs)
        elapsed = time.monotonic() - started
        self._http.cookies.clear()
        return _Answer(response, before + elapsed / 2, elapsed)


def _ssl_error(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return current
        current = current.__cause__ or current.__context__
    return None


# --------------------------------------------------------------------------- the doctor


class _Doctor:
    def __init__(self, config: Config, env: Mapping[str, str], clock: Callable[[], float]) -> None:
        self.config = config
        self.site = config.site
        self.env = env
        self.clock = clock
        self.checks: list[Check] = []
        self.facts: dict[str, Any] = {}
        self.password: Secret | None = None
        self.password_source = ""
        self.flavour: str | None = None  # tmeister | useful-team | simple-jwt-login
        self.index: Mapping[str, Any] | None = None
        self.api_root = f"{self.site.url}/wp-json"
        self.plain_permalinks = False
        self.token: str | None = None
        self.token_answer: _Answer | None = None
        self.credentials_ok = False
        self.header_ok = False

    # -- helpers

    def add(self, check: Check) -> None:
        self.checks.append(check)

    def skip(self, names: tuple[str, ...], why: str) -> None:
        for name in names:
            if not any(c.name == name for c in self.checks):
                self.add(_check(name, SKIP, why))

    def url(self, route: str) -> str:
        if self.plain_permalinks:
            return f"{self.site.url}/?rest_route={route}"
        return f"{self.site.url}/wp-json{route}"

    # -- run

    def run(self) -> DoctorReport:
        self._password()
        probe = _Probe(self.site, self.clock)
        try:
            if self._reachable(probe):
                self._rest_api()
                if self.site.auth == "jwt":
                    self._jwt(probe)
                else:
                    self._application_password(probe)
        finally:
            probe.close()
        if not any(c.name == "clock" for c in self.checks) and "date_header_skew" in self.facts:
            self._skew([("HTTP Date", float(self.facts["date_header_skew"]))])
        failed = next((c for c in self.checks if c.status == FAIL), None)
        self.skip(
            (
                "reachable",
                "rest_api",
                "auth_plugin",
                "credentials",
                "auth_header",
                "clock",
                "token_lifetime",
                "can_create",
                "can_publish",
                "can_upload",
                "can_create_terms",
            ),
            f"not checked: fix {failed.title} first" if failed else "not checked",
        )
        order = list(TITLES)
        checks = sorted(self.checks, key=lambda c: order.index(c.name))
        return DoctorReport(
            self.site.url, self.site.auth, self.site.username, tuple(checks), self.facts
        )

    # -- password

    def _password(self) -> None:
        site = self.site
        if self.env.get(site.password_env):
            self.password_source = f"${site.password_env}"
        elif self.env.get("WPSYNC_PASSWORD"):
            self.password_source = "$WPSYNC_PASSWORD"
        elif site.password_command:
            self.password_source = "site.password_command"
        else:
            self.password_source = "site.password"
        try:
            self.password = resolve_password(site, self.env)
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
            self.add(_check("password", FAIL, str(exc), fix, code="no_password"))
            return
        register_secret(self.password.reveal())

    # -- reachable, TLS

    def _reachable(self, probe: _Probe) -> bool:
        url = f"{self.site.url}/wp-json/"
        host = httpx.URL(self.site.url).host
        try:
            answer = probe.send("GET", url)
        except httpx.ConnectError as exc:
            problem = _ssl_error(exc)
            if isinstance(problem, ssl.SSLCertVerificationError):
                reason = problem.verify_message or str(problem)
                self.add(
                    _check(
                        "reachable",
                        FAIL,
                        f"{host}: the TLS certificate is not valid ({reason})",
                        "renew or fix the site's certificate; for a private CA set "
                        "site.ca_bundle to its PEM file (site.verify_tls = false only for tests)",
                        code="tls_certificate",
                    )
                )
            elif problem is not None:
                self.add(
                    _check(
                        "reachable",
                        FAIL,
                        f"{host}: the TLS handshake failed ({problem.reason or problem})",
                        "is site.url's scheme right (https:// on a port that speaks TLS)?",
                        code="tls_handshake",
                    )
                )
            else:
                self.add(
                    _check(
                        "reachable",
                        FAIL,
                        f"cannot connect to {self.site.url}: {_reason(exc)}",
                        "check site.url (scheme, host, port) and that the web server is running",
                        code="connect",
                    )
                )
            return False
        except httpx.TimeoutException:
            self.add(
                _check(
                    "reachable",
                    FAIL,
                    f"{self.site.url} did not answer within {min(self.site.timeout, 20.0):g} s",
                    "is the site up? raise site.timeout for a slow server",
                    code="timeout",
                )
            )
            return False
        except httpx.HTTPError as exc:
            self.add(
                _check(
                    "reachable",
                    FAIL,
                    f"{self.site.url}: {type(exc).__name__}: {exc}",
                    "check site.url",
                )
            )
            return False
        self._note_clock("date_header_skew", answer)
        status = answer.response.status_code
        if 300 <= status < 400:
            location = answer.response.headers.get("Location", "")
            target = httpx.URL(location) if location else None
            better = (
                f"{target.scheme}://{target.netloc.decode()}"
                if target is not None and target.host
                else None
            )
            self.add(
                _check(
                    "reachable",
                    FAIL,
                    f"{url} redirects (HTTP {status}) to {location or '(nowhere)'}",
                    f'set site.url = "{better}"'
                    if better and better != self.site.url
                    else "set site.url to the WordPress Address (Settings → General)",
                    code="redirect",
                )
            )
            return False
        scheme = httpx.URL(self.site.url).scheme
        tls = (
            "TLS certificate valid"
            if scheme == "https" and self.site.verify_tls
            else "TLS NOT verified (site.verify_tls = false)"
            if scheme == "https"
            else "plain http (allowed on loopback only)"
            if not self.site.allow_insecure_http
            else "plain http: credentials travel in clear text"
        )
        status_text = f"HTTP {status}"
        self.add(
            _check(
                "reachable",
                OK if "clear text" not in tls and "NOT" not in tls else WARN,
                f"{self.site.url} answered {status_text} in {answer.elapsed * 1000:.0f} ms; {tls}",
                None if "clear text" not in tls and "NOT" not in tls else "use https://",
            )
        )
        return True

    # -- REST API

    def _rest_api(self) -> None:
        from wpsync.wordpress.client import WordPressClient

        site = dataclasses.replace(self.site, max_attempts=1)
        client = WordPressClient(site, self.password or Secret(""), token_cache=None)
        try:
            self.index = client.index()
        except TransportError as exc:
            self.add(
                _check(
                    "rest_api",
                    FAIL,
                    f"no usable answer from the REST API: {exc}",
                    "the site may be down or overloaded; try again",
                    code=exc.code,
                )
            )
            return
        except RemoteError as exc:
            self._root(client)
            if exc.code is not None and exc.status in (401, 403):
                # The index is guarded (Useful Team's JWT Auth, a security plugin): the
                # API is there; the plugins are read from the index once we have a token.
                if exc.code.startswith("jwt_auth_"):
                    self.flavour = "useful-team"
                self.add(
                    _check(
                        "rest_api",
                        OK,
                        f"found at {self._root_text()}; its index needs a login "
                        f"(HTTP {exc.status} {exc.code})",
                    )
                )
                return
            self.add(
                _check(
                    "rest_api",
                    FAIL,
                    f"no WordPress REST API at {self.site.url}: {exc}",
                    "check site.url (the address of the WordPress home page); a security "
                    "plugin may have switched the REST API off",
                    code=exc.code,
                )
            )
            return
        finally:
            client.close()
        self._root(client)
        name = self.index.get("name") if isinstance(self.index, Mapping) else None
        where = self._root_text()
        if self.plain_permalinks:
            self.add(
                _check(
                    "rest_api",
                    OK,
                    f"found at {where} (plain permalinks; /wp-json/ is not served)"
                    + (f": {name!r}" if name else ""),
                    "optional: pretty permalinks (Settings → Permalinks → Post name) "
                    "give the API its usual /wp-json/ address",
                )
            )
        else:
            self.add(_check("rest_api", OK, f"found at {where}" + (f": {name!r}" if name else "")))

    def _root(self, client: Any) -> None:
        self.api_root = client.api_root
        self.plain_permalinks = "rest_route=" in self.api_root
        self.facts["api_root"] = self.api_root

    def _root_text(self) -> str:
        return "/?rest_route=/" if self.plain_permalinks else "/wp-json/"

    # -- auth plugins on offer

    def _namespaces(self) -> tuple[set[str], bool] | None:
        if not isinstance(self.index, Mapping):
            return None
        namespaces = self.index.get("namespaces")
        authentication = self.index.get("authentication")
        app_passwords = isinstance(authentication, Mapping) and (
            "application-passwords" in authentication
        )
        return (
            {str(n) for n in namespaces} if isinstance(namespaces, list) else set(),
            app_passwords,
        )

    def _plugin_check(self) -> None:
        """Which auth the site offers (after the token answer told the JWT flavour)."""
        found = self._namespaces()
        if found is None:
            if self.flavour is not None:
                self.add(
                    _check(
                        "auth_plugin",
                        OK,
                        f"{PLUGIN_NAMES[self.flavour]} at jwt-auth/v1 (told by its answers; "
                        "the REST index could not be read)",
                    )
                )
            return
        namespaces, app_passwords = found
        self.facts["namespaces"] = sorted(namespaces)
        self.facts["application_passwords"] = app_passwords
        offered: list[str] = []
        if "jwt-auth/v1" in namespaces:
            flavour = PLUGIN_NAMES.get(self.flavour or "", "a JWT plugin")
            offered.append(f"{flavour} at jwt-auth/v1")
        if "simple-jwt-login/v1" in namespaces:
            offered.append("Simple JWT Login at simple-jwt-login/v1")
        if app_passwords:
            offered.append("core application passwords")
        listing = "; ".join(offered) or "no authentication plugin and no application passwords"
        self.facts["jwt_flavour"] = self.flavour
        if self.site.auth == "jwt":
            if "jwt-auth/v1" in namespaces:
                self.add(_check("auth_plugin", OK, listing))
                return
            alternative = (
                ' — or set site.auth = "application-password": this site offers them'
                if app_passwords
                else ""
            )
            if "simple-jwt-login/v1" in namespaces:
                self.add(
                    _check(
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
            self.add(
                _check(
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
            self.add(_check("auth_plugin", OK, listing))
            return
        self.add(
            _check(
                "auth_plugin",
                FAIL,
                f"application passwords are not available ({listing})",
                "they need HTTPS (or WP_ENVIRONMENT_TYPE 'local') and no plugin switching "
                'them off; or install the JWT plugin and set site.auth = "jwt"',
                code="application_passwords_disabled",
            )
        )

    # -- JWT: token, header, clock, lifetime

    def _jwt(self, probe: _Probe) -> None:
        if self.password is None:
            self._plugin_check()
            return
        try:
            answer = probe.send(
                "POST",
                self.url(TOKEN_ROUTE),
                json={"username": self.site.username, "password": self.password.reveal()},
            )
        except httpx.HTTPError as exc:
            self._plugin_check()
            self.add(
                _check(
                    "credentials",
                    FAIL,
                    f"the token endpoint did not answer: {_reason(exc)}",
                    "try again; check the server's error log",
                )
            )
            return
        self.token_answer = answer
        self.flavour = _flavour(answer.body) or self.flavour
        token = _token_of(answer.body) if answer.response.status_code == 200 else None
        if token is not None:
            register_secret(token)
            self.token = token
            if self.index is None:
                self._index_with_token(probe)
        self._plugin_check()
        if token is None:
            self._token_refused(answer)
            return
        self.credentials_ok = True
        self.add(
            _check(
                "credentials",
                OK,
                f"user {self.site.username!r} logged in; "
                f"{PLUGIN_NAMES.get(self.flavour or '', 'the plugin')} issued a token",
            )
        )
        claims = jwt_claims(token) or {}
        self._validate(probe, token)
        self._clock(answer, claims)
        self._lifetime(claims)
        if self.header_ok:
            self._capabilities(probe, {"Authorization": f"Bearer {token}"})

    def _index_with_token(self, probe: _Probe) -> None:
        assert self.token is not None
        try:
            answer = probe.send(
                "GET", self.url("/"), headers={"Authorization": f"Bearer {self.token}"}
            )
        except httpx.HTTPError:
            return
        if answer.response.status_code == 200 and isinstance(answer.body, Mapping):
            self.index = answer.body

    def _token_refused(self, answer: _Answer) -> None:
        response = answer.response
        error = wp_error(response)
        code = error.code if error is not None else None
        bare = (code or "").removeprefix("[jwt_auth] ").removeprefix("jwt_auth_")
        user = self.site.username
        source = self.password_source
        if code == "jwt_auth_bad_config":
            self.add(
                _check(
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
            self.add(
                _check(
                    "credentials",
                    FAIL,
                    f"WordPress rejected the password of user {user!r} ({code})",
                    f"check the password wpsync reads from {source} (with JWT: the user's login "
                    "password, or one of its application passwords)",
                    code=code,
                )
            )
            return
        if bare in ("invalid_username", "invalid_email", "user_not_found", "invalid_user"):
            self.add(
                _check(
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
            self.add(
                _check(
                    "credentials",
                    FAIL,
                    f"no token endpoint at {self.url(TOKEN_ROUTE)} (HTTP 404)",
                    "install and activate 'JWT Authentication for WP REST API'",
                    code=code or "jwt_auth_missing",
                )
            )
            return
        mapped = token_endpoint_error(response, self.site.url, user)
        if mapped is not None:
            self.add(_check("credentials", FAIL, str(mapped), mapped.hint, code=mapped.code))
            return
        self.add(
            _check(
                "credentials",
                FAIL,
                f"the token endpoint answered HTTP {response.status_code}"
                + (f" ({code})" if code else " without a token"),
                "look at the web server's and PHP's error logs",
                code=code,
            )
        )

    def _validate(self, probe: _Probe, token: str) -> None:
        try:
            answer = probe.send(
                "POST", self.url(VALIDATE_ROUTE), headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            self.add(_check("auth_header", FAIL, f"/token/validate did not answer: {_reason(exc)}"))
            return
        body = answer.body
        code = body.get("code") if isinstance(body, Mapping) else None
        if answer.response.status_code == 200 and code == "jwt_auth_valid_token":
            self.header_ok = True
            self.add(
                _check(
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
            self.add(
                _check(
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
            self.add(
                _check(
                    "auth_header",
                    FAIL,
                    f"WordPress refuses its own token: the issuer does not match ({code})",
                    "set site.url to the WordPress Address (Settings → General): same scheme "
                    "and host",
                    code=code,
                )
            )
            return
        if code == "jwt_auth_bad_auth_header":
            self.add(
                _check(
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
            self.add(
                _check(
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
        self.add(
            _check(
                "auth_header",
                FAIL,
                f"/token/validate answered HTTP {answer.response.status_code}"
                + (f" ({code}: {message})" if code else ""),
                HEADER_HINT,
                code=code,
            )
        )

    def _note_clock(self, key: str, answer: _Answer) -> None:
        server = answer.server_time
        if server is not None:
            self.facts[key] = round(server - answer.local_time, 1)

    def _clock(self, answer: _Answer, claims: Mapping[str, Any]) -> None:
        iat = as_number(claims.get("iat"))
        skews: list[tuple[str, float]] = []
        if iat is not None:
            skews.append(("token iat", iat - answer.local_time))
            self.facts["iat_skew"] = round(iat - answer.local_time, 1)
        server = answer.server_time
        if server is not None:
            skews.append(("HTTP Date", server - answer.local_time))
            self.facts["date_header_skew"] = round(server - answer.local_time, 1)
        self._skew(skews)

    def _skew(self, skews: list[tuple[str, float]]) -> None:
        if not skews:
            self.add(_check("clock", SKIP, "the server sent no time to compare with"))
            return
        _, worst = max(skews, key=lambda s: abs(s[1]))
        described = ", ".join(f"{name} {_signed(value)}" for name, value in skews)
        if abs(worst) <= SKEW_OK:
            self.add(_check("clock", OK, f"server and local clocks agree ({described})"))
            return
        side = "ahead of" if worst > 0 else "behind"
        fix = (
            "synchronise the clocks (systemd-timesyncd, chrony or ntpd) on this machine "
            "and on the server"
        )
        self.add(
            _check(
                "clock",
                WARN if abs(worst) <= SKEW_FAIL else FAIL,
                f"the server's clock is {abs(worst):.0f} s {side} this machine's "
                f"({described}): token expiry is judged by both",
                fix,
                code="clock_skew",
            )
        )

    def _lifetime(self, claims: Mapping[str, Any]) -> None:
        iat, exp = as_number(claims.get("iat")), as_number(claims.get("exp"))
        if exp is None:
            self.add(
                _check(
                    "token_lifetime",
                    WARN,
                    "the token has no exp claim: wpsync renews it only when WordPress refuses it",
                )
            )
            return
        if iat is None:
            self.add(_check("token_lifetime", OK, f"expires at {_when(exp)} (no iat claim)"))
            return
        life = exp - iat
        self.facts["token_lifetime"] = life
        if life <= 0:
            self.add(
                _check(
                    "token_lifetime",
                    FAIL,
                    f"tokens are born expired (exp {_duration(life)} after iat)",
                    "a jwt_auth_expire filter on the site returns a time in the past",
                )
            )
        elif life < SHORT_TOKEN:
            self.add(
                _check(
                    "token_lifetime",
                    WARN,
                    f"tokens live only {_duration(life)}: wpsync renews them, but nearly every "
                    "run logs in again",
                    "raise it with the plugin's jwt_auth_expire filter (hours or days)",
                )
            )
        else:
            self.add(
                _check(
                    "token_lifetime",
                    OK,
                    f"tokens live {_duration(life)}; wpsync caches one and renews it before it "
                    "expires",
                )
            )

    # -- application passwords

    def _application_password(self, probe: _Probe) -> None:
        self._plugin_check()
        if self.password is None:
            return
        import base64

        pair = f"{self.site.username}:{self.password.reveal()}".encode()
        headers = {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        if not self._capabilities(probe, headers, login_check=True):
            return
        self.header_ok = True
        self.add(
            _check(
                "auth_header",
                OK,
                "reaches WordPress (it knew who was asking)",
            )
        )

    # -- capabilities

    def _capabilities(
        self, probe: _Probe, headers: Mapping[str, str], *, login_check: bool = False
    ) -> bool:
        try:
            params = {"context": "edit", "_fields": "id,username,slug,roles,capabilities"}
            if self.plain_permalinks:
                # httpx replaces a URL's query with ``params``: rest_route goes in with them
                url, params = f"{self.site.url}/", {"rest_route": ME_ROUTE, **params}
            else:
                url = self.url(ME_ROUTE)
            answer = probe.send("GET", url, params=params, headers=dict(headers))
        except httpx.HTTPError as exc:
            name = "credentials" if login_check else "can_create"
            self.add(_check(name, FAIL, f"/wp/v2/users/me did not answer: {_reason(exc)}"))
            return False
        body = answer.body
        if answer.response.status_code != 200 or not isinstance(body, Mapping):
            error = wp_error(answer.response)
            code = error.code if error is not None else None
            if login_check:
                self._app_password_refused(answer, code)
            else:
                self.add(
                    _check(
                        "can_create",
                        FAIL,
                        f"cannot read the user's capabilities: HTTP "
                        f"{answer.response.status_code}" + (f" ({code})" if code else ""),
                        code=code,
                    )
                )
            return False
        if login_check:
            self.credentials_ok = True
            self.add(
                _check(
                    "credentials",
                    OK,
                    f"user {self.site.username!r} logged in with an application password",
                )
            )
            self._skew(
                [("HTTP Date", answer.server_time - answer.local_time)]
                if answer.server_time is not None
                else []
            )
            self.add(
                _check(
                    "token_lifetime",
                    OK,
                    "application passwords do not expire (revoke them under Users → Profile)",
                )
            )
        caps = body.get("capabilities")
        capabilities = (
            {str(k) for k, v in caps.items() if v} if isinstance(caps, Mapping) else set()
        )
        roles = body.get("roles")
        self.facts["roles"] = list(roles) if isinstance(roles, list) else []
        self._permissions(capabilities)
        return True

    def _app_password_refused(self, answer: _Answer, code: str | None) -> None:
        user = self.site.username
        if code == "incorrect_password":
            self.add(
                _check(
                    "credentials",
                    FAIL,
                    f"WordPress rejected the application password of user {user!r} ({code})",
                    "create one under Users → Profile → Application Passwords; the login "
                    "password does not work here",
                    code=code,
                )
            )
        elif code in ("invalid_username", "invalid_email"):
            self.add(
                _check(
                    "credentials",
                    FAIL,
                    f"WordPress has no user {user!r} ({code})",
                    "set site.username to the login name or e-mail address of an existing user",
                    code=code,
                )
            )
        elif code in ("application_passwords_disabled", "application_passwords_disabled_for_user"):
            self.add(
                _check(
                    "credentials",
                    FAIL,
                    f"application passwords are switched off ({code})",
                    'they need HTTPS (or WP_ENVIRONMENT_TYPE "local"); or use site.auth = "jwt"',
                    code=code,
                )
            )
        elif answer.response.status_code == 401:
            self.add(
                _check(
                    "credentials",
                    FAIL,
                    f"WordPress answered as if nobody were logged in ({code}): the username or "
                    "the application password is wrong, or the server drops the Authorization "
                    "header",
                    "check site.username and the application password (Users → Profile → "
                    "Application Passwords); if they are right:\n" + "\n".join(HEADER_FIXES),
                    code=code,
                )
            )
        else:
            self.add(
                _check(
                    "credentials",
                    FAIL,
                    f"/wp/v2/users/me answered HTTP {answer.response.status_code}"
                    + (f" ({code})" if code else ""),
                    "look at the web server's and PHP's error logs",
                    code=code,
                )
            )

    def _permissions(self, caps: set[str]) -> None:
        role = ", ".join(self.facts.get("roles") or []) or "no role"
        who = f"{self.site.username!r} ({role})"
        if "edit_posts" in caps:
            pages = "edit_pages" in caps
            self.add(
                _check(
                    "can_create",
                    OK if pages else WARN,
                    f"{who} may create posts" + (" and pages" if pages else " but not pages"),
                    None if pages else "pages need the Editor role (edit_pages)",
                )
            )
        else:
            self.add(
                _check(
                    "can_create",
                    FAIL,
                    f"{who} may not create posts (no edit_posts capability)",
                    "give the user the Author role or higher (Users → Edit → Role)",
                    code="rest_cannot_create",
                )
            )
        if "publish_posts" in caps:
            self.add(_check("can_publish", OK, f"{who} may publish posts"))
        elif self.config.content.default_status in ("publish", "future", "private"):
            self.add(
                _check(
                    "can_publish",
                    FAIL,
                    f"{who} may not publish (no publish_posts capability), but "
                    f"content.default_status is {self.config.content.default_status!r}",
                    "give the user the Author role or higher, or set "
                    'content.default_status = "pending" to submit posts for review',
                    code="rest_cannot_publish",
                )
            )
        else:
            self.add(
                _check(
                    "can_publish",
                    WARN,
                    f"{who} may not publish: posts can only be submitted for review",
                )
            )
        if "upload_files" in caps:
            self.add(_check("can_upload", OK, f"{who} may upload images"))
        else:
            self.add(
                _check(
                    "can_upload",
                    WARN,
                    f"{who} may not upload media (no upload_files): posts with local images "
                    "will fail",
                    "give the user the Author role or higher",
                    code="rest_cannot_create",
                )
            )
        if "manage_categories" in caps:
            self.add(_check("can_create_terms", OK, f"{who} may create categories and tags"))
        elif "edit_posts" in caps:
            self.add(
                _check(
                    "can_create_terms",
                    WARN,
                    f"{who} may create tags but not categories (no manage_categories): a new "
                    "category in front matter will fail with rest_cannot_create",
                    "create categories in WordPress first, or give the user the Editor role",
                    code="rest_cannot_create",
                )
            )
        else:
            self.add(
                _check(
                    "can_create_terms",
                    FAIL,
                    f"{who} may not create categories or tags",
                    "give the user the Author role or higher",
                    code="rest_cannot_create",
                )
            )


# --------------------------------------------------------------------------- helpers


def _flavour(body: Any) -> str | None:
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


def _token_of(body: Any) -> str | None:
    if not isinstance(body, Mapping):
        return None
    value = body.get("token")
    data = body.get("data")
    if value is None and isinstance(data, Mapping):
        value = data.get("token") or data.get("jwt")
    return value if isinstance(value, str) and value else None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _signed(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole:+d} s" if whole else "±0 s"


def _duration(seconds: float) -> str:
    s = abs(seconds)
    if s >= 2 * 86400:
        text = f"{s / 86400:.0f} days"
    elif s >= 2 * 3600:
        text = f"{s / 3600:.0f} hours"
    elif s >= 120:
        text = f"{s / 60:.0f} minutes"
    else:
        text = f"{s:.0f} s"
    return text if seconds >= 0 else "-" + text


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def run_doctor(
    config: Config,
    *,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.time,
) -> DoctorReport:
    """Diagnose the set-up ``config`` describes.  Never raises for what it diagnoses."""
    return _Doctor(config, os.environ if env is None else env, clock).run()
