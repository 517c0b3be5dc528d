"""The bench's charts: one PNG per full run, drawn from what :mod:`bench.run` measured
(``Report.data``), for people who would rather look than read.

1. throughput of the initial publish: wpsync against both raw loops (posts/s bars, each
   run's figure a dot, the spread a whisker from the slowest run to the fastest);
2. the distribution of ``wpsync watch`` save → post updated latencies (histogram, with
   the debounce, the median and the p90 marked);
3. the ``sync --changed`` phase timeline (one horizontal stacked bar, from spawn to exit).

matplotlib (a bench-only dependency: the ``bench`` extra) is imported here only, with
the Agg backend: no display needed.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

# the publish runs, in the order drawn, with their labels
THROUGHPUT = (
    ("batched", "wpsync, /batch/v1"),
    ("raw batched", "raw loop, /batch/v1"),
    ("single", "wpsync, one request a post"),
    ("raw", "raw loop, one request a post"),
)
# a colour per phase (bench/probe.py's names); anything else is grey
PHASE_COLOURS = {
    "interpreter start": "#9e9e9e",
    "probe set-up (not wpsync)": "#e0e0e0",
    "imports": "#e15759",
    "config": "#f28e2b",
    "state read": "#4e79a7",
    "scan/git": "#76b7b2",
    "render": "#59a14f",
    "requests": "#edc948",
    "record": "#b07aa1",
    "wpsync (other)": "#ff9da7",
    "exit: threads, exit handlers": "#8c8c8c",
    "exit: interpreter teardown": "#bab0ac",
}


def draw(data: Mapping[str, Any], path: Path, title: str) -> Path:
    """One PNG with a panel for each measurement ``data`` holds (``publish``, ``watch``,
    ``changed``); raises ValueError when it holds none."""
    panels = [k for k in ("publish", "watch", "changed") if k in data]
    if not panels:
        raise ValueError("nothing to draw: no publish, watch or --changed figures")
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 3.4 * len(panels)), squeeze=False)
    for ax, key in zip(axes[:, 0], panels, strict=True):
        {"publish": _throughput, "watch": _latencies, "changed": _timeline}[key](ax, data[key])
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _throughput(ax: Any, publish: Mapping[str, Any]) -> None:
    posts = publish["posts"]
    walls: Mapping[str, Sequence[float]] = publish["walls"]
    kinds = [(key, label) for key, label in THROUGHPUT if walls.get(key)]
    rates = [[posts / w for w in walls[key]] for key, _ in kinds]
    means = [posts / statistics.mean(walls[key]) for key, _ in kinds]
    xs = range(len(kinds))
    colours = ["#4e79a7" if not key.startswith("raw") else "#bab0ac" for key, _ in kinds]
    ax.bar(xs, means, color=colours)
    for x, rs in zip(xs, rates, strict=True):
        ax.plot([x] * len(rs), rs, "k.", markersize=6)
        if len(rs) > 1:
            ax.vlines(x, min(rs), max(rs), color="k", linewidth=1)
    for x, m in zip(xs, means, strict=True):
        ax.annotate(
            f"{m:.0f}" if m >= 10 else f"{m:.1f}",
            (x, m),
            textcoords="offset points",
            xytext=(6, 3),
            ha="left",
        )
    ax.set_xticks(list(xs), [label for _, label in kinds], fontsize=8)
    ax.set_ylabel("posts/s")
    runs = max(len(r) for r in rates)
    ax.set_title(
        f"initial publish of {posts} posts (mean of {runs} run{'s' if runs > 1 else ''}; dots: each run)",
        fontsize=10,
    )


def _latencies(ax: Any, watch: Mapping[str, Any]) -> None:
    samples = [s * 1000 for s in watch["samples"]]
    debounce = watch["debounce"] * 1000
    ordered = sorted(samples)
    median = statistics.median(ordered)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    ax.hist(samples, bins=min(30, max(5, len(samples) // 2)), color="#4e79a7")
    ax.axvline(debounce, color="#9e9e9e", linestyle="--", label=f"debounce {debounce:.0f} ms")
    ax.axvline(median, color="#e15759", label=f"median {median:.0f} ms")
    ax.axvline(p90, color="#f28e2b", linestyle=":", label=f"p90 {p90:.0f} ms")
    ax.set_xlabel("save → post updated (ms)")
    ax.set_ylabel("saves")
    ax.legend(fontsize=8)
    ax.set_title(f"`wpsync watch` on {watch['files']} files: {len(samples)} saves", fontsize=10)


def _timeline(ax: Any, changed: Mapping[str, Any]) -> None:
    segments = [(str(label), float(a), float(b)) for label, a, b in changed["timeline"]]
    sums: dict[str, float] = {}
    for label, a, b in segments:
        sums[label] = sums.get(label, 0.0) + (b - a) * 1000
    shown: set[str] = set()
    for label, a, b in segments:
        colour = PHASE_COLOURS.get(label, "#cccccc")
        ax.barh(
            0,
            (b - a) * 1000,
            left=a * 1000,
            color=colour,
            edgecolor="none",
            label=f"{label} ({sums[label]:.0f} ms)" if label not in shown else None,
        )
        shown.add(label)
    end = max(b for _, _, b in segments) * 1000
    ax.set_xlim(0, end)
    ax.set_yticks([])
    ax.set_xlabel("ms since the process was spawned")
    ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.35))
    ax.set_title(
        f"`wpsync sync --changed HEAD`, one file in {changed['files']}: {end:.0f} ms, spawn to exit",
        fontsize=10,
    )
