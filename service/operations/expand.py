"""ValueSet/$expand: the value set's entries (memoised walk), then text filter, paging and rendering."""
from __future__ import annotations

from .. import events
from .. import params as P
from ..engine import expansion_memo
from ..engine.expansion_render import render
from ..engine.expansion_select import page, select_entries
from ..engine.context import OpContext
from ..engine.expand import Expander
from ..engine.languages import parse_language_list
from ..engine.requests import ExpandRequest
from .context import resolve_valueset, use_supplements

VS_EXPANSION_PARAMETER = "http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter"


def apply_valueset_defaults(ctx: OpContext, vs: dict, request):
    """Expansion parameters a ValueSet declares (valueset-expansion-parameter) apply unless the request sets
    them: the request rebuilt with them, and the context updated (display language, version choices)."""
    defaults: dict = {}
    for ext in (vs.get("compose") or {}).get("extension", []) + vs.get("extension", []):
        if ext.get("url") != VS_EXPANSION_PARAMETER:
            continue
        parts = {e.get("url"): next((v for k, v in e.items() if k.startswith("value")), None)
                 for e in ext.get("extension", [])}
        if parts.get("name") and parts.get("value") is not None and parts["name"] not in request.source:
            defaults.setdefault(parts["name"], []).append(parts["value"])
    if not defaults:
        return request
    request = P.with_defaults(request, defaults)
    if "displayLanguage" in defaults and ctx.prefs.source != "param" and not ctx.prefs:
        ctx.prefs = parse_language_list(defaults["displayLanguage"][0], "param")
    ctx.set_versions(request.versions)   # version parameters a value set declares take effect too
    return request


def expand(ctx: OpContext, request: ExpandRequest, instance_id: str | None = None) -> dict:
    vs = resolve_valueset(ctx, request.value_set, instance_id)
    request = apply_valueset_defaults(ctx, vs, request)
    use_supplements(ctx, request, vs)
    expander = Expander(ctx)
    entries = expansion_memo.entries(expander, vs)   # memoised for stored value sets
    offset, count, text = request.offset or 0, request.count, request.filter
    selected = select_entries(entries, active_only=request.active_only is True, text=text,
                              exclude_not_for_ui=request.exclude_not_for_ui is True)
    paged = page(selected, offset=offset, count=count, max_size=ctx.max_expansion,
                 canonical=expander.vs_canonical(vs))
    nested = (request.exclude_nested is not True and expander.hierarchical and not text
              and count is None and not offset)
    events.expansion(len(selected), len(paged))   # the one place both sizes are known (metrics listen)
    return render(vs, expander, selected, paged, request=request, prefs=ctx.prefs, offset=offset, count=count,
                  nested=nested)
