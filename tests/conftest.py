"""Shared fixtures: a registry and a Flask app built from the tiny FHIR resources in tests/fixtures/.

The fixture content (all under http://example.org/fhir):

* CodeSystem ``animals`` 1.0.0 (language en, case-sensitive, is-a hierarchy)::

      animal (notSelectable)         plant
        mammal (notSelectable)         tree
          dog   colour=brown legs=4      oak
          cat   colour=black legs=4    fern
        bird
          parrot  "Colorful parrot", en-GB "Colourful parrot", colour=green legs=2
          dodo    status=retired (inactive), legs=2

  German (de) designations on animal, mammal, dog, cat, bird, parrot, plant.
* CodeSystem ``animals-supplement`` (fr designations for dog and cat).
* CodeSystem ``letters`` 2.0.0, caseSensitive false: ``ABC``, ``Xyz``.
* CodeSystem ``versioned`` in versions 1.0.0 (a, b), 1.2.0 (a-c) and 1.10.0 (a-d).
* ValueSets: ``animals-all``, ``mammals`` (is-a mammal), ``pets`` (dog, cat, parrot),
  ``no-birds`` (all minus is-a bird), ``mammals-and-letters`` (imports mammals + all letters),
  ``cycle-a`` <-> ``cycle-b`` (a cycle), ``versioned-any``, ``versioned-1-0``.
* ConceptMap ``animals-to-letters`` (R4 equivalence).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
for _p in (str(REPO), str(TESTS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

pytest.register_assert_rewrite("helpers")   # its assert_oo reports like a test's own asserts
from helpers import FIXTURES  # noqa: E402

# no access log from the many apps the tests build (its batches would land between pytest's captures); the tests of
# the log choose their sink themselves (tests/edge/test_access_log.py)
os.environ.setdefault("RRALL_ACCESS_LOG", "off")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def registry():
    """The engine registry over the fixtures (loaded and validated the way the server loads content)."""
    from service.content import load_registry

    return load_registry([str(FIXTURES)])


@pytest.fixture
def make_ctx(registry):
    """Build an OpContext: make_ctx(params={...}, lang='de', lang_source='param'|'header', max_expansion=...);
    params (typed, by FHIR name) give the context its version choices."""
    from service.engine.context import OpContext
    from service.engine.languages import LanguagePrefs, parse_language_list

    def make(params: dict | None = None, lang: str | None = None, *, lang_source: str = "param",
             max_expansion: int = 1000, deadline_s: float = 10.0, max_walk: int = 1_000_000, reg=None):
        from service.params import version_choices

        prefs = parse_language_list(lang, lang_source) if lang else LanguagePrefs([], "none", None)
        return OpContext(reg or registry, prefs=prefs, versions=version_choices(params or {}),
                         max_expansion=max_expansion, deadline_s=deadline_s, max_walk=max_walk)
    return make


@pytest.fixture(scope="session")
def app():
    from service import create_app

    application = create_app({"CONTENT_DIRS": [str(FIXTURES)]})
    application.config.update(TESTING=False)  # let the error handlers run, as in production
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def fragment_ctx(make_ctx, registry):
    """An OpContext whose registry adds helpers.FRAGMENT_CS and the FRAGMENT_VALUE_SETS over it."""
    from helpers import FRAGMENT_CS, FRAGMENT_VALUE_SETS

    return make_ctx(reg=registry.overlay([FRAGMENT_CS, *FRAGMENT_VALUE_SETS]))


@pytest.fixture
def run_expand(registry):
    """$expand as the API runs it: run_expand({"url": [...], ...}, memo=None, reg=None) -> the ValueSet."""
    from service import operations as ops
    from service import params as P

    cfg = {"MAX_EXPANSION": 1000, "DEADLINE_SECONDS": 10.0}

    def run(typed: dict, memo=None, reg=None):
        request = P.expand(typed)
        return ops.expand(ops.make_context(reg or registry, request, None, cfg, memo=memo), request)
    return run
