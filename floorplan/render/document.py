"""What every printed document shares, and writing pages as PDF, SVG or PNG atomically."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd
import shapely
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from floorplan.atomic import atomic_file, refuse_existing
from floorplan.errors import OptionError
from floorplan.i18n import Lang
from floorplan.render.fonts import TextMeasure, font_for
from floorplan.render.page import RC, PrintLang, bilingual, words
from floorplan.render.paper import Paper
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = [
    "NAME_ZH",
    "Document",
    "OutputFormat",
    "PageSpec",
    "PrintOptions",
    "output_format",
    "render_bytes",
    "write_pages",
]

#: Optional Chinese names (halls, amenities, the venue), used when a venue has them.
NAME_ZH = "name_zh"
#: Pages of raster output (PNG) are drawn at this resolution.
PNG_DPI = 150


class OutputFormat(StrEnum):
    """The files a document can be written as, by their suffix."""

    PDF = "pdf"
    SVG = "svg"
    PNG = "png"


def output_format(path: str | Path) -> OutputFormat:
    """Return the format a path's suffix asks for.

    Raises
    ------
    OptionError
        When the suffix is not .pdf, .svg or .png.
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    try:
        return OutputFormat(suffix)
    except ValueError:
        suffix_shown = Path(path).suffix or "(none)"
        msg = f"unknown output type {suffix_shown!r} of {path}; valid: .pdf, .svg, .png"
        raise OptionError(msg) from None


@dataclass(frozen=True)
class PrintOptions:
    """How a document is printed.

    Attributes
    ----------
    paper
        The sheet size; each page takes the orientation that draws it largest.
    lang
        English, Chinese or both.
    layout_version
        What the title block calls the layout (default: the venue's ``layout_version``
        meta entry, else a digest of its booths, so that two prints of one layout match).
    printed_on
        The date in the title block (default: today).
    """

    paper: Paper = Paper.A3
    lang: PrintLang = PrintLang.BOTH
    layout_version: str | None = None
    printed_on: date | None = None


@dataclass
class Document:
    """A venue being printed, with what its pages share: font, words, names."""

    venue: Venue
    options: PrintOptions
    font: Path = field(init=False)
    measure: TextMeasure = field(init=False)

    def __post_init__(self) -> None:
        self.font = font_for(chinese=self.options.lang is not PrintLang.EN)
        self.measure = TextMeasure(self.font)

    @property
    def lang(self) -> PrintLang:
        """Return the document's language(s)."""
        return self.options.lang

    def langs(self) -> list[Lang]:
        """Return the languages printed, in order."""
        return {
            PrintLang.EN: [Lang.EN],
            PrintLang.ZH: [Lang.ZH],
            PrintLang.BOTH: [Lang.EN, Lang.ZH],
        }[self.lang]

    def hall_name(self, hall_id: str, lang: Lang) -> str:
        """Return a hall's name in ``lang`` (Chinese falls back to English, then the id)."""
        halls = self.venue.halls
        row = halls[halls[Col.HALL_ID].astype(str) == hall_id]
        if row.empty:
            return hall_id
        en = _text(row.iloc[0].get(Col.NAME)) or hall_id
        return (_text(row.iloc[0].get(NAME_ZH)) or en) if lang is Lang.ZH else en

    def words(self, key: str, /, **fields: object) -> list[str]:
        """Return catalogue string ``key`` in the document's language(s)."""
        return words(key, self.lang, **fields)

    def venue_lines(self) -> list[str]:
        """Return the venue's name in the document's language(s)."""
        zh = self.venue.meta.get(NAME_ZH)
        return bilingual(self.venue.name or "Venue", zh if isinstance(zh, str) else "", self.lang)

    def hall_lines(self, hall_id: str) -> list[str]:
        """Return a hall's name in the document's language(s)."""
        halls = self.venue.halls
        row = halls[halls[Col.HALL_ID] == hall_id]
        if row.empty:
            return [hall_id]
        en = _text(row.iloc[0].get(Col.NAME)) or hall_id
        return bilingual(en, _text(row.iloc[0].get(NAME_ZH)), self.lang)

    def version(self) -> str:
        """Return the layout version for the title block."""
        if self.options.layout_version:
            return self.options.layout_version
        given = self.venue.meta.get("layout_version")
        if given:
            return str(given)
        booths = self.venue.booths
        digest = hashlib.sha256()
        for bid, geom, who in zip(
            booths[Col.BOOTH_ID],
            shapely.to_wkb(booths.geometry.values),
            booths[Col.EXHIBITOR],
            strict=True,
        ):
            digest.update(f"{bid}|{who}|".encode())
            digest.update(geom)
        return "#" + digest.hexdigest()[:8]

    def printed(self) -> str:
        """Return the print date, ISO 8601."""
        return (self.options.printed_on or date.today()).isoformat()

    def footer_rows(
        self, title: Sequence[str], n: int, total: int, scale: int | None
    ) -> list[tuple[list[str], float]]:
        """Return the title block's rows: venue, title, version and date, scale, page."""
        rows: list[tuple[list[str], float]] = [(self.venue_lines(), 11.0), (list(title), 9.0)]
        layouts = self.words("print.layout", version=self.version())
        dates = self.words("print.printed", date=self.printed())
        meta = [f"{a} · {b}" for a, b in zip(layouts, dates, strict=True)]
        rows.append((meta, 6.5))
        if scale is not None:
            rows.append((self.words("print.scale", n=scale, paper=self.options.paper.value), 6.5))
        rows.append((self.words("print.page", n=n, total=total), 6.5))
        return rows


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


#: A page to draw: called with its number and the document's page count.
PageSpec = Callable[[int, int], Figure]


def _pdf(pages: Sequence[PageSpec], target: Any, title: str) -> None:
    with (
        mpl.rc_context(RC),
        PdfPages(target, metadata={"Title": title, "Creator": "floorplan"}) as pdf,
    ):
        total = len(pages)
        for n, spec in enumerate(pages, start=1):
            fig = spec(n, total)
            pdf.savefig(fig)
            fig.clear()


def render_bytes(
    pages: Sequence[PageSpec], fmt: OutputFormat = OutputFormat.PDF, *, title: str = ""
) -> bytes:
    """Return the document as the bytes of a PDF (or of one SVG/PNG page, for one page).

    Raises
    ------
    OptionError
        When a single-page format is asked for several pages.
    """
    buf = io.BytesIO()
    if fmt is OutputFormat.PDF:
        _pdf(pages, buf, title)
        return buf.getvalue()
    if len(pages) != 1:
        msg = f"{fmt.value.upper()} holds one page; this document has {len(pages)} (use PDF)"
        raise OptionError(msg)
    with mpl.rc_context(RC):
        pages[0](1, 1).savefig(buf, format=fmt.value, dpi=PNG_DPI)
    return buf.getvalue()


def write_pages(
    pages: Sequence[PageSpec],
    out: str | Path,
    *,
    keys: Sequence[str],
    title: str = "",
    overwrite: bool = True,
) -> list[Path]:
    """Write the pages to ``out``: one PDF, or one SVG/PNG per page (``stem-KEY.svg``).

    Every file is written atomically (a temporary sibling renamed into place).

    Raises
    ------
    OptionError
        When the suffix is not .pdf, .svg or .png.
    FileExistsError
        When a target exists and ``overwrite`` is false.
    """
    target = Path(out)
    fmt = output_format(target)
    if fmt is OutputFormat.PDF or len(pages) == 1:
        targets = [target]
    else:
        targets = [target.with_name(f"{target.stem}-{_safe(k)}{target.suffix}") for k in keys]
    for t in targets:
        refuse_existing(t, overwrite=overwrite)
    if fmt is OutputFormat.PDF:
        with atomic_file(target) as tmp:
            _pdf(pages, tmp, title)
        return [target]
    total = len(pages)
    for n, (spec, path) in enumerate(zip(pages, targets, strict=True), start=1):
        with mpl.rc_context(RC), atomic_file(path) as tmp:
            fig = spec(n, total)
            fig.savefig(tmp, format=fmt.value, dpi=PNG_DPI)
            fig.clear()
    return targets


def _safe(key: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key)
