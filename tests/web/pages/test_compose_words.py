"""service.web.pages.compose_words: each kind of include, exclude and filter in words (over the test fixtures)."""
from __future__ import annotations

import pytest

from helpers import ANIMALS


class Links:
    def resource(self, rtype, rid, **_q):
        return f"/{rtype}/{rid}"

    def concept(self, rid, code):
        return f"/{rid}/concept/{code}"


def _words(registry, compose: dict) -> list[str]:
    """Each statement as flat text (what the template writes, without markup)."""
    from service.web.pages.compose_words import ComposeWords, Ref

    def text(x):
        return x.text if isinstance(x, Ref) else x

    out = []
    for s in ComposeWords(registry, Links()).statements({"compose": compose}):
        parts = [s.kind, s.lead if s.source else "", text(s.source) if s.source else ""]
        parts += [text(v) for v in s.value_sets]
        parts += ["".join(text(p) for p in c) for c in s.conditions]
        parts += [f"{c.text}={c.code}" for c in s.codes]
        out.append(" | ".join(p for p in parts if p))
    return out


@pytest.mark.parametrize("flt,expected", [
    ({"property": "concept", "op": "is-a", "value": "mammal"}, "the concept is Mammal or a kind of it"),
    ({"property": "concept", "op": "descendent-of", "value": "bird"}, "the concept is below Bird, not that"),
    ({"property": "concept", "op": "is-not-a", "value": "plant"}, "the concept is neither Plant nor below it"),
    ({"property": "concept", "op": "generalizes", "value": "dog"}, "the concept is Dog or above it"),
    ({"property": "concept", "op": "in", "value": "dog,cat"}, "the concept is one of Dog, Cat"),
    ({"property": "parent", "op": "=", "value": "mammal"}, "the concept is a direct child of Mammal"),
    ({"property": "colour", "op": "=", "value": "brown"}, "its property “colour” is “brown”"),
    ({"property": "colour", "op": "regex", "value": "^b.*"}, "its property “colour” matches the pattern “^b.*”"),
    ({"property": "legs", "op": "exists", "value": "false"}, "it has no property “legs”"),
    ({"property": "colour", "op": "not-in", "value": "brown, black"}, "its property “colour” is none of: brown, black"),
])
def test_filters_in_words(registry, flt, expected):
    [statement] = _words(registry, {"include": [{"system": ANIMALS, "filter": [flt]}]})
    assert statement.startswith("include | Codes of | Test animals | ")
    assert expected in statement


def test_lists_imports_excludes_and_notes(registry):
    from service.web.pages.compose_words import ComposeWords

    compose = {"include": [{"system": ANIMALS, "concept": [{"code": "dog"}, {"code": "cat", "display": "Kitty"}]},
                           {"valueSet": ["http://example.org/fhir/ValueSet/mammals"]},
                           {"system": "http://example.org/unknown", "version": "2"}],
               "exclude": [{"system": ANIMALS, "concept": [{"code": "parrot"}]}], "inactive": False}
    words = _words(registry, compose)
    assert words[0] == "include | These 2 codes of | Test animals | Dog=dog | Kitty=cat"
    assert words[1] == "include | Mammals"          # the imported value set by its title
    assert words[2] == "include | All codes of | http://example.org/unknown"
    assert words[3] == "exclude | This code of | Test animals | Colorful parrot=parrot"
    notes = ComposeWords(registry, Links()).notes({"compose": compose})
    assert notes == ["Inactive codes are left out."]


def test_long_lists_are_counted_not_listed(registry):
    from service.web.pages.compose_words import MAX_LISTED, ComposeWords

    concepts = [{"code": f"c{i}"} for i in range(MAX_LISTED + 7)]
    [s] = ComposeWords(registry, Links()).statements({"compose": {"include": [{"system": ANIMALS,
                                                                               "concept": concepts}]}})
    assert len(s.codes) == MAX_LISTED and s.more_codes == 7
    assert s.codes[0].url is None   # c0 is not an animal: no link to a page that would be a 404
