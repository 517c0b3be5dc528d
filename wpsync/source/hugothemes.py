"""What popular Hugo themes add to Hugo's own shortcodes, as wpsync renders it.  Pure.

``hugo.py`` expands the shortcodes; these are the themes' ones whose output is more than
their inner content (which an unknown shortcode keeps):

- LoveIt, DoIt and FixIt: ``:(fas fa-lightbulb):`` Font Awesome marks (removed: WordPress
  has no Font Awesome), ``{{< person url=… name=… >}}`` (the linked name);
- Stack: ``{{< quote author=… source=… url=… >}}`` (a quotation, its attribution under
  it), ``{{< bilibili >}}`` and ``{{< gitlab >}}`` (a link to the video or snippet);
- Blowfish and Congo: ``{{< button href=… >}}text{{< /button >}}`` (a link; ``{{< link
  url=… title=… >}}`` too),
  ``{{< github repo=… >}}`` (a link to the repository);
- Docsy, Hextra and their kin: ``{{< tab name=… >}}`` (its title in bold above it);
- Hugo's privacy variants (``twitter_simple``, ``vimeo_simple``…): the shortcode they are
  named after.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

from wpsync.source.sitepaths import code_regions

__all__ = ["EMBED_ALIASES", "theme_shortcode", "without_icons"]


class Shortcode(Protocol):
    """What these need of ``hugo.Shortcode``: its arguments and inner content."""

    @property
    def inner(self) -> str | None: ...

    def get(self, key: str, position: int | None = None, default: str = "") -> str: ...


#: Hugo's privacy variants (``twitter_simple``, ``vimeo_simple``, ``youtube_simple``…)
#: and ``twitter`` show the same post or video as the shortcode they are named after
EMBED_ALIASES: Mapping[str, str] = {
    "youtube_simple": "youtube",
    "vimeo_simple": "vimeo",
    "twitter_simple": "tweet",
    "twitter": "tweet",
    "x_simple": "x",
    "instagram_simple": "instagram",
}
#: theme shortcodes whose only argument names a page of another site: a link to it
LINKED: Mapping[str, str] = {
    "bilibili": "https://www.bilibili.com/video/{id}/",
    "gitlab": "https://gitlab.com/-/snippets/{id}",
}

#: Blowfish's repository cards → the host the repository is on
REPOSITORY_HOSTS: Mapping[str, str] = {
    "github": "https://github.com",
    "codeberg": "https://codeberg.org",
}

ICON_MARK = re.compile(r":\(fa[\w-]*(?:[ \t]+fa[\w-]*)*\):")


def without_icons(text: str) -> str:
    """LoveIt's, DoIt's and FixIt's Font Awesome marks (``:(fas fa-lightbulb):``) removed
    outside code: WordPress has no Font Awesome, and the mark was published as written."""
    code = code_regions(text)
    return ICON_MARK.sub(lambda m: m.group(0) if m.start() in code else "", text)


def quote(sc: Shortcode) -> str:
    """Stack's and other themes' ``quote``: a quotation with its author and source."""
    lines = [f"> {line}" if line else ">" for line in (sc.inner or "").strip("\n").split("\n")]
    source, url = sc.get("source"), sc.get("url")
    cite = f"[{source or url}](<{url}>)" if url else source
    by = ", ".join(part for part in (sc.get("author", 0), cite and f"*{cite}*") if part)
    if by:
        lines += [">", f"> — {by}"]
    return "\n".join(lines)


def button(sc: Shortcode) -> str:
    """Blowfish's and Congo's ``button``, the ``link`` of others (``url=… title=…``): a link
    with the button's text (its title, else its address)."""
    href = sc.get("href") or sc.get("url")
    text = (sc.inner or "").strip() or sc.get("title") or sc.get("text") or href
    return f"[{text}](<{href}>)"


def repository(sc: Shortcode, name: str) -> str | None:
    """Blowfish's ``github`` and ``codeberg`` cards: a link to the repository."""
    host = REPOSITORY_HOSTS.get(name)
    return f"<{host}/{sc.get('repo')}>" if host and sc.get("repo") else None


def person(sc: Shortcode) -> str:
    """LoveIt's and FixIt's ``person``: the name, linked to the person's page."""
    label = sc.get("name", 1) or sc.get("nick")
    url = sc.get("url", 0)
    return f"[{label}](<{url}>)" if url else label


def tab(sc: Shortcode) -> str:
    """One tab of a ``tabs`` set (Docsy, Hextra, LoveIt's kin): its title in bold above
    what it holds, as a page shows tabs printed (MkDocs' tabs become the same)."""
    title = sc.get("name", 0) or sc.get("header") or sc.get("title")
    inner = (sc.inner or "").strip("\n")
    return f"**{title}**\n\n{inner}" if title else inner


def theme_shortcode(sc: Shortcode, name: str) -> tuple[str, bool] | None:
    """What the theme shortcode ``name`` shows, and whether it is a block of its own
    (else it stays in its line); None for a shortcode no theme here defines."""
    inner = sc.inner
    if name in LINKED and sc.get("id", 0):
        return f"<{LINKED[name].format(id=sc.get('id', 0))}>", True
    if name in REPOSITORY_HOSTS:
        link = repository(sc, name)
        return (link, True) if link else None
    if name in ("button", "link") and (sc.get("href") or sc.get("url")):
        return button(sc), False
    if name == "person" and (sc.get("name", 1) or sc.get("nick")):
        return person(sc), False
    if name == "quote" and inner is not None:
        return quote(sc), True
    if name == "tab" and inner is not None:
        return tab(sc), True
    if name == "tabs" and inner is not None:
        return inner, False  # the set around the tabs: each tab shows itself
    return None
