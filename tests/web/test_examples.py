"""service/web/openapi/examples.py: example values are the built-in content's; the bodies built from them are
what the server reads (FHIR JSON, FHIR XML, form)."""
from __future__ import annotations

import json
from pathlib import Path

from web.openapi_helpers import op, param, params, spec

REPO = Path(__file__).resolve().parents[2]


def _codes(concepts):
    for c in concepts:
        yield c["code"]
        yield from _codes(c.get("concept", []))


def test_the_examples_name_real_content():
    from service.web.openapi import examples as X

    symptom = json.loads((REPO / "codesystems" / "CodeSystem-rr-all-symptom.json").read_text(encoding="utf-8"))
    assert symptom["url"] == X.SYMPTOM_CS and X.CODE in set(_codes(symptom["concept"]))
    assert json.loads((REPO / "valuesets" / "ValueSet-rr-all-symptom.json").read_text())["url"] == X.SYMPTOM_VS
    cm = json.loads((REPO / "conceptmaps" / "ConceptMap-rr-all-to-icd10cm.json").read_text(encoding="utf-8"))
    assert cm["url"] == X.TO_ICD10CM and any(e["code"] == "relapse" for g in cm["group"] for e in g["element"])
    ids = {p["example"] for item in spec()["paths"].values() for o in item.values() for p in params(o)
           if p["in"] == "path" and p["name"] == "id"}
    assert ids == set(X.IDS.values())
    for rid in ids:
        assert any((REPO / d).glob(f"*-{rid}.json") for d in ("codesystems", "valuesets", "conceptmaps")), rid
    assert param("/r4/CodeSystem/$lookup", "code")["example"] == X.CODE


def test_parameters_bodies_carry_typed_values():
    from service.web.openapi.examples import as_parameters

    body = as_parameters({"url": "http://x", "count": 10, "activeOnly": True, "property": ["parent", "child"],
                          "code": "a"})
    assert body["parameter"] == [{"name": "url", "valueUri": "http://x"}, {"name": "count", "valueInteger": 10},
                                 {"name": "activeOnly", "valueBoolean": True},
                                 {"name": "property", "valueCode": "parent"},
                                 {"name": "property", "valueCode": "child"}, {"name": "code", "valueCode": "a"}]


def test_the_xml_body_is_the_json_body_in_fhir_xml():
    from service import fhir_io
    from service.web.openapi.examples import as_parameters, as_xml

    body = as_parameters({"system": "http://x?a=1&b=<2>", "code": "a", "count": 3, "activeOnly": False})
    assert fhir_io.from_xml(as_xml(body).encode(), fhir_io.R4) == body


def test_the_form_example_is_the_query_example():
    lookup = op("/r5/CodeSystem/$lookup", "post")["requestBody"]["content"]
    form = lookup["application/x-www-form-urlencoded"]["example"]
    query = {p["name"]: p["example"] for p in params(op("/r5/CodeSystem/$lookup")) if "example" in p and
             p["in"] == "query"}
    assert form == query
    fhir = {p["name"] for p in lookup["application/fhir+json"]["example"]["parameter"]}
    assert fhir == set(query)
