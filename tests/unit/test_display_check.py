"""service.engine.display_check: which displays are valid, and what is said when one is not."""
from __future__ import annotations

from service.engine.codesystem import CodeSystemIndex
from service.engine.display_check import check_display
from service.engine.languages import parse_language_list

CS = {
    "resourceType": "CodeSystem", "url": "http://example.org/cs", "language": "en", "status": "active",
    "content": "complete",
    "concept": [{"code": "a", "display": "Alpha", "designation": [
        {"language": "de", "value": "Alfa"},
        {"language": "de", "value": "Altes Alfa", "extension": [{
            "url": "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status",
            "valueCode": "withdrawn"}]},
        {"use": {"system": "http://example.org/uses", "code": "search"}, "value": "alph"}]}],
}


def run(display, lang=None, lenient=False, extra=()):
    cs = CodeSystemIndex(CS)
    prefs = parse_language_list(lang, "param") if lang else parse_language_list(None, "none")
    return check_display(cs, cs.locate("a"), display, prefs=prefs, lenient=lenient, extra=list(extra),
                         expression="Coding.display")


def test_display_and_language_designations_are_valid():
    assert run("Alpha") == []
    assert run("Alfa") == []
    assert run("Alfa", lang="de") == []


def test_wrong_display_is_an_error_listing_the_choices():
    [i] = run("Beta")
    assert i["severity"] == "error" and i["details"]["coding"][0]["code"] == "invalid-display"
    text = i["details"]["text"]
    assert "Wrong Display Name 'Beta'" in text and "'Alpha' (en)" in text and "'Alfa' (de)" in text
    assert "alph" not in text   # a search synonym with no language is not offered as a display


def test_lenient_display_validation_downgrades_to_warning():
    [i] = run("Beta", lenient=True)
    assert i["severity"] == "warning"


def test_whitespace_only_difference_is_named():
    [i] = run("Alpha ")
    assert "Wrong whitespace" in i["details"]["text"]


def test_retired_designation_is_a_warning_naming_the_correct_display():
    [i] = run("Altes Alfa")
    assert i["severity"] == "warning" and i["details"]["coding"][0]["code"] == "display-comment"
    assert '"Alpha"' in i["details"]["text"]


def test_no_display_in_requested_language_but_default_matches_is_information():
    [i] = run("Alpha", lang="fr")
    assert i["severity"] == "information"
    assert "for language(s) 'fr'" in i["details"]["text"]


def test_supplement_designations_count():
    assert run("Alphe", extra=[{"language": "fr", "value": "Alphe"}]) == []
    assert run("Alphe") != []
