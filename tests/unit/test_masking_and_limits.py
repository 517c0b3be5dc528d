"""The masking step (secrets in all their forms, credentials, control characters) and the
limits on one request (pages followed, answer size) without a network."""

from __future__ import annotations

import gzip
import io

import httpx
import pytest

from wpsync.errors import RemoteError
from wpsync.logsetup import MASK, MaskingStream, escape_controls, mask, register_secret, scrub
from wpsync.wordpress.bounded import AnswerTooLarge, BoundedTransport
from wpsync.wordpress.rest import pages_allowed


def test_an_application_password_is_masked_spaced_and_unspaced() -> None:
    register_secret("wXyZ 1234 aBcD 5678 eFgH 9012")
    text = mask("a wXyZ1234aBcD5678eFgH9012 b wXyZ 1234 aBcD 5678 eFgH 9012 c")
    assert text == "a ******** b ******** c"


def test_prose_after_basic_or_bearer_is_not_masked() -> None:
    # A Minimal Mistakes post's notice ("<p>A basic message.</p>") printed by
    # ``wpsync render`` read "A basic ********".
    prose = "A basic message. Basic Concepts, bearer instruments; Basic authentication!"
    assert scrub(prose) == prose
    assert scrub("Basic dXNlcjpwYXNzd29yZA==") == "Basic ********"
    assert scrub("Bearer abcdefghIJKLmnop") == "Bearer ********"


def test_any_basic_or_bearer_credential_and_any_jwt_is_masked() -> None:
    text = mask(
        "Authorization: Basic dXNlcjpwYXNzd29yZA== / bearer eyJhbGciOiJI.eyJzdWIi.c2ln "
        "/ token eyJhbGciOiJI.eyJzdWIi.c2ln / HTTP Basic authentication"
    )
    assert "dXNlcjpw" not in text and "eyJ" not in text
    assert "HTTP Basic authentication" in text


@pytest.mark.parametrize(
    "prose",
    [
        # `wpsync render` of undici's, npm's and pip's docs printed "basic ********"
        "Example - Basic MockAgent instantiation",
        "A basic HTTP/1.1 client, mapped on top a single TCP/TLS connection.",
        "a pretty basic package.json file",
        "pip supports basic HTTP-based authentication credentials",
        "2. Basic Permissions.",
        "Example - Basic RetryHandler with defaults",
    ],
)
def test_prose_after_basic_is_no_credential(prose: str) -> None:
    assert mask(prose) == prose


@pytest.mark.parametrize(
    "credential",
    [
        "Basic dXNlcjpwYXNzd29yZA==",  # user:password
        "Basic%20dXNlcjpwYXNzd29yZA%3D%3D",  # URL-escaped
        "basic dXNlcjpwYXNzd29yZA",  # unpadded
        "Basic dXNlcjpwYX",  # cut short
        "Basic YWRtaW46c2VjcmV0",  # admin:secret
        "Basic YWRtaW46P3g_fn4-",  # admin:?x?~~> in the URL-safe alphabet
    ],
)
def test_a_basic_credential_is_masked_in_every_form(credential: str) -> None:
    assert MASK in mask(f"Authorization: {credential}")
    assert "dXNl" not in mask(credential) and "YWRt" not in mask(credential)


def test_control_characters_are_escaped() -> None:
    assert escape_controls("a\nINFO forged\x1b]0;title\x07") == "a\\nINFO forged\\x1b]0;title\\x07"


def test_the_masking_stream_keeps_colours_and_newlines_but_not_stray_escapes() -> None:
    out = io.StringIO()
    stream = MaskingStream(out)
    stream.write("\x1b[32mcreated\x1b[0m Basic dXNlcjpwYXNzd29yZA==\n\x1b]0;pwned\x07\n")
    assert out.getvalue() == "\x1b[32mcreated\x1b[0m Basic ********\n\\x1b]0;pwned\\x07\n"


def test_pages_are_bounded_by_the_counts_and_the_ceiling() -> None:
    params = {"per_page": 100}
    assert pages_allowed("/r", httpx.Headers({"X-WP-Total": "250"}), params, 1000) == 4
    assert pages_allowed("/r", httpx.Headers({"X-WP-TotalPages": "3"}), params, 1000) == 1000
    with pytest.raises(RemoteError, match="reports 1000000000 pages"):
        pages_allowed("/r", httpx.Headers({"X-WP-TotalPages": "1000000000"}), params, 1000)
    with pytest.raises(RemoteError, match="reports 9 pages, more than the 2"):
        pages_allowed(
            "/r", httpx.Headers({"X-WP-TotalPages": "9", "X-WP-Total": "5"}), params, 1000
        )


def _client(body: bytes, headers: dict[str, str], cap: int) -> httpx.Client:
    inner = httpx.MockTransport(lambda request: httpx.Response(200, headers=headers, content=body))
    return httpx.Client(transport=BoundedTransport(inner, seconds=10, max_bytes=cap))


def test_an_answer_past_the_cap_is_refused_even_compressed() -> None:
    with _client(b"x" * 2000, {}, 1000) as client, pytest.raises(AnswerTooLarge):
        client.get("http://example.test/")
    bomb = gzip.compress(b"0" * 5_000_000)
    assert len(bomb) < 10_000
    gz = {"Content-Encoding": "gzip"}
    with _client(bomb, gz, 1024 * 1024) as client, pytest.raises(AnswerTooLarge, match="1 MB"):
        client.get("http://example.test/")
    with _client(gzip.compress(b"[1, 2]"), gz, 1000) as client:
        assert client.get("http://example.test/").json() == [1, 2]


def test_a_link_to_a_note_named_basic_something_is_no_credential() -> None:
    # obsidianmd/obsidian-help: [[Basic formatting syntax#External images|external images]]
    link = '<a href="Editing%20and%20formatting/Basic%20formatting%20syntax.md#x">'
    assert scrub(link) == link
    assert (
        scrub("Authorization: Basic%20dXNlcjpwYXNzd29yZA%3D%3D") == "Authorization: Basic ********"
    )
