"""Generate the RR-ALL FHIR R4 content (CodeSystems, ValueSets, ConceptMaps).

Usage:  python tools/build_content.py [path/to/verified-codes.json]

Concepts live in tools/content_data.py; external mappings come ONLY from
verified-codes.json (default ../shared/reference/verified-codes.json relative to
the repo root). The JSON files written to codesystems/, valuesets/ and
conceptmaps/ are the source of truth the server loads; this script just keeps
them tidy and deterministic (sorted keys where order does not matter, fixed
indentation, trailing newline).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content_data as data  # noqa: E402
# verified-codes.json says "related" for a companion/qualifier code; the FHIR R4 ConceptMapEquivalence
# code with that meaning is "relatedto" (R5: related-to). Other values are already R4 codes.
R4_EQUIVALENCE = {"related": "relatedto"}

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://terminology.rr-all.org/fhir"
VERSION = "0.1.0"
PUBLISHER = "RR-ALL Terminology Project"
SEEDS = data.S

SCT = "http://snomed.info/sct"
SYNONYM = {"system": SCT, "code": "900000000000013009", "display": "Synonym"}
DISPLAY_USE = {"system": "http://terminology.hl7.org/CodeSystem/designation-usage", "code": "display"}

SYSTEM_INFO = {
    "http://hl7.org/fhir/sid/icd-10-cm": ("icd10cm", "ICD-10-CM",
        "ICD-10-CM is produced by the US National Center for Health Statistics (CDC) and is in the public domain."),
    SCT: ("snomedct", "SNOMED CT",
        "This material includes SNOMED CT, used by permission of SNOMED International. SNOMED CT is a registered "
        "trademark of SNOMED International; use of SNOMED CT content requires an appropriate licence "
        "(e.g. via an IHTSDO/SNOMED International Member or the NLM UMLS)."),
    "http://loinc.org": ("loinc", "LOINC",
        "This material contains content from LOINC (http://loinc.org). LOINC is copyright Regenstrief Institute, "
        "Inc. and the LOINC Committee and is available at no cost under the licence at http://loinc.org/license."),
    "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl": ("ncit", "NCI Thesaurus",
        "NCI Thesaurus content is produced by the US National Cancer Institute and made available under the "
        "Creative Commons Attribution 4.0 licence."),
    "http://www.nlm.nih.gov/research/umls/rxnorm": ("rxnorm", "RxNorm",
        "RxNorm is produced by the US National Library of Medicine; use is subject to the NLM terms of use."),
    "http://terminology.hl7.org/CodeSystem/condition-clinical": ("condition-clinical", "HL7 Condition Clinical Status",
        "HL7 terminology, (c) Health Level Seven International, used under the HL7 terminology licence (CC0)."),
}
CS_COPYRIGHT = ("Concept content (c) RR-ALL Terminology Project, derived from five public patient-information "
                "documents. Designation use codes are from SNOMED CT: " + SYSTEM_INFO[SCT][2])

# en-US -> en-GB spelling changes (whole-word stems, case preserved on first letter).
GB_SPELLING = [
    ("leukemia", "leukaemia"), ("leukemic", "leukaemic"), ("anemia", "anaemia"), ("anemic", "anaemic"),
    ("hemorrhage", "haemorrhage"), ("dyspnea", "dyspnoea"), ("esophag", "oesophag"), ("pediatric", "paediatric"),
    ("tumor", "tumour"), ("hematolog", "haematolog"), ("hematopoietic", "haematopoietic"),
    ("hemopoietic", "haemopoietic"), ("behavior", "behaviour"), ("sanitizer", "sanitiser"),
]


def en_gb(text: str) -> str:
    out = text
    for us, gb in GB_SPELLING:
        out = re.sub(us, gb, out)
        out = re.sub(us.capitalize(), gb.capitalize(), out)
    return out


# property code -> (type, description, uri)
PROPERTIES = {
    "notSelectable": ("boolean", "Grouping concept: not intended for direct use in data.",
                      "http://hl7.org/fhir/concept-properties#notSelectable"),
    "source-document": ("string", "Seed document (file name) that mentions or supports the concept; one property per citing document.", None),
    "measured-from": ("code", "Reference point from which a relapse timing interval is measured (first-treatment, initial-treatment, treatment, complete-remission, first-complete-remission, end-of-treatment, diagnosis).", None),
    "threshold-months": ("integer", "Cut-off in months as stated by the document (years converted to months).", None),
    "threshold-stated": ("string", "The cut-off exactly as the document phrases it (in paraphrase), including its direction.", None),
    "stated-prognosis": ("string", "Prognosis or survival statement a document makes about the concept.", None),
    "stated-frequency": ("string", "Frequency or rate a document states for the concept, prefixed with the seed file name where several documents differ.", None),
    "document-view": ("string", "How one seed document characterises the concept where documents differ; value starts with the seed file name.", None),
    "has-component": ("code", "Code (in this code system) of a drug that is a component of the regimen.", None),
}
VALUE_KEY = {"boolean": "valueBoolean", "string": "valueString", "code": "valueCode", "integer": "valueInteger"}


def cs_url(cs_id):
    return f"{BASE}/CodeSystem/{cs_id}"


def vs_url(vs_id):
    return f"{BASE}/ValueSet/{vs_id}"


def common(rtype, rid, name, title, description):
    return {
        "resourceType": rtype,
        "id": rid,
        "url": f"{BASE}/{rtype}/{rid}",
        "version": VERSION,
        "name": name,
        "title": title,
        "status": "active",
        "experimental": False,
        "publisher": PUBLISHER,
        "description": description,
    }


def concept_json(c, used_props):
    out = {"code": c["code"], "display": c["display"], "definition": c["definition"]}
    designations = []
    for s in c["syn"]:
        designations.append({"language": "en", "use": SYNONYM, "value": s})
    gb = en_gb(c["display"])
    if gb != c["display"]:
        designations.append({"language": "en-GB", "use": DISPLAY_USE, "value": gb})
    if designations:
        out["designation"] = designations
    props = []
    if c["abstract"]:
        props.append(("notSelectable", True))
    for d in sorted(set(c["docs"])):
        props.append(("source-document", SEEDS[d]))
    props.extend(c["props"])
    if props:
        out["property"] = []
        for code, value in props:
            used_props.add(code)
            out["property"].append({"code": code, VALUE_KEY[PROPERTIES[code][0]]: value})
    if c["children"]:
        out["concept"] = [concept_json(ch, used_props) for ch in c["children"]]
    return out


def walk(c):
    yield c
    for ch in c["children"]:
        yield from walk(ch)


def build_codesystem(cs_id, name, title, root, description):
    used = set()
    concept = concept_json(root, used)
    res = common("CodeSystem", cs_id, name, title, description)
    res.update({
        "language": "en",
        "copyright": CS_COPYRIGHT,
        "caseSensitive": True,
        "valueSet": vs_url(cs_id),
        "hierarchyMeaning": "is-a",
        "content": "complete",
        "count": sum(1 for _ in walk(root)),
        "property": [],
        "concept": [concept],
    })
    for code in PROPERTIES:
        if code in used:
            ptype, desc, uri = PROPERTIES[code]
            p = {"code": code}
            if uri:
                p["uri"] = uri
            p["description"] = desc
            p["type"] = ptype
            res["property"].append(p)
    return res


def vs_intensional(vs_id, name, title, description, includes, copyright_=None):
    res = common("ValueSet", vs_id, name, title, description)
    if copyright_:
        res["copyright"] = copyright_
    res["compose"] = {"include": includes}
    return res


def load_verified(path):
    d = json.loads(Path(path).read_text())
    return [e for e in d["codes"] + d.get("other_system_codes", []) if "system" in e and "code" in e]


def main(argv):
    vpath = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared/reference/verified-codes.json"
    out = {"codesystems": {}, "valuesets": {}, "conceptmaps": {}}

    # ---- CodeSystems
    local = {}  # code -> (cs_id, display)
    cs_meta = {}
    for cs_id, name, title, root, desc in data.CODE_SYSTEMS:
        res = build_codesystem(cs_id, name, title, root, desc)
        out["codesystems"][f"CodeSystem-{cs_id}.json"] = res
        cs_meta[cs_id] = (name, title)
        for c in walk(root):
            if c["code"] in local:
                raise SystemExit(f"code {c['code']} used in {local[c['code']][0]} and {cs_id}")
            local[c["code"]] = (cs_id, c["display"])

    # ---- ValueSets: one all-codes per CodeSystem
    for cs_id, (name, title) in cs_meta.items():
        out["valuesets"][f"ValueSet-{cs_id}.json"] = vs_intensional(
            cs_id, name + "VS", title + " (all codes)",
            f"All codes of the {title} code system.", [{"system": cs_url(cs_id)}])
    out["valuesets"]["ValueSet-rr-all-all-concepts.json"] = vs_intensional(
        "rr-all-all-concepts", "RRALLAllConcepts", "RR-ALL: all concepts",
        "Every concept in every RR-ALL code system.", [{"system": cs_url(c)} for c in cs_meta])

    def flt(code, op="descendent-of"):
        return {"system": cs_url(local[code][0]), "filter": [{"property": "concept", "op": op, "value": code}]}

    curated = [
        ("rr-all-relapse-sites", "RRALLRelapseSites", "Relapse sites",
         "Selectable sites of relapse for a data-entry form.", [flt("relapse-site")]),
        ("rr-all-mrd-methods", "RRALLMRDMethods", "MRD laboratory methods",
         "Laboratory methods for measuring measurable residual disease.", [flt("mrd-method")]),
        ("rr-all-mrd-status", "RRALLMRDStatus", "MRD status",
         "MRD positive / MRD negative result values.", [flt("mrd-status")]),
        ("rr-all-remission-status", "RRALLRemissionStatus", "Remission status",
         "Remission and its kinds (complete, first complete, partial).", [flt("remission", "is-a")]),
        ("rr-all-refractory-types", "RRALLRefractoryTypes", "Refractory disease types",
         "Refractory ALL and the forms of refractoriness the documents describe.", [flt("refractory", "is-a")]),
        ("rr-all-lineage", "RRALLLineage", "ALL lineage",
         "B-cell and T-cell ALL (and their subtypes).", [flt("all-by-lineage")]),
        ("rr-all-cns-symptoms", "RRALLCNSSymptoms", "CNS symptoms",
         "Symptoms suggesting CNS relapse.", [flt("cns-symptoms")]),
        ("rr-all-infection-prevention", "RRALLInfectionPrevention", "Infection prevention measures",
         "Infection prevention measures for patients on intensive treatment.", [flt("infection-prevention", "is-a")]),
        ("rr-all-cns-directed-treatments", "RRALLCNSDirectedTreatments", "CNS-directed treatments",
         "Treatments aimed at leukemia in the brain and spinal cord.",
         [{"system": cs_url("rr-all-treatment"), "concept": [
             {"code": c, "display": local[c][1]} for c in
             ("cns-directed-therapy", "intrathecal-chemotherapy", "craniospinal-radiation")]}]),
    ]
    for n in range(5):
        curated.append((f"rr-all-relapse-timing-00{n}", f"RRALLRelapseTiming00{n}",
                        f"Relapse timing classes of seed document 00{n}",
                        f"Relapse timing classes as defined by seed document {SEEDS[n]} only (its own reference point and thresholds).",
                        [flt(f"timing-scheme-00{n}")]))
    for vs_id, name, title, desc, inc in curated:
        out["valuesets"][f"ValueSet-{vs_id}.json"] = vs_intensional(vs_id, name, "RR-ALL " + title, desc, inc)

    # ---- External codes and ConceptMaps (verified codes only)
    verified = load_verified(vpath)
    by_system = {}
    for e in verified:
        if e["concept_id"] not in local:
            continue
        by_system.setdefault(e["system"], []).append(e)

    icd = "http://hl7.org/fhir/sid/icd-10-cm"
    icd_disp = {e["code"]: e["display"] for e in verified if e["system"] == icd}
    out["valuesets"]["ValueSet-rr-all-icd10cm-disease-status.json"] = vs_intensional(
        "rr-all-icd10cm-disease-status", "RRALLICD10CMDiseaseStatus", "RR-ALL ICD-10-CM codes for ALL disease status",
        "The billable ICD-10-CM codes that carry ALL disease status (not having achieved remission / in remission / in relapse). "
        "C91.00 also covers ALL NOS and failed remission, so it cannot by itself separate refractory from newly diagnosed ALL.",
        [{"system": icd, "concept": [{"code": c, "display": icd_disp[c]} for c in ("C91.00", "C91.01", "C91.02")]}],
        SYSTEM_INFO[icd][2])

    for system in sorted(by_system, key=lambda s: SYSTEM_INFO[s][0]):
        key, label, cpr = SYSTEM_INFO[system]
        entries = by_system[system]
        codes = {}
        for e in entries:
            if codes.setdefault(e["code"], e["display"]) != e["display"]:
                raise SystemExit(f"conflicting displays for {system}|{e['code']}")
        tvs = f"rr-all-{key}-mapped"
        out["valuesets"][f"ValueSet-{tvs}.json"] = vs_intensional(
            tvs, f"RRALL{label.replace(' ', '').replace('-', '')}Mapped", f"RR-ALL mapped {label} codes",
            f"The verified {label} codes that RR-ALL concepts map to (targets of ConceptMap rr-all-to-{key}).",
            [{"system": system, "concept": [{"code": c, "display": codes[c]} for c in sorted(codes)]}], cpr)
        groups = {}
        for e in entries:
            cs_id, disp = local[e["concept_id"]]
            g = groups.setdefault(cs_id, {})
            el = g.setdefault(e["concept_id"], {"code": e["concept_id"], "display": disp, "target": []})
            t = {"code": e["code"], "display": e["display"], "equivalence": R4_EQUIVALENCE.get(e["equivalence"], e["equivalence"])}
            notes = []
            if e.get("note"):
                notes.append(e["note"])
            if str(e.get("evidence_source_type", "")).startswith("SECONDARY"):
                notes.append("Secondary evidence source; re-check against the NCI EVS browser before production use.")
            if notes:
                t["comment"] = " ".join(notes)
            el["target"].append(t)
        cm = common("ConceptMap", f"rr-all-to-{key}", f"RRALLTo{label.replace(' ', '').replace('-', '')}",
                    f"RR-ALL concepts to {label}",
                    f"Maps RR-ALL concepts to {label}. Only codes whose code and display were verified against a public "
                    f"source (verified-codes.json) are used, with the equivalence recorded there "
                    f"(equivalence = relation of the target code to the RR-ALL concept). Concepts without a verified code are left unmapped.")
        cm["copyright"] = cpr
        cm["sourceUri"] = vs_url("rr-all-all-concepts")
        cm["targetUri"] = vs_url(tvs)
        cm["group"] = []
        for cs_id in [c[0] for c in data.CODE_SYSTEMS]:
            if cs_id in groups:
                cm["group"].append({"source": cs_url(cs_id), "sourceVersion": VERSION, "target": system,
                                    "element": list(groups[cs_id].values())})
        out["conceptmaps"][f"ConceptMap-rr-all-to-{key}.json"] = cm

    # ---- External code systems as fragments: exactly the verified codes, with their verified displays,
    # so value sets and maps that use them can be expanded and validated without the full systems.
    all_by_system = {}
    for e in verified:
        all_by_system.setdefault(e["system"], {}).setdefault(e["code"], e["display"])
    for system in sorted(all_by_system, key=lambda s: SYSTEM_INFO[s][0]):
        key, label, cpr = SYSTEM_INFO[system]
        frag = common("CodeSystem", f"{key}-verified-fragment", f"{label.replace(' ', '').replace('-', '')}VerifiedFragment",
                      f"{label} (verified fragment)",
                      f"The {label} codes this project uses, each verified against a public source (verified-codes.json). "
                      f"A fragment: it is not the whole of {label}; codes not listed here are not thereby invalid.")
        frag["url"] = system
        frag.pop("version", None)
        frag["copyright"] = cpr
        frag["caseSensitive"] = True
        frag["content"] = "fragment"
        frag["concept"] = [{"code": c, "display": d} for c, d in sorted(all_by_system[system].items())]
        frag["count"] = len(frag["concept"])
        out["codesystems"][f"CodeSystem-{key}-verified-fragment.json"] = frag

    for folder, files in out.items():
        d = ROOT / folder
        d.mkdir(exist_ok=True)
        for old in d.glob("*.json"):
            if old.name not in files:
                old.unlink()
        for fname, res in sorted(files.items()):
            (d / fname).write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    total = len(local)
    print(f"{len(out['codesystems'])} CodeSystems ({total} concepts), {len(out['valuesets'])} ValueSets, "
          f"{len(out['conceptmaps'])} ConceptMaps")
    unmapped_verified = sorted({e["concept_id"] for e in verified} - set(local))
    print("verified concept_ids with codes but no local concept:", unmapped_verified)


if __name__ == "__main__":
    main(sys.argv)
