"""service.web.respond: results and errors rendered once -- FHIR JSON or XML as negotiated, R4 conversion,
Content-Type, weak ETags, files with their validators, OperationOutcomes with the error's status."""
from __future__ import annotations

import orjson
import pytest

from helpers import ANIMALS
from service.errors import TerminologyError, Unresolvable
from service.web import respond
from service.web.request import HttpRequest


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


# ---- respond without HTTP: Result / FileResult / errors -> status, headers, body -----------------------------------
def request(path="/r5/CodeSystem/$lookup", method="GET", query="", **extra) -> HttpRequest:
    return HttpRequest({"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, **extra})


def headers(answer) -> dict:
    return dict(answer.headers)


def body(answer) -> bytes:
    return b"".join(answer.body)


PARAMS = {"resourceType": "Parameters", "parameter": [{"name": "result", "valueBoolean": True}]}


@pytest.mark.parametrize("status,line", [(200, "200 OK"), (304, "304 Not Modified"), (422, "422 Unprocessable Entity"),
                                         (599, "599 Unknown")])
def test_status_lines(status, line):
    assert respond.Answer(status, [], []).status_line == line


def test_caching_headers_are_vary_and_cache_control_for_gets():
    assert respond.caching_headers(60) == [("Vary", "Accept, Accept-Language"), ("Cache-Control", "public, max-age=60")]
    assert respond.caching_headers(60, get_like=False) == [("Vary", "Accept, Accept-Language")]


def test_a_result_is_fhir_json_with_its_length_and_a_content_etag():
    answer = respond.render(request(), respond.Result(PARAMS), "json", max_age=5)
    h = headers(answer)
    assert answer.status == 200 and orjson.loads(body(answer)) == PARAMS
    assert h["Content-Type"] == "application/fhir+json" and h["Content-Length"] == str(len(body(answer)))
    assert h["ETag"].startswith('W/"') and "Cache-Control" not in h and "X-Cache" not in h


def test_a_cacheable_answer_carries_the_request_key_as_etag_and_is_marked_storable():
    req = request(**{respond.KEY_ENV: "k123"})
    h = headers(respond.render(req, respond.Result(PARAMS), "json", max_age=5))
    assert h["ETag"] == 'W/"k123"' and h["Cache-Control"] == "public, max-age=5" and h["X-Cache"] == "MISS"
    assert req.environ[respond.STORE_ENV] is True
    own = headers(respond.render(request(**{respond.KEY_ENV: "k"}), respond.Result(PARAMS, headers={
        "Cache-Control": "no-store"}), "json", max_age=5))
    assert own["Cache-Control"] == "no-store"                # a handler's own header is not doubled


@pytest.mark.parametrize("result,method", [(respond.Result(PARAMS, status=201), "GET"),
                                          (respond.Result(PARAMS, cache=False), "GET"),
                                          (respond.Result(PARAMS), "POST")])
def test_no_etag_for_errors_uncacheable_results_or_posts(result, method):
    req = request(method=method)
    h = headers(respond.render(req, result, "json", max_age=5))
    assert "ETag" not in h and respond.STORE_ENV not in req.environ


def test_r4_conversion_format_pretty_and_head():
    cm = {"resourceType": "ConceptMap", "group": [{"element": [{"code": "a", "target": [
        {"code": "b", "relationship": "equivalent"}]}]}]}
    r4 = orjson.loads(body(respond.render(request("/r4/ConceptMap/x"), respond.Result(cm), "json", max_age=0)))
    assert r4["group"][0]["element"][0]["target"][0] == {"code": "b", "equivalence": "equivalent"}
    mine = respond.Result(cm, to_r4=lambda r: {"resourceType": "Basic"})
    assert orjson.loads(body(respond.render(request("/r4/x"), mine, "json", max_age=0))) == {"resourceType": "Basic"}
    assert orjson.loads(body(respond.render(request("/r5/x"), mine, "json", max_age=0))) == cm
    pretty = body(respond.render(request(query="_pretty=true"), respond.Result(PARAMS), "json", max_age=0))
    assert pretty.startswith(b'{\n  "resourceType"')
    plain = respond.render(request(query="_format=json"), respond.Result(PARAMS), "json", max_age=0)
    assert headers(plain)["Content-Type"] == "application/json"
    xml = respond.render(request(), respond.Result(PARAMS), "xml", max_age=0)
    assert headers(xml)["Content-Type"] == "application/fhir+xml; charset=utf-8" and b"<Parameters" in body(xml)
    head = respond.render(request(method="HEAD"), respond.Result(PARAMS), "json", max_age=0)
    assert body(head) == b"" and int(headers(head)["Content-Length"]) > 0


def test_a_file_has_its_validator_name_and_answers_304_to_a_match():
    f = respond.FileResult(b"abc", "text/csv", filename="x.csv", etag="e1")
    answer = respond.render_file(request(), f)
    assert answer.status == 200 and body(answer) == b"abc"
    assert headers(answer) == {"Content-Type": "text/csv", "Content-Length": "3", "ETag": '"e1"',
                               "Content-Disposition": 'attachment; filename="x.csv"'}
    again = respond.render_file(request(HTTP_IF_NONE_MATCH='"other", W/"e1"'), f)
    assert again.status == 304 and again.headers == [("ETag", '"e1"')] and body(again) == b""
    weak = respond.render_file(request(), respond.FileResult(b"abc", "text/csv", etag="e2", weak=True))
    assert headers(weak)["ETag"] == 'W/"e2"'


def test_a_streamed_file_has_no_length_and_is_passed_through():
    chunks = iter([b"a", b"b"])
    answer = respond.render_file(request(), respond.FileResult(chunks, "application/fhir+json"))
    assert "Content-Length" not in headers(answer) and body(answer) == b"ab"
    assert body(respond.render_file(request(method="HEAD"), respond.FileResult(b"abc", "text/csv"))) == b""


def test_errors_are_operation_outcomes_with_their_status():
    answer = respond.error(request(), Unresolvable("gone", tx_code="not-found"), "json")
    oo = orjson.loads(body(answer))
    assert answer.status == 422 and oo["issue"][0]["details"]["text"] == "gone" and "ETag" not in headers(answer)
    refused = respond.error(request(), TerminologyError("no", status=406, issue_code="not-supported"), "xml")
    assert headers(refused)["Content-Type"] == "application/fhir+json"     # 406: JSON, whatever was asked


@pytest.mark.parametrize("status,code", [(404, "not-found"), (405, "not-supported"), (413, "too-costly"),
                                         (415, "not-supported"), (400, "processing")])
def test_http_errors_have_an_issue_code_for_their_status(status, code):
    answer = respond.http_error(request(), status, "text", "json", headers={"Allow": "GET"})
    assert answer.status == status and headers(answer)["Allow"] == "GET"
    assert orjson.loads(body(answer))["issue"][0]["code"] == code


def test_an_internal_error_says_nothing_of_its_cause(caplog):
    answer = respond.internal_error(request(), RuntimeError("secret detail"))
    text = body(answer).decode()
    assert answer.status == 500 and "secret detail" not in text and "RuntimeError" in text
    assert orjson.loads(text)["issue"][0]["code"] == "exception"
    assert "secret detail" in caplog.text                  # it is logged for the operator
