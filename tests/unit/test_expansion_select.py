"""service.engine.expansion_select: the text filter, activeOnly, excludeNotForUI, paging and the size limit."""
from __future__ import annotations

import pytest

from service.engine.expand import Expander
from service.engine.expansion_select import page, select_entries, text_matcher
from service.errors import TooCostly

ALL_ANIMALS = ["animal", "mammal", "dog", "cat", "bird", "parrot", "dodo", "plant", "tree", "oak", "fern"]


def entries(make_ctx, vs_or_id, **ctx_kw):
    ctx = make_ctx(**ctx_kw)
    vs = vs_or_id if isinstance(vs_or_id, dict) else ctx.registry.by_id("ValueSet", vs_or_id)
    exp = Expander(ctx)
    return exp, exp.entries(vs)


def test_text_matcher_is_word_prefix_case_and_accent_insensitive():
    m = text_matcher("col PAR")
    assert m(["Colorful parrot"])
    assert not m(["Dog"])
    assert not m(["olorful parrot"])   # prefix of a word, not a substring
    assert text_matcher("sauge")(["Säugetier"])
    assert text_matcher("") is None and text_matcher("  ") is None


def test_text_filter_searches_designations_and_codes(make_ctx):
    _exp, es = entries(make_ctx, "animals-all")
    assert [e.code for e in select_entries(es, active_only=False, text="hund", exclude_not_for_ui=False)] == ["dog"]
    assert [e.code for e in select_entries(es, active_only=False, text="colourful",
                                           exclude_not_for_ui=False)] == ["parrot"]
    assert [e.code for e in select_entries(es, active_only=False, text="fern", exclude_not_for_ui=False)] == ["fern"]


def test_active_only_and_exclude_not_for_ui(make_ctx):
    _exp, es = entries(make_ctx, "animals-all")
    active = [e.code for e in select_entries(es, active_only=True, text=None, exclude_not_for_ui=False)]
    assert "dodo" not in active and len(active) == len(ALL_ANIMALS) - 1
    selectable = [e.code for e in select_entries(es, active_only=False, text=None, exclude_not_for_ui=True)]
    assert "animal" not in selectable and "mammal" not in selectable and "dog" in selectable


def test_page_offset_and_count(make_ctx):
    _exp, es = entries(make_ctx, "animals-all")
    assert [e.code for e in page(es, offset=2, count=3, max_size=1000, canonical="c")] == ["dog", "cat", "bird"]
    assert [e.code for e in page(es, offset=10, count=5, max_size=1000, canonical="c")] == ["fern"]
    assert page(es, offset=50, count=5, max_size=1000, canonical="c") == []


def test_page_count_zero_is_empty(make_ctx):
    _exp, es = entries(make_ctx, "animals-all")
    assert page(es, offset=0, count=0, max_size=1000, canonical="c") == []


def test_page_too_costly_without_count_but_fine_with_count(make_ctx):
    _exp, es = entries(make_ctx, "animals-all")
    with pytest.raises(TooCostly) as info:
        page(es, offset=0, count=None, max_size=5, canonical="http://x|1")
    assert info.value.status == 422 and info.value.issue_code == "too-costly"
    assert len(page(es, offset=0, count=5, max_size=5, canonical="c")) == 5
