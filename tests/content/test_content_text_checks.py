"""service.content_text_checks: the wording rules on our concepts (US spelling, en-GB designations, statements
attributed to a cited seed) and value sets (title, description, purpose), as (path, message) pairs.
tests/content/test_content_checks.py checks that `rrall-tx check` reports them per file."""
from __future__ import annotations

import pytest

from service.content_checks import SEED_LABELS
from service.content_text_checks import concept_text_problems, valueset_text_problems

SEEDS = SEED_LABELS                                   # label -> seed file
CITED, OTHER = "the consumer health article", "the Together resource"


def problems(concept: dict) -> dict[str, str]:
    return dict(concept_text_problems(concept, SEEDS))


def cited(*extra) -> list[dict]:
    return [{"code": "source-document", "valueString": SEEDS[CITED]}, *extra]


def test_a_clean_concept_has_no_problems():
    assert concept_text_problems({"code": "a", "display": "Leukemia cells", "definition": "Cells.",
                                  "designation": [{"language": "en-GB", "value": "Leukaemia cells"}],
                                  "property": cited()}, SEEDS) == []


def test_british_spelling_in_us_text_is_reported_where_it_is():
    found = problems({"code": "a", "display": "Cell", "definition": "Cells that characterise the leukaemia.",
                      "designation": [{"language": "en", "value": "Anaemia sign"}, {"value": "Tumour"},
                                      {"language": "en-GB", "value": "Anaemia"}, {"language": "fr", "value": "colour"}],
                      "property": [{"code": "note", "valueString": "a colour"}, {"code": "n", "valueInteger": 1}]})
    assert set(found) == {".definition", ".designation[0]", ".designation[1]", ".property[0]"}
    assert "British spelling characterise, leukaemia in US English text" in found[".definition"]
    assert "concept 'a'" in found[".designation[0]"]


def test_a_display_spelled_differently_in_british_english_needs_a_british_en_gb_designation():
    missing = concept_text_problems({"code": "a", "display": "Leukemia cells"}, SEEDS)
    assert missing == [("", "concept 'a': display 'Leukemia cells' is spelled differently in British English but "
                            "has no en-GB designation (expected 'Leukaemia cells')")]
    american = problems({"code": "a", "display": "Anemia", "designation": [{"language": "en-GB", "value": "Anemia"}]})
    assert american[""] == "concept 'a': en-GB designation ['Anemia'] has American spelling"


@pytest.mark.parametrize("value,message", [
    (f"{CITED}: says so", None),
    (f"{CITED.title()}: says so", None),                                     # the label in any case
    (f"{OTHER}: says so", f"is attributed to {OTHER}, which the concept does not cite as source-document"),
    ("nobody: says so", "does not start with a seed document's name"),
    (f"{CITED} says so", "does not start with a seed document's name"),      # "<label>: " exactly
    (f"{SEEDS[CITED]}: says so", "does not start with a seed document's name")])   # a label, not a file name
@pytest.mark.parametrize("pcode", ["document-view", "stated-frequency", "stated-prognosis"])
def test_an_attributed_statement_starts_with_the_label_of_a_document_the_concept_cites(pcode, value, message):
    got = concept_text_problems({"code": "a", "display": "A", "property": cited({"code": pcode, "valueString": value})},
                                SEEDS)
    if message is None:
        assert got == []
    else:
        [(path, text)] = got
        assert path == "" and pcode in text and message in text


def test_a_value_set_says_what_it_is_for():
    assert valueset_text_problems({"title": "T", "description": "D", "purpose": "P"}) == []
    assert valueset_text_problems({"title": "T", "description": "  ", "purpose": None}) == [
        ("ValueSet.description", "our ValueSet needs a description (what it holds and which field it is for)"),
        ("ValueSet.purpose", "our ValueSet needs a purpose (what it holds and which field it is for)")]
    assert [p for p, _m in valueset_text_problems({})] == ["ValueSet.title", "ValueSet.description", "ValueSet.purpose"]
