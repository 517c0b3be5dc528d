"""The pure parts of authentication: JWT claims, renewal timing, the token cache file,
and how WordPress's answers about credentials are read."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wpsync.config import Secret
from wpsync.wordpress.answers import (
    is_token_rejected,
    plain_text,
    request_auth_error,
    token_endpoint_error,
    wp_error,
)
from wpsync.wordpress.auth import ApplicationPasswordAuth, JwtAuth
from wpsync.wordpress.tokens import Token, TokenCache, jwt_claims, token_url_for

SITE = "http://127.0.0.1:8080"


def make_jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'typ': 'JWT', 'alg': 'HS256'})}.{part(claims)}.c2lnbmF0dXJl"


def answer(
    status: int,
    body: Any,
    *,
    url: str = f"{SITE}/wp-json/wp/v2/posts",
    authorization: str | None = "Bearer abc",
) -> httpx.Response:
    headers = {"Authorization": authorization} if authorization else {}
    request = httpx.Request("POST", url, headers=headers)
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(status, content=content, request=request)


# --------------------------------------------------------------------------- claims and timing


def test_exp_and_iat_are_read_from_a_tmeister_token() -> None:
    token = make_jwt(
        {"iss": SITE, "iat": 1000, "nbf": 1000, "exp": 605800, "data": {"user": {"id": "1"}}}
    )
    parsed = Token.parse(token)
    assert (parsed.iat, parsed.exp) == (1000.0, 605800.0)


def test_a_token_that_is_not_a_jwt_has_no_claims_and_never_expires_early() -> None:
    assert jwt_claims("opaque-token") is None
    assert jwt_claims("a.!!!.c") is None
    assert jwt_claims(make_jwt({"exp": 1}).replace(".", "", 1)) is None
    assert not Token.parse("opaque-token").is_expiring(now=1e12)


def test_string_claims_are_accepted() -> None:
    assert Token.parse(make_jwt({"exp": "2000", "iat": "1000"})).exp == 2000.0


def test_a_long_lived_token_is_renewed_in_its_last_minute() -> None:
    token = Token.parse(make_jwt({"iat": 0, "exp": 7 * 86400}))
    assert not token.is_expiring(now=7 * 86400 - 61)
    assert token.is_expiring(now=7 * 86400 - 59)


def test_a_short_lived_token_is_not_renewed_on_every_request() -> None:
    token = Token.parse(make_jwt({"iat": 100, "exp": 102}))  # 2 s: margin 0.2 s
    assert not token.is_expiring(now=101.0)
    assert token.is_expiring(now=101.9)
    assert token.is_expiring(now=200)


@given(st.integers(1, 10**7), st.integers(1, 10**9))
def test_margin_never_exceeds_a_minute_nor_a_tenth_of_the_lifetime(lifetime: int, iat: int) -> None:
    token = Token.parse(make_jwt({"iat": iat, "exp": iat + lifetime}))
    assert 0 < token.renew_margin() <= min(60, lifetime / 10 + 1e-9)


def test_token_repr_hides_the_value() -> None:
    value = make_jwt({"exp": 5})
    assert value not in repr(Token.parse(value))


# --------------------------------------------------------------------------- cache file


def test_cache_file_is_private_and_round_trips(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "state" / "token.json")
    value = make_jwt({"iat": 1, "exp": 2})
    cache.store(SITE, "admin", Token.parse(value))
    mode = stat.S_IMODE(os.stat(cache.path).st_mode)
    assert mode == 0o600
    loaded = cache.load(SITE + "/", "admin")
    assert loaded is not None and loaded.value.reveal() == value and loaded.exp == 2
    assert cache.load(SITE, "someone-else") is None
    assert cache.load("http://other.example", "admin") is None
    assert json.loads(cache.path.read_text())["tokens"][f"{SITE} admin"]["exp"] == 2


def test_two_sites_share_one_cache_file(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "token.json")
    cache.store(SITE, "admin", Token.parse("one"))
    cache.store("https://blog.example", "admin", Token.parse("two"))
    assert cache.load(SITE, "admin") == Token.parse("one")
    assert cache.load("https://blog.example", "admin") == Token.parse("two")
    cache.forget(SITE, "admin")
    assert cache.load(SITE, "admin") is None
    assert cache.load("https://blog.example", "admin") is not None


def test_a_cache_others_can_read_is_tightened_and_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = TokenCache(tmp_path / "token.json")
    cache.store(SITE, "admin", Token.parse("the-token-value"))
    os.chmod(cache.path, 0o644)
    with caplog.at_level(logging.WARNING):
        assert cache.load(SITE, "admin") is None
    assert stat.S_IMODE(os.stat(cache.path).st_mode) == 0o600
    assert "tightened" in caplog.text and "the-token-value" not in caplog.text


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"version": 99}', b"[1, 2]"])
def test_an_unreadable_cache_is_ignored(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "token.json"
    path.write_bytes(content)
    os.chmod(path, 0o600)
    cache = TokenCache(path)
    assert cache.load(SITE, "admin") is None
    cache.store(SITE, "admin", Token.parse("fresh"))  # and is replaced by the next store
    assert cache.load(SITE, "admin") == Token.parse("fresh")


def test_a_symlinked_cache_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    TokenCache(target).store(SITE, "admin", Token.parse("secret"))
    link = tmp_path / "token.json"
    link.symlink_to(target)
    assert TokenCache(link).load(SITE, "admin") is None


def test_a_cache_in_an_unwritable_place_is_only_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = TokenCache(blocker / "token.json")  # its folder cannot be created
    with caplog.at_level(logging.WARNING):
        cache.store(SITE, "admin", Token.parse("x"))
    assert "could not write token cache" in caplog.text


# --------------------------------------------------------------------------- reading answers


def test_plain_text_strips_wordpress_html() -> None:
    message = (
        "<strong>Error:</strong> The password you entered for the username <strong>admin</strong> "
        'is incorrect. <a href="http://x/wp-login.php?action=lostpassword">Lost your password?</a>'
    )
    assert plain_text(message) == (
        "The password you entered for the username admin is incorrect. Lost your password?"
    )
    assert plain_text("a &amp; b") == "a & b"


def test_wp_error_reads_core_and_simple_jwt_login_shapes() -> None:
    core = wp_error(
        answer(
            403,
            {"code": "jwt_auth_invalid_token", "message": "Expired token", "data": {"status": 403}},
        )
    )
    assert core is not None and (core.code, core.message) == (
        "jwt_auth_invalid_token",
        "Expired token",
    )
    sjl = wp_error(answer(400, {"success": False, "data": {"message": "Expired", "errorCode": 14}}))
    assert sjl is not None and sjl.code == "simple_jwt_login_14"
    assert wp_error(answer(404, b"<html>Not found</html>")) is None


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (403, {"code": "jwt_auth_invalid_token", "message": "Expired token"}),
        (403, {"code": "jwt_auth_invalid_token", "message": "Signature verification failed"}),
        (403, {"code": "jwt_auth_bad_iss", "message": "The iss do not match with this server"}),
        (401, {"code": "jwt_auth_invalid_token", "message": "Expired token"}),
        (401, {"code": "jwt_auth_obsolete_token", "message": "Token is obsolete"}),
        (401, {"code": "rest_cannot_create", "message": "Sorry, you are not allowed"}),
        (401, {"code": "rest_forbidden_context", "message": "Sorry"}),
        (401, {"code": "rest_forbidden", "message": "Sorry"}),
        (400, {"success": False, "data": {"message": "Expired", "errorCode": 14}}),
    ],
)
def test_expiry_answers_of_every_plugin_are_recognised(status: int, body: Any) -> None:
    assert is_token_rejected(answer(status, body))


@pytest.mark.parametrize(
    ("status", "body", "authorization"),
    [
        (401, {"code": "rest_cannot_create", "message": "Sorry"}, None),  # no token was sent
        (
            403,
            {"code": "rest_cannot_create", "message": "Sorry"},
            "Bearer abc",
        ),  # logged in, no cap
        (403, {"code": "jwt_auth_no_auth_header", "message": "..."}, "Bearer abc"),
        (
            400,
            {"code": "rest_invalid_param", "message": "Invalid parameter(s): status"},
            "Bearer abc",
        ),
        (500, b"<html>fatal</html>", "Bearer abc"),
        (400, {"success": False, "data": {"message": "Wrong", "errorCode": 13}}, "Bearer abc"),
    ],
)
def test_other_answers_are_not_taken_for_expiry(
    status: int, body: Any, authorization: str | None
) -> None:
    assert not is_token_rejected(answer(status, body, authorization=authorization))


TOKEN_URL = f"{SITE}/wp-json/jwt-auth/v1/token"


def token_answer(status: int, body: Any) -> httpx.Response:
    return answer(status, body, url=TOKEN_URL, authorization=None)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (403, "[jwt_auth] incorrect_password", "WordPress rejected the password for user 'admin'"),
        (401, "incorrect_password", "WordPress rejected the password for user 'admin'"),
        (403, "[jwt_auth] invalid_username", "WordPress has no user 'admin'"),
        (403, "[jwt_auth] invalid_email", "WordPress has no user 'admin'"),
        (401, "invalid_username", "WordPress has no user 'admin'"),
        (
            403,
            "jwt_auth_bad_config",
            "the JWT plugin is active but not configured: define JWT_AUTH_SECRET_KEY in wp-config.php",
        ),
        (
            500,
            "jwt_auth_bad_config",
            "the JWT plugin is active but not configured: define JWT_AUTH_SECRET_KEY in wp-config.php",
        ),
        (
            404,
            "rest_no_route",
            f"the JWT Authentication plugin is not active on {SITE} (no jwt-auth/v1 route)",
        ),
    ],
)
def test_token_endpoint_errors_become_one_line_auth_errors(
    status: int, code: str, expected: str
) -> None:
    body = {
        "code": code,
        "message": "<strong>Error:</strong> something",
        "data": {"status": status},
    }
    error = token_endpoint_error(token_answer(status, body), SITE, "admin")
    assert error is not None
    assert str(error) == expected
    assert error.code == code or (code == "rest_no_route" and error.code == "jwt_auth_missing")
    assert error.hint


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b"<html>fatal</html>"),
        (503, {"code": "maintenance", "message": "x"}),
        (429, b""),
        (404, b"<html>"),
    ],
)
def test_token_endpoint_answers_not_about_credentials_go_back_to_the_client(
    status: int, body: Any
) -> None:
    assert token_endpoint_error(token_answer(status, body), SITE, "admin") is None


def test_an_anonymous_refusal_despite_credentials_blames_the_stripped_header() -> None:
    error = request_auth_error(
        answer(401, {"code": "rest_cannot_create", "message": "Sorry"}), scheme="jwt"
    )
    assert error is not None and error.code == "authorization_ignored"
    assert "Authorization" in (error.hint or "")
    no_header = request_auth_error(
        answer(
            403, {"code": "jwt_auth_no_auth_header", "message": "Authorization header not found."}
        ),
        scheme="jwt",
    )
    assert no_header is not None and no_header.code == "jwt_auth_no_auth_header"
    assert (
        request_auth_error(
            answer(403, {"code": "rest_cannot_create", "message": "x"}), scheme="jwt"
        )
        is None
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{SITE}/wp-json/wp/v2/posts?slug=a", TOKEN_URL),
        (f"{SITE}/blog/wp-json/wp/v2/posts", f"{SITE}/blog/wp-json/jwt-auth/v1/token"),
        (f"{SITE}/?rest_route=/wp/v2/posts&slug=a", f"{SITE}/?rest_route=%2Fjwt-auth%2Fv1%2Ftoken"),
        (f"{SITE}/something-else", "DEFAULT"),
    ],
)
def test_the_token_url_follows_the_rest_root_of_the_request(url: str, expected: str) -> None:
    got = token_url_for(url, "DEFAULT")
    assert httpx.URL(got) == httpx.URL(expected)


def test_reprs_never_show_the_password() -> None:
    password = "correct horse battery staple"
    for auth in (
        JwtAuth(SITE, "admin", Secret(password)),
        ApplicationPasswordAuth(SITE, "admin", Secret(password)),
    ):
        assert password not in repr(auth)
        assert password not in str(vars(auth))
