"""service.operations.validate: which codings $validate-code checks (code, Coding, CodeableConcept), on a code
system or a value set, and $batch-validate-code answering each validation on its own."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, param, vs_url
from service import operations as ops
from service import params as P
from service.errors import Invalid, NotFound
from service.operations.validate import _codings

CFG = {"MAX_EXPANSION": 1000, "DEADLINE_SECONDS": 10.0}


def request(typed, on_codesystem=False):
    return P.validate_code(typed, on_codesystem=on_codesystem)


def test_a_codeable_concept_is_checked_coding_by_coding():
    cc = {"coding": [{"system": ANIMALS, "code": "dog"}, "junk", {"system": ANIMALS, "code": "cat"}]}
    kind, codings, got = _codings(request({"codeableConcept": [cc]}), None, False)
    assert kind == "CodeableConcept" and got is cc
    assert codings == [{"system": ANIMALS, "code": "dog"}, {"system": ANIMALS, "code": "cat"}]
    with pytest.raises(Invalid, match="no codings"):
        _codings(request({"codeableConcept": [{"text": "a dog"}]}), None, False)


def test_a_coding_is_checked_as_given():
    coding = {"system": ANIMALS, "code": "dog", "display": "Dog"}
    assert _codings(request({"coding": [coding]}), None, False) == ("Coding", [coding], None)


def test_a_code_becomes_a_coding_with_system_version_and_display():
    req = request({"url": [ANIMALS], "code": ["dog"], "version": ["1.0.0"], "display": ["Dog"]}, on_codesystem=True)
    assert _codings(req, ANIMALS, True) == ("code", [{"code": "dog", "system": ANIMALS, "version": "1.0.0",
                                                      "display": "Dog"}], None)
    assert _codings(request({"code": ["dog"]}), None, False) == ("code", [{"code": "dog"}], None)


def test_a_code_needs_a_system_on_a_code_system_and_something_to_check_everywhere():
    with pytest.raises(Invalid, match="No system given"):
        _codings(request({"code": ["dog"]}, on_codesystem=True), None, True)
    with pytest.raises(Invalid, match="Unable to find code to validate") as info:
        _codings(request({"url": [vs_url("pets")]}), None, False)
    assert info.value.tx_code is None


def test_on_a_code_system_instance_the_instance_is_the_system(make_ctx):
    out = ops.validate_code(make_ctx(), request({"code": ["dog"]}, on_codesystem=True), on_codesystem=True,
                            instance_id="animals")
    assert param(out, "result") is True and param(out, "system") == ANIMALS
    with pytest.raises(NotFound, match="CodeSystem/nope"):
        ops.validate_code(make_ctx(), request({"code": ["dog"]}, on_codesystem=True), on_codesystem=True,
                          instance_id="nope")


def test_a_value_sets_language_chooses_the_display_when_the_request_names_none(registry):
    vs = {"resourceType": "ValueSet", "url": "http://x/vs/de", "language": "de", "status": "active",
          "compose": {"include": [{"system": ANIMALS, "concept": [{"code": "dog"}]}]}}
    typed = {"valueSet": [vs], "system": [ANIMALS], "code": ["dog"]}
    req = request(typed)
    out = ops.validate_code(ops.make_context(registry, req, None, CFG), req, on_codesystem=False)
    assert param(out, "display") == "Hund"
    out = ops.validate_code(ops.make_context(registry, req, "en", CFG), req, on_codesystem=False)
    assert param(out, "display") == "Dog"


def test_a_batch_answers_every_validation_and_an_error_in_its_own_slot(registry):
    typed = {"validation": [{"url": vs_url("pets"), "system": ANIMALS, "code": "dog"},
                            {"url": "http://nowhere.org/vs", "system": ANIMALS, "code": "dog"},
                            {"url": vs_url("pets"), "system": ANIMALS, "code": "oak"}]}
    batch = P.batch_validate(typed)
    out = ops.batch_validate(batch, lambda sub: ops.make_context(registry, sub, None, CFG))
    results = [p["resource"] for p in out["parameter"]]
    assert [p["name"] for p in out["parameter"]] == ["validation"] * 3
    assert param(results[0], "result") is True and param(results[2], "result") is False
    assert results[1]["resourceType"] == "OperationOutcome"
    assert "http://nowhere.org/vs" in results[1]["issue"][0]["details"]["text"]
