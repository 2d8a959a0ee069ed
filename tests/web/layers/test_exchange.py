"""service/web/layers/exchange.py: one observation per request, completed when the body is done."""
from __future__ import annotations

import pytest

from service.web.layers import exchange


def _start(log):
    def start_response(status, headers, exc_info=None):
        log.append((status, list(headers)))
    return start_response


def _observe(app, environ=None):
    environ = {} if environ is None else environ
    seen, sent = [], []
    ex, owner = exchange.begin(environ)
    assert owner
    ex.add_header("X-Extra", "1")
    ex.when_done(lambda e: seen.append((e.status, e.nbytes, e.seconds, e.header("x-cache"))))
    body = ex.run(app, _start(sent))
    return ex, body, seen, sent


def test_a_list_body_completes_at_once_with_its_size_and_the_extra_header():
    def app(environ, start_response):
        start_response("200 OK", [("X-Cache", "HIT")])
        return [b"abc", b"de"]

    ex, body, seen, sent = _observe(app)
    assert body == [b"abc", b"de"]
    assert seen == [(200, 5, ex.seconds, "HIT")] and ex.seconds > 0
    assert sent == [("200 OK", [("X-Cache", "HIT"), ("X-Extra", "1")])]


def test_an_iterator_body_completes_only_when_the_server_closes_it():
    closed = []

    class Body:
        def __iter__(self):
            yield b"x" * 10
            yield b"y" * 7

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("404 NOT FOUND", [])
        return Body()

    ex, body, seen, _ = _observe(app)
    assert seen == []                       # not complete before the body is sent
    assert b"".join(body) == b"x" * 10 + b"y" * 7
    assert seen == []
    body.close()
    body.close()                            # a second close completes nothing twice
    assert closed                           # the inner body was closed
    assert seen == [(404, 17, ex.seconds, None)]


def test_an_inner_layer_joins_the_exchange_instead_of_wrapping_again():
    environ = {}
    outer, owner = exchange.begin(environ)
    inner, inner_owner = exchange.begin(environ)
    assert owner and not inner_owner and inner is outer


def test_an_application_that_raises_is_recorded_as_500_and_the_error_propagates():
    def app(environ, start_response):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        _observe(app)
    environ = {}
    seen = []
    ex, _ = exchange.begin(environ)
    ex.when_done(lambda e: seen.append(e.status))
    with pytest.raises(RuntimeError):
        ex.run(app, _start([]))
    assert seen == [500]


def test_a_failing_listener_does_not_break_the_answer(caplog):
    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"ok"]

    environ = {}
    ex, _ = exchange.begin(environ)
    ex.when_done(lambda e: 1 / 0)
    after = []
    ex.when_done(lambda e: after.append(e.status))
    assert ex.run(app, _start([])) == [b"ok"]
    assert after == [200]                   # later listeners still run
    assert "edge listener" in caplog.text


@pytest.mark.parametrize("method, expected_bytes", [("GET", 42), ("HEAD", 0)])
def test_a_body_of_known_length_completes_at_once(method, expected_bytes):
    class Rendered:                          # like Flask's ClosingIterator over bytes that exist already
        def __iter__(self):
            yield b"z" * (42 if method == "GET" else 0)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", "42")])
        return Rendered()

    ex, body, seen, _ = _observe(app, {"REQUEST_METHOD": method})
    assert seen == [(200, expected_bytes, ex.seconds, None)]
    assert isinstance(body, Rendered)       # handed to the server untouched: no wrapper per chunk
