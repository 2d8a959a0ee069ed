"""$validate-code on ValueSets and CodeSystems. Results are data (Parameters dict).

``CodeValidator`` checks each coding in steps: system (present, absolute, a code system; inferred from the
value set when missing), version (``validate_versions.VersionStep``), code (known in the code system, or
unknown to a fragment), membership (compose walk), status and display (``validate_concept``); the answer is
built by ``validate_outcome``.
"""
from __future__ import annotations

from ..errors import Unresolvable, issue
from . import status_checks
from . import validate_concept as steps
from .expand import Expander, PinnedImportMissing
from .languages import choose_display
from .membership import Membership
from .requests import ValidationOptions
from .supplements import for_system
from .validate_outcome import Outcome, Paths, cc_result, not_in_vs, result, tx_code
from .validate_versions import VersionStep
from .versions import matches as version_matches, version_key


class CodeValidator:
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
        self.pin = None           # validating against one version of a system the value set has several of
        self.versions = VersionStep(self)

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
            return result(o, o.issues, cc)

    def _validate(self, kind: str, codings: list[dict], cc: dict | None = None) -> dict:
        if self.vs is not None:
            self.membership.check_cycles(self.vs)
        if kind == "CodeableConcept":
            outcomes = [self.check(c, Paths(kind, i)) for i, c in enumerate(codings)]
            if self.membership_only and self.vs is not None:
                for o in outcomes:
                    o.issues = [i for i in o.issues if tx_code(i) == "not-in-vs"]
                    if not o.issues and not o.found:
                        o.issues.append(not_in_vs(self.vs_canon, o.system, None, o.code, None, Paths(kind)))
                    o.valid = not o.issues
                    o.found = False
            if self.vs is not None and outcomes:
                outcomes[0].issues.extend(self._vs_status_issues())
            return cc_result(outcomes, cc, self.vs_canon)
        out = self.check(codings[0], Paths(kind))
        if self.vs is not None:
            out.issues.extend(self._vs_status_issues())
        return result(out, out.issues)

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
                    self.pin = ver
                    try:
                        out = self._check(coding, p)
                    finally:
                        self.pin = None
                    if out.valid:
                        return out
                    outcomes.append(out)
                if outcomes:
                    return next((o for o in outcomes if o.found), outcomes[0])
        return self._check(coding, p)

    # ---- one coding, step by step ----------------------------------------------
    def _check(self, coding: dict, p: Paths) -> Outcome:
        o = Outcome()
        system, version = coding.get("system"), coding.get("version")
        code, display = coding.get("code"), coding.get("display")
        o.code, o.system = code, system
        if not system:
            system = o.system = self._infer_system(code, p, o)
            if system is None:
                return o
        if not self._system_ok(system, p, o) or not self._has_code(code, p, o):
            return o
        use_version, unknown_versions = self.versions.choose(system, version, p, o)
        cs = self.ctx.registry.resolve("CodeSystem", system, use_version)
        for uv in unknown_versions:
            self.versions.unknown_version(system, uv, p, o)
        if cs is None:
            self.versions.unknown_system(system, use_version, code, version, p, o)
            return o
        self._version_checked(cs, system, p, o)
        concept = cs.locate(code)
        if concept is None:
            return steps.unknown_code(self, cs, system, version, code, display, p, o)
        self._found(cs, concept, code, o)
        in_vs = steps.membership(self, cs, system, concept, o)
        if in_vs is None:
            return o
        in_vs = steps.case_and_activity(self, cs, concept, code, in_vs, p, o)
        if not in_vs and not unknown_versions and self.vs is not None:
            o.issues.append(not_in_vs(self.vs_canon, system, version, code, display, p))
        steps.status(self, system, concept, in_vs, p, o)
        if display is not None:
            steps.display(self, cs, concept, system, display, self._supplement_designations(cs, concept), p, o)
        o.valid = not any(i["severity"] == "error" for i in o.issues)
        return o

    def _has_code(self, code, p: Paths, o: Outcome) -> bool:
        if isinstance(code, str) and code:
            return True
        o.issues.append(issue("error", "invalid", "The coding has no code, so it cannot be validated",
                              tx_code="invalid-data", message_id="Coding_has_no_code", expression=p.code))
        if self.vs is not None:
            o.issues.append(issue("error", "code-invalid", f"A coding without a code is not in the value set "
                                  f"'{self.vs_canon}'", tx_code="not-in-vs",
                                  message_id="None_of_the_provided_codes_are_in_the_value_set_one",
                                  expression=p.code))
        return False

    def _version_checked(self, cs, system: str, p: Paths, o: Outcome) -> None:
        check = self.ctx.check_version.get(system)
        if check and cs.version and not version_matches(check, cs.version):
            o.issues.append(issue("error", "exception", f"The version '{cs.version}' is not allowed for system "
                                  f"'{system}': required to be '{check}' by a version-check parameter",
                                  tx_code="version-error", message_id="VALUESET_VERSION_CHECK",
                                  expression=p.version))
        o.version = cs.version
        o.issues.extend(status_checks.issues(cs.metadata, source=self.vs))

    def _supplement_designations(self, cs, concept) -> list[dict]:
        return [d for sup in for_system(self.ctx.supplements, cs.url) for c in [sup.locate(concept.code)]
                if c is not None for d in c.designations]

    def _found(self, cs, concept, code: str, o: Outcome) -> None:
        o.normalized = concept.code if concept.code != code else None   # the code stays as sent
        o.found = True
        sup = self._supplement_designations(cs, concept)
        o.display = choose_display(concept, cs.language, self.prefs, sup) if self.prefs else concept.display
        o.inactive = concept.inactive
        if concept.status:
            o.status = concept.status

    # ---- the system step ---------------------------------------------------------
    def _infer_system(self, code, p: Paths, o: Outcome):
        if p.kind != "code" or self.vs is None:
            if p.kind == "code" and self.vs is None:
                return None
            o.issues.append(issue("warning", "invalid", "Coding has no system. A code with no system has no defined "
                                  "meaning, and it cannot be validated. A system should be provided",
                                  tx_code="invalid-data", message_id="Coding_has_no_system__cannot_validate",
                                  expression=p.coding))
            if self.vs is not None:
                o.issues.append(not_in_vs(self.vs_canon, None, None, code, None, p))
            return None
        found = []
        for system, version in self.membership.systems(self.vs):
            cs = self.ctx.registry.resolve("CodeSystem", system, self.expander.pick_version(system, version))
            concept = cs.locate(code) if cs is not None else None
            if concept is not None and system not in found and \
                    self.membership.contains(self.vs, system, concept.code, self.cs_for(cs)) is not None:
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
        else:
            o.issues.append(issue("error", "not-found", f"The System URI could not be determined for the code "
                                  f"'{code}' in the ValueSet '{self.vs_canon}'", tx_code="cannot-infer",
                                  message_id="UNABLE_TO_INFER_CODESYSTEM", expression=p.code))
        o.issues.append(not_in_vs(self.vs_canon, None, None, code, None, p))
        return None

    def _system_ok(self, system: str, p: Paths, o: Outcome) -> bool:
        reg = self.ctx.registry
        if "://" not in system and not system.startswith("urn:"):
            o.issues.append(issue("error", "invalid", "Coding.system must be an absolute reference, not a local "
                                  "reference", tx_code="invalid-data", message_id="Terminology_TX_System_Relative",
                                  expression=p.system))
            self.versions.unknown_system(system, None, o.code, None, p, o)
            return False
        if reg.resolve("CodeSystem", system) is None and reg.resolve("ValueSet", system) is not None:
            o.issues.append(issue("error", "invalid", f"The Coding references a value set, not a code system "
                                  f"('{system}')", tx_code="invalid-data",
                                  message_id="Terminology_TX_System_ValueSet2", expression=p.system))
            if self.vs is not None:
                o.issues.append(not_in_vs(self.vs_canon, system, None, o.code, None, p))
            return False
        cs = reg.resolve("CodeSystem", system)
        if cs is not None and cs.content == "supplement":
            o.issues.append(issue("error", "invalid", f"CodeSystem {cs.canonical} is a supplement, so can't be used "
                                  f"as a value in Coding.system", tx_code="invalid-data",
                                  message_id="CODESYSTEM_CS_NO_SUPPLEMENT", expression=p.system))
            return False
        return True

    def cs_for(self, primary):
        """cs_for(system, include version) for membership: the code system an include is checked against."""
        reg = self.ctx.registry

        def cs_for(system, inc_version):
            if system == primary.url:
                if inc_version is None or version_matches(inc_version, primary.version):
                    return primary
                chosen = reg.resolve("CodeSystem", system, self.expander.pick_version(system, inc_version))
                if self.pin is not None and chosen is not None and chosen.version != primary.version:
                    return None   # validating against one version: other versions' includes do not count
                if chosen is not None and chosen.version == primary.version:
                    return primary
                return chosen
            return reg.resolve("CodeSystem", system, self.expander.pick_version(system, inc_version))
        return cs_for
