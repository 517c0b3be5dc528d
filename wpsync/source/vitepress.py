"""VitePress' code groups, code titles and table-of-contents marker → wpsync's Markdown.  Pure.

For ``[content] dialect = "docs"`` (a ``.vitepress/`` folder; Python-Markdown's ``[TOC]``
too, as MkDocs writes it):

==============================  ===========================================================
``::: code-group`` … ``:::``    the container lines removed; each block's ``[label]`` in
                                bold above it (the tab it was: ``npm``, ``pnpm``, ``yarn``)
````` ```js [config.js] `````   ``title="config.js"`` (``fences.py``: ``data-title``)
``::: v-pre``, ``::: raw``      the container lines removed, the content kept (they
                                only tell Vue to leave the content alone)
``[[toc]]``, ``[TOC]``          the table of contents of the page's headings, where the
                                marker was (``attrlists.TOC_MARK``)
==============================  ===========================================================

Nothing in fenced code is touched.

A home page (``layout: home``) holds its words in its front matter, which VitePress lays
out: :func:`home_page` writes them as Markdown above the body — the hero's name as the
page's first heading (its title when the front matter has none), its text in bold, its
tagline, its actions as links, then each feature's title as a heading with
its details (a feature's ``link`` links the title; an icon that is an emoji is kept, one
that is HTML or an image is not).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping

from wpsync.source.attrlists import TOC_MARK
from wpsync.source.fences import FenceTracker

__all__ = ["convert_vitepress", "home_page"]


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on the first text that may hold VitePress' syntax."""
    return {
        "quick": re.compile(
            r"^ {0,3}(?::{3,}[ \t]*(?:code-group|v-pre|raw)|\[\[toc\]\]|\[TOC\])|\[[^\]\n]+\]",
            re.M,
        ),
        "group": re.compile(r"^( {0,3})(:{3,})[ \t]*(code-group|v-pre|raw)[ \t]*$"),
        "toc": re.compile(r"^ {0,3}(?:\[\[toc\]\]|\[TOC\])[ \t]*$"),
        "fence": re.compile(r"^([ \t]*)(`{3,}|~{3,})([^`\[\n]*?)[ \t]*\[([^\]\n]+)\][ \t]*(.*)$"),
    }


def convert_vitepress(text: str) -> str:
    """``text`` with VitePress' marks translated as the module docstring says."""
    if "[" not in text and ":::" not in text:
        return text
    p = _patterns()
    if p["quick"].search(text) is None:
        return text
    lines = text.split("\n")
    out: list[str] = []
    code = FenceTracker()
    group_close: str | None = None  # the closing line of the code group we are in
    wrappers: list[str] = []  # the closing lines of the v-pre and raw containers we are in
    for i, line in enumerate(lines):
        opening = not code.inside
        if code.in_code(line):
            fence = p["fence"].match(line) if opening else None
            if fence is not None:
                indent, ticks, info, label, rest = fence.groups()
                if group_close is not None:
                    out += ["", f"{indent}<p><strong>{html.escape(label)}</strong></p>", ""]
                    line = f"{indent}{ticks}{info.strip()} {rest}".rstrip()
                elif '"' not in label:
                    line = f'{indent}{ticks}{info.strip()} title="{label}" {rest}'.rstrip()
            out.append(line)
            continue
        if group_close is not None and line.rstrip() == group_close:
            group_close = None
            out.append("")
            continue
        if wrappers and line.rstrip() == wrappers[-1]:
            wrappers.pop()
            out.append("")
            continue
        group = p["group"].match(line)
        if group is not None and _closes(lines, i, group.group(1) + group.group(2)):
            if group.group(3) == "code-group":
                group_close = group.group(1) + group.group(2)
            else:
                wrappers.append(group.group(1) + group.group(2))
            out.append("")
            continue
        out.append(TOC_MARK if p["toc"].match(line) else line)
    return "\n".join(out)


def _closes(lines: list[str], start: int, close: str) -> bool:
    """Whether a line ``close`` (outside fenced code) follows ``start``."""
    code = FenceTracker()
    return any(not code.in_code(line) and line.rstrip() == close for line in lines[start + 1 :])


def home_page(front_matter: Mapping[str, object]) -> str:
    """The Markdown of a ``layout: home`` page's hero and features ("" for another page)."""
    if str(front_matter.get("layout", "")).strip().lower() != "home":
        return ""
    out: list[str] = []
    hero = front_matter.get("hero")
    if isinstance(hero, Mapping):
        for key, shown in (("name", "# {}"), ("text", "**{}**"), ("tagline", "{}")):
            value = hero.get(key)
            if isinstance(value, str) and value.strip():
                out.append(shown.format(_text(value)))
        actions = hero.get("actions")
        links = [
            f"[{_text(str(a['text']))}]({str(a['link']).strip()})"
            for a in (actions if isinstance(actions, list) else [])
            if isinstance(a, Mapping) and a.get("text") and a.get("link")
        ]
        if links:
            out.append(" · ".join(links))
    features = front_matter.get("features")
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, Mapping) or not isinstance(feature.get("title"), str):
            continue
        icon = feature.get("icon")
        title = _text(str(feature["title"]))
        if isinstance(feature.get("link"), str):
            title = f"[{title}]({str(feature['link']).strip()})"
        if isinstance(icon, str) and icon.strip() and "<" not in icon:
            title = f"{icon.strip()} {title}"
        out.append(f"### {title}")
        if isinstance(feature.get("details"), str):
            out.append(_text(str(feature["details"])))
    return "\n\n".join(out) + "\n\n" if out else ""


def _text(value: str) -> str:
    """``value`` as one line of Markdown text (its HTML escaped)."""
    return html.escape(" ".join(value.split()), quote=False)
