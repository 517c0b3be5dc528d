"""One wpsync command, run with clocks on its boundaries: where its wall time went, phase by
phase, from the moment the parent started the process, and every request it sent.

    BENCH_SPAWN=$(python3 -c 'import time; print(time.time())') \\
        python3 bench/probe.py --out probe.json -- --config site/config.toml sync --changed

Nothing in wpsync is changed or imported ahead of time: the probe wraps what wpsync calls
at its edges, so a refactor inside wpsync does not blind it —

- every import statement, timed when it is the outermost one of its thread ("imports",
  wherever it happens: at start-up or lazily inside a command);
- ``wpsync.config.load_config`` ("config");
- SQLite (``sqlite3.connect`` gets a timed connection): SELECTs and their fetches are
  "state read" (the rows fetched are counted), writes and commits are "record";
- ``subprocess.run`` of git ("scan/git"), and wpsync's folder scan where it is found
  (``Reader.scope``, looked up when its module loads; skipped if it has gone);
- Python-Markdown's ``Markdown.convert`` and markdown-it's ``parse``/``render`` ("render");
- httpx's ``Client._send_single_request`` (``send`` if it is gone): "requests", each
  with its method, route and status (a token fetched by an auth flow included).

:func:`flatten` turns the (nested, possibly concurrent) spans into a timeline: each
instant belongs to the innermost span open then, the gaps to "wpsync (other)", and the
time before the probe's first line to "interpreter start"; after the command returns, the
joining of its threads and its exit handlers, then (added by the parent, :func:`probe`)
the interpreter's teardown until the process ended.  The JSON written to ``--out`` holds it all.
"""

from __future__ import annotations

import time

_T_FIRST = time.time()  # as early as possible: the end of the interpreter's own start-up

import atexit  # noqa: E402
import builtins  # noqa: E402
import functools  # noqa: E402
import heapq  # noqa: E402
import importlib.abc  # noqa: E402
import importlib.machinery  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

INTERPRETER = "interpreter start"
IMPORTS = "imports"
OTHER = "wpsync (other)"
JOIN = "exit: threads, exit handlers"
EXIT = "exit: interpreter teardown"
PROBE = "probe set-up (not wpsync)"
#: the phases in the order a reader expects them (the chart's legend)
ORDER = (
    INTERPRETER,
    IMPORTS,
    "config",
    "state read",
    "scan/git",
    "render",
    "requests",
    "record",
    OTHER,
    PROBE,
    JOIN,
    EXIT,
)


@dataclass(frozen=True)
class Span:
    label: str
    start: float  # seconds since the process was spawned
    end: float

    @property
    def took(self) -> float:
        return self.end - self.start


def flatten(spans: Sequence[Span], begin: float, end: float) -> list[Span]:
    """The timeline from ``begin`` to ``end``: each elementary interval goes to the
    innermost (latest-started) span open over it, else to :data:`OTHER`; neighbours with
    the same label are merged.  A sweep: O(n log n) in the spans."""
    cuts = sorted({begin, end, *(s.start for s in spans), *(s.end for s in spans)})
    cuts = [c for c in cuts if begin <= c <= end]
    ordered = sorted(spans, key=lambda s: s.start)
    open_: list[tuple[float, int, Span]] = []  # a max-heap on start (ties: the later one)
    nxt = 0
    out: list[Span] = []
    for a, b in itertools.pairwise(cuts):
        if b <= a:
            continue
        while nxt < len(ordered) and ordered[nxt].start <= a:
            heapq.heappush(open_, (-ordered[nxt].start, -nxt, ordered[nxt]))
            nxt += 1
        while open_ and open_[0][2].end <= a:  # ended: gone (lazily, from the top)
            heapq.heappop(open_)
        label = open_[0][2].label if open_ else OTHER
        if out and out[-1].label == label:
            out[-1] = Span(label, out[-1].start, b)
        else:
            out.append(Span(label, a, b))
    return out


def totals(timeline: Sequence[Span]) -> dict[str, float]:
    """Seconds per phase, in :data:`ORDER`."""
    sums: dict[str, float] = {}
    for s in timeline:
        sums[s.label] = sums.get(s.label, 0.0) + s.took
    return {label: sums[label] for label in ORDER if label in sums} | {
        k: v for k, v in sums.items() if k not in ORDER
    }


def describe(data: dict[str, Any]) -> str:
    """A probe's JSON as text: the phases' sums, then the requests."""
    timeline = [Span(*s) for s in data["timeline"]]
    lines = [
        f"{data['wall'] * 1000:.0f} ms from spawn to exit; {len(data['requests'])} requests; "
        f"{data['rows_read']} state rows read in {data['selects']} SELECTs"
    ]
    for label, took in totals(timeline).items():
        lines.append(f"  {took * 1000:7.1f} ms  {label}")
    for r in data["requests"]:
        lines.append(
            f"  request at {r['start'] * 1000:6.0f} ms, {r['took'] * 1000:5.0f} ms: "
            f"{r['method']} {r['route']} → {r['status']}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- the clocks


class _Recorder:
    def __init__(self, spawn: float) -> None:
        self.spawn = spawn
        self.spans: list[Span] = []
        self.requests: list[dict[str, Any]] = []
        self.rows_read = 0
        self.selects = 0
        self.local = threading.local()

    def now(self) -> float:
        return time.time() - self.spawn

    def timed(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            begin = self.now()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spans.append(Span(label, begin, self.now()))

        wrapper.__wpsync_probe__ = True  # type: ignore[attr-defined]
        return wrapper


REC: _Recorder | None = None


def _rec() -> _Recorder:
    assert REC is not None
    return REC


def _wrap_attr(owner: Any, name: str, label: str) -> None:
    fn = getattr(owner, name, None)
    if fn is None or getattr(fn, "__wpsync_probe__", False):
        return
    setattr(owner, name, _rec().timed(label, fn))


# Patched as each module finishes loading (never imported by the probe itself, so the
# command loads exactly what it would load without the probe).
LAZY: dict[str, list[tuple[str, str]]] = {
    "wpsync.config": [("load_config", "config")],
    "wpsync.engine.reading": [("Reader.scope", "scan/git")],
    "markdown.core": [("Markdown.convert", "render")],
    "markdown_it.main": [("MarkdownIt.render", "render"), ("MarkdownIt.parse", "render")],
    "httpx._client": [("Client.send", "requests")],
}


def _patch(module: Any) -> None:
    for dotted, label in LAZY.get(module.__name__, ()):
        owner = module
        *path, name = dotted.split(".")
        for part in path:
            owner = getattr(owner, part, None)
            if owner is None:
                break
        if owner is None:
            continue
        if dotted == "Client.send":
            _wrap_send(owner)
        else:
            _wrap_attr(owner, name, label)


def _wrap_send(client_class: Any) -> None:
    # each HTTP request, those of an auth flow (a token fetched on the way) included
    name = "_send_single_request" if hasattr(client_class, "_send_single_request") else "send"
    send = getattr(client_class, name)
    if getattr(send, "__wpsync_probe__", False):
        return
    rec = _rec()

    @functools.wraps(send)
    def timed_send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        begin = rec.now()
        status: int | str = "error"
        try:
            response = send(self, request, *args, **kwargs)
            status = response.status_code
            return response
        finally:
            end = rec.now()
            rec.spans.append(Span("requests", begin, end))
            rec.requests.append(
                {
                    "method": request.method,
                    "route": request.url.path,
                    "status": status,
                    "start": begin,
                    "took": end - begin,
                }
            )

    timed_send.__wpsync_probe__ = True  # type: ignore[attr-defined]
    setattr(client_class, name, timed_send)


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.inner.exec_module(module)
        _patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Hands the modules of :data:`LAZY` a loader that patches them once loaded."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in LAZY:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def _install_imports() -> None:
    rec = _rec()
    original = builtins.__import__

    def timed_import(name: str, *args: Any, **kwargs: Any) -> Any:
        depth = getattr(rec.local, "depth", 0)
        fromlist = args[2] if len(args) > 2 else kwargs.get("fromlist")
        if depth or (name in sys.modules and not fromlist):  # nested, or loaded already
            return original(name, *args, **kwargs)
        rec.local.depth = 1
        begin = rec.now()
        try:
            return original(name, *args, **kwargs)
        finally:
            rec.local.depth = 0
            end = rec.now()
            if end - begin > 20e-6:  # a cached import costs microseconds: not a span
                rec.spans.append(Span(IMPORTS, begin, end))

    builtins.__import__ = timed_import
    sys.meta_path.insert(0, _Finder())


class _Cursor(sqlite3.Cursor):
    def execute(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
        rec = _rec()
        label = "state read" if _reads(sql) else "record"
        if label == "state read":
            rec.selects += 1
        begin = rec.now()
        try:
            return super().execute(sql, *args)
        finally:
            rec.spans.append(Span(label, begin, rec.now()))

    def executemany(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
        rec = _rec()
        begin = rec.now()
        try:
            return super().executemany(sql, *args)
        finally:
            rec.spans.append(Span("record", begin, rec.now()))

    def fetchall(self) -> list[Any]:
        rec = _rec()
        begin = rec.now()
        rows = super().fetchall()
        rec.rows_read += len(rows)
        rec.spans.append(Span("state read", begin, rec.now()))
        return rows

    def fetchmany(self, *args: Any) -> list[Any]:
        rows = super().fetchmany(*args)
        _rec().rows_read += len(rows)
        return rows

    def fetchone(self) -> Any:
        row = super().fetchone()
        if row is not None:
            _rec().rows_read += 1
        return row

    def __next__(self) -> Any:
        row = super().__next__()
        _rec().rows_read += 1
        return row


def _reads(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in ("SELECT", "PRAGMA", "WITH")


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)

    def execute(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
        return self.cursor().execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
        return self.cursor().executemany(sql, *args)

    def commit(self) -> None:
        rec = _rec()
        begin = rec.now()
        try:
            super().commit()
        finally:
            rec.spans.append(Span("record", begin, rec.now()))


def _install_sqlite_and_git() -> None:
    connect = sqlite3.connect

    def timed_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        kwargs.setdefault("factory", _Connection)
        rec = _rec()
        begin = rec.now()
        try:
            return connect(*args, **kwargs)
        finally:
            rec.spans.append(Span("state read", begin, rec.now()))

    sqlite3.connect = timed_connect  # type: ignore[assignment]
    run = subprocess.run

    def timed_run(*args: Any, **kwargs: Any) -> Any:
        argv = args[0] if args else kwargs.get("args")
        first = argv[0] if isinstance(argv, (list, tuple)) and argv else str(argv)
        if Path(str(first)).name != "git":
            return run(*args, **kwargs)
        rec = _rec()
        begin = rec.now()
        try:
            return run(*args, **kwargs)
        finally:
            rec.spans.append(Span("scan/git", begin, rec.now()))

    subprocess.run = timed_run  # type: ignore[assignment]


# ---------------------------------------------------------------------------- the parent's side


def probe(
    wpsync_args: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    out: Path,
    check: bool = True,
) -> dict[str, Any]:
    """Run ``wpsync <wpsync_args>`` under the probe (this interpreter); its JSON, with the
    wall time from spawn to exit, the "exit" phase, its output (``stdout``, ``stderr``)
    and exit status (``code``) added.  Raises on a failed command if ``check``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--out", str(out), "--", *wpsync_args]
    spawn = time.time()
    done = subprocess.run(
        cmd,
        cwd=cwd,
        env={**env, "BENCH_SPAWN": repr(spawn)},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.time() - spawn
    if not out.is_file() or (check and done.returncode != 0):
        raise RuntimeError(
            f"probe of wpsync {' '.join(wpsync_args)} exited {done.returncode}:\n{done.stderr[-3000:]}"
        )
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    data["timeline"].append((EXIT, data["returned"], wall))
    data["wall"] = wall
    data["stdout"] = done.stdout
    data["stderr"] = done.stderr
    data["code"] = done.returncode
    return data


# ---------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    global REC
    if "--" not in argv or argv[:1] != ["--out"]:
        print("usage: probe.py --out FILE -- WPSYNC-ARGS…", file=sys.stderr)
        return 2
    out = Path(argv[1])
    args = argv[argv.index("--") + 1 :]
    spawn = float(os.environ.get("BENCH_SPAWN") or _T_FIRST)
    rec = REC = _Recorder(spawn)
    started = _T_FIRST - spawn
    _install_imports()
    _install_sqlite_and_git()
    begin = rec.now()
    ran: dict[str, Any] = {"code": 1, "returned": None}

    def write() -> None:
        """Registered before wpsync runs, so it runs after wpsync's own exit handlers
        (and after the interpreter joined the worker threads): what follows it is the
        interpreter's teardown alone."""
        at_exit = rec.now()
        # a one-shot command that finished leaves from inside (wpsync/cli/exiting.py):
        # its exit duties run, this among them, but it never returns here
        end = ran["returned"] if ran["returned"] is not None else at_exit
        timeline = [Span(INTERPRETER, 0.0, started)]
        if begin > started:  # the probe's own few lines
            timeline.append(Span(PROBE, started, begin))
        timeline += flatten(list(rec.spans), begin, end)
        timeline.append(Span(JOIN, end, at_exit))
        out.write_text(
            json.dumps(
                {
                    "code": ran["code"],
                    "returned": at_exit,
                    "timeline": [(s.label, s.start, s.end) for s in timeline],
                    "requests": rec.requests,
                    "rows_read": rec.rows_read,
                    "selects": rec.selects,
                }
            ),
            encoding="utf-8",
        )

    atexit.register(write)
    try:
        from wpsync.cli.main import main as cli

        cli(args=args, prog_name="wpsync", standalone_mode=True)  # as the program runs it
        ran["code"] = 0
    except SystemExit as exc:
        ran["code"] = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    ran["returned"] = rec.now()
    return int(ran["code"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
