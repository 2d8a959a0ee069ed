"""Validate FHIR resources for integrators: structure, terminology and bindings. No Flask here.

* structure: the fhir.resources models (through fhir_io; R4B models for R4, R5 for R5) --
  every problem, with its path;
* terminology: every Coding (CodeableConcept.coding[i], or any element with system and
  code) whose system the server knows is checked by the engine's CodeValidator: unknown
  code -> error, wrong display -> warning (any designation is accepted), inactive or
  deprecated -> warning; a system the server does not know -> information;
* bindings: where a StructureDefinition from a loaded FHIR package binds an element to a
  ValueSet, membership is checked with a severity by strength (required -> error,
  extensible -> warning, preferred/example -> information).

A Bundle is one resource: its entries' paths read ``Bundle.entry[i].resource...``.
The result is an OperationOutcome (dict) whose issues carry FHIRPath expressions.
"""
from __future__ import annotations

import re

from . import fhir_io
from .engine.requests import ValidationOptions
from .engine.validate_code import CodeValidator
from .engine.validate_outcome import Paths
from .errors import TerminologyError, issue

STRENGTH_SEVERITY = {"required": "error", "extensible": "warning", "preferred": "information",
                     "example": "information"}
# data types whose insides carry no bindings worth walking (their codes are checked as codings)
NO_DESCENT = {"CodeableConcept", "Coding", "Extension", "Narrative", "Meta", "Reference", "xhtml"}
MAX_DEPTH = 64
STRUCTURE_TEXT = {"Field required": "Required element is missing",
                  "Extra inputs are not permitted": "Unknown element (not defined for this type)"}


def _coding_paths(path: str) -> Paths:
    """Engine issue expressions rooted at the coding's own FHIRPath."""
    p = Paths("Coding")
    p.coding = path
    p.code, p.system, p.version, p.display = (f"{path}.code", f"{path}.system", f"{path}.version",
                                              f"{path}.display")
    return p


def parameter_value(result: dict, name: str):
    """The value[x] (or resource) of the first parameter called name in a Parameters resource, else None."""
    for p in result.get("parameter", []):
        if p.get("name") == name:
            return next((v for k, v in p.items() if k.startswith("value")), p.get("resource"))
    return None


class ResourceValidator:
    """One validation request: ctx is an engine OpContext (registry, languages, limits)."""

    def __init__(self, ctx, fhir_version: str, structures=None, release_label: str | None = None):
        self.ctx = ctx
        self.fhir_version = fhir_version
        self.structures = structures
        self.release_label = release_label or fhir_version
        self.options = ValidationOptions(lenient_display=True)   # a wrong display: a warning, not an error
        self.plain = CodeValidator(ctx, None, self.options)
        self._vs_validators: dict[str, CodeValidator] = {}
        self._choices: dict[tuple[str, str], list[str]] = {}

    # ---- entry point ------------------------------------------------------------------
    def validate(self, resource, profile: str | None = None) -> dict:
        issues: list[dict] = []
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            issues.append(issue("error", "structure", "Not a FHIR resource: a JSON object with a resourceType "
                                "is required"))
            return _outcome(issues)
        rtype = resource["resourceType"]
        if not fhir_io.is_resource_type(rtype, self.fhir_version):
            issues.append(issue("error", "structure", f"Unknown resource type '{rtype}' for FHIR "
                                f"{self.release_label}", expression=rtype))
            return _outcome(issues)
        for loc, msg in structure_problems(resource, self.fhir_version):
            issues.append(issue("error", "structure", f"{STRUCTURE_TEXT.get(msg, msg)}", expression=loc or rtype))
        try:
            self._codes(resource, rtype, issues, 0)
            self._bindings(resource, rtype, profile, issues)
        except TerminologyError as exc:     # e.g. the deadline: report, keep what was found
            issues.append(issue("error", exc.issue_code, f"Validation stopped: {exc.message}"))
        return _outcome(issues)

    # ---- terminology: every coding ---------------------------------------------------------
    def _codes(self, node, path: str, issues: list, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(node, list):
            for i, item in enumerate(node):
                self._codes(item, f"{path}[{i}]", issues, depth + 1)
            return
        if not isinstance(node, dict):
            return
        codings = node.get("coding")
        if isinstance(codings, list):
            for i, c in enumerate(codings):
                if isinstance(c, dict):
                    self._coding(c, f"{path}.coding[{i}]", issues)
        elif isinstance(node.get("code"), str) and isinstance(node.get("system"), str):
            self._coding(node, path, issues)
        for key, value in node.items():
            if key == "coding" or key.startswith("_") or not isinstance(value, (dict, list)):
                continue
            if key == "text" and isinstance(value, dict) and "div" in value:
                continue
            self._codes(value, f"{path}.{key}", issues, depth + 1)

    def _coding(self, coding: dict, path: str, issues: list) -> None:
        system, code = coding.get("system"), coding.get("code")
        if not isinstance(code, str) or (system is not None and not isinstance(system, str)):
            return      # nothing to look up (or a structural error, reported above)
        reg = self.ctx.registry
        if (isinstance(system, str) and ("://" in system or system.startswith("urn:"))
                and reg.resolve("CodeSystem", system) is None and reg.resolve("ValueSet", system) is None):
            issues.append(issue("information", "not-found", f"The code system '{system}' is not known to this "
                                f"server, so the code '{code}' was not checked", tx_code="not-found",
                                expression=f"{path}.system"))
            return
        try:
            outcome = self.plain.check(coding, _coding_paths(path))
        except TerminologyError as exc:
            issues.append(issue("warning", exc.issue_code, f"The code '{code}' could not be checked: {exc.message}",
                                expression=path))
            return
        issues.extend(outcome.issues)

    # ---- bindings ------------------------------------------------------------------------
    def _bindings(self, resource: dict, rtype: str, profile: str | None, issues: list) -> None:
        idx = self.structures
        if idx is None:
            issues.append(issue("information", "informational", f"Bindings were not checked: no FHIR "
                                f"{self.release_label} core package (StructureDefinitions) is loaded on this server"))
            return
        sd = None
        wanted = [profile] if profile else []
        meta = resource.get("meta")
        if isinstance(meta, dict) and isinstance(meta.get("profile"), list):
            wanted += [p for p in meta["profile"] if isinstance(p, str)]
        for url in wanted:
            hit = idx.resolve(url)
            if hit is None:
                issues.append(issue("warning", "not-found", f"Profile '{url}' is not known to this server: "
                                    f"bindings were checked against the base definition of {rtype}",
                                    expression=rtype))
            elif hit.type != rtype:
                issues.append(issue("error", "invalid", f"Profile '{url}' is for {hit.type}, not {rtype}",
                                    expression=rtype))
            elif sd is None:
                sd = hit
        sd = sd or idx.for_type(rtype)
        if sd is None and rtype == "Bundle" and isinstance(resource.get("entry"), list):
            for i, entry in enumerate(resource["entry"]):     # no Bundle definition: its entries still count
                res = entry.get("resource") if isinstance(entry, dict) else None
                sub = idx.for_type(res["resourceType"]) if isinstance(res, dict) and isinstance(
                    res.get("resourceType"), str) else None
                if sub is not None:
                    self._walk(res, sub.url, sub.type, f"Bundle.entry[{i}].resource", issues, 1)
            return
        if sd is None:
            issues.append(issue("information", "informational", f"Bindings were not checked: no StructureDefinition "
                                f"for {rtype} is loaded", expression=rtype))
            return
        self._walk(resource, sd.url, sd.type, rtype, issues, 0)

    def _child(self, url: str, elements: dict, epath: str, key: str):
        """(element path, type code or None) of a JSON property, choice types resolved; (None, None) if unknown."""
        direct = f"{epath}.{key}"
        if direct in elements:
            return direct, None
        choices = self._choices.get((url, epath))
        if choices is None:
            prefix = epath + "."
            choices = [p for p in elements if p.startswith(prefix) and p.endswith("[x]") and "." not in p[len(prefix):]]
            self._choices[(url, epath)] = choices
        for cand in choices:
            base = cand[len(epath) + 1:-3]
            suffix = key[len(base):]
            if key.startswith(base) and suffix[:1].isupper():
                for t in elements[cand][0]:
                    if t[:1].upper() + t[1:] == suffix:
                        return cand, t
                return cand, suffix
        return None, None

    def _walk(self, node: dict, url: str, epath: str, fpath: str, issues: list, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        idx = self.structures
        elements = idx.elements(url)
        for key, value in node.items():
            if key in ("resourceType", "extension", "modifierExtension") or key.startswith("_"):
                continue
            child, type_code = self._child(url, elements, epath, key)
            if child is None:
                continue    # not an element of this type: the structural check reports it
            types, binding = elements[child]
            if type_code is None and len(types) == 1:
                type_code = types[0]
            many = isinstance(value, list)
            for i, item in enumerate(value if many else [value]):
                fp = f"{fpath}.{key}[{i}]" if many else f"{fpath}.{key}"
                if isinstance(item, dict) and isinstance(item.get("resourceType"), str) and (
                        key == "contained" or type_code in ("Resource", "DomainResource")):
                    sub = idx.for_type(item["resourceType"])
                    if sub is not None:
                        self._walk(item, sub.url, sub.type, fp, issues, depth + 1)
                    continue
                if binding is not None:
                    self._check_binding(item, type_code, binding, fp, issues)
                if not isinstance(item, dict):
                    continue
                if idx.has_children(url, child):
                    self._walk(item, url, child, fp, issues, depth + 1)
                elif type_code and type_code[:1].isupper() and type_code not in NO_DESCENT:
                    dt = idx.for_type(type_code)
                    if dt is not None:
                        self._walk(item, dt.url, dt.type, fp, issues, depth + 1)

    def _check_binding(self, item, type_code, binding, fp: str, issues: list) -> None:
        strength, vs_canon = binding
        severity = STRENGTH_SEVERITY.get(strength)
        if severity is None:
            return
        what = _bound_codings(item, type_code)
        if what is None:
            return
        kind, codings, cc = what
        if not codings:
            if strength == "required":
                issues.append(issue("error", "code-invalid", f"No code provided, and a code is required from the "
                                    f"value set '{vs_canon}' (binding strength: required)", expression=fp))
            return
        vs = self.ctx.registry.resolve("ValueSet", vs_canon)
        if vs is None:
            issues.append(issue("information", "not-found", f"The value set '{vs_canon}' (binding strength: "
                                f"{strength}) is not known to this server, so the binding was not checked",
                                expression=fp))
            return
        validator = self._vs_validators.get(vs_canon)
        if validator is None:
            validator = self._vs_validators[vs_canon] = CodeValidator(self.ctx, vs, self.options)
        try:
            result = validator.validate(kind, codings, cc)
        except TerminologyError as exc:
            issues.append(issue("information", "processing", f"The binding to the value set '{vs_canon}' (binding "
                                f"strength: {strength}) could not be checked: {exc.message}", expression=fp))
            return
        if parameter_value(result, "result") is True:
            return
        unknown = parameter_value(result, "x-caused-by-unknown-system") or parameter_value(result, "x-unknown-system")
        title = vs.get("title") or vs.get("name") or vs_canon
        if unknown:
            issues.append(issue("information", "not-found", f"The binding to the value set '{vs_canon}' ({title}, "
                                f"binding strength: {strength}) could not be checked: the code system '{unknown}' "
                                "is not known to this server", expression=fp))
            return
        shown = ", ".join(f"{c.get('system') + '#' if c.get('system') else ''}{c.get('code')}" for c in codings)
        what = (f"None of the codes '{shown}' is in" if len(codings) > 1 else f"The code '{shown}' is not in")
        issues.append(issue(severity, "code-invalid", f"{what} the value set '{vs_canon}' ({title}), bound with "
                            f"strength '{strength}'", tx_code="not-in-vs", expression=fp))


def _bound_codings(item, type_code: str):
    """(kind, codings, CodeableConcept) of a bound element's value, or None when there is nothing to check
    (a reference in a CodeableReference, a value of another type)."""
    if type_code == "CodeableReference" and isinstance(item, dict):
        item, type_code = item.get("concept"), "CodeableConcept"
        if item is None:
            return None
    if type_code == "CodeableConcept" and isinstance(item, dict):
        codings = [c for c in item.get("coding", []) if isinstance(c, dict)] \
            if isinstance(item.get("coding"), list) else []
        return "CodeableConcept", codings, item
    if type_code == "Coding" and isinstance(item, dict):
        return "Coding", [item], None
    if isinstance(item, str):
        return "code", [{"code": item}], None
    return None


def structure_problems(resource: dict, fhir_version: str, rounds: int = 4) -> list[tuple[str, str]]:
    """Every structural problem. The models check required elements only once the element types are
    right, so the erroneous elements are removed and the rest re-checked (a few rounds) to find those too."""
    problems = fhir_io.validate_resource(resource, fhir_version)
    out = list(problems)
    seen = {loc for loc, _m in problems}
    current = resource
    for _ in range(rounds):
        if not problems:
            break
        current = _without(current, [loc for loc, _m in problems])
        if current is None:
            break
        problems = [(loc, msg) for loc, msg in fhir_io.validate_resource(current, fhir_version) if loc not in seen]
        seen.update(loc for loc, _m in problems)
        out.extend(problems)
    return out


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _without(resource: dict, locations: list[str]):
    """A copy of resource without the elements at the given paths ('Type.a.b[2].c'); None if nothing changes."""
    import copy

    out = copy.deepcopy(resource)
    changed = False
    for loc in locations:
        steps = [m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _STEP.finditer(loc)][1:]
        node = out
        for step in steps[:-1]:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if not steps or node is None:
            continue
        last = steps[-1]
        if isinstance(node, dict) and isinstance(last, str) and last in node:
            del node[last]
            changed = True
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node[last] = {}
            changed = True
    return out if changed else None


def _outcome(issues: list[dict]) -> dict:
    if not issues:
        issues = [issue("information", "informational", "No issues detected during validation")]
    return {"resourceType": "OperationOutcome", "issue": issues}


def resource_from_parameters(body: dict) -> tuple[object, str | None]:
    """(resource, profile) from a $validate Parameters body ('resource', optional 'profile')."""
    resource, profile = None, None
    for p in body.get("parameter", []) if isinstance(body.get("parameter"), list) else []:
        if not isinstance(p, dict):
            continue
        if p.get("name") == "resource":
            resource = p.get("resource")
        elif p.get("name") == "profile":
            profile = next((v for k, v in p.items() if k.startswith("value") and isinstance(v, str)), None)
    return resource, profile
