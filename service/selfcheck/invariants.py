"""The invariants the FHIR specification implies for everything the server knows.

1. ``expansion-members-validate``: every code of a value set's expansion validates true against that value
   set, and ``$lookup`` finds it (when its code system is known: a value set may list codes of a fragment
   that the server cannot confirm).
2. ``non-members-invalid``: codes of a *complete* code system the value set draws from that are not in its
   expansion validate false.
3. ``subsumes-matches-is-a``: ``$subsumes(A, B)`` says subsumes/equivalent exactly for the codes B that an
   ``is-a A`` filter selects.
4. ``r4-shape``: every resource served on /r4 (read, $expand, $lookup, $validate-code, $translate answers),
   contained resources included, is valid FHIR R4; and every R4 terminology resource of a package comes back
   from R4 -> R5 -> R4 unchanged (narrative aside, which packages drop).
5. ``translate-matches-map``: every ConceptMap target is found by ``$translate`` of its source code, with the
   map's own R4 equivalence on /r4 and the corresponding relationship on /r5.

Each check takes the ``Server``, the ``Report`` and a sample size (None: everything).
"""
from __future__ import annotations

import random
import re

from .. import fhir_io
from ..content import full_resource
from ..convert import r4_to_r5, r5_to_r4
from ..engine.status_checks import canonical
from ..resource_validation import parameter_value as param
from .runner import Report, Server, flatten, sample

CORE_ENTRY_KINDS = ("CodeSystem", "ValueSet", "ConceptMap")
R4_EVERY = 5   # every 5th operation answer is also fetched as /r4 gives it and validated as FHIR R4


# fhir.resources' Extension model has no field for a primitive extension on Extension.value[x]
# (`_valueString` inside an extension), which FHIR JSON allows and HL7's own packages use (v2-0162's
# translated comments): a limit of the validator, not a problem of the resource (docs/conformance.md).
VALIDATOR_BLIND_SPOT = re.compile(r"extension\[\d+\]\._value[A-Z]\w*$")


def _check_r4(report: Report, what: str, resource: dict) -> None:
    problems = fhir_io.validate_resource(resource, fhir_io.R4)
    blind = [p for p in problems if VALIDATOR_BLIND_SPOT.search(p[0])]
    if blind:
        report.invariant("r4-shape").skip("primitive extensions inside extensions (the R4B models cannot parse "
                                          "them; valid FHIR JSON)")
        problems = [p for p in problems if p not in blind]
    report.check("r4-shape", not problems, f"{what}: " + "; ".join(f"{loc}: {msg}" for loc, msg in problems[:3]))


# ---- 1 and 2: expansions against $validate-code and $lookup ---------------------------------------------
def value_sets(server: Server, report: Report, limit: int | None, rng: random.Random) -> None:
    inv1, inv2 = report.invariant("expansion-members-validate"), report.invariant("non-members-invalid")
    for vs in sample([v for v in server.registry.all("ValueSet") if v.get("url")], limit, rng):
        canon = canonical(vs)
        status, exp = server.call("expand", {"url": [canon]})
        if status != 200:
            inv1.skip(f"the value set cannot be expanded here (HTTP {status})")
            continue
        members = [c for c in flatten(exp.get("expansion", {}).get("contains", [])) if c.get("code")]
        if any(c.get("version") for c in members) and len({(c["system"], c.get("version")) for c in members}) > \
                len({c["system"] for c in members}):
            inv1.skip("several versions of one code system in one expansion")
            continue
        for i, c in enumerate(sample(members, limit, rng)):
            _member_validates(server, report, canon, c, r4=i % R4_EVERY == 0)
        _, exp_r4 = server.call("expand", {"url": [canon], "count": [50]}, version="R4")
        _check_r4(report, f"$expand {canon} on /r4", exp_r4)
        _non_members(server, report, inv2, canon, members, limit, rng)


def _member_validates(server: Server, report: Report, canon: str, c: dict, *, r4: bool) -> None:
    q = {"url": [canon], "system": [c["system"]], "code": [c["code"]]}
    if c.get("version"):
        q["systemVersion"] = [c["version"]]
    status, out = server.call("validate-vs", q, version="R4" if r4 else "R5")
    if r4:
        _check_r4(report, f"$validate-code of {c['code']} in {canon} on /r4", out)
    report.check("expansion-members-validate", status == 200 and param(out, "result") is True,
                 f"{c['system']}#{c['code']} is in the expansion of {canon} but $validate-code says "
                 f"{param(out, 'result') if status == 200 else status}: {param(out, 'message')}")
    cs = server.registry.resolve("CodeSystem", c["system"], c.get("version"))
    if cs is None or cs.locate(c["code"]) is None:
        return   # a listed code of a fragment (or of a code system the server lacks): nothing to look up
    lq = {"system": [c["system"]], "code": [c["code"]]}
    if c.get("version"):
        lq["version"] = [c["version"]]
    status, out = server.call("lookup", lq, version="R4" if r4 else "R5")
    if r4:
        _check_r4(report, f"$lookup of {c['system']}#{c['code']} on /r4", out)
    report.check("expansion-members-validate", status == 200 and param(out, "display") is not None,
                 f"$lookup of {c['system']}#{c['code']} (in {canon}) answers {status} / no display")


def _non_members(server: Server, report: Report, inv, canon: str, members: list[dict], limit, rng) -> None:
    present = {(c["system"], c["code"]) for c in members}
    for system in sorted({c["system"] for c in members}):
        cs = server.registry.resolve("CodeSystem", system)
        if cs is None or cs.content != "complete":
            inv.skip("the code system is not complete here (fragment, example or unknown)")
            continue
        outside = [c.code for c in cs.iter_concepts() if (system, c.code) not in present]
        for code in sample(outside, limit, rng):
            status, out = server.call("validate-vs", {"url": [canon], "system": [system], "code": [code]})
            report.check("non-members-invalid", status == 200 and param(out, "result") is False,
                         f"{system}#{code} is not in the expansion of {canon} but $validate-code says "
                         f"{param(out, 'result') if status == 200 else status}")


# ---- 3: $subsumes against the is-a filter ------------------------------------------------------------
def subsumption(server: Server, report: Report, limit: int | None, rng: random.Random) -> None:
    inv = report.invariant("subsumes-matches-is-a")
    for cs in server.registry.all("CodeSystem"):
        if cs.content != "complete" or not any(c.parents for c in cs.iter_concepts()):
            continue
        codes = [c.code for c in cs.iter_concepts()]
        version = [cs.version] if cs.version else []
        for a in sample(codes, 5 if limit is not None else None, rng):
            inline = {"resourceType": "ValueSet", "url": "urn:rrall:selfcheck", "status": "active",
                      "compose": {"include": [dict({"system": cs.url, "filter": [
                          {"property": "concept", "op": "is-a", "value": a}]}, **({"version": cs.version}
                                                                                if cs.version else {}))]}}
            status, exp = server.call("expand", {"valueSet": [inline], "count": [len(codes) + 1]})
            if status != 200:
                inv.skip(f"is-a expansion refused (HTTP {status})")
                continue
            selected = {c["code"] for c in flatten(exp.get("expansion", {}).get("contains", []))}
            for b in sample(codes, limit, rng):
                q = {"system": [cs.url], "codeA": [a], "codeB": [b]}
                if version:
                    q["version"] = version
                _, out = server.call("subsumes", q)
                says = param(out, "outcome")
                report.check("subsumes-matches-is-a", (says in ("subsumes", "equivalent")) == (b in selected),
                             f"{cs.url}: $subsumes({a}, {b}) = {says}, but {b} is "
                             f"{'' if b in selected else 'not '}selected by is-a {a}")


# ---- 4: R4 shapes ------------------------------------------------------------------------------------
def r4_shapes(server: Server, report: Report, limit: int | None, rng: random.Random) -> None:
    for kind in CORE_ENTRY_KINDS:
        for entry in sample(server.registry.all(kind), limit, rng):
            res = full_resource(entry)
            _check_r4(report, f"{kind}/{res.get('id')} as served on /r4", r5_to_r4(res))


def r4_round_trip(originals: list[dict], report: Report, limit: int | None, rng: random.Random) -> None:
    """R4 resources as published (e.g. read from a package) survive R4 -> R5 -> R4 (narrative aside)."""
    for res in sample(originals, limit, rng):
        if res.get("resourceType") not in CORE_ENTRY_KINDS:
            continue
        plain = {k: v for k, v in res.items() if k != "text"}
        back = r5_to_r4(r4_to_r5(plain))
        report.check("r4-shape", back == plain,
                     f"{res['resourceType']}/{res.get('id')} changes on the R4 -> R5 -> R4 round trip")


# ---- 5: ConceptMaps against $translate ----------------------------------------------------------------
def concept_maps(server: Server, report: Report, limit: int | None, rng: random.Random,
                 published: dict[str, dict] | None = None) -> None:
    """published: url -> the map as published in R4 (else the map as /r4 serves it is the reference)."""
    inv = report.invariant("translate-matches-map")
    for cm in server.registry.all("ConceptMap"):
        r4_map = (published or {}).get(cm.get("url")) or r5_to_r4(cm)
        if not cm.get("url"):
            inv.skip("a map without url")
            continue
        for g5, g4 in zip(cm.get("group", []), r4_map.get("group", [])):
            pairs = [(e5, t5, t4) for e5, e4 in zip(g5.get("element", []), g4.get("element", []))
                     for t5, t4 in _targets_by_code(e5, e4)]
            if not g4.get("source"):
                inv.skip("a group without a source system")
                continue
            for e5, t5, t4 in sample(pairs, limit, rng):
                if t5.get("dependsOn"):
                    inv.skip("a target that depends on other elements")
                    continue
                _translate_target(server, report, cm, g4, e5["code"], t5, t4)


def _targets_by_code(e5: dict, e4: dict) -> list[tuple[dict, dict]]:
    """The R5 and the published R4 target of each target code (an R4 'unmatched' without code has none)."""
    if not e5.get("code"):
        return []
    r4 = {t.get("code"): t for t in e4.get("target", []) or [] if t.get("code")}
    return [(t5, r4[t5["code"]]) for t5 in e5.get("target", []) or [] if t5.get("code") in r4]


def _translate_target(server: Server, report: Report, cm: dict, group: dict, code: str, t5: dict, t4: dict):
    q = {"url": [cm["url"]], "system": [group.get("source")], "code": [code]}
    if group.get("sourceVersion"):
        q["version"] = [group["sourceVersion"]]
    for version, name, want in (("R4", "equivalence", t4.get("equivalence")),
                                ("R5", "relationship", t5.get("relationship"))):
        status, out = server.call("translate", dict(q), version=version)
        found = []
        for p in out.get("parameter", []) if status == 200 else []:
            if p.get("name") != "match":
                continue
            parts = {x.get("name"): x for x in p.get("part", [])}
            concept = (parts.get("concept") or {}).get("valueCoding") or {}
            if concept.get("code") == t5["code"] and concept.get("system") == group.get("target"):
                found.append((parts.get(name) or {}).get("valueCode"))
        report.check("translate-matches-map", want in found,
                     f"{cm['url']}: {group.get('source')}#{code} -> {t5['code']} is '{want}' in the map; "
                     f"$translate on /{version.lower()} says {found or status}")
        if version == "R4" and status == 200:
            _check_r4(report, f"$translate {cm['url']} {code} on /r4", out)
