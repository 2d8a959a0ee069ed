"""bench/synth_rf2.py: deterministic, RF2-shaped, synthetic identifiers only, the shape issue #15 asks for."""
from __future__ import annotations

import hashlib

import pytest

from bench.synth_rf2 import NAMESPACE, generate, sctid
from service.importers.rf2_spec import COLUMNS, FILES, is_sctid


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "rel"
    return out, generate(out, 5000, seed=21)


def _digest(folder) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*.txt")):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def test_deterministic_per_seed(release, tmp_path):
    out, info = release
    again = generate(tmp_path / "again", 5000, seed=21)
    assert again == info and _digest(tmp_path / "again") == _digest(out)
    generate(tmp_path / "other", 5000, seed=22)
    assert _digest(tmp_path / "other") != _digest(out)


def test_files_and_columns_follow_rf2(release):
    out, _info = release
    snap = out / "Snapshot"
    for kind, (folder, prefix) in FILES.items():
        files = list((snap / folder).glob(prefix + "*Snapshot*.txt"))
        assert len(files) == 1, kind
        raw = files[0].read_bytes()
        assert raw.endswith(b"\r\n") and b"\r\n" in raw
        header = raw.split(b"\r\n", 1)[0].decode().split("\t")
        assert header == COLUMNS["description" if kind == "definition" else kind]


def test_identifiers_are_valid_and_synthetic(release):
    out, _info = release
    concept_file = next((out / "Snapshot" / "Terminology").glob("sct2_Concept_*"))
    ids = [line.split("\t")[0] for line in concept_file.read_bytes().decode().split("\r\n")[1:] if line]
    assert len(ids) == 5000 and len(set(ids)) == 5000
    assert all(is_sctid(i) and i[-10:-3] == NAMESPACE and i[-3:-1] == "10" for i in ids)
    desc_file = next((out / "Snapshot" / "Terminology").glob("sct2_Description_*"))
    first = desc_file.read_bytes().decode().split("\r\n")[1].split("\t")[0]
    assert is_sctid(first) and first[-3:-1] == "11"
    assert sctid(1, "10") == "1" + NAMESPACE + "10" + sctid(1, "10")[-1]


def test_shape(release):
    _out, info = release
    assert 1.3 <= info["parents_per_concept"] <= 1.6
    assert 10 <= info["max_level"] <= 20
    assert 2.3 <= info["descriptions"] / info["concepts"] <= 2.9
    assert 0.008 <= info["inactive"] / info["concepts"] <= 0.012
    assert info["definitions"] > 0 and info["refset members"] > 0
