"""wpsync's benchmark suite: one command, the real local WordPress, each figure next to its
baseline measured in the same run, results appended to ``bench/RESULTS.md``.

    python3 bench/run.py             # full run (~10 min on 2 cores)
    python3 bench/run.py --quick     # smoke run (~30 s): small corpora, few repetitions

What it measures (``--quick`` scales every count down):

1. initial publish of 1,000 posts at ``sync.concurrency`` 4 — ``wpsync sync`` end to end
   (process start to exit: reading, rendering, terms, images, posts), one request per
   post and then through ``/batch/v1`` — against a raw httpx loop doing the same HTTP work
   (the same terms, the same images, the same rendered post bodies) at the same
   concurrency: WordPress's own limit on this machine.  WordPress is reset between runs.
2. a no-op ``wpsync sync`` on a 10,000-file tree whose state was built by a real sync of
   those files (the seeding publish is reported too) — wall time and HTTP requests.
3. one file changed in that tree and committed: ``wpsync sync --changed`` — wall time,
   against one WordPress round trip measured alongside.
4. ``wpsync watch`` on that tree: save → post updated latency over 50 saves (median, p95),
   measured by :func:`bench.watch_latency.save_latencies`.
5. the watching daemon's peak RSS (``VmHWM``) at 10,000 files; ``wpsync --version``
   start-up against ``python3 -c pass``, and which heavy modules it imports.

A figure that misses its target gets the profile that says why (cProfile, top entries).
``--wp-dir`` reuses a running instance (``scripts/wordpress up``) instead of starting one;
it is reset, not stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from bench import corpus  # noqa: E402
from bench.watch_latency import Latency, post_content, save_latencies  # noqa: E402
from tests.sitekit import Site, admin, make_site  # noqa: E402
from tests.watchkit import WatchDaemon  # noqa: E402
from tests.wordpress import WordPressInstance, reset, run_script  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
HEAVY = ("httpx", "markdown", "watchdog", "apscheduler", "tenacity")
FIELDS = "id,slug,status,modified_gmt,link,type"


@dataclass(frozen=True)
class Scale:
    publish: int  # posts in the initial-publish corpus
    tree: int  # files in the no-op / --changed / watch tree
    noop_runs: int
    changed_runs: int
    saves: int
    startup_runs: int
    publish_rounds: int = 2  # ABBA: each publish run twice, the second time in reverse
    concurrency: int = 4
    debounce_ms: int = 300


FULL = Scale(publish=1000, tree=10_000, noop_runs=5, changed_runs=5, saves=50, startup_runs=20)
QUICK = Scale(
    publish=40, tree=200, noop_runs=3, changed_runs=2, saves=5, startup_runs=5, publish_rounds=1
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
    has it, and this checkout's wpsync first on the path (whatever is installed)."""
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def env_of(site: Site) -> dict[str, str]:
    """The site's environment (its password, no other WPSYNC_ variable), cleaned."""
    return clean_env(site.env())


def run(cmd: Sequence[str], *, cwd: Path, env: dict[str, str]) -> Timed:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return Timed(wall, cpu, done)


def sync_json(site: Site, *args: str) -> tuple[Timed, dict[str, Any]]:
    timed = run(
        [*wpsync_command(), "--config", str(site.config), "sync", "--json", *args],
        cwd=site.root,
        env=env_of(site),
    )
    return timed, json.loads(timed.done.stdout)


def wpsync_sync(site: Site, *args: str) -> Timed:
    """A plain ``wpsync sync`` (what a hook runs), quiet output."""
    return run(
        [*wpsync_command(), "--config", str(site.config), "sync", *args],
        cwd=site.root,
        env=env_of(site),
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


def token(wp: WordPressInstance) -> str:
    r = httpx.post(
        f"{wp.url}/wp-json/jwt-auth/v1/token",
        json={"username": wp.admin_user, "password": wp.admin_password},
        timeout=60,
    )
    r.raise_for_status()
    return str(r.json()["token"])


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
    rev = out(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = out(
        [
            "git",
            "-C",
            str(REPO),
            "status",
            "--porcelain",
            "--",
            "wpsync",
            "bench",
            ":!bench/RESULTS.md",
        ]
    )
    from wpsync import __version__

    report.facts.append(
        (
            "versions",
            f"Python {platform.python_version()}, WordPress {wp_version}, PHP {php}, MariaDB {mariadb_version.group(1) if mariadb_version else 'unknown'}, wpsync {__version__} at {rev}{' (with uncommitted changes in wpsync/ or bench/)' if dirty else ''}",
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
            f"imports it whenever it is there{cost}, in every run that makes an HTTP client."
        )


# ---------------------------------------------------------------------------- 1. publish


@dataclass(frozen=True)
class Prepared:
    """The HTTP work of a first publish, as a raw client would do it."""

    terms: list[tuple[str, tuple[str, ...]]]  # (taxonomy, path), parents first
    images: list[str]  # rels
    posts: list[tuple[dict[str, Any], tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]]


def prepare(root: Path) -> Prepared:
    """Read and map the corpus with wpsync's own reader and mapper (not timed)."""
    from wpsync.source.content import read_document, scan_content
    from wpsync.source.mapping import MappingDefaults, map_document

    defaults = MappingDefaults("post", "publish")
    terms: set[tuple[str, tuple[str, ...]]] = set()
    images: list[str] = []
    posts = []
    for f in scan_content(root).files:
        payload = map_document(read_document(root, f.rel), defaults).payload
        refs: list[tuple[str, tuple[str, ...]]] = []
        for path in payload.categories:
            for depth in range(1, len(path) + 1):
                terms.add(("categories", path[:depth]))
            refs.append(("categories", path))
        for tag in payload.tags:
            terms.add(("tags", (tag,)))
            refs.append(("tags", (tag,)))
        rels = tuple(ref.rel for ref in payload.images)
        images.extend(r for r in rels if r not in images)
        posts.append((payload.scalar_fields(), tuple(refs), rels))
    return Prepared(sorted(terms, key=lambda t: (len(t[1]), t)), images, posts)


def raw_publish(
    wp: WordPressInstance, root: Path, work: Prepared, *, concurrency: int, batch: bool
) -> tuple[float, float]:
    """The baseline: terms, images, then the posts, with plain httpx at ``concurrency``.
    (total seconds, seconds of the posts alone)."""
    from wpsync.source.render import rewrite_urls

    bearer = token(wp)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with (
        httpx.Client(
            base_url=f"{wp.url}/wp-json",
            headers={"Authorization": f"Bearer {bearer}"},
            timeout=120,
            limits=limits,
        ) as client,
        ThreadPoolExecutor(concurrency) as pool,
    ):
        started = time.perf_counter()
        ids: dict[tuple[str, tuple[str, ...]], int] = {}

        def term(key: tuple[str, tuple[str, ...]]) -> int:
            taxonomy, path = key
            body: dict[str, Any] = {"name": path[-1]}
            if len(path) > 1:
                body["parent"] = ids[(taxonomy, path[:-1])]
            r = client.post(f"/wp/v2/{taxonomy}", params={"_fields": "id"}, json=body)
            if r.status_code == 400 and r.json().get("code") == "term_exists":
                return int(r.json()["data"]["term_id"])
            r.raise_for_status()
            return int(r.json()["id"])

        for depth in sorted({len(p) for _, p in work.terms}):
            level = [t for t in work.terms if len(t[1]) == depth]
            ids.update(zip(level, pool.map(term, level), strict=True))

        def upload(rel: str) -> str:
            data = (root / rel).read_bytes()
            r = client.post(
                "/wp/v2/media",
                params={"_fields": "id,source_url"},
                content=data,
                headers={
                    "Content-Type": "image/png",
                    "Content-Disposition": f'attachment; filename="{Path(rel).name}"',
                },
            )
            r.raise_for_status()
            return str(r.json()["source_url"])

        urls: dict[str, str] = {}
        if work.images:  # the first alone: WordPress creates the month's upload folder
            urls[work.images[0]] = upload(work.images[0])
            urls.update(zip(work.images[1:], pool.map(upload, work.images[1:]), strict=True))

        bodies = []
        for scalar, refs, rels in work.posts:
            body = dict(scalar)
            for taxonomy in ("categories", "tags"):
                chosen = [ids[(t, p)] for t, p in refs if t == taxonomy]
                if chosen:
                    body[taxonomy] = chosen
            if rels:
                body["content"] = rewrite_urls(body["content"], {r: urls[r] for r in rels})
            bodies.append(body)

        posts_started = time.perf_counter()

        def one(body: dict[str, Any]) -> None:
            r = client.post("/wp/v2/posts", params={"_fields": FIELDS}, json=body)
            if r.status_code != 201:
                raise RuntimeError(f"raw create: HTTP {r.status_code} {r.text[:300]}")

        def many(chunk: list[dict[str, Any]]) -> None:
            path = f"/wp/v2/posts?_fields={FIELDS}"
            r = client.post(
                "/batch/v1",
                json={
                    "validation": "normal",
                    "requests": [{"method": "POST", "path": path, "body": b} for b in chunk],
                },
            )
            r.raise_for_status()
            bad = [x for x in r.json()["responses"] if x["status"] != 201]
            if bad:
                raise RuntimeError(f"raw batch create: {bad[0]}")

        if batch:
            list(pool.map(many, [bodies[i : i + 25] for i in range(0, len(bodies), 25)]))
        else:
            list(pool.map(one, bodies))
        done = time.perf_counter()
    return done - started, done - posts_started


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
    work = prepare(sites[False].content)
    c = scale.concurrency

    def wpsync_publish(batch: bool) -> float:
        reset(wp)
        site = sites[batch]
        fresh(site)
        timed, data = sync_json(site)
        if data["created"] != n or data["failed"]:
            raise RuntimeError(f"publish: {summary(data)}")
        cpu[batch].append(timed.cpu)
        return timed.wall

    def raw(batch: bool) -> float:
        reset(wp)
        total, posts_alone = raw_publish(wp, sites[False].content, work, concurrency=c, batch=batch)
        alone[batch].append(posts_alone)
        return total

    # Each run in turn, then (full run) again in the reverse order, so a machine that
    # slows down or speeds up during the runs favours none of them.
    runs: dict[str, Callable[[], float]] = {
        "raw": lambda: raw(False),
        "single": lambda: wpsync_publish(False),
        "batched": lambda: wpsync_publish(True),
        "raw batched": lambda: raw(True),
    }
    cpu: dict[bool, list[float]] = {False: [], True: []}
    alone: dict[bool, list[float]] = {False: [], True: []}
    walls: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    for round_ in range(scale.publish_rounds):
        for name in order if round_ % 2 == 0 else reversed(order):
            walls[name].append(runs[name]())
    reset(wp)

    def rate(name: str) -> float:
        return n / statistics.mean(walls[name])

    def each(name: str) -> str:
        return " and ".join(f"{w:.1f}" for w in walls[name]) + " s"

    base, single, batched = rate("raw"), rate("single"), rate("batched")
    rounds = (
        f"mean of {scale.publish_rounds} runs, ABBA order; " if scale.publish_rounds > 1 else ""
    )
    report.facts.append(
        (
            "publish corpus",
            f"{n} posts ({made.bytes / n / 1024:.1f} KB of Markdown each on average: front matter with 1–2 categories of {len(corpus.CATEGORIES)} (some nested) and 2–5 tags of {len(corpus.TAGS)}, sections with code blocks, tables, lists), {len(made.images)} PNG images (one per ten posts); {len(work.terms)} terms",
        )
    )
    report.add(
        Figure(
            f"initial publish, {n} posts, concurrency {c}, one request per post",
            f"{single:.1f} posts/s ({rounds}{each('single')}, process start to exit; wpsync's own CPU {statistics.mean(cpu[False]):.1f} s)",
            f"raw httpx loop, same terms, images and post bodies: {base:.1f} posts/s ({each('raw')}; posts alone {n / statistics.mean(alone[False]):.1f}/s)",
            "≥ 0.9 × baseline",
            single >= 0.9 * base,
            f"{single / base:.2f} ×",
        )
    )
    report.add(
        Figure(
            f"initial publish, {n} posts, concurrency {c}, through /batch/v1",
            f"{batched:.1f} posts/s ({each('batched')}; wpsync's own CPU {statistics.mean(cpu[True]):.1f} s)",
            f"the same raw loop: {base:.1f} posts/s (raw loop batching too: {rate('raw batched'):.1f} posts/s, posts alone {n / statistics.mean(alone[True]):.1f}/s)",
            "≥ 2 × baseline",
            batched >= 2 * base,
            f"{batched / base:.2f} ×",
        )
    )
    if profile and (batched < 2 * base or single < 0.9 * base):
        reset(wp)
        fresh(sites[True])
        timeline_of(
            sites[True],
            [],
            f"initial publish through /batch/v1, {n} posts: where the time goes",
            report,
        )
        reset(wp)


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

    # 2. no-op: the first run checks WordPress without a baseline (this folder's posts
    # looked up by ID, once); from then on the remote check is a count and an (empty)
    # listing of edits per post type; --offline asks nothing
    first, again = sync_json(site)
    types = len({f["path"].startswith("pages/") for f in again["files"]}) or 1
    _, steady = sync_json(site)
    runs = [wpsync_sync(site) for _ in range(scale.noop_runs)]
    times = sorted(r.wall for r in runs)
    median = statistics.median(times)
    requests = steady["requests"]
    met = median <= 1.0 and requests <= 2 * types and steady["unchanged"] == n
    report.add(
        Figure(
            f"no-op `wpsync sync` on {n} files, with the check for edits made in WordPress",
            f"median {ms(median)}, best {ms(times[0])} over {len(times)} runs (CPU median {ms(statistics.median(r.cpu for r in runs))}); {requests} HTTP requests ({again['requests']} on the first run after the publish, {ms(first.wall)})",
            f"`python3 -c pass`: {ms(startup_baseline())}",
            f"≤ 1 s wall, ≤ 2 requests per post type ({2 * types})",
            met,
        )
    )
    offline = [wpsync_sync(site, "--offline") for _ in range(scale.noop_runs)]
    _, off = sync_json(site, "--offline")
    off_median = statistics.median(sorted(r.wall for r in offline))
    report.add(
        Figure(
            f"no-op `wpsync sync --offline` on {n} files",
            f"median {ms(off_median)} over {len(offline)} runs; {off['requests']} HTTP requests",
            f"`python3 -c pass`: {ms(startup_baseline())}",
            "≤ 1 s wall, 0 requests",
            off_median <= 1.0 and off["requests"] == 0,
        )
    )
    if profile and not met:
        profile_of(site, ["sync"], f"no-op sync of {n} files", report)

    # 3. one file changed and committed, synced with --changed
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
    (site.root / ".gitignore").write_text(".wpsync/\n*.log\nprofile.out\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], check=True)
    changed_runs: list[Timed] = []
    requests_seen: list[int] = []
    probe_rel = corpus.post_rel(n // 2)
    probe = site.content / probe_rel
    original = probe.read_text(encoding="utf-8")
    for i in range(scale.changed_runs):
        probe.write_text(
            original.replace("\n\n", f"\n\nEdit {i} for the benchmark.\n\n", 1), encoding="utf-8"
        )
        subprocess.run([*git, "commit", "-q", "-am", f"edit {i}"], check=True)
        timed, data = sync_json(site, "--changed")
        if data["updated"] != 1:
            raise RuntimeError(f"--changed: {summary(data)}")
        changed_runs.append(timed)
        requests_seen.append(data["requests"])
    rtt = round_trip(wp)
    median = statistics.median(r.wall for r in changed_runs)
    met = median - rtt <= 0.5
    report.add(
        Figure(
            f"one file changed in {n} files, committed, `wpsync sync --changed`",
            f"median {ms(median)}, best {ms(min(r.wall for r in changed_runs))} over {len(changed_runs)} runs (CPU median {ms(statistics.median(r.cpu for r in changed_runs))}); {statistics.median(requests_seen):.0f} requests (the edit check, the file's terms, the update)",
            f"one WordPress round trip (authenticated GET of one post): {ms(rtt)}",
            "≤ 0.5 s + one round trip",
            met,
        )
    )
    if profile and not met:

        def edit(tag: str) -> None:
            probe.write_text(original.replace("\n\n", f"\n\n{tag}.\n\n", 1), encoding="utf-8")
            subprocess.run([*git, "commit", "-q", "-am", tag], check=True)

        title = f"sync --changed, one file in {n}"
        edit("Look 1")
        profile_of(site, ["sync", "--changed"], f"{title}: cProfile", report)
        edit("Look 2")
        imports_of(site, ["sync", "--changed"], f"{title}: imports", report)
        edit("Look 3")
        timeline_of(site, [str(probe)], f"{title}: where the time goes", report)

    # 4. + 5. the daemon on the tree: save latency, then its peak memory
    latency, rss = watch_on_tree(site, probe, original, scale.saves)
    limit = scale.debounce_ms / 1000 + 0.150
    report.add(
        Figure(
            f"`wpsync watch` on {n} files: save → post updated, {len(latency.samples)} saves",
            f"median {latency.median * 1000:.0f} ms, p95 {latency.p95 * 1000:.0f} ms (min {min(latency.samples) * 1000:.0f}, max {max(latency.samples) * 1000:.0f})",
            f"debounce {scale.debounce_ms} ms",
            f"median ≤ debounce + 150 ms = {limit * 1000:.0f} ms",
            latency.median <= limit,
        )
    )
    report.add(
        Figure(
            f"`wpsync watch` daemon watching {n} files: peak RSS",
            f"{rss / 1024:.1f} MB (VmHWM, after the start-up reconcile and {len(latency.samples)} saves)",
            f"`python3 -c pass`: {baseline_rss() / 1024:.1f} MB",
            "≤ 80 MB",
            rss / 1024 <= 80,
        )
    )


def round_trip(wp: WordPressInstance, n: int = 20) -> float:
    bearer = token(wp)
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


def startup_baseline(runs: int = 10) -> float:
    if "pass" not in _STARTUP:
        _STARTUP["pass"] = statistics.median(
            timed([sys.executable, "-c", "pass"]) for _ in range(runs)
        )
    return _STARTUP["pass"]


def timed(cmd: list[str]) -> float:
    env = clean_env()
    started = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - started


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run (~30 s)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (appended to)")
    parser.add_argument(
        "--wp-dir", type=Path, help="reuse this running instance (reset, not stopped)"
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="no cProfile run for a missed target"
    )
    parser.add_argument(
        "--only",
        choices=("publish", "tree", "startup"),
        action="append",
        help="run only these parts",
    )
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    parts = set(args.only or ("publish", "tree", "startup"))
    shown = ["python3", "bench/run.py", *(argv if argv is not None else sys.argv[1:])]
    report = Report(dt.datetime.now(dt.UTC), shlex.join(shown), args.quick)
    machine_facts(report)
    environment_notes(report)
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
            reset(wp)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    elapsed = (dt.datetime.now(dt.UTC) - report.started).total_seconds()
    report.facts.append(("run", f"{elapsed:.0f} s; load average at the end {load}"))
    text = report.markdown()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a", encoding="utf-8") as f:
        if args.out.stat().st_size == 0:
            f.write(HEADER)
        f.write("\n" + text)
    print(text)
    return 0


HEADER = """# wpsync benchmark results

Appended by `python3 bench/run.py` (see its docstring for what each line measures). Every
figure is next to its baseline measured in the same run on the same machine; targets are
those of the performance issue. Newest run last.
"""


if __name__ == "__main__":
    sys.exit(main())
