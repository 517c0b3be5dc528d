"""What a checkout without the state costs: a fresh clone of a published folder (no
``.wpsync/``, as a CI runner has it) against a no-op run with the state, same content.

    python3 bench/adoption.py                   # 1,000 posts (~100 images), local WordPress
    python3 bench/adoption.py --posts 200       # smaller
    python3 bench/adoption.py --wp-dir DIR      # reuse a running instance (reset, not stopped)

Steps: the corpus of bench/corpus.py is published (``sync.concurrency`` 4, batches on);
then ``wpsync sync`` with the state (a no-op), ``wpsync plan`` and ``wpsync sync`` in a
copy without ``.wpsync/`` (the adoption run), and ``wpsync sync`` again in that copy
(a no-op once more).  Each line gives the wall time, the HTTP requests and what was sent.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from bench import corpus  # noqa: E402
from bench.run import env_of, run, sync_json, wpsync_command  # noqa: E402
from tests.sitekit import Site, admin, make_site  # noqa: E402
from tests.wordpress import WordPressInstance, reset, run_script  # noqa: E402


def plan_json(site: Site) -> tuple[float, dict[str, Any]]:
    timed = run(
        [*wpsync_command(), "--config", str(site.config), "plan", "--json"],
        cwd=site.root,
        env=env_of(site),
    )
    return timed.wall, json.loads(timed.done.stdout)


def library_size(wp: WordPressInstance) -> int:
    with admin(wp) as client:
        r = client.get("/wp/v2/media", params={"per_page": 1})
        r.raise_for_status()
        return int(r.headers["X-WP-Total"])


def line(name: str, seconds: float, report: dict[str, Any]) -> str:
    sent = {k: report.get(k, 0) for k in ("created", "updated", "create", "update")}
    what = ", ".join(f"{v} {k}" for k, v in sent.items() if v) or "nothing sent"
    conflicts = report.get("conflicts", report.get("conflict", 0))
    return f"| {name} | {seconds:.2f} s | {report['requests']} | {what} | {conflicts} |"


def bench(wp: WordPressInstance, posts: int, work: Path) -> list[str]:
    reset(wp)
    laptop = make_site(
        work / "laptop",
        wp,
        extra=textwrap.dedent(
            """
            [sync]
            concurrency = 4
            batch = true
            """
        ),
    )
    made = corpus.generate(laptop.content, posts)
    timed, published = sync_json(laptop)
    assert published["created"] == posts, published
    rows = [line(f"publish {posts} posts, {len(made.images)} images", timed.wall, published)]
    media = library_size(wp)
    noops = []
    for _ in range(3):
        timed, noop = sync_json(laptop)
        assert noop["unchanged"] == posts and noop["requests"] == 0, noop
        noops.append(timed.wall)
    rows.append(line("no-op with the state (median of 3)", statistics.median(noops), noop))
    ci = Site(work / "ci", wp)
    shutil.copytree(laptop.root, ci.root, ignore=shutil.ignore_patterns(".wpsync"))
    seconds, plan = plan_json(ci)
    assert plan["create"] == plan["update"] == plan["conflict"] == 0, plan
    rows.append(line("fresh clone: `wpsync plan`", seconds, plan))
    timed, adopted = sync_json(ci)
    assert adopted["created"] == adopted["updated"] == adopted["conflicts"] == 0, adopted
    assert adopted["unchanged"] == posts
    rows.append(line("fresh clone: `wpsync sync` (adoption)", timed.wall, adopted))
    timed, again = sync_json(ci)
    assert again["requests"] == 0, again
    rows.append(line("fresh clone, second `wpsync sync`", timed.wall, again))
    assert library_size(wp) == media, "an image was uploaded again"
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--wp-dir", type=Path, help="reuse this running instance")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wpsync-adoption-") as tmp:
        work = Path(tmp)
        if args.wp_dir is not None:
            run_script("up", "--dir", str(args.wp_dir))
            wp = WordPressInstance.from_dir(args.wp_dir)
            own = None
        else:
            own = work / "wordpress"
            own.mkdir()
            run_script("up", "--dir", str(own), "--port", "0")
            wp = WordPressInstance.from_dir(own)
        try:
            rows = bench(wp, args.posts, work)
        finally:
            if own is not None:
                run_script("down", "--dir", str(own), timeout=120)
    print("| run | wall | requests | sent | conflicts |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
