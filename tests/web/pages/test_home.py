"""service.web.pages.home and .search: the home page lists our content apart from the core package; search finds
concepts by display, synonym, en-GB display or code, and resources by title, name or id."""
from __future__ import annotations

import json
from pathlib import Path

from web.page_reader import page

REPO = Path(__file__).resolve().parents[3]


def _ids(folder: str) -> set[str]:
    return {json.loads(p.read_text(encoding="utf-8"))["id"] for p in (REPO / folder).glob("*.json")}


def test_home_lists_our_code_systems_value_sets_and_maps(site):
    _r, p = page(site, "/")
    linked = {kind: {h.rsplit("/", 1)[-1] for h in p.hrefs() if h.startswith(f"/r4/{kind}/")}
              for kind in ("CodeSystem", "ValueSet", "ConceptMap")}
    assert linked["CodeSystem"] == _ids("codesystems")   # our systems and the verified fragments
    assert linked["ValueSet"] == _ids("valuesets")
    assert linked["ConceptMap"] == _ids("conceptmaps")
    assert "administrative-gender" not in p.html   # the core package is counted, not listed
    assert {"codesystems", "valuesets", "conceptmaps", "core", "home-search"} <= p.ids
    assert "277 concepts" in p.text and "content version 0.2.1" in p.text


def test_pick_lists_are_apart_from_the_supporting_value_sets(site):
    _r, p = page(site, "/")
    picks, rest = p.html.split("<details>", 1)[0].split('id="valuesets"', 1)[1], p.html.split("<details>", 1)[1]
    for vs_id in ("rr-all-relapse-sites", "rr-all-laboratory-findings", "rr-all-body-site", "rr-all-relapse-timing-001"):
        assert f'/r4/ValueSet/{vs_id}"' in picks and f'/r4/ValueSet/{vs_id}"' not in rest
    for vs_id in ("rr-all-symptom", "rr-all-all-concepts", "rr-all-icd10cm-mapped", "rr-all-snomedct-mapped"):
        assert f'/r4/ValueSet/{vs_id}"' in rest and f'/r4/ValueSet/{vs_id}"' not in picks


def test_home_counts_the_core_package_and_links_to_its_search(site, own_site):
    _r, p = page(site, "/")
    core = site.application.extensions["rrall"]
    n_vs = len(core["registry"].all("ValueSet")) - len(core["content_registry"].all("ValueSet"))
    assert n_vs > 1000 and f"{n_vs} value sets" in p.text
    assert "/r4/ValueSet" in p.hrefs("ValueSet")
    _r, alone = page(own_site, "/")
    assert "core" not in alone.ids and "FHIR core package" not in alone.text


def test_search_finds_concepts_by_display_synonym_en_gb_and_code(site):
    _r, p = page(site, "/search?q=anaemia")   # the en-GB display (and the code) of Anemia
    assert "/r4/CodeSystem/rr-all-symptom/concept/anaemia" in p.hrefs("Anemia")
    _r, syn = page(site, "/search?q=tiredness")
    assert syn.hrefs("Fatigue") == ["/r4/CodeSystem/rr-all-symptom/concept/fatigue"]
    assert "(found as “Tiredness”)" in syn.text
    _r, code = page(site, "/search?q=abnormal-cbc")
    assert "/r4/CodeSystem/rr-all-symptom/concept/abnormal-cbc" in code.hrefs()
    assert 'value="abnormal-cbc"' in code.html


def test_search_finds_resources_ours_and_the_core_packages(site):
    _r, p = page(site, "/search?q=relapse site")
    assert "/r4/ValueSet/rr-all-relapse-sites" in p.hrefs() and "/r4/CodeSystem/rr-all-relapse-site" in p.hrefs()
    r = site.get("/search?q=gender")
    assert r.mimetype == "application/json"
    hits = r.get_json()
    assert any(h["page"] == "http://localhost/r4/ValueSet/administrative-gender" for h in hits["core"])
    assert hits["q"] == "gender" and hits["resources"] == []


def test_search_json_for_api_clients(site):
    hits = site.get("/search?q=blinatumomab", headers={"Accept": "application/json"}).get_json()
    [hit] = [h for h in hits["concepts"] if h["code"] == "blinatumomab"]
    assert hit["page"] == "http://localhost/r4/CodeSystem/rr-all-drug/concept/blinatumomab"
    assert hit["system"] == "http://terminology.rr-all.org/fhir/CodeSystem/rr-all-drug"
    assert site.get("/search").get_json() == {"q": "", "concepts": [], "resources": [], "core": [],
                                              "truncated": False}


def test_search_limits_and_bad_queries(site):
    from service.web.pages.search import MAX_HITS

    hits = site.get("/search?q=a").get_json()   # every word starting with "a"
    assert len(hits["concepts"]) <= MAX_HITS and len(hits["core"]) <= MAX_HITS
    words = " ".join(f"w{i}" for i in range(30))
    r = site.get(f"/search?q={words}")
    assert r.status_code == 200 and "at most 20 are supported" in r.get_json()["error"]
    _r, p = page(site, f"/search?q={words}")
    assert "at most 20 are supported" in p.text
