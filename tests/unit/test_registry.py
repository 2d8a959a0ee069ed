"""service.engine.registry and versions: canonical resolution, default versions, overlays."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, SUPPLEMENT, VERSIONED, vs_url
from service.engine.registry import Registry
from service.engine.versions import latest, matches, split_canonical, version_key


def test_resolve_exact_version(registry):
    assert registry.resolve("CodeSystem", VERSIONED, "1.2.0").version == "1.2.0"


def test_resolve_pipe_canonical(registry):
    assert registry.resolve("CodeSystem", f"{VERSIONED}|1.0.0").version == "1.0.0"


def test_latest_is_by_semver_not_by_string(registry):
    # "1.10.0" > "1.2.0" numerically, though not as strings
    assert registry.resolve("CodeSystem", VERSIONED).version == "1.10.0"
    assert latest(["1.2.0", "1.10.0", "1.9.9"]) == "1.10.0"


@pytest.mark.parametrize("requested,expected", [("1.x", "1.10.0"), ("1.2.x", "1.2.0"), ("1.*", "1.10.0"),
                                                ("1.0.*", "1.0.0"), ("1.x.x", "1.10.0")])
def test_partial_versions_with_wildcards_pick_the_latest_match(registry, requested, expected):
    assert registry.resolve("CodeSystem", VERSIONED, requested).version == expected


@pytest.mark.parametrize("requested", ["1.2", "1", "2.x"])
def test_partial_versions_without_wildcard_or_without_match_resolve_to_nothing(registry, requested):
    # a bare '1.2' is a different version string, not a pattern (HL7 tx-ecosystem 'version' suite)
    assert registry.resolve("CodeSystem", VERSIONED, requested) is None


def test_unknown_version_and_unknown_url(registry):
    assert registry.resolve("CodeSystem", VERSIONED, "3.0.0") is None
    assert registry.resolve("CodeSystem", "http://nowhere/cs") is None
    assert registry.resolve("ValueSet", ANIMALS) is None  # right url, wrong kind


def test_versions_of(registry):
    assert sorted(registry.versions_of("CodeSystem", VERSIONED)) == ["1.0.0", "1.10.0", "1.2.0"]


def test_by_id(registry):
    assert registry.by_id("CodeSystem", "animals").url == ANIMALS
    assert registry.by_id("ValueSet", "pets")["url"] == vs_url("pets")
    assert registry.by_id("ValueSet", "animals") is None


def test_supplements_are_indexed_for_their_base(registry):
    sups = registry.supplements_for(ANIMALS)
    assert [s.url for s in sups] == [SUPPLEMENT]


def test_supplement_is_not_the_default_when_it_shares_a_url():
    reg = Registry()
    reg.add({"resourceType": "CodeSystem", "url": "http://x/cs", "version": "1.0.0", "content": "complete",
             "concept": [{"code": "a"}]})
    reg.add({"resourceType": "CodeSystem", "url": "http://x/cs", "version": "2.0.0", "content": "supplement",
             "supplements": "http://x/other", "concept": []})
    assert reg.resolve("CodeSystem", "http://x/cs").version == "1.0.0"


def test_overlay_shadows_without_touching_parent(registry):
    shadow = {"resourceType": "CodeSystem", "id": "animals", "url": ANIMALS, "version": "1.0.0",
              "content": "complete", "concept": [{"code": "only", "display": "Only"}]}
    child = registry.overlay([shadow])
    assert child is not registry
    assert child.resolve("CodeSystem", ANIMALS).locate("only") is not None
    assert child.resolve("CodeSystem", ANIMALS).locate("dog") is None
    assert child.by_id("CodeSystem", "animals").locate("only") is not None
    # the parent still sees the original
    assert registry.resolve("CodeSystem", ANIMALS).locate("dog") is not None
    assert registry.resolve("CodeSystem", ANIMALS).locate("only") is None


def test_overlay_adds_new_version_and_falls_through(registry):
    newer = {"resourceType": "CodeSystem", "url": VERSIONED, "version": "9.0.0", "content": "complete",
             "concept": [{"code": "z"}]}
    child = registry.overlay([newer])
    assert child.resolve("CodeSystem", VERSIONED).version == "9.0.0"
    assert child.resolve("CodeSystem", VERSIONED, "1.2.0").version == "1.2.0"  # from the parent
    assert len(child.all("CodeSystem")) == len(registry.all("CodeSystem")) + 1


def test_empty_overlay_is_the_same_registry(registry):
    assert registry.overlay([]) is registry


@pytest.mark.parametrize("requested,actual,ok", [
    ("1.0.0", "1.0.0", True), ("1.x", "1.4.0", True), ("1.x.x", "1.4.0", True), ("1.0.*", "1.0.3", True),
    ("1.X", "1.4.0", True), ("1.0", "1.0.3", False), ("1.x", "2.0.0", False), ("1.0.x", "1.1.0", False),
    ("2", "1.0.0", False), ("1.0.0", None, False)])
def test_version_matches(requested, actual, ok):
    assert matches(requested, actual) is ok


def test_version_key_orders_prerelease_below_release_and_none_lowest():
    assert version_key("1.0.0-beta") < version_key("1.0.0")
    assert version_key(None) < version_key("0.0.1")
    assert latest([None, "0.1.0"]) == "0.1.0"


def test_split_canonical():
    assert split_canonical("http://x|1.0") == ("http://x", "1.0")
    assert split_canonical("http://x") == ("http://x", None)
    assert split_canonical("http://x|") == ("http://x", None)


def test_complete_code_system_beats_a_later_fragment():
    from service.engine.registry import Registry

    reg = Registry()
    reg.add({"resourceType": "CodeSystem", "url": "http://x/cs", "version": "2.0.0", "content": "fragment",
             "concept": [{"code": "a"}]})
    reg.add({"resourceType": "CodeSystem", "url": "http://x/cs", "version": "1.0.0", "content": "complete",
             "concept": [{"code": "a"}, {"code": "b"}]})
    assert reg.resolve("CodeSystem", "http://x/cs").version == "1.0.0"
    assert reg.resolve("CodeSystem", "http://x/cs", "2.0.0").content == "fragment"


def test_request_resources_win_over_the_servers_own_for_versionless_references():
    from service.engine.registry import Registry

    server = Registry()
    server.add({"resourceType": "ValueSet", "url": "http://x/vs", "version": "9.0.0", "status": "active"})
    request = server.overlay([{"resourceType": "ValueSet", "url": "http://x/vs", "version": "1.0.0",
                               "status": "active"}])
    assert request.resolve("ValueSet", "http://x/vs")["version"] == "1.0.0"
    assert request.resolve("ValueSet", "http://x/vs", "9.0.0")["version"] == "9.0.0"   # still reachable by version
    assert server.resolve("ValueSet", "http://x/vs")["version"] == "9.0.0"


def test_a_complete_package_code_system_beats_a_content_fragment_of_it():
    """Server content layered over packages: a fragment in the content does not shadow the complete system of
    a package (only a request's own resources win by being the request's)."""
    from service.engine.registry import Registry

    package = Registry()
    package.add({"resourceType": "CodeSystem", "url": "http://x/cs", "version": "4.0.1", "content": "complete",
                 "concept": [{"code": "a"}, {"code": "b"}]})
    content = Registry(parent=package)
    content.add({"resourceType": "CodeSystem", "url": "http://x/cs", "content": "fragment",
                 "concept": [{"code": "a"}]})
    assert content.resolve("CodeSystem", "http://x/cs").content == "complete"
    assert content.resolve("CodeSystem", "http://x/cs").locate("b") is not None
    # a request that sends its own fragment still gets it
    request = content.overlay([{"resourceType": "CodeSystem", "url": "http://x/cs", "content": "fragment",
                                "concept": [{"code": "z"}]}])
    assert request.resolve("CodeSystem", "http://x/cs").locate("z") is not None
