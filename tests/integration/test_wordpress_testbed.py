"""The local test WordPress itself: the JWT protocol it speaks (REFERENCE.md §1), its test controls,
its content model, and the lifecycle of scripts/wordpress (up, down, restart with data, destroy)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.wordpress import SCRIPT, WordPressInstance, set_jwt, start, stop

pytestmark = pytest.mark.integration

SEVEN_DAYS = 7 * 24 * 3600
UNKNOWN_USERNAME = (
    "<strong>Error:</strong> Unknown username. Check again or try your email address."
)
# The site has application passwords in use, so core checks a wrong password as one (REFERENCE.md §1).
INVALID_APP_PASSWORD = "The provided password is an invalid application password."
CANNOT_CREATE = "Sorry, you are not allowed to create posts as this user."


# --------------------------------------------------------------------------------------------- helpers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims_of(token: str) -> dict[str, Any]:
    return json.loads(unb64url(token.split(".")[1]))  # type: ignore[no-any-return]


def forge(secret: str, claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    """A token signed with HS256 like the plugin's, with whatever claims a test needs."""
    head = b64url(json.dumps(header or {"typ": "JWT", "alg": "HS256"}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def good_claims(wp: WordPressInstance, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": wp.url, "iat": now, "nbf": now, "exp": now + 60, "data": {"user": {"id": "1"}}}
    claims.update(changes)
    return claims


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(wp: WordPressInstance) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{wp.url}/wp-json", timeout=30) as client:
        yield client


def get_token(api: httpx.Client, wp: WordPressInstance, **kwargs: Any) -> str:
    data = kwargs or {"json": {"username": wp.admin_user, "password": wp.admin_password}}
    r = api.post("/jwt-auth/v1/token", **data)
    assert r.status_code == 200, r.text
    return r.json()["token"]  # type: ignore[no-any-return]


def assert_error(r: httpx.Response, status: int, code: str, message: str | None = None) -> None:
    body = r.json()
    assert (r.status_code, body["code"]) == (status, code), r.text
    assert body["data"] == {"status": status}, r.text
    if message is not None:
        assert body["message"] == message, r.text


# --------------------------------------------------------------------------------------------- Tmeister


def test_the_index_advertises_jwt_auth_and_application_passwords(api: httpx.Client) -> None:
    index = api.get("/").json()
    assert "jwt-auth/v1" in index["namespaces"]
    assert "application-passwords" in index["authentication"]


@pytest.mark.parametrize("how", ["json", "form", "query"])
def test_a_token_from_json_form_or_query_credentials_creates_a_post(
    api: httpx.Client, wp: WordPressInstance, how: str
) -> None:
    credentials = {"username": wp.admin_user, "password": wp.admin_password}
    kwargs = {
        "json": {"json": credentials},
        "form": {"data": credentials},
        "query": {"params": credentials},
    }
    r = api.post("/jwt-auth/v1/token", **kwargs[how])
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"token", "user_email", "user_nicename", "user_display_name"}
    assert (body["user_email"], body["user_nicename"]) == ("admin@example.com", "admin")

    created = api.post(
        "/wp/v2/posts",
        json={"title": "Via JWT", "status": "publish"},
        headers=bearer(body["token"]),
    )
    assert created.status_code == 201, created.text
    assert created.json()["author"] == 1


def test_validate_accepts_a_fresh_token(api: httpx.Client, wp: WordPressInstance) -> None:
    r = api.post("/jwt-auth/v1/token/validate", headers=bearer(get_token(api, wp)))
    assert (r.status_code, r.json()) == (
        200,
        {"code": "jwt_auth_valid_token", "data": {"status": 200}},
    )


def test_the_token_is_hs256_with_the_plugins_claims(
    api: httpx.Client, wp: WordPressInstance
) -> None:
    token = get_token(api, wp)
    head, body, sig = token.split(".")
    assert json.loads(unb64url(head)) == {"typ": "JWT", "alg": "HS256"}
    expected = hmac.new(wp.jwt_secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert unb64url(sig) == expected
    claims = claims_of(token)
    assert set(claims) == {"iss", "iat", "nbf", "exp", "data"}
    assert claims["iss"] == wp.url
    assert claims["nbf"] == claims["iat"]
    assert abs(claims["iat"] - time.time()) < 60
    assert claims["exp"] == claims["iat"] + SEVEN_DAYS
    assert claims["data"] == {"user": {"id": "1"}}  # a string, as the real plugin sends it


def test_wrong_password(api: httpx.Client, wp: WordPressInstance) -> None:
    r = api.post("/jwt-auth/v1/token", json={"username": wp.admin_user, "password": "nope"})
    assert_error(r, 403, "[jwt_auth] incorrect_password", INVALID_APP_PASSWORD)


@pytest.mark.parametrize(
    "credentials",
    [{"username": "nobody", "password": "x"}, {}],
    ids=["unknown-user", "no-parameters"],
)
def test_unknown_user_or_no_parameters(api: httpx.Client, credentials: dict[str, str]) -> None:
    r = api.post("/jwt-auth/v1/token", json=credentials)
    assert_error(r, 403, "[jwt_auth] invalid_username", UNKNOWN_USERNAME)


def test_validate_without_a_header(api: httpx.Client) -> None:
    r = api.post("/jwt-auth/v1/token/validate")
    assert_error(r, 403, "jwt_auth_no_auth_header", "Authorization header not found.")


@pytest.mark.parametrize("header", ["Bearer", "Basic YWRtaW46eA==", "Token abc"])
def test_validate_with_a_malformed_header(api: httpx.Client, header: str) -> None:
    r = api.post("/jwt-auth/v1/token/validate", headers={"Authorization": header})
    assert_error(r, 403, "jwt_auth_bad_auth_header", "Authorization header malformed.")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("garbage.garbage.garbage", "Malformed UTF-8 characters"),
        ("abc.def.ghi", "Syntax error, malformed JSON"),
        ("not-a-token", "Wrong number of segments"),
        ("a.b.c.d", "Wrong number of segments"),
    ],
)
def test_validate_a_garbled_token(api: httpx.Client, token: str, message: str) -> None:
    r = api.post("/jwt-auth/v1/token/validate", headers=bearer(token))
    assert_error(r, 403, "jwt_auth_invalid_token", message)


def test_validate_a_token_with_a_bad_signature(api: httpx.Client, wp: WordPressInstance) -> None:
    token = get_token(api, wp)
    head, body, _ = token.split(".")
    for bad in (f"{head}.{body}.{b64url(b'x' * 32)}", forge("another secret", claims_of(token))):
        r = api.post("/jwt-auth/v1/token/validate", headers=bearer(bad))
        assert_error(r, 403, "jwt_auth_invalid_token", "Signature verification failed")


def test_a_token_born_expired(api: httpx.Client, wp: WordPressInstance) -> None:
    set_jwt(wp, ttl=-10)
    token = get_token(api, wp)
    assert claims_of(token)["exp"] == claims_of(token)["iat"] - 10
    r = api.post("/jwt-auth/v1/token/validate", headers=bearer(token))
    assert r.json() == {
        "code": "jwt_auth_invalid_token",
        "message": "Expired token",
        "data": {"status": 403},
    }
    assert r.status_code == 403


def test_a_short_lived_token_expires_with_time(api: httpx.Client, wp: WordPressInstance) -> None:
    set_jwt(wp, ttl=1)
    token = get_token(api, wp)
    assert claims_of(token)["exp"] == claims_of(token)["iat"] + 1
    time.sleep(max(0.0, claims_of(token)["exp"] - time.time()) + 0.2)  # time() >= exp now
    r = api.post("/wp/v2/posts", json={"title": "too late"}, headers=bearer(token))
    assert_error(r, 403, "jwt_auth_invalid_token", "Expired token")


def test_a_token_from_another_site(api: httpx.Client, wp: WordPressInstance) -> None:
    token = forge(wp.jwt_secret, good_claims(wp, iss="http://example.com"))
    r = api.post("/jwt-auth/v1/token/validate", headers=bearer(token))
    assert_error(r, 403, "jwt_auth_bad_iss", "The iss do not match with this server")


def test_a_token_not_valid_yet(api: httpx.Client, wp: WordPressInstance) -> None:
    set_jwt(wp, not_before=3600)
    token = get_token(api, wp)
    claims = claims_of(token)
    assert claims["nbf"] == claims["iat"] + 3600
    r = api.post("/jwt-auth/v1/token/validate", headers=bearer(token))
    nbf = time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(claims["nbf"]))
    assert_error(r, 403, "jwt_auth_invalid_token", f"Cannot handle token prior to {nbf}")


def test_a_token_without_a_user_id(api: httpx.Client, wp: WordPressInstance) -> None:
    token = forge(wp.jwt_secret, good_claims(wp, data={"user": {}}))
    r = api.post("/jwt-auth/v1/token/validate", headers=bearer(token))
    assert_error(r, 403, "jwt_auth_bad_request", "User ID not found in the token")


def test_no_secret_key_configured(api: httpx.Client, wp: WordPressInstance) -> None:
    token = get_token(api, wp)
    set_jwt(wp, secret=False)
    message = "JWT is not configured properly, please contact the admin"
    r = api.post(
        "/jwt-auth/v1/token", json={"username": wp.admin_user, "password": wp.admin_password}
    )
    assert_error(r, 403, "jwt_auth_bad_config", message)
    r = api.post("/jwt-auth/v1/token/validate", headers=bearer(token))
    assert_error(r, 403, "jwt_auth_bad_config", message)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/wp/v2/posts"),
        ("GET", "/"),
        ("POST", "/wp/v2/posts"),
        ("POST", "/jwt-auth/v1/token"),  # a stale header spoils even a request for a new token
    ],
)
def test_an_invalid_token_makes_every_route_answer_403(
    api: httpx.Client, wp: WordPressInstance, method: str, path: str
) -> None:
    set_jwt(wp, ttl=-1)
    stale = get_token(api, wp)
    set_jwt(wp)
    body = {"username": wp.admin_user, "password": wp.admin_password}
    r = api.request(method, path, json=body if method == "POST" else None, headers=bearer(stale))
    assert_error(r, 403, "jwt_auth_invalid_token", "Expired token")


def test_without_a_header_a_request_is_anonymous(api: httpx.Client) -> None:
    assert api.get("/wp/v2/posts").status_code == 200
    r = api.post("/wp/v2/posts", json={"title": "anonymous"})
    assert r.status_code == 401
    assert r.json() == {
        "code": "rest_cannot_create",
        "message": CANNOT_CREATE,
        "data": {"status": 401},
    }


def test_application_password_basic_auth(api: httpx.Client, wp: WordPressInstance) -> None:
    auth = (wp.admin_user, wp.app_password)
    me = api.get("/wp/v2/users/me", params={"context": "edit"}, auth=auth)
    assert me.status_code == 200, me.text
    assert me.json()["roles"] == ["administrator"]
    created = api.post("/wp/v2/posts", json={"title": "Via app password"}, auth=auth)
    assert created.status_code == 201, created.text
    # REFERENCE.md says 401 incorrect_password; WordPress 6.1 here collects the failure only after its
    # check (rest_authentication_errors priority 90 runs before the user is determined at 100), so a
    # wrong application password makes an anonymous request: core's 401 for the route.
    wrong = api.get("/wp/v2/users/me", auth=(wp.admin_user, "wrong wrong wrong"))
    assert (wrong.status_code, wrong.json()["code"]) == (401, "rest_not_logged_in")
    wrong = api.post("/wp/v2/posts", json={"title": "x"}, auth=(wp.admin_user, "wrong wrong wrong"))
    assert (wrong.status_code, wrong.json()["code"]) == (401, "rest_cannot_create")


def test_the_author_may_publish_posts_but_not_pages_or_categories(
    api: httpx.Client, wp: WordPressInstance
) -> None:
    token = get_token(api, wp, json={"username": wp.author_user, "password": wp.author_password})
    assert claims_of(token)["data"]["user"]["id"] != "1"
    post = api.post(
        "/wp/v2/posts", json={"title": "Mine", "status": "publish"}, headers=bearer(token)
    )
    assert (post.status_code, post.json()["status"]) == (201, "publish")
    page = api.post("/wp/v2/pages", json={"title": "Nope"}, headers=bearer(token))
    assert (page.status_code, page.json()["code"]) == (403, "rest_cannot_create")
    term = api.post("/wp/v2/categories", json={"name": "Nope"}, headers=bearer(token))
    assert (term.status_code, term.json()["code"]) == (403, "rest_cannot_create")


# --------------------------------------------------------------------------------------------- Useful Team


def test_useful_team_shapes(api: httpx.Client, wp: WordPressInstance) -> None:
    set_jwt(wp, mode="useful-team")
    r = api.post(
        "/jwt-auth/v1/token", json={"username": wp.admin_user, "password": wp.admin_password}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert {k: body[k] for k in ("success", "statusCode", "code", "message")} == {
        "success": True,
        "statusCode": 200,
        "code": "jwt_auth_valid_credential",
        "message": "Credential is valid",
    }
    data = body["data"]
    assert set(data) == {"token", "id", "email", "nicename", "firstName", "lastName", "displayName"}
    assert (data["id"], data["email"]) == (1, "admin@example.com")
    claims = claims_of(data["token"])
    assert claims["exp"] == claims["iat"] + 600
    assert "refresh_token" in r.cookies

    valid = api.post("/jwt-auth/v1/token/validate", headers=bearer(data["token"]))
    assert valid.json() == {
        "success": True,
        "statusCode": 200,
        "code": "jwt_auth_valid_token",
        "message": "Token is valid",
        "data": [],
    }
    created = api.post("/wp/v2/posts", json={"title": "UT"}, headers=bearer(data["token"]))
    assert created.status_code == 201, created.text

    # A fresh client: with the refresh_token cookie, /token ignores the credentials (as the plugin does).
    wrong = httpx.post(
        f"{wp.url}/wp-json/jwt-auth/v1/token", json={"username": wp.admin_user, "password": "nope"}
    )
    assert wrong.status_code == 401
    assert wrong.json() == {
        "success": False,
        "statusCode": 401,
        "code": "incorrect_password",
        "message": INVALID_APP_PASSWORD,
        "data": [],
    }


def test_useful_team_refresh_cookie_gives_a_new_access_token(wp: WordPressInstance) -> None:
    set_jwt(wp, mode="useful-team")
    with httpx.Client(base_url=f"{wp.url}/wp-json", timeout=30) as client:
        first = client.post(
            "/jwt-auth/v1/token", json={"username": wp.admin_user, "password": wp.admin_password}
        )
        assert first.status_code == 200
        again = client.post("/jwt-auth/v1/token")  # only the cookie
        assert again.status_code == 200, again.text
        assert again.json()["code"] == "jwt_auth_valid_credential"
        rotated = client.post("/jwt-auth/v1/token/refresh")
        assert (rotated.status_code, rotated.json()["code"]) == (200, "jwt_auth_valid_token")


def test_useful_team_invalid_token_on_an_ordinary_route(
    api: httpx.Client, wp: WordPressInstance
) -> None:
    set_jwt(wp, mode="useful-team", ttl=-1)
    body = api.post(
        "/jwt-auth/v1/token", json={"username": wp.admin_user, "password": wp.admin_password}
    ).json()
    expired = body["data"]["token"]

    # By default it silently becomes anonymous: core's 401.
    r = api.post("/wp/v2/posts", json={"title": "x"}, headers=bearer(expired))
    assert (r.status_code, r.json()["code"]) == (401, "rest_cannot_create")
    # Its validate route says why.
    v = api.post("/jwt-auth/v1/token/validate", headers=bearer(expired))
    assert v.status_code == 401
    assert v.json() == {
        "success": False,
        "statusCode": 401,
        "code": "jwt_auth_invalid_token",
        "message": "Expired token",
        "data": [],
    }
    # invalid_token="reject": what the plugin's class-auth.php does, the error on every route.
    set_jwt(wp, mode="useful-team", ttl=-1, invalid_token="reject")
    r = api.post("/wp/v2/posts", json={"title": "x"}, headers=bearer(expired))
    assert (r.status_code, r.json()["code"]) == (401, "jwt_auth_invalid_token")


def test_useful_team_wants_a_header_outside_its_whitelist(
    api: httpx.Client, wp: WordPressInstance
) -> None:
    set_jwt(wp, mode="useful-team")
    assert api.get("/wp/v2/posts").status_code == 200
    r = api.get("/")
    assert (r.status_code, r.json()["code"]) == (401, "jwt_auth_no_auth_header")


def test_useful_team_without_a_secret(api: httpx.Client, wp: WordPressInstance) -> None:
    set_jwt(wp, mode="useful-team", secret=False)
    r = api.post(
        "/jwt-auth/v1/token", json={"username": wp.admin_user, "password": wp.admin_password}
    )
    assert (r.status_code, r.json()["code"], r.json()["success"]) == (
        500,
        "jwt_auth_bad_config",
        False,
    )


# --------------------------------------------------------------------------------------------- test controls


def test_jwt_settings_are_readable_and_reset(api: httpx.Client, wp: WordPressInstance) -> None:
    auth = (wp.admin_user, wp.app_password)
    set_jwt(wp, ttl=5, mode="useful-team", secret=False)
    assert api.get("/wpsync-test/v1/jwt", auth=auth).json() == {
        "ttl": 5,
        "mode": "useful-team",
        "secret": False,
        "not_before": None,
        "invalid_token": "anonymous",
    }
    assert api.post("/wpsync-test/v1/reset", auth=auth).status_code == 200
    assert api.get("/wpsync-test/v1/jwt", auth=auth).json()["mode"] == "tmeister"
    claims = claims_of(get_token(api, wp))
    assert claims["exp"] - claims["iat"] == SEVEN_DAYS


def test_the_controls_are_for_administrators_only(api: httpx.Client, wp: WordPressInstance) -> None:
    assert api.post("/wpsync-test/v1/reset").status_code == 401
    token = get_token(api, wp, json={"username": wp.author_user, "password": wp.author_password})
    r = api.post("/wpsync-test/v1/jwt", json={"ttl": 1}, headers=bearer(token))
    assert r.status_code == 403


def test_reset_empties_posts_pages_books_media_terms_and_users(
    api: httpx.Client, wp: WordPressInstance
) -> None:
    auth = (wp.admin_user, wp.app_password)
    cat = api.post("/wp/v2/categories", json={"name": "News"}, auth=auth).json()["id"]
    tag = api.post("/wp/v2/tags", json={"name": "intro"}, auth=auth).json()["id"]
    post = api.post(
        "/wp/v2/posts",
        json={"title": "P", "status": "publish", "categories": [cat], "tags": [tag]},
        auth=auth,
    ).json()
    api.post(f"/wp/v2/posts/{post['id']}", json={"content": "revised"}, auth=auth)
    api.post("/wp/v2/pages", json={"title": "Pg", "status": "draft"}, auth=auth)
    api.post("/wp/v2/books", json={"title": "B", "status": "publish"}, auth=auth)
    media = api.post(
        "/wp/v2/media",
        content=b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        headers={
            "Content-Type": "image/gif",
            "Content-Disposition": 'attachment; filename="dot.gif"',
        },
        auth=auth,
    )
    assert media.status_code == 201, media.text
    source = media.json()["source_url"]
    assert httpx.get(source).status_code == 200
    user = api.post(
        "/wp/v2/users",
        json={"username": "extra", "email": "extra@example.com", "password": "Extra-Pass-123"},
        auth=auth,
    )
    assert user.status_code == 201, user.text

    assert api.post("/wpsync-test/v1/reset", auth=auth).status_code == 200

    for base, status in (
        ("posts", "any"),
        ("pages", "any"),
        ("books", "any"),
        ("media", "inherit"),
    ):
        listed = api.get(f"/wp/v2/{base}", params={"status": status, "context": "edit"}, auth=auth)
        assert listed.json() == [], base
    assert httpx.get(source).status_code == 404
    assert [c["slug"] for c in api.get("/wp/v2/categories").json()] == ["uncategorized"]
    assert api.get("/wp/v2/tags").json() == []
    logins = {
        u["slug"] for u in api.get("/wp/v2/users", params={"context": "edit"}, auth=auth).json()
    }
    assert logins == {"admin", "author"}


def test_reset_restores_changed_passwords(api: httpx.Client, wp: WordPressInstance) -> None:
    auth = (wp.admin_user, wp.app_password)
    r = api.post("/wp/v2/users/me", json={"password": "Changed-Pass-123"}, auth=auth)
    assert r.status_code == 200, r.text
    # WordPress answers a password change with fresh login cookies; a client that kept them would be
    # demoted to anonymous (cookie without nonce), whatever its Authorization header says.
    assert any(name.startswith("wordpress_logged_in_") for name in r.cookies)
    assert api.post("/wpsync-test/v1/reset", auth=auth).status_code == 401
    api.cookies.clear()
    assert api.post("/wpsync-test/v1/reset", auth=auth).status_code == 200
    get_token(api, wp)  # the password of wordpress.env works again


# --------------------------------------------------------------------------------------------- content


def test_pretty_permalinks_serve_the_api_and_the_posts(
    api: httpx.Client, wp: WordPressInstance
) -> None:
    auth = (wp.admin_user, wp.app_password)
    post = api.post(
        "/wp/v2/posts",
        json={
            "title": "Pretty",
            "slug": "pretty",
            "status": "publish",
            "content": "<p>Shown here</p>",
        },
        auth=auth,
    ).json()
    assert post["link"] == f"{wp.url}/pretty/"
    page = httpx.get(post["link"])
    assert page.status_code == 200
    assert "Shown here" in page.text
    assert httpx.get(f"{wp.url}/no-such-post/").status_code == 404
    book = api.post("/wp/v2/books", json={"title": "A book", "status": "publish"}, auth=auth).json()
    assert httpx.get(book["link"]).status_code == 200


def test_the_test_meta_key_is_writable_over_rest(api: httpx.Client, wp: WordPressInstance) -> None:
    auth = (wp.admin_user, wp.app_password)
    for base in ("posts", "pages", "books"):
        r = api.post(
            f"/wp/v2/{base}",
            json={"title": "M", "meta": {"wpsync_test_meta": "src/a.md"}},
            auth=auth,
        )
        assert r.status_code == 201, r.text
        assert r.json()["meta"]["wpsync_test_meta"] == "src/a.md"


# --------------------------------------------------------------------------------------------- lifecycle


def script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def live_members(pgids: set[int]) -> list[str]:
    """Processes (not zombies) still alive in the given process groups."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgid = raw[raw.rindex(")") + 2 :].split()[:3]
        if int(pgid) in pgids and state not in ("Z", "X"):
            found.append(f"{entry.name} {raw[: raw.rindex(')') + 1]}")
    return found


def test_lifecycle_up_down_restart_destroy(tmp_path: Path) -> None:
    directory = tmp_path / "site"
    began = time.monotonic()
    up = script("up", "--dir", str(directory), "--port", "0")
    took = time.monotonic() - began
    assert up.returncode == 0, up.stderr
    assert took < 10, f"fresh instance took {took:.1f}s"
    url = up.stdout.strip().splitlines()[-1]
    env_file = directory / "wordpress.env"
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    inst = WordPressInstance.from_dir(directory)
    assert inst.url == url
    assert set(inst.env()) == {
        "WP_URL",
        "WP_ADMIN_USER",
        "WP_ADMIN_PASSWORD",
        "WP_APP_PASSWORD",
        "WP_AUTHOR_USER",
        "WP_AUTHOR_PASSWORD",
        "JWT_AUTH_SECRET_KEY",
    }
    post = httpx.post(
        f"{url}/wp-json/wp/v2/posts",
        json={"title": "Survives", "status": "publish"},
        auth=(inst.admin_user, inst.app_password),
    )
    assert post.status_code == 201, post.text

    # Idempotent: a second up just prints the URL.
    again = script("up", "--dir", str(directory))
    assert (again.returncode, again.stdout.strip()) == (0, url)
    assert script("status", "--dir", str(directory)).returncode == 0

    recorded = json.loads((directory / "processes.json").read_text())
    pgids = {entry["pgid"] for entry in recorded.values()}
    assert len(pgids) == 2
    assert len(live_members(pgids)) >= 2  # mariadbd, php and its workers

    stop(inst)
    assert live_members(pgids) == []
    assert script("status", "--dir", str(directory)).returncode == 1
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/wp-json/", timeout=2)

    start(inst)  # same data, same port
    listed = httpx.get(f"{url}/wp-json/wp/v2/posts").json()
    assert [p["title"]["rendered"] for p in listed] == ["Survives"]

    # --fresh wipes the data and issues new credentials.
    fresh = script("up", "--dir", str(directory), "--fresh", "--port", "0")
    assert fresh.returncode == 0, fresh.stderr
    fresh_url = fresh.stdout.strip().splitlines()[-1]
    assert httpx.get(f"{fresh_url}/wp-json/wp/v2/posts").json() == []
    assert WordPressInstance.from_dir(directory).admin_password != inst.admin_password

    pgids = {e["pgid"] for e in json.loads((directory / "processes.json").read_text()).values()}
    destroyed = script("destroy", "--dir", str(directory))
    assert destroyed.returncode == 0, destroyed.stderr
    assert not directory.exists()
    assert live_members(pgids) == []


def test_up_refuses_a_taken_port_and_a_foreign_folder(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = script("up", "--dir", str(tmp_path / "a"), "--port", str(port))
    assert r.returncode != 0
    assert r.stderr.strip().count("\n") == 0
    assert f"port {port}" in r.stderr
    assert not (tmp_path / "a").exists()

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    r = script("up", "--dir", str(foreign))
    assert r.returncode != 0
    assert "not empty" in r.stderr
    assert os.listdir(foreign) == ["notes.txt"]
    assert script("destroy", "--dir", str(foreign)).returncode != 0
    assert (foreign / "notes.txt").exists()
