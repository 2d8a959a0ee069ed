"""service.web.batch: POST [base] with a batch Bundle; each entry answered through the same pipeline, bad entries
get their own error entry, bad bundles a 4xx."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, FIXTURES
from service import create_app
from service.web.batch import MAX_BATCH_ENTRIES

RR = "http://terminology.rr-all.org/fhir"
SITE = f"{RR}/CodeSystem/rr-all-relapse-site"
DRUG = f"{RR}/CodeSystem/rr-all-drug"
DIAG = f"{RR}/CodeSystem/rr-all-diagnostic"
SITE_VS = f"{RR}/ValueSet/rr-all-relapse-site"


def lumbar_puncture(**extra):
    res = {"resourceType": "Procedure", "id": "lp-1", "status": "completed",
           "code": {"coding": [{"system": DIAG, "code": "lumbar-puncture", "display": "Spinal tap"}]},
           "subject": {"reference": "Patient/p1"}, "performedDateTime": "2025-03-10"}
    res.update(extra)
    return res


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


# ---- on the fixture content: limits, absolute urls, languages, the deadline -------------------------------------
def lookup_entry(url=f"CodeSystem/$lookup?system={ANIMALS}&code=dog"):
    return {"request": {"method": "GET", "url": url}}


def display(entry) -> str:
    return next(p["valueString"] for p in entry["resource"]["parameter"] if p["name"] == "display")


def test_too_many_entries_is_422(client):
    body = {"resourceType": "Bundle", "type": "batch", "entry": [lookup_entry()] * (MAX_BATCH_ENTRIES + 1)}
    r = client.post("/r5", json=body)
    assert r.status_code == 422 and r.get_json()["issue"][0]["code"] == "too-costly"
    ok = client.post("/r5", json=dict(body, entry=[lookup_entry()] * 3))
    assert ok.status_code == 200 and len(ok.get_json()["entry"]) == 3


def test_an_absolute_url_on_this_endpoint_is_accepted(client):
    r = client.post("/r4", json={"resourceType": "Bundle", "type": "batch", "entry": [
        lookup_entry(f"http://localhost/r4/CodeSystem/$lookup?system={ANIMALS}&code=cat"),
        lookup_entry(f"http://localhost/r5/CodeSystem/$lookup?system={ANIMALS}&code=cat")]})
    first, other_endpoint = r.get_json()["entry"]
    assert first["response"]["status"] == "200 OK" and display(first) == "Cat"
    assert other_endpoint["response"]["status"].startswith("400")


def test_entries_answer_in_the_batchs_language_and_fhir_version(client):
    r = client.post("/r4", json={"resourceType": "Bundle", "type": "batch", "entry": [lookup_entry()]},
                    headers={"Accept-Language": "de"})
    assert display(r.get_json()["entry"][0]) == "Hund"
    cm = client.post("/r4", json={"resourceType": "Bundle", "type": "batch", "entry": [
        {"request": {"method": "GET", "url": "ConceptMap/animals-to-letters"}}]}).get_json()["entry"][0]["resource"]
    assert "equivalence" in cm["group"][0]["element"][0]["target"][0]         # R4, as the batch was posted


def test_entries_past_the_batch_deadline_are_not_run():
    late = create_app({"CONTENT_DIRS": [str(FIXTURES)], "DEADLINE_SECONDS": -1}).test_client()
    r = late.post("/r5", json={"resourceType": "Bundle", "type": "batch", "entry": [lookup_entry(), lookup_entry()]})
    assert r.status_code == 200
    for e in r.get_json()["entry"]:
        assert e["response"]["status"] == "422 Unprocessable Entity"
        assert "was not run: the batch took too long" in e["resource"]["issue"][0]["details"]["text"]
