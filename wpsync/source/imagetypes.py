"""What kind of image a file is, told by its first bytes, never by its name.

Only images go to the site's public media library: ``![x](secrets.txt)``, a text file
named ``notes.png`` or a hard link to ``/etc/shadow`` is refused before any byte leaves.
SVG is recognised (XML whose root element is ``<svg>``) but refused too: WordPress does
not accept SVG uploads without a plugin, and an SVG can carry scripts.
"""

from __future__ import annotations

import re

__all__ = ["SVG", "UPLOADABLE", "sniff_image"]

#: the type :func:`sniff_image` gives an SVG document (not uploadable)
SVG = "image/svg+xml"

#: the types wpsync uploads, by the names WordPress knows them
UPLOADABLE = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/heic",
    "image/bmp",
    "image/x-icon",
    "image/tiff",
)

_AVIF_BRANDS = {b"avif", b"avis"}
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# An XML prologue: declaration, comments, processing instructions, a doctype, blanks.
_PROLOGUE = re.compile(
    r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.DOTALL | re.IGNORECASE
)
_SVG_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]")


def sniff_image(data: bytes) -> str | None:
    """The MIME type of the image ``data`` holds (:data:`SVG` for an SVG document),
    or None when it is not an image wpsync knows."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _AVIF_BRANDS:
            return "image/avif"
        if brand in _HEIC_BRANDS:
            return "image/heic"
        return None
    if head.startswith(b"BM") and len(data) >= 26:
        return "image/bmp"
    if head.startswith(b"\x00\x00\x01\x00") and len(data) >= 22:
        return "image/x-icon"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if _is_svg(data):
        return SVG
    return None


def _is_svg(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    prologue = _PROLOGUE.match(text)
    rest = text[prologue.end() :] if prologue else text
    return _SVG_ROOT.match(rest) is not None
