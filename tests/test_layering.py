"""Layering rule: engine modules (service/engine/*.py) import neither Flask (nor werkzeug) nor fhir.resources
(nor pydantic). HTTP lives in service/api, FHIR models only in service/fhir_io.py."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "service" / "engine"
FORBIDDEN = ("flask", "werkzeug", "fhir", "pydantic")   # 'fhir' = the fhir.resources distribution's package


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append(node.module)
    return out


def _engine_modules():
    return sorted(ENGINE.glob("*.py"))


def test_there_are_engine_modules():
    assert len(_engine_modules()) >= 10


@pytest.mark.parametrize("path", _engine_modules(), ids=lambda p: p.name)
def test_engine_module_imports_neither_flask_nor_fhir_resources(path):
    bad = [m for m in _imports(path) if m.split(".")[0] in FORBIDDEN]
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", _engine_modules(), ids=lambda p: p.name)
def test_engine_module_does_not_reach_up_into_the_http_layer(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 2:
            target = (node.module or "").split(".")[0]
            assert target not in ("api", "fhir_io", "content"), f"{path.name}: from {'.' * node.level}{node.module}"


def test_the_checker_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import flask\nfrom fhir.resources import get_fhir_model_class\nfrom .x import y\n")
    assert [m for m in _imports(bad) if m.split(".")[0] in FORBIDDEN] == ["flask", "fhir.resources"]
