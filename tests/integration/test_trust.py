"""A cloned repository's config.toml does not decide where the user's credentials go.

- A config.toml whose ``site.url`` points at a hostile server (started here, recording every
  request) with ``password_env = "GITHUB_TOKEN"``: every command that needs a credential
  exits 2 naming the URL, the folder and ``wpsync trust``, and the server receives nothing
  carrying the token (no request at all).  The same check approved shows the recorder works.
- ``password_command`` from the repository is not run before approval.
- After ``wpsync trust``, the same kind of configuration works against the real WordPress.
- ``WPSYNC_URL`` + ``WPSYNC_PASSWORD`` from the environment: the password goes to that URL
  only, whatever URL the repository's file names.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.convergence import list_posts
from tests.sitekit import Site, run_in_process
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

TOKEN = "ghp_Hostile0Test1Token2Value3xyz"


@dataclass
class Recorder:
    """A hostile HTTP server: answers everything with an empty JSON list, records it all."""

    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, raw

    def carrying(self, secret: str) -> list[tuple[str, str, str]]:
        encoded = base64.b64encode(f"admin:{secret}".encode()).decode()
        return [r for r in self.requests if secret in r[2] or encoded in r[2]]


@pytest.fixture
def hostile() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            with lock:
                recorder.requests.append((self.command, self.path, f"{self.headers}\n{body}"))
            data = b"[]"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


def repo(root: Path, url: str, site_extra: str) -> Path:
    """A cloned repository: config.toml (as its author wrote it) and one post."""
    (root / "content").mkdir(parents=True)
    (root / "content" / "hello.md").write_text("---\ntitle: Hello\n---\nHi.\n")
    (root / "config.toml").write_text(
        f'[site]\nurl = "{url}"\nauth = "application-password"\nusername = "admin"\n'
        f'{site_extra}\n[content]\ndir = "content"\n',
        encoding="utf-8",
    )
    return root


def cli(root: Path, *args: str, xdg: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WPSYNC_")}
    env.pop("GITHUB_TOKEN", None)
    env.update({"XDG_CONFIG_HOME": str(xdg), "NO_COLOR": "1", **env_vars})
    # in this process (no --config: config.toml is found from the working folder, as it
    # would be in a clone); stdin is empty and not a terminal, as with </dev/null
    return run_in_process(list(args), cwd=root, env=env)


COMMANDS = [
    ("plan",),
    ("sync",),
    ("sync", "--json"),
    ("pull", "--dry-run"),
    ("state", "rebuild", "--dry-run"),
]


def test_a_hostile_config_gets_no_credential_until_approved(
    tmp_path: Path, hostile: tuple[str, Recorder]
) -> None:
    url, recorder = hostile
    root = repo(tmp_path / "clone", url, 'password_env = "GITHUB_TOKEN"\n')
    xdg = tmp_path / "xdg"
    for args in COMMANDS:
        done = cli(root, *args, xdg=xdg, GITHUB_TOKEN=TOKEN, WPSYNC_PASSWORD=TOKEN)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert url in done.stderr and str(root) in done.stderr, done.stderr
        assert "`wpsync trust`" in done.stderr and "Traceback" not in done.stderr
        assert TOKEN not in done.stdout + done.stderr
    assert (
        json.loads(cli(root, "sync", "--json", xdg=xdg, GITHUB_TOKEN=TOKEN).stdout)["kind"]
        == "TrustError"
    )
    # doctor may look at the site (unauthenticated), never with the token
    done = cli(root, "doctor", "--json", xdg=xdg, GITHUB_TOKEN=TOKEN)
    assert "wpsync trust" in done.stdout, done.stdout
    assert recorder.carrying(TOKEN) == []
    assert [r for r in recorder.requests if "authorization" in r[2].lower()] == []
    assert [r for r in recorder.requests if r[0] != "GET"] == []
    # the commands that need no credential never ask
    assert cli(root, "render", "content/hello.md", xdg=xdg).returncode == 0
    assert not (xdg / "wpsync" / "trusted.json").exists()

    # the control: approved, the same run does send the token (the recorder sees it)
    approved = cli(root, "trust", xdg=xdg)
    assert approved.returncode == 0 and url in approved.stdout, approved.stderr
    assert "site.password_env = GITHUB_TOKEN" in approved.stdout
    cli(root, "sync", xdg=xdg, GITHUB_TOKEN=TOKEN)
    assert recorder.carrying(TOKEN), "the recorder would have seen the token"

    # the repository changes a widening setting: asked again, naming it
    config = root / "config.toml"
    config.write_text(config.read_text().replace("[content]", "verify_tls = false\n[content]"))
    before = len(recorder.requests)
    done = cli(root, "plan", xdg=xdg, GITHUB_TOKEN=TOKEN)
    assert done.returncode == 2 and "site.verify_tls = false (new)" in done.stderr, done.stderr
    assert len(recorder.requests) == before


def test_a_repository_password_command_does_not_run_before_approval(
    tmp_path: Path, hostile: tuple[str, Recorder]
) -> None:
    url, recorder = hostile
    pwned = tmp_path / "pwned"
    root = repo(tmp_path / "clone", url, f"password_command = \"sh -c 'id > {pwned}'\"\n")
    xdg = tmp_path / "xdg"
    for args in [*COMMANDS, ("doctor",)]:
        done = cli(root, *args, xdg=xdg)
        assert done.returncode != 0 and "wpsync trust" in done.stdout + done.stderr, done
        assert not pwned.exists(), args
    assert [r for r in recorder.requests if "authorization" in r[2].lower()] == []


def test_after_wpsync_trust_the_repositorys_config_works(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    root = repo(tmp_path / "blog", wp.url, 'password_env = "BLOG_PASSWORD"\n')
    xdg = tmp_path / "xdg"
    done = cli(root, "sync", xdg=xdg, BLOG_PASSWORD=wp.app_password)
    assert done.returncode == 2 and "wpsync trust" in done.stderr, done.stderr
    assert list_posts(wp) == []
    assert cli(root, "trust", xdg=xdg).returncode == 0
    trusted = xdg / "wpsync" / "trusted.json"
    assert oct(trusted.stat().st_mode & 0o777) == "0o600"
    done = cli(root, "sync", xdg=xdg, BLOG_PASSWORD=wp.app_password)
    assert done.returncode == 0, done.stderr
    assert [p["slug"] for p in list_posts(wp)] == ["hello"]
    listed = cli(root, "trust", "--list", xdg=xdg)
    assert str(root) in listed.stdout and wp.url in listed.stdout
    assert cli(root, "trust", "--revoke", xdg=xdg).returncode == 0
    (root / "content" / "hello.md").write_text("---\ntitle: Hello\n---\nEdited.\n")
    done = cli(root, "sync", xdg=xdg, BLOG_PASSWORD=wp.app_password)
    assert done.returncode == 2, done.stderr


def test_url_and_password_from_the_environment_go_together_only(
    tmp_path: Path, wp: WordPressInstance, hostile: tuple[str, Recorder]
) -> None:
    url, recorder = hostile
    root = repo(tmp_path / "ci", url, 'password_env = "GITHUB_TOKEN"\n')
    site = Site(root, wp, auth="application-password")
    env = {
        "WPSYNC_URL": wp.url,
        "WPSYNC_PASSWORD": wp.app_password,
        "GITHUB_TOKEN": TOKEN,
    }
    done = cli(root, "sync", xdg=tmp_path / "xdg", **env)
    assert done.returncode == 0, done.stderr
    assert [p["slug"] for p in list_posts(site.wp)] == ["hello"]
    assert recorder.requests == []  # the file's URL got nothing at all
    assert not (tmp_path / "xdg" / "wpsync").exists()  # no approval needed, none written
