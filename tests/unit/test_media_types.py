"""Only images go to the media library, told by their content, not their name (issue 14):
a text file referenced as an image, a hard link to a secret, an SVG — that post fails
with an error naming the file, nothing is uploaded, the other posts sync."""

from __future__ import annotations

import os
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


def test_an_svg_is_an_error_saying_wordpress_refuses_it_not_a_retry(
    folder: Folder, wp: FakeWordPress
) -> None:
    (folder.content / "diagram.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>\n')
    folder.write("a.md", "![diagram](diagram.svg)\n")
    folder.write("b.md", "Plain.\n")
    report = folder.sync(wp)
    failures = _failures(report)
    assert list(failures) == ["a.md"]
    assert "'diagram.svg' is an SVG" in failures["a.md"]
    assert "WordPress does not accept SVG uploads without a plugin" in failures["a.md"]
    assert not [f for f in report.files if f.transient]  # not retried as a lost answer
    assert wp.media() == []
    mark = wp.request_count
    again = folder.sync(wp)  # the next run says the same, and sends nothing for it
    assert list(_failures(again)) == ["a.md"]
    assert wp.media() == [] and only_the_remote_check(wp.requests[mark:])


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
