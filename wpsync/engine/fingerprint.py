"""The fingerprint wpsync leaves in every post it writes.  Pure.

A checkout without a state (a fresh ``git clone``, a CI runner) must still recognise the
posts its folder published, and tell a post nobody touched since from one edited in
WordPress.  So every post wpsync writes carries, in its own content, where it came from
and what was sent:

- ``rel``: the file's path in the content folder;
- ``payload``: the payload hash of what was sent (``plan.payload_hash``: the same value
  the state records as ``Entry.payload_hash``, so a file whose payload hash is still
  that one would send nothing new);
- ``sent``: a digest of the title, the content (the fingerprint left out), the status and
  the slug as sent.  WordPress's ``context=edit`` answer gives those back as stored (``title.raw``,
  ``content.raw``: asked for alone, WordPress renders neither — the excerpt it would
  make from the content is left out for that reason): when its digest is another one,
  somebody edited the post in WordPress.

Where it goes (docs/adoption.md weighs the alternatives: post meta needs a plugin, the
excerpt, password, guid and template are visible, read-only or validated):

- block markup: an attribute of the first block's comment delimiter,
  ``<!-- wp:paragraph {"wpsync":"1;…"} -->``.  The block parser hands it to no one (the
  paragraph renders as before, nothing shows on the site); the editor drops an attribute
  its block does not define without calling the block invalid, so a post saved in the
  editor loses its fingerprint — which counts as edited, the safe side;
- Classic HTML (or block content with no block at all): an HTML comment,
  ``<!-- wpsync:1;… -->``, inside the content's last element (``<p>…<!-- wpsync:… --></p>``:
  on a line of its own, ``wpautop`` would wrap it in a paragraph of its own, an empty
  one on the page), else at the end — in the page source, never on the page.

The value is ``2;<payload hash>;<sent digest>;<source>;<inputs>;<path>[;<key>…]``, every
path and key percent-encoded (so no ``"``, ``\\``, ``<``, ``>``, ``&``, ``;`` or ``--`` reaches
the comment):

- ``source``: the file's source hash (its bytes, 32 hex digits) when it was sent;
- ``inputs``: the digest of the post's inputs as recorded with it (references.py: its
  images' hashes, its links' URLs, the options and the renderer), and ``key``: the names
  of those inputs but ``opt:fingerprint`` and ``opt:renderer``, which every post has.

With them a checkout without a state recognises a file whose bytes are the ones sent
and whose inputs are still the same without rendering it (recognised.py): exactly what a
checkout with the state reads again or not.  Revision 1 (``1;<payload>;<sent>;<path>``,
written before) is still read: its posts are recognised by rendering their files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from wpsync.engine.items import RENDERER
from wpsync.model import stable_hash
from wpsync.source.versions import FINGERPRINT_REVISION

__all__ = [
    "FINGERPRINT",
    "FORMAT",
    "RENDERER",
    "REVISION",
    "Fingerprint",
    "fingerprinted",
    "inputs_digest",
    "read_fingerprint",
    "recorded_keys",
    "sent_digest",
    "source_digest",
    "stamp",
    "strip_fingerprint",
]

#: the input (references.py) recording that a post was written with a fingerprint: a post
#: pushed without one is read again once and updated, so it gets one
FINGERPRINT = "opt:fingerprint"
#: the revision of the fingerprint recorded as the input ``opt:fingerprint`` (versions.py)
REVISION = FINGERPRINT_REVISION
#: the revision of the format written (``Fingerprint.value``) when the source is known
FORMAT = "2"

_KEY = "wpsync"
#: the first block delimiter: ``<!-- wp:name `` then attributes, ``/-->`` or ``-->``
_FIRST_BLOCK = re.compile(r"\A\s*<!-- wp:[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)? ")
_VALUE = r"(?:1;[0-9a-f]{64};[0-9a-f]{32}|2;[0-9a-f]{64}(?:;[0-9a-f]{32}){3});[^\"\s]*"
_ATTR = re.compile(rf'"{_KEY}":"(?P<value>{_VALUE})"')
_COMMENT = re.compile(rf"<!-- {_KEY}:(?P<value>{_VALUE}) -->")
#: the content's last element, closed at its very end (not one whose text is not HTML)
_LAST_CLOSE = re.compile(
    r"</(?!(?:script|style|textarea|title|xmp|plaintext)\b)[a-z][a-z0-9]*\s*>\s*\Z", re.I
)
#: statuses that are the same thing as sent (WordPress schedules a publish with a future
#: date, and publishes a scheduled post when its date comes)
_SAME_STATUS = {"future": "publish"}


@dataclass(frozen=True)
class Fingerprint:
    """``source`` (32 hex digits), ``inputs`` (the digest of the inputs) and ``keys``
    (their names but the two every post has): empty in a revision-1 fingerprint."""

    rel: str
    payload_hash: str
    sent: str
    source: str = ""
    inputs: str = ""
    keys: tuple[str, ...] = ()

    def value(self) -> str:
        path = _encoded(self.rel)
        if not (self.source and self.inputs):
            return f"1;{self.payload_hash};{self.sent};{path}"
        keys = "".join(f";{_encoded(key)}" for key in self.keys)
        return f"{FORMAT};{self.payload_hash};{self.sent};{self.source};{self.inputs};{path}{keys}"

    @classmethod
    def parse(cls, value: str) -> Fingerprint | None:
        if value.startswith("1;"):
            parts = value.split(";", 3)
            return cls(unquote(parts[3]), parts[1], parts[2]) if len(parts) == 4 else None
        parts = value.split(";")
        if len(parts) < 6 or parts[0] != FORMAT:
            return None
        keys = tuple(unquote(key) for key in parts[6:])
        return cls(unquote(parts[5]), parts[1], parts[2], parts[3], parts[4], keys)

    def input_keys(self) -> frozenset[str]:
        """The names of the inputs the post was sent with (revision 2)."""
        return frozenset((*self.keys, FINGERPRINT, RENDERER))


def _encoded(text: str) -> str:
    return quote(text, safe="/").replace("-", "%2D")


def source_digest(source_hash: str) -> str:
    """A file's source hash as the fingerprint holds it."""
    return source_hash[:32]


def inputs_digest(inputs: Mapping[str, str]) -> str:
    """The digest of a post's inputs (references.py) as the fingerprint holds it."""
    return stable_hash(dict(sorted(inputs.items())))[:32]


def recorded_keys(inputs: Mapping[str, str]) -> tuple[str, ...]:
    """The input names a fingerprint lists: all but the two every post has."""
    return tuple(sorted(k for k in inputs if k not in (FINGERPRINT, RENDERER)))


def sent_digest(title: str, content: str, status: str, slug: str) -> str:
    """The digest of what a post was sent with (``content`` without the fingerprint), or
    of what it holds now (from ``context=edit``: title and content ``raw``; the slug as
    WordPress stores it: percent-encoded, lower case)."""
    from wpsync.wordpress.lookups import normalise_slug  # (a no-op run imports no HTTP stack)

    return stable_hash(
        {
            "title": title.strip(),
            "content": content.strip(),
            "status": _SAME_STATUS.get(status, status),
            "slug": normalise_slug(slug),
        }
    )[:32]


def stamp(content: str, fingerprint: Fingerprint) -> str:
    """``content`` with the fingerprint in it (see the module docstring)."""
    value = fingerprint.value()
    first = _FIRST_BLOCK.match(content)
    if first is None:
        comment = f"<!-- {_KEY}:{value} -->"
        last = _LAST_CLOSE.search(content)
        if last is None:
            return f"{content}\n{comment}"
        return content[: last.start()] + comment + content[last.start() :]
    at = first.end()
    if content.startswith("{}", at):
        return f'{content[: at + 1]}"{_KEY}":"{value}"{content[at + 1 :]}'
    if content.startswith("{", at):
        return f'{content[: at + 1]}"{_KEY}":"{value}",{content[at + 1 :]}'
    return f'{content[:at]}{{"{_KEY}":"{value}"}} {content[at:]}'


def fingerprinted(
    content: str,
    rel: str,
    payload_hash: str,
    title: str,
    status: str,
    slug: str,
    *,
    source_hash: str = "",
    inputs: Mapping[str, str] | None = None,
) -> str:
    """``content`` as sent: with the fingerprint of the file ``rel`` whose payload hash is
    ``payload_hash``, and of this title, content, status and slug; with the file's
    ``source_hash`` and the post's ``inputs`` when known (revision 2)."""
    # The digest is of the content as it reads back once the fingerprint is taken out
    # (the same text but for an empty ``{}`` of attributes, which goes with it).
    bare = strip_fingerprint(stamp(content, Fingerprint(rel, payload_hash, "0" * 32)))
    sent = sent_digest(title, bare, status, slug)
    if source_hash and inputs is not None:
        fingerprint = Fingerprint(
            rel,
            payload_hash,
            sent,
            source_digest(source_hash),
            inputs_digest(inputs),
            recorded_keys(inputs),
        )
    else:
        fingerprint = Fingerprint(rel, payload_hash, sent)
    return stamp(content, fingerprint)


def _find(content: str) -> tuple[Fingerprint, int, int] | None:
    """The fingerprint in ``content`` and the span of the text that holds it."""
    first = _FIRST_BLOCK.match(content)
    if first is not None:
        end = content.find("-->", first.end())
        found = _ATTR.search(content, first.end(), end if end >= 0 else len(content))
        if found is not None:
            start, stop = found.span()
            if content.startswith("{", start - 1) and content.startswith("} ", stop):
                start, stop = start - 1, stop + 2  # the attributes were only ours
            elif content.startswith(",", stop):
                stop += 1
            elif content.startswith(",", start - 1):
                start -= 1
            fingerprint = Fingerprint.parse(found.group("value"))
            return (fingerprint, start, stop) if fingerprint else None
    matches = list(_COMMENT.finditer(content))
    if matches:
        found = matches[-1]  # wpsync's comes after anything a writer wrote
        start, stop = found.span()
        if content.startswith("\n", start - 1) and not content[stop:].strip():
            start -= 1  # the form at the very end
        fingerprint = Fingerprint.parse(found.group("value"))
        return (fingerprint, start, stop) if fingerprint else None
    return None


def read_fingerprint(content: str) -> tuple[Fingerprint | None, str]:
    """The fingerprint in a post's raw content (None: there is none) and the content
    without it."""
    found = _find(content)
    if found is None:
        return None, content
    fingerprint, start, stop = found
    return fingerprint, content[:start] + content[stop:]


def strip_fingerprint(content: str) -> str:
    """A post's raw content without wpsync's fingerprint (for pull and the like)."""
    return read_fingerprint(content)[1]
