"""python -m bench [--smoke] [--duration S] [--concurrency 1,8] [--scenarios LK,EXF] ...

Starts the server with production settings (gunicorn, workers = CPU count, preload) on
127.0.0.1 at a free port, drives it from separate processes (wrk when installed, else a Python
keep-alive generator), one fixed-duration run per scenario and concurrency, and prints req/s,
p50 and p99 with the ratio to the trivial route /healthz measured in the same run.

--smoke: ~1 s per scenario, no ICD-10-CM needed; exit status 0 unless the server fails.
ICD-10-CM scenarios run when build/icd10cm/ exists (`rrall-tx import icd10cm --out build/icd10cm`).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from . import load, scenarios
from .server import Server


def _parse(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--smoke", action="store_true", help="~1 s per scenario; exit 0 unless the server fails")
    p.add_argument("--duration", type=float, default=5.0, help="seconds per scenario and concurrency")
    p.add_argument("--concurrency", default="1,8", help="comma-separated connection counts")
    p.add_argument("--scenarios", default=",".join(scenarios.SCENARIOS), help="comma-separated scenario names")
    p.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--server", choices=["granian", "gunicorn"], default="granian")
    p.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread", help="with --server gunicorn")
    p.add_argument("--no-icd", action="store_true", help="skip ICD-10-CM even when it is built")
    p.add_argument("--no-response-cache", action="store_true",
                   help="run the server without the rendered-response cache (compute cost only)")
    p.add_argument("--startup", action="store_true",
                   help="also measure a cold start (empty load cache) and a warm start")
    p.add_argument("--max-seconds", type=float, default=900.0, help="bound on the whole run")
    p.add_argument("--soak", type=float, metavar="SECONDS",
                   help="instead: a soak of SECONDS (bench/soak.py): requests, errors, worker RSS growth")
    p.add_argument("--soak-concurrency", type=int, default=8, help="connections during --soak")
    p.add_argument("--max-growth", type=float, default=10.0, help="--soak fails above this worker RSS growth (%%)")
    return p.parse_args(argv)


def _fmt(x: float, digits: int = 2) -> str:
    return "-" if x != x else f"{x:,.{digits}f}"   # NaN -> "-"


def _startup(content: list[str], args) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as cache:
        for label in ("cold (empty load cache)", "warm (load cache filled)"):
            srv = Server(content=content, workers=args.workers, threads=args.threads, server=args.server,
                         worker_class=args.worker_class, env={"RRALL_CACHE_DIR": cache})
            try:
                secs = srv.start(timeout=300)
                mem = srv.memory()
                lines.append(f"start-up {label}: {secs:.2f} s to first /healthz; "
                             + _mem_line(mem))
            finally:
                srv.stop()
    return lines


def _mem_line(mem: dict) -> str:
    return ", ".join(f"{k} rss {v['rss']:.0f} / pss {v['pss']:.0f} / private {v['private']:.0f} MiB"
                     for k, v in mem.items())


def main(argv=None) -> int:
    args = _parse(argv)
    if args.soak:
        from . import soak
        return soak.run(args, args.soak)
    t_start = time.monotonic()
    duration = 1.0 if args.smoke else args.duration
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    with_icd = (scenarios.ICD_DIR / "CodeSystem-icd-10-cm.json").exists() and not args.no_icd and not args.smoke
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if load.wrk_available() else "python"
    content = [str(p) for p in scenarios.CONTENT] + ([str(scenarios.ICD_DIR)] if with_icd else [])
    server = args.server + (f" {args.worker_class}" if args.server == "gunicorn" else "")
    print(f"bench: generator={generator}, {server}, workers={args.workers} x {args.threads} threads, "
          f"duration={duration:g}s, concurrency={concurrencies}, ICD-10-CM={'yes' if with_icd else 'no'}, "
          f"response cache={'off' if args.no_response_cache else 'on'}, cpus={os.cpu_count()}", flush=True)
    if args.startup and with_icd:
        for line in _startup(content, args):
            print(line, flush=True)

    corpus = scenarios.Corpus(with_icd)
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    if "HZ" not in names:
        names.insert(0, "HZ")
    env = {"RRALL_RESPONSE_CACHE_ITEMS": "0"} if args.no_response_cache else {}
    log = Path(tempfile.gettempdir()) / f"rrall-bench-{os.getpid()}.log"
    srv = Server(content=content, workers=args.workers, threads=args.threads, server=args.server,
                 worker_class=args.worker_class,
                 env=env, log_path=log)
    rows, failed = [], False
    try:
        try:
            secs = srv.start(timeout=300)
        except RuntimeError as exc:
            print(f"bench: FAILED: {exc}", file=sys.stderr)
            print(log.read_text(errors="replace")[-3000:] if log.exists() else "", file=sys.stderr)
            return 1
        print(f"server up in {secs:.2f} s on 127.0.0.1:{srv.port}", flush=True)
        baseline: dict[int, load.Result] = {}
        for name in names:
            builder, needs_icd = scenarios.SCENARIOS[name]
            if needs_icd and not with_icd:
                continue
            requests = builder(corpus)
            bad = scenarios.precheck(srv.port, requests)
            for b in bad[:3]:
                print(f"  {name}: precheck: {b}", file=sys.stderr)
            for conc in concurrencies:
                if time.monotonic() - t_start > args.max_seconds:
                    print(f"bench: --max-seconds reached, skipping {name} c={conc}", file=sys.stderr)
                    continue
                if not srv.alive():
                    raise RuntimeError("the server died during the run")
                res = load.run(srv.port, requests, concurrency=conc, duration=duration, generator=generator)
                if name == "HZ":
                    baseline[conc] = res
                rows.append((name, conc, res, len(set(requests))))
                print(f"  {name:8s} c={conc:<2d} {res.rps:10,.0f} req/s  p50 {_fmt(res.p50_ms)} ms  "
                      f"p99 {_fmt(res.p99_ms)} ms  errors {res.errors}", flush=True)
                if res.requests == 0:
                    failed = True
        mem = srv.memory()
        if not srv.alive() or not srv.healthy():
            failed = True
            print("bench: the server is not healthy after the run", file=sys.stderr)
    except Exception as exc:   # noqa: BLE001 - report and fail
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        srv.stop()

    print()
    print("| scenario | conc | distinct requests | req/s | p50 ms | p99 ms | errors | req/s ÷ healthz | p50 ÷ healthz |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, conc, res, distinct in rows:
        base = baseline.get(conc)
        ratio = res.rps / base.rps if base and base.rps else float("nan")
        p50r = res.p50_ms / base.p50_ms if base and base.p50_ms else float("nan")
        print(f"| {name} | {conc} | {distinct} | {res.rps:,.0f} | {_fmt(res.p50_ms)} | {_fmt(res.p99_ms)} | "
              f"{res.errors} | {_fmt(ratio, 3)} | {_fmt(p50r, 1)} |")
    print()
    print(f"server start {srv.start_seconds:.2f} s; memory after the run: {_mem_line(mem)}")
    print(f"total bench time {time.monotonic() - t_start:.0f} s")
    if failed:
        print("bench: FAILED (a scenario got no answer or the server is unhealthy)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
