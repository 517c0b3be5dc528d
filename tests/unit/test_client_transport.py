"""The client's transport: an http:// site never pays for loading the CA bundle unless a
URL on https:// comes up; an https:// site verifies as configured."""

from __future__ import annotations

import httpx

from wpsync.config import SiteConfig
from wpsync.wordpress.transport import PlainUntilTLS, transport_for


def site(url: str) -> SiteConfig:
    return SiteConfig(
        url=url,
        auth="jwt",
        username="admin",
        password_env="WPSYNC_PASSWORD",
        password_command=None,
        inline_password=None,
        verify_tls=True,
        ca_bundle=None,
        allow_insecure_http=False,
        timeout=30.0,
        max_attempts=5,
    )


def answering(text: str) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, text=text))


def test_an_http_site_gets_the_plain_transport_with_tls_left_for_later() -> None:
    transport = transport_for(site("http://127.0.0.1:8080"), httpx.Limits())
    assert isinstance(transport, PlainUntilTLS)
    assert transport._tls is None
    transport.close()


def test_an_https_site_gets_a_verifying_transport_at_once() -> None:
    transport = transport_for(site("https://blog.example.com"), httpx.Limits())
    assert isinstance(transport, httpx.HTTPTransport)
    transport.close()


def test_requests_go_plain_or_over_tls_by_scheme_and_tls_is_made_once() -> None:
    made: list[int] = []

    def tls() -> httpx.BaseTransport:
        made.append(1)
        return answering("tls")

    with httpx.Client(transport=PlainUntilTLS(answering("plain"), tls)) as client:
        assert client.get("http://127.0.0.1:8080/wp-json/").text == "plain"
        assert made == []
        assert client.get("https://cdn.example.com/a.png").text == "tls"
        assert client.get("https://cdn.example.com/b.png").text == "tls"
        assert client.get("http://127.0.0.1:8080/wp-json/").text == "plain"
    assert made == [1]
