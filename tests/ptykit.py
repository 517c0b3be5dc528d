"""Running the real CLI on a pseudo-terminal, as a person at a terminal sees it: every
chunk of output with the time it arrived (for "first output within 0.5 s"), and the
screen text with rich's cursor movements taken out."""

from __future__ import annotations

import os
import pty
import re
import select
import struct
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wpsync.cli.terminal import CI_VARIABLES

#: a control sequence (CSI), or one of the characters that move the cursor
_TOKEN = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|(\r\n|\r|\n)|([^\x1b\r\n]+)")


@dataclass(frozen=True)
class Recording:
    chunks: tuple[tuple[float, str], ...]  # (seconds since start, text)
    returncode: int

    @property
    def raw(self) -> str:
        return "".join(text for _, text in self.chunks)

    @property
    def first_output(self) -> float:
        return next((t for t, text in self.chunks if text.strip()), float("inf"))

    def plain(self) -> str:
        """What the terminal holds at the end, scrollback included: the output played on
        a minimal terminal (carriage return, line feed, cursor up, erase line; colours
        dropped), so a line redrawn in place counts once."""
        lines, row, col = [""], 0, 0
        for match in _TOKEN.finditer(self.raw):
            args, command, newline, text = match.groups()
            if text:
                line = lines[row].ljust(col)
                lines[row] = line[:col] + text + line[col + len(text) :]
                col += len(text)
            elif newline:
                col = 0
                if newline != "\r":
                    row += 1
                    if row == len(lines):
                        lines.append("")
            elif command == "A":
                row = max(0, row - int(args or 1))
            elif command == "K":  # erase the line (all of it for 2K, else to its end)
                lines[row] = "" if args == "2" else lines[row][:col]
        return "\n".join(line.rstrip() for line in lines)


def record(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float = 240,
    columns: int = 120,
) -> Recording:
    """Run ``argv`` with stdin, stdout and stderr on one pseudo-terminal of ``columns``."""
    import fcntl
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    # a person at a terminal, not a CI runner (CI=true would make wpsync's output plain)
    env = {k: v for k, v in env.items() if k not in CI_VARIABLES}
    env = {**env, "TERM": "xterm-256color", "COLUMNS": str(columns)}
    started = time.monotonic()
    proc = subprocess.Popen(
        list(argv), cwd=cwd, env=env, stdin=follower, stdout=follower, stderr=follower
    )
    os.close(follower)
    chunks: list[tuple[float, str]] = []
    deadline = started + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.05)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append((time.monotonic() - started, data.decode("utf-8", "replace")))
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            raise AssertionError(f"{argv} did not finish in {timeout} s")
    finally:
        os.close(leader)
    return Recording(tuple(chunks), proc.wait(timeout=30))


class Terminal:
    """A long-running command on a pseudo-terminal (``wpsync watch``): what it printed so
    far, a wait for a line, a signal."""

    def __init__(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        import threading

        leader, follower = pty.openpty()
        self._leader = leader
        self.proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env={
                **{k: v for k, v in env.items() if k not in CI_VARIABLES},
                "TERM": "xterm-256color",
            },
            stdin=follower,
            stdout=follower,
            stderr=follower,
        )
        os.close(follower)
        self._chunks: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._leader, 65536)
            except OSError:
                return
            if not data:
                return
            self._chunks.append(data.decode("utf-8", "replace"))

    def text(self) -> str:
        return Recording(tuple((0.0, c) for c in self._chunks), 0).plain()

    def lines(self, pattern: str) -> list[str]:
        regex = re.compile(pattern)
        return [line for line in self.text().splitlines() if regex.search(line)]

    def wait_for(self, pattern: str, timeout: float = 30.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while not (found := self.lines(pattern)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} ({self.proc.poll()}):\n{self.text()}")
            time.sleep(0.05)
        return found

    def stop(self, signum: int, timeout: float = 20.0) -> int:
        self.proc.send_signal(signum)
        try:
            return self.proc.wait(timeout)
        finally:
            self._reader.join(2)
            os.close(self._leader)
