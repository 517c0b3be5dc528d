"""The ``commonmark`` engine: CommonMark 0.31.2 + GitHub Flavored Markdown with markdown-it-py.

Pure: text in, HTML and the title out (``render.render_markdown`` does the rest: the
references, the checks on hostile input).  The parser is markdown-it-py's ``commonmark``
preset with raw HTML on, plus:

- GFM: tables, strikethrough (``~one~`` and ``~~two~~``, as ``<del>``), extended autolinks
  (mdit-py-plugins' ``gfm_autolink``: ``www.x.org``, ``https://…``, ``a@b.org``, with
  GitHub's rules for what may come before and end them: :mod:`wpsync.source.autolinks`), task
  lists (``<li class="task-list-item"><input … disabled type="checkbox">``);
- footnotes and definition lists (mdit-py-plugins), footnotes in Python-Markdown's markup
  (``<sup id="fnref:x">``, ``<div class="footnote">``, ids ``fn:label``) so both engines
  give the block conversion the same shapes and old ``#fn:x`` links keep working;
- GitHub alerts (``> [!NOTE]`` …): see :mod:`wpsync.source.alerts`;
- fence info strings with attributes: see :mod:`wpsync.source.fences`;
- heading ids as Python-Markdown's ``toc`` makes them (``## Install`` → ``id="install"``,
  a second one ``install_1``) and a trailing ``{#id .class}`` on a heading.

wpsync's own post-processing — soft line breaks joined into spaces (WordPress's
``wpautop`` turns every newline in a paragraph into ``<br />``; ``<br />`` instead with
``render(breaks=True)``, for an Obsidian vault), heading ids, fence
attributes, footnote markup — is left out when :func:`build` gets ``wpsync=False``: that is
the parser as the conformance script (``bench/conformance.py``) measures it.

Nesting is bounded: blocks (lists, list items, quotes…) nested deeper than
:data:`MAX_BLOCK_LEVEL` raise :class:`TooDeep` instead of markdown-it's silent cut of the
rest of the document; inline nesting past ``maxNesting`` stays literal text.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from wpsync.source.alerts import alerts_plugin
from wpsync.source.autolinks import autolinks_plugin
from wpsync.source.fences import parse_info
from wpsync.source.headings import HeadingIds, heading_text, split_heading_attrs

__all__ = ["MAX_BLOCK_LEVEL", "TooDeep", "build", "render"]

#: the ``env`` key of :func:`render` that makes soft line breaks ``<br />``
_BREAKS = "wpsync_breaks"

#: deepest block nesting rendered (a list and its item count as two levels each)
MAX_BLOCK_LEVEL = 128


class TooDeep(Exception):
    """The document nests blocks deeper than :data:`MAX_BLOCK_LEVEL`."""


def _depth_guard(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """First block rule: fails the document instead of dropping what is too deep."""
    if state.level >= MAX_BLOCK_LEVEL:
        raise TooDeep(
            f"line {start + 1}: lists and quotes are nested more than "
            f"{MAX_BLOCK_LEVEL // 2} levels deep"
        )
    return False


def _unclosed_bracket(state: StateInline, silent: bool) -> bool:
    """A ``[`` (or ``![``) with no ``]`` after it in the paragraph starts nothing: text, found
    without the link rule's search for its end (quadratic on ``[[[[…``)."""
    pos = state.pos
    src = state.src
    start = pos + 1 if src[pos] == "!" else pos
    if start >= state.posMax or src[start] != "[" or src.find("]", start, state.posMax) != -1:
        return False
    if not silent:
        state.pending += src[pos : start + 1]
    state.pos = start + 1
    return True


def _intraword_underscores(state: StateInline, silent: bool) -> bool:
    """``_`` runs between two letters or digits are text (they can neither open nor close
    emphasis): taken as text here, before the emphasis rule makes them delimiters, so the
    email autolink sees the whole address (``first_last@example.com``)."""
    pos = state.pos
    src = state.src
    if src[pos] != "_" or pos == 0 or not src[pos - 1].isalnum():
        return False
    end = pos
    while end < state.posMax and src[end] == "_":
        end += 1
    if end >= state.posMax or not src[end].isalnum():
        return False
    if not silent:
        state.pending += src[pos:end]
    state.pos = end
    return True


def _strike_as_del(state: StateCore) -> None:
    """GFM writes strikethrough as ``<del>`` (markdown-it as ``<s>``)."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type in ("s_open", "s_close"):
                    child.tag = "del"


_LIBRARY_TASK_CLASSES = frozenset({"contains-task-list", "task-list-item"})


def _task_list_classes(wpsync: bool) -> Any:
    """Task lists in GFM's markup (no classes), or with wpsync Python-Markdown's classes
    (``<ul class="task-list">``, ``<li class="task-list-item">``), whatever the engine."""

    def rule(state: StateCore) -> None:
        for token in state.tokens:
            if token.type not in ("bullet_list_open", "ordered_list_open", "list_item_open"):
                continue
            classes = str(token.attrGet("class") or "").split()
            if not _LIBRARY_TASK_CLASSES.intersection(classes):
                continue
            kept = [c for c in classes if c not in _LIBRARY_TASK_CLASSES]
            if wpsync:
                kept.append("task-list-item" if token.type == "list_item_open" else "task-list")
            if kept:
                token.attrSet("class", " ".join(kept))
            else:
                del token.attrs["class"]

    return rule


def _list_item_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A task item's checkbox, disabled (the post is not a form)."""
    token = tokens[idx]
    out: str = self.renderToken(tokens, idx, options, env)
    if token.meta and "checked" in token.meta:
        checked = ' checked=""' if token.meta["checked"] else ""
        out += f'<input disabled="" type="checkbox"{checked}> '
    return out


def _link_text_as_written(url: str) -> str:
    """An autolink's text (``<https://…>``, a bare URL or address) as the writer wrote it,
    as GitHub shows it: markdown-it decoded it (``https://x.org/Caf%C3%A9`` showed
    ``https://x.org/Café``, ``https://xn--80a.org`` showed ``https://а.org``)."""
    return url


def _heading_ids(state: StateCore) -> None:
    """``id`` on every heading, as Python-Markdown's ``toc`` extension makes it."""
    tokens = state.tokens
    headings: list[tuple[Token, Token]] = []
    explicit: list[str] = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        attrs = split_heading_attrs(inline)
        if attrs is not None:
            for key, value in attrs:
                if key == "class":
                    token.attrJoin("class", value)
                else:
                    token.attrSet(key, value)
        if token.attrGet("id") is not None:
            explicit.append(str(token.attrGet("id")))
        headings.append((token, inline))
    ids = HeadingIds(explicit)
    for token, inline in headings:
        if token.attrGet("id") is None:
            token.attrSet("id", ids.make(heading_text(inline.children or [])))


# ---------------------------------------------------------------------------- renderer


def _text(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Text with ``&``, ``<`` and ``>`` escaped; quotes stay as written (as Python-Markdown
    leaves them), so WordPress's typography curls them as it always did."""
    content = tokens[idx].content
    if "&" in content:
        content = content.replace("&", "&amp;")
    if "<" in content:
        content = content.replace("<", "&lt;")
    if ">" in content:
        content = content.replace(">", "&gt;")
    return content


def _softbreak(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A space; a line break when the document's lines are shown as written
    (:func:`render` with ``breaks=True``: Obsidian's default)."""
    return "<br />\n" if env.get(_BREAKS) else " "


def _hardbreak(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "<br />\n"  # wpautop adds no second <br /> after this one


def _fence(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    info = parse_info(unescapeAll(token.info)) if token.info else parse_info("")
    pre = "".join(f' {name}="{escapeHtml(value)}"' for name, value in info.attrs)
    code_class = f' class="language-{escapeHtml(info.language)}"' if info.language else ""
    return f"<pre{pre}><code{code_class}>{_code(token.content)}</code></pre>\n"


def _code_block(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"<pre><code>{_code(tokens[idx].content)}</code></pre>\n"


def _code(content: str) -> str:
    """The code as written, tabs and all, escaped; the newline that ends its last line is
    a line ending, not content (as Python-Markdown has it)."""
    return escapeHtml(content[:-1] if content.endswith("\n") else content)


def _label(token: Token) -> str:
    label = token.meta.get("label")
    return escapeHtml(str(label if label is not None else token.meta["id"] + 1))


def _footnote_ref(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    label, sub = _label(token), token.meta.get("subId", 0)
    ref = f"fnref{sub + 1}:{label}" if sub > 0 else f"fnref:{label}"
    number = token.meta["id"] + 1
    return f'<sup id="{ref}"><a class="footnote-ref" href="#fn:{label}">{number}</a></sup>'


def _footnote_block_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return '<div class="footnote">\n<hr>\n<ol>\n'


def _footnote_block_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</ol>\n</div>\n"


def _footnote_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<li id="fn:{_label(tokens[idx])}">\n'


def _footnote_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</li>\n"


def _footnote_anchor(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    label, sub = _label(token), token.meta.get("subId", 0)
    ref = f"fnref{sub + 1}:{label}" if sub > 0 else f"fnref:{label}"
    number = token.meta["id"] + 1
    space = "" if sub > 0 else "&#160;"
    return (
        f'{space}<a class="footnote-backref" href="#{ref}" '
        f'title="Jump back to footnote {number} in the text">&#8617;</a>'
    )


# ---------------------------------------------------------------------------- build


class _QuietLogger:
    """Stands in for the logger of a markdown-it block rule while its debug records are
    off: the rules call ``LOGGER.debug`` on every attempt (~280 times a document, each a
    logging call that does nothing but still costs ~1 µs: ~5 % of a parse)."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger

    def debug(self, *args: object, **kwargs: object) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.logger, name)


def _quiet_block_rules() -> None:
    """markdown-it's block rules log nothing at debug level unless it is on for them
    (``-vvv`` turns it on before the first parser is built): the same HTML, less time."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("markdown_it.rules_block."):
            continue
        logger = getattr(module, "LOGGER", None)
        if isinstance(logger, logging.Logger) and not logger.isEnabledFor(logging.DEBUG):
            setattr(module, "LOGGER", _QuietLogger(logger))  # noqa: B010 (a module global)


#: Where each inline rule of :func:`build` can match: the characters its first check asks
#: for at ``state.pos`` (``gfm_autolink_www``: only the ``w`` of ``www.``).  The text rule
#: reads up to the next one of these or :data:`_LABEL_END`; markdown-it stops it at more
#: characters, reserved for rules this parser does not have (``$ % # + = - > ^ { }``…),
#: and at every ``w``: there each rule is tried in turn (~15 calls), none matches, and the
#: character is added to the pending text, where the text rule would have added it.
#: Stopping only where a rule may match makes the same tokens in fewer steps (~20 % of a
#: parse of English prose).
_RULE_STARTS: dict[str, str] = {
    "text": "",
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "wpsync_intraword_underscores": "_",
    "emphasis": "*_",
    "wpsync_unclosed_bracket": "![",
    "link": "[",
    "image": "!",
    "footnote_ref": "[",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "gfm_autolink_www": "",  # (the "www." below)
    "gfm_autolink_protocol": ":",
    "gfm_autolink_email": "@",
}


#: A link's or an image's label ends at a ``]`` that no token holds: ``parseLinkLabel``
#: skips a token at a time and looks for it where each one ends.
_LABEL_END = "]"


def _text_stops(md: MarkdownIt) -> re.Pattern[str] | None:
    """Where the text rule must stop for the inline rules ``md`` has (see
    :data:`_RULE_STARTS`); None when a rule is not in that table (keep markdown-it's)."""
    rules = md.inline.ruler.get_active_rules()
    if any(rule not in _RULE_STARTS for rule in rules):
        return None
    chars = "".join(sorted({_LABEL_END, *(c for rule in rules for c in _RULE_STARTS[rule])}))
    www = "|w(?=ww\\.)" if "gfm_autolink_www" in rules else ""
    return re.compile(f"[{re.escape(chars)}]{www}")


def build(*, wpsync: bool = True) -> MarkdownIt:
    """The parser; ``wpsync=False`` leaves out wpsync's post-processing (see above)."""
    _quiet_block_rules()
    md = MarkdownIt(
        "commonmark",
        {"html": True, "xhtmlOut": False, "maxNesting": MAX_BLOCK_LEVEL + 8},
    )
    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.options["tasklists_editable"] = False
    md.options["strikethrough_single_tilde"] = True
    md.use(gfm_autolink_plugin)
    md.use(autolinks_plugin)
    md.normalizeLinkText = _link_text_as_written  # type: ignore[method-assign,assignment]
    md.use(footnote_plugin, inline=False)
    md.use(deflist_plugin)
    md.use(alerts_plugin)
    md.block.ruler.before("table", "wpsync_depth", _depth_guard)
    md.inline.ruler.before("emphasis", "wpsync_intraword_underscores", _intraword_underscores)
    md.inline.ruler.before("link", "wpsync_unclosed_bracket", _unclosed_bracket)
    md.core.ruler.push("wpsync_del", _strike_as_del)
    md.core.ruler.push("wpsync_task_lists", _task_list_classes(wpsync))
    md.add_render_rule("list_item_open", _list_item_open)
    if wpsync:
        md.core.ruler.push("wpsync_heading_ids", _heading_ids)
        md.add_render_rule("text", _text)
        md.add_render_rule("softbreak", _softbreak)
        md.add_render_rule("hardbreak", _hardbreak)
        md.add_render_rule("fence", _fence)
        md.add_render_rule("code_block", _code_block)
        md.add_render_rule("footnote_ref", _footnote_ref)
        md.add_render_rule("footnote_block_open", _footnote_block_open)
        md.add_render_rule("footnote_block_close", _footnote_block_close)
        md.add_render_rule("footnote_open", _footnote_open)
        md.add_render_rule("footnote_close", _footnote_close)
        md.add_render_rule("footnote_anchor", _footnote_anchor)
    stops = _text_stops(md)
    if stops is not None:
        md.inline.terminator_re = stops
    return md


def render(
    md: MarkdownIt, text: str, *, strip_title: bool, breaks: bool = False
) -> tuple[str, str | None]:
    """The HTML of ``text`` and the text of its leading ``# Title`` (``None`` without one).
    ``breaks``: a soft line break is a ``<br />`` (else a space).

    Raises :class:`TooDeep` (see the module docstring).
    """
    env: dict[str, Any] = {_BREAKS: True} if breaks else {}
    tokens = md.parse(text, env)
    title: str | None = None
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        title = heading_text(tokens[1].children or [], raw_html=True).strip()
        if strip_title:
            tokens = tokens[3:]
    return md.renderer.render(tokens, md.options, env), title
