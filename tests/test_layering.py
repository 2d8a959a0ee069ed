"""Layering and shape rules of service/:

* engine modules (service/engine/*.py) import neither Flask (nor werkzeug) nor fhir.resources (nor pydantic),
  and never reach up into the HTTP edge (service/web), fhir_io or content;
* engine modules other than the code-system providers use the provider protocol only: no ``.concepts`` /
  ``.ordered`` attribute access;
* no import cycles anywhere in service/;
* no function of cyclomatic complexity above 25 (radon).
HTTP lives in service/web, FHIR models only in service/fhir_io.py."""
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
            assert target not in ("web", "fhir_io", "content"), f"{path.name}: from {'.' * node.level}{node.module}"


def test_the_checker_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import flask\nfrom fhir.resources import get_fhir_model_class\nfrom .x import y\n")
    assert [m for m in _imports(bad) if m.split(".")[0] in FORBIDDEN] == ["flask", "fhir.resources"]


SERVICE = ENGINE.parent
PROVIDERS = {"codesystem.py", "compact.py", "compact_text.py", "compact_format.py"}


@pytest.mark.parametrize("path", [p for p in _engine_modules() if p.name not in PROVIDERS], ids=lambda p: p.name)
def test_engine_modules_use_the_provider_protocol_not_its_internals(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = sorted({node.attr for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and node.attr in ("concepts", "ordered")})
    assert not bad, f"{path.name} reaches into a code system's {bad}"


def _module_name(path: Path) -> str:
    rel = path.relative_to(SERVICE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """service module -> the service modules it imports (anywhere in it, functions included)."""
    paths = {_module_name(p): p for p in SERVICE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([node.module] if node.module else []))
                subs = {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in paths}
                deps |= subs or ({base} if base in paths else set())
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name in paths}
        graph[name] = deps - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_in_service():
    graph = import_graph()
    assert "service.web.pipeline" in graph and "service.engine.expand" in graph
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_function_is_more_complex_than_25():
    from radon.complexity import cc_visit

    too_complex = []
    for path in sorted(SERVICE.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > 25:
                too_complex.append(f"{path.relative_to(SERVICE)}:{block.lineno} {block.name} ({block.complexity})")
    assert too_complex == []
