"""Merging a compose's includes and excludes when some of them are Spans (``entry_spans``).

The rules are the Expander's (``Expander._merge_lists``): includes in order, each code once (the first
include that has it wins), excluded codes left out, inactive ones too when ``compose.inactive`` is false.
For a Span they become set operations on its positions: minus the excluded positions of the same provider,
minus what earlier parts already hold, minus the inactive concepts. That needs one provider per code
system (positions of two versions are not comparable) and no ``versionsMatch`` (which compares codes
across versions); otherwise (``mergeable`` is False) the spans are turned into lists (``materialise``,
bounded by the walk limit) and the list rules apply.
"""
from __future__ import annotations

from ..errors import TooCostly
from .entry_spans import Entries, Span, parts_of
from .rangeset import RangeSet


def mergeable(expander, includes: list, excludes: list) -> bool:
    if expander.versions_match_set:
        return False
    providers: dict = {}
    lists = []
    for found in includes + [part for _v, part in excludes]:
        for p in parts_of(found):
            if isinstance(p, Span):
                if providers.setdefault(p.cs.url, p.cs) is not p.cs:
                    return False
            else:
                lists.append(p)
    return not any(e.system in providers and e.cs is not providers[e.system] for p in lists for e in p)


def materialise(expander, found, canon: str) -> list:
    """A list of entries for an include's result (spans made into entries), within the walk limit."""
    if isinstance(found, list):
        return found
    if len(found) > expander.ctx.max_walk:
        raise TooCostly(f"The value set '{canon}' expansion has too many codes to produce (>{expander.ctx.max_walk})",
                        message_id="VALUESET_TOO_COSTLY")
    return list(found)


class _Excluded:
    """What the excludes take out: positions per provider (spans) and keys (listed entries)."""

    def __init__(self, excludes: list):
        self.ids: dict[int, RangeSet] = {}
        self.keys: set = set()                    # version-specific (system, version, code)
        self.any: dict = {}                       # (system, code) -> versions
        for version_specific, found in excludes:
            for p in parts_of(found):
                if isinstance(p, Span):
                    self.ids[id(p.cs)] = self.ids.get(id(p.cs), RangeSet()) | p.ids
                    continue
                for e in p:
                    if version_specific:
                        self.keys.add(e.key)
                    else:
                        self.any.setdefault((e.system, e.code), set()).add(e.version)

    def of_span(self, cs) -> RangeSet:
        """The positions of cs that the excludes take out."""
        listed = [code for (system, code) in self.any if system == cs.url]
        listed += [code for (system, version, code) in self.keys if system == cs.url and version == cs.version]
        positions = (cs.index_of(code, exact=True) for code in listed)
        return self.ids.get(id(cs), RangeSet()) | RangeSet.from_ids(i for i in positions if i is not None)


def merge(expander, includes: list, excludes: list, *, inactive_ok: bool, canon: str) -> Entries:
    excluded = _Excluded(excludes)
    span_excluded: dict[int, RangeSet] = {}
    seen: dict[int, RangeSet] = {}                # positions already in the result, per provider
    listed: dict = {}                             # keys of listed entries already in the result
    parts: list = []
    current: list = []
    for found in includes:
        for p in parts_of(found):
            if isinstance(p, Span):
                cs = p.cs
                if id(cs) not in span_excluded:
                    span_excluded[id(cs)] = excluded.of_span(cs)
                ids = p.ids - span_excluded[id(cs)] - seen.get(id(cs), RangeSet())
                ids = ids - RangeSet.from_ids(e.concept.order for e in listed.values()
                                              if e.cs is cs and e.concept is not None)
                if not inactive_ok:
                    ids = ids - cs.inactive_ids()
                seen[id(cs)] = seen.get(id(cs), RangeSet()) | ids
                if current:
                    parts.append(current)
                    current = []
                parts.append(p.with_ids(ids))
                continue
            for e in p:
                if _kept(expander, e, excluded, seen, inactive_ok) and e.key not in listed:
                    listed[e.key] = e
                    current.append(e)
                    if len(listed) > expander.ctx.max_walk:
                        raise TooCostly(f"The value set '{canon}' expansion has too many codes to produce "
                                        f"(>{expander.ctx.max_walk})", message_id="VALUESET_TOO_COSTLY")
    if current:
        parts.append(current)
    return Entries(parts)


def _kept(expander, e, excluded: _Excluded, seen: dict, inactive_ok: bool) -> bool:
    """A listed entry survives the excludes, the spans already merged and compose.inactive."""
    if e.key in excluded.keys:
        return False
    versions = excluded.any.get((e.system, e.code))
    if versions is not None:
        if e.version not in versions:
            expander.versions_match_used = True
        return False
    if not inactive_ok and e.inactive:
        return False
    if e.cs is not None and e.concept is not None:
        order = e.concept.order
        if order in excluded.ids.get(id(e.cs), ()) or order in seen.get(id(e.cs), ()):
            return False
    return True
