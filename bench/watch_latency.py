"""Save → post-updated latency of ``wpsync watch``, against the real local WordPress.

The measuring function, :func:`save_latencies`, is what the tests and the benchmarks share:
it saves a file ``n`` times (each time with a new marker in its body) and, after each save,
polls the REST API until the post's raw content holds that marker.  The clock runs from
just before the write to the first answer that shows the marker (so the figure includes
the debounce, the sync, and at most one polling interval, ~15 ms).

Run by hand (starts its own WordPress unless --wp-dir names a running instance)::

    python3 bench/watch_latency.py --saves 50 --debounce-ms 300
    python3 bench/watch_latency.py --saves 50 --editor vim --poll
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from tests.sitekit import Site, admin, make_site  # noqa: E402
from tests.watchkit import SAVES, WatchDaemon, created, post_id  # noqa: E402
from tests.wordpress import WordPressInstance, reset, run_script  # noqa: E402


@dataclass(frozen=True)
class Latency:
    samples: tuple[float, ...]  # seconds, in save order

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def quantile(self, q: float) -> float:
        """The sample at quantile ``q`` (nearest rank)."""
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    @property
    def p90(self) -> float:
        return self.quantile(0.90)

    @property
    def p95(self) -> float:
        return self.quantile(0.95)

    def describe(self) -> str:
        ms = [s * 1000 for s in self.samples]
        return (
            f"{len(ms)} saves: median {self.median * 1000:.0f} ms, p95 {self.p95 * 1000:.0f} ms, "
            f"min {min(ms):.0f} ms, max {max(ms):.0f} ms"
        )


def post_content(client: httpx.Client, rest_base: str, post: int) -> Callable[[], str]:
    """A function returning the post's raw content, read as an administrator."""

    def fetch() -> str:
        r = client.get(
            f"/wp/v2/{rest_base}/{post}", params={"context": "edit", "_fields": "content"}
        )
        r.raise_for_status()
        return str(r.json()["content"]["raw"])

    return fetch


def save_latencies(
    path: Path,
    fetch: Callable[[], str],
    n: int,
    *,
    save: Callable[[Path, str], None] = SAVES["in place"],
    head: str = "---\ntitle: Latency probe\n---\n",
    timeout: float = 30.0,
    pause: float = 0.0,
    poll_interval: float = 0.005,
) -> Latency:
    """Save ``path`` ``n`` times with ``save``; the seconds until WordPress showed each."""
    samples: list[float] = []
    run = uuid.uuid4().hex[:8]
    for i in range(n):
        marker = f"probe-{run}-{i}"
        started = time.perf_counter()
        save(path, f"{head}Body with marker {marker}.\n")
        deadline = started + timeout
        while marker not in fetch():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"save {i} ({marker}) not published within {timeout} s")
            time.sleep(poll_interval)
        samples.append(time.perf_counter() - started)
        if pause:
            time.sleep(pause)
    return Latency(tuple(samples))


def measure(
    wp: WordPressInstance,
    root: Path,
    *,
    saves: int,
    debounce_ms: int,
    editor: str = "in place",
    poll: bool = False,
) -> Latency:
    """A fresh site folder under ``root``, a daemon on it, ``saves`` saves of one post."""
    site: Site = make_site(root, wp, extra=f"\n[watch]\ndebounce_ms = {debounce_ms}\n")
    path = site.write("probe.md", "---\ntitle: Latency probe\n---\nFirst body.\n")
    with WatchDaemon(site, *(["--poll"] if poll else [])) as daemon:
        post = post_id(daemon.wait_for(created("probe.md"))[0])
        with admin(wp) as client:
            return save_latencies(
                path, post_content(client, "posts", post), saves, save=SAVES[editor]
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--debounce-ms", type=int, default=300)
    parser.add_argument("--editor", choices=sorted(SAVES), default="in place")
    parser.add_argument("--poll", action="store_true", help="wpsync watch --poll")
    parser.add_argument("--wp-dir", type=Path, help="a running instance (scripts/wordpress up)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wpsync-latency-") as tmp:
        wp_dir = args.wp_dir or Path(tmp) / "wordpress"
        if args.wp_dir is None:
            run_script("up", "--dir", str(wp_dir), "--port", "0")
        try:
            wp = WordPressInstance.from_dir(wp_dir)
            reset(wp)
            latency = measure(
                wp,
                Path(tmp) / "site",
                saves=args.saves,
                debounce_ms=args.debounce_ms,
                editor=args.editor,
                poll=args.poll,
            )
        finally:
            if args.wp_dir is None:
                run_script("down", "--dir", str(wp_dir))
    print(
        f"wpsync watch, debounce {args.debounce_ms} ms, {args.editor} saves"
        f"{', polling' if args.poll else ''}: {latency.describe()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
