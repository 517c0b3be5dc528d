"""Logging for entry points: one line per event, secrets scrubbed as a last line of defence.

Only entry points call :func:`configure`.  Code that learns a secret (a password read from
the environment, a token fetched from WordPress) calls :func:`register_secret`, and every
record that passes through wpsync's handler has those values masked — even when a
third-party library logs them.
"""

from __future__ import annotations

import logging
import sys
import threading

_secrets: set[str] = set()
_lock = threading.Lock()
MASK = "********"


def register_secret(value: str) -> None:
    """Never print ``value`` (ignored when too short to be a meaningful secret)."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def configure(verbosity: int, *, stream: object = None) -> None:
    """``verbosity``: -1 quiet (errors), 0 warnings, 1 info, 2+ debug (libraries too)."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    if verbosity < 2:
        for noisy in ("httpx", "httpcore", "apscheduler", "watchdog", "markdown"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
