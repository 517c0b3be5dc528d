"""Host names reach the socket and TLS layers without the idna codec when they are ASCII
(wordpress/bounded.py) — and an internationalised (IDN) host name still connects, its
certificate checked against its punycode name, as before."""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from wpsync.wordpress.bounded import DeadlineTransport, ascii_host

PUNYCODE = "xn--bcher-kva.test"  # bücher.test


def test_an_ascii_name_is_given_as_bytes_anything_else_as_the_codec_would_take_it() -> None:
    assert ascii_host("example.com") == b"example.com"
    assert ascii_host("Example.COM.") == b"Example.COM."  # as str.encode("idna") leaves it
    assert ascii_host("127.0.0.1") == b"127.0.0.1"
    assert ascii_host(PUNYCODE) == PUNYCODE.encode()
    for kept in ("bücher.test", "a..b", "x" * 64 + ".com", "x" * 64):
        assert ascii_host(kept) == kept  # the codec encodes it, or refuses it, as before
    for name in ("example.com", "Example.COM.", PUNYCODE):
        assert ascii_host(name) == name.encode("idna")


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = self.headers.get("Host", "").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """An HTTPS server on 127.0.0.1 whose certificate names bücher.test and localhost."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={PUNYCODE}", "-addext", f"subjectAltName=DNS:{PUNYCODE},DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], cert
    finally:
        server.shutdown()
        server.server_close()


def test_an_idn_host_connects_and_its_certificate_is_checked_by_its_punycode_name(
    tls_server: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, cert = tls_server
    asked: list[object] = []
    real = socket.getaddrinfo

    def resolve(host: object, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        if host in (PUNYCODE, PUNYCODE.encode()):  # the test's own DNS
            host = "127.0.0.1"
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    verify = ssl.create_default_context(cafile=str(cert))
    transport = DeadlineTransport(verify=verify, limits=httpx.Limits())
    with httpx.Client(transport=transport, timeout=10) as client:
        answer = client.get(f"https://bücher.test:{port}/")
        assert answer.text == f"{PUNYCODE}:{port}"
        assert asked == [PUNYCODE.encode()]  # punycode from httpx, as bytes: no codec
        assert client.get(f"https://localhost:{port}/").status_code == 200
        with pytest.raises(httpx.ConnectError, match="certificate"):
            client.get(f"https://127.0.0.1:{port}/")  # not a name the certificate holds


def test_a_non_ascii_host_given_to_the_socket_layer_still_goes_through_the_codec(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wpsync.wordpress.bounded import DeadlineBackend

    asked: list[object] = []

    def resolve(host: object, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(httpcore.ConnectError):
        DeadlineBackend().connect_tcp("bücher.test", 80, timeout=1)
    assert asked == ["bücher.test"]  # a string: getaddrinfo encodes it with idna


def test_a_run_against_an_ascii_host_does_not_import_the_idna_codec(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        code = (
            "import sys, httpx\n"
            "from wpsync.wordpress.bounded import DeadlineTransport\n"
            "t = DeadlineTransport(verify=True, limits=httpx.Limits())\n"
            f"print(httpx.Client(transport=t).get('http://localhost:{port}/').text)\n"
            "print('encodings.idna' in sys.modules, 'stringprep' in sys.modules)\n"
        )
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env=env,
        )
        assert done.stdout.split("\n")[:2] == [f"localhost:{port}", "False False"]
    finally:
        server.shutdown()
        server.server_close()
