"""Leaving the process once a one-shot command (``sync``, ``plan``) has finished.

The interpreter's teardown after a run over a big folder — clearing hundreds of modules
and every object the run made, one by one — costs as much CPU as starting Python, for
memory the system takes back at once anyway.  So when the program itself runs (the
console script, ``python -m wpsync.cli``; never a test's in-process run), a one-shot
command that has finished leaves with ``os._exit`` — after everything an ordinary exit
does that anyone can see: the other threads must have ended (else the ordinary exit
runs, and joins them), no profiler or debugger may be watching (they write after the
run), every ``atexit`` duty runs (logging's shutdown flushes and closes
its handlers, temporary folders are removed, child processes reaped), then stdout and
stderr are flushed, and the exit status is the one ``sys.exit`` gave (120 when the
output could not be flushed, as Python's own).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

_one_shot = [False]


def one_shot() -> None:
    """The command running is one-shot: it may leave without the teardown."""
    _one_shot[0] = True


def leave(code: object) -> None:
    """Exit now with the status of ``sys.exit(code)``, if it is safe (see the module's
    docstring); else return, and the ordinary exit follows."""
    if not _one_shot[0] or threading.active_count() != 1:
        return
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return  # a profiler (``python -m cProfile``) or a debugger writes after the run
    if code is None:
        status = 0
    elif isinstance(code, int) and not isinstance(code, bool):
        status = code
    else:
        return  # a message to print: Python's own way
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = 120 if status == 0 else status
    os._exit(status & 0xFF)
