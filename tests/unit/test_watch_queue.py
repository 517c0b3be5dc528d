"""The watcher's decisions without a network: which file events become which sync batch.

Real watchdog event objects go through the real router into the real queue, with a
fake clock and a fake file system (the set of paths that exist)."""

from __future__ import annotations

import errno
import time
from pathlib import Path

import pytest
from watchdog.events import (
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)
from watchdog.observers.inotify import InotifyObserver
from watchdog.observers.polling import PollingObserver

from wpsync.triggers.events import EventRouter, start_observer
from wpsync.triggers.queue import ChangeQueue, DueChanges

ROOT = "/blog/content"
DEBOUNCE = 0.3


class World:
    """A queue fed by a router; ``files`` is what exists on 'disk'."""

    def __init__(self, *files: str, first_sight: float = 0.6) -> None:
        self.files = {f"{ROOT}/{f}" for f in files}
        self.now = 0.0
        self.rescans = 0
        self.queue = ChangeQueue(
            DEBOUNCE, exists=lambda p: p in self.files, first_sight=first_sight
        )
        self.router = EventRouter(
            Path(ROOT),
            touch=lambda p: self.queue.touch(p, self.now),
            moved=lambda a, b: self.queue.moved(a, b, self.now),
            rescan=self._rescan,
            appeared=lambda p: self.queue.appeared(p, self.now),
        )

    def _rescan(self) -> None:
        self.rescans += 1

    def p(self, rel: str) -> str:
        return f"{ROOT}/{rel}"

    def write(self, rel: str) -> None:
        path = self.p(rel)
        event = FileModifiedEvent(path) if path in self.files else FileCreatedEvent(path)
        self.files.add(path)
        self.router.dispatch(event)

    def delete(self, rel: str) -> None:
        self.files.discard(self.p(rel))
        self.router.dispatch(FileDeletedEvent(self.p(rel)))

    def move(self, old: str, new: str) -> None:
        self.files.discard(self.p(old))
        self.files.add(self.p(new))
        self.router.dispatch(FileMovedEvent(self.p(old), self.p(new)))

    def after(self, seconds: float) -> DueChanges | None:
        self.now += seconds
        return self.queue.take_due(self.now)

    def drain(self, seconds: float = 30.0, step: float = 0.05) -> list[DueChanges]:
        batches = []
        end = self.now + seconds
        while self.now < end:
            batch = self.after(step)
            if batch is not None:
                batches.append(batch)
        return batches

    def rel(self, batch: DueChanges) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        cut = len(ROOT) + 1
        return (
            tuple(p[cut:] for p in batch.paths),
            tuple((a[cut:], b[cut:]) for a, b in batch.renames),
        )


def test_a_burst_of_writes_is_one_sync_after_the_quiet_time() -> None:
    w = World("post.md")
    for _ in range(5):
        w.write("post.md")
        assert w.after(0.1) is None  # still writing
    batch = w.after(0.25)
    assert batch is not None and w.rel(batch) == (("post.md",), ())
    assert w.drain() == []


def test_the_files_due_by_a_time_are_those_the_queue_then_gives() -> None:
    """What the daemon asks ahead of (lookahead.py): the files due by the next deadline,
    and after another save of one of them, only the others."""
    w = World("a.md", "b.md", "c.md")
    w.write("a.md")
    w.after(0.1)
    w.write("b.md")
    deadline = w.queue.next_deadline()
    assert deadline is not None and w.queue.due_by(deadline) == (w.p("a.md"),)
    assert w.queue.due_by(deadline + 0.1) == (w.p("a.md"), w.p("b.md"))
    assert w.after(0.1) is None
    w.write("a.md")  # saved again: its quiet time starts over
    deadline = w.queue.next_deadline()
    assert deadline is not None and w.queue.due_by(deadline) == (w.p("b.md"),)
    batch = w.after(deadline - w.now)
    assert batch is not None and w.rel(batch) == (("b.md",), ())


@pytest.mark.parametrize(
    "save",
    [
        # vim (backupcopy=no): f → f~, write a new f, delete f~
        [("move", "post.md", "post.md~"), ("write", "post.md"), ("delete", "post.md~")],
        # JetBrains safe write: f → f___jb_old___, tmp → f, delete the old one
        [
            ("write", "post.md___jb_tmp___"),
            ("move", "post.md", "post.md___jb_old___"),
            ("move", "post.md___jb_tmp___", "post.md"),
            ("delete", "post.md___jb_old___"),
        ],
        # write a temporary file, then os.replace() it over the real one
        [("write", ".post.md.tmp123"), ("move", ".post.md.tmp123", "post.md")],
        # emacs: #post.md# autosave, post.md~ backup by copy, then an in-place write
        [
            ("write", "#post.md#"),
            ("write", "post.md~"),
            ("write", "post.md"),
            ("delete", "#post.md#"),
        ],
    ],
    ids=["vim", "jetbrains", "replace", "emacs"],
)
def test_an_editor_save_by_rename_is_one_update_of_the_file_never_a_deletion(
    save: list[tuple[str, ...]],
) -> None:
    w = World("post.md")
    for step in save:
        getattr(w, step[0])(*step[1:])
        w.after(0.01)
    batches = w.drain()
    assert [w.rel(b) for b in batches] == [(("post.md",), ())]
    assert w.p("post.md") in w.files


def test_a_save_whose_steps_straddle_the_quiet_time_is_still_not_a_deletion() -> None:
    # The editor renamed the file away, then took longer than the debounce to write it back.
    w = World("post.md")
    w.move("post.md", "post.md~")
    assert w.after(DEBOUNCE + 0.01) is None  # missing: looked at again, not deleted yet
    w.write("post.md")
    batches = w.drain()
    assert [w.rel(b) for b in batches] == [(("post.md",), ())]


def test_a_deleted_file_is_synced_as_missing_after_a_second_look() -> None:
    w = World("post.md")
    w.delete("post.md")
    assert w.after(DEBOUNCE + 0.01) is None
    batch = w.after(DEBOUNCE + 0.01)
    assert batch is not None and w.rel(batch) == (("post.md",), ())
    assert w.p("post.md") not in w.files


def test_a_move_sends_both_names_together_with_the_move() -> None:
    w = World("drafts/idea.md")
    w.move("drafts/idea.md", "posts/idea.md")
    [batch] = w.drain()
    assert w.rel(batch) == (
        ("drafts/idea.md", "posts/idea.md"),
        (("drafts/idea.md", "posts/idea.md"),),
    )


def test_a_moved_file_still_being_written_holds_back_its_old_name() -> None:
    w = World("a.md")
    w.move("a.md", "b.md")
    for _ in range(6):
        w.after(0.2)
        w.write("b.md")  # the new name keeps changing past the old name's quiet time
    [batch] = w.drain()
    assert w.rel(batch) == (("a.md", "b.md"), (("a.md", "b.md"),))


def test_two_moves_in_a_row_are_one_move_from_the_first_name_to_the_last() -> None:
    w = World("a.md")
    w.move("a.md", "b.md")
    w.after(0.05)
    w.move("b.md", "c.md")
    batches = w.drain()
    moves = [m for b in batches for m in w.rel(b)[1]]
    assert moves == [("a.md", "c.md")]
    assert {p for b in batches for p in w.rel(b)[0]} == {"a.md", "b.md", "c.md"}


def test_a_deletion_waits_for_a_creation_still_settling_so_the_planner_can_pair_them() -> None:
    # A "move" seen as delete + create (a tool that copies then deletes).
    w = World("old.md")
    w.write("new.md")
    w.delete("old.md")
    for _ in range(8):
        w.after(0.2)
        w.write("new.md")
    batches = w.drain()
    assert [w.rel(b)[0] for b in batches] == [("new.md", "old.md")]


def test_a_move_into_a_folder_too_new_to_be_watched_is_one_batch_not_a_create_then_a_delete() -> (
    None
):
    # mkdir archive && mv first.md archive/: inotify may see only "first.md deleted" and,
    # once it watches the new folder, "archive/first.md created" — both at once.
    w = World("first.md")
    w.delete("first.md")
    w.write("archive/first.md")
    batches = w.drain()
    assert [w.rel(b)[0] for b in batches] == [("archive/first.md", "first.md")]


def test_a_move_whose_deletion_half_inotify_reports_half_a_second_late_keeps_its_post() -> None:
    # mkdir archive; mv first.md archive/: watchdog reports "archive/first.md created" at
    # once and holds the unpaired "first.md moved away" back for 0.5 s.
    w = World("first.md")
    w.write("archive/first.md")
    assert w.after(0.5) is None
    w.delete("first.md")
    batches = w.drain()
    assert [w.rel(b)[0] for b in batches] == [("archive/first.md", "first.md")]


def test_a_brand_new_file_waits_a_little_longer_than_an_edited_one() -> None:
    w = World("old.md")
    w.write("new.md")
    w.write("old.md")
    first = w.after(DEBOUNCE + 0.01)
    assert first is not None and w.rel(first)[0] == ("old.md",)
    assert w.after(0.5) is None
    second = w.after(0.2)
    assert second is not None and w.rel(second)[0] == ("new.md",)


def test_other_files_wait_for_a_second_look_but_not_longer() -> None:
    w = World("a.md", "b.md")
    w.move("a.md", "a.md~")  # a save in progress…
    w.write("b.md")
    assert w.after(DEBOUNCE + 0.01) is None  # b waits for a's second look
    w.write("a.md")  # … that ends: b goes at once, a after its own quiet time
    b = w.after(0.01)
    assert b is not None and w.rel(b)[0] == ("b.md",)
    a = w.after(DEBOUNCE)
    assert a is not None and w.rel(a)[0] == ("a.md",)


def test_temp_swap_hidden_and_non_markdown_files_are_ignored() -> None:
    w = World()
    for name in (
        ".post.md.swp",
        "post.md~",
        "4913",
        "post.md___jb_tmp___",
        ".hidden.md",
        ".git/notes.md",
        "image.png",
        "notes.txt",
    ):
        w.write(name)
    w.router.dispatch(FileOpenedEvent(w.p("x.md")))
    w.router.dispatch(FileClosedNoWriteEvent(w.p("x.md")))  # wpsync's own reads
    assert w.drain() == []


def test_a_folder_deleted_or_moved_out_of_the_tree_asks_for_a_full_reconcile() -> None:
    w = World("sub/a.md")
    w.router.dispatch(DirDeletedEvent(w.p("sub")))
    w.router.dispatch(DirMovedEvent(w.p("sub2"), "/elsewhere/sub2"))
    assert w.rescans == 2


def test_a_folder_moved_inside_the_tree_moves_each_of_its_files(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "new" / "deep").mkdir(parents=True)
    (root / "new" / "deep" / "x.md").write_text("# x\n")
    (root / "new" / "y.md").write_text("# y\n")
    (root / "new" / "y.md~").write_text("backup\n")
    moves: list[tuple[str, str]] = []
    router = EventRouter(
        root, touch=lambda p: None, moved=lambda a, b: moves.append((a, b)), rescan=lambda: None
    )
    router.dispatch(DirMovedEvent(str(root / "old"), str(root / "new")))
    assert sorted(
        (Path(a).relative_to(root).as_posix(), Path(b).relative_to(root).as_posix())
        for a, b in moves
    ) == [
        ("old/deep/x.md", "new/deep/x.md"),
        ("old/y.md", "new/y.md"),
    ]


def test_a_batch_put_back_after_a_failure_is_due_at_the_retry_time_without_a_second_look() -> None:
    q = ChangeQueue(DEBOUNCE, exists=lambda p: False)
    q.requeue(DueChanges(("/c/a.md", "/c/b.md"), (("/c/a.md", "/c/b.md"),)), at=5.0, now=1.0)
    assert q.take_due(4.9) is None
    assert q.take_due(5.0) == DueChanges(("/c/a.md", "/c/b.md"), (("/c/a.md", "/c/b.md"),))


class _NoWatchesLeft(InotifyObserver):  # type: ignore[misc]
    """The real inotify observer on a machine whose watch limit is used up: starting it
    fails the way watchdog reports it (OSError ENOSPC)."""

    def start(self) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")


def test_the_inotify_watch_limit_falls_back_to_polling_with_a_clear_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []
    router = EventRouter(tmp_path, touch=seen.append, moved=lambda a, b: None, rescan=lambda: None)
    observer, kind = start_observer(
        tmp_path, router, poll=False, poll_interval=0.1, native=_NoWatchesLeft
    )
    try:
        assert kind == "polling" and isinstance(observer, PollingObserver)
        assert "fs.inotify.max_user_watches" in caplog.text
        assert "falling back to polling" in caplog.text
        (tmp_path / "new.md").write_text("# new\n")
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(seen) == {str(tmp_path / "new.md")}
    finally:
        observer.stop()
        observer.join()
