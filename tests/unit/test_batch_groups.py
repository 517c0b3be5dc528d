"""How a wave of writes is cut into the groups sent together (wpsync.engine.batch.groups)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wpsync.engine.batch import MAX_BATCH, groups


def sizes(count: int, concurrency: int, batching: bool = True) -> list[int]:
    return [len(g) for g in groups(count, concurrency, batching=batching)]


def test_without_batching_every_write_is_its_own_group() -> None:
    assert sizes(5, 4, batching=False) == [1, 1, 1, 1, 1]


def test_a_single_write_is_never_batched() -> None:
    assert sizes(1, 4) == [1]


def test_a_few_writes_are_spread_over_the_workers() -> None:
    assert sizes(8, 4) == [2, 2, 2, 2]
    assert sizes(13, 4) == [4, 3, 3, 3]
    assert sizes(3, 4) == [1, 1, 1]


def test_many_writes_go_in_batches_of_at_most_25_of_even_size() -> None:
    assert sizes(1000, 4) == [25] * 40
    assert sizes(101, 4) == [21, 20, 20, 20, 20]
    assert sizes(31, 1) == [16, 15]


def test_nothing_to_send_is_no_group() -> None:
    assert groups(0, 4, batching=True) == []


@given(st.integers(0, 600), st.integers(1, 16), st.booleans())
def test_groups_cover_every_write_once_in_order_within_the_batch_limit(
    count: int, concurrency: int, batching: bool
) -> None:
    cut = groups(count, concurrency, batching=batching)
    assert [i for g in cut for i in g] == list(range(count))
    assert all(1 <= len(g) <= MAX_BATCH for g in cut)
    if cut:
        assert max(len(g) for g in cut) - min(len(g) for g in cut) <= 1
