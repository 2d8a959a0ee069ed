"""Start the server as in production (gunicorn, preload) on 127.0.0.1:<free port>, and stop it."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"   # the bench only ever targets the loopback interface


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *, content: list[str], workers: int, threads: int, worker_class: str = "gthread",
                 server: str = "granian", env: dict | None = None, log_path: Path | None = None):
        self.port = free_port()
        self.content = content
        self.workers, self.threads, self.worker_class, self.server = workers, threads, worker_class, server
        self.env = dict(os.environ, **(env or {}))
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.start_seconds: float | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 120.0) -> float:
        """Launch and wait (bounded) until /healthz answers; returns the seconds it took."""
        cmd = [sys.executable, "-m", "service", "serve", "--host", HOST, "--port", str(self.port),
               "--workers", str(self.workers), "--threads", str(self.threads),
               "--server", self.server, "--worker-class", self.worker_class]
        for c in self.content:
            cmd += ["--content", c]
        out = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} during start-up"
                                   + (f" (log: {self.log_path})" if self.log_path else ""))
            if self.healthy(0.5):
                self.start_seconds = time.monotonic() - t0
                return self.start_seconds
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz within {timeout:.0f} s")

    def healthy(self, timeout: float = 2.0) -> bool:
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def memory(self) -> dict:
        """RSS / PSS / private (USS) in MiB for the master and each worker (Linux /proc)."""
        out = {}
        if self.proc is None:
            return out
        for label, pid in [("master", self.proc.pid)] + [(f"worker{i}", p) for i, p in enumerate(self.worker_pids())]:
            try:
                fields = {}
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                    name, value = line.split(":", 1)
                    fields[name.strip()] = int(value.split()[0]) / 1024
                out[label] = {"rss": fields.get("Rss", 0), "pss": fields.get("Pss", 0),
                              "private": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)}
            except OSError:
                continue
        return out

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the process group we started (gunicorn master and its workers), bounded in time."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
