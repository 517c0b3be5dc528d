"""Obsidian's Markdown → the Markdown wpsync's pipeline renders.  Pure.

With ``[content] dialect = "obsidian"`` (detected from ``.obsidian/``) a note's body is
translated before it is rendered, as Obsidian's help (help.obsidian.md) defines the syntax:

==================================  ====================================================
``[[Note]]``, ``[[Note|text]]``     a Markdown link to the note (``[text](../Note.md)``), so
``[[folder/Note]]``, ``[[Note.md]]``  it becomes the note's permalink like any link between
                                    files; the note is found as Obsidian finds it
                                    (:mod:`wpsync.source.vault`); ``[[Note#Heading]]`` adds
                                    the heading's anchor (``#heading``, as wpsync makes ids),
                                    ``[[#Heading]]`` links within the note, ``[[Note#^id]]``
                                    links to the note
a link to no note                   its text (the alias, else the name) and a warning with
                                    the line; never ``[[`` on the site
``![[image.png]]``                  the image, uploaded like ``![](image.png)``;
``![[image.png|300]]``,             its width (and height) kept as attributes;
``![[image.png|300x200]]``,
``![[image.png|alt text]]``         its alt text (else the file's name, as Obsidian does)
``![[Note]]``, ``![[Note#Part]]``   a link to the note (not its text: the note is a post of
                                    its own, and copying it would publish it twice)
``![[file.pdf]]`` and other files   their name as text, with a warning (only images are
                                    uploaded)
``> [!type] Title`` callouts        wpsync's callout (as GitHub alerts get it), class
                                    ``wpsync-callout-<type>``, title given or the type;
                                    foldable ``+``/``-`` callouts shown open; nested ones too
``%%comment%%`` (inline, blocks)    removed: never published; one left open hides the rest
                                    of the note, as in Obsidian (with a warning)
``==highlight==``                   ``<mark>highlight</mark>``
``^block-id`` at a line's end       removed
``#tag`` in the text                left as written
==================================  ====================================================

Nothing inside code — fenced or indented code blocks, code spans — is translated: code is
found with the same parser that renders it, and its lines are passed on byte for byte.
Raw HTML tags and link destinations are left alone too (a URL may hold ``==``).
"""

from __future__ import annotations

import bisect
import dataclasses
import posixpath
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from wpsync.source import hostile
from wpsync.source.headings import slugify
from wpsync.source.obsidianmarks import (
    MATH_JOIN,
    SIZE_MARK,
    checked_tasks,
    embedded_pages,
    inline_footnotes,
    join_math,
    protect_math,
    sized_images,
)
from wpsync.source.obsidianspans import LEAVE, between, code_spans, runs
from wpsync.source.vault import Located, VaultIndex

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from wpsync.source.render import Rendered

__all__ = ["IMAGE_SUFFIXES", "REVISION", "Translated", "finish", "translate"]

#: bumped when the translation of the same note changes (recorded with each post)
REVISION = "1"

#: the files Obsidian shows as images (help.obsidian.md, "Accepted file formats")
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp", ".avif", ".heic", ".tif", ".tiff"}
)

_SIZE = re.compile(r"^\s*(\d{1,5})(?:\s*x\s*(\d{1,5}))?\s*$")
_SIZED_TITLE = re.compile(' title="' + SIZE_MARK + r'(\d+)(?:x(\d+))?"')

# a Markdown link's or image's destination (and title): ](Note.md#Heading "title")
_DESTINATION = re.compile(
    r"\]\((?P<dest><[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?P<title>\s+(?:\"[^\"]*\"|'[^']*'))?(?P<end>\s*\))"
)
_FILE_NAME = re.compile(r"(?<!`)`=\s*this\.file\.name\s*`(?!`)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]*?)\]\]")
_MARKS = re.compile(r"(?<![=\\])==(?!=)")
_BLOCK_ID = re.compile(r"\^[A-Za-z0-9-]+$")
_BLOCK_ID_LINE = re.compile(r"^(?P<keep>[ \t>]*)\^[A-Za-z0-9-]+[ \t]*$")
_CALLOUT = re.compile(
    r"^(?P<indent>[ \t]*)>[ ]?\[!(?P<type>[^\]|\n]+)(?:\|[^\]\n]*)?\](?P<fold>[+-]?)"
    r"(?:[ \t]+(?P<title>.*?))?[ \t]*$"
)
_QUOTE = re.compile(r"^(?P<indent>[ \t]*)>")
_BLOCK_START = re.compile(r"^[ \t]*(?:[#>`~|<*+-]|\d{1,9}[.)]|$)")


@dataclass(frozen=True)
class Translated:
    """The note's Markdown as wpsync renders it, and what the translation warns about."""

    text: str
    warnings: tuple[str, ...]


# ---------------------------------------------------------------------------- entry


def translate(
    body: str,
    rel: str,
    vault: VaultIndex,
    *,
    first_line: int = 1,
    engine: str = "commonmark",
) -> Translated:
    """Translate the body of note ``rel`` (its first line is line ``first_line`` of the
    file, for the warnings) for the Markdown ``engine``.  The number of lines is kept
    until callouts are rebuilt."""
    if hostile.problem(body, "commonmark") is not None:
        return Translated(body, ())  # rendering fails it, with the reason
    warnings: list[str] = []
    lines = body.split("\n")
    code = _code_lines(body)
    lines = _strip_comments(lines, code, first_line, warnings)
    lines = protect_math(lines, code)
    lines = _inline(lines, code, _Links(rel, vault, first_line, warnings))
    lines = checked_tasks(lines, code)
    lines = _file_names(lines, code, rel)
    counted = len(lines)
    lines, notes = inline_footnotes(lines, code)
    if len(lines) != counted:  # a footnote over several lines was made one
        code = _code_lines("\n".join(lines))
    items = [(line, i in code) for i, line in enumerate(lines)]
    if any("[!" in line for line, protected in items if not protected):
        # Python-Markdown renders Markdown inside HTML only when asked (md_in_html)
        items = _callouts(items, ' markdown="1"' if engine == "python-markdown" else "")
    if any(line.endswith(MATH_JOIN) for line, _ in items):
        items = join_math(items)
    text = "\n".join(line for line, _ in items)
    if notes:
        text += "\n\n" + "\n".join(notes)
    return Translated(text, tuple(warnings))


def finish(rendered: Rendered) -> Rendered:
    """The rendered note with the sizes of its ``![[image|300]]`` embeds as ``width`` /
    ``height`` attributes (they travel through the renderer in the image's title)."""
    if SIZE_MARK not in rendered.html:
        return rendered

    def size(found: re.Match[str]) -> str:
        width, height = found.group(1), found.group(2)
        return f' width="{width}"' + (f' height="{height}"' if height else "")

    refs = tuple(
        dataclasses.replace(ref, title="") if ref.title.startswith(SIZE_MARK) else ref
        for ref in rendered.image_refs
    )
    return dataclasses.replace(
        rendered, html=_SIZED_TITLE.sub(size, rendered.html), image_refs=refs
    )


# ---------------------------------------------------------------------------- code

_local = threading.local()


def _parser(name: str, make: Callable[[], MarkdownIt]) -> MarkdownIt:
    md: MarkdownIt | None = getattr(_local, name, None)
    if md is None:
        md = make()
        setattr(_local, name, md)
    return md


def _block_parser() -> MarkdownIt:
    from wpsync.source import commonmark

    md = commonmark.build(wpsync=False)
    md.disable("inline")  # blocks are enough to find code blocks (and much faster)
    return md


def _inline_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["strikethrough"])


def _code_lines(body: str) -> frozenset[int]:
    """The lines of fenced and indented code blocks, as the renderer's parser finds them
    (inside quotes and lists too)."""
    if "```" not in body and "~~~" not in body and "    " not in body and "\t" not in body:
        return frozenset()
    from wpsync.source.commonmark import TooDeep

    md = _parser("blocks", _block_parser)
    try:
        tokens = md.parse(body)
    except (TooDeep, RecursionError):
        return frozenset()  # rendering fails the note, with the reason
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return frozenset(lines)


# ---------------------------------------------------------------------------- comments


def _strip_comments(
    lines: list[str], code: frozenset[int], first_line: int, warnings: list[str]
) -> list[str]:
    """``%%…%%`` removed (line breaks kept, so lines keep their numbers); code inside a
    comment goes with it, ``%%`` inside code is code."""
    if not any("%%" in line for i, line in enumerate(lines) if i not in code):
        return lines
    out = list(lines)
    opened: int | None = None  # the line the open comment started on
    index = 0
    while index < len(lines):
        if index in code:
            if opened is not None:
                out[index] = ""
            index += 1
            continue
        a = index
        while index < len(lines) and index not in code:
            index += 1
        text = "\n".join(lines[a:index])
        kept: list[str] = []
        cursor = 0
        for start, end in [*code_spans(text), (len(text), len(text))]:
            segment = text[cursor:start]
            offset = 0
            while True:
                mark = segment.find("%%", offset)
                if opened is None:
                    kept.append(segment[offset:] if mark < 0 else segment[offset:mark])
                    if mark < 0:
                        break
                    opened = a + text.count("\n", 0, cursor + mark)
                else:
                    hidden = segment[offset:] if mark < 0 else segment[offset:mark]
                    kept.append("\n" * hidden.count("\n"))
                    if mark < 0:
                        break
                    opened = None
                offset = mark + 2
            span = text[start:end]
            kept.append("\n" * span.count("\n") if opened is not None else span)
            cursor = end
        out[a:index] = "".join(kept).split("\n")
    if opened is not None:
        warnings.append(
            f"line {first_line + opened}: a %% comment is not closed; the rest of the note "
            "is left out, as Obsidian hides it"
        )
    return out


# ---------------------------------------------------------------------------- inline


def _inline(lines: list[str], code: frozenset[int], links: _Links) -> list[str]:
    """Wikilinks, embeds and highlights outside code, tags and link destinations;
    block ids at line ends."""
    out = list(lines)
    for a, b in runs(lines, code):
        text = "\n".join(lines[a:b])
        if "[[" in text or "==" in text or "](" in text:
            text = _outside_code(text, a, links)
        out[a:b] = text.split("\n")
    for i in range(len(out)):
        if i in code or "^" not in out[i]:
            continue
        lone = _BLOCK_ID_LINE.match(out[i])
        if lone:
            out[i] = lone.group("keep").rstrip()
            continue
        line = out[i].rstrip(" \t")
        found = _BLOCK_ID.search(line)
        if found and found.start() > 0 and line[found.start() - 1] in " \t":
            out[i] = line[: found.start()].rstrip(" \t")
    return out


def _file_names(lines: list[str], code: frozenset[int], rel: str) -> list[str]:
    """Dataview's inline query `` `=this.file.name` `` (templates put it in a note's
    heading) → the note's name, as a vault with Dataview shows it; other queries are code."""
    name = _escape(posixpath.splitext(posixpath.basename(rel))[0])
    return [
        line if i in code or "this.file.name" not in line else _FILE_NAME.sub(name, line)
        for i, line in enumerate(lines)
    ]


def _highlights(text: str) -> str:
    """``==text==`` → ``<mark>text</mark>`` on one line: a ``==`` before a non-blank
    opens, the next ``==`` after a non-blank closes (pairs found in one pass)."""
    if "==" not in text:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        marks = [m.start() for m in _MARKS.finditer(line)]
        closers = [p for p in marks if p > 0 and not line[p - 1].isspace()]
        parts: list[str] = []
        cursor = 0
        for p in marks:
            if p < cursor or p + 2 >= len(line) or line[p + 2].isspace():
                continue
            after = bisect.bisect_left(closers, p + 3)
            if after == len(closers):
                break  # no later "==" can close
            q = closers[after]
            parts.append(line[cursor:p] + "<mark>" + line[p + 2 : q] + "</mark>")
            cursor = q + 2
        parts.append(line[cursor:])
        out.append("".join(parts))
    return "\n".join(out)


def _outside_code(text: str, first: int, links: _Links) -> str:
    if ("![" in text and "|" in text) or re.search(r"!\[\d", text):
        text = between(text, code_spans(text), lambda s, base: sized_images(s))
    if "](http" in text and "![" in text:
        text = between(text, code_spans(text), lambda s, base: embedded_pages(s))
    if "](" in text:

        def destination(found: re.Match[str], base: int) -> str:
            line = first + text.count("\n", 0, base + found.start())
            return links.destination(found, line)

        text = between(
            text,
            code_spans(text),
            lambda s, base: _DESTINATION.sub(lambda m: destination(m, base), s),
        )
    if "[[" in text:

        def link(found: re.Match[str], base: int) -> str:
            line = first + text.count("\n", 0, base + found.start())
            return links.replace(found.group(2), embed=bool(found.group(1)), line=line)

        text = between(
            text, code_spans(text), lambda s, base: _WIKILINK.sub(lambda m: link(m, base), s)
        )
    if "==" in text:
        leave = [*code_spans(text), *((m.start(), m.end()) for m in LEAVE.finditer(text))]
        text = between(text, leave, lambda s, base: _highlights(s))
    return text


def _escape(text: str) -> str:
    return re.sub(r"([\\\[\]<>`])", r"\\\1", text)


class _Links:
    """Turns one wikilink or embed into Markdown, warning about what it cannot."""

    def __init__(self, rel: str, vault: VaultIndex, first_line: int, warnings: list[str]):
        self.rel = rel
        self.folder = posixpath.dirname(rel)
        self.vault = vault
        self.first_line = first_line
        self.warnings = warnings

    def warn(self, line: int, written: str, message: str) -> None:
        self.warnings.append(f"line {self.first_line + line}: {written} {message}")

    def replace(self, inner: str, *, embed: bool, line: int) -> str:
        written = ("!" if embed else "") + f"[[{inner}]]"
        target, *options = re.split(r"\\?\|", inner)
        path, _, sub = target.strip().partition("#")
        path = path.strip()
        suffix = posixpath.splitext(path)[1].lower()
        if embed and suffix in IMAGE_SUFFIXES:
            return self._image(path, options, line, written)
        alias = options[0].strip() if options and options[0].strip() else None
        parts = [part.strip() for part in sub.split("#") if part.strip()]
        shown = alias or " > ".join([p for p in [_display(path)] if p] + parts) or inner
        if not path:  # [[#Heading]]: this note
            anchor = _anchor(parts)
            return f"[{_escape(shown)}](#{anchor})" if anchor else _escape(shown)
        found = self.vault.locate(path, self.rel, note=True)
        self._ambiguous(found, line, written)
        if found.rel is None:
            self.warn(line, written, "names no note in the vault; published as its text")
            return _escape(shown)
        if not found.rel.lower().endswith((".md", ".markdown")):
            what = "an image" if suffix in IMAGE_SUFFIXES else "a file"
            self.warn(
                line,
                written,
                f"links to {what} ({found.rel}), which wpsync does not publish on its own "
                "(it uploads the images a note shows); published as its text",
            )
            return _escape(shown)
        anchor = _anchor(parts)
        if found.rel == self.rel and anchor:
            return f"[{_escape(shown)}](#{anchor})"
        destination = self._destination(found.rel) + (f"#{anchor}" if anchor else "")
        return f"[{_escape(shown)}]({destination})"

    def destination(self, found: re.Match[str], line: int) -> str:
        """A Markdown link's destination as Obsidian follows it: a note named without
        ``.md`` (``[x](Overview)``) or from the vault's root (``/en/Overview.md``), found
        as a wikilink's note is; ``#Heading`` the heading's id (``#^block``: the note).
        Anything else (a URL, a file not in the vault) stays as written; a ``.md`` file
        that is not in the vault is warned about, as a ``[[link]]`` to no note is."""
        written = found.group("dest")
        dest = written[1:-1] if written.startswith("<") else written
        if not dest or _SCHEME.match(dest) or dest.startswith("//"):
            return found.group(0)
        path, hash_, fragment = dest.partition("#")
        anchor = _anchor([unquote(fragment)]) if hash_ else ""
        if not path:
            if not anchor:
                return found.group(0)
            new = f"#{anchor}"
        else:
            name = unquote(path)
            note = posixpath.splitext(name)[1].lower() not in IMAGE_SUFFIXES
            located = self.vault.locate(name.lstrip("/"), self.rel, note=note).rel
            if located is None:
                if name.lower().endswith((".md", ".markdown")):
                    self.warn(line, f"({written})", "names no note in the vault")
                return found.group(0)  # the usual missing-file rules apply
            if located == self.rel and anchor:
                new = f"#{anchor}"
            else:
                new = self._destination(located) + (f"#{anchor}" if anchor else "")
        return f"]({new}{found.group('title') or ''}{found.group('end')}"

    def _image(self, path: str, options: list[str], line: int, written: str) -> str:
        alt, width, height = posixpath.basename(path), "", ""
        for option in options:
            size = _SIZE.match(option)
            if size:
                width, height = size.group(1), size.group(2) or ""
            elif option.strip():
                alt = option.strip()
        found = self.vault.locate(path, self.rel, note=False)
        self._ambiguous(found, line, written)
        # not found: written relative to the note, so the missing image fails the note
        # with the error any missing image gives
        destination = self._destination(found.rel) if found.rel else quote(path, safe="/")
        title = f' "{SIZE_MARK}{width}' + (f"x{height}" if height else "") + '"' if width else ""
        return f"![{_escape(alt)}]({destination}{title})"

    def _destination(self, rel: str) -> str:
        return quote(posixpath.relpath(rel, self.folder or "."), safe="/")

    def _ambiguous(self, found: Located, line: int, written: str) -> None:
        if found.others:
            others = ", ".join(found.others[:3]) + (", …" if len(found.others) > 3 else "")
            self.warn(
                line,
                written,
                f"could name {found.rel} or {others}; {found.rel} is used "
                "(write the folder to choose another)",
            )


def _display(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def _anchor(parts: list[str]) -> str:
    if not parts or parts[-1].startswith("^"):
        return ""  # a block: its id is not published, the note is linked
    return slugify(parts[-1])


# ---------------------------------------------------------------------------- callouts


def _callouts(items: list[tuple[str, bool]], extra: str = "") -> list[tuple[str, bool]]:
    """``> [!type] Title`` quotes → wpsync's callout markup; nested ones, and callouts in
    plain quotes, too.  ``items``: (line, is code)."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(items):
        line, protected = items[i]
        quote_start = None if protected else _QUOTE.match(line)
        if quote_start is None:
            out.append(items[i])
            i += 1
            continue
        indent = quote_start.group("indent")
        end = _quote_end(items, i, indent)
        inner = [
            (_unquoted(text, indent) if text.lstrip().startswith(">") else text, code)
            for text, code in items[i + 1 : end]
        ]
        callout = _CALLOUT.match(line)
        if callout is None:
            head = (_unquoted(line, indent), False)
            nested = [head, *inner]
            if any("[!" in text for text, code in nested if not code):
                done = _callouts(nested, extra)
                out.extend(
                    (f"{indent}> {text}" if text else f"{indent}>", code) for text, code in done
                )
            else:
                out.extend(items[i:end])
            i = end
            continue
        kind = re.sub(r"[^a-z]", "", callout.group("type").strip().lower()) or "note"
        title = (callout.group("title") or "").strip()
        if not title:
            name = callout.group("type").strip()
            title = name[:1].upper() + name[1:]
        title_html = _parser("inline", _inline_parser).renderInline(title).strip()
        body = _callouts(inner, extra) if inner else []
        out.append((f'{indent}<div class="wpsync-callout wpsync-callout-{kind}"{extra}>', False))
        out.append((f'{indent}<p class="wpsync-callout-title">{title_html}</p>', False))
        out.append(("", False))
        out.extend((f"{indent}{text}" if text else "", code) for text, code in body)
        out.extend([("", False), (f"{indent}</div>", False), ("", False)])
        i = end
    return out


def _quote_end(items: list[tuple[str, bool]], start: int, indent: str) -> int:
    """The index after the last line of the quote starting at ``start``: its ``>`` lines
    and lazy continuation lines of a paragraph."""
    j = start + 1
    while j < len(items):
        text, code = items[j]
        if _continues(text, indent):
            j += 1
            continue
        if code or _BLOCK_START.match(text):
            break
        previous = items[j - 1][0].rstrip()
        if previous.endswith(">") or items[j - 1][1]:
            break  # no paragraph to continue
        j += 1
    return j


def _continues(text: str, indent: str) -> bool:
    """Whether ``text`` is a ``>`` line of the quote whose first line had ``indent``."""
    if len(indent.expandtabs(4)) <= 3:  # a quote of its own: 0 to 3 spaces before ">"
        found = _QUOTE.match(text)
        return found is not None and len(found.group("indent").expandtabs(4)) <= 3
    return text.startswith(indent) and text[len(indent) :].startswith(">")


def _unquoted(text: str, indent: str) -> str:
    rest = text[len(indent) :] if text.startswith(indent) else text
    if rest.lstrip(" \t").startswith(">"):
        rest = rest.lstrip(" \t")[1:]
    return rest[1:] if rest.startswith(" ") else rest
