"""service.web.service: the per-app Service -- integer settings (environment over configuration over defaults), the
caches it owns, the registries, and the engine context of a request."""
from __future__ import annotations

import pytest

from helpers import ANIMALS
from service import params as P
from service.web.service import DEFAULTS, Service, setting


def state(registry, **cfg):
    return {"config": {"MAX_EXPANSION": 1000, "DEADLINE_SECONDS": 10.0, **cfg}, "registry": registry}


def test_a_setting_comes_from_the_environment_then_the_configuration_then_the_default(monkeypatch):
    monkeypatch.delenv("RRALL_HTTP_MAX_AGE", raising=False)
    assert setting({}, "HTTP_MAX_AGE") == DEFAULTS["HTTP_MAX_AGE"] == 300
    assert setting({"HTTP_MAX_AGE": "60"}, "HTTP_MAX_AGE") == 60
    monkeypatch.setenv("RRALL_HTTP_MAX_AGE", "7")
    assert setting({"HTTP_MAX_AGE": 60}, "HTTP_MAX_AGE") == 7
    monkeypatch.setenv("RRALL_HTTP_MAX_AGE", "  ")            # blank: not set
    assert setting({"HTTP_MAX_AGE": 60}, "HTTP_MAX_AGE") == 60
    monkeypatch.setenv("RRALL_HTTP_MAX_AGE", "soon")
    with pytest.raises(ValueError):
        setting({}, "HTTP_MAX_AGE")


def test_the_service_reads_its_limits_and_sizes_its_response_cache(registry, monkeypatch):
    monkeypatch.setenv("RRALL_MAX_BODY_BYTES", "1234")
    monkeypatch.delenv("RRALL_HTTP_MAX_AGE", raising=False)
    for name in ("RESPONSE_CACHE_ITEMS", "RESPONSE_CACHE_BYTES"):
        monkeypatch.delenv("RRALL_" + name, raising=False)
    svc = Service(state(registry, HTTP_MAX_AGE=42, RESPONSE_CACHE_ITEMS=3, RESPONSE_CACHE_BYTES=10_000))
    assert svc.max_body == 1234 and svc.max_age == 42
    assert svc.caches.responses.max_items == 3 and svc.caches.responses.max_bytes == 10_000
    assert svc.dispatch is None and svc.config["HTTP_MAX_AGE"] == 42


def test_every_service_has_caches_of_its_own(registry):
    a, b = Service(state(registry)), Service(state(registry))
    for name in ("responses", "validated", "negotiator", "indexes", "packages"):
        assert getattr(a.caches, name) is not getattr(b.caches, name), name


def test_the_content_registry_is_the_registry_without_packages(registry):
    assert Service(state(registry)).content_registry is registry
    own = object()
    svc = Service({**state(registry), "content_registry": own})
    assert svc.content_registry is own and svc.registry is registry


class Req:
    def __init__(self, **headers):
        self.headers = headers

    def header(self, name, default=None):
        return self.headers.get(name, default)


def test_the_context_of_a_request_uses_its_accept_language_and_the_apps_caches(registry):
    svc = Service(state(registry, MAX_EXPANSION=5))
    ctx = svc.context(Req(**{"Accept-Language": "de"}))
    assert ctx.prefs.tags == ["de"] and ctx.prefs.source == "header" and ctx.max_expansion == 5
    request = P.lookup({"displayLanguage": ["fr"], "system-version": [f"{ANIMALS}|1.0.0"]})
    ctx = svc.context(Req(**{"Accept-Language": "de"}), request)
    assert ctx.prefs.tags == ["fr"] and ctx.system_version == {ANIMALS: "1.0.0"}
    assert svc.context(Req()).memo is None
    memo = object()
    assert Service({**state(registry), "expansion_memo": memo}).context(Req()).memo is memo
