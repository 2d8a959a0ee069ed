"""service.web.negotiate: which format an answer is written in."""
from __future__ import annotations

import pytest

from service.web.negotiate import Negotiator, negotiate


@pytest.mark.parametrize("fmt,accept,kind", [
    (None, None, "json"), (None, "application/fhir+json", "json"), (None, "application/fhir+xml", "xml"),
    (None, "application/fhir+xml;q=0.9, application/fhir+json", "json"), (None, "*/*", "json"),
    ("xml", "application/fhir+json", "xml"), ("json", "application/fhir+xml", "json"),
    ("application/fhir json", None, "json"),          # an unencoded "+" arrives as a space
    ("application/fhir xml", None, "xml"), ("html", None, "html"), (None, "text/html", "html"),
    ("rdf", None, None), (None, "image/png", None),
    (None, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),   # a browser
    (None, "application/fhir+json, text/html;q=0.5", "json"),
    (None, "application/fhir+json;q=0", None),        # refusing every type is a 406
])
def test_negotiate(fmt, accept, kind):
    assert negotiate(fmt, accept) == kind


def test_downloads_accept_their_own_type():
    assert negotiate(None, "text/csv", "$expand.csv") == "json"
    assert negotiate(None, "text/csv", "some-id") is None
    assert negotiate(None, "application/gzip", "$package") == "json"


def test_the_memo_holds_only_short_headers_and_not_ids():
    n = Negotiator(max_items=10)
    long_accept = "application/x-" + "a" * 2000 + ", application/fhir+json"
    assert n(None, long_accept, "$lookup") == "json"
    assert n(None, "text/plain", "$lookup") is None
    assert n(None, "text/csv", "$expand.csv") == "json"
    assert n(None, "text/csv", "some-id") is None
    assert len(n._memo) == 3                 # the long header was not kept
    n(None, "text/csv", "another-id")         # ids do not add memo entries
    assert len(n._memo) == 3
    for i in range(20):                       # bounded
        n(None, f"application/x-{i}", "")
    assert len(n._memo) <= 10
