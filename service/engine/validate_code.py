"""$validate-code on ValueSets and CodeSystems. Results are data (Parameters dict).

Each coding is checked in steps: system (present, absolute, a code system),
version (value set include vs the coding vs version parameters), code (known
in the code system), membership (compose walk), status (inactive, deprecated,
abstract) and display (languages, designations).
"""
from __future__ import annotations

from ..errors import Unresolvable, issue
from .expand import Expander, PinnedImportMissing
from . import status_checks
from .display_check import check_display
from .validate_versions import VersionRules
from .languages import choose_display
from .supplements import for_system
from .membership import MEMBER, UNDETERMINED, Membership
from .requests import ValidationOptions
from .versions import matches as version_matches, version_key


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


class CodeValidator(VersionRules):
    def __init__(self, ctx, vs: dict | None, options: ValidationOptions | None = None):
        self.ctx = ctx
        self.vs = vs
        self.expander = Expander(ctx)
        self.membership = Membership(self.expander)
        self.vs_canon = (self.expander.vs_canonical(vs) or "(unidentified)") if vs is not None else None
        self.options = options = options or ValidationOptions()
        self.abstract_ok = options.abstract_ok is not False
        self.active_only = options.active_only is True
        self.lenient = options.lenient_display is True
        self.membership_only = options.membership_only in (True, "true")
        self.prefs = ctx.prefs
        self._pin = None

    # ---- entry points ---------------------------------------------------------
    def validate(self, kind: str, codings: list[dict], cc: dict | None = None) -> dict:
        try:
            return self._validate(kind, codings, cc)
        except Unresolvable as exc:
            pinned = isinstance(exc, PinnedImportMissing)
            if self.vs is None or not (pinned or exc.message_id == "Unable_to_resolve_value_Set_"):
                raise
            # a value set the compose imports is missing: report it as the validation result
            plain = CodeValidator(self.ctx, None, self.options)
            o = plain.check(codings[0], Paths(kind)) if kind != "CodeableConcept" else Outcome()
            o.issues = [issue("error", "not-found", exc.plain if pinned else exc.message, tx_code="not-found",
                              message_id="Unable_to_resolve_value_Set_")]
            o.valid = False
            return self._result(o, o.issues, cc)

    def _validate(self, kind: str, codings: list[dict], cc: dict | None = None) -> dict:
        if self.vs is not None:
            self.membership.check_cycles(self.vs)
        if kind == "CodeableConcept":
            outcomes = [self.check(c, Paths(kind, i)) for i, c in enumerate(codings)]
            if self.membership_only and self.vs is not None:
                for o in outcomes:
                    o.issues = [i for i in o.issues if _tx_code(i) == "not-in-vs"]
                    if not o.issues and not o.found:
                        o.issues.append(self._not_in_vs(o.system, None, o.code, None, Paths(kind)))
                    o.valid = not o.issues
                    o.found = False
            if self.vs is not None and outcomes:
                outcomes[0].issues.extend(self._vs_status_issues())
            return self._cc_result(outcomes, cc)
        out = self.check(codings[0], Paths(kind))
        if self.vs is not None:
            out.issues.extend(self._vs_status_issues())
        return self._result(out, out.issues)

    def _vs_status_issues(self) -> list[dict]:
        """Status issues of the value set (only the end of its life) and of every value set it imports."""
        out = status_checks.issues(self.vs, top_level=True)
        for sub in self.membership.imported(self.vs):
            out.extend(status_checks.issues(sub, source=self.vs))
        return out

    def check(self, coding: dict, p: Paths) -> Outcome:
        """Check one coding; where a value set includes several versions of its system and the coding
        names none, the code is valid if it is valid in any of them (latest first)."""
        system = coding.get("system")
        if self.vs is not None and system and not coding.get("version"):
            stated = {v for s, v in self.membership.systems(self.vs) if s == system}
            if len(stated) > 1:
                resolved = [(v, self.ctx.registry.resolve("CodeSystem", system, self.expander.pick_version(system, v)))
                            for v in stated]
                found = {cs.version for _v, cs in resolved if cs is not None}
                explicit = {cs.version for v, cs in resolved if cs is not None and v}
                outcomes = []
                # explicitly versioned includes first, newest first
                for ver in sorted(found, key=lambda x: (x in explicit, version_key(x)), reverse=True):
                    self._pin = ver
                    try:
                        out = self._check(coding, p)
                    finally:
                        self._pin = None
                    if out.valid:
                        return out
                    outcomes.append(out)
                if outcomes:
                    return next((o for o in outcomes if o.found), outcomes[0])
        return self._check(coding, p)

    def _check(self, coding: dict, p: Paths) -> Outcome:
        o = Outcome()
        system, version = coding.get("system"), coding.get("version")
        code, display = coding.get("code"), coding.get("display")
        o.code = code
        o.system = system
        if not system:
            system = self._infer_system(code, p, o)
            if system is None:
                return o
            o.system = system
        if not self._system_ok(system, p, o):
            return o
        if not isinstance(code, str) or not code:
            o.issues.append(issue("error", "invalid", "The coding has no code, so it cannot be validated",
                                  tx_code="invalid-data", message_id="Coding_has_no_code", expression=p.code))
            if self.vs is not None:
                o.issues.append(issue("error", "code-invalid", f"A coding without a code is not in the value set "
                                      f"'{self.vs_canon}'", tx_code="not-in-vs",
                                      message_id="None_of_the_provided_codes_are_in_the_value_set_one",
                                      expression=p.code))
            return o
        use_version, unknown_versions = self._choose_version(system, version, p, o)
        cs = self.ctx.registry.resolve("CodeSystem", system, use_version)
        for uv in unknown_versions:
            self._unknown_version_issue(system, uv, p, o)
        if cs is None:
            self._unknown_system(system, use_version, code, version, p, o)
            return o
        check = self.ctx.check_version.get(system)
        if check and cs.version and not version_matches(check, cs.version):
            o.issues.append(issue("error", "exception", f"The version '{cs.version}' is not allowed for system "
                                  f"'{system}': required to be '{check}' by a version-check parameter",
                                  tx_code="version-error", message_id="VALUESET_VERSION_CHECK",
                                  expression=p.version))
        o.version = cs.version
        o.issues.extend(status_checks.issues(cs.resource, source=self.vs))
        concept = cs.locate(code) if isinstance(code, str) else None
        if concept is None:
            if cs.content == "fragment":
                return self._unknown_in_fragment(cs, system, version, code, display, p, o)
            ver = f" version '{cs.version}'" if cs.version else ""
            o.issues.append(issue("error", "code-invalid", f"Unknown code '{code}' in the CodeSystem '{system}'{ver}",
                                  tx_code="invalid-code", message_id="Unknown_Code_in_Version", expression=p.code))
            if self.vs is not None:
                o.issues.append(self._not_in_vs(system, version, code, display, p))
            return o
        o.normalized = concept.code if concept.code != code else None   # code stays as sent
        o.found = True
        sup_des = [d for sup in for_system(self.ctx.supplements, cs.url) for c in [sup.locate(concept.code)]
                   if c is not None for d in c.designations]
        o.display = choose_display(concept, cs.language, self.prefs, sup_des) if self.prefs else concept.display
        o.inactive = concept.inactive
        if concept.status:
            o.status = concept.status
        in_vs = True
        if self.vs is not None:
            try:
                member = self.membership.contains(self.vs, system, concept.code, self._cs_for(cs))
            except Unresolvable as exc:
                o.issues.append(issue("error", "not-found", exc.message, tx_code="not-found",
                                      message_id=exc.message_id))
                o.valid = False
                return o
            in_vs = member is not None
        if concept.code != code:
            o.issues.append(issue("information", "business-rule",
                                  f"The code '{code}' differs from the correct code '{concept.code}' by case. Although "
                                  f"the code system '{cs.canonical}' is case insensitive, implementers are strongly "
                                  "encouraged to use the correct case anyway", tx_code="code-rule",
                                  message_id="CODE_CASE_DIFFERENCE", expression=p.code))
        vs_excludes_inactive = self.vs is not None and (self.vs.get("compose") or {}).get("inactive") is False
        if concept.inactive and (self.active_only and in_vs or vs_excludes_inactive):
            o.issues.append(issue("error", "business-rule", f"The concept '{concept.code}' is valid but is not active",
                                  tx_code="code-rule", message_id="STATUS_CODE_WARNING_CODE", expression=p.code))
            in_vs = False
        if not in_vs and not unknown_versions and self.vs is not None:
            o.issues.append(self._not_in_vs(system, version, code, display, p))
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
        if self.vs is not None and in_vs and self._deprecated_in_vs(system, concept.code):
            o.issues.append(issue("warning", "business-rule",
                                  f"The presence of the concept '{concept.code}' in the system '{system}' in the value "
                                  f"set {self.vs_canon} is marked with a status of deprecated and its use should be "
                                  "reviewed", tx_code="code-comment", message_id="CONCEPT_DEPRECATED_IN_VALUESET",
                                  expression=p.code))
        if concept.abstract and not self.abstract_ok:
            o.issues.append(issue("error", "business-rule",
                                  f"Code '{concept.code}' is abstract, and not allowed in this context",
                                  tx_code="code-rule", message_id="ABSTRACT_CODE_NOT_ALLOWED", expression=p.code))
        if display is not None:
            extra = sup_des + self._valueset_displays(system, concept.code)
            o.issues.extend(check_display(cs, concept, display, prefs=self.prefs, lenient=self.lenient,
                                          extra=extra, expression=p.display))
        o.valid = not any(i["severity"] == "error" for i in o.issues)
        return o

    # ---- steps ----------------------------------------------------------------
    def _unknown_in_fragment(self, cs, system, version, code, display, p: Paths, o: Outcome) -> Outcome:
        """A code the fragment we hold does not list may exist in the full code system: that lenience
        decides existence only. In a value set it is a member only where an include takes the whole
        system or lists that very code (membership.unknown_code_verdict)."""
        ver = f" version '{cs.version}'" if cs.version else ""
        o.issues.append(issue("warning", "code-invalid",
                              f"Unknown Code '{code}' in the CodeSystem '{system}'{ver} - note that the code system "
                              "is labeled as a fragment, so the code may be valid in some other fragment",
                              tx_code="invalid-code", message_id="UNKNOWN_CODE_IN_FRAGMENT", expression=p.code))
        if self.vs is not None:
            verdict = (self.membership.unknown_code_verdict(self.vs, system, code, self._cs_for(cs))
                       if isinstance(code, str) else None)
            if verdict == UNDETERMINED:
                o.issues.append(issue(
                    "warning", "not-found", f"The value set '{self.vs_canon}' selects codes of '{system}' by a "
                    f"filter, which cannot be evaluated for '{code}': this server holds only a fragment of that "
                    "code system", tx_code="vs-invalid", message_id="UNABLE_TO_CHECK_IF_THE_PROVIDED_CODES_ARE_IN_THE_VALUE_SET",
                    expression=p.code))
            if verdict != MEMBER:
                o.issues.append(self._not_in_vs(system, version, code, display, p))
        o.valid = not any(i["severity"] == "error" for i in o.issues)
        return o

    def _valueset_displays(self, system: str, code: str) -> list[dict]:
        """Displays the value set itself gives the code (compose.include.concept.display): valid too."""
        if self.vs is None:
            return []
        out = []
        for inc in (self.vs.get("compose") or {}).get("include", []):
            if inc.get("system") == system:
                for item in inc.get("concept", []):
                    if item.get("code") == code and item.get("display"):
                        out.append({"language": self.vs.get("language"), "value": item["display"]}
                                   if self.vs.get("language") else {"value": item["display"]})
                        out.extend(item.get("designation", []))
        return out

    def _deprecated_in_vs(self, system: str, code: str) -> bool:
        for inc in (self.vs.get("compose") or {}).get("include", []):
            if inc.get("system") != system:
                continue
            for item in inc.get("concept", []):
                if item.get("code") == code:
                    for ext in item.get("extension", []):
                        # valueset-deprecated (boolean; a code "true" is read the same way), or the
                        # standards-status of the concept in this value set
                        value = ext.get("valueBoolean", ext.get("valueCode"))
                        if ext.get("url") == VS_DEPRECATED and (value is True or value == "true"):
                            return True
                        if ext.get("url") == status_checks.STANDARDS_STATUS and ext.get("valueCode") in (
                                "deprecated", "withdrawn"):
                            return True
        return False

    def _infer_system(self, code, p: Paths, o: Outcome):
        if p.kind != "code" or self.vs is None:
            if p.kind == "code" and self.vs is None:
                return None
            o.issues.append(issue("warning", "invalid", "Coding has no system. A code with no system has no defined "
                                  "meaning, and it cannot be validated. A system should be provided",
                                  tx_code="invalid-data", message_id="Coding_has_no_system__cannot_validate",
                                  expression=p.coding))
            if self.vs is not None:
                o.issues.append(self._not_in_vs(None, None, code, None, p))
            return None
        found = []
        for system, version in self.membership.systems(self.vs):
            cs = self.ctx.registry.resolve("CodeSystem", system, self.expander.pick_version(system, version))
            if cs is not None and cs.locate(code) is not None:
                if self.membership.contains(self.vs, system, cs.locate(code).code, self._cs_for(cs)) is not None:
                    if system not in found:
                        found.append(system)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            o.issues.append(issue("error", "not-found",
                                  f"The System URI could not be determined for the code '{code}' in the ValueSet "
                                  f"'{self.vs_canon}': value set expansion has multiple matches: [{', '.join(found)}]",
                                  tx_code="cannot-infer",
                                  message_id="Unable_to_resolve_system__value_set_has_multiple_matches",
                                  expression=p.code))
            o.issues.append(self._not_in_vs(None, None, code, None, p))
            return None
        o.issues.append(issue("error", "not-found", f"The System URI could not be determined for the code '{code}' in "
                              f"the ValueSet '{self.vs_canon}'", tx_code="cannot-infer",
                              message_id="UNABLE_TO_INFER_CODESYSTEM", expression=p.code))
        o.issues.append(self._not_in_vs(None, None, code, None, p))
        return None

    def _system_ok(self, system: str, p: Paths, o: Outcome) -> bool:
        reg = self.ctx.registry
        if "://" not in system and not system.startswith("urn:"):
            o.issues.append(issue("error", "invalid", "Coding.system must be an absolute reference, not a local "
                                  "reference", tx_code="invalid-data", message_id="Terminology_TX_System_Relative",
                                  expression=p.system))
            self._unknown_system(system, None, o.code, None, p, o, quoted=True)
            return False
        if reg.resolve("CodeSystem", system) is None and reg.resolve("ValueSet", system) is not None:
            o.issues.append(issue("error", "invalid", f"The Coding references a value set, not a code system "
                                  f"('{system}')", tx_code="invalid-data",
                                  message_id="Terminology_TX_System_ValueSet2", expression=p.system))
            if self.vs is not None:
                o.issues.append(self._not_in_vs(system, None, o.code, None, p))
            return False
        cs = reg.resolve("CodeSystem", system)
        if cs is not None and cs.content == "supplement":
            o.issues.append(issue("error", "invalid", f"CodeSystem {cs.canonical} is a supplement, so can't be used "
                                  f"as a value in Coding.system", tx_code="invalid-data",
                                  message_id="CODESYSTEM_CS_NO_SUPPLEMENT", expression=p.system))
            return False
        return True

    def _not_in_vs(self, system, version, code, display, p: Paths) -> dict:
        sys_part = (system or "") + (f"|{version}" if version else "")
        disp = f" ('{display}')" if display else ""
        return issue("error", "code-invalid", f"The provided code '{sys_part}#{code}{disp}' was not found in the value "
                     f"set '{self.vs_canon}'", tx_code="not-in-vs",
                     message_id="None_of_the_provided_codes_are_in_the_value_set_one", expression=p.code)

    def _cs_for(self, primary):
        reg = self.ctx.registry

        def cs_for(system, inc_version):
            if system == primary.url:
                if inc_version is None or version_matches(inc_version, primary.version):
                    return primary
                chosen = reg.resolve("CodeSystem", system, self.expander.pick_version(system, inc_version))
                if self._pin is not None and chosen is not None and chosen.version != primary.version:
                    return None   # validating against one version: other versions' includes do not count
                if chosen is not None and chosen.version == primary.version:
                    return primary
                return chosen
            return reg.resolve("CodeSystem", system, self.expander.pick_version(system, inc_version))
        return cs_for

    # ---- results ----------------------------------------------------------------
    def _result(self, o: Outcome, issues: list[dict], cc: dict | None = None, valid: bool | None = None) -> dict:
        params = []
        if cc is not None:
            params.append({"name": "codeableConcept", "valueCodeableConcept": cc})
        if o is not None:
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
        if o is not None and o.normalized:
            params.append({"name": "normalized-code", "valueCode": o.normalized})
        msgs = [i["details"]["text"] for i in issues if i["severity"] in ("error", "warning")
                and _message_id(i) not in NOT_IN_MESSAGE]
        if not msgs:
            msgs = [i["details"]["text"] for i in issues if i["severity"] == "information"
                    and _message_id(i) not in NOT_IN_MESSAGE and _tx_code(i) != "this-code-not-in-vs"]
        if msgs:
            params.append({"name": "message", "valueString": "; ".join(dict.fromkeys(msgs))})
        params.append({"name": "result", "valueBoolean": o.valid if valid is None else valid})
        if o is not None:
            if o.system:
                params.append({"name": "system", "valueUri": o.system})
            # the version of the code system the code was found in (or that a fragment's unknown code was
            # accepted against): not for a code that is simply unknown
            if o.version and (o.found or o.valid):
                params.append({"name": "version", "valueString": o.version})
            if o.unknown_system:
                name = "x-caused-by-unknown-system" if o.unknown_in_vs else "x-unknown-system"
                params.append({"name": name, "valueCanonical": o.unknown_system})
        return {"resourceType": "Parameters", "parameter": params}

    def _cc_result(self, outcomes: list[Outcome], cc: dict | None) -> dict:
        valid = [o for o in outcomes if o.valid]
        issues: list[dict] = []
        if valid:
            # one coding in the value set is enough: the others' "not in the value set" becomes information
            # (this-code-not-in-vs), but every coding must still be a valid code: their other errors make
            # the result false
            for o in outcomes:
                issues.extend(o.issues if o.valid else _soften_not_in_vs(o.issues))
            ok = not any(i["severity"] in ("error", "fatal") for i in issues)
            return self._result(valid[0], issues, cc, ok)
        not_in_vs = all(any(_tx_code(i) == "not-in-vs" for i in o.issues) for o in outcomes)
        if self.vs is not None and not_in_vs:
            issues.append(issue("error", "code-invalid", f"No valid coding was found for the value set "
                                f"'{self.vs_canon}'", tx_code="not-in-vs", message_id="TX_GENERAL_CC_ERROR_MESSAGE"))
        for o in outcomes:
            issues.extend(_soften_not_in_vs(o.issues))
        best = next((o for o in outcomes if o.found and not any(_tx_code(i) == "not-in-vs" for i in o.issues)),
                    None)
        if best is None:
            best = Outcome()
            for o in outcomes:
                if o.unknown_system:
                    best.unknown_system, best.unknown_in_vs = o.unknown_system, o.unknown_in_vs
                    break
        return self._result(best, issues, cc, False)


def _tx_code(i: dict):
    for c in i.get("details", {}).get("coding", []):
        return c.get("code")
    return None


REPORTED_STATUSES = {"retired", "deprecated", "withdrawn", "draft", "experimental", "inactive"}
VS_DEPRECATED = "http://hl7.org/fhir/StructureDefinition/valueset-deprecated"
NOT_IN_MESSAGE = {"VALUESET_VALUE_MISMATCH_DEFAULT", "UNKNOWN_CODE_IN_FRAGMENT", "CONCEPT_DEPRECATED_IN_VALUESET",
                  "INACTIVE_DISPLAY_FOUND", "CODE_CASE_DIFFERENCE", *status_checks.MESSAGE_IDS.values()}


def _message_id(i: dict):
    for e in i.get("extension", []):
        if e.get("url", "").endswith("operationoutcome-message-id"):
            return e.get("valueString")
    return None


def _soften_not_in_vs(issues: list[dict]) -> list[dict]:
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
