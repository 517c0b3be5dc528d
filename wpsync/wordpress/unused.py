"""What the HTTP stack imports whenever it is installed, though a synchronous client never
uses it — left out of wpsync's own processes.

httpx, httpcore and tenacity each try an optional import at their own import, and keep what
they find:

- httpcore imports **trio** and **anyio** for its async backends and locks (trio alone is
  ~160 ms where it is installed, as a dependency of something else: selenium's, say);
- httpx imports its command-line client, ``httpx._main`` — **rich**, **pygments** and click,
  all installed beside wpsync (rich is one of its dependencies);
- tenacity imports **tornado** to retry tornado coroutines.

wpsync's client is synchronous: no event loop, no httpx command line, no tornado.  So the
``wpsync`` command (:class:`wpsync.cli.main.WpsyncGroup`) runs each command inside
:func:`left_out`: while it runs, ``import trio`` (etc.) raises ImportError — the
``sys.modules[name] = None`` of the import system's documentation — which each of those
imports catches as "not installed".  httpcore then has no trio or anyio backend *in that
process* (an async httpx client there would say "install httpcore[trio]"; wpsync has
none), httpx's ``main`` is its "install httpx[cli]" stub.  When the command returns, the
names are importable again, and a module already imported is never touched.

A program that imports wpsync as a library (``wpsync.sync``) may run trio or asyncio with
httpx itself: there nothing is left out.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: the optional imports of httpcore (its async backends), httpx (its command line) and
#: tenacity (tornado's retrying) that wpsync's synchronous client never uses
UNUSED: tuple[str, ...] = ("trio", "anyio", "httpx._main", "tornado")


@contextmanager
def left_out(names: tuple[str, ...] = UNUSED) -> Iterator[None]:
    """Within: importing one of ``names`` that is not imported yet raises ImportError (an
    optional dependency found missing).  After: importable again."""
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
