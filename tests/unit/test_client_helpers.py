"""The pure parts of the WordPress client: Retry-After, query batching, slugs, error text."""

from __future__ import annotations

import email.utils
import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wpsync.errors import RemoteError
from wpsync.wordpress.answers import error_message
from wpsync.wordpress.client import safe_filename
from wpsync.wordpress.lookups import chunked_for_query, normalise_slug
from wpsync.wordpress.records import BatchResponse, RemotePost
from wpsync.wordpress.transport import parse_retry_after


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-4", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_retry_after_in_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_as_an_http_date() -> None:
    now = 1_700_000_000.0
    later = email.utils.formatdate(now + 30, usegmt=True)
    earlier = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after(later, now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(earlier, now=now) == 0.0


@given(st.lists(st.text(st.characters(codec="ascii"), min_size=1, max_size=50), max_size=300))
def test_query_chunks_keep_every_value_in_order_within_limits(values: list[str]) -> None:
    chunks = list(chunked_for_query(values, 100, 500))
    assert [v for chunk in chunks for v in chunk] == values
    for chunk in chunks:
        assert 1 <= len(chunk) <= 100
        assert len(chunk) == 1 or len(",".join(chunk)) <= 500


def test_a_hundred_and_one_slugs_take_two_queries() -> None:
    assert [len(c) for c in chunked_for_query([f"s{i}" for i in range(101)], 100, 10_000)] == [
        100,
        1,
    ]


def test_slugs_compare_as_wordpress_stores_them() -> None:
    assert normalise_slug("caf%C3%A9") == normalise_slug("café") == normalise_slug("cafe") == "cafe"
    assert normalise_slug("Straße") == "strasse"
    assert normalise_slug("Hello") == "hello"
    assert normalise_slug("%d0%bf%d1%80%d0%b8") == normalise_slug("при")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.png", "photo.png"),
        ("my photo (1).JPG", "my-photo-1-.JPG"),
        ('a"b.png', "a-b.png"),
        ("../../x.png", "x.png"),
        ("ü", "upload"),
    ],
)
def test_upload_names_are_safe_in_a_header(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def _answer(status: int, body: object) -> httpx.Response:
    request = httpx.Request("POST", "http://wp.test/wp-json/wp/v2/posts")
    return httpx.Response(status, content=json.dumps(body).encode(), request=request)


def test_a_4xx_becomes_a_remote_error_with_code_status_and_params() -> None:
    error = error_message(
        "POST",
        "/wp/v2/posts",
        _answer(
            400,
            {
                "code": "rest_invalid_param",
                "message": "Invalid parameter(s): status",
                "data": {
                    "status": 400,
                    "params": {"status": "status is not one of publish, draft."},
                },
            },
        ),
    )
    assert isinstance(error, RemoteError)
    assert (error.status, error.code, error.method) == (400, "rest_invalid_param", "POST")
    assert str(error) == (
        "POST /wp/v2/posts: Invalid parameter(s): status (status is not one of publish, draft.)"
    )


def test_html_in_error_messages_is_stripped() -> None:
    error = error_message(
        "POST", "/x", _answer(403, {"code": "c", "message": "<b>No</b> &amp; never"})
    )
    assert str(error) == "POST /x: No & never"


def test_remote_post_needs_an_id() -> None:
    post = RemotePost.from_json(
        "posts", {"id": 5, "slug": "a", "status": "draft", "modified_gmt": "t", "link": "l"}
    )
    assert post == RemotePost(5, "posts", "a", "draft", "t", "l")
    with pytest.raises(RemoteError):
        RemotePost.from_json("posts", {"slug": "a"})


def test_batch_response_helpers() -> None:
    assert BatchResponse(201, {"id": 1}).ok
    failed = BatchResponse(400, {"code": "rest_invalid_param"})
    assert not failed.ok and failed.code == "rest_invalid_param"
