"""service.web.resources: metadata (CapabilityStatement, TerminologyCapabilities), $versions, read and search of
CodeSystem, ValueSet and ConceptMap, /healthz."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, LETTERS, SUPPLEMENT, VERSIONED, vs_url


@pytest.mark.parametrize("base", ["/r4", "/r5"])
@pytest.mark.parametrize("rtype,rid,url", [("CodeSystem", "animals", ANIMALS), ("ValueSet", "pets", vs_url("pets")),
                                          ("ConceptMap", "animals-to-letters",
                                           "http://example.org/fhir/ConceptMap/animals-to-letters")])
def test_read(client, base, rtype, rid, url):
    r = client.get(f"{base}/{rtype}/{rid}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["resourceType"] == rtype and body["id"] == rid and body["url"] == url


def test_read_concept_map_in_each_fhir_version(client):
    r4 = client.get("/r4/ConceptMap/animals-to-letters").get_json()
    r5 = client.get("/r5/ConceptMap/animals-to-letters").get_json()
    assert r4["group"][0]["element"][0]["target"][0]["equivalence"] == "equivalent"
    assert r5["group"][0]["element"][0]["target"][0]["relationship"] == "equivalent"
    assert "sourceUri" in r4 and "sourceScopeUri" in r5


@pytest.mark.parametrize("path", ["/r4/ValueSet/nope", "/r5/CodeSystem/nope", "/r4/ConceptMap/nope"])
def test_read_unknown_is_404_operation_outcome(client, path):
    r = client.get(path)
    assert r.status_code == 404
    body = r.get_json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["severity"] == "error" and body["issue"][0]["code"] == "not-found"


def test_search_all_is_a_searchset_bundle(client):
    body = client.get("/r4/ValueSet").get_json()
    assert body["resourceType"] == "Bundle" and body["type"] == "searchset"
    assert body["total"] == 9 == len(body["entry"])
    assert all(e["resource"]["resourceType"] == "ValueSet" for e in body["entry"])
    assert all(e["search"]["mode"] == "match" for e in body["entry"])
    assert body["entry"][0]["fullUrl"].endswith("/r4/ValueSet/" + body["entry"][0]["resource"]["id"])


def test_search_by_url_and_version(client):
    body = client.get(f"/r5/CodeSystem?url={VERSIONED}").get_json()
    assert body["total"] == 3
    body = client.get(f"/r5/CodeSystem?url={VERSIONED}&version=1.2.0").get_json()
    assert body["total"] == 1 and body["entry"][0]["resource"]["version"] == "1.2.0"


def test_search_by_name_is_a_case_insensitive_prefix(client):
    body = client.get("/r4/CodeSystem?name=anim").get_json()
    assert {e["resource"]["id"] for e in body["entry"]} == {"animals", "animals-supplement"}


def test_search_count_and_next_link(client):
    body = client.get("/r4/ValueSet?_count=2").get_json()
    assert body["total"] == 9 and len(body["entry"]) == 2
    links = {link["relation"]: link["url"] for link in body["link"]}
    assert "_offset=2" in links["next"] and "_count=2" in links["next"]
    second = client.get(links["next"].replace("http://localhost", "")).get_json()
    assert len(second["entry"]) == 2
    assert not {e["resource"]["id"] for e in second["entry"]} & {e["resource"]["id"] for e in body["entry"]}


def test_search_last_page_has_no_next_link(client):
    body = client.get("/r4/ValueSet?_count=5&_offset=5").get_json()
    assert len(body["entry"]) == 4
    assert "next" not in {link["relation"] for link in body["link"]}


@pytest.mark.parametrize("base", ["/r4", "/r5"])
def test_search_summary_count(client, base):
    body = client.get(f"{base}/CodeSystem?_summary=count").get_json()
    assert body["total"] == 6
    assert "entry" not in body


def test_search_summary_true_drops_content(client):
    body = client.get("/r4/CodeSystem?_id=animals&_summary=true").get_json()
    res = body["entry"][0]["resource"]
    assert res["id"] == "animals" and "concept" not in res


def test_search_unknown_parameter_is_400(client):
    r = client.get("/r4/ValueSet?colour=red")
    assert r.status_code == 400 and r.get_json()["resourceType"] == "OperationOutcome"


def test_search_bad_count_is_400(client):
    r = client.get("/r4/ValueSet?_count=many")
    assert r.status_code == 400 and r.get_json()["resourceType"] == "OperationOutcome"


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


def test_capability_statement_lists_integrator_operations(rc):
    rest = rc.get("/r4/metadata").get_json()["rest"][0]
    assert {"validate", "package"} <= {o["name"] for o in rest["operation"]}
    assert {"code": "batch"} in rest["interaction"]
    vs = next(r for r in rest["resource"] if r["type"] == "ValueSet")
    assert {"validate", "bundle"} <= {o["name"] for o in vs["operation"]}
