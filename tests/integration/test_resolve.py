"""`wpsync resolve` against the real WordPress: an edit made there is a conflict until
`--keep-remote` brings it into the file (the diff shown) or `--keep-local` overwrites it;
`plan --diff` shows both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitekit import admin, make_site, next_second
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration


@pytest.mark.slow
def test_keep_remote_brings_the_edit_into_the_file_and_keep_local_overwrites_it(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "blog", wp)
    path = site.write(
        "rs-note.md",
        """
        ---
        title: A note
        tags: [resolve-test]
        ---
        The first paragraph.

        The second paragraph.
        """,
    )
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 1, report
    post_id = report["files"][0]["id"]
    # WordPress keeps modification times to the second: an edit made within the second of
    # wpsync's own write cannot be told from it (README, "Edits made in WordPress")
    next_second()
    with admin(wp) as http:
        http.post(
            f"/wp/v2/posts/{post_id}",
            json={
                "title": "A note, edited there",
                "content": "<!-- wp:paragraph -->\n<p>The first paragraph.</p>\n"
                "<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n"
                "<p>A paragraph written in WordPress.</p>\n<!-- /wp:paragraph -->",
            },
        ).raise_for_status()

    # plan --diff: the conflict, what WordPress changed, and both sides of the content
    done = site.cli("plan", "--diff")
    assert done.returncode == 1, done.stderr
    assert "conflict  rs-note.md" in done.stdout and "edited on the site" in done.stdout
    assert "changed in WordPress: title ('A note' → 'A note, edited there'), content" in (
        done.stdout
    )
    assert "-<p>A paragraph written in WordPress.</p>" in done.stdout
    assert "+<p>The second paragraph.</p>" in done.stdout

    code, report = site.sync_json()
    assert code == 1 and report["conflicts"] == 1, report  # not overwritten

    done = site.cli("resolve", "rs-note.md", "--keep-remote")
    assert done.returncode == 0, done.stderr
    assert "kept remote" in done.stdout
    assert "-The second paragraph." in done.stdout  # the diff of the file
    assert "+A paragraph written in WordPress." in done.stdout
    text = path.read_text(encoding="utf-8")
    assert "title: A note, edited there" in text
    assert "A paragraph written in WordPress." in text and "second paragraph" not in text
    assert "- resolve-test" in text or "[resolve-test]" in text  # the front matter's terms
    code, report = site.sync_json()
    assert code == 0 and report["unchanged"] == 1 and report["updated"] == 0, report

    # another edit there, in a later second than the sync above; this time the file wins
    next_second()
    with admin(wp) as http:
        http.post(f"/wp/v2/posts/{post_id}", json={"title": "Edited again"}).raise_for_status()
    code, report = site.sync_json()
    assert code == 1 and report["conflicts"] == 1, report
    done = site.cli("resolve", "rs-note.md", "--keep-local")
    assert done.returncode == 0, done.stderr
    assert "kept local" in done.stdout
    with admin(wp) as http:
        post = http.get(f"/wp/v2/posts/{post_id}", params={"context": "edit"}).json()
    assert post["title"]["raw"] == "A note, edited there"
    code, report = site.sync_json()
    assert code == 0 and report["unchanged"] == 1, report


def test_resolve_needs_one_side_and_a_linked_file(tmp_path: Path, wp: WordPressInstance) -> None:
    site = make_site(tmp_path / "blog", wp)
    site.write("rs-new.md", "Not synced yet.\n")
    done = site.cli("resolve", "rs-new.md")
    assert done.returncode == 2 and "give one of --keep-local or --keep-remote" in done.stderr
    done = site.cli("resolve", "rs-new.md", "--keep-remote")
    assert done.returncode == 1 and "not linked to a post" in done.stderr
