"""Nobody let in, nothing leaked.

- Every command, at -vv, with failures forced (a wrong password, a wrong application
  password, the site failing through the fault proxy, broken files): no password,
  application password (with or without its spaces), Basic credential or token appears
  in stdout, stderr, the state files, or the token cache other than as the token itself.
- The token cache and the state file are private (0600).
- TLS is verified by default: a certificate from a private CA is refused (one clear
  message naming the certificate problem, no retry storm) until ``site.ca_bundle`` names
  the CA; then it syncs.
- Credentials never go over plain http:// to a non-loopback host unless
  ``site.allow_insecure_http``; a password written inline in config.toml gets a warning.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.convergence import list_posts, site_at
from tests.faults import FaultProxy, reset, status
from tests.sitekit import Site, make_site
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

WRONG = "Wrong-Secret-Pa55word!"  # a wrong password must not leak either


@dataclass(frozen=True)
class Run:
    what: str
    stdout: str
    stderr: str


def run(site: Site, what: str, *args: str, env: dict[str, str] | None = None) -> Run:
    # a real process: everything it prints counts, Python's own warnings included
    done = site.cli(*args, env=env, process=True)
    assert "Traceback" not in done.stderr, (what, done.stderr)
    return Run(what, done.stdout, done.stderr)


def run_watch(site: Site, seconds: float, env: dict[str, str] | None = None) -> Run:
    """`wpsync watch` for a few seconds, then SIGTERM (its clean stop)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wpsync.cli", "--config", str(site.config), "-vvv", "watch"],
        cwd=site.root,
        env=env or site.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(seconds)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
    return Run("watch", stdout, stderr)


def secrets_of(wp: WordPressInstance, token: str) -> dict[str, str]:
    app = wp.app_password
    basic = base64.b64encode(f"{wp.admin_user}:{wp.admin_password}".encode()).decode()
    basic_app = base64.b64encode(f"{wp.admin_user}:{app}".encode()).decode()
    return {
        "password": wp.admin_password,
        "application password": app,
        "application password without spaces": app.replace(" ", ""),
        "Basic credential": basic,
        "Basic credential (application password)": basic_app,
        "wrong password": WRONG,
        "token": token,
        "token signature": token.rsplit(".", 1)[-1],
    }


def test_no_command_leaks_a_secret_at_the_highest_verbosity(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blog", wp)
    site.write("hello.md", "---\ntitle: Hello\ntags: [a]\n---\nBody.\n")
    site.write("broken.md", "---\ntitle: [unclosed\n---\n")
    site.write("page.md", "---\ntitle: Page\ntype: page\n---\nA page.\n")
    subprocess.run(["git", "init", "-q", str(site.root)], check=True)
    wrong = site.env(WPSYNC_PASSWORD=WRONG)
    runs = [
        run(site, "sync", "-vvv", "sync"),
        run(site, "sync wrong password", "-vvv", "sync", env=wrong),
        run(site, "sync --dry-run", "-vvv", "sync", "--dry-run", env=wrong),
        run(site, "sync --json", "-vvv", "sync", "--json"),
        run(site, "plan --diff", "-vvv", "plan", "--diff"),
        run(site, "plan wrong password", "-vvv", "plan", "--json", env=wrong),
        run(site, "doctor", "-vvv", "doctor", "--json"),
        run(site, "doctor wrong password", "-vvv", "doctor", env=wrong),
        run(site, "pull --dry-run", "-vvv", "pull", "--dry-run"),
        run(site, "state rebuild --dry-run", "-vvv", "state", "rebuild", "--dry-run", "--json"),
        run(site, "state rebuild wrong", "-vvv", "state", "rebuild", "--dry-run", env=wrong),
        run(site, "hook install", "-vvv", "hook", "install"),
        run(site, "hook uninstall", "-vvv", "hook", "uninstall"),
        run_watch(site, 4),
        run_watch(site, 3, env=wrong),
    ]
    # application passwords: right and wrong
    app_site = make_site(tmp_path / "app", wp, auth="application-password")
    app_site.write("one.md", "# One\n\nBody.\n")
    runs.append(run(app_site, "sync (application password)", "-vvv", "sync", "--json"))
    runs.append(
        run(
            app_site,
            "sync wrong app password",
            "-vvv",
            "sync",
            env=app_site.env(WPSYNC_PASSWORD=WRONG),
        )
    )
    runs.append(run(app_site, "doctor (application password)", "-vvv", "doctor"))
    # the site failing under the client: every fault the proxy has, then a lost answer
    with FaultProxy(wp.url) as proxy:
        faulty = site_at(tmp_path / "faulty", wp, proxy.url, timeout=1, max_attempts=2)
        faulty.write("f.md", "# F\n\nBody.\n")
        proxy.plan(None, [status(503), reset, status(500), status(429, retry_after=0)], repeat=True)
        runs.append(run(faulty, "sync, site failing", "-vvv", "sync"))
        runs.append(run(faulty, "doctor, site failing", "-vvv", "doctor"))
        proxy.clear()
        runs.append(run(faulty, "sync through the proxy", "-vvv", "sync", "--json"))
    init_dir = tmp_path / "init"
    init_dir.mkdir()
    init_site = Site(init_dir, wp)
    runs.append(
        run(
            init_site,
            "init",
            "-vvv",
            "init",
            "--url",
            wp.url,
            "--username",
            wp.admin_user,
            "--json",
        )
    )

    cache = site.root / ".wpsync" / "token.json"
    [token] = [t["token"] for t in json.loads(cache.read_text())["tokens"].values()]
    secrets = secrets_of(wp, token)
    assert any("HTTP Request" in r.stderr for r in runs), "-vvv logged no request"
    leaks = [
        (name, r.what, stream)
        for r in runs
        for stream, text in (("stdout", r.stdout), ("stderr", r.stderr))
        for name, secret in secrets.items()
        if secret in text
    ]
    assert leaks == []
    for root in (site.root, app_site.root, faulty.root, init_dir):
        for path in (p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts):
            data = path.read_bytes()
            for name, secret in secrets.items():
                if path.name == "token.json" and name.startswith("token"):
                    continue  # the cache holds the token, and nothing else secret
                assert secret.encode() not in data, f"{name} in {path}"
    for root in (site.root, faulty.root):
        for private in ("token.json", "state.sqlite"):
            mode = (root / ".wpsync" / private).stat().st_mode & 0o777
            assert mode == 0o600, (private, oct(mode))


# --------------------------------------------------------------------------- TLS


@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path
    other_ca: Path


def make_certs(directory: Path) -> Certs:
    """A private CA and a server certificate for 127.0.0.1 and localhost (openssl)."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    for name in ("ca", "other"):
        openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-subj", f"/CN=wpsync test {name}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=localhost",
    )  # fmt: skip
    (directory / "ext.cnf").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
    )
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
    )  # fmt: skip
    return Certs(
        directory / "ca.pem",
        directory / "server.pem",
        directory / "server.key",
        directory / "other.pem",
    )


class TlsFront:
    """A tiny TLS terminator: https://127.0.0.1:<port> → the (plain http) fault proxy."""

    def __init__(self, certs: Certs, upstream_port: int) -> None:
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(certs.cert, certs.key)
        self._upstream = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.handshakes_failed = 0
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                raw, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(raw,), daemon=True).start()

    def _handle(self, raw: socket.socket) -> None:
        try:
            client = self._context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshakes_failed += 1
            raw.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self._upstream))

        def pump(source: socket.socket, target: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (source, target):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        pump(client, upstream)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()


@pytest.fixture
def tls(tmp_path: Path, wp: WordPressInstance) -> Iterator[tuple[TlsFront, Certs]]:
    if shutil.which("openssl") is None:
        raise RuntimeError("the TLS tests need the openssl command (Debian: openssl)")
    certs_dir = tmp_path / "certs"
    certs_dir.mkdir()
    certs = make_certs(certs_dir)
    with FaultProxy(wp.url) as proxy:
        front = TlsFront(certs, proxy.port)
        try:
            yield front, certs
        finally:
            front.close()


def test_tls_is_verified_by_default_and_a_private_ca_works_through_ca_bundle(
    tmp_path: Path, wp: WordPressInstance, tls: tuple[TlsFront, Certs]
) -> None:
    front, certs = tls
    url = f"https://127.0.0.1:{front.port}"

    def site_with(name: str, site_extra: str) -> Site:
        site = site_at(tmp_path / name, wp, url, timeout=5, max_attempts=3, site_extra=site_extra)
        site.write("secure.md", f"---\ntitle: Secure {name}\nslug: secure-{name}\n---\nOver TLS.\n")
        return site

    refused = site_with("default", "")
    done = refused.cli("sync")
    assert done.returncode == 1, done.stderr
    assert "TLS certificate of 127.0.0.1 could not be verified" in done.stderr, done.stderr
    assert "site.ca_bundle" in done.stderr and "Traceback" not in done.stderr
    assert front.handshakes_failed == 1, "a certificate problem is not worth a retry"

    wrong_ca = site_with("wrong-ca", f'ca_bundle = "{certs.other_ca}"\n')
    assert wrong_ca.cli("sync").returncode == 1

    trusted = site_with("bundle", f'ca_bundle = "{certs.ca}"\n')
    code, report = trusted.sync_json()
    assert code == 0 and report["created"] == 1, report
    assert {p["slug"] for p in list_posts(wp)} == {"secure-bundle"}


def test_credentials_are_refused_over_plain_http_to_another_host_unless_allowed(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = site_at(tmp_path / "plain", wp, "http://blog.example.test")
    done = site.cli("sync")
    assert done.returncode == 2
    assert "refusing to send credentials over plain http:// to blog.example.test" in done.stderr
    assert "allow_insecure_http" in done.stderr
    allowed = site_at(
        tmp_path / "allowed",
        wp,
        "http://blog.example.test",
        site_extra="allow_insecure_http = true\n",
    )
    done = allowed.cli("sync")  # an empty folder: nothing to send, so no request either
    assert done.returncode == 0, done.stderr
    # a URL carrying a password is refused without being repeated
    creds = site_at(tmp_path / "creds", wp, f"ftp://admin:{WRONG}@blog.example.test")
    done = creds.cli("sync")
    assert done.returncode == 2 and "must not contain credentials" in done.stderr
    assert WRONG not in done.stderr + done.stdout


def test_an_inline_password_works_but_warns(tmp_path: Path, wp: WordPressInstance) -> None:
    root = tmp_path / "inline"
    (root / "content").mkdir(parents=True)
    (root / "config.toml").write_text(
        textwrap.dedent(
            f"""
            [site]
            url = "{wp.url}"
            username = "{wp.admin_user}"
            password = "{wp.admin_password}"

            [content]
            dir = "content"
            """
        )
    )
    site = Site(root, wp)
    site.write("inline.md", "# Inline\n\nBody.\n")
    env = {k: v for k, v in site.env().items() if k != "WPSYNC_PASSWORD"}
    done = site.cli("-vvv", "sync", env=env)
    assert done.returncode == 0, done.stderr
    assert "a password is written inline in site.password" in done.stderr
    assert "WPSYNC_PASSWORD" in done.stderr  # where to move it
    assert wp.admin_password not in done.stderr + done.stdout
    assert [p["slug"] for p in list_posts(wp)] == ["inline"]
    assert os.stat(root / ".wpsync" / "token.json").st_mode & 0o777 == 0o600
