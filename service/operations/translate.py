"""ConceptMap/$translate: every coding of the request translated, the matches merged into one answer."""
from __future__ import annotations

import dataclasses

from ..engine.context import OpContext
from ..engine.requests import TranslateRequest
from ..engine.translate import build_result, describe, translate as do_translate
from ..errors import Invalid, NotFound


def translate(ctx: OpContext, request: TranslateRequest, instance_id: str | None = None, *,
              fill_display: bool = False) -> dict:
    calls = list(request.calls)
    if instance_id is not None:
        cm = ctx.registry.by_id("ConceptMap", instance_id)
        if cm is None:
            raise NotFound(f"ConceptMap/{instance_id} not found")
        if calls[0].map_url and calls[0].map_url != cm.get("url"):
            raise Invalid(f"The url '{calls[0].map_url}' is not the url of ConceptMap/{instance_id}")
        calls = [dataclasses.replace(c, map_url=None, map_version=None, inline_maps=(cm,)) for c in calls]
    matches: list[dict] = []
    what: list[str] = []
    for call in calls:
        fields = {f.name: getattr(call, f.name) for f in dataclasses.fields(call)}   # shallow: maps stay themselves
        res = do_translate(ctx, fill_display=fill_display, **fields)
        matches.extend(p for p in res["parameter"] if p.get("name") == "match")
        what.append(describe(call.source_code, call.source_system, call.source_version, call.reverse))
    return build_result(matches, what)
