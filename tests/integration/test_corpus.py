"""The bad-input corpus: every file of tests/corpus/ (and the cases that cannot be
committed, made here: a 10 MB file, symlink loops, a named pipe, an unreadable file, a
file name that is not UTF-8…) synced together, next to posts already published.

Each case has one exact outcome: a file that cannot be published fails alone, with a
clear message naming it (and the line when known); a valid oddity (BOM, CRLF, emoji,
RTL or HTML in a title) is published correctly; everything else still syncs; the run
exits 1; nothing already in WordPress is touched.

Unreadable as root: root reads a mode-000 file anyway, so when the tests run as root the
sync runs with the two capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
dropped (``setpriv``), and the file really is unreadable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.convergence import list_posts
from tests.sitekit import Site, admin, make_site
from tests.wordpress import WordPressInstance
from wpsync.engine.fingerprint import strip_fingerprint

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@dataclass(frozen=True)
class Case:
    rel: str
    outcome: str  # created | failed
    fragment: str = ""  # in the file's error (failed) or its title (created)
    line: int | None = None  # the line the error names


CASES = [
    # --- front matter that does not parse, or is not a mapping
    Case("yaml-broken.md", "failed", "invalid YAML front matter", 4),
    Case("yaml-list.md", "failed", "must be a mapping of keys to values, not a list", 1),
    Case("yaml-string.md", "failed", "must be a mapping of keys to values, not a string", 1),
    Case("yaml-unclosed.md", "failed", "opened with '---' is never closed", 1),
    Case("yaml-tab-indent.md", "failed", "invalid YAML front matter", 4),
    Case("yaml-colon.md", "failed", "mapping values are not allowed", 2),
    Case("yaml-alias-bomb.md", "failed", "'tags' each entry must be a name, not a list", 6),
    Case("toml-broken.md", "failed", "invalid TOML front matter"),
    Case("json-broken.md", "failed", "invalid JSON front matter", 3),
    # --- encodings and bytes
    Case("latin1.md", "failed", "not valid UTF-8: byte 0xE9", 2),
    Case("utf16.md", "failed", "file is UTF-16 encoded"),
    Case("bom.md", "created", "Starts with a BOM"),
    Case("crlf.md", "created", "Windows line endings"),
    Case("cr-only.md", "created", "Old Mac line endings"),
    Case("empty.md", "failed", "file is empty"),
    Case("blank.md", "failed", "file is empty"),
    Case("binary.md", "failed", "binary file (contains NUL bytes)", 3),
    # --- values
    Case("status-unknown.md", "failed", "'status' must be one of publish", 3),
    Case("date-impossible.md", "failed", "'2023-02-30' is not a real date", 3),
    Case("date-month-13.md", "failed", "is not a real date (month must be in 1..12)", 3),
    Case("title-2000.md", "failed", "'title' is 2000 characters long; at most 1000", 2),
    Case("heading-2000.md", "failed", "the first heading is 2000 characters long", 1),
    Case("title-emoji.md", "created", "🚀 Launch day 🎉 — ünïcödé"),
    Case("title-rtl.md", "created", "שלום עולם — مرحبا بالعالم"),
    Case("title-html.md", "created", "<b>Bold</b> & <i>fish</i> > chips"),
    Case("title-control.md", "failed", "'title' contains the control character U+0007", 2),
    Case("title-boolean.md", "failed", "'title' must be text, not true", 2),
    Case("tags-thousands.md", "failed", "'tags' lists 3000 names; at most 100", 3),
    Case("slug-emoji.md", "failed", "has no letters or digits left for a slug", 3),
    Case("type-unknown.md", "failed", "post type 'no such type!' is not a REST base", 3),
    Case("comment-status-bad.md", "failed", "must be one of open, closed; got 'maybe'", 3),
    Case("menu-order-bad.md", "failed", "'menu_order' must be a whole number", 4),
    Case("meta-bad.md", "failed", "'meta' must be a mapping", 3),
    Case("unknown-key.md", "created", "Unknown key is only a warning"),
    Case("deep-nesting.md", "created", "Deep"),
    # --- across files, and references
    Case("dup-slug-1.md", "created", "First with the slug"),
    Case("dup-slug-2.md", "failed", "slug 'duplicate-slug' is also used by dup-slug-1.md"),
    Case("image-missing.md", "failed", "image 'no-such-chart.png' does not exist"),
    Case("image-escape.md", "failed", "points outside the content folder", 4),
    Case("link-escape.md", "failed", "link '../../../outside.md' points outside", 4),
    Case("featured-missing.md", "failed", "image 'covers/none.jpg' does not exist"),
    Case("author-unknown.md", "created", "Unknown author"),  # published as the user, warned
    Case("parent-missing.md", "failed", "parent 'no-such-page' is not published"),
    # --- made at test time (see make_generated)
    Case("big.md", "failed", "file is 10.0 MiB, larger than the 5 MiB limit"),
    Case("loop.md", "failed", "symlink loop"),
    Case("sub/again", "failed", "symlink loop: it leads back to a parent folder"),
    Case("outside.md", "failed", "symlink points outside the content folder"),
    Case("dangling.md", "failed", "broken symlink: its target does not exist"),
    Case("fifo.md", "failed", "is not a regular file (a named pipe)"),
    Case("unreadable.md", "failed", "permission denied"),
    Case("caf\\xe9.md", "failed", "file name is not valid UTF-8; rename it"),
    Case("folder.md/inside.md", "created", "Inside a folder named like a file"),
]

GOOD = {"good/one.md": "good-one", "good/two.md": "good-two"}


def make_generated(content: Path) -> None:
    """The cases that cannot sensibly live in git."""
    with (content / "big.md").open("w") as fh:  # 10 MiB of valid Markdown
        fh.write("---\ntitle: Big\n---\n")
        fh.write(("All work and no play. " * 40 + "\n\n") * 11915)
        fh.truncate(10 * 1024 * 1024)
    (content / "loop.md").symlink_to("loop.md")
    (content / "sub").mkdir()
    (content / "sub" / "again").symlink_to("..")
    (content / "outside.md").symlink_to("/etc/hostname")
    (content / "dangling.md").symlink_to("nothing-here.md")
    os.mkfifo(content / "fifo.md")
    unreadable = content / "unreadable.md"
    unreadable.write_text("---\ntitle: Secret\n---\nbody\n")
    unreadable.chmod(0)
    (content / os.fsdecode(b"caf\xe9.md")).write_text("---\ntitle: Latin-1 name\n---\n")
    (content / "folder.md").mkdir()
    (content / "folder.md" / "inside.md").write_text(
        "---\ntitle: Inside a folder named like a file\n---\nbody\n"
    )


def cli_as_reader(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI, unable to read a mode-000 file even when the tests run as root."""
    command = [sys.executable, "-m", "wpsync.cli", "--config", str(site.config), *args]
    if os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    return subprocess.run(
        command, cwd=site.root, env=site.env(), capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def corpus_site(tmp_path: Path, wp: WordPressInstance) -> Site:
    site = make_site(tmp_path / "blog", wp)
    for rel, slug in GOOD.items():
        site.write(rel, f"---\ntitle: Good {slug}\nslug: {slug}\ntags: [good]\n---\nFine.\n")
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 2, report
    for source in sorted(CORPUS.iterdir()):
        shutil.copyfile(source, site.content / source.name)
    make_generated(site.content)
    return site


def test_the_corpus_has_at_least_thirty_cases_and_every_file_has_one() -> None:
    committed = {path.name for path in CORPUS.iterdir()}
    assert len(CASES) >= 30
    assert committed <= {case.rel for case in CASES}, "a corpus file without its case"
    assert len({case.rel for case in CASES}) == len(CASES)


def test_every_bad_file_fails_alone_with_a_clear_message_and_the_rest_syncs(
    corpus_site: Site, wp: WordPressInstance
) -> None:
    site = corpus_site
    before = {p["slug"]: p["modified_gmt"] for p in list_posts(wp)}

    done = cli_as_reader(site, "sync", "--json")

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    files = {f["path"]: f for f in report["files"]}
    expected = {case.rel: case for case in CASES} | {rel: Case(rel, "unchanged") for rel in GOOD}
    assert set(files) == set(expected), set(files) ^ set(expected)
    for rel, case in expected.items():
        got = files[rel]
        assert got["action"] == case.outcome, (rel, got)
        if case.outcome == "failed":
            where = f"{rel}:{case.line}: " if case.line else f"{rel}: "
            assert got["error"].startswith(where), (rel, got["error"])
            assert case.fragment in got["error"], (rel, got["error"])
    assert report["created"] == sum(c.outcome == "created" for c in CASES)
    assert report["failed"] == sum(c.outcome == "failed" for c in CASES)
    assert report["unknown_authors"] == {"nobody-at-all": 1}

    posts = {p["slug"]: p for p in list_posts(wp, fields="slug,title,modified_gmt,tags")}
    for slug, modified in before.items():
        assert posts[slug]["modified_gmt"] == modified, f"{slug} was touched"
    created = [files[c.rel] for c in CASES if c.outcome == "created"]
    assert len(posts) == len(before) + len(created), sorted(posts)
    assert_published_correctly(wp, {c.rel: c for c in CASES}, files)
    assert list_posts(wp, "pages") == []
    with admin(wp) as client:
        tags = client.get("/wp/v2/tags", params={"per_page": 100, "_fields": "name"}).json()
    assert {t["name"] for t in tags} == {"good", "crlf"}, "a failed file created terms"

    # The plain output: one line per failed file, naming it; the others unchanged now.
    again = cli_as_reader(site, "sync")
    assert again.returncode == 1
    lines = again.stderr.splitlines()
    for case in CASES:
        if case.outcome == "failed":
            assert any(
                line.startswith(f"failed    {case.rel}:") and case.fragment in line
                for line in lines
            ), (case.rel, again.stderr)
    assert "created" not in again.stdout and "updated" not in again.stdout


def assert_published_correctly(
    wp: WordPressInstance, cases: dict[str, Case], files: dict[str, Any]
) -> None:
    with admin(wp) as client:
        for rel, case in cases.items():
            if case.outcome != "created":
                continue
            post = client.get(f"/wp/v2/posts/{files[rel]['id']}", params={"context": "edit"}).json()
            assert post["title"]["raw"] == case.fragment, (rel, post["title"])
            content = strip_fingerprint(post["content"]["raw"])  # wpsync's own, for adoption
            assert "\r" not in content and "\ufeff" not in content, (rel, content)
            if rel == "crlf.md":
                assert content == (
                    "<!-- wp:paragraph -->\n<p>First paragraph.</p>\n<!-- /wp:paragraph -->\n\n"
                    "<!-- wp:paragraph -->\n<p>Second paragraph.</p>\n<!-- /wp:paragraph -->"
                )
            if rel == "title-emoji.md":
                assert "👍" in content
            if rel == "title-rtl.md":
                assert post["slug"] == "rtl-title" and "ועברית" in content
