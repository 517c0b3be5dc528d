"""Helpers for integration tests: a content folder + config.toml pointed at the test
WordPress, running the real CLI, and reading WordPress back as an administrator."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
import tomllib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.wordpress import WordPressInstance

#: what a full run with nothing to send asks WordPress: the remote check's two small GETs
#: per post type (posts, pages), engine/remote.py; ``--offline`` asks nothing
REMOTE_CHECK = 4


@dataclass(frozen=True)
class Site:
    """A writer's folder (config.toml + content/) wired to the test WordPress."""

    root: Path
    wp: WordPressInstance
    auth: str = "jwt"

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def content(self) -> Path:
        return self.root / "content"

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WPSYNC_")}
        password = (
            self.wp.app_password if self.auth == "application-password" else self.wp.admin_password
        )
        env.update({"WPSYNC_PASSWORD": password, "NO_COLOR": "1"})
        if url := self.configured_url():
            # URL and password given together, the way CI secrets pass them: trusted
            # without `wpsync trust` (tests/integration/test_trust.py covers the rest)
            env["WPSYNC_URL"] = url
        env.update(extra)
        return env

    def configured_url(self) -> str | None:
        """The ``site.url`` of the folder's config.toml (``None`` without one)."""
        try:
            raw = tomllib.loads(self.config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            return None
        url = raw.get("site", {}).get("url")
        return url if isinstance(url, str) else None

    def cli(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        timeout: float = 300,
        process: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """``wpsync --config <config.toml> ARGS`` run in the folder with ``env`` (default:
        :meth:`env`).  In this process (:func:`run_in_process`) unless ``process`` — a test
        about the process itself (its exit, signals, start-up, what a hook runs) asks for a
        real one — or unless called from another thread than the main one (the working
        folder and the environment are the process's)."""
        argv = ["--config", str(self.config), *args]
        environ = dict(env) if env is not None else self.env()
        if not process and threading.current_thread() is threading.main_thread():
            return run_in_process(argv, cwd=self.root, env=environ)
        return subprocess.run(
            [sys.executable, "-m", "wpsync.cli", *argv],
            cwd=self.root,
            env=environ,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def sync_json(self, *args: str, process: bool = False) -> tuple[int, dict[str, Any]]:
        done = self.cli("sync", "--json", *args, process=process)
        try:
            return done.returncode, json.loads(done.stdout)
        except json.JSONDecodeError as exc:
            raise AssertionError(f"not JSON: {done.stdout!r}\nstderr: {done.stderr}") from exc


def run_in_process(
    argv: list[str], *, cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """``wpsync ARGV`` through the same click command the console script runs, in this
    process: what ``python -m wpsync.cli`` would do, without a second of interpreter
    start-up and imports.  The run sees exactly ``env`` as its environment and ``cwd`` as
    its working folder (both restored afterwards), its stdout and stderr are captured, its
    exit status is the one ``sys.exit`` gave, and an exception that escapes it ends it with
    status 1 and its traceback on stderr, as it would the interpreter."""
    from click.testing import CliRunner

    from wpsync.cli.main import main

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    # wpsync's loggers as a new process has them (an earlier test may have set a level)
    ours = logging.getLogger("wpsync")
    our_level = ours.level
    ours.setLevel(logging.NOTSET)
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, argv, prog_name="wpsync")
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        ours.setLevel(our_level)
        # a one-shot command (sync) marks the process as leaving with os._exit once a
        # command returns through the console script's entry: this process stays
        exiting = sys.modules.get("wpsync.cli.exiting")
        if exiting is not None:
            exiting._one_shot[0] = False
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["wpsync", *argv], result.exit_code, result.stdout, stderr)


def make_site(root: Path, wp: WordPressInstance, *, auth: str = "jwt", extra: str = "") -> Site:
    root.mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    (root / "config.toml").write_text(
        textwrap.dedent(
            f"""
            [site]
            url = "{wp.url}"
            auth = "{auth}"
            username = "{wp.admin_user}"

            [content]
            dir = "content"
            """
        )
        + textwrap.dedent(extra),
        encoding="utf-8",
    )
    return Site(root, wp, auth)


def admin(wp: WordPressInstance) -> httpx.Client:
    """An administrator's REST client (application password), for checking results."""
    return httpx.Client(
        base_url=f"{wp.url}/wp-json",
        auth=(wp.admin_user, wp.app_password),
        timeout=30,
    )


def all_posts(wp: WordPressInstance, rest_base: str = "posts") -> list[dict[str, Any]]:
    with admin(wp) as client:
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            r = client.get(
                f"/wp/v2/{rest_base}",
                params={"status": "any", "context": "edit", "per_page": 100, "page": page},
            )
            r.raise_for_status()
            out.extend(r.json())
            if page >= int(r.headers.get("X-WP-TotalPages", "1")):
                return out
            page += 1


def next_second() -> None:
    """Sleep into the next whole second (and 50 ms): WordPress keeps modification times to
    the second, so what is written from now on is dated after everything written before
    (on average 0.55 s of waiting, where a fixed 1.1 s sleep always waits 1.1 s)."""
    time.sleep(1.05 - time.time() % 1)
