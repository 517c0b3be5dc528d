"""The physical floors under the bench's figures: what no Python tool doing the same job on
this machine could go below, measured in the same run as the figures they bound.

- :func:`render_floor`: markdown-it-py parsing and rendering the corpus's bodies alone
  (the parser as ``bench/conformance.py`` measures it, no wpsync post-processing), in CPU
  ms per post — the CPU a first publish must spend before WordPress sees a post;
- :func:`cpu_stages`: the CPU of a published post's own stages (read and map, block
  conversion), measured in-process on the same corpus: with the floor above, where the
  CPU per post goes;
- :func:`idle_share`: how much of the machine's CPU stood idle while a call ran
  (``/proc/stat``): when the raw loop leaves none, each second of wpsync's own CPU costs
  WordPress a second of its CPU, and the wall time grows by it ÷ the cores;
- :func:`import_floor`: a Python process that only imports what a sync that writes must
  have (an HTTP client, the Markdown parser, SQLite, the CLI parser, TOML) — the start-up
  a one-file ``sync --changed`` cannot avoid;
- :func:`scan_floor`: a Python process that stats every file of the tree and reads each
  file's size, modification time and hash from wpsync's state (``sqlite3``), nothing else
  — what a no-op must do;
- :func:`rss_floor`: the peak memory of a process that only imports what the daemon must
  have (:data:`NEEDED_IMPORTS`, watchdog's observer, threads);
- :func:`update_floor`: the edit check and the update of one post by a raw httpx client
  (``GET`` then ``POST`` of the same body): what a save under ``watch`` must wait for
  after its debounce.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.wordpress import WordPressInstance
from wpsync.wordpress.records import CHECKED_FIELDS, POST_FIELDS

T = TypeVar("T")

#: what every writing sync needs, whatever its code: the floor of a hook's start-up (an
#: HTTP client, a Markdown renderer, a YAML parser for the front matter, a state, a CLI)
NEEDED_IMPORTS = "import httpx, markdown_it, yaml, sqlite3, click, tomllib, json, hashlib"
#: … run as wpsync's commands run: without the HTTP stack's unused optional imports
#: (wpsync/wordpress/unused.py), so an installed trio weighs on neither side
LEAVE_OUT = (
    "import sys; sys.modules.update(dict.fromkeys(('trio', 'anyio', 'httpx._main', 'tornado')))\n"
)


#: … and what the watch daemon needs on top
DAEMON_IMPORTS = NEEDED_IMPORTS + ", watchdog.observers, concurrent.futures, threading"


def rss_floor(env: dict[str, str]) -> int:
    """VmHWM (KiB) of a process that imports :data:`DAEMON_IMPORTS` and nothing else."""
    code = (
        LEAVE_OUT
        + DAEMON_IMPORTS
        + "\nimport re; print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def render_floor(content: Path, limit: int = 400) -> float:
    """CPU ms per post that markdown-it-py takes to parse and render the bodies of the
    first ``limit`` Markdown files under ``content`` (front matter cut off), after one
    warm-up pass."""
    from wpsync.source import commonmark

    bodies = []
    for path in sorted(content.rglob("*.md"))[:limit]:
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            _, _, text = text[4:].partition("\n---\n")
        bodies.append(text)
    md = commonmark.build(wpsync=False)
    for body in bodies[:20]:
        md.render(body)
    started = time.process_time()
    for body in bodies:
        md.render(body)
    return (time.process_time() - started) * 1000 / max(1, len(bodies))


def cpu_stages(config: Path, limit: int = 400) -> dict[str, float]:
    """CPU ms per post of the per-post stages of a publish, run in this process over the
    first ``limit`` Markdown files of the site whose config is ``config`` (after a
    warm-up, the median of three passes): ``read and map`` (what a read-pool worker does for a file: front
    matter, markdown-it and wpsync's rendering, the hashes) and ``block conversion``
    (the editor's markup of the rendered HTML, made as the post is sent)."""
    from wpsync.config import load_config
    from wpsync.engine.items import Changed, Stat
    from wpsync.engine.reading import read_settings
    from wpsync.engine.readpool import ReadTask, _load_chunk
    from wpsync.source.blocks import to_blocks

    settings = read_settings(load_config(config).content)
    root = Path(settings.root)
    tasks = []
    for path in sorted(root.rglob("*.md"))[:limit]:
        st = path.stat()
        tasks.append(
            ReadTask(path.relative_to(root).as_posix(), Stat(st.st_size, st.st_mtime_ns), None)
        )
    _load_chunk(settings, tasks[:20])  # (a worker reads a chunk with one shared folder)
    reads, converts = [], []
    for _ in range(3):  # the median of three passes: this machine's speed drifts
        started = time.process_time()
        items = _load_chunk(settings, tasks)
        reads.append(time.process_time() - started)
        bodies = [item.payload.content for item in items if isinstance(item, Changed)]
        started = time.process_time()
        for body in bodies:
            to_blocks(body)
        converts.append(time.process_time() - started)
    count = max(1, len(tasks))
    return {
        "read and map": statistics.median(reads) * 1000 / count,
        "block conversion": statistics.median(converts) * 1000 / count,
    }


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return idle, sum(fields[:8])


def settle(idle: float = 0.85, longest: float = 60.0) -> float:
    """Wait until the machine is idle again (a share ``idle`` of its CPU over a second),
    at most ``longest`` seconds — after a big write (the database still flushing it), so
    that what follows is not measured beside it; the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < longest:
        _, spare = idle_share(lambda: time.sleep(1.0))
        if spare >= idle:
            break
    return time.perf_counter() - started


def idle_share(call: Callable[[], T]) -> tuple[T, float]:
    """``call()``'s result and the share (0–1) of the machine's CPU left idle meanwhile."""
    idle0, total0 = _cpu_times()
    out = call()
    idle1, total1 = _cpu_times()
    return out, (idle1 - idle0) / max(1, total1 - total0)


def _wall(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def import_floor(env: dict[str, str], runs: int = 9) -> float:
    """Median wall seconds of a process importing :data:`NEEDED_IMPORTS`."""
    cmd = [sys.executable, "-c", LEAVE_OUT + NEEDED_IMPORTS]
    _wall(cmd, env, Path.cwd())
    return statistics.median(_wall(cmd, env, Path.cwd()) for _ in range(runs))


_SCAN = """
import os, sqlite3, sys
def walk(d):
    for e in os.scandir(d):
        if e.is_dir(follow_symlinks=False):
            if not e.name.startswith('.'):
                yield from walk(e.path)
        elif e.name.endswith('.md'):
            yield e.path, e.stat()
root, db = sys.argv[1], sys.argv[2]
found = {os.path.relpath(p, root): (s.st_size, s.st_mtime_ns) for p, s in walk(root)}
conn = sqlite3.connect(f'file:{db}?mode=ro', uri=True)
rows = {r[0]: r[1:] for r in conn.execute('SELECT rel, size, mtime_ns, source_hash FROM entries')}
same = sum(1 for rel, st in found.items() if rel in rows and rows[rel][:2] == st)
print(same)
"""


def scan_floor(
    content: Path, state: Path, env: dict[str, str], runs: int = 5, *, http: bool = False
) -> float:
    """Median wall seconds of a process that stats the tree and reads each file's row
    (size, mtime, hash) from the state file: what a no-op cannot skip; with ``http``, it
    also imports the HTTP client (httpx, as wpsync's commands import it) — what a no-op
    that asks WordPress anything cannot skip either."""
    script = (LEAVE_OUT + "import httpx\n" if http else "") + _SCAN
    cmd = [sys.executable, "-c", script, str(content), str(state)]
    _wall(cmd, env, content)
    return statistics.median(_wall(cmd, env, content) for _ in range(runs))


def update_floor(wp: WordPressInstance, bearer: str, post_id: int, runs: int = 20) -> float:
    """Median seconds of a raw edit check and update of one post (GET, then POST of the
    content it has, the modification time moving on each)."""
    with httpx.Client(
        base_url=f"{wp.url}/wp-json", headers={"Authorization": f"Bearer {bearer}"}, timeout=60
    ) as client:
        route = f"/wp/v2/posts/{post_id}"
        body: dict[str, Any] = client.get(route, params={"context": "edit"}).json()
        content = body["content"]["raw"]
        times = []
        for i in range(runs):
            started = time.perf_counter()
            client.get(  # (wpsync's edit check of a few posts asks their texts too)
                route, params={"context": "edit", "_fields": CHECKED_FIELDS}
            ).raise_for_status()
            client.post(
                route,
                params={"_fields": CHECKED_FIELDS},  # (as wpsync's writes ask back)
                json={"content": f"{content}\n<!-- floor {i} {os.getpid()} -->"},
            ).raise_for_status()
            times.append(time.perf_counter() - started)
        client.post(route, json={"content": content}).raise_for_status()
    return statistics.median(times)


def check_floor(wp: WordPressInstance, bearer: str, types: list[str], runs: int = 9) -> float:
    """Median seconds WordPress takes to answer the remote-change check's own questions,
    sent raw as a no-op sends them: per post type, the count (one item by ID) and the
    posts modified after the newest modification, all at once.  The listing filters on
    ``post_modified_gmt``, which wp_posts does not index: MySQL reads every row of the
    type, so this is a floor the site's size sets, not a round trip."""
    statuses = {"status": "any,trash", "context": "edit"}
    with httpx.Client(
        base_url=f"{wp.url}/wp-json", headers={"Authorization": f"Bearer {bearer}"}, timeout=60
    ) as client:
        questions: list[tuple[str, dict[str, Any]]] = []
        for rest_base in types:
            route = f"/wp/v2/{rest_base}"
            newest = client.get(
                route,
                params={**statuses, "per_page": 1, "orderby": "modified", "order": "desc"},
            ).json()
            since = newest[0]["modified_gmt"] if newest else "2000-01-01T00:00:00"
            count = {**statuses, "per_page": 1, "orderby": "id", "order": "desc"}
            listing = {**statuses, "per_page": 100, "orderby": "modified", "order": "desc"}
            questions.append((route, {**count, "_fields": "id,modified_gmt"}))
            questions.append(
                (route, {**listing, "_fields": POST_FIELDS, "modified_after": f"{since}Z"})
            )

        def ask(question: tuple[str, dict[str, Any]]) -> None:
            client.get(question[0], params=question[1]).raise_for_status()

        times = []
        with ThreadPoolExecutor(max_workers=len(questions)) as pool:
            for _ in range(runs):
                started = time.perf_counter()
                list(pool.map(ask, questions))
                times.append(time.perf_counter() - started)
    return statistics.median(times)
