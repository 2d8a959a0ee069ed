"""service.engine.membership: value-set membership by walking the compose."""
from __future__ import annotations

import pytest

from helpers import ANIMALS
from service.engine.expand import Expander
from service.engine.membership import Membership
from service.errors import Processing


def member(make_ctx, vid, code):
    ctx = make_ctx()
    exp = Expander(ctx)
    vs = ctx.registry.by_id("ValueSet", vid)
    return Membership(exp).contains(vs, ANIMALS, code, lambda s, v: ctx.registry.resolve("CodeSystem", s, v))


def test_filter_and_exclude(make_ctx):
    assert member(make_ctx, "animals-all", "parrot") is not None
    assert member(make_ctx, "no-birds", "dog") is not None
    assert member(make_ctx, "no-birds", "parrot") is None


def test_systems_lists_imported_systems(make_ctx):
    ctx = make_ctx()
    vs = ctx.registry.by_id("ValueSet", "mammals-and-letters")
    systems = {s for s, _v in Membership(Expander(ctx)).systems(vs)}
    assert ANIMALS in systems and len(systems) >= 2


def test_cycles_are_detected_through_imports(make_ctx):
    ctx = make_ctx()
    vs = ctx.registry.by_id("ValueSet", "cycle-a")
    with pytest.raises(Processing) as info:
        Membership(Expander(ctx)).check_cycles(vs)
    assert info.value.message_id == "VALUESET_CIRCULAR_REFERENCE"
