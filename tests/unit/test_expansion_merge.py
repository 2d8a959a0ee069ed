"""service.engine.expansion_merge: when spans merge as sets, and the fall-back to lists."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, VERSIONED
from service.engine.entry_spans import Entries, Span
from service.engine.expand import Expander
from service.engine.expansion_merge import materialise, merge, mergeable
from service.engine.rangeset import RangeSet
from service.errors import TooCostly


def _span(registry, url, version=None, ids=None):
    cs = registry.resolve("CodeSystem", url, version)
    return Span(cs, ids if ids is not None else cs.all_ids())


def test_spans_of_one_provider_per_system_merge(make_ctx, registry):
    exp = Expander(make_ctx())
    whole = _span(registry, ANIMALS)
    assert mergeable(exp, [whole], [(False, _span(registry, ANIMALS, ids=RangeSet.span(0, 2)))])
    two_versions = [_span(registry, VERSIONED, "1.0.0"), _span(registry, VERSIONED, "1.2.0")]
    assert not mergeable(exp, two_versions, [])                        # positions of two versions differ
    listed_other_version = [e for e in _span(registry, VERSIONED, "1.0.0")]
    assert not mergeable(exp, [_span(registry, VERSIONED, "1.2.0"), listed_other_version], [])
    exp_vm = Expander(make_ctx(params={"versionsMatch": [True]}))
    assert exp_vm.versions_match_set and not mergeable(exp_vm, [whole], [])


def test_merge_excludes_dedupes_and_drops_inactive(make_ctx, registry):
    exp = Expander(make_ctx())
    cs = registry.resolve("CodeSystem", ANIMALS)
    dog = [e for e in Span(cs, RangeSet.from_ids([cs.index_of("dog")]))]
    birds = Span(cs, cs.reach(cs.index_of("bird")))
    out = merge(exp, [dog, Span(cs, cs.all_ids())], [(False, birds)], inactive_ok=False, canon="x")
    assert isinstance(out, Entries) and isinstance(out.parts[0], list) and isinstance(out.parts[1], Span)
    assert [e.code for e in out] == ["dog", "animal", "mammal", "cat", "plant", "tree", "oak", "fern"]
    assert len(out) == 8 and out.held() == 1                          # dodo (inactive) and the birds are gone


def test_materialise_is_bounded_by_the_walk_limit(make_ctx, registry):
    span = _span(registry, ANIMALS)
    assert [e.code for e in materialise(Expander(make_ctx()), span, "x")][:2] == ["animal", "mammal"]
    with pytest.raises(TooCostly):
        materialise(Expander(make_ctx(max_walk=5)), span, "x")
