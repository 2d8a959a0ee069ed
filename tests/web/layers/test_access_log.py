"""service/web/layers/access_log.py: one JSON line per request and X-Request-Id, outside the response cache."""
from __future__ import annotations

import io
import json
import re

import pytest
from werkzeug.test import EnvironBuilder

from helpers import ANIMALS, FIXTURES, vs_url

FIELDS = {"time", "level", "method", "path", "status", "bytes", "duration_ms", "cache", "request_id"}
GENERATED = re.compile(r"[0-9a-f]{32}")


def _app(tmp_path, **settings):
    from service import create_app

    log = tmp_path / "access.log"
    app = create_app({"CONTENT_DIRS": [str(FIXTURES)], "ACCESS_LOG": str(log), **settings})
    return app, log


class _Client:
    """The Flask test client, buffered: it reads and closes each body as a server does, so the line is written."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, url, **kw):
        kw.setdefault("buffered", True)
        return self.client.get(url, **kw)


def _lines(log) -> list[dict]:
    from service.web.layers import flusher

    flusher.flush_all()   # lines are written in batches (at the latest every flusher.INTERVAL seconds)
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.fixture
def logged(tmp_path):
    return _app(tmp_path)


def test_one_json_line_per_request_with_every_field(logged):
    app, log = logged
    client = _Client(app)
    url = f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog"
    resp = client.get(url)
    (line,) = _lines(log)
    assert set(line) == FIELDS
    assert line["method"] == "GET" and line["path"] == "/r4/CodeSystem/$lookup"   # no query string
    assert line["status"] == 200 and line["level"] == "info"
    assert line["bytes"] == len(resp.data) > 0
    assert isinstance(line["duration_ms"], float) and 0 < line["duration_ms"] < 10_000
    assert line["cache"] == "MISS"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert line["request_id"] == resp.headers["X-Request-Id"] and GENERATED.fullmatch(line["request_id"])


def test_cache_hits_and_304s_are_logged_with_their_request_ids(logged):
    app, log = logged
    client = _Client(app)
    url = f"/r5/ValueSet/$expand?url={vs_url('pets')}"
    first = client.get(url)
    hit = client.get(url, headers={"X-Request-Id": "hit-1"})
    revalidated = client.get(url, headers={"If-None-Match": first.headers["ETag"], "X-Request-Id": "rv-2"})
    assert (hit.status_code, hit.headers["X-Cache"], hit.headers["X-Request-Id"]) == (200, "HIT", "hit-1")
    assert (revalidated.status_code, revalidated.headers["X-Request-Id"]) == (304, "rv-2")
    lines = _lines(log)
    assert [(x["status"], x["cache"], x["bytes"]) for x in lines] == [
        (200, "MISS", len(first.data)), (200, "HIT", len(first.data)), (304, None, 0)]
    assert [x["request_id"] for x in lines[1:]] == ["hit-1", "rv-2"]


@pytest.mark.parametrize("incoming, kept", [
    ("abc-123", True),
    ("4bf92f3577b34da6a3ce929d0e0e4736", True),
    ("trace:span/1+x=y_z.q", True),
    ("x" * 128, True),
    ("x" * 129, False),                      # too long
    ("bad id", False),                       # space
    ('"><script>', False),
    ("id\u00e9", False),                     # not ASCII
])
def test_an_incoming_request_id_is_echoed_only_when_short_and_safe(logged, incoming, kept):
    app, log = logged
    resp = _Client(app).get("/healthz", headers={"X-Request-Id": incoming})
    got = resp.headers["X-Request-Id"]
    if kept:
        assert got == incoming
    else:
        assert got != incoming and GENERATED.fullmatch(got)
    assert _lines(log)[-1]["request_id"] == got


def test_errors_carry_the_request_id_and_the_level_of_their_status(logged):
    app, log = logged
    client = _Client(app)
    missing = client.get("/r4/CodeSystem/nope", headers={"X-Request-Id": "e-404"})
    assert missing.status_code == 404 and missing.headers["X-Request-Id"] == "e-404"
    assert missing.get_json()["resourceType"] == "OperationOutcome"
    line = _lines(log)[-1]
    assert (line["status"], line["level"], line["request_id"], line["cache"]) == (404, "warning", "e-404", None)


def test_the_level_setting_keeps_only_errors(tmp_path):
    app, log = _app(tmp_path, ACCESS_LOG_LEVEL="warning")
    client = _Client(app)
    assert client.get("/healthz").status_code == 200
    assert client.get("/r5/ValueSet/nope").status_code == 404
    assert [x["status"] for x in _lines(log)] == [404]


def test_off_writes_nothing_but_still_returns_request_ids(tmp_path, capfd):
    from service import create_app

    app = create_app({"CONTENT_DIRS": [str(FIXTURES)], "ACCESS_LOG": "off"})
    resp = _Client(app).get("/healthz", headers={"X-Request-Id": "quiet"})
    assert resp.headers["X-Request-Id"] == "quiet"
    from service.web.layers import flusher
    flusher.flush_all()
    assert "quiet" not in capfd.readouterr().err


def test_stderr_is_the_default(capfd, monkeypatch):
    from service import create_app
    from service.web.layers import flusher

    monkeypatch.delenv("RRALL_ACCESS_LOG", raising=False)
    app = create_app({"CONTENT_DIRS": [str(FIXTURES)]})
    flusher.flush_all()
    capfd.readouterr()   # other apps' waiting lines
    _Client(app).get("/healthz", headers={"X-Request-Id": "to-stderr"})
    flusher.flush_all()
    lines = [json.loads(x) for x in capfd.readouterr().err.splitlines() if x.startswith("{")]
    assert [(x["request_id"], x["path"]) for x in lines] == [("to-stderr", "/healthz")]


def test_the_environment_chooses_the_sink(tmp_path, monkeypatch):
    from service import create_app

    target = tmp_path / "env.log"
    monkeypatch.setenv("RRALL_ACCESS_LOG", str(target))
    _Client(create_app({"CONTENT_DIRS": [str(FIXTURES)]})).get("/healthz")
    assert [x["path"] for x in _lines(target)] == ["/healthz"]


def test_bad_settings_are_refused_at_start(tmp_path):
    from service.web.layers.access_log import AccessLogError

    with pytest.raises(AccessLogError, match="level"):
        _app(tmp_path, ACCESS_LOG_LEVEL="chatty")
    with pytest.raises(AccessLogError, match="cannot open"):
        _app(tmp_path, ACCESS_LOG=str(tmp_path / "no-such-dir" / "x.log"))


def test_through_the_wsgi_stack_a_cache_hit_is_logged_once_after_the_body(logged):
    """The server's view: call the WSGI app, iterate the body, close it."""
    app, log = logged
    url = f"/r4/ValueSet/$expand?url={vs_url('mammals')}"

    def call(request_id):
        environ = EnvironBuilder(path=url.split("?")[0], query_string=url.split("?")[1],
                                 headers={"X-Request-Id": request_id}).get_environ()
        environ["wsgi.input"] = io.BytesIO(b"")
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = status, dict(headers)

        body = app(environ, start_response)
        data = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return started, data

    miss_start, miss = call("wsgi-miss")
    hit_start, hit = call("wsgi-hit")
    assert miss_start["headers"]["X-Cache"] == "MISS" and hit_start["headers"]["X-Cache"] == "HIT"
    assert hit_start["headers"]["X-Request-Id"] == "wsgi-hit" and hit == miss
    lines = _lines(log)
    assert [(x["request_id"], x["cache"], x["bytes"]) for x in lines] == [
        ("wsgi-miss", "MISS", len(miss)), ("wsgi-hit", "HIT", len(hit))]


def test_a_streamed_answer_is_logged_when_its_body_is_closed(logged):
    app, log = logged
    client = app.test_client()   # unbuffered: the body is read and closed by the test
    resp = client.get(f"/r4/ValueSet/$expand.csv?url={vs_url('animals-all')}", buffered=False)
    assert resp.status_code == 200
    assert _lines(log) == []                  # still being sent
    data = resp.get_data()
    resp.close()
    (line,) = _lines(log)
    assert line["path"] == "/r4/ValueSet/$expand.csv" and line["bytes"] == len(data) > 0


def test_lines_reach_the_sink_within_the_flush_interval_without_a_flush_call(logged):
    import time

    from service.web.layers import flusher

    app, log = logged
    _Client(app).get("/healthz", headers={"X-Request-Id": "by-the-thread"})
    deadline = time.monotonic() + 10 * flusher.INTERVAL
    while "by-the-thread" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(flusher.INTERVAL / 5)
    assert json.loads(log.read_text().splitlines()[-1])["request_id"] == "by-the-thread"


def test_batches_are_whole_lines_and_at_most_pipe_buf_on_a_pipe(monkeypatch):
    import os

    from service.web.layers import access_log

    r, w = os.pipe()
    try:
        assert access_log._batch_limit(w) == access_log.BATCH_PIPE == 4096
        layer = access_log.AccessLog(lambda e, s: [], w)
        writes = []
        monkeypatch.setattr(access_log.os, "write", lambda fd, data: writes.append(data) or len(data))
        lines = [(b'{"n":%d,"pad":"' % i) + b"x" * 300 + b'"}\n' for i in range(40)]
        layer._emit(lines)
    finally:
        os.close(r)
        os.close(w)
    assert b"".join(writes) == b"".join(lines) and len(writes) > 1
    assert all(len(chunk) <= 4096 and chunk.endswith(b"\n") for chunk in writes)
    assert access_log._batch_limit(None) == access_log.BATCH_FILE


def test_waiting_lines_are_written_when_the_process_exits(tmp_path):
    import subprocess
    import sys

    log = tmp_path / "exit.log"
    code = ("import sys; sys.path.insert(0, 'tests'); from helpers import FIXTURES; from service import create_app; "
            f"app = create_app({{'CONTENT_DIRS': [str(FIXTURES)], 'ACCESS_LOG': {str(log)!r}}}); "
            "c = app.test_client(); [c.get('/healthz', buffered=True) for _ in range(3)]")
    subprocess.run([sys.executable, "-c", code], cwd=str(FIXTURES.parents[1]), check=True, timeout=60)
    assert [json.loads(x)["path"] for x in log.read_text().splitlines()] == ["/healthz"] * 3


def test_generated_ids_differ_between_forked_workers(tmp_path):
    """Workers are forked from one parent: each must draw its own ids (random reseeds after fork)."""
    import os

    from service.web.layers.access_log import request_id

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: report one id and leave at once
        os.write(w, request_id({}).encode())
        os._exit(0)
    os.close(w)
    child = os.read(r, 64).decode()
    os.waitpid(pid, 0)
    os.close(r)
    mine = request_id({})
    assert re.fullmatch(r"[0-9a-f]{32}", child) and child != mine
