"""$validate-code results: where issues point (Paths), what one coding's check found (Outcome), and the
Parameters answer built from them (one coding, or a CodeableConcept)."""
from __future__ import annotations

from ..errors import issue
from . import status_checks


class Paths:
    """Issue expressions for the three input shapes."""

    def __init__(self, kind: str, index: int = 0):
        if kind == "code":
            base, self.coding = "", ""
        elif kind == "Coding":
            base, self.coding = "Coding.", "Coding"
        else:
            base, self.coding = f"CodeableConcept.coding[{index}].", f"CodeableConcept.coding[{index}]"
        self.kind = kind
        self.code, self.system = base + "code", base + "system"
        self.version, self.display = base + "version", base + "display"


class Outcome:
    __slots__ = ("valid", "issues", "system", "version", "code", "display", "inactive", "unknown_system",
                 "status", "unknown_in_vs", "found", "normalized")

    def __init__(self):
        self.valid = False
        self.issues: list[dict] = []
        self.system = self.version = self.code = self.display = None
        self.inactive = False
        self.unknown_system = None
        self.status = None
        self.unknown_in_vs = True
        self.found = False
        self.normalized = None   # the code in its correct case, for case-insensitive systems


def not_in_vs(vs_canon: str | None, system, version, code, display, p: Paths) -> dict:
    """The error issue for a code that is not in the value set."""
    sys_part = (system or "") + (f"|{version}" if version else "")
    disp = f" ('{display}')" if display else ""
    return issue("error", "code-invalid", f"The provided code '{sys_part}#{code}{disp}' was not found in the value "
                 f"set '{vs_canon}'", tx_code="not-in-vs",
                 message_id="None_of_the_provided_codes_are_in_the_value_set_one", expression=p.code)


def result(o: Outcome, issues: list[dict], cc: dict | None = None, valid: bool | None = None) -> dict:
    """The Parameters answer of $validate-code for one outcome (o is never None)."""
    params = []
    if cc is not None:
        params.append({"name": "codeableConcept", "valueCodeableConcept": cc})
    if o.code is not None:
        params.append({"name": "code", "valueCode": o.code})
    if o.display:
        params.append({"name": "display", "valueString": o.display})
    if o.inactive:
        params.append({"name": "inactive", "valueBoolean": True})
    if o.status in REPORTED_STATUSES:
        params.append({"name": "status", "valueCode": o.status})
    if issues:
        params.append({"name": "issues", "resource": {"resourceType": "OperationOutcome", "issue": issues}})
    if o.normalized:
        params.append({"name": "normalized-code", "valueCode": o.normalized})
    text = message(issues)
    if text:
        params.append({"name": "message", "valueString": text})
    params.append({"name": "result", "valueBoolean": o.valid if valid is None else valid})
    if o.system:
        params.append({"name": "system", "valueUri": o.system})
    # the version of the code system the code was found in (or that a fragment's unknown code was accepted
    # against): not for a code that is simply unknown
    if o.version and (o.found or o.valid):
        params.append({"name": "version", "valueString": o.version})
    if o.unknown_system:
        name = "x-caused-by-unknown-system" if o.unknown_in_vs else "x-unknown-system"
        params.append({"name": name, "valueCanonical": o.unknown_system})
    return {"resourceType": "Parameters", "parameter": params}


def message(issues: list[dict]) -> str | None:
    """The `message` of a result: its errors and warnings (else its information), each said once."""
    msgs = [i["details"]["text"] for i in issues if i["severity"] in ("error", "warning")
            and message_id(i) not in NOT_IN_MESSAGE]
    if not msgs:
        msgs = [i["details"]["text"] for i in issues if i["severity"] == "information"
                and message_id(i) not in NOT_IN_MESSAGE and tx_code(i) != "this-code-not-in-vs"]
    return "; ".join(dict.fromkeys(msgs)) if msgs else None


def cc_result(outcomes: list[Outcome], cc: dict | None, vs_canon: str | None) -> dict:
    """The answer for a CodeableConcept: valid when one coding is (see docs/conformance.md)."""
    valid = [o for o in outcomes if o.valid]
    issues: list[dict] = []
    if valid:
        # one coding in the value set is enough: the others' "not in the value set" becomes information
        # (this-code-not-in-vs), but every coding must still be a valid code: their other errors make
        # the result false
        for o in outcomes:
            issues.extend(o.issues if o.valid else soften_not_in_vs(o.issues))
        ok = not any(i["severity"] in ("error", "fatal") for i in issues)
        return result(valid[0], issues, cc, ok)
    not_in_vs = all(any(tx_code(i) == "not-in-vs" for i in o.issues) for o in outcomes)
    if vs_canon is not None and not_in_vs:
        issues.append(issue("error", "code-invalid", f"No valid coding was found for the value set "
                            f"'{vs_canon}'", tx_code="not-in-vs", message_id="TX_GENERAL_CC_ERROR_MESSAGE"))
    for o in outcomes:
        issues.extend(soften_not_in_vs(o.issues))
    best = next((o for o in outcomes if o.found and not any(tx_code(i) == "not-in-vs" for i in o.issues)),
                None)
    if best is None:
        best = Outcome()
        for o in outcomes:
            if o.unknown_system:
                best.unknown_system, best.unknown_in_vs = o.unknown_system, o.unknown_in_vs
                break
    return result(best, issues, cc, False)


def tx_code(i: dict):
    for c in i.get("details", {}).get("coding", []):
        return c.get("code")
    return None


REPORTED_STATUSES = {"retired", "deprecated", "withdrawn", "draft", "experimental", "inactive"}
VS_DEPRECATED = "http://hl7.org/fhir/StructureDefinition/valueset-deprecated"
NOT_IN_MESSAGE = {"VALUESET_VALUE_MISMATCH_DEFAULT", "UNKNOWN_CODE_IN_FRAGMENT", "CONCEPT_DEPRECATED_IN_VALUESET",
                  "INACTIVE_DISPLAY_FOUND", "CODE_CASE_DIFFERENCE", *status_checks.MESSAGE_IDS.values()}


def message_id(i: dict):
    for e in i.get("extension", []):
        if e.get("url", "").endswith("operationoutcome-message-id"):
            return e.get("valueString")
    return None


def soften_not_in_vs(issues: list[dict]) -> list[dict]:
    out = []
    for i in issues:
        coding = i.get("details", {}).get("coding", [{}])[0]
        if coding.get("code") == "not-in-vs":
            i = dict(i)
            i["severity"] = "information"
            i["details"] = {"coding": [{"system": coding["system"], "code": "this-code-not-in-vs"}],
                            "text": i["details"]["text"]}
        out.append(i)
    return out
