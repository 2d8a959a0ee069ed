"""CodeSystem/$lookup and CodeSystem/$subsumes: which code, then the engine."""
from __future__ import annotations

from ..engine.context import OpContext
from ..engine.lookup import lookup as do_lookup
from ..engine.requests import LookupRequest, SubsumesRequest
from ..engine.subsumes import require_same_system, subsumes as do_subsumes
from ..errors import Invalid, NotFound
from .context import use_supplements


def _code_system(ctx: OpContext, instance_id: str):
    cs = ctx.registry.by_id("CodeSystem", instance_id)
    if cs is None:
        raise NotFound(f"CodeSystem/{instance_id} not found")
    return cs


def lookup(ctx: OpContext, request: LookupRequest, instance_id: str | None = None) -> dict:
    system, code, version = request.system, request.code, request.version
    if isinstance(request.coding, dict):
        c = request.coding
        system, code, version = c.get("system"), c.get("code"), c.get("version") or version
    if instance_id is not None:
        cs = _code_system(ctx, instance_id)
        system, version = cs.url, cs.version
    if not code or not system:
        raise Invalid("$lookup needs a code and a system (or a coding)")
    use_supplements(ctx, request, None)
    return do_lookup(ctx, system, code, version, properties=[p for p in request.properties if isinstance(p, str)])


def subsumes(ctx: OpContext, request: SubsumesRequest, instance_id: str | None = None) -> dict:
    system, version = request.system, request.version
    a, b = request.code_a, request.code_b
    ca, cb = request.coding_a, request.coding_b
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
        cs = _code_system(ctx, instance_id)
        system, version = cs.url, cs.version
    if not (a and b and system):
        raise Invalid("$subsumes needs codeA and codeB (or codingA and codingB) and a system")
    return do_subsumes(ctx, system, version, a, b)
