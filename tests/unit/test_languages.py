"""service.engine.languages: Accept-Language parsing and display choice."""
from __future__ import annotations

import pytest

from helpers import load_fixture
from service.engine.codesystem import CodeSystemIndex
from service.engine.languages import (LanguagePrefs, choose_display, displays_for, lang_matches,
                                      parse_language_list, valid_tag)
from service.errors import Invalid


@pytest.fixture(scope="module")
def cs() -> CodeSystemIndex:
    return CodeSystemIndex(load_fixture("CodeSystem-animals.json"))


def prefs(value: str) -> LanguagePrefs:
    return parse_language_list(value, "param")


def test_parse_orders_by_q_then_position():
    p = parse_language_list("fr;q=0.5, de-AT, en;q=0.8, *;q=0.1", "header")
    assert p.tags == ["de-AT", "en", "fr", "*"]
    assert p.source == "header"
    assert p.raw == "fr;q=0.5, de-AT, en;q=0.8, *;q=0.1"


def test_parse_drops_q_zero_and_empty_items():
    assert parse_language_list("de;q=0, en,,", "header").tags == ["en"]


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_empty_means_no_preference(value):
    p = parse_language_list(value, "header")
    assert p.tags == [] and not p and p.source == "none"


@pytest.mark.parametrize("value", ["english!", "de_DE", "12", "en;q=abc"])
def test_parse_rejects_invalid_tags_and_q(value):
    with pytest.raises(Invalid):
        parse_language_list(value, "header")


@pytest.mark.parametrize("tag,ok", [("en", True), ("en-GB", True), ("zh-Hant-TW", True), ("es-419", True),
                                    ("*", True), ("e", False), ("en-", False), ("en GB", False)])
def test_valid_tag(tag, ok):
    assert valid_tag(tag) is ok


def test_wildcard_only():
    assert prefs("*").wildcard_only
    assert not prefs("de, *").wildcard_only


@pytest.mark.parametrize("wanted,actual,ok", [("de-AT", "de", True), ("de", "de-AT", True), ("de", "de", True),
                                              ("de", "da", False), ("*", "xx", True), ("en", None, False)])
def test_lang_matches(wanted, actual, ok):
    assert lang_matches(wanted, actual) is ok


def test_choose_display_exact_language(cs):
    assert choose_display(cs.locate("dog"), cs.language, prefs("de")) == "Hund"


def test_choose_display_falls_back_from_region_to_language(cs):
    assert choose_display(cs.locate("dog"), cs.language, prefs("de-AT")) == "Hund"


def test_choose_display_prefers_exact_region(cs):
    assert choose_display(cs.locate("parrot"), cs.language, prefs("en-GB")) == "Colourful parrot"
    # en-US has no designation: the display in the code system's language (en) is used
    assert choose_display(cs.locate("parrot"), cs.language, prefs("en-US")) == "Colorful parrot"


def test_choose_display_walks_the_preference_list(cs):
    assert choose_display(cs.locate("dodo"), cs.language, prefs("de, en")) == "Dodo"  # no German for dodo
    assert choose_display(cs.locate("dog"), cs.language, prefs("fr, de")) == "Hund"


def test_choose_display_without_preferences_or_with_wildcard(cs):
    assert choose_display(cs.locate("dog"), cs.language, LanguagePrefs([], "none", None)) == "Dog"
    assert choose_display(cs.locate("dog"), cs.language, prefs("*")) == "Dog"


def test_choose_display_uses_extra_designations(cs):
    extra = [{"language": "fr", "value": "Chien"}]
    assert choose_display(cs.locate("dog"), cs.language, prefs("fr"), extra) == "Chien"


def test_choose_display_ignores_non_display_uses_when_a_display_exists():
    concept = CodeSystemIndex({"resourceType": "CodeSystem", "url": "http://x", "content": "complete",
                               "concept": [{"code": "a", "display": "A", "designation": [
                                   {"language": "nl", "use": {"system": "http://snomed.info/sct",
                                                              "code": "900000000000013009"}, "value": "Synoniem"},
                                   {"language": "nl", "value": "Weergave"}]}]}).locate("a")
    assert choose_display(concept, "en", prefs("nl")) == "Weergave"


def test_displays_for_restricts_to_languages(cs):
    dog = cs.locate("dog")
    everything = displays_for(dog, "en", None)
    assert ("Dog", "en") in everything and ("Hund", "de") in everything
    assert displays_for(dog, "en", prefs("de")) == [("Hund", "de")]
