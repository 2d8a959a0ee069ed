"""Filters that enumerate their matches (service.engine.filter_sets, filters.Filter.ids, select_ids): on both
providers the positions a filter gives are exactly the concepts its predicate accepts, SNOMED CT refset `in` and
ECL `constraint =` over an imported release, LOINC property filters from the value postings, and the
per-provider memo of derived sets."""
from __future__ import annotations

import random

import pytest

from helpers import ANIMALS, FIXTURES
from rf2_fixture import IDS, import_fixture
from service.engine.compact import CompactCodeSystem
from service.engine.filters import FilterError, compile_filters, select_ids
from service.engine.rangeset import RangeSet
from service.errors import Invalid
from service.importers import loinc, snomed


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    return import_fixture(tmp_path_factory.mktemp("shapes"))[0]


@pytest.fixture(scope="module")
def loinc_cs(tmp_path_factory):
    path, _summary = loinc.write(FIXTURES / "loinc", tmp_path_factory.mktemp("loinc"), progress=False)
    return CompactCodeSystem(path)


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    from bench.synth_rf2 import generate
    work = tmp_path_factory.mktemp("synth")
    generate(work / "rf2", 3000, seed=11)
    path, _summary = snomed.write(work / "rf2", work / "out", progress=False)
    return CompactCodeSystem(path)


def _by_predicate(cs, flt):
    return RangeSet.from_sorted(i for i in range(cs.size) if flt.matches(cs.concept_at(i)))


def _check(cs, filters):
    compiled = compile_filters(cs, filters, "ValueSet.compose.include[0]")
    for f in compiled:
        ids = f.ids()
        if ids is not None:
            assert ids == _by_predicate(cs, f), (f.prop, f.op, f.value)
    expected = RangeSet.from_sorted(i for i in range(cs.size)
                                    if all(f.matches(cs.concept_at(i)) for f in compiled))
    assert select_ids(cs, compiled) == expected
    return expected


@pytest.mark.parametrize("op", ["is-a", "descendent-of", "is-not-a", "generalizes", "child-of", "descendent-leaf"])
def test_hierarchy_sets_equal_the_predicates_on_a_synthetic_release(synth, op):
    rng = random.Random(op)
    with_children = [i for i in range(synth.size) if synth.child_ids(i)]
    for i in rng.sample(with_children, 25) + [0]:
        _check(synth, [{"property": "concept", "op": op, "value": synth.code_at(i)}])


@pytest.mark.parametrize("op", ["is-a", "descendent-of", "is-not-a", "generalizes", "child-of", "descendent-leaf"])
def test_hierarchy_sets_equal_the_predicates_on_a_codesystem_resource(registry, op):
    cs = registry.resolve("CodeSystem", ANIMALS)
    for code in ("animal", "mammal", "bird", "dog", "plant", "nope"):
        _check(cs, [{"property": "concept", "op": op, "value": code}])


def test_listed_codes_inactive_and_combinations(synth, registry):
    cs = registry.resolve("CodeSystem", ANIMALS)
    assert _check(cs, [{"property": "concept", "op": "in", "value": "dog, oak,nope"}]) == RangeSet.from_ids([2, 9])
    assert _check(cs, [{"property": "inactive", "op": "=", "value": "true"}]) == RangeSet.from_ids([6])
    _check(cs, [{"property": "inactive", "op": "=", "value": "TRUE"}])
    _check(cs, [{"property": "concept", "op": "=", "value": "cat"}, {"property": "colour", "op": "=",
                                                                       "value": "black"}])
    assert len(_check(synth, [{"property": "inactive", "op": "=", "value": "true"}])) == len(synth.inactive_ids()) > 0
    _check(synth, [{"property": "inactive", "op": "=", "value": "false"},
                   {"property": "concept", "op": "is-a", "value": synth.code_at(1)}])


def test_snomed_refset_membership_and_ecl(shapes):
    members = _check(shapes, [{"property": "concept", "op": "in", "value": IDS["RS"]}])
    assert sorted(shapes.code_at(i) for i in members) == sorted([IDS["SQ"], IDS["CI"], IDS["T"]])
    assert not _check(shapes, [{"property": "concept", "op": "in", "value": IDS["SQ"]}])   # not a refset
    ecl = _check(shapes, [{"property": "constraint", "op": "=", "value": f"<< {IDS['Q']} AND ^ {IDS['RS']}"}])
    assert [shapes.code_at(i) for i in ecl] == [IDS["SQ"]]
    with pytest.raises(Invalid, match="at character 4"):
        compile_filters(shapes, [{"property": "constraint", "op": "=", "value": "<< AND"}], "x")


def test_constraint_is_unknown_to_other_code_systems(registry):
    cs = registry.resolve("CodeSystem", ANIMALS)
    with pytest.raises(FilterError, match="not defined"):
        compile_filters(cs, [{"property": "constraint", "op": "=", "value": "*"}], "x")


@pytest.mark.parametrize("prop, op, value", [("SYSTEM", "=", "BldMar"), ("COMPONENT", "regex", "Quorin.*"),
                                             ("SCALE_TYP", "=", "Qn"), ("STATUS", "=", "DEPRECATED"),
                                             ("METHOD_TYP", "regex", "F."), ("CLASS", "=", "nope")])
def test_loinc_property_filters_use_the_postings(loinc_cs, prop, op, value):
    compiled = compile_filters(loinc_cs, [{"property": prop, "op": op, "value": value}], "x")
    assert compiled[0].ids() is not None                          # from the file's value postings, not a scan
    _check(loinc_cs, [{"property": prop, "op": op, "value": value}])


def test_derived_sets_are_kept_per_provider(shapes):
    text = f"<< {IDS['P']} MINUS << {IDS['T']}"
    first = compile_filters(shapes, [{"property": "constraint", "op": "=", "value": text}], "x")[0].ids()
    again = compile_filters(shapes, [{"property": "constraint", "op": "=", "value": text}], "x")[0].ids()
    assert again is first
