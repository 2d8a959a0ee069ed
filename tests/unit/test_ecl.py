"""ECL (brief syntax) parsing and evaluation against the hand-made RF2 fixture (tests/fixtures/rf2)."""
from __future__ import annotations

import pytest

from rf2_fixture import IDS, NAMES, import_fixture
from service.engine.ecl import Compound, Sub, evaluate, parse
from service.errors import Invalid, NotSupported

ACTIVE = set(IDS) - {"OS"}


@pytest.fixture(scope="module")
def cs(tmp_path_factory):
    provider, _summary = import_fixture(tmp_path_factory.mktemp("ecl"))
    return provider


def names(cs, text: str) -> set[str]:
    return {NAMES[cs.code_at(i)] for i in evaluate(text, cs).ids}


def ecl(text: str) -> str:
    """Fixture names in an expression ({T}) replaced by their ids."""
    return text.format(**IDS)


@pytest.mark.parametrize("expr, expected", [
    ("{T}", {"T"}),
    ("<< {T}", {"T", "RT", "IT", "RIT"}),
    ("< {T}", {"RT", "IT", "RIT"}),
    ("<! {T}", {"RT", "IT"}),
    ("<<! {T}", {"T", "RT", "IT"}),
    ("> {RIT}", {"RT", "IT", "T", "P", "ROOT"}),
    (">> {RIT}", {"RIT", "RT", "IT", "T", "P", "ROOT"}),
    (">! {RIT}", {"RT", "IT"}),
    (">>! {SQ}", {"SQ", "REC", "RHO"}),
    ("< {Q}", {"REC", "RHO", "SQ"}),
    ("<< {C}", {"C", "CI", "EL"}),
    ("< {CI}", set()),
    ("> {ROOT}", set()),
    ("^ {RS}", {"SQ", "CI", "T"}),
    ("^ (<< {ROOT})", {"SQ", "CI", "T"}),
    ("^ *", {"SQ", "CI", "T"}),
    ("^ (<< {P})", set()),
    ("< ^ {RS}", {"RT", "IT", "RIT"}),
    ("<< {P} AND ^ {RS}", {"SQ", "T"}),
    ("<< {P} , ^ {RS}", {"SQ", "T"}),
    ("<< {T} OR << {C}", {"T", "RT", "IT", "RIT", "C", "CI", "EL"}),
    ("<< {P} MINUS << {Q}", {"P", "T", "RT", "IT", "RIT"}),
    ("(<< {P} MINUS << {Q}) AND < {T}", {"RT", "IT", "RIT"}),
    ("<< {P} AND (<< {RT} OR << {RHO})", {"RT", "RIT", "RHO", "SQ"}),
    ("<< ({RT} OR {RHO})", {"RT", "RIT", "RHO", "SQ"}),
    ("> ({RT} OR {REC})", {"T", "P", "ROOT", "Q"}),
    ("<< {P} MINUS (<< {T} OR << {Q})", {"P"}),
    ("{SQ} |Square| OR {CI}|Circle (synthetic)|", {"SQ", "CI"}),
    ("  << {T} |Triangle|  AND  < {P}  ", {"RT", "IT", "RIT", "T"}),
    ("<< {T} and < {P}", {"RT", "IT", "RIT", "T"}),
    ("<< {T} /* the triangles */ MINUS /* not */ {T}", {"RT", "IT", "RIT"}),
    ("<<{T}MINUS {T}", {"RT", "IT", "RIT"}),
    ("{OS}", {"OS"}),
    ("<< {OS}", {"OS"}),
])
def test_expressions(cs, expr, expected):
    assert names(cs, ecl(expr)) == expected


def test_wildcard_is_every_active_concept(cs):
    assert names(cs, "*") == ACTIVE
    assert names(cs, "<< *") == ACTIVE
    assert names(cs, "< *") == ACTIVE - {"ROOT"}                 # everything that has a parent
    assert names(cs, "> *") == {"ROOT", "P", "T", "RT", "IT", "Q", "REC", "RHO", "C"}   # everything with a child
    assert names(cs, ecl("* MINUS << {P}")) == ACTIVE - {"P", "T", "RT", "IT", "RIT", "Q", "REC", "RHO", "SQ"}


def test_inactive_concept_has_no_hierarchy(cs):
    """The inactive concept's is-a row is inactive: it is outside every hierarchy and outside '*'."""
    assert "OS" not in names(cs, ecl("<< {ROOT}"))
    assert names(cs, ecl("> {OS}")) == set()


def test_stated_and_attribute_relationships_are_not_is_a(cs):
    assert "EL" not in names(cs, ecl("< {P}"))        # only a stated is-a says so
    assert "SQ" not in names(cs, ecl("< {CI}"))       # an attribute relationship, not is-a


def test_unknown_concepts_match_nothing_and_are_reported(cs):
    result = evaluate("<< 1234567897 OR " + IDS["T"], cs)
    assert {NAMES[cs.code_at(i)] for i in result.ids} == {"T"}
    assert result.unknown == ["1234567897"]
    assert evaluate("^ " + IDS["T"], cs).unknown == [IDS["T"]]     # not a refset
    assert evaluate(ecl("^ (<< {P})"), cs).unknown == []           # an expression just selects refsets
    assert not evaluate("^ " + IDS["T"], cs).ids


def test_parse_tree_shape():
    tree = parse("<< 19999999103 AND ^ 39999999107")
    assert isinstance(tree, Compound) and tree.op == "AND" and len(tree.parts) == 2
    assert tree.parts[0] == Sub("<<", False, tree.parts[0].focus) and tree.parts[1].member_of
    nested = parse("  ( 19999999103 )  ")
    assert nested.operator is None and isinstance(nested.focus, Sub) and nested.focus.focus.sctid == "19999999103"


@pytest.mark.parametrize("text, position", [
    ("", 1),
    ("<<", 3),
    ("<< 19999999103 AND", 19),
    ("<< 19999999103 AND << ", 23),
    ("<< 19999999103 ANDX << 19999999103", 19),
    ("<< 19999999103 AND(19999999103)", 19),
    ("(<< 19999999103", 16),
    ("<< 19999999103 )", 16),
    ("<< 123", 4),
    ("<< 0123456789", 4),
    ("<< 19999999103 |unclosed", 16),
    ("<< 19999999103 ||", 17),
    ("<<< 19999999103", 3),
    ("19999999103 19999999103", 13),
    ("<< 19999999103 /* open comment", 16),
    ("hello", 1),
])
def test_syntax_errors_name_the_position(text, position):
    with pytest.raises(Invalid) as err:
        parse(text)
    assert err.value.status == 400
    assert f"at character {position}" in err.value.message, err.value.message


@pytest.mark.parametrize("text, message", [
    ("<< 19999999103 AND << 59999999104 OR 69999999101", "AND and OR cannot be combined"),
    ("<< 19999999103 OR << 59999999104 AND 69999999101", "OR and AND cannot be combined"),
    ("<< 19999999103 MINUS 59999999104 MINUS 69999999101", "MINUS takes exactly two operands"),
])
def test_grammar_rules_on_mixing_operators(text, message):
    with pytest.raises(Invalid) as err:
        parse(text)
    assert message in err.value.message


@pytest.mark.parametrize("text, feature", [
    ("<< 19999999103 : 49999999102 = 159999999105", "refinement"),
    ("<< 19999999103 . 49999999102", "dotted attribute"),
    ("<< 19999999103 {{ term = \"x\" }}", "filter"),
    ("!!> 19999999103", "operator"),
    ("^ [referencedComponentId] 39999999107", "field selection"),
    ("LOINC#1234-5", "alternate identifier"),
])
def test_unsupported_features_are_not_supported_errors(text, feature):
    with pytest.raises(NotSupported) as err:
        parse(text)
    assert feature in err.value.message and "at character" in err.value.message
    assert err.value.status == 422


def test_non_string_is_invalid():
    with pytest.raises(Invalid):
        parse(None)


def test_strict_descendants_never_include_the_concept_on_a_synthetic_release(tmp_path):
    """In pre-order numbering a concept's merged descendant intervals can start before it (a descendant
    reached first through another parent): '<' must still leave the concept itself out."""
    from bench.synth_rf2 import generate
    from service.engine.compact import CompactCodeSystem
    from service.importers import snomed
    generate(tmp_path / "rf2", 3000, seed=11)
    path, _ = snomed.write(tmp_path / "rf2", tmp_path / "out", progress=False)
    cs = CompactCodeSystem(path)
    inside = [i for i in range(cs.count) if cs.reach(i).first() < i]
    assert inside, "the release should have a concept whose descendants start before it"
    for i in inside[:50]:
        code = cs.code_at(i)
        strict = evaluate(f"< {code}", cs).ids
        assert i not in strict and set(strict) == set(cs.reach(i)) - {i}
        assert set(evaluate(f"<< {code}", cs).ids) == set(cs.reach(i))
