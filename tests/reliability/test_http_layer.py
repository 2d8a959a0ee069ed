"""Slow and stalled clients, and what the HTTP layer refuses (issue #14, defects 1, 5 and 7), against the real
server of conftest.py (body and header timeouts 2 s, 12 body readers per worker, 2 workers x 2 threads: the 10
stalled uploads below exceed the threads but never fill one worker's readers, however the kernel spreads them)."""
from __future__ import annotations

import socket
import threading
import time

from .cases import EXPAND, VS, with_url
from .conftest import HOST, Answer, assert_outcome, raw, request

STALLED_POST = (b"POST /r4/ValueSet/$expand HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\n"
                b"Content-Length: 1000\r\n\r\n{\"resourceType\"")
STALLED_CHUNKED = (b"POST /r4/ValueSet/$expand HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"res\r\n")


def _stalled(server, prefix: bytes, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection((HOST, server.port), timeout=10)
        s.sendall(prefix)
        socks.append(s)
    return socks


def _answer_of(sock: socket.socket) -> tuple[int, bytes, float]:
    start = time.monotonic()
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next((line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")),
                      b"0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(head.split()[1]), body, time.monotonic() - start


def _others_are_served(server):
    get = request(server, "GET", f"{EXPAND}?url={VS}&count=1", timeout=5)
    post = request(server, "POST", EXPAND, with_url({"name": "count", "valueInteger": 1}),
                   {"Content-Type": "application/fhir+json"}, timeout=5)
    assert get.status == 200 and post.status == 200 and max(get.seconds, post.seconds) < 1.0


def test_stalled_uploads_get_408_while_others_are_served(server):
    """Defect 1: with 8 stalled uploads every request hung, with 4 every POST (2 workers x 2 threads)."""
    socks = _stalled(server, STALLED_POST, 10)
    try:
        time.sleep(0.3)
        _others_are_served(server)
        for s in socks:
            status, body, _ = _answer_of(s)
            assert status == 408
            ans = Answer(status, {"content-type": "application/fhir+json"}, body, 0)
            assert assert_outcome(ans, 408)["code"] == "timeout"
    finally:
        for s in socks:
            s.close()
    _others_are_served(server)


def test_a_stalled_chunked_upload_gets_408(server):
    s = _stalled(server, STALLED_CHUNKED, 1)[0]
    with s:
        start = time.monotonic()
        status, body, _ = _answer_of(s)
        assert status == 408 and 1.5 < time.monotonic() - start < 5
        assert b"OperationOutcome" in body


def test_stalled_headers_are_cut_off_while_others_are_served(server):
    socks = _stalled(server, b"GET /r4/metadata HTTP/1.1\r\nHost: x\r\nX-Slow: ", 50)
    try:
        time.sleep(0.2)
        _others_are_served(server)
        start = time.monotonic()
        assert socks[0].recv(100) == b""   # closed by the server (granian's header timeout)
        assert time.monotonic() - start < 5
    finally:
        for s in socks:
            s.close()


def test_a_slow_but_steady_upload_within_the_timeout_is_answered(server):
    body = with_url({"name": "count", "valueInteger": 1})
    with socket.create_connection((HOST, server.port), timeout=10) as s:
        s.sendall(b"POST /r4/ValueSet/$expand HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        step = len(body) // 5 + 1
        for i in range(0, len(body), step):
            s.sendall(body[i:i + step])
            time.sleep(0.2)
        status, data, _ = _answer_of(s)
    assert status == 200 and b'"expansion"' in data


def test_a_chunked_body_over_the_limit_is_413(server):
    """Defect 5: a chunked body over the limit (32 MiB) was cut, parsed and answered 400."""
    chunk = b" " * (1024 * 1024)
    with socket.create_connection((HOST, server.port), timeout=20) as s:
        s.sendall(b"POST /r4/ValueSet/$expand HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        start = time.monotonic()
        try:
            for _ in range(40):
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass   # answered and closed before the rest arrived
        status, body, _ = _answer_of(s)
    assert status == 413 and time.monotonic() - start < 10
    assert assert_outcome(Answer(413, {"content-type": "application/fhir+json"}, body, 0), 413)["code"] == "too-long"


def test_uploads_in_parallel_are_all_answered(server):
    results = []

    def one():
        results.append(request(server, "POST", EXPAND, with_url({"name": "count", "valueInteger": 2}),
                               {"Content-Type": "application/fhir+json"}, timeout=10).status)
    threads = [threading.Thread(target=one) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert results == [200] * 24


# ---- refused by the HTTP server itself, before the application sees the request -----------------------------
# granian answers these without a body (nothing in-process can add one; README "Limits"): the suite only checks
# that they are refused at once and the server goes on.
def test_a_100kb_url_is_refused_by_the_server_at_once(server):
    out, secs = raw(server, b"GET /r4/metadata?" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 414") and secs < 2


def test_raw_non_utf8_bytes_in_the_request_line_are_refused_at_once(server):
    out, secs = raw(server, b"GET /r4/CodeSystem/$lookup?code=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400") and secs < 2


def test_headers_beyond_the_buffer_are_refused_at_once(server):
    out, secs = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 431") and secs < 2
    assert request(server, "GET", "/healthz").status == 200
