"""service.operations.translate: every coding of a $translate request translated, on an instance or by url."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, params_named
from service import operations as ops
from service import params as P
from service.errors import Invalid, NotFound

CM = "http://example.org/fhir/ConceptMap/animals-to-letters"


def matches(out) -> list[dict]:
    return [{p["name"]: p for p in m["part"]} for m in params_named(out, "match")]


def test_an_instance_is_the_map_used(make_ctx):
    out = ops.translate(make_ctx(), P.translate({"system": [ANIMALS], "code": ["dog"]}), "animals-to-letters")
    [m] = matches(out)
    assert m["originMap"]["valueCanonical"].startswith(CM)
    assert out["parameter"][0] == {"name": "result", "valueBoolean": True}


def test_an_unknown_instance_is_404_and_another_maps_url_is_400(make_ctx):
    with pytest.raises(NotFound, match="ConceptMap/nope"):
        ops.translate(make_ctx(), P.translate({"system": [ANIMALS], "code": ["dog"]}), "nope")
    with pytest.raises(Invalid, match="is not the url of ConceptMap/animals-to-letters"):
        ops.translate(make_ctx(), P.translate({"system": [ANIMALS], "code": ["dog"], "url": ["http://x/other"]}),
                      "animals-to-letters")
    same = ops.translate(make_ctx(), P.translate({"system": [ANIMALS], "code": ["dog"], "url": [CM]}),
                         "animals-to-letters")
    assert len(matches(same)) == 1


def test_every_coding_of_a_codeable_concept_is_translated_into_one_answer(make_ctx):
    cc = {"coding": [{"system": ANIMALS, "code": "dog"}, {"system": ANIMALS, "code": "oak"}]}
    out = ops.translate(make_ctx(), P.translate({"codeableConcept": [cc], "url": [CM]}))
    one = ops.translate(make_ctx(), P.translate({"system": [ANIMALS], "code": ["dog"], "url": [CM]}))
    assert [m["concept"]["valueCoding"] for m in matches(out)] == [m["concept"]["valueCoding"] for m in matches(one)]
