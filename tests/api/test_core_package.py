"""The built-in content together with the FHIR R4 core package, as `rrall-tx serve` runs by default: answers
an integrator must be able to trust (exact value-set membership, lossless /r4, no fragment shadowing)."""
from __future__ import annotations

import pytest

from helpers import CORE, param

RR = "http://terminology.rr-all.org/fhir"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


@pytest.fixture(scope="module")
def cc(tmp_path_factory):
    from service import create_app

    app = create_app({"PACKAGES": [str(CORE)], "CACHE_DIR": str(tmp_path_factory.mktemp("cache"))})
    app.config.update(TESTING=False)
    return app.test_client()


def _validate(cc, vs, system, code, version="r4"):
    r = cc.get(f"/{version}/ValueSet/$validate-code", query_string={"url": f"{RR}/ValueSet/{vs}",
                                                                   "system": system, "code": code})
    assert r.status_code == 200
    return r.get_json()


@pytest.mark.parametrize("vs,system,code", [
    ("rr-all-icd10cm-disease-status", ICD, "E11.9"),             # type 2 diabetes
    ("rr-all-icd10cm-disease-status", ICD, "C91.03"),            # does not exist
    ("rr-all-snomedct-mapped", "http://snomed.info/sct", "44054006"),
    ("rr-all-loinc-mapped", "http://loinc.org", "2345-7"),
    ("rr-all-rxnorm-mapped", "http://www.nlm.nih.gov/research/umls/rxnorm", "6809"),
])
def test_an_enumerated_value_set_holds_exactly_what_it_lists(cc, vs, system, code):
    out = _validate(cc, vs, system, code)
    assert param(out, "result") is False
    assert "was not found in the value set" in param(out, "message")


def test_a_listed_code_is_still_valid(cc):
    assert param(_validate(cc, "rr-all-icd10cm-disease-status", ICD, "C91.02"), "result") is True


def test_r4_translate_keeps_the_maps_own_equivalence_and_r5_the_matching_relationship(cc):
    q = {"url": "http://hl7.org/fhir/ConceptMap/cm-administrative-gender-v3",
         "system": "http://hl7.org/fhir/administrative-gender", "code": "male"}
    r4 = cc.get("/r4/ConceptMap/$translate", query_string=q).get_json()
    parts = {p["name"]: p for p in r4["parameter"][1]["part"]}
    assert parts["equivalence"]["valueCode"] == "equal"
    r5 = cc.get("/r5/ConceptMap/$translate", query_string=q).get_json()
    parts = {p["name"]: p for p in r5["parameter"][1]["part"]}
    assert parts["relationship"]["valueCode"] == "equivalent"
    # and the map read on /r4 is the map as published (equal, equal, wider, equal)
    cm = cc.get("/r4/ConceptMap/cm-administrative-gender-v3").get_json()
    assert [t["equivalence"] for g in cm["group"] for e in g["element"] for t in e["target"]] == \
        ["equal", "equal", "wider", "equal"]


def test_contained_resources_are_served_in_r4_shape(cc):
    vs = cc.get("/r4/ValueSet/nhin-purposeofuse").get_json()
    text = str(vs.get("contained"))
    assert vs.get("contained") and "relationship" not in text and "equivalence" in text


def test_listed_codes_of_a_fragment_system_are_not_dropped(cc):
    out = cc.get("/r4/ValueSet/$expand", query_string={"url": "http://hl7.org/fhir/ValueSet/investigation-sets"})
    assert out.status_code == 200
    exp = out.get_json()["expansion"]
    assert exp["total"] == 2 and {c["code"] for c in exp["contains"]} == {"271336007", "160237006"}
    assert any(x["url"].endswith("valueset-unclosed") for x in exp["extension"])


def test_lookup_of_a_concept_without_display_returns_its_best_designation(cc):
    out = cc.get("/r4/CodeSystem/$lookup", query_string={
        "system": "http://terminology.hl7.org/CodeSystem/v2-0210", "code": "OR"}).get_json()
    display = [p for p in out["parameter"] if p["name"] == "display"]
    assert display and display[0]["valueString"] == "OF"
    assert display[0]["_valueString"]["extension"][0]["valueCode"] == "nl"


def test_the_complete_core_code_system_answers_not_our_verified_fragment_of_it(cc):
    out = cc.get("/r4/CodeSystem/$validate-code", query_string={
        "url": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "resolved"}).get_json()
    assert param(out, "result") is True and param(out, "display") == "Resolved"
    assert "fragment" not in str(out)


@pytest.mark.parametrize("query", ["count=100000000000000000000", "offset=100000000000000000000", "count=2147483648"])
def test_integers_outside_fhirs_range_are_a_400_quoting_the_value(cc, query):
    r = cc.get(f"/r4/ValueSet/$expand?url={RR}/ValueSet/rr-all-drug&{query}")
    assert r.status_code == 400
    assert query.split("=")[1] in r.get_json()["issue"][0]["details"]["text"]


def test_a_json_integer_of_ten_to_the_forty_is_a_400(cc):
    body = {"resourceType": "Parameters", "parameter": [{"name": "url", "valueUri": f"{RR}/ValueSet/rr-all-drug"},
                                                        {"name": "count", "valueInteger": 10**40}]}
    r = cc.post("/r4/ValueSet/$expand", json=body, headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 400 and r.get_json()["resourceType"] == "OperationOutcome"
