"""service.web.summary: _summary and _elements on read and search, with the SUBSETTED tag."""
from __future__ import annotations

from service.web.summary import SUBSETTED, apply


def _tags(res):
    return [t["code"] for t in res.get("meta", {}).get("tag", [])]


def test_summary_true_keeps_summary_elements_and_says_subsetted(client):
    full = client.get("/r4/CodeSystem/animals").get_json()
    assert "concept" in full and "SUBSETTED" not in _tags(full)
    short = client.get("/r4/CodeSystem/animals?_summary=true").get_json()
    assert "concept" not in short and short["url"] == full["url"] and short["status"] == full["status"]
    assert "SUBSETTED" in _tags(short)


def test_elements_keeps_what_was_asked_and_the_mandatory(client):
    res = client.get("/r4/ValueSet/pets?_elements=url,name").get_json()
    assert set(res) == {"resourceType", "id", "meta", "url", "name", "status"}
    assert "SUBSETTED" in _tags(res)


def test_summary_text_and_data_and_false():
    res = {"resourceType": "ValueSet", "id": "v", "status": "active", "url": "http://x", "text": {"div": "<div/>"},
           "compose": {}}
    assert set(apply(res, "text", None)) == {"resourceType", "id", "meta", "status", "text"}
    data = apply(res, "data", None)
    assert "text" not in data and "compose" in data and SUBSETTED in data["meta"]["tag"]
    assert apply(res, "false", None) is res and apply(res, None, None) is res


def test_search_entries_are_summarised(client):
    bundle = client.get("/r4/CodeSystem?_summary=true&_id=animals").get_json()
    [entry] = bundle["entry"]
    assert "concept" not in entry["resource"] and "SUBSETTED" in _tags(entry["resource"])
