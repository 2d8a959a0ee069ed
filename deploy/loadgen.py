"""A small, bounded HTTP load generator for deploy/loopback-demo.sh (standard library only).

    python deploy/loadgen.py --url http://127.0.0.1:18380 --seconds 15 --concurrency 4 --content .

Threads with keep-alive connections send a mix drawn from the repository's content: GET $lookup and GET $expand
of stored codes and value sets (repeated: the proxy cache answers most of them), GET CodeSystem/$validate-code of
a new made-up code each time and POST ValueSet/$expand with a random count (never cacheable at the proxy: these
always reach a replica). Any answer other than 200, and any connection error, is a failure. Prints one JSON
object: requests, failures (with the first few reasons), GETs and the proxy cache outcomes (X-Proxy-Cache).
Loopback only: the URL must point at 127.0.0.1.
"""
from __future__ import annotations

import argparse
import collections
import http.client
import json
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit


def corpus(root: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(system, code) pairs of our own code systems and the canonical URLs of our value sets."""
    codes: list[tuple[str, str]] = []

    def walk(url, concepts):
        for c in concepts:
            codes.append((url, c["code"]))
            walk(url, c.get("concept", []))

    for f in sorted((root / "codesystems").glob("CodeSystem-rr-all-*.json")):
        cs = json.loads(f.read_text(encoding="utf-8"))
        walk(cs["url"], cs.get("concept", []))
    value_sets = [json.loads(f.read_text(encoding="utf-8"))["url"]
                  for f in sorted((root / "valuesets").glob("ValueSet-*.json"))]
    if not codes or not value_sets:
        sys.exit(f"loadgen: no content under {root}")
    return codes, value_sets


def pick(rng: random.Random, codes, value_sets) -> tuple[str, str, bytes | None]:
    roll = rng.random()
    if roll < 0.4:
        system, code = rng.choice(codes)
        return "GET", f"/r4/CodeSystem/$lookup?system={quote(system, safe='')}&code={quote(code, safe='')}", None
    if roll < 0.6:
        return "GET", f"/r5/ValueSet/$expand?url={quote(rng.choice(value_sets), safe='')}&count=10", None
    if roll < 0.8:
        system, _ = rng.choice(codes)
        return ("GET", f"/r4/CodeSystem/$validate-code?url={quote(system, safe='')}"
                       f"&code=made-up-{rng.getrandbits(48):x}", None)
    body = {"resourceType": "Parameters", "parameter": [{"name": "url", "valueUri": rng.choice(value_sets)},
                                                        {"name": "count", "valueInteger": rng.randint(1, 50)}]}
    return "POST", "/r4/ValueSet/$expand", json.dumps(body).encode()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = self.failures = self.gets = 0
        self.cache = collections.Counter()
        self.reasons: list[str] = []

    def add(self, method: str, ok: bool, cache: str | None, reason: str = "") -> None:
        with self.lock:
            self.requests += 1
            if method == "GET":
                self.gets += 1
                self.cache[cache or "NONE"] += 1
            if not ok:
                self.failures += 1
                if len(self.reasons) < 10:
                    self.reasons.append(reason)


def worker(host: str, port: int, until: float, seed: int, codes, value_sets, stats: Stats) -> None:
    rng = random.Random(seed)
    conn = None
    while time.monotonic() < until:
        method, path, body = pick(rng, codes, value_sets)
        headers = {"Accept": "application/fhir+json"}
        if body is not None:
            headers["Content-Type"] = "application/fhir+json"
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            ok = resp.status == 200
            stats.add(method, ok, resp.headers.get("X-Proxy-Cache"), f"{resp.status} {method} {path[:80]}")
            if resp.headers.get("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            stats.add(method, False, None, f"{type(exc).__name__} {method} {path[:80]}")
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="base URL of the proxy, e.g. http://127.0.0.1:18380")
    p.add_argument("--seconds", type=float, default=15.0)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--content", default=str(Path(__file__).resolve().parent.parent), help="repository root")
    p.add_argument("--seed", type=int, default=14)
    args = p.parse_args(argv)
    target = urlsplit(args.url)
    if target.hostname != "127.0.0.1":
        sys.exit("loadgen: loopback only (http://127.0.0.1:PORT)")
    codes, value_sets = corpus(Path(args.content))
    stats = Stats()
    until = time.monotonic() + min(args.seconds, 120.0)
    threads = [threading.Thread(target=worker, args=(target.hostname, target.port, until, args.seed + i, codes,
                                                     value_sets, stats), daemon=True)
               for i in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.seconds + 60)
    print(json.dumps({"requests": stats.requests, "failures": stats.failures, "gets": stats.gets,
                      "proxy_cache": dict(stats.cache), "first_failures": stats.reasons}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
