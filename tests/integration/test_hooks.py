"""Git hooks against the real WordPress: a commit publishes what it touched (and only
that); a push publishes what it pushes; a failure never loses the commit or the push; a
hook and the daemon on the same folder at the same time create nothing twice."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.sitekit import Site, admin, all_posts, make_site, next_second
from tests.watchkit import WatchDaemon
from tests.wordpress import WordPressInstance, start, stop
from wpsync.cli.terminal import CI_VARIABLES

pytestmark = pytest.mark.integration

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Writer",
    "GIT_AUTHOR_EMAIL": "writer@example.com",
    "GIT_COMMITTER_NAME": "Writer",
    "GIT_COMMITTER_EMAIL": "writer@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(site: Site, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """git in the site's folder, with the environment a writer's shell would have (the
    password variable included: the hook inherits it)."""
    return subprocess.run(
        ["git", *args],
        cwd=site.root,
        env={**{k: v for k, v in site.env().items() if k not in CI_VARIABLES}, **GIT_ENV},
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def article(title: str, text: str) -> str:
    return f"---\ntitle: {title}\n---\n{text}\n"


@pytest.fixture
def repo(tmp_path: Path, wp: WordPressInstance) -> Site:
    """A blog kept in git: config.toml and content/ committed, .wpsync/ ignored, and
    everything published once."""
    site = make_site(tmp_path / "blog", wp, extra="\n[watch]\ndebounce_ms = 100\n")
    for name in ("alpha", "beta", "gamma"):
        site.write(f"{name}.md", article(name.title(), f"First text of {name}."))
    (site.root / ".gitignore").write_text(".wpsync/\n*.log\n")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "first")
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 3, report
    return site


def by_slug(wp: WordPressInstance) -> dict[str, dict[str, Any]]:
    return {p["slug"]: p for p in all_posts(wp)}


def test_a_commit_updates_that_post_and_only_that_post(repo: Site) -> None:
    done = repo.cli("hook", "install")
    assert done.returncode == 0 and "installed" in done.stdout, done.stderr
    before = by_slug(repo.wp)
    next_second()  # modified_gmt has a one-second resolution
    repo.write("beta.md", article("Beta", "Edited in a commit."))
    repo.write("notes.txt", "not Markdown, not published")
    commit = git(repo, "commit", "-q", "-a", "-m", "edit beta")
    out = [line for line in commit.stderr.splitlines() if line.strip()]
    assert len(out) == 1 and out[0].startswith("updated   beta.md #"), commit.stderr
    assert commit.stdout == ""
    after = by_slug(repo.wp)
    assert "Edited in a commit." in after["beta"]["content"]["raw"]
    assert after["beta"]["id"] == before["beta"]["id"]
    for other in ("alpha", "gamma"):
        assert after[other]["modified_gmt"] == before[other]["modified_gmt"]
    assert len(after) == 3


def test_a_hooks_run_asks_each_question_once_and_still_sees_an_edit_made_in_wordpress(
    repo: Site,
) -> None:
    """`sync --changed` asks its edit check, the user's rights and the files' terms as soon
    as git has named the files, while the rest of wpsync is still being imported
    (engine/lookahead.py): each once, and their answers are the run's."""
    before = by_slug(repo.wp)
    next_second()  # modified_gmt has a one-second resolution
    with admin(repo.wp) as http:
        http.post(
            f"/wp/v2/posts/{before['beta']['id']}", json={"title": "Edited in WordPress"}
        ).raise_for_status()
    repo.write("beta.md", article("Beta", "Edited here too."))
    repo.write("alpha.md", "---\ntitle: Alpha\ntags: [hooked]\n---\nEdited in a commit.\n")
    git(repo, "commit", "-q", "-a", "-m", "edit alpha and beta")
    code, report = repo.sync_json("--changed")
    outcome = {f["path"]: f["action"] for f in report["files"]}
    assert code == 1 and outcome == {"alpha.md": "updated", "beta.md": "conflict"}, report
    # the edit check (one look-up by ID), the rights, the tag looked up then created, the
    # conflicting post read for the report, and the update: a question asked twice (ahead
    # and again by the run) would show here
    assert report["requests"] == 6, report
    after = by_slug(repo.wp)
    assert after["beta"]["title"]["raw"] == "Edited in WordPress"
    assert "Edited in a commit." in after["alpha"]["content"]["raw"]
    assert len(after["alpha"]["tags"]) == 1


def test_a_commit_that_moves_and_edits_keeps_the_post_and_one_that_deletes_trashes_it(
    repo: Site,
) -> None:
    repo.cli("hook", "install", "post-commit")
    ids = {slug: p["id"] for slug, p in by_slug(repo.wp).items()}
    (repo.content / "archive").mkdir()
    git(repo, "mv", "content/alpha.md", "content/archive/alpha-2025.md")
    path = repo.content / "archive" / "alpha-2025.md"
    path.write_text(path.read_text() + "\nA line added while moving it.\n")
    git(repo, "rm", "-q", "content/gamma.md")
    commit = git(repo, "commit", "-q", "-a", "-m", "move alpha, delete gamma")
    assert f"updated   archive/alpha-2025.md #{ids['alpha']}" in commit.stderr, commit.stderr
    assert f"deleted   gamma.md #{ids['gamma']}" in commit.stderr, commit.stderr
    with admin(repo.wp) as client:
        gamma = client.get(f"/wp/v2/posts/{ids['gamma']}", params={"context": "edit"}).json()
    assert gamma["status"] == "trash"
    live = all_posts(repo.wp)
    assert sorted(p["id"] for p in live) == sorted([ids["alpha"], ids["beta"]])
    assert (
        "A line added while moving it."
        in next(p for p in live if p["id"] == ids["alpha"])["content"]["raw"]
    )


def test_publishing_failure_in_a_hook_never_loses_the_commit_or_the_push(
    repo: Site, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    config = repo.root / "config.toml"  # no retries: the site is down, say so at once
    config.write_text(config.read_text().replace("[site]\n", "[site]\nmax_attempts = 1\n"))
    repo.cli("hook", "install", "post-commit")
    assert repo.cli("hook", "install", "pre-push").returncode == 0
    stop(repo.wp)
    try:
        repo.write("alpha.md", article("Alpha", "Written while WordPress is down."))
        commit = git(repo, "commit", "-q", "-a", "-m", "while down", check=False)
        assert commit.returncode == 0
        assert "publishing this commit failed (exit 1)" in commit.stderr, commit.stderr
        assert "while down" in git(repo, "log", "-1", "--format=%s").stdout
        push = git(repo, "push", "-q", "origin", "main", check=False)
        assert push.returncode == 0, push.stderr
        assert "the push goes on" in push.stderr
        assert (
            git(repo, "ls-remote", str(remote), "main").stdout.split()[0]
            == git(repo, "rev-parse", "HEAD").stdout.strip()
        )
    finally:
        start(repo.wp)
    # Back up: the next commit's hook publishes only its own files; `wpsync sync` the rest.
    done = repo.cli("sync")
    assert done.returncode == 0 and "updated   alpha.md" in done.stdout, done.stdout + done.stderr


def test_pre_push_publishes_the_commits_being_pushed(repo: Site, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    assert repo.cli("hook", "install", "pre-push").returncode == 0
    before = by_slug(repo.wp)
    next_second()
    repo.write("alpha.md", article("Alpha", "Pushed edit one."))
    git(repo, "commit", "-q", "-a", "-m", "one")
    repo.write("delta.md", article("Delta", "A new post, pushed."))
    git(repo, "add", "content/delta.md")
    git(repo, "commit", "-q", "-m", "two")
    assert by_slug(repo.wp).keys() == before.keys()  # nothing published by a commit
    push = git(repo, "push", "-q", "origin", "main")
    assert "updated   alpha.md" in push.stdout and "created   delta.md" in push.stdout
    after = by_slug(repo.wp)
    assert set(after) == {"alpha", "beta", "gamma", "delta"}
    assert after["beta"]["modified_gmt"] == before["beta"]["modified_gmt"]
    # A new branch: the commits no remote has yet.
    git(repo, "checkout", "-q", "-b", "feature")
    repo.write("gamma.md", article("Gamma", "Feature work."))
    git(repo, "commit", "-q", "-a", "-m", "feature")
    push = git(repo, "push", "-q", "origin", "feature")
    assert [line.split()[1] for line in push.stdout.splitlines()] == ["gamma.md"]


def test_daemon_and_hook_on_50_files_at_once_create_nothing_twice(repo: Site) -> None:
    repo.cli("hook", "install")
    with WatchDaemon(repo) as daemon:
        for n in range(50):
            repo.write(f"batch/post-{n:02}.md", article(f"Post {n}", f"Text {n}."))
        git(repo, "add", "-A")  # new files: the daemon gives them ~0.7 s, the hook comes first
        commit = git(repo, "commit", "-q", "-m", "fifty")  # the hook races the daemon
        # (whoever gets the folder's lock first creates a file; the other finds it done)
        _wait_until(lambda: len(all_posts(repo.wp)) >= 53)
        time.sleep(1.5)  # let the daemon finish what it started
        created_by_hook = [
            line for line in commit.stderr.splitlines() if line.startswith("created")
        ]
        created_by_daemon = daemon.lines(r"INFO created batch/")
        assert len(created_by_hook) + len(created_by_daemon) == 50, (commit.stderr, daemon.log())
        print(
            f"\ncreated: {len(created_by_hook)} by the hook, {len(created_by_daemon)} by the daemon"
        )

        # Now edits: both again at once, each file updated exactly once in all.
        next_second()
        for n in range(50):
            repo.write(f"batch/post-{n:02}.md", article(f"Post {n}", f"Text {n}, edited."))
        time.sleep(0.3)  # edits: the daemon is on them within 0.1 s, the hook comes second
        commit = git(repo, "commit", "-q", "-a", "-m", "fifty edits")
        _wait_until(
            lambda: all(
                "edited" in p["content"]["raw"]
                for p in all_posts(repo.wp)
                if p["slug"].startswith("post-")
            )
        )
        time.sleep(1.5)
        updates = [
            line.split()[1] for line in commit.stderr.splitlines() if line.startswith("updated")
        ]
        updates += [
            line.split(" updated ")[1].split(" ")[0]
            for line in daemon.lines(r"INFO updated batch/")
        ]
        assert sorted(updates) == sorted(f"batch/post-{n:02}.md" for n in range(50)), updates
        by_daemon = daemon.count(r"INFO updated batch/")
        print(f"updated: {50 - by_daemon} by the hook, {by_daemon} by the daemon")
        assert daemon.running and daemon.count(r"ERROR|Traceback") == 0, daemon.log()
    posts = all_posts(repo.wp)
    assert len(posts) == 53 and len({p["slug"] for p in posts}) == 53
    state = sqlite3.connect(repo.root / ".wpsync" / "state.sqlite")
    try:
        assert state.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = state.execute("SELECT rel, post_id FROM entries").fetchall()
        assert state.execute("SELECT count(*) FROM pending").fetchone() == (0,)
    finally:
        state.close()
    assert len(rows) == 53
    assert sorted(post_id for _, post_id in rows) == sorted(p["id"] for p in posts)


def _wait_until(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
