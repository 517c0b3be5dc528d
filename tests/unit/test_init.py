"""`wpsync init`: a commented config that loads back, no password, no overwrite, .gitignore."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

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


def test_at_a_terminal_it_asks_for_the_url_and_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wpsync.cli.init._interactive", lambda: True)
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["--config", str(tmp_path / "c.toml"), "init", "--no-doctor"],
        input="https://blog.example.com\neditor\n",
    )
    assert done.exit_code == 0, done.output
    config = load_config(tmp_path / "c.toml", env={})
    assert (config.site.url, config.site.username) == ("https://blog.example.com", "editor")
