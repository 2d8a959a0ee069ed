"""service.engine.compact_concept: concept views over a compact file, and the concepts / ordered views."""
from __future__ import annotations

import pytest

from rf2_fixture import IDS, import_fixture


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    return import_fixture(tmp_path_factory.mktemp("shapes"))[0]


def test_a_view_has_the_concept_attributes(shapes):
    sq = shapes.concept(IDS["SQ"])
    assert (sq.code, sq.display, sq.inactive, sq.abstract, sq.order) == (IDS["SQ"], "Square", False, False,
                                                                          shapes.index_of(IDS["SQ"]))
    assert sorted(sq.parents) == sorted([IDS["REC"], IDS["RHO"]]) and sq.children == []
    assert sq.property_values("moduleId") == [IDS["MOD"]] and sq.extensions == () and sq.ext_props == ()
    assert any(d.get("use", {}).get("code") == "900000000000003001" for d in sq.designations)
    assert shapes.concept(IDS["OS"]).inactive is True
    assert shapes.concept(IDS["SQ"]) is not sq and shapes.concept(IDS["SQ"]).code == sq.code   # made on access


def test_concepts_and_ordered_views(shapes):
    assert IDS["SQ"] in shapes.concepts and "nope" not in shapes.concepts and len(shapes.concepts) == 18
    with pytest.raises(KeyError):
        shapes.concepts["nope"]
    assert shapes.ordered[-1].code == IDS["OS"] and [c.order for c in shapes.ordered[1:3]] == [1, 2]
    with pytest.raises(IndexError):
        shapes.ordered[18]
    assert list(shapes.concepts)[0] == shapes.ordered[0].code
