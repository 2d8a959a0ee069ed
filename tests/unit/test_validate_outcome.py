"""service.engine.validate_outcome: issue paths per input shape, the not-in-vs issue, the Parameters answer of one
coding (result), its message, and the answer for a CodeableConcept (cc_result)."""
from __future__ import annotations

import pytest

from helpers import param
from service.engine import validate_outcome as V
from service.engine.validate_outcome import Outcome, Paths
from service.errors import TX_ISSUE_SYSTEM, issue

SYS = "http://example.org/fhir/CodeSystem/animals"
VS = "http://example.org/fhir/ValueSet/pets|1.0.0"


def names(params: dict) -> list[str]:
    return [p["name"] for p in params["parameter"]]


@pytest.mark.parametrize("kind,index,code,display,coding", [
    ("code", 0, "code", "display", ""),
    ("Coding", 0, "Coding.code", "Coding.display", "Coding"),
    ("CodeableConcept", 2, "CodeableConcept.coding[2].code", "CodeableConcept.coding[2].display",
     "CodeableConcept.coding[2]")])
def test_paths_point_into_the_input_shape(kind, index, code, display, coding):
    p = Paths(kind, index)
    assert (p.code, p.display, p.coding, p.kind) == (code, display, coding, kind)
    assert p.system == code.replace("code", "system") and p.version == code.replace("code", "version")


def test_not_in_vs_names_the_coding_and_the_value_set():
    i = V.not_in_vs(VS, SYS, "1.0.0", "oak", "Oak", Paths("Coding"))
    assert i["severity"] == "error" and i["code"] == "code-invalid"
    assert i["details"]["coding"] == [{"system": TX_ISSUE_SYSTEM, "code": "not-in-vs"}]
    assert i["details"]["text"] == f"The provided code '{SYS}|1.0.0#oak ('Oak')' was not found in the value set '{VS}'"
    assert i["expression"] == ["Coding.code"]
    assert V.message_id(i) == "None_of_the_provided_codes_are_in_the_value_set_one"
    bare = V.not_in_vs(VS, None, None, "oak", None, Paths("code"))
    assert "'#oak'" in bare["details"]["text"]


def found(code="dog", display="Dog", version="1.0.0") -> Outcome:
    o = Outcome()
    o.valid = o.found = True
    o.system, o.version, o.code, o.display = SYS, version, code, display
    return o


def test_a_valid_result_in_order():
    out = V.result(found(), [])
    assert names(out) == ["code", "display", "result", "system", "version"]
    assert param(out, "result") is True and param(out, "version") == "1.0.0"
    assert param(out, "message") is None and param(out, "issues") is None


def test_the_version_is_given_only_for_a_code_found_or_accepted():
    o = found()
    o.valid = o.found = False
    assert "version" not in names(V.result(o, []))
    o.found = True
    assert "version" in names(V.result(o, []))


def test_flags_status_normalized_code_and_issues_are_reported():
    o = found(code="Xyz")
    o.inactive, o.status, o.normalized = True, "retired", "XYZ"
    warn = issue("warning", "business-rule", "Retired concept")
    out = V.result(o, [warn])
    assert names(out) == ["code", "display", "inactive", "status", "issues", "normalized-code", "message", "result",
                          "system", "version"]
    assert param(out, "issues") == {"resourceType": "OperationOutcome", "issue": [warn]}
    assert param(out, "message") == "Retired concept"
    o.status = "active"                                  # not one of the statuses worth reporting
    assert "status" not in names(V.result(o, []))


def test_the_result_can_be_overridden_and_a_codeable_concept_comes_first():
    cc = {"coding": [{"system": SYS, "code": "dog"}]}
    out = V.result(found(), [], cc, valid=False)
    assert out["parameter"][0] == {"name": "codeableConcept", "valueCodeableConcept": cc}
    assert param(out, "result") is False


def test_an_unknown_system_is_named_by_whether_the_value_set_uses_it():
    o = Outcome()
    o.unknown_system = "http://nowhere.org/cs"
    assert param(V.result(o, []), "x-caused-by-unknown-system") == "http://nowhere.org/cs"
    o.unknown_in_vs = False
    out = V.result(o, [])
    assert param(out, "x-unknown-system") == "http://nowhere.org/cs" and "x-caused-by-unknown-system" not in names(out)


def test_the_message_says_errors_and_warnings_once_each():
    e = issue("error", "code-invalid", "Unknown code")
    w = issue("warning", "business-rule", "Inactive")
    info = issue("information", "business-rule", "Just so you know")
    assert V.message([e, w, e, info]) == "Unknown code; Inactive"
    assert V.message([info]) == "Just so you know"          # information only when nothing worse
    assert V.message([]) is None


def test_the_message_leaves_out_what_has_its_own_parameter():
    case = issue("information", "business-rule", "differs by case", message_id="CODE_CASE_DIFFERENCE")
    draft = issue("information", "business-rule", "Reference to draft", message_id="MSG_DRAFT")
    softened = V.soften_not_in_vs([V.not_in_vs(VS, SYS, None, "oak", None, Paths("code"))])[0]
    assert V.message([case, draft, softened]) is None
    mismatch = issue("warning", "invalid", "versionless include differs", message_id="VALUESET_VALUE_MISMATCH_DEFAULT")
    assert V.message([mismatch, issue("error", "invalid", "real")]) == "real"


def test_softening_not_in_vs_makes_information_and_leaves_the_input_alone():
    original = V.not_in_vs(VS, SYS, None, "oak", None, Paths("code"))
    other = issue("error", "code-invalid", "Unknown code", tx_code="invalid-code")
    soft, kept = V.soften_not_in_vs([original, other])
    assert soft["severity"] == "information" and V.tx_code(soft) == "this-code-not-in-vs"
    assert soft["details"]["text"] == original["details"]["text"]
    assert original["severity"] == "error" and V.tx_code(original) == "not-in-vs"
    assert kept is other


def not_member(code: str) -> Outcome:
    o = found(code=code, display=None)
    o.valid = False
    o.issues = [V.not_in_vs(VS, SYS, None, code, None, Paths("CodeableConcept", 1))]
    return o


def test_a_codeable_concept_is_valid_when_one_coding_is():
    good, outside = found(), not_member("oak")
    out = V.cc_result([outside, good], {"coding": []}, VS)
    assert param(out, "result") is True and param(out, "code") == "dog"
    severities = {V.tx_code(i): i["severity"] for i in param(out, "issues")["issue"]}
    assert severities == {"this-code-not-in-vs": "information"}


def test_another_codings_real_error_still_makes_it_invalid():
    good, unknown = found(), not_member("unicorn")
    unknown.issues.append(issue("error", "code-invalid", "Unknown code 'unicorn'", tx_code="invalid-code"))
    out = V.cc_result([good, unknown], {"coding": []}, VS)
    assert param(out, "result") is False
    assert "Unknown code 'unicorn'" in param(out, "message")


def test_no_coding_in_the_value_set_adds_the_general_error():
    out = V.cc_result([not_member("oak"), not_member("fern")], {"coding": []}, VS)
    assert param(out, "result") is False
    first = param(out, "issues")["issue"][0]
    assert V.message_id(first) == "TX_GENERAL_CC_ERROR_MESSAGE" and V.tx_code(first) == "not-in-vs"
    assert first["details"]["text"] == f"No valid coding was found for the value set '{VS}'"
    # without a value set (CodeSystem $validate-code) there is no such issue
    out = V.cc_result([not_member("oak")], {"coding": []}, None)
    assert all(V.message_id(i) != "TX_GENERAL_CC_ERROR_MESSAGE" for i in param(out, "issues")["issue"])


def test_an_invalid_codeable_concept_reports_the_unknown_system():
    o = Outcome()
    o.unknown_system, o.unknown_in_vs = "http://nowhere.org/cs", False
    o.issues = [issue("error", "not-found", "no such system", tx_code="not-found")]
    out = V.cc_result([o], {"coding": []}, VS)
    assert param(out, "x-unknown-system") == "http://nowhere.org/cs" and param(out, "result") is False
