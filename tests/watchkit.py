"""`wpsync watch` as a real subprocess for tests and benchmarks: start it, read its log
(one line per event), stop it with a signal and time the exit."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from tests.sitekit import Site


class WatchDaemon:
    """``wpsync --config <site> watch [args]`` with its stderr in ``<site>/watch-N.log``."""

    _count = 0

    def __init__(
        self,
        site: Site,
        *args: str,
        env: Mapping[str, str] | None = None,
        journald: bool = False,
    ) -> None:
        WatchDaemon._count += 1
        self.site = site
        self.args = args
        self.env = dict(env) if env is not None else site.env()
        #: run as systemd does: JOURNAL_STREAM names the stream stderr is (the log file)
        self.journald = journald
        self.log_path = site.root / f"watch-{WatchDaemon._count}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, ready: str = r"watching ") -> WatchDaemon:
        with self.log_path.open("wb") as log:
            env = {**self.env, "PYTHONUNBUFFERED": "1"}
            env.pop("JOURNAL_STREAM", None)
            if self.journald:
                st = os.fstat(log.fileno())
                env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "wpsync.cli",
                    "--config",
                    str(self.site.config),
                    "watch",
                    *self.args,
                ],
                cwd=self.site.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_for(ready)
        return self

    def __enter__(self) -> WatchDaemon:
        return self if self.process is not None else self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    # -- the log

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def lines(self, pattern: str) -> list[str]:
        regex = re.compile(pattern)
        return [line for line in self.log().splitlines() if regex.search(line)]

    def count(self, pattern: str) -> int:
        return len(self.lines(pattern))

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 30.0) -> list[str]:
        """Wait until ``pattern`` matches ``count`` log lines; fail with the log otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.lines(pattern)
            if len(found) >= count:
                return found
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(
                    f"wpsync watch exited ({self.process.returncode}) before {count}× {pattern!r}:\n{self.log()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no {count}× {pattern!r} within {timeout} s:\n{self.log()}")
            time.sleep(0.02)

    # -- stopping

    def signal(self, signum: int = signal.SIGTERM, timeout: float = 15.0) -> tuple[int, float]:
        """Send ``signum``; (exit status, seconds until the process was gone)."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signum)
        code = self.process.wait(timeout)
        return code, time.monotonic() - started

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def updated(rel: str) -> str:
    """The daemon's log line for an update of ``rel`` (a regex)."""
    return rf"INFO updated {re.escape(rel)} \(post \d+"


def created(rel: str) -> str:
    return rf"INFO created {re.escape(rel)} \(post \d+"


def deleted(rel: str) -> str:
    return rf"INFO deleted {re.escape(rel)} \(post \d+"


def post_id(line: str) -> int:
    match = re.search(r"\(post (\d+)", line)
    assert match, line
    return int(match.group(1))


# -- editors' ways of saving a file (REFERENCE.md §3)


def save_in_place(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as f:  # truncate, then write: two events
        f.write(text[: len(text) // 2])
        f.flush()
        f.write(text[len(text) // 2 :])


def save_like_vim(path: Path, text: str) -> None:
    """vim with backupcopy=no: rename the file to its backup, write a new one, drop the backup."""
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()


def save_like_jetbrains(path: Path, text: str) -> None:
    """JetBrains "safe write": write f___jb_tmp___, move f to f___jb_old___, tmp to f, drop old."""
    tmp = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    tmp.write_text(text, encoding="utf-8")
    os.rename(path, old)
    os.rename(tmp, path)
    old.unlink()


def save_by_replace(path: Path, text: str) -> None:
    """Write a hidden temporary file next to it, then os.replace() it over the file."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


SAVES = {
    "in place": save_in_place,
    "vim": save_like_vim,
    "jetbrains": save_like_jetbrains,
    "replace": save_by_replace,
}
