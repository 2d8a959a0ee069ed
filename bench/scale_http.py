"""Cost versus size over HTTP (issue #15): a synthetic SNOMED CT release imported and served as in production.

    python -m bench.scale_http --sizes 10000,100000,350000 [--work /tmp/rrall-scale] [--duration 5]
                               [--concurrency 1,8] [--workers 2] [--max-seconds 3600]

For each size: generate the RF2 release (bench/synth_rf2.py; reused when present), import it (timed), write
stored value sets beside it (``<< X`` for 100 concepts with children, and the whole system), then start
`rrall-tx serve --content <our content> --content <the release> --content <the stored value sets>` with
granian and 2 workers, the rendered-response cache off (every answer computed), twice: with an empty load
cache (cold) and a filled one (warm), timing each start to the first /healthz. On the warm server, after the
run: RSS / PSS / private memory of the master and each worker (/proc/<pid>/smaps_rollup). Scenarios (wrk,
requests drawn at random, each concurrency for --duration seconds after --warmup seconds at c=8 that are not
measured (each worker then has seen the request-borne value sets once: their shape check is remembered, as
for a validator that sends the same tx-resources with every request), /healthz in the same run as the yardstick):

    LK    $lookup of a random code              SB    $subsumes of a pair (half of them related)
    VC-*  is-a $validate-code                   EX-*  << X $expand with count=20
    TX-*  text-filtered $expand, count=10 (a 3-6 letter prefix of a word of a random concept's display)

where * is the form of the value set: S stored (url of a value set in a content folder), I inline
(`valueSet` in a POST), R `tx-resource` (POST, the value set sent with the request and named by url).
Prints the markdown table of docs/performance.md ("Cost versus size over HTTP").
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from .load import Request, run, wrk_available
from .server import REPO, Server
from .scenarios import precheck

SCT = "http://snomed.info/sct"
BASE = "http://example.org/bench"
CONTENT = [str(REPO / "codesystems"), str(REPO / "valuesets"), str(REPO / "conceptmaps")]
ORDER = ["HZ", "LK", "SB", "VC-S", "VC-I", "VC-R", "EX-S", "EX-I", "EX-R", "TX-S", "TX-I", "TX-R"]


def _q(path: str, **params) -> str:
    return path + "?" + urlencode(params, quote_via=quote)


def _isa_vs(vid: str, x: str) -> dict:
    return {"resourceType": "ValueSet", "id": vid, "url": f"{BASE}/{vid}", "version": "1", "name": vid.replace("-", ""),
            "status": "active", "compose": {"include": [{"system": SCT, "filter": [
                {"property": "concept", "op": "is-a", "value": x}]}]}}


def _whole_vs() -> dict:
    return {"resourceType": "ValueSet", "id": "sct-all", "url": f"{BASE}/sct-all", "version": "1", "name": "SctAll",
            "status": "active", "compose": {"include": [{"system": SCT}]}}


def _post(params: list[dict]) -> Request:
    return Request("POST", "/r4/ValueSet/$expand" if not any(p["name"] == "code" for p in params)
                   else "/r4/ValueSet/$validate-code",
                   json.dumps({"resourceType": "Parameters", "parameter": params}, separators=(",", ":")).encode())


def _three_forms(vs: dict, extra: list[dict]) -> tuple[Request, Request, Request]:
    """(stored, inline, tx-resource) requests for one value set and the operation's parameters."""
    op = "/r4/ValueSet/$validate-code" if any(p["name"] == "code" for p in extra) else "/r4/ValueSet/$expand"
    flat = {p["name"]: next(v for k, v in p.items() if k.startswith("value")) for p in extra}
    stored = Request("GET", _q(op, url=vs["url"], **flat))
    inline = _post([{"name": "valueSet", "resource": {k: v for k, v in vs.items() if k != "id"}}] + extra)
    tx = _post([{"name": "url", "valueUri": vs["url"] + "-tx"},
                {"name": "tx-resource", "resource": dict(vs, url=vs["url"] + "-tx", id=vs["id"] + "-tx")}] + extra)
    return stored, inline, tx


def build_requests(cs, seed: int, n: int, stored_dir: Path) -> dict[str, list[Request]]:
    """The request lists per scenario; writes the stored value sets they use into stored_dir."""
    from .scale import Workload
    wl = Workload(cs, seed, n)
    rng = random.Random(seed)
    stored_dir.mkdir(parents=True, exist_ok=True)
    xs = wl.parents[:100]
    sets = []
    for k, x in enumerate(xs):
        vs = _isa_vs(f"isa-{k}", cs.code_at(x))
        (stored_dir / f"ValueSet-isa-{k}.json").write_text(json.dumps(vs))
        sets.append((x, vs))
    whole = _whole_vs()
    (stored_dir / "ValueSet-sct-all.json").write_text(json.dumps(whole))
    out: dict[str, list[Request]] = {"HZ": [Request("GET", "/healthz")]}
    out["LK"] = [Request("GET", _q("/r4/CodeSystem/$lookup", system=SCT, code=c)) for c in wl.codes]
    out["SB"] = [Request("GET", _q("/r4/CodeSystem/$subsumes", system=SCT, codeA=a, codeB=b)) for a, b in wl.pairs]
    for key in ("VC", "EX", "TX"):
        for form in "SIR":
            out[f"{key}-{form}"] = []
    for _ in range(n):
        x, vs = sets[rng.randrange(len(sets))]
        below = cs.reach(x)
        member = below.take(rng.randrange(len(below)), 1)[0] if rng.random() < 0.5 else rng.randrange(cs.count)
        for form, req in zip("SIR", _three_forms(vs, [{"name": "system", "valueUri": SCT},
                                                      {"name": "code", "valueCode": cs.code_at(member)}])):
            out[f"VC-{form}"].append(req)
        for form, req in zip("SIR", _three_forms(vs, [{"name": "count", "valueInteger": 20}])):
            out[f"EX-{form}"].append(req)
        text = wl.texts1[rng.randrange(len(wl.texts1))]
        for form, req in zip("SIR", _three_forms(whole, [{"name": "filter", "valueString": text},
                                                         {"name": "count", "valueInteger": 10}])):
            out[f"TX-{form}"].append(req)
    return out


def _import(size: int, work: Path, seed: int, reuse: bool) -> tuple[Path, dict]:
    """Generate (unless present) and import the release, timed; --reuse-import takes the last import and its
    recorded time (repeated runs of the serving measurements)."""
    from bench.synth_rf2 import generate
    from service.importers import snomed
    rf2 = work / f"rf2-{size}"
    out = work / f"out-{size}"
    record = work / f"import-{size}.json"   # not in the served folder (it would be read as content)
    found = sorted(out.glob("*.rrcs"))
    if reuse and found and record.exists():
        return found[0], json.loads(record.read_text())
    if not (rf2 / "Snapshot").exists():
        generate(rf2, size, seed)
    for old in found:
        old.unlink()
    t = time.monotonic()
    path, summary = snomed.write(rf2, out, progress=False)
    info = {"size": size, "import_s": round(time.monotonic() - t, 1), "file_mb": summary["megabytes"]}
    record.write_text(json.dumps(info))
    return path, info


def _start(content: list[str], cache: str, args, log: Path) -> tuple[Server, float]:
    srv = Server(content=content, workers=args.workers, threads=args.threads, server="granian",
                 env={"RRALL_CACHE_DIR": cache, "RRALL_RESPONSE_CACHE_ITEMS": "0"}, log_path=log)
    return srv, srv.start(timeout=600)


def measure(size: int, args) -> dict:
    from service.engine.compact import CompactCodeSystem
    work = Path(args.work)
    path, res = _import(size, work, args.seed, args.reuse_import)
    res = dict(res)
    stored = work / f"vs-{size}"
    requests = build_requests(CompactCodeSystem(path), args.seed, args.requests, stored)
    content = CONTENT + [str(path.parent), str(stored)]
    log = Path(tempfile.gettempdir()) / f"rrall-scale-http-{size}.log"
    with tempfile.TemporaryDirectory() as cache:
        srv, res["cold_s"] = _start(content, cache, args, log)
        srv.stop()
        srv, res["warm_s"] = _start(content, cache, args, log)
        try:
            res["rows"] = _run_scenarios(srv, requests, args)
            res["memory"] = srv.memory()
        finally:
            srv.stop()
    return res


def _cpu_seconds(srv: Server) -> float:
    """User + system CPU time of the server's processes so far (/proc/<pid>/stat), to give CPU per request:
    the work itself, whatever else the machine is doing."""
    total = 0
    for pid in [srv.proc.pid] + srv.worker_pids():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])          # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _run_scenarios(srv: Server, requests: dict, args) -> list:
    rows = []
    for name in ORDER:
        bad = precheck(srv.port, requests[name], n=10)
        if bad:
            raise RuntimeError(f"{name}: {bad[0]}")
        if args.warmup:   # both workers see the scenario's request-borne resources once (shape check memo)
            run(srv.port, requests[name], concurrency=8, duration=args.warmup, generator=args.generator)
        for conc in args.concurrency:
            cpu = _cpu_seconds(srv)
            r = run(srv.port, requests[name], concurrency=conc, duration=args.duration, generator=args.generator)
            cpu_ms = (_cpu_seconds(srv) - cpu) * 1000 / max(r.requests, 1)
            rows.append((name, conc, round(r.rps), round(r.p50_ms, 2), round(r.p99_ms, 2), r.errors,
                         round(os.getloadavg()[0], 1), round(cpu_ms, 2)))
            print(f"  {name:5s} c={conc} {r.rps:9,.0f} req/s p50 {r.p50_ms:.2f} ms p99 {r.p99_ms:.2f} ms "
                  f"cpu {cpu_ms:.2f} ms/req errors {r.errors}", file=sys.stderr, flush=True)
    return rows


def table(results: list[dict]) -> str:
    lines = ["| concepts | import s | file MB | start cold / warm s | master RSS / PSS / private MB | "
             "per worker RSS / PSS / private MB | total RSS / PSS MB | load avg |", "|---|---:|---:|---|---|---|---|---|"]
    for r in results:
        mem = r["memory"]
        workers = [v for k, v in mem.items() if k.startswith("worker")]
        m = mem.get("master", {"rss": 0, "pss": 0, "private": 0})
        total_rss = sum(v["rss"] for v in mem.values())
        total_pss = sum(v["pss"] for v in mem.values())
        per = " ; ".join(f"{w['rss']:.0f} / {w['pss']:.0f} / {w['private']:.0f}" for w in workers)
        loads = [row[6] for row in r["rows"] if len(row) > 6] or [float("nan")]
        lines.append(f"| {r['size']:,} | {r['import_s']} | {r['file_mb']} | {r['cold_s']:.2f} / {r['warm_s']:.2f} | "
                     f"{m['rss']:.0f} / {m['pss']:.0f} / {m['private']:.0f} | {per} | {total_rss:.0f} / {total_pss:.0f} | "
                     f"{min(loads)}-{max(loads)} |")
    lines += ["", "| scenario | conc | " + " | ".join(f"{r['size'] // 1000}k: req/s, p50 / p99 ms (CPU ms/req)"
                                                  for r in results) + " |", "|---|---:|" + "---|" * len(results)]
    keys = [tuple(row[:2]) for row in results[0]["rows"]]
    for name, conc in keys:
        cells = []
        for r in results:
            hit = next((row for row in r["rows"] if tuple(row[:2]) == (name, conc)), None)
            cells.append("-" if hit is None else f"{hit[2]:,}, {hit[3]} / {hit[4]}"
                         + (f" ({hit[7]})" if len(hit) > 7 else "") + (f" ({hit[5]} err)" if hit[5] else ""))
        lines.append(f"| {name} | {conc} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,350000")
    ap.add_argument("--work", default="/tmp/rrall-scale", help="where releases, imports and value sets are written")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--requests", type=int, default=2000, help="distinct requests per scenario")
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of c=8 load per scenario, not measured")
    ap.add_argument("--concurrency", default="1,8")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=3600)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--reuse-import", action="store_true", help="serve the last import again (its recorded time)")
    ap.add_argument("--table", nargs="+", metavar="JSON", help="print the table of earlier --json results, no run")
    args = ap.parse_args(argv)
    if args.table:
        print(table([r for f in args.table for r in json.loads(Path(f).read_text())]))
        return 0
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
    args.generator = "wrk" if wrk_available() else "python"
    Path(args.work).mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.max_seconds
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        if time.monotonic() > deadline:
            print(f"stopping before {size}: --max-seconds reached", file=sys.stderr)
            break
        print(f"== {size:,} concepts", file=sys.stderr, flush=True)
        results.append(measure(size, args))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
