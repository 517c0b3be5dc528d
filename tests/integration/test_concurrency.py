"""Several wpsync processes on one folder — the daemon, git hooks, a writer running
`wpsync sync` by hand — while files are being edited: the folder lock serialises them,
the state is never corrupted and no post is created twice."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.convergence import assert_converged, duplicates, posts_by_slug, read_state, sync_here
from tests.sitekit import Site, make_site
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

FILES = 40
SYNCS = 4


def wpsync(site: Site, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wpsync.cli", "--config", str(site.config), *args],
        cwd=site.root,
        env=site.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_syncs_a_daemon_and_edits_never_corrupt_the_state_nor_double_create(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blog", wp, extra="\n[watch]\ndebounce_ms = 200\n")
    expected = {}
    for n in range(FILES):
        site.write(f"p{n:02d}.md", f"---\ntitle: Post {n}\ntags: [t{n % 5}]\n---\nBody {n}.\n")
        expected[f"p{n:02d}.md"] = f"p{n:02d}"

    daemon = wpsync(site, "watch")
    rng = random.Random(7)
    stop = threading.Event()

    def edit() -> None:  # a writer saving files while everything runs
        n = 0
        while not stop.is_set() and n < 30:
            i = rng.randrange(FILES)
            site.write(f"p{i:02d}.md", f"---\ntitle: Post {i}\ntags: [t{i % 5}]\n---\nEdit {n}.\n")
            if n % 6 == 0:
                rel = f"new/n{n:02d}.md"
                site.write(rel, f"---\ntitle: New {n}\n---\nNew.\n")
                expected[rel] = f"n{n:02d}"
            n += 1
            time.sleep(0.1)

    editor = threading.Thread(target=edit)
    editor.start()
    hooks = [wpsync(site, "sync", "--json") for _ in range(SYNCS)]
    time.sleep(0.5)
    hooks += [wpsync(site, "sync") for _ in range(SYNCS // 2)]
    outputs = [p.communicate(timeout=180) for p in hooks]
    stop.set()
    editor.join()
    busy = wpsync(site, "sync", "--lock-timeout", "0")  # maybe the daemon's turn
    busy_out = busy.communicate(timeout=60)
    time.sleep(1.5)  # the daemon picks up the last edits
    daemon.send_signal(signal.SIGTERM)
    daemon_out = daemon.communicate(timeout=60)

    for process, (stdout, stderr) in zip(hooks, outputs, strict=True):
        assert process.returncode == 0, stdout[-1500:] + stderr[-1500:]
        assert "Traceback" not in stderr
    assert daemon.returncode == 0, daemon_out[1][-3000:]
    assert "Traceback" not in daemon_out[1]
    if busy.returncode == 2:
        assert "another wpsync process is working on this folder" in busy_out[1]
    else:
        assert busy.returncode == 0, busy_out
    remote = posts_by_slug(wp)
    assert duplicates(remote, remote) == []
    read_state(site)  # integrity-checked

    code, report = sync_here(site)  # whatever the last edits left to send
    assert code == 0 and report["created"] == 0, report
    assert_converged(site, expected)


def test_a_second_process_waits_for_the_lock_or_gives_up_clearly(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    from wpsync.store.lock import FolderLock

    site = make_site(tmp_path / "blog", wp)
    site.write("a.md", "# A\n\nBody.\n")
    lock = FolderLock(site.root / ".wpsync")
    lock.acquire()
    try:
        done = site.cli("sync", "--lock-timeout", "0.5", process=True)  # a second process
        assert done.returncode == 2
        assert "another wpsync process is working on this folder" in done.stderr
        assert "--lock-timeout" in done.stderr
        waiting = wpsync(site, "sync", "--json")
        time.sleep(1.0)
        assert waiting.poll() is None, "it did not wait for the lock"
    finally:
        lock.release()
    _, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr
    assert_converged(site, {"a.md": "a"})
