"""Regressions found by reviewing the one-pipeline rewrite (service.web): each asserts the fixed behaviour."""
from __future__ import annotations

import io
import json

import pytest

from helpers import ANIMALS, vs_url
from service.web.request import HttpRequest


def _oo(r, status):
    assert r.status_code == status, r.data
    body = json.loads(r.data)
    assert body["resourceType"] == "OperationOutcome"
    return body


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_no_stray_static_route(client, method):
    r = getattr(client, method)("/static/x")
    assert r.status_code in (404, 405) and r.status_code != 500
    if method != "head":
        _oo(r, r.status_code)


def test_every_url_map_rule_is_a_route(app):
    routes = app.extensions["rrall"]["service"].routes
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints and endpoints <= set(routes)


def test_a_lenient_search_is_not_served_to_a_strict_client(client):
    lenient = client.get("/r5/CodeSystem?foo=1", headers={"Prefer": "handling=lenient"})
    assert lenient.status_code == 200 and "Prefer" in lenient.headers["Vary"]
    _oo(client.get("/r5/CodeSystem?foo=1"), 400)


def test_error_answers_survive_a_query_that_is_not_utf8(client):
    env = {"QUERY_STRING": "%FF=1"}
    assert client.open("/nope", method="OPTIONS", environ_overrides=env).status_code == 404
    big = client.post("/r5/ValueSet/$expand", data=b"{}", content_type="application/fhir+json",
                      environ_overrides={**env, "CONTENT_LENGTH": "999999999999"})
    _oo(big, 413)
    _oo(client.get(f"/r4/CodeSystem/$lookup?system={ANIMALS}", environ_overrides={"QUERY_STRING": "code=%FF"}), 400)


def test_a_body_without_length_is_read_only_when_the_server_says_it_ends():
    class Endless(io.RawIOBase):
        def read(self, n=-1):
            raise AssertionError("must not read a body of unknown length")

    env = {"REQUEST_METHOD": "POST", "PATH_INFO": "/r4/ValueSet/$expand", "wsgi.input": Endless()}
    assert HttpRequest(env).body() == b""
    chunked = {**env, "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(b'{"a": 1}')}
    assert HttpRequest(chunked).body() == b'{"a": 1}'


@pytest.mark.parametrize("part", [
    {"name": "valueSetVersion", "valueInteger": 3},
    {"name": "system", "valueInteger": 5},
    {"name": "coding", "valueCoding": {"system": 5, "code": "dog"}},
    {"name": "tx-resource", "resource": {"resourceType": "CodeSystem", "url": "http://x/cs", "status": "active",
                                         "content": "complete", "concept": "bad"}},
])
def test_batch_validate_code_types_and_checks_each_validation(client, part):
    sub = {"resourceType": "Parameters", "parameter": [{"name": "url", "valueUri": vs_url("pets")},
                                                       {"name": "code", "valueCode": "dog"}, part]}
    body = {"resourceType": "Parameters", "parameter": [{"name": "validation", "resource": sub}]}
    r = client.post("/r4/ValueSet/$batch-validate-code", json=body)
    assert r.status_code == 400 and r.get_json()["resourceType"] == "OperationOutcome"


def test_deeply_nested_input_is_a_400():
    from service.params import from_parameters
    from service.errors import Invalid

    part = {"name": "leaf", "valueString": "x"}
    for _ in range(40):
        part = {"name": "p", "part": [part]}
    with pytest.raises(Invalid):
        from_parameters({"resourceType": "Parameters", "parameter": [part]})


def test_deeply_contained_resources_are_a_400(client):
    vs = {"resourceType": "ValueSet", "url": "http://x/vs", "status": "active"}
    for _ in range(300):
        vs = {"resourceType": "ValueSet", "status": "active", "contained": [vs]}
    vs["url"] = "http://x/outer"
    r = client.post("/r5/ValueSet/$expand", json={"resourceType": "Parameters",
                                                  "parameter": [{"name": "valueSet", "resource": vs}]})
    assert r.status_code == 400


@pytest.mark.parametrize("url", ["ValueSet/%24bundle?mode=expanded", "%24package", "ValueSet/pets/%24expand%2Ecsv"])
def test_downloads_cannot_hide_in_a_batch_by_encoding(client, url):
    body = {"resourceType": "Bundle", "type": "batch", "entry": [{"request": {"method": "GET", "url": url}}]}
    entry = client.post("/r4", json=body).get_json()["entry"][0]
    assert entry["response"]["status"].startswith("400") and "batch" in str(entry["resource"])


def test_a_batch_entry_asking_for_xml_still_answers_fhir_json(client):
    body = {"resourceType": "Bundle", "type": "batch", "entry": [
        {"request": {"method": "GET", "url": f"CodeSystem/$lookup?system={ANIMALS}&code=dog&_format=xml"}}]}
    entry = client.post("/r4", json=body).get_json()["entry"][0]
    assert entry["response"]["status"].startswith("200") and entry["resource"]["resourceType"] == "Parameters"


def test_search_links_carry_what_was_used_encoded(client):
    r = client.get("/r4/ValueSet?name=a%26b&foo=1", headers={"Prefer": "handling=lenient"}).get_json()
    self_link = next(link["url"] for link in r["link"] if link["relation"] == "self")
    assert "name=a%26b" in self_link and "foo" not in self_link


def test_java_default_accept_gets_fhir_and_a_browser_gets_a_page(client):
    java = client.get("/r4/metadata", headers={"Accept": "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"})
    assert java.mimetype == "application/fhir+json"
    browser = client.get("/r4/metadata", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.mimetype == "text/html"


def test_versions_has_an_etag_and_gzip_honours_qualities(client):
    assert client.get("/r4/$versions").headers.get("ETag")
    from service.web.layers.compress import _accepts_gzip
    assert _accepts_gzip("*;q=0, gzip") and not _accepts_gzip("gzip;Q=0") and _accepts_gzip("br, *")
    assert not _accepts_gzip("identity")


def test_a_404_names_the_path_readably(client):
    body = _oo(client.get("/r5/CodeSystem/%E2%82%AC/x/y"), 404)
    assert "€" in body["issue"][0]["details"]["text"]
