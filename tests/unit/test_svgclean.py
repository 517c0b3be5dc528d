"""An SVG is shown or uploaded only without what a browser would run or fetch."""

from __future__ import annotations

import httpx
import pytest

from wpsync.source.svgclean import UnsafeSvg, clean_svg
from wpsync.wordpress.answers import upload_refusal

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def test_a_clean_drawing_is_kept_byte_for_byte() -> None:
    data = (
        f'<?xml version="1.0"?>\n<svg {NS} viewBox="0 0 4 4"><defs><linearGradient id="g"/>'
        '</defs><rect fill="url(#g)" width="4" height="4"/><use xlink:href="#g"/>'
        "<style>rect { fill: url(#g) }</style></svg>\n"
    ).encode()
    assert clean_svg(data).data == data and clean_svg(data).removed == ()


@pytest.mark.parametrize(
    ("inside", "removed"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<rect onclick="alert(1)"/>', "onclick="),
        (
            '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
            "<foreignObject>",
        ),
        ('<a href="javascript:alert(1)"><text>x</text></a>', "external href"),
        ('<a xlink:href="https://evil.example/"><text>x</text></a>', "external href"),
        ('<image href="https://tracker.example/p.png"/>', "external href"),
        ("<style>@import 'https://evil.example/x.css';</style>", "<style> with @import"),
        ("<style>rect { fill: url(https://t.example/x) }</style>", "<style> fetching a URL"),
        ('<rect style="fill: url(https://t.example/x)"/>', "style= with a URL"),
        ('<set attributeName="href" to="javascript:alert(1)"/>', "<set> of a link"),
        ('<rect fill="url(data:image/png;base64,AAAA)"/>', "fill= with a URL"),
    ],
)
def test_what_runs_or_fetches_is_removed_and_named(inside: str, removed: str) -> None:
    cleaned = clean_svg(f"<svg {NS}>{inside}<circle r='1'/></svg>".encode())
    assert removed in cleaned.removed
    text = cleaned.data.decode()
    for word in ("alert", "evil", "tracker", "t.example", "javascript", "data:", "@import"):
        assert word not in text
    assert "<circle" in text


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE svg [<!ENTITY lol "lol">]><svg xmlns="http://www.w3.org/2000/svg">&lol;</svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>',
        b"<html><svg/></html>",
        b"<svg><unclosed>",
        b"<svg>no namespace</svg>",
    ],
)
def test_what_cannot_be_made_safe_is_refused(data: bytes) -> None:
    with pytest.raises(UnsafeSvg):
        clean_svg(data)


def _answer(status: int, body: object | None = None, text: str = "") -> httpx.Response:
    request = httpx.Request("POST", "https://blog.example/wp-json/wp/v2/media")
    if body is not None:
        return httpx.Response(status, json=body, request=request)
    return httpx.Response(status, text=text, request=request)


@pytest.mark.parametrize(
    ("answer", "refused"),
    [
        (
            _answer(
                500,
                {
                    "code": "rest_upload_sideload_error",
                    "message": "Sorry, you are not allowed to upload this file type.",
                    "data": {"status": 500},
                },
            ),
            True,
        ),
        (
            _answer(
                500,
                {"code": "rest_upload_sideload_error", "message": "File is too large (plugin)."},
            ),
            True,
        ),
        (
            _answer(
                500,
                {
                    "code": "rest_upload_sideload_error",
                    "message": "Unable to create directory wp-content/uploads/2026/12. Is its parent directory writable by the server?",
                },
            ),
            False,
        ),
        (
            _answer(400, {"code": "rest_upload_file_too_big", "message": "This file is too big."}),
            True,
        ),
        (_answer(400, {"code": "rest_upload_limited_space", "message": "Not enough space."}), True),
        (_answer(400, {"code": "rest_upload_user_quota_exceeded", "message": "Quota."}), True),
        (_answer(413, text="<h1>413 Request Entity Too Large</h1>"), True),
        (
            _answer(
                403,
                {
                    "code": "rest_cannot_create",
                    "message": "Sorry, you are not allowed to upload media.",
                },
            ),
            False,
        ),
        (_answer(401, {"code": "rest_upload_whatever", "message": "x"}), False),
        (_answer(429, {"code": "rest_upload_slow_down", "message": "x"}), False),
        (_answer(500, {"code": "internal_server_error", "message": "A critical error"}), False),
        (_answer(502, text="<h1>Bad gateway</h1>"), False),
        (_answer(201, {"id": 3}), False),
    ],
    ids=lambda v: str(getattr(v, "status_code", v)),
)
def test_which_answers_to_an_upload_are_refusals_of_the_file(
    answer: httpx.Response, refused: bool
) -> None:
    error = upload_refusal("/wp/v2/media", answer)
    assert (error is not None) == refused
    if error is not None and answer.status_code != 413:
        assert str(error).startswith("POST /wp/v2/media: ") and error.code
