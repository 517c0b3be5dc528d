"""A hostile server: wpsync stops within its limits and prints no credential.

Each test starts a fake HTTP server in a thread (127.0.0.1, a free port) and runs the real
CLI against it, the URL and the password given together by the environment (WPSYNC_URL +
WPSYNC_PASSWORD, the form trusted without an approval step):

- one trickling a byte every 2 s (in the body, and in the headers): the run ends within
  the request deadline (times the attempts) with a clear error naming it, and the folder
  lock is released — the next run does not wait;
- one answering 1.5 GB (from a generator, no Content-Length): the run stops at the answer
  cap, the process's peak RSS stays small, and the server sent only a little of it;
- one claiming ``X-WP-TotalPages: 1000000000``: stopped at once, a handful of requests;
- one echoing the Authorization header and the request body into its answers (a JSON
  error and a web page): no password (spaced or not), Basic credential or base64 of it
  appears in stdout, stderr at -vv (the log), or ``--json``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socketserver
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

USER = "editor"
#: an application password as WordPress shows it (groups of four)
PASSWORD = "AbCd 3fGh iJkL 7nOp qRsT uV9x"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
LEAKS = (PASSWORD, PASSWORD.replace(" ", ""), BASIC, BASIC.rstrip("="))
#: a trickling server sends a byte this often: well within site.timeout, so only
#: site.request_deadline can end the request (the trickle test sets 1 s and 2 s)
TRICKLE = 0.4


@dataclass
class Hostile:
    """What the fake server does (``mode``) and what it saw."""

    mode: str
    requests: list[str] = field(default_factory=list)
    sent_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    hostile: Hostile


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        hostile = self.server.hostile
        with hostile.lock:
            hostile.requests.append(self.path)
        body = self._body()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            getattr(self, "_" + hostile.mode.replace("-", "_"))(hostile, body)

    def _json(self, status: int, document: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _empty(self, hostile: Hostile, body: bytes) -> None:
        self._json(200, [], {"X-WP-Total": "0", "X-WP-TotalPages": "0"})

    def _trickle_body(self, hostile: Hostile, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.flush()
        for _ in range(100000):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(TRICKLE)

    def _trickle_headers(self, hostile: Hostile, body: bytes) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(100000):
            self.wfile.write(b"X")
            self.wfile.flush()
            time.sleep(TRICKLE)

    def _huge(self, hostile: Hostile, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()  # no Content-Length: the answer ends when the connection does
        chunk = b"[" + b'{"id": 1, "slug": "x"}, ' * 2600 + b"\n"
        total = 1536 * 1024 * 1024
        sent = 0
        while sent < total:
            self.wfile.write(chunk)
            sent += len(chunk)
            with hostile.lock:
                hostile.sent_bytes += len(chunk)

    def _endless_pages(self, hostile: Hostile, body: bytes) -> None:
        self._json(200, [{"id": 1}], {"X-WP-TotalPages": "1000000000"})

    def _echo_json(self, hostile: Hostile, body: bytes) -> None:
        said = f"Authorization: {self.headers.get('Authorization')} body: {body.decode()}"
        self._json(400, {"code": "echo", "message": said, "data": {"status": 400}})

    def _echo_page(self, hostile: Hostile, body: bytes) -> None:
        said = f"<html>Authorization: {self.headers.get('Authorization')} {body.decode()}"
        data = said.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[tuple[Hostile, str]]:
    hostile = Hostile("empty")
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.hostile = hostile
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield hostile, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "hello.md").write_text("---\ntitle: Hello\n---\nHi.\n")
    (tmp_path / "config.toml").write_text(
        textwrap.dedent(
            f"""
            [site]
            username = "{USER}"
            auth = "application-password"
            timeout = 3
            request_deadline = 4
            max_attempts = 2
            """
        )
    )
    return tmp_path


#: runs the CLI, then writes the process's peak RSS (KiB) to the file named by argv[1]
_MEASURED = textwrap.dedent(
    """
    import runpy, sys
    out = sys.argv.pop(1)
    try:
        runpy.run_module("wpsync.cli", run_name="__main__")
    finally:
        # VmHWM: this process image's own peak.  (ru_maxrss would also count the pytest
        # process this one was forked from: Linux keeps the pre-exec peak in it.)
        with open("/proc/self/status") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open(out, "w") as f:
            f.write(peak)
    """
)


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_kib: int


def wpsync(folder: Path, url: str, *args: str, timeout: float = 120) -> Ran:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WPSYNC_")}
    env.update({"WPSYNC_URL": url, "WPSYNC_PASSWORD": PASSWORD, "NO_COLOR": "1"})
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")]
    )
    rss = folder / "peak-rss"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(rss), "--config", str(folder / "config.toml"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds = time.monotonic() - started
    peak = int(rss.read_text()) if rss.exists() else 0
    assert "Traceback" not in done.stderr, done.stderr
    return Ran(done.returncode, done.stdout, done.stderr, seconds, peak)


@pytest.mark.parametrize("mode", ["trickle-body", "trickle-headers"])
def test_a_trickling_server_ends_the_run_within_the_deadline(
    server: tuple[Hostile, str], folder: Path, mode: str
) -> None:
    hostile, url = server
    hostile.mode = mode
    config = folder / "config.toml"
    usual = config.read_text()
    # each byte in time for the 1 s read timeout: only the 2 s deadline ends a request
    config.write_text(
        usual.replace("timeout = 3", "timeout = 1").replace(
            "request_deadline = 4", "request_deadline = 2"
        )
    )
    ran = wpsync(folder, url, "plan")
    # 2 attempts x 2 s deadline, a short backoff between them, the start-up
    assert ran.seconds < 2 * 2 + 6, ran
    assert ran.code == 1, ran  # a remote error
    assert "no complete answer within 2 s (site.request_deadline)" in ran.stderr, ran.stderr
    assert "after 2 attempts" in ran.stderr
    assert len(hostile.requests) == 2, hostile.requests
    # the lock is released: the next run, on a server that answers, does not wait for it
    hostile.mode = "empty"
    config.write_text(usual)
    again = wpsync(folder, url, "plan", "--lock-timeout", "0")
    assert again.code == 0, again
    assert again.seconds < 10, again


def test_a_huge_answer_stops_at_the_cap_without_growing_memory(
    server: tuple[Hostile, str], folder: Path
) -> None:
    hostile, url = server
    hostile.mode = "huge"
    config = folder / "config.toml"
    config.write_text(
        config.read_text().replace("request_deadline = 4", "request_deadline = 60")
        + "max_answer_mb = 8\n"
    )
    ran = wpsync(folder, url, "plan")
    assert ran.code != 0, ran
    assert "the answer is larger than 8 MB: wpsync stopped reading it" in ran.stderr, ran.stderr
    assert "site.max_answer_mb" in ran.stderr
    assert len(hostile.requests) == 1, hostile.requests  # not retried
    assert hostile.sent_bytes < 200 * 1024 * 1024, hostile.sent_bytes
    assert 0 < ran.peak_kib < 200 * 1024, f"peak RSS {ran.peak_kib} KiB"
    assert ran.seconds < 30, ran


def test_a_billion_pages_are_refused_at_the_first(
    server: tuple[Hostile, str], folder: Path
) -> None:
    hostile, url = server
    hostile.mode = "endless-pages"
    ran = wpsync(folder, url, "plan")
    assert ran.code != 0, ran
    assert "reports 1000000000 pages, more than the 1000 wpsync follows" in ran.stderr, ran.stderr
    assert len(hostile.requests) <= 3, hostile.requests
    assert ran.seconds < 15, ran


@pytest.mark.parametrize("mode", ["echo-json", "echo-page"])
def test_echoed_credentials_are_printed_nowhere(
    server: tuple[Hostile, str], folder: Path, mode: str
) -> None:
    hostile, url = server
    hostile.mode = mode
    runs = [
        wpsync(folder, url, "-vv", "plan"),
        wpsync(folder, url, "-vv", "plan", "--json"),
        wpsync(folder, url, "-vv", "sync"),
        wpsync(folder, url, "-vv", "sync", "--json"),
    ]
    assert hostile.requests, "the fake server was never asked"
    for ran in runs:
        assert ran.code != 0, ran
        printed = ran.stdout + ran.stderr
        for leak in LEAKS:
            assert leak not in printed, (leak, printed)
        assert "error:" in ran.stderr, ran.stderr
    if mode == "echo-json":
        # the echo itself is printed, the credential in it masked
        assert any("Authorization: Basic ********" in r.stderr for r in runs)
    else:
        assert any("not JSON (text/html, " in r.stderr for r in runs)
    json_out = [r.stdout for r in runs[1::2]]
    for out in json_out:
        document = json.loads(out.strip().splitlines()[-1])
        assert "error" in document
