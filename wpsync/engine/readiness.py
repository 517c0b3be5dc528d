"""For ``wpsync doctor``: which files of the folder the next sync would refuse for the
user's rights, and which front-matter authors name no user — the same rules as the run
(permissions.py), without planning or writing anything.

The files looked at are those a sync would send: all of them on a first sync, else the
ones changed since the state's record (the state is only read, and only if it exists).
What only WordPress can tell (a post changed there, a custom type's rules) is the
run's to find out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from wpsync.engine.items import Changed
from wpsync.engine.permissions import category_paths, gate, set_aside
from wpsync.engine.plan import Action, Create, Fail
from wpsync.engine.reading import Reader
from wpsync.engine.references import media_refs
from wpsync.store.state import STATE_FILE, StateStore

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.model import Entry, MediaEntry
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.doctor.report import DoctorReport
    from wpsync.wordpress.rights import Rights


@dataclass(frozen=True)
class Readiness:
    """``to_send``: files a sync would send; ``refused``: (path, why) of those the user
    may not send; ``unknown_authors``: (name, posts); ``author_warnings``: every warning
    about authors (unknown, or not settable by this user)."""

    to_send: int
    refused: tuple[tuple[str, str], ...]
    unknown_authors: tuple[tuple[str, int], ...]
    author_warnings: tuple[str, ...]


def readiness(config: Config, client: WordPressClient, rights: Rights) -> Readiness:
    """What the next sync of the whole folder would be refused, as far as can be told."""
    entries: Mapping[str, Entry] = {}
    media: Mapping[str, MediaEntry] = {}
    media_files: dict[str, str] = {}
    reader = Reader(config.content)
    if (config.state.path / STATE_FILE).exists():
        with StateStore.open(config.state.path, config.site.url, create=False) as state:
            entries = state.entries()
            media = state.media()
            items = _to_send(reader, entries)
            for ref in {r.rel for i in items for r in media_refs(i.payload)}:
                known = state.media_file(ref)
                if known is not None:
                    media_files[ref] = known[2]
    else:
        items = _to_send(reader, entries)
    _, _, refused = set_aside(items, {}, rights.type_refusal, rights)
    set_apart = {a.rel for a in refused}
    actions: list[Action] = [
        Create(i.rel, i.stat, i.source_hash, i.payload, i.payload_hash)
        for i in items
        if i.rel not in set_apart
    ]
    gated = gate(
        actions,
        rights,
        authors_map=config.authors,
        me=f"'{config.site.username}'",
        find_user=client.find_user,
        categories=lambda: category_paths(client.list_terms("categories")),
        uploaded=lambda rel: media_files.get(rel) in media,
    )
    failed = [a for a in (*refused, *gated.actions) if isinstance(a, Fail)]
    return Readiness(
        to_send=len(items),
        refused=tuple(sorted((f.rel, f.error.reason) for f in failed)),
        unknown_authors=gated.unknown_authors,
        author_warnings=gated.warnings,
    )


def _to_send(reader: Reader, entries: Mapping[str, Entry]) -> list[Changed]:
    """The files whose post a sync would write: new, or changed in what is sent."""
    scope = reader.scope(None)
    out = []
    for item in reader.read(scope.files, entries):
        entry = entries.get(item.rel)
        if isinstance(item, Changed) and (entry is None or entry.payload_hash != item.payload_hash):
            out.append(item)
    return out


def with_folder_checks(config: Config, report: DoctorReport) -> DoctorReport:
    """``report`` with two more checks once the user could sign in: ``files`` (which
    files the next sync would refuse for the user's rights) and ``authors`` (front-matter
    authors that name no user, or that this user may not set)."""
    from wpsync.config import resolve_password
    from wpsync.errors import WpsyncError
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.doctor.report import FAIL, OK, SKIP, WARN, make_check

    if any(c.status == FAIL for c in report.checks):
        return report  # doctor has said "not checked: fix … first" for these two
    base = tuple(c for c in report.checks if c.name not in ("files", "authors"))
    if not config.content.dir.is_dir():
        missing = make_check(
            "files",
            FAIL,
            f"content folder {config.content.dir} does not exist",
            "check [content] dir in config.toml (is the folder mounted?)",
        )
        skipped = make_check("authors", SKIP, "not checked: no content folder")
        return replace(report, checks=(*base, missing, skipped))
    try:
        # no token cache: doctor writes nothing to disk
        password = resolve_password(config.site)
        with WordPressClient(config.site, password, token_cache=None) as client:
            rights = client.rights()
            found = readiness(config, client, rights)
    except WpsyncError as exc:
        why = f"not checked: {exc}"
        checks = [make_check("files", SKIP, why), make_check("authors", SKIP, why)]
        return replace(report, checks=(*base, *checks))
    who = f"{config.site.username!r}"
    sending = f"{found.to_send} file{'' if found.to_send == 1 else 's'} to send"
    if found.refused:
        files = make_check(
            "files",
            FAIL,
            f"{len(found.refused)} of {sending} would fail: {who} may not do what they need "
            "(the rest would sync)",
            "\n".join(f"{rel}: {why}" for rel, why in found.refused),
            code="permission_denied",
        )
    else:
        files = make_check(
            "files",
            OK,
            f"{sending}: none needs a right {who} lacks" if found.to_send else "nothing to send",
        )
    if found.author_warnings:
        authors = make_check(
            "authors",
            WARN,
            f"{len(found.author_warnings)} front-matter author"
            + ("s are" if len(found.author_warnings) > 1 else " is")
            + f" not set: those posts go out as {who}",
            "\n".join(found.author_warnings),
        )
    else:
        authors = make_check("authors", OK, "every front-matter author is a user of the site")
    facts = {
        **report.facts,
        "refused_files": [f"{rel}: {why}" for rel, why in found.refused],
        "unknown_authors": [name for name, _ in found.unknown_authors],
    }
    return replace(report, checks=(*base, files, authors), facts=facts)
