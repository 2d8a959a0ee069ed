"""service.web.search_params: FHIR search over our content (modifiers, paging links, lenient handling)."""
from __future__ import annotations

import pytest

from helpers import BASE


def _ids(r):
    return [e["resource"]["id"] for e in r.get_json().get("entry", []) if e["search"]["mode"] == "match"]


def test_string_parameters_match_the_start_ignoring_case_and_accents(client):
    assert "pets" in _ids(client.get("/r4/ValueSet?name=PET"))
    assert "pets" not in _ids(client.get("/r4/ValueSet?name=ets"))
    assert "pets" in _ids(client.get("/r4/ValueSet?name:contains=ets"))
    assert "pets" not in _ids(client.get("/r4/ValueSet?name:exact=pets"))   # exact is case-sensitive


def test_url_below_finds_a_publishers_content(client):
    ids = _ids(client.get(f"/r4/CodeSystem?url:below={BASE}/CodeSystem"))
    assert {"animals", "letters"} <= set(ids)
    assert _ids(client.get(f"/r4/CodeSystem?url:below={BASE}/Code")) == []   # a path segment, not a prefix


def test_comma_is_or_and_repeating_is_and(client):
    both = _ids(client.get("/r4/ValueSet?_id=pets,mammals"))
    assert set(both) == {"pets", "mammals"}
    assert _ids(client.get("/r4/ValueSet?_id=pets&_id=mammals")) == []


def test_unknown_parameters_are_a_400_unless_lenient(client):
    strict = client.get("/r4/ValueSet?_totalMethod=count")
    assert strict.status_code == 400 and "_totalMethod" in str(strict.get_json())
    lenient = client.get("/r4/ValueSet?_totalMethod=count", headers={"Prefer": "handling=lenient"})
    assert lenient.status_code == 200
    outcome = [e for e in lenient.get_json()["entry"] if e["search"]["mode"] == "outcome"]
    assert outcome and "_totalMethod" in outcome[0]["resource"]["issue"][0]["details"]["text"]


def test_paging_links_and_count_zero(client):
    page = client.get("/r4/ValueSet?_count=2&_offset=2").get_json()
    rel = {link["relation"]: link["url"] for link in page["link"]}
    assert {"self", "first", "previous", "next", "last"} <= set(rel)
    assert rel["first"].endswith("_offset=0") and rel["previous"].endswith("_offset=0")
    assert rel["next"].endswith("_offset=4")
    zero = client.get("/r4/ValueSet?_count=0").get_json()
    assert zero["total"] > 0 and "entry" not in zero
    assert [link["relation"] for link in zero["link"]] == ["self"]      # no next link equal to self: no loop


def test_total_none_and_summary_count(client):
    assert "total" not in client.get("/r4/ValueSet?_total=none").get_json()
    counted = client.get("/r4/ValueSet?_summary=count").get_json()
    assert counted["total"] > 0 and "entry" not in counted


@pytest.mark.parametrize("query", ["_summary=maybe", "_summary=true&_elements=url"])
def test_bad_summary_requests_are_400(client, query):
    assert client.get(f"/r4/ValueSet?{query}").status_code == 400


def test_a_page_is_at_most_max_count_long_and_says_so_in_its_links(client):
    from service.web import resources

    page = client.get(f"/r4/ValueSet?_count={resources.MAX_COUNT * 100}").get_json()
    assert len(page.get("entry", [])) <= resources.MAX_COUNT
    assert all(f"_count={resources.MAX_COUNT * 100}" not in link["url"] for link in page["link"])
