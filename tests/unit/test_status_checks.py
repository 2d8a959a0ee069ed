"""service.engine.status_checks: warnings for draft / experimental / deprecated / withdrawn resources."""
from __future__ import annotations

from helpers import ANIMALS, param
from service.engine import status_checks
from service.engine.validate_code import CodeValidator

EXT = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"


def test_flags():
    assert status_checks.flags({"status": "active"}) == []
    assert status_checks.flags({"status": "draft", "experimental": True}) == ["draft", "experimental"]
    assert status_checks.flags({"status": "active", "extension": [{"url": EXT, "valueCode": "withdrawn"}]}) \
        == ["withdrawn"]


def test_expansion_parameters_name_the_resource_once():
    vs = {"resourceType": "ValueSet", "url": "http://x/vs", "version": "1", "status": "draft", "experimental": True}
    assert status_checks.expansion_parameters([vs, vs]) == [
        {"name": "warning-draft", "valueUri": "http://x/vs|1"},
        {"name": "warning-experimental", "valueUri": "http://x/vs|1"}]


def test_validate_code_against_a_draft_value_set_is_valid_with_information(make_ctx):
    ctx = make_ctx()
    vs = {"resourceType": "ValueSet", "url": "http://x/vs", "status": "draft",
          "compose": {"include": [{"system": ANIMALS}]}}
    out = CodeValidator(ctx, vs).validate("Coding", [{"system": ANIMALS, "code": "dog"}])
    assert param(out, "result") is True
    issues = param(out, "issues")["issue"]
    assert [(i["severity"], i["details"]["coding"][0]["code"]) for i in issues] == [("information", "status-check")]
    assert issues[0]["details"]["text"] == "Reference to draft ValueSet http://x/vs"
    assert param(out, "message") is None
