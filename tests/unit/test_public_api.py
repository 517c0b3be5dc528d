"""The public API is what ``wpsync/__init__.py`` exports: this list changes only on purpose."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import wpsync
from wpsync.errors import DocumentError, WpsyncError

PUBLIC = {
    "__version__",
    "load_config",
    "sync",
    "plan",
    "render_file",
    "Config",
    "SyncReport",
    "FileResult",
    "PlanReport",
    "FilePlan",
    "PostPayload",
    "WpsyncError",
    "ConfigError",
    "AuthError",
    "StateError",
    "LockTimeout",
    "DocumentError",
    "RemoteError",
    "TransportError",
    "SafetyError",
}


def test_the_exported_names_are_exactly_the_public_api() -> None:
    assert set(wpsync.__all__) == PUBLIC


@pytest.mark.parametrize("name", sorted(PUBLIC - {"__version__"}))
def test_every_exported_name_resolves(name: str) -> None:
    value = getattr(wpsync, name)
    assert inspect.isclass(value) or inspect.isfunction(value), name
    if inspect.isclass(value) and name.endswith("Error"):
        assert issubclass(value, WpsyncError)


def test_the_functions_keep_their_signatures() -> None:
    params = {
        name: list(inspect.signature(getattr(wpsync, name)).parameters)
        for name in ("sync", "plan", "render_file", "load_config")
    }
    assert params["sync"] == [
        "config",
        "paths",
        "dry_run",
        "force",
        "lock_timeout",
        "on_result",
        "overwrite",
        "allow_mass_delete",
        "offline",
    ]
    assert params["plan"] == ["config", "paths", "diff", "lock_timeout"]
    assert params["render_file"] == ["config", "path"]
    assert params["load_config"][0] == "path"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = wpsync.no_such_name  # type: ignore[attr-defined]


def test_importing_wpsync_loads_no_heavy_module() -> None:
    code = (
        "import sys, wpsync; wpsync.__version__; "
        "print(sorted(m for m in ('httpx', 'markdown', 'watchdog', 'apscheduler', 'tenacity', "
        "'wpsync.engine.executor') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_render_file_maps_a_file_as_a_sync_would(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "config.toml").write_text(
        textwrap.dedent(
            """
            [site]
            url = "https://blog.example.com"
            username = "editor"

            [content]
            dir = "content"
            default_status = "draft"
            """
        ),
        encoding="utf-8",
    )
    post = tmp_path / "content" / "hello-world.md"
    post.write_text("---\ntitle: Hello\ntags: [a, b]\n---\nSome *text*.\n", encoding="utf-8")
    config = wpsync.load_config(tmp_path / "config.toml")
    mapped = wpsync.render_file(config, post)
    assert mapped.payload.title == "Hello"
    assert mapped.payload.slug == "hello-world"
    assert mapped.payload.status == "draft"
    assert mapped.payload.tags == ("a", "b")
    assert "<em>text</em>" in mapped.payload.content


def test_render_file_names_the_file_and_line_of_bad_input(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "config.toml").write_text(
        '[site]\nurl = "https://blog.example.com"\nusername = "e"\n', encoding="utf-8"
    )
    bad = tmp_path / "content" / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    config = wpsync.load_config(tmp_path / "config.toml")
    with pytest.raises(DocumentError) as caught:
        wpsync.render_file(config, bad)
    assert caught.value.path == "bad.md"
    assert caught.value.line is not None
    outside = tmp_path / "elsewhere.md"
    outside.write_text("x", encoding="utf-8")
    with pytest.raises(DocumentError, match="not in the content folder"):
        wpsync.render_file(config, outside)


def test_every_exported_name_has_a_home() -> None:
    assert set(wpsync._EXPORTS) | {"__version__"} == set(wpsync.__all__)
