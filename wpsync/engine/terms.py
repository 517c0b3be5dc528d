"""Taxonomy terms as WordPress lists them: a :data:`TermTable` (term ID → name and parent
ID) and a term's path of names from the top (``("Guides", "Python")``: the category
``Guides/Python``), the form the front matter and the resolver use.

For ``plan --diff`` (preview.py), ``pull`` and ``state rebuild``, which read the terms of
posts WordPress holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient

#: the terms of one taxonomy: id → (name, parent id; 0 at the top)
TermTable = Mapping[int, tuple[str, int]]


def term_path(table: TermTable, term_id: int) -> tuple[str, ...]:
    """``("Guides", "Python")`` for a child category (guarding against parent loops);
    ``()`` for a term not in ``table``."""
    path: list[str] = []
    seen: set[int] = set()
    current = term_id
    while current and current in table and current not in seen:
        seen.add(current)
        name, parent = table[current]
        path.append(name)
        current = parent
    return tuple(reversed(path))


def fetch_terms(
    client: WordPressClient, taxonomy: str, ids: Iterable[int], known: dict[int, tuple[str, int]]
) -> None:
    """Add to ``known`` the terms ``ids`` it lacks and their ancestors (so that each one's
    :func:`term_path` is whole), a request per generation."""
    missing = sorted({i for i in ids if i not in known})
    while missing:
        found = client.list_terms(taxonomy, missing)
        known.update(found)
        missing = sorted({parent for _, parent in found.values() if parent and parent not in known})
