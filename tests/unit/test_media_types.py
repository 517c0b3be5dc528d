"""Only images go to the media library, told by their content, not their name (issue 14):
a text file referenced as an image, a hard link to a secret — that post fails with an
error naming the file, nothing is uploaded, the other posts sync.  An image WordPress
refuses for good (an SVG, one too large) does not fail its post (issue 13)."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest

from tests.fakewp import FakeWordPress, Folder, only_the_remote_check
from wpsync.source.imagetypes import SVG, sniff_image

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a" + b"\x00" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00" + b"\x00" * 16
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 16
BMP = b"BM" + b"\x00" * 40
ICO = b"\x00\x00\x01\x00\x01\x00" + b"\x00" * 30
TIFF = b"II*\x00" + b"\x00" * 20


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (AVIF, "image/avif"),
        (HEIC, "image/heic"),
        (BMP, "image/bmp"),
        (ICO, "image/x-icon"),
        (TIFF, "image/tiff"),
        (b"MM\x00*" + b"\x00" * 10, "image/tiff"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', SVG),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- drawn -->\n<!DOCTYPE svg>\n<svg>', SVG),
        ("<svg></svg>".encode("utf-16"), SVG),
        (b"root:$6$salt$hash:19000:0:99999:7:::\n", None),
        (b"PASSWORD=hunter2\n", None),
        (b"<html><body><svg></svg></body></html>", None),
        (b"", None),
        (b"\x00\x00\x00\x18ftypmp42", None),  # a video
        (b"%PDF-1.7\n", None),
    ],
)
def test_an_image_is_told_by_its_first_bytes(data: bytes, mime: str | None) -> None:
    assert sniff_image(data) == mime


@pytest.fixture
def wp() -> FakeWordPress:
    return FakeWordPress()


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder.make(tmp_path / "blog")


def _failures(report: object) -> dict[str, str]:
    return {f.path: f.error or "" for f in report.files if f.action == "failed"}  # type: ignore[attr-defined]


def test_files_that_are_not_images_are_never_uploaded(
    folder: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    (folder.content / "secrets.txt").write_text("API_KEY=abc123\n")
    (folder.content / "notes.png").write_text("not a picture, just notes\n")
    shadow = tmp_path / "shadow"  # outside the folder, hard-linked in
    shadow.write_text("root:$6$salt$hash:19000:0:99999:7:::\n")
    os.link(shadow, folder.content / "avatar.jpg")
    (folder.content / "logo.png").write_bytes(PNG)
    folder.write("a.md", "![x](secrets.txt)\n")
    folder.write("b.md", "![x](notes.png)\n")
    folder.write("c.md", "---\nfeatured_image: avatar.jpg\n---\nText.\n")
    folder.write("good.md", "![logo](logo.png)\n")
    report = folder.sync(wp)
    failures = _failures(report)
    assert set(failures) == {"a.md", "b.md", "c.md"}
    assert "'secrets.txt' is not an image" in failures["a.md"]
    assert "'notes.png' is not an image" in failures["b.md"]
    assert "'avatar.jpg' is not an image" in failures["c.md"]
    assert {f.path: f.action for f in report.files}["good.md"] == "created"
    [media] = wp.media()  # only the real PNG left the machine
    assert (media.data, media.mime) == (PNG, "image/png")
    assert report.exit_code == 1


SVG_DRAWING = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4" onload="alert(1)">'
    '<script>alert(2)</script><rect width="4" height="4" fill="red"/></svg>\n'
)


def test_an_svg_the_site_refuses_is_shown_inline_cleaned_and_not_retried(
    folder: Folder, wp: FakeWordPress
) -> None:
    (folder.content / "diagram.svg").write_text(SVG_DRAWING)
    folder.write("a.md", "Before.\n\n![diagram](diagram.svg)\n")
    folder.write("b.md", "Plain.\n")
    report = folder.sync(wp)
    assert {f.path: f.action for f in report.files} == {"a.md": "created", "b.md": "created"}
    assert wp.media() == []  # tried once, refused
    [post] = [p for p in wp.posts() if p.slug == "a"]
    [src] = re.findall(r'src="(data:image/svg\+xml;base64,[^"]+)"', post.content)
    shown = base64.b64decode(src.split(",", 1)[1]).decode()
    assert "<rect" in shown and "script" not in shown and "onload" not in shown
    [warning] = report.warnings
    assert "refused by WordPress: Sorry, you are not allowed to upload this file type." in warning
    assert "inline data: image" in warning and "removed: onload=, <script>" in warning
    mark = wp.request_count
    again = folder.sync(wp)  # nothing changed: nothing sent, nothing retried
    assert only_the_remote_check(wp.requests[mark:]) and again.exit_code == 0


def test_an_svg_is_uploaded_cleaned_where_the_site_accepts_svg(
    folder: Folder, wp: FakeWordPress
) -> None:
    wp.accepts_svg = True
    (folder.content / "diagram.svg").write_text(SVG_DRAWING)
    folder.write("a.md", "![diagram](diagram.svg)\n")
    report = folder.sync(wp)
    assert report.exit_code == 0 and not report.warnings
    [media] = wp.media()
    assert media.mime == SVG and b"<rect" in media.data and b"script" not in media.data
    assert media.source_url in wp.posts()[0].content


def test_a_refused_image_publishes_its_post_with_the_alt_text_once_then_waits_for_a_change(
    folder: Folder, wp: FakeWordPress
) -> None:
    wp.max_upload_bytes = 10
    (folder.content / "big.png").write_bytes(PNG)
    folder.write("a.md", "Text.\n\n![A big chart](big.png)\n")
    report = folder.sync(wp)
    assert [f.action for f in report.files] == ["created"]
    assert "<p>A big chart</p>" in wp.posts()[0].content and wp.media() == []
    [warning] = report.warnings
    assert "image 'big.png' refused by WordPress: This file is too big." in warning
    assert "rest_upload_file_too_big" in warning
    mark = wp.request_count
    assert folder.sync(wp).warnings == () and only_the_remote_check(wp.requests[mark:])  # no retry
    # the post changes: tried once more (still refused, said so)
    folder.write("a.md", "Text, edited.\n\n![A big chart](big.png)\n")
    edited = folder.sync(wp)
    assert [f.action for f in edited.files] == ["updated"]
    assert wp.media() == [] and "refused by WordPress" in edited.warnings[0]
    # the site's limit is raised and the image changes: uploaded, shown
    wp.max_upload_bytes = None
    (folder.content / "big.png").write_bytes(PNG + b"\x00")
    fixed = folder.sync(wp)
    assert fixed.warnings == () and [f.action for f in fixed.files] == ["updated"]
    [media] = wp.media()
    assert media.source_url in wp.posts()[0].content


def test_an_svg_an_author_cannot_inline_falls_back_to_its_alt_text_or_a_png(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wpsync.engine import media

    wp.capabilities = {"upload_files", "publish_posts"}  # an Author: no unfiltered_html
    (folder.content / "diagram.svg").write_text(SVG_DRAWING)
    folder.write("a.md", "![the diagram](diagram.svg)\n")
    monkeypatch.setattr(media, "rasterise", lambda svg: None)  # no CairoSVG
    report = folder.sync(wp)
    assert "<p>the diagram</p>" in wp.posts()[0].content
    assert "its alt text is shown instead" in report.warnings[0]
    monkeypatch.setattr(media, "rasterise", lambda svg: PNG)
    folder.write("b.md", "![the diagram](diagram.svg)\n")
    report = folder.sync(wp)
    [png] = wp.media()
    assert png.mime == "image/png" and png.data == PNG and png.filename == "diagram.png"
    assert png.source_url in next(p for p in wp.posts() if p.slug == "b").content
    assert "uploaded as a PNG rendering" in report.warnings[0]


def test_an_image_swapped_for_text_after_it_was_hashed_is_not_uploaded(
    folder: Folder, wp: FakeWordPress, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wpsync.engine.media import LocalImages

    pic = folder.content / "pic.png"
    pic.write_bytes(PNG)
    folder.write("a.md", "![x](pic.png)\n")
    real = LocalImages.hash_of

    def hash_then_swap(self: LocalImages, rel: str) -> str:
        digest = real(self, rel)
        pic.write_text("secret text now\n")
        return digest

    monkeypatch.setattr(LocalImages, "hash_of", hash_then_swap)
    report = folder.sync(wp)
    assert list(_failures(report)) == ["a.md"]
    assert wp.media() == []


def test_a_symlinked_image_is_read_only_inside_the_folder(
    folder: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(PNG)
    (folder.content / "in.png").symlink_to(outside)
    folder.write("a.md", "![x](in.png)\n")
    report = folder.sync(wp)
    assert "link to a file outside the content folder" in _failures(report)["a.md"]
    assert wp.media() == []


def test_an_image_in_a_linked_folder_is_read_only_inside_the_folder(
    folder: Folder, wp: FakeWordPress, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "pic.png").write_bytes(PNG)
    (folder.content / "pics").symlink_to(outside)  # the folder, not the file, is a link
    (folder.content / "own").mkdir()
    (folder.content / "own" / "pic.png").write_bytes(PNG + b"own")
    (folder.content / "own" / "alias.png").symlink_to(folder.content / "own" / "pic.png")
    folder.write("a.md", "![x](pics/pic.png)\n")
    folder.write("b.md", "![y](own/pic.png) ![z](own/alias.png)\n")
    report = folder.sync(wp)
    failures = _failures(report)  # the scan does not enter the linked folder either
    assert "link to a file outside the content folder" in failures["a.md"]
    assert "b.md" not in failures
    assert len(wp.media()) == 1  # the same bytes under two names: one upload


def test_a_post_re_sent_for_its_links_does_not_try_a_refused_image_again(
    folder: Folder, wp: FakeWordPress
) -> None:
    wp.max_upload_bytes = 10
    (folder.content / "big.png").write_bytes(PNG)
    folder.write("a.md", "See [b](b.md).\n\n![A big chart](big.png)\n")
    folder.write("b.md", "---\nstatus: draft\n---\nB.\n")
    folder.sync(wp)
    uploads = sum(1 for r in wp.requests if r.method == "POST" and r.route == "/wp/v2/media")
    assert uploads == 1
    folder.write("b.md", "---\nstatus: publish\n---\nB.\n")  # a.md's link gets its URL
    report = folder.sync(wp)
    a = next(p for p in wp.posts() if p.slug == "a")
    assert "<p>A big chart</p>" in a.content and 'href="https://' in a.content, report
    assert uploads == sum(
        1 for r in wp.requests if r.method == "POST" and r.route == "/wp/v2/media"
    )
    assert not any("refused" in w for w in report.warnings)  # said once, when it happened


def test_the_plan_says_what_happens_to_an_image_refused_before(
    folder: Folder, wp: FakeWordPress
) -> None:
    from wpsync.engine.run import SyncRequest, run_sync

    wp.max_upload_bytes = 10
    (folder.content / "big.png").write_bytes(PNG)
    folder.write("a.md", "![A big chart](big.png)\n")
    folder.sync(wp)
    folder.write("a.md", "Edited.\n\n![A big chart](big.png)\n")
    plan = run_sync(
        folder.config,
        SyncRequest(dry_run=True, lock_timeout=5.0),
        client_factory=wp.client_factory(),
    )
    assert plan.warnings == (
        "a.md: image 'big.png' was refused by WordPress (This file is too big.):"
        " tried again (the post changed)",
    )
