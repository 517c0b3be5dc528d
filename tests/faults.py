"""A fault-injection HTTP proxy for tests: put it between wpsync and the real WordPress.

    with FaultProxy(wp.url) as proxy:
        proxy.plan(match=route("POST", "/wp/v2/posts"), faults=[drop_response])
        client = WordPressClient(site_at(proxy.url), ...)

It listens on 127.0.0.1 (a free port), runs in background threads of the test process,
and forwards every request faithfully (method, path, query, headers, body) to the
upstream WordPress, rewriting ``Host`` so WordPress sees its own address.  Answers come
back unchanged (``link`` URLs keep pointing at the real WordPress, which is fine).

A plan is a list of faults consumed one per matching request, in order; requests that
match no plan with faults left are forwarded untouched.  Faults:

- ``status(503)``, ``status(429, retry_after=1)`` — answer at once, never forwarded;
- ``reset`` — close the connection with a TCP RST, no answer (nothing forwarded);
- ``close`` — close the connection cleanly (FIN), no answer (nothing forwarded);
- ``stall(seconds)`` — hold the request (past the client's timeout), then close, nothing
  forwarded (``stall(s, forward=True)``: forward it after the pause, answer lost);
- ``drop_response`` — forward, let WordPress finish, then reset the connection: the work
  is done, the client never hears of it;
- ``strip_header("Authorization")`` — forward without that header (a server that drops it);
- ``rewrite(old, new)`` — forward to a changed path (WordPress then answers a missing route);
- ``passthrough`` — forward untouched (to skip a request inside a plan).

Counters (``received``, ``forwarded``, ``injected``, ``by_fault``) and ``log`` tell a test
what happened.
"""

from __future__ import annotations

import http.client
import socket
import struct
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

Match = Callable[[str, str], bool]

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


# --------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    kind: str
    status: int = 0
    retry_after: str | None = None
    seconds: float = 0.0
    header: str = ""
    forward: bool = False
    body: bytes = b""
    content_type: str = "text/html; charset=UTF-8"
    old: str = ""
    new: str = ""

    def __str__(self) -> str:
        if self.kind == "status":
            extra = f", retry_after={self.retry_after}" if self.retry_after is not None else ""
            return f"status({self.status}{extra})"
        if self.kind == "stall":
            return f"stall({self.seconds:g}{', forward' if self.forward else ''})"
        if self.kind == "strip_header":
            return f"strip_header({self.header!r})"
        if self.kind == "rewrite":
            return f"rewrite({self.old!r}, {self.new!r})"
        return self.kind


def status(
    code: int,
    retry_after: float | str | None = None,
    body: bytes | None = None,
    content_type: str = "text/html; charset=UTF-8",
) -> Fault:
    """Answer ``code`` without forwarding (HTML body, as a proxy or a PHP fatal error would)."""
    if body is None:
        body = f"<html><body><h1>{code} {http.client.responses.get(code, '')}</h1></body></html>".encode()
    after = (
        None
        if retry_after is None
        else (str(int(retry_after)) if isinstance(retry_after, int | float) else retry_after)
    )
    return Fault("status", status=code, retry_after=after, body=body, content_type=content_type)


def stall(seconds: float, *, forward: bool = False) -> Fault:
    return Fault("stall", seconds=seconds, forward=forward)


def strip_header(name: str) -> Fault:
    return Fault("strip_header", header=name)


def rewrite(old: str, new: str) -> Fault:
    """Forward with ``old`` replaced by ``new`` in the path (e.g. to reach a missing route)."""
    return Fault("rewrite", old=old, new=new)


reset = Fault("reset")
close = Fault("close")
drop_response = Fault("drop_response")
passthrough = Fault("passthrough")


def route(method: str | None = None, fragment: str = "", *, exclude: str | None = None) -> Match:
    """A matcher: ``method`` (any if None) and ``fragment`` in the path (query included)."""

    def match(m: str, path: str) -> bool:
        if method is not None and m.upper() != method.upper():
            return False
        if exclude is not None and exclude in path:
            return False
        return fragment in path

    return match


@dataclass
class Plan:
    """Faults waiting for the requests ``match`` accepts; ``repeat`` cycles them forever."""

    match: Match
    faults: deque[Fault]
    repeat: bool = False
    hits: int = 0

    @property
    def remaining(self) -> int:
        return len(self.faults)


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    fault: str | None
    status: int | None  # what the client got (None: no answer)
    headers: frozenset[str] = frozenset()  # names (lower case) of the request's headers


# --------------------------------------------------------------------------- the proxy


@dataclass
class _Stats:
    received: int = 0
    forwarded: int = 0
    injected: int = 0
    by_fault: Counter[str] = field(default_factory=Counter)
    log: list[Exchange] = field(default_factory=list)


class FaultProxy:
    """See the module docstring.  Thread-safe; start/stop or use as a context manager."""

    def __init__(self, upstream: str, *, upstream_timeout: float = 120.0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL, not {upstream!r}")
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.upstream_netloc = parts.netloc
        self.upstream_timeout = upstream_timeout
        self._lock = threading.Lock()
        self._plans: list[Plan] = []
        self._stats = _Stats()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(_Handler):
            owner = proxy

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the proxy first"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- plans

    def plan(
        self, match: Match | None = None, faults: Iterable[Fault] = (), *, repeat: bool = False
    ) -> Plan:
        """Inject ``faults``, one per request ``match(method, path)`` accepts (all if None)."""
        plan = Plan(match or (lambda _m, _p: True), deque(faults), repeat)
        with self._lock:
            self._plans.append(plan)
        return plan

    def clear(self) -> None:
        """Forget every plan (counters are kept)."""
        with self._lock:
            self._plans.clear()

    def _next_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            self._stats.received += 1
            for plan in self._plans:
                if plan.faults and plan.match(method, path):
                    fault = plan.faults.popleft()
                    if plan.repeat:
                        plan.faults.append(fault)
                    plan.hits += 1
                    if fault.kind != "passthrough":
                        self._stats.injected += 1
                        self._stats.by_fault[str(fault)] += 1
                    return fault
        return None

    def _record(
        self,
        method: str,
        path: str,
        fault: Fault | None,
        status: int | None,
        headers: Iterable[str] = (),
    ) -> None:
        exchange = Exchange(
            method,
            path,
            str(fault) if fault else None,
            status,
            frozenset(h.lower() for h in headers),
        )
        with self._lock:
            self._stats.log.append(exchange)

    def _count_forward(self) -> None:
        with self._lock:
            self._stats.forwarded += 1

    # -- counters

    @property
    def received(self) -> int:
        """Requests that reached the proxy."""
        return self._stats.received

    @property
    def forwarded(self) -> int:
        """Requests passed on to WordPress (drop_response and strip_header included)."""
        return self._stats.forwarded

    @property
    def injected(self) -> int:
        """Faults injected (passthrough not counted)."""
        return self._stats.injected

    @property
    def by_fault(self) -> Counter[str]:
        with self._lock:
            return Counter(self._stats.by_fault)

    @property
    def log(self) -> list[Exchange]:
        with self._lock:
            return list(self._stats.log)

    def requests_to(self, method: str, fragment: str) -> list[Exchange]:
        return [e for e in self.log if e.method == method and fragment in e.path]

    def report(self) -> str:
        faults = ", ".join(f"{k}×{v}" for k, v in sorted(self.by_fault.items())) or "none"
        return (
            f"received {self.received}, forwarded {self.forwarded}, "
            f"injected {self.injected} ({faults})"
        )


class _Handler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- reading the request

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    # -- the exchange

    def _handle(self) -> None:
        proxy = self.owner
        method, path = self.command, self.path
        body = self._read_body()
        fault = proxy._next_fault(method, path)
        kind = fault.kind if fault is not None else "passthrough"
        names = list(self.headers.keys())

        def record(code: int | None) -> None:
            proxy._record(method, self.path, fault, code, names)

        if fault is not None and kind == "status":
            self._answer(
                fault.status,
                fault.body,
                retry_after=fault.retry_after,
                content_type=fault.content_type,
            )
            record(fault.status)
            return
        if kind in ("reset", "close"):
            record(None)
            self._hang_up(rst=kind == "reset")
            return
        if fault is not None and kind == "stall":
            proxy._stopping.wait(fault.seconds)
            if fault.forward:
                self._forward(method, path, body, drop=None)
            record(None)
            self._hang_up(rst=False)
            return
        strip = fault.header if fault is not None and kind == "strip_header" else None
        if fault is not None and kind == "rewrite":
            path = path.replace(fault.old, fault.new)
        got = self._forward(method, path, body, drop=strip)
        if got is None:
            self._answer(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>")
            record(502)
            return
        status, headers, payload = got
        if kind == "drop_response":
            record(None)
            self._hang_up(rst=True)
            return
        self.send_response_only(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()
        record(status)

    def _forward(
        self, method: str, path: str, body: bytes, *, drop: str | None
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        proxy = self.owner
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            lower = name.lower()
            if lower in HOP_BY_HOP or lower in ("host", "content-length"):
                continue
            if drop is not None and lower == drop.lower():
                continue
            headers[name] = value
        headers["Host"] = proxy.upstream_netloc
        headers["Connection"] = "close"
        if body or method in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        connection = http.client.HTTPConnection(
            proxy.upstream_host, proxy.upstream_port, timeout=proxy.upstream_timeout
        )
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            proxy._count_forward()
            return response.status, response.getheaders(), payload
        except OSError:
            proxy._count_forward()
            return None
        finally:
            connection.close()

    def _answer(
        self,
        code: int,
        body: bytes,
        *,
        retry_after: str | None = None,
        content_type: str = "text/html; charset=UTF-8",
    ) -> None:
        self.send_response_only(code)
        self.send_header("Content-Type", content_type)
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _hang_up(self, *, rst: bool) -> None:
        """Close the client's connection without an answer (RST: abortive close)."""
        self.close_connection = True
        sock = self.connection
        try:
            if rst:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
