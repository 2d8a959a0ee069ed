"""service.web.parse: request bodies (JSON, FHIR XML, forms) and the merged, typed operation parameters; the shape
check of resources carried in parameters."""
from __future__ import annotations

import io
import time

import orjson
import pytest

from helpers import ANIMALS, FHIR_JSON, assert_oo, vs_url
from service import fhir_io
from service.errors import Invalid, TerminologyError
from service.lru import LRUCache
from service.web import parse
from service.web.request import FORM_TYPE, HttpRequest


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


# ---- the parsing functions over an HttpRequest --------------------------------------------------------------------

R4_MAP = {"resourceType": "ConceptMap", "url": "http://x/cm", "status": "active", "group": [
    {"source": "http://x/s", "target": "http://x/t", "element": [{"code": "a", "target": [
        {"code": "b", "equivalence": "wider"}]}]}]}


def post(path="/r5/ValueSet/$expand", body: bytes = b"", ctype=FHIR_JSON, query="") -> HttpRequest:
    return HttpRequest({"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": query, "CONTENT_TYPE": ctype,
                        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)})


def test_json_body_reads_a_resource_as_sent():
    assert parse.json_body(post(body=b'{"resourceType": "Parameters"}')) == {"resourceType": "Parameters"}
    assert parse.json_body(post(body=b"  ")) is None
    assert parse.json_body(post(body=b"url=x", ctype=FORM_TYPE)) is None
    with pytest.raises(Invalid, match="The request body is empty"):
        parse.json_body(post(body=b""), required=True)


@pytest.mark.parametrize("body,message", [
    (b"{nope", "not valid JSON"), (b"[1]", "must be a FHIR resource"), (b'{"resourceType": 5}', "must be a FHIR")])
def test_json_body_errors_are_400(body, message):
    with pytest.raises(Invalid, match=message):
        parse.json_body(post(body=body))


def test_other_media_types_are_415():
    with pytest.raises(TerminologyError) as info:
        parse.json_body(post(body=b"x", ctype="text/plain"))
    assert info.value.status == 415 and info.value.issue_code == "not-supported"
    assert "text/plain" in info.value.message


def test_an_xml_body_is_read_as_fhir_xml():
    xml = b'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="count"/><valueInteger value="2"/>' \
          b'</parameter></Parameters>'
    assert parse.json_body(post(body=xml, ctype="application/fhir+xml")) == {
        "resourceType": "Parameters", "parameter": [{"name": "count", "valueInteger": 2}]}
    with pytest.raises(Invalid, match="not acceptable FHIR XML"):
        parse.json_body(post(body=b"<Parameters", ctype="application/fhir+xml"))


def test_r5_body_converts_an_r4_body_and_leaves_r5_alone():
    raw = orjson.dumps(R4_MAP)
    r4 = parse.r5_body(post("/r4/ConceptMap/$translate", raw))
    assert r4["group"][0]["element"][0]["target"][0] == {"code": "b", "relationship": "source-is-narrower-than-target"}
    assert parse.r5_body(post("/r5/ConceptMap/$translate", raw)) == R4_MAP
    assert parse.r5_body(HttpRequest({"REQUEST_METHOD": "GET", "PATH_INFO": "/r4/metadata"})) is None


def test_operation_params_merge_query_form_and_body_without_control_parameters():
    req = post(body=b"count=2&_pretty=true", ctype=FORM_TYPE, query="url=http%3A%2F%2Fx%2Fvs&_format=json")
    assert parse.operation_params(req) == {"url": ["http://x/vs"], "count": [2]}
    body = b'{"resourceType": "Parameters", "parameter": [{"name": "activeOnly", "valueBoolean": true}]}'
    assert parse.operation_params(post(body=body, query="filter=do")) == {"filter": ["do"], "activeOnly": [True]}


def test_a_bare_resource_body_fills_the_operations_resource_parameter():
    vs = {"resourceType": "ValueSet", "url": "http://x/vs", "status": "active"}
    assert parse.operation_params(post(body=orjson.dumps(vs)), "valueSet") == {"valueSet": [vs]}
    with pytest.raises(Invalid, match="Expected a Parameters resource in the request body, got 'ValueSet'"):
        parse.operation_params(post(body=orjson.dumps(vs)))


def test_check_resource_drops_a_malformed_id_and_refuses_a_non_resource():
    res = {"resourceType": "ValueSet", "id": "not valid!", "status": "active"}
    parse.check_resource(res, "valueSet", "R5")
    assert "id" not in res
    kept = {"resourceType": "ValueSet", "id": "ok-1.2", "status": "active"}
    parse.check_resource(kept, "valueSet", "R5")
    assert kept["id"] == "ok-1.2"
    with pytest.raises(Invalid, match="must carry a FHIR resource"):
        parse.check_resource("x", "tx-resource", "R5")


def test_check_resource_reports_the_path_and_remembers_what_passed(monkeypatch):
    bad = {"resourceType": "ValueSet", "status": "active", "experimental": "maybe"}
    with pytest.raises(Invalid) as info:
        parse.check_resource(bad, "valueSet", "R4")
    assert "The ValueSet in 'valueSet' is not valid FHIR" in info.value.message and "experimental" in info.value.message
    calls = []
    real = fhir_io.validate_resource
    monkeypatch.setattr(fhir_io, "validate_resource", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    cache = LRUCache(max_items=10, max_bytes=1 << 20)
    good = {"resourceType": "ValueSet", "status": "active"}
    for _ in range(3):
        parse.check_resource(dict(good), "valueSet", "R4", cache)
    assert len(calls) == 1                       # the same content is validated once
    parse.check_resource(dict(good), "valueSet", "R5", cache)
    assert len(calls) == 2                       # ... per FHIR version


def test_problem_text_lists_five_problems_and_counts_the_rest():
    assert parse.problem_text([]) == "its structure could not be read"
    text = parse.problem_text([(f"p{i}", f"m{i}") for i in range(7)])
    assert text == "p0: m0; p1: m1; p2: m2; p3: m3; p4: m4 (and 2 more)"


# ---- issue #14: bounded, linear XML bodies with plain error messages ----------------------------------

INTERNALS = ("DTDForbidden", "lxml", "expat", "defusedxml", "pydantic", "errors.pydantic.dev", "Traceback",
             "XMLSyntaxError", "ValidationError")


def _post_xml(client, body: bytes):
    return client.post("/r4/ValueSet/$expand", data=body, content_type="application/fhir+xml")


def test_twenty_thousand_xml_parameters_are_read_in_linear_time(client):
    """Defect 2: a Parameters with 20,000 entries took 8.6 s in XML (quadratic) against ~20 ms in JSON."""
    entries = "".join(f'<parameter><name value="designation"/><valueString value="d{i}"/></parameter>'
                      for i in range(20_000))
    body = (f'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="url"/><valueUri value="{vs_url("pets")}"/>'
            f'</parameter>{entries}</Parameters>').encode()
    start = time.perf_counter()
    r = _post_xml(client, body)
    assert time.perf_counter() - start < 3.0
    assert r.status_code == 200 and r.get_json()["resourceType"] == "ValueSet"


def test_an_xml_element_with_200000_attributes_is_refused_at_once(client):
    """Defect 2: one element with 200,000 attributes (2.3 MB) kept a worker at 100 % CPU for 6 minutes."""
    attrs = " ".join(f'a{i}="x"' for i in range(200_000))
    start = time.perf_counter()
    r = _post_xml(client, f'<Parameters xmlns="http://hl7.org/fhir"><parameter {attrs}/></Parameters>'.encode())
    assert time.perf_counter() - start < 3.0
    assert r.status_code == 400 and "more than 32 attributes" in r.get_json()["issue"][0]["details"]["text"]


@pytest.mark.parametrize("body, status, words", [
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lolz "&lol;&lol;">]>'
     b'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="&lolz;"/></parameter></Parameters>',
     400, "document type declaration"),
    (b'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="url"/></parameter>', 400, "not well-formed"),
    (b'<Parameters xmlns="http://hl7.org/fhir"><parameter><valueBoolean value="maybe"/></parameter></Parameters>',
     400, "not a valid boolean"),
    (b'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="url"/><valueUrx value="x"/>'
     b'</parameter></Parameters>', 400, "unknown element 'valueUrx' in Parameters.parameter[0]"),
    (b'<Parameters xmlns="http://hl7.org/fhir">' + b"<parameter><part>" * 1 + b"<part>" * 100 + b"</part>" * 100
     + b"</part></parameter></Parameters>", 400, "nests elements more than 64 deep"),
])
def test_xml_errors_are_plain_operation_outcomes(client, body, status, words):
    """Defect 6: no exception class names, library names, pydantic URLs or versions in the answer."""
    r = _post_xml(client, body)
    assert r.status_code == status and r.mimetype == "application/fhir+json"
    oo = r.get_json()
    text = oo["issue"][0]["details"]["text"]
    assert oo["resourceType"] == "OperationOutcome" and words in text
    for internal in INTERNALS:
        assert internal not in r.get_data(as_text=True)
