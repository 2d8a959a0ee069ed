"""service.web.layers.intake: limits of the request target, whole bodies read with a timeout and a size limit, answers as
OperationOutcomes, the request clock (issue #14, defects 1, 5 and 7)."""
from __future__ import annotations

import io
import json
import threading
import time

import pytest

from service import config, request_clock
from service.web.layers import intake


def make_edge(**overrides):
    seen = {}

    def app(environ, start_response):
        seen["body"] = environ["wsgi.input"].read()
        seen["length"] = environ.get("CONTENT_LENGTH")
        seen["te"] = environ.get("HTTP_TRANSFER_ENCODING")
        seen["deadline"] = request_clock.deadline()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    cfg = config.load({"BODY_TIMEOUT_SECONDS": 0.3, "BODY_READERS": 2, "MAX_BODY_BYTES": 1000, "MAX_URL_BYTES": 200,
                       "MAX_QUERY_PARAMS": 5, **overrides})
    return intake.Intake(app, cfg), seen


def call(layer, method="GET", path="/r4/x", query="", body=None, headers=None):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": body if body is not None else io.BytesIO(b"")}
    environ.update(headers or {})
    got = {}

    def start_response(status, headers, exc_info=None):
        got["status"], got["headers"] = int(status.split()[0]), dict(headers)

    result = layer(environ, start_response)
    got["iterable"] = result
    got["first"] = next(iter(result))
    return got


def outcome(got) -> dict:
    assert got["headers"]["Content-Type"] == "application/fhir+json"
    oo = json.loads(got["first"])
    assert oo["resourceType"] == "OperationOutcome" and oo["issue"][0]["severity"] == "error"
    return oo["issue"][0]


class Stalled(io.RawIOBase):
    """A request body that sends some bytes, then nothing until released (like a stalled client)."""

    def __init__(self, first: bytes):
        self.first, self.release = first, threading.Event()

    def read(self, size=-1):
        if self.first:
            data, self.first = self.first, b""
            return data
        self.release.wait(10)
        return b""


def test_a_whole_body_is_handed_on_with_its_length():
    layer, seen = make_edge()
    got = call(layer, "POST", body=io.BytesIO(b'{"a":1}'), headers={"CONTENT_LENGTH": "7"})
    assert got["status"] == 200 and seen["body"] == b'{"a":1}' and seen["length"] == "7"


def test_a_chunked_body_is_read_to_its_end_and_gets_a_length():
    layer, seen = make_edge()
    got = call(layer, "POST", body=io.BytesIO(b"x" * 900), headers={"HTTP_TRANSFER_ENCODING": "chunked"})
    assert got["status"] == 200 and seen["length"] == "900" and seen["te"] is None


def test_a_content_length_over_the_limit_is_413_without_reading():
    layer, seen = make_edge()
    got = call(layer, "POST", body=Stalled(b""), headers={"CONTENT_LENGTH": "1001"})
    assert got["status"] == 413 and got["headers"]["Connection"] == "close"
    assert outcome(got)["code"] == "too-long" and "body" not in seen


def test_a_chunked_body_over_the_limit_is_413():
    """Defect 5: a chunked body over the limit was cut, parsed and answered 400."""
    layer, seen = make_edge()
    got = call(layer, "POST", body=io.BytesIO(b"x" * 1001), headers={"HTTP_TRANSFER_ENCODING": "chunked"})
    assert got["status"] == 413 and "larger than 1,000 bytes" in outcome(got)["details"]["text"]
    assert "body" not in seen


def test_a_body_shorter_than_its_content_length_is_400():
    layer, _ = make_edge()
    got = call(layer, "POST", body=io.BytesIO(b"abc"), headers={"CONTENT_LENGTH": "10"})
    assert got["status"] == 400 and "shorter than its Content-Length" in outcome(got)["details"]["text"]


def test_a_bad_content_length_is_400():
    layer, _ = make_edge()
    got = call(layer, "POST", body=io.BytesIO(b"abc"), headers={"CONTENT_LENGTH": "-3"})
    assert got["status"] == 400 and outcome(got)["code"] == "invalid"


def test_a_stalled_body_is_answered_408_and_the_call_ends_when_the_read_does():
    """Defect 1: a client that sent its headers and part of a body held a worker thread forever."""
    layer, seen = make_edge()
    body = Stalled(b'{"resourceType"')
    start = time.monotonic()
    got = call(layer, "POST", body=body, headers={"CONTENT_LENGTH": "500"})
    assert 0.25 < time.monotonic() - start < 2.0
    assert got["status"] == 408 and got["headers"]["Connection"] == "close"
    assert outcome(got)["code"] == "timeout" and "body" not in seen
    ender = threading.Timer(0.2, body.release.set)
    ender.start()
    assert list(got["iterable"]) == []   # the rest of the answer: nothing, once the read has ended
    assert body.release.is_set()


def test_uploads_beyond_the_readers_get_503_at_once_while_others_pass():
    layer, _ = make_edge()
    stalled = [Stalled(b"x") for _ in range(2)]
    answers = [call(layer, "POST", body=b, headers={"CONTENT_LENGTH": "9"}) for b in stalled]
    assert [a["status"] for a in answers] == [408, 408]   # answered; both readers still wait for their clients
    start = time.monotonic()
    got = call(layer, "POST", body=io.BytesIO(b"{}"), headers={"CONTENT_LENGTH": "2"})
    assert got["status"] == 503 and intake.BURST_WAIT <= time.monotonic() - start < intake.BURST_WAIT + 0.5
    assert got["headers"]["Retry-After"] == "5" and outcome(got)["code"] == "transient"
    assert call(layer, "GET")["status"] == 200   # requests without a body do not need a reader
    for b in stalled:
        b.release.set()
    for a in answers:
        assert list(a["iterable"]) == []
    assert call(layer, "POST", body=io.BytesIO(b"{}"), headers={"CONTENT_LENGTH": "2"})["status"] == 200


def test_long_urls_and_many_parameters_are_414():
    """Defect 7: 414s had an empty body."""
    layer, _ = make_edge()
    got = call(layer, query="a=" + "x" * 300)
    assert got["status"] == 414 and "longer than 200 bytes" in outcome(got)["details"]["text"]
    got = call(layer, query="&".join(["code=a"] * 6))
    assert got["status"] == 414 and "more than 5 query parameters" in outcome(got)["details"]["text"]
    assert call(layer, query="&".join(["code=a"] * 5))["status"] == 200


def test_a_query_that_is_not_utf8_is_left_to_the_pipeline():
    layer, _ = make_edge()
    assert call(layer, query="code=%FF%FE")["status"] == 200   # (service/web answers it where it matters)
    assert call(layer, query="filter=caf%C3%A9&display=Caf\xc3\xa9")["status"] == 200


def test_the_request_clock_runs_from_when_the_body_is_in():
    layer, seen = make_edge(DEADLINE_SECONDS=7.0)
    before = time.monotonic()
    call(layer, "POST", body=io.BytesIO(b"{}"), headers={"CONTENT_LENGTH": "2"})
    assert before + 7.0 <= seen["deadline"] <= time.monotonic() + 7.0
    assert request_clock.deadline() is None   # ended with the request


def test_settings_come_from_the_environment_too(monkeypatch):
    monkeypatch.setenv("RRALL_BODY_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("RRALL_MAX_QUERY_PARAMS", "9")
    cfg = config.load()
    assert cfg["BODY_TIMEOUT_SECONDS"] == 2.5 and cfg["MAX_QUERY_PARAMS"] == 9


def test_a_body_over_the_size_limit_is_413_through_the_whole_app(tmp_path):
    import json

    from helpers import FHIR_JSON, FIXTURES, assert_oo
    from service import create_app

    small = create_app({"CONTENT_DIRS": [str(FIXTURES)], "MAX_BODY_BYTES": 1000}).test_client()
    body = json.dumps({"resourceType": "Parameters", "parameter": [{"name": "filter", "valueString": "x" * 5000}]})
    assert_oo(small.post("/r4/ValueSet/$expand", data=body, content_type=FHIR_JSON), 413)


def test_the_body_read_is_handed_on_once(tmp_path):
    """The body intake read is what the response cache keys on and the pipeline parses (read once)."""
    import io

    from service.web.request import BODY_ENV

    seen = {}

    def inner(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    layer = intake.Intake(inner, {"MAX_URL_BYTES": 1000, "MAX_QUERY_PARAMS": 10, "BODY_TIMEOUT_SECONDS": 5,
                                  "MAX_BODY_BYTES": 100, "DEADLINE_SECONDS": 10, "BODY_READERS": 2})
    list(layer({"REQUEST_METHOD": "POST", "PATH_INFO": "/r4/x", "CONTENT_LENGTH": "4",
                "wsgi.input": io.BytesIO(b"abcd")}, lambda s, h, e=None: None))
    assert seen[BODY_ENV] == b"abcd" and seen["CONTENT_LENGTH"] == "4"
