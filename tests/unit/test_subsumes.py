"""service.engine.subsumes: the $subsumes outcome of two codes of one code system, and its errors."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, LETTERS, VERSIONED, param
from service.engine.subsumes import require_same_system, subsumes
from service.errors import Invalid, TerminologyError, Unresolvable


@pytest.mark.parametrize("a,b,outcome", [
    ("animal", "dog", "subsumes"), ("mammal", "dog", "subsumes"), ("dog", "animal", "subsumed-by"),
    ("dog", "dog", "equivalent"), ("dog", "cat", "not-subsumed"), ("dog", "oak", "not-subsumed"),
    ("plant", "fern", "subsumes")])
def test_outcomes_follow_the_hierarchy(make_ctx, a, b, outcome):
    out = subsumes(make_ctx(), ANIMALS, None, a, b)
    assert out == {"resourceType": "Parameters", "parameter": [{"name": "outcome", "valueCode": outcome}]}


def test_codes_of_a_case_insensitive_system_are_found_in_any_case(make_ctx):
    assert param(subsumes(make_ctx(), LETTERS, None, "abc", "ABC"), "outcome") == "equivalent"
    assert param(subsumes(make_ctx(), LETTERS, None, "xyz", "abc"), "outcome") == "not-subsumed"


def test_a_version_chooses_the_code_system(make_ctx):
    assert param(subsumes(make_ctx(), VERSIONED, "1.10.0", "d", "d"), "outcome") == "equivalent"
    with pytest.raises(TerminologyError) as info:   # d is not in 1.0.0
        subsumes(make_ctx(), VERSIONED, "1.0.0", "a", "d")
    assert info.value.expression == "codeB"


def test_an_unknown_code_system_is_unresolvable(make_ctx):
    with pytest.raises(Unresolvable) as info:
        subsumes(make_ctx(), "http://nowhere.org/cs", "2", "a", "b")
    assert info.value.status == 422 and info.value.tx_code == "not-found"
    assert "'http://nowhere.org/cs' version '2'" in info.value.message
    with pytest.raises(Unresolvable) as info:
        subsumes(make_ctx(), "http://nowhere.org/cs", None, "a", "b")
    assert "version" not in info.value.message


@pytest.mark.parametrize("a,b,which", [("unicorn", "dog", "A"), ("dog", "unicorn", "B")])
def test_an_unknown_code_is_a_400_naming_which(make_ctx, a, b, which):
    with pytest.raises(TerminologyError) as info:
        subsumes(make_ctx(), ANIMALS, None, a, b)
    err = info.value
    assert err.status == 400 and err.tx_code == "invalid-code" and err.expression == f"code{which}"
    assert f"Unknown code 'unicorn' (code{which})" in err.message


def test_require_same_system():
    require_same_system(ANIMALS, ANIMALS)
    require_same_system(None, ANIMALS)
    require_same_system(ANIMALS, None)
    with pytest.raises(Invalid) as info:
        require_same_system(ANIMALS, LETTERS)
    assert ANIMALS in info.value.message and LETTERS in info.value.message
