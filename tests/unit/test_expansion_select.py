"""service.engine.expansion_select: the text filter, activeOnly, excludeNotForUI, paging and the size limit."""
from __future__ import annotations

import pytest

from helpers import ALL_ANIMALS
from helpers import expander_entries as entries
from service.engine import text_index
from service.engine.expand import Entry
from service.engine.expansion_select import entry_texts, page, select_entries, text_matcher
from service.errors import TooCostly

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


# ---- entry texts, combined selections, the token-index path, the size limit ------------------------------------
def plain(code: str, display: str | None = None, *, inactive=False, abstract=False) -> Entry:
    return Entry("http://x/cs", None, code, display, inactive=inactive, abstract=abstract)


def test_entry_texts_are_the_display_the_concepts_own_display_designations_and_the_code(make_ctx):
    _exp, es = entries(make_ctx, "pets")
    dog = next(e for e in es if e.code == "dog")
    texts = entry_texts(dog)
    assert texts[0] == "Dog" and texts[-1] == "dog" and "Hund" in texts
    assert texts.count("Dog") == 1                      # the concept's display is not repeated
    renamed = Entry(dog.system, dog.version, "dog", "Doggy", concept=dog.concept, cs=dog.cs)
    assert entry_texts(renamed)[:2] == ["Doggy", "Dog"]
    assert entry_texts(plain("x1")) == ["x1"]


def test_the_selections_combine(make_ctx):
    _exp, es = entries(make_ctx, "animals-all")

    def sel(**kw):
        return [e.code for e in select_entries(es, **{"active_only": False, "text": None,
                                                      "exclude_not_for_ui": False, **kw})]
    assert sel(text="do") == ["dog", "dodo"]
    assert sel(text="do", active_only=True) == ["dog"]
    assert sel(text="mam") == ["mammal"] and sel(text="mam", exclude_not_for_ui=True) == []
    assert sel(text="zzz") == []


def test_many_entries_take_the_token_index_path_with_the_same_answers():
    es = [plain(f"c{i}", f"{'Alpha' if i % 3 == 0 else 'Beta'} item {i}", inactive=i % 5 == 0,
                abstract=i % 7 == 0) for i in range(300)]
    assert text_index.applies(es)
    for text in ("alp", "beta it", "ITEM 1", "nothing"):
        match = text_matcher(text)
        for active_only in (False, True):
            for ui in (False, True):
                want = [e.code for e in es if match(entry_texts(e)) and not (active_only and e.inactive)
                        and not (ui and e.abstract)]
                got = [e.code for e in select_entries(es, active_only=active_only, text=text, exclude_not_for_ui=ui)]
                assert got == want, (text, active_only, ui)


def test_the_size_limit_counts_what_is_left_after_the_offset():
    es = [plain(f"c{i}") for i in range(11)]
    assert [e.code for e in page(es, offset=7, count=None, max_size=5, canonical="c")] == ["c7", "c8", "c9", "c10"]
    with pytest.raises(TooCostly) as info:
        page(es, offset=5, count=None, max_size=5, canonical="http://x/vs|2")
    assert info.value.message_id == "VALUESET_TOO_COSTLY"
    assert "'http://x/vs|2'" in info.value.message and "(>5)" in info.value.message
    assert len(page(es, offset=0, count=100, max_size=5, canonical="c")) == 11   # a count is never too costly
