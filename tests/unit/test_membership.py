"""service.engine.membership: value-set membership by walking the compose."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, FRAG, FRAGMENT_CS, fragment_vs
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


# ---- codes a fragment does not hold (issue: enumerations must not be widened) -------------------------
@pytest.mark.parametrize("vid,code,verdict", [
    ("whole", "y", "member"),              # the whole system: the code may exist in the full system
    ("listed", "y", None),                 # an enumeration holds exactly what it lists
    ("listed", "z", "member"),             # ... including a listed code the fragment does not hold
    ("filtered", "y", "undetermined"),     # a filter cannot be evaluated for an unknown code
    ("imports-whole", "y", "member"),
    ("imports-listed", "y", None),
    ("imports-listed", "z", "member"),
    ("whole-minus-z", "z", None),
    ("whole-minus-z", "y", "member"),
    ("whole-minus-filter", "y", "undetermined"),
])
def test_unknown_code_verdict(fragment_ctx, vid, code, verdict):
    vs = fragment_ctx.registry.resolve("ValueSet", f"http://x/vs/{vid}")
    cs_for = lambda s, v: fragment_ctx.registry.resolve("CodeSystem", s, v)  # noqa: E731
    assert Membership(Expander(fragment_ctx)).unknown_code_verdict(vs, FRAG, code, cs_for) == verdict


def test_a_complete_code_system_never_admits_an_unknown_code(make_ctx, registry):
    complete = dict(FRAGMENT_CS, url="http://x/complete", content="complete")
    vs = fragment_vs("complete-whole", {"system": "http://x/complete"})
    ctx = make_ctx(reg=registry.overlay([complete, vs]))
    cs_for = lambda s, v: ctx.registry.resolve("CodeSystem", s, v)  # noqa: E731
    assert Membership(Expander(ctx)).unknown_code_verdict(vs, "http://x/complete", "y", cs_for) is None

def test_a_diamond_of_imports_answers_membership_at_once(make_ctx, registry):
    """Issue #14 defect 8: membership, systems and the cycle check walked every one of the 2**25 paths."""
    import time

    from helpers import BASE, diamond_value_sets

    reg = registry.overlay(diamond_value_sets(26))
    ctx = make_ctx(reg=reg)
    vs = reg.by_id("ValueSet", "d0")
    m = Membership(Expander(ctx))
    start = time.perf_counter()
    m.check_cycles(vs)
    assert [s for s, _v in m.systems(vs)] == [ANIMALS]
    cs_for = lambda s, v: reg.resolve("CodeSystem", s, v)   # noqa: E731
    assert m.contains(vs, ANIMALS, "dog", cs_for) is not None
    assert m.contains(vs, ANIMALS, "no-such-code", cs_for) is None
    assert time.perf_counter() - start < 1.0
    looped = diamond_value_sets(6, closing={"include": [{"valueSet": [f"{BASE}/ValueSet/d2"]}]})
    reg2 = registry.overlay(looped)
    with pytest.raises(Processing):
        Membership(Expander(make_ctx(reg=reg2))).check_cycles(reg2.by_id("ValueSet", "d0"))
