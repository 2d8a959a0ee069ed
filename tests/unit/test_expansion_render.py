"""service.engine.expansion_render: ValueSet.expansion (total, offset, parameters), contains items (displays by
language, designations, properties) and their nesting along the hierarchy."""
from __future__ import annotations

from helpers import codes
from service import params as P
from service.engine.expand import Expander
from service.engine.expansion_render import render
from service.engine.expansion_select import page, select_entries

ALL_ANIMALS = ["animal", "mammal", "dog", "cat", "bird", "parrot", "dodo", "plant", "tree", "oak", "fern"]


def _render(make_ctx, vid, *, params=None, offset=0, count=None, text=None, active_only=False, nested=False,
            lang=None, lang_source="param"):
    ctx = make_ctx(params=params or {}, lang=lang, lang_source=lang_source)
    vs = ctx.registry.by_id("ValueSet", vid)
    exp = Expander(ctx)
    es = exp.entries(vs)
    sel = select_entries(es, active_only=active_only, text=text, exclude_not_for_ui=False)
    paged = page(sel, offset=offset, count=count, max_size=1000, canonical=exp.vs_canonical(vs))
    return render(vs, exp, sel, paged, request=P.expand(params or {}), prefs=ctx.prefs, offset=offset, count=count,
                  nested=nested)


def test_render_total_is_before_paging_and_offset_is_echoed(make_ctx):
    out = _render(make_ctx, "animals-all", params={"count": [2], "offset": [1]}, offset=1, count=2)
    assert out["resourceType"] == "ValueSet"
    assert out["expansion"]["total"] == len(ALL_ANIMALS)
    assert out["expansion"]["offset"] == 1
    assert codes(out) == ["mammal", "dog"]
    names = [p["name"] for p in out["expansion"]["parameter"]]
    assert "count" in names and "offset" in names and "used-codesystem" in names


def test_render_count_zero_gives_total_and_no_contains(make_ctx):
    out = _render(make_ctx, "animals-all", params={"count": [0]}, count=0)
    assert out["expansion"]["total"] == len(ALL_ANIMALS)
    assert "contains" not in out["expansion"]


def test_render_total_after_text_filter_and_active_only(make_ctx):
    out = _render(make_ctx, "animals-all", params={"filter": ["d"]}, text="d")
    assert codes(out) == ["dog", "dodo"] and out["expansion"]["total"] == 2
    out = _render(make_ctx, "animals-all", params={"filter": ["d"], "activeOnly": [True]}, text="d",
                  active_only=True)
    assert codes(out) == ["dog"] and out["expansion"]["total"] == 1


def test_render_flags_and_display_language(make_ctx):
    out = _render(make_ctx, "animals-all", lang="de", params={"displayLanguage": ["de"]})
    items = {c["code"]: c for c in out["expansion"]["contains"]}
    assert items["animal"]["abstract"] is True
    assert items["dodo"]["inactive"] is True
    assert "abstract" not in items["dog"] and "inactive" not in items["dog"]
    assert items["dog"]["display"] == "Hund"
    assert items["animal"]["display"] == "Tier"


def test_render_accept_language_falls_back_to_the_default_display(make_ctx):
    out = _render(make_ctx, "animals-all", lang="de", lang_source="header")
    items = {c["code"]: c for c in out["expansion"]["contains"]}
    assert items["dog"]["display"] == "Hund"
    assert items["dodo"]["display"] == "Dodo"   # no German designation: the default display


def test_render_nested_follows_the_hierarchy(make_ctx):
    out = _render(make_ctx, "animals-all", nested=True)
    roots = out["expansion"]["contains"]
    assert [c["code"] for c in roots] == ["animal", "plant"]
    mammal = roots[0]["contains"][0]
    assert mammal["code"] == "mammal" and [c["code"] for c in mammal["contains"]] == ["dog", "cat"]


def test_render_properties_and_designations(make_ctx):
    out = _render(make_ctx, "pets", params={"property": ["colour"], "includeDesignations": [True]})
    dog = out["expansion"]["contains"][0]
    assert dog["property"] == [{"code": "colour", "valueString": "brown"}]
    assert {"language": "de", "value": "Hund"}.items() <= next(
        d for d in dog["designation"] if d.get("language") == "de").items()
    assert out["expansion"]["property"] == [{"code": "colour"}]


def _item(out, code):
    return next(c for c in out["expansion"]["contains"] if c["code"] == code)


def test_property_parent_child_inactive_are_derived_from_the_hierarchy(make_ctx):
    out = _render(make_ctx, "animals-all", params={"property": ["parent", "child", "inactive"]})
    dog = _item(out, "dog")
    assert {"code": "parent", "valueCode": "mammal"} in dog["property"]
    assert {"code": "inactive", "valueBoolean": False} in dog["property"]
    mammal = _item(out, "mammal")
    assert {"code": "child", "valueCode": "dog"} in mammal["property"]
    assert any(p["code"] == "parent" for p in out["expansion"]["property"])


def test_designation_parameter_alone_includes_matching_designations(make_ctx):
    out = _render(make_ctx, "animals-all", params={"designation": ["urn:ietf:bcp:47|de"]})
    assert _item(out, "dog")["designation"] == [
        {"language": "de", "use": {"system": "http://terminology.hl7.org/CodeSystem/designation-usage",
                                   "code": "display"}, "value": "Hund"}]


def test_include_definition_returns_the_compose(make_ctx):
    assert "compose" in _render(make_ctx, "animals-all", params={"includeDefinition": [True]})
    assert "compose" not in _render(make_ctx, "animals-all", params={})


def test_value_set_extensions_are_part_of_the_definition(make_ctx):
    ext = [{"url": "http://hl7.org/fhir/StructureDefinition/valueset-supplement",
            "valueCanonical": "http://example.org/fhir/CodeSystem/animals-supplement"}]

    def render_with(params):
        ctx = make_ctx(params=params)
        vs = dict(ctx.registry.by_id("ValueSet", "animals-all"), extension=ext)
        exp = Expander(ctx)
        sel = select_entries(exp.entries(vs), active_only=False, text=None, exclude_not_for_ui=False)
        paged = page(sel, offset=0, count=None, max_size=1000, canonical=exp.vs_canonical(vs))
        return render(vs, exp, sel, paged, request=P.expand(params), prefs=ctx.prefs, offset=0, count=None,
                      nested=False)

    defined = render_with({"includeDefinition": [True]})
    assert defined["extension"] == ext and "compose" in defined
    plain = render_with({})
    assert "extension" not in plain and "compose" not in plain
    assert plain["url"] == defined["url"]
