"""A one-shot command leaves without the interpreter's teardown (cli/exiting.py), and
nobody can tell but by the clock: the exit status, the output, every ``atexit`` duty are
those of an ordinary exit — and a thread still running gets the ordinary exit (joined)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

#: wpsync run as ``python -m wpsync.cli`` does, with an exit duty seen from outside (a
#: file it writes), and a thread that outlives the command when asked
CHILD = textwrap.dedent(
    """
    import atexit, runpy, sys, threading, time
    marks = sys.argv.pop(1)
    atexit.register(lambda: open(marks + ".atexit", "w").write("ran"))

    if sys.argv.pop(1) == "thread":
        def late():
            time.sleep(0.5)
            open(marks + ".thread", "w").write("ran")
        threading.Thread(target=late).start()
    sys.argv[0] = "wpsync"
    runpy.run_module("wpsync.cli", run_name="__main__")
    """
)


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    (root / "content").mkdir(parents=True)
    (root / "config.toml").write_text(
        '[site]\nurl = "http://127.0.0.1:9"\nusername = "admin"\n\n[content]\ndir = "content"\n',
        encoding="utf-8",
    )
    (root / "content" / "broken.md").write_text("---\ntitle: [oops\n---\nText.\n")
    return root


def run(blog: Path, thread: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WPSYNC_")}
    env.update({"PYTHONPATH": str(REPO), "WPSYNC_PASSWORD": "unused", "NO_COLOR": "1"})
    marks = str(blog / "mark")
    args = [sys.executable, "-c", CHILD, marks, thread, "--ci", "sync", "--offline"]
    return subprocess.run(args, cwd=blog, env=env, capture_output=True, text=True, timeout=120)


def test_a_finished_sync_leaves_with_its_status_output_and_exit_duties(blog: Path) -> None:
    done = run(blog, "none")
    assert done.returncode == 1, done.stderr  # a file failed
    assert "broken.md" in done.stderr and "1 failed" in done.stdout
    assert (blog / "mark.atexit").read_text() == "ran"


def test_a_thread_still_running_gets_the_ordinary_exit(blog: Path) -> None:
    done = run(blog, "thread")
    assert done.returncode == 1, done.stderr
    assert "1 failed" in done.stdout
    assert (blog / "mark.thread").read_text() == "ran"  # joined, as Python does
    assert (blog / "mark.atexit").read_text() == "ran"
