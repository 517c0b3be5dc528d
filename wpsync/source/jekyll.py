"""Jekyll's Markdown → the Markdown wpsync renders (``[content] dialect = "jekyll"``).  Pure.

Jekyll runs every page through Liquid before Markdown (``jekyllrb.com/docs/liquid``).
WordPress has no Liquid, so each tag is translated or removed, never published raw:

=====================================  ==============================================
``{% link _posts/2016-07-26-a.md %}``  the relative path of that file: wpsync's link
                                       resolution makes it the post's permalink
``{% post_url 2010-07-21-name %}``     the same, for ``_posts/[sub/]2010-07-21-name.md``
``{{ site.baseurl }}``,                removed, so ``{{ site.baseurl }}/assets/x.png``
``{{ site.url }}``                     is the local file ``assets/x.png`` (uploaded)
``{{ "/x" | relative_url }}``          ``/x`` (``absolute_url`` too), then as a site path
site-root paths (``/about/``,          the file Jekyll built that URL from, relative to
``/2024/05/01/hello.html``)            the page (``about.md``, ``about/index.md``,
                                       ``_posts/2024-05-01-hello.md``)
``{% raw %}…{% endraw %}``             the markers removed, the content kept as written
``{% highlight ruby %}``               a fenced code block (``dialects.py``)
``{% comment %}…{% endcomment %}``     removed with what it holds
``{% capture x %}…{% endcapture %}``   removed; what it holds is shown where ``{{ x }}``
                                       is (``| markdownify``, ``| remove: "<p>"``, ``strip``)
``{{ page.x }}``, ``{{ site.x }}``     the front-matter / ``_config.yml`` value (no
                                       filters); otherwise removed with a warning
``{% include figure image_path=… %}``  an image (``<figure>``, its caption): Minimal
                                       Mistakes' ``figure``, al-folio's ``figure.liquid``
                                       (``path=``), any include given an image file
``{% include gallery id=… %}``         the front matter's ``gallery`` (or ``id``) images,
                                       each a figure with its title; the caption under
``{% include video id=… provider=… %}``  the video's URL alone in its paragraph (an
                                       embed block): ``youtube``/``vimeo`` includes too
``{% twitter https://…/status/1 %}``   the post's URL alone in its paragraph (an embed)
``{% include x.html %}``               removed, one warning per file (with the line)
any other tag (``{% if %}``…)          the tag removed (what it encloses kept), one
                                       warning per tag name and file
=====================================  ==============================================

Chirpy's ``media_subpath`` (``img_path``) is put before every relative image path
(``themes.py``); kramdown's tables become GFM's (``kramdowntables.py``).

``excerpt_separator`` (front matter, else ``_config.yml``): the first separator in the
body becomes WordPress's ``<!--more-->`` (the teaser on archive pages).  Jekyll's default
separator (a blank line: the first paragraph) needs nothing: WordPress makes its own.
Nothing inside code blocks or code spans is translated (but ``{% raw %}`` markers go).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wpsync.source.dialects import convert_template_tags
from wpsync.source.kramdowntables import gfm_tables
from wpsync.source.sitepaths import (
    Translated,
    code_regions,
    in_html_block,
    in_table_row,
    line_of,
    relative_url,
    rewrite_site_links,
    site_target,
)
from wpsync.source.themes import media_subpath, under_subpath

__all__ = ["Translated", "excerpt_separator", "translate"]

MORE = "<!--more-->"

_RAW_BLOCK = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_HIGHLIGHT_BLOCK = re.compile(
    r"^[ \t]*\{%-?\s*highlight\b.*?^[ \t]*\{%-?\s*endhighlight\s*-?%\}", re.DOTALL | re.MULTILINE
)
_COMMENT_BLOCK = re.compile(
    r"\{%-?\s*(?P<tag>comment|capture)\b(?P<args>[^%]*)-?%\}(?P<body>.*?)"
    r"\{%-?\s*end(?P=tag)\s*-?%\}",
    re.DOTALL,
)
_CAPTURE_NAME = re.compile(r"^\s*([\w-]+)\s*-?$")
#: the filters a captured block may go through and still be shown as Jekyll shows it
_CAPTURE_FILTERS = frozenset({"markdownify", "remove", "strip", "lstrip", "rstrip"})
_TAG = re.compile(r"\{%-?\s*(?P<name>\w+)(?P<args>.*?)-?%\}", re.DOTALL)
_OUTPUT = re.compile(r"\{\{-?(?P<expr>.*?)-?\}\}", re.DOTALL)
_PLACEHOLDER = "\ue010{}\ue011"
_PLACEHOLDER_RE = re.compile("\ue010(\\d+)\ue011")
_QUOTED = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)')\s*$""")
_VARIABLE = re.compile(
    r"^\s*(?P<obj>page|site|layout|include|post|paginator)\.(?P<key>[\w.-]+)\s*$"
)
_URL_ONLY = frozenset({"site.baseurl", "site.url", "site.github.url"})


@dataclass
class _Context:
    rel: str
    front_matter: Mapping[str, Any]
    site: Mapping[str, Any]
    exists: Callable[[str], bool]
    first_line: int
    text: str = ""
    captures: dict[str, str] = field(default_factory=dict)
    warned: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def warn_once(self, key: str, pos: int, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.warnings.append(f"line {line_of(self.text, pos, self.first_line)}: {message}")


def _highlight_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where ``text``'s ``{% highlight %}…{% endhighlight %}`` blocks are."""
    return tuple(found.span() for found in _HIGHLIGHT_BLOCK.finditer(text))


def excerpt_separator(front_matter: Mapping[str, Any], site: Mapping[str, Any]) -> str | None:
    """The separator in use (front matter first), or None for Jekyll's default."""
    for source in (front_matter, site):
        value = source.get("excerpt_separator")
        if isinstance(value, str) and value.strip():
            return value
    return None


def translate(
    body: str,
    *,
    rel: str,
    front_matter: Mapping[str, Any] | None = None,
    site: Mapping[str, Any] | None = None,
    exists: Callable[[str], bool] = lambda _: False,
    first_line: int = 1,
    permalinks: Callable[[], Mapping[str, str]] = dict,
) -> Translated:
    """``body`` (of the file ``rel``, first line numbered ``first_line``) with its Liquid
    translated (see the module's table).  ``permalinks``: the site-root URLs the files
    set with ``permalink:`` → those files (asked only for a link no path names)."""
    front = front_matter or {}
    config = site or {}
    saved: list[str] = []

    highlighted = _highlight_spans(body) if "raw" in body else ()

    def keep(found: re.Match[str]) -> str:
        content = found.group(1)
        if any(start <= found.start() < end for start, end in highlighted):
            # In a highlight block the markers' own line breaks go too: Jekyll's
            # highlight trims the blank lines they leave first and last.
            content = content.removeprefix("\n").removesuffix("\n")
        saved.append(content)
        return _PLACEHOLDER.format(len(saved) - 1)

    # {% raw %} first (its content is never Liquid), then comments and captures (line
    # count kept for the warnings; a capture's content is kept for where its variable is
    # shown), then highlight blocks become fences (dialects.py).
    text = _RAW_BLOCK.sub(keep, body) if "raw" in body else body
    captures: dict[str, str] = {}
    if "comment" in text or "capture" in text:
        in_code = code_regions(text)

        def drop(found: re.Match[str]) -> str:
            if found.start() in in_code:
                return found.group(0)
            variable = _CAPTURE_NAME.match(found.group("args"))
            if found.group("tag") == "capture" and variable is not None:
                captures[variable.group(1)] = found.group("body").strip("\n")
            return "\n" * found.group(0).count("\n")

        text = _COMMENT_BLOCK.sub(drop, text)
    text = convert_template_tags(text)
    ctx = _Context(rel, front, config, exists, first_line, text, captures)
    if "{" in text:
        code = code_regions(text)

        def output(found: re.Match[str]) -> str:
            if found.start() in code:
                return found.group(0)
            return _output(found, ctx)

        def tag(found: re.Match[str]) -> str:
            if found.start() in code:
                return found.group(0)
            return _tag(found, ctx)

        text = _OUTPUT.sub(output, text)
        code = code_regions(text)
        ctx.text = text
        text = _TAG.sub(tag, text)
        _leftovers(text, ctx)
    ctx.text = text
    subpath = media_subpath(front)
    if subpath is not None:
        text = _under_subpath(text, subpath)
    if "/" in text:
        text, missed = rewrite_site_links(
            text, rel, exists, permalink=lambda url: _by_permalink(url, permalinks)
        )
        for index, url in missed:
            if url not in ctx.warned:
                ctx.warned.add(url)
                ctx.warnings.append(
                    f"line {first_line + index}: the site-root link {url!r} names no file "
                    "of the folder; left as written"
                )
    separator = excerpt_separator(front, config)
    if separator is not None and separator != MORE and separator.strip("\n"):
        text = _more(text, separator)
    if "|" in text:
        text = gfm_tables(text)  # kramdown's tables (kramdowntables.py)
    if saved:
        text = _PLACEHOLDER_RE.sub(lambda m: saved[int(m.group(1))], text)
    return Translated(text, tuple(sorted(ctx.warnings, key=_line_number)))


_IMAGE_DEST = re.compile(r"(!\[(?:[^\]\\\n]|\\.)*\]\(\s*<?)([^\s)>]+)")
_IMG_SRC = re.compile(r"""(<img\b[^>]*?\ssrc\s*=\s*["'])([^"']+)""", re.IGNORECASE)


def _under_subpath(text: str, subpath: str) -> str:
    """Chirpy's ``media_subpath`` before every relative image path outside code
    (``![a](shot.png)``, ``<img src="shot.png">``), as Chirpy puts it there."""
    code = code_regions(text)

    def prefix(found: re.Match[str]) -> str:
        if found.start() in code:
            return found.group(0)
        return found.group(1) + under_subpath(found.group(2), subpath)

    return _IMG_SRC.sub(prefix, _IMAGE_DEST.sub(prefix, text))


def _by_permalink(url: str, permalinks: Callable[[], Mapping[str, str]]) -> str | None:
    """The file whose ``permalink:`` is ``url`` (``/about/`` → ``_pages/about.md``)."""
    from wpsync.source.site import permalink_key

    return permalinks().get(permalink_key(url))


def _line_number(warning: str) -> int:
    found = re.match(r"line (\d+):", warning)
    return int(found.group(1)) if found else 0


def _more(text: str, separator: str) -> str:
    """The first ``separator`` outside code made WordPress's ``<!--more-->``."""
    code = code_regions(text)
    start = 0
    while True:
        index = text.find(separator, start)
        if index < 0:
            return text
        if index not in code:
            return f"{text[:index].rstrip()}\n\n{MORE}\n\n{text[index + len(separator) :].lstrip()}"
        start = index + len(separator)


# --------------------------------------------------------------------------- {{ output }}

_OPENER = re.compile(r"\{\{|\{%")


def _leftovers(text: str, ctx: _Context) -> None:
    """Warn (once) about a ``{{`` or ``{%`` that forms no Liquid markup (unclosed)."""
    code = code_regions(text)
    for found in _OPENER.finditer(text):
        if found.start() not in code:
            ctx.text = text
            ctx.warn_once(
                "leftover",
                found.start(),
                f"{found.group(0)!r} opens no Liquid tag wpsync can read (not closed?); "
                "left as written",
            )
            return


def _output(found: re.Match[str], ctx: _Context) -> str:
    expr = found.group("expr").strip()
    value, *filters = [part.strip() for part in expr.split("|")]
    names = [f.split(":", 1)[0].strip() for f in filters]
    if value in _URL_ONLY and all(n in ("", "prepend", "append") for n in names):
        return ""  # {{ site.baseurl }}, {{ site.url }}, {{ site.baseurl | prepend: site.url }}
    quoted = _QUOTED.match(value)
    if quoted is not None:
        text = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        if all(n in ("relative_url", "absolute_url", "prepend", "append") for n in names):
            return _prepended(text, filters)
    if value in ctx.captures and all(n in _CAPTURE_FILTERS for n in names):
        return _captured(ctx.captures[value], filters, ctx)
    variable = _VARIABLE.match(value)
    if variable is not None and not filters:
        source = ctx.front_matter if variable.group("obj") in ("page", "post") else ctx.site
        if variable.group("obj") in ("page", "post", "site"):
            found_value = _lookup(source, variable.group("key"))
            if found_value is not None:
                return found_value
    ctx.warn_once(
        f"output:{expr}",
        found.start(),
        f"the Liquid output {found.group(0)!r} cannot be evaluated outside Jekyll; removed",
    )
    return ""


def _captured(content: str, filters: list[str], ctx: _Context) -> str:
    """A ``{% capture %}``d block where its variable is shown (``{{ notice | markdownify
    }}``: Minimal Mistakes' multi-paragraph notices and captioned figures), its own
    Liquid translated and the filters applied as Jekyll does."""
    if "{{" in content:
        content = _OUTPUT.sub(lambda found: _output(found, ctx), content)
    for item in filters:
        name, _, argument = item.partition(":")
        name = name.strip()
        if name == "markdownify":
            from markdown_it import MarkdownIt

            content = MarkdownIt("commonmark").render(content).strip("\n")
        elif name == "remove":
            literal = _QUOTED.match(argument)
            if literal is not None:
                content = content.replace(literal.group(1) or literal.group(2) or "", "")
        else:  # strip, lstrip, rstrip
            content = getattr(content, name)()
    return content


def _prepended(text: str, filters: list[str]) -> str:
    """``"/x" | prepend: site.baseurl`` and friends: the path itself."""
    for item in filters:
        name, _, argument = item.partition(":")
        literal = _QUOTED.match(argument) if argument else None
        if name.strip() == "append" and literal is not None:
            text += literal.group(1) if literal.group(1) is not None else literal.group(2)
    return text


def _lookup(source: Mapping[str, Any], key: str) -> str | None:
    node: Any = source
    for part in key.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, str | int | float | date):
        return str(node)
    return None


# --------------------------------------------------------------------------- {% tags %}


def _tag(found: re.Match[str], ctx: _Context) -> str:
    name = found.group("name")
    args = found.group("args").strip()
    if name == "link":
        target = args.split()[0].strip("'\"") if args else ""
        if target and "{{" not in target:
            return relative_url(ctx.rel, target.lstrip("/"))
    elif name == "post_url":
        post = args.split()[0] if args else ""
        if post and "{{" not in post:
            return relative_url(ctx.rel, _post_file(post, ctx.exists))
    elif name == "twitter":  # jekyll-twitter-plugin: {% twitter [oembed] URL options %}
        url = next((a for a in args.split() if a.startswith(("https://", "http://"))), "")
        if url and "{{" not in url:
            return _as_block(url if "/status/" in url else f"<{url}>", found.start(), ctx)
    elif name == "gist":
        gist = args.split()[0].strip("'\"") if args else ""
        if gist and "{{" not in gist:
            return f"<https://gist.github.com/{gist}>"
    elif name.startswith("end") and f"tag:{name[3:]}" in ctx.warned:
        return ""  # the warning about the opening tag said it
    elif name in ("include", "include_relative"):
        shown = _include(found, args, ctx)
        if shown is not None:
            return shown
        ctx.warn_once(
            "include",
            found.start(),
            f"{found.group(0)!r} includes a template wpsync cannot render; removed "
            "(put what it shows in the file)",
        )
        return ""
    ctx.warn_once(
        f"tag:{name}",
        found.start(),
        f"the Liquid tag {name!r} cannot be run outside Jekyll; its tags removed "
        "(what they enclose is kept)",
    )
    return ""


# --------------------------------------------------------------------------- {% include %}

_INCLUDE_ARG = re.compile(
    r"""(?P<key>[\w-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))"""
)
#: the parameters themes and blogs pass an image's path in (Minimal Mistakes' figure:
#: image_path; al-folio's figure.liquid: path; the common image.html: url, src)
_IMAGE_PARAMS = ("image_path", "path", "src", "url", "image", "img", "file")
_IMAGE_FILE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|avif|bmp|tiff?)$", re.IGNORECASE)
_VIDEO_IDS = ("id", "video_id", "youtube_id", "vimeo_id")
_VIDEO_PAGES = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://vimeo.com/{}",
}
_PLAYER_URL = re.compile(
    r"^(?:https?:)?//(?:www\.)?(?:youtube(?:-nocookie)?\.com/embed/(?P<yt>[\w-]+)"
    r"|player\.vimeo\.com/video/(?P<vimeo>\d+))"
)


def _include_args(args: str) -> tuple[str, dict[str, str]]:
    """The included file's name and the literal (quoted) parameters; a parameter given
    a Liquid variable (``image_path=fig_path``) is not known outside Jekyll: left out."""
    name, _, rest = args.partition(" ")
    params: dict[str, str] = {}
    for found in _INCLUDE_ARG.finditer(rest):
        value = found.group("dq") if found.group("dq") is not None else found.group("sq")
        if value is not None:
            params[found.group("key").lower()] = value
    return name.strip("'\""), params


def _include(found: re.Match[str], args: str, ctx: _Context) -> str | None:
    """What an image or video include shows, or None (any other include).

    Jekyll runs the include's template with the parameters; wpsync cannot, but the
    themes' figure and video includes all show the same thing: an image with its caption
    (the path passed through ``relative_url``: site-root even without the leading
    slash), or a video player.  Neither needs the template to be seen."""
    file, params = _include_args(args)
    stem = file.rsplit("/", 1)[-1].split(".", 1)[0].lower()
    image = next(
        (params[k] for k in _IMAGE_PARAMS if _IMAGE_FILE.search(params.get(k, "").split("?")[0])),
        None,
    )
    if image is not None:
        return _figure(image, params, found.start(), ctx)
    if stem == "gallery":
        return _gallery(params, found.start(), ctx)
    provider = params.get("provider", "").lower() or next(
        (p for p in _VIDEO_PAGES if p in stem), ""
    )
    ident = next((params[k] for k in _VIDEO_IDS if params.get(k)), "")
    url = ""
    if provider in _VIDEO_PAGES and re.fullmatch(r"[\w-]+", ident):
        url = _VIDEO_PAGES[provider].format(ident)
    elif stem == "video" or provider:
        player = _PLAYER_URL.match(params.get("path", params.get("src", params.get("url", ""))))
        if player is not None and player.group("yt"):
            url = _VIDEO_PAGES["youtube"].format(player.group("yt"))
        elif player is not None:
            url = _VIDEO_PAGES["vimeo"].format(player.group("vimeo"))
    if not url:
        return None
    return _as_block(url, found.start(), ctx)


def _figure(src: str, params: Mapping[str, str], pos: int, ctx: _Context) -> str:
    """``<figure><img></figure>`` with the caption, as the figure includes show it."""
    return _as_block(_figure_html(src, params), pos, ctx)


def _figure_html(src: str, params: Mapping[str, str], link: str = "") -> str:
    if not re.match(r"^(?:[a-z][\w+.-]*:|/)", src, re.IGNORECASE):
        src = "/" + src  # relative_url: a path from the site's root
    attrs = [f'src="{html.escape(src)}"', f'alt="{html.escape(params.get("alt", ""))}"']
    if params.get("title"):
        attrs.append(f'title="{html.escape(params["title"])}"')
    image = f"<img {' '.join(attrs)}>"
    if link:
        image = f'<a href="{html.escape(link)}">{image}</a>'
    caption = params.get("caption") or params.get("description") or ""
    figcaption = f"<figcaption>{_inline(caption)}</figcaption>" if caption.strip() else ""
    return f"<figure>{image}{figcaption}</figure>"


def _gallery(params: Mapping[str, str], pos: int, ctx: _Context) -> str | None:
    """Minimal Mistakes' ``{% include gallery id="gallery2" caption="…" %}``: the images
    the front matter lists under that id (``gallery`` by default), each a figure with its
    title, then the gallery's caption.  A local image is shown at its full size (``url``);
    a remote one as the thumbnail linking to it, as the theme shows it."""
    items = ctx.front_matter.get(params.get("id") or "gallery")
    if not isinstance(items, list):
        return None
    figures: list[str] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        url, thumb = str(item.get("url") or ""), str(item.get("image_path") or "")
        local = bool(url) and not re.match(r"^[a-z][\w+.-]*:|//", url, re.IGNORECASE)
        src = url if local and _IMAGE_FILE.search(url) else thumb or url
        if not src:
            continue
        meta = {"alt": str(item.get("alt") or ""), "caption": str(item.get("title") or "")}
        figures.append(_figure_html(src, meta, "" if local else url))
    if not figures:
        return None
    caption = params.get("caption", "").strip()
    body = "\n\n".join(figures) + (f"\n\n{caption}" if caption else "")
    return _as_block(body, pos, ctx)


def _as_block(content: str, pos: int, ctx: _Context) -> str:
    """``content`` where the tag at ``pos`` was: in its place inside a raw HTML block or a
    table's row (a blank line would end them); else a block of its own."""
    if in_html_block(ctx.text, pos) or in_table_row(ctx.text, pos):
        return content
    start = ctx.text.rfind("\n", 0, pos) + 1
    indent = ctx.text[start:pos]
    if indent.strip(" \t>"):
        indent = ""  # after text on its line: the block starts a line of its own
    return f"\n{indent.rstrip()}\n{indent}{content}\n{indent.rstrip()}"


def _inline(text: str) -> str:
    """Markdown in a caption, rendered inline (the includes' ``markdownify``: kramdown,
    so a span's attribute list, ``[x](url){: rel='nofollow' }``, is not shown)."""
    from markdown_it import MarkdownIt

    from wpsync.source.attrlists import drop_attribute_lists

    rendered: str = MarkdownIt("commonmark").renderInline(drop_attribute_lists(text))
    return rendered.strip()


def _post_file(name: str, exists: Callable[[str], bool]) -> str:
    """The file ``{% post_url name %}`` names (``_posts/[sub/]name.md``)."""
    name = name.strip().strip("/")
    for suffix in (".md", ".markdown"):
        candidate = f"_posts/{name}{suffix}"
        if exists(candidate):
            return candidate
    found = site_target(f"/_posts/{name}", exists)
    return found or f"_posts/{name}.md"
