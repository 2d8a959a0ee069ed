"""`python -m bench --soak SECONDS`: a bounded soak on loopback. Starts the server as in production, warms it up,
then drives a mix of every scenario (lookups, validations, expansions by GET and POST, subsumption, translation,
/healthz; ICD-10-CM ones when it is built) for SECONDS in slices, sampling each worker's RSS after every slice.
Reports requests, errors, req/s and the RSS growth of every worker from the end of the warm-up to the end; exits
non-zero on any error or when a worker grew by more than --max-growth percent."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from . import load, scenarios
from .server import Server

MIX = ("HZ", "LK", "VC", "EX-GET", "EX-POST", "SS", "CM", "LK-ICD", "EXF")


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run(args, seconds: float) -> int:
    seconds = max(5.0, min(seconds, args.max_seconds))
    with_icd = (scenarios.ICD_DIR / "CodeSystem-icd-10-cm.json").exists() and not args.no_icd
    corpus = scenarios.Corpus(with_icd)
    requests, names = [], []
    for name in MIX:
        builder, needs_icd = scenarios.SCENARIOS[name]
        if not needs_icd or with_icd:
            requests += builder(corpus)
            names.append(name)
    generator = args.generator if args.generator != "auto" else ("wrk" if load.wrk_available() else "python")
    content = [str(p) for p in scenarios.CONTENT] + ([str(scenarios.ICD_DIR)] if with_icd else [])
    log = Path(tempfile.gettempdir()) / f"rrall-soak-{os.getpid()}.log"
    srv = Server(content=content, workers=args.workers, threads=args.threads, server=args.server,
                 worker_class=args.worker_class, log_path=log)
    print(f"soak: {seconds:.0f} s, {len(requests)} distinct requests ({', '.join(names)}), "
          f"generator={generator}, {args.server}, workers={args.workers} x {args.threads}, concurrency "
          f"{args.soak_concurrency}", flush=True)
    total = errors = 0
    try:
        srv.start(timeout=300)
        bad = scenarios.precheck(srv.port, requests, n=len(requests))
        for b in bad[:5]:
            print(f"soak: precheck: {b}", file=sys.stderr)
        warm = load.run(srv.port, requests, concurrency=args.soak_concurrency, duration=min(5.0, seconds / 5),
                        generator=generator)
        pids = srv.worker_pids()
        before = {pid: _rss_mib(pid) for pid in pids}
        slices = max(1, min(10, int(seconds // 5)))
        started = time.monotonic()
        for i in range(slices):
            res = load.run(srv.port, requests, concurrency=args.soak_concurrency, duration=seconds / slices,
                           generator=generator)
            total, errors = total + res.requests, errors + res.errors
            rss = ", ".join(f"{_rss_mib(p) or 0:.0f}" for p in pids)
            print(f"  slice {i + 1}/{slices}: {res.requests:,} requests, {res.errors} errors, "
                  f"{res.rps:,.0f} req/s, p99 {res.p99_ms:.2f} ms, worker RSS MiB {rss}", flush=True)
            if not srv.alive():
                print("soak: the server died", file=sys.stderr)
                return 1
        elapsed = time.monotonic() - started
        after = {pid: _rss_mib(pid) for pid in pids}
        if sorted(srv.worker_pids()) != sorted(pids):
            print("soak: a worker was replaced during the run", file=sys.stderr)
            errors += 1
    finally:
        srv.stop()
    growth = {pid: (after[pid] - before[pid]) / before[pid] * 100 for pid in pids if before[pid] and after[pid]}
    worst = max(growth.values(), default=float("nan"))
    print(f"soak result: {total:,} requests in {elapsed:.0f} s ({total / elapsed:,.0f} req/s), {errors} errors "
          f"(warm-up: {warm.requests:,} requests, {warm.errors} errors); worker RSS MiB "
          + "; ".join(f"{before[p]:.0f} -> {after[p]:.0f} ({growth.get(p, float('nan')):+.1f} %)" for p in pids))
    if errors or warm.errors or not (worst <= args.max_growth):
        print(f"soak: FAILED (errors, or RSS growth above {args.max_growth:g} %)", file=sys.stderr)
        return 1
    return 0
