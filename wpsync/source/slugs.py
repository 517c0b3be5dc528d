"""Slugs: what a title or a file name becomes in a post's URL, as WordPress makes them.  Pure."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from urllib.parse import unquote

__all__ = ["MAX_SLUG", "explicit_slug", "slugify", "stored_slug"]

MAX_SLUG = 200

# Letters NFKD cannot take apart, spelled out as WordPress's remove_accents() does;
# apostrophes vanish ("don't" → "dont").
_ASCII_EXTRA = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th"}
) | str.maketrans("øØđĐðÐłŁıħ", "ooddddllih", "'’‘")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = MAX_SLUG) -> str:
    """WordPress-like slug: ASCII lowercase letters, digits and single dashes.

    Accents are removed (NFKD), a few letters without a decomposition are spelled out
    (ß → ss, ø → o …); anything else becomes a dash.  May return ``""`` (``"日本"``).
    """
    ascii_text = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_ALNUM.sub("-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")


_OCTETS = re.compile(r"%[0-9A-Fa-f]{2}")
# What sanitize_title_with_dashes turns into a dash, and what it drops (context "save").
_WP_DASHED = frozenset("\u00a0\u2013\u2014\u2012\u2015\u2010\u2011\u2044")
_WP_REMOVED = frozenset(
    "¡¿«»‹›‘’‚‛“”„‟•©®°…™´˜¨ˆ\u00ad\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202f\ufeff"
)


def _unaccented(char: str) -> str:
    """A Latin letter without its accents (``é`` → ``e``), as WordPress's remove_accents();
    any other character as it is (Greek and Japanese keep theirs)."""
    if char.isascii():
        return char
    spelled = char.translate(_ASCII_EXTRA)
    if spelled != char:
        return spelled
    if not ("\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff"):
        return char  # remove_accents() knows the Latin letters alone: 𝕬, Ａ, ① are kept
    base = unicodedata.normalize("NFKD", char)
    if base and base[0].isascii() and base[0].isalpha():
        return "".join(c for c in base if not unicodedata.combining(c))
    return char


def stored_slug(text: str, *, max_encoded: int = MAX_SLUG) -> str:
    """The slug WordPress stores for ``text`` (sanitize_title), decoded: lower case,
    Latin accents removed, other scripts' letters and digits kept (``Привет мир`` →
    ``привет-мир``, stored ``%d0%bf…``), anything else a dash, cut where the
    percent-encoded form would pass ``max_encoded`` characters.  May return ``""``.

    Symbols and punctuation outside ASCII (``🙂``, ``、``) become dashes: WordPress keeps
    some of them, so such a slug pulled from a site is not sent back exactly (``pull``
    warns that the file maps to another slug)."""
    if _OCTETS.search(text):
        with contextlib.suppress(UnicodeDecodeError):
            text = unquote(text, errors="strict")  # WordPress keeps escaped octets
    out: list[str] = []
    length = 0
    for char in "".join(_unaccented(c) for c in text.lower()):
        if char.isascii():
            kept = char if (char.isalnum() or char == "_") else "-"
        elif char in _WP_DASHED or unicodedata.category(char)[0] in "ZC":
            kept = "-"
        elif char in _WP_REMOVED:
            continue
        elif char == "×":
            kept = "x"
        elif unicodedata.category(char)[0] in "LNM":
            kept = char  # other scripts' letters, digits and their marks
        else:
            kept = "-"  # symbols and punctuation (WordPress keeps some; wpsync does not)
        cost = len(kept) if kept.isascii() else 3 * len(kept.encode("utf-8"))
        if length + cost > max_encoded:
            break
        out.append(kept)
        length += cost
    return re.sub("-{2,}", "-", "".join(out)).strip("-")


def explicit_slug(text: str) -> str:
    """A slug written in front matter (``slug:``, ``parent:``): ASCII as :func:`slugify`
    makes it, unless it holds letters of a script without an ASCII spelling — then as
    WordPress stores it (:func:`stored_slug`), so a slug ``pull`` wrote from the site
    (``привет-мир``, ``cafe-日本``) is sent back exactly and the URL stays.  May return
    ``""``."""
    stored = stored_slug(text)
    if stored.isascii():
        return slugify(text)
    return stored
