"""service.importers.compact_writer: an importer's Draft -> concepts numbered in hierarchy pre-order, descendant
intervals, one compact file written atomically and read back by the compact provider."""
from __future__ import annotations

import pytest

from service.engine.compact import CompactCodeSystem
from service.engine.compact_format import FLAG_ABSTRACT, FLAG_INACTIVE, MAGIC
from service.importers.compact_writer import Draft, code_system_order, descendant_intervals, write

URL = "http://example.org/fhir/CodeSystem/draft"


def draft() -> Draft:
    """root > (b "Beta", a "alpha" > c), plus an inactive leftover z and a root-less leaf y."""
    d = Draft({"resourceType": "CodeSystem", "url": URL, "version": "1", "content": "complete", "status": "active"})
    root = d.add("root", display="Root", flags=FLAG_ABSTRACT)
    b = d.add("b", display="Beta")
    a = d.add("a", display="alpha")
    c = d.add("c", display="Gamma ray")
    d.add("z", display="Zed", flags=FLAG_INACTIVE, status="retired")
    d.add("y", display="Why")
    d.parents[a].append(root)
    d.parents[b].append(root)
    d.parents[c].append(a)
    d.designations[c].append(("Rayon gamma", "fr", d.use({"system": "http://x/use", "code": "syn"})))
    d.set_prop("colour", c, "green")
    d.set_prop("colour", b, "")             # an empty value is no value
    d.refsets["set1"] = [c, b]
    return d


def test_add_is_idempotent_and_uses_are_shared():
    d = draft()
    n = len(d)
    assert d.add("a", display="other") == d.index["a"] and len(d) == n
    assert d.display[d.index["a"]] == "alpha"
    assert d.use({"system": "http://x/use", "code": "syn"}) == 1 and len(d.uses) == 2
    assert d.props == {"colour": {d.index["c"]: "green"}}


def test_code_system_order_is_a_preorder_by_display_then_the_rest():
    d = draft()
    order, children = code_system_order(d)
    assert [d.codes[i] for i in order] == ["root", "a", "c", "b", "y", "z"]   # alpha < Beta (case folded)
    assert [d.codes[i] for i in children[d.index["root"]]] == ["a", "b"]


def test_descendant_intervals_are_merged_runs_of_new_numbers():
    # 0 > (1 > 2, 3 > 2): 2 is reached twice, and 4 stands alone
    reach = descendant_intervals(5, [[1, 3], [2], [], [2], []])
    assert reach == [[0, 4], [1, 3], [2, 3], [2, 4], [4, 5]]


def test_a_cycle_does_not_hang_the_intervals():
    reach = descendant_intervals(2, [[1], [0]])
    assert all(r and len(r) % 2 == 0 for r in reach)


def test_written_file_reads_back_as_the_draft(tmp_path):
    path = write(draft(), tmp_path / "out" / "draft-1.0")
    assert path.name == "draft-1.0.rrcs"                     # the suffix appended, not replacing ".0"
    assert path.read_bytes()[:4] == MAGIC
    assert [p.name for p in path.parent.iterdir()] == [path.name]   # no temporary file left
    cs = CompactCodeSystem(path)
    assert cs.url == URL and cs.count == 6
    assert [c.code for c in cs.iter_concepts()] == ["root", "a", "c", "b", "y", "z"]
    assert cs.descendants("root") == frozenset({"a", "b", "c"})
    assert cs.subsumes("a", "c") and not cs.subsumes("b", "c")
    assert cs.locate("root").abstract and cs.locate("z").inactive and cs.locate("z").status == "retired"
    c = cs.locate("c")
    assert c.display == "Gamma ray" and c.parents == ["a"]
    assert {"language": "fr", "value": "Rayon gamma"}.items() <= c.designations[0].items()
    assert cs.property_values("colour") == ["green"]
    assert cs.in_refset("set1", "c") and cs.in_refset("set1", "b") and not cs.in_refset("set1", "a")
    assert [cs.code_at(i) for i in cs.text_search("ray")] == ["c"]
    assert [cs.code_at(i) for i in cs.text_search("gamma")] == ["c"]


def test_codes_of_a_case_insensitive_draft_are_found_in_any_case(tmp_path):
    d = Draft({"resourceType": "CodeSystem", "url": URL, "content": "complete", "status": "active"},
              case_sensitive=False)
    d.add("ABC-1", display="One")
    d.add("abd-2", display="Two")
    cs = CompactCodeSystem(write(d, tmp_path / "ci"))
    assert cs.locate("abc-1").code == "ABC-1" and cs.locate("ABD-2").code == "abd-2"


@pytest.mark.parametrize("what", ["languages", "statuses", "uses"])
def test_more_than_255_languages_statuses_or_uses_are_refused_clearly(tmp_path, what):
    """The tables are indexed by bytes: a 256th entry is a clear ValueError (it was an OverflowError from the
    middle of the numbering before; fixed with this test)."""
    d = Draft({"resourceType": "CodeSystem", "url": URL})
    for k in range(300):
        i = d.add(f"c{k}", status=f"s{k}" if what == "statuses" else None)
        if what == "languages":
            d.designations[i].append((f"v{k}", f"l{k:03d}", 0))
        if what == "uses":
            d.use({"system": "http://x/use", "code": f"u{k}"})
    with pytest.raises(ValueError, match="at most 255"):
        write(d, tmp_path / "many")
    assert not list(tmp_path.iterdir())
