"""Escape plans in the manner of ISO 23601: one per kiosk, turned to the viewer's heading.

A plan shows the kiosk's hall turned so that the kiosk's heading is up (as the kiosk's
screen shows the map), a "you are here" mark, the escape routes to the two nearest
emergency exits as the router walks them (each marked step-free or not, with the
nearest step-free way out when neither is), the exits, fire-fighting and first-aid
equipment, the assembly point if the venue names one, and a bilingual legend with
ISO 7010-like signs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Polygon, Rectangle

from floorplan.errors import NoRouteError, PlaceError
from floorplan.i18n import amenity_name, text
from floorplan.render.document import NAME_ZH, Document, PageSpec, PrintOptions
from floorplan.render.labels import Box, wrap
from floorplan.render.mapdraw import (
    HALL_FILL,
    OBSTACLE_FILL,
    draw_doors,
    draw_polygons,
    geoms_mm,
    points_mm,
)
from floorplan.render.page import INK, LegendEntry, Page, PrintLang, bilingual
from floorplan.render.paper import MapFrame, Sheet
from floorplan.render.symbols import SAFETY_GREEN, SAFETY_KINDS, add_line, draw_safety
from floorplan.routing import Route, Router
from floorplan.schema import Col, OpeningKind
from floorplan.venue import Venue

__all__ = ["EXIT_KINDS", "EscapeRoute", "escape_page", "escape_routes", "plan_frame"]

#: Doors a plan leads people out through.
EXIT_KINDS: Final = (OpeningKind.EMERGENCY_EXIT.value, OpeningKind.EXIT.value)
#: Amenity kinds that name an assembly point.
ASSEMBLY_KINDS: Final = ("assembly_point",)
_LENGTH_TOL_M: Final = 0.01


@dataclass(frozen=True)
class EscapeRoute:
    """The walk from a kiosk to one emergency exit, as the router finds it."""

    exit_id: str
    route: Route
    step_free: bool


def _exit_ids(venue: Any) -> list[str]:
    openings = venue.openings
    ids = openings[openings[Col.KIND].isin(EXIT_KINDS)][Col.OPENING_ID].astype(str).tolist()
    if ids:
        return ids
    # A venue without emergency exits is led out through its entrances.
    return (
        openings[openings[Col.KIND] == OpeningKind.ENTRANCE.value][Col.OPENING_ID]
        .astype(str)
        .tolist()
    )


def escape_routes(
    router: Router, kiosk_id: str, *, count: int = 2, step_free: bool = False
) -> list[EscapeRoute]:
    """Return the routes from kiosk ``kiosk_id`` to its ``count`` nearest exits by walking.

    With ``step_free`` only step-free exits count, reached by the router's accessible
    walk (step-free doors only).

    Exits are tried nearest first as the crow flies; since no walk is shorter than the
    straight line, the search stops once the ``count``-th best walk is no longer than
    the next exit's straight-line distance, so the answer is exact.

    Raises
    ------
    PlaceError
        When ``kiosk_id`` is not a kiosk of the router's venue.
    """
    venue = router.venue
    kiosks = venue.kiosks[venue.kiosks[Col.KIOSK_ID].astype(str) == kiosk_id]
    if kiosks.empty:
        known = ", ".join(venue.kiosks[Col.KIOSK_ID].astype(str))
        msg = f"unknown kiosk {kiosk_id!r}; kiosks: {known}"
        raise PlaceError(msg)
    here = kiosks.geometry.iloc[0]
    openings = venue.openings.set_index(venue.openings[Col.OPENING_ID].astype(str))
    exits = _exit_ids(venue)
    if step_free:
        exits = [o for o in exits if bool(openings.loc[o].get(Col.STEP_FREE, True))]
    candidates = sorted(exits, key=lambda o: here.distance(openings.geometry[o]))
    found: list[tuple[float, str, Route]] = []
    for oid in candidates:
        crow = here.distance(openings.geometry[oid])
        if len(found) >= count and sorted(found)[count - 1][0] <= crow:
            break
        try:
            route = router.route(kiosk_id, oid, accessible=step_free)
        except NoRouteError:
            continue
        found.append((route.length_m, oid, route))
    best = sorted(found, key=lambda t: (t[0], t[1]))[:count]
    return [
        EscapeRoute(oid, route, _step_free(router, kiosk_id, oid, route, openings))
        for _, oid, route in best
    ]


def _step_free(router: Router, kiosk_id: str, exit_id: str, route: Route, openings: Any) -> bool:
    """Return whether ``route`` passes only step-free doors (the router's accessible walk)."""
    if not bool(openings.loc[exit_id].get(Col.STEP_FREE, True)):
        return False
    if route.accessible:
        return True
    try:
        level = router.route(kiosk_id, exit_id, accessible=True)
    except NoRouteError:
        return False
    return abs(level.length_m - route.length_m) <= _LENGTH_TOL_M


# ---------------------------------------------------------------- drawing


def _route_arrows(
    page: Page, coords_mm: np.ndarray, colour: str, *, dashed: bool, gid: str
) -> None:
    """Draw a route as a thick line with arrowheads along it, pointing the way out."""
    k = page.k
    width = 1.4 * k**0.5
    add_line(
        page.ax,
        coords_mm[:, 0],
        coords_mm[:, 1],
        color=colour,
        linewidth=width / 0.3528,
        linestyle=(0, (3, 1.5)) if dashed else "-",
        solid_capstyle="round",
        solid_joinstyle="round",
        zorder=7,
        gid=gid,
    )
    path = shapely.LineString(coords_mm)
    step = 12.0 * k**0.5
    head = 2.6 * k**0.5
    for d in [*np.arange(step, path.length - step / 2, step), path.length]:
        tip = path.interpolate(d)
        back = path.interpolate(max(d - head, 0.0))
        dx, dy = tip.x - back.x, tip.y - back.y
        norm = math.hypot(dx, dy)
        if norm < 1e-6:
            continue
        ux, uy = dx / norm, dy / norm
        bx, by = tip.x - ux * head, tip.y - uy * head
        wing = head * 0.55
        page.ax.add_artist(
            Polygon(
                [
                    (tip.x, tip.y),
                    (bx - uy * wing, by + ux * wing),
                    (bx + uy * wing, by - ux * wing),
                ],
                closed=True,
                facecolor=colour,
                edgecolor="none",
                zorder=8,
            )
        )


def _route_number(page: Page, coords_mm: np.ndarray, number: int, colour: str) -> None:
    """Mark a route with its number in a circle, half way along."""
    mid = shapely.LineString(coords_mm).interpolate(0.5, normalized=True)
    r = 2.6 * page.k**0.5
    page.ax.add_artist(
        Circle(
            (mid.x, mid.y),
            r,
            facecolor="white",
            edgecolor=colour,
            linewidth=1.2 * page.k**0.5,
            zorder=9,
        )
    )
    page.text(
        mid.x,
        mid.y,
        str(number),
        8.5 * page.k**0.5,
        ha="center",
        va="center",
        weight="bold",
        color=colour,
        zorder=10,
    )


def _view(
    venue: Any, hall_id: str, routes: Sequence[EscapeRoute]
) -> tuple[tuple[float, float, float, float], np.ndarray]:
    """Return the bounds and outline points that the plan must show."""
    halls = venue.halls
    hall = halls[halls[Col.HALL_ID].astype(str) == hall_id].geometry.iloc[0]
    pts = [np.asarray(hall.exterior.coords)]
    for r in routes:
        pts.append(np.asarray(r.route.coords))
    allpts = np.vstack(pts)
    lo, hi = allpts.min(axis=0), allpts.max(axis=0)
    pad = 0.03 * float(np.hypot(*(hi - lo)))
    box = (float(lo[0] - pad), float(lo[1] - pad), float(hi[0] + pad), float(hi[1] + pad))
    return box, allpts


def _kiosk(venue: Any, kiosk_id: str) -> tuple[Any, str, float]:
    kiosks = venue.kiosks
    row = kiosks[kiosks[Col.KIOSK_ID].astype(str) == kiosk_id].iloc[0]
    heading = float(row.get(Col.HEADING_DEG, 0.0) or 0.0)
    return row.geometry, str(row[Col.HALL_ID]), heading if math.isfinite(heading) else 0.0


def _in_view(frame_: Any, view: Any) -> Any:
    if len(frame_) == 0:
        return frame_
    return frame_[shapely.intersects(frame_.geometry.values, view)]


def _layout(
    doc: Document, panel: list[str], bounds: Any, heading: float, pts: np.ndarray
) -> tuple[Sheet, MapFrame, list[str], Box]:
    """Choose the orientation with the larger scale, keeping a strip above the map for the panel."""
    best: tuple[Sheet, MapFrame, list[str], Box] | None = None
    for landscape in (False, True):
        sheet = Sheet(doc.options.paper, landscape)
        x0, y0, x1, y1 = sheet.map_box()
        size = _PANEL_PT * sheet.k
        lines: list[str] = []
        for line in panel:
            lines += wrap(line, doc.measure, size, x1 - x0 - 4 * sheet.k, 3) or [line]
        strip = len(lines) * doc.measure.line_mm(size) + 3 * sheet.k
        box = (x0, y0, x1, y1 - strip - 2 * sheet.k)
        frame = MapFrame.fit(bounds, box, angle_deg=heading, points_m=pts)
        if best is None or frame.scale < best[1].scale:
            best = (sheet, frame, lines, box)
    assert best is not None
    return best


def _escape_figure(  # noqa: PLR0917 - private, called from one lambda
    doc: Document,
    kiosk_id: str,
    routes: list[EscapeRoute],
    alternative: EscapeRoute | None,
    n: int,
    total: int,
) -> Figure:
    venue = doc.venue
    here, hall_id, heading = _kiosk(venue, kiosk_id)
    shown = [*routes, *([alternative] if alternative else [])]
    bounds, pts = _view(venue, hall_id, shown)
    sheet, frame, panel, box = _layout(
        doc, _panel_lines(doc, kiosk_id, hall_id, routes, alternative), bounds, heading, pts
    )
    page = Page(sheet, doc.font, doc.measure)
    k = page.k
    corners = frame.to_m(
        np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]])
    )
    view = shapely.Polygon(corners)
    _draw_floor(page, frame, venue, view, hall_id)
    _draw_exits(page, frame, _in_view(venue.openings, view), {r.exit_id for r in shown})
    for i, r in enumerate(shown):
        coords = frame.to_mm(np.asarray(r.route.coords))
        colour = _ROUTE_COLOURS[min(i, 2)]
        _route_arrows(page, coords, colour, dashed=r is alternative, gid=f"route:{r.exit_id}")
        _route_number(page, coords, i + 1, colour)
    _safety_amenities(page, _in_view(venue.amenities, view), frame)
    _draw_here(page, frame, here, doc.words("you_are_here"))
    _clip(page, box)
    x0, _, x1, y1 = sheet.map_box()
    page.ax.add_artist(
        Rectangle(
            (x0, box[3] + 2 * k),
            x1 - x0,
            y1 - box[3] - 2 * k,
            facecolor="white",
            edgecolor=INK,
            linewidth=0.5 * k,
            zorder=13,
        )
    )
    page.lines(x0 + 2 * k, y1 - 1.5 * k, panel, _PANEL_PT * k, zorder=14, gid="panel")
    titles = doc.words("escape.title")
    title = [
        f"{t} · {doc.hall_name(hall_id, la)}" for t, la in zip(titles, doc.langs(), strict=True)
    ]
    page.legend(doc.words("print.legend"), _legend(doc, venue))
    page.north_arrow(frame.angle_deg, doc.words("print.north")[0])
    page.scale_bar(frame, doc.words("print.scale", n=frame.scale, paper=doc.options.paper.value))
    page.title_block(doc.footer_rows(title, n, total, frame.scale))
    return page.fig


def _draw_floor(
    page: Page, frame: MapFrame, venue: Venue, view: shapely.Polygon, hall_id: str
) -> None:
    """Draw the halls in view (this one stronger), booths and obstacles."""
    k = page.k
    halls = _in_view(venue.halls, view)
    mine = halls[Col.HALL_ID].astype(str) == hall_id
    draw_polygons(
        page,
        geoms_mm(halls[~mine].geometry.values, frame),
        facecolors="#fafafa",
        edgecolor="#9a9a9a",
        linewidth_mm=0.35 * k,
        zorder=1,
    )
    draw_polygons(
        page,
        geoms_mm(halls[mine].geometry.values, frame),
        facecolors=HALL_FILL,
        linewidth_mm=0.8 * k,
        zorder=1,
    )
    draw_polygons(
        page,
        geoms_mm(_in_view(venue.booths, view).geometry.values, frame),
        facecolors="#e3e3e3",
        edgecolor="#8a8a8a",
        linewidth_mm=0.15 * k,
        zorder=2,
    )
    draw_polygons(
        page,
        geoms_mm(_in_view(venue.obstacles, view).geometry.values, frame),
        facecolors=OBSTACLE_FILL,
        edgecolor=OBSTACLE_FILL,
        linewidth_mm=0.1,
        zorder=3,
    )


def _draw_exits(
    page: Page, frame: MapFrame, openings: gpd.GeoDataFrame, exits_shown: set[str]
) -> None:
    """Draw the doors, and an exit sign on each exit (larger on the routes' exits)."""
    k = page.k
    kinds = [
        kind if kind in EXIT_KINDS else OpeningKind.CONNECTION.value
        for kind in openings[Col.KIND].astype(str)
    ]
    doors_mm = geoms_mm(openings.geometry.values, frame)
    draw_doors(page, doors_mm, kinds, width_mm=1.0 * k**0.5)
    sign = 4.5 * k**0.5
    for line, kind, oid in zip(doors_mm, kinds, openings[Col.OPENING_ID].astype(str), strict=True):
        if kind in EXIT_KINDS:
            mid = line.interpolate(0.5, normalized=True)
            size = sign if oid in exits_shown else sign * 0.6
            draw_safety(page.ax, "emergency_exit", (mid.x, mid.y), size, z=9)


def _draw_here(page: Page, frame: MapFrame, here: shapely.Point, words: list[str]) -> None:
    """Draw the "you are here" sign and its words."""
    k = page.k
    yx = frame.to_mm(np.array([[here.x, here.y]]))[0]
    draw_safety(page.ax, "you_are_here", (yx[0], yx[1]), 7.0 * k**0.5, z=12)
    page.lines(
        yx[0] + 4.5 * k**0.5,
        yx[1] + 2.0 * k,
        words,
        7.5 * k**0.5,
        weight="bold",
        color="#c8102e",
        zorder=12,
        gid="you_are_here",
    )


def _plan_layout(
    doc: Document, kiosk_id: str, routes: list[EscapeRoute], alternative: EscapeRoute | None
) -> tuple[Sheet, MapFrame, list[str], Box]:
    _, hall_id, heading = _kiosk(doc.venue, kiosk_id)
    shown = [*routes, *([alternative] if alternative else [])]
    bounds, pts = _view(doc.venue, hall_id, shown)
    panel = _panel_lines(doc, kiosk_id, hall_id, routes, alternative)
    return _layout(doc, panel, bounds, heading, pts)


def plan_frame(
    venue: Venue,
    kiosk_id: str,
    routes: list[EscapeRoute],
    options: PrintOptions,
    alternative: EscapeRoute | None = None,
) -> MapFrame:
    """Return the frame (turn, scale, shift) the escape plan of ``kiosk_id`` is drawn in."""
    return _plan_layout(Document(venue, options), kiosk_id, routes, alternative)[1]


_PANEL_PT: Final = 7.0
_ROUTE_COLOURS: Final = ("#007a3d", "#00a651", "#0b5cad")


def _clip(page: Page, box: Box) -> None:
    clip = Rectangle(
        (box[0], box[1]), box[2] - box[0], box[3] - box[1], transform=page.ax.transData
    )
    for artist in [
        *page.ax.collections,
        *page.ax.patches,
        *page.ax.lines,
        *page.ax.texts,
        *page.ax.artists,
    ]:
        if artist.get_zorder() < 13:
            artist.set_clip_path(clip)


def _safety_amenities(page: Page, amenities: Any, frame: Any) -> None:
    wanted = amenities[amenities[Col.KIND].isin([*SAFETY_KINDS, *ASSEMBLY_KINDS])]
    size = 4.5 * page.k**0.5
    for (x, y), kind in zip(
        points_mm(wanted.geometry.values, frame), wanted[Col.KIND].astype(str), strict=True
    ):
        draw_safety(page.ax, kind, (x, y), size, z=9)


def _route_words(doc: Document, i: int, r: EscapeRoute) -> list[str]:
    metres = round(r.route.length_m)
    seconds = max(1, round(r.route.duration_s / 5) * 5)
    lines = doc.words("escape.route_to", n=i, exit=r.exit_id, metres=metres, seconds=seconds)
    states = [
        text("escape.step_free" if r.step_free else "escape.has_steps", la) for la in doc.langs()
    ]
    return [
        text("escape.route_state", la, route=line, state=state)
        for la, line, state in zip(doc.langs(), lines, states, strict=True)
    ]


def _panel_lines(
    doc: Document,
    kiosk_id: str,
    hall_id: str,
    routes: list[EscapeRoute],
    alternative: EscapeRoute | None,
) -> list[str]:
    """Return the panel's text: where the viewer is, each route, assembly point, advice."""
    lines = [
        text("escape.kiosk", la, kiosk=kiosk_id, hall=doc.hall_name(hall_id, la))
        for la in doc.langs()
    ]
    if not routes:
        lines += doc.words("escape.no_route")
    for i, r in enumerate(routes, start=1):
        lines += _route_words(doc, i, r)
    if alternative is not None:
        lines += doc.words(
            "escape.step_free_exit",
            exit=alternative.exit_id,
            metres=round(alternative.route.length_m),
        )
    assembly = _assembly_names(doc)
    if assembly:
        lines += doc.words("escape.assembly_at", name=" / ".join(assembly))
    return lines + doc.words("escape.advice")


def _assembly_names(doc: Document) -> list[str]:
    venue = doc.venue
    names: list[str] = []
    given = venue.meta.get("assembly_point")
    if isinstance(given, str) and given:
        names.append(given)
    elif isinstance(given, dict) and given.get("name"):
        names.append(str(given["name"]))
    points = venue.amenities[venue.amenities[Col.KIND].isin(ASSEMBLY_KINDS)]
    for _, row in points.iterrows():
        en = str(row.get(Col.NAME) or "") or amenity_name(str(row[Col.KIND]), "en")
        zh = row.get(NAME_ZH)
        names += bilingual(en, zh if isinstance(zh, str) else "", PrintLang.EN)
    return names


def _legend(doc: Document, venue: Any) -> list[LegendEntry]:
    entries = [
        LegendEntry(
            lambda p, x, y, s: draw_safety(p.ax, "you_are_here", (x, y), s, z=10),
            tuple(doc.words("you_are_here")),
        ),
        LegendEntry(
            lambda p, x, y, s: draw_safety(p.ax, "emergency_exit", (x, y), s, z=10),
            tuple(doc.words("print.emergency_exit")),
        ),
        LegendEntry(_route_swatch, tuple(doc.words("escape.route"))),
    ]
    kinds = set(venue.amenities[Col.KIND].astype(str))
    for kind in ("first_aid", "fire_extinguisher", "fire_alarm", "defibrillator", "assembly_point"):
        if kind in kinds:
            key = "amenity.first_aid" if kind == "first_aid" else f"escape.{kind}"
            entries.append(LegendEntry(_sign(kind), tuple(doc.words(key))))
    return entries


def _sign(kind: str) -> Any:
    return lambda p, x, y, s: draw_safety(p.ax, kind, (x, y), s, z=10)


def _route_swatch(page: Page, x: float, y: float, s: float) -> None:
    page.ax.add_artist(
        FancyArrowPatch(
            (x - s / 2, y),
            (x + s / 2, y),
            arrowstyle="-|>",
            mutation_scale=8 * page.k,
            color=SAFETY_GREEN,
            linewidth=1.5 * page.k,
            zorder=10,
        )
    )


def escape_page(doc: Document, router: Router, kiosk_id: str) -> PageSpec:
    """Return the escape plan page of kiosk ``kiosk_id`` (routes are found now).

    Raises
    ------
    PlaceError
        When ``kiosk_id`` is not a kiosk of the venue.
    """
    routes = escape_routes(router, kiosk_id)
    alternative = None
    if routes and not any(r.step_free for r in routes):
        level = escape_routes(router, kiosk_id, count=1, step_free=True)
        alternative = level[0] if level else None
    return lambda n, total: _escape_figure(doc, kiosk_id, routes, alternative, n, total)
