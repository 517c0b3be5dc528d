"""The watch daemon's queue of changed paths: each waits for quiet (debounce), moves
leave with both their ends, and a path found missing is looked at again before it counts
as deleted (editors save by rename).  No threads and no clock of its own: the daemon
calls it under its lock, with the time."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ChangeQueue", "DueChanges"]


@dataclass(frozen=True)
class DueChanges:
    """Files to sync together (absolute paths) and the moves among them (old, new)."""

    paths: tuple[str, ...]
    renames: tuple[tuple[str, str], ...] = ()


@dataclass
class _Waiting:
    deadline: float
    since: float
    missing_seen: bool = False  # found missing once already
    second_look: bool = False  # … and due again for a second look


class ChangeQueue:
    """Paths waiting for quiet.  Not thread-safe: the daemon calls it under its condition.

    - ``touch``: something happened to this path; it is due ``debounce`` seconds after the
      last touch.
    - ``moved``: old → new; both wait for each other and leave together, with the move.
    - ``take_due``: the next paths due, together (:class:`DueChanges`).  A due path that does not exist is looked at again one
      debounce later (an editor between "rename away" and "write the new file"), and every
      other due path waits for that second look; a confirmed deletion also waits while other
      paths are still settling (up to ``hold_max``).  So a move seen as "delete + create"
      (a folder created just before, its inotify watch not there yet) reaches the planner
      in one run, and keeps its post.
    """

    def __init__(
        self,
        debounce: float,
        *,
        exists: Callable[[str], bool] = os.path.exists,
        hold_max: float | None = None,
        first_sight: float = 0.0,
    ) -> None:
        self.debounce = debounce
        #: extra wait for a path that appears out of nowhere (see ``appeared``)
        self.first_sight = first_sight
        self._exists = exists
        self._hold_max = hold_max if hold_max is not None else max(2.0, 10 * debounce)
        self._waiting: dict[str, _Waiting] = {}
        self._moves: dict[str, str] = {}  # new → old

    def __len__(self) -> int:
        return len(self._waiting)

    def touch(self, path: str, now: float) -> None:
        waiting = self._waiting.get(path)
        if waiting is None:
            self._waiting[path] = _Waiting(now + self.debounce, now)
        else:
            waiting.deadline = max(waiting.deadline, now + self.debounce)
            waiting.missing_seen = waiting.second_look = False

    def appeared(self, path: str, now: float) -> None:
        """A file created, not waiting already.  It may be the new name of a move whose
        other half comes late: inotify holds an unpaired "moved from" back for 0.5 s
        (watchdog's move grouper) before it reports a deletion, e.g. for ``mkdir new;
        mv a.md new/`` before the new folder is watched.  So it waits ``first_sight``
        more.  (An editor's save is not this: its file is waiting already.)"""
        if path in self._waiting:
            self.touch(path, now)
        else:
            self._waiting[path] = _Waiting(now + self.debounce + self.first_sight, now)

    def moved(self, old: str, new: str, now: float) -> None:
        origin = self._moves.pop(old, old)  # a → b then b → c is one move a → c
        if origin != new:
            self._moves[new] = origin
        for path in {origin, old, new}:
            self.touch(path, now)

    def settling(self, now: float) -> bool:
        """Is any path still inside its quiet time?"""
        return any(w.deadline > now for w in self._waiting.values())

    def next_deadline(self) -> float | None:
        return min((w.deadline for w in self._waiting.values()), default=None)

    def due_by(self, at: float) -> tuple[str, ...]:
        """The paths due by ``at``, as :meth:`take_due` would then take them if they are
        all there and no other arrives (sorted)."""
        return tuple(sorted(p for p, w in self._waiting.items() if w.deadline <= at))

    def requeue(self, batch: DueChanges, at: float, now: float) -> None:
        """Put back a batch that could not be sent; it is due at ``at``, without a new
        existence check (it was checked already)."""
        for path in batch.paths:
            waiting = self._waiting.get(path)
            if waiting is None:
                self._waiting[path] = _Waiting(at, now, missing_seen=True)
            else:
                waiting.deadline = max(waiting.deadline, at)
        for old, new in batch.renames:
            self._moves.setdefault(new, old)

    def take_due(self, now: float) -> DueChanges | None:
        due = {p for p, w in self._waiting.items() if w.deadline <= now}
        if not due:
            return None
        self._keep_moves_together(due)
        partners = self._partners()
        for path in sorted(due):
            waiting = self._waiting[path]
            if self._exists(path) or any(self._exists(p) for p in partners.get(path, ())):
                # There (or the old side of a move whose new name is there).
                waiting.second_look = False
                continue
            if not waiting.missing_seen:
                # Missing once: maybe an editor between two steps of a save.  Look again.
                waiting.missing_seen = waiting.second_look = True
                waiting.deadline = now + max(self.debounce, 0.05)
                due.discard(path)
                continue
            waiting.second_look = False
            if now - waiting.since < self._hold_max and (
                later := [w.deadline for p, w in self._waiting.items() if p not in due]
            ):
                # A real deletion: wait for the rest to settle, a move may be its other half.
                waiting.deadline = min(max(later), waiting.since + self._hold_max)
                due.discard(path)
        self._keep_moves_together(due)
        if not due or any(w.second_look for w in self._waiting.values()):
            return None  # everything waits for a second look (≤ one debounce)
        renames = tuple(
            sorted((old, new) for new, old in self._moves.items() if new in due and old in due)
        )
        for path in due:
            del self._waiting[path]
        self._moves = {
            new: old for new, old in self._moves.items() if new not in due and old not in due
        }
        return DueChanges(tuple(sorted(due)), renames)

    def _partners(self) -> dict[str, set[str]]:
        partners: dict[str, set[str]] = {}
        for new, old in self._moves.items():
            partners.setdefault(new, set()).add(old)
            partners.setdefault(old, set()).add(new)
        return partners

    def _keep_moves_together(self, due: set[str]) -> None:
        """Both ends of a move leave together, or neither does."""
        changed = True
        while changed:
            changed = False
            for new, old in self._moves.items():
                ends = {p for p in (new, old) if p in self._waiting}
                if ends & due and not ends <= due:
                    due.difference_update(ends)
                    changed = True
