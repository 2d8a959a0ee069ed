"""The curated value sets an EHR form binds to, and the cautions on the concept maps (issue 11, sections 4-6),
checked on the built-in content through the API and in the generated files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import codes, content_version

REPO = Path(__file__).resolve().parents[2]
BASE = "http://terminology.rr-all.org/fhir"
SCT = "http://snomed.info/sct"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
VERIFIED = json.loads((REPO / "content" / "reference" / "verified-codes.json").read_text(encoding="utf-8"))
VERIFIED_ENTRIES = VERIFIED["codes"] + VERIFIED["other_system_codes"]


def _json(folder: str, name: str) -> dict:
    return json.loads((REPO / folder / name).read_text(encoding="utf-8"))


def expand(client, vid: str) -> set[str]:
    r = client.get(f"/r4/ValueSet/{vid}/$expand")
    assert r.status_code == 200, r.get_json()
    return set(codes(r.get_json()))


# ---------------------------------------------------------------- relapse timing
TIMING = _json("codesystems", "CodeSystem-rr-all-relapse-timing.json")
TIMING_CONCEPTS = {c["code"]: c for c in TIMING["concept"]}


def _props(concept: dict) -> dict:
    out: dict = {}
    for p in concept.get("property", []):
        out.setdefault(p["code"], []).append(next(v for k, v in p.items() if k.startswith("value")))
    return out


def _timing_value_sets():
    out = []
    for path in sorted((REPO / "valuesets").glob("ValueSet-rr-all-relapse-timing-*.json")):
        vs = json.loads(path.read_text(encoding="utf-8"))
        if vs["status"] != "retired":
            out.append(vs["id"])
    return out


def test_every_timing_display_names_reference_point_not_document():
    for c in TIMING["concept"]:
        assert "seed" not in c["display"].lower() and "(00" not in c["display"], c["display"]


@pytest.mark.parametrize("scheme, source", [
    ("timing-scheme-000", "(Know ALL website)"), ("timing-scheme-001-complete-remission", "(a 2020 study)"),
    ("timing-scheme-001-initial-treatment", "(2020 studies)"), ("timing-scheme-002", "(health article)"),
    ("timing-scheme-003", "(Leukaemia Care)"), ("timing-scheme-004", "(Together resource)"),
])
def test_every_timing_scheme_display_names_its_source(scheme, source):
    """Two schemes measure 3 years / 36 months from (initial) complete remission: the source tells them apart."""
    assert TIMING_CONCEPTS[scheme]["display"].endswith(source)


def test_complement_classes_say_they_are_complements():
    for code in ("rt000-later-than-2y-first-treatment", "rt001-later-than-3y-cr", "rt004-sooner-after-end-of-treatment"):
        stated = _props(TIMING_CONCEPTS[code])["threshold-stated"][0]
        assert "complement" in stated and "later than within" not in stated, stated


@pytest.mark.parametrize("vid", [v for v in _timing_value_sets() if v != "rr-all-relapse-timing-003"])
def test_each_timing_value_set_is_a_set_of_mutually_exclusive_computable_choices(real_client, vid):
    members = expand(real_client, vid)
    assert len(members) == 2, members
    props = [_props(TIMING_CONCEPTS[m]) for m in members]
    assert len({p["measured-from"][0] for p in props}) == 1          # one reference point
    assert len({p["threshold-months"][0] for p in props}) == 1       # one cut-off
    assert {p["threshold-comparator"][0] for p in props} in ({"<=", ">"}, {"<", ">="})   # complementary


def test_the_interval_scheme_has_no_cut_off(real_client):
    (member,) = expand(real_client, "rr-all-relapse-timing-003")
    assert "threshold-months" not in _props(TIMING_CONCEPTS[member])


def test_no_timing_cut_off_beyond_the_stated_ones():
    """24 months (000), 36 (001, 002), 6 (004): nothing else."""
    months = {v for c in TIMING["concept"] for v in _props(c).get("threshold-months", [])}
    assert months == {6, 24, 36}


def test_retired_timing_value_set_still_expands_with_a_warning(real_client):
    body = real_client.get("/r4/ValueSet/rr-all-relapse-timing-001/$expand").get_json()
    retired = f"{BASE}/ValueSet/rr-all-relapse-timing-001|{content_version()}"
    assert {"name": "warning-retired", "valueUri": retired} in body["expansion"]["parameter"]
    assert len(codes(body)) == 4


# ---------------------------------------------------------------- fields of an EHR form
def test_disease_status_and_mrd_status_are_separate_fields(real_client):
    status = expand(real_client, "rr-all-disease-status-at-assessment")
    assert {"newly-diagnosed-all", "complete-remission", "partial-remission", "relapse", "refractory"} <= status
    assert not status & {"mrd-positive", "mrd-negative", "refractory-to-drug", "cure"}
    assert expand(real_client, "rr-all-mrd-status") == {"mrd-positive", "mrd-negative"}


def test_treatment_modality_holds_modalities_only(real_client):
    modality = expand(real_client, "rr-all-treatment-modality")
    assert {"chemotherapy", "intrathecal-chemotherapy", "car-t", "stem-cell-transplant", "chemo-then-sct"} <= modality
    others = (expand(real_client, "rr-all-treatment-line") | expand(real_client, "rr-all-clinical-trial-participation")
              | {"supportive-care", "palliative-care", "integrative-medicine"})
    assert not modality & others
    assert expand(real_client, "rr-all-treatment-line") == {"frontline-treatment", "relapse-treatment"}
    intents = {e["code"]: e["display"] for e in VERIFIED_ENTRIES if e["system"] == SCT and "intent" in e["display"]}
    assert expand(real_client, "rr-all-treatment-intent") == set(intents) and len(intents) == 3


def test_anti_leukemic_drugs_are_apart_from_supportive_care_drugs(real_client):
    treating = expand(real_client, "rr-all-treatment-drugs")
    supporting = expand(real_client, "rr-all-supportive-care-drugs")
    assert {"blinatumomab", "flag", "g-csf", "nelarabine"} <= treating
    assert {"antibiotics", "antifungals", "symptomatic-medication"} <= supporting
    assert not treating & supporting


def test_symptoms_are_apart_from_laboratory_findings(real_client):
    symptoms = expand(real_client, "rr-all-symptoms-and-signs")
    labs = expand(real_client, "rr-all-laboratory-findings")
    assert {"fatigue", "pallor", "headache", "abdominal-fullness"} <= symptoms
    assert {"anaemia", "low-platelets", "leukaemia-cells-in-csf"} <= labs
    assert not symptoms & labs


def test_mrd_method_sample_and_timepoint_fields(real_client):
    assert expand(real_client, "rr-all-mrd-methods") == {"mrd-flow-cytometry", "mrd-pcr"}
    assert expand(real_client, "rr-all-mrd-sample") == {"mrd-sample-blood", "mrd-sample-bone-marrow"}
    assert expand(real_client, "rr-all-mrd-timepoint") == {"mrd-during-treatment", "mrd-after-induction",
                                                           "mrd-after-treatment"}


def test_body_site_value_set_is_the_verified_snomed_sites():
    vs = _json("valuesets", "ValueSet-rr-all-body-site.json")
    (inc,) = vs["compose"]["include"]
    assert inc["system"] == SCT
    verified = {(e["code"], e["display"]) for e in VERIFIED_ENTRIES
                if e["system"] == SCT and e["concept_id"] in ("bone-marrow", "cns-site", "csf", "testis")}
    assert {(c["code"], c["display"]) for c in inc["concept"]} == verified and len(verified) == 5


def test_care_team_roles_include_doctor_and_nurse_not_teams(real_client):
    roles = expand(real_client, "rr-all-care-team-roles")
    assert {"doctor", "nurse", "psychologist", "care-team-member"} <= roles
    assert not roles & {"mdt", "haematology-team", "family-caregiver", "stem-cell-donor"}


# ---------------------------------------------------------------- map cautions
def _targets(map_id: str):
    cm = _json("conceptmaps", f"ConceptMap-{map_id}.json")
    for group in cm["group"]:
        for element in group["element"]:
            for target in element["target"]:
                yield element["code"], target


def test_c91_0_is_marked_non_billable_on_every_element():
    hits = [(src, t) for src, t in _targets("rr-all-to-icd10cm") if t["code"] == "C91.0"]
    assert {src for src, _t in hits} == {"all", "b-cell-all", "t-cell-all", "ph-positive-all"}
    for src, t in hits:
        comment = t.get("comment", "").lower()
        assert ("non-billable" in comment or "not a billable" in comment) and "c91.00" in comment, (src, t)


def test_c91_00_warns_that_it_covers_all_nos():
    hits = [(src, t) for src, t in _targets("rr-all-to-icd10cm") if t["code"] == "C91.00"]
    assert {src for src, _t in hits} == {"newly-diagnosed-all", "refractory", "primary-resistant-disease"}
    for src, t in hits:
        assert "ALL NOS" in t.get("comment", ""), (src, t)


def test_snomed_ips_displays_carry_their_release():
    ips = {(e["concept_id"], e["code"]) for e in VERIFIED_ENTRIES
           if e["system"] == SCT and str(e.get("evidence_source_type", "")).startswith("HL7 IPS")}
    seen = set()
    for src, t in _targets("rr-all-to-snomedct"):
        if (src, t["code"]) in ips:
            seen.add((src, t["code"]))
            assert "2022-07-31" in t.get("comment", ""), (src, t)
        else:
            assert "2022-07-31" not in t.get("comment", ""), (src, t)
    assert seen and seen <= ips


def test_relapse_says_which_of_relapse_and_recurrence_to_prefer():
    snomed = {t["code"]: t["comment"] for src, t in _targets("rr-all-to-snomedct") if src == "relapse"}
    assert snomed["263855007"].startswith("Qualifier value") and "Preferred" in snomed["263855007"]
    assert "Not preferred" in snomed["246455001"]
    status = {t["code"]: t["comment"] for src, t in _targets("rr-all-to-condition-clinical") if src == "relapse"}
    assert "Preferred" in status["relapse"] and "Not preferred" in status["recurrence"]


def test_improved_is_marked_as_only_for_an_improving_response():
    (t,) = [t for src, t in _targets("rr-all-to-snomedct") if src == "treatment-response" and t["code"] == "268910001"]
    assert t["equivalence"] == "relatedto" and "not for no response" in t["comment"]


def test_pain_codes_mapped_from_abdominal_fullness_carry_a_caution():
    pain_codes = {"83132003": "rr-all-to-snomedct", "R10.10": "rr-all-to-icd10cm"}
    for code, map_id in pain_codes.items():
        (t,) = [t for src, t in _targets(map_id) if src == "abdominal-fullness" and t["code"] == code]
        assert t["equivalence"] == "relatedto" and "abdominal-pain" in t["comment"], t
