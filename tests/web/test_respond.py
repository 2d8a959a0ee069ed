"""service.web.respond: results and errors rendered once -- FHIR JSON or XML as negotiated, R4 conversion,
Content-Type, weak ETags, files with their validators, OperationOutcomes with the error's status."""
from __future__ import annotations

from helpers import ANIMALS


def test_format_xml_returns_fhir_xml(client):
    r = client.get("/r4/metadata?_format=xml")
    assert r.status_code == 200 and r.mimetype == "application/fhir+xml"
    assert b"<CapabilityStatement" in r.data and b'<fhirVersion value="4.0.1"/>' in r.data


def test_accept_header_prefers_xml_only_when_it_outranks_json(client):
    url = f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog"
    assert client.get(url, headers={"Accept": "application/fhir+xml"}).mimetype == "application/fhir+xml"
    both = client.get(url, headers={"Accept": "application/fhir+json, application/fhir+xml;q=0.5"})
    assert both.mimetype == "application/fhir+json"


def test_errors_come_back_in_xml_too(client):
    r = client.get("/r4/ValueSet/nope?_format=xml")
    assert r.status_code == 404 and r.mimetype == "application/fhir+xml"
    assert b"<OperationOutcome" in r.data


def test_format_json_gives_plain_json_mimetype(client):
    r = client.get("/r4/metadata?_format=json")
    assert r.mimetype == "application/json"
    assert r.get_json()["resourceType"] == "CapabilityStatement"


def test_get_responses_carry_a_weak_etag(client):
    r = client.get("/r4/metadata")
    etag, weak = r.get_etag()
    assert etag and weak
