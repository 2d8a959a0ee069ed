"""service.web.request: one HTTP request read once (query, headers, bounded body, base URL, form)."""
from __future__ import annotations

import pytest

from helpers import assert_oo


@pytest.mark.parametrize("path", ["/r5/CodeSystem/$lookup", "/r4/ValueSet/$expand", "/r5/metadata", "/healthz"])
def test_a_query_string_that_is_not_utf8_is_a_400_not_a_crash(client, path):
    r = client.get(path, environ_overrides={"QUERY_STRING": "code=\xff\xfe&_format=\xff"})
    body = assert_oo(r, 400)
    assert "UTF-8" in body["issue"][0]["details"]["text"]
