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
``{{ page.x }}``, ``{{ site.x }}``     the front-matter / ``_config.yml`` value (no
                                       filters); otherwise removed with a warning
``{% include x.html %}``               removed, one warning per file (with the line)
any other tag (``{% if %}``…)          the tag removed (what it encloses kept), one
                                       warning per tag name and file
=====================================  ==============================================

``excerpt_separator`` (front matter, else ``_config.yml``): the first separator in the
body becomes WordPress's ``<!--more-->`` (the teaser on archive pages).  Jekyll's default
separator (a blank line: the first paragraph) needs nothing: WordPress makes its own.
Nothing inside code blocks or code spans is translated (but ``{% raw %}`` markers go).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wpsync.source.dialects import convert_template_tags
from wpsync.source.sitepaths import (
    Translated,
    code_regions,
    line_of,
    relative_url,
    rewrite_site_links,
    site_target,
)

__all__ = ["Translated", "excerpt_separator", "translate"]

MORE = "<!--more-->"

_RAW_BLOCK = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_COMMENT_BLOCK = re.compile(
    r"\{%-?\s*(?P<tag>comment|capture)\b[^%]*-?%\}.*?\{%-?\s*end(?P=tag)\s*-?%\}", re.DOTALL
)
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
    warned: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def warn_once(self, key: str, pos: int, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.warnings.append(f"line {line_of(self.text, pos, self.first_line)}: {message}")


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
) -> Translated:
    """``body`` (of the file ``rel``, first line numbered ``first_line``) with its Liquid
    translated (see the module's table)."""
    front = front_matter or {}
    config = site or {}
    saved: list[str] = []

    def keep(found: re.Match[str]) -> str:
        saved.append(found.group(1))
        return _PLACEHOLDER.format(len(saved) - 1)

    # {% raw %} first (its content is never Liquid), then comments (line count kept
    # for the warnings), then highlight blocks become fences (dialects.py).
    text = _RAW_BLOCK.sub(keep, body) if "raw" in body else body
    if "comment" in text or "capture" in text:
        in_code = code_regions(text)
        text = _COMMENT_BLOCK.sub(
            lambda m: m.group(0) if m.start() in in_code else "\n" * m.group(0).count("\n"),
            text,
        )
    text = convert_template_tags(text)
    ctx = _Context(rel, front, config, exists, first_line, text)
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
    if "/" in text:
        text, missed = rewrite_site_links(text, rel, exists)
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
    if saved:
        text = _PLACEHOLDER_RE.sub(lambda m: saved[int(m.group(1))], text)
    return Translated(text, tuple(sorted(ctx.warnings, key=_line_number)))


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
    elif name == "gist":
        gist = args.split()[0].strip("'\"") if args else ""
        if gist and "{{" not in gist:
            return f"<https://gist.github.com/{gist}>"
    elif name.startswith("end") and f"tag:{name[3:]}" in ctx.warned:
        return ""  # the warning about the opening tag said it
    elif name in ("include", "include_relative"):
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


def _post_file(name: str, exists: Callable[[str], bool]) -> str:
    """The file ``{% post_url name %}`` names (``_posts/[sub/]name.md``)."""
    name = name.strip().strip("/")
    for suffix in (".md", ".markdown"):
        candidate = f"_posts/{name}{suffix}"
        if exists(candidate):
            return candidate
    found = site_target(f"/_posts/{name}", exists)
    return found or f"_posts/{name}.md"
