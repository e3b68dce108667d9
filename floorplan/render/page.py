"""One printed page: a matplotlib figure in millimetres, and the furniture every plan has.

A page's axes cover the whole sheet with data units of millimetres (origin bottom
left), so that geometry, type and symbols are placed in paper units. The furniture:
title block, legend, scale bar with the paper scale, north arrow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Text

from floorplan.i18n import Lang, text
from floorplan.render.fonts import TextMeasure
from floorplan.render.paper import MapFrame, Sheet

__all__ = ["RC", "LegendEntry", "Page", "PrintLang", "bilingual", "words"]

INK = "#1d1d1b"
GREY = "#6b6b6b"
#: matplotlib settings every page is drawn and saved with (see :data:`RC` users).
RC: dict[Any, Any] = {
    # Type 42: TrueType embedded (and subset) in the PDF, so text stays text (pdftotext
    # finds it) and every glyph prints; Type 3 would draw Chinese glyph by glyph.
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "pdf.compression": 6,
    # Unhinted advances: a PNG's text takes the width the labels were fitted to
    # (hinting rounds small type's advances up to whole pixels, up to 10% wider).
    "text.hinting": "no_hinting",
}


class PrintLang(StrEnum):
    """Which language(s) printed text is in."""

    EN = "en"
    ZH = "zh"
    BOTH = "both"


def words(key: str, lang: PrintLang, /, **fields: object) -> list[str]:
    """Return the catalogue string ``key`` in the language(s) of ``lang``, one per line."""
    langs = {PrintLang.EN: (Lang.EN,), PrintLang.ZH: (Lang.ZH,), PrintLang.BOTH: (Lang.EN, Lang.ZH)}
    return [text(key, la, **fields) for la in langs[lang]]


def bilingual(en: str, zh: str, lang: PrintLang) -> list[str]:
    """Return a name's lines in ``lang``: a missing Chinese name falls back to English.

    >>> bilingual("Hall 1", "", PrintLang.BOTH), bilingual("Hall 1", "一号馆", PrintLang.ZH)
    (['Hall 1'], ['一号馆'])
    """
    en, zh = en.strip(), zh.strip()
    if lang is PrintLang.EN:
        return [en or zh]
    if lang is PrintLang.ZH:
        return [zh or en]
    return [s for s in dict.fromkeys((en, zh)) if s] or [""]


@lru_cache(maxsize=256)
def _prop(path: str, size: float) -> FontProperties:
    return FontProperties(fname=path, size=size)


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: a swatch drawn by ``draw(page, x, y, size_mm)`` and its words."""

    draw: Callable[[Page, float, float, float], None]
    label: tuple[str, ...]


@dataclass
class Page:
    """A sheet to draw on in millimetres."""

    sheet: Sheet
    font: Path
    measure: TextMeasure
    fig: Figure = field(init=False)
    ax: Axes = field(init=False)

    def __post_init__(self) -> None:
        w, h = self.sheet.size_mm
        self.fig = Figure(figsize=(w / 25.4, h / 25.4))
        self.ax = self.fig.add_axes((0.0, 0.0, 1.0, 1.0))
        self.ax.set_xlim(0, w)
        self.ax.set_ylim(0, h)
        self.ax.set_axis_off()
        self.ax.set_autoscale_on(False)

    @property
    def k(self) -> float:
        """Return the sheet's type and furniture factor."""
        return self.sheet.k

    def text(self, x: float, y: float, s: str, size_pt: float, **kw: Any) -> Text:
        """Draw ``s`` at ``(x, y)`` mm in the page's font at ``size_pt`` points."""
        kw.setdefault("color", INK)
        kw.setdefault("zorder", 10)
        return self.ax.text(x, y, s, fontproperties=_prop(str(self.font), round(size_pt, 2)), **kw)

    def lines(self, x: float, y: float, lines: Sequence[str], size_pt: float, **kw: Any) -> float:
        """Draw lines downwards from the top ``y``; return the y below the last."""
        step = self.measure.line_mm(size_pt)
        for line in lines:
            self.text(x, y, line, size_pt, va="top", **kw)
            y -= step
        return y

    # ------------------------------------------------------------ furniture

    def title_block(self, rows: Sequence[tuple[Sequence[str], float]]) -> None:
        """Draw the title block at the right of the band: rows of (lines, size at A3)."""
        x0, y0, x1, y1 = self.sheet.band_box()
        width = (x1 - x0) * 0.34
        bx = x1 - width
        self.ax.add_artist(
            Rectangle(
                (bx, y0),
                width,
                y1 - y0,
                facecolor="white",
                edgecolor=INK,
                linewidth=0.8 * self.k,
                zorder=9,
            )
        )
        pad = 2.0 * self.k
        y = y1 - pad
        for lines, size in rows:
            size_pt = self._fit(lines, size * self.k, width - 2 * pad)
            y = self.lines(bx + pad, y, lines, size_pt)

    def _fit(self, lines: Sequence[str], size_pt: float, width_mm: float) -> float:
        widest = max((self.measure.width_mm(s, size_pt) for s in lines), default=0.0)
        return size_pt if widest <= width_mm else size_pt * width_mm / widest

    def scale_bar(self, frame: MapFrame, paper_label: Sequence[str]) -> None:
        """Draw a scale bar of a round length and the paper scale, at the band's centre."""
        x0, y0, x1, y1 = self.sheet.band_box()
        room_mm = (x1 - x0) * 0.16
        metres = _round_length(room_mm / frame.mm_per_m)
        length = metres * frame.mm_per_m
        cx = x0 + (x1 - x0) * 0.55
        bx, by = cx - length / 2, y0 + (y1 - y0) * 0.55
        h = 1.6 * self.k
        for i in range(4):
            self.ax.add_artist(
                Rectangle(
                    (bx + i * length / 4, by),
                    length / 4,
                    h,
                    facecolor=INK if i % 2 == 0 else "white",
                    edgecolor=INK,
                    linewidth=0.4 * self.k,
                    zorder=9,
                )
            )
        size = 6.5 * self.k
        for frac in (0.0, 0.5, 1.0):
            self.text(
                bx + frac * length,
                by + h + 0.8 * self.k,
                f"{metres * frac:g}",
                size,
                ha="center",
                va="bottom",
            )
        self.text(bx + length + 1.5 * self.k, by + h / 2, "m", size, va="center")
        self.lines(cx, by - 1.5 * self.k, paper_label, size, ha="center")

    def north_arrow(self, angle_deg: float, label: str) -> None:
        """Draw a north arrow turned as the map is (``angle_deg`` counter-clockwise)."""
        x0, y0, x1, y1 = self.sheet.band_box()
        cx, cy = x0 + (x1 - x0) * 0.42, (y0 + y1) / 2
        r = min(9.0 * self.k, (y1 - y0) * 0.3)
        a = math.radians(angle_deg)

        def turn(px: float, py: float) -> tuple[float, float]:
            return (
                cx + px * math.cos(a) - py * math.sin(a),
                cy + px * math.sin(a) + py * math.cos(a),
            )

        self.ax.add_artist(
            Polygon(
                [turn(0, r), turn(r * 0.38, -r * 0.7), turn(0, -r * 0.35)],
                closed=True,
                facecolor=INK,
                edgecolor=INK,
                linewidth=0.5 * self.k,
                zorder=9,
            )
        )
        self.ax.add_artist(
            Polygon(
                [turn(0, r), turn(-r * 0.38, -r * 0.7), turn(0, -r * 0.35)],
                closed=True,
                facecolor="white",
                edgecolor=INK,
                linewidth=0.5 * self.k,
                zorder=9,
            )
        )
        lx, ly = turn(0, r + 3.0 * self.k)
        self.text(lx, ly, label, 9 * self.k, ha="center", va="center", weight="bold")

    def legend(self, title: Sequence[str], entries: Sequence[LegendEntry]) -> None:
        """Draw the legend in the band's left part, in as many columns as it needs."""
        x0, y0, x1, y1 = self.sheet.band_box()
        width = (x1 - x0) * 0.34
        size = 6.0 * self.k
        y_top = self.lines(x0, y1, [" · ".join(title)], size * 1.15, weight="bold")
        row = (
            max(
                self.measure.line_mm(size) * max((len(e.label) for e in entries), default=1),
                4.2 * self.k,
            )
            + 0.8 * self.k
        )
        per_col = max(1, int((y_top - y0) // row))
        cols = max(1, math.ceil(len(entries) / per_col))
        col_w = width / cols
        swatch = 3.6 * self.k
        for i, entry in enumerate(entries):
            cx = x0 + (i // per_col) * col_w
            cy = y_top - (i % per_col) * row - row / 2
            entry.draw(self, cx + swatch / 2, cy, swatch)
            label_w = col_w - swatch - 3.0 * self.k
            size_i = self._fit(entry.label, size, label_w)
            lh = self.measure.line_mm(size_i)
            self.lines(
                cx + swatch + 1.5 * self.k, cy + lh * len(entry.label) / 2, entry.label, size_i
            )


def _round_length(metres: float) -> float:
    """Return the largest 1, 2 or 5 × 10^n not above ``metres``.

    >>> _round_length(37.0), _round_length(180.0), _round_length(0.7)
    (20.0, 100.0, 0.5)
    """
    if metres <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(metres))
    for step in (5, 2, 1):
        if step * power <= metres:
            return float(step * power)
    return float(power)
