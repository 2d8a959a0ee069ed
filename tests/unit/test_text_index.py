"""The token index gives exactly what the linear text matcher gives (word-prefix, case- and
accent-insensitive, all terms in one text: display, designations or code)."""
from __future__ import annotations

import pytest

from service.engine import text_index
from service.engine.expansion_select import entry_texts, select_entries, text_matcher
from service.engine.codesystem import CodeSystemIndex
from service.engine.expand import Entry

URL = "http://example.org/fhir/CodeSystem/words"
CONCEPTS = [
    ("S72.001A", "Fracture of unspecified part of neck of right femur, initial encounter", []),
    ("S72.002A", "Fracture of unspecified part of neck of left femur", []),
    ("FEM", "Fémur fracture (closed)", [{"language": "fr", "value": "Fracture du fémur"}]),
    ("OED", "Œdème pulmonaire", [{"language": "en", "value": "Pulmonary oedema"}]),
    ("FIB", "ﬁbrosis of lung", []),                       # NFKD ligature: fi + brosis
    ("LEUK", "Acute lymphoblastic leukaemia, in relapse", [{"value": "ALL relapse"}]),
    ("LEUK2", "Acute leukaemia", [{"value": "relapsed"}]),     # "acute relapse" only across two texts
    ("NODISP", None, [{"value": "Designation only"}]),
    ("x_1", "under_score and 2nd-line", []),
    ("C91.00", "ALL not having achieved remission", []),
    ("ÆSC", "Ærosol — spray", []),
]
QUERIES = ["fra", "FRACTURE fem", "femur", "fémur", "FEMU", "oed", "œd", "pulm oed", "fib", "fi", "brosis",
           "acute relapse", "relapse acute", "all", "ALL rel", "s72", "S72.001", "001a", "c91.0", "x_1", "under",
           "2nd", "designation", "only desig", "z", "", "   ", "-", "ærosol", "aer", "spray", "é", "neck right"]


def _cs() -> CodeSystemIndex:
    concepts = []
    for code, display, des in CONCEPTS:
        c = {"code": code, "designation": des}
        if display:
            c["display"] = display
        concepts.append(c)
    return CodeSystemIndex({"resourceType": "CodeSystem", "url": URL, "version": "1", "content": "complete",
                            "concept": concepts})


def _entries(cs: CodeSystemIndex) -> list[Entry]:
    return [Entry(cs.url, cs.version, c.code, c.display, concept=c, cs=cs, abstract=c.abstract, inactive=c.inactive)
            for c in cs.ordered]


def _linear(entries, text):
    match = text_matcher(text)
    if match is None:
        return [e.code for e in entries]
    return [e.code for e in entries if match(entry_texts(e))]


@pytest.mark.parametrize("text", QUERIES)
def test_whole_system_index_equals_linear_matcher(text):
    cs = _cs()
    entries = _entries(cs)
    tagged = text_index.tag_whole_system(entries)
    assert isinstance(tagged, text_index.WholeSystem)
    got = [e.code for e in select_entries(tagged, active_only=False, text=text, exclude_not_for_ui=False)]
    assert got == _linear(entries, text)


@pytest.mark.parametrize("text", QUERIES)
def test_mixed_entries_equal_linear_matcher(text, monkeypatch):
    """Entries with a value-set display fall back to the matcher; the others use the index."""
    monkeypatch.setattr(text_index, "MIN_ENTRIES", 1)
    cs = _cs()
    entries = _entries(cs) * 2
    entries[1] = Entry(cs.url, cs.version, entries[1].code, "Renamed leukaemia in the value set",
                       concept=entries[1].concept, cs=cs, src={"code": entries[1].code})
    got = [e.code for e in select_entries(entries, active_only=False, text=text, exclude_not_for_ui=False)]
    assert got == _linear(entries, text)


def test_expected_matches_on_the_fixture():
    cs = _cs()
    tagged = text_index.tag_whole_system(_entries(cs))

    def codes(text):
        return [e.code for e in select_entries(tagged, active_only=False, text=text, exclude_not_for_ui=False)]
    assert codes("femur") == ["S72.001A", "S72.002A", "FEM"]
    assert codes("acute relapse") == ["LEUK"]         # LEUK2 has the words only across two texts
    assert codes("oed") == ["OED"]                    # designation, and the accent-folded display
    assert codes("fib") == ["FIB"]
    assert codes("emur") == []                        # word prefix, not substring


def test_tag_only_exact_whole_system_lists():
    cs = _cs()
    entries = _entries(cs)
    assert text_index.tag_whole_system(entries[:-1]) is not None
    assert not isinstance(text_index.tag_whole_system(entries[:-1]), text_index.WholeSystem)
    swapped = entries[:]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    assert not isinstance(text_index.tag_whole_system(swapped), text_index.WholeSystem)
    with_src = entries[:]
    with_src[2] = Entry(cs.url, cs.version, entries[2].code, entries[2].display, concept=entries[2].concept,
                        cs=cs, src={"code": entries[2].code, "display": "x"})
    assert not isinstance(text_index.tag_whole_system(with_src), text_index.WholeSystem)


def test_active_only_and_not_for_ui_still_apply_after_the_index():
    cs = CodeSystemIndex({"resourceType": "CodeSystem", "url": URL, "content": "complete", "concept": [
        {"code": "a", "display": "Alpha one", "property": [{"code": "status", "valueCode": "retired"}]},
        {"code": "b", "display": "Alpha two", "property": [{"code": "notSelectable", "valueBoolean": True}]},
        {"code": "c", "display": "Alpha three"}]})
    tagged = text_index.tag_whole_system(_entries(cs))
    assert [e.code for e in select_entries(tagged, active_only=True, text="alp", exclude_not_for_ui=False)] \
        == ["b", "c"]
    assert [e.code for e in select_entries(tagged, active_only=True, text="alp", exclude_not_for_ui=True)] == ["c"]


def test_the_index_is_built_once_and_kept_on_the_code_system():
    cs = _cs()
    first = text_index.for_codesystem(cs)
    assert text_index.for_codesystem(cs) is first
    assert first.tokens == sorted(first.tokens)


def test_fixture_registry_expansions_use_the_same_semantics(registry, run_expand):
    from helpers import vs_url

    for text in ["do", "Hund", "colo", "p", "zz", "bird par"]:
        out = run_expand({"url": [vs_url("animals-all")], "filter": [text]})
        got = [c["code"] for c in out["expansion"].get("contains", [])]
        cs = registry.resolve("CodeSystem", "http://example.org/fhir/CodeSystem/animals")
        assert got == _linear(_entries(cs), text), text
