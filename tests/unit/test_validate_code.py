"""service.engine.validate_code: results are data (a Parameters dict), never exceptions."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, FRAG, LETTERS, VERSIONED, param, params_named
from service import params as P
from service.engine.validate_code import CodeValidator


def validate(make_ctx, vid, coding, *, kind="Coding", params=None, lang=None):
    ctx = make_ctx(params=params or {}, lang=lang)
    vs = ctx.registry.by_id("ValueSet", vid) if vid else None
    options = P.validate_code(params or {}, on_codesystem=vid is None).options
    return CodeValidator(ctx, vs, options).validate(kind, [coding])


def validate_cc(make_ctx, vid, cc):
    ctx = make_ctx()
    return CodeValidator(ctx, ctx.registry.by_id("ValueSet", vid)).validate("CodeableConcept", cc["coding"], cc)


def issues(out):
    oo = param(out, "issues")
    return oo["issue"] if oo else []


def tx_codes(out):
    return [c["code"] for i in issues(out) for c in i.get("details", {}).get("coding", [])]


def test_good_code_in_value_set(make_ctx):
    out = validate(make_ctx, "pets", {"system": ANIMALS, "code": "dog"})
    assert out["resourceType"] == "Parameters"
    assert param(out, "result") is True
    assert param(out, "display") == "Dog"
    assert param(out, "system") == ANIMALS
    assert param(out, "version") == "1.0.0"
    assert param(out, "code") == "dog"
    assert issues(out) == []


def test_unknown_code(make_ctx):
    out = validate(make_ctx, "animals-all", {"system": ANIMALS, "code": "unicorn"})
    assert param(out, "result") is False
    assert "invalid-code" in tx_codes(out)
    assert "unicorn" in param(out, "message")
    # no code system version is reported for a code that is not in it (the messages name the version)
    assert param(out, "system") == ANIMALS and param(out, "version") is None
    assert "version '1.0.0'" in param(out, "message")


def test_value_set_marks_a_member_deprecated(make_ctx):
    ctx = make_ctx()
    dep = "http://hl7.org/fhir/StructureDefinition/valueset-deprecated"
    vs = {"resourceType": "ValueSet", "url": "http://x/vs", "version": "1", "status": "active",
          "compose": {"include": [{"system": ANIMALS, "concept": [
              {"code": "dog", "extension": [{"url": dep, "valueCode": "true"}]},
              {"code": "cat", "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/"
                                             "structuredefinition-standards-status", "valueCode": "deprecated"}]},
              {"code": "parrot"}]}]}}
    for code, warned in (("dog", True), ("cat", True), ("parrot", False)):
        out = CodeValidator(ctx, vs).validate("Coding", [{"system": ANIMALS, "code": code}])
        assert param(out, "result") is True
        assert ("code-comment" in tx_codes(out)) is warned, code


def test_known_code_not_in_value_set(make_ctx):
    out = validate(make_ctx, "pets", {"system": ANIMALS, "code": "oak"})
    assert param(out, "result") is False
    assert "not-in-vs" in tx_codes(out)
    assert "was not found in the value set" in param(out, "message")


def test_excluded_code_is_not_a_member(make_ctx):
    out = validate(make_ctx, "no-birds", {"system": ANIMALS, "code": "parrot"})
    assert param(out, "result") is False
    assert param(validate(make_ctx, "no-birds", {"system": ANIMALS, "code": "oak"}), "result") is True


def test_membership_through_an_import(make_ctx):
    assert param(validate(make_ctx, "mammals-and-letters", {"system": ANIMALS, "code": "cat"}), "result") is True
    assert param(validate(make_ctx, "mammals-and-letters", {"system": ANIMALS, "code": "bird"}), "result") is False
    assert param(validate(make_ctx, "mammals-and-letters", {"system": LETTERS, "code": "ABC"}), "result") is True


def test_wrong_display_is_an_error(make_ctx):
    out = validate(make_ctx, "pets", {"system": ANIMALS, "code": "dog", "display": "Wolf"})
    assert param(out, "result") is False
    assert "invalid-display" in tx_codes(out)
    assert "Wrong Display Name 'Wolf'" in param(out, "message")


def test_display_from_a_designation_is_accepted(make_ctx):
    out = validate(make_ctx, "pets", {"system": ANIMALS, "code": "dog", "display": "Hund"})
    assert param(out, "result") is True


def test_lenient_display_validation_downgrades_to_warning(make_ctx):
    out = validate(make_ctx, "pets", {"system": ANIMALS, "code": "dog", "display": "Wolf"},
                   params={"lenient-display-validation": [True]})
    assert param(out, "result") is True
    assert [i["severity"] for i in issues(out)] == ["warning"]


def test_inactive_code_is_valid_with_a_warning(make_ctx):
    out = validate(make_ctx, "animals-all", {"system": ANIMALS, "code": "dodo"})
    assert param(out, "result") is True
    assert param(out, "inactive") is True
    assert any(i["severity"] == "warning" and "dodo" in i["details"]["text"] for i in issues(out))


def test_inactive_code_with_active_only_is_invalid(make_ctx):
    out = validate(make_ctx, "animals-all", {"system": ANIMALS, "code": "dodo"}, params={"activeOnly": [True]})
    assert param(out, "result") is False


def test_abstract_code_rejected_when_abstract_false(make_ctx):
    assert param(validate(make_ctx, "animals-all", {"system": ANIMALS, "code": "mammal"}), "result") is True
    out = validate(make_ctx, "animals-all", {"system": ANIMALS, "code": "mammal"}, params={"abstract": [False]})
    assert param(out, "result") is False


def test_case_insensitive_code_system_accepts_other_case_with_information(make_ctx):
    out = validate(make_ctx, "mammals-and-letters", {"system": LETTERS, "code": "abc"})
    assert param(out, "result") is True
    assert param(out, "code") == "abc"                 # echoed as sent
    assert param(out, "normalized-code") == "ABC"      # and in its correct case
    assert [i["severity"] for i in issues(out)] == ["information"]
    assert "anyway" in issues(out)[0]["details"]["text"]
    assert param(out, "message") is None               # an information-only outcome carries no message


def test_unknown_system(make_ctx):
    out = validate(make_ctx, None, {"system": "http://nowhere.org/cs", "code": "x"}, kind="code")
    assert param(out, "result") is False
    assert param(out, "x-caused-by-unknown-system") == "http://nowhere.org/cs"


def test_relative_system_is_invalid(make_ctx):
    out = validate(make_ctx, None, {"system": "animals", "code": "dog"}, kind="code")
    assert param(out, "result") is False
    assert any("absolute" in i["details"]["text"] for i in issues(out))


def test_code_system_validation_without_value_set(make_ctx):
    out = validate(make_ctx, None, {"system": VERSIONED, "code": "d"}, kind="code")
    assert param(out, "result") is True and param(out, "version") == "1.10.0"
    out = validate(make_ctx, None, {"system": VERSIONED, "code": "d", "version": "1.0.0"}, kind="code")
    assert param(out, "result") is False


def test_display_in_requested_language(make_ctx):
    out = validate(make_ctx, "pets", {"system": ANIMALS, "code": "cat"}, lang="de")
    assert param(out, "display") == "Katze"


def test_codeable_concept_valid_if_any_coding_is_valid(make_ctx):
    cc = {"coding": [{"system": ANIMALS, "code": "mammal"}, {"system": ANIMALS, "code": "cat"}]}
    out = validate_cc(make_ctx, "pets", cc)
    assert param(out, "result") is True
    assert param(out, "code") == "cat"
    assert param(out, "codeableConcept") == cc
    # a coding outside the value set is only information once another coding is in it
    assert [(i["severity"], c) for i in issues(out) for c in [i["details"]["coding"][0]["code"]]] == [
        ("information", "this-code-not-in-vs")]
    assert param(out, "message") is None


def test_codeable_concept_with_an_unknown_code_is_invalid_even_if_another_coding_is_in_the_set(make_ctx):
    cc = {"coding": [{"system": ANIMALS, "code": "unicorn"}, {"system": ANIMALS, "code": "cat"}]}
    out = validate_cc(make_ctx, "pets", cc)
    assert param(out, "result") is False
    assert param(out, "code") == "cat"
    assert tx_codes(out) == ["invalid-code", "this-code-not-in-vs"]
    assert "unicorn" in param(out, "message")


def test_codeable_concept_invalid_if_no_coding_is_valid(make_ctx):
    cc = {"coding": [{"system": ANIMALS, "code": "oak"}, {"system": ANIMALS, "code": "unicorn"}]}
    out = validate_cc(make_ctx, "pets", cc)
    assert param(out, "result") is False
    assert "not-in-vs" in tx_codes(out)


def test_result_parameters_have_one_result(make_ctx):
    out = validate(make_ctx, "pets", {"system": ANIMALS, "code": "dog"})
    assert len(params_named(out, "result")) == 1


def test_codesystem_validation_with_active_only_does_not_mention_a_value_set(make_ctx):
    ctx = make_ctx()
    cs = ctx.registry.resolve("CodeSystem", ANIMALS)
    inactive = next((c.code for c in cs.ordered if c.inactive), None)
    assert inactive is not None
    options = P.validate_code({"activeOnly": [True]}, on_codesystem=True).options
    out = CodeValidator(ctx, None, options).validate("Coding", [{"system": ANIMALS, "code": inactive}])
    assert param(out, "result") is False
    assert "not-in-vs" not in tx_codes(out) and "value set" not in (param(out, "message") or "")


# ---- the fragment lenience decides existence, never membership of an enumeration ---------------------
@pytest.mark.parametrize("vid,code,valid", [("whole", "y", True), ("listed", "y", False), ("listed", "z", True),
                                            ("filtered", "y", False), ("whole-minus-z", "z", False)])
def test_validate_unknown_codes_of_a_fragment(fragment_ctx, vid, code, valid):
    vs = fragment_ctx.registry.resolve("ValueSet", f"http://x/vs/{vid}")
    out = CodeValidator(fragment_ctx, vs).validate("Coding", [{"system": FRAG, "code": code}])
    assert param(out, "result") is valid
    assert "invalid-code" in tx_codes(out)          # always: the fragment does not hold the code
    assert ("not-in-vs" in tx_codes(out)) is (not valid)
    if vid == "filtered":
        assert "cannot be evaluated" in str(out)
    assert "'None'" not in str(out)


def test_code_system_validation_keeps_the_fragment_lenience(fragment_ctx):
    out = CodeValidator(fragment_ctx, None).validate("Coding", [{"system": FRAG, "code": "y"}])
    assert param(out, "result") is True and tx_codes(out) == ["invalid-code"]


@pytest.mark.parametrize("vid", [None, "pets"])
def test_a_coding_without_a_code_is_invalid_and_says_so(make_ctx, vid):
    ctx = make_ctx()
    vs = ctx.registry.by_id("ValueSet", vid) if vid else None
    out = CodeValidator(ctx, vs).validate("Coding", [{"system": ANIMALS}])
    assert param(out, "result") is False
    assert "has no code" in param(out, "message") and "'None'" not in str(out) and "#None" not in str(out)
