"""The report of a sync run: one :class:`FileResult` per file, gathered in a
:class:`SyncReport` (what ``wpsync sync`` prints, ``--json`` included).

A file's outcome is a :data:`FileAction`, the past tense of what was done ("created"),
where the planner's actions are classes (:class:`~wpsync.engine.plan.Create`) and the
``plan`` preview's lines are verbs ("create", :data:`wpsync.engine.preview.PlanVerb`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    from wpsync.engine.plan import Action
    from wpsync.source.discovery import Skipped

#: what happened to a file in a run (a dry run: what would happen)
FileAction = Literal["created", "updated", "unchanged", "deleted", "conflict", "failed"]


@dataclass(frozen=True)
class Phase:
    """A step of a run before its files' outcomes, in words, for a display to show
    ("reading 300 files…", "waiting for the lock held by pid 4242…")."""

    what: str
    #: the run is held up by something outside it (another process's lock): worth a
    #: line even where no display is drawn
    waiting: bool = False
    #: this step may fork worker processes (readpool.py): a display must not run a thread
    #: of its own meanwhile (it would make the step read in this process, more slowly)
    forks: bool = False


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    action: FileAction
    id: int | None = None
    error: str | None = None
    detail: str | None = None
    link: str | None = None
    #: failed for want of an answer from WordPress (down, slow, or we were stopping):
    #: worth sending again later, unlike a refused request or a broken file
    transient: bool = False
    #: what to do about a failure, when known ("fix the YAML…", "add the image…")
    hint: str | None = None

    @classmethod
    def unchanged(cls, path: str, post_id: int | None, link: str | None) -> FileResult:
        """``FileResult(path, "unchanged", post_id, link=link)``, made without the frozen
        dataclass's ``__init__`` (a folder at rest reports ten thousand of them: a third
        of the time), its slots set directly; every other field is its default."""
        result = _new(cls)
        _path(result, path)
        _action(result, "unchanged")
        _id(result, post_id)
        _error(result, None)
        _detail(result, None)
        _link(result, link)
        _transient(result, False)
        _hint(result, None)
        return result

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "action": self.action,
            "id": self.id,
            "error": self.error,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.link:
            out["link"] = self.link
        if self.hint:
            out["hint"] = self.hint
        return out


class AtRest(Sequence[FileResult]):
    """The results of a folder at rest (engine/run.py): every file unchanged, from its
    (file, post ID, permalink) row — each :class:`FileResult` made when asked: a caller
    that only counts them (``wpsync sync`` without ``-v`` or ``--json``) makes none."""

    __slots__ = ("_rows",)

    def __init__(self, rows: Sequence[tuple[str, int, str]]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> FileResult: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[FileResult]: ...

    def __getitem__(self, index: int | slice) -> FileResult | Sequence[FileResult]:
        if isinstance(index, slice):
            return tuple(_unchanged(row) for row in self._rows[index])
        return _unchanged(self._rows[index])

    def __iter__(self) -> Iterator[FileResult]:
        return map(_unchanged, self._rows)


def _unchanged(row: tuple[str, int, str]) -> FileResult:
    rel, post_id, link = row
    return FileResult.unchanged(rel, post_id, link or None)


@dataclass(frozen=True)
class SyncReport:
    #: in the order of the files (a folder at rest's: :class:`AtRest`)
    files: Sequence[FileResult]
    dry_run: bool = False
    requests: int = 0
    warnings: tuple[str, ...] = ()
    #: front-matter author names that name no user of the site, with their post counts
    unknown_authors: tuple[tuple[str, int], ...] = ()
    #: Markdown files and folders of the run's scope that are not content, and why
    skipped: tuple[Skipped, ...] = ()

    def count(self, action: FileAction) -> int:
        return self._tally().get(action, 0)

    def _tally(self) -> Mapping[str, int]:
        if isinstance(self.files, AtRest):  # counted without a result made
            return {"unchanged": len(self.files)}
        tally: dict[str, int] = {}
        for f in self.files:
            tally[f.action] = tally.get(f.action, 0) + 1
        return tally

    @property
    def exit_code(self) -> int:
        tally = self._tally()
        return 1 if tally.get("failed") or tally.get("conflict") else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "deleted": self.count("deleted"),
            "conflicts": self.count("conflict"),
            "failed": self.count("failed"),
            "dry_run": self.dry_run,
            "requests": self.requests,
            "warnings": list(self.warnings),
            "unknown_authors": dict(self.unknown_authors),
            "files": [f.to_json() for f in self.files],
        }


#: the slots of :class:`FileResult`, set by :meth:`FileResult.unchanged`
_new = object.__new__
_FIELDS = ("path", "action", "id", "error", "detail", "link", "transient", "hint")
_path, _action, _id, _error, _detail, _link, _transient, _hint = (
    FileResult.__dict__[name].__set__ for name in _FIELDS
)


def planned_result(action: Action) -> FileResult:
    """A dry run's line for an action: what would be done."""
    from wpsync.engine.plan import Conflict, Create, Delete, Fail, Keep, Update  # (not at rest)

    match action:
        case Create(rel=rel, republish=old) if old is not None:
            return FileResult(
                rel, "created", None, detail="deleted on the site: would publish it again"
            )
        case Create(rel=rel, adopt=adopt):
            return FileResult(rel, "created", adopt.id if adopt else None, detail="would create")
        case Update(rel=rel, entry=entry, reason=reason):
            return FileResult(rel, "updated", entry.post_id, detail=f"would update ({reason})")
        case Keep(rel=rel, entry=entry):
            return FileResult(rel, "unchanged", entry.post_id)
        case Delete(entry=entry, policy=policy):
            return FileResult(entry.rel, "deleted", entry.post_id, detail=f"would {policy}")
        case Conflict(rel=rel, reason=reason, entry=entry, remote=remote):
            post_id = entry.post_id if entry else (remote.id if remote else None)
            return FileResult(rel, "conflict", post_id, error=reason)
        case Fail(rel=rel, error=error):
            return FileResult(rel, "failed", error=str(error), hint=error.hint)
    raise AssertionError(action)
