"""The benchmark suite still runs end to end (its quick mode, on the session's WordPress),
so it cannot rot between the times someone runs it in full."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.wordpress import REPO, WordPressInstance

pytestmark = pytest.mark.integration

ROWS = (
    r"\| initial publish, \d+ posts, concurrency 4, through /batch/v1 \| [\d.]+ posts/s .*\([\d.]+ ×\) \| raw batched httpx loop.*: [\d.]+ posts/s",
    r"\| initial publish, \d+ posts, concurrency 4, one request per post .*\| [\d.]+ posts/s .*\| raw one-request httpx loop.*: [\d.]+ posts/s",
    r"\| wpsync's own CPU per published post .*\| [\d.]+ ms/post \(process CPU",
    r"\| no-op `wpsync sync` on \d+ files with its remote-change check .*; [0-4] HTTP requests .*\| `python3 -c pass`, same runs \(ABBA\): median \d+ ms; floor: [^|]+ \| ≤ 6 × baseline, ≤ \d+ requests",
    r"\| no-op `wpsync sync --offline` on \d+ files .*; 0 HTTP requests .*\| `python3 -c pass`, same runs \(ABBA\): median \d+ ms; floor: [^|]+ \| ≤ 6 × baseline, 0 requests",
    r"\| one file changed in \d+ files, committed, `wpsync sync --changed HEAD` .*\| median \d+ ms.*; [1-9]\d* requests \(GET .*POST /wp/v2/posts/\d+.*\); \d+ state rows read",
    r"\| `wpsync watch` on \d+ files: save → post updated, \d+ saves \| median \d+ ms = debounce \+ -?\d+ ms; p90 \d+ ms",
    r"\| `wpsync watch` daemon watching \d+ files: peak RSS \| [\d.]+ MB",
    r"\| stateless adoption: `wpsync sync` in a fresh clone .* \| median \d+ ms over \d+ runs; 0 writes sent \(none\); .*site unchanged",
    r"\| `wpsync --version` start-up \| best \d+ ms, median \d+ ms .*heavy imports: none",
)
#: the phase timeline of `sync --changed`, each phase that run must have
PHASES = (
    "interpreter start",
    "imports",
    "config",
    "state read",
    "scan/git",
    "render",
    "requests",
    "record",
)


def test_the_quick_benchmark_runs_and_appends_every_figure(
    tmp_path: Path, wordpress: WordPressInstance
) -> None:
    out = tmp_path / "RESULTS.md"
    out.write_text("# earlier results\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--quick",
            # smaller than --quick's own sizes (30 posts, 120 files, 5 saves, 2 runs of each
            # side of an ABBA comparison): every part still runs end to end and writes its
            # row; the figures are not the point here
            *("--posts", "10", "--files", "40", "--saves", "3", "--runs", "1"),
            "--wp-dir",
            str(wordpress.dir),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# earlier results\n")  # appended, not replaced
    assert re.search(r"^## \d{4}-\d\d-\d\d \d\d:\d\d UTC — quick smoke run$", text, re.M), text
    for fact in (
        "machine: ",
        "versions: Python ",
        "WordPress 6.",
        "PHP ",
        "MariaDB ",
        "command: `python3 bench/run.py --quick",
    ):
        assert fact in text, fact
    for row in ROWS:
        assert re.search(row, text), f"no row matching {row!r} in:\n{text}"
    timeline = text.split("phase timeline (bench/probe.py)</summary>", 1)[1].split("</details>")[0]
    for phase in PHASES:
        assert re.search(rf"^\s+[\d.]+ ms  {re.escape(phase)}$", timeline, re.M), (phase, timeline)
    assert "costliest top-level imports" in text  # the -X importtime summary
    # each missed target can be read against its physical floor, measured in the same run
    for floor in (
        r"floor: machine CPU idle during the raw loop \d+ %; with markdown-it's [\d.]+ ms/post",
        r"floor: markdown-it-py alone parsing and rendering these bodies: [\d.]+ ms/post",
        r"floor: a process that only stats the \d+ files and reads their rows from the state: \d+ ms",
        r"floor: a process importing only what a writing sync needs \(`import httpx[^`]*`\) \d+ ms",
        r"floor: a raw edit check \+ update of that post \(GET, POST\) \d+ ms",
        r"floor: a process that only imports what the daemon needs \(`[^`]+`\): [\d.]+ MB",
    ):
        assert re.search(floor, text), floor
    # a missed target comes with where its time goes
    if re.search(r"\| wpsync's own CPU per published post .*\| \*\*missed\*\* \|", text):
        stages = text.split("CPU per published post, by stage", 1)[1].split("</details>")[0]
        for stage in ("in all", "read and map a file", "markdown-it-py alone", "block conversion"):
            assert re.search(rf"^\s*[\d.]+ ms/post\s+(of which )?{stage}", stages, re.M), stage
    if re.search(
        r"\| `wpsync watch` on \d+ files: save → post updated.*\| \*\*missed\*\* \|", text
    ):
        path = text.split("a save's path", 1)[1].split("</details>")[0]
        assert re.search(
            r"^\s+[\d.]+ ms  wpsync: from the run's start to its write leaving", path, re.M
        )
        assert re.search(r"^\s+[\d.]+ ms  WordPress: the write \(POST\)", path, re.M), path
    # the chart: drawn beside the results file and linked from it
    charts = re.findall(r"^!\[charts of this run\]\((results/[\w.-]+\.png)\)$", text, re.M)
    assert len(charts) == 1, text
    png = (out.parent / charts[0]).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    # every figure says whether its target was met
    table = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert all(
        line.rstrip().endswith(("| met |", "| **missed** |", "| — |")) for line in table[1:]
    ), table
