"""Many changed files are read and mapped in worker processes: the items are exactly those
of reading them here, in order, a broken file's error (path, line, hint) included; a
process with other threads (the watch daemon) never forks."""

from __future__ import annotations

import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from wpsync.engine import readpool
from wpsync.engine.items import Broken, Changed, LocalItem, Stat, Unchanged
from wpsync.engine.readpool import MIN_FILES, ReadSettings, ReadTask, load, load_all, workers_for


def folder(root: Path, count: int) -> list[ReadTask]:
    jobs = []
    for n in range(count):
        rel = f"d{n % 3}/p{n:03d}.md"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if n % 17 == 5:
            text = f"---\ntitle: Broken {n}\ntags: [unclosed\n---\nbody\n"
        else:
            text = f"---\ntitle: Post {n}\ntags: [a, b{n % 4}]\nbogus_key: 1\n---\n# Head\n\n*Body* {n}\n"
        path.write_text(text, encoding="utf-8")
        st = path.stat()
        jobs.append(ReadTask(rel, Stat(st.st_size, st.st_mtime_ns), None))
    return jobs


def settings(root: Path) -> ReadSettings:
    return ReadSettings(str(root), 5 * 1024 * 1024, "post", "publish")


def test_the_pool_reads_exactly_what_this_process_reads_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as on a 2-core machine, from the command line (no other thread)
    monkeypatch.setattr(readpool.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(readpool.threading, "active_count", lambda: 1)
    jobs = folder(tmp_path, MIN_FILES + 37)
    assert workers_for(len(jobs)) == 2
    done: list[int] = []
    in_pool = readpool._in_pool

    def spy(*args: Any) -> list[LocalItem]:
        items = in_pool(*args)
        done.append(len(items))
        return items

    monkeypatch.setattr(readpool, "_in_pool", spy)
    here = [load(settings(tmp_path), job) for job in jobs]
    pooled = load_all(settings(tmp_path), jobs)
    assert done == [len(jobs)]  # the workers did read them
    assert [i.rel for i in pooled] == [j.rel for j in jobs]
    for mine, theirs in zip(here, pooled, strict=True):
        if isinstance(mine, Broken):
            assert isinstance(theirs, Broken)
            assert str(theirs.error) == str(mine.error) and theirs.error.line == mine.error.line
            assert (theirs.error.path, theirs.error.hint) == (mine.error.path, mine.error.hint)
        else:
            assert theirs == mine
    assert sum(isinstance(i, Broken) for i in pooled) == len(
        [n for n in range(len(jobs)) if n % 17 == 5]
    )
    assert all(i.warnings for i in pooled if isinstance(i, Changed))  # the unknown key


def test_a_file_whose_bytes_are_as_pushed_comes_back_unchanged(tmp_path: Path) -> None:
    jobs = folder(tmp_path, MIN_FILES)
    first = load_all(settings(tmp_path), jobs)
    known = [
        ReadTask(j.rel, j.stat, item.source_hash if isinstance(item, Changed) else None)
        for j, item in zip(jobs, first, strict=True)
    ]
    again = load_all(settings(tmp_path), known)
    assert {type(i) for i in again} == {Unchanged, Broken}


def test_a_process_with_other_threads_reads_here(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert workers_for(10 * MIN_FILES) == 0
    finally:
        stop.set()
        other.join()
    assert workers_for(MIN_FILES - 1) == 0


def test_a_pool_that_breaks_falls_back_to_reading_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = folder(tmp_path, MIN_FILES)

    def broken(*args: object) -> list[object]:
        raise BrokenProcessPool("a worker died")

    monkeypatch.setattr(readpool, "_in_pool", broken)
    items = load_all(settings(tmp_path), jobs)
    assert [i.rel for i in items] == [j.rel for j in jobs]


def test_a_worker_neither_keeps_the_folder_lock_nor_outlives_a_killed_parent(
    tmp_path: Path,
) -> None:
    import signal
    import subprocess
    import sys
    import textwrap

    from wpsync.store.lock import FolderLock

    for n in range(200):
        (tmp_path / f"p{n}.md").write_text(f"# Post {n}\n\n" + "Text. " * 2000)
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from wpsync.engine import readpool
        from wpsync.engine.plan import Stat
        from wpsync.store.lock import FolderLock
        FolderLock(Path({str(tmp_path / "state")!r})).acquire()
        settings = readpool.ReadSettings({str(tmp_path)!r}, 10**8, "post", "publish")
        jobs = [readpool.ReadTask(f"p{{n}}.md", Stat(0, 0), None) for n in range(200)]
        print("reading", flush=True)
        while True:
            readpool._in_pool(settings, jobs, 2)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "reading"
    time.sleep(1.0)  # the pool's workers are running now
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    lock = FolderLock(tmp_path / "state")
    lock.acquire(timeout=10)  # an orphaned worker holding it would make this time out
    lock.release()
