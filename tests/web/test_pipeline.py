"""service.web.pipeline: routing, negotiation once per request, and every error as an OperationOutcome with a
4xx status (404, 405, 406, the last-resort 500); malformed input on every operation never gives a 500 or a
stack trace."""
from __future__ import annotations

import json
import logging

import pytest

from helpers import ANIMALS, FHIR_JSON, assert_oo, vs_url

OPERATIONS = ["/CodeSystem/$lookup", "/CodeSystem/$validate-code", "/CodeSystem/$subsumes", "/ValueSet/$expand",
              "/ValueSet/$validate-code", "/ValueSet/$batch-validate-code", "/ConceptMap/$translate",
              "/CodeSystem/animals/$lookup", "/CodeSystem/animals/$validate-code", "/CodeSystem/animals/$subsumes",
              "/ValueSet/pets/$expand", "/ValueSet/pets/$validate-code", "/ConceptMap/animals-to-letters/$translate"]


# ---- the status code table --------------------------------------------------------------------
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


@pytest.mark.parametrize("path", ["/r4/nothing", "/r5/ValueSet/pets/$nothing", "/r6/metadata", "/nothing"])
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


def test_unexpected_errors_are_500_operation_outcomes_without_details(app, monkeypatch):
    """The last-resort handler: even a crash renders an OperationOutcome and hides the traceback."""
    from service import operations

    def boom(*_a, **_kw):
        raise RuntimeError("secret internal detail")
    monkeypatch.setattr(operations, "lookup", boom)
    app.extensions["rrall"]["service"].caches.responses.clear()   # an answer cached by another test never runs it
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
