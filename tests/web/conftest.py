"""Fixtures of the web tests: the real content as `rrall-tx serve` serves it, with the FHIR core package
(``site``) and without (``own_site``, and its app ``rr_app`` / client ``rc`` for the route tests that need real
content: $validate, downloads, batch); page_reader.py reads the pages."""
from __future__ import annotations

import pytest

from helpers import CORE


def _real_app(tmp_path_factory, packages):
    from service import create_app

    with pytest.MonkeyPatch.context() as mp:   # the defaults, whatever the developer's environment says
        for name in ("RRALL_CONTENT_DIRS", "RRALL_MAX_EXPANSION", "RRALL_DEADLINE_SECONDS", "RRALL_PACKAGES"):
            mp.delenv(name, raising=False)
        app = create_app({"PACKAGES": packages, "CACHE_DIR": str(tmp_path_factory.mktemp("cache"))})
    app.config.update(TESTING=False)
    return app


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built-in content and the FHIR R4 core package (as `serve` runs by default)."""
    return _real_app(tmp_path_factory, [str(CORE)] if CORE.is_file() else []).test_client()


@pytest.fixture(scope="session")
def rr_app(tmp_path_factory):
    """The built-in RR-ALL content alone (no package)."""
    return _real_app(tmp_path_factory, [])


@pytest.fixture(scope="session")
def own_site(rr_app):
    """The built-in content alone (no package)."""
    return rr_app.test_client()


@pytest.fixture
def rc(rr_app):
    return rr_app.test_client()
