"""service.engine.compact_text: the text filter over a compact code system's word index, with the semantics of
text_index (every term a word prefix of one text of the concept; case- and accent-insensitive)."""
from __future__ import annotations

import pytest

from rf2_fixture import IDS, NAMES, import_fixture
from service.engine.compact_text import search
from service.engine.text_index import fold, terms_of


@pytest.fixture(scope="module")
def cs(tmp_path_factory):
    return import_fixture(tmp_path_factory.mktemp("compact-text"))[0]


def brute_force(cs, text):
    """The concepts (numbers) one of whose texts has a word starting with every term."""
    import re

    terms = terms_of(text)
    out = []
    for i in range(cs.count):
        c = cs.concept_at(i)
        texts = [t for t in [c.display, *(d.get("value") for d in c.designations), c.code] if t]
        for t in texts:
            words = [fold(w) for w in re.findall(r"\w+", t)]
            if all(any(w.startswith(term) for w in words) for term in terms):
                out.append(i)
                break
    return out


def names(cs, found) -> set[str]:
    return {NAMES[cs.code_at(i)] for i in found}


def test_no_text_is_no_filter(cs):
    assert search(cs, None) is None and search(cs, "   ") is None


@pytest.mark.parametrize("text,expected", [
    ("triangle", {"T", "RT", "IT", "RIT"}),
    ("TRI", {"T", "RT", "IT", "RIT"}),                 # a prefix, any case
    ("right iso", {"RIT"}),                            # every term must match
    ("iso right", {"RIT"}),                            # in any order
    ("diamond", {"RHO"}),                              # a synonym
    ("coloured", {"CS"}),                              # the en-GB term
    ("round shape", {"CI"}),
    ("nothing-like-this", set())])
def test_search_finds_the_concepts_whose_texts_match(cs, text, expected):
    found = list(search(cs, text))
    assert found == sorted(found)                      # ascending concept numbers
    assert names(cs, found) == expected


@pytest.mark.parametrize("text", ["shape", "s", "tri", "right iso", "square rect", "polygon many", "oval",
                                  "ellipse oval", "zz", IDS["SQ"][:4]])
def test_search_equals_the_definition(cs, text):
    assert list(search(cs, text)) == brute_force(cs, text)
