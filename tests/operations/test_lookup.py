"""service.operations.lookup: which code $lookup and $subsumes are asked about (code + system, a coding, an
instance) and the errors of incomplete or conflicting inputs."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, LETTERS, param
from service import operations as ops
from service import params as P
from service.errors import Invalid, NotFound


def test_lookup_by_code_coding_or_instance(make_ctx):
    assert param(ops.lookup(make_ctx(), P.lookup({"system": [ANIMALS], "code": ["dog"]})), "display") == "Dog"
    coding = {"system": ANIMALS, "code": "cat", "version": "1.0.0"}
    assert param(ops.lookup(make_ctx(), P.lookup({"coding": [coding]})), "display") == "Cat"
    out = ops.lookup(make_ctx(), P.lookup({"code": ["parrot"], "system": [LETTERS]}), "animals")
    assert param(out, "display") == "Colorful parrot"          # the instance decides the system


@pytest.mark.parametrize("typed", [{"code": ["dog"]}, {"system": [ANIMALS]}, {"coding": [{"system": ANIMALS}]}])
def test_lookup_needs_a_code_and_a_system(make_ctx, typed):
    with pytest.raises(Invalid, match=r"\$lookup needs a code and a system"):
        ops.lookup(make_ctx(), P.lookup(typed))


def test_lookup_and_subsumes_on_an_unknown_instance_are_404(make_ctx):
    with pytest.raises(NotFound) as info:
        ops.lookup(make_ctx(), P.lookup({"code": ["dog"]}), "nope")
    assert info.value.status == 404 and "CodeSystem/nope" in info.value.message
    with pytest.raises(NotFound):
        ops.subsumes(make_ctx(), P.subsumes({"codeA": ["dog"], "codeB": ["cat"]}), "nope")


def test_subsumes_by_codes_codings_or_instance(make_ctx):
    def outcome(typed, rid=None):
        return param(ops.subsumes(make_ctx(), P.subsumes(typed), rid), "outcome")
    assert outcome({"system": [ANIMALS], "codeA": ["mammal"], "codeB": ["dog"]}) == "subsumes"
    assert outcome({"codingA": [{"system": ANIMALS, "code": "dog"}], "codingB": [{"code": "mammal"}]}) == \
        "subsumed-by"
    assert outcome({"codeA": ["plant"], "codeB": ["oak"]}, "animals") == "subsumes"


@pytest.mark.parametrize("typed,text", [
    ({"codingA": [{"system": ANIMALS, "code": "dog"}], "codingB": [{"system": LETTERS, "code": "ABC"}]},
     "different systems"),
    ({"codingA": [{"system": ANIMALS, "code": "dog", "version": "1.0.0"}],
      "codingB": [{"system": ANIMALS, "code": "cat", "version": "2.0.0"}]}, "different versions"),
    ({"system": [ANIMALS], "codeA": ["dog"]}, "needs codeA and codeB"),
    ({"codeA": ["dog"], "codeB": ["cat"]}, "needs codeA and codeB")])
def test_subsumes_input_errors_are_400(make_ctx, typed, text):
    with pytest.raises(Invalid) as info:
        ops.subsumes(make_ctx(), P.subsumes(typed))
    assert info.value.status == 400 and text in info.value.message
