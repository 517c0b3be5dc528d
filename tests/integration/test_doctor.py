"""`wpsync doctor` against the real WordPress: all ✓ on a good set-up, and for each classic
breakage the exact cause and its fix."""

from __future__ import annotations

import dataclasses
import http.server
import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults import FaultProxy, route, status, strip_header
from tests.sitekit import Site, make_site
from tests.wordpress import WordPressInstance, set_jwt

pytestmark = pytest.mark.integration

CHECKS = [
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
    "files",
    "authors",
]


def doctor(site: Site, **env: str) -> tuple[int, dict[str, Any], dict[str, dict[str, Any]]]:
    done = site.cli("doctor", "--json", env=site.env(**env))
    assert done.stdout, done.stderr
    report = json.loads(done.stdout)
    return done.returncode, report, {c["name"]: c for c in report["checks"]}


def test_a_good_set_up_is_all_green(tmp_path: Path, wp: WordPressInstance) -> None:
    site = make_site(tmp_path / "blog", wp)
    code, report, checks = doctor(site)
    assert code == 0 and report["ok"]
    assert list(checks) == CHECKS
    assert {c["status"] for c in checks.values()} == {"ok"}, checks
    assert "Tmeister" in checks["auth_plugin"]["message"]
    assert "7 days" in checks["token_lifetime"]["message"]
    assert abs(report["facts"]["iat_skew"]) <= 2
    text = site.cli("doctor")
    assert text.returncode == 0 and text.stdout.count("✓") == len(CHECKS)
    assert "\x1b[" not in text.stdout  # not a terminal, NO_COLOR: no colour
    assert not (site.root / ".wpsync").exists()  # doctor writes nothing
    quiet = site.cli("-q", "doctor")
    assert (quiet.returncode, quiet.stdout) == (0, "")


def test_without_the_jwt_secret_it_names_jwt_auth_bad_config_and_the_wp_config_line(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    set_jwt(wp, secret=False)
    site = make_site(tmp_path / "blog", wp)
    code, report, checks = doctor(site)
    assert code == 1 and not report["ok"]
    failed = [name for name, c in checks.items() if c["status"] == "fail"]
    assert failed == ["credentials"]
    assert checks["credentials"]["code"] == "jwt_auth_bad_config"
    assert "JWT_AUTH_SECRET_KEY" in checks["credentials"]["message"]
    assert "define('JWT_AUTH_SECRET_KEY', '" in checks["credentials"]["fix"]
    assert checks["auth_header"]["status"] == "skip"
    text = site.cli("doctor")
    assert text.returncode == 1
    assert "✗ credentials" in text.stdout and "fix: add this line to wp-config.php" in text.stdout


@pytest.fixture
def header_stripping_proxy(wp: WordPressInstance) -> Iterator[FaultProxy]:
    with FaultProxy(wp.url) as proxy:
        proxy.plan(faults=[strip_header("Authorization")], repeat=True)
        yield proxy


def test_a_server_that_drops_the_authorization_header_gets_the_apache_and_nginx_fixes(
    tmp_path: Path, wp: WordPressInstance, header_stripping_proxy: FaultProxy
) -> None:
    behind = dataclasses.replace(wp, url=header_stripping_proxy.url)
    site = make_site(tmp_path / "blog", behind)
    code, _, checks = doctor(site)
    assert code == 1
    assert checks["credentials"]["status"] == "ok"  # the token came: the password is fine
    header = checks["auth_header"]
    assert (header["status"], header["code"]) == ("fail", "jwt_auth_no_auth_header")
    for fix in (
        "RewriteCond %{HTTP:Authorization} ^(.*)",
        "RewriteRule ^(.*) - [E=HTTP_AUTHORIZATION:%1]",
        'SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1',
        "CGIPassAuth On",
        "fastcgi_param HTTP_AUTHORIZATION $http_authorization;",
    ):
        assert fix in header["fix"], fix
    assert checks["can_create"]["status"] == "skip"
    sent = [e for e in header_stripping_proxy.log if "authorization" in e.headers]
    assert sent and all(e.method in ("GET", "POST") for e in header_stripping_proxy.log)


def test_a_wrong_password_and_an_unknown_user_are_told_apart(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blog", wp)
    code, _, checks = doctor(site, WPSYNC_PASSWORD="not-the-password")
    assert code == 1
    creds = checks["credentials"]
    assert (creds["status"], creds["code"]) == ("fail", "[jwt_auth] incorrect_password")
    assert "rejected the password of user 'admin'" in creds["message"]
    assert "$WPSYNC_PASSWORD" in creds["fix"]
    code, _, checks = doctor(site, WPSYNC_USERNAME="nobody-here")
    assert code == 1
    assert checks["credentials"]["code"] == "[jwt_auth] invalid_username"
    assert "no user 'nobody-here'" in checks["credentials"]["message"]
    assert "site.username" in checks["credentials"]["fix"]
    done = site.cli("doctor", env=site.env(WPSYNC_PASSWORD="not-the-password"))
    assert "not-the-password" not in done.stdout + done.stderr
    quiet = site.cli("-q", "doctor", env=site.env(WPSYNC_PASSWORD="not-the-password"))
    assert quiet.returncode == 1 and "✗ credentials" in quiet.stdout and "✓" not in quiet.stdout


def test_no_password_at_all_says_which_variable_to_set(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blog", wp)
    env = {k: v for k, v in site.env().items() if k != "WPSYNC_PASSWORD"}
    done = site.cli("doctor", "--json", env=env)
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert done.returncode == 1
    assert (
        checks["password"]["status"] == "fail"
        and "export WPSYNC_PASSWORD=" in checks["password"]["fix"]
    )
    assert checks["reachable"]["status"] == "ok"  # the rest that needs no password still runs


def test_useful_teams_plugin_is_recognised(tmp_path: Path, wp: WordPressInstance) -> None:
    set_jwt(wp, mode="useful-team")
    site = make_site(tmp_path / "blog", wp)
    code, _, checks = doctor(site)
    assert code == 0, checks
    assert "Useful Team" in checks["auth_plugin"]["message"]
    assert "10 minutes" in checks["token_lifetime"]["message"]


def test_application_passwords_and_an_author_with_fewer_rights(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "app", wp, auth="application-password")
    code, _, checks = doctor(site)
    assert code == 0 and {c["status"] for c in checks.values()} == {"ok"}, checks
    code, _, checks = doctor(site, WPSYNC_PASSWORD="abcd efgh ijkl mnop qrst uvwx")
    assert code == 1 and checks["credentials"]["code"] == "rest_not_logged_in"
    assert "Application Passwords" in checks["credentials"]["fix"]

    jwt_site = make_site(tmp_path / "author", wp)
    code, _, checks = doctor(
        jwt_site, WPSYNC_USERNAME=wp.author_user, WPSYNC_PASSWORD=wp.author_password
    )
    assert code == 0  # warnings only: an author can publish posts
    assert checks["can_publish"]["status"] == "ok"
    assert checks["can_create_terms"]["status"] == "warn"
    assert "manage_categories" in checks["can_create_terms"]["message"]
    assert checks["can_create"]["status"] == "warn" and "pages" in checks["can_create"]["message"]


def test_short_tokens_are_a_warning(tmp_path: Path, wp: WordPressInstance) -> None:
    set_jwt(wp, ttl=30)
    site = make_site(tmp_path / "blog", wp)
    code, _, checks = doctor(site)
    assert code == 0 and checks["token_lifetime"]["status"] == "warn"
    assert "jwt_auth_expire" in checks["token_lifetime"]["fix"]


def test_a_site_that_is_down_fails_at_the_first_check(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    with FaultProxy(wp.url) as proxy:
        url = proxy.url
    site = make_site(tmp_path / "blog", dataclasses.replace(wp, url=url))  # nobody listens
    code, _, checks = doctor(site)
    assert code == 1
    assert (checks["reachable"]["status"], checks["reachable"]["code"]) == ("fail", "connect")
    assert all(checks[name]["status"] == "skip" for name in CHECKS[1:] if name != "clock")


# --------------------------------------------------------------------------- TLS


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate (and the cert's path)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", cert
    finally:
        server.shutdown()
        server.server_close()


def test_an_invalid_tls_certificate_is_named_and_a_private_ca_accepted(
    tmp_path: Path, wp: WordPressInstance, tls_server: tuple[str, Path]
) -> None:
    url, cert = tls_server
    site = make_site(tmp_path / "blog", dataclasses.replace(wp, url=url))
    code, _, checks = doctor(site)
    assert code == 1
    reachable = checks["reachable"]
    assert (reachable["status"], reachable["code"]) == ("fail", "tls_certificate")
    assert "self-signed" in reachable["message"] and "site.ca_bundle" in reachable["fix"]
    trusted = make_site(tmp_path / "trusted", dataclasses.replace(wp, url=url))
    text = trusted.config.read_text()
    trusted.config.write_text(text.replace("[site]\n", f'[site]\nca_bundle = "{cert}"\n', 1))
    code, _, checks = doctor(trusted)
    assert (
        checks["reachable"]["status"] == "ok"
        and "TLS certificate valid" in checks["reachable"]["message"]
    )
    assert checks["rest_api"]["status"] == "fail"  # a plain web server: no WordPress there


def test_plain_permalinks_are_found_at_rest_route(tmp_path: Path, wp: WordPressInstance) -> None:
    with FaultProxy(wp.url) as proxy:
        # a site without pretty permalinks: /wp-json/… is an HTML 404 page
        proxy.plan(match=route(None, "/wp-json"), faults=[status(404)], repeat=True)
        site = make_site(tmp_path / "blog", dataclasses.replace(wp, url=proxy.url))
        code, report, checks = doctor(site)
        assert code == 0, checks
        assert "plain permalinks" in checks["rest_api"]["message"]
        assert report["facts"]["api_root"].endswith("/?rest_route=")
        assert checks["auth_header"]["status"] == "ok"
        assert proxy.requests_to("POST", "rest_route=/jwt-auth/v1/token")
