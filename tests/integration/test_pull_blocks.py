"""A post made in the block editor survives `wpsync pull` and its first edit: the blocks
Markdown cannot express (a gallery, columns, buttons, a YouTube embed) stay in the file as
block markup, and after one sentence of the file is edited and synced, every other block is
byte-identical in WordPress."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import frontmatter
import httpx
import pytest

from tests.sitekit import admin, make_site
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def _upload(client: httpx.Client, name: str) -> dict[str, Any]:
    r = client.post(
        "/wp/v2/media",
        content=PNG,
        headers={
            "Content-Type": "image/png",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def editor_markup(one: dict[str, Any], two: dict[str, Any]) -> list[str]:
    """The top-level blocks, as WordPress 6.1's block editor saves them."""

    def image(media: dict[str, Any]) -> str:
        return (
            f'<!-- wp:image {{"id":{media["id"]},"sizeSlug":"large","linkDestination":"none"}} -->\n'
            f'<figure class="wp-block-image size-large"><img src="{media["source_url"]}" alt=""'
            f' class="wp-image-{media["id"]}"/></figure>\n<!-- /wp:image -->'
        )

    return [
        "<!-- wp:paragraph -->\n<p>The first sentence, which the writer will edit.</p>\n"
        "<!-- /wp:paragraph -->",
        '<!-- wp:gallery {"linkTo":"none"} -->\n'
        '<figure class="wp-block-gallery has-nested-images columns-default is-cropped">'
        f"{image(one)}\n\n{image(two)}</figure>\n<!-- /wp:gallery -->",
        "<!-- wp:heading -->\n<h2>Two columns</h2>\n<!-- /wp:heading -->",
        "<!-- wp:columns -->\n"
        '<div class="wp-block-columns"><!-- wp:column -->\n'
        '<div class="wp-block-column"><!-- wp:paragraph -->\n<p>Left column.</p>\n'
        "<!-- /wp:paragraph --></div>\n<!-- /wp:column -->\n\n"
        "<!-- wp:column -->\n"
        '<div class="wp-block-column"><!-- wp:paragraph -->\n<p>Right column.</p>\n'
        "<!-- /wp:paragraph --></div>\n<!-- /wp:column --></div>\n<!-- /wp:columns -->",
        "<!-- wp:buttons -->\n"
        '<div class="wp-block-buttons"><!-- wp:button -->\n'
        '<div class="wp-block-button"><a class="wp-block-button__link wp-element-button"'
        ' href="https://example.org/signup">Sign up</a></div>\n'
        "<!-- /wp:button --></div>\n<!-- /wp:buttons -->",
        '<!-- wp:embed {"url":"' + YOUTUBE + '","type":"video","providerNameSlug":"youtube",'
        '"responsive":true,"className":"wp-embed-aspect-16-9 wp-has-aspect-ratio"} -->\n'
        '<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube'
        ' wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">\n'
        f"{YOUTUBE}\n</div></figure>\n<!-- /wp:embed -->",
        "<!-- wp:paragraph -->\n<p>A closing paragraph with <strong>bold</strong> words.</p>\n"
        "<!-- /wp:paragraph -->",
    ]


def blocks_of(client: httpx.Client, post_id: int) -> list[dict[str, Any]]:
    """WordPress's own parse of the saved content (parse_blocks), freeform chunks left out."""
    r = client.post("/wpsync-test/v1/blocks", json={"post_id": post_id})
    assert r.status_code == 200, r.text
    return [b for b in r.json() if b["name"] is not None]


def test_a_pulled_block_post_keeps_its_blocks_through_an_edit(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    with admin(wp) as client:
        one, two = _upload(client, "one.png"), _upload(client, "two.png")
        blocks = editor_markup(one, two)
        r = client.post(
            "/wp/v2/posts",
            json={
                "title": "Made in the editor",
                "slug": "made-in-the-editor",
                "status": "publish",
                "date": "2026-01-05T10:00:00",
                "content": "\n\n".join(blocks),
            },
        )
        assert r.status_code == 201, r.text
        post = r.json()
        before = blocks_of(client, post["id"])
    assert [b["name"] for b in before] == [
        "core/paragraph",
        "core/gallery",
        "core/heading",
        "core/columns",
        "core/buttons",
        "core/embed",
        "core/paragraph",
    ]

    site = make_site(tmp_path / "blog", wp)
    done = site.cli("pull", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pulled"] == 1
    path = site.content / "made-in-the-editor.md"
    text = path.read_text(encoding="utf-8")

    # block-style front matter, a plain ISO date
    head = text.split("---\n")[1]
    assert "{" not in head and "!!" not in head, head
    assert "\ndate: 2026-01-05T10:00:00+00:00\n" in "\n" + head
    assert frontmatter.loads(text)["title"] == "Made in the editor"
    # what Markdown can say is Markdown; the rest is the block markup, verbatim
    body = frontmatter.loads(text).content
    assert body.startswith("The first sentence, which the writer will edit.")
    assert "**bold**" in body and f"\n\n{YOUTUBE}\n\n" in body  # the embed: its URL
    # kept: the gallery, columns, buttons, and the heading (wpsync's would gain an id)
    for kept in (blocks[1], blocks[2], blocks[3], blocks[4]):
        assert kept in body
    assert "<!-- wp:paragraph -->\n<p>The first" not in body

    # nothing to send after a pull
    code, report = site.sync_json()
    assert code == 0 and report["updated"] == 0 and report["unchanged"] == 1, report

    # the writer edits one sentence
    path.write_text(text.replace("which the writer will edit", "edited by the writer"), "utf-8")
    code, report = site.sync_json()
    assert code == 0 and report["updated"] == 1 and report["failed"] == 0, report
    with admin(wp) as client:
        raw = client.get(f"/wp/v2/posts/{post['id']}", params={"context": "edit"}).json()
        after = blocks_of(client, post["id"])
    content = raw["content"]["raw"]
    assert "edited by the writer" in content
    for kept in blocks[1:]:
        assert kept in content, f"not byte-identical in WordPress:\n{kept}"
    assert [b["name"] for b in after] == [b["name"] for b in before]
    assert after[1:] == before[1:]  # WordPress's own parse: same blocks, attributes, HTML
    assert after[0]["html"] == "\n<p>The first sentence, edited by the writer.</p>\n"
