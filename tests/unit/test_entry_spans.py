"""Spans (service.engine.entry_spans, expansion_merge): an include over a large code system is a set of positions.

The strongest check: the fixture value sets and a set of composes (excludes, imports, duplicates, compose.inactive,
listed concepts, several versions) expanded with every include as a span (SPAN_MIN = 0) answer exactly what the
list path answers, before and after activeOnly / excludeNotForUI / the text filter / paging."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, LETTERS, VERSIONED
from service.engine import expand as expand_mod
from service.engine.entry_spans import Entries, Span, intersect, restrict
from service.engine.expand import Expander
from service.engine.expansion_select import page, select_entries
from service.engine.rangeset import RangeSet


def _inline(compose: dict) -> dict:
    return {"resourceType": "ValueSet", "url": "http://example.org/fhir/ValueSet/inline", "status": "active",
            "compose": compose}


COMPOSES = [
    {"include": [{"system": ANIMALS}]},
    {"include": [{"system": ANIMALS, "filter": [{"property": "concept", "op": "is-a", "value": "mammal"}]}]},
    {"include": [{"system": ANIMALS}], "exclude": [{"system": ANIMALS, "filter": [
        {"property": "concept", "op": "is-a", "value": "bird"}]}]},
    {"include": [{"system": ANIMALS}], "exclude": [{"system": ANIMALS, "concept": [{"code": "dog"}, {"code": "oak"}]}]},
    {"include": [{"system": ANIMALS, "concept": [{"code": "parrot"}, {"code": "dog"}]}, {"system": ANIMALS}]},
    {"include": [{"system": ANIMALS, "filter": [{"property": "concept", "op": "is-a", "value": "bird"}]},
                 {"system": ANIMALS, "filter": [{"property": "concept", "op": "descendent-of", "value": "animal"}]}]},
    {"inactive": False, "include": [{"system": ANIMALS}]},
    {"include": [{"system": ANIMALS, "filter": [{"property": "concept", "op": "is-not-a", "value": "mammal"},
                                                {"property": "colour", "op": "exists", "value": "true"}]}]},
    {"include": [{"system": ANIMALS, "valueSet": ["http://example.org/fhir/ValueSet/mammals"]}]},
    {"include": [{"valueSet": ["http://example.org/fhir/ValueSet/mammals-and-letters"]}]},
    {"include": [{"system": ANIMALS}, {"system": LETTERS}],
     "exclude": [{"valueSet": ["http://example.org/fhir/ValueSet/pets"]}]},
    {"include": [{"system": VERSIONED, "version": "1.0.0"}, {"system": VERSIONED}]},
    {"include": [{"system": ANIMALS, "filter": [{"property": "concept", "op": "generalizes", "value": "dog"}]},
                 {"system": ANIMALS, "filter": [{"property": "concept", "op": "child-of", "value": "bird"}]},
                 {"system": ANIMALS, "filter": [{"property": "concept", "op": "descendent-leaf", "value": "plant"}]}]},
    {"include": [{"system": ANIMALS, "filter": [{"property": "inactive", "op": "=", "value": "true"}]},
                 {"system": ANIMALS, "filter": [{"property": "concept", "op": "in", "value": "cat,oak,nope"}]}]},
]
STORED = ["animals-all", "mammals", "pets", "no-birds", "mammals-and-letters", "versioned-any", "versioned-1-0"]


def _row(e):
    return (e.system, e.version, e.code, e.display, e.inactive, e.abstract, e.pinned)


def _both(make_ctx, monkeypatch, vs, **select):
    """(list path, span path) rows after select_entries and the whole page."""
    out = []
    for span_min in (10 ** 9, 0):
        monkeypatch.setattr(expand_mod, "SPAN_MIN", span_min)
        ctx = make_ctx()
        v = vs if isinstance(vs, dict) else ctx.registry.by_id("ValueSet", vs)
        es = Expander(ctx).entries(v)
        sel = select_entries(es, active_only=select.get("active_only", False), text=select.get("text"),
                             exclude_not_for_ui=select.get("not_for_ui", False))
        out.append(([_row(e) for e in es], len(sel), [_row(e) for e in page(sel, offset=1, count=3, max_size=100,
                                                                            canonical="x")]))
    return out


@pytest.mark.parametrize("select", [{}, {"active_only": True}, {"not_for_ui": True}, {"text": "do"},
                                    {"text": "colourful parrot"}, {"active_only": True, "text": "a"}])
@pytest.mark.parametrize("vs", COMPOSES + STORED, ids=lambda v: v if isinstance(v, str) else None)
def test_spans_answer_what_lists_answer(make_ctx, monkeypatch, vs, select):
    vs = _inline(vs) if isinstance(vs, dict) else vs
    as_lists, as_spans = _both(make_ctx, monkeypatch, vs, **select)
    assert as_spans == as_lists


def test_a_large_include_is_a_span_not_entries(make_ctx, monkeypatch):
    monkeypatch.setattr(expand_mod, "SPAN_MIN", 0)
    es = Expander(make_ctx()).entries(_inline(COMPOSES[2]))
    assert isinstance(es, Entries) and [type(p) for p in es.parts] == [Span]
    assert es.parts[0].ids == RangeSet.from_ids([0, 1, 2, 3, 7, 8, 9, 10])   # animals minus is-a bird
    assert es.held() == 0 and es.systems() == {ANIMALS}
    assert [e.code for e in es[1:3]] == ["mammal", "dog"] and es[-1].code == "fern"


def test_restrict_takes_the_shorter_side():
    whole = RangeSet.span(0, 1000)
    hits = [3, 500, 999]
    assert restrict(whole, hits) is hits                       # every hit is a member: no work
    assert restrict(RangeSet([(0, 10), (500, 501)]), hits) == [3, 500]
    assert restrict(RangeSet.from_ids([3, 7]), list(range(0, 1000, 3))) == [3]
    assert restrict(RangeSet(), hits) == [] and restrict(whole, []) == []


def test_intersect_keeps_spans_as_spans(registry):
    cs = registry.resolve("CodeSystem", ANIMALS)
    a = Span(cs, RangeSet.span(0, 6))
    b = Span(cs, RangeSet.span(3, 11))
    got = intersect(a, Entries([b]))
    assert isinstance(got, Span) and got.ids == RangeSet.span(3, 6)
    listed = [e for e in b if e.code in ("cat", "oak")]
    assert intersect(a, listed).ids == RangeSet.from_ids([3])
    assert [e.code for e in intersect(listed, a)] == ["cat"]
