"""Recognising, without a state and without rendering, the files whose post this folder
sent as they are now.

A fresh clone of a published folder has no ``.wpsync/``: before this module it rendered
every file, then looked each post up by the slug it had rendered (adoption.py) and
compared payload hashes.  Rendering is the costliest thing wpsync does, and a file
whose bytes are the ones its post was made from need not be rendered to know that:
the fingerprint of revision 2 (fingerprint.py) holds the file's source hash and the
names and digest of the post's inputs.  So, before reading (:func:`recognise_unread`):

- each file no entry links is read (its bytes hashed, its front matter parsed) and
  given the type and slug its path and front matter say (``mapping.placed``);
- WordPress is asked for those slugs, as adoption.py asks (100 to a request,
  ``context=edit``), and the answers are kept for adoption.py;
- a post whose fingerprint names this very file, with the file's source hash, and whose
  title, content, status and slug are still the ones sent (``adoption.recognition``:
  "ours"), is linked to the file as it is now (its source hash and stat: the reader
  does not even open it again) with the payload hash it was sent with;
- references.py (``References.expect``) then checks that the post's inputs — its
  images' hashes, its links' URLs, the options, the renderer — are still the ones sent,
  as it checks a file of the state's; a file with one changed is read and rendered, as
  a file of the state's would be.

Everything else — a file changed since, a post with a revision-1 fingerprint, edited in
WordPress, not this file's, a slug taken twice, a same-named file whose slug
references.py changes — is left to adoption.py, which renders it: the outcome is the
one a checkout with the state would come to, only sooner.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from wpsync.engine.adoption import look_up, raw_text, recognition
from wpsync.engine.conflicts import pushed_fields
from wpsync.engine.fingerprint import read_fingerprint, source_digest
from wpsync.engine.items import Stat
from wpsync.errors import RemoteError
from wpsync.model import Entry, Pushed, RestBody
from wpsync.wordpress.records import stored_digest

if TYPE_CHECKING:
    from wpsync.engine.readpool import ReadSettings
    from wpsync.wordpress.client import WordPressClient

logger = logging.getLogger(__name__)

__all__ = ["Unread", "recognise_unread"]

#: slugs to a request (as adoption.py asks)
CHUNK = 100

#: what looking a slug up found: the post (``context=edit``), or None
LookedUp = Mapping[tuple[str, str], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Unread:
    """What :func:`recognise_unread` found: ``entries``, the files linked to their post
    as they are now; ``expected``, for ``References.expect``; ``looked_up``, every
    (type, slug) asked, with the post found (adoption.py need not ask again);
    ``empty``, the types WordPress said held no post at all (any status, trash
    included) before the files were read: none of their slugs is looked up."""

    entries: Mapping[str, Entry] = field(default_factory=dict)
    expected: tuple[tuple[Pushed, frozenset[str], str], ...] = ()
    looked_up: LookedUp = field(default_factory=dict)
    empty: frozenset[str] = frozenset()

    def verified(self, recognised: Mapping[str, Pushed]) -> list[Entry]:
        """The entries whose inputs references.py found unchanged."""
        return [entry for rel, entry in self.entries.items() if rel in recognised]


@dataclass(frozen=True)
class _Read:
    rel: str
    stat: Stat
    source_hash: str


def recognise_unread(
    files: Iterable[tuple[str, Stat]],
    entries: Mapping[str, Entry],
    pending: Iterable[str],
    settings: ReadSettings,
    client: Callable[[], WordPressClient],
    concurrency: int,
) -> Unread:
    """See the module docstring.  ``files``: the run's files; those ``entries`` link or
    a journalled create names (``pending``: recovery.py's) are not looked at.  Asks
    nothing (and opens no client) when every file is linked."""
    journalled = set(pending)
    # (``entries`` may be read by key: a run over a few files asks for theirs alone)
    todo = [(rel, stat) for rel, stat in files if rel not in journalled and rel not in entries]
    if not todo:
        return Unread()
    if len(todo) >= FEW_FILES and not _site_has_posts(client, settings):
        # Nothing here can have been published before (a first publish to a new site):
        # the files are read once, by the run, not twice, and no slug of a post or page
        # is looked up (ten requests of a thousand files, each WordPress CPU taken from
        # the creates).  A custom type's posts are still recognised after reading
        # (adoption.py).
        return Unread(empty=EMPTY_SITE)
    # The look-ups leave as soon as 100 slugs of a type are known: WordPress answers
    # while the rest of the folder is read.
    with ThreadPoolExecutor(
        max_workers=max(1, concurrency), thread_name_prefix="wpsync-recognise"
    ) as pool:
        jobs: list[Future[tuple[dict[tuple[str, str], dict[str, Any]], set[str]]]] = []
        # opened once, in a worker (``client`` opens a client on each first call it sees)
        opened: list[Future[WordPressClient]] = []

        def ask(rest_base: str, slugs: list[str]) -> None:
            if not opened:
                opened.append(pool.submit(client))
            jobs.append(pool.submit(look_up, opened[0].result, {rest_base: slugs}, 1))

        wanted = _placed(todo, settings, ask)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        refused: set[str] = set()
        for job in jobs:
            answer, refusing = job.result()
            found.update(answer)
            refused |= refusing
    if not wanted:
        return Unread()
    taken = {(e.rest_base, e.post_id) for e in entries.values()}
    linked: dict[str, Entry] = {}
    expected: list[tuple[Pushed, frozenset[str], str]] = []
    for (rest_base, slug), askers in sorted(wanted.items()):
        raw = found.get((rest_base, slug))
        if raw is None or len(askers) != 1:
            continue  # a new file, or a slug asked twice: adoption.py's
        read = askers[0]
        key = (rest_base, int(raw["id"]))
        fingerprint, _ = read_fingerprint(raw_text(raw, "content"))
        if (
            fingerprint is None
            or not fingerprint.source
            or fingerprint.rel != read.rel
            or fingerprint.source != source_digest(read.source_hash)
            or key in taken
            or recognition(read.rel, raw).verdict != "ours"
        ):
            continue
        taken.add(key)
        linked[read.rel] = Entry(
            rel=read.rel,
            rest_base=rest_base,
            post_id=key[1],
            slug=unquote(str(raw.get("slug") or "")),
            source_hash=read.source_hash,
            payload_hash=fingerprint.payload_hash,
            modified_gmt=str(raw.get("modified_gmt") or ""),
            link=str(raw.get("link") or ""),
            stored=stored_digest(raw),
            size=read.stat.size,
            mtime_ns=read.stat.mtime_ns,
        )
        status = str(raw.get("status") or "")
        fields: RestBody = {
            "title": raw_text(raw, "title"),
            "content": raw_text(raw, "content"),
            "status": status,
        }
        pushed = Pushed(read.rel, status, {}, pushed_fields(fields))
        expected.append((pushed, fingerprint.input_keys(), fingerprint.inputs))
    if linked:
        logger.info(
            "no state for %d file(s): %d recognised by their bytes as published from this folder",
            len(todo),
            len(linked),
        )
    looked_up = {key: found.get(key) for key in wanted if key[0] not in refused}
    return Unread(linked, tuple(expected), looked_up)


#: From this many unlinked files on, a site without a single post or page is asked
#: about first (two requests of one item), to spare reading a first publish twice.
FEW_FILES = 64


#: the types :func:`_site_has_posts` counts
EMPTY_SITE = frozenset({"posts", "pages"})


def _site_has_posts(client: Callable[[], WordPressClient], settings: ReadSettings) -> bool:
    """Whether WordPress holds any post or page (any status); True when it will not say.
    While WordPress counts, the reading's imports are done here (``readpool.warm``): on
    a first publish, the read pool forks right after."""
    from wpsync.engine.readpool import warm

    try:
        wp = client()
        # both at once (one round trip, not two); the threads end before the read pool
        # forks (readpool.py forks only from a process with one thread)
        with ThreadPoolExecutor(len(EMPTY_SITE), thread_name_prefix="wpsync-count") as pool:
            counts = pool.map(lambda rest_base: wp.count_posts(rest_base).total, EMPTY_SITE)
            warm(settings.markdown, False, parser=True)
            return any(list(counts))
    except RemoteError as exc:
        logger.debug("cannot count the site's posts (%s): looking the files up", exc)
        return True


def _placed(
    todo: Iterable[tuple[str, Stat]],
    settings: ReadSettings,
    ask: Callable[[str, list[str]], None],
) -> dict[tuple[str, str], list[_Read]]:
    """Each readable file's (type, slug) from its path and front matter; a file that
    cannot be read or placed is left to the reader, which says why.  ``ask(type,
    slugs)`` is called for every 100 new slugs of a type, and for the rest at the end."""
    from pathlib import Path

    from wpsync.source.content import read_document
    from wpsync.source.mapping import MappingDefaults, placed
    from wpsync.source.site import Site

    root = Path(settings.root)
    real_root = os.path.realpath(root)  # (resolved once: each file is still resolved whole)
    site = Site(root)
    defaults = MappingDefaults(
        settings.default_type,
        settings.default_status,
        settings.markdown,
        settings.dialect,
        settings.vault,
    )
    wanted: dict[tuple[str, str], list[_Read]] = {}
    new: dict[str, list[str]] = {}  # slugs not asked yet, by type
    for rel, stat in todo:
        try:
            doc = read_document(root, rel, max_bytes=settings.max_bytes, real_root=real_root)
            key = placed(doc, defaults, site)
        except Exception as exc:  # only a hint: the reader reads it and says what is wrong
            logger.debug("%s: not placed before reading: %s", rel, exc)
            continue
        if key not in wanted:
            waiting = new.setdefault(key[0], [])
            waiting.append(key[1])
            if len(waiting) == CHUNK:
                ask(key[0], new.pop(key[0]))
        wanted.setdefault(key, []).append(_Read(rel, stat, doc.source_hash))
    for rest_base, slugs in new.items():
        ask(rest_base, slugs)
    return wanted
