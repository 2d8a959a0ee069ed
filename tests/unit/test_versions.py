"""service.engine.versions: ordering and wildcard matching of canonical versions."""
from __future__ import annotations

import pytest

from service.engine.versions import latest, matches, split_canonical, version_key


@pytest.mark.parametrize("requested,actual,expected", [
    ("1.0.0", "1.0.0", True),
    ("1.x", "1.2.3", True),          # trailing wildcard matches the rest
    ("1.x.x", "1.0.0", True),
    ("1.0.*", "1.0.7", True),
    ("1.x.x", "2.0.0", False),
    ("1", "1.0.0", False),           # a partial version is not a wildcard
    ("1.2", "1.2.0", False),
    ("1.0.x", None, False),
])
def test_matches(requested, actual, expected):
    assert matches(requested, actual) is expected


def test_latest_is_semantic_not_lexical():
    assert latest(["1.2.0", "1.10.0", "1.9.9"]) == "1.10.0"
    assert latest([None, "0.1.0"]) == "0.1.0"
    assert version_key("2.0.0-beta") < version_key("2.0.0")


def test_split_canonical():
    assert split_canonical("http://x/cs|1.0") == ("http://x/cs", "1.0")
    assert split_canonical("http://x/cs") == ("http://x/cs", None)
    assert split_canonical("http://x/cs|") == ("http://x/cs", None)
