"""Integrator routes on our own RR-ALL content: $validate, ValueSet/$bundle, $package, $expand.csv, batch."""
from __future__ import annotations

import csv
import io
import json
import tarfile
from pathlib import Path

import pytest

from helpers import CORE, content_version
from pkgfixture import make_package

RR = "http://terminology.rr-all.org/fhir"
SITE = f"{RR}/CodeSystem/rr-all-relapse-site"
DRUG = f"{RR}/CodeSystem/rr-all-drug"
MRD = f"{RR}/CodeSystem/rr-all-mrd"
STATUS = f"{RR}/CodeSystem/rr-all-disease-status"
DIAG = f"{RR}/CodeSystem/rr-all-diagnostic"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SITE_VS = f"{RR}/ValueSet/rr-all-relapse-site"


@pytest.fixture(scope="module")
def rr_app(tmp_path_factory):
    from service import create_app

    cache = tmp_path_factory.mktemp("cache")
    app = create_app({"CACHE_DIR": str(cache)})      # the built-in RR-ALL content
    app.config.update(TESTING=False)
    return app


@pytest.fixture
def rc(rr_app):
    return rr_app.test_client()


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


# ---- ValueSet/$bundle ------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["definition", "expanded", "metadata"])
def test_valueset_bundle_modes(rc, mode):
    r = rc.get(f"/r4/ValueSet/$bundle?url={SITE_VS}&mode={mode}")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"] and r.headers.get("ETag")
    bundle = json.loads(r.data)
    assert bundle["type"] == "collection" and bundle["total"] == 1
    vs = bundle["entry"][0]["resource"]
    assert vs["url"] == SITE_VS
    assert ("compose" in vs) == (mode != "metadata")
    assert ("expansion" in vs) == (mode == "expanded")
    if mode == "expanded":
        codes = [c["code"] for c in vs["expansion"]["contains"]]
        assert "cns-relapse" in json.dumps(vs["expansion"]) and codes
    again = rc.get(f"/r4/ValueSet/$bundle?url={SITE_VS}&mode={mode}", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_valueset_bundle_all_and_errors(rc, rr_app):
    everything = json.loads(rc.get("/r5/ValueSet/$bundle").data)
    assert everything["total"] == len(rr_app.extensions["rrall"]["registry"].all("ValueSet")) > 10
    assert rc.get("/r4/ValueSet/$bundle?url=http://example.org/nope").status_code == 422
    assert rc.get("/r4/ValueSet/$bundle?mode=everything").status_code == 400
    assert rc.get("/r4/ValueSet/$bundle?color=red").status_code == 400


# ---- $package ----------------------------------------------------------------------------------
@pytest.mark.parametrize("version,fhir", [("r4", "4.0.1"), ("r5", "5.0.0")])
def test_package_download(rc, rr_app, version, fhir, tmp_path):
    r = rc.get(f"/{version}/$package")
    assert r.status_code == 200 and r.mimetype == "application/gzip"
    assert r.headers["Content-Disposition"].endswith(f'-{version}.tgz"')
    with tarfile.open(fileobj=io.BytesIO(r.data)) as tar:
        manifest = json.loads(tar.extractfile("package/package.json").read())
        index = json.loads(tar.extractfile("package/.index.json").read())
        names = tar.getnames()
    assert manifest["name"] == "rrall.terminology" and manifest["fhirVersions"] == [fhir]
    assert manifest["version"] == rr_app.extensions["rrall"]["config"]["SOFTWARE_VERSION"]
    assert all(f"package/{f['filename']}" in names for f in index["files"])
    assert any(f.get("url") == SITE_VS for f in index["files"])
    assert rc.get(f"/{version}/$package", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304


def test_package_leaves_out_loaded_packages(tmp_path):
    from service import create_app

    tiny = make_package(tmp_path / "tiny.tgz")
    app = create_app({"PACKAGES": [str(tiny)], "CACHE_DIR": str(tmp_path / "cache")})
    client = app.test_client()
    assert client.get("/r4/CodeSystem/obs-status").status_code == 200        # served from the package
    with tarfile.open(fileobj=io.BytesIO(client.get("/r4/$package").data)) as tar:
        assert not [n for n in tar.getnames() if "obs-status" in n]


def test_cli_package_command(tmp_path):
    from service.cli import main

    out = tmp_path / "pkg.tgz"
    assert main(["package", "--out", str(out)]) == 0
    with tarfile.open(out) as tar:
        assert json.loads(tar.extractfile("package/package.json").read())["name"] == "rrall.terminology"


# ---- $expand.csv --------------------------------------------------------------------------------
def test_expand_csv(rc):
    r = rc.get("/r4/ValueSet/rr-all-relapse-site/$expand.csv", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "rr-all-relapse-site-expansion.csv" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8"))))
    assert rows[0] == ["code", "display", "system", "version"]
    assert ["cns-relapse", "Central nervous system relapse", SITE, content_version()] in rows
    filtered = rc.get(f"/r5/ValueSet/$expand.csv?url={SITE_VS}&filter=testicular")
    assert [row[0] for row in csv.reader(io.StringIO(filtered.data.decode()))][1:] == ["testicular-relapse"]
    assert rc.get("/r4/ValueSet/nope/$expand.csv").status_code == 404


# ---- batch -------------------------------------------------------------------------------------
def test_batch_of_operations(rc):
    batch = {"resourceType": "Bundle", "type": "batch", "entry": [
        {"request": {"method": "GET", "url": f"CodeSystem/$lookup?system={DRUG}&code=blinatumomab"}},
        {"request": {"method": "POST", "url": "ValueSet/$validate-code"},
         "resource": {"resourceType": "Parameters", "parameter": [
             {"name": "url", "valueUri": SITE_VS}, {"name": "system", "valueUri": SITE},
             {"name": "code", "valueCode": "testicular-relapse"}]}},
        {"request": {"method": "GET", "url": "ValueSet/does-not-exist"}},
        {"request": {"method": "POST", "url": "Procedure/$validate"}, "resource": lumbar_puncture()},
    ]}
    r = rc.post("/r4", json=batch)
    assert r.status_code == 200
    out = r.get_json()
    assert out["type"] == "batch-response" and len(out["entry"]) == 4
    statuses = [e["response"]["status"] for e in out["entry"]]
    assert statuses == ["200 OK", "200 OK", "404 Not Found", "200 OK"]
    lookup = out["entry"][0]["resource"]
    assert any(p.get("valueString") == "Blinatumomab" for p in lookup["parameter"])
    vc = out["entry"][1]["resource"]
    assert {"name": "result", "valueBoolean": True} in vc["parameter"]
    assert out["entry"][2]["resource"]["resourceType"] == "OperationOutcome"


BAD_BATCH_ENTRIES = [
    "junk", {}, {"request": "x"}, {"request": {"method": "DELETE", "url": "ValueSet/x"}},
    {"request": {"method": "GET"}}, {"request": {"method": "POST", "url": ""}},
    {"request": {"method": "POST", "url": "/"}}, {"request": {"method": "GET", "url": "../r5/metadata"}},
    {"request": {"method": "GET", "url": "r5/metadata"}}, {"request": {"method": "GET", "url": "http://evil.example/x"}},
    {"request": {"method": "GET", "url": "$package"}},
    {"request": {"method": "GET", "url": "ValueSet/rr-all-drug/$expand.csv"}},
    {"request": {"method": "POST", "url": "ValueSet/$validate-code"}, "resource": "nope"},
    {"request": {"method": "GET", "url": "ValueSet/rr-all-drug"}, "resource": {"resourceType": "Parameters"}},
    {"request": {"method": "POST", "url": "ValueSet/$expand"}, "resource": {"resourceType": "Parameters",
                                                                            "parameter": "bad"}},
]


@pytest.mark.parametrize("entry", BAD_BATCH_ENTRIES)
def test_bad_batch_entries_get_their_own_error(rc, entry):
    r = rc.post("/r4", json={"resourceType": "Bundle", "type": "batch", "entry": [
        entry, {"request": {"method": "GET", "url": "ValueSet/rr-all-drug"}}]})
    assert r.status_code == 200
    first, second = r.get_json()["entry"]
    assert first["response"]["status"].startswith("4")
    assert first["resource"]["resourceType"] == "OperationOutcome"
    assert second["response"]["status"] == "200 OK"


@pytest.mark.parametrize("body,status", [
    ({"resourceType": "Bundle", "type": "transaction", "entry": []}, 422),
    ({"resourceType": "Bundle", "type": "collection"}, 400),
    ({"resourceType": "Parameters"}, 400),
    ({"resourceType": "Bundle", "type": "batch", "entry": {"x": 1}}, 400),
])
def test_bad_batch_bundles(rc, body, status):
    assert rc.post("/r5", json=body).status_code == status


def test_batch_cannot_nest(rc):
    inner = {"resourceType": "Bundle", "type": "batch", "entry": []}
    r = rc.post("/r4", json={"resourceType": "Bundle", "type": "batch",
                             "entry": [{"request": {"method": "POST", "url": "."}, "resource": inner}]})
    assert r.get_json()["entry"][0]["response"]["status"].startswith("400")


# ---- capability statement and content negotiation ------------------------------------------------
def test_capability_statement_lists_integrator_operations(rc):
    rest = rc.get("/r4/metadata").get_json()["rest"][0]
    assert {"validate", "package"} <= {o["name"] for o in rest["operation"]}
    assert {"code": "batch"} in rest["interaction"]
    vs = next(r for r in rest["resource"] if r["type"] == "ValueSet")
    assert {"validate", "bundle"} <= {o["name"] for o in vs["operation"]}


def test_file_downloads_accept_their_own_types_only(rc):
    assert rc.get("/r4/$package", headers={"Accept": "application/gzip"}).status_code == 200
    assert rc.get("/r4/ValueSet/rr-all-drug/$expand.csv", headers={"Accept": "text/csv"}).status_code == 200
    assert rc.get("/r4/ValueSet/rr-all-drug", headers={"Accept": "text/csv"}).status_code == 406
    assert rc.get("/r4/ValueSet/rr-all-drug/$expand.csv", headers={"Accept": "application/gzip"}).status_code == 406
