"""A 300-file first publish as a person at a terminal sees it (a pseudo-terminal): something
on the screen within half a second, a bar with the count and the time left, the two broken
files' errors printed once each above the bar, never into it; the same run into a pipe
prints plain lines only."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ptykit import record
from tests.sitekit import Site, make_site
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

POSTS = 300
BROKEN = ("p005.md", "p150.md")


def _folder(root: Path, wp: WordPressInstance) -> Site:
    site = make_site(root, wp)
    for i in range(POSTS):
        name = f"p{i:03}.md"
        text = f"---\ntitle: Post {i}\n---\nSome *text* {i}.\n"
        site.write(name, "---\ntitle: [broken\n---\nx\n" if name in BROKEN else text)
    return site


def _start_up(site: Site, env: dict[str, str]) -> float:
    """The fastest of three ``wpsync --version``: what starting wpsync costs on this
    machine now (a loaded machine moves every figure)."""
    best = float("inf")
    for _ in range(3):
        run = record([sys.executable, "-m", "wpsync", "--version"], cwd=site.root, env=env)
        best = min(best, run.first_output)
    return best


def test_a_first_publish_on_a_terminal_shows_a_bar_with_eta_and_errors_above_it(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = _folder(tmp_path / "blog", wp)
    env = site.env()
    env.pop("NO_COLOR")
    start_up = _start_up(site, env)
    run = record(
        [sys.executable, "-m", "wpsync", "--config", str(site.config), "sync"],
        cwd=site.root,
        env=env,
    )
    raw, screen = run.raw, run.plain()
    assert run.returncode == 1, screen[-3000:]
    # Within 0.5 s (``--version`` takes ~0.2 s on a quiet machine); on a machine so loaded
    # that starting wpsync alone takes longer than that, within a few start-ups (one run
    # against the best of three).  Either way "planning…" is the first thing said, before
    # the files are read: nothing slow comes first.
    assert run.first_output < max(0.5, 3 * start_up), (start_up, run.chunks[:3])
    assert "planning…" in run.chunks[0][1]
    assert "reading" not in run.chunks[0][1]
    assert "planning…" in raw and f"reading {POSTS} files…" in raw
    frames = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)  # colours and cursor moves out
    assert re.search(rf"sync ━+ \d+/{POSTS} ETA \d\d:\d\d p\d+\.md", frames), frames[-3000:]
    assert "sync" not in screen  # the bar is erased at the end
    lines = screen.splitlines()
    for name in BROKEN:
        failed = [line for line in lines if name in line and "invalid YAML" in line]
        # once, on a line of its own: the bar was cleared first, not written into
        assert len(failed) == 1, failed
        assert failed[0].lstrip().startswith(f"failed    {name}:3:"), failed
    assert f"{POSTS - 2} created, 2 failed" in lines[-1]
    assert "WARNING" not in screen and "ERROR" not in screen
    assert raw.rstrip().endswith(f"{POSTS - 2} created, 2 failed")  # the bar is gone


def test_the_same_run_into_a_pipe_prints_plain_lines(tmp_path: Path, wp: WordPressInstance) -> None:
    site = _folder(tmp_path / "blog", wp)
    env = site.env()
    env.pop("NO_COLOR")
    done = subprocess.run(
        [sys.executable, "-m", "wpsync", "--config", str(site.config), "sync"],
        cwd=site.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "\r" not in done.stdout + done.stderr
    assert "planning" not in done.stderr and "ETA" not in done.stderr
    assert done.stdout.count("created   ") == POSTS - 2
    assert [line.split(":")[0] for line in done.stderr.splitlines()] == [
        "failed    p005.md",
        "failed    p150.md",
    ]
    assert done.stdout.splitlines()[-1] == f"{POSTS - 2} created, 2 failed"
