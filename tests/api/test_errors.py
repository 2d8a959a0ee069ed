"""HTTP error handling: every error is an OperationOutcome with a 4xx status; never a 500 or a stack trace."""
from __future__ import annotations

import json
import logging

import pytest

from helpers import ANIMALS, vs_url

FHIR_JSON = "application/fhir+json"
OPERATIONS = ["/CodeSystem/$lookup", "/CodeSystem/$validate-code", "/CodeSystem/$subsumes", "/ValueSet/$expand",
              "/ValueSet/$validate-code", "/ValueSet/$batch-validate-code", "/ConceptMap/$translate",
              "/CodeSystem/animals/$lookup", "/CodeSystem/animals/$validate-code", "/CodeSystem/animals/$subsumes",
              "/ValueSet/pets/$expand", "/ValueSet/pets/$validate-code", "/ConceptMap/animals-to-letters/$translate"]


def assert_oo(r, status: int | None = None):
    assert r.mimetype in (FHIR_JSON, "application/json")
    body = r.get_json()
    assert body["resourceType"] == "OperationOutcome", body
    assert body["issue"] and body["issue"][0]["severity"] in ("error", "fatal")
    if status is not None:
        assert r.status_code == status, body
    text = json.dumps(body)
    assert "Traceback" not in text and 'File "' not in text
    return body


# ---- the status code table --------------------------------------------------------------------
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


@pytest.mark.parametrize("path", ["/r4/metadata", "/r5/ValueSet/pets", "/r4/ValueSet/pets/$expand"])
def test_accept_html_is_a_page_and_an_unknown_type_is_406(client, path):
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html" and b"<!doctype html>" in page.data
    assert_oo(client.get(path, headers={"Accept": "image/png"}), 406)


def test_unknown_format_is_406(client):
    assert_oo(client.get("/r4/metadata?_format=turtle"), 406)


def test_accept_wildcard_and_fhir_json_are_fine(client):
    for accept in ("*/*", "application/fhir+json; fhirVersion=4.0", "text/html;q=0.4, application/json;q=0.5"):
        r = client.get("/r4/metadata", headers={"Accept": accept})
        assert r.status_code == 200 and r.mimetype == "application/fhir+json"


@pytest.mark.parametrize("path", ["/r4/nothing", "/r5/ValueSet/pets/$nothing", "/r6/metadata", "/"])
def test_unknown_route_is_404(client, path):
    body = assert_oo(client.get(path), 404)
    assert body["issue"][0]["code"] == "not-found"


@pytest.mark.parametrize("method,path", [
    ("delete", "/r4/ValueSet/pets"), ("put", "/r5/CodeSystem/animals"), ("put", "/r4/ValueSet/$expand"),
    ("post", "/r5/metadata"),
    ("get", "/r4/ValueSet/$batch-validate-code")])
def test_wrong_method_is_405(client, method, path):
    body = assert_oo(getattr(client, method)(path), 405)
    assert body["issue"][0]["code"] == "not-supported"


@pytest.mark.parametrize("query", ["activeOnly=maybe", "count=ten", "includeDesignations=1"])
def test_bad_typed_query_values_are_400(client, query):
    assert_oo(client.get(f"/r4/ValueSet/pets/$expand?{query}"), 400)


def test_invalid_display_language_is_400(client):
    assert_oo(client.get("/r4/ValueSet/pets/$expand?displayLanguage=en_GB!"), 400)


def test_missing_inputs_are_400(client):
    assert_oo(client.get("/r4/ValueSet/$expand"), 400)
    assert_oo(client.get("/r4/CodeSystem/$lookup?code=dog"), 400)
    assert_oo(client.get(f"/r4/CodeSystem/$subsumes?system={ANIMALS}&codeA=dog"), 400)


def test_unexpected_errors_are_500_operation_outcomes_without_details(app, monkeypatch):
    """The last-resort handler: even a crash renders an OperationOutcome and hides the traceback."""
    from service import operations

    def boom(*_a, **_kw):
        raise RuntimeError("secret internal detail")
    monkeypatch.setattr(operations, "lookup", boom)
    logging.disable(logging.CRITICAL)
    try:
        r = app.test_client().get(f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog")
    finally:
        logging.disable(logging.NOTSET)
    body = assert_oo(r, 500)
    assert "secret internal detail" not in json.dumps(body)


# ---- malformed inputs posted to every operation ------------------------------------------------
P = lambda *ps: {"resourceType": "Parameters", "parameter": list(ps)}  # noqa: E731
VS = lambda **kw: P({"name": "valueSet", "resource": {"resourceType": "ValueSet", **kw}})  # noqa: E731
TX = lambda res: P({"name": "tx-resource", "resource": res}, {"name": "url", "valueUri": vs_url("pets")},  # noqa: E731
                   {"name": "system", "valueUri": ANIMALS}, {"name": "code", "valueCode": "dog"})

UNVALIDATED = ("BUG: request resources (body, valueSet, tx-resource) are not structurally validated "
               "(fhir_io.validate_resource) before the engine walks them -> TypeError/AttributeError -> 500")
UNTYPED = "BUG: parameter values are not type-checked (a non-string where a string is expected) -> 500"
PARTS = "BUG: params._value_of assumes Parameters.parameter.part is a list of objects -> 500"


def bug(reason):
    return pytest.mark.xfail(strict=True, reason=reason)


MALFORMED = [
    ("bad-json", b"{bad"),
    ("json-array", b"[1, 2]"),
    ("json-string", b'"x"'),
    ("json-null", b"null"),
    ("resourceType-not-string", b'{"resourceType": 5}'),
    ("invalid-utf8", b'{"resourceType": "\xff"}'),
    ("huge-number", b'{"resourceType": "Parameters", "parameter": [{"name": "count", "valueInteger": 1e400}]}'),
    ("empty-parameters", P()),
    ("parameter-not-a-list", {"resourceType": "Parameters", "parameter": {"name": "x"}}),
    ("parameter-items-not-objects", P(1, "x")),
    ("parameter-without-name", P({"valueString": "x"})),
    ("resource-not-an-object", P({"name": "valueSet", "resource": "x"})),
    ("url-not-a-string", P({"name": "url", "valueUri": 5})),
    ("url-a-list", P({"name": "url", "valueUri": ["a"]})),
    ("code-an-integer", P({"name": "system", "valueUri": ANIMALS}, {"name": "code", "valueInteger": 5})),
    ("coding-a-string", P({"name": "coding", "valueCoding": "x"})),
    ("coding-code-an-integer", P({"name": "coding", "valueCoding": {"system": ANIMALS, "code": 7}})),
    ("codeableConcept-coding-a-string", P({"name": "codeableConcept", "valueCodeableConcept": {"coding": "x"}})),
    ("count-a-string", P({"name": "count", "valueInteger": "abc"})),
    ("count-negative", P({"name": "count", "valueInteger": -5}, {"name": "url", "valueUri": vs_url("pets")})),
    ("activeOnly-not-boolean", P({"name": "activeOnly", "valueBoolean": "maybe"})),
    ("displayLanguage-an-integer", P({"name": "displayLanguage", "valueCode": 5},
                                     {"name": "url", "valueUri": vs_url("pets")})),
    ("property-an-integer", P({"name": "property", "valueCode": 5}, {"name": "system", "valueUri": ANIMALS},
                              {"name": "code", "valueCode": "dog"}, {"name": "url", "valueUri": vs_url("pets")})),
    ("codeA-an-object", P({"name": "codeA", "valueCode": {}}, {"name": "codeB", "valueCode": "dog"},
                          {"name": "system", "valueUri": ANIMALS})),
    ("validation-part-value-an-object", P({"name": "validation", "part": [{"name": "code", "valueCode": {}}]})),
    ("validation-a-resource", P({"name": "validation", "resource": {"resourceType": "Parameters"}})),
    ("unknown-supplement", P({"name": "useSupplement", "valueCanonical": "http://nowhere.org/cs"},
                             {"name": "system", "valueUri": ANIMALS}, {"name": "code", "valueCode": "dog"})),
    ("valueSet-without-compose", VS()),
    ("valueSet-url-an-integer", VS(url=5, compose={"include": [{"system": ANIMALS}]})),
    ("filter-value-an-integer", VS(compose={"include": [{"system": ANIMALS, "filter": [
        {"property": "concept", "op": "is-a", "value": 5}]}]})),
    ("concept-code-an-integer", VS(compose={"include": [{"system": ANIMALS, "concept": [{"code": 5}]}]})),
    ("tx-resource-url-an-integer", P({"name": "tx-resource", "resource": {"resourceType": "CodeSystem", "url": 5}})),
    ("tx-resource-bad-properties", TX({"resourceType": "CodeSystem", "url": ANIMALS, "property": [{"code": 5}],
                                       "concept": [{"code": "dog", "property": "x", "designation": "y"}]})),
    # ---- formerly 500s: untyped parameter values, malformed parts, malformed request resources ----
    pytest.param("system-an-object", P({"name": "system", "valueUri": {"a": 1}}, {"name": "code", "valueCode": "dog"})),
    pytest.param("code-a-list", P({"name": "system", "valueUri": ANIMALS}, {"name": "code", "valueCode": ["dog"]})),
    pytest.param("coding-system-an-integer", P({"name": "coding", "valueCoding": {"system": 7, "code": "dog"}})),
    pytest.param("codingA-code-a-list", P({"name": "codingA", "valueCoding": {"code": ["x"]}},
                                          {"name": "codingB", "valueCoding": {"code": "dog", "system": [1]}})),
    pytest.param("codeableConcept-coding-fields-wrong", P({"name": "codeableConcept", "valueCodeableConcept": {
        "coding": [{"system": [1], "code": {}}]}})),
    pytest.param("filter-an-integer", P({"name": "filter", "valueString": 5}, {"name": "url", "valueUri": vs_url("pets")})),
    pytest.param("system-version-an-integer", P({"name": "system-version", "valueUri": 5},
                                                {"name": "url", "valueUri": vs_url("pets")})),
    pytest.param("valueSetVersion-an-integer", P({"name": "url", "valueUri": vs_url("pets")},
                                                 {"name": "valueSetVersion", "valueString": 5})),
    pytest.param("part-not-a-list", P({"name": "coding", "part": "x"})),
    pytest.param("part-items-not-objects", P({"name": "coding", "part": [1]})),
    pytest.param("compose-a-string", VS(compose="x")),
    pytest.param("include-a-string", VS(compose={"include": "x"})),
    pytest.param("include-items-not-objects", VS(compose={"include": [1, "a"]})),
    pytest.param("filter-a-string", VS(compose={"include": [{"system": ANIMALS, "filter": "x"}]})),
    pytest.param("concept-a-string", VS(compose={"include": [{"system": ANIMALS, "concept": "x"}]})),
    pytest.param("include-system-an-integer", VS(compose={"include": [{"system": 5}]})),
    pytest.param("include-valueSet-an-integer", VS(compose={"include": [{"valueSet": [5]}]})),
    pytest.param("expansion-contains-a-string", VS(expansion={"contains": "x"})),
    pytest.param("tx-resource-concept-a-string", TX({"resourceType": "CodeSystem", "url": ANIMALS, "concept": "x"})),
    pytest.param("tx-resource-nested-concept-a-string", TX({"resourceType": "CodeSystem", "url": ANIMALS,
                                                            "concept": [1, {"code": "a", "concept": "x"}]})),
    pytest.param("codesystem-body-malformed", {"resourceType": "CodeSystem", "url": 5, "concept": "x"}),
    pytest.param("valueset-body-system-an-object", {"resourceType": "ValueSet",
                                                    "compose": {"include": [{"system": {}}]}}),
]


def _with_ids(cases):
    out = []
    for case in cases:
        if isinstance(case, type(pytest.param(None))):
            out.append(pytest.param(*case.values, marks=case.marks, id=case.values[0]))
        else:
            out.append(pytest.param(*case, id=case[0]))
    return out


def _record_failure(r, where: str, failures: list) -> None:
    """A 5xx, or a 4xx that is not an OperationOutcome, is a failure."""
    if r.status_code >= 500:
        failures.append(f"{where}: {r.status_code}")
    elif r.status_code >= 400:
        try:
            assert_oo(r)
        except AssertionError as exc:
            failures.append(f"{where}: {r.status_code} not an OperationOutcome ({exc})")


@pytest.mark.parametrize("name,body", _with_ids(MALFORMED))
def test_malformed_input_never_causes_a_server_error(client, name, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    failures = []
    logging.disable(logging.CRITICAL)
    try:
        for base in ("/r4", "/r5"):
            for op in OPERATIONS:
                _record_failure(client.post(base + op, data=data, content_type=FHIR_JSON), f"{base}{op}", failures)
    finally:
        logging.disable(logging.NOTSET)
    assert not failures, f"{name}:\n" + "\n".join(failures)


BAD_QUERIES = ["system=x&code=y", "count=abc", "offset=-1", "activeOnly=maybe", "url=", "code=&system=",
               "displayLanguage=%25%25", "displayLanguage=en;q=x", "coding=x", "codeableConcept=x", "valueSet=x",
               "tx-resource=x", "property=*", f"url={vs_url('cycle-a')}", "url=http://nowhere.org/vs",
               "system=urn:oid:1.2&code=1", "_format=turtle"]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_malformed_query_never_causes_a_server_error(client, query):
    failures = []
    for base in ("/r4", "/r5"):
        for op in OPERATIONS:
            send = client.post if op.endswith("$batch-validate-code") else client.get
            _record_failure(send(f"{base}{op}?{query}"), f"{base}{op}", failures)
    assert not failures, "\n".join(failures)


def test_a_body_over_the_size_limit_is_413(tmp_path):
    from helpers import FIXTURES
    from service import create_app

    small = create_app({"CONTENT_DIRS": [str(FIXTURES)], "MAX_BODY_BYTES": 1000}).test_client()
    body = json.dumps({"resourceType": "Parameters", "parameter": [{"name": "filter", "valueString": "x" * 5000}]})
    assert_oo(small.post("/r4/ValueSet/$expand", data=body, content_type=FHIR_JSON), 413)


def test_a_text_filter_with_too_many_words_is_400(client):
    words = " ".join(f"w{i}" for i in range(30))
    assert_oo(client.get(f"/r4/ValueSet/pets/$expand?filter={words}"), 400)


@pytest.mark.parametrize("base", ["/r4", "/r5"])
def test_issues_carry_expression_not_the_deprecated_location(client, base):
    # issue.location is deprecated in R4 and R5 (withdrawn in R6): the FHIRPath goes in expression only
    r = client.get(f"{base}/CodeSystem/$validate-code?url={ANIMALS}&code=no-such-animal")
    assert r.status_code == 200
    params = {p["name"]: p for p in r.get_json()["parameter"]}
    assert params["result"]["valueBoolean"] is False
    issues = params["issues"]["resource"]["issue"]
    assert issues and all("location" not in i for i in issues)
    assert any(i.get("expression") == ["code"] for i in issues), issues


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


def test_etags_do_not_depend_on_where_content_and_caches_live(tmp_path):
    import shutil
    from service import create_app
    from helpers import FIXTURES

    copy = tmp_path / "content"
    shutil.copytree(FIXTURES, copy)
    url = f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog"
    a = create_app({"CONTENT_DIRS": [str(FIXTURES)], "CACHE_DIR": str(tmp_path / "c1")}).test_client().get(url)
    b = create_app({"CONTENT_DIRS": [str(copy)], "CACHE_DIR": str(tmp_path / "c2")}).test_client().get(url)
    assert a.status_code == b.status_code == 200
    assert a.headers["ETag"] == b.headers["ETag"]


@pytest.mark.parametrize("path", ["/r5/CodeSystem/$lookup", "/r4/ValueSet/$expand", "/r5/metadata", "/healthz"])
def test_a_query_string_that_is_not_utf8_is_a_400_not_a_crash(client, path):
    r = client.get(path, environ_overrides={"QUERY_STRING": "code=\xff\xfe&_format=\xff"})
    body = assert_oo(r, 400)
    assert "UTF-8" in body["issue"][0]["details"]["text"]
