"""The parts of the content built from ``content/reference/verified-codes.json``: one ConceptMap per
external system (with the verified equivalence, the verified note and the authored notes of
``content/conceptmaps.yaml`` as target comments), the ValueSet of each map's targets, and each external
system as a fragment CodeSystem of exactly the verified codes."""
from __future__ import annotations

import json
from pathlib import Path

# verified-codes.json says "related" for a companion/qualifier code; the FHIR R4 ConceptMapEquivalence
# code with that meaning is "relatedto" (R5: related-to). Other values are already R4 codes.
R4_EQUIVALENCE = {"related": "relatedto"}
SECONDARY_NOTE = "Secondary evidence source; re-check against the NCI EVS browser before production use."
NOTE_KEYS = {"concept", "system", "code", "evidence", "text"}


def load_verified(path: Path) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [e for e in data["codes"] + data.get("other_system_codes", []) if "system" in e and "code" in e]


def _camel(label: str) -> str:
    return label.replace(" ", "").replace("-", "")


def _matches(note: dict, concept: str, e: dict) -> bool:
    """A note applies to a target when every key it gives matches (concept: one code or a list)."""
    concepts = note.get("concept", concept)
    return (concept in (concepts if isinstance(concepts, list) else [concepts])
            and note.get("system", e["system"]) == e["system"]
            and str(note.get("code", e["code"])) == e["code"]
            and str(e.get("evidence_source_type", "")).startswith(note.get("evidence", "")))


def target_comment(concept: str, e: dict, notes: list[dict]) -> str | None:
    parts = [e["note"]] if e.get("note") else []
    parts += [" ".join(n["text"].split()) for n in notes if _matches(n, concept, e)]
    if str(e.get("evidence_source_type", "")).startswith("SECONDARY"):
        parts.append(SECONDARY_NOTE)
    return " ".join(parts) or None


def check_notes(notes: list[dict], verified: list[dict], local: dict, problems: list[str]) -> None:
    """Every note has text and matches at least one mapped target (a note that matches nothing is a typo)."""
    for i, n in enumerate(notes):
        at = f"conceptmaps.yaml: notes[{i}]"
        for key in sorted(set(n) - NOTE_KEYS):
            problems.append(f"{at}: unknown key {key!r}")
        if not str(n.get("text", "")).strip():
            problems.append(f"{at}: text is missing")
        if not any(_matches(n, e["concept_id"], e) for e in verified if e["concept_id"] in local):
            problems.append(f"{at}: matches no mapped target")


def build_maps(b, verified: list[dict], notes: list[dict]) -> dict[str, dict]:
    """ConceptMaps, their target ValueSets and the external fragments, by output file name."""
    systems = b.project["external-systems"]
    local = {c.code: (cs.id, c.display) for cs in b.src.codesystems for c in cs.concepts}
    check_notes(notes, verified, local, b.problems)
    for e in verified:
        if e["system"] not in systems:
            b.problems.append(f"verified-codes.json: system {e['system']!r} is not in project.yaml external-systems")
    verified = [e for e in verified if e["system"] in systems]
    files: dict[str, dict] = {}
    by_system: dict[str, list[dict]] = {}
    for e in verified:
        if e["concept_id"] in local:
            by_system.setdefault(e["system"], []).append(e)
    for system in sorted(by_system, key=lambda s: systems[s]["key"]):
        files.update(_map_and_targets(b, system, by_system[system], local, notes))
    files.update(_fragments(b, verified))
    return files


def _map_and_targets(b, system: str, entries: list[dict], local: dict, notes: list[dict]) -> dict[str, dict]:
    info = b.project["external-systems"][system]
    key, label, cpr = info["key"], info["label"], " ".join(info["copyright"].split())
    codes: dict[str, str] = {}
    for e in entries:
        if codes.setdefault(e["code"], e["display"]) != e["display"]:
            b.problems.append(f"verified-codes.json: conflicting displays for {system}|{e['code']}")
    tvs = f"rr-all-{key}-mapped"
    vs = b.common("ValueSet", tvs, f"RRALL{_camel(label)}Mapped", f"RR-ALL mapped {label} codes",
                  f"The verified {label} codes that RR-ALL concepts map to (targets of ConceptMap rr-all-to-{key}).",
                  f"The target of ConceptMap rr-all-to-{key}: validating or expanding its {label} codes without the "
                  f"whole terminology. Not a pick list.")
    vs["copyright"] = cpr
    vs["compose"] = {"include": [{"system": system, "concept": [{"code": c, "display": codes[c]}
                                                                for c in sorted(codes)]}]}
    groups: dict[str, dict] = {}
    for e in entries:
        cs_id, display = local[e["concept_id"]]
        element = groups.setdefault(cs_id, {}).setdefault(
            e["concept_id"], {"code": e["concept_id"], "display": display, "target": []})
        target = {"code": e["code"], "display": e["display"],
                  "equivalence": R4_EQUIVALENCE.get(e["equivalence"], e["equivalence"])}
        comment = target_comment(e["concept_id"], e, notes)
        if comment:
            target["comment"] = comment
        element["target"].append(target)
    cm = b.common("ConceptMap", f"rr-all-to-{key}", f"RRALLTo{_camel(label)}", f"RR-ALL concepts to {label}",
                  f"Maps RR-ALL concepts to {label}. Only codes whose code and display were verified against a public "
                  f"source (content/reference/verified-codes.json) are used, with the equivalence recorded there "
                  f"(equivalence = relation of the target code to the RR-ALL concept). Cautions and preferences are "
                  f"in target comments. Concepts without a verified code are left unmapped.")
    cm["copyright"] = cpr
    cm["sourceUri"] = b.url("ValueSet", "rr-all-all-concepts")
    cm["targetUri"] = b.url("ValueSet", tvs)
    cm["group"] = [{"source": b.url("CodeSystem", cs.id), "sourceVersion": b.project["version"], "target": system,
                    "element": list(groups[cs.id].values())} for cs in b.src.codesystems if cs.id in groups]
    return {f"valuesets/ValueSet-{tvs}.json": vs, f"conceptmaps/ConceptMap-rr-all-to-{key}.json": cm}


def _fragments(b, verified: list[dict]) -> dict[str, dict]:
    """Each external system as a fragment of exactly the verified codes and displays, so value sets and
    maps that use them expand and validate without the whole terminology."""
    systems = b.project["external-systems"]
    by_system: dict[str, dict[str, str]] = {}
    for e in verified:
        by_system.setdefault(e["system"], {}).setdefault(e["code"], e["display"])
    out = {}
    for system in sorted(by_system, key=lambda s: systems[s]["key"]):
        info = systems[system]
        key, label = info["key"], info["label"]
        frag = b.common("CodeSystem", f"{key}-verified-fragment", f"{_camel(label)}VerifiedFragment",
                        f"{label} (verified fragment)",
                        f"The {label} codes this project uses, each verified against a public source "
                        f"(verified-codes.json). A fragment: it is not the whole of {label}; codes not listed here "
                        f"are not thereby invalid.")
        frag["url"] = system
        frag.pop("version", None)
        frag["copyright"] = " ".join(info["copyright"].split())
        frag["caseSensitive"] = True
        frag["content"] = "fragment"
        frag["concept"] = [{"code": c, "display": d} for c, d in sorted(by_system[system].items())]
        frag["count"] = len(frag["concept"])
        out[f"codesystems/CodeSystem-{key}-verified-fragment.json"] = frag
    return out
