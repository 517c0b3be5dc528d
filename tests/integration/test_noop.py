"""A run with nothing to do (the git hook's usual case) costs nothing it can avoid: no file
is read; the check for changes made in WordPress is two small GETs per post type, and
with ``--offline`` no HTTP client is made, the Markdown renderer and the HTTP stack are
not even imported.  (How fast it is lives in bench/, not in a timed test.)"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import wpsync.source.content
from tests.sitekit import Site, admin, make_site, next_second
from tests.wordpress import WordPressInstance
from wpsync.config import Config, load_config
from wpsync.engine.run import SyncRequest, run_sync

pytestmark = pytest.mark.integration

NOT_IMPORTED = ("markdown", "httpx", "tenacity", "watchdog", "apscheduler", "rich")


@pytest.fixture
def synced(tmp_path: Path, wp: WordPressInstance) -> Site:
    site = make_site(tmp_path / "blog", wp)
    for n in range(6):
        site.write(f"notes/n{n}.md", f"---\ntitle: Note {n}\ntags: [a, b{n}]\n---\nBody {n}.\n")
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 6, report
    return site


def test_a_no_op_run_reads_no_file_and_makes_no_client(
    synced: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"read_document{args} called on a no-op run")

    def no_client(config: Config) -> None:
        raise AssertionError("a client was made on a no-op run")

    monkeypatch.setattr(wpsync.source.content, "read_document", no_read)
    config = load_config(synced.config, env={"WPSYNC_PASSWORD": "unused"})
    report = run_sync(config, SyncRequest(offline=True), client_factory=no_client)  # type: ignore[arg-type]
    assert report.count("unchanged") == 6 and report.requests == 0


def test_a_no_op_run_asks_two_small_questions_per_post_type(
    synced: Site, wp: WordPressInstance
) -> None:
    code, first = synced.sync_json()  # the first check looks this folder's posts up by ID
    assert code == 0 and first["unchanged"] == 6 and first["requests"] <= 2, first
    for _ in range(2):
        code, report = synced.sync_json()
        assert code == 0 and report["unchanged"] == 6, report
        assert report["requests"] == 2, report  # the count and the (empty) listing of edits
    # an edit made in WordPress is seen by the same two requests (made in a later second
    # than the syncs: WordPress's dates cannot tell two edits of one second apart)
    next_second()
    with admin(wp) as http:
        post = http.get("/wp/v2/posts", params={"slug": "n3", "context": "edit"}).json()[0]
        http.post(f"/wp/v2/posts/{post['id']}", json={"title": "Edited there"}).raise_for_status()
    code, report = synced.sync_json()
    assert code == 1 and report["conflicts"] == 1, report


def test_a_no_op_run_imports_neither_the_renderer_nor_the_http_stack(synced: Site) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "wpsync.cli",
            "--config",
            str(synced.config),
            "sync",
            "--offline",
            "--json",
        ],
        cwd=synced.root,
        env=synced.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["unchanged"] == 6 and report["requests"] == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert sorted(m for m in imported if m.split(".")[0] in NOT_IMPORTED) == []
    assert "wpsync.engine.executor" in imported  # the check saw the run's imports


def test_a_run_that_asks_wordpress_imports_none_of_the_http_stack_s_unused_extras(
    synced: Site, tmp_path: Path
) -> None:
    """The remote check makes a client: httpx without its command line (rich, pygments),
    httpcore without trio or anyio, tenacity without tornado (wpsync/wordpress/unused.py).
    (``-X importtime`` lists an import halted on purpose too: the process's own list of
    modules at its exit is what counts.)"""
    modules = tmp_path / "modules.txt"
    wrapper = (
        "import atexit, pathlib, runpy, sys\n"
        f"atexit.register(lambda: pathlib.Path({str(modules)!r}).write_text("
        "'\\n'.join(sorted(sys.modules))))\n"
        "sys.argv[0] = 'wpsync'\n"
        "runpy.run_module('wpsync.cli', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, "--config", str(synced.config), "sync", "--json"],
        cwd=synced.root,
        env=synced.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["unchanged"] == 6 and report["requests"] >= 1, report
    imported = set(modules.read_text(encoding="utf-8").split())
    assert "httpx" in imported and "httpcore" in imported  # the check saw the client's imports
    unused = ("trio", "anyio", "tornado", "rich", "pygments", "sortedcontainers")
    assert sorted(m for m in imported if m.split(".")[0] in unused or m == "httpx._main") == []


def test_wpsync_version_imports_none_of_the_heavy_dependencies() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wpsync.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "click" in imported
    assert sorted(m for m in imported if m.split(".")[0] in NOT_IMPORTED) == []


def test_a_folder_at_rest_is_told_without_planning_and_still_sees_wordpress(
    synced: Site, wp: WordPressInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a run that found nothing to do, the next full run plans nothing (engine/
    quiet.py) yet asks WordPress its two questions, and an edit made there, or a file
    added here, sends the run down the usual path."""
    import wpsync.engine.references

    for key, value in synced.env().items():
        if key.startswith("WPSYNC_"):
            monkeypatch.setenv(key, value)
    config = load_config(synced.config)
    first = run_sync(config, SyncRequest())  # looks this folder's posts up once; marks it
    assert first.count("unchanged") == 6, first.to_json()
    settle = wpsync.engine.references.References.settle

    def no_settling(*args: object, **kwargs: object) -> None:
        raise AssertionError("a folder at rest was settled and planned")

    monkeypatch.setattr(wpsync.engine.references.References, "settle", no_settling)
    rest = run_sync(config, SyncRequest())
    assert rest.to_json() == {**first.to_json(), "requests": 2}
    time.sleep(1)  # the edit in a later second than the posts' own (WordPress keeps seconds)
    with admin(wp) as http:
        post = http.get("/wp/v2/posts", params={"slug": "n2", "context": "edit"}).json()[0]
        http.post(f"/wp/v2/posts/{post['id']}", json={"title": "Edited there"}).raise_for_status()
    with pytest.raises(AssertionError, match="at rest was settled"):
        run_sync(config, SyncRequest())  # the check found the edit: the usual path
    monkeypatch.setattr(wpsync.engine.references.References, "settle", settle)
    seen = run_sync(config, SyncRequest())
    assert [f.path for f in seen.files if f.action == "conflict"] == ["notes/n2.md"]
    synced.write("notes/new.md", "---\ntitle: New\n---\nNew here.\n")
    added = run_sync(config, SyncRequest(overwrite=True))
    actions = {f.path: f.action for f in added.files}
    assert actions["notes/new.md"] == "created" and actions["notes/n2.md"] == "updated"


def test_a_folder_at_rest_imports_neither_the_pipeline_nor_the_planner(synced: Site) -> None:
    """The second no-op in a row is answered at rest (quiet.py): neither the executor nor
    the planner and its actions are imported (engine/items.py holds what the reader
    needs), with or without the remote check."""
    for args in (["--offline"], []):
        synced.sync_json(*args)  # leaves the at-rest mark
        done = subprocess.run(
            [
                *(sys.executable, "-X", "importtime", "-m", "wpsync.cli"),
                *("--config", str(synced.config), "sync", "--json", *args),
            ],
            cwd=synced.root,
            env=synced.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert json.loads(done.stdout)["unchanged"] == 6
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
        assert "wpsync.engine.run" in imported  # the check saw the run's imports
        pipeline = ("wpsync.engine.executor", "wpsync.engine.plan", "wpsync.engine.fingerprint")
        assert sorted(m for m in pipeline if m in imported) == [], args
