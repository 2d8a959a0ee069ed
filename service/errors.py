"""The exception tree of the service and its single rendering as OperationOutcome.

Validation results are data (see validate_code); exceptions are only for bad
requests, missing resources, unsupported features and too-costly work.
"""
from __future__ import annotations

TX_ISSUE_SYSTEM = "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type"
MESSAGE_ID_EXT = "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id"


_UNSET = object()


def shown(value, limit: int = 120) -> str:
    """A value as a message shows it to a user: strings quoted, everything else as JSON (null, true, [..]),
    never as a Python repr; long values are cut."""
    if isinstance(value, str):
        text = f"'{value}'"
    else:
        import json
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = str(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


class TerminologyError(Exception):
    """Base error: carries the HTTP status and the OperationOutcome issue fields."""

    status = 400
    issue_code = "invalid"
    tx_code: str | None = None

    def __init__(self, message: str, *, status: int | None = None, issue_code: str | None = None,
                 tx_code=_UNSET, message_id: str | None = None,
                 expression: str | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if issue_code is not None:
            self.issue_code = issue_code
        if tx_code is not _UNSET:
            self.tx_code = tx_code
        self.message_id = message_id
        self.expression = expression


class Invalid(TerminologyError):
    status = 400
    issue_code = "invalid"
    tx_code = "invalid-data"


class NotFound(TerminologyError):
    """An unknown resource id (404) or an unresolvable canonical (422 by default)."""

    status = 404
    issue_code = "not-found"
    tx_code = "not-found"


class Unresolvable(NotFound):
    status = 422


class NotSupported(TerminologyError):
    status = 422
    issue_code = "not-supported"
    tx_code = "not-supported"


class TooCostly(TerminologyError):
    status = 422
    issue_code = "too-costly"
    tx_code = None


class Processing(TerminologyError):
    """A problem in the content the request refers to (e.g. a broken filter)."""

    status = 422
    issue_code = "processing"
    tx_code = None


def issue(severity: str, code: str, text: str, *, tx_code: str | None = None,
          message_id: str | None = None, expression: str | None = None) -> dict:
    """One OperationOutcome.issue as a dict (the shape used everywhere)."""
    out: dict = {}
    if message_id:
        out["extension"] = [{"url": MESSAGE_ID_EXT, "valueString": message_id}]
    out["severity"] = severity
    out["code"] = code
    details: dict = {}
    if tx_code:
        details["coding"] = [{"system": TX_ISSUE_SYSTEM, "code": tx_code}]
    details["text"] = text
    out["details"] = details
    if expression:
        # R4 and R5 both deprecate issue.location in favour of expression (FHIRPath); we emit only the
        # latter, which is what the tx-ecosystem expectations accept everywhere
        out["expression"] = [expression]
    return out


def to_operation_outcome(err: TerminologyError) -> dict:
    issues = [issue("error", err.issue_code, err.message, tx_code=err.tx_code,
                    message_id=err.message_id, expression=err.expression)]
    return {"resourceType": "OperationOutcome", "issue": issues}
