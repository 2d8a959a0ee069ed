"""service.engine.status_checks: warnings for draft / experimental / deprecated / withdrawn resources."""
from __future__ import annotations

from helpers import ANIMALS, param
from service.engine import status_checks
from service.engine.requests import ExpandRequest
from service.engine.validate_code import CodeValidator

EXT = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"


def test_flags():
    assert status_checks.flags({"status": "active"}) == []
    assert status_checks.flags({"status": "draft", "experimental": True}) == ["draft", "experimental"]
    assert status_checks.flags({"status": "active", "extension": [{"url": EXT, "valueCode": "withdrawn"}]}) \
        == ["withdrawn"]


def test_expansion_parameters_name_the_resource_once():
    top = {"resourceType": "ValueSet", "url": "http://x/top", "status": "active"}
    vs = {"resourceType": "ValueSet", "url": "http://x/vs", "version": "1", "status": "draft", "experimental": True}
    assert status_checks.expansion_parameters(top, [vs, vs]) == [
        {"name": "warning-draft", "valueUri": "http://x/vs|1"},
        {"name": "warning-experimental", "valueUri": "http://x/vs|1"}]


def test_the_value_set_asked_about_reports_only_the_end_of_its_life():
    draft = {"resourceType": "ValueSet", "url": "http://x/vs", "status": "draft", "experimental": True}
    assert status_checks.expansion_parameters(draft, []) == []
    withdrawn = dict(draft, extension=[{"url": EXT, "valueCode": "withdrawn"}])
    assert status_checks.expansion_parameters(withdrawn, []) == [{"name": "warning-withdrawn",
                                                                  "valueUri": "http://x/vs"}]
    assert status_checks.flags(withdrawn) == ["draft", "experimental", "withdrawn"]


def _statuses(out):
    return [(i["severity"], i["details"]["coding"][0]["code"], i["details"]["text"])
            for i in (param(out, "issues") or {}).get("issue", [])]


def _validate_with_import(make_ctx, top_status: str, imported_status: str = "draft"):
    imported = {"resourceType": "ValueSet", "url": "http://x/imported", "status": imported_status,
                "compose": {"include": [{"system": ANIMALS}]}}
    reg = make_ctx().registry.overlay([imported])
    top = {"resourceType": "ValueSet", "url": "http://x/vs", "status": top_status,
           "compose": {"include": [{"valueSet": ["http://x/imported"]}]}}
    return CodeValidator(make_ctx(reg=reg), top).validate("Coding", [{"system": ANIMALS, "code": "dog"}])


def test_validate_code_reports_a_draft_import_of_an_active_value_set_not_the_top_level_status(make_ctx):
    out = _validate_with_import(make_ctx, "active")
    assert param(out, "result") is True
    assert _statuses(out) == [("information", "status-check", "Reference to draft ValueSet http://x/imported")]
    assert param(out, "message") is None


def test_a_draft_value_set_is_not_told_that_what_it_relies_on_is_draft(make_ctx):
    assert _statuses(_validate_with_import(make_ctx, "draft")) == []
    # the end of a life is always news, whoever asks
    out = _validate_with_import(make_ctx, "draft", imported_status="retired")
    assert _statuses(out) == [("information", "status-check", "Reference to retired ValueSet http://x/imported")]


def test_standards_status_draft_counts_as_draft():
    v3 = {"resourceType": "CodeSystem", "url": "http://x/v3", "status": "active",
          "extension": [{"url": EXT, "valueCode": "draft"}]}
    assert status_checks.flags(v3) == ["draft"]
    assert status_checks.flags(v3, source={"status": "draft"}) == []
    assert status_checks.flags(v3, source={"status": "active",
                                           "extension": [{"url": EXT, "valueCode": "draft"}]}) == []
    assert status_checks.flags(v3, top_level=True) == []


def test_expansion_warns_about_imported_value_sets(make_ctx):
    from service.engine.expansion_render import render
    from service.engine.expansion_select import page, select_entries
    from service.engine.expand import Expander

    imported = {"resourceType": "ValueSet", "url": "http://x/imported", "version": "2", "status": "active",
                "extension": [{"url": EXT, "valueCode": "withdrawn"}],
                "compose": {"include": [{"system": ANIMALS, "concept": [{"code": "dog"}]}]}}
    ctx = make_ctx()
    ctx = make_ctx(reg=ctx.registry.overlay([imported]))
    top = {"resourceType": "ValueSet", "url": "http://x/vs", "status": "draft",
           "compose": {"include": [{"valueSet": ["http://x/imported"]}]}}
    exp = Expander(ctx)
    sel = select_entries(exp.entries(top), active_only=False, text=None, exclude_not_for_ui=False)
    out = render(top, exp, sel, page(sel, offset=0, count=None, max_size=100, canonical="http://x/vs"), request=ExpandRequest(),
                 prefs=ctx.prefs, offset=0, count=None, nested=False)
    warnings = [p for p in out["expansion"]["parameter"] if p["name"].startswith("warning-")]
    assert warnings == [{"name": "warning-withdrawn", "valueUri": "http://x/imported|2"}]
