"""The bench's pure parts: the phase timeline of bench/probe.py, the ABBA order and the
raw loop's batching of bench/run.py and bench/raw.py, and the charts (bench/charts.py)."""

from __future__ import annotations

import itertools
import struct
import zlib
from pathlib import Path

import pytest

from bench import charts, raw
from bench.probe import IMPORTS, OTHER, Span, describe, flatten, totals
from bench.run import abba
from bench.watch_trace import SaveSteps, steps_of
from bench.watch_trace import describe as describe_save
from wpsync.engine.batch import groups as wpsync_groups


def test_each_instant_goes_to_the_innermost_open_span_and_gaps_to_wpsync() -> None:
    spans = [
        Span("requests", 1.0, 5.0),
        Span(IMPORTS, 2.0, 3.0),  # an import while a request is in flight
        Span("render", 2.5, 4.0),  # nested deeper still
        Span("record", 7.0, 8.0),
    ]
    assert flatten(spans, 0.0, 10.0) == [
        Span(OTHER, 0.0, 1.0),
        Span("requests", 1.0, 2.0),
        Span(IMPORTS, 2.0, 2.5),
        Span("render", 2.5, 4.0),
        Span("requests", 4.0, 5.0),
        Span(OTHER, 5.0, 7.0),
        Span("record", 7.0, 8.0),
        Span(OTHER, 8.0, 10.0),
    ]


def test_the_timeline_covers_exactly_the_run_and_merges_neighbours() -> None:
    spans = [Span("state read", 1.0, 2.0), Span("state read", 2.0, 3.0), Span("x", 9.0, 12.0)]
    timeline = flatten(spans, 0.5, 10.0)
    assert timeline[0].start == 0.5 and timeline[-1].end == 10.0
    assert all(a.end == b.start for a, b in itertools.pairwise(timeline))
    assert Span("state read", 1.0, 3.0) in timeline
    sums = totals(timeline)
    assert sums == pytest.approx({"state read": 2.0, OTHER: 6.5, "x": 1.0})
    assert sum(sums.values()) == pytest.approx(9.5)


def test_a_long_run_flattens_fast() -> None:
    """Thousands of spans (a 1,000-post publish) must not take quadratic time."""
    spans = [Span("render", i * 1.0, i + 0.5) for i in range(20_000)]
    spans += [Span(IMPORTS, i + 0.1, i + 0.2) for i in range(0, 20_000, 7)]
    timeline = flatten(spans, 0.0, 20_000.0)
    assert totals(timeline)["render"] == pytest.approx(20_000 * 0.5 - 2858 * 0.1)


def test_describe_names_every_phase_and_request() -> None:
    data = {
        "wall": 0.5,
        "rows_read": 3,
        "selects": 2,
        "timeline": [("interpreter start", 0.0, 0.05), ("requests", 0.05, 0.5)],
        "requests": [
            {
                "method": "POST",
                "route": "/wp-json/batch/v1",
                "status": 207,
                "start": 0.1,
                "took": 0.2,
            }
        ],
    }
    text = describe(data)
    assert "500 ms from spawn to exit; 1 requests; 3 state rows read in 2 SELECTs" in text
    assert "interpreter start" in text and "POST /wp-json/batch/v1 → 207" in text


def test_abba_alternates_the_two_sides_in_blocks() -> None:
    order: list[str] = []
    a, b = abba(lambda: order.append("A") or 1, lambda: order.append("B") or 2, 3)
    assert "".join(order) == "ABBAAB"
    assert len(a) == len(b) == 3 and set(a) == {1} and set(b) == {2}


@pytest.mark.parametrize(("count", "concurrency"), [(1000, 4), (30, 4), (2, 4), (51, 3), (1, 4)])
def test_the_raw_loop_batches_as_wpsync_does(count: int, concurrency: int) -> None:
    mine = raw.groups(count, concurrency)
    assert mine == list(wpsync_groups(count, concurrency, batching=True))
    assert [i for g in mine for i in g] == list(range(count))
    assert max(len(g) for g in mine) <= raw.MAX_BATCH


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0]  # the IHDR chunk
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_chart_of_a_full_run_has_a_panel_per_measurement(tmp_path: Path) -> None:
    data = {
        "publish": {
            "posts": 1000,
            "walls": {
                "batched": [11.0, 10.5],
                "raw batched": [9.0, 8.5],
                "single": [21.0, 22.0],
                "raw": [20.0, 19.0],
            },
        },
        "watch": {
            "samples": [0.34 + i / 1000 for i in range(50)],
            "debounce": 0.3,
            "files": 10_000,
        },
        "changed": {
            "files": 10_000,
            "timeline": [
                ("interpreter start", 0.0, 0.04),
                ("imports", 0.04, 0.3),
                ("requests", 0.3, 0.35),
                ("exit: interpreter teardown", 0.35, 0.37),
            ],
        },
    }
    three = charts.draw(data, tmp_path / "results" / "2026-12-01-full.png", "wpsync bench")
    one = charts.draw({"watch": data["watch"]}, tmp_path / "one.png", "watch only")
    (w3, h3), (w1, h1) = _png_size(three), _png_size(one)
    assert w3 == w1 and h3 > 2.5 * h1  # three panels stacked


def test_no_measurement_no_chart(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nothing to draw"):
        charts.draw({}, tmp_path / "x.png", "empty")
    assert not (tmp_path / "x.png").exists()


def test_a_saves_steps_are_read_from_its_marks() -> None:
    saved = 100.0
    marks = [
        (saved, "bench", "SAVE"),
        (saved + 0.003, "Thread-3", "> Daemon._touch"),
        (saved + 0.250, "wpsync-ahead_0", "HTTP GET /wp-json/wp/v2/posts → 200, 20.0 ms"),
        (saved + 0.305, "wpsync-watch", "> run_sync"),
        (saved + 0.315, "wpsync_0", "HTTP POST /wp-json/wp/v2/posts/7 → 200, 40.0 ms"),
        (saved + 0.360, "wpsync_0", "HTTP POST /wp-json/wp/v2/posts/7 → 200, 30.0 ms"),
    ]
    steps = steps_of(marks, saved, 0.350)
    assert steps == SaveSteps(
        run=pytest.approx(0.305),
        sent=pytest.approx(0.315),
        answered=pytest.approx(0.355),
        seen=0.350,
    )
    # a save whose run or write is not among the marks has no steps
    assert steps_of(marks[:3], saved, 0.3) is None
    assert steps_of(marks, saved + 1, 0.3) is None


def test_a_saves_steps_are_told_as_medians() -> None:
    steps = [SaveSteps(0.304, 0.314, 0.354, 0.350), SaveSteps(0.306, 0.318, 0.350, 0.362)]
    text = describe_save(steps, 300)
    assert "median over 2 saves" in text
    assert "    5.0 ms  the file event's arrival and the timer" in text
    assert "   11.0 ms  wpsync: from the run's start to its write leaving" in text
    assert "   36.0 ms  WordPress: the write (POST)" in text
    assert describe_save([], 300) == "no save's steps were found"
