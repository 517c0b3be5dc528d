"""GitHub's bare-URL and e-mail autolinks, where mdit-py-plugins' ``gfm_autolink`` differs.  Pure.

The plugin follows the GFM spec's prose ("an autolink comes at the start of a line, after
whitespace or one of ``* _ ~ (``"); GitHub's renderer (cmark-gfm) is looser and stricter in
other places, and a writer sees GitHub's.  Checked against cmark-gfm 0.29.0.gfm.13:

- a URL is linked after any character that is not an ASCII letter: ``"https://x.org"``,
  ``url=https://x.org``, ``docs:https://x.org``, ``|https://x.org`` are links on GitHub
  (the plugin left them text); ``ftp://`` is a scheme too (the spec's own example 628), and
  the scheme's case does not matter (``HTTPS://x.org``); ``foohttps://x.org`` stays text;
- the domain starts with a letter or digit: ``http:// or https://`` in prose is text
  (the plugin linked a bare ``http://``);
- one exception kept on purpose: right after a ``<`` a URL stays text, as the plugin had it
  (``<https://foo.bar/baz bim>`` is CommonMark's example 604 of what is *not* an autolink;
  GitHub links the URL in it);
- ``mailto:`` and ``xmpp:`` follow the same rule (``"mailto:a@b.org"`` is a link);
- no URL (``https://…``, ``www.…``) is linked after a ``[`` that no ``]`` has closed yet:
  ``[see https://x.org]`` and ``[draft www.x.org`` stay text on GitHub (the brackets
  could be a link's text), where the plugin linked them;
- a bare address ends with a letter: ``nopt@6.0.0`` or ``node-gyp@10.1.0`` in a changelog
  is a package and its version, not ``mailto:`` (the plugin linked it, as an e-mail); and
  any character may come before it (``email:a@b.org``, ``/a@b.org`` link the address).

:func:`autolinks_plugin` puts these rules in the place (and under the names) of the
plugin's ``gfm_autolink_protocol`` and ``gfm_autolink_email``; ``www.`` links keep the
plugin's rule, which agrees with GitHub.  The domain and the trailing punctuation are
matched by the plugin's own helpers, so a URL ends where it ended before.
"""

from __future__ import annotations

import unicodedata
import weakref

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.gfm_autolink._match import match_any_email, match_http
from mdit_py_plugins.gfm_autolink.index import _www_inline_rule

__all__ = ["autolinks_plugin"]

#: schemes of URLs (any case), and of addresses (as written), linked when bare
_URL_SCHEMES = frozenset({"http", "https", "ftp"})
_ADDRESS_SCHEMES = frozenset({"mailto", "xmpp"})

_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
#: characters of an address's local part
_LOCAL = _ALNUM | frozenset(".+-_")


def autolinks_plugin(md: MarkdownIt) -> None:
    """Replace the ``gfm_autolink`` plugin's protocol and e-mail rules (it must be in use)."""
    md.inline.ruler.at("gfm_autolink_www", _www_rule)
    md.inline.ruler.at("gfm_autolink_protocol", _protocol_rule)
    md.inline.ruler.at("gfm_autolink_email", _email_rule)


#: how far each paragraph was read for brackets: the tokens read and the depth after them,
#: then the length of the pending text read after those and the depth after it
_BRACKETS: weakref.WeakKeyDictionary[StateInline, tuple[int, int, int, int]] = (
    weakref.WeakKeyDictionary()
)


def _in_brackets(state: StateInline) -> bool:
    """True after a ``[`` of this paragraph's text that no ``]`` has closed (cmark-gfm
    links no URL while its bracket stack holds one).  Code spans, escapes and links made
    are tokens of their own, so only the text's brackets count.  While a paragraph is read
    its tokens are only added to and its pending text only grows until it becomes a token
    (or loses trailing spaces): each is read once, so a paragraph of thousands of URLs, or
    of ``[`` never closed, costs no more than one of a few."""
    read, depth, pending_read, pending_depth = _BRACKETS.get(state, (0, 0, 0, 0))
    tokens = state.tokens
    pending = state.pending
    if read != len(tokens):
        for token in tokens[read:]:
            if token.type == "text":
                depth = _depth(token.content, depth)
        pending_read, pending_depth = 0, depth
    if len(pending) < pending_read:  # trimmed: read it again
        pending_read, pending_depth = 0, depth
    pending_depth = _depth(pending[pending_read:], pending_depth)
    _BRACKETS[state] = (len(tokens), depth, len(pending), pending_depth)
    return pending_depth > 0


def _depth(text: str, depth: int) -> int:
    """``depth`` after the brackets of ``text`` (a ``]`` with none open is text)."""
    if "[" not in text and "]" not in text:
        return depth
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
    return depth


def _www_rule(state: StateInline, silent: bool) -> bool:
    """The plugin's ``www.`` rule, outside open brackets."""
    if state.src.startswith("www.", state.pos) and _in_brackets(state):
        return False
    return _www_inline_rule(state, silent)


def _host_char(ch: str) -> bool:
    """True for a character that may start a domain: not a space, not punctuation
    (``http:// or https://``, ``"http://"``, ``http://-x`` are no links on GitHub)."""
    return bool(ch) and not ch.isspace() and not unicodedata.category(ch).startswith("P")


def _scheme_before(src: str, pos: int) -> str:
    """The run of ASCII letters that ends just before ``pos`` (cmark-gfm's rewind)."""
    start = pos
    while start > 0 and src[start - 1].isascii() and src[start - 1].isalpha():
        start -= 1
    return src[start:pos]


def _protocol_rule(state: StateInline, silent: bool) -> bool:
    """``scheme:…`` at the ``:``, its scheme read back from the text before it."""
    pos = state.pos
    src = state.src
    if state.linkLevel > 0 or src[pos] != ":":
        return False
    scheme = _scheme_before(src, pos)
    if not scheme or not state.pending.endswith(scheme):
        return False  # the letters before are not text of this run (an earlier token's)
    if src[pos - len(scheme) - 1 : pos - len(scheme)] == "<":
        return False  # what CommonMark's own autolink did not take stays text (see above)
    rest = src[pos : state.posMax]
    if scheme.lower() in _URL_SCHEMES:
        if not rest.startswith("://") or not _host_char(rest[3:4]):
            return False
        found = match_http("http" + rest)  # the domain and the end as the plugin reads them
        if found is None:
            return False
        length = found[1] - len("http")
        href = scheme + rest[:length]
    elif scheme in _ADDRESS_SCHEMES:
        address = match_any_email(scheme + rest, len(scheme) + 1, scheme)
        if address is None:
            return False
        length = address[1] - len(scheme)
        href = address[0]
    else:
        return False
    if silent or _in_brackets(state):
        return False  # autolinks are made when tokens are (as the plugin has it)
    return _link(state, len(scheme), len(scheme) + length, href, scheme + rest[:length])


def _email_rule(state: StateInline, silent: bool) -> bool:
    """A bare address at its ``@``, its local part read back from the pending text."""
    pos = state.pos
    src = state.src
    if state.linkLevel > 0 or src[pos] != "@" or pos + 1 >= state.posMax:
        return False
    pending = state.pending
    local = len(pending)
    while local > 0 and pending[local - 1] in _LOCAL:
        local -= 1
    local_len = len(pending) - local
    if local_len == 0:
        return False
    end = pos + 1
    periods = 0
    while end < state.posMax:
        ch = src[end]
        if ch in _ALNUM:
            pass
        elif ch == "@":
            return False
        elif ch == "." and end + 1 < state.posMax and src[end + 1] in _ALNUM:
            periods += 1
        elif ch not in "-_":
            break
        end += 1
    if periods == 0 or not (src[end - 1].isascii() and src[end - 1].isalpha()):
        return False
    if silent:
        return False
    address = pending[local:] + src[pos:end]
    return _link(state, local_len, local_len + end - pos, "mailto:" + address, address)


def _link(state: StateInline, back: int, length: int, url: str, text: str) -> bool:
    """The link tokens for ``text``: its first ``back`` characters are the end of the
    pending text, the rest is read from the current position."""
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href):
        return False
    state.pending = state.pending[:-back]
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": href}
    token.markup = "autolink"
    token.info = "auto"
    token = state.push("text", "", 0)
    token.content = state.md.normalizeLinkText(text)
    token = state.push("link_close", "a", -1)
    token.markup = "autolink"
    token.info = "auto"
    state.pos += length - back
    return True
