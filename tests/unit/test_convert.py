"""service.convert: R4 <-> R5 at JSON level (round trips of what differs)."""
from __future__ import annotations

import copy

import pytest

from service.convert import (CONTAINS_PROP_EXT, EQUIVALENCE_EXT, EXP_PROP_EXT, FILTER_OP_EXT, r4_to_r5, r5_to_r4,
                             translate_result_r5_to_r4)


def vs_with_filter(op):
    return {"resourceType": "ValueSet", "compose": {"include": [
        {"system": "http://x/cs", "filter": [{"property": "concept", "op": op, "value": "a"}]}]}}


def test_r5_only_filter_op_becomes_an_extension_and_back():
    r5 = vs_with_filter("child-of")
    r4 = r5_to_r4(copy.deepcopy(r5))
    flt = r4["compose"]["include"][0]["filter"][0]
    assert "op" not in flt
    assert flt["_op"]["extension"] == [{"url": FILTER_OP_EXT, "valueCode": "child-of"}]
    assert r4_to_r5(r4) == r5


def test_r4_filter_ops_are_untouched():
    r5 = vs_with_filter("is-a")
    assert r5_to_r4(copy.deepcopy(r5)) == r5
    assert r4_to_r5(copy.deepcopy(r5)) == r5


def test_descendent_leaf_round_trip():
    r5 = vs_with_filter("descendent-leaf")
    assert r4_to_r5(r5_to_r4(copy.deepcopy(r5))) == r5


def test_expansion_property_and_contains_property_round_trip():
    r5 = {"resourceType": "ValueSet", "expansion": {
        "property": [{"code": "colour", "uri": "http://x/colour"}],
        "contains": [{"system": "http://x/cs", "code": "a", "property": [{"code": "colour", "valueString": "red"}],
                      "contains": [{"system": "http://x/cs", "code": "b",
                                    "property": [{"code": "colour", "valueString": "blue"}]}]}]}}
    r4 = r5_to_r4(copy.deepcopy(r5))
    exp = r4["expansion"]
    assert "property" not in exp
    assert exp["extension"][0]["url"] == EXP_PROP_EXT
    assert "property" not in exp["contains"][0]
    assert exp["contains"][0]["extension"][0]["url"] == CONTAINS_PROP_EXT
    assert exp["contains"][0]["contains"][0]["extension"][0]["url"] == CONTAINS_PROP_EXT
    assert r4_to_r5(r4) == r5


def test_r5_only_value_set_elements_are_dropped_for_r4():
    r5 = {"resourceType": "ValueSet", "scope": {"usage": "x"}, "versionAlgorithmString": "semver",
          "compose": {"property": ["a"], "include": [{"system": "http://x", "copyright": "c"}]},
          "expansion": {"next": "http://x/next", "contains": [{"code": "a", "designation": [
              {"value": "A", "additionalUse": [{"code": "x"}]}]}]}}
    r4 = r5_to_r4(r5)
    assert "scope" not in r4 and "versionAlgorithmString" not in r4
    assert "property" not in r4["compose"] and "copyright" not in r4["compose"]["include"][0]
    assert "next" not in r4["expansion"]
    assert r4["expansion"]["contains"][0]["designation"] == [{"value": "A"}]


def r4_map(equivalence):
    return {"resourceType": "ConceptMap", "sourceUri": "http://x/vs1", "targetUri": "http://x/vs2",
            "group": [{"source": "http://x/a", "sourceVersion": "1", "target": "http://x/b",
                       "element": [{"code": "c", "target": [{"code": "d", "equivalence": equivalence}]}]}]}


def test_concept_map_equivalence_to_relationship():
    r5 = r4_to_r5(r4_map("wider"))
    assert r5["sourceScopeUri"] == "http://x/vs1" and "sourceUri" not in r5
    assert r5["group"][0]["source"] == "http://x/a|1" and "sourceVersion" not in r5["group"][0]
    target = r5["group"][0]["element"][0]["target"][0]
    assert target["relationship"] == "source-is-narrower-than-target" and "equivalence" not in target


ALL_R4_EQUIVALENCES = ("relatedto", "equivalent", "equal", "wider", "subsumes", "narrower", "specializes",
                       "inexact", "unmatched", "disjoint")


@pytest.mark.parametrize("eq", ALL_R4_EQUIVALENCES)
def test_every_r4_equivalence_survives_the_round_trip(eq):
    r4 = r4_map(eq)
    assert r5_to_r4(r4_to_r5(copy.deepcopy(r4))) == r4


@pytest.mark.parametrize("eq,rel", [("equal", "equivalent"), ("subsumes", "source-is-narrower-than-target"),
                                    ("specializes", "source-is-broader-than-target"), ("inexact", "related-to")])
def test_lossy_equivalences_get_the_matching_r5_relationship_and_keep_the_r4_code(eq, rel):
    target = r4_to_r5(r4_map(eq))["group"][0]["element"][0]["target"][0]
    assert target["relationship"] == rel
    assert target["extension"] == [{"url": EQUIVALENCE_EXT, "valueCode": eq}]


def test_lossless_equivalences_carry_no_extension():
    for eq in ("relatedto", "equivalent", "wider", "narrower", "disjoint"):
        assert "extension" not in r4_to_r5(r4_map(eq))["group"][0]["element"][0]["target"][0], eq


def test_translate_results_report_the_maps_own_r4_equivalence():
    r5 = {"resourceType": "Parameters", "parameter": [{"name": "match", "part": [
        {"name": "relationship", "valueCode": "equivalent",
         "_valueCode": {"extension": [{"url": EQUIVALENCE_EXT, "valueCode": "equal"}]}},
        {"name": "concept", "valueCoding": {"code": "M"}}]}]}
    parts = translate_result_r5_to_r4(r5)["parameter"][0]["part"]
    assert parts[0] == {"name": "equivalence", "valueCode": "equal"}


def test_contained_resources_are_converted_like_top_level_ones():
    r5_map = r4_to_r5(r4_map("narrower"))
    vs = {"resourceType": "ValueSet", "id": "v", "contained": [dict(r5_map, id="m")]}
    r4 = r5_to_r4(copy.deepcopy(vs))
    target = r4["contained"][0]["group"][0]["element"][0]["target"][0]
    assert target == {"code": "d", "equivalence": "narrower"}
    # any resource's contained resources, not only a ValueSet's, and in both directions
    cs = {"resourceType": "CodeSystem", "contained": [r4_map("equal")]}
    assert r4_to_r5(cs)["contained"][0]["group"][0]["element"][0]["target"][0]["relationship"] == "equivalent"
    assert "relationship" not in str(r5_to_r4(r4_to_r5(cs)))


def test_concept_map_unmatched_becomes_no_map_and_back():
    r4 = r4_map("unmatched")
    del r4["group"][0]["element"][0]["target"][0]["code"]   # "no match": a target without a code
    r5 = r4_to_r5(r4)
    element = r5["group"][0]["element"][0]
    assert element.get("noMap") is True and "target" not in element
    back = r5_to_r4(r5)
    assert back["group"][0]["element"][0]["target"] == [{"equivalence": "unmatched"}]


def test_concept_map_relationship_to_equivalence():
    r5 = {"resourceType": "ConceptMap", "group": [{"source": "http://x/a", "element": [
        {"code": "c", "target": [{"code": "d", "relationship": "source-is-broader-than-target"},
                                 {"code": "e"}]}]}]}
    targets = r5_to_r4(r5)["group"][0]["element"][0]["target"]
    assert targets == [{"code": "d", "equivalence": "narrower"}, {"code": "e", "equivalence": "relatedto"}]


def test_parameters_and_bundles_are_converted_recursively():
    r5 = {"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": vs_with_filter("child-of")},
        {"name": "x", "part": [{"name": "y", "resource": vs_with_filter("child-of")}]}]}
    r4 = r5_to_r4(copy.deepcopy(r5))
    assert "_op" in r4["parameter"][0]["resource"]["compose"]["include"][0]["filter"][0]
    assert "_op" in r4["parameter"][1]["part"][0]["resource"]["compose"]["include"][0]["filter"][0]
    assert r4_to_r5(r4) == r5
    bundle = {"resourceType": "Bundle", "entry": [{"resource": vs_with_filter("child-of")}]}
    assert r4_to_r5(r5_to_r4(copy.deepcopy(bundle))) == bundle


def test_other_resources_pass_unchanged():
    oo = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "invalid"}]}
    assert r5_to_r4(oo) == oo and r4_to_r5(oo) == oo
    assert r4_to_r5("text") == "text"


def test_an_unmatched_target_with_a_comment_keeps_it():
    r4 = r4_map("unmatched")
    r4["group"][0]["element"][0]["target"] = [{"equivalence": "unmatched", "comment": "pending"}]
    r5 = r4_to_r5(copy.deepcopy(r4))
    assert r5["group"][0]["element"][0]["target"][0]["relationship"] == "not-related-to"
    assert r5_to_r4(r5) == r4
