"""The real built-in content (codesystems/, valuesets/, conceptmaps/) served by create_app() with its
default CONTENT_DIRS: lookups show the authored detail; every stored ValueSet expands in en-GB and en-US."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import codes, content_version, param, params_named

REPO = Path(__file__).resolve().parents[2]
OUR_BASE = "http://terminology.rr-all.org/fhir/"
SYMPTOM = OUR_BASE + "CodeSystem/rr-all-symptom"
SUBTYPE = OUR_BASE + "CodeSystem/rr-all-subtype"
DISEASE = OUR_BASE + "CodeSystem/rr-all-disease-status"


@pytest.fixture(scope="module")
def client():
    from service import create_app

    with pytest.MonkeyPatch.context() as mp:   # the defaults, whatever the developer's environment says
        for name in ("RRALL_CONTENT_DIRS", "RRALL_MAX_EXPANSION", "RRALL_DEADLINE_SECONDS"):
            mp.delenv(name, raising=False)
        app = create_app()
    return app.test_client()


def _stored_value_sets():
    out = []
    for path in sorted((REPO / "valuesets").glob("*.json")):
        vs = json.loads(path.read_text(encoding="utf-8"))
        # value sets of external codes expand from the verified fragments in codesystems/
        out.append(pytest.param(vs["id"], id=vs["id"]))
    return out


STORED = _stored_value_sets()


def _property_values(body: dict, code: str) -> list:
    out = []
    for p in params_named(body, "property"):
        parts = {part["name"]: part for part in p["part"]}
        if parts["code"]["valueCode"] == code:
            value = parts["value"]
            out.append(next(v for k, v in value.items() if k.startswith("value")))
    return out


def _designations(body: dict) -> list[dict]:
    out = []
    for d in params_named(body, "designation"):
        out.append({part["name"]: next(v for k, v in part.items() if k.startswith("value")) for part in d["part"]})
    return out


def test_there_is_content_to_test():
    assert len(STORED) >= 20


@pytest.mark.parametrize("base", ["/r4", "/r5"])
def test_lookup_shows_definition_designations_and_source_document(client, base):
    r = client.get(f"{base}/CodeSystem/$lookup?system={SYMPTOM}&code=dyspnoea")
    assert r.status_code == 200
    body = r.get_json()
    assert param(body, "display") == "Dyspnea"
    assert param(body, "version") == content_version()
    assert "breath" in param(body, "definition")
    designations = _designations(body)
    assert {"language": "en-GB", "value": "Dyspnoea"}.items() <= next(
        d for d in designations if d.get("language") == "en-GB").items()
    assert any(d["value"] == "Shortness of breath" for d in designations)
    sources = _property_values(body, "source-document")
    assert sources and all(s.endswith(".txt") for s in sources)


def test_lookup_display_language_en_gb(client):
    body = client.get(f"/r4/CodeSystem/$lookup?system={SUBTYPE}&code=all&displayLanguage=en-GB").get_json()
    assert param(body, "display") == "Acute lymphoblastic leukaemia"
    body = client.get(f"/r4/CodeSystem/$lookup?system={SUBTYPE}&code=all&displayLanguage=en-US").get_json()
    assert param(body, "display") == "Acute lymphoblastic leukemia"


def test_every_concept_cites_a_source_document(client):
    """Spot-check through the API: every concept of one code system shows source-document in $lookup."""
    body = client.get("/r5/ValueSet/rr-all-disease-status/$expand").get_json()
    for code in codes(body):
        lk = client.get(f"/r5/CodeSystem/$lookup?system={DISEASE}&code={code}&property=source-document").get_json()
        assert _property_values(lk, "source-document"), code


@pytest.mark.parametrize("lang", ["en-GB", "en-US"])
@pytest.mark.parametrize("vid", STORED)
def test_every_stored_value_set_expands(client, vid, lang):
    r = client.get(f"/r4/ValueSet/{vid}/$expand?displayLanguage={lang}")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["resourceType"] == "ValueSet" and body["url"].endswith("/ValueSet/" + vid)
    assert body["expansion"]["total"] >= 1
    assert len(codes(body)) == body["expansion"]["total"]
    assert {"name": "displayLanguage", "valueCode": lang} in body["expansion"]["parameter"]


def _displays(body):
    out = {}

    def walk(items):
        for c in items:
            out[c["code"]] = c.get("display")
            walk(c.get("contains", []))
    walk(body["expansion"].get("contains", []))
    return out


@pytest.mark.parametrize("base", ["/r4", "/r5"])
def test_en_gb_expansion_shows_british_spelling(client, base):
    gb = _displays(client.get(f"{base}/ValueSet/rr-all-symptom/$expand?displayLanguage=en-GB").get_json())
    us = _displays(client.get(f"{base}/ValueSet/rr-all-symptom/$expand?displayLanguage=en-US").get_json())
    assert gb["anaemia"] == "Anaemia" and us["anaemia"] == "Anemia"
    assert gb["dyspnoea"] == "Dyspnoea" and us["dyspnoea"] == "Dyspnea"
    assert gb["leukaemia-cells-in-csf"] == "Leukaemia cells in cerebrospinal fluid"
    assert us["leukaemia-cells-in-csf"] == "Leukemia cells in cerebrospinal fluid"
    # concepts without an en-GB designation keep their (shared English) display
    shared = [c for c in gb if gb[c] == us[c]]
    assert shared and all(gb[c] for c in shared)


def test_accept_language_en_gb_header(client):
    body = client.get("/r5/ValueSet/rr-all-subtype/$expand", headers={"Accept-Language": "en-GB"}).get_json()
    assert _displays(body)["all"] == "Acute lymphoblastic leukaemia"


def test_expand_with_text_filter_on_real_content(client):
    body = client.get("/r5/ValueSet/rr-all-symptom/$expand?filter=anaem&displayLanguage=en-GB").get_json()
    found = codes(body)
    assert "anaemia" in found and "anemia-sign" in found   # matched through their en-GB designations
    assert "dyspnoea" not in found


def test_validate_code_on_real_content(client):
    body = client.get(f"/r4/ValueSet/rr-all-symptom/$validate-code?system={SYMPTOM}&code=anaemia"
                      f"&display=Anaemia").get_json()
    assert param(body, "result") is True
    body = client.get(f"/r4/ValueSet/rr-all-cns-symptoms/$validate-code?system={SYMPTOM}&code=anaemia").get_json()
    assert param(body, "result") is False


def test_subsumes_on_real_content(client):
    body = client.get(f"/r4/CodeSystem/$subsumes?system={DISEASE}&codeA=refractory"
                      f"&codeB=primary-resistant-disease").get_json()
    assert param(body, "outcome") == "subsumes"
