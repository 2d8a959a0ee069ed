"""service.cli: `rrall-tx` subcommands called as main([...]), their exit codes and output."""
from __future__ import annotations

import json
import tarfile

from service.cli import main


def test_cli_package_command(tmp_path):
    out = tmp_path / "pkg.tgz"
    assert main(["package", "--out", str(out)]) == 0
    with tarfile.open(out) as tar:
        assert json.loads(tar.extractfile("package/package.json").read())["name"] == "rrall.terminology"
