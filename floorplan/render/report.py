"""Print the capacity report a safety officer signs: verdicts, figures, problems (PDF).

The same :class:`~floorplan.capacity.CapacityReport` that ``floorplan capacity`` prints
and ``/staff`` shows, on A4 pages: the venue's verdict and each hall's in English and
Chinese (:mod:`floorplan.capacity.verdict`), the per-hall figures, the zone and venue
totals, the exits booths block, every problem, and a "checked by / date / signature"
line. Drawn with matplotlib like the plans (text embedded as TrueType, so ``pdftotext``
reads it).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle

from floorplan.capacity import CapacityReport, Level, Verdicts, judge
from floorplan.i18n import Lang
from floorplan.render.document import Document, PageSpec, PrintOptions, render_bytes, write_pages
from floorplan.render.page import PrintLang
from floorplan.venue import Venue

__all__ = ["capacity_report_pages", "capacity_report_pdf", "print_capacity_report"]

_A4_MM: Final = (210.0, 297.0)
_MARGIN_MM: Final = 15.0
_INK: Final = "#1d1d1b"
#: A verdict's box by level: an alarm white on red, a warning on amber, else on green.
_LEVEL_COLOURS: Final = {
    Level.ALARM: ("#b00020", "#ffffff"),
    Level.WARNING: ("#fff3cd", "#7a4a00"),
    Level.OK: ("#e6f4ea", "#14532d"),
}
_PT_MM: Final = 25.4 / 72.0
#: The figures table's headings (on :data:`_GRID`).
_HEADINGS: Final = (
    "Hall",
    "Floor m²",
    "Booths m²",
    "Exits",
    "Clear exit m",
    "Floor holds",
    "Exits let out",
    "Capacity",
    "Limited by",
    "Farthest m",
    "Walk m",
    "Leave min",
    "Problems",
)
_BINDS: Final = {"occupant_load": "floor area", "egress_width": "exit width", "no_exit": "no exit"}


@dataclass(frozen=True)
class _Line:
    """One line of the report: cells at x (mm from the margin), left or right aligned."""

    cells: tuple[tuple[float, str, str], ...]
    size_pt: float = 8.0
    bold: bool = False
    level: Level | None = None

    @property
    def height_mm(self) -> float:
        return self.size_pt * _PT_MM * 1.45 + (1.6 if self.level is not None else 0.0)


def _text(x: float, s: str) -> tuple[float, str, str]:
    return (x, s, "left")


def _num(x: float, s: str) -> tuple[float, str, str]:
    return (x, s, "right")


def _wrapped(s: str, width: int, *, size_pt: float = 8.0, indent: float = 0.0) -> list[_Line]:
    return [_Line((_text(indent, part),), size_pt) for part in textwrap.wrap(s, width) or [""]]


def _verdict_lines(doc: Document, verdicts: Verdicts) -> list[_Line]:
    out = [_Line((_text(0, "Verdicts · 结论"),), 12.0, bold=True)]
    for v in (verdicts.venue, *verdicts.halls):
        if v.hall_id is None:
            names = ["Venue", "全场"]
        else:
            names = [v.hall_id, *dict.fromkeys(doc.hall_lines(v.hall_id))]
        label = " · ".join(dict.fromkeys(names))
        out.append(_Line((_text(0, label),), 9.0, bold=True, level=v.level))
        for lang in (Lang.EN, Lang.ZH):
            for line in v.lines(lang):
                out.extend(
                    _Line(ln.cells, 9.0, level=v.level) for ln in _wrapped(line, 95, indent=4)
                )
    return out


def _figure_lines(report: CapacityReport) -> list[_Line]:
    heads = tuple(_text(0, h) for h in _HEADINGS)
    out = [
        _Line((_text(0, "Figures · 数据"),), 12.0, bold=True),
        _Line(tuple(_fig_cells(heads)), 6.5, bold=True),
    ]
    for c in report.halls:
        a, load, t = c.areas, c.load, c.travel
        values = (
            f"{a.gross_m2:,.0f}",
            f"{a.booth_m2:,.0f}",
            str(c.exit_count),
            f"{c.clear_width_m:.1f}",
            f"{load.occupant_load:,}",
            f"{load.egress_capacity:,}",
            f"{load.capacity:,}",
            _BINDS.get(str(load.binding), str(load.binding)),
            _f(t.straight_m),
            _f(t.walk_m),
            _f(None if c.evacuation_s is None else c.evacuation_s / 60),
            str(len(report.hall_problems(c.hall_id))),
        )
        cells = (_text(0, c.hall_id), *(_num(0, v) for v in values))
        out.append(_Line(tuple(_fig_cells(cells)), 7.0))
    for z in report.zones:
        text = f"zone {z.name or '(none)'}: capacity {z.capacity:,} ({', '.join(z.hall_ids)})"
        out.extend(_wrapped(text, 110))
    whole = report.venue_total
    if whole:
        text = f"venue: capacity {whole.capacity:,}, occupant load {whole.occupant_load:,}"
        out.append(_Line((_text(0, text),), 8.0, bold=True))
    return out


#: The figures table's columns: x (mm from the margin) and alignment.
_GRID: Final = (
    (0.0, "left"),
    (34.0, "right"),
    (50.0, "right"),
    (60.0, "right"),
    (76.0, "right"),
    (92.0, "right"),
    (109.0, "right"),
    (123.0, "right"),
    (125.0, "left"),
    (152.0, "right"),
    (164.0, "right"),
    (176.0, "right"),
    (190.0, "right"),
)


def _fig_cells(cells: Sequence[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
    """Place a table row's cells on the grid (the limit's words left of its column)."""
    return [(x, s, ha) for (x, ha), (_, s, _) in zip(_GRID, cells, strict=True)]


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def _problem_lines(report: CapacityReport) -> list[_Line]:
    n = len(report.problems)
    out = [_Line((_text(0, f"Problems · 问题 ({n})"),), 12.0, bold=True)]
    for c in report.halls:
        for e in c.exits:
            if e.blocked_m > 0:
                text = (
                    f"{c.hall_id}: {e.blocked_m:.2f} m of exit {e.opening_id} ({e.width_m:g} m) "
                    f"is blocked by booth(s) {', '.join(e.blocked_by)} and not counted"
                )
                out.extend(_wrapped(text, 110))
    if not n:
        out.append(
            _Line((_text(0, "No problems: every rule of the format, floor and code holds."),))
        )
    for p in report.problems:
        out.extend(_wrapped(f"{p.severity}: {p}", 110))
    return out


def _signature_lines() -> list[_Line]:
    return [
        _Line((_text(0, ""),), 12.0),
        _Line(
            (
                _text(0, "Checked by · 检查人: ______________________"),
                _text(95, "Date · 日期: ______________"),
            ),
            10.0,
        ),
        _Line((_text(0, ""),), 10.0),
        _Line((_text(0, "Signature · 签名: ______________________"),), 10.0),
    ]


def _head_lines(doc: Document, report: CapacityReport, printed: date) -> list[_Line]:
    prof = report.profile
    limit, measure, _ = prof.travel(sprinklered=report.sprinklered)
    checked = "" if prof.verified else " (values not checked against the code's text)"
    return [
        _Line((_text(0, "Capacity report · 容量报告"),), 16.0, bold=True),
        _Line((_text(0, " · ".join(doc.venue_lines())),), 12.0),
        *_wrapped(f"{prof.name}: {prof.title}{checked}", 100, size_pt=9.0),
        _Line(
            (
                _text(
                    0,
                    f"travel limit {limit:g} m ({measure.value})"
                    + (" sprinklered" if report.sprinklered else "")
                    + f" · layout {doc.version()} · printed {printed.isoformat()}",
                ),
            ),
            9.0,
        ),
        _Line((_text(0, ""),), 6.0),
    ]


def _paginate(lines: Sequence[_Line], keep_last: int) -> list[list[_Line]]:
    """Split lines into pages; the last ``keep_last`` lines (the signature) stay together."""
    room = _A4_MM[1] - 2 * _MARGIN_MM - 8.0  # less the page number's line
    pages: list[list[_Line]] = [[]]
    used = 0.0
    body, tail = list(lines[: len(lines) - keep_last]), list(lines[len(lines) - keep_last :])
    for line in body:
        if used + line.height_mm > room and pages[-1]:
            pages.append([])
            used = 0.0
        pages[-1].append(line)
        used += line.height_mm
    if used + sum(t.height_mm for t in tail) > room:
        pages.append([])
    pages[-1].extend(tail)
    return pages


def _page(doc: Document, lines: Sequence[_Line]) -> PageSpec:
    def draw(n: int, total: int) -> Figure:
        w, h = _A4_MM
        fig = Figure(figsize=(w / 25.4, h / 25.4))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_xlim(0, w)
        ax.set_ylim(0, h)
        ax.set_axis_off()
        y = h - _MARGIN_MM
        for line in lines:
            top = y
            y -= line.height_mm
            if line.level is not None:
                bg, fg = _LEVEL_COLOURS[line.level]
                ax.add_artist(
                    Rectangle(
                        (_MARGIN_MM - 1.5, y),
                        w - 2 * _MARGIN_MM + 3,
                        top - y,
                        facecolor=bg,
                        edgecolor="none",
                    )
                )
            else:
                fg = _INK
            font = FontProperties(
                fname=str(doc.font), size=line.size_pt, weight="bold" if line.bold else "normal"
            )
            for x, s, ha in line.cells:
                ax.text(
                    _MARGIN_MM + x,
                    (top + y) / 2,
                    s,
                    ha=ha,
                    va="center",
                    color=fg,
                    fontproperties=font,
                    parse_math=False,
                )
        ax.text(
            w - _MARGIN_MM,
            _MARGIN_MM / 2,
            f"{n} / {total}",
            ha="right",
            color=_INK,
            fontproperties=FontProperties(fname=str(doc.font), size=7.0),
        )
        return fig

    return draw


def capacity_report_pages(
    venue: Venue,
    report: CapacityReport,
    *,
    verdicts: Verdicts | None = None,
    printed_on: date | None = None,
) -> list[PageSpec]:
    """Return the capacity report's A4 pages.

    Parameters
    ----------
    venue, report
        The venue and its report (:func:`floorplan.rules.capacity_report`).
    verdicts
        The verdicts to print (default: the report's own, without counts).
    printed_on
        The date printed (default: today).

    Raises
    ------
    FontError
        When no installed font prints Chinese (the verdicts are in both languages).
    """
    doc = Document(venue, PrintOptions(lang=PrintLang.BOTH))
    printed = printed_on or date.today()
    sign = _signature_lines()
    lines = [
        *_head_lines(doc, report, printed),
        *_verdict_lines(doc, verdicts or judge(report)),
        _Line((_text(0, ""),), 6.0),
        *_figure_lines(report),
        _Line((_text(0, ""),), 6.0),
        *_problem_lines(report),
        *sign,
    ]
    return [_page(doc, page) for page in _paginate(lines, len(sign))]


def capacity_report_pdf(
    venue: Venue,
    report: CapacityReport,
    *,
    verdicts: Verdicts | None = None,
    printed_on: date | None = None,
) -> bytes:
    """Return the capacity report as the bytes of a PDF (for a download on /staff)."""
    pages = capacity_report_pages(venue, report, verdicts=verdicts, printed_on=printed_on)
    return render_bytes(pages, title=f"{venue.name}: capacity report")


def print_capacity_report(
    venue: Venue,
    report: CapacityReport,
    out: str | Path,
    *,
    verdicts: Verdicts | None = None,
    overwrite: bool = True,
) -> Path:
    """Write the capacity report to ``out`` (a PDF, atomically)."""
    pages = capacity_report_pages(venue, report, verdicts=verdicts)
    (written,) = write_pages(
        pages, out, keys=["report"], title=f"{venue.name}: capacity report", overwrite=overwrite
    )
    return written
