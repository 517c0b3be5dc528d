"""`wpsync init`: a commented config that loads back, no password, no overwrite, .gitignore."""

from __future__ import annotations

import http.server
import json
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from keyring.backend import KeyringBackend

from wpsync.cli.main import main
from wpsync.config import load_config, schema
from wpsync.config_writer import ignore_state, render_config, run_init
from wpsync.errors import ConfigError


def test_the_config_lists_every_key_and_loads_back(tmp_path: Path) -> None:
    result, config = run_init(
        tmp_path / "config.toml",
        url="https://blog.example.com/",
        username="editor",
        auth="application-password",
        content_dir="posts",
    )
    text = result.config_path.read_text()
    for section, keys in schema().items():
        assert f"[{section}]" in text
        for key in keys:
            if (section, key) != ("site", "password"):
                assert f"{key} = " in text, key
    loaded = load_config(result.config_path, env={})
    assert loaded.site.url == "https://blog.example.com"
    assert (loaded.site.username, loaded.site.auth) == ("editor", "application-password")
    assert loaded.content.dir == (tmp_path / "posts").resolve() and loaded.content.dir.is_dir()
    assert result.created_content_dir and config.state.path == (tmp_path / ".wpsync").resolve()
    assert loaded.sync.concurrency == schema()["sync"]["concurrency"].default


def test_no_password_key_is_ever_written() -> None:
    text = render_config({"site": {"url": "https://x.org", "username": "u"}})
    parsed = tomllib.loads(text)
    assert "password" not in parsed["site"]
    assert not any(line.lstrip("# ").startswith("password =") for line in text.splitlines())


def test_an_existing_config_is_not_replaced_without_force(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\n")
    with pytest.raises(ConfigError, match="already exists"):
        run_init(path, url="https://x.org", username="u")
    assert path.read_text() == "# mine\n"
    run_init(path, url="https://x.org", username="u", force=True)
    assert "[site]" in path.read_text()


def test_a_bad_url_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="plain http"):
        run_init(tmp_path / "config.toml", url="http://blog.example.com", username="u")
    assert list(tmp_path.iterdir()) == []


def test_the_state_folder_is_ignored_once(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc")
    result, config = run_init(tmp_path / "config.toml", url="https://x.org", username="u")
    assert result.gitignore == tmp_path / ".gitignore"
    assert (tmp_path / ".gitignore").read_text().splitlines()[0] == "*.pyc"
    assert "/.wpsync/" in (tmp_path / ".gitignore").read_text().splitlines()
    assert ignore_state(config) is None
    assert (tmp_path / ".gitignore").read_text().count(".wpsync") == 1


def test_without_a_terminal_the_flags_are_required(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["--config", str(tmp_path / "c.toml"), "init", "--no-doctor"])
    assert done.exit_code == 2 and "--url" in done.output
    assert not (tmp_path / "c.toml").exists()


class _Index(http.server.BaseHTTPRequestHandler):
    """A site's REST index as WordPress serves it (offering application passwords only:
    the test WordPress has the JWT plugin, tests/integration/test_init_site.py)."""

    def do_GET(self) -> None:
        if self.path.startswith("/wp-json/wp/v2/users"):
            body: object = [{"slug": "editor"}]
        else:
            body = {
                "name": "Stub blog",
                "namespaces": ["oembed/1.0", "wp/v2"],
                "authentication": {"application-passwords": {"endpoints": {}}},
                "routes": {},
            }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site_index() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def test_at_a_terminal_each_answer_is_checked_and_the_site_s_login_is_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site_index: str
) -> None:
    monkeypatch.setattr("wpsync.cli.init._interactive", lambda: True)
    monkeypatch.setattr("wpsync.keyring_password.keyring_available", lambda: False)
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["--config", str(tmp_path / "c.toml"), "init", "--no-doctor"],
        # an address where nothing answers first: said at once, and asked again
        input=f"http://127.0.0.1:9\n{site_index}\neditor\n",
    )
    assert done.exit_code == 0, done.output
    assert "✗ cannot connect to http://127.0.0.1:9" in done.output
    assert "✓ WordPress (Stub blog); it offers application passwords" in done.output
    assert "→ auth = 'application-password'" in done.output
    assert "✓ editor is a user of the site" in done.output
    assert "export WPSYNC_PASSWORD=" in done.output
    config = load_config(tmp_path / "c.toml", env={})
    assert (config.site.url, config.site.username) == (site_index, "editor")
    assert config.site.auth == "application-password" and not config.site.password_keyring


def test_an_existing_config_is_refused_before_any_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wpsync.cli.init._interactive", lambda: True)
    (tmp_path / "c.toml").write_text("# mine\n")
    done = CliRunner().invoke(main, ["--config", str(tmp_path / "c.toml"), "init"], input="")
    assert done.exit_code == 2 and "already exists; not overwritten" in done.output
    assert "address" not in done.output and (tmp_path / "c.toml").read_text() == "# mine\n"


def test_the_password_can_go_to_the_keyring_and_is_read_from_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site_index: str
) -> None:
    import keyring

    from wpsync.config import password_source, resolve_password

    backend = MemoryKeyring()
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        monkeypatch.setattr("wpsync.cli.init._interactive", lambda: True)
        done = CliRunner().invoke(
            main,
            ["--config", str(tmp_path / "c.toml"), "init", "--no-doctor"],
            input=f"{site_index}\neditor\ny\ns3cret-app-pass\n",
        )
        assert done.exit_code == 0, done.output
        assert "s3cret-app-pass" not in done.output
        assert backend.store == {(f"wpsync {site_index}", "editor"): "s3cret-app-pass"}
        config = load_config(tmp_path / "c.toml", env={})
        assert config.site.password_keyring
        assert "password_keyring = true" in (tmp_path / "c.toml").read_text()
        assert password_source(config.site, env={}) == "keyring"
        assert resolve_password(config.site, env={}).reveal() == "s3cret-app-pass"
        backend.store.clear()
        with pytest.raises(ConfigError, match="no password in the system keyring"):
            resolve_password(config.site, env={})
    finally:
        keyring.set_keyring(before)


def _init(config: Path, *extra: str) -> tuple[int, str]:
    done = CliRunner().invoke(
        main,
        [
            "--config",
            str(config),
            "init",
            "--no-doctor",
            "--url",
            "https://blog.example.com",
            "--username",
            "editor",
            *extra,
        ],
    )
    return done.exit_code, done.output


@pytest.mark.parametrize(
    ("marker", "dialect"),
    [("hugo.toml", "hugo"), ("_config.yml", "jekyll"), ("mkdocs.yml", "docs")],
)
def test_a_site_s_root_is_its_own_content_folder(tmp_path: Path, marker: str, dialect: str) -> None:
    # read from the root, as "Coming from another tool" says: Hugo's static/ images found
    (tmp_path / marker).write_text("title: x\n")
    code, output = _init(tmp_path / "config.toml")
    assert code == 0, output
    assert f"content folder: this one ({dialect}: found" in output
    config = load_config(tmp_path / "config.toml", env={})
    assert config.content.dir == tmp_path.resolve()
    assert not (tmp_path / "content").exists()


def test_a_plain_folder_gets_a_content_folder(tmp_path: Path) -> None:
    code, output = _init(tmp_path / "config.toml")
    assert code == 0, output
    assert (
        load_config(tmp_path / "config.toml", env={}).content.dir
        == (tmp_path / "content").resolve()
    )
    assert "content folder: this one" not in output


def test_hugo_s_own_config_toml_is_never_replaced_even_with_force(tmp_path: Path) -> None:
    hugo = 'baseURL = "https://example.org/"\ntitle = "My blog"\n'
    (tmp_path / "config.toml").write_text(hugo)
    code, output = _init(tmp_path / "config.toml", "--force")
    assert code == 2, output
    assert "is Hugo's configuration, not wpsync's: never replaced" in output
    assert "wpsync --config wpsync.toml init" in output
    assert (tmp_path / "config.toml").read_text() == hugo
    code, output = _init(tmp_path / "wpsync.toml")
    assert code == 0, output
    assert "content folder: this one (hugo: found Hugo's" in output
