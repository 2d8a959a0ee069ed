"""Expansion entries, and spans: the entries of a large code system kept as positions, not objects.

An include over a large provider (``expand.SPAN_MIN`` concepts or more: SNOMED CT, LOINC, ICD-10-CM) does not
make one ``Entry`` per concept: it gives a ``Span`` (the provider and a ``RangeSet`` of positions, e.g. the few
intervals of ``<< X``). An expansion is then ``Entries``: its parts in order, lists of entries and spans.
Excludes, de-duplication, imports (intersection), activeOnly, excludeNotForUI and the text filter are set
operations on spans (``expansion_select``); counting is ``len``; paging makes entries for one page only
(``Entries.take``). Stored, inline and ``tx-resource`` value sets take the same path: the sets come from the
provider's indexes, not from a memoised list.
"""
from __future__ import annotations

from bisect import bisect_left

from .rangeset import RangeSet


class Entry:
    __slots__ = ("system", "version", "code", "display", "concept", "cs", "abstract", "inactive", "src", "pinned")

    def __init__(self, system, version, code, display, concept=None, cs=None, abstract=False,
                 inactive=False, src=None):
        self.system = system
        self.version = version
        self.code = code
        self.display = display
        self.concept = concept
        self.cs = cs
        self.abstract = abstract
        self.inactive = inactive
        self.src = src  # a contains dict when the entry came from a stored expansion
        self.pinned = False  # drawn from an include that names its code system version

    @property
    def key(self):
        return (self.system, self.version, self.code)


def entry_of(cs, concept, pinned: bool = False) -> Entry:
    e = Entry(cs.url, cs.version, concept.code, concept.display, concept=concept, cs=cs,
              abstract=concept.abstract, inactive=concept.inactive)
    e.pinned = pinned
    return e


class Span:
    """Concepts of one provider as ascending positions: a RangeSet, or a sorted sequence after a text filter."""

    __slots__ = ("cs", "ids", "pinned")

    def __init__(self, cs, ids, pinned: bool = False):
        self.cs, self.ids, self.pinned = cs, ids, pinned

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, offset: int = 0, count: int | None = None) -> list[int]:
        if isinstance(self.ids, RangeSet):
            return self.ids.take(offset, count)
        return list(self.ids[offset:] if count is None else self.ids[offset:offset + count])

    def entries(self, offset: int = 0, count: int | None = None) -> list[Entry]:
        cs = self.cs
        return [entry_of(cs, cs.concept_at(i), self.pinned) for i in self.positions(offset, count)]

    def __iter__(self):
        cs = self.cs
        return (entry_of(cs, cs.concept_at(i), self.pinned) for i in self.ids)

    def contains(self, system: str, code: str) -> bool:
        if system != self.cs.url:
            return False
        i = self.cs.index_of(code, exact=True)
        return i is not None and i in self.ids

    def with_ids(self, ids) -> "Span":
        return Span(self.cs, ids, self.pinned)


class Entries:
    """An expansion's entries in order: parts that are lists of Entry or Spans (see the module docstring)."""

    __slots__ = ("parts",)

    def __init__(self, parts: list):
        self.parts = [p for p in parts if len(p)]

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def __iter__(self):
        for p in self.parts:
            yield from p

    def __getitem__(self, k):
        if isinstance(k, slice):
            start, stop, step = k.indices(len(self))
            return self.take(start, max(stop - start, 0))[::step]
        if k < 0:
            k += len(self)
        hit = self.take(k, 1)
        if not hit:
            raise IndexError(k)
        return hit[0]

    def take(self, offset: int = 0, count: int | None = None) -> list[Entry]:
        """The entries at offset .. offset+count-1, made for this page only."""
        out: list[Entry] = []
        for p in self.parts:
            n = len(p)
            if offset >= n:
                offset -= n
                continue
            want = None if count is None else count - len(out)
            out.extend(p.entries(offset, want) if isinstance(p, Span) else
                       (p[offset:] if want is None else p[offset:offset + want]))
            offset = 0
            if count is not None and len(out) >= count:
                break
        return out

    def systems(self) -> set[str]:
        return {p.cs.url for p in self.parts if isinstance(p, Span)} | {e.system for p in self.parts
                                                                        if not isinstance(p, Span) for e in p}

    def held(self) -> int:
        """How many Entry objects the parts hold (spans hold none): what a memo of this costs."""
        return sum(len(p) for p in self.parts if not isinstance(p, Span))


def parts_of(found) -> list:
    """The parts of an include's result (a list, a Span or Entries)."""
    if isinstance(found, Entries):
        return list(found.parts)
    return [found]


def has_spans(found) -> bool:
    return any(isinstance(p, Span) for p in parts_of(found))


def systems_of(entries) -> set[str]:
    return entries.systems() if isinstance(entries, Entries) else {e.system for e in entries}


def listed_entries(entries):
    """The Entry objects an expansion holds (its spans' concepts are not made into entries)."""
    for p in parts_of(entries) if isinstance(entries, Entries) else [entries]:
        if not isinstance(p, Span):
            yield from p


def held(entries) -> int:
    return entries.held() if isinstance(entries, Entries) else len(entries)


def contains(found, system: str, code: str) -> bool:
    """Is (system, code) among the entries of found (a list, a Span or Entries)?"""
    for p in parts_of(found):
        if isinstance(p, Span):
            if p.contains(system, code):
                return True
        elif any(e.system == system and e.code == code for e in p):
            return True
    return False


def intersect(found, other):
    """The entries of found that other also has (by system and code), keeping spans as spans."""
    if isinstance(found, Entries):
        return Entries([intersect(p, other) for p in found.parts])
    if isinstance(found, Span):
        cs = found.cs
        same = [p for p in parts_of(other) if isinstance(p, Span) and p.cs is cs]
        keep = RangeSet()
        for p in same:
            keep = keep | p.ids
        listed = (i for p in parts_of(other) if not (isinstance(p, Span) and p.cs is cs) for e in p
                  if e.system == cs.url for i in [cs.index_of(e.code, exact=True)] if i is not None)
        return found.with_ids(found.ids & (keep | RangeSet.from_ids(listed)))
    if isinstance(other, list):
        keys = {(e.system, e.code) for e in other}
        return [e for e in found if (e.system, e.code) in keys]
    return [e for e in found if contains(other, e.system, e.code)]


def restrict(ids: RangeSet, hits):
    """The members of ids among hits (ascending positions), by whichever side is shorter."""
    if not ids or not len(hits):
        return []
    run = ids.single_interval()
    if run is not None and run[0] <= hits[0] and hits[len(hits) - 1] < run[1]:
        return hits                                     # e.g. the whole system: every hit is a member
    if len(ids) < len(hits):
        out = []
        for i in ids:
            k = bisect_left(hits, i)
            if k < len(hits) and hits[k] == i:
                out.append(i)
        return out
    return ids.filter_sorted(hits)
