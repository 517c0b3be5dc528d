"""Before planning: a file is read again when an image, link target, folder page or option
its post was rendered from changed, even though its own bytes did not."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from wpsync.engine import references
from wpsync.engine.items import Broken, Changed, LocalItem, Stat, Unchanged, payload_hash
from wpsync.engine.media import ImageError, LocalImages
from wpsync.engine.references import References
from wpsync.errors import DocumentError
from wpsync.model import Entry, Pushed
from wpsync.source.content import read_document
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.store.state import StateStore

URL = "http://127.0.0.1:8080"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5c3a8d30000000049454e44ae426082"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "img").mkdir(parents=True)
    (root / "img" / "a.png").write_bytes(PNG)
    (root / "post.md").write_text("# Post\n\n![A](img/a.png)\n\nSee [b](b.md).\n")
    (root / "b.md").write_text("# B\n\nText.\n")
    return root


def stat_of(path: Path) -> Stat:
    st = path.stat()
    return Stat(st.st_size, st.st_mtime_ns)


def read(root: Path, rel: str) -> LocalItem:
    try:
        doc = read_document(root, rel)
        mapped = map_document(doc, MappingDefaults())
    except DocumentError as exc:
        return Broken(rel, exc)
    payload = mapped.payload
    return Changed(rel, stat_of(root / rel), doc.source_hash, payload, payload_hash(payload))


def settle(root: Path, state: StateStore, items: list[LocalItem], **kw: bool) -> list[LocalItem]:
    refs = References(root, state, block_editor=kw.get("block_editor", False))
    return refs.settle(items, state.entries(), None, lambda rel, _: read(root, rel))


def publish(state: StateStore, item: Changed, post_id: int, status: str = "publish") -> Entry:
    entry = Entry(
        item.rel, item.payload.rest_base, post_id, item.payload.slug, item.source_hash,
        item.payload_hash, "m", f"http://site/{item.payload.slug}/",
        item.stat.size, item.stat.mtime_ns,
    )  # fmt: skip
    state.put(entry)
    state.put_pushed(Pushed(item.rel, status, dict(item.inputs), {}))
    return entry


def test_a_new_post_hashes_its_images_and_link_targets(folder: Path, tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "state", URL) as state:
        [post] = settle(folder, state, [read(folder, "post.md")])
        assert isinstance(post, Changed)
        inputs = dict(post.inputs)
        assert inputs["link:b.md"] == ""  # not published yet
        assert len(inputs["img:img/a.png"]) == 64
        assert post.payload_hash == payload_hash(post.payload, inputs)


def test_a_missing_or_escaping_image_fails_that_file_naming_the_image(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "img" / "a.png").unlink()
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    (folder / "img" / "b.png").symlink_to(outside)
    (folder / "other.md").write_text("![B](img/b.png)\n")
    with StateStore.open(tmp_path / "state", URL) as state:
        post, other = settle(folder, state, [read(folder, "post.md"), read(folder, "other.md")])
    assert isinstance(post, Broken) and isinstance(other, Broken)
    assert str(post.error) == "post.md: image 'img/a.png' does not exist"
    assert "img/b.png" in str(other.error) and "outside the content folder" in str(other.error)


def test_an_unchanged_post_is_read_again_when_its_image_changes(
    folder: Path, tmp_path: Path
) -> None:
    with StateStore.open(tmp_path / "state", URL) as state:
        [first] = settle(folder, state, [read(folder, "post.md")])
        assert isinstance(first, Changed)
        publish(state, first, 1)
        unchanged = Unchanged("post.md", first.stat)
        assert settle(folder, state, [unchanged]) == [unchanged]  # nothing changed
        (folder / "img" / "a.png").write_bytes(PNG + b"\x00")
        [again] = settle(folder, state, [unchanged])
        assert isinstance(again, Changed) and again.payload_hash != first.payload_hash


def test_an_unchanged_post_is_read_again_when_a_link_target_is_published(
    folder: Path, tmp_path: Path
) -> None:
    with StateStore.open(tmp_path / "state", URL) as state:
        [post, b] = settle(folder, state, [read(folder, "post.md"), read(folder, "b.md")])
        assert isinstance(post, Changed) and isinstance(b, Changed)
        publish(state, post, 1)
        publish(state, b, 2, status="draft")
        items: list[LocalItem] = [Unchanged("post.md", post.stat), Unchanged("b.md", b.stat)]
        assert settle(folder, state, items) == items  # a draft: still no URL
        state.put_pushed(Pushed("b.md", "publish", {}, {}))
        [again, _] = settle(folder, state, items)
        assert isinstance(again, Changed)
        assert dict(again.inputs)["link:b.md"] == "http://site/b/"


def test_a_post_pushed_before_inputs_were_recorded_is_read_once(
    folder: Path, tmp_path: Path
) -> None:
    with StateStore.open(tmp_path / "state", URL) as state:
        [b] = settle(folder, state, [read(folder, "b.md")])
        assert isinstance(b, Changed)
        publish(state, b, 2)
        state.remove("b.md")
        state.put(Entry("b.md", "posts", 2, "b", b.source_hash, b.payload_hash, "m", "",
                        b.stat.size, b.stat.mtime_ns))  # fmt: skip
        assert state.get_pushed("b.md") is None
        [again] = settle(folder, state, [Unchanged("b.md", b.stat)])
        assert isinstance(again, Changed) and again.payload_hash == b.payload_hash
        assert state.get_pushed("b.md") is not None  # recorded: not read next time
        assert settle(folder, state, [Unchanged("b.md", b.stat)]) == [Unchanged("b.md", b.stat)]


def test_pages_take_their_parent_from_the_folder_unless_they_name_one(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "about").mkdir()
    (folder / "about.md").write_text("---\ntype: page\n---\nAbout.\n")
    (folder / "about" / "team.md").write_text("---\ntype: page\n---\nTeam.\n")
    (folder / "about" / "chosen.md").write_text("---\ntype: page\nparent: elsewhere\n---\nX\n")
    rels = ["about.md", "about/team.md", "about/chosen.md"]
    with StateStore.open(tmp_path / "state", URL) as state:
        about, team, chosen = settle(folder, state, [read(folder, r) for r in rels])
    assert isinstance(about, Changed) and about.payload.parent == ""  # top level, sent as 0
    assert isinstance(team, Changed) and team.payload.parent == "about"
    assert isinstance(chosen, Changed) and chosen.payload.parent == "elsewhere"
    assert dict(team.inputs)["parent-page"] == "about.md"


def test_switching_block_markup_on_reads_every_post_again(folder: Path, tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "state", URL) as state:
        [b] = settle(folder, state, [read(folder, "b.md")])
        assert isinstance(b, Changed)
        publish(state, b, 2)
        item = Unchanged("b.md", b.stat)
        assert settle(folder, state, [item]) == [item]
        [again] = settle(folder, state, [item], block_editor=True)
        assert isinstance(again, Changed) and again.payload_hash != b.payload_hash


def test_image_hashes_are_remembered_by_stat(folder: Path, tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "state", URL) as state:
        digest = LocalImages(folder, state).hash_of("img/a.png")

        class NoReads(LocalImages):
            @staticmethod
            def _read_path(rel: str, path: Path) -> bytes:
                raise AssertionError("read although its stat did not change")

        assert NoReads(folder, state).hash_of("img/a.png") == digest
        os.utime(folder / "img" / "a.png", ns=(1, 1))
        with pytest.raises(AssertionError):
            NoReads(folder, state).hash_of("img/a.png")
        with pytest.raises(ImageError, match="outside"):
            LocalImages(folder, state).path("../x.png")


def test_rendering_takes_the_settled_payload_hash_only_for_that_payload_and_inputs(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StateStore.open(tmp_path / "state", URL) as state:

        def settled() -> tuple[References, Changed]:
            refs = References(folder, state, block_editor=True)
            [post] = refs.settle(
                [read(folder, "post.md")], state.entries(), None, lambda rel, _: read(folder, rel)
            )
            assert isinstance(post, Changed)
            return refs, post

        refs, post = settled()
        inputs = dict(post.inputs)
        linked = {**inputs, "link:b.md": "http://site/b/"}  # b.md got its URL since
        assert refs._payload_hash(post.payload, linked) == payload_hash(post.payload, linked)
        assert payload_hash(post.payload, linked) != post.payload_hash

        refs, post = settled()
        retitled = dataclasses.replace(post.payload, title="Another")
        assert refs._payload_hash(retitled, inputs) == payload_hash(retitled, inputs)

        refs, post = settled()
        with monkeypatch.context() as patched:
            patched.setattr(references, "payload_hash", lambda *_: pytest.fail("hashed again"))
            assert refs._payload_hash(post.payload, inputs) == post.payload_hash
        # taken once: a second rendering (links updated after the writes) hashes again
        assert refs._payload_hash(post.payload, inputs) == post.payload_hash
