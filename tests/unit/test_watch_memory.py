"""The daemon gives memory back after a full reconcile (wpsync/triggers/memory.py)."""

from __future__ import annotations

import platform
import re
from pathlib import Path

import pytest

from wpsync.triggers.memory import give_back


def rss_kib() -> int:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+)", status)
    assert match is not None
    return int(match.group(1))


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_freed_heap_pages_go_back_to_the_system_after_a_big_run() -> None:
    give_back()
    before = rss_kib()
    # What a reconcile leaves behind: many mid-sized blocks from the C heap (not
    # pymalloc's arenas), freed in an order that leaves the heap's top in use.
    blocks = [bytearray(4000) for _ in range(20_000)]  # ~80 MB
    keep = blocks[-1]
    for i in range(len(blocks) - 1):
        blocks[i] = bytearray(0)
    grown = rss_kib()
    assert grown - before > 40_000
    assert give_back() is True
    assert rss_kib() < grown - 40_000  # the freed pages left the process
    assert len(keep) == 4000
