"""What every operation handler does first: the engine context, the value set asked about, supplements."""
from __future__ import annotations

from ..engine.context import OpContext
from ..engine.languages import LanguagePrefs, lang_matches, parse_language_list, valid_tag
from ..engine.requests import Common, ValueSetChoice
from ..engine.supplements import requested_supplements, resolve_supplements
from ..engine.versions import split_canonical
from ..errors import Invalid, NotFound, TerminologyError, Unresolvable, shown


def make_context(registry, request: Common, accept_language: str | None, cfg: dict, *, memo=None,
                 index_cache=None) -> OpContext:
    """The context of one operation: the registry with the request's own resources on top, display languages
    (displayLanguage beats Accept-Language), version choices, limits, the application's expansion memo."""
    reg = registry.overlay(list(request.tx_resources), index_cache=index_cache)
    display_language = request.display_language
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
    return OpContext(reg, prefs=prefs, versions=request.versions, max_expansion=cfg["MAX_EXPANSION"],
                     deadline_s=cfg["DEADLINE_SECONDS"], max_walk=cfg.get("MAX_WALK", 1_000_000), memo=memo)


def resolve_valueset(ctx: OpContext, choice: ValueSetChoice, instance_id: str | None, *, required: bool = True):
    """The value set an operation is asked about: an instance id, an inline resource, or a canonical."""
    if instance_id is not None:
        vs = ctx.registry.by_id("ValueSet", instance_id)
        if vs is None:
            raise NotFound(f"ValueSet/{instance_id} not found", message_id="Unable_to_resolve_value_Set_")
        return vs
    inline, url = choice.inline, choice.url
    if isinstance(inline, dict):
        if inline.get("resourceType") != "ValueSet":
            raise Invalid(f"The valueSet parameter must be a ValueSet, not {shown(inline.get('resourceType'))}")
        if url and inline.get("url") and inline["url"] != url:
            raise Invalid(f"Both url '{url}' and an inline valueSet with url '{inline['url']}' were given")
        return inline
    if url is None:
        if required:
            raise Invalid("No value set identified: give url, valueSet, or call on an instance")
        return None
    if not isinstance(url, str):
        raise Invalid(f"The url parameter must be a string, got {shown(url)}")
    base, version = split_canonical(url)
    version = choice.version or version or ctx.valueset_version.get(base)
    vs = ctx.registry.resolve("ValueSet", base, version)
    if vs is None:
        canon = f"{base}|{version}" if version else base
        raise Unresolvable(f"A definition for the value Set '{canon}' could not be found",
                           message_id="Unable_to_resolve_value_Set_", tx_code="not-found")
    return vs


def use_supplements(ctx: OpContext, request: Common, vs: dict | None) -> None:
    """Resolve the supplements the request or value set asks for (a missing one is an error), plus
    language packs: supplements in a requested display language are applied without being named."""
    ctx.supplements = resolve_supplements(ctx.registry, None, requested_supplements(request.use_supplement, vs))
    wanted = [t for t in ctx.prefs.tags if t != "*"] if ctx.prefs else []
    if wanted:
        for cs in ctx.registry.all_supplements():
            if (cs.language and cs not in ctx.supplements
                    and any(lang_matches(t, cs.language) for t in wanted) and cs.designations_only):
                ctx.supplements.append(cs)
