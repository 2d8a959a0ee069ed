"""The real content's hierarchy answers $subsumes, $lookup and value-set membership the way a clinician
would (issue 11, section 2), through the API on /r4 and /r5."""
from __future__ import annotations

import pytest

from helpers import codes, param, params_named

BASE = "http://terminology.rr-all.org/fhir"
SITE = f"{BASE}/CodeSystem/rr-all-relapse-site"
TREATMENT = f"{BASE}/CodeSystem/rr-all-treatment"
STATUS = f"{BASE}/CodeSystem/rr-all-disease-status"
SUBTYPE = f"{BASE}/CodeSystem/rr-all-subtype"
MRD = f"{BASE}/CodeSystem/rr-all-mrd"
COUNT = f"{BASE}/CodeSystem/rr-all-relapse-count"
SYMPTOM = f"{BASE}/CodeSystem/rr-all-symptom"
CARE = f"{BASE}/CodeSystem/rr-all-supportive-care"
TIMING = f"{BASE}/CodeSystem/rr-all-relapse-timing"
DRUG = f"{BASE}/CodeSystem/rr-all-drug"
DIAG = f"{BASE}/CodeSystem/rr-all-diagnostic"


@pytest.fixture
def client(real_client):
    return real_client


def subsumes(client, base, system, a, b) -> str:
    r = client.get(f"{base}/CodeSystem/$subsumes?system={system}&codeA={a}&codeB={b}")
    assert r.status_code == 200, r.get_json()
    return param(r.get_json(), "outcome")


@pytest.mark.parametrize("base", ["/r4", "/r5"])
@pytest.mark.parametrize("system, ancestor, code", [
    (SITE, "bone-marrow-relapse", "combined-relapse"),            # marrow + CNS (002): both parents
    (SITE, "cns-relapse", "combined-relapse"),
    (SITE, "extramedullary-relapse", "combined-relapse"),
    (SITE, "cns-relapse", "isolated-cns-relapse"),
    (TREATMENT, "cns-directed-therapy", "intrathecal-chemotherapy"),   # as its own definition says (004)
    (TREATMENT, "chemotherapy", "intrathecal-chemotherapy"),
    (TREATMENT, "cns-directed-therapy", "craniospinal-radiation"),
    (TREATMENT, "radiation-therapy", "craniospinal-radiation"),
    (TREATMENT, "stem-cell-transplant", "chemo-then-sct"),         # chemotherapy then a transplant (001)
    (TREATMENT, "combination-chemotherapy", "chemo-then-sct"),
    (TREATMENT, "relapse-treatment", "reinduction-chemotherapy"),
    (STATUS, "refractory", "primary-resistant-disease"),
    (STATUS, "refractory", "residual-leukaemia-after-intensive-treatment"),
    (STATUS, "treatment-response", "refractory-to-drug"),
    (SUBTYPE, "all-by-genetic-subtype", "ikzf1-deleted-b-all"),
    (SUBTYPE, "b-cell-all", "ikzf1-deleted-b-all"),
    (MRD, "mrd-assessment", "mrd-flow-cytometry"),                 # an MRD test by a method is an MRD test
    (COUNT, "repeat-relapse", "third-or-later-relapse"),
    (SYMPTOM, "cns-symptoms", "seizures"),
    (CARE, "care-team-member", "doctor"),
    (CARE, "care-team-member", "nurse"),
    # clinical review (0.2.1)
    (SYMPTOM, "anemia-sign", "fatigue"),                           # 002: feeling easily fatigued, like weakness
    (SYMPTOM, "general-symptom", "fatigue"),
    (SYMPTOM, "anemia-sign", "weakness"),
    (DRUG, "drug-or-regimen", "bortezomib"),                       # a drug for treating ALL (004) ...
    (DRUG, "chemotherapy-agent", "nelarabine"),
    (DIAG, "diagnostic-procedure", "bone-marrow-aspiration"),      # a part of the combined procedure ...
    (DIAG, "diagnostic-procedure", "bone-marrow-biopsy"),
])
def test_is_a(client, base, system, ancestor, code):
    assert subsumes(client, base, system, ancestor, code) == "subsumes"
    assert subsumes(client, base, system, code, ancestor) == "subsumed-by"


@pytest.mark.parametrize("base", ["/r4", "/r5"])
@pytest.mark.parametrize("system, a, b", [
    (STATUS, "refractory", "refractory-to-drug"),          # refractory to one drug (000) is not refractory ALL
    (STATUS, "relapsed-or-refractory", "refractory-to-drug"),
    (SITE, "isolated-bone-marrow-relapse", "combined-relapse"),
    (SITE, "isolated-cns-relapse", "combined-relapse"),
    (SUBTYPE, "all-by-lineage", "all-by-genetic-subtype"),
    (TREATMENT, "treatment-modality", "clinical-trial"),    # trial participation is not a modality
    (TREATMENT, "treatment-modality", "frontline-treatment"),
    (TREATMENT, "treatment-modality", "palliative-care"),
    (MRD, "mrd-assessment", "mrd-sample-blood"),             # a sample is not a test
    (SYMPTOM, "symptom-or-sign", "anaemia"),                 # a laboratory finding, not a symptom
    (SYMPTOM, "anemia-sign", "anaemia"),
    (CARE, "care-team-member", "stem-cell-donor"),
    (CARE, "care-team-member", "mdt"),                       # a team is not a team member
    # clinical review (0.2.1)
    (DRUG, "chemotherapy-agent", "bortezomib"),              # ... but not a chemotherapy drug
    (DIAG, "bone-marrow-aspiration-and-biopsy", "bone-marrow-aspiration"),   # ... not a kind of it
    (DIAG, "bone-marrow-aspiration-and-biopsy", "bone-marrow-biopsy"),
    (DIAG, "bone-marrow-aspiration", "bone-marrow-aspiration-and-biopsy"),
    (CARE, "side-effects", "pain"),                          # pain is also a symptom of the leukemia
    (CARE, "treatment-complication", "pain"),
    (CARE, "care-team-member", "lab-technician"),            # no document puts laboratory staff on the team
])
def test_not_is_a(client, base, system, a, b):
    assert subsumes(client, base, system, a, b) == "not-subsumed"


def test_refractory_means_refractory_disease(client):
    body = client.get("/r4/ValueSet/rr-all-refractory-types/$expand").get_json()
    assert set(codes(body)) == {"refractory", "primary-resistant-disease", "residual-leukaemia-after-intensive-treatment"}


def test_ikzf1_deleted_b_all_is_not_a_lineage(client):
    body = client.get("/r4/ValueSet/rr-all-lineage/$expand").get_json()
    assert codes(body) == ["b-cell-all", "t-cell-all"]
    r = client.get(f"/r4/ValueSet/rr-all-lineage/$validate-code?system={SUBTYPE}&code=ikzf1-deleted-b-all").get_json()
    assert param(r, "result") is False
    r = client.get(f"/r4/ValueSet/rr-all-genetic-subtype/$validate-code?system={SUBTYPE}&code=ikzf1-deleted-b-all")
    assert param(r.get_json(), "result") is True


def _not_selectable(client, system, code) -> list:
    body = client.get(f"/r4/CodeSystem/$lookup?system={system}&code={code}&property=notSelectable").get_json()
    out = []
    for p in params_named(body, "property"):
        parts = {part["name"]: part for part in p["part"]}
        if parts["code"]["valueCode"] == "notSelectable":
            out.append(parts["value"]["valueBoolean"])
    return out


@pytest.mark.parametrize("system, code", [
    (MRD, "mrd-assessment"), (COUNT, "repeat-relapse"), (SYMPTOM, "cns-symptoms"), (CARE, "care-team-member"),
])
def test_groupers_a_user_picks_are_selectable(client, system, code):
    assert _not_selectable(client, system, code) in ([], [False])


@pytest.mark.parametrize("system, code", [
    (MRD, "mrd-method"), (SITE, "relapse-site"), (TIMING, "timing-scheme-002"), (STATUS, "remission-criterion"),
])
def test_true_groupers_stay_not_selectable(client, system, code):
    assert _not_selectable(client, system, code) == [True]


def test_combined_relapse_appears_once_in_the_site_pick_list(client):
    body = client.get("/r4/ValueSet/rr-all-relapse-sites/$expand").get_json()
    found = codes(body)
    assert found.count("combined-relapse") == 1 and body["expansion"]["total"] == len(found)


def test_lookup_lists_both_parents(client):
    body = client.get(f"/r5/CodeSystem/$lookup?system={SITE}&code=combined-relapse&property=parent").get_json()
    parents = set()
    for p in params_named(body, "property"):
        parts = {part["name"]: part for part in p["part"]}
        if parts["code"]["valueCode"] == "parent":
            parents.add(parts["value"]["valueCode"])
    assert parents == {"bone-marrow-relapse", "cns-relapse"}


def test_deprecated_timing_grouper_is_flagged(client):
    body = client.get(f"/r4/CodeSystem/$validate-code?url={TIMING}&code=timing-scheme-001").get_json()
    assert param(body, "result") is True
    issues = param(body, "issues") or {}
    assert any("deprecated" in str(i).lower() for i in issues.get("issue", [])), body


def _validate(client, vid, system, code) -> bool:
    r = client.get(f"/r4/ValueSet/{vid}/$validate-code?system={system}&code={code}")
    assert r.status_code == 200, r.get_json()
    return param(r.get_json(), "result")


@pytest.mark.parametrize("vid, system, code, member", [
    ("rr-all-care-team-roles", CARE, "lab-technician", False),
    ("rr-all-care-team-roles", CARE, "doctor", True),
    ("rr-all-treatment-drugs", DRUG, "bortezomib", True),        # still a drug for treating ALL
    ("rr-all-supportive-care-drugs", DRUG, "bortezomib", False),
    ("rr-all-symptoms-and-signs", SYMPTOM, "fatigue", True),
    ("rr-all-laboratory-findings", SYMPTOM, "fatigue", False),
])
def test_review_memberships(client, vid, system, code, member):
    assert _validate(client, vid, system, code) is member


def test_fatigue_appears_once_in_the_symptom_pick_list(client):
    found = codes(client.get("/r4/ValueSet/rr-all-symptoms-and-signs/$expand").get_json())
    assert found.count("fatigue") == 1 and found.count("weakness") == 1


def _designation_values(client, system, code) -> set[str]:
    body = client.get(f"/r4/CodeSystem/$lookup?system={system}&code={code}").get_json()
    out = set()
    for p in params_named(body, "designation"):
        out |= {part["valueString"] for part in p["part"] if part["name"] == "value"}
    return out


@pytest.mark.parametrize("system, code, kept, removed", [
    (COUNT, "repeat-relapse", "Relapse more than once", "Future relapse"),       # reads as a risk, not a count
    (SITE, "testicular-relapse", None, "Testicular involvement"),              # involvement is not relapse
    (TREATMENT, "systemic-chemotherapy", None, "Systemic therapy"),            # wider than chemotherapy
    (TREATMENT, "frontline-treatment", "Initial treatment", "First-round chemotherapy"),   # narrower
])
def test_misleading_synonyms_are_gone(client, system, code, kept, removed):
    values = _designation_values(client, system, code)
    assert removed not in values
    if kept:
        assert kept in values
