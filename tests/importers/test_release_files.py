"""service.importers.release_files: release files read row by row, every error naming file and line."""
from __future__ import annotations

import io

import pytest

from service.importers.release_files import ByteProgress, ReleaseError, csv_rows, find_files, tsv_rows

COLS = ["id", "active", "term"]


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_release_error_names_file_and_line(tmp_path):
    err = ReleaseError(tmp_path / "x.txt", 7, "bad row")
    assert str(err) == f"{tmp_path / 'x.txt'}:7: bad row"
    assert (err.path, err.line, err.message) == (str(tmp_path / "x.txt"), 7, "bad row")
    assert str(ReleaseError("x.txt", None, "missing")) == "x.txt: missing"


def test_tsv_rows_give_line_numbers_and_skip_blank_lines(tmp_path):
    path = write(tmp_path, "a.txt", b"\xef\xbb\xbfid\tactive\tterm\r\n1\t1\tOne\r\n\r\n2\t0\tTw\xc3\xb6\r\n")
    assert list(tsv_rows(path, COLS)) == [(2, ["1", "1", "One"]), (4, ["2", "0", "Twö"])]


@pytest.mark.parametrize("data,line,message", [
    (b"id\tterm\n1\tx\n", 1, "unexpected header: expected the columns id, active, term; found id, term"),
    (b"", 1, "found nothing"),
    (b"id\tactive\tterm\n1\t1\tOne\n2\t1\n", 3, "expected 3 tab-separated fields, found 2"),
    (b"id\tactive\tterm\n1\t1\tOne\n2\t1\t\xff\n", 3, "not UTF-8 text (byte 5 of the line)")])
def test_tsv_errors_name_the_line(tmp_path, data, line, message):
    path = write(tmp_path, "b.txt", data)
    with pytest.raises(ReleaseError) as info:
        list(tsv_rows(path, COLS))
    assert info.value.line == line and message in info.value.message
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_csv_rows_are_dicts_by_header_with_line_numbers(tmp_path):
    path = write(tmp_path, "a.csv", '\ufeff"id","term","extra"\n1,"One, with a comma",x\n\n2,"Two\nlines",y\n3,T,z\n'
                 .encode("utf-8"))
    rows = list(csv_rows(path, ["id", "term"]))
    assert [line for line, _row in rows] == [2, 4, 6]
    assert rows[0][1] == {"id": "1", "term": "One, with a comma", "extra": "x"}
    assert rows[1][1]["term"] == "Two\nlines"


@pytest.mark.parametrize("data,line,message", [
    (b"", 1, "empty file: expected a header row"),
    (b"id,other\n1,2\n", 1, "missing column(s) term in the header row"),
    (b"id,term\n1,a\n2,b,c\n", 3, "expected 2 fields as in the header row, found 3")])
def test_csv_errors_name_the_line(tmp_path, data, line, message):
    path = write(tmp_path, "b.csv", data)
    with pytest.raises(ReleaseError) as info:
        list(csv_rows(path, ["id", "term"]))
    assert info.value.line == line and message in info.value.message


def test_csv_bytes_that_are_not_utf8_are_located_at_or_before_their_line(tmp_path):
    """Text is decoded in blocks, so the line named is where decoding failed: at or shortly before the bad one."""
    rows = b"".join(b"%d,term %d\n" % (i, i) for i in range(2000))
    path = write(tmp_path, "c.csv", b"id,term\n" + rows + b"2000,\xff\n" + rows)
    with pytest.raises(ReleaseError) as info:
        list(csv_rows(path, ["id", "term"]))
    assert 1000 < info.value.line <= 2002 and "not UTF-8 text (at or shortly after this line)" in info.value.message


def test_find_files_takes_snapshot_text_files_with_the_prefix(tmp_path):
    for name in ("sct2_Concept_Snapshot_X_1.txt", "sct2_Concept_Full_X_1.txt", "sct2_Concept_Snapshot_X_1.zip",
                 "sct2_Description_Snapshot-en_X_1.txt", "a_sct2_Concept_Snapshot.txt"):
        write(tmp_path, name, b"")
    (tmp_path / "sct2_Concept_Snapshot_dir.txt").mkdir()
    assert [p.name for p in find_files(tmp_path, "sct2_Concept_")] == ["sct2_Concept_Snapshot_X_1.txt"]
    assert find_files(tmp_path / "missing", "sct2_") == []


def test_byte_progress_counts_the_bytes_read(tmp_path):
    data = b"id\tactive\tterm\n" + b"".join(b"%d\t1\tterm %d\n" % (i, i) for i in range(50))
    path = write(tmp_path, "p.txt", data)
    out = io.StringIO()
    bar = ByteProgress([path, tmp_path / "missing.txt"], "reading", stream=out)
    assert bar.total == len(data)
    assert len(list(tsv_rows(path, COLS, bar))) == 50
    assert bar.done == len(data) and "100%" in out.getvalue()
    quiet = ByteProgress([path], "reading", enabled=False, stream=(silent := io.StringIO()))
    list(tsv_rows(path, COLS, quiet))
    assert quiet.done == len(data) and silent.getvalue() == ""
