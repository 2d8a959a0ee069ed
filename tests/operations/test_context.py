"""service.operations.context: the engine context of one operation (request resources, display languages, limits),
the value set an operation is asked about, and the supplements it uses."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, SUPPLEMENT, vs_url
from service import params as P
from service.engine.requests import ValueSetChoice
from service.errors import Invalid, NotFound, TerminologyError, Unresolvable
from service.operations import make_context, resolve_valueset, use_supplements

CFG = {"MAX_EXPANSION": 7, "DEADLINE_SECONDS": 10.0}


def ctx_for(registry, typed=None, accept_language=None, cfg=CFG):
    return make_context(registry, P.expand(typed or {}), accept_language, cfg)


@pytest.mark.parametrize("value", ["en_GB!", "de,,x y", "12"])
def test_an_invalid_display_language_is_a_400(registry, value):
    with pytest.raises(TerminologyError) as info:
        ctx_for(registry, {"displayLanguage": [value]})
    err = info.value
    assert err.status == 400 and err.issue_code == "processing" and err.tx_code == "invalid-display"
    assert err.message_id == "INVALID_DISPLAY_NAME" and value in err.message


def test_a_display_language_with_a_bad_quality_value_is_a_400_too(registry):
    with pytest.raises(Invalid) as info:
        ctx_for(registry, {"displayLanguage": ["de;q=x"]})
    assert info.value.status == 400 and "quality" in info.value.message


def test_display_language_beats_accept_language(registry):
    ctx = ctx_for(registry, {"displayLanguage": ["de"]}, "fr")
    assert ctx.prefs.tags == ["de"] and ctx.prefs.source == "param"
    ctx = ctx_for(registry, {}, "fr, en;q=0.5")
    assert ctx.prefs.tags[0] == "fr" and ctx.prefs.source == "header"


def test_a_malformed_accept_language_header_is_ignored(registry):
    ctx = ctx_for(registry, {}, "en;q=oops")
    assert not ctx.prefs and ctx.prefs.source == "none"


def test_limits_and_version_choices_come_from_the_configuration_and_request(registry):
    ctx = ctx_for(registry, {"system-version": [f"{ANIMALS}|1.0.0"]}, cfg={**CFG, "MAX_WALK": 99})
    assert (ctx.max_expansion, ctx.max_walk) == (7, 99)
    assert ctx.system_version == {ANIMALS: "1.0.0"}
    assert ctx_for(registry).max_walk == 1_000_000


def test_request_resources_are_seen_by_this_operation_only(registry):
    vs = {"resourceType": "ValueSet", "url": "http://x/vs/adhoc", "status": "active",
          "compose": {"include": [{"system": ANIMALS}]}}
    ctx = ctx_for(registry, {"tx-resource": [vs]})
    assert ctx.registry.resolve("ValueSet", "http://x/vs/adhoc") is not None
    assert registry.resolve("ValueSet", "http://x/vs/adhoc") is None


# ---- resolve_valueset ----------------------------------------------------------------------------------------------
def test_a_value_set_by_instance_id_inline_or_canonical(registry):
    ctx = ctx_for(registry)
    assert resolve_valueset(ctx, ValueSetChoice(), "pets")["id"] == "pets"
    inline = {"resourceType": "ValueSet", "url": "http://x/inline"}
    assert resolve_valueset(ctx, ValueSetChoice(inline=inline), None) is inline
    assert resolve_valueset(ctx, ValueSetChoice(url=vs_url("pets")), None)["id"] == "pets"
    assert resolve_valueset(ctx, ValueSetChoice(url=vs_url("pets") + "|1.0.0"), None)["id"] == "pets"
    assert resolve_valueset(ctx, ValueSetChoice(), None, required=False) is None


def test_default_valueset_version_chooses_the_version_of_a_versionless_url(registry):
    ctx = ctx_for(registry, {"default-valueset-version": [vs_url("pets") + "|9"]})
    with pytest.raises(Unresolvable) as info:
        resolve_valueset(ctx, ValueSetChoice(url=vs_url("pets")), None)
    assert f"'{vs_url('pets')}|9'" in info.value.message
    assert resolve_valueset(ctx, ValueSetChoice(url=vs_url("pets"), version="1.0.0"), None)["id"] == "pets"


@pytest.mark.parametrize("choice,instance,error,status,text", [
    (ValueSetChoice(), "nope", NotFound, 404, "ValueSet/nope not found"),
    (ValueSetChoice(inline={"resourceType": "CodeSystem"}), None, Invalid, 400, "must be a ValueSet"),
    (ValueSetChoice(url="http://x/a", inline={"resourceType": "ValueSet", "url": "http://x/b"}), None, Invalid, 400,
     "Both url 'http://x/a' and an inline valueSet"),
    (ValueSetChoice(), None, Invalid, 400, "No value set identified"),
    (ValueSetChoice(url=5), None, Invalid, 400, "must be a string"),
    (ValueSetChoice(url="http://nowhere.org/vs", version="2"), None, Unresolvable, 422,
     "'http://nowhere.org/vs|2' could not be found")])
def test_value_set_errors(registry, choice, instance, error, status, text):
    with pytest.raises(error) as info:
        resolve_valueset(ctx_for(registry), choice, instance)
    assert info.value.status == status and text in info.value.message


# ---- use_supplements -----------------------------------------------------------------------------------------------
def test_a_named_supplement_is_used_and_an_unknown_one_is_an_error(registry):
    ctx = ctx_for(registry, {"useSupplement": [SUPPLEMENT]})
    use_supplements(ctx, P.expand({"useSupplement": [SUPPLEMENT]}), None)
    assert [s.url for s in ctx.supplements] == [SUPPLEMENT]
    with pytest.raises(TerminologyError) as info:
        use_supplements(ctx, P.expand({"useSupplement": ["http://nowhere.org/sup"]}), None)
    assert "http://nowhere.org/sup" in info.value.message


def test_a_language_pack_is_applied_for_its_language_only(registry):
    fr = ctx_for(registry, {"displayLanguage": ["fr"]})
    use_supplements(fr, P.expand({}), None)
    assert [s.url for s in fr.supplements] == [SUPPLEMENT]
    de = ctx_for(registry, {"displayLanguage": ["de"]})
    use_supplements(de, P.expand({}), None)
    assert de.supplements == []
    plain = ctx_for(registry)
    use_supplements(plain, P.expand({}), None)
    assert plain.supplements == []
