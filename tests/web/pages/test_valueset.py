"""service.web.pages.valueset: definition in words, the expansion (filter, paging, language) and downloads."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from web.page_reader import BROWSER, page


def _codes(p) -> list[str]:
    return [h.rsplit("/", 1)[-1] for h in p.hrefs() if "/concept/" in h and "/ValueSet/" not in h]


def _table_codes(p) -> list[str]:
    """Codes of the expansion table (links inside the table body), in order."""
    body = p.html[p.html.index('id="expansion-rows"'):p.html.index("</tbody>", p.html.index('id="expansion-rows"'))]
    return [part.split('"', 1)[0].rsplit("/", 1)[-1] for part in body.split('href="')[1:]]


def test_the_definition_is_said_in_words(site):
    _r, p = page(site, "/r4/ValueSet/rr-all-laboratory-findings")
    assert "Includes codes of RR-ALL Symptoms and Signs where the concept is below Laboratory finding" in p.text
    assert "not that concept itself" in p.text
    assert "/r4/CodeSystem/rr-all-symptom" in p.hrefs("RR-ALL Symptoms and Signs")
    assert "/r4/CodeSystem/rr-all-symptom/concept/laboratory-sign" in p.hrefs("Laboratory finding")
    _r, listed = page(site, "/r4/ValueSet/rr-all-body-site")
    assert "Includes these 5 codes of SNOMED CT (verified fragment)" in listed.text
    assert "Bone marrow structure (body structure) 14016003" in listed.text


def test_the_expansion_is_the_engines(site):
    _r, p = page(site, "/r4/ValueSet/rr-all-laboratory-findings")
    fhir = site.get("/r4/ValueSet/rr-all-laboratory-findings/$expand?excludeNested=true").get_json()["expansion"]
    assert _table_codes(p) == [c["code"] for c in fhir["contains"]]
    assert f"Codes 1–{fhir['total']} of {fhir['total']}" in p.text


def test_the_filter_narrows_the_list_as_expand_filter_does(site):
    _r, p = page(site, "/r4/ValueSet/rr-all-symptoms-and-signs?filter=pain")
    fhir = site.get("/r4/ValueSet/rr-all-symptoms-and-signs/$expand?filter=pain&excludeNested=true").get_json()
    assert _table_codes(p) == [c["code"] for c in fhir["expansion"]["contains"]] and len(_table_codes(p)) >= 3
    assert f"of {fhir['expansion']['total']} matching “pain”" in p.text
    assert 'value="pain"' in p.html   # the form keeps what was typed
    _r, none = page(site, "/r4/ValueSet/rr-all-symptoms-and-signs?filter=zzzzqq")
    assert "No codes matching “zzzzqq”" in none.text and _table_codes(none) == []


def test_paging_links_walk_the_whole_expansion(site):
    path, seen, pages = "/r4/ValueSet/rr-all-all-concepts", [], 0
    total = site.get("/r4/ValueSet/rr-all-all-concepts/$expand?count=0").get_json()["expansion"]["total"]
    while path:
        _r, p = page(site, path)
        seen.extend(_table_codes(p))
        pages += 1
        nxt = p.hrefs(f"Next 50 →")
        path = nxt[0] if nxt else None
        if path:
            assert parse_qs(urlsplit(path).query)["offset"] == [str(50 * pages)]
    assert pages == -(-total // 50) and len(seen) == len(set(seen)) == total
    _r, second = page(site, "/r4/ValueSet/rr-all-all-concepts?offset=50")
    assert second.hrefs("← Previous 50") == ["/r4/ValueSet/rr-all-all-concepts"]
    assert "Codes 51–100 of" in second.text


def test_the_language_switch_changes_the_display(site):
    _r, us = page(site, "/r4/ValueSet/rr-all-laboratory-findings?displayLanguage=en")
    _r, gb = page(site, "/r4/ValueSet/rr-all-laboratory-findings?displayLanguage=en-GB")
    assert "Anemia" in us.text and "Anaemia" not in us.text.split("Codes", 1)[1]
    assert "Anaemia" in gb.text
    assert '<option value="en-GB" selected>' in gb.html
    nxt = page(site, "/r4/ValueSet/rr-all-all-concepts?displayLanguage=en-GB")[1].hrefs("Next 50 →")[0]
    assert "displayLanguage=en-GB" in nxt   # paging keeps the language


def test_downloads_answer_with_their_types(site):
    _r, p = page(site, "/r4/ValueSet/rr-all-relapse-sites")
    wanted = {"Definition (FHIR JSON)": "application/fhir+json", "Definition (FHIR XML)": "application/fhir+xml",
              "Expansion (FHIR JSON)": "application/fhir+json", "Expansion (CSV)": "text/csv",
              "Collection Bundle (definition and expansion)": "application/fhir+json",
              "FHIR package of all our content (.tgz)": "application/gzip"}
    for label, mimetype in wanted.items():
        [href] = p.hrefs(label)
        r = site.get(href, headers=BROWSER)   # a click: the browser's Accept
        allowed = {mimetype, "application/json"} if mimetype == "application/fhir+json" else {mimetype}
        assert r.status_code == 200 and r.mimetype in allowed, (label, r.status_code, r.mimetype)
    bundle = site.get(p.hrefs("Collection Bundle (definition and expansion)")[0]).get_json()
    assert bundle["type"] == "collection" and bundle["entry"][0]["resource"]["id"] == "rr-all-relapse-sites"


def test_a_core_value_set_has_no_package_button(site):
    _r, gender = page(site, "/r4/ValueSet/administrative-gender")
    assert gender.hrefs("FHIR package of all our content (.tgz)") == [] and "female" in _codes(gender)
    assert gender.hrefs("Collection Bundle (definition and expansion)")


def test_a_value_set_that_cannot_be_expanded_still_has_its_page(tmp_path):
    import json

    from service import create_app

    vs = {"resourceType": "ValueSet", "id": "lost", "url": "http://example.org/fhir/ValueSet/lost", "name": "Lost",
          "status": "active", "compose": {"include": [{"system": "http://example.org/fhir/CodeSystem/unknown"}]}}
    (tmp_path / "ValueSet-lost.json").write_text(json.dumps(vs))
    client = create_app({"CONTENT_DIRS": [str(tmp_path)]}).test_client()
    api = client.get("/r4/ValueSet/lost/$expand")
    assert api.status_code in (404, 422)
    _r, p = page(client, "/r4/ValueSet/lost")
    assert "The codes cannot be listed here:" in p.text and "http://example.org/fhir/CodeSystem/unknown" in p.text
    assert "Includes all codes of http://example.org/fhir/CodeSystem/unknown" in p.text
    assert "expansion-rows" not in p.ids and all("fetch(" not in s for s in p.scripts)   # no list, no type-ahead


def test_bad_page_parameters_are_400(site):
    words = "+".join(f"w{i}" for i in range(30))
    for query in ("offset=-1", "offset=x", "count=abc", "displayLanguage=%3C%3E", f"filter={words}"):
        r = site.get(f"/r4/ValueSet/rr-all-relapse-sites?{query}", headers=BROWSER)
        assert r.status_code == 400 and "OperationOutcome" in r.get_data(as_text=True), query


def test_the_type_ahead_script_is_inline_and_calls_expand(site):
    _r, p = page(site, "/r5/ValueSet/rr-all-relapse-sites")
    script = "\n".join(p.scripts)
    assert "fetch(" in script and "application/fhir+json" in script and "src=" not in p.html.split("<main", 1)[1]
    assert 'data-expand="/r5/ValueSet/rr-all-relapse-sites/$expand"' in p.html
    assert '{"http://terminology.rr-all.org/fhir/CodeSystem/rr-all-relapse-site": ' \
           '"/r5/CodeSystem/rr-all-relapse-site/concept/"}' in p.html
