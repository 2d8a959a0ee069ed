"""service.web.pages.conceptmap: source -> target tables with R4 equivalence on /r4, R5 relationship on /r5."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from web.page_reader import page

REPO = Path(__file__).resolve().parents[3]


def _targets(cm_id: str) -> int:
    cm = json.loads((REPO / "conceptmaps" / f"ConceptMap-{cm_id}.json").read_text(encoding="utf-8"))
    return sum(len(e.get("target", [])) for g in cm["group"] for e in g["element"])


@pytest.mark.parametrize("cm_id", ["rr-all-to-icd10cm", "rr-all-to-snomedct", "rr-all-to-rxnorm"])
def test_one_row_per_target_with_the_versions_word(site, cm_id):
    _r, r4 = page(site, f"/r4/ConceptMap/{cm_id}")
    _r, r5 = page(site, f"/r5/ConceptMap/{cm_id}")
    rows = _targets(cm_id)
    assert r4.html.count("<tr>") - r4.html.count("<thead>") == rows == r5.html.count("<tr>") - r5.html.count("<thead>")
    assert "Equivalence" in r4.text and "Relationship" in r5.text
    assert "equivalent" in r4.text and "equivalent" in r5.text


def test_words_and_comments_of_the_icd_map(site):
    _r, r4 = page(site, "/r4/ConceptMap/rr-all-to-icd10cm")
    _r, r5 = page(site, "/r5/ConceptMap/rr-all-to-icd10cm")
    assert "wider the target is broader" in r4.text and "relatedto" in r4.text
    assert "source-is-narrower-than-target the target is broader" in r5.text and "related-to" in r5.text
    assert "Caution: C91.0 is a non-billable category header" in r4.text
    assert "From RR-ALL Disease Status and Response to ICD-10-CM" in r4.text
    assert "/r4/CodeSystem/rr-all-disease-status/concept/relapse" in r4.hrefs("Relapsed ALL")
    assert "/r4/CodeSystem/icd10cm-verified-fragment/concept/C91.02" in r4.hrefs("Acute lymphoblastic leukemia, in relapse")
    assert "/r4/ValueSet/rr-all-icd10cm-mapped" in r4.hrefs()


def test_relation_of_keeps_the_r4_word_the_r5_code_cannot_hold():
    from service.convert import EQUIVALENCE_EXT
    from service.web.pages.conceptmap import relation_of

    inexact = {"code": "x", "relationship": "related-to", "extension": [{"url": EQUIVALENCE_EXT, "valueCode": "inexact"}]}
    assert relation_of(inexact, "R4") == ("inexact", "an inexact match")
    assert relation_of(inexact, "R5") == ("related-to", "related, neither broader nor narrower")
    assert relation_of({"relationship": "source-is-broader-than-target"}, "R4")[0] == "narrower"
    assert relation_of({}, "R5")[0] == "related-to"


def test_an_element_without_a_target_is_shown_as_unmatched(tmp_path):
    from service import create_app

    cm = {"resourceType": "ConceptMap", "id": "partial", "url": "http://example.org/fhir/ConceptMap/partial",
          "name": "Partial", "status": "active", "group": [{"source": "http://example.org/a", "target": "http://example.org/b",
                                                             "element": [{"code": "x", "target": [{"equivalence": "unmatched"}]},
                                                                         {"code": "y", "target": [{"code": "z", "equivalence": "equal"}]}]}]}
    (tmp_path / "ConceptMap-partial.json").write_text(json.dumps(cm))
    client = create_app({"CONTENT_DIRS": [str(tmp_path)]}).test_client()
    _r, r4 = page(client, "/r4/ConceptMap/partial")
    _r, r5 = page(client, "/r5/ConceptMap/partial")
    assert "x unmatched no match no target" in r4.text and "y equal identical z" in r4.text
    assert "x noMap no match no target" in r5.text and "y equivalent the same meaning z" in r5.text
