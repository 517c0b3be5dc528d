"""Crash safety: `wpsync sync` killed with SIGKILL at random points, many times over.

Two campaigns on one folder, against the real WordPress through the proxy:

A. publish 200 new files (tags and nested categories to create, a few cross-links);
B. edit 60 of them, add 20, delete 5 (updates, creates, deletions).

Each campaign is a series of trials from a fixed list of seeds.  A trial starts
`wpsync sync` and kills it with SIGKILL either after a random delay (anywhere: start-up,
reading, looking up, creating terms, writing the state) or at the moment the proxy
receives the n-th request of a kind (a post create or batch, a term create, an update, a
deletion, a look-up) — the request still goes on to WordPress, so WordPress carries it
out for a process that no longer exists: the window between a write and its state row.

After every kill: the state file opens and passes its integrity check, WordPress has no
duplicate (no two posts with one slug, no ``slug-2``), and every state entry points at
the post with its slug.  After the campaign: one uninterrupted run, then *converged*
(tests/convergence.py): every file published exactly once, the state matching WordPress,
and a last run reporting everything unchanged with no request sent.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.convergence import (
    assert_converged,
    duplicates,
    list_posts,
    posts_by_slug,
    read_state,
    site_at,
)
from tests.faults import FaultProxy, passthrough
from tests.sitekit import Site
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

FILES = 200
SEEDS_A = [11, 23, 37, 41, 53, 67, 71, 83, 97, 101]
SEEDS_B = [131, 149, 151, 167, 173, 181, 191, 199, 211, 223]

#: how long after its start a timed kill may come (start-up alone takes about 1 s), and how
#: far into a kind of request a kill may come — A sends one request per post, B batches
A_DELAY, A_NTH = 4.0, {"create": 30, "term": 6, "lookup": 3}
B_DELAY, B_NTH = 2.5, {"create": 3, "update": 3, "term": 2, "delete": 1}

#: request kinds a kill can be tied to: (method, path pattern)
KINDS = {
    "create": ("POST", re.compile(r"/wp-json/(wp/v2/posts(\?|$)|batch/v1)")),
    "term": ("POST", re.compile(r"/wp-json/wp/v2/(tags|categories)(\?|$)")),
    "update": ("POST", re.compile(r"/wp-json/(wp/v2/posts/\d+|batch/v1)")),
    "delete": ("DELETE", re.compile(r"/wp-json/wp/v2/posts/\d+")),
    "lookup": ("GET", re.compile(r"/wp-json/wp/v2/posts")),
}


KIND_TURN: Counter[str] = Counter()
NO_BATCH = "[sync]\nbatch = false\n"
BATCH = "[sync]\nbatch = true\n"


@dataclass(frozen=True)
class Trial:
    campaign: str
    seed: int
    point: str  # "after 0.73s" or "at create #3"
    outcome: str  # killed | finished
    entries: int
    pending: int
    posts: int


class Killer:
    """Kills the wpsync process the moment the proxy sees the n-th request of a kind."""

    def __init__(self, proxy: FaultProxy) -> None:
        self._lock = threading.Lock()
        self.pid: int | None = None
        self.kind: str | None = None
        self.left = 0
        self.fired = False
        proxy.plan(self._match, [passthrough], repeat=True)

    def arm(self, pid: int, kind: str | None, n: int) -> None:
        with self._lock:
            self.pid, self.kind, self.left, self.fired = pid, kind, n, False

    def _match(self, method: str, path: str) -> bool:
        with self._lock:
            if self.kind is None or self.pid is None or self.fired:
                return False
            want_method, pattern = KINDS[self.kind]
            if method == want_method and pattern.search(path):
                self.left -= 1
                if self.left <= 0:
                    self.fired = True
                    os.kill(self.pid, signal.SIGKILL)  # the request itself goes on
        return False


def write_campaign_a(site: Site) -> dict[str, str]:
    expected = {}
    for i in range(FILES):
        links = f"\n\nSee [the previous one](post-{i - 1:03d}.md).\n" if i % 25 == 24 else "\n"
        site.write(
            f"post-{i:03d}.md",
            f"---\ntitle: Crash post {i}\ntags: [t{i % 30}, crash]\n"
            f"categories: [Crash{i % 5}/Sub{i % 3}]\n---\nBody of post {i}.{links}",
        )
        expected[f"post-{i:03d}.md"] = f"post-{i:03d}"
    return expected


def change_for_trial_b(site: Site, expected: dict[str, str], seed: int, trial: int) -> None:
    """Before each B trial: 20 edits, 2 new files and (8 times) one deletion, so every
    killed run has updates, creates and a deletion in flight."""
    rng = random.Random(seed)
    for i in rng.sample(range(180), 20):
        site.write(
            f"post-{i:03d}.md",
            f"---\ntitle: Crash post {i}, edit {trial}\ntags: [t{i % 30}, crash, e{trial}]\n"
            f"categories: [Crash{i % 5}/Sub{i % 3}]\n---\nBody of post {i}, edit {trial}.\n",
        )
    for j in range(2):
        rel, slug = f"new/extra-{trial}-{j}.md", f"extra-{trial}-{j}"
        site.write(rel, f"---\ntitle: Extra {trial}.{j}\ntags: [extra]\n---\nNew.\n")
        expected[rel] = slug
    if trial < len(DELETED):  # sync.max_deletions (10) is never reached, even if none ran
        (site.content / f"post-{DELETED[trial]:03d}.md").unlink()
        del expected[f"post-{DELETED[trial]:03d}.md"]


DELETED = list(range(190, 198))


def start_sync(site: Site) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wpsync.cli", "--config", str(site.config), "sync", "--json"],
        cwd=site.root,
        env=site.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_trial(
    site: Site, killer: Killer, campaign: str, seed: int, max_delay: float, nth: dict[str, int]
) -> Trial:
    rng = random.Random(seed)
    process = start_sync(site)
    if rng.random() < 0.4:
        delay = rng.uniform(0.05, max_delay)
        point = f"after {delay:.2f}s"
        killer.arm(process.pid, None, 0)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
    else:
        kinds = sorted(nth)
        kind = kinds[KIND_TURN[campaign] % len(kinds)]  # every kind gets its turn
        KIND_TURN[campaign] += 1
        n = rng.randint(1, nth[kind])
        point = f"at {kind} #{n}"
        killer.arm(process.pid, kind, n)
    try:
        _, stderr = process.communicate(timeout=120)
    finally:
        killer.arm(0, None, 0)
    killed = process.returncode == -signal.SIGKILL
    if not killed:
        assert process.returncode in (0, 1), stderr
        assert "Traceback" not in stderr, stderr
    return Trial(campaign, seed, point, "killed" if killed else "finished", *invariants(site))


def invariants(site: Site) -> tuple[int, int, int]:
    """What must hold at any moment, even right after a kill -9."""
    remote = posts_by_slug(site.wp)
    assert duplicates(remote, remote) == [], "a post was created twice"
    if not (site.root / ".wpsync" / "state.sqlite").exists():
        return 0, 0, sum(len(v) for v in remote.values())
    state = read_state(site)  # integrity-checked: raises if the kill corrupted it
    by_id = {post["id"]: post for posts in remote.values() for post in posts}
    for rel, entry in state.entries.items():
        post = by_id.get(entry.post_id)
        if post is None:  # trashed by a deletion in flight, or not ours to judge
            continue
        assert post["slug"] == entry.slug, f"{rel}: the state points at another post"
    return len(state.entries), len(state.pending), len(by_id)


@pytest.fixture
def crash_proxy(wp: WordPressInstance) -> Iterator[FaultProxy]:
    with FaultProxy(wp.url) as proxy:
        yield proxy


def test_kill_9_at_random_points_never_duplicates_nor_loses_a_post(
    tmp_path: Path, wp: WordPressInstance, crash_proxy: FaultProxy
) -> None:
    # A sends one request per post (finer kill points), B batches them (the default).
    site = site_at(tmp_path / "blog", wp, crash_proxy.url, timeout=20, extra=NO_BATCH)
    killer = Killer(crash_proxy)
    trials: list[Trial] = []
    started = time.monotonic()

    expected = write_campaign_a(site)
    for seed in SEEDS_A:
        trials.append(kill_trial(site, killer, "A", seed, A_DELAY, A_NTH))
    finish(site)
    assert_converged(site, expected)

    site = site_at(site.root, wp, crash_proxy.url, timeout=20, extra=BATCH)
    expected = dict(expected)
    for trial, seed in enumerate(SEEDS_B):
        change_for_trial_b(site, expected, seed, trial)
        trials.append(kill_trial(site, killer, "B", seed, B_DELAY, B_NTH))
    finish(site)
    assert_converged(site, expected)
    trashed = {p["slug"] for p in list_posts(wp, status="trash", fields="slug")}
    assert trashed == {f"post-{i:03d}__trashed" for i in DELETED}

    report(trials, time.monotonic() - started)
    killed = [t for t in trials if t.outcome == "killed"]
    assert len(killed) >= len(trials) // 2, "most trials must really kill a running sync"
    assert {t.point.split(" #")[0] for t in killed if t.point.startswith("at ")} >= {
        "at create",
        "at update",
    }


def finish(site: Site) -> None:
    done = site.cli("sync", "--json")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def report(trials: list[Trial], elapsed: float) -> None:
    for t in trials:
        print(
            f"crash trial {t.campaign} seed={t.seed:<4} {t.point:<16} {t.outcome:<8} "
            f"entries={t.entries:<4} pending={t.pending:<3} posts={t.posts}"
        )
    outcomes = Counter(t.outcome for t in trials)
    points = Counter(
        t.point.split(" #")[0] if t.point.startswith("at ") else "timed" for t in trials
    )
    print(
        f"crash: {len(trials)} trials ({dict(outcomes)}; points {dict(points)}) over "
        f"{FILES + 2 * len(SEEDS_B)} files in {elapsed:.0f}s; duplicates 0, orphans 0, lost 0"
    )
