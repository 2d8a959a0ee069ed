"""Fault cases (issue #14): a worker killed under load, a corrupted or poisoned cache, a busy port, missing or
broken content, SIGTERM with requests in flight. Each starts servers of its own (conftest.start_server)."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from .cases import CS, EXPAND, VS, params, with_url
from .conftest import REPO, assert_outcome, launch, request, start_server

LOOKUP = f"/r4/CodeSystem/$lookup?system={CS}&code=anaemia"


class Poison:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A cache folder and key filled by one start of the server."""
    tmp = tmp_path_factory.mktemp("filled")
    srv = start_server(tmp)
    srv.stop()
    assert list((tmp / "cache" / "index").iterdir())
    return tmp


def _copy(filled: Path, tmp: Path) -> Path:
    shutil.copytree(filled / "cache", tmp / "cache")
    shutil.copy(filled / "cache-key", tmp / "cache-key")
    return tmp


def _lookup_ok(srv) -> None:
    ans = request(srv, "GET", LOOKUP)
    assert ans.status == 200 and "display" in {p["name"] for p in ans.json()["parameter"]}


def _exit(proc: subprocess.Popen, timeout: float) -> int:
    try:
        return proc.wait(timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def test_a_corrupted_cache_is_rebuilt(filled, tmp_path):
    tmp = _copy(filled, tmp_path)
    for i, entry in enumerate(sorted((tmp / "cache").rglob("*"))):
        if entry.is_file():
            entry.write_bytes([b"", b"garbage", entry.read_bytes()[:40]][i % 3])
    srv = start_server(tmp)
    try:
        _lookup_ok(srv)
    finally:
        srv.stop()
    assert "Traceback" not in srv.log.read_text(errors="replace")


def test_a_poisoned_cache_is_never_run(filled, tmp_path):
    """Defect 4: a crafted pickle in .cache/ ran a shell command at start-up."""
    tmp = _copy(filled, tmp_path)
    marker = tmp / "pwned"
    for entry in (tmp / "cache").rglob("*.pickle"):
        entry.write_bytes(pickle.dumps(Poison(marker)))
    srv = start_server(tmp)
    try:
        _lookup_ok(srv)
    finally:
        srv.stop()
    assert not marker.exists()


def test_a_busy_port_is_refused_with_a_clear_error(server, tmp_path):
    """Defect 3: a second serve on a port in use said "Listening" and the kernel split the traffic."""
    proc, _port, log = launch(tmp_path, port=server.port)
    assert _exit(proc, 20) == 2
    text = log.read_text(errors="replace")
    assert "already in use" in text and "Listening" not in text and "Traceback" not in text
    _lookup_ok(server)


def test_a_missing_content_folder_stops_serve(tmp_path):
    """Defect 9: serve --content /nonexistent warned, served nothing and /healthz said ok."""
    proc, _port, log = launch(tmp_path, "--content", str(tmp_path / "nonexistent"))
    start = time.monotonic()
    assert _exit(proc, 20) == 2 and time.monotonic() - start < 15
    assert "content folder not found" in log.read_text(errors="replace")


def _broken_content(tmp: Path) -> list[str]:
    dirs = []
    for name in ("codesystems", "valuesets", "conceptmaps"):
        shutil.copytree(REPO / name, tmp / name)
        dirs += ["--content", str(tmp / name)]
    vs_file = tmp / "valuesets" / "ValueSet-rr-all-symptom.json"
    vs = json.loads(vs_file.read_text(encoding="utf-8"))
    vs["compose"]["include"][0]["system"] += "-typo"
    vs_file.write_text(json.dumps(vs), encoding="utf-8")
    return dirs


def test_our_content_with_an_error_stops_serve_unless_downgraded(tmp_path):
    """Defect 9: a typo in our own ValueSet's include.system started and answered wrongly."""
    dirs = _broken_content(tmp_path)
    proc, _port, log = launch(tmp_path, *dirs)
    assert _exit(proc, 30) == 2
    text = log.read_text(errors="replace")
    assert "ValueSet-rr-all-symptom.json" in text and "unknown code system" in text and "--content-warnings" in text
    srv = start_server(tmp_path, *dirs, "--content-warnings")
    try:
        assert "warning" in srv.log.read_text(errors="replace")
        assert request(srv, "GET", "/readyz").status == 200
    finally:
        srv.stop()


def test_readiness_reports_content_and_workers(server):
    ready = request(server, "GET", "/readyz").json()
    assert ready["status"] == "ready" and ready["workers"] == {"running": 2, "expected": 2}
    assert ready["content"]["CodeSystem"] > 0 and ready["content"]["ValueSet"] > 0


def test_a_worker_killed_under_load_is_replaced(tmp_path):
    srv = start_server(tmp_path)
    stop, outcomes = threading.Event(), []

    def load():
        while not stop.is_set():
            try:
                outcomes.append(request(srv, "GET", f"{EXPAND}?url={VS}&count=3", timeout=5).status)
            except OSError:
                outcomes.append("error")
    threads = [threading.Thread(target=load) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        time.sleep(1.0)
        victim = srv.workers()[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            time.sleep(0.2)
            workers = srv.workers()
            if victim not in workers and len(workers) == 2 and \
                    request(srv, "GET", "/readyz").json()["workers"]["running"] == 2:
                break
        else:
            pytest.fail("the killed worker was not replaced within 15 s")
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
        srv.stop()
    good = outcomes.count(200)
    assert good > 50 and len(outcomes) - good <= max(8, len(outcomes) // 50), (good, len(outcomes))


def test_sigterm_drains_in_flight_requests_and_exits(tmp_path):
    """Defect 10: SIGTERM stops accepting, lets the request in flight finish, then exits within a bound."""
    srv = start_server(tmp_path, env={"RRALL_DEADLINE_SECONDS": "30"})   # the slow request must not hit it
    concepts = [{"code": f"c{i}", "display": f"Concept {i}"} for i in range(40_000)]
    body = params({"name": "url", "valueUri": "http://example.org/vs/big"},
                  {"name": "count", "valueInteger": 1},
                  {"name": "tx-resource", "resource": {"resourceType": "CodeSystem", "url": "http://example.org/cs/big",
                                                       "status": "active", "content": "complete", "concept": concepts}},
                  {"name": "tx-resource", "resource": {"resourceType": "ValueSet", "url": "http://example.org/vs/big",
                                                       "status": "active",
                                                       "compose": {"include": [{"system": "http://example.org/cs/big"}]}}})
    idle = request(srv, "GET", "/healthz")   # (http.client closes it; an idle keep-alive one follows below)
    assert idle.status == 200
    import http.client
    keep = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    keep.request("GET", "/healthz")
    assert keep.getresponse().read() == b'{"status":"ok"}'   # left open, idle
    result = {}

    def slow():
        result["answer"] = request(srv, "POST", EXPAND, body, {"Content-Type": "application/fhir+json"}, timeout=30)
        result["done"] = time.monotonic()
    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.4)
    term = time.monotonic()
    in_flight = "answer" not in result
    os.kill(srv.proc.pid, signal.SIGTERM)   # to the main process, as Docker and Kubernetes send it
    refused_at = None
    while time.monotonic() - term < 15:
        try:
            request(srv, "GET", "/healthz", timeout=1)
            time.sleep(0.05)
        except OSError:
            refused_at = time.monotonic()   # no longer accepting
            break
    worker.join(30)
    assert in_flight and refused_at is not None, (in_flight, srv.log.read_text()[-1500:])
    # a worker stops accepting as soon as it handles the signal; one busy in a long call that holds the GIL
    # handles it when that call ends, so new connections may be taken until then. On a loaded machine that can
    # stretch to seconds: the bound asserted is the drain bound, well before the exit bound below
    assert refused_at - term < 10.0, (refused_at - term, result["done"] - term)
    assert result["answer"].status == 200, result["answer"].body[:300]
    assert result["answer"].json()["expansion"]["total"] == 40_000
    code = _exit(srv.proc, 15)
    assert time.monotonic() - term < 12 and code == 0
    keep.close()


def test_gunicorn_serves_and_times_out_a_stalled_upload(tmp_path):
    """The alternative server gets the same edge: a stalled upload is a 408 there too (its socket is shut down)."""
    import socket

    srv = start_server(tmp_path, "--server", "gunicorn")
    try:
        assert request(srv, "GET", "/readyz").json()["workers"] == {"running": 2, "expected": 2}
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
            s.sendall(b"POST /r4/ValueSet/$expand HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\n"
                      b"Content-Length: 100\r\n\r\n{")
            start = time.monotonic()
            answer = s.recv(65536)
            assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - start < 6
        ans = request(srv, "POST", EXPAND, with_url({"name": "count", "valueInteger": 1}),
                      {"Content-Type": "application/fhir+json"})
        assert ans.status == 200 and ans.json()["expansion"]["contains"]
        too_long = request(srv, "GET", "/r4/metadata?" + "a" * 10_000)   # refused by gunicorn itself
        assert assert_outcome(too_long, 414)["code"] == "too-long"
    finally:
        srv.stop()
