"""Where a ``wpsync sync`` spends its wall time, phase by phase (a timeline, not a sample).

    python3 bench/phases.py --config site/config.toml [PATH ...]

Runs the sync in this process with each phase of the pipeline wrapped by a clock, then
prints one line per phase: when it started, how long it took.  The benchmark appends it
to a result whose target was missed: unlike a profile of the main thread, it shows the
time spent waiting for WordPress next to the time spent working.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script (a wpsync on PYTHONPATH comes first)
    sys.path.append(str(REPO))

PHASES = (
    ("reading", "Reader.scope", "list the folder (stat only)"),
    ("reading", "Reader.read", "read and render the changed files"),
    ("references", "References.settle", "images, links, folder pages"),
    ("sync", "_Run._remote_facts", "look up posts and slugs in WordPress"),
    ("plan", "plan", "plan"),
    ("sync", "warm_terms", "terms (created or found)"),
    ("resolver", "Resolver.upload_images", "images uploaded"),
    ("sync", "_Run._send", "posts written (one wave)"),
    ("resolver", "Resolver.relink", "links to posts of this run"),
    ("sync", "_Run._apply_writes", "all writes"),
)


def timeline(config_path: Path, paths: list[Path]) -> str:
    started = time.perf_counter()
    import wpsync.engine.executor
    import wpsync.engine.plan
    import wpsync.engine.reading
    import wpsync.engine.references
    import wpsync.engine.resolver
    import wpsync.engine.run
    from wpsync.config import load_config

    imported = time.perf_counter() - started
    modules = {
        "sync": wpsync.engine.executor,
        "reading": wpsync.engine.reading,
        "resolver": wpsync.engine.resolver,
        "references": wpsync.engine.references,
        "plan": wpsync.engine.plan,
    }
    marks: list[tuple[str, float, float]] = []

    def wrap(owner: Any, name: str, label: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            begin = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                marks.append((label, begin - started, time.perf_counter() - begin))

        setattr(owner, name, timed)

    for module, dotted, label in PHASES:
        owner: Any = modules[module]
        *path, name = dotted.split(".")
        for part in path:
            owner = getattr(owner, part)
        if hasattr(owner, name):
            wrap(owner, name, label)
    config = load_config(config_path)
    request = wpsync.engine.run.SyncRequest(paths=tuple(paths) or None)
    report = wpsync.engine.run.run_sync(config, request)
    total = time.perf_counter() - started
    lines = [
        f"{total:.2f} s in all; {report.requests} requests; "
        f"{', '.join(f'{report.count(a)} {a}' for a in ('created', 'updated', 'unchanged') if report.count(a))}",
        f"  {0.0:6.2f} s  +{imported:5.2f} s  import wpsync",
    ]
    lines += [f"  {at:6.2f} s  +{took:5.2f} s  {label}" for label, at, took in marks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    print(timeline(args.config, args.paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
