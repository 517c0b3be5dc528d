"""Limits on what one HTTP request may cost: a whole-request deadline and a cap on the
answer's size.

httpx only knows per-operation timeouts: a server trickling one byte every two seconds
never trips a 30 s read timeout and keeps a request alive forever.  Here:

- :class:`DeadlineTransport` — an ``httpx.HTTPTransport`` whose sockets are opened through
  :class:`DeadlineBackend`: every connect, TLS handshake, write and read waits at most until
  the current request's deadline (kept per thread: a request is carried out in the thread
  that sends it), so a trickle in the headers is cut as surely as one in the body.
- :class:`BoundedTransport` — wraps any transport: sets that deadline for each request,
  reads the body chunk by chunk under it, and stops an answer that grows past its cap
  (``Content-Length`` checked first, then the bytes counted as they arrive: a 1.5 GB answer
  is never held in memory).

A request past its deadline raises :class:`DeadlineExceeded` (an ``httpx.TimeoutException``:
the retry policy treats it as a timeout); an answer past its cap raises
:class:`AnswerTooLarge` (a :class:`~wpsync.errors.RemoteError`: not retried).
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

from wpsync.errors import RemoteError

#: the request extension that overrides :class:`BoundedTransport`'s cap for one request
MAX_BYTES = "wpsync.max_bytes"

MB = 1024 * 1024

_current = threading.local()


class DeadlineExceeded(httpx.TimeoutException):
    """A request did not complete within its whole-request deadline."""


class AnswerTooLarge(RemoteError):
    """An answer is larger than wpsync accepts for it (``max_bytes``)."""

    max_bytes: int = 0


# --------------------------------------------------------------------------- the thread's deadline


def remaining() -> float | None:
    """Seconds left before the current request's deadline (``None``: no deadline)."""
    deadline: float | None = getattr(_current, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


@contextmanager
def deadline_scope(deadline: float | None) -> Iterator[None]:
    """Socket operations in this thread wait at most until ``deadline`` (monotonic)."""
    before = getattr(_current, "deadline", None)
    _current.deadline = deadline
    try:
        yield
    finally:
        _current.deadline = before


def _bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise expired("the request deadline has passed")
    return left if timeout is None else min(timeout, left)


# --------------------------------------------------------------------------- sockets


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: object,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context,  # type: ignore[arg-type]
            None if server_hostname is None else ascii_host(server_hostname),  # type: ignore[arg-type]
            _bounded(timeout, httpcore.ConnectTimeout),
        )
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


def ascii_host(host: str) -> str | bytes:
    """A host name as the socket and TLS layers take it without a codec: an ASCII name as
    bytes — what ``str.encode("idna")`` would have made of it, without importing the idna
    codec and ``stringprep`` (~1 ms at each start) to learn it.  Anything else (non-ASCII,
    a label the codec would refuse) stays a string: the codec encodes it, or says why
    not, as before.  (httpx hands over IDN hosts already in punycode.)"""
    if not host.isascii():
        return host
    labels = host.split(".")
    if any(not 0 < len(label) < 64 for label in labels[:-1]) or len(labels[-1]) >= 64:
        return host
    return host.encode("ascii")


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, every wait bounded by the thread's request deadline."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            ascii_host(host),  # type: ignore[arg-type]
            port,
            _bounded(timeout, httpcore.ConnectTimeout),
            local_address,
            socket_options,  # type: ignore[arg-type]
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover - wpsync never uses unix sockets
        stream = self._inner.connect_unix_socket(
            path,
            _bounded(timeout, httpcore.ConnectTimeout),
            socket_options,  # type: ignore[arg-type]
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` (no proxy) whose sockets honour the request deadline."""

    def __init__(self, *, verify: object, limits: httpx.Limits) -> None:
        super().__init__(verify=verify, limits=limits)  # type: ignore[arg-type]
        # the same pool httpx builds, with the deadline-aware socket backend
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),  # type: ignore[arg-type]
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=DeadlineBackend(),
        )


# --------------------------------------------------------------------------- per request


def _megabytes(size: int) -> str:
    return f"{size / MB:g} MB"


class _BoundedStream(httpx.SyncByteStream):
    """An answer's body, read under the request's deadline and counted against its cap."""

    def __init__(
        self,
        inner: httpx.SyncByteStream,
        *,
        request: httpx.Request,
        deadline: float,
        seconds: float,
        max_bytes: int,
        compressed: bool,
    ) -> None:
        self._inner = inner
        self._request = request
        self._deadline = deadline
        self._seconds = seconds
        self._max_bytes = max_bytes
        # gzip or zlib (wbits 47 reads both): decoded here, so the cap counts what
        # the answer becomes in memory, never what a small compressed bomb claims
        self._decoder = zlib.decompressobj(47) if compressed else None
        self._size = 0

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        while True:
            with deadline_scope(self._deadline):
                try:
                    chunk = next(chunks)
                except StopIteration:
                    break
                except httpx.TimeoutException as exc:
                    if time.monotonic() >= self._deadline:
                        raise expired(self._request, self._seconds) from exc
                    raise
            yield from self._decoded(chunk)
            if time.monotonic() >= self._deadline:
                raise expired(self._request, self._seconds)
        if self._decoder is not None:
            yield self._counted(self._decoder.flush())

    def _decoded(self, chunk: bytes) -> Iterator[bytes]:
        if self._decoder is None:
            yield self._counted(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._decoder.decompress(data, self._max_bytes - self._size + 1)
            except zlib.error as exc:
                raise httpx.DecodingError(f"cannot decode the answer: {exc}") from None
            yield self._counted(out)
            data = self._decoder.unconsumed_tail

    def _counted(self, data: bytes) -> bytes:
        self._size += len(data)
        if self._size > self._max_bytes:
            raise too_large(self._request, self._max_bytes)
        return data

    def close(self) -> None:
        self._inner.close()


def expired(request: httpx.Request, seconds: float) -> DeadlineExceeded:
    return DeadlineExceeded(
        f"{request.method} {request.url.path}: no complete answer within {seconds:g} s "
        "(site.request_deadline)",
        request=request,
    )


def too_large(request: httpx.Request, max_bytes: int, route: str | None = None) -> AnswerTooLarge:
    """``GET /wp/v2/posts: the answer is larger than 32 MB…`` (``route``: what the request
    is called in messages, its URL path if not given)."""
    error = AnswerTooLarge(
        f"{request.method} {route or request.url.path}: the answer is larger than "
        f"{_megabytes(max_bytes)}: wpsync stopped reading it",
        code="answer_too_large",
        method=request.method,
        url=str(request.url),
        hint="a misbehaving server or proxy; if the answer is genuine, raise "
        "site.max_answer_mb (site.max_media_mb for media files)",
    )
    error.max_bytes = max_bytes
    return error


class BoundedTransport(httpx.BaseTransport):
    """Each request gets ``seconds`` from connect to the last byte of its answer, and an
    answer at most ``max_bytes`` long (the :data:`MAX_BYTES` request extension overrides
    it).  Deadlines hold inside the socket operations when ``inner`` is a
    :class:`DeadlineTransport`, and between chunks of the body whatever ``inner`` is."""

    def __init__(self, inner: httpx.BaseTransport, *, seconds: float, max_bytes: int) -> None:
        self._inner = inner
        self.seconds = seconds
        self.max_bytes = max_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self.seconds
        cap = request.extensions.get(MAX_BYTES, self.max_bytes)
        with deadline_scope(deadline):
            try:
                response = self._inner.handle_request(request)
            except httpx.TimeoutException as exc:
                if time.monotonic() >= deadline:
                    raise expired(request, self.seconds) from exc
                raise
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap:
            response.close()
            raise too_large(request, cap)
        assert isinstance(response.stream, httpx.SyncByteStream)
        headers = httpx.Headers(response.headers)
        encoding = headers.get("Content-Encoding", "").strip().lower()
        compressed = encoding in ("gzip", "x-gzip", "deflate")
        if compressed:
            del headers["Content-Encoding"]  # decoded by the stream below
        return httpx.Response(
            status_code=response.status_code,
            headers=headers,
            stream=_BoundedStream(
                response.stream,
                request=request,
                deadline=deadline,
                seconds=self.seconds,
                max_bytes=cap,
                compressed=compressed,
            ),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()
