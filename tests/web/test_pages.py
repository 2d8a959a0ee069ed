"""Pages for people across the site: a browser gets pages, API clients keep getting FHIR at the same addresses,
every link of every page answers, content is escaped, pages are cached like FHIR answers."""
from __future__ import annotations

import json
from collections import deque
from urllib.parse import urlsplit

import pytest

from web.page_reader import BROWSER, Page, page

FHIR_CLIENTS = [{"Accept": "application/fhir+json"}, {"Accept": "*/*"}, {},
                {"Accept": "application/json"}, {"Accept": "application/fhir+json, text/html;q=0.5"}]
READS = [("/r4/CodeSystem/rr-all-symptom", "CodeSystem"), ("/r5/ValueSet/rr-all-laboratory-findings", "ValueSet"),
         ("/r4/ConceptMap/rr-all-to-icd10cm", "ConceptMap"),
         ("/r4/CodeSystem/rr-all-symptom/concept/anaemia", "Parameters"),
         ("/r5/CodeSystem/rr-all-symptom/concept/anaemia", "Parameters")]


@pytest.mark.parametrize("path,rtype", READS)
@pytest.mark.parametrize("headers", FHIR_CLIENTS, ids=lambda h: h.get("Accept", "no Accept"))
def test_fhir_clients_keep_getting_fhir(site, path, rtype, headers):
    r = site.get(path, headers=headers)
    assert r.status_code == 200 and r.mimetype in ("application/fhir+json", "application/json")
    body = r.get_json()
    assert body["resourceType"] == rtype
    if rtype == "Parameters":   # the concept page's address gives its $lookup to a FHIR client
        assert {"name": "display", "valueString": "Anemia"} in body["parameter"]


@pytest.mark.parametrize("path,rtype", READS)
def test_a_browser_gets_the_page_and_xml_clients_get_xml(site, path, rtype):
    r, p = page(site, path)
    assert "<!doctype html>" in p.html and 'lang="en"' in p.html
    assert "main" in p.ids
    xml = site.get(path, headers={"Accept": "application/fhir+xml"})
    assert xml.status_code == 200 and xml.mimetype == "application/fhir+xml"
    assert f"<{rtype} xmlns=\"http://hl7.org/fhir\">" in xml.get_data(as_text=True)


def test_format_overrides_accept_both_ways(site):
    forced = site.get("/r4/ValueSet/rr-all-relapse-sites?_format=html", headers={"Accept": "application/fhir+json"})
    assert forced.status_code == 200 and forced.mimetype == "text/html"
    assert "Codes" in Page(forced.get_data(as_text=True)).text
    fhir = site.get("/r4/ValueSet/rr-all-relapse-sites?_format=json", headers=BROWSER)
    assert fhir.status_code == 200 and fhir.get_json()["id"] == "rr-all-relapse-sites"


def test_the_root_is_a_json_index_for_api_clients_and_a_page_for_people(site):
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/json"}):
        r = site.get("/", headers=headers)
        assert r.status_code == 200 and r.mimetype == "application/json"
        index = r.get_json()
        assert index["fhir"]["r4"]["base"] == "http://localhost/r4"
        assert index["fhir"]["r5"]["metadata"] == "http://localhost/r5/metadata"
        assert site.get(urlsplit(index["fhir"]["r4"]["metadata"]).path).get_json()["resourceType"] == \
            "CapabilityStatement"
    _r, home = page(site, "/")
    assert "RR-ALL terminology server" in home.text and "codesystems" in home.ids
    assert site.get("/", headers={"Accept": "image/png"}).status_code == 406


def _crawl(client):
    """Pages reachable from the home page on / and /r4 (each followed), the /r5 pages they link to, and the
    download and FHIR links (not followed)."""
    seen, queue, r5_pages, downloads = {"/"}, deque(["/"]), set(), set()
    while queue:
        _r, p = page(client, queue.popleft())
        for link in p.links:
            split = urlsplit(link["href"])
            if split.scheme or link["href"].startswith("#"):
                continue
            target = split.path + (f"?{split.query}" if split.query else "")
            if "download" in link["attrs"] or "_format=" in split.query or split.path.endswith("/metadata") \
                    or split.path.rstrip("/") in ("/r4/CodeSystem", "/r4/ValueSet", "/r4/ConceptMap"):
                downloads.add(target)
            elif split.path.startswith("/r5/"):
                r5_pages.add(target)
            elif target not in seen:
                seen.add(target)
                queue.append(target)
        assert len(seen) < 3000, "the crawl does not end"
    return seen, r5_pages, downloads


def test_every_link_of_every_page_answers(own_site):
    """Crawl the site from the home page with a browser's Accept: every page answers 200 (and is a page), every
    download link is a route, and a few of each kind of download answer 200."""
    seen, r5_pages, downloads = _crawl(own_site)
    assert len(seen) > 300   # home, search, 18 code systems, 277+ concepts, 51 value sets, 6 maps, pages of codes
    assert any("/concept/" in s for s in seen) and any("/ConceptMap/" in s for s in seen)
    for target in sorted(r5_pages):
        page(own_site, target)
    adapter = own_site.application.url_map.bind("localhost")
    by_kind: dict[str, list[str]] = {}
    for target in sorted(downloads):
        endpoint, _args = adapter.match(urlsplit(target).path, "GET")
        by_kind.setdefault(endpoint, []).append(target)
    assert {"r4.read", "r4.expand-instance", "r4.expand-csv-instance", "r4.valueset-bundle", "r4.package",
            "r4.lookup-instance"} <= set(by_kind)
    for targets in by_kind.values():
        for target in targets[:: max(1, len(targets) // 3)]:
            r = own_site.get(target, headers=BROWSER)
            assert r.status_code == 200, (target, r.status_code)


def test_content_is_escaped(tmp_path):
    from service import create_app

    evil = "<script>alert(1)</script>"
    cs = {"resourceType": "CodeSystem", "id": "evil", "url": "http://example.org/fhir/CodeSystem/evil",
          "version": "1", "name": "Evil", "title": f"Evil {evil}", "status": "active", "content": "complete",
          "description": "<img src=x onerror=alert(2)>", "concept": [
              {"code": "x", "display": evil, "definition": "\"quoted\" & <b>bold</b>",
               "designation": [{"language": "en-GB", "value": "<i>GB</i>"}]}]}
    vs = {"resourceType": "ValueSet", "id": "evil-vs", "url": "http://example.org/fhir/ValueSet/evil-vs",
          "name": "EvilVS", "title": evil, "status": "active",
          "compose": {"include": [{"system": cs["url"]}]}}
    for res in (cs, vs):
        (tmp_path / f"{res['resourceType']}-{res['id']}.json").write_text(json.dumps(res))
    client = create_app({"CONTENT_DIRS": [str(tmp_path)]}).test_client()
    for path in ("/", "/r4/CodeSystem/evil", "/r4/CodeSystem/evil/concept/x", "/r4/ValueSet/evil-vs",
                 "/r4/ValueSet/evil-vs?filter=%3Cscript%3E", "/search?q=%3Cscript%3Ealert", "/search?q=alert"):
        r, p = page(client, path)
        assert "<script>alert" not in p.html and "<img src=x" not in p.html and "<b>bold" not in p.html, path
        assert all("alert(" not in s for s in p.scripts), path
    _r, concept = page(client, "/r4/CodeSystem/evil/concept/x")
    assert evil in concept.text and "<i>GB</i>" in concept.text   # shown as text, not markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in concept.html


def test_pages_are_cached_and_revalidated_like_fhir_answers(site):
    path = "/r4/ValueSet/rr-all-mrd-methods"
    first = site.get(path, headers=BROWSER)
    again = site.get(path, headers=BROWSER)
    assert first.status_code == again.status_code == 200 and again.headers.get("X-Cache") == "HIT"
    assert again.data == first.data and first.headers["ETag"].startswith('W/"')
    assert "Accept" in first.headers["Vary"]
    assert site.get(path, headers={**BROWSER, "If-None-Match": first.headers["ETag"]}).status_code == 304
    fhir = site.get(path, headers={"Accept": "application/fhir+json"})   # never the cached page
    assert fhir.mimetype == "application/fhir+json" and fhir.headers["ETag"] != first.headers["ETag"]


def test_unknown_resources_and_concepts_are_404_pages_for_people_and_outcomes_for_clients(site):
    for path in ("/r4/CodeSystem/nope", "/r4/ValueSet/nope", "/r5/ConceptMap/nope",
                 "/r4/CodeSystem/rr-all-symptom/concept/no-such-code", "/r4/CodeSystem/nope/concept/x"):
        _r, p = page(site, path, status=404)
        assert "OperationOutcome" in p.text and "HTTP 404" in p.text
        r = site.get(path)
        assert r.status_code == 404 and r.get_json()["resourceType"] == "OperationOutcome"


def test_head_of_a_page_has_headers_and_no_body(site):
    r = site.head("/r4/CodeSystem/rr-all-drug", headers=BROWSER)
    assert r.status_code == 200 and r.mimetype == "text/html" and r.data == b""
