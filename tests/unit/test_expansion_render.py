"""service.engine.expansion_render: ValueSet.expansion (total, offset, parameters), contains items (displays by
language, designations, properties) and their nesting along the hierarchy."""
from __future__ import annotations

from helpers import ALL_ANIMALS, ANIMALS, SUPPLEMENT, VERSIONED, codes
from service import params as P
from service.engine.expand import Expander
from service.engine.expansion_render import PREFERRED, STATUS_URI, STD_URI, contains_item, render
from service.engine.expansion_select import page, select_entries

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


# ---- rendering straight from a value set: versions, nesting, echoed language, supplements, status -----------------
def render_vs(make_ctx, vs, params=None, *, lang=None, lang_source="param", nested=True):
    from service.operations import use_supplements

    params = params or {}
    ctx = make_ctx(params=params, lang=lang, lang_source=lang_source)
    request = P.expand(params)
    use_supplements(ctx, request, vs)
    exp = Expander(ctx)
    es = exp.entries(vs)
    return render(vs, exp, es, es, request=request, prefs=ctx.prefs, offset=0, count=None, nested=nested)


def inline(*includes):
    return {"resourceType": "ValueSet", "url": "http://x/vs/render", "status": "active",
            "compose": {"include": list(includes)}}


def test_several_versions_of_one_system_show_their_version_newest_first(make_ctx):
    out = render_vs(make_ctx, inline({"system": VERSIONED, "version": "1.0.0"}, {"system": VERSIONED, "version": "1.2.0"}))
    assert [(c["code"], c["version"]) for c in out["expansion"]["contains"]] == [
        ("a", "1.2.0"), ("a", "1.0.0"), ("b", "1.2.0"), ("b", "1.0.0"), ("c", "1.2.0")]
    assert [p["valueUri"] for p in out["expansion"]["parameter"] if p["name"] == "used-codesystem"] == [
        f"{VERSIONED}|1.0.0", f"{VERSIONED}|1.2.0"]
    one = render_vs(make_ctx, inline({"system": VERSIONED, "version": "1.2.0"}))
    assert all("version" not in c for c in one["expansion"]["contains"])     # one version: not repeated per code


def test_nesting_places_a_code_under_its_nearest_ancestor_in_the_expansion(make_ctx):
    vs = inline({"system": ANIMALS, "concept": [{"code": "dog"}, {"code": "animal"}, {"code": "parrot"},
                                                {"code": "oak"}]})
    roots = render_vs(make_ctx, vs)["expansion"]["contains"]
    assert [c["code"] for c in roots] == ["animal", "oak"]           # mammal, bird and tree are not there
    assert [c["code"] for c in roots[0]["contains"]] == ["dog", "parrot"]
    assert "contains" not in roots[1]
    flat = render_vs(make_ctx, vs, nested=False)["expansion"]["contains"]
    assert [c["code"] for c in flat] == ["dog", "animal", "parrot", "oak"]


def test_the_accept_language_header_is_echoed_as_its_first_choice_only(make_ctx):
    out = render_vs(make_ctx, inline({"system": ANIMALS}), lang="de-CH, en;q=0.5, *", lang_source="header")
    assert [p for p in out["expansion"]["parameter"] if p["name"] == "displayLanguage"] == [
        {"name": "displayLanguage", "valueCode": "de-CH"}]
    out = render_vs(make_ctx, inline({"system": ANIMALS}))
    assert not [p for p in out["expansion"]["parameter"] if p["name"] == "displayLanguage"]


def test_a_language_pack_in_the_requested_language_is_used_and_named(make_ctx):
    out = render_vs(make_ctx, inline({"system": ANIMALS, "concept": [{"code": "dog"}]}),
                    {"displayLanguage": ["fr"], "includeDesignations": [True]}, lang="fr")
    [dog] = out["expansion"]["contains"]
    assert dog["display"] == "Chien"
    assert {"name": "used-supplement", "valueUri": f"{SUPPLEMENT}|1.0.0"} in out["expansion"]["parameter"]
    # the code system's own display, no longer shown, stays as a designation preferred for its language
    assert {"language": "en", "use": PREFERRED, "value": "Dog"} in dog["designation"]
    assert not any(d.get("value") == "Chien" for d in dog["designation"])    # the display is not repeated


def test_a_status_other_than_active_is_always_a_property(make_ctx):
    out = render_vs(make_ctx, inline({"system": ANIMALS, "concept": [{"code": "dodo"}, {"code": "dog"}]}))
    dodo, dog = out["expansion"]["contains"]
    assert {"code": "status", "valueCode": "retired"} in dodo["property"] and dodo["inactive"] is True
    assert "property" not in dog
    assert {"code": "status", "uri": STATUS_URI} in out["expansion"]["property"]


def test_contains_item_shows_flags_version_and_display_in_a_fixed_shape(make_ctx):
    _exp_out = Expander(make_ctx())
    [mammal] = [e for e in _exp_out.entries(inline({"system": ANIMALS, "concept": [{"code": "mammal"}]}))]
    item = contains_item(mammal, prefs=None, show_version=True, designations=False, properties=[], cs_props={})
    assert list(item) == ["system", "version", "abstract", "code", "display"]
    assert (item["version"], item["abstract"], item["display"]) == ("1.0.0", True, "Mammal")
    item = contains_item(mammal, prefs=None, show_version=False, designations=True, properties=["parent"],
                         cs_props=(props := {}), designation_filter=["urn:ietf:bcp:47|de"])
    assert "version" not in item and item["designation"] == [
        {"language": "de", "use": {"system": "http://terminology.hl7.org/CodeSystem/designation-usage",
                                   "code": "display"}, "value": "Säugetier"}]
    assert item["property"] == [{"code": "parent", "valueCode": "animal"}]
    assert props == {"parent": STD_URI + "parent"}
