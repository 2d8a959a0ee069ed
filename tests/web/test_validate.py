"""service.web.validate: $validate of EHR resources (a resource, a Bundle, Parameters with resource and profile)
on our own RR-ALL content: structure, terminology and bindings (with the FHIR core package)."""
from __future__ import annotations


import pytest

from helpers import CORE

RR = "http://terminology.rr-all.org/fhir"
SITE = f"{RR}/CodeSystem/rr-all-relapse-site"
DRUG = f"{RR}/CodeSystem/rr-all-drug"
MRD = f"{RR}/CodeSystem/rr-all-mrd"
STATUS = f"{RR}/CodeSystem/rr-all-disease-status"
DIAG = f"{RR}/CodeSystem/rr-all-diagnostic"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SITE_VS = f"{RR}/ValueSet/rr-all-relapse-site"


@pytest.fixture(scope="module")
def core_client(tmp_path_factory):
    from service import create_app

    app = create_app({"PACKAGES": [str(CORE)], "CACHE_DIR": str(tmp_path_factory.mktemp("core-cache"))})
    app.config.update(TESTING=False)
    return app.test_client()


def _icd10cm_loaded(app) -> bool:
    cs = app.extensions["rrall"]["registry"].resolve("CodeSystem", ICD10CM)
    return cs is not None and cs.locate("C91.02") is not None


def condition(app, **extra):
    codings = [{"system": SITE, "code": "isolated-cns-relapse", "display": "Isolated CNS relapse"}]
    if _icd10cm_loaded(app):
        codings.insert(0, {"system": ICD10CM, "code": "C91.02",
                           "display": "Acute lymphoblastic leukemia, in relapse"})
    res = {"resourceType": "Condition", "id": "relapse-1",
           "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                          "code": "relapse"}]},
           "code": {"coding": codings, "text": "Relapsed B-ALL, isolated CNS relapse"},
           "subject": {"reference": "Patient/p1"}, "onsetDateTime": "2025-03-14"}
    res.update(extra)
    return res


def mrd_observation(**extra):
    res = {"resourceType": "Observation", "id": "mrd-1", "status": "final",
           "code": {"coding": [{"system": MRD, "code": "mrd-flow-cytometry", "display": "Flow cytometry MRD test"}]},
           "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2025-04-20",
           "valueCodeableConcept": {"coding": [{"system": STATUS, "code": "mrd-negative", "display": "MRD negative"}]},
           "specimen": {"display": "bone marrow aspirate"}}
    res.update(extra)
    return res


def lumbar_puncture(**extra):
    res = {"resourceType": "Procedure", "id": "lp-1", "status": "completed",
           "code": {"coding": [{"system": DIAG, "code": "lumbar-puncture", "display": "Spinal tap"}]},
           "subject": {"reference": "Patient/p1"}, "performedDateTime": "2025-03-10"}
    res.update(extra)
    return res


def blinatumomab(**extra):
    res = {"resourceType": "MedicationRequest", "id": "blin-1", "status": "active", "intent": "order",
           "medicationCodeableConcept": {"coding": [{"system": DRUG, "code": "blinatumomab",
                                                     "display": "Blinatumomab"}]},
           "subject": {"reference": "Patient/p1"}, "authoredOn": "2025-04-22"}
    res.update(extra)
    return res


def issues_of(resp):
    body = resp.get_json()
    assert body["resourceType"] == "OperationOutcome", body
    return body["issue"]


def at(issues, expression):
    return [i for i in issues if expression in i.get("expression", [])]


def errors(issues):
    return [i for i in issues if i["severity"] in ("error", "fatal")]


# ---- $validate -------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["r4", "r5"])
@pytest.mark.parametrize("make", ["condition", "mrd", "lp", "blin"])
def test_valid_ehr_resources_have_no_errors(rc, rr_app, version, make):
    res = {"condition": lambda: condition(rr_app), "mrd": mrd_observation, "lp": lumbar_puncture,
           "blin": blinatumomab}[make]()
    if version == "r5":   # R5 shapes differ for these two
        if res["resourceType"] == "Procedure":
            res["occurrenceDateTime"] = res.pop("performedDateTime")
        if res["resourceType"] == "MedicationRequest":
            res["medication"] = {"concept": res.pop("medicationCodeableConcept")}
    r = rc.post(f"/{version}/{res['resourceType']}/$validate", json=res)
    assert r.status_code == 200
    issues = issues_of(r)
    assert errors(issues) == []
    assert not [i for i in issues if i["severity"] == "warning"]


def test_condition_with_c91_02_when_icd10cm_is_loaded(rc, rr_app):
    if not _icd10cm_loaded(rr_app):
        pytest.skip("ICD-10-CM content (C91.02) is not loaded")
    issues = issues_of(rc.post("/r4/$validate", json=condition(rr_app)))
    assert errors(issues) == []
    assert not at(issues, "Condition.code.coding[0].system")     # C91.02 was checked, not skipped


def test_wrong_code_is_an_error(rc):
    bad = blinatumomab(medicationCodeableConcept={"coding": [{"system": DRUG, "code": "blinatumomabb"}]})
    hit = at(issues_of(rc.post("/r4/$validate", json=bad)), "MedicationRequest.medicationCodeableConcept.coding[0].code")
    assert hit and hit[0]["severity"] == "error" and "blinatumomabb" in hit[0]["details"]["text"]


def test_wrong_display_is_a_warning_designation_accepted(rc):
    bad = lumbar_puncture(code={"coding": [{"system": DIAG, "code": "lumbar-puncture", "display": "Bone scan"}]})
    hit = at(issues_of(rc.post("/r4/$validate", json=bad)), "Procedure.code.coding[0].display")
    assert hit and hit[0]["severity"] == "warning" and "Bone scan" in hit[0]["details"]["text"]
    ok = issues_of(rc.post("/r4/$validate", json=lumbar_puncture()))     # 'Spinal tap' is a designation
    assert not at(ok, "Procedure.code.coding[0].display")


def test_bad_structure_reports_every_error(rc):
    bad = mrd_observation(effectiveDateTime="20th April", valueQuantity={"value": "low"}, colour="red")
    del bad["status"]
    issues = issues_of(rc.post("/r4/Observation/$validate", json=bad))
    paths = {i["expression"][0] for i in errors(issues) if i["code"] == "structure"}
    assert {"Observation.effectiveDateTime", "Observation.colour", "Observation.status"} <= paths


def test_parameters_body_and_bundle(rc):
    body = {"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": blinatumomab(
        medicationCodeableConcept={"coding": [{"system": DRUG, "code": "nope"}]})}]}
    assert at(issues_of(rc.post("/r4/$validate", json=body)),
              "MedicationRequest.medicationCodeableConcept.coding[0].code")
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": lumbar_puncture()}, {"resource": mrd_observation(
                  valueCodeableConcept={"coding": [{"system": STATUS, "code": "mrd-unknown"}]})}]}
    hit = at(issues_of(rc.post("/r5/$validate", json=bundle)),
             "Bundle.entry[1].resource.valueCodeableConcept.coding[0].code")
    assert hit and hit[0]["severity"] == "error"


def test_type_mismatch_and_unknown_type(rc):
    r = rc.post("/r4/Condition/$validate", json=lumbar_puncture())
    assert r.status_code == 400 and "Procedure" in r.get_json()["issue"][0]["details"]["text"]
    assert rc.post("/r4/NotAType/$validate", json=lumbar_puncture()).status_code == 404


BAD_BODIES = [
    (b"", "application/fhir+json"), (b"{", "application/fhir+json"), (b"[]", "application/fhir+json"),
    (b"null", "application/fhir+json"), (b'"x"', "application/fhir+json"), (b'{"a":1}', "application/fhir+json"),
    (b'{"resourceType":7}', "application/fhir+json"), (b'{"resourceType":"Parameters"}', "application/fhir+json"),
    (b'{"resourceType":"Parameters","parameter":[{"name":"resource","resource":"x"}]}', "application/fhir+json"),
    (b'{"resourceType":"Parameters","parameter":7}', "application/fhir+json"),
    (b'{"resourceType":"Bundle","entry":[1,{"resource":3},{"resource":{"resourceType":"Nope"}}]}',
     "application/fhir+json"),
    (b'{"resourceType":"Observation","code":{"coding":"dog"},"status":["final"]}', "application/fhir+json"),
    (b'{"resourceType":"Observation","contained":[{"x":1}],"code":{"coding":[{"system":5,"code":{}}]}}',
     "application/fhir+json"),
    (b"\xff\xfe", "application/fhir+json"), (b"resourceType=Patient", "text/plain"),
]


@pytest.mark.parametrize("body,ctype", BAD_BODIES)
@pytest.mark.parametrize("url", ["/r4/$validate", "/r5/$validate", "/r4/Observation/$validate", "/r4"])
def test_malformed_bodies_never_500(rc, body, ctype, url):
    r = rc.post(url, data=body, content_type=ctype)
    assert r.status_code < 500, r.data
    assert r.get_json()["resourceType"] in ("OperationOutcome", "Bundle")


def test_bindings_skipped_without_core_package(rc):
    issues = issues_of(rc.post("/r4/$validate", json=blinatumomab(status="bogus")))
    assert any("Bindings were not checked" in i["details"]["text"] for i in issues)
    assert not at(issues, "MedicationRequest.status")


def test_bad_binding_with_core_package(core_client):
    issues = issues_of(core_client.post("/r4/$validate", json=blinatumomab(status="bogus")))
    hit = at(issues, "MedicationRequest.status")
    assert hit and hit[0]["severity"] == "error"
    assert "medicationrequest-status" in hit[0]["details"]["text"] and "required" in hit[0]["details"]["text"]
    ok = issues_of(core_client.post("/r4/$validate", json=blinatumomab()))
    assert errors(ok) == []
