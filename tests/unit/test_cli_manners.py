"""The command line's manners, each tried the way a person meets it (the real CLI in a
subprocess, no WordPress needed): -v/-q/--color after the command too, ``python -m
wpsync``, config.toml found walking up, a mistyped path is an error, Ctrl-C is 130
without "Aborted!", counts in English, clean ``warning:`` lines, quiet libraries, shell
completion, journald priorities for the daemon."""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from wpsync.cli.common import find_config
from wpsync.cli.main import main
from wpsync.logsetup import (
    CommandFormatter,
    JournalFormatter,
    configure,
    under_journald,
)
from wpsync.store.lock import FolderLock
from wpsync.triggers.watch import failing_summary
from wpsync.words import article, plural

REPO = Path(__file__).resolve().parents[2]
URL = "http://127.0.0.1:9"  # nothing listens: these runs must not need WordPress


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    (root / "content" / "notes").mkdir(parents=True)
    (root / "config.toml").write_text(
        textwrap.dedent(
            f"""
            [site]
            url = "{URL}"
            username = "admin"

            [content]
            dir = "content"
            """
        ),
        encoding="utf-8",
    )
    (root / "content" / "hello.md").write_text("# Hello\n\nText.\n", encoding="utf-8")
    (root / "content" / "notes" / "n1.md").write_text("# Note\n\nText.\n", encoding="utf-8")
    return root


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("WPSYNC_")}
    out.pop("NO_COLOR", None)
    out.update({"WPSYNC_URL": URL, "WPSYNC_PASSWORD": "unused-password", "PYTHONPATH": str(REPO)})
    out.update(extra)
    return out


def wpsync(
    cwd: Path, *args: str, extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    environment = env(**(extra or {}))
    for name in drop:
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "wpsync", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Give the root logger and the libraries' levels back after a test configures them."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stdout, stderr = sys.stdout, sys.stderr
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.stdout, sys.stderr = stdout, stderr


# -- -v / -q / --color after the command


def test_verbosity_after_the_command_is_accepted_and_takes_effect(
    blog: Path, monkeypatch: pytest.MonkeyPatch, root_logging: None
) -> None:
    monkeypatch.chdir(blog)
    runner = CliRunner()
    for args, level in (
        (["render", "content/hello.md", "-vv"], logging.DEBUG),
        (["render", "-q", "content/hello.md"], logging.ERROR),
        (["-v", "render", "content/hello.md", "-v"], logging.DEBUG),  # -v + -v = -vv
        (["render", "content/hello.md"], logging.WARNING),
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        assert logging.getLogger().level == level, args


def test_sync_v_is_not_refused(blog: Path) -> None:
    done = wpsync(blog, "sync", "-v", "--help")
    assert done.returncode == 0 and "No such option" not in done.stderr
    assert "-v, --verbose" in done.stdout and "--color [auto|always|never]" in done.stdout


def test_color_always_and_never_after_the_command(blog: Path) -> None:
    plain = wpsync(blog, "plan", "content/nosuch.md")  # a pipe: no colour
    assert plain.returncode == 1 and "\x1b[" not in plain.stdout
    forced = wpsync(blog, "plan", "content/nosuch.md", "--color", "always", extra={"NO_COLOR": "1"})
    assert "\x1b[31mfailed" in forced.stdout, forced.stdout
    never = wpsync(blog, "--color", "always", "plan", "content/nosuch.md", "--color", "never")
    assert never.returncode == 1 and "\x1b[" not in never.stdout


# -- python -m wpsync


def test_python_m_wpsync_runs_the_cli(tmp_path: Path) -> None:
    done = wpsync(tmp_path, "--version")
    assert done.returncode == 0 and done.stdout.startswith("wpsync, version "), done


# -- config.toml found walking up


def test_the_config_is_found_from_a_subfolder_like_git(blog: Path) -> None:
    assert find_config(blog / "content" / "notes") == blog / "config.toml"
    assert find_config(blog) == Path("config.toml")  # here: as before, relative
    done = wpsync(blog / "content" / "notes", "render", "n1.md")
    assert done.returncode == 0, done.stderr
    assert "title: Note" in done.stdout


def test_a_hugo_config_toml_above_is_not_taken_for_wpsync_s(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('baseURL = "https://example.org/"\ntitle = "Hugo"\n')
    (tmp_path / "content").mkdir()
    assert find_config(tmp_path / "content") == Path("config.toml")
    done = wpsync(tmp_path / "content", "plan", drop=("WPSYNC_URL",))
    assert done.returncode == 2 and "wpsync init" in done.stderr, done.stderr


# -- a path that does not exist


@pytest.mark.parametrize("command", ["sync", "plan", "render"])
def test_a_path_that_does_not_exist_is_an_error(blog: Path, command: str) -> None:
    done = wpsync(blog, command, "content/nosuch.md")
    assert done.returncode == 1, (done.stdout, done.stderr)
    said = done.stdout + done.stderr
    assert "nosuch.md" in said and ("no such file" in said or "not found" in said), said


# -- Ctrl-C


def test_ctrl_c_while_waiting_for_the_lock_exits_130_after_naming_the_holder(
    blog: Path,
) -> None:
    lock = FolderLock(blog / ".wpsync")
    lock.acquire()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "wpsync", "sync"],
            cwd=blog,
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        line = proc.stderr.readline()  # a pipe: the wait is one plain line
        assert line == f"waiting for the lock held by pid {os.getpid()}…\n"
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=30)
    finally:
        lock.release()
    assert proc.returncode == 130, rest
    assert "Aborted!" not in rest and "Traceback" not in rest, rest
    assert rest.strip() == "interrupted"


# -- counts and articles


def test_counts_and_articles_read_as_english() -> None:
    assert plural(1, "conflict") == "1 conflict" and plural(2, "conflict") == "2 conflicts"
    assert plural(0, "file") == "0 files" and plural(3, "change") == "3 changes"
    assert plural(2, "class") == "2 classes"
    assert article("integer") == "an integer" and article("string") == "a string"
    assert article("URL") == "a URL" and article("HTTP URL") == "an HTTP URL"


def test_a_config_type_error_says_an_integer(blog: Path) -> None:
    config = blog / "config.toml"
    config.write_text(config.read_text() + "\n[sync]\nconcurrency = 'four'\n")
    done = wpsync(blog, "plan")
    assert done.returncode == 2
    assert "must be an integer" in done.stderr and "a integer" not in done.stderr, done.stderr


# -- the look of warnings, and the libraries' noise


def test_a_command_s_warnings_read_warning_colon_without_the_logger_name() -> None:
    record = logging.LogRecord("wpsync.sync", logging.WARNING, __file__, 1, "x.md: odd", (), None)
    assert CommandFormatter("%(message)s").format(record) == "warning: x.md: odd"
    record = logging.LogRecord("wpsync.sync", logging.INFO, __file__, 1, "did it", (), None)
    assert CommandFormatter("%(message)s").format(record) == "did it"


def test_library_loggers_stay_quiet_below_vvv(root_logging: None) -> None:
    for verbosity, level in ((0, logging.WARNING), (2, logging.WARNING), (3, logging.DEBUG)):
        configure(verbosity, stream=io.StringIO())
        for library in ("httpx", "httpcore", "watchdog", "apscheduler", "markdown_it"):
            assert logging.getLogger(library).getEffectiveLevel() == level, (verbosity, library)
    configure(2, stream=io.StringIO())
    assert logging.getLogger("wpsync.engine").getEffectiveLevel() == logging.DEBUG


# -- the daemon under systemd


def test_under_journald_each_line_carries_its_priority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root_logging: None
) -> None:
    log = tmp_path / "journal"
    with log.open("w") as stream:
        st = os.fstat(stream.fileno())
        monkeypatch.setenv("JOURNAL_STREAM", f"{st.st_dev}:{st.st_ino}")
        assert under_journald(stream)
        assert not under_journald(sys.__stdout__)  # another stream: not the journal
        configure(1, stream=stream, daemon=True)
        logging.getLogger("wpsync.triggers.watch").error("failed a.md:3: broken")
        logging.getLogger("wpsync.triggers.watch").warning("still failing: 1 file")
        logging.getLogger("wpsync.triggers.watch").info("created b.md (post 4)")
    assert log.read_text().splitlines() == [
        "<3>failed a.md:3: broken",
        "<4>still failing: 1 file",
        "<6>created b.md (post 4)",
    ]
    record = logging.LogRecord("x", logging.CRITICAL, __file__, 1, "m", (), None)
    assert JournalFormatter("%(message)s").format(record) == "<3>m"


def test_outside_journald_the_daemon_logs_time_and_level(
    monkeypatch: pytest.MonkeyPatch, root_logging: None
) -> None:
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    out = io.StringIO()
    configure(1, stream=out, daemon=True)
    logging.getLogger("wpsync.triggers.watch").error("failed a.md: broken")
    line = out.getvalue().rstrip("\n")
    assert line.endswith(" ERROR failed a.md: broken") and line[:4].isdigit(), line


def test_the_still_failing_line_names_the_first_files_and_counts_the_rest() -> None:
    failing = {
        "b.md": "b.md:3: invalid YAML front matter",
        "a.md": "missing image x.png " + "very " * 30 + "long",
        "c.md": "c.md: x",
        "d.md": "d.md: y",
    }
    line = failing_summary(failing)
    assert line.startswith("4 files (a.md: missing image x.png very")
    assert "b.md:3: invalid YAML front matter; c.md: x; and 1 more)" in line
    assert "…" in line and "d.md" not in line
    assert failing_summary({"a.md": "a.md: x"}) == "1 file (a.md: x)"


# -- shell completion


@pytest.mark.parametrize(
    ("shell", "mark"),
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef wpsync"), ("fish", "complete")],
)
def test_completion_prints_the_shell_s_script(tmp_path: Path, shell: str, mark: str) -> None:
    done = wpsync(tmp_path, "completion", shell)
    assert done.returncode == 0 and mark in done.stdout and "_WPSYNC_COMPLETE" in done.stdout


def test_completion_completes_commands(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wpsync"],
        env=env(_WPSYNC_COMPLETE="bash_complete", COMP_WORDS="wpsync sy", COMP_CWORD="1"),
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert "plain,sync" in done.stdout.splitlines(), done.stdout
