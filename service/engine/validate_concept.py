"""The steps of $validate-code once the code system is known: the code itself (unknown, or unknown to a
fragment), membership, status (inactive, deprecated, abstract) and display.

Each step takes the validator (its ctx, vs, vs_canon, membership, options) and the coding's Outcome, and adds
issues to it; none imports the validator back.
"""
from __future__ import annotations

from ..errors import Unresolvable, issue
from . import status_checks
from .display_check import check_display
from .membership import MEMBER, UNDETERMINED
from .validate_outcome import Outcome, Paths, not_in_vs

VS_DEPRECATED = "http://hl7.org/fhir/StructureDefinition/valueset-deprecated"


def unknown_code(v, cs, system, version, code, display, p: Paths, o: Outcome) -> Outcome:
    """A code the code system does not hold (a fragment may not hold it yet: unknown_in_fragment)."""
    if cs.content == "fragment":
        return unknown_in_fragment(v, cs, system, version, code, display, p, o)
    ver = f" version '{cs.version}'" if cs.version else ""
    o.issues.append(issue("error", "code-invalid", f"Unknown code '{code}' in the CodeSystem '{system}'{ver}",
                          tx_code="invalid-code", message_id="Unknown_Code_in_Version", expression=p.code))
    if v.vs is not None:
        o.issues.append(not_in_vs(v.vs_canon, system, version, code, display, p))
    return o


def unknown_in_fragment(v, cs, system, version, code, display, p: Paths, o: Outcome) -> Outcome:
    """A code the fragment we hold does not list may exist in the full code system: that lenience decides
    existence only. In a value set it is a member only where an include takes the whole system or lists that
    very code (membership.unknown_code_verdict)."""
    ver = f" version '{cs.version}'" if cs.version else ""
    o.issues.append(issue("warning", "code-invalid",
                          f"Unknown Code '{code}' in the CodeSystem '{system}'{ver} - note that the code system "
                          "is labeled as a fragment, so the code may be valid in some other fragment",
                          tx_code="invalid-code", message_id="UNKNOWN_CODE_IN_FRAGMENT", expression=p.code))
    if v.vs is not None:
        verdict = v.membership.unknown_code_verdict(v.vs, system, code, v.cs_for(cs)) if isinstance(code, str) \
            else None
        if verdict == UNDETERMINED:
            o.issues.append(issue(
                "warning", "not-found", f"The value set '{v.vs_canon}' selects codes of '{system}' by a filter, "
                f"which cannot be evaluated for '{code}': this server holds only a fragment of that code system",
                tx_code="vs-invalid", message_id="UNABLE_TO_CHECK_IF_THE_PROVIDED_CODES_ARE_IN_THE_VALUE_SET",
                expression=p.code))
        if verdict != MEMBER:
            o.issues.append(not_in_vs(v.vs_canon, system, version, code, display, p))
    o.valid = not any(i["severity"] == "error" for i in o.issues)
    return o


def membership(v, cs, system: str, concept, o: Outcome) -> bool | None:
    """Whether the concept is in the value set (True without one); None when an import is missing (the
    issue is added and the outcome is final)."""
    if v.vs is None:
        return True
    try:
        return v.membership.contains(v.vs, system, concept.code, v.cs_for(cs)) is not None
    except Unresolvable as exc:
        o.issues.append(issue("error", "not-found", exc.message, tx_code="not-found", message_id=exc.message_id))
        o.valid = False
        return None


def case_and_activity(v, cs, concept, code, in_vs: bool, p: Paths, o: Outcome) -> bool:
    """Case difference (information) and an inactive concept where only active ones count; returns in_vs."""
    if concept.code != code:
        o.issues.append(issue("information", "business-rule",
                              f"The code '{code}' differs from the correct code '{concept.code}' by case. Although "
                              f"the code system '{cs.canonical}' is case insensitive, implementers are strongly "
                              "encouraged to use the correct case anyway", tx_code="code-rule",
                              message_id="CODE_CASE_DIFFERENCE", expression=p.code))
    vs_excludes_inactive = v.vs is not None and (v.vs.get("compose") or {}).get("inactive") is False
    if concept.inactive and (v.active_only and in_vs or vs_excludes_inactive):
        o.issues.append(issue("error", "business-rule", f"The concept '{concept.code}' is valid but is not active",
                              tx_code="code-rule", message_id="STATUS_CODE_WARNING_CODE", expression=p.code))
        return False
    return in_vs


def status(v, system: str, concept, in_vs: bool, p: Paths, o: Outcome) -> None:
    """Inactive / deprecated concepts, deprecated members of the value set, abstract codes."""
    if concept.inactive:
        st = concept.status or "inactive"
        text = (f"The concept '{concept.code}' has a status of {st} and its use should be reviewed"
                if st == "inactive" else
                f"The concept '{concept.code}' has a status of {st} and inactive and its use should be reviewed")
        o.issues.append(issue("warning", "business-rule", text, tx_code="code-comment",
                              message_id="INACTIVE_CONCEPT_FOUND", expression=p.coding or p.code))
    elif concept.deprecated:
        o.issues.append(issue("warning", "business-rule",
                              f"The concept '{concept.code}' is deprecated and its use should be reviewed",
                              tx_code="code-comment", message_id="DEPRECATED_CONCEPT_FOUND",
                              expression=p.coding or p.code))
    if v.vs is not None and in_vs and deprecated_in_vs(v.vs, system, concept.code):
        o.issues.append(issue("warning", "business-rule",
                              f"The presence of the concept '{concept.code}' in the system '{system}' in the value "
                              f"set {v.vs_canon} is marked with a status of deprecated and its use should be "
                              "reviewed", tx_code="code-comment", message_id="CONCEPT_DEPRECATED_IN_VALUESET",
                              expression=p.code))
    if concept.abstract and not v.abstract_ok:
        o.issues.append(issue("error", "business-rule",
                              f"Code '{concept.code}' is abstract, and not allowed in this context",
                              tx_code="code-rule", message_id="ABSTRACT_CODE_NOT_ALLOWED", expression=p.code))


def display(v, cs, concept, system: str, shown: str, supplement_designations: list, p: Paths, o: Outcome):
    """Is the display the coding gives valid for the concept (designations, supplements, the value set's own)."""
    extra = supplement_designations + valueset_displays(v.vs, system, concept.code)
    o.issues.extend(check_display(cs, concept, shown, prefs=v.prefs, lenient=v.lenient, extra=extra,
                                  expression=p.display))


def valueset_displays(vs: dict | None, system: str, code: str) -> list[dict]:
    """Displays the value set itself gives the code (compose.include.concept.display): valid too."""
    if vs is None:
        return []
    out = []
    for inc in (vs.get("compose") or {}).get("include", []):
        if inc.get("system") == system:
            for item in inc.get("concept", []):
                if item.get("code") == code and item.get("display"):
                    out.append({"language": vs.get("language"), "value": item["display"]}
                               if vs.get("language") else {"value": item["display"]})
                    out.extend(item.get("designation", []))
    return out


def deprecated_in_vs(vs: dict, system: str, code: str) -> bool:
    """A compose concept marked valueset-deprecated (boolean; a code "true" reads the same) or with the
    standards-status deprecated/withdrawn in this value set."""
    for inc in (vs.get("compose") or {}).get("include", []):
        if inc.get("system") != system:
            continue
        for item in inc.get("concept", []):
            if item.get("code") == code:
                for ext in item.get("extension", []):
                    value = ext.get("valueBoolean", ext.get("valueCode"))
                    if ext.get("url") == VS_DEPRECATED and (value is True or value == "true"):
                        return True
                    if ext.get("url") == status_checks.STANDARDS_STATUS and ext.get("valueCode") in (
                            "deprecated", "withdrawn"):
                        return True
    return False
