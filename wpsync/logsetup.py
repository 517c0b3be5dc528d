"""Logging for entry points, and the one masking step for everything wpsync prints.

Only entry points call :func:`configure`.  Code that learns a secret (a password read from
the environment, a token fetched from WordPress) calls :func:`register_secret`.  From then
on :func:`mask` replaces it wherever it appears — in its spaced and unspaced forms (an
application password is shown in groups of four), JSON- and URL-escaped — as well as any
``Basic …`` credential (the base64 of ``user:password``, so the prose of a rendered post,
"basic HTTP/1.1 client", stays readable), any ``Bearer …`` token and anything shaped like
a JWT, so a server echoing the Authorization header is masked too.  :func:`configure` applies it to every log record
and to everything written to stdout and stderr (error lines, ``--json``, doctor…).

:func:`escape_controls` makes text from outside (file names, titles, server messages)
printable on one line: a newline cannot forge a log line, an escape sequence cannot
drive the terminal.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import sys
import threading
from typing import Any, TextIO
from urllib.parse import quote, unquote

_secrets: set[str] = set()
_lock = threading.Lock()
MASK = "********"

#: ``Authorization: Basic …`` / ``Bearer …`` wherever it is quoted
_CREDENTIAL = re.compile(r"\b(Basic|Bearer)(\s+|%20|\+)([A-Za-z0-9._~+/=%-]{8,})", re.IGNORECASE)
#: a JWT: three base64url parts, the first a JSON object (``eyJ``)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
#: C0 controls, DEL and C1 controls
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: the same, but newlines, tabs and wpsync's own colour and erase-line sequences pass
_STRAY_CONTROLS = re.compile(
    r"\x1b(?!\[[0-9;]*[mK])|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _variants(value: str) -> set[str]:
    """The forms a secret may be printed in."""
    forms = {value}
    bare = value.replace(" ", "")
    forms.add(bare)
    if len(bare) == 24 and bare.isalnum():  # an application password, as WordPress shows it
        forms.add(" ".join(bare[i : i + 4] for i in range(0, 24, 4)))
    for form in list(forms):
        forms.add(json.dumps(form)[1:-1])
        forms.add(quote(form, safe=""))
        forms.add(quote(form))
    return {form for form in forms if len(form) >= 4}


def register_secret(value: str) -> None:
    """Never print ``value`` (ignored when too short to be a meaningful secret)."""
    if value and len(value) >= 4:
        forms = _variants(value)
        with _lock:
            _secrets.update(forms)


def scrub(text: str) -> str:
    """``text`` with every registered secret and every credential masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _CREDENTIAL.sub(_credential, text)
    return _JWT.sub(MASK, text)


def _credential(match: re.Match[str]) -> str:
    # "Basic authentication", "A basic message.", "Basic Concepts" are prose, not a
    # credential: a token is not one word of letters (lower-case or capitalised) with at
    # most its sentence's punctuation after it; nor does it hold a space (a note's link
    # to "Basic%20formatting%20syntax.md").
    word = match.group(3).rstrip(".,;:!?")
    if "%20" in match.group(3) or (
        word.isalpha() and (word.islower() or (word[0].isupper() and word[1:].islower()))
    ):
        return match.group(0)
    if match.group(1).lower() == "basic" and not _basic_pair(match.group(3)):
        return match.group(0)  # "basic HTTP/1.1 client", "Basic Permissions.": prose
    return f"{match.group(1)} {MASK}"


def _basic_pair(token: str) -> bool:
    """True when ``token`` is HTTP Basic's base64 of ``user:password`` (RFC 7617), or the
    start of one (cut, URL-escaped or unpadded): the word after "basic" in prose
    (``MockAgent``, ``HTTP/1.1``, ``Permissions.``) is not, and stays readable."""
    raw = unquote(token)
    raw = raw[: len(raw) - len(raw) % 4] if raw.rstrip("=") == raw else raw
    for altchars in (None, b"-_"):  # standard base64, or its URL-safe alphabet
        try:
            if b":" in base64.b64decode(raw, altchars=altchars, validate=True):
                return True
        except (binascii.Error, ValueError):
            continue
    return False


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _NAMED.get(char) or f"\\x{ord(char):02x}"


def escape_controls(text: str) -> str:
    """``text`` on one printable line: ``\\n`` for a newline, ``\\x1b`` for ESC…"""
    return _CONTROLS.sub(_escape, text)


def mask(text: str) -> str:
    """What may be printed of a text from outside: secrets masked, controls escaped."""
    return escape_controls(scrub(text))


class RedactingFormatter(logging.Formatter):
    """One line per record: its message's controls escaped, secrets masked everywhere."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class MaskingStream:
    """A text stream that masks secrets in what is written to it, and escapes the control
    characters no wpsync output uses (terminal escape sequences from a server)."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    @property
    def inner(self) -> TextIO:
        return self._inner

    def write(self, text: str) -> int:
        self._inner.write(_STRAY_CONTROLS.sub(_escape, scrub(text)))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def masked(stream: TextIO) -> TextIO:
    """``stream`` behind :class:`MaskingStream` (once)."""
    if isinstance(stream, MaskingStream):
        return stream
    return MaskingStream(stream)  # type: ignore[return-value]


#: the libraries whose records show only from -vvv on (below: their warnings alone)
LIBRARIES = (
    "httpx",
    "httpcore",
    "hpack",
    "apscheduler",
    "watchdog",
    "markdown",
    "markdown_it",
    "multipart",
    "asyncio",
)

#: syslog priorities (sd-daemon(3)): a line ``<3>…`` is an error in the journal
_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3}


class CommandFormatter(RedactingFormatter):
    """A command's log lines, for a person: ``warning: …`` / ``error: …``, an INFO line
    as it is, a debug line with the module it comes from."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {record.message}"
        if record.levelno >= logging.INFO:
            return record.message
        return f"debug {record.name}: {record.message}"


class JournalFormatter(RedactingFormatter):
    """Under systemd: ``<3>message``, the priority journald files the line under
    (``journalctl -p warning`` shows the failures alone); no time, journald adds it."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        level = max((lv for lv in _PRIORITY if lv <= record.levelno), default=logging.DEBUG)
        return f"<{_PRIORITY[level]}>{record.message}"


def under_journald(stream: object, env: dict[str, str] | None = None) -> bool:
    """Is ``stream`` connected to the journal?  systemd sets ``JOURNAL_STREAM`` to the
    device and inode of the stream it gave the service (sd_journal_stream_fd(3)); a
    child whose stderr was redirected elsewhere does not match."""
    import os

    value = (env if env is not None else os.environ).get("JOURNAL_STREAM", "")
    device, _, inode = value.partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        st = os.fstat(stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False
    return (st.st_dev, st.st_ino) == (int(device), int(inode))


def configure(verbosity: int, *, stream: object = None, daemon: bool = False) -> None:
    """``verbosity``: -1 quiet (errors), 0 warnings, 1 info, 2 debug, 3 the libraries'
    debug too (HTTP).  A command's lines read ``warning: …``; a ``daemon``'s are a log
    (time, level, message), or ``<4>message`` for journald when stderr is the journal.

    stdout and stderr are masked from here on (:class:`MaskingStream`)."""
    sys.stdout = masked(sys.stdout)
    sys.stderr = masked(sys.stderr)
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    out = stream or sys.stderr
    handler = logging.StreamHandler(out)  # type: ignore[call-overload]
    formatter: logging.Formatter
    if daemon and under_journald(getattr(out, "inner", out)):
        formatter = JournalFormatter("%(message)s")
    elif daemon:
        formatter = RedactingFormatter(
            "%(asctime)s %(levelname)s %(message)s"
            if verbosity < 2
            else "%(asctime)s %(levelname)s %(name)s: %(message)s",
            datefmt="%Y-%m-%d %H:%M:%S",
        )
    else:
        formatter = CommandFormatter("%(message)s")
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for library in LIBRARIES:
        logging.getLogger(library).setLevel(logging.NOTSET if verbosity >= 3 else logging.WARNING)
