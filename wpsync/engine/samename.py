"""Files with the same name in different folders: which slug each one gets.  Pure.

A slug is derived from the file name, so ``about/introduction.md`` and
``templates/introduction.md`` both want ``introduction``.  WordPress keeps a slug unique
among the posts of a type, and among the pages *of one parent*; it would quietly make the
second ``introduction-2``.  So, before planning:

- pages under different parents keep their slug (``/about/introduction/`` and
  ``/templates/introduction/``);
- otherwise one file keeps the slug and the others get the nearest folder in front of it
  (``templates-introduction``; then two folders, ``guide-templates-introduction``; then
  ``introduction-2``…), with a warning;
- which one keeps it does not depend on the order the files were found in: a file whose
  post already has the slug (or the folder-prefixed one it was given) keeps it — adding a
  third ``introduction.md`` never renames a published post — then a slug written in
  front matter, then the file nearest the top of the folder, then the first by path;
- two files whose front matter asks for one slug: the second fails, as before.

Scopes: ``""`` for posts and top-level pages, else what names the parent page (the rel of
its file, or ``slug:<slug>`` for a ``parent:`` that is no file of the folder).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from wpsync.engine.items import Broken, Changed
from wpsync.errors import DocumentError
from wpsync.model import Entry, PostPayload, Pushed
from wpsync.source.slugs import MAX_SLUG, slugify

__all__ = [
    "Claim",
    "Given",
    "SlugBook",
    "candidates",
    "claim_for",
    "entry_scope",
    "first_by_slug",
    "fixed_slugs",
    "with_slug",
]

#: (rest base, scope, slug)
Key = tuple[str, str, str]


@dataclass(frozen=True)
class Claim:
    """A file asking for a slug.  ``held``: the slug its post has now (None: no post)."""

    rel: str
    rest_base: str
    scope: str
    slug: str
    explicit: bool = False
    held: str | None = None


@dataclass(frozen=True)
class Given:
    """The slug a file gets; ``warning`` when it is not the one it asked for, ``error``
    when it cannot have one (its front matter asks for a slug another file has)."""

    slug: str
    warning: str = ""
    error: str = ""


def candidates(rel: str, slug: str) -> list[str]:
    """The slugs a file gets when another has its own: its folders in front, nearest
    first (an index or README, named after its folder, starts one folder higher)."""
    folders = rel.split("/")[:-1]
    stem = posixpath.basename(rel).rsplit(".", 1)[0].lower()
    if stem in ("index", "_index", "readme") and folders:
        folders = folders[:-1]
    out: list[str] = []
    for depth in range(1, len(folders) + 1):
        prefix = slugify("-".join(folders[-depth:]))
        if prefix:
            out.append(f"{prefix}-{slug}"[:MAX_SLUG].rstrip("-"))
    return out


def _numbered(slug: str, held: str) -> bool:
    return re.fullmatch(re.escape(slug) + r"-[0-9]+", held) is not None


def _acceptable(claim: Claim) -> bool:
    """Whether the file may keep the slug its post has."""
    held = claim.held
    if held is None:
        return False
    if held == claim.slug:
        return True
    if claim.explicit:
        return False
    if held in candidates(claim.rel, claim.slug) or _numbered(claim.slug, held):
        return True
    # a README published before READMEs were their folder's page kept its "readme" slug
    return held == "readme" and posixpath.basename(claim.rel).lower().startswith("readme.")


class SlugBook:
    """The slugs of one run: those of posts not being sent (``fixed``), then those given.

    Instead of every fixed slug up front, ``holders(rest_base, scope, slug)`` may name
    the published files holding one key when a claim asks for it (a run over a few files
    of a big folder reads only those); the files in ``skip`` (being sent, gone) are not
    counted as holders.  Either way the first holder by path owns the key until it is
    claimed again."""

    def __init__(
        self,
        fixed: Iterable[tuple[Key, str]] = (),
        *,
        holders: Callable[[str, str, str], Iterable[str]] | None = None,
        skip: Collection[str] = (),
    ) -> None:
        self._taken: dict[Key, str] = {}
        self._owned: dict[str, list[Key]] = {}
        for key, rel in sorted(fixed, key=lambda kv: kv[1]):
            if key not in self._taken:
                self._take(key, rel)
        self._given: dict[str, Given] = {}
        self._holders = holders
        self._skip = skip
        self._first: dict[Key, str | None] = {}  # the first holder of a key asked
        self._claimed: set[str] = set()

    def given(self, rel: str) -> Given | None:
        return self._given.get(rel)

    def settle(self, claims: Iterable[Claim]) -> Mapping[str, Given]:
        """Give every claim its slug, in an order independent of the claims' order."""
        todo = [c for c in claims if c.rel not in self._given]
        for claim in todo:
            self._release(claim.rel)
            self._claimed.add(claim.rel)
        rest: list[Claim] = []
        for claim in sorted(todo, key=lambda c: c.rel):
            if _acceptable(claim) and claim.held is not None and self._free(claim, claim.held):
                self._give(claim, Given(claim.held))
            else:
                rest.append(claim)
        for claim in sorted(rest, key=lambda c: (not c.explicit, c.rel.count("/"), c.rel)):
            self._give(claim, self._choose(claim))
        return {c.rel: self._given[c.rel] for c in todo}

    def one(self, claim: Claim) -> Given:
        """The slug of one more file (read again after the others were settled)."""
        given = self._given.get(claim.rel)
        if given is not None:
            return given
        return self.settle([claim])[claim.rel]

    # ------------------------------------------------------------ helpers

    def _take(self, key: Key, rel: str) -> None:
        self._taken[key] = rel
        self._owned.setdefault(rel, []).append(key)

    def _release(self, rel: str) -> None:
        for key in self._owned.pop(rel, ()):
            if self._taken.get(key) == rel:
                del self._taken[key]

    def _owner(self, key: Key) -> str | None:
        owner = self._taken.get(key)
        if owner is not None or self._holders is None:
            return owner
        if key not in self._first:
            held = sorted(rel for rel in self._holders(*key) if rel not in self._skip)
            self._first[key] = held[0] if held else None
        first = self._first[key]
        return None if first is None or first in self._claimed else first

    def _free(self, claim: Claim, slug: str) -> bool:
        return self._owner((claim.rest_base, claim.scope, slug)) is None

    def _give(self, claim: Claim, given: Given) -> None:
        self._given[claim.rel] = given
        if not given.error:
            self._take((claim.rest_base, claim.scope, given.slug), claim.rel)

    def _choose(self, claim: Claim) -> Given:
        slug = claim.slug
        if self._free(claim, slug):
            return Given(slug)
        owner = self._owner((claim.rest_base, claim.scope, slug))
        if claim.explicit:
            return Given(slug, error=f"slug '{slug}' is also used by {owner}")
        options = [*candidates(claim.rel, slug), *(f"{slug}-{n}" for n in range(2, 1000))]
        chosen = next(s for s in options if self._free(claim, s))
        return Given(
            chosen,
            warning=f"slug '{chosen}': '{slug}' is already {owner}'s "
            "(set `slug:` in the front matter to choose another)",
        )


def with_slug(item: Changed, given: Given) -> Changed | Broken:
    """``item`` with the slug it was given (failed when it could have none)."""
    if given.error:
        hint = "give one of them a different `slug:` in its front matter"
        return Broken(item.rel, DocumentError(item.rel, given.error, hint=hint))
    if given.slug == item.payload.slug:
        return item
    return dataclasses.replace(item, payload=dataclasses.replace(item.payload, slug=given.slug))


def claim_for(
    payload: PostPayload,
    entry: Entry | None,
    folder_parent: str | None,
    page_of_slug: Mapping[str, str],
) -> Claim:
    """What a file asks for: its slug in its scope (for a page, the file of its parent:
    ``folder_parent`` when the front matter names none, else the page of that slug)."""
    scope = ""
    if payload.rest_base == "pages":
        if payload.parent is None:
            scope = folder_parent or ""
        elif payload.parent:
            scope = page_of_slug.get(payload.parent, f"slug:{payload.parent}")
    held = entry.slug if entry is not None and entry.rest_base == payload.rest_base else None
    return Claim(payload.rel, payload.rest_base, scope, payload.slug, payload.slug_explicit, held)


def fixed_slugs(
    entries: Mapping[str, Entry],
    pushed: Mapping[str, Pushed],
    *,
    skip: Collection[str],
    key: str,
) -> list[tuple[Key, str]]:
    """The slugs of the published files not being sent (not in ``skip``), in their
    scopes; ``key``: the input recording the parent page a page was given."""
    rel_of_id = {e.post_id: r for r, e in entries.items() if e.rest_base == "pages"}
    fixed = []
    for rel, entry in entries.items():
        if rel in skip:
            continue
        scope = ""
        if entry.rest_base == "pages":
            record = pushed.get(rel)
            parent_page = record.inputs.get(key) if record is not None else None
            # the fields (read from the state when used) only for a page without one
            parent_id = (
                record.fields.get("parent") if record is not None and parent_page is None else None
            )
            scope = entry_scope(entry.rest_base, parent_page, parent_id, rel_of_id)
        fixed.append(((entry.rest_base, scope, entry.slug), rel))
    return fixed


def entry_scope(
    rest_base: str,
    parent_page: str | None,
    parent_id: object,
    rel_of_id: Mapping[int, str],
) -> str:
    """The scope of a published post: ``parent_page`` (the folder page it was made a
    child of, recorded with it) or the rel of the page its ``parent`` ID names."""
    if rest_base != "pages":
        return ""
    if parent_page is not None:
        return parent_page
    if isinstance(parent_id, int) and parent_id:
        return rel_of_id.get(parent_id, f"id:{parent_id}")
    return ""


def first_by_slug(page_slugs: Mapping[str, str]) -> dict[str, str]:
    """slug → the first page (by path) that has it (what a ``parent:`` slug names)."""
    out: dict[str, str] = {}
    for rel, slug in sorted(page_slugs.items()):
        out.setdefault(slug, rel)
    return out
