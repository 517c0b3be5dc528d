"""The watch daemon's timers (wpsync/triggers/timers.py): the periodic reconcile and the
token's self-rescheduling renewal check, on the wall clock."""

from __future__ import annotations

import itertools
import logging
import threading
import time

import pytest

from wpsync.triggers.timers import Timers


class FakeClock:
    """A wall clock the test moves (a suspend, an NTP step)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def jump(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def wait_until(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


def test_every_runs_one_interval_apart_and_not_at_once() -> None:
    runs: list[float] = []
    timers = Timers()
    started = time.monotonic()
    timers.every(0.1, lambda: runs.append(time.monotonic() - started), name="tick")
    try:
        time.sleep(0.05)
        assert runs == []  # the first run is one interval away
        wait_until(lambda: len(runs) >= 3)
    finally:
        timers.stop()
    assert runs[0] >= 0.09
    assert all(b - a >= 0.05 for a, b in itertools.pairwise(runs))


def test_after_runs_again_as_the_job_says_and_stops_when_it_returns_none() -> None:
    delays = [0.02, 0.02, None, 0.01]
    runs: list[int] = []

    def job() -> float | None:
        runs.append(len(runs))
        return delays[len(runs) - 1]

    timers = Timers()
    timers.after(0.0, job, name="renew")
    wait_until(lambda: len(runs) == 3)
    time.sleep(0.1)
    timers.stop()
    assert runs == [0, 1, 2]  # the None ended it: the fourth delay is never asked


def test_a_failing_job_is_logged_and_keeps_its_schedule(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    def job() -> None:
        calls.append(1)
        raise RuntimeError("boom")

    timers = Timers()
    with caplog.at_level(logging.ERROR, logger="wpsync.triggers.timers"):
        timers.every(0.02, job, name="reconcile")
        wait_until(lambda: len(calls) >= 2)
        timers.stop()
    assert "the reconcile job failed" in caplog.text and "boom" in caplog.text


def test_a_failing_self_scheduling_job_is_tried_again_a_slice_later() -> None:
    calls: list[int] = []

    def job() -> float | None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("no answer")
        return None

    timers = Timers(slice_=0.02)
    timers.after(0.0, job, name="renew")
    wait_until(lambda: len(calls) == 2)
    timers.stop()


def test_stop_ends_a_long_wait_at_once_and_no_job_runs_after_it() -> None:
    runs: list[int] = []
    timers = Timers()
    timers.every(3600, lambda: runs.append(1), name="reconcile")

    def renew() -> float | None:
        runs.append(1)
        return None

    timers.after(3600, renew, name="renew")
    started = time.monotonic()
    timers.stop()
    timers.join(2.0)
    assert time.monotonic() - started < 1.0
    assert runs == []
    assert timers.stopped


def test_the_wall_clock_decides_a_suspended_machine_runs_a_missed_job_once_on_waking() -> None:
    clock = FakeClock()
    runs: list[float] = []
    timers = Timers(clock=clock, slice_=0.01)
    timers.every(600, lambda: runs.append(clock()), name="reconcile")
    try:
        time.sleep(0.05)
        assert runs == []  # 10 minutes have not passed on the wall clock
        clock.jump(3 * 600 + 5)  # asleep through three due times
        wait_until(lambda: len(runs) == 1)
        time.sleep(0.05)
        assert len(runs) == 1  # once, not once per missed time
        clock.jump(600)
        wait_until(lambda: len(runs) == 2)
    finally:
        timers.stop()


def test_an_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Timers().every(0, lambda: None, name="x")
