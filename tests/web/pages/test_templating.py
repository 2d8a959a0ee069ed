"""service.web.pages.templating: links between pages (root path, encoding, the other FHIR version)."""
from __future__ import annotations

from service.web.request import HttpRequest


def _links(path: str, script_name: str = ""):
    from service.web.pages.templating import Links

    return Links(HttpRequest({"PATH_INFO": path, "SCRIPT_NAME": script_name, "HTTP_HOST": "tx.example.org",
                              "wsgi.url_scheme": "https"}))


def test_links_stay_on_the_requests_fhir_version_and_root():
    links = _links("/r5/ValueSet/x", "/tx")
    assert links.resource("CodeSystem", "a b") == "/tx/r5/CodeSystem/a%20b"
    assert links.concept("cs", "x/y+z") == "/tx/r5/CodeSystem/cs/concept/x%2Fy%2Bz"
    assert links.home == "/tx/" and links.search("a&b") == "/tx/search?q=a%26b"
    assert links.other_version() == "/tx/r4/ValueSet/x"
    assert links.absolute(links.home) == "https://tx.example.org/tx/"
    assert links.fhir_url("ValueSet/$bundle", url="http://u", mode="expanded", empty="") == \
        "/tx/r5/ValueSet/$bundle?url=http%3A%2F%2Fu&mode=expanded"


def test_pages_outside_a_fhir_base_link_to_r4():
    assert _links("/r4/CodeSystem/cs/concept/a b?c").other_version() == "/r5/CodeSystem/cs/concept/a%20b%3Fc"
    links = _links("/search")
    assert links.resource("ValueSet", "v", _format="json") == "/r4/ValueSet/v?_format=json"
    assert links.other_version() is None and links.absolute("/r4/x") == "https://tx.example.org/r4/x"


def test_concept_url_only_for_concepts_the_server_holds(registry):
    from service.web.pages.templating import concept_url

    links = _links("/r4/ValueSet/x")
    cache: dict = {}
    animals = "http://example.org/fhir/CodeSystem/animals"
    assert concept_url(registry, links, animals, "dog", cache) == "/r4/CodeSystem/animals/concept/dog"
    assert concept_url(registry, links, animals + "|1.0.0", "cat", cache) == "/r4/CodeSystem/animals/concept/cat"
    assert concept_url(registry, links, animals, "unicorn", cache) is None
    assert concept_url(registry, links, "http://unknown.example", "dog", cache) is None
