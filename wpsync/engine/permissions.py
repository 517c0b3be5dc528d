"""What the run's user may not do, settled before anything is sent: those files fail
alone, naming the capability (``sync``, ``plan`` and ``doctor`` share this).  And the
front-matter authors, resolved to users once per run.

:func:`gate` takes the planned writes and the user's :class:`~wpsync.wordpress.rights.Rights`
and returns the actions with each refused write turned into a :class:`Fail`, plus the
author of each name.  It asks WordPress only what it must: the users the front matter
names (once per name), and the categories when the user may not create them (one
listing).  Without rights (``/users/me`` did not answer) nothing is refused ahead:
WordPress refuses what it refuses, file by file.

Authors: a name is looked up through ``[authors]`` first (a login or a user ID), else as
a login, nicename or display name.  A name that names no user, and a user the run's user
may not publish as (``edit_others_posts``), leave the post's author to WordPress (the
configured user for a new post, unchanged for an update) with one warning per name.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from wpsync.engine.items import Changed, LocalItem
from wpsync.engine.plan import Action, Create, Fail, Update
from wpsync.engine.references import media_refs
from wpsync.errors import PermissionDenied, RemoteError, TransportError
from wpsync.model import Entry, PostPayload
from wpsync.wordpress.rights import Refusal, Rights, phrase, term_refusal, upload_refusal

logger = logging.getLogger(__name__)

Local = TypeVar("Local", bound=LocalItem)

#: The ID each front-matter author name is sent as; None: leave the author to WordPress.
Authors = Mapping[str, int | None]


@dataclass(frozen=True)
class Gated:
    """The actions after the gate, the author of each name, and what to tell the user."""

    actions: tuple[Action, ...]
    authors: Authors = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    #: front-matter author names that name no user of the site, with their post counts
    unknown_authors: tuple[tuple[str, int], ...] = ()


def denied(rel: str, refusal: Refusal, rights: Rights | None) -> PermissionDenied:
    """The error a file fails with for ``refusal``."""
    return PermissionDenied(
        rel, f"{phrase(refusal, rights)} — {refusal.hint}", capability=refusal.capability
    )


def gate(
    actions: Sequence[Action],
    rights: Rights | None,
    *,
    authors_map: Mapping[str, str | int],
    me: str,
    find_user: Callable[[str], int | None],
    categories: Callable[[], Iterable[tuple[str, ...]]],
    uploaded: Callable[[str], bool],
) -> Gated:
    """``me``: how the configured user is named in warnings.  ``find_user(login)``: a
    user's ID (None if unknown).  ``categories()``: the paths of the site's categories
    (asked only if the user may not create categories).  ``uploaded(rel)``: whether the
    image at ``rel`` is already in the site's media library."""
    writes = [a for a in actions if isinstance(a, Create | Update)]
    refused: dict[str, PermissionDenied] = {}
    if rights is not None:
        existing: set[tuple[str, ...]] | None = None
        for action in writes:
            payload = action.payload
            found = rights.refusals(payload)
            if payload.categories and rights.may_create_terms("categories") is False:
                if existing is None:
                    existing = {_folded(p) for p in categories()}
                for path in payload.categories:
                    missing = next(
                        (
                            path[:n]
                            for n in range(1, len(path) + 1)
                            if _folded(path[:n]) not in existing
                        ),
                        None,
                    )
                    if missing is not None:
                        found.append(term_refusal("categories", "/".join(missing)))
                        break
            if not rights.may("upload_files"):
                new = {ref.rel for ref in media_refs(payload) if not uploaded(ref.rel)}
                if new:
                    found.append(upload_refusal(len(new)))
            if found:
                refused[action.rel] = _joined(action.rel, found, rights)
    kept = [a for a in writes if a.rel not in refused]
    authors, warnings, unknown = _authors(
        [a.payload for a in kept], rights, authors_map, me, find_user
    )
    out: list[Action] = [Fail(a.rel, refused[a.rel]) if a.rel in refused else a for a in actions]
    return Gated(tuple(out), authors, tuple(warnings), tuple(unknown))


def _joined(rel: str, refusals: Sequence[Refusal], rights: Rights) -> PermissionDenied:
    if len(refusals) == 1:
        return denied(rel, refusals[0], rights)
    first = denied(rel, refusals[0], rights)
    more = "; ".join(r.message for r in refusals[1:])
    return PermissionDenied(
        rel, f"{first.reason}; it also {more}", capability=refusals[0].capability
    )


def _folded(path: Sequence[str]) -> tuple[str, ...]:
    return tuple(" ".join(name.split()).casefold() for name in path)


def _authors(
    payloads: Sequence[PostPayload],
    rights: Rights | None,
    authors_map: Mapping[str, str | int],
    me: str,
    find_user: Callable[[str], int | None],
) -> tuple[dict[str, int | None], list[str], list[tuple[str, int]]]:
    counts = Counter(p.author for p in payloads if p.author)
    resolved: dict[str, int | None] = {}
    warnings: list[str] = []
    unknown: list[tuple[str, int]] = []
    folded_map = {k.casefold(): v for k, v in authors_map.items()}
    for name in sorted(counts):
        posts = f"{counts[name]} post" + ("" if counts[name] == 1 else "s")
        target = authors_map.get(name, folded_map.get(name.casefold()))
        user_id = _user_id(name, target, rights, find_user)
        if user_id is None:
            resolved[name] = None
            if target is not None:
                warnings.append(
                    f"author '{name}' ({posts}): [authors] maps it to '{target}', which is "
                    f"not a user of the site that your user can see; published as {me}"
                )
            else:
                unknown.append((name, counts[name]))
                seen = (
                    " (without list_users your user sees only the users who have published "
                    "something: map the name to a user ID)"
                    if rights is not None and not rights.may("list_users")
                    else ""
                )
                warnings.append(
                    f"author '{name}' ({posts}) is not a user of the site: published as "
                    f"{me}; map the name to a user under [authors] in config.toml{seen}"
                )
        elif (
            rights is not None
            and user_id != rights.user_id
            and not rights.may_post_as_others("posts")
        ):
            resolved[name] = None
            warnings.append(
                f"author '{name}' ({posts}) not set: your user {rights.who} may not publish "
                f"as another user (edit_others_posts); published as {me}"
            )
        else:
            resolved[name] = user_id
    return resolved, warnings, unknown


def _user_id(
    name: str,
    target: str | int | None,
    rights: Rights | None,
    find_user: Callable[[str], int | None],
) -> int | None:
    if isinstance(target, int):
        return target
    login = target if target is not None else name
    if rights is not None and rights.is_me(login):
        return rights.user_id
    try:
        return find_user(login)
    except TransportError:
        raise
    except RemoteError as exc:
        logger.debug("cannot look up the user %r: %s", login, exc)
        return None


def set_aside(
    local: Sequence[Local],
    entries: Mapping[str, Entry],
    refusal: Callable[[str], Refusal | None],
    rights: Rights | None,
) -> tuple[list[Local], dict[str, Entry], list[Action]]:
    """The changed files of a type the user may not touch (``refusal(rest_base)``), taken
    out of the plan (their entries too: a refused file is not a deleted one) as failures."""
    kept: list[Local] = []
    fails: list[Action] = []
    out = dict(entries)
    for item in local:
        found = refusal(item.payload.rest_base) if isinstance(item, Changed) else None
        if found is None:
            kept.append(item)
            continue
        fails.append(Fail(item.rel, denied(item.rel, found, rights)))
        out.pop(item.rel, None)
    return kept, out, fails


def category_paths(terms: Mapping[int, tuple[str, int]]) -> list[tuple[str, ...]]:
    """Every category's path of names (``Parent/Child``) from ``{id: (name, parent)}``."""

    def path(term_id: int, seen: frozenset[int] = frozenset()) -> tuple[str, ...]:
        name, parent = terms[term_id]
        if parent in terms and parent not in seen:
            return (*path(parent, seen | {term_id}), name)
        return (name,)

    return [path(term_id) for term_id in terms]
