"""application/fhir+xml on the API: responses by _format or Accept, request bodies in XML."""
from __future__ import annotations

from helpers import ANIMALS, vs_url


def test_format_xml_returns_fhir_xml(client):
    r = client.get("/r4/metadata?_format=xml")
    assert r.status_code == 200 and r.mimetype == "application/fhir+xml"
    assert b"<CapabilityStatement" in r.data and b'<fhirVersion value="4.0.1"/>' in r.data


def test_accept_header_prefers_xml_only_when_it_outranks_json(client):
    url = f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog"
    assert client.get(url, headers={"Accept": "application/fhir+xml"}).mimetype == "application/fhir+xml"
    both = client.get(url, headers={"Accept": "application/fhir+json, application/fhir+xml;q=0.5"})
    assert both.mimetype == "application/fhir+json"


def test_xml_request_body_is_accepted(client):
    body = (f'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="url"/>'
            f'<valueUri value="{vs_url("pets")}"/></parameter></Parameters>')
    r = client.post("/r5/ValueSet/$expand", data=body, content_type="application/fhir+xml")
    assert r.status_code == 200
    assert {c["code"] for c in r.get_json()["expansion"]["contains"]} >= {"dog", "cat"}


def test_errors_come_back_in_xml_too(client):
    r = client.get("/r4/ValueSet/nope?_format=xml")
    assert r.status_code == 404 and r.mimetype == "application/fhir+xml"
    assert b"<OperationOutcome" in r.data
