"""The reliability suite (issue #14): hostile inputs and faults against a real `rrall-tx serve` on loopback.

``server`` (session-scoped) starts `python -m service serve` with the built-in content (without the FHIR core
package, to start fast) on 127.0.0.1 at a port the OS chose, 2 workers, short body and header timeouts so that
the stalled-client cases are quick, and a cache and cache key of its own; it is stopped (SIGTERM to its process
group, bounded) at the end. The fault cases in test_faults.py start servers of their own with ``start_server``.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
INTERNALS = ("Traceback", 'File "', "pydantic", "errors.pydantic.dev", "lxml", "expat", "defusedxml",
             "DTDForbidden", "ValidationError", "XMLSyntaxError", "werkzeug", "granian")
SERVER_ENV = {"RRALL_BODY_TIMEOUT_SECONDS": "2", "RRALL_HEADER_TIMEOUT_SECONDS": "2", "RRALL_DEADLINE_SECONDS": "10",
              "RRALL_SHUTDOWN_TIMEOUT_SECONDS": "8", "RRALL_BODY_READERS": "12"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, proc: subprocess.Popen, port: int, log: Path):
        self.proc, self.port, self.log = proc, port, log

    def workers(self) -> list[int]:
        try:
            return [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            return []

    def stop(self, timeout: float = 15.0) -> int | None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            except ProcessLookupError:
                pass
        return self.proc.returncode


def launch(tmp: Path, *args: str, env: dict | None = None, port: int | None = None) -> tuple[subprocess.Popen, int, Path]:
    port = port or free_port()
    log = tmp / f"server-{port}-{time.monotonic_ns()}.log"
    full_env = {**os.environ, "RRALL_CACHE_DIR": str(tmp / "cache"), "RRALL_CACHE_KEY_FILE": str(tmp / "cache-key"),
                **SERVER_ENV, **(env or {})}
    cmd = [sys.executable, "-m", "service", "serve", "--host", HOST, "--port", str(port), "--workers", "2",
           "--threads", "2", "--no-core", *args]
    proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    return proc, port, log


def start_server(tmp: Path, *args: str, env: dict | None = None, timeout: float = 60.0) -> Server:
    """A running server (ready: /readyz 200), or pytest.fail with its log."""
    proc, port, log = launch(tmp, *args, env=env)
    srv = Server(proc, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if request(srv, "GET", "/readyz", timeout=1).status == 200:
                return srv
        except OSError:
            pass
        time.sleep(0.05)
    srv.stop()
    pytest.fail(f"server not ready within {timeout:.0f} s:\n{log.read_text(errors='replace')[-2000:]}")


class Answer:
    def __init__(self, status: int, headers: dict, body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def json(self):
        return json.loads(self.body)


def request(srv, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 30.0) -> Answer:
    conn = http.client.HTTPConnection(HOST, srv.port, timeout=timeout)
    start = time.monotonic()
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        hdrs = {"Host": f"{HOST}:{srv.port}", **(headers or {})}
        if body is not None and "Transfer-Encoding" not in hdrs:
            hdrs.setdefault("Content-Length", str(len(body)))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        try:
            conn.endheaders(body)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the server answered (e.g. 413) and closed before the whole body was sent: read its answer
        resp = conn.getresponse()
        data = resp.read()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, time.monotonic() - start)
    finally:
        conn.close()


def raw(srv, data: bytes, timeout: float = 10.0) -> tuple[bytes, float]:
    """Send bytes as they are; return what came back until the server closed (or timeout) and how long it took."""
    start = time.monotonic()
    with socket.create_connection((HOST, srv.port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    return out, time.monotonic() - start


def assert_outcome(ans: Answer, status: int | tuple, *, seconds: float = 5.0) -> dict:
    """The answer has the status, is an OperationOutcome with an error issue and no internals, and came in time."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert ans.status in statuses, (ans.status, ans.body[:300])
    assert ans.seconds < seconds, ans.seconds
    assert ans.headers.get("content-type", "").startswith(("application/fhir+json", "application/json")), ans.headers
    oo = ans.json()
    assert oo["resourceType"] == "OperationOutcome" and oo["issue"], oo
    first = oo["issue"][0]
    assert first["severity"] in ("error", "fatal") and first["code"] and first.get("details", {}).get("text"), oo
    text = ans.body.decode("utf-8", "replace")
    for internal in INTERNALS:
        assert internal not in text, (internal, text[:300])
    return first


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("reliability"))
    yield srv
    srv.stop()
