"""service.web.parse: request bodies (JSON, FHIR XML, forms) and the merged, typed operation parameters; the shape
check of resources carried in parameters."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, FHIR_JSON, assert_oo, vs_url


@pytest.mark.parametrize("base", ["/r4", "/r5"])
def test_conflicting_parameter_values_are_400(client, base):
    r = client.post(f"{base}/ValueSet/$expand?count=1", data={"url": vs_url("pets"), "count": "2"})
    body = assert_oo(r, 400)
    assert "count" in body["issue"][0]["details"]["text"]
    body_params = {"resourceType": "Parameters", "parameter": [{"name": "url", "valueUri": vs_url("mammals")}]}
    r = client.post(f"{base}/ValueSet/$expand?url={vs_url('pets')}", json=body_params, content_type=FHIR_JSON)
    assert_oo(r, 400)


def test_same_value_twice_is_not_a_conflict(client):
    body = {"resourceType": "Parameters", "parameter": [{"name": "url", "valueUri": vs_url("pets")}]}
    r = client.post(f"/r4/ValueSet/$expand?url={vs_url('pets')}", json=body, content_type=FHIR_JSON)
    assert r.status_code == 200 and r.get_json()["resourceType"] == "ValueSet"


def test_bad_json_is_400(client):
    assert_oo(client.post("/r4/ValueSet/$expand", data="{not json", content_type=FHIR_JSON), 400)


def test_wrong_resource_type_is_400(client):
    r = client.post("/r5/ValueSet/$expand", json={"resourceType": "Patient"}, content_type=FHIR_JSON)
    assert_oo(r, 400)
    r = client.post("/r5/CodeSystem/$lookup", json={"resourceType": "ValueSet"}, content_type=FHIR_JSON)
    assert_oo(r, 400)


def test_unsupported_content_type_is_415(client):
    r = client.post("/r4/ValueSet/$expand", data="url=x", content_type="text/plain")
    assert_oo(r, 415)


def test_unsafe_xml_body_is_400(client):
    body = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="&x;"/></parameter></Parameters>')
    assert_oo(client.post("/r4/ValueSet/$expand", data=body, content_type="application/fhir+xml"), 400)


@pytest.mark.parametrize("query", ["activeOnly=maybe", "count=ten", "includeDesignations=1"])
def test_bad_typed_query_values_are_400(client, query):
    assert_oo(client.get(f"/r4/ValueSet/pets/$expand?{query}"), 400)


def test_a_malformed_id_on_a_resource_in_a_parameter_is_ignored(client):
    # the id of a request-carried resource is never used; other servers accept such ids
    vs = {"resourceType": "ValueSet", "id": "$id$", "url": "http://example.org/fhir/ValueSet/inline-x",
          "status": "active", "compose": {"include": [{"system": ANIMALS, "concept": [{"code": "dog"}]}]}}
    r = client.post("/r5/ValueSet/$expand", json={"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": vs}]}, content_type=FHIR_JSON)
    assert r.status_code == 200, r.get_json()
    assert [c["code"] for c in r.get_json()["expansion"]["contains"]] == ["dog"]
    # other structural errors are still 400s
    bad = dict(vs, experimental="not a boolean")
    r = client.post("/r5/ValueSet/$expand", json={"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": bad}]}, content_type=FHIR_JSON)
    assert_oo(r, 400)


def test_xml_request_body_is_accepted(client):
    body = (f'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="url"/>'
            f'<valueUri value="{vs_url("pets")}"/></parameter></Parameters>')
    r = client.post("/r5/ValueSet/$expand", data=body, content_type="application/fhir+xml")
    assert r.status_code == 200
    assert {c["code"] for c in r.get_json()["expansion"]["contains"]} >= {"dog", "cat"}
