"""Hall plans: booths with numbers and exhibitor names, zones, doors, kiosks, amenities.

A plan page draws one hall (or, for the overview, every hall) at the largest standard
scale that fits the sheet. Each booth gets its number and, where it fits, its
exhibitor's name (in the document's languages), shrunk down to a legible minimum; a
name that does not fit is moved beside the booth on a leader line, into the aisles,
where it overlaps no other label, icon or booth; a name with no such place is left to
the exhibitor directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from shapely.ops import nearest_points

from floorplan.i18n import amenity_name, zone_name
from floorplan.render.document import Document, PageSpec
from floorplan.render.labels import Box, Placer, inner_box, leader_spots, nearest_on_box, wrap
from floorplan.render.mapdraw import (
    DOOR_COLOURS,
    HALL_FILL,
    OBSTACLE_FILL,
    OTHER_ZONE,
    ZONE_COLOURS,
    draw_doors,
    draw_polygons,
    geoms_mm,
    points_mm,
)
from floorplan.render.page import INK, LegendEntry, Page, PrintLang, bilingual
from floorplan.render.paper import MapFrame, best_sheet
from floorplan.render.symbols import add_line, amenity_icon, draw_icon, draw_safety
from floorplan.schema import Col, HallKind, OpeningKind, Zone

__all__ = ["MIN_PT", "hall_page", "overview_page"]

#: The smallest type printed (points); below it a name moves to a leader line.
MIN_PT: Final = 3.0
_NUMBER_MAX_PT: Final = 10.0
_NAME_MAX_PT: Final = 7.0
_GAP: Final = 0.15  # of a booth's shorter side, kept free around its text


@dataclass
class _Booth:
    """A booth as drawn: its outline in mm and its words."""

    booth_id: str
    poly: Any
    names: list[str]


def _booths_of(doc: Document, frame: gpd.GeoDataFrame, polys: np.ndarray) -> list[_Booth]:
    en = frame[Col.EXHIBITOR].fillna("").astype(str).tolist()
    zh = (
        frame[Col.EXHIBITOR_ZH].fillna("").astype(str).tolist()
        if Col.EXHIBITOR_ZH in frame
        else [""] * len(frame)
    )
    out = []
    for bid, poly, e, z in zip(frame[Col.BOOTH_ID].astype(str), polys, en, zh, strict=True):
        names = bilingual(e, z, doc.lang) if (e.strip() or z.strip()) else []
        out.append(_Booth(bid, poly, [n for n in names if n]))
    return out


class _Labeller:
    """Put each booth's number and name inside it, or on a leader line, or nowhere."""

    def __init__(self, page: Page, doc: Document, placer: Placer, *, names: bool) -> None:
        self.page = page
        self.doc = doc
        self.placer = placer
        self.names = names
        self.leader_pt = max(MIN_PT + 0.5, 4.0 * page.k**0.5)
        self.left_out: list[str] = []
        self.numbered: set[str] = set()

    def inside(self, booth: _Booth) -> bool:
        """Write the booth's number (and name) inside it; return False if the name must move."""
        m = self.doc.measure
        x0, y0, x1, y1 = inner_box(booth.poly)
        pad = _GAP * min(x1 - x0, y1 - y0)
        w, h = x1 - x0 - 2 * pad, y1 - y0 - 2 * pad
        if w <= 0 or h <= 0:
            return False
        share = 0.4 if (self.names and booth.names) else 0.8
        num_pt = min(
            _NUMBER_MAX_PT * self.page.k,
            _pt_for_width(m.width_mm(booth.booth_id, 1.0), w),
            h * share / m.line_mm(1.0),
        )
        if num_pt < MIN_PT:
            return False
        block = [(booth.booth_id, num_pt)]
        fits = True
        if self.names and booth.names:
            name_block = self._fit_name(booth.names, w, h - m.line_mm(num_pt))
            fits = name_block is not None
            block += name_block or []
        height = sum(m.line_mm(s) for _, s in block)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        box = (cx - w / 2, cy - height / 2, cx + w / 2, cy + height / 2)
        if not self.placer.free(box):
            block, fits = block[:1], False
            height = m.line_mm(num_pt)
            box = (cx - w / 2, cy - height / 2, cx + w / 2, cy + height / 2)
            if not self.placer.free(box):
                return False
        y = cy + height / 2
        for k, (line, size) in enumerate(block):
            self.page.text(
                cx,
                y,
                line,
                size,
                ha="center",
                va="top",
                zorder=7,
                weight="bold" if k == 0 else "normal",
                gid=f"booth:{booth.booth_id}" if k == 0 else f"name:{booth.booth_id}",
            )
            y -= m.line_mm(size)
        self.placer.add(box)
        self.numbered.add(booth.booth_id)
        return fits

    def _fit_name(self, names: list[str], w: float, h: float) -> list[tuple[str, float]] | None:
        m = self.doc.measure
        size = _NAME_MAX_PT * self.page.k
        while size >= MIN_PT:
            lines: list[str] = []
            for k, name in enumerate(names):
                got = wrap(name, m, size, w, 3 if k == 0 else 2)
                if got is None:
                    break
                lines += got
            else:
                if len(lines) * m.line_mm(size) <= h:
                    return [(line, size) for line in lines]
            size *= 0.9
        return None

    def leader(self, booth: _Booth, *, with_number: bool) -> None:
        """Place the booth's words beside it on a leader line, or leave them to the directory."""
        m = self.doc.measure
        size = self.leader_pt
        width = 38.0 * self.page.k**0.5
        lines: list[str] = []
        head = [booth.booth_id] if with_number else []
        for k, name in enumerate([*head, *booth.names] if self.names else head):
            got = wrap(name, m, size, width, 2 if k < 2 else 1)
            if got is None:
                got = [name]
            lines += got
        if not lines:
            return
        w = max(m.width_mm(s, size) for s in lines) + 0.6
        h = len(lines) * m.line_mm(size) + 0.4
        c = booth.poly.centroid
        for box in leader_spots(
            (c.x, c.y), (w, h), [r * self.page.k**0.5 for r in (1.5, 4, 8, 13, 20)]
        ):
            if not self.placer.free(box, avoid_blockers=True):
                continue
            target = nearest_on_box(box, (c.x, c.y))
            start = nearest_points(booth.poly.exterior, shapely.Point(target))[0]
            line = shapely.LineString([(start.x, start.y), target])
            if line.length > 1e-9 and (
                self.placer.crosses(line) or self._crosses_booths(booth, line)
            ):
                continue
            self._draw_leader(booth, box, lines, size, start, target)
            return
        self.left_out.append(booth.booth_id)

    def _crosses_booths(self, booth: _Booth, line: Any) -> bool:
        """Return whether the leader runs over another booth (it would point at the wrong one)."""
        tree = self.placer.blockers
        if tree is None:
            return False
        hits = tree.query(line, predicate="intersects")
        return any(
            tree.geometries[k] is not booth.poly
            and shapely.intersection(tree.geometries[k], line).length > 0.05
            for k in hits
        )

    def _draw_leader(  # noqa: PLR0917 - private
        self,
        booth: _Booth,
        box: Box,
        lines: list[str],
        size: float,
        start: Any,
        end: tuple[float, float],
    ) -> None:
        ax = self.page.ax
        add_line(
            ax,
            [start.x, end[0]],
            [start.y, end[1]],
            color=INK,
            linewidth=0.25 * self.page.k**0.5,
            zorder=7,
            solid_capstyle="round",
        )
        add_line(
            ax,
            [start.x],
            [start.y],
            marker="o",
            color=INK,
            markersize=0.9 * self.page.k**0.5,
            zorder=7,
        )
        ax.add_artist(
            Rectangle(
                (box[0], box[1]),
                box[2] - box[0],
                box[3] - box[1],
                facecolor="white",
                edgecolor="none",
                alpha=0.85,
                zorder=7,
            )
        )
        y = box[3] - 0.2
        for line in lines:
            self.page.text(
                (box[0] + box[2]) / 2,
                y,
                line,
                size,
                ha="center",
                va="top",
                zorder=8,
                gid=f"leader:{booth.booth_id}",
            )
            y -= self.doc.measure.line_mm(size)
        self.placer.add(box)


def _pt_for_width(width_at_1pt: float, width_mm: float) -> float:
    return width_mm / width_at_1pt if width_at_1pt > 0 else 1e9


def _hall_ids(doc: Document, hall: str | None) -> list[str]:
    halls = doc.venue.halls
    return [str(h) for h in halls[Col.HALL_ID]] if hall is None else [hall]


def _in(frame: gpd.GeoDataFrame, hall_ids: Sequence[str]) -> gpd.GeoDataFrame:
    return frame[frame[Col.HALL_ID].astype(str).isin(hall_ids)]


def _draw_map(
    doc: Document, page: Page, frame: MapFrame, hall_ids: list[str], *, names: bool
) -> tuple[Placer, list[str]]:
    """Draw the halls' layers and labels; return the placer and the booths left out."""
    venue = doc.venue
    k = page.k
    box_mm = page.sheet.map_box()
    halls = venue.halls
    others = halls[~halls[Col.HALL_ID].astype(str).isin(hall_ids)]
    mine = _in(halls, hall_ids)
    draw_polygons(
        page,
        geoms_mm(others.geometry.values, frame),
        facecolors="#fbfbfa",
        edgecolor="#b0b0b0",
        linewidth_mm=0.3 * k,
        zorder=1,
    )
    fills = [
        HALL_FILL if kind != HallKind.CONCOURSE.value else "#eceff3" for kind in mine[Col.KIND]
    ]
    draw_polygons(
        page,
        geoms_mm(mine.geometry.values, frame),
        facecolors=fills,
        linewidth_mm=0.6 * k,
        zorder=1,
        gid="halls",
    )
    booths = _in(venue.booths, hall_ids)
    polys = geoms_mm(booths.geometry.values, frame)
    sold = np.array(booths[Col.EXHIBITOR].fillna("").astype(str).str.strip() != "", dtype=bool)
    if Col.EXHIBITOR_ZH in booths:
        sold |= (booths[Col.EXHIBITOR_ZH].fillna("").astype(str).str.strip() != "").to_numpy()
    colours = [ZONE_COLOURS.get(z, OTHER_ZONE) for z in booths[Col.ZONE].astype(str)]
    draw_polygons(
        page,
        polys[sold],
        facecolors=[c for c, s in zip(colours, sold, strict=True) if s],
        linewidth_mm=0.18 * k,
        zorder=3,
        gid="booths",
    )
    draw_polygons(
        page,
        polys[~sold],
        facecolors="white",
        edgecolor="#777777",
        linewidth_mm=0.18 * k,
        zorder=3,
        hatch="////",
        gid="unsold",
    )
    obstacles = _in(venue.obstacles, hall_ids)
    draw_polygons(
        page,
        geoms_mm(obstacles.geometry.values, frame),
        facecolors=OBSTACLE_FILL,
        edgecolor=OBSTACLE_FILL,
        linewidth_mm=0.1,
        zorder=4,
    )
    doors = _in(venue.openings, hall_ids)
    door_mm = geoms_mm(doors.geometry.values, frame)
    draw_doors(page, door_mm, doors[Col.KIND].astype(str).tolist(), width_mm=max(0.9 * k, 0.6))
    placer = Placer(box_mm, blockers=shapely.STRtree(polys) if len(polys) else None)
    _exit_signs(page, placer, door_mm, doors[Col.KIND].astype(str).tolist(), mine, frame)
    _kiosks(page, placer, _in(venue.kiosks, hall_ids), frame)
    _amenities(page, placer, _in(venue.amenities, hall_ids), frame)
    labeller = _Labeller(page, doc, placer, names=names)
    pending = [b for b in _booths_of(doc, booths, polys) if not labeller.inside(b)]
    if names:
        # Second pass, once every booth that can hold its words has them: the rest move
        # out on leader lines, into what is left of the aisles.
        for booth in pending:
            labeller.leader(booth, with_number=booth.booth_id not in labeller.numbered)
    _clip(page, box_mm)
    return placer, labeller.left_out


def _clip(page: Page, box: Box) -> None:
    clip = Rectangle(
        (box[0], box[1]), box[2] - box[0], box[3] - box[1], transform=page.ax.transData
    )
    for artist in [*page.ax.collections, *page.ax.patches, *page.ax.lines]:
        if artist.get_zorder() < 9:
            artist.set_clip_path(clip)


def _exit_signs(  # noqa: PLR0917 - private
    page: Page,
    placer: Placer,
    doors_mm: np.ndarray,
    kinds: list[str],
    halls: gpd.GeoDataFrame,
    frame: MapFrame,
) -> None:
    """Draw an emergency exit sign just inside each emergency exit."""
    size = 3.2 * page.k**0.5
    inside = shapely.union_all(geoms_mm(halls.geometry.values, frame)) if len(halls) else None
    for line, kind in zip(doors_mm, kinds, strict=True):
        if kind != OpeningKind.EMERGENCY_EXIT.value or inside is None:
            continue
        mid = line.interpolate(0.5, normalized=True)
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        nx, ny = -(y1 - y0), x1 - x0
        norm = (nx**2 + ny**2) ** 0.5 or 1.0
        for sign in (1, -1):
            cx = mid.x + sign * nx / norm * (size * 0.75)
            cy = mid.y + sign * ny / norm * (size * 0.75)
            if inside.contains(shapely.Point(cx, cy)):
                break
        box = (cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2)
        if placer.free(box):
            draw_safety(page.ax, "emergency_exit", (cx, cy), size, z=6)
            placer.add(box)


def _kiosks(page: Page, placer: Placer, kiosks: gpd.GeoDataFrame, frame: MapFrame) -> None:
    size = 3.0 * page.k**0.5
    for (x, y), kid in zip(
        points_mm(kiosks.geometry.values, frame), kiosks[Col.KIOSK_ID].astype(str), strict=True
    ):
        page.ax.add_artist(
            Rectangle(
                (x - size / 2, y - size / 2),
                size,
                size,
                facecolor=INK,
                edgecolor="white",
                linewidth=0.3,
                zorder=6,
                gid=f"kiosk:{kid}",
            )
        )
        page.ax.add_artist(
            Rectangle(
                (x - size * 0.3, y - size * 0.15),
                size * 0.6,
                size * 0.45,
                facecolor="#7fd3ff",
                edgecolor="none",
                zorder=6,
            )
        )
        placer.add((x - size / 2, y - size / 2, x + size / 2, y + size / 2))


def _amenities(page: Page, placer: Placer, amenities: gpd.GeoDataFrame, frame: MapFrame) -> None:
    size = 4.2 * page.k**0.5
    for (x, y), kind in zip(
        points_mm(amenities.geometry.values, frame), amenities[Col.KIND].astype(str), strict=True
    ):
        draw_icon(page.ax, amenity_icon(kind), (x, y), size, zorder=6)
        placer.add((x - size / 2, y - size / 2, x + size / 2, y + size / 2))


def _legend(doc: Document, hall_ids: list[str]) -> list[LegendEntry]:
    venue = doc.venue
    booths = _in(venue.booths, hall_ids)
    lang = doc.lang
    entries: list[LegendEntry] = []
    present = set(booths[Col.ZONE].astype(str))
    for zone in Zone:
        if zone.value in present:
            colour = ZONE_COLOURS[zone.value]
            entries.append(
                LegendEntry(
                    _swatch(colour), tuple(_both(lambda la, z=zone.value: zone_name(z, la), lang))
                )
            )
    entries.append(LegendEntry(_swatch("white", hatch="////"), tuple(doc.words("print.unsold"))))
    entries.append(LegendEntry(_swatch(OBSTACLE_FILL), tuple(doc.words("print.obstacle"))))
    doors = set(_in(venue.openings, hall_ids)[Col.KIND].astype(str))
    for kind, key in (
        (OpeningKind.ENTRANCE, "print.entrance"),
        (OpeningKind.EXIT, "print.exit"),
        (OpeningKind.CONNECTION, "print.connection"),
    ):
        if kind.value in doors:
            entries.append(LegendEntry(_stroke(DOOR_COLOURS[kind.value]), tuple(doc.words(key))))
    if OpeningKind.EMERGENCY_EXIT.value in doors:
        entries.append(
            LegendEntry(_sign("emergency_exit"), tuple(doc.words("print.emergency_exit")))
        )
    if len(_in(venue.kiosks, hall_ids)):
        entries.append(LegendEntry(_kiosk_swatch, tuple(doc.words("print.kiosk"))))
    for kind in sorted(set(_in(venue.amenities, hall_ids)[Col.KIND].astype(str))):
        entries.append(
            LegendEntry(_icon(kind), tuple(_both(lambda la, k=kind: amenity_name(k, la), lang)))
        )
    return entries


def _both(fn: Any, lang: PrintLang) -> list[str]:
    langs = {PrintLang.EN: ("en",), PrintLang.ZH: ("zh",), PrintLang.BOTH: ("en", "zh")}[lang]
    return [fn(la) for la in langs]


def _swatch(colour: str, *, hatch: str | None = None) -> Any:
    def draw(page: Page, x: float, y: float, s: float) -> None:
        page.ax.add_artist(
            Rectangle(
                (x - s / 2, y - s / 3),
                s,
                s * 2 / 3,
                facecolor=colour,
                edgecolor=INK,
                linewidth=0.3,
                hatch=hatch,
                zorder=10,
            )
        )

    return draw


def _stroke(colour: str) -> Any:
    def draw(page: Page, x: float, y: float, s: float) -> None:
        add_line(
            page.ax, [x - s / 2, x + s / 2], [y, y], color=colour, linewidth=2.5 * page.k, zorder=10
        )

    return draw


def _sign(sign: str) -> Any:
    def draw(page: Page, x: float, y: float, s: float) -> None:
        draw_safety(page.ax, sign, (x, y), s, z=10)

    return draw


def _icon(kind: str) -> Any:
    def draw(page: Page, x: float, y: float, s: float) -> None:
        draw_icon(page.ax, amenity_icon(kind), (x, y), s, zorder=10)

    return draw


def _kiosk_swatch(page: Page, x: float, y: float, s: float) -> None:
    page.ax.add_artist(
        Rectangle((x - s / 3, y - s / 3), s * 2 / 3, s * 2 / 3, facecolor=INK, zorder=10)
    )


def _map_page(doc: Document, hall: str | None, n: int, total: int) -> Figure:
    hall_ids = _hall_ids(doc, hall)
    venue = doc.venue
    halls = _in(venue.halls, hall_ids)
    bounds = tuple(float(v) for v in halls.total_bounds)
    sheet, frame = best_sheet(doc.options.paper, bounds)  # type: ignore[arg-type]
    page = Page(sheet, doc.font, doc.measure)
    placer, left_out = _draw_map(doc, page, frame, hall_ids, names=hall is not None)
    if hall is None:
        _hall_names(doc, page, frame, placer)
        title = doc.words("print.venue_plan")
    else:
        plan = doc.words("print.hall_plan")
        names = doc.hall_lines(hall)
        title = [f"{names[min(i, len(names) - 1)]} · {w}" for i, w in enumerate(plan)]
    page.legend(doc.words("print.legend"), _legend(doc, hall_ids))
    rows = doc.footer_rows(title, n, total, frame.scale)
    if left_out:
        rows.insert(-1, (doc.words("print.left_out", count=len(left_out)), 6.0))
    page.north_arrow(frame.angle_deg, doc.words("print.north")[0])
    page.scale_bar(frame, doc.words("print.scale", n=frame.scale, paper=doc.options.paper.value))
    page.title_block(rows)
    return page.fig


def _hall_names(doc: Document, page: Page, frame: MapFrame, placer: Placer) -> None:
    """Write each hall's name where it overlaps no other label: inside, else just outside."""
    halls = doc.venue.halls
    m = doc.measure
    for geom, hid in zip(halls.geometry.values, halls[Col.HALL_ID].astype(str), strict=True):
        lines = doc.hall_lines(hid)
        outline = geoms_mm([geom], frame)[0]
        size = 12 * page.k
        while size >= MIN_PT:
            w = max(m.width_mm(s, size) for s in lines) + 1.0
            h = len(lines) * m.line_mm(size)
            inside = outline.representative_point()
            x0, y0, x1, y1 = outline.bounds
            spots = [
                (inside.x, inside.y),
                ((x0 + x1) / 2, y1 + h / 2 + 0.5),
                ((x0 + x1) / 2, y0 - h / 2 - 0.5),
                (x0 - w / 2 - 0.5, (y0 + y1) / 2),
                (x1 + w / 2 + 0.5, (y0 + y1) / 2),
            ]
            for cx, cy in spots:
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if placer.free(box):
                    placer.add(box)
                    page.lines(
                        cx,
                        cy + h / 2,
                        lines,
                        size,
                        ha="center",
                        color="#444444",
                        weight="bold",
                        zorder=8,
                        gid=f"hall:{hid}",
                    )
                    break
            else:
                size *= 0.85
                continue
            break


def overview_page(doc: Document) -> PageSpec:
    """Return the page of the whole venue (halls, zones, booth numbers where they fit)."""
    return lambda n, total: _map_page(doc, None, n, total)


def hall_page(doc: Document, hall_id: str) -> PageSpec:
    """Return the page of one hall with booth numbers and exhibitor names."""
    return lambda n, total: _map_page(doc, hall_id, n, total)
