"""The exhibitor directory: A–Z in English, by pinyin in Chinese, and an index by zone.

Each entry names the exhibitor, its booth and its hall. Pages are laid out before any
is drawn (only text is measured), so that page numbers are known up front.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from matplotlib.figure import Figure
from pypinyin import Style, lazy_pinyin

from floorplan.i18n import Lang, text, zone_name
from floorplan.render.document import Document, PageSpec
from floorplan.render.labels import wrap
from floorplan.render.page import INK, Page, PrintLang
from floorplan.render.paper import Sheet
from floorplan.schema import Col, Zone

__all__ = ["Entry", "directory_pages", "entries", "pinyin_key", "sort_key_en"]

_BODY_PT: Final = 6.5
_HEAD_PT: Final = 9.0
_TITLE_PT: Final = 14.0


@dataclass(frozen=True)
class Entry:
    """One exhibitor at one booth."""

    en: str
    zh: str
    booth_id: str
    hall_id: str
    zone: str


def sort_key_en(name: str) -> tuple[str, str]:
    """Return the key that sorts English names A–Z, ignoring case and accents.

    >>> sorted(["zeta", "Müller", "Abc", "mango"], key=sort_key_en)
    ['Abc', 'mango', 'Müller', 'zeta']
    """
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    return (plain.lstrip("\"'“‘(（ "), name)


def pinyin_key(name: str) -> tuple[str, str]:
    """Return the key that sorts Chinese names by their pinyin (then by the characters).

    >>> sorted(["上海", "北京", "成都"], key=pinyin_key)
    ['北京', '成都', '上海']
    """
    return (" ".join(lazy_pinyin(name, style=Style.NORMAL, errors="default")).casefold(), name)


def entries(doc: Document) -> list[Entry]:
    """Return every let booth's exhibitor."""
    booths = doc.venue.booths
    zh = booths[Col.EXHIBITOR_ZH] if Col.EXHIBITOR_ZH in booths else [""] * len(booths)
    out = []
    for en, z, bid, hall, zone in zip(
        booths[Col.EXHIBITOR].fillna(""),
        zh,
        booths[Col.BOOTH_ID],
        booths[Col.HALL_ID],
        booths[Col.ZONE],
        strict=True,
    ):
        en_s, zh_s = str(en or "").strip(), str(z if isinstance(z, str) else "").strip()
        if en_s or zh_s:
            out.append(Entry(en_s, zh_s, str(bid), str(hall), str(zone)))
    return out


@dataclass(frozen=True)
class _Row:
    """A row of a laid-out column: a heading or an entry's lines."""

    lines: tuple[str, ...]
    right: str  # booth and hall, right-aligned
    heading: bool = False


def _initial(key: str) -> str:
    ch = key[:1].upper()
    return ch if ch.isalpha() and ch.isascii() else "#"


def _section_rows(doc: Document, section: str) -> tuple[list[str], list[_Row]]:
    """Return a section's title and its rows (headings by initial or zone, then entries)."""
    items = entries(doc)
    rows: list[_Row] = []
    if section == "en":
        named = sorted((e for e in items if e.en), key=lambda e: sort_key_en(e.en))
        title = doc.words("print.directory_en")
        head = ""
        for e in named:
            initial = _initial(sort_key_en(e.en)[0])
            if initial != head:
                rows.append(_Row((initial,), "", heading=True))
                head = initial
            rows.append(_Row((e.en,), f"{e.booth_id}  {e.hall_id}"))
        return title, rows
    if section == "zh":
        named = sorted((e for e in items if e.zh), key=lambda e: pinyin_key(e.zh))
        title = doc.words("print.directory_zh")
        head = ""
        for e in named:
            initial = _initial(pinyin_key(e.zh)[0])
            if initial != head:
                rows.append(_Row((initial,), "", heading=True))
                head = initial
            rows.append(_Row((e.zh,), f"{e.booth_id}  {e.hall_id}"))
        return title, rows
    title = doc.words("print.zone_index")
    zh_first = doc.lang is PrintLang.ZH
    order = {z.value: k for k, z in enumerate(Zone)}
    for zone in sorted({e.zone for e in items}, key=lambda z: (order.get(z, 99), z)):
        langs = {
            PrintLang.EN: (Lang.EN,),
            PrintLang.ZH: (Lang.ZH,),
            PrintLang.BOTH: (Lang.EN, Lang.ZH),
        }
        try:
            head = " · ".join(zone_name(zone, la) for la in langs[doc.lang])
        except ValueError:
            head = zone
        rows.append(_Row((head,), "", heading=True))
        members = [e for e in items if e.zone == zone]
        key = (
            (lambda e: pinyin_key(e.zh or e.en))
            if zh_first
            else (lambda e: sort_key_en(e.en or e.zh))
        )
        for e in sorted(members, key=key):
            name = (e.zh or e.en) if zh_first else (e.en or e.zh)
            rows.append(_Row((name,), f"{e.booth_id}  {e.hall_id}"))
    return title, rows


def _sections(lang: PrintLang) -> tuple[str, ...]:
    return {
        PrintLang.EN: ("en", "zones"),
        PrintLang.ZH: ("zh", "zones"),
        PrintLang.BOTH: ("en", "zh", "zones"),
    }[lang]


@dataclass(frozen=True)
class _Layout:
    sheet: Sheet
    cols: int
    col_w: float
    top: float
    bottom: float
    left: float
    gutter: float


def _layout(doc: Document) -> _Layout:
    sheet = Sheet(doc.options.paper, landscape=False)
    k = sheet.k
    x0, y0, x1, y1 = sheet.map_box()
    cols = 2 if doc.options.paper.value == "A4" else 3
    gutter = 6.0 * k
    col_w = (x1 - x0 - gutter * (cols - 1)) / cols
    top = y1 - doc.measure.line_mm(_TITLE_PT * k) * 2.2
    return _Layout(sheet, cols, col_w, top, y0, x0, gutter)


def _wrapped(doc: Document, row: _Row, lay: _Layout) -> tuple[list[str], float]:
    """Return the row's lines fitted beside its booth and hall, and its height."""
    k = lay.sheet.k
    size = (_HEAD_PT if row.heading else _BODY_PT) * k
    right = doc.measure.width_mm(row.right, size) + 2.0 * k if row.right else 0.0
    width = lay.col_w - right
    lines: list[str] = []
    for name in row.lines:
        got = wrap(name, doc.measure, size, width, 2)
        if got is None:  # a name too long for two lines: cut, keeping a mark
            got = [_cut(doc, name, size, width)]
        lines += got
    return lines, len(lines) * doc.measure.line_mm(size) + (1.5 * k if row.heading else 0.3 * k)


def _cut(doc: Document, text: str, size: float, width: float) -> str:
    out = text
    while out and doc.measure.width_mm(out + "…", size) > width:
        out = out[:-1]
    return out + "…"


@dataclass(frozen=True)
class _Placed:
    col: int
    y: float  # top, mm
    lines: tuple[str, ...]
    right: str
    heading: bool


def _paginate(doc: Document, lay: _Layout) -> Iterator[tuple[list[str], bool, list[_Placed]]]:
    """Yield pages: (section title, continued?, rows placed), section by section."""
    for section in _sections(doc.lang):
        title, rows = _section_rows(doc, section)
        placed: list[_Placed] = []
        col, y, first = 0, lay.top, True
        for row in rows:
            lines, height = _wrapped(doc, row, lay)
            if y - height < lay.bottom:
                col, y = col + 1, lay.top
                if col >= lay.cols:
                    yield title, not first, placed
                    placed, col, first = [], 0, False
            placed.append(_Placed(col, y, tuple(lines), row.right, row.heading))
            y -= height
        yield title, not first, placed


def _draw(  # noqa: PLR0917 - private, called from one lambda
    doc: Document,
    lay: _Layout,
    title: list[str],
    continued: bool,
    rows: list[_Placed],
    n: int,
    total: int,
) -> Figure:
    page = Page(lay.sheet, doc.font, doc.measure)
    k = lay.sheet.k
    heading = (
        [text("print.continued", la, title=t) for la, t in zip(doc.langs(), title, strict=True)]
        if continued
        else title
    )
    _, _, _, y1 = lay.sheet.map_box()
    page.text(lay.left, y1, " · ".join(heading), _TITLE_PT * k, va="top", weight="bold")
    for row in rows:
        x = lay.left + row.col * (lay.col_w + lay.gutter)
        size = (_HEAD_PT if row.heading else _BODY_PT) * k
        page.lines(
            x,
            row.y,
            row.lines,
            size,
            weight="bold" if row.heading else "normal",
            color=INK,
            gid="heading" if row.heading else "entry",
        )
        if row.right:
            page.text(x + lay.col_w, row.y, row.right, size, ha="right", va="top", gid="booth")
    page.title_block(doc.footer_rows(doc.words("print.directory"), n, total, None))
    return page.fig


def directory_pages(doc: Document) -> list[PageSpec]:
    """Return the directory's pages, laid out (not yet drawn)."""
    lay = _layout(doc)
    pages = list(_paginate(doc, lay))

    def spec(title: list[str], continued: bool, rows: list[_Placed]) -> PageSpec:
        return lambda n, total: _draw(doc, lay, title, continued, rows, n, total)

    return [spec(t, c, r) for t, c, r in pages]
