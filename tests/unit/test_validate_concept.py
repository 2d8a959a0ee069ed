"""service.engine.validate_concept: the $validate-code steps once the code system is known -- unknown codes (and
a fragment's lenience), membership, case and activity, status issues, display, the value set's own displays and
deprecations."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from helpers import ANIMALS, FRAG, LETTERS
from service.engine import validate_concept as steps
from service.engine.status_checks import STANDARDS_STATUS
from service.engine.validate_code import CodeValidator
from service.engine.validate_outcome import Outcome, Paths, message_id, tx_code
from service.errors import Unresolvable

VS_DEPRECATED = "http://hl7.org/fhir/StructureDefinition/valueset-deprecated"


def vs_listing(*concepts, system=ANIMALS, language=None):
    vs = {"resourceType": "ValueSet", "url": "http://x/vs/listing", "status": "active",
          "compose": {"include": [{"system": system, "concept": list(concepts)}]}}
    if language:
        vs["language"] = language
    return vs


def concept(code="dog", **kw):
    base = {"code": code, "inactive": False, "deprecated": False, "abstract": False, "status": None}
    return SimpleNamespace(**{**base, **kw})


def validator(vs=None, *, abstract_ok=True, active_only=False):
    return SimpleNamespace(vs=vs, vs_canon="http://x/vs/listing", abstract_ok=abstract_ok, active_only=active_only)


# ---- the value set's own say ---------------------------------------------------------------------------------
@pytest.mark.parametrize("ext,deprecated", [
    ({"url": VS_DEPRECATED, "valueBoolean": True}, True),
    ({"url": VS_DEPRECATED, "valueCode": "true"}, True),
    ({"url": VS_DEPRECATED, "valueBoolean": False}, False),
    ({"url": STANDARDS_STATUS, "valueCode": "deprecated"}, True),
    ({"url": STANDARDS_STATUS, "valueCode": "withdrawn"}, True),
    ({"url": STANDARDS_STATUS, "valueCode": "trial-use"}, False),
    ({"url": "http://example.org/other", "valueBoolean": True}, False)])
def test_deprecated_in_vs(ext, deprecated):
    vs = vs_listing({"code": "dog", "extension": [ext]}, {"code": "cat"})
    assert steps.deprecated_in_vs(vs, ANIMALS, "dog") is deprecated
    assert steps.deprecated_in_vs(vs, ANIMALS, "cat") is False
    assert steps.deprecated_in_vs(vs, LETTERS, "dog") is False      # another system's include


def test_valueset_displays_are_the_compose_displays_with_the_value_sets_language():
    vs = vs_listing({"code": "dog", "display": "Doggy", "designation": [{"language": "de", "value": "Hundi"}]},
                    {"code": "cat"}, language="en-GB")
    assert steps.valueset_displays(vs, ANIMALS, "dog") == [{"language": "en-GB", "value": "Doggy"},
                                                           {"language": "de", "value": "Hundi"}]
    assert steps.valueset_displays(vs_listing({"code": "dog", "display": "Doggy"}), ANIMALS, "dog") == [
        {"value": "Doggy"}]
    assert steps.valueset_displays(vs, ANIMALS, "cat") == []
    assert steps.valueset_displays(vs, LETTERS, "dog") == []
    assert steps.valueset_displays(None, ANIMALS, "dog") == []


# ---- status ----------------------------------------------------------------------------------------------------
def run_status(c, v=None, in_vs=True, system=ANIMALS):
    o = Outcome()
    steps.status(v or validator(), system, c, in_vs, Paths("Coding"), o)
    return o.issues


def test_an_inactive_concept_is_a_warning_naming_its_status():
    [i] = run_status(concept(inactive=True))
    assert i["severity"] == "warning" and message_id(i) == "INACTIVE_CONCEPT_FOUND" and tx_code(i) == "code-comment"
    assert i["details"]["text"] == "The concept 'dog' has a status of inactive and its use should be reviewed"
    assert i["expression"] == ["Coding"]
    [i] = run_status(concept(inactive=True, status="retired"))
    assert "has a status of retired and inactive" in i["details"]["text"]


def test_a_deprecated_concept_is_a_warning():
    [i] = run_status(concept(deprecated=True))
    assert message_id(i) == "DEPRECATED_CONCEPT_FOUND" and i["severity"] == "warning"


def test_an_abstract_concept_is_an_error_only_where_abstract_codes_are_not_allowed():
    assert run_status(concept(abstract=True)) == []
    [i] = run_status(concept(abstract=True), validator(abstract_ok=False))
    assert i["severity"] == "error" and message_id(i) == "ABSTRACT_CODE_NOT_ALLOWED"
    assert i["details"]["text"] == "Code 'dog' is abstract, and not allowed in this context"


def test_a_member_the_value_set_marks_deprecated_is_a_warning():
    vs = vs_listing({"code": "dog", "extension": [{"url": VS_DEPRECATED, "valueBoolean": True}]})
    [i] = run_status(concept(), validator(vs))
    assert message_id(i) == "CONCEPT_DEPRECATED_IN_VALUESET" and "http://x/vs/listing" in i["details"]["text"]
    assert run_status(concept(), validator(vs), in_vs=False) == []   # not a member: nothing to say about it
    assert run_status(concept()) == []


# ---- case and activity ------------------------------------------------------------------------------------------
def test_a_case_difference_is_information(registry):
    cs = registry.resolve("CodeSystem", LETTERS)
    o = Outcome()
    assert steps.case_and_activity(validator(), cs, concept("Xyz"), "xyz", True, Paths("code"), o) is True
    [i] = o.issues
    assert i["severity"] == "information" and message_id(i) == "CODE_CASE_DIFFERENCE"
    assert "'xyz' differs from the correct code 'Xyz' by case" in i["details"]["text"]


@pytest.mark.parametrize("active_only,in_vs,compose_inactive,member,error", [
    (False, True, None, True, False),      # an inactive member is still a member
    (True, True, None, False, True),       # activeOnly: no longer
    (True, False, None, False, False),     # not a member anyway: nothing more to say
    (False, True, False, False, True)])    # the value set says compose.inactive = false
def test_an_inactive_concept_where_only_active_ones_count(registry, active_only, in_vs, compose_inactive, member,
                                                          error):
    vs = vs_listing({"code": "dodo"})
    if compose_inactive is not None:
        vs["compose"]["inactive"] = compose_inactive
    cs = registry.resolve("CodeSystem", ANIMALS)
    o = Outcome()
    got = steps.case_and_activity(validator(vs, active_only=active_only), cs, concept("dodo", inactive=True), "dodo",
                                  in_vs, Paths("code"), o)
    assert got is member
    assert [message_id(i) for i in o.issues] == (["STATUS_CODE_WARNING_CODE"] if error else [])


# ---- membership ----------------------------------------------------------------------------------------------------
def test_membership_without_a_value_set_is_true(registry):
    assert steps.membership(validator(), registry.resolve("CodeSystem", ANIMALS), ANIMALS, concept(), Outcome())


def test_a_missing_import_makes_the_outcome_final(registry):
    def contains(*_a, **_kw):
        raise Unresolvable("A definition for the value Set 'http://x/missing' could not be found",
                           message_id="Unable_to_resolve_value_Set_")
    v = validator(vs_listing({"code": "dog"}))
    v.membership = SimpleNamespace(contains=contains)
    v.cs_for = lambda cs: None
    o = Outcome()
    assert steps.membership(v, registry.resolve("CodeSystem", ANIMALS), ANIMALS, concept(), o) is None
    [i] = o.issues
    assert o.valid is False and i["code"] == "not-found" and "http://x/missing" in i["details"]["text"]
    assert message_id(i) == "Unable_to_resolve_value_Set_"


# ---- unknown codes -------------------------------------------------------------------------------------------------
def test_an_unknown_code_is_an_error_and_not_in_the_value_set(make_ctx):
    ctx = make_ctx()
    cs = ctx.registry.resolve("CodeSystem", ANIMALS)
    o = Outcome()
    steps.unknown_code(CodeValidator(ctx, ctx.registry.by_id("ValueSet", "pets")), cs, ANIMALS, None, "unicorn",
                       None, Paths("code"), o)
    assert [message_id(i) for i in o.issues] == ["Unknown_Code_in_Version",
                                                 "None_of_the_provided_codes_are_in_the_value_set_one"]
    assert o.issues[0]["details"]["text"] == f"Unknown code 'unicorn' in the CodeSystem '{ANIMALS}' version '1.0.0'"
    assert o.valid is False
    o = Outcome()
    steps.unknown_code(CodeValidator(ctx, None), cs, ANIMALS, None, "unicorn", None, Paths("code"), o)
    assert [message_id(i) for i in o.issues] == ["Unknown_Code_in_Version"]


@pytest.mark.parametrize("vid,valid,extra", [
    (None, True, []),                                                    # existence only: a warning
    ("http://x/vs/whole", True, []),                                     # the whole system: a member
    ("http://x/vs/listed", True, []),                                    # listed by the value set
    ("http://x/vs/filtered", False, ["UNABLE_TO_CHECK_IF_THE_PROVIDED_CODES_ARE_IN_THE_VALUE_SET",
                                     "None_of_the_provided_codes_are_in_the_value_set_one"])])
def test_a_code_a_fragment_does_not_hold(fragment_ctx, vid, valid, extra):
    cs = fragment_ctx.registry.resolve("CodeSystem", FRAG)
    vs = fragment_ctx.registry.resolve("ValueSet", vid) if vid else None
    o = Outcome()
    steps.unknown_code(CodeValidator(fragment_ctx, vs), cs, FRAG, None, "z", None, Paths("code"), o)
    assert [message_id(i) for i in o.issues] == ["UNKNOWN_CODE_IN_FRAGMENT", *extra]
    assert o.issues[0]["severity"] == "warning" and "labeled as a fragment" in o.issues[0]["details"]["text"]
    assert o.valid is valid
