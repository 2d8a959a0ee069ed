"""The filter builders that enumerate their matches as positions (``filters.Filter.ids``): the hierarchy
operators (is-a, descendent-of, is-not-a, generalizes, child-of, descendent-leaf), SNOMED CT refset membership
(``concept in R``) and ECL (``constraint =``), and ``derived``, the per-provider memo of whole-system sets.

Each builder takes the compiled filter ``f`` (its ``cs``, ``value``, ``_root()``, ``_listed()``) and returns a
predicate on a concept, setting ``f._ids`` (a RangeSet, or a function making one on first use).
"""
from __future__ import annotations

from ..lru import LRUCache
from .rangeset import RangeSet

SNOMED = "http://snomed.info/sct"


def derived(cs, key: tuple, build):
    """A whole-system set a filter derives, kept per provider (bounded; providers are immutable)."""
    memo = cs.__dict__.get("_filter_memo")
    if memo is None:
        memo = cs.__dict__.setdefault("_filter_memo", LRUCache(max_items=256, max_bytes=1 << 40))
    hit = memo.get(key)
    if hit is None:
        hit = build()
        memo.put(key, hit)
    return hit


def _position(f) -> int | None:
    """The position of the concept the hierarchy operators start from (None: unknown code)."""
    root, _code = f._root()
    return None if root is None else root.order


def _nothing(f):
    f._ids = RangeSet()
    return lambda c: False


def _in_ids(f, ids: RangeSet):
    f._ids = ids
    return lambda c: c.order in ids


def _is_a(f, where):
    cs, r = f.cs, _position(f)
    if r is None:
        return _nothing(f)
    f._ids = lambda: cs.reach(r)
    return lambda c: cs.is_descendant_or_self(c.order, r)


def _descendent_of(f, where):
    cs, r = f.cs, _position(f)
    if r is None:
        return _nothing(f)
    f._ids = lambda: cs.reach(r) - RangeSet.span(r, r + 1)
    return lambda c: c.order != r and cs.is_descendant_or_self(c.order, r)


def _is_not_a(f, where):
    cs, r = f.cs, _position(f)
    if r is None:
        f._ids = cs.all_ids
        return lambda c: True
    f._ids = lambda: derived(cs, ("is-not-a", r), lambda: cs.all_ids() - cs.reach(r))
    return lambda c: not cs.is_descendant_or_self(c.order, r)


def _generalizes(f, where):
    r = _position(f)
    return _nothing(f) if r is None else _in_ids(f, RangeSet.from_ids(f.cs.ancestor_ids(r) | {r}))


def _child_of(f, where):
    r = _position(f)
    return _nothing(f) if r is None else _in_ids(f, RangeSet.from_ids(f.cs.child_ids(r)))


def _descendent_leaf(f, where):
    cs, r = f.cs, _position(f)
    if r is None:
        return _nothing(f)
    f._ids = lambda: derived(cs, ("descendent-leaf", r), lambda: RangeSet.from_sorted(
        k for k in cs.reach(r) if k != r and not cs.child_ids(k)))
    return lambda c: c.order != r and not c.children and cs.is_descendant_or_self(c.order, r)


def _refset_in(f, where):
    """SNOMED CT ``concept in R``: the members of the simple refset(s) R (an id that is not a refset of the
    release selects nothing)."""
    cs, refsets = f.cs, sorted(f._listed())

    def members():
        out = RangeSet()
        for r in refsets:
            out = out | (cs.refset_members(r) or RangeSet())
        return out
    return _in_ids(f, derived(cs, ("in", tuple(refsets)), members))


def _ecl(f, where):
    """SNOMED CT ``constraint = <ECL>`` (brief syntax; a syntax error is a 400 naming the position)."""
    from .ecl import evaluate
    cs, text = f.cs, f.value
    return _in_ids(f, derived(cs, ("ecl", text), lambda: evaluate(text, cs).ids))
