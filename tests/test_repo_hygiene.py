"""Repository hygiene a merge can break without any Python test noticing: conflict markers left in a tracked
file (a shell script with one still parses up to the marker, so CI only fails at the end) and shell scripts
that no longer parse."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^(<{7}( .*)?|={7}|>{7}( .*)?)$", re.M)
SHELL_SCRIPTS = [ROOT / ".ci" / "run", ROOT / "deploy" / "loopback-demo.sh"]


def _tracked_text_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    files = []
    for name in out.decode().split("\0"):
        p = ROOT / name
        if name and p.is_file() and p.stat().st_size < 5_000_000:
            files.append(p)
    return files


def test_no_merge_conflict_markers_in_tracked_files():
    found = []
    for p in _tracked_text_files():
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue   # binary (screenshots, packages)
        for m in MARKER.finditer(text):
            found.append(f"{p.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)[:20]}")
    assert not found, "merge conflict markers left in:\n" + "\n".join(found)


def test_the_marker_pattern_catches_a_conflict():
    sample = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> main\n"
    assert len(MARKER.findall(sample)) == 3
    assert not MARKER.search("a ======= b\n# =======  heading\n")


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: p.name)
def test_shell_scripts_parse(script):
    assert script.exists()
    res = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
