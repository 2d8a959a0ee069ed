"""service.web.layers.forwarded: behind a reverse proxy, links use the client's address (only when told)."""
from __future__ import annotations

import pytest

from helpers import FIXTURES


@pytest.fixture(scope="module")
def proxied():
    from service import create_app

    return create_app({"CONTENT_DIRS": [str(FIXTURES)], "BEHIND_PROXY": True}).test_client()


HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tx.example.org", "X-Forwarded-Prefix": "/fhir"}


def _self_link(r):
    return next(link["url"] for link in r.get_json()["link"] if link["relation"] == "self")


def test_links_use_the_forwarded_address_when_behind_a_proxy(proxied):
    r = proxied.get("/r4/ValueSet?_count=1", headers=HEADERS)
    assert _self_link(r).startswith("https://tx.example.org/fhir/r4/ValueSet?")
    assert r.get_json()["entry"][0]["fullUrl"].startswith("https://tx.example.org/fhir/r4/ValueSet/")
    rfc = proxied.get("/r4/ValueSet?_count=1", headers={"Forwarded": 'for=1.2.3.4;proto=https;host="a.example"'})
    assert _self_link(rfc).startswith("https://a.example/r4/")


def test_forwarded_headers_are_ignored_unless_told(client):
    assert _self_link(client.get("/r4/ValueSet?_count=1", headers=HEADERS)).startswith("http://localhost/r4/")


def test_a_forged_host_or_prefix_is_not_taken(proxied):
    r = proxied.get("/r4/ValueSet?_count=1", headers={"X-Forwarded-Host": "evil.example/<script>",
                                                      "X-Forwarded-Prefix": "/a b"})
    assert _self_link(r).startswith("http://localhost/r4/")


def test_the_cache_keeps_addresses_apart(proxied):
    a = proxied.get("/r4/ValueSet?_count=1", headers=HEADERS)
    b = proxied.get("/r4/ValueSet?_count=1", headers={**HEADERS, "X-Forwarded-Host": "other.example"})
    assert _self_link(a) != _self_link(b)
