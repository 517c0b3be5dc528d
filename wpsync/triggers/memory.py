"""Giving memory back after a big run: a long-lived process (the watch daemon) reads the
whole state and stats every file in a full reconcile, then lives on with one file at a
time.  What the reconcile held is freed by Python, but glibc keeps the freed pages of its
heap for later; :func:`give_back` asks it to return them (``malloc_trim(3)``), so the
daemon idles at the size of what it keeps and the next run starts from there.

Where there is no glibc (musl, macOS), only the garbage collector runs."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
from collections.abc import Callable

__all__ = ["give_back"]

logger = logging.getLogger(__name__)

_trim: Callable[[int], int] | None = None
_looked = False


def _malloc_trim() -> Callable[[int], int] | None:
    global _trim, _looked
    if not _looked:
        _looked = True
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            trim = libc.malloc_trim  # glibc only
        except (OSError, AttributeError):
            return None
        trim.argtypes = [ctypes.c_size_t]
        trim.restype = ctypes.c_int
        _trim = trim
    return _trim


def give_back() -> bool:
    """Collect garbage cycles and return the C heap's free pages to the system.  True if
    the heap was trimmed (glibc), False where only the collector ran."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
