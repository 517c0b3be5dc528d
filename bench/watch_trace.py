"""Where a save's time goes under ``wpsync watch``: one daemon in this process, its steps
timed.

The daemon runs in-process (:class:`wpsync.triggers.watch.Daemon`) on a site folder that
is already synced; each step of the worker's path (event → queue → debounce → run_sync →
remote check → read → references → plan → send → record) and every HTTP request the
daemon's threads make are stamped with ``time.perf_counter`` relative to the save.  The
file is saved in place, and WordPress is polled (as :mod:`bench.watch_latency` does) until
the post shows the new body.  The last saves' timelines are printed, then the median of
each step over all the saves (:func:`describe`: the file event and the timer, wpsync's
own work up to its write, WordPress's write, the poller) — the profile ``bench/run.py``
adds to a missed watch target.

Diagnostic only: it wraps wpsync's internals by name, so a renamed function shows as
missing (and is said so), not as a wrong figure.

    WPSYNC_PASSWORD=… python3 bench/watch_trace.py --config SITE/config.toml \\
        --wp-dir /tmp/wordpress --file 2015/09/post-05000.md --saves 5
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from bench.watch_latency import post_content  # noqa: E402
from tests.sitekit import admin  # noqa: E402
from tests.watchkit import SAVES  # noqa: E402
from tests.wordpress import WordPressInstance  # noqa: E402

Mark = tuple[float, str, str]
MARKS: list[Mark] = []

#: (module, object or None, attribute): the steps stamped on entry and exit
STEPS = (
    ("wpsync.triggers.watch", "Daemon", "_touch"),
    ("wpsync.triggers.watch", "Daemon", "_run"),
    ("wpsync.triggers.watch", None, "run_sync"),
    ("wpsync.store.lock", "FolderLock", "acquire"),
    ("wpsync.store.state", "KeptStore", "get"),
    ("wpsync.store.state", "StateStore", "entries"),
    ("wpsync.engine.executor", "_Run", "__init__"),
    ("wpsync.engine.executor", "_Run", "execute"),
    ("wpsync.engine.executor", "_Run", "_user_rights"),
    ("wpsync.engine.executor", "_Run", "_remote_facts"),
    ("wpsync.engine.executor", "_Run", "_gate"),
    ("wpsync.engine.executor", "_Run", "_apply"),
    ("wpsync.engine.executor", "_Run", "_send"),
    ("wpsync.engine.executor", "_Run", "_record"),
    ("wpsync.engine.reading", "Reader", "scope"),
    ("wpsync.engine.reading", "Reader", "read"),
    ("wpsync.engine.executor", "_Run", "_by_key"),
    ("wpsync.engine.executor", "_Run", "_ask_rights_ahead"),
    ("wpsync.engine.executor", "_Run", "_checked_ahead"),
    ("wpsync.engine.executor", "_Run", "_hint_terms"),
    ("wpsync.engine.executor", "_Run", "_ask_terms_ahead"),
    ("wpsync.engine.executor", "_Run", "_read_flagged"),
    ("wpsync.engine.executor", None, "recognise_unread"),
    ("wpsync.engine.executor", None, "settle_lost_creates"),
    ("wpsync.engine.executor", None, "settle_lost_updates"),
    ("wpsync.store.state", "StateStore", "pending"),
    ("wpsync.store.state", "StateStore", "pushing"),
    ("wpsync.engine.executor", "References", "settle"),
    ("wpsync.engine.executor", "Resolver", "body"),
    ("wpsync.engine.executor", "Resolver", "relink"),
    ("wpsync.engine.executor", None, "recognise"),
    ("wpsync.engine.executor", None, "warm_terms"),
    ("wpsync.engine.plan", None, "plan"),
    ("wpsync.engine.remotecheck", "RemoteCheck", "run"),
)


def mark(what: str) -> None:
    MARKS.append((time.perf_counter(), threading.current_thread().name, what))


def stamp(module: str, owner: str | None, name: str) -> bool:
    """Wrap one step; False when it is not there any more."""
    mod = sys.modules.get(module) or __import__(module, fromlist=["_"])
    target: Any = getattr(mod, owner, None) if owner else mod
    original = getattr(target, name, None) if target is not None else None
    if original is None:
        return False
    label = f"{owner + '.' if owner else ''}{name}"

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark("> " + label)
        try:
            return original(*args, **kwargs)
        finally:
            mark("< " + label)

    setattr(target, name, wrapper)
    return True


def stamp_http() -> None:
    send: Callable[..., httpx.Response] = httpx.Client.send

    def timed(self: httpx.Client, request: httpx.Request, *a: Any, **k: Any) -> httpx.Response:
        started = time.perf_counter()
        response = send(self, request, *a, **k)
        if threading.current_thread().name != "MainThread":  # not the poller's
            took = (time.perf_counter() - started) * 1000
            MARKS.append(
                (
                    started,
                    threading.current_thread().name,
                    f"HTTP {request.method} {request.url.path} → {response.status_code}, {took:.1f} ms",
                )
            )
        return response

    httpx.Client.send = timed  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True, help="a synced site's config")
    parser.add_argument("--wp-dir", type=Path, required=True, help="its running WordPress")
    parser.add_argument("--file", required=True, help="the file to save (content-relative)")
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--show", type=int, default=2, help="timelines printed (the last)")
    args = parser.parse_args(argv)

    stamp_http()
    missing = [f"{m}:{o}.{n}" for m, o, n in STEPS if not stamp(m, o, n)]
    if missing:
        print("not stamped (renamed?):", ", ".join(missing))
    from wpsync.config import load_config
    from wpsync.triggers.watch import Daemon, WatchOptions

    config = load_config(args.config)
    daemon = Daemon(config, WatchOptions.from_config(config))
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    started = time.perf_counter()
    while daemon.outcome.syncs < 1:
        if not thread.is_alive():
            raise SystemExit("the daemon stopped before its start-up reconcile ended")
        time.sleep(0.05)
    print(f"start-up reconcile: {time.perf_counter() - started:.2f} s")
    path = config.content.dir / args.file
    original = path.read_text(encoding="utf-8")
    head = original.partition("\n---\n")[0] + "\n---\n"
    wp = WordPressInstance.from_dir(args.wp_dir)
    samples: list[float] = []
    steps: list[SaveSteps] = []
    try:
        with admin(wp) as client:
            found = client.get(
                "/wp/v2/posts",
                params={"slug": Path(args.file).stem, "status": "any", "_fields": "id"},
            ).json()
            fetch = post_content(client, "posts", int(found[0]["id"]))
            for i in range(args.saves):
                MARKS.clear()
                marker = f"trace-{uuid.uuid4().hex[:8]}"
                saved = time.perf_counter()
                MARKS.append((saved, "bench", "SAVE"))
                SAVES["in place"](path, f"{head}Body with marker {marker}.\n")
                deadline = saved + 30
                while marker not in fetch():
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"save {i} not published within 30 s (a conflict?)")
                    time.sleep(0.005)
                samples.append(time.perf_counter() - saved)
                time.sleep(0.3)  # the daemon's own tail (recording) out of the next save
                found_steps = steps_of(list(MARKS), saved, samples[-1])
                if found_steps is not None:
                    steps.append(found_steps)
                if i >= args.saves - args.show:
                    print(f"--- save {i}: {samples[-1] * 1000:.0f} ms")
                    for at, thread_name, what in sorted(MARKS):
                        print(f"{(at - saved) * 1000:8.1f} {thread_name[:14]:14} {what}")
    finally:
        daemon.stop()
        thread.join(5)
        path.write_text(original, encoding="utf-8")
    print("save → post (ms):", [round(s * 1000) for s in samples])
    print(describe(steps, config.watch.debounce_ms))
    return 0


@dataclass(frozen=True)
class SaveSteps:
    """One save's path, in seconds from the save: the run started, its write left and
    was answered, and the poller saw the new body."""

    run: float
    sent: float
    answered: float
    seen: float


def steps_of(marks: list[Mark], saved: float, seen: float) -> SaveSteps | None:
    """The steps of the save at ``saved`` (None if its run or its write is not among
    ``marks``: a save that took another path)."""
    runs = [at for at, _, what in marks if what == "> run_sync" and at >= saved]
    posts = [
        (at, what)
        for at, _, what in marks
        if what.startswith("HTTP POST ") and "/wp/v2/" in what and at >= saved
    ]
    if not runs or not posts:
        return None
    sent, what = min(posts)
    took = float(what.rsplit(", ", 1)[1].removesuffix(" ms")) / 1000
    return SaveSteps(min(runs) - saved, sent - saved, sent + took - saved, seen)


def describe(steps: list[SaveSteps], debounce_ms: int) -> str:
    """Where a save's time went, median of each step over the saves."""
    if not steps:
        return "no save's steps were found"

    def med(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:6.1f} ms"

    debounce = debounce_ms / 1000
    return "\n".join(
        [
            f"where a save's time goes, median over {len(steps)} saves:",
            f"  {med([s.seen for s in steps])}  save → post seen by the poller",
            f"  {debounce * 1000:6.1f} ms  the debounce (quiet time after the last event)",
            f"  {med([s.run - debounce for s in steps])}  the file event's arrival and the timer: the run's start less save + debounce",
            f"  {med([s.sent - s.run for s in steps])}  wpsync: from the run's start to its write leaving (read, render, plan)",
            f"  {med([s.answered - s.sent for s in steps])}  WordPress: the write (POST), sent to answered",
            f"  {med([s.seen - s.answered for s in steps])}  the poller seeing it (polls every ~5 ms; can be < 0: seen before the answer was read)",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
