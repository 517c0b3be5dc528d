"""The trust store (wpsync/trust.py) and the one check every credential passes
(config.resolve_password): a folder's config.toml gets the user's password for its URL
only once approved, with exactly the settings approved."""

from __future__ import annotations

import json
import os
import stat
import textwrap
from pathlib import Path

import pytest

from wpsync import trust
from wpsync.config import load_config, password_source, resolve_password
from wpsync.errors import ConfigError, TrustError

URL = "https://blog.example.com"


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def folder(tmp_path: Path, site_extra: str = "", extra: str = "", url: str = URL) -> Path:
    root = tmp_path / "blog"
    root.mkdir(exist_ok=True)
    (root / "config.toml").write_text(
        f'[site]\nurl = "{url}"\nusername = "editor"\n'
        + textwrap.dedent(site_extra)
        + '\n[content]\ndir = "content"\n'
        + textwrap.dedent(extra),
        encoding="utf-8",
    )
    return root / "config.toml"


def env(xdg: Path, **more: str) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(xdg), **more}


def scope_of(config: Path, xdg: Path, **more: str) -> trust.Scope:
    scope = load_config(config, env=env(xdg, **more)).site.scope
    assert scope is not None
    return scope


def test_the_store_lives_in_the_users_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert trust.store_path({"XDG_CONFIG_HOME": "/x/y"}) == Path("/x/y/wpsync/trusted.json")
    monkeypatch.setenv("HOME", str(tmp_path))
    default = tmp_path / ".config" / "wpsync" / "trusted.json"
    assert trust.store_path({}) == default
    assert trust.store_path({"XDG_CONFIG_HOME": "relative"}) == default  # XDG: absolute only


def test_approve_list_and_revoke(tmp_path: Path, xdg: Path) -> None:
    scope = scope_of(folder(tmp_path), xdg)
    path = trust.store_path(env(xdg))
    assert trust.load_approvals(path) == []
    approval = trust.approve(scope, path)
    assert (approval.folder, approval.url) == (str(tmp_path / "blog"), URL)
    assert trust.load_approvals(path) == [approval]
    assert trust.find(scope, trust.load_approvals(path)) == approval
    again = trust.approve(scope, path)  # one approval per folder and URL
    assert trust.load_approvals(path) == [again]
    other = trust.Scope(tmp_path / "other" / "config.toml", URL, False)
    trust.approve(other, path)
    assert trust.revoke(scope.folder, URL, path) == [again]
    assert [a.folder for a in trust.load_approvals(path)] == [str(tmp_path / "other")]
    assert trust.revoke(scope.folder, URL, path) == []


def test_the_file_is_private_whatever_the_umask(tmp_path: Path, xdg: Path) -> None:
    scope = scope_of(folder(tmp_path), xdg)
    path = trust.store_path(env(xdg))
    old = os.umask(0)
    try:
        trust.approve(scope, path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.parent.chmod(0o777)  # loosened by hand: tightened on the next write
    trust.approve(scope, path)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_write_is_atomic_and_leaves_no_temporary(
    tmp_path: Path, xdg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scope = scope_of(folder(tmp_path), xdg)
    path = trust.store_path(env(xdg))
    trust.approve(scope, path)
    before = path.read_bytes()

    def broken(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(trust.os, "replace", broken)
    other = trust.Scope(tmp_path / "x" / "config.toml", URL, False)
    with pytest.raises(TrustError, match=r"cannot write .*No space left"):
        trust.approve(other, path)
    assert path.read_bytes() == before  # the old file, whole
    assert sorted(p.name for p in path.parent.iterdir()) == ["trusted.json"]


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        '{"version": 1}',
        '{"version": 9, "approvals": []}',
        '{"version": 1, "approvals": [{"folder": 1}]}',
        "\xff\xfe",
    ],
)
def test_a_corrupt_file_is_a_clear_error(tmp_path: Path, xdg: Path, text: str) -> None:
    path = trust.store_path(env(xdg))
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(TrustError) as caught:
        trust.load_approvals(path)
    assert str(path) in str(caught.value) and caught.value.exit_code == 2
    assert caught.value.hint is not None and "delete" in caught.value.hint
    # never read as "nothing approved" and overwritten
    with pytest.raises(TrustError):
        trust.approve(scope_of(folder(tmp_path), xdg), path)
    assert path.read_bytes() == text.encode("latin-1")


def test_a_symlinked_file_is_not_followed(tmp_path: Path, xdg: Path) -> None:
    path = trust.store_path(env(xdg))
    path.parent.mkdir(parents=True)
    target = tmp_path / "elsewhere.json"
    target.write_text('{"version": 1, "approvals": []}')
    path.symlink_to(target)
    with pytest.raises(TrustError):
        trust.load_approvals(path)


def test_a_file_url_needs_approval_before_any_password_is_read(tmp_path: Path, xdg: Path) -> None:
    config = folder(tmp_path)
    e = env(xdg, WPSYNC_PASSWORD="s3cret")
    site = load_config(config, env=e).site
    with pytest.raises(TrustError) as caught:
        resolve_password(site, e)
    message = str(caught.value)
    assert URL in message and str(tmp_path / "blog") in message
    assert "s3cret" not in message
    assert caught.value.hint is not None and "trust" in caught.value.hint
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == 2
    assert site.scope is not None
    trust.approve(site.scope, trust.store_path(e))
    assert resolve_password(site, e).reveal() == "s3cret"


def test_url_and_password_from_the_environment_need_no_approval(tmp_path: Path, xdg: Path) -> None:
    config = folder(tmp_path, 'password_env = "GITHUB_TOKEN"\n', url="https://evil.example")
    e = env(xdg, WPSYNC_URL=URL, WPSYNC_PASSWORD="s3cret", GITHUB_TOKEN="ghp_token")
    site = load_config(config, env=e).site
    assert site.url == URL
    # the pair wins over the file's password_env: the token goes nowhere
    assert password_source(site, e) == "$WPSYNC_PASSWORD"
    assert resolve_password(site, e).reveal() == "s3cret"
    assert not trust.store_path(e).exists()


def test_the_pair_does_not_cover_widening_settings(tmp_path: Path, xdg: Path) -> None:
    config = folder(tmp_path, "verify_tls = false\n")
    e = env(xdg, WPSYNC_URL=URL, WPSYNC_PASSWORD="s3cret")
    site = load_config(config, env=e).site
    with pytest.raises(TrustError, match=r"site\.verify_tls"):
        resolve_password(site, e)


def test_password_command_is_not_run_before_approval(tmp_path: Path, xdg: Path) -> None:
    marker = tmp_path / "pwned"
    config = folder(tmp_path, f'password_command = "touch {marker}"\n')
    e = env(xdg)
    site = load_config(config, env=e).site
    with pytest.raises(TrustError, match="password_command"):
        resolve_password(site, e)
    assert not marker.exists()


def test_changed_widening_settings_ask_again_naming_the_change(tmp_path: Path, xdg: Path) -> None:
    config = folder(tmp_path, 'password_command = "echo one"\n')
    e = env(xdg)
    site = load_config(config, env=e).site
    assert site.scope is not None
    trust.approve(site.scope, trust.store_path(e))
    assert resolve_password(site, e).reveal() == "one"
    config = folder(tmp_path, 'password_command = "echo two"\nallow_insecure_http = true\n')
    changed = load_config(config, env=e).site
    assert changed.scope is not None and changed.scope.fingerprint != site.scope.fingerprint
    with pytest.raises(TrustError) as caught:
        resolve_password(changed, e)
    message = str(caught.value)
    assert "site.password_command = echo two (was echo one)" in message
    assert "site.allow_insecure_http = true (new)" in message


def test_folders_outside_the_config_folder_are_widening(tmp_path: Path, xdg: Path) -> None:
    config = folder(tmp_path, extra='[state]\npath = "../state"\n')
    (tmp_path / "blog" / "content").mkdir()
    scope = scope_of(config, xdg)
    assert scope.settings == (("state.path", str(tmp_path / "state")),)
    config.write_text(config.read_text().replace('dir = "content"', 'dir = "../.."'))
    assert [k for k, _ in scope_of(config, xdg).settings] == ["content.dir", "state.path"]
    inside = folder(tmp_path, extra='[state]\npath = ".wpsync"\n')
    assert scope_of(inside, xdg).settings == ()


def test_a_symlinked_content_folder_pointing_out_is_widening(tmp_path: Path, xdg: Path) -> None:
    config = folder(tmp_path)
    (tmp_path / "blog" / "content").symlink_to(tmp_path)
    assert [k for k, _ in scope_of(config, xdg).settings] == ["content.dir"]


def test_an_unset_password_env_is_an_error_naming_it(tmp_path: Path, xdg: Path) -> None:
    config = folder(tmp_path, 'password_env = "BLOG_PASSWORD"\n')
    e = env(xdg, WPSYNC_PASSWORD="another-sites-password")
    site = load_config(config, env=e).site
    with pytest.raises(ConfigError, match="BLOG_PASSWORD") as caught:
        resolve_password(site, e)
    assert "another-sites-password" not in str(caught.value)
    assert not isinstance(caught.value, TrustError)


def test_the_files_own_password_to_the_files_own_url_needs_no_approval(
    tmp_path: Path, xdg: Path
) -> None:
    config = folder(tmp_path, 'password = "inline"\n')
    site = load_config(config, env=env(xdg)).site
    assert resolve_password(site, env(xdg)).reveal() == "inline"


def test_insecure_settings_warn(
    tmp_path: Path, xdg: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = folder(tmp_path, "verify_tls = false\n", url="https://warn.example")
    with caplog.at_level("WARNING", logger="wpsync.config"):
        load_config(config, env=env(xdg))
    assert "site.verify_tls = false" in caplog.text and "https://warn.example" in caplog.text


def test_a_terminal_is_asked_once_and_a_yes_is_recorded(
    tmp_path: Path, xdg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = folder(tmp_path)
    e = env(xdg, WPSYNC_PASSWORD="s3cret")
    site = load_config(config, env=e).site
    monkeypatch.setattr(trust, "_interactive", lambda: True)
    answers = iter(["n\n", "y\n"])
    monkeypatch.setattr(trust.sys.stdin, "readline", lambda: next(answers), raising=False)
    with pytest.raises(TrustError):
        resolve_password(site, e)
    assert f"Send your password to {URL} for {tmp_path / 'blog'}? [y/N]" in capsys.readouterr().err
    assert resolve_password(site, e).reveal() == "s3cret"
    monkeypatch.setattr(trust, "_interactive", lambda: False)
    assert resolve_password(site, e).reveal() == "s3cret"  # recorded: not asked again
    doc = json.loads(trust.store_path(e).read_text())
    assert [a["url"] for a in doc["approvals"]] == [URL]
