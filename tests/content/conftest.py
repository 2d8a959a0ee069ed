"""A Flask test client over the built-in content (codesystems/, valuesets/, conceptmaps/)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def real_client():
    from service import create_app

    with pytest.MonkeyPatch.context() as mp:   # the built-in content, whatever the environment says
        for name in ("RRALL_CONTENT_DIRS", "RRALL_MAX_EXPANSION", "RRALL_DEADLINE_SECONDS"):
            mp.delenv(name, raising=False)
        app = create_app()
    return app.test_client()
