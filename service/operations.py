"""Operation handlers: typed parameters in, R5-shaped resource dict out. No Flask here.

Each handler resolves its inputs (inline resources, tx-resource, instance id,
canonical) and calls the engine. Errors are raised as TerminologyError.
"""
from __future__ import annotations

from .engine.accumulator import page, render, select_entries
from .engine import expansion_cache
from .engine.context import OpContext
from .engine.expand import Expander
from .engine.languages import LanguagePrefs, lang_matches, parse_language_list, valid_tag
from .engine.lookup import lookup as do_lookup
from .engine.supplements import requested_supplements, resolve_supplements
from .engine.subsumes import require_same_system, subsumes as do_subsumes
from .engine.validate_code import CodeValidator
from .engine.versions import split_canonical
from . import events
from .errors import Invalid, NotFound, TerminologyError, Unresolvable
from .params import coerce, first, from_parameters


def make_context(registry, params: dict, accept_language: str | None, cfg: dict) -> OpContext:
    resources = [r for r in params.get("tx-resource", []) if isinstance(r, dict)]
    for name in ("valueSet", "codeSystem"):
        resources.extend(r for r in params.get(name, []) if isinstance(r, dict) and r.get("url"))
    reg = registry.overlay(resources)
    display_language = first(params, "displayLanguage")
    if display_language is not None:
        if not isinstance(display_language, str) or not all(valid_tag(t.split(";")[0].strip())
                                                            for t in display_language.split(",") if t.strip()):
            raise TerminologyError(f"Invalid displayLanguage: '{display_language}'", status=400,
                                   issue_code="processing", tx_code="invalid-display",
                                   message_id="INVALID_DISPLAY_NAME")
        prefs = parse_language_list(display_language, "param")
    else:
        try:
            prefs = parse_language_list(accept_language, "header")
        except Invalid:
            prefs = LanguagePrefs([], "none", None)
    return OpContext(reg, prefs=prefs, params=params, max_expansion=cfg["MAX_EXPANSION"],
                     deadline_s=cfg["DEADLINE_SECONDS"], max_walk=cfg.get("MAX_WALK", 1_000_000))


# ---- value set resolution -------------------------------------------------------------
def resolve_valueset(ctx: OpContext, params: dict, instance_id: str | None, *, required: bool = True):
    if instance_id is not None:
        vs = ctx.registry.by_id("ValueSet", instance_id)
        if vs is None:
            raise NotFound(f"ValueSet/{instance_id} not found", message_id="Unable_to_resolve_value_Set_")
        return vs
    inline = first(params, "valueSet")
    url = first(params, "url") or first(params, "valueSetUrl") or first(params, "context")
    if isinstance(inline, dict):
        if inline.get("resourceType") != "ValueSet":
            raise Invalid(f"The valueSet parameter must be a ValueSet, not {inline.get('resourceType')!r}")
        if url and inline.get("url") and inline["url"] != url:
            raise Invalid(f"Both url '{url}' and an inline valueSet with url '{inline['url']}' were given")
        return inline
    if url is None:
        if required:
            raise Invalid("No value set identified: give url, valueSet, or call on an instance")
        return None
    if not isinstance(url, str):
        raise Invalid(f"The url parameter must be a string, got {url!r}")
    base, version = split_canonical(url)
    version = first(params, "valueSetVersion") or version or ctx.valueset_version.get(base)
    vs = ctx.registry.resolve("ValueSet", base, version)
    if vs is None:
        canon = f"{base}|{version}" if version else base
        raise Unresolvable(f"A definition for the value Set '{canon}' could not be found",
                           message_id="Unable_to_resolve_value_Set_", tx_code="not-found")
    return vs


# ---- $expand ---------------------------------------------------------------------------
VS_EXPANSION_PARAMETER = "http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter"


def apply_valueset_defaults(ctx: OpContext, vs: dict, params: dict) -> dict:
    """Expansion parameters a ValueSet declares (valueset-expansion-parameter) apply unless the request sets them."""
    defaults: dict = {}
    for ext in (vs.get("compose") or {}).get("extension", []) + vs.get("extension", []):
        if ext.get("url") != VS_EXPANSION_PARAMETER:
            continue
        parts = {e.get("url"): next((v for k, v in e.items() if k.startswith("value")), None)
                 for e in ext.get("extension", [])}
        if parts.get("name") and parts.get("value") is not None and parts["name"] not in params:
            defaults.setdefault(parts["name"], []).append(parts["value"])
    if not defaults:
        return params
    merged = dict(params)
    merged.update(defaults)
    if "displayLanguage" in defaults and ctx.prefs.source != "param" and not ctx.prefs:
        ctx.prefs = parse_language_list(defaults["displayLanguage"][0], "param")
    ctx.set_params(merged)   # version parameters a value set declares take effect too
    return merged


def use_supplements(ctx: OpContext, params: dict, vs: dict | None) -> None:
    """Resolve the supplements the request or value set asks for (a missing one is an error), plus
    language packs: supplements in a requested display language are applied without being named."""
    ctx.supplements = resolve_supplements(ctx.registry, None, requested_supplements(params, vs))
    wanted = [t for t in ctx.prefs.tags if t != "*"] if ctx.prefs else []
    if wanted:
        for cs in ctx.registry.all_supplements():
            if (cs.language and cs not in ctx.supplements
                    and any(lang_matches(t, cs.language) for t in wanted) and _designations_only(cs)):
                ctx.supplements.append(cs)


def _designations_only(cs) -> bool:
    """A language pack: a supplement that adds designations and nothing else."""
    return all(not c.properties and not c.ext_props for c in cs.ordered)


def expand(ctx: OpContext, params: dict, instance_id: str | None = None) -> dict:
    vs = resolve_valueset(ctx, params, instance_id)
    params = apply_valueset_defaults(ctx, vs, params)
    use_supplements(ctx, params, vs)
    expander = Expander(ctx)
    entries = expansion_cache.entries(expander, vs)   # memoised for stored value sets
    offset = first(params, "offset", 0) or 0
    count = first(params, "count")
    text = first(params, "filter")
    selected = select_entries(entries, active_only=first(params, "activeOnly", False) is True, text=text,
                              exclude_not_for_ui=first(params, "excludeNotForUI", False) is True)
    paged = page(selected, offset=offset, count=count, max_size=ctx.max_expansion,
                 canonical=expander.vs_canonical(vs))
    nested = (first(params, "excludeNested", False) is not True and expander.hierarchical and not text
              and count is None and not offset)
    events.expansion(len(selected), len(paged))   # the one place both sizes are known (metrics listen)
    return render(vs, expander, selected, paged, params=params, prefs=ctx.prefs, offset=offset, count=count,
                  nested=nested)


# ---- $validate-code --------------------------------------------------------------------
def validate_code(ctx: OpContext, params: dict, *, on_codesystem: bool, instance_id: str | None = None) -> dict:
    vs = None
    if on_codesystem:
        if instance_id is not None:
            cs = ctx.registry.by_id("CodeSystem", instance_id)
            if cs is None:
                raise NotFound(f"CodeSystem/{instance_id} not found")
            params = dict(params)
            params.setdefault("system", [cs.url])
    else:
        vs = resolve_valueset(ctx, params, instance_id)
        params = apply_valueset_defaults(ctx, vs, params)
        if not ctx.prefs and vs.get("language"):
            ctx.prefs = parse_language_list(vs["language"], "valueset")
    use_supplements(ctx, params, vs)
    kind, codings, cc = _codings(params, on_codesystem)
    validator = CodeValidator(ctx, vs)
    return validator.validate(kind, codings, cc)


def _codings(params: dict, on_codesystem: bool):
    cc = first(params, "codeableConcept")
    if isinstance(cc, dict):
        codings = [c for c in cc.get("coding", []) if isinstance(c, dict)]
        if not codings:
            raise Invalid("The codeableConcept has no codings to validate")
        return "CodeableConcept", codings, cc
    coding = first(params, "coding")
    if isinstance(coding, dict):
        return "Coding", [coding], None
    code = first(params, "code")
    if isinstance(code, str):
        system = first(params, "system") or first(params, "url" if on_codesystem else "system")
        coding = {"code": code}
        if system:
            coding["system"] = system
        version = first(params, "systemVersion") or first(params, "version" if on_codesystem else "systemVersion")
        if version:
            coding["version"] = version
        display = first(params, "display")
        if display is not None:
            coding["display"] = display
        if on_codesystem and not system:
            raise Invalid("No system given for the code (use url or system)")
        return "code", [coding], None
    raise Invalid("Unable to find code to validate (looked for coding | codeableConcept | code+system | "
                  "code+inferSystem in parameters", issue_code="invalid", tx_code=None)


def batch_validate(ctx: OpContext, params: dict, make_ctx) -> dict:
    out = []
    for item in params.get("validation", []):
        if not isinstance(item, dict):
            raise Invalid("Each validation parameter must carry a Parameters resource")
        if item.get("resourceType") == "Parameters":
            sub = coerce(from_parameters(item))
        else:
            sub = {k: [v] for k, v in item.items() if v is not None}
        merged = {k: v for k, v in params.items() if k != "validation"}
        merged.update(sub)
        sub_ctx = make_ctx(merged)
        try:
            res = validate_code(sub_ctx, merged, on_codesystem=False)
        except TerminologyError as exc:
            from .errors import to_operation_outcome
            res = to_operation_outcome(exc)
        out.append({"name": "validation", "resource": res})
    return {"resourceType": "Parameters", "parameter": out}


# ---- $lookup / $subsumes -----------------------------------------------------------------
def lookup(ctx: OpContext, params: dict, instance_id: str | None = None) -> dict:
    coding = first(params, "coding")
    system, code, version = first(params, "system"), first(params, "code"), first(params, "version")
    if isinstance(coding, dict):
        system, code, version = coding.get("system"), coding.get("code"), coding.get("version") or version
    if instance_id is not None:
        cs = ctx.registry.by_id("CodeSystem", instance_id)
        if cs is None:
            raise NotFound(f"CodeSystem/{instance_id} not found")
        system, version = cs.url, cs.version
    if not code or not system:
        raise Invalid("$lookup needs a code and a system (or a coding)")
    use_supplements(ctx, params, None)
    return do_lookup(ctx, system, code, version, properties=[p for p in params.get("property", [])
                                                              if isinstance(p, str)])


def subsumes(ctx: OpContext, params: dict, instance_id: str | None = None) -> dict:
    system, version = first(params, "system"), first(params, "version")
    a, b = first(params, "codeA"), first(params, "codeB")
    ca, cb = first(params, "codingA"), first(params, "codingB")
    if isinstance(ca, dict):
        a, system = ca.get("code"), ca.get("system") or system
        version = ca.get("version") or version
    if isinstance(cb, dict):
        b = cb.get("code")
        require_same_system(system, cb.get("system"))
        if version and cb.get("version") and cb["version"] != version:
            raise Invalid(f"codingA and codingB name different versions ('{version}' and '{cb['version']}')")
        version = version or cb.get("version")
    if instance_id is not None:
        cs = ctx.registry.by_id("CodeSystem", instance_id)
        if cs is None:
            raise NotFound(f"CodeSystem/{instance_id} not found")
        system, version = cs.url, cs.version
    if not (a and b and system):
        raise Invalid("$subsumes needs codeA and codeB (or codingA and codingB) and a system")
    return do_subsumes(ctx, system, version, a, b)
