"""service.engine.lookup: the $lookup result."""
from __future__ import annotations

from helpers import ANIMALS, param, params_named
from service.engine.lookup import LANGUAGE_EXT, lookup

NO_DISPLAY = {"resourceType": "CodeSystem", "url": "http://x/nodisplay", "content": "complete", "concept": [
    {"code": "OR", "designation": [{"language": "nl", "use": {
        "system": "http://terminology.hl7.org/CodeSystem/designation-usage", "code": "display"}, "value": "OF"}]},
    {"code": "bare"}]}


def test_display_is_the_concepts_display(make_ctx):
    out = lookup(make_ctx(), ANIMALS, "dog", None, properties=[])
    assert param(out, "display") == "Dog"
    assert "_valueString" not in params_named(out, "display")[0]


def test_a_concept_without_display_gets_its_best_designation_and_says_its_language(make_ctx, registry):
    """display is 1..1 in R4's $lookup output: v2-0210#OR has only a Dutch designation."""
    ctx = make_ctx(reg=registry.overlay([NO_DISPLAY]))
    out = lookup(ctx, "http://x/nodisplay", "OR", None, properties=[])
    (display,) = params_named(out, "display")
    assert display["valueString"] == "OF"
    assert display["_valueString"] == {"extension": [{"url": LANGUAGE_EXT, "valueCode": "nl"}]}


def test_a_concept_with_no_text_at_all_is_displayed_by_its_code(make_ctx, registry):
    ctx = make_ctx(reg=registry.overlay([NO_DISPLAY]))
    out = lookup(ctx, "http://x/nodisplay", "bare", None, properties=[])
    assert params_named(out, "display") == [{"name": "display", "valueString": "bare"}]
