"""service.web.layers.body_limit: a POST body read once and bounded (MAX_BODY_BYTES, declared or chunked); a larger
one is a 413 OperationOutcome before the pipeline runs."""
from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest

from helpers import FHIR_JSON, FIXTURES, assert_oo
from service import create_app
from service.web.layers import BodyLimit
from service.web.request import BODY_ENV


def test_a_body_over_the_size_limit_is_413(tmp_path):
    small = create_app({"CONTENT_DIRS": [str(FIXTURES)], "MAX_BODY_BYTES": 1000}).test_client()
    body = json.dumps({"resourceType": "Parameters", "parameter": [{"name": "filter", "valueString": "x" * 5000}]})
    assert_oo(small.post("/r4/ValueSet/$expand", data=body, content_type=FHIR_JSON), 413)


class Recorder:
    """An inner WSGI app that records the environ it was called with and answers 200."""

    def __init__(self):
        self.calls = []

    def __call__(self, environ, start_response):
        self.calls.append(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"inner"]


def call(app, environ):
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)
    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def wsgi_post(body: bytes, *, declared=True) -> dict:
    e = {"REQUEST_METHOD": "POST", "PATH_INFO": "/r4/ValueSet/$expand", "QUERY_STRING": "",
         "CONTENT_TYPE": FHIR_JSON, "wsgi.input": io.BytesIO(body)}
    if declared:
        e["CONTENT_LENGTH"] = str(len(body))
    else:
        e["wsgi.input_terminated"] = True      # chunked: the server says where the body ends
    return e


@pytest.mark.parametrize("declared", [True, False])
def test_the_body_limit_answers_413_before_the_pipeline(declared):
    inner = Recorder()
    layer = BodyLimit(inner, SimpleNamespace(max_body=10))
    status, headers, body = call(layer, wsgi_post(b"x" * 11, declared=declared))
    assert status.startswith("413") and inner.calls == []
    assert json.loads(body)["issue"][0]["code"] == "too-costly" and headers["Content-Type"] == FHIR_JSON
    status, _h, body = call(layer, wsgi_post(b"x" * 10, declared=declared))
    assert status == "200 OK" and body == b"inner"
    assert inner.calls[0][BODY_ENV] == b"x" * 10          # read once, handed on


def test_a_body_of_unknown_length_the_server_does_not_end_is_not_read():
    inner = Recorder()
    environ = wsgi_post(b"x" * 11, declared=False)
    del environ["wsgi.input_terminated"]
    status, _h, _b = call(BodyLimit(inner, SimpleNamespace(max_body=10)), environ)
    assert status == "200 OK" and inner.calls[0][BODY_ENV] == b""      # PEP 3333: no length, no body


def test_the_body_limit_leaves_gets_alone():
    inner = Recorder()
    status, _h, _b = call(BodyLimit(inner, SimpleNamespace(max_body=0)), {"REQUEST_METHOD": "GET", "PATH_INFO": "/"})
    assert status == "200 OK" and len(inner.calls) == 1
