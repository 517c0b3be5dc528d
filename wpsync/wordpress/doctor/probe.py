"""The doctor's raw HTTP: one ``httpx.Client`` with no retries, no redirects, no cookies
and no auth flow, because a diagnosis needs the exact answer (the token endpoint's body
shape tells the plugins apart; ``/token/validate`` tells a stripped header from a bad
token).  Each answer keeps when it arrived, to compare the clocks."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from wpsync import __version__
from wpsync.config import SiteConfig
from wpsync.wordpress.answers import json_body
from wpsync.wordpress.bounded import DeadlineTransport
from wpsync.wordpress.transport import bounded, tls_verify


@dataclass
class Answer:
    """A raw HTTP answer and when it arrived (local clock, mid-request)."""

    response: httpx.Response
    local_time: float
    elapsed: float

    @property
    def body(self) -> object:
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


class Probe:
    """One raw HTTP client: no retries, no redirects, no cookies, no auth flow."""

    def __init__(self, site: SiteConfig, clock: Callable[[], float]) -> None:
        self._clock = clock
        inner = DeadlineTransport(verify=tls_verify(site), limits=httpx.Limits())
        self._http = httpx.Client(
            transport=bounded(site, inner),
            timeout=httpx.Timeout(min(site.timeout, 20.0)),
            follow_redirects=False,
            headers={"User-Agent": f"wpsync/{__version__} (doctor)", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        before = self._clock()
        started = time.monotonic()
        response = self._http.request(method, url, params=params, json=json, headers=headers)
        elapsed = time.monotonic() - started
        self._http.cookies.clear()
        return Answer(response, before + elapsed / 2, elapsed)


def reason(exc: BaseException) -> str:
    """``ConnectError: …``: an exception as one line of a check's message."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
