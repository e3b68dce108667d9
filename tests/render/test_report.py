"""The capacity report PDF, read back with poppler's pdftotext and pdfinfo."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import floorplan
from floorplan import capacity as C
from floorplan.errors import FontError
from floorplan.render import capacity_report_pdf, print_capacity_report
from floorplan.render.fonts import CJK_FONT_ENV, find_cjk_font
from floorplan.rules import capacity_report

from _browser import kiosk_venue
from conftest import unsafe_hall, write_spec

# Without poppler-utils these skip on a developer's machine, and fail under CI=true.
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") and not os.environ.get("CI"), reason="poppler-utils not installed"
)


def pdf_text(data: bytes, tmp_path: Path) -> tuple[str, int]:
    """Return a PDF's text and its page count."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found is not None
    return text, int(found.group(1))


@pytest.fixture(scope="module")
def venue() -> floorplan.Venue:
    v = kiosk_venue()
    v.halls["name_zh"] = ["甲馆", "乙馆"]
    return v


@pytest.fixture(scope="module")
def report(venue: floorplan.Venue) -> C.CapacityReport:
    return capacity_report(venue, walk_samples=50)


@needs_poppler
def test_report_has_verdicts_figures_and_a_signature_line(
    venue: floorplan.Venue, report: C.CapacityReport, tmp_path: Path
) -> None:
    a = report.hall("A")
    assert a is not None
    verdicts = C.judge(report, {"A": a.load.capacity + 312, "B": 0})
    text, pages = pdf_text(capacity_report_pdf(venue, report, verdicts=verdicts), tmp_path)
    assert pages == 1
    for name in ("Hall A", "Hall B", "甲馆", "乙馆", venue.name):
        assert name in text
    assert "Over by 312 people" in text
    assert "超员 312 人" in text
    assert "Within limits" in text
    assert "符合限值" in text
    assert "Checked by" in text
    assert "检查人" in text
    # The figures floorplan capacity prints: each hall's capacity and the venue's.
    whole = report.venue_total
    assert whole is not None
    assert f"venue: capacity {whole.capacity:,}" in text
    for c in report.halls:
        row = next(
            line.split()
            for line in text.splitlines()
            if line.startswith(c.hall_id + " ") and "·" not in line
        )
        assert row[7] == f"{c.load.capacity:,}"  # hall, floor, booths, exits, clear, 2 limits
        assert row[3] == str(c.exit_count)
    assert "Problems · 问题 (0)" in text


@needs_poppler
def test_blocked_exits_and_problems_as_capacity_prints_them(tmp_path: Path) -> None:
    venue = floorplan.load_venue(write_spec(unsafe_hall(), tmp_path / "unsafe"))
    report = capacity_report(venue, walk_samples=50)
    out = print_capacity_report(venue, report, tmp_path / "out" / "unsafe.pdf")
    text, pages = pdf_text(out.read_bytes(), tmp_path)
    assert pages == 1
    assert "Exits blocked" in text
    assert "U-EX" in text
    assert f"Problems · 问题 ({len(report.problems)})" in text
    for p in report.problems:
        assert str(p.rule) in text


@needs_poppler
def test_a_long_report_runs_over_pages_and_signs_at_the_end(
    venue: floorplan.Venue, report: C.CapacityReport, tmp_path: Path
) -> None:
    unsafe = floorplan.load_venue(write_spec(unsafe_hall(), tmp_path / "unsafe"))
    problem = capacity_report(unsafe, walk_samples=0).problems[0]
    many = dataclasses.replace(report, problems=(problem,) * 150, problem_halls=(None,) * 150)
    text, pages = pdf_text(capacity_report_pdf(venue, many), tmp_path)
    assert pages >= 3
    sheets = text.split("\f")
    assert sum("Checked by" in s for s in sheets) == 1
    assert "Checked by" in [s for s in sheets if s.strip()][-1]
    assert text.count(str(problem.rule)) >= 150
    assert f"{pages} / {pages}" in text or f"{pages}/{pages}" in text


def test_without_a_chinese_font_it_says_what_to_install(
    venue: floorplan.Venue,
    report: C.CapacityReport,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv(CJK_FONT_ENV, str(tmp_path / "no-such-font.ttf"))
    find_cjk_font.cache_clear()
    try:
        with pytest.raises(FontError, match="not a font file with Chinese glyphs"):
            capacity_report_pdf(venue, report)
    finally:
        monkeypatch.delenv(CJK_FONT_ENV)
        find_cjk_font.cache_clear()
