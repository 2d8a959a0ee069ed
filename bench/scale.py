"""Cost versus size of the compact code-system provider (issue #15), measured at the provider level.

    python -m bench.scale --sizes 10000,100000,350000 [--work /tmp/rrall-scale] [--seed 15]

For each size: generate a synthetic RF2 release (bench/synth_rf2.py; reused when present), import it
(service/importers/snomed.py), open it, fork two workers from the process that opened it (as `serve`
does) and let each run the whole operation mix, then read their memory from /proc/<pid>/smaps_rollup;
and time the operations in one process (after one warm-up pass): $lookup (what lookup.py reads:
display, designations, parents and children with displays, properties), $subsumes, is-a membership,
`<< X` with count=20 (X drawn from concepts that have children), the text filter with count=10 (one
and two terms: 3-6 letter prefixes of words of random concepts' displays, so frequent words come up
as often as in real searches), an is-a subset plus a text filter, and small ECL expressions.
Prints a markdown table (docs/performance.md, "Cost versus size"). Bounded: --max-seconds.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

OPS = ("lookup", "subsumes", "isa", "desc20", "text1", "text2", "isa_text", "ecl")


def smaps(pid: int) -> dict[str, float]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            parts = line.split()
            if parts and parts[0].rstrip(":") in ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean"):
                out[parts[0].rstrip(":")] = int(parts[1]) / 1024
    except OSError:
        pass
    out["Private"] = out.get("Private_Clean", 0) + out.get("Private_Dirty", 0)
    return out


def lookup(cs, code: str) -> dict:
    c = cs.locate(code)
    return {"display": c.display, "designations": c.designations, "inactive": c.inactive,
            "parents": [(p, cs.concepts[p].display) for p in c.parents],
            "children": [(k, cs.concepts[k].display) for k in c.children], "properties": c.properties}


class Workload:
    def __init__(self, cs, seed: int, n: int):
        from service.engine.compact_format import FLAG_INACTIVE
        rng = self.rng = random.Random(seed)
        self.cs = cs
        active = [i for i in (rng.randrange(cs.count) for _ in range(4 * n)) if not cs._a["flags"][i] & FLAG_INACTIVE]
        self.codes = [cs.code_at(i) for i in active[:n]]
        chi_off = cs._a["chi_off"]
        self.parents = [i for i in active if chi_off[i] != chi_off[i + 1]][:n]
        self.pairs = []
        for i in active[:n]:
            anc = list(cs.ancestor_ids(i))
            a = rng.choice(anc) if anc and rng.random() < 0.5 else rng.randrange(cs.count)
            self.pairs.append((cs.code_at(a), cs.code_at(i)))
        self.texts1 = [self._prefix() for _ in range(n)]
        self.texts2 = [self._prefix() + " " + self._prefix(3, 3) for _ in range(n)]
        refset = cs.refset_codes[0] if cs.refset_codes else None
        self.ecl = [f"<< {cs.code_at(p)}" + (f" AND ^ {refset}" if refset and k % 2 else f" MINUS {cs.code_at(p)}")
                    for k, p in enumerate(self.parents[: max(1, n // 4)])]

    def _prefix(self, lo: int = 3, hi: int = 6) -> str:
        c = self.cs.ordered[self.rng.randrange(self.cs.count)]
        words = [w for w in re.findall(r"\w+", c.display or c.code) if len(w) >= lo] or [c.code]
        return self.rng.choice(words)[: self.rng.randint(lo, hi)].lower()

    def run(self, op: str) -> list[float]:
        from service.engine.ecl import evaluate
        cs = self.cs
        lat: list[float] = []
        clock = time.perf_counter
        if op == "lookup":
            items = self.codes
            fn = lambda c: lookup(cs, c)
        elif op == "subsumes":
            items = self.pairs
            fn = lambda ab: cs.subsumes(*ab)
        elif op == "isa":
            items = [(cs.index_of(a), cs.index_of(b)) for a, b in self.pairs]
            fn = lambda ab: cs.is_descendant_or_self(ab[1], ab[0])
        elif op == "desc20":
            items = [cs.code_at(i) for i in self.parents]
            fn = lambda code: _page(cs, cs.reach(cs.index_of(code)), 20)
        elif op in ("text1", "text2"):
            items = self.texts1 if op == "text1" else self.texts2
            fn = lambda t: _page_hits(cs, cs.text_search(t), 10)
        elif op == "isa_text":
            items = list(zip(self.parents, self.texts1))
            fn = lambda pt: _page_hits(cs, cs.reach(pt[0]).filter_sorted(cs.text_search(pt[1])), 10)
        else:
            items = self.ecl
            fn = lambda e: _page(cs, evaluate(e, cs).ids, 20)
        cpu_clock = time.thread_time
        self.cpu = cpu = []
        for item in items:
            t, c = clock(), cpu_clock()
            fn(item)
            lat.append((clock() - t) * 1000)
            cpu.append((cpu_clock() - c) * 1000)
        return lat


def _page(cs, ids, count: int):
    return len(ids), [(cs.code_at(i), cs.concept_at(i).display) for i in ids.take(0, count)]


def _page_hits(cs, hits, count: int):
    return len(hits), [(cs.code_at(i), cs.concept_at(i).display) for i in list(hits[:count])]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def measure(size: int, work: Path, seed: int, n: int) -> dict:
    from bench.synth_rf2 import generate
    from service.importers import snomed
    rf2 = work / f"rf2-{size}"
    res: dict = {"size": size}
    if not (rf2 / "Snapshot").exists():
        t = time.monotonic()
        info = generate(rf2, size, seed)
        res["generate_s"] = round(time.monotonic() - t, 1)
        (work / f"rf2-{size}.json").write_text(json.dumps(info))
    t = time.monotonic()
    path, summary = snomed.write(rf2, work / f"out-{size}", progress=False)
    res["import_s"] = round(time.monotonic() - t, 1)
    res["file_mb"] = summary["megabytes"]
    probe = subprocess.run([sys.executable, "-m", "bench.scale", "--probe", str(path), "--seed", str(seed),
                            "--requests", str(n)], capture_output=True, text=True, check=True)
    res.update(json.loads(probe.stdout))
    return res


def probe(path: str, seed: int, n: int) -> dict:
    """In a fresh process (as a server starts): open, fork two workers that run the mix, time the operations."""
    import service.engine.ecl  # noqa: F401 - imported before the clock, as a server has it loaded
    from service.engine.compact import CompactCodeSystem
    res: dict = {}
    rss0 = smaps(os.getpid()).get("Rss", 0)
    t = time.perf_counter()
    cs = CompactCodeSystem(path)
    res["open_ms"] = round((time.perf_counter() - t) * 1000, 2)
    res["parent_rss_mb"] = round(smaps(os.getpid()).get("Rss", 0) - rss0, 1)
    wl = Workload(cs, seed, n)
    gc.freeze()                        # as serve does before forking
    res["memory"] = _forked_workers(wl)
    for op in OPS:
        wl.run(op)                     # warm-up: page the touched parts of the file in
        lat = wl.run(op)
        res[op] = (round(statistics.median(lat), 3), round(pct(lat, 0.99), 3), round(pct(wl.cpu, 0.99), 3))
    res["intervals_per_concept"] = round(len(cs._a["reach"]) / 2 / cs.count, 2)
    return res


def _forked_workers(wl: Workload) -> list[dict]:
    """Two workers forked after the open, each running every operation once; both read their smaps while
    both are still alive (a page mapped by the two counts as shared, not private)."""
    kids = []
    for _ in range(2):
        done_r, done_w = os.pipe()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:   # worker
            os.close(done_r)
            os.close(go_w)
            for op in OPS:
                wl.run(op)
            os.write(done_w, b"1")
            os.read(go_r, 1)
            os.write(done_w, json.dumps(smaps(os.getpid())).encode())
            os.close(done_w)
            os._exit(0)
        os.close(done_w)
        os.close(go_r)
        kids.append((pid, done_r, go_w))
    for _pid, done_r, _go in kids:
        os.read(done_r, 1)
    for _pid, _done, go_w in kids:
        os.write(go_w, b"1")
    out = []
    for pid, done_r, go_w in kids:
        with os.fdopen(done_r) as fh:
            out.append({k: round(v, 1) for k, v in json.loads(fh.read() or "{}").items()})
        os.close(go_w)
        os.waitpid(pid, 0)
    return out


def table(results: list[dict]) -> str:
    head = ["concepts", "import s", "file MB", "open ms", "worker RSS / PSS / private dirty MB (each of 2)",
            "$lookup", "$subsumes", "is-a member", "<< X, 20", "text, 10", "2-word text", "is-a + text", "ECL"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        mem = " ; ".join(f"{m.get('Rss', 0):.0f} / {m.get('Pss', 0):.0f} / {m.get('Private_Dirty', 0):.0f}"
                         for m in r["memory"])
        cells = [f"{r['size']:,}", str(r["import_s"]), str(r["file_mb"]), str(r["open_ms"]), mem]
        cells += [f"{r[op][0]} / {r[op][1]} ({r[op][2]})" for op in OPS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,350000")
    ap.add_argument("--work", default="/tmp/rrall-scale", help="where releases and imports are written")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--requests", type=int, default=1000, help="operations per kind")
    ap.add_argument("--max-seconds", type=float, default=1800)
    ap.add_argument("--probe", help=argparse.SUPPRESS)     # internal: measure one imported file
    args = ap.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe, args.seed, args.requests)))
        return 0
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.max_seconds
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        if time.monotonic() > deadline:
            print(f"stopping before {size}: --max-seconds reached", file=sys.stderr)
            break
        r = measure(size, work, args.seed, args.requests)
        print(json.dumps(r), file=sys.stderr, flush=True)
        results.append(r)
    print("latencies in ms: wall p50 / wall p99 (CPU-time p99: the work itself, without waiting for a core)")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
