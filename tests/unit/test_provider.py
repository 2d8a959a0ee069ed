"""service.engine.provider: both code-system providers satisfy the CodeSystemProvider protocol."""
from __future__ import annotations

import pytest

from helpers import ANIMALS
from rf2_fixture import import_fixture
from service.engine.codesystem import CodeSystemIndex
from service.engine.compact import CompactCodeSystem
from service.engine.provider import CodeSystemProvider

MEMBERS = [name for name in dir(CodeSystemProvider) if not name.startswith("_")] + \
    list(CodeSystemProvider.__annotations__)


@pytest.fixture(scope="module")
def compact(tmp_path_factory):
    return import_fixture(tmp_path_factory.mktemp("provider"))[0]


def test_the_protocol_names_the_surface_the_engine_uses():
    assert {"locate", "concept", "descendants", "ancestors", "subsumes", "is_inactive", "iter_concepts",
            "text_search", "canonical", "metadata", "property_defs", "case_sensitive", "content"} <= set(MEMBERS)


def test_the_resource_index_is_a_provider(registry):
    cs = registry.resolve("CodeSystem", ANIMALS)
    assert isinstance(cs, CodeSystemIndex)
    assert isinstance(cs, CodeSystemProvider)
    assert all(hasattr(cs, m) for m in MEMBERS)


def test_the_compact_file_is_a_provider(compact):
    assert isinstance(compact, CompactCodeSystem)
    assert isinstance(compact, CodeSystemProvider)
    assert all(hasattr(compact, m) for m in MEMBERS)


def test_something_else_is_not_a_provider():
    class Partial:
        url = version = name = title = status = None
        content = "complete"

        def locate(self, code):
            return None
    assert not isinstance(Partial(), CodeSystemProvider)
    assert not isinstance({"resourceType": "CodeSystem"}, CodeSystemProvider)


@pytest.mark.parametrize("which", ["index", "compact"])
def test_both_providers_answer_the_protocol_alike(which, registry, compact):
    cs = registry.resolve("CodeSystem", ANIMALS) if which == "index" else compact
    first = next(iter(cs.iter_concepts()))
    assert cs.locate(first.code).code == first.code and cs.has(first.code)
    assert cs.concept(first.code).code == first.code and cs.concept_at(first.order).code == first.code
    assert cs.locate("no such code") is None and not cs.has("no such code")
    child = first.children[0]
    assert child in cs.descendants(first.code) and first.code not in cs.descendants(first.code)
    assert first.code in cs.ancestors(child) and child not in cs.ancestors(child)
    assert cs.subsumes(first.code, child) and not cs.subsumes(child, first.code)
    assert cs.content in ("complete", "fragment", "example", "not-present", "supplement")
    assert cs.canonical.startswith(cs.url) and cs.metadata["resourceType"] == "CodeSystem"
    assert cs.size == len(list(cs.iter_concepts())) and set(cs.roots) <= {c.code for c in cs.iter_concepts()}
    assert cs.text_search(None) is None
