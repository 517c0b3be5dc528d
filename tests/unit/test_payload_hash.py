"""The payload hash is stored in every state: computing it faster must not change it
(a changed hash would send every post again)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from wpsync.engine.items import payload_hash
from wpsync.model import MediaRef, PostPayload, stable_hash

PAYLOAD = PostPayload(
    rel="guides/install.md",
    rest_base="posts",
    slug="install",
    title="Install ü",
    content='<p>Hello “world”</p>\n<img src="a.png">',
    status="publish",
    date="2024-05-01T10:00:00",
    excerpt="Short",
    categories=(("Guides", "Python"), ("News",)),
    tags=("python", "git"),
    sticky=True,
    menu_order=3,
    parent="docs",
    author="ann",
    password="secret",
    meta=(("rating", 4.5), ("extra", {"b": [1, 2, None], "a": True})),
    featured_image=MediaRef("images/cover.png", "Cover", ""),
    images=(MediaRef("images/a.png", "A", "t"), MediaRef("images/b.png")),
    links=("other.md",),
    taxonomies=(("genres", ("jazz", "blues")),),
    slug_explicit=True,
    parent_rel="docs/index.md",
    title_from_name=True,
)
RESOLVED = {"img:images/a.png": "abc", "link:other.md": "https://x/other/", "opt:renderer": "1"}


def _by_asdict(payload: PostPayload, resolved: dict[str, str] | None = None) -> str:
    """The hash as wpsync 0.1.0 computed it (dataclasses.asdict)."""
    data = dataclasses.asdict(payload)
    data.pop("rel")
    for name in PostPayload.BOOKKEEPING:
        data.pop(name)
    hashed = {k: v for k, v in sorted((resolved or {}).items()) if k != "opt:renderer"}
    return stable_hash({"payload": data, "resolved": hashed})


def test_the_hash_of_a_full_payload_is_the_one_states_already_hold() -> None:
    # pinned: computed by the asdict-based implementation before it was made cheaper
    assert payload_hash(PAYLOAD) == (
        "acabdd24c72a2d4990727a4c0e0392ca41b4c442b447ea703557c466c3021296"
    )
    assert payload_hash(PAYLOAD, RESOLVED) == (
        "d5abc3a938913f4194f796750324c59c1198e6c9c2ea2ff925968c51b095a75b"
    )
    assert payload_hash(PAYLOAD, RESOLVED) == _by_asdict(PAYLOAD, RESOLVED)


def test_bookkeeping_and_the_file_name_are_not_hashed() -> None:
    moved = dataclasses.replace(PAYLOAD, rel="x.md", slug_explicit=False, parent_rel=None)
    assert payload_hash(moved) == payload_hash(PAYLOAD)
    assert payload_hash(dataclasses.replace(PAYLOAD, title="Other")) != payload_hash(PAYLOAD)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(
    content=st.text(),
    meta=st.lists(st.tuples(st.text(), _json), max_size=3),
    images=st.lists(st.builds(MediaRef, st.text(), st.text(), st.text()), max_size=3),
    tags=st.lists(st.text(), max_size=3),
)
def test_the_hash_equals_the_asdict_one_for_any_payload(
    content: str, meta: list[tuple[str, object]], images: list[MediaRef], tags: list[str]
) -> None:
    payload = dataclasses.replace(
        PAYLOAD,
        content=content,
        meta=tuple(meta),
        images=tuple(images),
        tags=tuple(tags),
        featured_image=images[0] if images else None,
    )
    assert payload_hash(payload, RESOLVED) == _by_asdict(payload, RESOLVED)
