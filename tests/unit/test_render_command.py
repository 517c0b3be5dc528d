"""`wpsync render`: what a file becomes, printed offline — the header, the body as HTML or
block markup, everything as JSON — and a file that fails says so like sync does."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import wpsync
from wpsync.cli.main import main
from wpsync.config import load_config
from wpsync.source.blocks import to_blocks

HELLO = """\
---
title: Hello
tags: [news]
password: s3cret-word
colour: blue
---
Shopping list:

- eggs
- milk

![A cat](img/cat.png)

See [the other post](other.md).
"""


@pytest.fixture
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "blog"
    (root / "content" / "img").mkdir(parents=True)
    (root / "config.toml").write_text(
        textwrap.dedent(
            """
            [site]
            url = "https://blog.example.org"
            username = "admin"

            [content]
            dir = "content"
            """
        ),
        encoding="utf-8",
    )
    (root / "content" / "hello.md").write_text(HELLO, encoding="utf-8")
    (root / "content" / "other.md").write_text("# Other\n\nText.\n", encoding="utf-8")
    (root / "content" / "bad.md").write_text("---\ndate: someday\n---\nText.\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run(blog: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(blog / "config.toml"), "render", *args])


def test_it_prints_the_header_then_the_html_with_local_images_and_links(blog: Path) -> None:
    done = run(blog, "content/hello.md")
    assert done.exit_code == 0, done.output
    head, body = done.stdout.split("\n\n", 1)
    assert head.splitlines() == [
        "title: Hello",
        "slug: hello",
        "status: publish",
        "type: post",
        "warning: unknown front-matter key 'colour' ignored",
    ]
    expected = wpsync.render_file(
        load_config(blog / "config.toml", env={}), Path("content/hello.md")
    )
    assert body == expected.payload.content + "\n"
    assert '<img src="img/cat.png" alt="A cat">' in body  # not uploaded: its local path
    assert '<a href="other.md">' in body  # a sync makes it the post's URL
    assert "s3cret-word" not in done.output


def test_format_blocks_prints_the_block_markup(blog: Path) -> None:
    done = run(blog, "--format", "blocks", "content/hello.md")
    assert done.exit_code == 0, done.output
    _, body = done.stdout.split("\n\n", 1)
    html = wpsync.render_file(load_config(blog / "config.toml", env={}), Path("content/hello.md"))
    assert body == to_blocks(html.payload.content) + "\n"
    assert body.startswith("<!-- wp:") and '<img src="img/cat.png" alt="A cat"/>' in body


def test_format_json_has_every_field_the_warnings_images_and_links(blog: Path) -> None:
    done = run(blog, "--format", "json", "content/hello.md")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["path"] == "content/hello.md" and data["rel"] == "hello.md"
    assert (data["title"], data["slug"], data["status"], data["type"]) == (
        "Hello",
        "hello",
        "publish",
        "post",
    )
    assert data["rest_base"] == "posts" and data["tags"] == ["news"]
    assert data["images"] == [{"rel": "img/cat.png", "alt": "A cat", "title": ""}]
    assert data["featured_image"] is None and data["links"] == ["other.md"]
    assert data["warnings"] == ["unknown front-matter key 'colour' ignored"]
    assert data["content"].startswith("<p>Shopping list:</p>")
    assert data["blocks"] == to_blocks(data["content"])
    assert data["password"] == "(set)" and "s3cret-word" not in done.output
    for field in ("date", "excerpt", "categories", "template", "parent", "menu_order", "meta"):
        assert field in data, field


def test_several_files_in_json_are_a_list_in_order(blog: Path) -> None:
    done = run(blog, "--format", "json", "content/other.md", "content/hello.md")
    assert done.exit_code == 0, done.output
    assert [(d["path"], d["title"]) for d in json.loads(done.stdout)] == [
        ("content/other.md", "Other"),
        ("content/hello.md", "Hello"),
    ]


def test_a_file_that_fails_gets_the_sync_error_and_the_others_are_still_printed(
    blog: Path,
) -> None:
    done = run(blog, "content/bad.md", "content/other.md")
    assert done.exit_code == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("failed    bad.md:2: front-matter key 'date' 'someday' is not a date")
    assert "==> content/other.md <==\ntitle: Other\n" in done.stdout
    assert "<p>Text.</p>" in done.stdout and "bad.md" not in done.stdout


def test_a_failed_file_in_json_is_an_object_with_its_error(blog: Path) -> None:
    done = run(blog, "--format", "json", "content/other.md", "content/bad.md", "/etc/hostname")
    assert done.exit_code == 1
    other, bad, outside = json.loads(done.stdout)
    assert other["title"] == "Other"
    assert bad["path"] == "content/bad.md" and bad["error"].startswith("bad.md:2: ")
    assert "is not in the content folder" in outside["error"]
    assert len(done.stderr.splitlines()) == 2


def test_it_needs_no_site_no_state_and_no_lock(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("render must not open a client, the state or the lock")

    monkeypatch.setattr("wpsync.wordpress.connect.open_client", forbidden)
    monkeypatch.setattr("wpsync.store.state.StateStore.open", forbidden)
    monkeypatch.setattr("wpsync.store.lock.FolderLock.__init__", forbidden)
    done = run(blog, "content/hello.md", "content/other.md")
    assert done.exit_code == 0, done.output
    assert not (blog / ".wpsync").exists()


def test_a_broken_configuration_is_exit_status_2(blog: Path) -> None:
    (blog / "config.toml").write_text("[site]\nurl = 3\n", encoding="utf-8")
    done = run(blog, "content/hello.md")
    assert done.exit_code == 2 and done.stderr.startswith("error: ")


def test_a_file_is_required() -> None:
    done = CliRunner().invoke(main, ["render"])
    assert done.exit_code == 2 and "FILE" in done.output.upper()
