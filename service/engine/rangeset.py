"""RangeSet: an immutable set of non-negative integers kept as sorted, disjoint half-open intervals.

The large-code-system provider (``compact``) numbers concepts in hierarchy pre-order, so the
descendants of a concept are a few contiguous runs of positions and its refset members, text
matches and property matches are sorted position lists. A RangeSet holds any of them; union,
intersection and difference are linear merges, membership is a binary search, and paging
(``take(offset, count)``) never materialises the whole set. ECL evaluates to RangeSets.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator


class RangeSet:
    __slots__ = ("_lo", "_hi", "_len")

    def __init__(self, intervals: Iterable[tuple[int, int]] = ()):
        """From (lo, hi) pairs in any order, overlapping or touching (merged here)."""
        lo_out: list[int] = []
        hi_out: list[int] = []
        for lo, hi in sorted(intervals):
            if hi <= lo:
                continue
            if hi_out and lo <= hi_out[-1]:
                if hi > hi_out[-1]:
                    hi_out[-1] = hi
            else:
                lo_out.append(lo)
                hi_out.append(hi)
        self._set(lo_out, hi_out)

    def _set(self, lo: list[int], hi: list[int]) -> None:
        self._lo, self._hi = lo, hi
        self._len = sum(h - l for l, h in zip(lo, hi))

    @classmethod
    def _raw(cls, lo: list[int], hi: list[int]) -> "RangeSet":
        """From already sorted, disjoint, non-touching intervals (no checks)."""
        out = cls.__new__(cls)
        out._set(lo, hi)
        return out

    @classmethod
    def from_sorted(cls, ids: Iterable[int]) -> "RangeSet":
        """From ascending integers (duplicates allowed): consecutive runs become one interval."""
        lo: list[int] = []
        hi: list[int] = []
        for i in ids:
            if hi and i <= hi[-1]:
                if i == hi[-1]:
                    hi[-1] = i + 1
                continue
            lo.append(i)
            hi.append(i + 1)
        return cls._raw(lo, hi)

    @classmethod
    def from_ids(cls, ids: Iterable[int]) -> "RangeSet":
        return cls.from_sorted(sorted(set(ids)))

    @classmethod
    def span(cls, lo: int, hi: int) -> "RangeSet":
        return cls._raw([lo], [hi]) if hi > lo else cls._raw([], [])

    # ---- queries ---------------------------------------------------------------
    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def __contains__(self, i: int) -> bool:
        k = bisect_right(self._lo, i) - 1
        return k >= 0 and i < self._hi[k]

    def __iter__(self) -> Iterator[int]:
        for lo, hi in zip(self._lo, self._hi):
            yield from range(lo, hi)

    def __eq__(self, other) -> bool:
        return isinstance(other, RangeSet) and self._lo == other._lo and self._hi == other._hi

    def __hash__(self) -> int:
        return hash((tuple(self._lo), tuple(self._hi)))

    def __repr__(self) -> str:
        return f"RangeSet({list(zip(self._lo, self._hi))})"

    def intervals(self) -> list[tuple[int, int]]:
        return list(zip(self._lo, self._hi))

    def take(self, offset: int = 0, count: int | None = None) -> list[int]:
        """The members at positions offset .. offset+count-1 (ascending), without iterating the rest."""
        out: list[int] = []
        skip = max(offset, 0)
        for lo, hi in zip(self._lo, self._hi):
            size = hi - lo
            if skip >= size:
                skip -= size
                continue
            start = lo + skip
            skip = 0
            stop = hi if count is None else min(hi, start + count - len(out))
            out.extend(range(start, stop))
            if count is not None and len(out) >= count:
                break
        return out

    def first(self) -> int | None:
        return self._lo[0] if self._lo else None

    def single_interval(self) -> tuple[int, int] | None:
        """(lo, hi) when the set is one run of consecutive integers, else None."""
        return (self._lo[0], self._hi[0]) if len(self._lo) == 1 else None

    # ---- algebra -----------------------------------------------------------------
    def __or__(self, other: "RangeSet") -> "RangeSet":
        if not other:
            return self
        if not self:
            return other
        return RangeSet(list(zip(self._lo, self._hi)) + list(zip(other._lo, other._hi)))

    def __and__(self, other: "RangeSet") -> "RangeSet":
        a_lo, a_hi, b_lo, b_hi = self._lo, self._hi, other._lo, other._hi
        i = j = 0
        lo: list[int] = []
        hi: list[int] = []
        while i < len(a_lo) and j < len(b_lo):
            start = a_lo[i] if a_lo[i] > b_lo[j] else b_lo[j]
            end = a_hi[i] if a_hi[i] < b_hi[j] else b_hi[j]
            if start < end:
                lo.append(start)
                hi.append(end)
            if a_hi[i] < b_hi[j]:
                i += 1
            else:
                j += 1
        return RangeSet._raw(lo, hi)

    def __sub__(self, other: "RangeSet") -> "RangeSet":
        if not other or not self:
            return self
        b_lo, b_hi = other._lo, other._hi
        lo: list[int] = []
        hi: list[int] = []
        j = 0
        for start, end in zip(self._lo, self._hi):
            while j < len(b_lo) and b_hi[j] <= start:
                j += 1
            k = j
            cur = start
            while k < len(b_lo) and b_lo[k] < end:
                if b_lo[k] > cur:
                    lo.append(cur)
                    hi.append(b_lo[k])
                cur = max(cur, b_hi[k])
                k += 1
            if cur < end:
                lo.append(cur)
                hi.append(end)
        return RangeSet._raw(lo, hi)

    def filter_sorted(self, ids: Iterable[int]) -> list[int]:
        """The ids (ascending) that are members, in order: a cheap intersection with a sorted id list."""
        lo, hi = self._lo, self._hi
        out = []
        k = 0
        n = len(lo)
        for i in ids:
            while k < n and hi[k] <= i:
                k += 1
            if k == n:
                break
            if i >= lo[k]:
                out.append(i)
        return out


EMPTY = RangeSet()
