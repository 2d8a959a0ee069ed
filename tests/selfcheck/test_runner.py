"""service.selfcheck.runner: the operations as the API answers them (Server), the Report, sampling."""
from __future__ import annotations

from service import selfcheck


def test_report_lines_give_the_counts(registry):
    report = selfcheck.run(registry, {}, limit=5, checks=("subsumption",))
    lines = report.lines()
    assert lines[-1].startswith("total: ") and "0 disagreements" in lines[-1]
    assert any(line.startswith("subsumes-matches-is-a: ") for line in lines)
