"""Reading release files for the importers: located files, rows with their line numbers, errors
that name the file and line, and a byte-based progress bar."""
from __future__ import annotations

import csv
from pathlib import Path

from .icd10cm import Progress


class ReleaseError(Exception):
    """A release that cannot be imported: names the file and (when known) the line."""

    def __init__(self, path, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class ByteProgress(Progress):
    """Progress over the total size of the files read (lines are counted by their length)."""

    def __init__(self, paths: list[Path], label: str, enabled: bool = True, stream=None):
        total = sum(p.stat().st_size for p in paths if p.exists())
        super().__init__(total, label, enabled=enabled, stream=stream)


def tsv_rows(path: Path, columns: list[str], bar: ByteProgress | None = None):
    """(line number, fields) of a tab-separated RF2 file after checking its header row."""
    with open(path, "rb") as fh:
        head = fh.readline()
        got = _decode(path, 1, head.removeprefix(b"\xef\xbb\xbf")).rstrip("\r\n").split("\t")
        if got != columns:
            raise ReleaseError(path, 1, f"unexpected header: expected the columns {', '.join(columns)}; "
                                        f"found {', '.join(got) or 'nothing'}")
        if bar:
            bar.step(len(head))
        n = len(columns)
        step = 0
        for lineno, raw in enumerate(fh, start=2):
            step += len(raw)
            if step > 1 << 20 and bar:
                bar.step(step)
                step = 0
            fields = _decode(path, lineno, raw).rstrip("\r\n").split("\t")
            if len(fields) != n:
                if not raw.strip():
                    continue
                raise ReleaseError(path, lineno, f"expected {n} tab-separated fields, found {len(fields)}")
            yield lineno, fields
        if bar and step:
            bar.step(step)


def _decode(path: Path, lineno: int, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleaseError(path, lineno, f"not UTF-8 text (byte {exc.start + 1} of the line)") from None


def csv_rows(path: Path, required: list[str], bar: ByteProgress | None = None):
    """(line number, row dict) of a CSV file with a header row that has at least the required columns."""
    line = 1
    try:
        for line, row in _csv_rows(path, required, bar):
            yield line, row
    except UnicodeDecodeError as exc:
        raise ReleaseError(path, line + 1, f"not UTF-8 text (at or shortly after this line): {exc.reason}") from None


def _csv_rows(path: Path, required: list[str], bar: ByteProgress | None):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise ReleaseError(path, 1, "empty file: expected a header row") from None
        except csv.Error as exc:
            raise ReleaseError(path, 1, f"malformed CSV: {exc}") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise ReleaseError(path, 1, f"missing column(s) {', '.join(missing)} in the header row")
        n = len(header)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ReleaseError(path, start, f"malformed CSV: {exc}") from None
            if bar:
                bar.step(sum(len(x) + 3 for x in row))   # approximate: the quotes and the comma
            if not row:
                continue
            if len(row) != n:
                raise ReleaseError(path, start, f"expected {n} fields as in the header row, found {len(row)}")
            yield start, dict(zip(header, row))


def find_files(folder: Path, prefix: str) -> list[Path]:
    """Release files in folder whose name starts with prefix (Snapshot files only), sorted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name.startswith(prefix) and "Snapshot" in p.name and p.suffix == ".txt")
