"""``wpsync pull``'s conversion of a post's content (HTML) into Markdown.  Pure.

- Classic-editor content (no block markup): a ``wpautop``-like pass gives it back its
  paragraphs, then markdownify turns it into Markdown.
- Block-editor content: each top-level block becomes Markdown only when Markdown can say
  it — when the Markdown, rendered and turned into blocks the way ``sync`` does it,
  gives back the same block (whitespace between the delimiters and the HTML aside).  Any
  other block (a gallery, columns, buttons, an embed, a paragraph with a colour, an image
  with its attachment ID…) is kept in the file as the block markup WordPress has, which
  ``sync`` sends back untouched (``source/rawblocks.py``): so a pulled post survives its
  first edit, and editing the text around such a block leaves it byte-identical.  The
  whole document is checked once more (two neighbouring lists would merge into one in
  Markdown): a block that does not come back the same is kept as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from wpsync.config import MarkdownEngine
from wpsync.source.rawblocks import DELIMITER, segments

__all__ = ["Converted", "autop", "convert_content", "html_to_markdown"]

_BLOCK_TAG = re.compile(
    r"<(?:p|div|h[1-6]|ul|ol|li|pre|blockquote|table|figure|hr|section|article|dl|"
    r"address|form|fieldset|details|!-- wp:)[\s>/]",
    re.IGNORECASE,
)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_PARAGRAPHS = re.compile(r"\n\s*\n")
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.IGNORECASE | re.DOTALL)
_KEPT = re.compile(r"\x00(\d+)\x00")
_URL_ATTR = re.compile(r"""(\s(?:src|href)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_AROUND_DELIMITERS = re.compile(r"\s*(<!--\s+/?wp:.*?-->)\s*", re.DOTALL)


def autop(text: str) -> str:
    """Classic-editor content keeps paragraphs as blank lines (WordPress adds ``<p>`` when
    it shows the post): wrap them, as ``wpautop`` would, before converting.  ``<pre>``
    blocks are left exactly as they are."""
    kept: list[str] = []

    def keep(found: re.Match[str]) -> str:
        kept.append(found.group(0))
        return f"\x00{len(kept) - 1}\x00"

    protected = _PRE.sub(keep, text.replace("\r\n", "\n"))
    chunks = [c.strip() for c in _PARAGRAPHS.split(protected) if c.strip()]
    out: list[str] = []
    for chunk in chunks:
        if _BLOCK_TAG.match(chunk) or _KEPT.fullmatch(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br />\n") + "</p>")
    return _KEPT.sub(lambda m: kept[int(m.group(1))], "\n\n".join(out))


def _absolute_urls(html_text: str, site_url: str) -> str:
    """Root-relative and relative image/link URLs made absolute, so the Markdown file
    never points at a local path that does not exist."""
    base = site_url.rstrip("/") + "/"

    def fix(found: re.Match[str]) -> str:
        url = found.group(3).strip()
        if not url or url.startswith(("#", "mailto:", "tel:", "data:")) or "://" in url:
            return found.group(0)
        if url.startswith("//"):
            return found.group(0)
        return f"{found.group(1)}{found.group(2)}{urljoin(base, url)}{found.group(2)}"

    return _URL_ATTR.sub(fix, html_text)


def _code_language(element: Any) -> str | None:
    code = element.find("code") if hasattr(element, "find") else None
    for candidate in (code, element):
        classes = candidate.get("class") if candidate is not None else None
        for name in classes or ():
            for prefix in ("language-", "lang-"):
                if str(name).startswith(prefix):
                    return str(name)[len(prefix) :]
    return None


def _markdownify(html_text: str, site_url: str, *, bullets: str = "-") -> str:
    from markdownify import markdownify

    markdown = markdownify(
        _absolute_urls(html_text, site_url),
        heading_style="ATX",
        bullets=bullets,
        code_language_callback=_code_language,
        strip=["script", "style"],
    )
    lines = [line.rstrip() for line in markdown.strip().splitlines()]
    collapsed: list[str] = []
    for line in lines:
        if line == "" and collapsed and collapsed[-1] == "":
            continue
        collapsed.append(line)
    return "\n".join(collapsed).strip()


def html_to_markdown(content: str, site_url: str, *, engine: MarkdownEngine = "commonmark") -> str:
    """WordPress post content (raw, block or classic) as Markdown."""
    return convert_content(content, site_url, engine=engine).markdown


@dataclass(frozen=True)
class Converted:
    """A post's content as Markdown; ``kept``: the names of the blocks kept as markup."""

    markdown: str
    kept: tuple[str, ...] = ()


@dataclass
class _Piece:
    raw: str  # a top-level block's markup, or classic HTML between blocks
    block: bool
    markdown: str | None  # None: kept as it is


def _normal(markup: str) -> str:
    """Block markup without the white space around its delimiters (not meaningful)."""
    return _AROUND_DELIMITERS.sub(r"\1", markup).strip()


def _block_name(markup: str) -> str:
    found = DELIMITER.match(markup)
    name = found.group("name") if found else "?"
    return name.removeprefix("core/")


def _as_blocks(markdown: str, engine: MarkdownEngine) -> str:
    """What ``sync`` sends for ``markdown`` (block editor on, no local images), with the
    passes mapping.py may run around the parser whatever the dialect — admonitions,
    attribute lists, ``{:toc}`` — and the emoji of the dialects that show them: a block
    whose Markdown any of them would change keeps its markup."""
    from wpsync.source.admonitions import convert_admonitions
    from wpsync.source.attrlists import drop_attribute_lists, fill_toc
    from wpsync.source.blocks import to_blocks
    from wpsync.source.emoji import emojify
    from wpsync.source.render import render_markdown

    text = convert_admonitions(markdown, engine)
    if engine == "commonmark":
        text = drop_attribute_lists(text)
    html = fill_toc(render_markdown(text, engine=engine).html)
    return to_blocks(emojify(html))


def convert_content(
    content: str, site_url: str, *, engine: MarkdownEngine = "commonmark"
) -> Converted:
    """``content`` as Markdown, keeping as markup the blocks Markdown cannot express
    (wpsync's own fingerprint left out: it is WordPress's copy's, not the file's)."""
    from wpsync.engine.fingerprint import strip_fingerprint

    text = strip_fingerprint(content).replace("\r\n", "\n")
    if "<!-- wp:" not in text:
        return Converted(_markdownify(autop(text), site_url) + "\n")
    pieces: list[_Piece] = []
    bullets = "-*+"
    lists = 0
    for is_block, chunk in segments(text):
        if not is_block:
            if chunk.strip():
                html_text = _BLOCK_COMMENT.sub("", chunk)
                pieces.append(_Piece(chunk, False, _markdownify(autop(html_text), site_url)))
            continue
        inner = _BLOCK_COMMENT.sub("", chunk)
        name = _block_name(chunk)
        if name == "list":
            lists += 1  # neighbouring lists must not merge: each its own bullet
        markdown = _markdownify(inner, site_url, bullets=bullets[(lists - 1) % 3]) if inner else ""
        keep = (
            not markdown
            or markdown.startswith("# ")  # a first-level heading could become the title
            or _normal(_as_blocks(markdown, engine)) != _normal(chunk)
        )
        pieces.append(_Piece(chunk, True, None if keep else markdown))
    _check_whole(pieces, engine)
    body = "\n\n".join(p.raw.strip() if p.markdown is None else p.markdown for p in pieces)
    kept = tuple(_block_name(p.raw) for p in pieces if p.block and p.markdown is None)
    return Converted(body.strip() + "\n", kept)


def _check_whole(pieces: list[_Piece], engine: MarkdownEngine) -> None:
    """Keep as markup each block whose Markdown does not come back the same in the
    whole document (content between blocks is not checked: it was Classic already)."""
    if any(not p.block for p in pieces):
        return
    for _ in range(len(pieces)):
        body = "\n\n".join(p.raw.strip() if p.markdown is None else p.markdown for p in pieces)
        got = [_normal(chunk) for is_block, chunk in segments(_as_blocks(body, engine)) if is_block]
        want = [_normal(p.raw) for p in pieces]
        if got == want:
            return
        first = next(
            (i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
            min(len(got), len(want)),
        )
        # the first block that differs, or the Markdown just before it, swallowed it
        for index in (first, first - 1):
            if 0 <= index < len(pieces) and pieces[index].markdown is not None:
                pieces[index].markdown = None
                break
        else:
            for piece in pieces:
                piece.markdown = None
            return
