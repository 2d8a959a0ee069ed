"""GET /r4|r5/metadata (CapabilityStatement, TerminologyCapabilities), $versions, /healthz."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, LETTERS, SUPPLEMENT, VERSIONED


@pytest.mark.parametrize("base,fhir_version", [("/r4", "4.0.1"), ("/r5", "5.0.0")])
def test_capability_statement_fhir_version(client, base, fhir_version):
    r = client.get(f"{base}/metadata")
    assert r.status_code == 200
    assert r.mimetype == "application/fhir+json"
    body = r.get_json()
    assert body["resourceType"] == "CapabilityStatement"
    assert body["fhirVersion"] == fhir_version
    assert body["kind"] == "instance"
    assert body["url"].endswith(f"{base}/metadata")


def test_capability_statement_lists_resources_and_operations(client):
    body = client.get("/r5/metadata").get_json()
    resources = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert set(resources) == {"CodeSystem", "ValueSet", "ConceptMap"}
    assert {o["name"] for o in resources["CodeSystem"]["operation"]} >= {"lookup", "validate-code", "subsumes"}
    assert {o["name"] for o in resources["ValueSet"]["operation"]} >= {"expand", "validate-code"}
    assert {i["code"] for i in resources["ValueSet"]["interaction"]} == {"read", "search-type"}


@pytest.mark.parametrize("base", ["/r4", "/r5"])
def test_terminology_capabilities_lists_fixture_code_systems(client, base):
    r = client.get(f"{base}/metadata?mode=terminology")
    assert r.status_code == 200
    body = r.get_json()
    assert body["resourceType"] == "TerminologyCapabilities"
    uris = {cs["uri"] for cs in body["codeSystem"]}
    assert uris == {ANIMALS, LETTERS, VERSIONED}   # the supplement is not a code system of its own
    assert SUPPLEMENT not in uris


def test_terminology_capabilities_versions_and_default(client):
    body = client.get("/r5/metadata?mode=terminology").get_json()
    versioned = next(cs for cs in body["codeSystem"] if cs["uri"] == VERSIONED)
    versions = {v["code"]: v["isDefault"] for v in versioned["version"]}
    assert versions == {"1.0.0": False, "1.2.0": False, "1.10.0": True}
    assert body["expansion"]["paging"] is True


@pytest.mark.parametrize("base,version", [("/r4", "4.0.1"), ("/r5", "5.0.0")])
def test_versions_operation(client, base, version):
    body = client.get(f"{base}/$versions").get_json()
    assert body["resourceType"] == "Parameters"
    assert {"name": "default", "valueString": version} in body["parameter"]


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


def test_format_json_gives_plain_json_mimetype(client):
    r = client.get("/r4/metadata?_format=json")
    assert r.mimetype == "application/json"
    assert r.get_json()["resourceType"] == "CapabilityStatement"


def test_get_responses_carry_a_weak_etag(client):
    r = client.get("/r4/metadata")
    etag, weak = r.get_etag()
    assert etag and weak
