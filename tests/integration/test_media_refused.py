"""Images the real WordPress refuses (issue 13): an SVG on a site without an SVG plugin, a
file over the site's size limit.  The post publishes anyway — the SVG shown another safe
way, the refused image as its alt text with one warning — and the refused file is not sent
again until it changes."""

from __future__ import annotations

import base64
import random
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sitekit import REMOTE_CHECK, Site, admin, all_posts, make_site
from tests.wordpress import WordPressInstance, set_media

pytestmark = pytest.mark.integration

DRAWING = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    ' width="40" height="20" onload="alert(1)"><script>alert(2)</script>'
    '<rect width="40" height="20" fill="teal"/>'
    '<image xlink:href="https://tracker.example/pixel.png"/></svg>\n'
)


def noise_png(seed: int, side: int = 32) -> bytes:
    """A real PNG of random pixels (≈ 3 KB: it does not compress)."""
    rng = random.Random(seed)
    rows = b"".join(
        b"\x00" + bytes(rng.randrange(256) for _ in range(side * 3)) for _ in range(side)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def media_count(wp: WordPressInstance) -> int:
    with admin(wp) as client:
        r = client.get("/wp/v2/media", params={"per_page": 1})
        return int(r.headers["X-WP-Total"])


def content_of(wp: WordPressInstance, slug: str) -> str:
    [post] = [p for p in all_posts(wp) if p["slug"] == slug]
    return str(post["content"]["raw"])


def sync(site: Site, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = site.cli("sync", "--json", env=env)
    import json

    report: dict[str, Any] = json.loads(done.stdout)
    assert done.returncode == 0, (done.stderr, report)
    return report


def test_an_svg_publishes_shown_safely_then_uploads_once_the_site_takes_svg(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = make_site(tmp_path / "vault", wp)
    (site.content / "diagram.svg").write_text(DRAWING)
    site.write("notes.md", "# Notes\n\nThe flow:\n\n![The flow](diagram.svg)\n")
    report = sync(site)
    assert report["created"] == 1 and report["failed"] == 0
    [warning] = report["warnings"]
    assert "Sorry, you are not allowed to upload this file type." in warning  # WordPress's words
    assert "inline data: image" in warning
    content = content_of(wp, "notes")
    [src] = re.findall(r'src="(data:image/svg\+xml;base64,[^"]+)"', content)
    shown = base64.b64decode(src.split(",", 1)[1]).decode()
    assert 'fill="teal"' in shown
    for gone in ("script", "onload", "tracker.example"):
        assert gone not in shown
    assert media_count(wp) == 0
    # nothing changed: nothing sent, no retry
    assert sync(site)["requests"] <= REMOTE_CHECK

    # the site gets an SVG plugin; the writer edits the note: the SVG is tried again, and taken
    set_media(wp, allow_svg=True)
    site.write("notes.md", "# Notes\n\nThe flow, redrawn:\n\n![The flow](diagram.svg)\n")
    report = sync(site)
    assert report["updated"] == 1 and report["warnings"] == []
    assert media_count(wp) == 1
    with admin(wp) as client:
        [item] = client.get("/wp/v2/media", params={"context": "edit"}).json()
        uploaded = httpx.get(item["source_url"]).content
    assert item["mime_type"] == "image/svg+xml" and b"teal" in uploaded
    assert b"script" not in uploaded and b"tracker" not in uploaded  # it left cleaned
    assert item["source_url"] in content_of(wp, "notes")


@pytest.mark.slow
def test_an_svg_an_author_posts_is_uploaded_as_a_png_rendering(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    """An Author may not post data: URLs (WordPress strips them): the PNG rendering of the
    ``svg`` extra (CairoSVG, in the dev extra too) is uploaded instead."""
    site = make_site(tmp_path / "vault", wp)
    config = site.config.read_text().replace(
        f'username = "{wp.admin_user}"', f'username = "{wp.author_user}"'
    )
    site.config.write_text(config)
    env = site.env(WPSYNC_PASSWORD=wp.author_password)
    (site.content / "diagram.svg").write_text(DRAWING)
    site.write("notes.md", "![The flow](diagram.svg)\n")
    report = sync(site, env)
    assert report["created"] == 1 and "uploaded as a PNG rendering" in report["warnings"][0]
    with admin(wp) as client:
        [item] = client.get("/wp/v2/media", params={"context": "edit"}).json()
    assert item["mime_type"] == "image/png" and item["source_url"].endswith("/diagram.png")
    content = content_of(wp, "notes")
    assert item["source_url"] in content and "data:" not in content
    assert sync(site, env)["requests"] <= REMOTE_CHECK


def test_an_image_over_the_size_limit_publishes_as_its_alt_text_and_is_not_retried(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    set_media(wp, max_upload_kb=1)
    site = make_site(tmp_path / "blog", wp)
    (site.content / "chart.png").write_bytes(noise_png(1))
    site.write("report.md", "# Report\n\nSee the chart.\n\n![Sales by month](chart.png)\n")
    report = sync(site)
    assert report["created"] == 1 and report["failed"] == 0
    [warning] = report["warnings"]
    assert "refused by WordPress: This file is too big. Files must be less than 1 KB" in warning
    content = content_of(wp, "report")
    assert "Sales by month" in content and "<img" not in content
    assert media_count(wp) == 0
    again = sync(site)  # no retry, no backoff: nothing is sent at all
    assert again["requests"] <= REMOTE_CHECK and again["warnings"] == []

    # the image changes (and the limit is gone): uploaded and shown
    set_media(wp)
    (site.content / "chart.png").write_bytes(noise_png(2))
    report = sync(site)
    assert report["updated"] == 1 and report["warnings"] == []
    assert media_count(wp) == 1 and "<img" in content_of(wp, "report")
