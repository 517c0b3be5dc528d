"""Hugo's Markdown → the Markdown/HTML wpsync renders (``[content] dialect = "hugo"``).  Pure.

Hugo expands *shortcodes* before Markdown: ``{{< name args >}}`` (its inner content passed
as written) and ``{{% name args %}}`` (inner content rendered as Markdown), either alone,
self-closing (``{{< name />}}``) or around inner content closed by ``{{< /name >}}``.
Arguments are positional or named (``key="value"``, ``key=value``, ``key=`raw```).  A
commented shortcode ``{{</* name */>}}`` is shown literally, as ``{{< name >}}``.

What each becomes (``gohugo.io/shortcodes``):

==================  ===============================================================
figure              ``<figure><img></figure>`` with the caption (title in bold) and
                    the link: an image block with its caption; a local ``src`` (a
                    page-bundle resource, a site-root path) is uploaded as usual
youtube, vimeo,     the video's or post's URL alone in its paragraph: an embed block
x, tweet
instagram           a link to the post (WordPress has no Instagram embed without a token)
gist                a link to the gist
highlight,          a fenced code block, content byte for byte (``code-toggle``: the
code-toggle,        configuration as written, TOML/YAML/JSON; ``mermaid``: the
mermaid             diagram's source, a ``mermaid`` code block)
tab                 its title (``name``, ``header``, ``title``) in bold above its content
ref, relref         the path of the Markdown file they name, so wpsync's link
                    resolution makes it that post's permalink (with the anchor)
details, expand     ``<details>`` (``open``) with its ``<summary>`` (``expand``: its first
                    argument, hugo-book), the inner Markdown
param              the front-matter value (``params.key`` or ``key``)
person              the person's name linked to their ``url`` (LoveIt, FixIt)
quote               a quotation, ``— author, *source*`` under it (Stack)
x_simple, …         Hugo's privacy variants: as the shortcode they are named after
bilibili, gitlab    a link to the video or snippet
button, github      a link (Blowfish, Congo)
*.inline            removed with what it holds (a template), with a warning
comment             removed with what it holds
notice, alert,      a callout (the GitHub-alert markup): ``note``, ``tip``,
hint, admonition,   ``important``, ``warning``, ``caution`` by the first argument or
callout…            ``type``
anything else       its tags removed, its inner content kept, one warning per name
==================  ===============================================================

Site-root links ``[x](/section/page/)`` (with or without the trailing slash or an
``#anchor``) become the relative path of the file Hugo built that URL from
(``section/page.md``, ``section/page/index.md``, ``section/page/_index.md``), under the
content folder or its ``content/`` folder; a site-root image (``/images/x.png``) is looked
for there and in ``static/``.  Nothing inside code blocks or code spans is translated,
but for commented shortcodes (which Hugo shows literally there too).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wpsync.source.dialects import convert_template_tags
from wpsync.source.hugothemes import EMBED_ALIASES, theme_shortcode, without_icons
from wpsync.source.sitepaths import (
    CodeRegions,
    Translated,
    code_regions,
    in_html_block,
    in_table_row,
    line_of,
    relative_url,
    rewrite_site_links,
    site_target,
)

__all__ = ["Shortcode", "Translated", "parse_args", "translate"]

#: the prefixes of the content folder Hugo's pages and static files may come from
PAGE_PREFIXES = ("", "content/")
FILE_PREFIXES = ("", "content/", "static/")

# {{< name args >}}, {{% /name %}}, {{< name args />}}: the delimiter, the closing slash,
# the name, the arguments (quoted strings may hold ">}}"), the self-closing slash.
_TAG = re.compile(
    r"""\{\{(?P<d>[<%])\s*(?P<close>/)?\s*(?P<name>[A-Za-z0-9_][\w./-]*)"""
    r"""(?P<args>(?:"(?:[^"\\]|\\.)*"|`[^`]*`|[^"`<>%}])*?)"""
    r"""\s*(?P<self>/)?\s*(?P<end>[>%])\}\}""",
    re.DOTALL,
)
_COMMENTED = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.DOTALL)
_ARG = re.compile(
    r"""\s*(?:(?P<key>[A-Za-z_][\w-]*)\s*=\s*)?"""
    r"""(?:"(?P<dq>(?:[^"\\]|\\.)*)"|`(?P<raw>[^`]*)`|(?P<bare>[^\s"`]+))"""
)
_PLACEHOLDER = "\ue000{}\ue001"
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")

_EMBED_URLS: Mapping[str, str] = {
    "youtube": "https://www.youtube.com/watch?v={id}",
    "vimeo": "https://vimeo.com/{id}",
}
_CALLOUTS: Mapping[str, str] = {
    "note": "NOTE",
    "info": "NOTE",
    "notice": "NOTE",
    "primary": "NOTE",
    "secondary": "NOTE",
    "tip": "TIP",
    "hint": "TIP",
    "success": "TIP",
    "important": "IMPORTANT",
    "warning": "WARNING",
    "warn": "WARNING",
    "caution": "CAUTION",
    "danger": "CAUTION",
    "error": "CAUTION",
}
_CALLOUT_SHORTCODES = frozenset({"notice", "alert", "hint", "admonition", "callout", "note"})
_FIRST_ARG_TYPES = ("tip", "warning", "info", "note", "danger", "caution", "important")


@dataclass(frozen=True)
class Shortcode:
    """One shortcode as written: its name, arguments, markdown flag and inner content."""

    name: str
    positional: tuple[str, ...] = ()
    named: Mapping[str, str] = field(default_factory=dict)
    markdown: bool = False  # {{% %}}
    inner: str | None = None  # None: no closing tag

    def get(self, key: str, position: int | None = None, default: str = "") -> str:
        if key in self.named:
            return self.named[key]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return default


def parse_args(text: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Positional and named arguments of a shortcode (quotes removed, ``\\"`` unescaped)."""
    positional: list[str] = []
    named: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        found = _ARG.match(text, pos)
        if found is None or found.end() == pos:
            break
        pos = found.end()
        if found.group("dq") is not None:
            value = re.sub(r"\\(.)", r"\1", found.group("dq"))
        elif found.group("raw") is not None:
            value = found.group("raw")
        else:
            value = found.group("bare")
        if found.group("key"):
            named[found.group("key").lower()] = value
        else:
            positional.append(value)
    return tuple(positional), named


@dataclass
class _Context:
    rel: str
    front_matter: Mapping[str, Any]
    exists: Callable[[str], bool]
    first_line: int
    text: str
    warned: set[str] = field(default_factory=set)
    pages: Callable[[], Sequence[str]] = tuple
    warnings: list[str] = field(default_factory=list)

    def warn_once(self, key: str, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.warnings.append(message)

    def line(self, pos: int) -> int:
        return line_of(self.text, pos, self.first_line)


def translate(
    body: str,
    *,
    rel: str,
    front_matter: Mapping[str, Any] | None = None,
    exists: Callable[[str], bool] = lambda _: False,
    first_line: int = 1,
    pages: Callable[[], Sequence[str]] = tuple,
) -> Translated:
    """``body`` (of the file ``rel``, its first line numbered ``first_line``) as wpsync
    renders it: shortcodes expanded, site-root links made relative.  ``exists``: whether
    a file of the folder exists; ``pages``: every Markdown file of the folder (asked only
    for a ``ref`` to a page by its name alone)."""
    saved: list[str] = []

    def keep(found: re.Match[str]) -> str:
        saved.append("{{" + found.group(1) + found.group(2) + found.group(3) + "}}")
        return _PLACEHOLDER.format(len(saved) - 1)

    text = _COMMENTED.sub(keep, body) if "/*" in body else body
    text = convert_template_tags(text)  # line-alone {{< highlight >}} (dialects.py)
    if ":(fa" in text:
        text = without_icons(text)
    ctx = _Context(rel, front_matter or {}, exists, first_line, text, pages=pages)
    if "/" in text:  # first: expanding shortcodes adds lines, the warnings count lines
        text, missed = rewrite_site_links(text, rel, exists, prefixes=FILE_PREFIXES)
        for index, url in missed:
            ctx.warn_once(
                f"site:{url}",
                f"line {first_line + index}: the site-root link {url!r} names no file of "
                "the folder; left as written",
            )
        ctx.text = text
    if "{{" in text:
        text = _expand(text, code_regions(text), ctx)
        _leftovers(text, ctx)
    if saved:
        text = _PLACEHOLDER_RE.sub(lambda m: saved[int(m.group(1))], text)
    return Translated(text, tuple(ctx.warnings))


# --------------------------------------------------------------------------- expansion

_OPENER = re.compile(r"\{\{[<%]")


def _leftovers(text: str, ctx: _Context) -> None:
    """Warn (once) about a ``{{<`` that forms no shortcode: unclosed, or malformed."""
    code = code_regions(text)
    for found in _OPENER.finditer(text):
        if found.start() not in code:
            line = text.count("\n", 0, found.start()) + ctx.first_line
            ctx.warn_once(
                "leftover",
                f"line {line}: {found.group(0)!r} opens no shortcode wpsync can read "
                "(not closed with '>}}' or '%}}'?); left as written",
            )
            return


def _expand(text: str, code: CodeRegions, ctx: _Context) -> str:
    """Every shortcode outside code replaced by what it becomes, inner ones first."""
    tags = [
        m
        for m in _TAG.finditer(text)
        if m.start() not in code and (m.group("d") == "%") == (m.group("end") == "%")
    ]
    out: list[str] = []
    pos = 0
    index = 0
    while index < len(tags):
        tag = tags[index]
        if tag.start() < pos:  # inside a shortcode already consumed
            index += 1
            continue
        out.append(text[pos : tag.start()])
        name = tag.group("name")
        if tag.group("close"):
            ctx.warn_once(
                f"close:{name}",
                f"line {ctx.line(tag.start())}: a closing {tag.group(0)!r} without its "
                "opening shortcode; removed",
            )
            pos = tag.end()
            index += 1
            continue
        closing = None if tag.group("self") else _closing(tags, index, name)
        positional, named = parse_args(tag.group("args"))
        inner: str | None = None
        end = tag.end()
        if closing is not None:
            inner_raw = text[tag.end() : tags[closing].start()]
            if name in ("highlight", "code-toggle", "comment", "mermaid"):
                inner = inner_raw
            else:
                inner = _expand_slice(text, tag.end(), tags[closing].start(), code, ctx)
            end = tags[closing].end()
        shortcode = Shortcode(name, positional, named, tag.group("d") == "%", inner)
        indent = _line_prefix(text, tag.start())
        out.append(_render(shortcode, ctx, tag.start(), indent))
        pos = end
        index += 1
    out.append(text[pos:])
    return "".join(out)


def _expand_slice(text: str, start: int, end: int, code: CodeRegions, ctx: _Context) -> str:
    """The inner content between ``start`` and ``end``, its own shortcodes expanded."""
    inner = text[start:end]
    shifted = CodeRegions([(s - start, e - start) for s, e in code.spans if start <= s < end])
    sub = _Context(
        ctx.rel, ctx.front_matter, ctx.exists, ctx.line(start), inner, ctx.warned, pages=ctx.pages
    )
    result = _expand(inner, shifted, sub)
    ctx.warnings.extend(sub.warnings)
    return result


def _closing(tags: list[re.Match[str]], index: int, name: str) -> int | None:
    """The index of the tag closing ``tags[index]`` (same name, nesting counted)."""
    depth = 0
    for other in range(index + 1, len(tags)):
        tag = tags[other]
        if tag.group("name") != name:
            continue
        if tag.group("close"):
            if depth == 0:
                return other
            depth -= 1
        elif not tag.group("self"):
            depth += 1
    return None


def _line_prefix(text: str, pos: int) -> str | None:
    """The white space before ``pos`` on its line, or None when there is text there."""
    start = text.rfind("\n", 0, pos) + 1
    prefix = text[start:pos]
    return prefix if not prefix.strip(" \t>") else None


def _block(content: str, indent: str | None) -> str:
    """``content`` as a block of its own (blank lines around it when it stands alone)."""
    if indent is None:
        return content
    lines = content.split("\n")
    body = lines[0] + "".join(
        "\n" + (indent + line if line else indent.rstrip()) for line in lines[1:]
    )
    return f"\n{indent.rstrip()}\n{indent}{body}\n{indent.rstrip()}"  # the line ends it


# --------------------------------------------------------------------------- shortcodes


def _render(sc: Shortcode, ctx: _Context, pos: int, indent: str | None) -> str:
    name = sc.name.lower()
    if name in EMBED_ALIASES:
        sc = Shortcode(EMBED_ALIASES[name], sc.positional, sc.named, sc.markdown, sc.inner)
        name = sc.name
    if name.endswith(".inline"):
        ctx.warn_once(
            f"inline:{name}",
            f"line {ctx.line(pos)}: the inline shortcode {sc.name!r} is a template wpsync "
            "cannot run; removed with what it holds",
        )
        return ""
    themed = theme_shortcode(sc, name)  # the themes' own (hugothemes.py)
    if themed is not None:
        text, block = themed
        return _block(text, indent if indent is not None else "") if block else text
    if name == "figure":
        return _figure(sc, ctx, pos, indent)
    if name in ("youtube", "vimeo", "x", "tweet", "instagram", "gist"):
        return _embed(sc, ctx, pos, indent)
    if name in ("highlight", "code-toggle") or (name == "mermaid" and sc.inner is not None):
        return _code(sc, indent)
    if name in ("ref", "relref"):
        return _ref(sc, ctx, pos)
    if name == "details" or (name == "expand" and sc.inner is not None):
        return _details(sc, indent)
    if name == "param":
        return _param(sc, ctx, pos)
    if name == "comment":
        return ""
    if name in _CALLOUT_SHORTCODES and sc.inner is not None:
        return _callout(sc, indent)
    inner = sc.inner or ""
    kept = ", its inner content kept" if inner.strip() else ""
    ctx.warn_once(
        f"unknown:{name}",
        f"line {ctx.line(pos)}: unknown Hugo shortcode {sc.name!r} removed{kept}",
    )
    return inner


def _figure(sc: Shortcode, ctx: _Context, pos: int, indent: str | None) -> str:
    src = _local_src(sc.get("src", 0), ctx)
    attrs = [f'src="{_attr(src)}"', f'alt="{_attr(sc.get("alt"))}"']
    for key in ("width", "height"):
        value = sc.get(key)
        if value.isdigit():
            attrs.append(f'{key}="{value}"')
    image = f"<img {' '.join(attrs)}>"
    link = sc.get("link")
    if link:
        image = f'<a href="{_attr(_local_src(link, ctx))}">{image}</a>'
    title, caption = sc.get("title"), sc.get("caption")
    parts = []
    if title:
        parts.append(f"<strong>{_inline(title)}</strong>")
    if caption:
        parts.append(_inline(caption))
    figcaption = f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""
    figure = f"<figure>{image}{figcaption}</figure>"
    if in_html_block(ctx.text, pos) or in_table_row(ctx.text, pos):
        return figure  # in <div>…</div> or a table's cell: a blank line would end them
    return _block(figure, indent if indent is not None else "")


def _local_src(src: str, ctx: _Context) -> str:
    """A site-root path to a file of the folder (``/images/x.png`` from ``static/``, a
    bundle's own path) made relative to the page; anything else as written."""
    if src.startswith("/") and not src.startswith("//"):
        path, hash_, fragment = src.partition("#")
        target = site_target(path, ctx.exists, prefixes=FILE_PREFIXES)
        if target is not None:
            return relative_url(ctx.rel, target, f"#{fragment}" if hash_ else "")
    return src


def _embed(sc: Shortcode, ctx: _Context, pos: int, indent: str | None) -> str:
    name = sc.name.lower()
    ident = sc.get("id", 0)
    url = ""
    if name in _EMBED_URLS and ident:
        url = _EMBED_URLS[name].format(id=ident)
    elif name in ("x", "tweet"):
        user = sc.named.get("user") or (sc.positional[0] if len(sc.positional) > 1 else "")
        tweet = sc.named.get("id") or (sc.positional[-1] if sc.positional else "")
        if tweet:
            url = f"https://twitter.com/{user or 'i'}/status/{tweet}"
    elif name == "instagram" and ident:
        link = f"https://www.instagram.com/p/{ident}/"
        return _block(f"[View this post on Instagram]({link})", indent)
    elif name == "gist":
        user, gist = sc.get("user", 0), sc.get("id", 1)
        if user and gist:
            return _block(f"<https://gist.github.com/{user}/{gist}>", indent)
    if not url:
        ctx.warn_once(
            f"embed:{name}",
            f"line {ctx.line(pos)}: the {sc.name!r} shortcode names no video or post; removed",
        )
        return ""
    return _block(url, indent if indent is not None else "")


def _code(sc: Shortcode, indent: str | None) -> str:
    content = sc.inner or ""
    if content.startswith("\n"):
        content = content[1:]
    if content.endswith("\n"):
        content = content[:-1]
    if sc.name.lower() == "code-toggle":
        stripped = content.lstrip()
        language = "json" if stripped.startswith("{") else "toml"
        if (
            language == "toml"
            and re.search(r"^\s*[\w.-]+\s*:", content, re.M)
            and not re.search(r"^\s*[\w.\"'-]+\s*=", content, re.M)
        ):
            language = "yaml"
    elif sc.name.lower() == "mermaid":
        language = "mermaid"  # the diagram's source, as WordPress has no Mermaid
    else:
        language = sc.get("lang", 0)
    ticks = "`" * max(3, _longest_run(content, "`") + 1)
    fence = f"{ticks}{language}\n{content}\n{ticks}"
    return _block(fence, indent if indent is not None else "")


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(r) for r in runs), default=0)


def _ref(sc: Shortcode, ctx: _Context, pos: int) -> str:
    target = sc.get("path", 0)
    path, hash_, fragment = target.partition("#")
    anchor = f"#{fragment}" if hash_ else ""
    if not path:
        return anchor
    found = _find_page(path, ctx)
    if found is None:
        ctx.warn_once(
            f"ref:{target}",
            f"line {ctx.line(pos)}: {sc.name} {target!r} names no file of the folder; "
            "the link is left to that path",
        )
        guess = path if path.endswith((".md", ".markdown")) else path.rstrip("/") + ".md"
        folder = "" if path.startswith("/") else posixpath.dirname(ctx.rel)
        found = posixpath.normpath(posixpath.join(folder, guess.lstrip("/")))
    return relative_url(ctx.rel, found, anchor)


def _find_page(path: str, ctx: _Context) -> str | None:
    """The file a ``ref`` path names: relative to the page's folder first, then to the
    folders above it, then to the content root, and at last (Hugo's "the rest of the
    site") the one page whose path ends with it."""
    stem = re.sub(r"\.(md|markdown)$", "", path.strip())
    bases: list[str] = []
    if not stem.startswith("/"):
        folder = posixpath.dirname(ctx.rel)
        while folder:
            bases.append(posixpath.normpath(posixpath.join(folder, stem)))
            folder = posixpath.dirname(folder)
    bases.append(stem.strip("/"))
    for base in bases:
        for prefix in PAGE_PREFIXES:
            page = posixpath.join(prefix, base)
            for candidate in (
                f"{page}.md",
                f"{page}/index.md",
                f"{page}/_index.md",
                f"{page}.markdown",
            ):
                if ctx.exists(candidate):
                    return candidate
    logical = posixpath.normpath(stem.strip("/"))
    if stem.startswith("/") or logical.startswith(".."):
        return None
    found = [rel for rel in ctx.pages() if _ends_with(_logical(rel), logical)]
    return found[0] if len(found) == 1 else None


def _logical(rel: str) -> str:
    """Hugo's logical path of a page: no extension, a bundle's index is its folder."""
    stem = re.sub(r"\.(md|markdown)$", "", rel)
    if posixpath.basename(stem) in ("index", "_index"):
        stem = posixpath.dirname(stem)
    return stem


def _ends_with(path: str, tail: str) -> bool:
    return path == tail or path.endswith("/" + tail)


def _details(sc: Shortcode, indent: str | None) -> str:
    # hugo-book's {{< expand "Output" >}}: the summary is its first argument
    label = sc.get("summary", 0 if sc.name.lower() == "expand" else None, "Details")
    summary = _inline(label or "Details")
    is_open = sc.get("open").strip().lower() in ("true", "1", "yes", "open")
    attrs = " open" if is_open else ""
    for key in ("class", "name", "title"):
        if sc.get(key):
            attrs += f' {key}="{_attr(sc.get(key))}"'
    inner = (sc.inner or "").strip("\n")
    return _block(
        f"<details{attrs}>\n<summary>{summary}</summary>\n\n{inner}\n\n</details>", indent or ""
    )


def _param(sc: Shortcode, ctx: _Context, pos: int) -> str:
    key = sc.get("name", 0)
    value: Any = None
    params = ctx.front_matter.get("params")
    for source in (params if isinstance(params, Mapping) else {}, ctx.front_matter):
        node: Any = source
        for part in key.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is not None:
            value = node
            break
    if value is None or isinstance(value, Mapping | list):
        ctx.warn_once(
            f"param:{key}",
            f"line {ctx.line(pos)}: param {key!r} is not in the front matter; removed",
        )
        return ""
    return str(value)


def _callout(sc: Shortcode, indent: str | None) -> str:
    kind = sc.get("type", 0, "note").strip().lower()
    if kind not in _CALLOUTS and sc.name.lower() in _CALLOUTS:
        kind = sc.name.lower()
    label = _CALLOUTS.get(kind, "NOTE")
    # LoveIt's, DoIt's and FixIt's admonition: {{< admonition type "title" open >}}
    title = sc.get("title", 1 if sc.name.lower() == "admonition" else None)
    lines = [f"> [!{label}]"]
    if title:
        lines.append(f"> **{title}**")
        lines.append(">")
    for line in (sc.inner or "").strip("\n").split("\n"):
        lines.append(f"> {line}" if line else ">")
    return _block("\n".join(lines), indent or "")


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _inline(text: str) -> str:
    """Markdown in a caption or summary, rendered inline (Hugo's ``markdownify``)."""
    from markdown_it import MarkdownIt

    rendered: str = MarkdownIt("commonmark").renderInline(text)
    return rendered.strip()
