"""What wpsync's own process imports, and what it leaves out (wpsync/wordpress/unused.py,
the lazy commands of wpsync/cli/main.py).  Each check runs a fresh interpreter: what a
module imports shows only in a process that has not imported it yet.

The optional packages are stood in for by stand-ins on ``PYTHONPATH`` that leave a mark
when imported, so the checks hold whether or not trio or anyio are installed here."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def python(code: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args, "-c", BACKENDS + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tmp_path / "stand-ins"), str(REPO)]),
            "MARKS": str(tmp_path / "marks"),
        },
    )


#: prints, for httpcore's trio and anyio backends, "real" or "stub" (its "not installed"
#: stand-in raises RuntimeError when made)
BACKENDS = """
def kind(backend):
    try:
        backend()
    except RuntimeError:
        return 'stub'
    return 'real'
"""


@pytest.fixture
def stand_ins(tmp_path: Path) -> Path:
    """``trio`` and ``anyio`` packages that write a mark when imported (httpcore imports
    both and keeps what it finds: its backends touch nothing else at import)."""
    (tmp_path / "marks").mkdir()
    for name in ("trio", "anyio"):
        package = tmp_path / "stand-ins" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            f"import os, pathlib\npathlib.Path(os.environ['MARKS'], '{name}').touch()\n",
            encoding="utf-8",
        )
    return tmp_path / "marks"


def marks(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_command_s_http_stack_leaves_out_what_a_sync_client_never_uses(
    tmp_path: Path, stand_ins: Path
) -> None:
    done = python(
        """
        import sys
        from wpsync.wordpress.unused import UNUSED, left_out

        with left_out():
            import httpcore
            from wpsync.wordpress.client import WordPressClient
        heavy = ('trio', 'anyio', 'httpx._main', 'tornado', 'rich', 'pygments')
        print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))
        print(kind(httpcore.TrioBackend), kind(httpcore.AnyIOBackend))
        # a sync client still works without them
        import httpx
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json={'ok': 1}))
        with httpx.Client(transport=transport) as client:
            print(client.get('http://example.invalid/').json())
        # and afterwards the packages are importable again
        import trio
        print(trio.__name__)
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    left, backend, answer, trio = done.stdout.splitlines()
    assert left == "[]"
    assert backend == "stub stub"
    assert answer == "{'ok': 1}"
    assert trio == "trio" and marks(stand_ins) == ["trio"]  # imported only after


def test_a_program_using_wpsync_as_a_library_keeps_httpcore_s_async_backends(
    tmp_path: Path, stand_ins: Path
) -> None:
    """A trio or asyncio program importing wpsync: its httpx keeps everything."""
    done = python(
        """
        import wpsync
        wpsync.sync  # the API, lazily
        from wpsync.wordpress.client import WordPressClient
        import httpcore
        print(kind(httpcore.TrioBackend), kind(httpcore.AnyIOBackend))
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["real", "real"]
    assert marks(stand_ins) == ["anyio", "trio"]


def test_an_already_imported_package_is_left_alone(tmp_path: Path, stand_ins: Path) -> None:
    done = python(
        """
        import sys
        import trio
        from wpsync.wordpress.unused import left_out

        with left_out():
            import httpcore
            assert sys.modules['trio'] is trio
        print(kind(httpcore.TrioBackend), kind(httpcore.AnyIOBackend))
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["real", "stub"]


def test_the_command_runs_inside_left_out(tmp_path: Path, stand_ins: Path) -> None:
    """The group wraps every command (``wpsync render`` here: it needs no site)."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("---\ntitle: A\n---\nText.\n", encoding="utf-8")
    (tmp_path / "config.toml").write_text(
        '[site]\nurl = "http://127.0.0.1:9"\nusername = "u"\n[content]\ndir = "content"\n',
        encoding="utf-8",
    )
    done = python(
        """
        import sys
        from wpsync.cli.main import main

        @main.command('probe-imports')
        def probe() -> None:
            import httpcore
            print(kind(httpcore.TrioBackend), kind(httpcore.AnyIOBackend))

        try:
            main(['probe-imports'], prog_name='wpsync')
        except SystemExit as exit:
            assert not exit.code, exit.code
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["stub", "stub"]
    assert marks(stand_ins) == []


def test_wpsync_version_loads_no_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wpsync.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.stdout.startswith("wpsync, version ")
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    ours = sorted(m for m in imported if m.split(".")[0] == "wpsync")
    assert ours == ["wpsync", "wpsync.cli", "wpsync.cli.main"]
    assert "dataclasses" not in imported and "json" not in imported


def test_a_command_loads_only_its_own_module(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wpsync.cli", "completion", "bash"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    commands = sorted(m for m in imported if m.startswith("wpsync.cli.") and m.count(".") == 2)
    assert "wpsync.cli.completion" in commands
    assert not {"wpsync.cli.sync", "wpsync.cli.init", "wpsync.cli.pull", "wpsync.cli.plan"} & set(
        commands
    )
