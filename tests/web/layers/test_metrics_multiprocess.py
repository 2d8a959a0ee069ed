"""/metrics and the access log across forked workers: a real `rrall-tx serve --workers 2` on loopback.

Every worker writes its values to PROMETHEUS_MULTIPROC_DIR, so whichever worker answers a scrape reports the
sum over all workers. Without multi-process mode each scrape would show only the answering worker's share.
Workers hand their counts and log lines over in batches (service/web/layers/flusher.py), and at exit.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from helpers import ANIMALS, FIXTURES, vs_url
from service.web.layers import flusher

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def free_port() -> int:
    """A free loopback port from RRALL_TEST_PORTS (default 18300-18399), else one the kernel picks."""
    lo, hi = (int(x) for x in os.environ.get("RRALL_TEST_PORTS", "18300-18399").split("-"))
    for port in range(lo, hi + 1):
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str, method: str = "GET") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)   # a new connection each time: any worker
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module", params=["granian", "gunicorn"])
def server(request, tmp_path_factory):
    mp_dir = tmp_path_factory.mktemp("prom")
    (mp_dir / "counter_1.db").write_bytes(b"left over by an earlier run")   # must be cleaned at start
    port = free_port()
    access_log = mp_dir.parent / f"access-{request.param}.log"
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(mp_dir), RRALL_ACCESS_LOG=str(access_log))
    proc = subprocess.Popen([sys.executable, "-m", "service", "serve", "--host", HOST, "--port", str(port),
                             "--workers", "2", "--threads", "2", "--server", request.param, "--no-core", "--content", str(FIXTURES)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the server did not answer /healthz within 60 s"
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield port, mp_dir, proc, access_log
    finally:
        stop(proc)


def stop(proc) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def scrape(port: int) -> dict:
    status, body = get(port, "/metrics")
    assert status == 200
    return {(s.name, frozenset(s.labels.items())): s.value
            for f in text_string_to_metric_families(body.decode()) for s in f.samples}


def test_stale_files_are_removed_at_start(server):
    _, mp_dir, _, _ = server
    assert not (mp_dir / "counter_1.db").exists()


def test_every_scrape_reports_the_sum_over_both_workers(server):
    port, mp_dir, proc, _ = server
    main_pid = proc.pid
    n = 0

    def worker_pids():
        return {int(m.group(1)) for f in os.listdir(mp_dir) if (m := re.fullmatch(r"histogram_(\d+)\.db", f))}
    # which worker accepts a connection is the kernel's choice: under load one may take many in a row, so keep
    # sending (bounded) until both have answered
    while n < 60 or (len(worker_pids() - {main_pid}) < 2 and n < 1200):
        for _ in range(60):
            code = ("dog", "cat", "bird")[n % 3]
            assert get(port, f"/r4/CodeSystem/$lookup?system={ANIMALS}&code={code}")[0] == 200
            n += 1
        time.sleep(2 * flusher.INTERVAL)
    assert get(port, f"/r5/ValueSet/$expand?url={vs_url('animals-all')}&count=3")[0] == 200
    time.sleep(3 * flusher.INTERVAL)   # each worker hands its counts over at least every INTERVAL
    pids = worker_pids()
    assert len(pids - {main_pid}) == 2, f"both workers answered requests: {sorted(pids)}"   # else nothing to sum
    for _ in range(6):   # new connections: scrapes answered by either worker
        samples = scrape(port)
        key = ("rrall_http_requests_total", frozenset({"operation": "$lookup", "status": "2xx"}.items()))
        assert samples[key] == n
        cache = {r: samples[("rrall_response_cache_total", frozenset({"result": r}.items()))] for r in ("hit", "miss")}
        assert cache["hit"] + cache["miss"] == n + 1 and 3 <= cache["miss"] <= 7   # each worker misses once per code
        assert samples[("rrall_expansion_returned_codes_count", frozenset())] == 1
        assert samples[("rrall_loaded_resources", frozenset({"type": "ValueSet"}.items()))] > 0   # set before the fork


def test_every_request_is_in_the_access_log_after_a_graceful_stop(server):
    import json

    port, _, proc, access_log = server
    for i in range(25):
        assert get(port, f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog&n={i}")[0] == 200
    stop(proc)   # SIGTERM: workers flush what they hold on their way out
    lines = [json.loads(x) for x in access_log.read_text().splitlines() if x.startswith("{")]
    mine = [x for x in lines if x["path"] == "/r5/CodeSystem/$lookup"]
    assert len(mine) == 25 and all(x["status"] == 200 for x in mine)


def test_serve_makes_and_removes_its_own_metrics_folder_when_none_is_given(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(TMPDIR=str(tmp_path), RRALL_ACCESS_LOG="off")
    proc = subprocess.Popen([sys.executable, "-m", "service", "serve", "--host", HOST, "--port", str(port),
                             "--workers", "2", "--no-core", "--content", str(FIXTURES)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None and time.monotonic() < deadline
            try:
                if get(port, f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        made = [p for p in tmp_path.iterdir() if p.name.startswith("rrall-metrics-")]
        assert len(made) == 1 and any(made[0].glob("*.db"))
    finally:
        stop(proc)
    assert proc.returncode == 0 and not made[0].exists()


def test_serve_refuses_an_access_log_it_cannot_open(tmp_path):
    out = subprocess.run([sys.executable, "-m", "service", "serve", "--host", HOST, "--port", str(free_port()),
                          "--no-core", "--content", str(FIXTURES), "--access-log", str(tmp_path / "no" / "a.log")],
                         cwd=REPO, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert out.returncode == 2
    assert "cannot open the access log" in out.stderr and "Traceback" not in out.stderr
