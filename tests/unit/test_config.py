"""service.config: defaults, RRALL_* environment overrides, create_app(config) overrides."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from service import config

ENV = ("RRALL_CONTENT_DIRS", "RRALL_MAX_EXPANSION", "RRALL_DEADLINE_SECONDS", "RRALL_PACKAGES", "RRALL_CACHE_DIR")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_are_the_built_in_content_and_limits(clean_env):
    cfg = config.load()
    assert cfg == config.DEFAULTS and cfg is not config.DEFAULTS
    assert [Path(d).name for d in cfg["CONTENT_DIRS"]] == ["codesystems", "valuesets", "conceptmaps"]
    assert all(Path(d).parent == config.ROOT for d in cfg["CONTENT_DIRS"])
    assert (cfg["MAX_EXPANSION"], cfg["DEADLINE_SECONDS"], cfg["PACKAGES"]) == (1000, 10.0, [])
    assert config.VERIFIED_CODES == config.ROOT / "content" / "reference" / "verified-codes.json"


def test_the_environment_overrides_the_defaults(clean_env):
    clean_env.setenv("RRALL_CONTENT_DIRS", os.pathsep.join(["/a", "", "/b"]))
    clean_env.setenv("RRALL_MAX_EXPANSION", "5")
    clean_env.setenv("RRALL_DEADLINE_SECONDS", "2.5")
    clean_env.setenv("RRALL_PACKAGES", os.pathsep.join(["/p1.tgz", "/p2.tgz"]))
    clean_env.setenv("RRALL_CACHE_DIR", "/tmp/c")
    cfg = config.load()
    assert cfg["CONTENT_DIRS"] == ["/a", "/b"] and cfg["MAX_EXPANSION"] == 5 and cfg["DEADLINE_SECONDS"] == 2.5
    assert cfg["PACKAGES"] == ["/p1.tgz", "/p2.tgz"] and cfg["CACHE_DIR"] == "/tmp/c"


def test_explicit_overrides_beat_the_environment(clean_env):
    clean_env.setenv("RRALL_MAX_EXPANSION", "5")
    cfg = config.load({"MAX_EXPANSION": 7, "EXTRA": "x"})
    assert cfg["MAX_EXPANSION"] == 7 and cfg["EXTRA"] == "x"
    assert "EXTRA" not in config.DEFAULTS


def test_a_bad_number_in_the_environment_is_an_error(clean_env):
    clean_env.setenv("RRALL_MAX_EXPANSION", "many")
    with pytest.raises(ValueError):
        config.load()


def test_the_core_package_is_found_beside_the_project_or_not_at_all(monkeypatch, tmp_path):
    found = config.core_package()
    assert found is None or (found.is_file() and found.name == "hl7.fhir.r4.core-4.0.1.tgz")
    monkeypatch.setattr(config, "ROOT", tmp_path / "project")
    assert config.core_package() is None
    pkg = tmp_path / "shared" / "packages" / "hl7.fhir.r4.core-4.0.1.tgz"
    pkg.parent.mkdir(parents=True)
    pkg.write_bytes(b"x")
    assert config.core_package() == pkg
