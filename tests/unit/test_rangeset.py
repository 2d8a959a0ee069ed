"""RangeSet algebra against Python sets."""
from __future__ import annotations

import random

import pytest

from service.engine.rangeset import RangeSet


def rand_set(rng, n=60, span=200):
    return {rng.randrange(span) for _ in range(rng.randrange(n))}


@pytest.mark.parametrize("seed", range(40))
def test_algebra_matches_sets(seed):
    rng = random.Random(seed)
    a, b = rand_set(rng), rand_set(rng)
    ra, rb = RangeSet.from_ids(a), RangeSet.from_ids(b)
    assert list(ra) == sorted(a) and len(ra) == len(a)
    assert list(ra | rb) == sorted(a | b)
    assert list(ra & rb) == sorted(a & b)
    assert list(ra - rb) == sorted(a - b)
    assert list(rb - ra) == sorted(b - a)
    for x in range(-1, 202):
        assert (x in ra) == (x in a)
    ids = sorted(rand_set(rng))
    assert ra.filter_sorted(ids) == [i for i in ids if i in a]
    offset, count = rng.randrange(10), rng.randrange(1, 15)
    assert ra.take(offset, count) == sorted(a)[offset:offset + count]
    assert ra.take(offset) == sorted(a)[offset:]


def test_construction_merges_overlapping_and_touching_intervals():
    r = RangeSet([(5, 8), (0, 2), (2, 4), (7, 10), (12, 12)])
    assert r.intervals() == [(0, 4), (5, 10)] and len(r) == 9
    assert RangeSet.from_sorted([1, 2, 3, 3, 7]).intervals() == [(1, 4), (7, 8)]
    assert RangeSet.span(3, 3) == RangeSet() and not RangeSet()
    assert RangeSet.span(0, 5).first() == 0 and RangeSet().first() is None


def test_take_does_not_walk_the_whole_set():
    big = RangeSet.span(0, 10**9)
    assert big.take(10**8, 3) == [10**8, 10**8 + 1, 10**8 + 2]
    assert len(big) == 10**9
