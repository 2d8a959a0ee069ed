"""Engine tests for ConceptMap/$translate (service.engine.translate); the parameter mapping is
tests/params/test_translate.py."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from service import operations, params as P  # noqa: E402
from service.engine.context import OpContext  # noqa: E402
from service.engine.registry import Registry  # noqa: E402
from service.engine.translate import translate  # noqa: E402
from service.errors import Unresolvable  # noqa: E402

SRC = "http://example.org/cs/src"
TGT_A = "http://example.org/cs/a"
TGT_B = "http://example.org/cs/b"
MAP1 = "http://example.org/cm/one"
MAP2 = "http://example.org/cm/two"


def _cs(url, concepts):
    return {"resourceType": "CodeSystem", "url": url, "version": "1.0", "status": "active", "content": "complete",
            "concept": [{"code": c, "display": d} for c, d in concepts]}


MAP_ONE = {
    "resourceType": "ConceptMap", "id": "one", "url": MAP1, "version": "1.0", "status": "active",
    "group": [
        {"source": f"{SRC}|1.0", "target": TGT_A, "element": [
            {"code": "x", "display": "Ex", "target": [{"code": "a1", "display": "A one",
                                                        "relationship": "source-is-narrower-than-target"}]},
            {"code": "nomap", "noMap": True},
            {"code": "dep", "target": [
                {"code": "a-adult", "relationship": "equivalent",
                 "dependsOn": [{"attribute": "http://example.org/age", "valueCode": "adult"}]},
                {"code": "a-child", "relationship": "equivalent",
                 "dependsOn": [{"attribute": "http://example.org/age", "valueCode": "child"}]}]},
            {"code": "nope", "target": [{"code": "a9", "relationship": "not-related-to"}]},
        ]},
        {"source": SRC, "target": TGT_B, "element": [
            {"code": "x", "target": [{"code": "b1", "relationship": "equivalent"}]},   # no display
        ]},
    ]}
MAP_TWO = {
    "resourceType": "ConceptMap", "id": "two", "url": MAP2, "version": "2.0", "status": "active",
    "group": [{"source": SRC, "target": TGT_B, "element": [
        {"code": "x", "target": [{"code": "b2", "display": "B two", "relationship": "related-to"}]}]}]}


@pytest.fixture()
def ctx():
    reg = Registry()
    reg.add(_cs(TGT_B, [("b1", "Bee one"), ("b2", "Bee two")]))
    reg.add(MAP_ONE)
    reg.add(MAP_TWO)
    return OpContext(reg)


def _matches(res):
    out = []
    for p in res["parameter"]:
        if p["name"] == "match":
            parts = {x["name"]: x for x in p["part"]}
            out.append((parts["concept"]["valueCoding"].get("system"), parts["concept"]["valueCoding"]["code"],
                        parts.get("relationship", {}).get("valueCode"), parts["originMap"]["valueCanonical"]))
    return out


def _result(res):
    return next(p["valueBoolean"] for p in res["parameter"] if p["name"] == "result")


def _message(res):
    return next((p["valueString"] for p in res["parameter"] if p["name"] == "message"), None)


def test_forward_single_map_and_group_restricted_by_target_system(ctx):
    res = translate(ctx, source_code="x", source_system=SRC, target_system=TGT_A, map_url=MAP1)
    assert _result(res) is True
    assert _matches(res) == [(TGT_A, "a1", "source-is-narrower-than-target", f"{MAP1}|1.0")]
    assert _message(res) is None


def test_forward_all_groups_of_all_maps(ctx):
    res = translate(ctx, source_code="x", source_system=SRC)
    assert sorted(_matches(res)) == sorted([
        (TGT_A, "a1", "source-is-narrower-than-target", f"{MAP1}|1.0"),
        (TGT_B, "b1", "equivalent", f"{MAP1}|1.0"),
        (TGT_B, "b2", "related-to", f"{MAP2}|2.0")])


def test_forward_targetsystem_restriction_across_maps(ctx):
    res = translate(ctx, source_code="x", source_system=SRC, target_system=TGT_B)
    assert {m[1] for m in _matches(res)} == {"b1", "b2"}


def test_source_version_must_match_group_version(ctx):
    res = translate(ctx, source_code="x", source_system=SRC, source_version="9.9", target_system=TGT_A)
    assert _matches(res) == [] and _result(res) is False


def test_display_filled_from_codesystem_only_when_asked(ctx):
    def b1_coding(fill):
        res = translate(ctx, source_code="x", source_system=SRC, target_system=TGT_B, map_url=MAP1,
                        fill_display=fill)
        return next(x["valueCoding"] for p in res["parameter"] if p["name"] == "match"
                    for x in p["part"] if x["name"] == "concept")
    assert b1_coding(True)["display"] == "Bee one"
    assert "display" not in b1_coding(False)


def test_nomap_gives_no_match_and_no_error(ctx):
    res = translate(ctx, source_code="nomap", source_system=SRC)
    assert _result(res) is False
    assert _matches(res) == []
    assert "nomap" in _message(res)


def test_not_related_to_is_a_match_but_result_false(ctx):
    res = translate(ctx, source_code="nope", source_system=SRC)
    assert _matches(res) == [(TGT_A, "a9", "not-related-to", f"{MAP1}|1.0")]
    assert _result(res) is False


def test_unknown_map_url_raises_unresolvable(ctx):
    with pytest.raises(Unresolvable) as exc:
        translate(ctx, source_code="x", source_system=SRC, map_url="http://example.org/cm/missing")
    assert "http://example.org/cm/missing" in exc.value.message
    assert exc.value.status == 422


def test_unknown_map_version_raises(ctx):
    with pytest.raises(Unresolvable):
        translate(ctx, source_code="x", source_system=SRC, map_url=MAP1, map_version="7.0")


def test_reverse_r4_shape_returns_source_as_concept_with_inverse_relationship(ctx):
    res = translate(ctx, source_code="a1", source_system=TGT_A, reverse=True)
    assert _matches(res) == [(SRC, "x", "source-is-broader-than-target", f"{MAP1}|1.0")]
    concept = next(x["valueCoding"] for x in res["parameter"][1]["part"] if x["name"] == "concept")
    assert concept["display"] == "Ex" and concept["version"] == "1.0"


def test_reverse_r5_shape_keeps_target_as_concept_and_adds_source(ctx):
    res = translate(ctx, source_code="b2", source_system=TGT_B, reverse=True, reverse_shape="target")
    match = next(p for p in res["parameter"] if p["name"] == "match")
    parts = {x["name"]: x for x in match["part"]}
    assert parts["concept"]["valueCoding"]["code"] == "b2"
    assert parts["source"]["valueCoding"] == {"system": SRC, "code": "x"}
    assert parts["relationship"]["valueCode"] == "related-to"


def test_reverse_other_system_restricts_source_side(ctx):
    res = translate(ctx, source_code="b1", source_system=TGT_B, reverse=True, target_system="http://other")
    assert _matches(res) == []


def test_dependency_selects_target(ctx):
    res = translate(ctx, source_code="dep", source_system=SRC,
                    dependencies=[{"attribute": "http://example.org/age", "value": "child"}])
    assert [m[1] for m in _matches(res)] == ["a-child"]
    res_all = translate(ctx, source_code="dep", source_system=SRC)
    assert [m[1] for m in _matches(res_all)] == ["a-adult", "a-child"]
    dep = next(x for p in res_all["parameter"] if p["name"] == "match" for x in p["part"] if x["name"] == "dependsOn")
    assert dep["part"][1] == {"name": "value", "valueCode": "adult"}


def test_unmapped_fixed_and_use_source_code():
    cm = {"resourceType": "ConceptMap", "url": "http://example.org/cm/u", "group": [
        {"source": SRC, "target": TGT_A, "element": [{"code": "x", "target": [{"code": "a1",
                                                                                "relationship": "equivalent"}]}],
         "unmapped": {"mode": "fixed", "code": "other", "relationship": "related-to"}},
        {"source": SRC, "target": TGT_B, "unmapped": {"mode": "use-source-code"}}]}
    res = translate(OpContext(Registry()), source_code="zz", source_system=SRC, inline_maps=[cm])
    assert _matches(res) == [(TGT_A, "other", "related-to", "http://example.org/cm/u"),
                             (TGT_B, "zz", "equivalent", "http://example.org/cm/u")]


def test_inline_maps_replace_registry_maps(ctx):
    inline = {"resourceType": "ConceptMap", "url": "http://example.org/cm/inline", "version": "3",
              "group": [{"source": SRC, "target": TGT_A, "element": [
                  {"code": "x", "target": [{"code": "i1", "relationship": "equivalent"}]}]}]}
    res = translate(ctx, source_code="x", source_system=SRC, inline_maps=[inline])
    assert _matches(res) == [(TGT_A, "i1", "equivalent", "http://example.org/cm/inline|3")]


# ---- a CodeableConcept: every coding translated, the matches merged ------------------------------


def test_params_codeable_concept_translates_every_coding(ctx):
    cc = {"coding": [{"system": SRC, "code": "x"}, {"system": SRC, "code": "nomap"}]}
    calls = P.translate({"sourceCodeableConcept": [cc]}).calls
    assert [c.source_code for c in calls] == ["x", "nomap"]
    res = operations.translate(ctx, P.translate({"sourceCodeableConcept": [cc], "targetSystem": [TGT_B]}))
    assert {m[1] for m in _matches(res)} == {"b1", "b2"}


def test_other_map_chains_that_loop_are_walked_once(make_ctx):
    """Two maps whose unmapped.otherMap point at each other: the walk ends (each map visited once)."""
    from service.engine.registry import Registry
    from service.engine.translate import translate

    def cm(url, other):
        return {"resourceType": "ConceptMap", "url": url, "status": "active", "group": [
            {"source": "http://x/src", "target": "http://x/tgt", "element": [{"code": "known", "target": [
                {"code": "t", "relationship": "equivalent"}]}],
             "unmapped": {"mode": "other-map", "otherMap": other}} for _ in range(12)]}
    reg = Registry()
    reg.add(cm("http://x/a", "http://x/b"))
    reg.add(cm("http://x/b", "http://x/a"))
    ctx = make_ctx(reg=reg)
    out = translate(ctx, source_code="unknown", source_system="http://x/src", map_url="http://x/a")
    assert next(p for p in out["parameter"] if p["name"] == "result")["valueBoolean"] is False
