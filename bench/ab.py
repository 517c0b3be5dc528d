"""Two wpsync checkouts side by side, in one run, on the same machine, the same WordPress
and the same tree: did a change (a refactor, say) make start-up or a hook's sync slower?

    python3 bench/ab.py --a ../before --b .            # A = the baseline, B = this checkout
    python3 bench/ab.py --a ../before --b . --files 2000 --runs 6

Each checkout is run as ``python -m wpsync.cli`` with that checkout first on ``PYTHONPATH``
(both use this interpreter and its installed libraries, so only wpsync's own code differs).
The measures alternate in ABBA order (A B B A A B B A …) so drift in the machine's load
falls on both sides alike:

1. ``wpsync --version`` (start-up), ``--runs × 4`` times each;
2. a no-op ``wpsync sync`` on a ``--files`` tree whose state a real sync built (it writes
   nothing; its requests are the check for edits made in WordPress: a count and a listing
   per post type);
3. one file edited and committed, ``wpsync sync --changed`` (what a post-commit hook runs),
   with the requests it sent.

Each measure gives the wall time and the CPU time (user + system, of the process and its
children: git) — on a shared machine the CPU is the steadier of the two.

The tree is published once, by B, through the real WordPress (``scripts/wordpress``); both
checkouts must read the same state file (same schema), which is what a refactor promises.
Results are printed and appended to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from bench import corpus  # noqa: E402
from tests.sitekit import Site, make_site  # noqa: E402
from tests.wordpress import WordPressInstance, run_script  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
#: what a no-op must not have done
WRITES = ("created", "updated", "deleted", "conflicts", "failed")


@dataclass(frozen=True)
class Side:
    name: str
    checkout: Path

    def env(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPATH"] = str(self.checkout)
        return env

    def commit(self) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.checkout), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() or "?"


def abba(runs: int) -> list[int]:
    """0 = A, 1 = B, in ABBA blocks."""
    order: list[int] = []
    for _ in range(runs):
        order += [0, 1, 1, 0]
    return order


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: the CPU time (user + system) of the last command :func:`timed` ran
last_cpu = [0.0]


def timed(cmd: Sequence[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    last_cpu[0] = _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return wall, done.stdout


def wpsync(side: Side, site: Site, *args: str) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "wpsync.cli", "--config", str(site.config), *args]
    return timed(cmd, cwd=site.root, env=side.env(site.env()))


def describe(times: list[float]) -> str:
    return (
        f"median {statistics.median(times) * 1000:.0f} ms, "
        f"best {min(times) * 1000:.0f} ms (n={len(times)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=Path, required=True, help="the baseline checkout")
    parser.add_argument("--b", type=Path, default=REPO, help="the checkout measured against it")
    parser.add_argument("--files", type=int, default=10_000, help="files in the tree")
    parser.add_argument("--runs", type=int, default=5, help="ABBA blocks per measure")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (appended to)")
    args = parser.parse_args(argv)
    sides = (Side("A", args.a.resolve()), Side("B", args.b.resolve()))
    results: dict[str, list[list[float]]] = {}
    cpus: dict[str, list[list[float]]] = {}
    requests: list[list[int]] = [[], []]
    noop_requests: list[list[int]] = [[], []]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wpsync-ab-") as tmp_name:
        tmp = Path(tmp_name)
        run_script("up", "--dir", str(tmp / "wordpress"), "--port", "0")
        try:
            wp = WordPressInstance.from_dir(tmp / "wordpress")
            site = make_site(tmp / "tree", wp, extra="\n[sync]\nconcurrency = 4\n")
            corpus.generate(site.content, args.files, seed=1)
            seeded, out = wpsync(sides[1], site, "sync", "--json")
            data = json.loads(out)
            if data["created"] != args.files or data["failed"]:
                raise RuntimeError(
                    f"seeding failed: {data['created']} created, {data['failed']} failed"
                )
            print(f"ab: seeded {args.files} files in {seeded:.1f} s", file=sys.stderr)

            version: list[list[float]] = [[], []]
            version_cpu: list[list[float]] = [[], []]
            for i in abba(args.runs * 4):
                version[i].append(wpsync(sides[i], site, "--version")[0])
                version_cpu[i].append(last_cpu[0])
            results["`wpsync --version`"] = version
            cpus["`wpsync --version`"] = version_cpu

            noop: list[list[float]] = [[], []]
            noop_cpu: list[list[float]] = [[], []]
            for i in abba(args.runs):
                wall, out = wpsync(sides[i], site, "sync", "--json")
                data = json.loads(out)
                # A no-op writes nothing; it does ask WordPress whether posts were edited
                # there (README "Performance": a count and a listing per post type).
                wrote = {k: data[k] for k in WRITES if data[k]}
                if wrote or data["unchanged"] != args.files:
                    raise RuntimeError(f"no-op by {sides[i].name} was not one: {wrote}")
                noop[i].append(wall)
                noop_cpu[i].append(last_cpu[0])
                noop_requests[i].append(data["requests"])
            results[f"no-op `wpsync sync`, {args.files} files"] = noop
            cpus[f"no-op `wpsync sync`, {args.files} files"] = noop_cpu

            git = ["git", "-C", str(site.root), "-c", "user.name=ab", "-c", "user.email=ab@x"]
            subprocess.run([*git, "init", "-q"], check=True)
            (site.root / ".gitignore").write_text(".wpsync/\n")
            subprocess.run([*git, "add", "-A"], check=True)
            subprocess.run([*git, "commit", "-q", "-m", "tree"], check=True)
            probe = site.content / corpus.post_rel(args.files // 2)
            original = probe.read_text(encoding="utf-8")
            changed: list[list[float]] = [[], []]
            changed_cpu: list[list[float]] = [[], []]
            for n, i in enumerate(abba(args.runs)):
                probe.write_text(
                    original.replace("\n\n", f"\n\nEdit {n}.\n\n", 1), encoding="utf-8"
                )
                subprocess.run([*git, "commit", "-q", "-am", f"edit {n}"], check=True)
                wall, out = wpsync(sides[i], site, "sync", "--changed", "--json")
                data = json.loads(out)
                if data["updated"] != 1:
                    raise RuntimeError(f"--changed by {sides[i].name}: {data}")
                changed[i].append(wall)
                changed_cpu[i].append(last_cpu[0])
                requests[i].append(data["requests"])
            results[f"one file changed in {args.files}, `sync --changed`"] = changed
            cpus[f"one file changed in {args.files}, `sync --changed`"] = changed_cpu
        finally:
            run_script("down", "--dir", str(tmp / "wordpress"), timeout=120)
    elapsed = time.perf_counter() - started

    now = dt.datetime.now(dt.UTC)
    lines = [
        "",
        f"## {now:%Y-%m-%d %H:%M} UTC — A/B: two checkouts in one run",
        "",
        f"- A: `{sides[0].checkout}` at {sides[0].commit()}; B: `{sides[1].checkout}` at {sides[1].commit()}",
        f"- machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, load average at the end "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        f"- command: `{shlex.join(['python3', 'bench/ab.py', *(argv if argv is not None else sys.argv[1:])])}`; ABBA order; run {elapsed:.0f} s",
        "",
        "| measure | A | B | B / A (medians) |",
        "|---|---|---|---|",
    ]
    for title, (a, b) in results.items():
        ratio = statistics.median(b) / statistics.median(a)
        lines.append(f"| {title} | {describe(a)} | {describe(b)} | {ratio:.2f} |")
        ca, cb = cpus[title]
        ratio = statistics.median(cb) / statistics.median(ca)
        lines.append(
            f"| … its CPU (user + system) | {describe(ca)} | {describe(cb)} | {ratio:.2f} |"
        )
    for title, counts in (
        ("requests of the no-op (the remote-change check)", noop_requests),
        ("requests of `sync --changed`", requests),
    ):
        lines.append(
            f"| {title} | {statistics.median(counts[0]):.0f} | "
            f"{statistics.median(counts[1]):.0f} | |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    with args.out.open("a", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
