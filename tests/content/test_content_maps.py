"""service.content_maps: the ConceptMaps, their target ValueSets and the external fragments built from the verified
codes, on a small builder of invented content (an invented external system, not a real terminology)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from service import content_maps as M
from service.content_build import Builder

EXT = "http://example.org/ext"
BASE = "http://example.org/rr"


def builder(systems=None):
    concepts = [SimpleNamespace(code="relapse", display="Relapse"), SimpleNamespace(code="remission",
                                                                                     display="Remission")]
    source = SimpleNamespace(
        project={"base": BASE, "version": "0.9", "publisher": "Test",
                 "external-systems": systems or {EXT: {"key": "ext", "label": "Ext System", "copyright": "Free  to\n use."}}},
        codesystems=[SimpleNamespace(id="status", concepts=concepts)])
    return Builder(source)


def verified(concept_id, code, display, equivalence="equivalent", **extra):
    return {"concept_id": concept_id, "system": EXT, "code": code, "display": display, "equivalence": equivalence,
            **extra}


def test_load_verified_keeps_entries_with_a_system_and_a_code(tmp_path):
    path = tmp_path / "verified.json"
    path.write_text(json.dumps({"codes": [verified("relapse", "E1", "One"), {"concept_id": "x", "code": "1"}],
                                "other_system_codes": [verified("remission", "E2", "Two")]}))
    assert [e["code"] for e in M.load_verified(path)] == ["E1", "E2"]


@pytest.mark.parametrize("note,applies", [
    ({"text": "t"}, True), ({"concept": "relapse", "text": "t"}, True), ({"concept": ["x", "relapse"], "text": "t"}, True),
    ({"concept": "remission", "text": "t"}, False), ({"system": "http://other", "text": "t"}, False),
    ({"code": "E1", "text": "t"}, True), ({"code": "E9", "text": "t"}, False),
    ({"evidence": "PRIMARY", "text": "t"}, True), ({"evidence": "SECONDARY", "text": "t"}, False)])
def test_a_note_applies_when_every_key_it_gives_matches(note, applies):
    e = verified("relapse", "E1", "One", evidence_source_type="PRIMARY (publisher)")
    assert M._matches(note, "relapse", e) is applies


def test_the_target_comment_joins_the_verified_note_the_matching_notes_and_the_secondary_caution():
    e = verified("relapse", "E1", "One", note="Verified note.", evidence_source_type="SECONDARY (a list)")
    notes = [{"concept": "relapse", "text": "An   authored\n note."}, {"concept": "remission", "text": "Not this."}]
    assert M.target_comment("relapse", e, notes) == f"Verified note. An authored note. {M.SECONDARY_NOTE}"
    assert M.target_comment("relapse", verified("relapse", "E1", "One"), []) is None


def test_notes_that_are_wrong_are_reported():
    problems: list[str] = []
    local = {"relapse": ("status", "Relapse")}
    M.check_notes([{"concept": "relapse", "text": "ok"}, {"concept": "relapse", "text": " ", "colour": "x"},
                   {"concept": "nothing", "text": "no match"}], [verified("relapse", "E1", "One")], local, problems)
    assert problems == ["conceptmaps.yaml: notes[1]: unknown key 'colour'", "conceptmaps.yaml: notes[1]: text is missing",
                        "conceptmaps.yaml: notes[2]: matches no mapped target"]


def test_build_maps_makes_a_map_its_target_value_set_and_the_fragment():
    b = builder()
    files = M.build_maps(b, [verified("relapse", "E1", "One"), verified("relapse", "E2", "Two", "related"),
                             verified("remission", "E3", "Three", "wider"),
                             verified("unmapped-local", "E4", "Four")], [])
    assert b.problems == []
    assert set(files) == {"valuesets/ValueSet-rr-all-ext-mapped.json", "conceptmaps/ConceptMap-rr-all-to-ext.json",
                          "codesystems/CodeSystem-ext-verified-fragment.json"}
    cm = files["conceptmaps/ConceptMap-rr-all-to-ext.json"]
    assert cm["url"] == f"{BASE}/ConceptMap/rr-all-to-ext" and cm["copyright"] == "Free to use."
    [group] = cm["group"]
    assert (group["source"], group["sourceVersion"], group["target"]) == (f"{BASE}/CodeSystem/status", "0.9", EXT)
    targets = {(el["code"], t["code"]): t["equivalence"] for el in group["element"] for t in el["target"]}
    assert targets == {("relapse", "E1"): "equivalent", ("relapse", "E2"): "relatedto", ("remission", "E3"): "wider"}
    vs = files["valuesets/ValueSet-rr-all-ext-mapped.json"]
    assert vs["compose"]["include"] == [{"system": EXT, "concept": [
        {"code": "E1", "display": "One"}, {"code": "E2", "display": "Two"}, {"code": "E3", "display": "Three"}]}]
    frag = files["codesystems/CodeSystem-ext-verified-fragment.json"]
    assert frag["url"] == EXT and frag["content"] == "fragment" and "version" not in frag
    assert [c["code"] for c in frag["concept"]] == ["E1", "E2", "E3", "E4"] and frag["count"] == 4


def test_build_maps_reports_unknown_systems_and_conflicting_displays():
    b = builder()
    M.build_maps(b, [verified("relapse", "E1", "One"), verified("remission", "E1", "Uno"),
                     {**verified("relapse", "Z", "Zed"), "system": "http://unlisted"}], [])
    assert "verified-codes.json: system 'http://unlisted' is not in project.yaml external-systems" in b.problems
    assert f"verified-codes.json: conflicting displays for {EXT}|E1" in b.problems
