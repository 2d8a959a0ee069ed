"""The test tree mirrors service/: a module `service/<path>/<name>.py` has a test file `test_<name>.py` (in
tests/unit for the engine and top-level modules, tests/<package> for web, operations, params, importers,
selfcheck; tests/content for the content_* modules). Issue #12 asks for three quarters; the floor here is 90%, so
a new module without its test file is noticed while there is still room for one or two."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLOOR = 0.9


def modules() -> list[Path]:
    return sorted(p for p in (REPO / "service").rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


def stems_with_tests() -> set[str]:
    return {p.stem[len("test_"):] for p in (REPO / "tests").rglob("test_*.py")}


def test_most_modules_have_a_test_file_named_after_them():
    mods = modules()
    named = stems_with_tests()
    missing = [str(m.relative_to(REPO)) for m in mods if m.stem not in named]
    share = 1 - len(missing) / len(mods)
    assert len(mods) > 50
    assert share >= FLOOR, f"{share:.0%} of {len(mods)} modules have a test_<module>.py; without one: {missing}"


def test_test_packages_mirror_service_packages():
    """A test file for service/<package>/...<name>.py lives in tests/<package>/ (content_* in tests/content, the
    engine and the top level in tests/unit; a package inside a package, such as web/layers, in tests/web)."""
    top = {}
    for m in modules():
        parts = m.relative_to(REPO / "service").parts
        if len(parts) > 1 and parts[0] != "engine":
            top.setdefault(parts[0], set()).add(m.stem)
    assert {"web", "operations", "params", "importers", "selfcheck"} <= set(top)
    for package, own in top.items():
        folder = REPO / "tests" / package
        assert (folder / "__init__.py").is_file(), f"tests/{package}/ is missing (or not a package)"
        tested = {p.stem[len("test_"):] for p in folder.glob("test_*.py")}
        assert tested & own, f"tests/{package}/ holds no test of a service/{package} module"
