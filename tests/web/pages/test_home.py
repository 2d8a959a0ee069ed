"""service.web.pages.home: the home page lists our content apart from the core package (counted, searchable); the
root is a JSON index for API clients (tests/web/test_pages.py)."""
from __future__ import annotations

import json
from pathlib import Path

from helpers import content_version
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
    assert "277 concepts" in p.text and f"content version {content_version()}" in p.text


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
