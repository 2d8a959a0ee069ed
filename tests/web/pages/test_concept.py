"""service.web.pages.concept: the concept page says what the content and the engine say about a concept."""
from __future__ import annotations

import pytest

from helpers import param
from web.page_reader import RR, page

SYMPTOM = f"{RR}/CodeSystem/rr-all-symptom"


def test_displays_synonyms_definition_and_sources_by_title(site):
    _r, p = page(site, "/r4/CodeSystem/rr-all-symptom/concept/anaemia")
    assert "Display Anemia" in p.text and "Display (en-GB) Anaemia" in p.text
    assert 'lang="en-GB">Anaemia<' in p.html
    assert "the health article on relapse describes as resulting from a reduced red blood cell count" in p.text
    assert "health article (publisher not named), document 002" in p.text
    assert "Leukaemia Care (UK charity), document 003" in p.text
    assert "002_d8456a35d27e8f05.txt" not in p.text   # titles, not file names
    _r, fatigue = page(site, "/r4/CodeSystem/rr-all-symptom/concept/fatigue")
    assert "Synonyms Tiredness; Lack of energy; Easy fatigability" in fatigue.text


def test_parents_and_children_link_to_their_pages(site):
    _r, p = page(site, "/r4/CodeSystem/rr-all-symptom/concept/fatigue")
    assert p.hrefs("General symptom") == ["/r4/CodeSystem/rr-all-symptom/concept/general-symptom"]
    assert p.hrefs("Sign of anemia") == ["/r4/CodeSystem/rr-all-symptom/concept/anemia-sign"]
    _r, grouper = page(site, "/r5/CodeSystem/rr-all-symptom/concept/anemia-sign")
    assert "/r5/CodeSystem/rr-all-symptom/concept/pallor" in grouper.hrefs("Pale skin")
    assert "grouper" in grouper.text


def test_maps_show_the_equivalence_of_the_endpoints_fhir_version_and_comments(site):
    _r, r4 = page(site, "/r4/CodeSystem/rr-all-symptom/concept/anaemia")
    _r, r5 = page(site, "/r5/CodeSystem/rr-all-symptom/concept/anaemia")
    for p in (r4, r5):
        assert "ICD-10-CM" in p.text and "D64.9" in p.text and "SNOMED CT" in p.text and "271737000" in p.text
        assert "CTCAE v5 adverse-event term." in p.text   # the NCIt target's comment
    assert "Equivalence" in r4.text and "narrower" in r4.text and "relatedto" in r4.text
    assert "Relationship" in r5.text and "source-is-broader-than-target" in r5.text and "related-to" in r5.text
    assert "relatedto" not in r5.text
    target = [h for h in r4.hrefs() if h.endswith("/concept/D64.9")]
    assert target == ["/r4/CodeSystem/icd10cm-verified-fragment/concept/D64.9"]
    assert "/r4/ConceptMap/rr-all-to-icd10cm" in r4.hrefs("RR-ALL concepts to ICD-10-CM")


def test_an_unmapped_concept_says_so(site):
    _r, p = page(site, "/r4/CodeSystem/rr-all-symptom/concept/general-symptom")
    assert "No verified code of another terminology is mapped to this concept." in p.text


@pytest.mark.parametrize("code", ["anaemia", "fatigue", "symptom-or-sign"])
def test_value_sets_listed_are_exactly_those_validate_code_accepts(own_site, code):
    _r, p = page(own_site, f"/r4/CodeSystem/rr-all-symptom/concept/{code}")
    listed = {h.rsplit("/", 1)[-1] for h in p.hrefs() if h.startswith("/r4/ValueSet/")}
    bundle = own_site.get("/r4/ValueSet", query_string={"_count": 1000}).get_json()
    ours = [e["resource"] for e in bundle["entry"]]
    assert len(ours) == bundle["total"] > 40
    holding = set()
    for vs in ours:
        out = own_site.get("/r4/ValueSet/$validate-code",
                       query_string={"url": vs["url"], "system": SYMPTOM, "code": code}).get_json()
        if param(out, "result") is True:
            holding.add(vs["id"])
    assert listed == holding and holding   # every concept is at least in its code system's all-codes value set
    if code == "anaemia":
        assert "rr-all-laboratory-findings" in listed and "rr-all-symptoms-and-signs" not in listed


def test_other_properties_are_readable(site):
    _r, p = page(site, "/r4/CodeSystem/rr-all-drug/concept/flag")
    components = [h for h in p.hrefs() if h.startswith("/r4/CodeSystem/rr-all-drug/concept/")]
    assert "/r4/CodeSystem/rr-all-drug/concept/fludarabine" in components   # has-component values are links
    _r, timing = page(site, "/r4/CodeSystem/rr-all-relapse-timing/concept/rt002-early-relapse")
    assert "threshold-months" in timing.text and "36" in timing.text


def test_seed_file_names_in_property_values_become_titles(site):
    from service.web.pages.concept import _with_title

    titles = {"003_859351e8ceea3ab9.txt": "Leukaemia Care (UK charity), document 003"}
    assert _with_title("003_859351e8ceea3ab9.txt: says X", titles) == "Leukaemia Care (UK charity), document 003: says X"
    assert _with_title("no file here", titles) == "no file here"


def test_a_code_with_a_slash_has_a_page(tmp_path):
    import json

    from service import create_app

    cs = {"resourceType": "CodeSystem", "id": "mime", "url": "http://example.org/fhir/CodeSystem/mime",
          "name": "Mime", "status": "active", "content": "complete",
          "concept": [{"code": "application/fhir+json", "display": "The FHIR JSON type"}]}
    (tmp_path / "CodeSystem-mime.json").write_text(json.dumps(cs))
    client = create_app({"CONTENT_DIRS": [str(tmp_path)]}).test_client()
    _r, tree = page(client, "/r4/CodeSystem/mime")
    href = tree.hrefs("The FHIR JSON type")[0]
    assert href == "/r4/CodeSystem/mime/concept/application%2Ffhir%2Bjson"
    _r, concept = page(client, href)
    assert "Code application/fhir+json" in concept.text
