"""Links between Markdown files: ``[setup](../guides/setup.md#install)`` → the permalink of
the post that ``guides/setup.md`` became, with the ``#install`` anchor kept.  Pure.

A link resolves only to a post readers can open: one WordPress has *published*.  A link
to a file that does not exist, failed to publish, or whose post is a draft, pending,
private or scheduled stays as written and is reported, naming both files; once the
target is published the linking post is updated (the state remembers which URL each
post was rendered with, see ``references.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from wpsync.model import Entry

__all__ = ["PUBLIC_STATUSES", "LinkTargets"]

#: statuses whose permalink anyone can open
PUBLIC_STATUSES = frozenset({"publish"})


@dataclass(frozen=True)
class LinkTargets:
    """Where links to each source file go, as far as the state knows.

    ``statuses``: the status WordPress gave each file's post (a missing one is taken as
    published: state files older than schema 2 did not record it).  ``gone``: files
    deleted in this run.  ``failed``: files that failed in this run, with the error.
    ``exists``: whether a file is on disk (for the message about an unknown target).
    """

    entries: Mapping[str, Entry]
    statuses: Mapping[str, str] = field(default_factory=dict)
    gone: Collection[str] = frozenset()
    failed: Mapping[str, str] = field(default_factory=dict)
    exists: Callable[[str], bool] = lambda rel: False

    def url(self, rel: str) -> str:
        """The URL to link ``rel`` with, or ``""`` when it is not a published post."""
        entry = self.entries.get(rel)
        if entry is None or rel in self.gone:
            return ""
        status = self.statuses.get(rel) or "publish"
        return entry.link if status in PUBLIC_STATUSES else ""

    def why_not(self, rel: str) -> str:
        """Why ``rel`` has no URL, completing "… links to <rel>, which …"."""
        if rel in self.gone:
            return "was deleted"
        entry = self.entries.get(rel)
        if entry is not None:
            status = self.statuses.get(rel) or "publish"
            if status == "future":
                return "is scheduled and not published yet"
            if status not in PUBLIC_STATUSES:
                return f"is not published (status {status})"
            return "has no known URL"
        if rel in self.failed:
            return "failed to publish"
        if self.exists(rel):
            return "is not published yet"
        return "does not exist"

    def resolve(self, links: Iterable[str]) -> dict[str, str]:
        """``{rel: url}`` for the links that resolve (the argument of ``rewrite_urls``)."""
        out: dict[str, str] = {}
        for rel in links:
            url = self.url(rel)
            if url:
                out[rel] = url
        return out

    def warnings(self, source: str, links: Iterable[str]) -> list[str]:
        """One line per link of ``source`` that does not resolve, naming both files."""
        return [
            f"{source}: links to {rel}, which {self.why_not(rel)}; the link is left as written"
            for rel in links
            if not self.url(rel)
        ]
