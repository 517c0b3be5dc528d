"""The watch daemon's clockwork: a job run every so often (the periodic full reconcile) and
a job that says itself when it runs next (the token's renewal check), each on a thread of
its own, all stopped together.

It does for the daemon what APScheduler's ``BackgroundScheduler`` did with an "interval"
job and a self-rescheduling "date" job, without its imports (asyncio, multiprocessing,
zoneinfo, tzlocal, importlib.metadata: ~3.5 MB of a daemon that should stay small).  As
there: times are wall-clock times (a laptop that slept through a due time runs the job
once on waking, missed runs are not run twice), a job's exception is logged and the job
keeps its schedule, and a stop does not wait for a job in progress.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["Timers"]

logger = logging.getLogger(__name__)

#: the longest single sleep: a wall-clock jump (suspend, NTP) is noticed within this
SLICE = 30.0


class Timers:
    """``every(seconds, job)``; ``after(delay, job)`` where ``job`` returns its next delay
    (None: no more runs); ``stop()``."""

    def __init__(self, *, clock: Callable[[], float] = time.time, slice_: float = SLICE) -> None:
        self._clock = clock
        self._slice = slice_
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def every(self, seconds: float, job: Callable[[], object], *, name: str) -> None:
        """Run ``job`` every ``seconds`` (the first run one interval from now)."""
        if seconds <= 0:
            raise ValueError(f"an interval must be positive, not {seconds}")

        def loop() -> None:
            due = self._clock() + seconds
            while self._sleep_until(due):
                self._run(job, name)
                now = self._clock()
                due += seconds
                if due <= now:  # late (asleep, or a long job): once, not once per miss
                    due = now + seconds

        self._start(loop, name)

    def after(self, delay: float, job: Callable[[], float | None], *, name: str) -> None:
        """Run ``job`` in ``delay`` seconds, then again as many seconds later as it
        returns, until it returns None (or fails: its next run is in ``SLICE`` s)."""

        def loop() -> None:
            due = self._clock() + delay
            while self._sleep_until(due):
                result = self._run(job, name)
                next_in = self._slice if result is _FAILED else result
                if next_in is None:
                    return
                assert isinstance(next_in, float | int)
                due = self._clock() + max(0.0, float(next_in))

        self._start(loop, name)

    def stop(self) -> None:
        """No job starts after this; one in progress finishes on its own thread."""
        self._stop.set()

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # -- inside

    def _start(self, loop: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=loop, name=f"wpsync-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _sleep_until(self, due: float) -> bool:
        """Sleep until the wall clock reaches ``due``: True, or False once stopped."""
        while not self._stop.is_set():
            remaining = due - self._clock()
            if remaining <= 0:
                return True
            if self._stop.wait(min(remaining, self._slice)):
                return False
        return False

    def _run(self, job: Callable[[], object], name: str) -> object:
        if self._stop.is_set():
            return None
        try:
            return job()
        except Exception:
            logger.exception("the %s job failed", name)
            return _FAILED


#: what a failed job "returned"
_FAILED = object()
