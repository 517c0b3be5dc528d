"""Slugs: what a title or a file name becomes in a post's URL, as WordPress makes them.  Pure."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_SLUG", "slugify"]

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
