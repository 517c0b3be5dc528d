"""Bare URLs WordPress embeds (YouTube, Vimeo, X/Twitter) → the embed block's attributes.  Pure.

A URL alone on its line becomes a ``wp:embed`` block, written as WordPress 6.1's embed
block saves it (its variations give ``providerNameSlug``, ``responsive`` and the type; a
video gets the 16:9 aspect classes the editor adds once it has the preview).  Only URLs
WordPress's own oEmbed providers accept are taken, so the block shows the video or post
rather than "Sorry, this content could not be embedded".  WordPress 6.1 knows X posts
only by their ``twitter.com`` address: an ``x.com`` status link is written so (the same
post; twitter.com addresses still lead to it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Embed", "find_embed"]


@dataclass(frozen=True)
class Embed:
    """What the embed block stores: its URL and attributes, and its figure's classes."""

    url: str
    provider: str  # providerNameSlug: "youtube", "vimeo", "twitter"
    type: str  # "video" or "rich"
    aspect: str  # "16-9", or "" when the provider gives none

    def attributes(self) -> dict[str, object]:
        """The block comment's attributes, in the order WordPress writes them."""
        attrs: dict[str, object] = {
            "url": self.url,
            "type": self.type,
            "providerNameSlug": self.provider,
            "responsive": True,
        }
        if self.aspect:
            attrs["className"] = f"wp-embed-aspect-{self.aspect} wp-has-aspect-ratio"
        return attrs

    def figure_class(self) -> str:
        classes = [
            "wp-block-embed",
            f"is-type-{self.type}",
            f"is-provider-{self.provider}",
            f"wp-block-embed-{self.provider}",
        ]
        if self.aspect:
            classes += [f"wp-embed-aspect-{self.aspect}", "wp-has-aspect-ratio"]
        return " ".join(classes)


# WordPress 6.1's oEmbed providers (wp-includes/class-wp-oembed.php) for these three sites.
_PROVIDERS: tuple[tuple[re.Pattern[str], str, str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), provider, kind, aspect)
    for pattern, provider, kind, aspect in (
        (
            r"^https?://((m|www)\.)?youtube\.com/(watch|playlist|shorts/)\S*$",
            "youtube",
            "video",
            "16-9",
        ),
        (r"^https?://youtu\.be/\S+$", "youtube", "video", "16-9"),
        (r"^https?://(www\.)?vimeo\.com/\S+$", "vimeo", "video", "16-9"),
        (r"^https?://(www\.)?twitter\.com/\w{1,15}/status(es)?/\S+$", "twitter", "rich", ""),
    )
)
_X_STATUS = re.compile(r"^https?://(www\.)?x\.com/(\w{1,15}/status(es)?/\S+)$", re.IGNORECASE)


def find_embed(url: str) -> Embed | None:
    """The embed for ``url`` (a bare URL, unescaped), or None when it is not one WordPress embeds."""
    url = url.strip()
    x_post = _X_STATUS.match(url)
    if x_post:
        url = "https://twitter.com/" + x_post.group(2)
    for pattern, provider, kind, aspect in _PROVIDERS:
        if pattern.match(url):
            return Embed(url, provider, kind, aspect)
    return None
