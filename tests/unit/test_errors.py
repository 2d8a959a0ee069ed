"""service.errors: the TerminologyError tree (status, issue code, tx-issue-type), issue dicts, OperationOutcomes and
how values are shown in messages."""
from __future__ import annotations

import pytest

from service import errors as E


@pytest.mark.parametrize("cls,status,code,tx", [
    (E.TerminologyError, 400, "invalid", None), (E.Invalid, 400, "invalid", "invalid-data"),
    (E.NotFound, 404, "not-found", "not-found"), (E.Unresolvable, 422, "not-found", "not-found"),
    (E.NotSupported, 422, "not-supported", "not-supported"), (E.TooCostly, 422, "too-costly", None),
    (E.Processing, 422, "processing", None)])
def test_each_error_has_its_status_issue_code_and_issue_type(cls, status, code, tx):
    err = cls("m")
    assert (err.status, err.issue_code, err.tx_code, err.message) == (status, code, tx, "m")
    assert isinstance(err, E.TerminologyError) and str(err) == "m"


def test_fields_can_be_given_per_error_and_tx_code_can_be_cleared():
    err = E.Invalid("m", status=415, issue_code="not-supported", tx_code=None, message_id="X", expression="code")
    assert (err.status, err.issue_code, err.tx_code, err.message_id, err.expression) == (415, "not-supported", None,
                                                                                        "X", "code")
    assert E.Invalid("m").tx_code == "invalid-data"          # not given: the class's own
    assert E.Invalid.status == 400                           # the class is not changed by an instance


def test_an_issue_has_only_what_was_given():
    assert E.issue("warning", "business-rule", "text") == {"severity": "warning", "code": "business-rule",
                                                          "details": {"text": "text"}}
    full = E.issue("error", "invalid", "t", tx_code="invalid-data", message_id="MID", expression="Coding.code")
    assert full == {"extension": [{"url": E.MESSAGE_ID_EXT, "valueString": "MID"}], "severity": "error",
                    "code": "invalid",
                    "details": {"coding": [{"system": E.TX_ISSUE_SYSTEM, "code": "invalid-data"}], "text": "t"},
                    "expression": ["Coding.code"]}
    assert "location" not in full


def test_an_error_becomes_one_error_issue():
    oo = E.to_operation_outcome(E.Unresolvable("gone", message_id="M", expression="url"))
    assert oo == {"resourceType": "OperationOutcome", "issue": [E.issue("error", "not-found", "gone",
                                                                        tx_code="not-found", message_id="M",
                                                                        expression="url")]}


@pytest.mark.parametrize("value,text", [("abc", "'abc'"), (None, "null"), (True, "true"), (5, "5"),
                                        (["a", 1], '["a", 1]'), ({"k": "é"}, '{"k": "é"}')])
def test_values_are_shown_as_json_or_quoted_strings(value, text):
    assert E.shown(value) == text


def test_long_values_are_cut_and_odd_ones_still_shown():
    assert E.shown("x" * 200) == "'" + "x" * 116 + "..."
    assert len(E.shown(list(range(100)), limit=20)) == 20
    assert E.shown(object()).startswith('"<object object')
    assert E.shown({1, 2}).startswith('"{')                     # not JSON: shown by its str
