"""service.selfcheck.runner: the operations as the API answers them (Server), the Report, sampling."""
from __future__ import annotations

import random

from helpers import ANIMALS, vs_url
from service import selfcheck
from service.resource_validation import parameter_value as param
from service.selfcheck.runner import SHOWN_PER_INVARIANT, Report, Server, flatten, sample


def test_report_lines_give_the_counts(registry):
    report = selfcheck.run(registry, {}, limit=5, checks=("subsumption",))
    lines = report.lines()
    assert lines[-1].startswith("total: ") and "0 disagreements" in lines[-1]
    assert any(line.startswith("subsumes-matches-is-a: ") for line in lines)


# ---- Report, Server, sample ---------------------------------------------------------------------------------------

CFG = {"MAX_EXPANSION": 1000, "DEADLINE_SECONDS": 10.0}


def test_a_report_counts_checks_and_keeps_disagreements():
    report = Report()
    assert report.ok and report.disagreements == 0
    assert report.check("a", True, "fine") is True
    assert report.check("a", False, "first") is False
    report.check("b", False, "second")
    report.invariant("b").skip("no way")
    report.invariant("b").skip("no way")
    assert not report.ok and report.disagreements == 2
    assert (report.invariant("a").checked, report.invariant("a").disagreements) == (2, ["first"])
    assert report.invariant("b").skipped == {"no way": 2}


def test_report_lines_show_a_bounded_list_of_disagreements():
    report = Report()
    report.resources = {"CodeSystem": 2, "ValueSet": 3}
    for i in range(SHOWN_PER_INVARIANT + 3):
        report.check("many", False, f"d{i}")
    report.invariant("many").skip("why")
    lines = report.lines()
    assert lines[0] == "content: 2 CodeSystems, 3 ValueSets"
    assert lines[1] == f"many: {SHOWN_PER_INVARIANT + 3} checked, {SHOWN_PER_INVARIANT + 3} disagreements"
    assert lines[2] == "    not checkable (1): why"
    assert sum(line.startswith("    DISAGREES: ") for line in lines) == SHOWN_PER_INVARIANT
    assert "    ... and 3 more" in lines
    assert lines[-1] == f"total: {SHOWN_PER_INVARIANT + 3} invariants checked, {SHOWN_PER_INVARIANT + 3} disagreements"


def test_the_server_answers_as_the_api_on_r5_and_r4(registry):
    server = Server(registry, CFG)
    status, out = server.call("lookup", {"system": [ANIMALS], "code": ["dog"]})
    assert status == 200 and param(out, "display") == "Dog"
    status, out = server.call("validate-vs", {"url": [vs_url("pets")], "system": [ANIMALS], "code": ["oak"]})
    assert status == 200 and param(out, "result") is False
    _, r5 = server.call("translate", {"url": ["http://example.org/fhir/ConceptMap/animals-to-letters"],
                                      "system": [ANIMALS], "code": ["dog"]})
    _, r4 = server.call("translate", {"url": ["http://example.org/fhir/ConceptMap/animals-to-letters"],
                                      "system": [ANIMALS], "code": ["dog"]}, version="R4")
    names = lambda out: {p["name"] for m in out["parameter"] if m["name"] == "match" for p in m["part"]}  # noqa: E731
    assert "relationship" in names(r5) and "equivalence" in names(r4)


def test_the_server_turns_errors_into_their_status(registry):
    server = Server(registry, CFG)
    status, out = server.call("expand", {"url": ["http://nowhere.org/vs"]})
    assert status == 422 and out["resourceType"] == "OperationOutcome"
    assert "http://nowhere.org/vs" in out["issue"][0]["diagnostics"]
    assert server.call("expand", {"count": ["many"], "url": [vs_url("pets")]})[0] == 400   # typed like the API


def test_a_sample_is_reproducible_keeps_order_and_is_everything_when_small():
    items = list(range(100))
    a, b = sample(items, 10, random.Random(5)), sample(items, 10, random.Random(5))
    assert a == b and a == sorted(a) and len(a) == 10
    assert sample(items, 10, random.Random(6)) != a
    assert sample(items, None, random.Random(5)) == items and sample(items[:3], 10, random.Random(5)) == [0, 1, 2]


def test_flatten_and_param():
    nested = [{"code": "a", "contains": [{"code": "b", "contains": [{"code": "c"}]}]}, {"code": "d"}]
    assert [c["code"] for c in flatten(nested)] == ["a", "b", "c", "d"] and flatten(None) == []
    body = {"parameter": [{"name": "x", "valueString": "1"}, {"name": "x", "valueString": "2"}, {"name": "r"}]}
    assert param(body, "x") == "1" and param(body, "r") is None and param({}, "x") is None
