"""HTTP tests for ConceptMap/$translate on /r4 (R4 params, equivalence) and /r5 (R5 params, relationship),
against the repo's real ConceptMaps plus a small inline map."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from service import create_app  # noqa: E402

CM_FILE = REPO / "conceptmaps" / "ConceptMap-rr-all-to-icd10cm.json"
FHIR_JSON = "application/fhir+json"


def _real_mapping():
    """The 'relapse' element of the disease-status group in the ICD-10-CM map (read from the file)."""
    cm = json.loads(CM_FILE.read_text())
    for group in cm["group"]:
        for element in group["element"]:
            if element["code"] == "relapse":
                return cm, group, element
    raise AssertionError("no 'relapse' element in " + CM_FILE.name)


CM, GROUP, ELEMENT = _real_mapping()
TARGET = ELEMENT["target"][0]
ORIGIN = f"{CM['url']}|{CM['version']}"


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


def _parts(match):
    return {p["name"]: p for p in match["part"]}


def _matches(body):
    return [_parts(p) for p in body["parameter"] if p["name"] == "match"]


def _param(body, name):
    return next((p for p in body["parameter"] if p["name"] == name), None)


def test_r4_get_with_r4_params_answers_equivalence(client):
    resp = client.get("/r4/ConceptMap/$translate", query_string={
        "code": ELEMENT["code"], "system": GROUP["source"], "targetsystem": GROUP["target"], "url": CM["url"]})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert _param(body, "result")["valueBoolean"] is True
    [match] = _matches(body)
    assert match["equivalence"]["valueCode"] == TARGET["equivalence"]
    assert "relationship" not in match
    assert match["concept"]["valueCoding"]["code"] == TARGET["code"]
    assert match["concept"]["valueCoding"]["system"] == GROUP["target"]
    assert match["originMap"]["valueCanonical"] == ORIGIN


def test_r5_post_with_r5_params_answers_relationship(client):
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "sourceCoding", "valueCoding": {"system": GROUP["source"], "code": ELEMENT["code"]}},
        {"name": "targetSystem", "valueUri": GROUP["target"]}]}
    resp = client.post("/r5/ConceptMap/$translate", json=body, headers={"Content-Type": FHIR_JSON})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    [match] = _matches(resp.get_json())
    assert match["relationship"]["valueCode"] == "equivalent"     # R4 'equivalent' in the file
    assert "equivalence" not in match
    assert match["concept"]["valueCoding"]["display"] == TARGET["display"]


def test_r4_reverse_returns_source_concept(client):
    resp = client.get("/r4/ConceptMap/$translate", query_string={
        "code": TARGET["code"], "system": GROUP["target"], "reverse": "true", "url": CM["url"]})
    assert resp.status_code == 200
    codes = {m["concept"]["valueCoding"]["code"] for m in _matches(resp.get_json())}
    assert ELEMENT["code"] in codes


def test_instance_translate(client):
    resp = client.get(f"/r5/ConceptMap/{CM['id']}/$translate", query_string={
        "sourceCode": ELEMENT["code"], "system": GROUP["source"]})
    assert resp.status_code == 200
    assert {m["originMap"]["valueCanonical"] for m in _matches(resp.get_json())} == {ORIGIN}


def test_unknown_code_is_result_false_with_message(client):
    resp = client.get("/r5/ConceptMap/$translate", query_string={
        "sourceCode": "not-a-code", "system": GROUP["source"]})
    body = resp.get_json()
    assert resp.status_code == 200
    assert _param(body, "result")["valueBoolean"] is False
    assert "not-a-code" in _param(body, "message")["valueString"]


def test_unknown_map_is_422_operation_outcome(client):
    resp = client.get("/r5/ConceptMap/$translate", query_string={
        "url": "http://example.org/cm/none", "sourceCode": "x", "system": GROUP["source"]})
    assert resp.status_code == 422
    oo = resp.get_json()
    assert oo["resourceType"] == "OperationOutcome"
    assert "http://example.org/cm/none" in oo["issue"][0]["details"]["text"]


def test_unknown_instance_is_404(client):
    resp = client.get("/r5/ConceptMap/no-such-map/$translate", query_string={"sourceCode": "x", "system": "y"})
    assert resp.status_code == 404


def test_missing_code_is_400(client):
    resp = client.get("/r4/ConceptMap/$translate", query_string={"system": GROUP["source"]})
    assert resp.status_code == 400


INLINE_R4 = {"resourceType": "ConceptMap", "url": "http://example.org/cm/inline", "version": "1", "status": "draft",
             "group": [{"source": "http://example.org/cs/s", "target": "http://example.org/cs/t", "element": [
                 {"code": "s1", "target": [{"code": "t1", "equivalence": "wider"}]},
                 {"code": "s2", "target": [{"equivalence": "unmatched"}]}]}]}


def test_r4_inline_conceptmap_via_post(client):
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "conceptMap", "resource": INLINE_R4},
        {"name": "code", "valueCode": "s1"}, {"name": "system", "valueUri": "http://example.org/cs/s"}]}
    resp = client.post("/r4/ConceptMap/$translate", json=body, headers={"Content-Type": FHIR_JSON})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    [match] = _matches(resp.get_json())
    assert match["equivalence"]["valueCode"] == "wider"
    assert match["concept"]["valueCoding"] == {"system": "http://example.org/cs/t", "code": "t1"}
    assert match["originMap"]["valueCanonical"] == "http://example.org/cm/inline|1"


def test_r4_inline_unmatched_element_gives_no_match(client):
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "conceptMap", "resource": INLINE_R4},
        {"name": "code", "valueCode": "s2"}, {"name": "system", "valueUri": "http://example.org/cs/s"}]}
    resp = client.post("/r4/ConceptMap/$translate", json=body, headers={"Content-Type": FHIR_JSON})
    body = resp.get_json()
    assert _matches(body) == [] and _param(body, "result")["valueBoolean"] is False


def test_r5_inline_map_and_reverse_target_code(client):
    inline_r5 = {"resourceType": "ConceptMap", "url": "http://example.org/cm/inline5", "status": "draft",
                 "group": [{"source": "http://example.org/cs/s", "target": "http://example.org/cs/t", "element": [
                     {"code": "s1", "target": [{"code": "t1", "relationship": "source-is-broader-than-target"}]}]}]}
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "conceptMap", "resource": inline_r5},
        {"name": "targetCode", "valueCode": "t1"}, {"name": "targetSystem", "valueUri": "http://example.org/cs/t"}]}
    resp = client.post("/r5/ConceptMap/$translate", json=body, headers={"Content-Type": FHIR_JSON})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    [match] = _matches(resp.get_json())
    assert match["source"]["valueCoding"]["code"] == "s1"
    assert match["relationship"]["valueCode"] == "source-is-broader-than-target"


def test_capability_statement_lists_translate(client):
    cs = client.get("/r4/metadata").get_json()
    cm = next(r for r in cs["rest"][0]["resource"] if r["type"] == "ConceptMap")
    assert "translate" in {op["name"] for op in cm["operation"]}
