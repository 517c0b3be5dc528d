"""pull's I/O half against a site that sends hostile data (issue 14): files land only
inside the content folder, slugs and the page tree survive exactly, a post with bad data
fails alone, and a pull killed half-way links everything when run again."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import frontmatter
import pytest

from tests.fakewp import Folder
from wpsync.adopt.pull import PullReport, run_pull
from wpsync.engine.items import Changed
from wpsync.engine.reading import local_items
from wpsync.store.state import StateStore


class SiteStub:
    """Just what pull asks a client: lists of raw posts and terms."""

    def __init__(self, posts: list[Any], pages: list[Any] | None = None) -> None:
        self.lists = {"posts": posts, "pages": pages or []}
        self.request_count = 0

    def list_posts_raw(self, rest_base: str) -> Iterator[Any]:
        self.request_count += 1
        yield from self.lists.get(rest_base, [])

    def list_terms(self, taxonomy: str) -> dict[int, tuple[str, int]]:
        self.request_count += 1
        return {}

    def close(self) -> None:
        pass


def raw(
    post_id: Any, slug: str, *, title: str = "T", content: str = "<p>Body.</p>", **more: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": post_id,
        "slug": slug,
        "status": "publish",
        "date": "2026-03-01T10:00:00",
        "date_gmt": "2026-03-01T10:00:00",
        "modified_gmt": "2026-03-01T10:00:00",
        "title": {"raw": title},
        "content": {"raw": content},
        "link": f"https://blog.example.com/{slug}/",
    }
    item.update(more)
    return item


def stored(slug: str) -> str:
    """A slug as WordPress stores it: percent-encoded UTF-8, lower case."""
    return quote(slug, safe="-_").lower()


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder.make(tmp_path / "blog")


def pull(folder: Folder, site: SiteStub, **kwargs: Any) -> PullReport:
    return run_pull(folder.config, client=site, lock_timeout=5.0, **kwargs)  # type: ignore[arg-type]


def files_under(path: Path) -> set[str]:
    return {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}


def by_path(report: PullReport) -> Mapping[str, str]:
    return {f.path: f.action for f in report.files}


NON_LATIN = ["привет-мир", "καλημέρα-κόσμε", "こんにちは世界", "cafe-日本"]


def test_non_latin_and_hostile_slugs_stay_inside_and_map_back_to_the_same_slug(
    folder: Folder, tmp_path: Path
) -> None:
    long_slug = "a" * 300
    posts = [raw(10 + n, stored(s)) for n, s in enumerate(NON_LATIN)]
    posts += [
        raw(20, "../../etc/passwd"),
        raw(21, ".wpsync"),
        raw(22, "con"),
        raw(23, long_slug),
        raw(24, "/absolute"),
    ]
    pages = [raw(30, "index", title="Home"), raw(31, "about", title="About")]

    def outside() -> set[Path]:
        return {p for p in tmp_path.rglob("*") if folder.root not in p.parents}

    outside_before = outside()
    report = pull(folder, SiteStub(posts, pages))
    assert report.count("failed") == 0, report.to_json()
    assert report.count("pulled") == len(posts) + len(pages)
    # nothing outside the content folder, nothing in .wpsync/ but the state
    assert outside() == outside_before
    written = files_under(folder.content)
    assert all(not part.startswith(".") for rel in written for part in rel.split("/"))
    assert all(len(Path(rel).name.encode()) <= 130 for rel in written)
    assert "pages/index.md" not in written  # it would be the folder's page of every page
    with StateStore.open(folder.config.state.path, folder.config.site.url) as state:
        entries = state.entries()
        items = {i.rel: i for i in local_items(folder.config, state, sorted(entries))}
    for slug in NON_LATIN:
        [rel] = [r for r, e in entries.items() if e.slug == slug]
        front = frontmatter.loads((folder.content / rel).read_text(encoding="utf-8"))
        assert front["slug"] == slug  # decoded, as the writer reads it
        item = items[rel]
        assert isinstance(item, Changed) and item.payload.slug == slug  # sent back the same
    about = items["pages/about.md"]
    assert isinstance(about, Changed) and about.payload.parent in (None, "")  # still top level


def test_a_symlinked_sub_folder_leading_out_is_never_written_through(
    folder: Folder, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (folder.content / "pages").symlink_to(outside, target_is_directory=True)
    report = pull(folder, SiteStub([raw(1, "hello")], [raw(2, "about")]))
    actions = by_path(report)
    assert actions["hello.md"] == "pulled"
    assert actions["pages/about.md"] == "failed"
    [failed] = [f for f in report.files if f.action == "failed"]
    assert "link" in failed.detail and "content folder" in failed.detail
    assert list(outside.iterdir()) == []
    assert report.exit_code == 1


def test_a_link_in_place_of_a_file_is_not_followed(folder: Folder, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (folder.content / "hello.md").symlink_to(victim)
    report = pull(folder, SiteStub([raw(1, "hello")]), force=True)
    assert by_path(report) == {"hello.md": "pulled"}
    assert victim.read_text() == "precious\n"
    assert not (folder.content / "hello.md").is_symlink()


def test_posts_with_bad_data_fail_alone(folder: Folder) -> None:
    deep = "<div>" * 20000 + "deep" + "</div>" * 20000
    posts: list[Any] = [
        raw("abc", "bad-id"),
        raw(None, "no-id"),
        {"slug": "missing-everything"},
        "not even an object",
        raw(5, "deep-html", content=deep),
        raw(6, "odd-fields", title=["a", "list"], content={"raw": None}, categories="x"),
        raw(7, "fine"),
        raw(8, "also-fine"),
    ]
    report = pull(folder, SiteStub(posts))
    actions = by_path(report)
    assert actions["fine.md"] == "pulled" and actions["also-fine.md"] == "pulled"
    assert actions["deep-html.md"] == "failed"
    assert report.count("failed") == 5  # the four items without a usable id, the deep HTML
    assert report.exit_code == 1
    for f in report.files:
        if f.action == "failed":
            assert f.detail
    with StateStore.open(folder.config.state.path, folder.config.site.url) as state:
        linked = {e.post_id for e in state.entries().values()}
    assert {7, 8} <= linked


class Killed(BaseException):
    """kill -9 in the middle of the pull."""


def test_a_pull_killed_half_way_links_every_file_when_run_again(
    folder: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wpsync.adopt.pull as pull_module

    posts = [raw(100 + n, f"post-{n}") for n in range(12)]
    real_write = pull_module.write_inside
    written: list[str] = []

    def write_then_die(root: Path, rel: str, text: str) -> None:
        real_write(root, rel, text)
        written.append(rel)
        if len(written) == 7:
            raise Killed  # the 7th file is on disk, not yet linked

    monkeypatch.setattr(pull_module, "write_inside", write_then_die)
    with pytest.raises(Killed):
        pull(folder, SiteStub(posts))
    with StateStore.open(folder.config.state.path, folder.config.site.url) as state:
        assert len(state.entries()) == 6  # linked as they were written
    monkeypatch.setattr(pull_module, "write_inside", real_write)
    again = pull(folder, SiteStub(posts))
    assert again.count("skipped") == 0 and again.count("failed") == 0, again.to_json()
    assert again.count("pulled") == 6 and again.already_linked == 6
    with StateStore.open(folder.config.state.path, folder.config.site.url) as state:
        assert {e.post_id for e in state.entries().values()} == {p["id"] for p in posts}
    assert not [p for p in folder.content.rglob(".*.tmp")]


def test_an_edited_unlinked_file_is_still_never_overwritten(folder: Folder) -> None:
    folder.write("hello.md", "my own words\n")
    report = pull(folder, SiteStub([raw(1, "hello")]))
    assert by_path(report) == {"hello.md": "skipped"}
    assert (folder.content / "hello.md").read_text() == "my own words\n"


def test_pull_into_a_read_only_folder_is_a_line_per_file(
    folder: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    def read_only(*args: object, **kwargs: object) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    real_open = os.open

    def no_create(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_CREAT and kwargs.get("dir_fd") is not None:  # the content folder's
            return read_only()
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_create)
    report = pull(folder, SiteStub([raw(1, "hello"), raw(2, "world")]))
    assert report.count("failed") == 2
    for f in report.files:
        assert f.detail == "cannot be written: Read-only file system"
