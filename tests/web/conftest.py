"""Fixtures of the HTTP edge tests: an app over the built-in RR-ALL content (no packages), shared by the route
tests that need real content ($validate, downloads, batch)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def rr_app(tmp_path_factory):
    from service import create_app

    cache = tmp_path_factory.mktemp("cache")
    app = create_app({"CACHE_DIR": str(cache)})      # the built-in RR-ALL content
    app.config.update(TESTING=False)
    return app


@pytest.fixture
def rc(rr_app):
    return rr_app.test_client()
