"""The compact code-system provider: its file format, its CodeSystemIndex surface (as the engine uses it),
and its scale surface checked against plain recomputation on a synthetic release."""
from __future__ import annotations

import random
import re
from collections import deque

import pytest

from rf2_fixture import IDS, NAMES, import_fixture
from service.engine.codesystem import Concept
from service.engine.compact import CompactCodeSystem
from service.engine.compact_format import MAGIC, PREAMBLE, FormatError
from service.engine.context import OpContext
from service.engine.expand import Expander
from service.engine.languages import parse_language_list
from service.engine.lookup import lookup
from service.engine.rangeset import RangeSet
from service.engine.registry import Registry
from service.engine.subsumes import subsumes
from service.engine.text_index import TextIndex, terms_of
from service.importers import snomed


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    return import_fixture(tmp_path_factory.mktemp("shapes"))[0]


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    """A 4,000-concept synthetic release (bench/synth_rf2.py), imported."""
    from bench.synth_rf2 import generate
    work = tmp_path_factory.mktemp("synth")
    generate(work / "rf2", 4000, seed=7)
    path, _summary = snomed.write(work / "rf2", work / "out", progress=False)
    return CompactCodeSystem(path)


# ---- format ------------------------------------------------------------------------------------
def test_file_is_plain_data_with_a_checked_preamble(shapes, tmp_path):
    raw = open(shapes.source_path, "rb").read()
    assert raw[:4] == MAGIC and b"pickle" not in raw[:PREAMBLE.size]
    bad = tmp_path / "bad.rrcs"
    bad.write_bytes(b"XXXX" + raw[4:])
    with pytest.raises(FormatError, match="bad magic"):
        CompactCodeSystem(bad)
    bad.write_bytes(raw[:4] + (99).to_bytes(4, "little") + raw[8:])
    with pytest.raises(FormatError, match="version 99"):
        CompactCodeSystem(bad)
    bad.write_bytes(raw[:10])
    with pytest.raises(FormatError, match="too short"):
        CompactCodeSystem(bad)
    assert not list(tmp_path.glob("*.tmp*"))


# ---- against recomputation on a synthetic release -------------------------------------------------
def _bfs(cs, start: int, step) -> set[int]:
    seen: set[int] = set()
    todo = deque(step(start))
    while todo:
        x = todo.popleft()
        if x not in seen:
            seen.add(x)
            todo.extend(step(x))
    return seen


def test_hierarchy_matches_a_breadth_first_walk(synth):
    rng = random.Random(3)
    for i in rng.sample(range(synth.count), 300):
        below = _bfs(synth, i, synth.child_ids)
        assert set(synth.reach(i)) == below | {i}
        assert synth.descendant_count(i) == len(below) + 1
        assert synth.ancestor_ids(i) == _bfs(synth, i, synth.parent_ids)
        j = rng.randrange(synth.count)
        assert synth.is_descendant_or_self(j, i) == (j in below or j == i)
        assert synth.subsumes(synth.code_at(i), synth.code_at(j)) == (j in below or j == i)


def test_numbering_is_a_preorder_of_the_hierarchy(synth):
    for i in range(synth.count):
        parents = synth.parent_ids(i)
        if parents:
            assert min(parents) < i                       # placed after the parent it was reached from
        assert i in synth.reach(i)
        assert synth.child_ids(i) == sorted(synth.child_ids(i))
        for p in parents:
            assert i in synth.child_ids(p)


def test_text_search_equals_the_engine_text_index(synth):
    """Same answers as text_index.TextIndex built over the same concepts (display, designations, code)."""
    plain = []
    for c in synth.ordered:
        k = Concept(c.code, c.display, None)
        k.designations = c.designations
        plain.append(k)
    reference = TextIndex(plain)
    rng = random.Random(5)
    words = [w.lower() for c in rng.sample(plain, 200) for w in re.findall(r"\w+", c.display)]
    queries = [w[:n] for w in words[:150] for n in (1, 2, 3, 5)]
    queries += [f"{rng.choice(words)[:4]} {rng.choice(words)[:3]}" for _ in range(150)]
    queries += [c.code for c in rng.sample(plain, 20)] + ["zzzzqq", "coloured", "a b c"]
    for q in queries:
        terms = terms_of(q)
        assert list(synth.text_search(q)) == reference.search(terms), q


def test_gb_spellings_and_inactive_concepts_in_the_synthetic_release(synth):
    gb = [c for c in synth.ordered[:2000]
          if synth.preferred_term(c.code, "en-GB") != c.display]
    assert gb, "the generator should give some concepts a GB preferred term"
    inactive = [c for c in synth.ordered if c.inactive]
    assert 0.005 * synth.count < len(inactive) < 0.02 * synth.count
    assert all(not c.parents for c in inactive)
    assert synth.all_ids(active_only=True) == synth.all_ids() - RangeSet.from_ids(c.order for c in inactive)


# ---- the CodeSystemIndex surface, used by unchanged engine modules ---------------------------------
def _ctx(cs, lang=None):
    reg = Registry()
    reg.add(cs.resource, index=cs)
    prefs = parse_language_list(lang, "param") if lang else None
    return OpContext(reg, prefs=prefs)


def test_engine_lookup_over_the_provider(shapes):
    out = lookup(_ctx(shapes, "en-GB"), "http://snomed.info/sct", IDS["CS"], None, properties=[])
    params = {p["name"]: p for p in out["parameter"]}
    assert params["display"]["valueString"] == "Coloured shape"
    assert params["version"]["valueString"] == shapes.version
    designations = [p for p in out["parameter"] if p["name"] == "designation"]
    assert any(part.get("valueString") == "Colored shape (synthetic)" for d in designations for part in d["part"])
    parents = [p for p in out["parameter"] if p["name"] == "property" and p["part"][0]["valueCode"] == "parent"]
    assert [p["part"][1]["valueString"] for p in parents] == ["Shape root"]     # the parent's display


def test_engine_subsumes_over_the_provider(shapes):
    ctx = _ctx(shapes)

    def outcome(a, b):
        return subsumes(ctx, "http://snomed.info/sct", None, IDS[a], IDS[b])["parameter"][0]["valueCode"]
    assert outcome("P", "SQ") == "subsumes" and outcome("SQ", "RHO") == "subsumed-by"
    assert outcome("T", "T") == "equivalent" and outcome("T", "Q") == "not-subsumed"


def test_engine_expansion_of_an_is_a_filter_over_the_provider(shapes):
    vs = {"resourceType": "ValueSet", "url": "http://example.org/vs", "compose": {"include": [{
        "system": "http://snomed.info/sct",
        "filter": [{"property": "concept", "op": "is-a", "value": IDS["Q"]}]}]}}
    entries = Expander(_ctx(shapes)).entries(vs)
    assert [NAMES[e.code] for e in entries] == ["Q", "REC", "SQ", "RHO"]       # code-system (pre-)order
    assert entries[2].display == "Square" and entries[2].cs is shapes


def test_index_of_finds_every_code_and_nothing_else(synth):
    """The sparse index over the sorted codes (every 64th, then a short binary search) finds each code at its
    number, and misses codes before the first, after the last, between two, and prefixes."""
    codes = [synth.code_at(i) for i in range(synth.count)]
    assert all(synth.index_of(c) == i for i, c in enumerate(codes))
    ordered = sorted(c.encode() for c in codes)
    misses = ["0", "9" * 20, ordered[0].decode()[:-1], ordered[100].decode() + "0", ""]
    misses += [ordered[k].decode()[:-1] + "x" for k in range(0, len(ordered), 97)]
    assert all(synth.index_of(m) is None for m in misses if m not in set(codes))
