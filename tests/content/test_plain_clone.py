"""`rrall-tx check` and `rrall-tx build-content --check` pass on a plain copy of the repository with nothing
beside it (no ../shared): every input they need, verified-codes.json included, is in the repository."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from service import config

REPO = Path(__file__).resolve().parents[2]


def test_default_verified_codes_are_inside_the_repository():
    assert config.VERIFIED_CODES == config.ROOT / "content" / "reference" / "verified-codes.json"
    assert config.VERIFIED_CODES.is_file()


def test_check_and_drift_check_pass_on_a_plain_copy(tmp_path):
    clone = tmp_path / "clone"
    for name in ("service", "codesystems", "valuesets", "conceptmaps", "content"):
        shutil.copytree(REPO / name, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
    assert not (tmp_path / "shared").exists()
    env = {**os.environ, "PYTHONPATH": str(clone), "RRALL_CACHE_DIR": "off"}
    env.pop("RRALL_CONTENT_DIRS", None)
    for args, expected in ((["check"], "content OK"), (["build-content", "--check"], "up to date")):
        done = subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=clone, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert expected in done.stdout
