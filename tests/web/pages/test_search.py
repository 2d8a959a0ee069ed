"""service.web.pages.search: concepts by display, synonym, en-GB display or code; resources by title, name or id,
ours and the core package's; the same hits as JSON for API clients."""
from __future__ import annotations

from web.page_reader import page


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


def test_a_hit_names_the_designation_it_was_found_by():
    from service.engine.codesystem import Concept
    from service.web.pages.search import _matched

    c = Concept("fatigue", "Fatigue", None)
    c.designations = [{"language": "en", "value": "Tiredness"}]
    assert _matched(c, "tired") == "Tiredness"
    assert _matched(c, "fatig") is None          # the display shows it
    assert _matched(c, "fatigue") is None
