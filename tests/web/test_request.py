"""service.web.request: one HTTP request read once (query, headers, bounded body, base URL, form)."""
from __future__ import annotations

import io

import pytest

from helpers import assert_oo
from service.errors import Invalid
from service.web.request import BODY_ENV, FORM_TYPE, HttpRequest, TooLarge


@pytest.mark.parametrize("path", ["/r5/CodeSystem/$lookup", "/r4/ValueSet/$expand", "/r5/metadata", "/healthz"])
def test_a_query_string_that_is_not_utf8_is_a_400_not_a_crash(client, path):
    r = client.get(path, environ_overrides={"QUERY_STRING": "code=\xff\xfe&_format=\xff"})
    body = assert_oo(r, 400)
    assert "UTF-8" in body["issue"][0]["details"]["text"]


# ---- HttpRequest over a WSGI environ ------------------------------------------------------------------------------


def env(path="/r4/ValueSet/$expand", method="GET", query="", body: bytes | None = None, chunked=False,
        **extra) -> dict:
    e = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "wsgi.url_scheme": "http",
         "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    if body is not None:
        e["wsgi.input"] = io.BytesIO(body)
        if chunked:
            e["HTTP_TRANSFER_ENCODING"] = "chunked"
        else:
            e["CONTENT_LENGTH"] = str(len(body))
    e.update(extra)
    return e


class Unreadable:
    def read(self, *_a):
        raise AssertionError("the body must not be read")


@pytest.mark.parametrize("path,version", [("/r4/metadata", "R4"), ("/r5", "R5"), ("/r5/", "R5"), ("/healthz", None),
                                          ("/r45/x", None), ("", None)])
def test_the_fhir_version_comes_from_the_path(path, version):
    req = HttpRequest(env(path))
    assert req.version == version and req.path == (path or "/")


def test_query_pairs_keep_order_repeats_and_blanks():
    req = HttpRequest(env(query="b=2&a=1&b=3&empty=&plus=a+b&pct=%C3%A9"))
    assert req.query_pairs == [("b", "2"), ("a", "1"), ("b", "3"), ("empty", ""), ("plus", "a b"), ("pct", "é")]
    assert req.query == {"b": ["2", "3"], "a": ["1"], "empty": [""], "plus": ["a b"], "pct": ["é"]}
    assert req.arg("b") == "2" and req.arg("missing", "d") == "d"


@pytest.mark.parametrize("raw", ["code=\xff", "code=%FF"])
def test_a_query_that_is_not_utf8_is_a_400_from_check_query_and_reads_as_empty(raw):
    """Raw or percent-encoded, bytes that are not UTF-8 are a 400 (check_query, which the pipeline calls first);
    the query itself reads as empty, so an error answer can look up its _format without raising again."""
    req = HttpRequest(env(query=raw))
    assert req.query_pairs == [] and req.arg("_format") is None
    for _ in range(2):
        with pytest.raises(Invalid, match="not valid UTF-8"):
            req.check_query()
    HttpRequest(env(query="a=%C3%A9")).check_query()         # percent-encoded UTF-8 is fine


def test_headers_and_content_type():
    req = HttpRequest(env(HTTP_ACCEPT_LANGUAGE="de", CONTENT_TYPE="Application/FHIR+JSON; charset=utf-8",
                          CONTENT_LENGTH="0"))
    assert req.header("Accept-Language") == "de" and req.header("accept-language") == "de"
    assert req.header("Content-Type") == "Application/FHIR+JSON; charset=utf-8"
    assert req.content_type == "application/fhir+json"
    assert req.header("Content-Length") == "0" and req.header("X-Missing", "none") == "none"


@pytest.mark.parametrize("extra,base", [
    ({"HTTP_HOST": "tx.example.org:8443", "wsgi.url_scheme": "https"}, "https://tx.example.org:8443"),
    ({"SERVER_NAME": "srv", "SERVER_PORT": "8080"}, "http://srv:8080"),
    ({"SERVER_NAME": "srv", "SERVER_PORT": "443", "wsgi.url_scheme": "https"}, "https://srv"),
    ({"HTTP_HOST": "h", "SCRIPT_NAME": "/tx/"}, "http://h/tx"),
    ({"HTTP_HOST": "h:80"}, "http://h"), ({"HTTP_HOST": "h:443", "wsgi.url_scheme": "https"}, "https://h"),
    ({"HTTP_HOST": "h:443"}, "http://h:443")])           # only the scheme's own default port is dropped
def test_the_base_url_is_the_address_the_client_used(extra, base):
    req = HttpRequest(env("/r4/metadata", **extra))
    assert req.base_url == base and req.fhir_base == base + "/r4"
    assert HttpRequest(env("/healthz", **extra)).fhir_base == base + "/r5"


def test_a_body_is_read_once_up_to_its_declared_length():
    stream = io.BytesIO(b'{"a": 1}trailing')
    req = HttpRequest(env(method="POST", CONTENT_LENGTH="8", **{"wsgi.input": stream}))
    assert req.body() == b'{"a": 1}' and req.body() == b'{"a": 1}'
    assert stream.read() == b"trailing"


def test_a_declared_length_over_the_limit_is_413_before_anything_is_read():
    req = HttpRequest(env(method="POST", CONTENT_LENGTH="101", **{"wsgi.input": Unreadable()}), max_body=100)
    with pytest.raises(TooLarge) as info:
        req.body()
    assert info.value.status == 413 and info.value.issue_code == "too-costly" and "100 bytes" in info.value.message


def test_a_chunked_body_is_read_up_to_the_limit_and_never_past_it():
    ok = HttpRequest(env(method="POST", body=b"x" * 100, chunked=True), max_body=100)
    assert ok.body() == b"x" * 100
    big = HttpRequest(env(method="POST", body=b"x" * (200 * 1024), chunked=True), max_body=100 * 1024)
    with pytest.raises(TooLarge):
        big.body()
    assert big.environ["wsgi.input"].tell() <= 100 * 1024 + 64 * 1024      # stopped within one chunk of the limit
    ended = HttpRequest(env(method="POST", body=b"abc", chunked=True, HTTP_TRANSFER_ENCODING="",
                            **{"wsgi.input_terminated": True}))
    assert ended.body() == b"abc"                                          # the server says the input ends


def test_a_body_of_unknown_length_is_not_read_unless_the_server_ends_it():
    """PEP 3333: without a Content-Length the input may not end; only a terminated (chunked) one is read."""
    req = HttpRequest(env(method="POST", chunked=True, body=b"abc", HTTP_TRANSFER_ENCODING=""))
    assert req.body() == b"" and req.environ["wsgi.input"].tell() == 0


def test_no_body_for_a_get_and_an_invalid_length_is_400():
    assert HttpRequest(env(body=b"ignored")).body() == b""
    with pytest.raises(Invalid, match="Invalid Content-Length 'ten'"):
        HttpRequest(env(method="POST", body=b"x", CONTENT_LENGTH="ten")).body()


def test_a_body_an_outer_layer_read_is_used():
    req = HttpRequest(env(method="POST", **{"wsgi.input": Unreadable(), BODY_ENV: b"kept"}))
    assert req.body() == b"kept"


def test_form_fields_of_a_post_form_only():
    form = HttpRequest(env(method="POST", body=b"url=a&property=x&property=y", CONTENT_TYPE=FORM_TYPE))
    assert form.form() == {"url": ["a"], "property": ["x", "y"]}
    assert HttpRequest(env(method="POST", body=b"url=a", CONTENT_TYPE="application/json")).form() == {}
    assert HttpRequest(env(body=b"url=a", CONTENT_TYPE=FORM_TYPE)).form() == {}
    with pytest.raises(Invalid, match="form body is not valid UTF-8"):
        HttpRequest(env(method="POST", body=b"url=\xff", CONTENT_TYPE=FORM_TYPE)).form()
