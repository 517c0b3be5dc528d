"""MDX (Docusaurus, and VitePress' Vue components) → the Markdown wpsync renders.  Pure.

Docusaurus reads every page as MDX: Markdown with JavaScript modules and JSX components.
What a writer puts there for the site, and what it becomes (``[content] dialect = "docs"``):

=====================================  ================================================
``import Tabs from '@theme/Tabs';``    removed: an ES module line (``import``/``export``
``export const x = …``                 opening a block, up to the blank line after it)
``<Tabs>`` … ``</Tabs>``               the tags removed
``<TabItem value="a" label="A">``      the tab's label in bold (``label``, else the
                                       ``values`` of its ``<Tabs>``, else ``value``), then
                                       its content
``<Admonition type="tip" title="T">``  a callout, as ``:::tip[T]`` makes (``admonitions.py``)
``<TOCInline toc={toc} />``            the table of contents of the page's headings
``<Badge text="beta" />``              its text (VitePress' badge; ``<Badge>beta</Badge>``)
``<Details>``                          ``<details>`` (its ``<summary>`` kept)
``<Listing number="2-1"                ``Filename: src/main.rs``, the content, then
file-name="…" caption="…">``           **Listing 2-1:** and the caption (the Rust book's
                                       listings, mdbook-trpl)
a line that is a JSX expression        published as written, with a warning (once a file)
(``{MyComponentSource}``)
any other component (``<Foo … />``,    its tags removed, its content kept (a self-closing
``<Highlight>x</Highlight>``)          one's ``code``, ``text``, ``label`` or ``title``,
                                       a link to its ``href``/``url``:
                                       ``<CopyableCode code="x" />`` is ``x`` as code);
                                       one warning a name a file
``{/* a comment */}``                  removed
``{/* truncate */}``,                  WordPress' ``<!--more-->`` (the teaser's end on
``<!-- truncate -->``                  archive pages), the first one
``## Title {/* #custom-id */}``        ``## Title {#custom-id}`` (the heading's id)
````` ```mdx-code-block `````          the fence lines removed: Docusaurus renders what
                                       they hold as MDX, so does wpsync
=====================================  ================================================

A component's content is written indented in the source (MDX has no indented code):
inside one, lines lose the indentation of its first line of content beyond that of the
line the tag opens on (a list item's stays), so that content is Markdown again.  Only tags that start with a capital letter are components: lower-case
HTML (``<details>``) is left to the Markdown parser.  Nothing in fenced code or code spans
is touched.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from wpsync.source.admonitions import callout_open
from wpsync.source.attrlists import TOC_MARK
from wpsync.source.fences import FenceTracker
from wpsync.source.sitepaths import Translated

__all__ = ["translate_mdx"]

MORE = "<!--more-->"


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on the first text that may hold MDX (most files hold none)."""
    attr = (
        r"""[^\s=>/{}"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}))?"""
    )
    return {
        "quick": re.compile(r"<[A-Z]|^(?:import|export)\s|\{/\*|truncate|mdx-code-block", re.M),
        "esm": re.compile(
            r"""^(?:import\s+(?:type\s+)?(?:[\w$*{}\s,]+\s+from\s+)?["'][^"'\n]+["'];?"""
            r"""|export\s+(?:default\b|const\s|let\s|var\s|function\b|class\s|async\s|\{|\*))"""
        ),
        "tag": re.compile(rf"<(/?)([A-Z][\w.]*)((?:\s+{attr})*)\s*(/?)>"),
        "open_start": re.compile(r"^\s*<([A-Z][\w.]*)(?=[\s>/]|$)"),
        "attr": re.compile(
            r"""([^\s=>/{}"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}))?"""
        ),
        "value_pair": re.compile(
            r"""label\s*:\s*(?:"([^"]*)"|'([^']*)')\s*,\s*value\s*:\s*(?:"([^"]*)"|'([^']*)')"""
            r"""|value\s*:\s*(?:"([^"]*)"|'([^']*)')\s*,\s*label\s*:\s*(?:"([^"]*)"|'([^']*)')"""
        ),
        "comment": re.compile(r"\{/\*.*?\*/\}"),
        "heading_id": re.compile(
            r"^( {0,3}#{1,6}[ \t].*?)[ \t]*\{/\*\s*(#[\w:.-]+)\s*\*/\}[ \t]*$"
        ),
        "truncate": re.compile(r"^[ \t]*(?:<!--\s*truncate\s*-->|\{/\*\s*truncate\s*\*/\})[ \t]*$"),
        # a line that is a JSX expression ({MyComponentSource}, {props.title}); not an
        # attribute list ({: .x}, { .x }, {#id}) nor a line list ({1,3})
        "expression": re.compile(r"^[ \t]*\{[A-Za-z_$(\[][^{}]*\}[ \t]*$"),
        "mdx_fence": re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*mdx-code-block[ \t]*$"),
    }


@dataclass
class _Open:
    """A component whose closing tag is still to come."""

    name: str
    indent: int = 0  # the indentation of the line it opens on
    base: int | None = None  # the indentation of its first line of content
    labels: dict[str, str] = field(default_factory=dict)  # <Tabs values={[…]}>


@dataclass
class _Context:
    first_line: int
    engine: str
    warned: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    indent: int = 0  # the indentation of the line being translated
    more: bool = False

    def warn_once(self, key: str, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.warnings.append(message)


def translate_mdx(text: str, *, first_line: int = 1, engine: str = "commonmark") -> Translated:
    """``text`` with its MDX translated as the module docstring says; warnings name the
    line (``first_line``: the body's first line in the file)."""
    if _patterns()["quick"].search(text) is None:
        return Translated(text)
    ctx = _Context(first_line, engine)
    lines = _unwrap_mdx_fences(text.split("\n"))
    out: list[str] = []
    code = FenceTracker()
    i = 0
    while i < len(lines):
        line = _dedented(lines[i], ctx)
        if code.in_code(line):
            out.append(line)
            i += 1
            continue
        if (not out or not out[-1].strip()) and not ctx.stack and _patterns()["esm"].match(line):
            i = _esm_end(lines, i)  # an ES module block: up to the blank line after it
            out.append("")
            continue
        opened = _patterns()["open_start"].match(line)
        if opened is not None and _patterns()["tag"].search(line) is None:
            joined, end = _join_tag(lines, i)  # an opening tag over several lines
            if end is not None:
                line, i = joined, end
        out.append(_line(line, ctx, i))
        if "{" in out[-1] and _patterns()["expression"].match(out[-1]):
            shown = out[-1].strip()
            ctx.warn_once(
                "expression",
                f"line {ctx.first_line + i}: the JSX expression {shown[:40]!r} has no "
                "WordPress equivalent: published as written",
            )
        i += 1
    return Translated("\n".join(out), tuple(ctx.warnings))


def _unwrap_mdx_fences(lines: list[str]) -> list[str]:
    """The fence lines of ```` ```mdx-code-block ```` blocks blanked: what they hold is MDX."""
    out = list(lines)
    code = FenceTracker()
    i = 0
    while i < len(out):
        found = _patterns()["mdx_fence"].match(out[i])
        if found is None:
            code.in_code(out[i])
            i += 1
            continue
        fence = found.group(1)
        close = next(
            (
                j
                for j in range(i + 1, len(out))
                if out[j].strip().startswith(fence) and not out[j].strip().lstrip(fence[0])
            ),
            None,
        )
        if close is None:
            return out  # never closed: code to the end, as CommonMark reads it
        out[i] = out[close] = ""
        i = close + 1
    return out


def _dedented(line: str, ctx: _Context) -> str:
    """``line`` without the indentation of the innermost open component's content."""
    if not ctx.stack or not line.strip():
        return line
    indent = len(line) - len(line.lstrip(" "))
    top = ctx.stack[-1]
    if top.base is None:
        top.base = indent
    extra = max(0, top.base - top.indent)  # beyond the tag's own (a list item's) indentation
    if indent <= top.indent or not extra:
        return line
    return line[: top.indent] + line[top.indent + min(indent - top.indent, extra) :]


def _esm_end(lines: list[str], start: int) -> int:
    end = start + 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return end


def _join_tag(lines: list[str], start: int) -> tuple[str, int | None]:
    """An opening tag written over several lines as one line, and the index of its last
    line (None when no line before a blank one, within 50, ends the tag that opens
    ``start``: then it is no tag, ``<Foo is great`` in prose, and stays as written)."""
    joined = lines[start]
    opens = joined.index("<")
    for j in range(start + 1, min(len(lines), start + 50)):
        if not lines[j].strip():
            break
        joined = f"{joined} {lines[j].strip()}"
        if _patterns()["tag"].match(joined, opens) is not None:
            return joined, j
    return lines[start], None


def _line(line: str, ctx: _Context, index: int) -> str:
    p = _patterns()
    if not ctx.more and p["truncate"].match(line):
        ctx.more = True
        return MORE
    heading = p["heading_id"].match(line)
    if heading is not None:
        return f"{heading.group(1)} {{{heading.group(2)}}}"
    if "<" not in line and "{/*" not in line:
        return line
    ctx.indent = len(line) - len(line.lstrip(" "))
    done = _outside_code(line, p["comment"], lambda m: "")
    done = _outside_code(done, p["tag"], lambda m: _tag(m, ctx, index))
    if not done.strip() and line.strip():
        return ""
    if "\n" in done:  # what a tag became stays in the list item the tag was in
        first, *rest = done.split("\n")
        indent = " " * ctx.indent
        done = "\n".join([first, *(indent + part if part.strip() else "" for part in rest)])
    return done


def _outside_code(
    line: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]
) -> str:
    """``line`` with the matches of ``pattern`` that start outside its code spans replaced
    (a tag's attribute may hold backticks: ``caption="Running `cargo build`"``)."""
    spans: list[tuple[int, int]] = []
    opened: re.Match[str] | None = None
    for run in re.finditer(r"`+", line):
        if opened is None:
            opened = run
        elif run.group(0) == opened.group(0):
            spans.append((opened.start(), run.end()))
            opened = None
    if not spans:
        return pattern.sub(replace, line)

    def outside(found: re.Match[str]) -> str:
        inside = any(start <= found.start() < end for start, end in spans)
        return found.group(0) if inside else replace(found)

    return pattern.sub(outside, line)


def _attrs(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for found in _patterns()["attr"].finditer(text):
        value = next((g for g in found.group(2, 3, 4) if g is not None), "")
        attrs[found.group(1)] = value
    return attrs


def _tag(found: re.Match[str], ctx: _Context, index: int) -> str:
    closing, name, raw_attrs, selfclosing = found.group(1, 2, 3, 4)
    attrs = _attrs(raw_attrs)
    if closing:
        return _close(name, ctx)
    if not selfclosing:
        ctx.stack.append(_Open(name, ctx.indent))
    if name == "Tabs":
        ctx.stack[-1].labels = _tab_labels(attrs.get("values", ""))
        return ""
    if name == "TabItem":
        label = attrs.get("label") or _label_from_tabs(ctx, attrs.get("value", ""))
        label = label or attrs.get("value", "")
        return f"\n\n<p><strong>{html.escape(label)}</strong></p>\n\n" if label else "\n\n"
    if name == "TOCInline":  # the page's table of contents (attrlists.py fills it)
        return f"\n\n{TOC_MARK}\n\n"
    if name == "Badge":
        text = attrs.get("text", "")
        return html.escape(text) if text else ""
    if name == "Admonition":
        kind = attrs.get("type", "note") or "note"
        title = attrs.get("title")
        extra = ' markdown="1"' if ctx.engine == "python-markdown" else ""
        return "\n" + "\n".join(callout_open(kind, title, extra)) + "\n"
    if name == "Listing":  # the Rust book's listings (mdbook-trpl)
        if not selfclosing:
            ctx.stack[-1].labels = {
                "number": attrs.get("number", ""),
                "caption": attrs.get("caption", ""),
            }
        shown = attrs.get("file-name", "")
        return f"\n\nFilename: {_markdown_text(shown)}\n\n" if shown else "\n\n"
    if name == "Details":
        extra = ' markdown="1"' if ctx.engine == "python-markdown" else ""
        return f"\n\n<details{extra}>\n\n"
    if name == "Summary":
        return "<summary>"
    kept = _kept_text(attrs) if selfclosing else ""
    what = ", its content kept" if not selfclosing else ", its text kept" if kept else ""
    ctx.warn_once(
        f"component:{name}",
        f"line {ctx.first_line + index}: the <{name}> component has no WordPress "
        f"equivalent: removed{what}",
    )
    return kept


def _kept_text(attrs: dict[str, str]) -> str:
    """What a self-closing component shows of its own: its ``code`` as code (``<CopyableCode
    code="aws.s3.buckets" />``), else its ``text``, ``label`` or ``title`` — a link when
    it has an ``href`` or ``url`` (``<IframeWindow url="/tests/blog/unlisted-post" />``:
    the URL is the text when nothing else is)."""
    if attrs.get("code"):
        return f"<code>{html.escape(attrs['code'])}</code>"
    shown = attrs.get("text") or attrs.get("label") or attrs.get("title") or ""
    target = (attrs.get("href") or attrs.get("url") or "").strip()
    if target and not target.lower().startswith(("javascript:", "data:", "vbscript:")):
        text = html.escape(shown or target)
        return f'<a href="{html.escape(target, quote=True)}">{text}</a>'
    return html.escape(shown)


def _close(name: str, ctx: _Context) -> str:
    closed: _Open | None = None
    for k in range(len(ctx.stack) - 1, -1, -1):
        if ctx.stack[k].name == name:
            closed = ctx.stack[k]
            del ctx.stack[k:]
            break
    if name == "Listing" and closed is not None:
        number, caption = closed.labels.get("number", ""), closed.labels.get("caption", "")
        label = f"Listing {_markdown_text(number)}" if number else "Listing"
        return f"\n\n**{label}:** {caption}\n\n" if caption else "\n\n"
    if name == "Admonition":
        return "\n\n</div>\n\n"
    if name == "Details":
        return "\n\n</details>\n\n"
    if name == "Summary":
        return "</summary>"
    if name in ("Tabs", "TabItem"):
        return "\n\n"
    return ""


def _markdown_text(text: str) -> str:
    """``text`` as literal Markdown inline text."""
    return re.sub(r"([\\`*_\[\]<>!|])", r"\\\1", text)


def _tab_labels(values: str) -> dict[str, str]:
    """``values={[{label: 'Apple', value: 'apple'}, …]}`` → ``{"apple": "Apple"}``."""
    labels: dict[str, str] = {}
    for found in _patterns()["value_pair"].finditer(values):
        groups = found.groups()
        if found.group(1) is not None or found.group(2) is not None:
            label, value = groups[0] or groups[1] or "", groups[2] or groups[3] or ""
        else:
            value, label = groups[4] or groups[5] or "", groups[6] or groups[7] or ""
        labels[value] = label
    return labels


def _label_from_tabs(ctx: _Context, value: str) -> str:
    for opened in reversed(ctx.stack[:-1]):
        if opened.name == "Tabs":
            return opened.labels.get(value, "")
    return ""
