"""`rrall-tx selfcheck`: a consistency check over all content the server knows (ours and loaded packages).

It asks the operations what an integrator would ask and checks the answers against each other, by the
invariants the FHIR specification implies (see ``invariants``). A bounded, reproducible sample by default
(so it runs in CI in seconds); ``limit=None`` checks everything.
"""
from __future__ import annotations

import random
import tarfile
import time
from pathlib import Path

import orjson

from . import invariants
from .runner import Report, Server

CHECKS = ("value-sets", "subsumption", "r4-shapes", "concept-maps")


def originals(content_dirs: list[str] = (), packages: list[str] = ()) -> list[dict]:
    """The terminology resources exactly as published: our content files and FHIR NPM packages (R4). The
    round-trip and $translate checks compare the server's answers with these, not with its own conversion."""
    out = []
    for folder in content_dirs:
        for path in sorted(Path(folder).glob("*.json")):
            try:
                res = orjson.loads(path.read_bytes())
            except (OSError, orjson.JSONDecodeError):
                continue
            if isinstance(res, dict) and res.get("resourceType") in invariants.CORE_ENTRY_KINDS:
                out.append(res)
    for path in packages:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar.getmembers():
                name = member.name.rsplit("/", 1)[-1]
                if member.isfile() and name.split("-", 1)[0] in invariants.CORE_ENTRY_KINDS \
                        and name.endswith(".json"):
                    fh = tar.extractfile(member)
                    try:
                        res = orjson.loads(fh.read()) if fh is not None else None
                    except orjson.JSONDecodeError:
                        continue
                    if isinstance(res, dict):
                        out.append(res)
    return out


def run(registry, cfg: dict, *, limit: int | None = 20, seed: int = 0, published: list[dict] = (),
        checks=CHECKS) -> Report:
    """Check the invariants over registry; limit = sample size per list (None = everything); published = the
    R4 resources as published (``originals``), the reference for the round-trip and $translate checks."""
    cfg = dict(cfg)
    cfg.setdefault("DEADLINE_SECONDS", 60.0)
    cfg["MAX_EXPANSION"] = max(cfg.get("MAX_EXPANSION", 0), 100_000)   # whole expansions: members are what is checked
    rng = random.Random(seed)
    server = Server(registry, cfg)
    report = Report()
    report.resources = {k: len(registry.all(k)) for k in invariants.CORE_ENTRY_KINDS}
    started = time.monotonic()
    if "value-sets" in checks:
        invariants.value_sets(server, report, limit, rng)
    if "subsumption" in checks:
        invariants.subsumption(server, report, limit, rng)
    if "r4-shapes" in checks:
        invariants.r4_shapes(server, report, limit, rng)
        invariants.r4_round_trip(list(published), report, limit, rng)
    if "concept-maps" in checks:
        maps = {m["url"]: m for m in published if m.get("resourceType") == "ConceptMap" and m.get("url")}
        invariants.concept_maps(server, report, limit, rng, maps)
    report.seconds = time.monotonic() - started
    return report
