"""Load generators run in processes separate from the server: wrk (if installed) or a Python one.

Both run for a fixed duration against 127.0.0.1, drawing requests at random from a list, and
report requests/s, p50 and p99 latency and the number of non-2xx/3xx answers and socket errors.
"""
from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "random_requests.lua"


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int   # non-2xx/3xx answers + socket errors

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _to_ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(port: int, requests: list[Request], *, concurrency: int, duration: float) -> Result:
    threads = max(1, min(concurrency, os.cpu_count() or 1))
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as fh:
        for r in requests:
            fh.write(f"{r.method}\t{r.path}\t{r.body.decode()}\n")
        req_file = fh.name
    try:
        cmd = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(duration))}s",
               "--latency", "--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{port}"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30,
                              env=dict(os.environ, BENCH_REQUESTS=req_file))
    finally:
        os.unlink(req_file)
    out = proc.stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    if proc.returncode != 0 or total is None:
        raise RuntimeError(f"wrk failed: {proc.stderr or out}")
    seconds = float(total.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[total.group(3)]
    dist = dict(re.findall(r"^\s+(\d+)%\s+(\S+)$", out, re.M))
    errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    p50, p99 = _to_ms(dist.get("50", "nan")), _to_ms(dist.get("99", "nan"))
    if p50 != p50 or p99 != p99:
        print(f"bench: could not read wrk's latency distribution: {dist or out[-500:]!r}", file=sys.stderr)
    return Result(int(total.group(1)), seconds, p50, p99, errors)


def _py_client(port: int, requests: list[Request], stop_at: float, seed: int, queue) -> None:
    rng = random.Random(seed)
    lat: list[float] = []
    errors = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers_get = {"Accept": "application/fhir+json"}
    headers_post = {"Accept": "application/fhir+json", "Content-Type": "application/fhir+json"}
    while time.monotonic() < stop_at:
        r = requests[rng.randrange(len(requests))]
        t0 = time.perf_counter()
        try:
            conn.request(r.method, r.path, body=r.body or None, headers=headers_post if r.body else headers_get)
            resp = conn.getresponse()
            resp.read()
            if resp.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        lat.append(time.perf_counter() - t0)
    conn.close()
    queue.put((lat, errors))


def run_python(port: int, requests: list[Request], *, concurrency: int, duration: float) -> Result:
    """One process per connection, keep-alive http.client; bounded by duration."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start = time.monotonic() + 0.2
    stop_at = start + duration
    procs = [ctx.Process(target=_py_client, args=(port, requests, stop_at, i, queue), daemon=True)
             for i in range(concurrency)]
    for p in procs:
        p.start()
    lat: list[float] = []
    errors = 0
    for _ in procs:
        part, err = queue.get(timeout=duration + 30)
        lat.extend(part)
        errors += err
    for p in procs:
        p.join(5)
    lat.sort()
    if not lat:
        return Result(0, duration, float("nan"), float("nan"), errors)
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    return Result(len(lat), duration, pick(0.50), pick(0.99), errors)


def run(port: int, requests: list[Request], *, concurrency: int, duration: float, generator: str) -> Result:
    if generator == "wrk":
        return run_wrk(port, requests, concurrency=concurrency, duration=duration)
    return run_python(port, requests, concurrency=concurrency, duration=duration)
