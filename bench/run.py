"""wpsync's benchmark suite: one command, the real local WordPress, each figure next to its
baseline measured in the same run (ABBA order), results appended to ``bench/RESULTS.md``
with a chart (``bench/results/<date>-<name>.png``, linked from the run's section).

    python3 bench/run.py                 # full run (~15–20 min on 2 idle cores)
    python3 bench/run.py --quick         # smoke run: small corpora, few repetitions
    python3 bench/run.py --posts 200 --files 2000 --only publish --only tree   # sizes, parts

What it measures (``--quick`` scales every count down; ``--posts``, ``--files``,
``--saves``, ``--runs``, ``--rounds`` set them):

1. initial publish of 1,000 posts at ``sync.concurrency`` 4 — ``wpsync sync`` end to end
   (process start to exit: reading, rendering, terms, images, posts), through
   ``/batch/v1`` and with ``sync.batch = false`` — each against a raw httpx loop doing the
   same HTTP work (the same terms, images and rendered post bodies, at the same
   concurrency; the batched loop batches terms and posts as wpsync does: ``bench/raw.py``):
   WordPress's own limit on this machine.  The four runs go A B C D, then D C B A.
   WordPress is reset between runs.  wpsync's own CPU per post (the process's user +
   system time, not WordPress's) ÷ posts.
2. a no-op ``wpsync sync`` on a 10,000-file tree whose state a real sync built, against
   ``python3 -c pass`` in ABBA order — and, once ``sync`` has ``--offline`` (then the plain
   no-op checks WordPress for remote changes), both with and without it.
3. one file changed in that tree and committed: ``wpsync sync --changed HEAD`` (the
   post-commit hook's command) against ``python3 -c pass`` (ABBA) plus a round trip per
   request it sent; then the phase timeline of one such run (``bench/probe.py``: interpreter
   start, imports, config, state read, git, render, requests, record, exit — and the state
   rows it read) and its ``-X importtime`` summary.
4. ``wpsync watch`` on that tree: save → post updated latency over 50 saves (median and
   p90, less the debounce), measured by :func:`bench.watch_latency.save_latencies`; the
   daemon's peak RSS (``VmHWM``).
5. stateless adoption: ``wpsync sync`` in a fresh copy of a published 1,000-post folder
   without ``.wpsync/``: the writes it sent (counted by the probe: must be 0), whether the
   site changed, its wall time against a no-op of the original plus one listing of the posts.
6. ``wpsync --version`` start-up against ``python3 -c pass``, and which heavy modules it
   imports.

A figure that misses its target gets the profile that says why (cProfile, top entries).
``--wp-dir`` reuses a running instance (``scripts/wordpress up``) instead of starting one;
it is reset, not stopped.  The charts need matplotlib (the ``bench`` extra); ``--no-chart``
runs without.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import importlib.util
import io
import json
import os
import platform
import pstats
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from bench import corpus, floors, raw  # noqa: E402
from bench import probe as probing  # noqa: E402
from bench.watch_latency import Latency, post_content, save_latencies  # noqa: E402
from tests.sitekit import Site, admin, make_site  # noqa: E402
from tests.watchkit import WatchDaemon  # noqa: E402
from tests.wordpress import WordPressInstance, reset, run_script  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
#: the checkout whose wpsync is measured (``--wpsync``; this one by default)
MEASURED = [REPO]
HEAVY = ("httpx", "markdown", "watchdog", "apscheduler", "tenacity")


@dataclass(frozen=True)
class Scale:
    publish: int  # posts in the initial-publish corpus (and the adopted site)
    tree: int  # files in the no-op / --changed / watch tree
    noop_runs: int  # each side of an ABBA comparison (no-op, adoption)
    changed_runs: int
    saves: int
    startup_runs: int
    publish_rounds: int = 2  # ABBA: each publish run twice, the second time in reverse
    concurrency: int = 4
    debounce_ms: int = 300


FULL = Scale(publish=1000, tree=10_000, noop_runs=6, changed_runs=6, saves=50, startup_runs=20)
QUICK = Scale(
    publish=30, tree=120, noop_runs=2, changed_runs=2, saves=5, startup_runs=5, publish_rounds=1
)


@dataclass(frozen=True)
class Figure:
    """One line of the results table."""

    what: str
    result: str
    baseline: str
    target: str
    met: bool | None  # None: no target, for information
    note: str = ""

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**missed**", None: "—"}[self.met]


@dataclass
class Report:
    started: dt.datetime
    command: str
    quick: bool
    facts: list[tuple[str, str]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    profiles: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # what the charts draw
    charts: list[tuple[str, str]] = field(default_factory=list)  # (title, path from RESULTS.md)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        mark = {True: "met", False: "MISSED", None: "info"}[figure.met]
        print(
            f"bench: {figure.what}: {figure.result} (baseline {figure.baseline}; target {figure.target}: {mark})",
            file=sys.stderr,
        )

    def markdown(self) -> str:
        kind = "quick smoke run" if self.quick else "full run"
        lines = [f"## {self.started:%Y-%m-%d %H:%M} UTC — {kind}", ""]
        lines += [f"- {name}: {value}" for name, value in self.facts]
        lines += [
            "",
            "| measure | wpsync | baseline (same run) | target | |",
            "|---|---|---|---|---|",
        ]
        for f in self.figures:
            result = f.result + (f" ({f.note})" if f.note else "")
            lines.append(f"| {f.what} | {result} | {f.baseline} | {f.target} | {f.verdict} |")
        if self.notes:
            lines += ["", *[f"- {n}" for n in self.notes]]
        if self.charts:
            lines += ["", *[f"![{title}]({path})" for title, path in self.charts]]
        for title, text in self.profiles:
            lines += [
                "",
                f"<details><summary>Profile: {title}</summary>",
                "",
                "```",
                text.rstrip(),
                "```",
                "",
                "</details>",
            ]
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- helpers


def wpsync_command() -> list[str]:
    """How a hook runs wpsync: the console script next to this Python, else ``-m``."""
    script = Path(sys.executable).parent / "wpsync"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "wpsync.cli"]


@dataclass(frozen=True)
class Timed:
    """A finished command: wall seconds, and the CPU seconds (user + system) it used —
    the CPU figure barely moves when other work loads the machine, the wall one does."""

    wall: float
    cpu: float
    done: subprocess.CompletedProcess[str]


def clean_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for what the bench runs: bytecode caching as an installed wpsync
    has it, and the measured checkout's wpsync first on the path (whatever is installed)."""
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(MEASURED[0]), env.get("PYTHONPATH")) if p)
    return env


def env_of(site: Site) -> dict[str, str]:
    """The site's environment (its password, no other WPSYNC_ variable), cleaned."""
    return clean_env(site.env())


def run(cmd: Sequence[str], *, cwd: Path, env: dict[str, str], check: bool = True) -> Timed:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if check and done.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return Timed(wall, cpu, done)


def sync_json(site: Site, *args: str) -> tuple[Timed, dict[str, Any]]:
    timed = run(
        [*wpsync_command(), "--config", str(site.config), "sync", "--json", *args],
        cwd=site.root,
        env=env_of(site),
    )
    return timed, json.loads(timed.done.stdout)


def wpsync_sync(site: Site, *args: str, check: bool = True) -> Timed:
    """A plain ``wpsync sync`` (what a hook runs), quiet output."""
    return run(
        [*wpsync_command(), "--config", str(site.config), "sync", *args],
        cwd=site.root,
        env=env_of(site),
        check=check,
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(report: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in report.items() if k not in ("files", "warnings")})


def profile_of(site: Site, args: Sequence[str], title: str, report: Report) -> None:
    """Run ``wpsync <args>`` under cProfile; keep the top of the cumulative and own times."""
    out = site.root / "profile.out"
    cmd = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(out),
        "-m",
        "wpsync.cli",
        "--config",
        str(site.config),
        *args,
    ]
    run(cmd, cwd=site.root, env=env_of(site))
    text = io.StringIO()
    stats = pstats.Stats(str(out), stream=text)
    stats.sort_stats("cumulative").print_stats(r"wpsync|sqlite|json|httpx|markdown", 18)
    stats.sort_stats("tottime").print_stats(12)
    body = re.sub(r"\n{3,}", "\n\n", text.getvalue()).replace(str(REPO) + "/", "")
    report.profiles.append((title, body))


def imports_of(site: Site, args: Sequence[str], title: str, report: Report) -> None:
    """What ``wpsync <args>`` spends importing (``-X importtime``): the costliest
    top-level imports, cumulative, and the total."""
    cmd = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "wpsync.cli",
        "--config",
        str(site.config),
    ]
    done = run([*cmd, *args], cwd=site.root, env=env_of(site)).done
    top: list[tuple[int, str]] = []
    total = 0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\S.*)$", line)
        if match:  # a top-level import (no indentation before its name)
            top.append((int(match.group(2)), match.group(3)))
            total += int(match.group(2))
    top.sort(reverse=True)
    lines = [f"{total / 1000:.0f} ms importing in all; the costliest top-level imports:"]
    lines += [f"  {us / 1000:6.1f} ms  {name}" for us, name in top[:12]]
    report.profiles.append((title, "\n".join(lines)))


def wp_config(site_root: Path, wp: WordPressInstance, *, batch: bool, scale: Scale) -> Site:
    site = make_site(
        site_root,
        wp,
        extra=textwrap.dedent(
            f"""
            [sync]
            concurrency = {scale.concurrency}
            batch = {json.dumps(batch)}

            [watch]
            debounce_ms = {scale.debounce_ms}
            """
        ),
    )
    return site


def fresh(site: Site) -> None:
    """Forget the state (a first publish) — WordPress is reset separately."""
    shutil.rmtree(site.root / ".wpsync", ignore_errors=True)


# ---------------------------------------------------------------------------- machine


def machine_facts(report: Report) -> None:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    report.facts.append(
        (
            "machine",
            f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, {platform.system()} {platform.release()}; load average at start {load} (1/5/15 min)",
        )
    )

    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, check=False, timeout=30
            ).stdout.strip()
        except OSError:
            return "unknown"

    wp_version = "unknown"
    with contextlib.suppress(OSError, AttributeError):
        text = Path("/usr/share/wordpress/wp-includes/version.php").read_text()
        wp_version = re.search(r"\$wp_version\s*=\s*'([^']+)'", text).group(1)  # type: ignore[union-attr]
    php = out(["php", "-r", "echo PHP_VERSION;"]) or "unknown"
    mariadb = out(["mariadbd", "--version"]) or out(["/usr/sbin/mariadbd", "--version"])
    mariadb_version = re.search(r"Ver\s+(\S+)", mariadb) or re.search(
        r"(\d+\.\d+\.\d+\S*)", mariadb or ""
    )
    rev = out(["git", "-C", str(MEASURED[0]), "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = out(
        [
            "git",
            "-C",
            str(MEASURED[0]),
            "status",
            "--porcelain",
            "--",
            "wpsync",
            "bench",
            ":!bench/RESULTS.md",
        ]
    )
    found = subprocess.run(
        [sys.executable, "-c", "import wpsync; print(wpsync.__version__, wpsync.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
        cwd=tempfile.gettempdir(),  # not this checkout: ``-c`` puts the cwd first
    ).stdout.split()
    version, where = found[0], Path(found[1]).resolve().parents[1]
    if where != MEASURED[0].resolve():
        raise RuntimeError(f"the wpsync measured would be {where}'s, not {MEASURED[0]}'s")
    checkout = "" if where == REPO else f" (checkout {where})"
    report.facts.append(
        (
            "versions",
            f"Python {platform.python_version()}, WordPress {wp_version}, PHP {php}, MariaDB {mariadb_version.group(1) if mariadb_version else 'unknown'}, wpsync {version} at {rev}{checkout}{' (with uncommitted changes in wpsync/ or bench/)' if dirty else ''}",
        )
    )
    report.facts.append(("command", f"`{report.command}`"))


def environment_notes(report: Report) -> None:
    """What in this environment, not in wpsync, weighs on the figures."""
    import importlib.util

    if importlib.util.find_spec("trio") is not None:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import trio"],
            capture_output=True,
            text=True,
            check=False,
            env=clean_env(),
        )
        found = re.search(r"\|\s+(\d+) \| trio$", done.stderr, re.M)
        cost = f" (~{int(found.group(1)) / 1000:.0f} ms here)" if found else ""
        report.notes.append(
            "trio is installed in this environment, though no dependency of wpsync's: httpcore "
            f"imports it whenever it is there{cost}; wpsync's commands leave it out "
            "(wpsync/wordpress/unused.py), and so do the floors' import processes."
        )


# ---------------------------------------------------------------------------- 1. publish


def bench_publish(
    wp: WordPressInstance, work_dir: Path, scale: Scale, report: Report, profile: bool
) -> None:
    n = scale.publish
    sites = {
        batch: wp_config(
            work_dir / f"publish-{'batch' if batch else 'single'}", wp, batch=batch, scale=scale
        )
        for batch in (False, True)
    }
    made = corpus.generate(sites[False].content, n)
    shutil.copytree(sites[False].content, sites[True].content, dirs_exist_ok=True)
    work = raw.prepare(sites[False].content)
    c = scale.concurrency
    cpu: dict[bool, list[float]] = {False: [], True: []}
    requests: dict[str, list[int]] = {}
    alone: dict[bool, list[float]] = {False: [], True: []}
    idle: dict[bool, list[float]] = {False: [], True: []}

    def wpsync_publish(batch: bool) -> float:
        reset(wp)
        site = sites[batch]
        fresh(site)
        timed, data = sync_json(site)
        if data["created"] != n or data["failed"]:
            raise RuntimeError(f"publish: {summary(data)}")
        cpu[batch].append(timed.cpu)
        requests.setdefault("batched" if batch else "single", []).append(data["requests"])
        return timed.wall

    def raw_loop(batch: bool) -> float:
        reset(wp)
        done, spare = floors.idle_share(
            lambda: raw.raw_publish(wp, sites[False].content, work, concurrency=c, batch=batch)
        )
        idle[batch].append(spare)
        alone[batch].append(done.posts_alone)
        requests.setdefault("raw batched" if batch else "raw", []).append(done.requests)
        return done.total

    # Each run in turn, then again in the reverse order (ABBA), so a machine that slows
    # down or speeds up during the runs favours none of them.
    runs: dict[str, Callable[[], float]] = {
        "raw batched": lambda: raw_loop(True),
        "batched": lambda: wpsync_publish(True),
        "single": lambda: wpsync_publish(False),
        "raw": lambda: raw_loop(False),
    }
    walls: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    for round_ in range(scale.publish_rounds):
        for name in order if round_ % 2 == 0 else reversed(order):
            walls[name].append(runs[name]())
    reset(wp)
    report.data["publish"] = {"posts": n, "walls": walls}

    def rate(name: str) -> float:
        return n / statistics.mean(walls[name])

    def each(name: str) -> str:
        return " and ".join(f"{w:.1f}" for w in walls[name]) + " s"

    def reqs(name: str) -> str:
        return f"{statistics.median(requests[name]):.0f} requests"

    rounds = (
        f"mean of {scale.publish_rounds} runs, ABBA order; " if scale.publish_rounds > 1 else ""
    )
    report.facts.append(
        (
            "publish corpus",
            f"{n} posts ({made.bytes / n / 1024:.1f} KB of Markdown each on average: front matter with 1–2 categories of {len(corpus.CATEGORIES)} (some nested) and 2–5 tags of {len(corpus.TAGS)}, sections with code blocks, tables, lists), {len(made.images)} PNG images (one per ten posts); {len(work.terms)} terms",
        )
    )
    batched, raw_batched = rate("batched"), rate("raw batched")
    single, raw_single = rate("single"), rate("raw")
    # The floor: markdown-it's own CPU for these posts, which WordPress does not get when
    # the raw loop leaves the machine no idle CPU.
    render_ms = floors.render_floor(sites[False].content)
    cores = os.cpu_count() or 1

    per_post = {b: statistics.mean(cpu[b]) / n * 1000 for b in (True, False)}

    def bound(name: str, batch: bool, ms_per_post: float) -> float:
        """The best ratio to the raw loop when ``ms_per_post`` of CPU per post is taken
        from WordPress on these cores (what the raw loop left idle absorbs part of it)."""
        wall = statistics.mean(walls[name])
        spare = statistics.mean(idle[batch]) * wall * cores  # idle CPU seconds
        extra = max(0.0, ms_per_post * n / 1000 - spare)
        return wall / (wall + extra / cores)

    def floor_note(name: str, batch: bool) -> str:
        own = bound(name, batch, per_post[batch])
        return (
            f"machine CPU idle during the raw loop {statistics.mean(idle[batch]) * 100:.0f} %; "
            f"with markdown-it's {render_ms:.2f} ms/post of CPU taken from WordPress, "
            f"at best {bound(name, batch, render_ms):.2f} × on {cores} cores; "
            f"with wpsync's own {per_post[batch]:.2f} ms/post (measured in this run), "
            f"at best {own:.2f} ×"
        )

    report.add(
        Figure(
            f"initial publish, {n} posts, concurrency {c}, through /batch/v1",
            f"{batched:.1f} posts/s ({rounds}{each('batched')}, process start to exit; {reqs('batched')})",
            f"raw batched httpx loop, same terms, images and bodies, batched as wpsync batches: {raw_batched:.1f} posts/s ({each('raw batched')}; {reqs('raw batched')}; posts alone {n / statistics.mean(alone[True]):.1f}/s); floor: {floor_note('raw batched', True)}",
            "≥ 0.95 × baseline",
            batched >= 0.95 * raw_batched,
            f"{batched / raw_batched:.2f} ×",
        )
    )
    report.add(
        Figure(
            f"initial publish, {n} posts, concurrency {c}, one request per post (`sync.batch = false`)",
            f"{single:.1f} posts/s ({rounds}{each('single')}; {reqs('single')})",
            f"raw one-request httpx loop, same work: {raw_single:.1f} posts/s ({each('raw')}; {reqs('raw')}; posts alone {n / statistics.mean(alone[False]):.1f}/s); floor: {floor_note('raw', False)}",
            "≥ 0.95 × baseline",
            single >= 0.95 * raw_single,
            f"{single / raw_single:.2f} ×",
        )
    )
    start_cpu = startup_cpu()
    report.add(
        Figure(
            f"wpsync's own CPU per published post (initial publish of {n}, through /batch/v1)",
            f"{per_post[True]:.2f} ms/post (process CPU, user + system, {statistics.mean(cpu[True]):.2f} s ÷ {n}; one request per post: {per_post[False]:.2f} ms/post)",
            f"the process's start-up alone (`wpsync --version`): {start_cpu * 1000:.0f} ms CPU, included above; floor: markdown-it-py alone parsing and rendering these bodies: {render_ms:.2f} ms/post",
            "≤ 3 ms/post",
            per_post[True] <= 3.0,
        )
    )
    if profile and per_post[True] > 3.0:
        report.profiles.append(
            (
                f"wpsync's CPU per published post, by stage ({n} posts, through /batch/v1)",
                cpu_profile(sites[True], per_post[True], render_ms, start_cpu * 1000 / n),
            )
        )
    if profile and (batched < 0.95 * raw_batched or per_post[True] > 3.0):
        reset(wp)
        fresh(sites[True])
        timeline_of(
            sites[True],
            [],
            f"initial publish through /batch/v1, {n} posts: where the time goes",
            report,
        )
        reset(wp)


def cpu_profile(site: Site, per_post: float, render_ms: float, start_ms: float) -> str:
    """Where the CPU per published post goes: the per-post stages measured in this process
    on the same files (floors.cpu_stages), the start-up's share, and the rest."""
    try:
        stages = floors.cpu_stages(site.config)
    except Exception as exc:  # a diagnostic: its failure is told, the run's figures kept
        return f"the stages could not be measured: {type(exc).__name__}: {exc}"
    read, blocks = stages["read and map"], stages["block conversion"]
    rest = per_post - read - blocks - start_ms
    return "\n".join(
        [
            f"{per_post:5.2f} ms/post  in all (the process's CPU ÷ posts, as measured above)",
            f"{read:5.2f} ms/post  read and map a file (what a read-pool worker does: front matter, markdown-it with wpsync's rules, hashes)",
            f"{render_ms:5.2f} ms/post    of which markdown-it-py alone, without wpsync's rules (the floor)",
            f"{blocks:5.2f} ms/post  block conversion (the editor's markup, made as each post is sent)",
            f"{start_ms:5.2f} ms/post  start-up (`wpsync --version`'s CPU, spread over the posts)",
            f"{rest:5.2f} ms/post  the rest: the read pool's processes, the HTTP client and its threads, JSON, the state, terms and images",
            "(the stages are measured one file at a time in the bench's process, without the run's other threads: the rest holds what they cost under contention)",
        ]
    )


def timeline_of(site: Site, paths: Sequence[str], title: str, report: Report) -> None:
    """A phase-by-phase timeline of one ``wpsync sync`` (bench/phases.py)."""
    cmd = [sys.executable, str(REPO / "bench" / "phases.py"), "--config", str(site.config), *paths]
    report.profiles.append((title, run(cmd, cwd=site.root, env=env_of(site)).done.stdout))


# ---------------------------------------------------------------------------- 2.–5. the big tree


def bench_tree(
    wp: WordPressInstance, work_dir: Path, scale: Scale, report: Report, profile: bool
) -> None:
    n = scale.tree
    site = wp_config(work_dir / "tree", wp, batch=True, scale=scale)
    made = corpus.generate(site.content, n, seed=1)
    reset(wp)
    seeded, data = sync_json(site)
    if data["created"] != n or data["failed"]:
        raise RuntimeError(f"seeding: {summary(data)}")
    report.add(
        Figure(
            f"seeding the tree: first publish of {n} files ({len(made.images)} images) through /batch/v1",
            f"{n / seeded.wall:.1f} posts/s ({seeded.wall:.1f} s)",
            "—",
            "—",
            None,
        )
    )

    # 2. no-op, against a bare interpreter in ABBA order; with and without --offline once
    # wpsync has it (then the plain no-op asks WordPress whether anything changed there).
    offline = has_offline(site)
    sync_json(site)  # the first run after a publish looks this folder's posts up once
    waited = floors.settle(longest=5.0 if report.quick else 60.0)  # (MariaDB still writing)
    report.notes.append(
        f"after seeding the tree, the machine was idle again {waited:.0f} s later; the tree's figures follow"
    )
    state_file = site.root / ".wpsync" / "state.sqlite"
    scan = floors.scan_floor(site.content, state_file, clean_env())
    scan_http = floors.scan_floor(site.content, state_file, clean_env(), http=True)
    rtt = round_trip(wp)
    for args in ([], ["--offline"]) if offline else ([],):
        _, again = sync_json(site, *args)
        mine, bare = abba(lambda a=args: wpsync_sync(site, *a), bare_start, scale.noop_runs)
        median, base = statistics.median(t.wall for t in mine), statistics.median(bare)
        requests = again["requests"]
        types = len({f["path"].startswith("pages/") for f in again["files"]}) or 1
        quiet = bool(args) or not offline  # no remote check: no request at all
        most = 0 if quiet else 2 * types  # the check: a count and a listing per post type
        met = median <= 6 * base and again["unchanged"] == n and requests <= most
        rest_bases = sorted(
            {"pages" if f["path"].startswith("pages/") else "posts" for f in again["files"]}
        ) or ["posts"]
        asked = 0.0 if quiet else floors.check_floor(wp, raw.token(wp), rest_bases)
        what = "with its remote-change check" if offline and not args else ""
        report.add(
            Figure(
                f"no-op `wpsync sync{' ' + ' '.join(args) if args else ''}` on {n} files {what}".rstrip(),
                f"median {ms(median)}, best {ms(min(t.wall for t in mine))} over {len(mine)} runs (CPU median {ms(statistics.median(t.cpu for t in mine))}); {requests} HTTP requests",
                f"`python3 -c pass`, same runs (ABBA): median {ms(base)}; floor: a process that only stats the {n} files and reads their rows from the state: {ms(scan)}"
                + (
                    ""
                    if quiet
                    else f"; that and `import httpx`: {ms(scan_http)}, + {most} round trips: {ms(scan_http + most * rtt)}; + the check's own {most} questions, sent raw at once: {ms(scan_http + asked)} (WordPress answers them in {ms(asked)}: the listing of posts modified since the last run reads every row of the type, `post_modified_gmt` having no index)"
                ),
                "≤ 6 × baseline" + (", 0 requests" if quiet else f", ≤ {most} requests"),
                met,
                f"{median / base:.1f} ×",
            )
        )
        if profile and not met:
            profile_of(site, ["sync", *args], f"no-op sync of {n} files {what}", report)
    if not offline:
        report.notes.append(
            "`wpsync sync --help` has no `--offline` yet: the no-op has no remote-change check to measure."
        )

    # 3. one file changed and committed, synced as the post-commit hook does
    git = [
        "git",
        "-C",
        str(site.root),
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@example.com",
    ]
    subprocess.run([*git, "init", "-q"], check=True)
    (site.root / ".gitignore").write_text(".wpsync/\n*.log\nprofile.out\n*.json\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], check=True)
    probe_rel = corpus.post_rel(n // 2)
    probe = site.content / probe_rel
    original = probe.read_text(encoding="utf-8")
    edits = iter(range(10_000))

    def edit() -> None:
        i = next(edits)
        probe.write_text(
            original.replace("\n\n", f"\n\nEdit {i} for the benchmark.\n\n", 1), encoding="utf-8"
        )
        subprocess.run([*git, "commit", "-q", "-am", f"edit {i}"], check=True)

    def changed() -> Timed:
        edit()  # not timed: the commit that fires the hook
        timed, data = sync_json(site, "--changed", "HEAD")
        if data["updated"] != 1:
            raise RuntimeError(f"--changed: {summary(data)}")
        requests_seen.append(data["requests"])
        return timed

    requests_seen: list[int] = []
    mine, bare = abba(changed, bare_start, scale.changed_runs)
    rtt = round_trip(wp)
    needed = floors.import_floor(clean_env())
    edit()
    probed = probing.probe(
        ["--config", str(site.config), "sync", "--changed", "HEAD"],
        cwd=site.root,
        env=env_of(site),
        out=site.root / "probe.json",
    )
    median, base = statistics.median(t.wall for t in mine), statistics.median(bare)
    trips = len(probed["requests"])
    named = ", ".join(
        f"{r['method']} {r['route'].removeprefix('/wp-json')}" for r in probed["requests"]
    )
    limit = 6 * base + trips * rtt
    met = median <= limit
    report.add(
        Figure(
            f"one file changed in {n} files, committed, `wpsync sync --changed HEAD` (the post-commit hook's command)",
            f"median {ms(median)}, best {ms(min(t.wall for t in mine))} over {len(mine)} runs (CPU median {ms(statistics.median(t.cpu for t in mine))}); {statistics.median(requests_seen):.0f} requests ({named}); {probed['rows_read']} state rows read",
            f"`python3 -c pass`, same runs (ABBA): median {ms(base)}; one WordPress round trip: {ms(rtt)}; floor: a process importing only what a writing sync needs (`{floors.NEEDED_IMPORTS}`) {ms(needed)} + {trips} round trips = {ms(needed + trips * rtt)}",
            f"≤ 6 × baseline + {trips} round trips = {ms(limit)}",
            met,
            f"{median / base:.1f} × bare start",
        )
    )
    report.data["changed"] = {"timeline": probed["timeline"], "files": n}
    report.profiles.append(
        (
            f"`sync --changed`, one file in {n}: phase timeline (bench/probe.py)",
            probing.describe(probed),
        )
    )
    edit()
    imports_of(
        site,
        ["sync", "--changed", "HEAD"],
        f"`sync --changed`, one file in {n}: imports (-X importtime)",
        report,
    )
    if profile and not met:
        edit()
        profile_of(
            site,
            ["sync", "--changed", "HEAD"],
            f"`sync --changed`, one file in {n}: cProfile",
            report,
        )

    # 4. + 5. the daemon on the tree: save latency, then its peak memory
    latency, rss = watch_on_tree(site, probe, original, scale.saves)
    debounce = scale.debounce_ms / 1000
    if profile and latency.median > debounce + 0.060:  # (before the floor edits the post)
        watch_profile(site, probe, min(scale.saves, 20), report)
    update = floors.update_floor(wp, raw.token(wp), post_id(wp, probe.stem))
    report.data["watch"] = {"samples": list(latency.samples), "debounce": debounce, "files": n}
    report.add(
        Figure(
            f"`wpsync watch` on {n} files: save → post updated, {len(latency.samples)} saves",
            f"median {latency.median * 1000:.0f} ms = debounce + {(latency.median - debounce) * 1000:.0f} ms; p90 {latency.p90 * 1000:.0f} ms = debounce + {(latency.p90 - debounce) * 1000:.0f} ms (min {min(latency.samples) * 1000:.0f}, max {max(latency.samples) * 1000:.0f})",
            f"debounce {scale.debounce_ms} ms; floor: a raw edit check + update of that post (GET, POST) {ms(update)}: debounce + {ms(update)} = {ms(debounce + update)}",
            f"median ≤ debounce + 60 ms = {(debounce + 0.060) * 1000:.0f} ms",
            latency.median <= debounce + 0.060,
        )
    )
    report.add(
        Figure(
            f"`wpsync watch` daemon watching {n} files: peak RSS",
            f"{rss / 1024:.1f} MB (VmHWM, after the start-up reconcile and {len(latency.samples)} saves)",
            f"`python3 -c pass`: {baseline_rss() / 1024:.1f} MB; floor: a process that only imports what the daemon needs (`{floors.DAEMON_IMPORTS}`): {floors.rss_floor(clean_env()) / 1024:.1f} MB",
            "≤ 60 MB",
            rss / 1024 <= 60,
        )
    )


# ---------------------------------------------------------------------------- 6. adoption


def bench_adopt(wp: WordPressInstance, work_dir: Path, scale: Scale, report: Report) -> None:
    """A fresh clone of a published folder (everything but ``.wpsync/``) synced against the
    site its original published: what it sends (it should write nothing) and how long it
    takes, against a no-op of the original plus one listing of the posts."""
    n = scale.publish
    site = wp_config(work_dir / "adopt", wp, batch=True, scale=scale)
    corpus.generate(site.content, n, seed=2)
    reset(wp)
    _, data = sync_json(site)
    if data["created"] != n or data["failed"]:
        raise RuntimeError(f"adoption seeding: {summary(data)}")
    clone = Site(work_dir / "adopt-clone", wp, site.auth)

    def fresh_clone() -> None:
        shutil.rmtree(clone.root, ignore_errors=True)
        shutil.copytree(site.root, clone.root, ignore=shutil.ignore_patterns(".wpsync", "*.json"))

    before = site_facts(wp)
    fresh_clone()
    probed = probing.probe(
        ["--config", str(clone.config), "sync", "--json"],
        cwd=clone.root,
        env=env_of(clone),
        out=work_dir / "adopt-probe.json",
        check=False,
    )
    try:
        outcome = json.loads(probed["stdout"])
    except ValueError:
        raise RuntimeError(f"adoption: no JSON report:\n{probed['stderr'][-3000:]}") from None
    writes = [
        r for r in probed["requests"] if r["method"] != "GET" and "/jwt-auth/" not in r["route"]
    ]
    after = site_facts(wp)
    walls = [probed["wall"]]
    noops: list[float] = []
    if not writes and before == after:  # repeatable: time it against the no-op, ABBA

        def adopt_once() -> Timed:
            fresh_clone()
            return wpsync_sync(clone, check=False)

        def baseline_once() -> tuple[float, float]:
            """The baseline's two parts, timed one after the other: in the same ABBA
            order as the adoption runs, so a machine that changes speed meanwhile
            favours neither side."""
            return wpsync_sync(site).wall, list_posts_time(wp)

        mine, baselines = abba(adopt_once, baseline_once, scale.noop_runs)
        walls = [t.wall for t in mine]
    else:
        baselines = [(wpsync_sync(site).wall, list_posts_time(wp)) for _ in range(scale.noop_runs)]
    noops = [noop for noop, _ in baselines]
    listings = [listing for _, listing in baselines]
    median, noop = statistics.median(walls), statistics.median(noops)
    listing = statistics.median(listings)
    counts = ", ".join(
        f"{outcome[k]} {k}"
        for k in ("created", "updated", "unchanged", "conflicts", "failed")
        if isinstance(outcome.get(k), int) and outcome[k]
    )
    kinds: dict[str, int] = {}
    for r in writes:
        key = f"{r['method']} {r['route'].removeprefix('/wp-json')}"
        kinds[key] = kinds.get(key, 0) + 1
    sent = ", ".join(f"{v} × {k}" for k, v in sorted(kinds.items())) or "none"
    limit = 1.5 * (noop + listing)
    report.add(
        Figure(
            f"stateless adoption: `wpsync sync` in a fresh clone (no `.wpsync/`) of a {n}-post site",
            f"median {ms(median)} over {len(walls)} runs; {len(writes)} writes sent ({sent}); {len(probed['requests'])} requests in all; outcome: {counts or 'nothing'}, exit {probed['code']}; site {'unchanged' if before == after else 'CHANGED'} (post count, newest modification)",
            f"no-op of the original (with its state): median {ms(noop)}; one listing of the {n} posts: median {ms(listing)} (the two timed in turn with the adoption runs, ABBA)",
            f"≤ 1.5 × (no-op + listing) = {ms(limit)}; 0 writes",
            median <= limit
            and not writes
            and before == after
            and probed["code"] == 0
            and outcome.get("unchanged") == n,
            f"{median / (noop + listing):.2f} ×",
        )
    )
    report.profiles.append(
        (f"stateless adoption of {n} posts: phase timeline", probing.describe(probed))
    )
    reset(wp)


def site_facts(wp: WordPressInstance) -> tuple[str, str, str]:
    """What a write would change: how many posts and media there are, the newest edit."""
    with admin(wp) as client:
        posts = client.get(
            "/wp/v2/posts",
            params={
                "status": "any",
                "per_page": 1,
                "orderby": "modified",
                "_fields": "id,modified_gmt",
            },
        )
        media = client.get("/wp/v2/media", params={"per_page": 1, "_fields": "id"})
        newest = posts.json()[0]["modified_gmt"] if posts.json() else ""
        return posts.headers.get("X-WP-Total", "?"), media.headers.get("X-WP-Total", "?"), newest


def list_posts_time(wp: WordPressInstance) -> float:
    """One listing of every post (ids, slugs, modification times; 100 a page): what
    adoption needs from WordPress at least."""
    bearer = raw.token(wp)
    with httpx.Client(
        base_url=f"{wp.url}/wp-json", headers={"Authorization": f"Bearer {bearer}"}, timeout=120
    ) as client:
        started = time.perf_counter()
        page, pages = 1, 1
        while page <= pages:
            r = client.get(
                "/wp/v2/posts",
                params={
                    "status": "any",
                    "context": "edit",
                    "per_page": 100,
                    "page": page,
                    "_fields": "id,slug,status,modified_gmt,link",
                },
            )
            r.raise_for_status()
            pages = int(r.headers.get("X-WP-TotalPages", "1"))
            page += 1
        return time.perf_counter() - started


def abba(a: Callable[[], Any], b: Callable[[], Any], runs: int) -> tuple[list[Any], list[Any]]:
    """``runs`` results of each, in ABBA order (A B B A A B …)."""
    out: tuple[list[Any], list[Any]] = ([], [])
    for i in range(2 * runs):
        first = i % 4 in (0, 3)
        out[0 if first else 1].append((a if first else b)())
    return out


def bare_start() -> float:
    """One ``python3 -c pass`` (what a hook's interpreter costs before any code), wall s."""
    return run([sys.executable, "-c", "pass"], cwd=REPO, env=clean_env()).wall


def has_offline(site: Site) -> bool:
    """Whether this wpsync's ``sync`` has ``--offline`` (then it checks WordPress for
    remote changes without it)."""
    done = run([*wpsync_command(), "sync", "--help"], cwd=site.root, env=env_of(site))
    return "--offline" in done.done.stdout


def round_trip(wp: WordPressInstance, n: int = 20) -> float:
    bearer = raw.token(wp)
    with httpx.Client(
        base_url=f"{wp.url}/wp-json", headers={"Authorization": f"Bearer {bearer}"}, timeout=60
    ) as client:
        post = client.get("/wp/v2/posts", params={"per_page": 1, "_fields": "id"}).json()[0]["id"]
        times = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(
                f"/wp/v2/posts/{post}", params={"context": "edit", "_fields": "id,modified_gmt"}
            ).raise_for_status()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def watch_on_tree(site: Site, probe: Path, original: str, saves: int) -> tuple[Latency, int]:
    """The daemon on the tree: ``saves`` timed saves of ``probe`` (after one untimed save,
    which also waits out the start-up reconcile), then its peak RSS."""
    head = original.partition("\n---\n")[0] + "\n---\n"
    with WatchDaemon(site, env=env_of(site)) as daemon:
        assert daemon.process is not None
        with admin(site.wp) as client:
            rel = probe.relative_to(site.content).as_posix()
            found = client.get(
                "/wp/v2/posts", params={"slug": Path(rel).stem, "status": "any", "_fields": "id"}
            ).json()
            fetch = post_content(client, "posts", int(found[0]["id"]))
            try:
                save_latencies(probe, fetch, 1, head=head, timeout=180)  # warm-up
                latency = save_latencies(probe, fetch, saves, head=head)
            except TimeoutError as exc:
                raise RuntimeError(f"{exc}; the daemon's log:\n{daemon.log()[-3000:]}") from None
        rss = peak_rss(daemon.process.pid)
        code, _ = daemon.signal()
        if code != 0:
            raise RuntimeError(f"wpsync watch exited {code}:\n{daemon.log()[-3000:]}")
    return latency, rss


def watch_profile(site: Site, probe: Path, saves: int, report: Report) -> None:
    """Where a save's time goes under the daemon (bench/watch_trace.py: its steps stamped
    in-process): the median of each step, and the last save's timeline."""
    cmd = [
        sys.executable,
        str(REPO / "bench" / "watch_trace.py"),
        *("--config", str(site.config), "--wp-dir", str(site.wp.dir)),
        *("--file", probe.relative_to(site.content).as_posix()),
        *("--saves", str(saves), "--show", "1"),
    ]
    done = run(cmd, cwd=site.root, env=env_of(site), check=False).done
    summary, _, timeline = done.stdout.partition("where a save's time goes")
    body = "where a save's time goes" + timeline.rstrip() + "\n\n" + summary.strip()
    if done.returncode != 0:  # a diagnostic: its failure is told, the run's figures kept
        body = f"bench/watch_trace.py exited {done.returncode}:\n{done.stderr[-2000:]}\n{done.stdout[-1000:]}"
    report.profiles.append((f"`wpsync watch`: a save's path, {saves} saves", body))


def post_id(wp: WordPressInstance, slug: str) -> int:
    with admin(wp) as client:
        found = client.get(
            "/wp/v2/posts", params={"slug": slug, "status": "any", "_fields": "id"}
        ).json()
        return int(found[0]["id"])


def peak_rss(pid: int) -> int:
    """VmHWM of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for {pid}")


def baseline_rss() -> int:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import re; print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


# ---------------------------------------------------------------------------- 5. start-up


_STARTUP: dict[str, float] = {}


def timed(cmd: list[str]) -> float:
    env = clean_env()
    started = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - started


def startup_cpu(runs: int = 3) -> float:
    """CPU seconds (user + system) of ``wpsync --version``: the fixed cost of a process."""
    if "cpu" not in _STARTUP:
        cmd = [*wpsync_command(), "--version"]
        _STARTUP["cpu"] = statistics.median(
            run(cmd, cwd=REPO, env=clean_env()).cpu for _ in range(runs)
        )
    return _STARTUP["cpu"]


def bench_startup(scale: Scale, report: Report) -> None:
    cmd = [*wpsync_command(), "--version"]
    pairs = [(timed(cmd), timed([sys.executable, "-c", "pass"])) for _ in range(scale.startup_runs)]
    mine = sorted(p[0] for p in pairs)
    base = sorted(p[1] for p in pairs)
    _STARTUP["pass"] = statistics.median(base)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wpsync.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    )
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY)
    report.add(
        Figure(
            "`wpsync --version` start-up",
            f"best {mine[0] * 1000:.0f} ms, median {statistics.median(mine) * 1000:.0f} ms over {len(mine)} runs; heavy imports: {', '.join(heavy) or 'none'}",
            f"`python3 -c pass`: best {base[0] * 1000:.0f} ms, median {statistics.median(base) * 1000:.0f} ms",
            f"≤ 150 ms; imports none of {', '.join(HEAVY)}",
            statistics.median(mine) <= 0.150 and not heavy,
            f"{' '.join(Path(c).name for c in cmd)}",
        )
    )


# ---------------------------------------------------------------------------- main


@contextlib.contextmanager
def wordpress(wp_dir: Path | None, tmp: Path) -> Iterator[WordPressInstance]:
    if wp_dir is not None:
        run_script("up", "--dir", str(wp_dir))
        yield WordPressInstance.from_dir(wp_dir)
        return
    directory = tmp / "wordpress"
    run_script("up", "--dir", str(directory), "--port", "0")
    try:
        yield WordPressInstance.from_dir(directory)
    finally:
        run_script("down", "--dir", str(directory), timeout=120)


def compile_measured() -> None:
    """Compile the measured wpsync's modules to bytecode first, as ``pip install`` does
    for an installed one: else a fresh checkout's first measured runs would include
    compiling each module they import (a second or so of CPU in the first publish)."""
    import compileall

    if not compileall.compile_dir(MEASURED[0] / "wpsync", quiet=1):
        raise RuntimeError(f"{MEASURED[0] / 'wpsync'} does not compile")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run (~1 min)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (appended to)")
    parser.add_argument(
        "--wp-dir", type=Path, help="reuse this running instance (reset, not stopped)"
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="no cProfile run for a missed target"
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="run only these parts (repeatable)",
    )
    parser.add_argument("--posts", type=int, help="posts to publish and to adopt (full: 1000)")
    parser.add_argument("--files", type=int, help="files in the no-op/--changed/watch tree (10000)")
    parser.add_argument("--saves", type=int, help="timed saves under `wpsync watch` (50)")
    parser.add_argument("--runs", type=int, help="runs of each side of an ABBA comparison (6)")
    parser.add_argument(
        "--rounds", type=int, help="publish rounds, alternating order (ABBA; full: 2)"
    )
    parser.add_argument(
        "--name", help="the chart's name: results/<date>-<name>.png (default: full or quick)"
    )
    parser.add_argument("--no-chart", action="store_true", help="draw no PNG")
    parser.add_argument(
        "--wpsync",
        type=Path,
        help="measure the wpsync of this checkout (default: the bench's own)",
    )
    args = parser.parse_args(argv)
    if args.wpsync is not None:
        MEASURED[0] = args.wpsync.resolve()
    scale = QUICK if args.quick else FULL
    sizes = {
        "publish": args.posts,
        "tree": args.files,
        "saves": args.saves,
        "noop_runs": args.runs,
        "changed_runs": args.runs,
        "publish_rounds": args.rounds,
    }
    scale = dataclasses.replace(scale, **{k: v for k, v in sizes.items() if v is not None})
    if not args.no_chart and importlib.util.find_spec("matplotlib") is None:
        parser.error(
            "the charts need matplotlib: python3 -m pip install matplotlib "
            "(the `bench` extra), or pass --no-chart"
        )
    parts = set(args.only or PARTS)
    shown = ["python3", "bench/run.py", *(argv if argv is not None else sys.argv[1:])]
    report = Report(dt.datetime.now(dt.UTC), shlex.join(shown), args.quick)
    machine_facts(report)
    environment_notes(report)
    compile_measured()
    profile = not args.no_profile
    with tempfile.TemporaryDirectory(prefix="wpsync-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if "startup" in parts:
            bench_startup(scale, report)
        with wordpress(args.wp_dir, tmp) as wp:
            if "publish" in parts:
                bench_publish(wp, tmp, scale, report, profile)
            if "tree" in parts:
                bench_tree(wp, tmp, scale, report, profile)
            if "adopt" in parts:
                bench_adopt(wp, tmp, scale, report)
            reset(wp)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    elapsed = (dt.datetime.now(dt.UTC) - report.started).total_seconds()
    report.facts.append(("run", f"{elapsed:.0f} s; load average at the end {load}"))
    if not args.no_chart and report.data:
        name = args.name or ("quick" if args.quick else "full")
        png = args.out.parent / "results" / f"{report.started:%Y-%m-%d-%H%M}-{name}.png"
        from bench import charts

        charts.draw(report.data, png, f"wpsync bench, {report.started:%Y-%m-%d %H:%M} UTC")
        report.charts.append(("charts of this run", png.relative_to(args.out.parent).as_posix()))
        print(f"bench: chart {png}", file=sys.stderr)
    text = report.markdown()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a", encoding="utf-8") as f:
        if args.out.stat().st_size == 0:
            f.write(HEADER)
        f.write("\n" + text)
    print(text)
    return 0


PARTS = ("startup", "publish", "tree", "adopt")


HEADER = """# wpsync benchmark results

Appended by `python3 bench/run.py` (see its docstring for what each line measures). Every
figure is next to its baseline measured in the same run on the same machine; targets are
those of the performance issue. Newest run last.
"""


if __name__ == "__main__":
    sys.exit(main())
