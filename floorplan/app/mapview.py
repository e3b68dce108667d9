"""Build the Bokeh floor-plan figure the pages share: halls, booths by zone, icons, a route.

Geometry is turned about the venue's centre so that a kiosk's facing direction is up on
its screen (:class:`MapFrame`); everything drawn goes through the same frame, and taps
come back through its inverse.

A venue of more than :data:`WINDOW_ABOVE_BOOTHS` booths is drawn windowed: each session
gets the halls, and booths (with their labels) only for what is in view plus a margin,
looked up in an STRtree shared by all sessions whenever the browser's view settles. While
the view holds more than :data:`MAX_BOOTHS_SENT` booths (the whole venue at the start),
halls are filled with the colour of their dominant zone instead, so that the first paint
sends and draws 70 hall outlines, not 74,000 booths.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import shapely
from bokeh.core.properties import value
from bokeh.models import ColumnDataSource, CustomJS, DataRange1d, UnionRenderers
from bokeh.models.annotations import Legend, LegendItem
from bokeh.models.annotations.dimensional import MetricLength
from bokeh.models.annotations.html.labels import HTMLLabelSet
from bokeh.models.annotations.legends import ScaleBar
from bokeh.models.glyph import Glyph
from bokeh.models.glyphs import ImageURL, Line, MultiLine, Patches, Scatter
from bokeh.models.renderers import GlyphRenderer
from bokeh.models.widgets.markups import Div
from bokeh.plotting import figure

from floorplan import i18n
from floorplan.app import resources, theme
from floorplan.app.resources import custom_js
from floorplan.app.theme import ZONE_COLOURS
from floorplan.schema import Col, Zone

if TYPE_CHECKING:
    from bokeh.plotting import figure as Figure

    from floorplan.venue import Venue

__all__ = [
    "MAX_BOOTHS_SENT",
    "ROUTE_MIN_SPAN_M",
    "VIEW_MARGIN",
    "WINDOW_ABOVE_BOOTHS",
    "ZONE_COLOURS",
    "BoothWindow",
    "MapFrame",
    "MapView",
    "add_scale_bar",
    "booth_data",
    "fit_view_js",
    "floor_figure",
    "north_arrow",
    "north_arrow_html",
]

#: The narrowest view a visitor can zoom to (metres across).
MIN_VIEW_M = 8.0
#: The font family of every label on the map (a canvas measures it as the page draws it).
LABEL_FONT = "helvetica"
#: Icons are this many metres wide on the floor, within these many pixels (zoomed out: the
#: smallest, and those that would meet a label or another icon are hidden).
ICON_M = 3.0
ICON_PX = (22.0, 40.0)
#: A route's view is at least this many metres across: a short route keeps its
#: surroundings (the booths a visitor walks past) in view, never blank floor.
ROUTE_MIN_SPAN_M = 45.0
#: Venues with more booths than this are sent to the browser windowed (what is in view).
WINDOW_ABOVE_BOOTHS = 5000
#: More booths than this in view (plus margin): halls by dominant zone instead of booths.
MAX_BOOTHS_SENT = 5000
#: The margin sent around the view on each side, as a fraction of the view's width/height.
VIEW_MARGIN = 0.25
_LABEL_KEYS = ("cx", "cy", "booth_id", "exhibitor", "w", "h")
_EMPTY_BOOTHS: dict[str, Any] = {"xs": [], "ys": [], **{k: [] for k in _LABEL_KEYS}}
#: Which icons are kept first where icons crowd: help before comfort.
_ICON_ORDER = ("first_aid", "info", "restroom", "cafe", "stage", "cloakroom", "meeting_room")


def _corner(v: str, h: str) -> dict[str, str | None]:
    """Return the styles that pin an element to corner ``v``-``h`` of the map."""
    return {"position": "absolute", v: "8px", h: "8px", "z-index": "5", "pointer-events": "none"}


@dataclass(frozen=True)
class MapFrame:
    """Turn venue coordinates by ``angle_deg`` (counter-clockwise) about ``(cx, cy)``."""

    cx: float = 0.0
    cy: float = 0.0
    angle_deg: float = 0.0

    @classmethod
    def facing(cls, venue: Venue, heading_deg: float) -> MapFrame:
        """Return the frame that puts compass ``heading_deg`` at the top of the screen."""
        x0, y0, x1, y1 = venue.halls.total_bounds
        return cls((x0 + x1) / 2, (y0 + y1) / 2, float(heading_deg) % 360.0)

    def to_view(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return venue points ``(x, y)`` in screen-map coordinates."""
        if not self.angle_deg:
            return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        a = math.radians(self.angle_deg)
        dx, dy = np.asarray(x, dtype=float) - self.cx, np.asarray(y, dtype=float) - self.cy
        return (
            self.cx + dx * math.cos(a) - dy * math.sin(a),
            self.cy + dx * math.sin(a) + dy * math.cos(a),
        )

    def to_venue(self, x: float, y: float) -> tuple[float, float]:
        """Return the venue point under screen-map point ``(x, y)``."""
        back = MapFrame(self.cx, self.cy, -self.angle_deg)
        vx, vy = back.to_view(np.array([x]), np.array([y]))
        return float(vx[0]), float(vy[0])


def _rings(geoms: Sequence[Any], frame: MapFrame) -> tuple[Any, Any]:
    # Plain lists, not one small array per ring: Bokeh encodes each array as a buffer of
    # its own, which made serialising a 523-booth map cost ~4x as much per session.
    xs, ys = [], []
    for g in geoms:
        poly = g if g.geom_type == "Polygon" else max(g.geoms, key=lambda p: p.area)
        c = np.asarray(poly.exterior.coords)
        vx, vy = frame.to_view(c[:, 0], c[:, 1])
        xs.append(vx.tolist())
        ys.append(vy.tolist())
    return xs, ys


def _extents(x: np.ndarray, y: np.ndarray, starts: np.ndarray) -> tuple[Any, Any]:
    """Return the width and height of each ring of points ``x, y`` cut at ``starts``."""
    if not len(starts):
        return np.empty(0), np.empty(0)
    return (
        np.maximum.reduceat(x, starts) - np.minimum.reduceat(x, starts),
        np.maximum.reduceat(y, starts) - np.minimum.reduceat(y, starts),
    )


def _exhibitors(booths: Any, lang: i18n.Lang) -> Any:
    """Return the booths' exhibitor names in ``lang``, the other language where empty."""
    en = booths[Col.EXHIBITOR].fillna("").astype(str)
    if Col.EXHIBITOR_ZH not in booths:
        return en
    zh = booths[Col.EXHIBITOR_ZH].fillna("").astype(str)
    first, other = (zh, en) if lang == i18n.Lang.ZH else (en, zh)
    return first.where(first.str.strip() != "", other)


@lru_cache(maxsize=16)
def booth_data(
    venue: Venue, frame: MapFrame, lang: i18n.Lang = i18n.Lang.EN
) -> dict[str, dict[str, Any]]:
    """Return per-zone column data of the booths in ``frame`` (shared by sessions)."""
    out: dict[str, dict[str, Any]] = {}
    for zone, frame_z in venue.zones.items():
        xs, ys = _rings(list(frame_z.geometry), frame)
        cent = frame_z.geometry.centroid
        cx, cy = frame.to_view(cent.x.to_numpy(), cent.y.to_numpy())
        starts = np.cumsum([0, *(len(r) for r in xs[:-1])]) if xs else np.empty(0, int)
        flat_x = np.concatenate([np.asarray(r) for r in xs]) if xs else np.empty(0)
        flat_y = np.concatenate([np.asarray(r) for r in ys]) if ys else np.empty(0)
        w, h = _extents(flat_x, flat_y, starts.astype(int))
        out[zone] = {
            "xs": xs,
            "ys": ys,
            "booth_id": frame_z[Col.BOOTH_ID].astype(str).tolist(),
            "exhibitor": _exhibitors(frame_z, lang).tolist(),
            "cx": cx,
            "cy": cy,
            "w": w,
            "h": h,
        }
    return out


def _outlines(geoms: np.ndarray) -> np.ndarray:
    """Return each geometry's exterior ring (of its largest part for a multipolygon)."""
    polys = np.array(
        [g if g.geom_type == "Polygon" else max(g.geoms, key=lambda p: p.area) for g in geoms],
        dtype=object,
    )
    return shapely.get_exterior_ring(polys) if len(polys) else polys


class BoothWindow:
    """Look up the booths in a box of a :class:`MapFrame`, for windowed drawing.

    Built once per venue and shared by every session whatever its frame: booths stay in
    venue coordinates in an STRtree; a view box is turned back into the venue as a
    polygon, queried, and only the booths found are turned into the session's frame.

    Parameters
    ----------
    venue
        The venue whose booths are looked up.
    """

    def __init__(self, venue: Venue) -> None:
        b = venue.booths
        self.geoms = np.asarray(b.geometry.values, dtype=object)
        self.tree = shapely.STRtree(self.geoms)
        self.rings = _outlines(self.geoms)
        cent = shapely.centroid(self.geoms) if len(self.geoms) else self.geoms
        self.cx = shapely.get_x(cent) if len(self.geoms) else np.empty(0)
        self.cy = shapely.get_y(cent) if len(self.geoms) else np.empty(0)
        self.booth_id = b[Col.BOOTH_ID].astype(str).to_numpy(dtype=object)
        self.exhibitor = {lang: _exhibitors(b, lang).to_numpy(dtype=object) for lang in i18n.Lang}
        self.zone = b[Col.ZONE].astype(str).to_numpy(dtype=object)
        self.hall_zone = self._dominant_zones(venue)

    @staticmethod
    def _dominant_zones(venue: Venue) -> dict[str, list[int]]:
        """Return, per zone, the row numbers of the halls whose booth area it leads."""
        b = venue.booths
        out: dict[str, list[int]] = {z.value: [] for z in Zone}
        if b.empty:
            return out
        area = b.assign(_area=b.geometry.area).groupby([Col.HALL_ID, Col.ZONE])["_area"].sum()
        lead = area.groupby(level=0).idxmax()
        by_hall = {str(h): str(hz[1]) for h, hz in lead.items()}
        for i, hall in enumerate(venue.halls[Col.HALL_ID].astype(str)):
            zone = by_hall.get(hall)
            if zone in out:
                out[zone].append(i)
        return out

    def query(self, frame: MapFrame, box: tuple[float, float, float, float]) -> np.ndarray:
        """Return the sorted rows of booths meeting box ``(x0, x1, y0, y1)`` of ``frame``."""
        x0, x1, y0, y1 = box
        back = MapFrame(frame.cx, frame.cy, -frame.angle_deg)
        vx, vy = back.to_view(np.array([x0, x1, x1, x0]), np.array([y0, y0, y1, y1]))
        area = shapely.Polygon(np.column_stack([vx, vy]))
        return np.sort(self.tree.query(area, predicate="intersects"))

    def data(
        self, frame: MapFrame, rows: np.ndarray, lang: i18n.Lang = i18n.Lang.EN
    ) -> dict[str, dict[str, Any]]:
        """Return per-zone column data (as :func:`booth_data`) of booths ``rows`` in ``frame``."""
        out: dict[str, dict[str, Any]] = {}
        zones = self.zone[rows]
        for z in Zone:
            sel = rows[zones == z.value]
            if not len(sel):
                out[z.value] = {k: list(v) for k, v in _EMPTY_BOOTHS.items()}
                continue
            coords, part = shapely.get_coordinates(self.rings[sel], return_index=True)
            vx, vy = frame.to_view(coords[:, 0], coords[:, 1])
            cuts = np.flatnonzero(np.diff(part)) + 1
            cx, cy = frame.to_view(self.cx[sel], self.cy[sel])
            w, h = _extents(vx, vy, np.concatenate([[0], cuts]).astype(int))
            out[z.value] = {
                "xs": np.split(vx, cuts),
                "ys": np.split(vy, cuts),
                "booth_id": self.booth_id[sel].tolist(),
                "exhibitor": self.exhibitor[lang][sel].tolist(),
                "cx": cx,
                "cy": cy,
                "w": w,
                "h": h,
            }
        return out


@lru_cache(maxsize=4)
def booth_window(venue: Venue) -> BoothWindow:
    """Return the shared :class:`BoothWindow` of ``venue``."""
    return BoothWindow(venue)


def _label_data(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Return one label source's data from per-zone booth data."""
    return {
        k: np.concatenate(
            [
                np.asarray(d[k], dtype=object if k in {"booth_id", "exhibitor"} else float)
                for d in parts
            ]
        )
        if parts
        else []
        for k in _LABEL_KEYS
    }


def floor_figure(
    *, toolbar_location: Literal["above", "below", "left", "right"] | None
) -> tuple[Figure, DataRange1d, DataRange1d]:
    """Return an empty floor-map figure and its x and y ranges.

    The figure has equal axes, no axis or grid, pan and wheel zoom.

    Kiosk and planner draw on the same kind of figure; the canvas backend draws a
    venue's patches fastest.
    """
    # Never closer than a few metres across: past a booth's width a map shows nothing.
    x_range = DataRange1d(range_padding=0.04, min_interval=MIN_VIEW_M)
    y_range = DataRange1d(range_padding=0.04, min_interval=MIN_VIEW_M)
    # No axes or grids at all (they were only hidden): 15 fewer models per session to
    # build, walk and send.
    fig = figure(
        x_range=x_range,
        y_range=y_range,
        x_axis_type=None,
        y_axis_type=None,
        match_aspect=True,
        sizing_mode="stretch_both",
        tools="pan,wheel_zoom,reset",
        active_scroll="wheel_zoom",
        toolbar_location=toolbar_location,
        output_backend="canvas",
        min_border=0,
        name="floormap",
    )
    fig.background_fill_color = theme.MAP_GROUND
    return fig, x_range, y_range


def add_scale_bar(fig: Figure) -> ScaleBar:
    """Add a scale bar in metres to the bottom-left corner of map ``fig``; return it."""
    bar = ScaleBar(
        range=fig.x_range,
        unit="m",
        dimensional=MetricLength(),
        location="bottom_left",
        bar_length=_SCALE_BAR_PX,
        bar_length_units="screen",
        bar_line_color=theme.MAP_GUIDE,
        bar_line_width=3,
        label_text_color=theme.MAP_GUIDE,
        label_text_font_size="16px",
        background_fill_color=theme.WHITE,
        background_fill_alpha=0.9,
        name="scale-bar",
    )
    fig.add_layout(bar)
    return bar


def north_arrow_html(angle_deg: float, lang: i18n.Lang) -> str:
    """Return a north arrow for a map turned ``angle_deg`` counter-clockwise, as SVG.

    North is the venue's +y; a frame turned counter-clockwise turns it so too, which
    CSS (clockwise, y down) writes as a negative turn.
    """
    return resources.macro(
        "map.html", "north", -angle_deg, i18n.text("map.north", lang), theme.MAP_GUIDE, theme.WHITE
    )


def north_arrow(angle_deg: float, lang: i18n.Lang) -> Div:
    """Return a north arrow pinned to a map's top-right corner (add it to ``elements``)."""
    return Div(
        text=north_arrow_html(angle_deg, lang),
        styles=_corner("top", "right"),
        css_classes=["map-north"],
    )


def fit_view_js(
    src: ColumnDataSource,
    fig: Figure,
    x_range: DataRange1d,
    y_range: DataRange1d,
    *,
    min_span_m: float,
) -> CustomJS:
    """Return a callback that fits the view to ``src``'s box, keeping the map's aspect.

    ``src`` holds ``x = [x0, x1]``, ``y = [y0, y1]`` and ``pad`` (a share of the box added
    on each side). The fit is done in the browser, where the plot's pixel size is known
    (``static/fit-view.mjs``).
    """
    return custom_js("fit-view", src=src, xr=x_range, yr=y_range, fig=fig, min_span=min_span_m)


@dataclass(frozen=True)
class _Font:
    """A label font: the renderer's text properties and the CSS font a canvas measures."""

    size_px: int
    bold: bool = False

    @property
    def css(self) -> str:
        return f"{'bold ' if self.bold else ''}{self.size_px}px {LABEL_FONT}"

    def props(self) -> dict[str, Any]:
        return {
            "text_font": value(LABEL_FONT),
            "text_font_size": value(f"{self.size_px}px"),
            "text_font_style": "bold" if self.bold else "normal",
        }


_FONTS = {
    "here": _Font(18, bold=True),
    "mark": _Font(16, bold=True),
    "hall": _Font(20, bold=True),
    "id": _Font(13),
    "name": _Font(12),
}
#: "You are here": its icon's size and how far below the point its label starts (pixels).
_HERE_PX = 44
_HERE_OFFSET_PX = 26
#: The pixels between a booth's number and its name (as ``GAP`` in label-place.mjs).
_LABEL_GAP_PX = 3
#: The scale bar's greatest length (pixels); labels keep clear of its corner.
_SCALE_BAR_PX = 160


def _source(
    data: dict[str, Any], policy: UnionRenderers, name: str | None = None
) -> ColumnDataSource:
    """Return a source of a map whose sources all share one selection ``policy``.

    Nothing on the kiosk's map is ever selected; one policy instead of one per source
    is ~25 fewer models per session (every model is built, walked and sent per session).
    """
    return ColumnDataSource(data, name=name, selection_policy=policy)


def _icon_glyph(size: str | int) -> ImageURL:
    """Return a glyph drawing column ``url``'s images ``size`` pixels square at ``x, y``."""
    props: dict[str, Any] = {"w_units": "screen", "h_units": "screen", "anchor": "center"}
    return ImageURL(url="url", x="x", y="y", w=size, h=size, **props)  # units: the stub lags


def _shown(*cols: str, policy: UnionRenderers, name: str) -> ColumnDataSource:
    """Return an empty source the browser fills with the labels it places."""
    return _source({c: [] for c in cols}, policy, name)


class MapView:
    """One session's floor-plan figure and the sources it updates.

    Labels are HTML (``HTMLLabelSet``) placed by the browser (``static/label-place.mjs``)
    for each view: no two overlap, booth numbers and exhibitor names only where they fit
    in their booth, hall names and "You are here" never under an icon.

    Parameters
    ----------
    venue
        The venue to draw.
    frame
        How the venue is turned on screen.
    lang
        Language of legend and labels.
    icon_url
        Returns the URL of the icon for an amenity kind.
    here
        The kiosk's venue point, or ``None`` for no "You are here".
    window_above
        Draw only the booths in view when the venue has more booths than this.
    """

    def __init__(
        self,
        venue: Venue,
        frame: MapFrame,
        *,
        lang: i18n.Lang,
        icon_url: Callable[[str], str],
        here: tuple[float, float] | None = None,
        window_above: int = WINDOW_ABOVE_BOOTHS,
    ) -> None:
        self.venue = venue
        self.frame = frame
        self.lang = lang
        self.icon_url = icon_url
        self.window_above = window_above
        #: Whether booths are sent for the view only (a large venue).
        self.windowed = len(venue.booths) > window_above
        #: The view box last asked for ``(x0, x1, y0, y1)``, and the booth rows sent for it.
        self.view_box: tuple[float, float, float, float] | None = None
        self.sent_rows: np.ndarray | None = None
        #: Whether halls stand in for booths (too many in view); ``None``: nothing sent yet.
        self.overview: bool | None = None
        #: The booth and amenity ids lit up (search hits, a browsed zone).
        self.highlighted: tuple[str, ...] = ()
        #: The rows (of the venue's booths) of the chosen booth.
        self._chosen: list[int] = []
        fig, self.x_range, self.y_range = floor_figure(toolbar_location=None)
        self._policy = UnionRenderers()
        fig.outline_line_color = None
        self.figure: Figure = fig
        # Drawn bottom to top: floor, booths (and their legend), hits, the chosen booth,
        # doors, the route, icons; labels are HTML above the canvas.
        self._draw_floor()
        initial = (
            {z.value: dict(_EMPTY_BOOTHS) for z in Zone}
            if self.windowed
            else booth_data(venue, frame, lang)
        )
        self._draw_booths(initial)
        self._draw_route()
        doors = self._draw_doors()
        self._add_legend(lang, doors)
        self._follow_view()
        self.here_source = self._source({"x": [], "y": [], "label": [], "url": []})
        self._draw_amenities()
        if here is not None:
            self._draw_here(here, lang=lang)
        self._add_guides()
        self._draw_labels(initial)
        self._fit_source = self._source({"x": [], "y": [], "pad": []})
        # Only a renderer puts the source into the document: without one its changes never
        # reached the browser and a route was fitted by the ranges alone, with no least
        # span (a short route filled the screen with blank floor).
        self._glyph(Scatter(x="x", y="y", size=0), self._fit_source, name="fit", visible=False)
        self._fit_source.js_on_change("data", self._fit_callback())
        self.home()

    # --- building the figure -------------------------------------------------------------
    def _source(self, data: dict[str, Any], name: str | None = None) -> ColumnDataSource:
        return _source(data, self._policy, name)

    def _glyph(
        self, glyph: Glyph, source: ColumnDataSource, *, name: str | None, visible: bool = True
    ) -> GlyphRenderer:
        """Add a renderer of ``glyph`` drawing ``source`` to the map; return it.

        Not ``figure.patches`` and its kin: they add a non-selection and a muted glyph to
        every renderer, which the kiosk never shows (nothing is selected; the legend hides,
        it does not mute) but each session built, walked and sent (~40 models). The
        glyphs' look is the same (``tests/app/test_mapview.py`` compares them).
        """
        renderer = GlyphRenderer(glyph=glyph, data_source=source, name=name, visible=visible)
        self.figure.renderers.append(renderer)
        return renderer

    def _draw_floor(self) -> None:
        """Draw the halls and the obstacles in them."""
        hx, hy = _rings(list(self.venue.halls.geometry), self.frame)
        self.halls = self._glyph(
            Patches(
                xs="xs",
                ys="ys",
                fill_color=theme.HALL_FILL,
                line_color=theme.HALL_LINE,
                line_width=2,
            ),
            self._source({"xs": hx, "ys": hy}),
            name="halls",
        )
        if len(self.venue.obstacles):
            ox, oy = _rings(list(self.venue.obstacles.geometry), self.frame)
            self._glyph(
                Patches(
                    xs="xs", ys="ys", fill_color=theme.OBSTACLE_FILL, line_color=theme.OBSTACLE_LINE
                ),
                self._source({"xs": ox, "ys": oy}),
                name=None,
            )

    def _draw_doors(self) -> dict[str, GlyphRenderer]:
        """Draw the doors on the hall walls, one renderer per kind (for the legend)."""
        ops = self.venue.openings
        kinds = ops[Col.KIND].astype(str).to_numpy() if len(ops) else np.empty(0, dtype=object)
        # Entrances and exits are one kind to a visitor: a way in and out.
        groups = {"entrance": ("entrance", "exit"), "emergency_exit": ("emergency_exit",)}
        groups["connection"] = ("connection",)
        out: dict[str, GlyphRenderer] = {}
        for key, members in groups.items():
            sel = np.isin(kinds, members)
            if not sel.any():
                continue
            xs, ys = [], []
            for line in ops.geometry.to_numpy()[sel]:
                c = shapely.get_coordinates(line)
                vx, vy = self.frame.to_view(c[:, 0], c[:, 1])
                xs.append(vx.tolist())
                ys.append(vy.tolist())
            out[key] = self._glyph(
                MultiLine(
                    xs="xs",
                    ys="ys",
                    line_color=theme.OPENING_COLOURS[key],
                    line_width=7,
                    line_cap="butt",
                ),
                self._source({"xs": xs, "ys": ys}),
                name=f"doors-{key}",
            )
        self.door_renderers = out
        return out

    def _draw_booths(self, initial: dict[str, dict[str, Any]]) -> None:
        """Draw the booths, one renderer per zone (and halls by zone for a windowed venue)."""
        # Windowed: halls filled by their dominant zone while no booths are sent, one
        # renderer per zone so that the legend hides a zone's halls with its booths.
        self.hall_zone_renderers: dict[str, GlyphRenderer] = {}
        if self.windowed:
            for z in Zone:
                self.hall_zone_renderers[z.value] = self._glyph(
                    Patches(
                        xs="xs",
                        ys="ys",
                        fill_color=ZONE_COLOURS[z.value],
                        fill_alpha=0.6,
                        line_color=theme.HALL_LINE,
                        line_width=2,
                    ),
                    self._source({"xs": [], "ys": []}),
                    name=f"hall-zone-{z.value}",
                )
        self.zone_renderers: dict[str, GlyphRenderer] = {}
        for zone, data in initial.items():
            self.zone_renderers[zone] = self._glyph(
                Patches(
                    xs="xs",
                    ys="ys",
                    fill_color=ZONE_COLOURS[zone],
                    fill_alpha=0.85,
                    line_color=theme.BOOTH_LINE,
                    line_width=1,
                ),
                self._source(data),
                name=f"zone-{zone}",
            )

    def _add_legend(self, lang: i18n.Lang, doors: dict[str, GlyphRenderer]) -> None:
        """Add the legend of zones and doors; a tap on a zone hides its booths."""
        items = [
            LegendItem(
                label=value(i18n.zone_name(z, lang)),
                renderers=[r, *[h for h in [self.hall_zone_renderers.get(z)] if h]],
            )
            for z, r in self.zone_renderers.items()
        ]
        self._door_items = [
            (key, LegendItem(label=value(i18n.text(f"map.door.{key}", lang)), renderers=[r]))
            for key, r in doors.items()
        ]
        self.legend = Legend(
            items=[*items, *(item for _, item in self._door_items)],
            click_policy="hide",
            orientation="horizontal",
            ncols=3,
            glyph_height=30,
            glyph_width=30,
            label_height=30,
            label_text_font_size="16px",
            spacing=8,
            padding=6,  # type: ignore[arg-type]  # an int is valid; the stub lags
            margin=0,
            border_line_color=None,
            background_fill_alpha=1.0,
            inactive_fill_alpha=0.6,
            inactive_fill_color=theme.LEGEND_HIDDEN,
            name="map-legend",
        )
        # Below the plot area, not in it: a route fitted to the view is never under it.
        self.figure.add_layout(self.legend, "below")

    def _label_set(self, source: ColumnDataSource, font: str, **kw: Any) -> HTMLLabelSet:
        """Add an HTML label set over the map drawing ``source`` in font ``_FONTS[font]``."""
        props: dict[str, Any] = {"text_align": "center", **_FONTS[font].props(), **kw}
        labels = HTMLLabelSet(source=source, **props)  # text props: mixins the stub lacks
        self.figure.add_layout(labels)
        return labels

    def _hall_text(self, lang: i18n.Lang) -> dict[str, Any]:
        halls = self.venue.halls
        pts = halls.geometry.representative_point()
        x, y = self.frame.to_view(pts.x.to_numpy(), pts.y.to_numpy())
        names = [i18n.hall_name(r, lang) for r in halls.drop(columns="geometry").to_dict("records")]
        return {"x": x, "y": y, "text": names}

    def _draw_labels(self, initial: dict[str, dict[str, Any]]) -> None:
        """Add the label candidates, the labels the browser keeps, and its placing pass."""
        self.hall_source = self._source(self._hall_text(self.lang), name="map-halls")
        # One booth label source for all zones: fewer models to send and for the browser
        # to build.
        self.labels = self._source(_label_data(list(initial.values())), name="map-booths")
        #: The chosen booth's and the hits' labels, drawn first and in their own colours.
        self.mark_source = self._source(
            {"x": [], "y": [], "text": [], "fg": [], "bg": []}, name="map-marks"
        )
        shown = {
            "marks": _shown("x", "y", "text", "fg", "bg", policy=self._policy, name="shown-marks"),
            "halls": _shown("x", "y", "text", policy=self._policy, name="shown-halls"),
            "icons": _shown("x", "y", "url", "size", policy=self._policy, name="shown-icons"),
            "ids": _shown("cx", "cy", "booth_id", policy=self._policy, name="shown-ids"),
            "names": _shown("cx", "cy", "exhibitor", policy=self._policy, name="shown-names"),
        }
        self.shown = shown
        self._glyph(
            _icon_glyph("size"),
            shown["icons"],
            name="icons",
        )
        booth_box = {
            "background_fill_color": theme.BOOTH_LABEL_BG,
            "background_fill_alpha": theme.BOOTH_LABEL_BG_ALPHA,
            "text_color": theme.BOOTH_LABEL,
        }
        ids = shown["ids"]
        names = shown["names"]
        self.label_sets = {
            "ids": self._label_set(
                ids,
                "id",
                x="cx",
                y="cy",
                text="booth_id",
                text_baseline="bottom",
                y_offset=_LABEL_GAP_PX,
                **booth_box,
            ),
            "names": self._label_set(
                names,
                "name",
                x="cx",
                y="cy",
                text="exhibitor",
                text_baseline="top",
                y_offset=-_LABEL_GAP_PX,
                **booth_box,
            ),
            "halls": self._label_set(
                shown["halls"],
                "hall",
                text_baseline="middle",
                text_color=theme.HALL_LABEL,
                background_fill_color=theme.HALL_LABEL_BG,
                background_fill_alpha=0.9,
                name="hall-labels",
            ),
            "marks": self._label_set(
                shown["marks"],
                "mark",
                text_baseline="bottom",
                text_color="fg",
                background_fill_color="bg",
                name="mark-labels",
            ),
        }
        self._place_labels()

    def _place_labels(self) -> None:
        """Run ``static/label-place.mjs`` on every change of view, size or candidates."""
        place = custom_js(
            "label-place",
            fig=self.figure,
            xr=self.x_range,
            yr=self.y_range,
            here=self.here_source,
            marks=self.mark_source,
            halls=self.hall_source,
            icons=self.amenity_source,
            booths=self.labels,
            out=self.shown,
            fonts={k: f.css for k, f in _FONTS.items()},
            here_px=_HERE_PX,
            here_offset=_HERE_OFFSET_PX,
            icon_m=ICON_M,
            icon_min=ICON_PX[0],
            icon_max=ICON_PX[1],
            corners=[self.north, self.key],
            scale_bar=self.scale_bar,
            scale_box=[_SCALE_BAR_PX + 40, 56],
        )
        for rng in (self.x_range, self.y_range):
            rng.js_on_change("start", place)
            rng.js_on_change("end", place)
        self.figure.js_on_change("inner_width", place)
        self.figure.js_on_change("inner_height", place)
        for src in (self.here_source, self.mark_source, self.hall_source, self.labels):
            src.js_on_change("data", place)
        self.amenity_source.js_on_change("data", place)

    def _follow_view(self) -> None:
        """Have the browser report its settled view (windowed venues only)."""
        #: The browser's settled view ``x0, x1, y0, y1`` (windowed venues only).
        self.view_source = self._source(
            {"x0": [], "x1": [], "y0": [], "y1": []}, name="view-report"
        )
        if not self.windowed:
            return
        # Debounced in the browser: one message when a pan or zoom settles, not per frame.
        report = custom_js("view-report", src=self.view_source, xr=self.x_range, yr=self.y_range)
        for rng in (self.x_range, self.y_range):
            rng.js_on_change("start", report)
            rng.js_on_change("end", report)
        self.view_source.on_change("data", self._on_view)

    def _amenity_data(self, first: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Return the icons to place, those in ``first`` (hits), then by kind, first."""
        am = self.venue.amenities
        ax, ay = self.frame.to_view(am.geometry.x.to_numpy(), am.geometry.y.to_numpy())
        kinds = am[Col.KIND].astype(str).tolist()
        ids = am[Col.AMENITY_ID].astype(str).tolist()
        order = sorted(
            range(len(ids)),
            key=lambda i: (
                ids[i] not in first,
                _ICON_ORDER.index(kinds[i]) if kinds[i] in _ICON_ORDER else len(_ICON_ORDER),
            ),
        )
        return {
            "x": ax[order],
            "y": ay[order],
            "url": [self.icon_url(kinds[i]) for i in order],
            "kind": [kinds[i] for i in order],
            "amenity_id": [ids[i] for i in order],
        }

    def _draw_amenities(self) -> None:
        """Add the amenities (restroom, café, ...) whose icons the browser places."""
        self.amenity_source = self._source(self._amenity_data(), name="map-amenities")
        #: Rings under the amenities lit up.
        self.hit_points = self._source({"x": [], "y": []})
        self._glyph(
            Scatter(
                x="x",
                y="y",
                size=52,
                fill_color=theme.HIT_FILL,
                fill_alpha=0.35,
                line_color=theme.HIT_FILL,
                line_width=4,
            ),
            self.hit_points,
            name="hit-amenities",
        )

    def _draw_route(self) -> None:
        """Add the (empty) hits, chosen-booth outline, route line and route's two ends."""
        self.hit_source = self._source({"xs": [], "ys": []})
        self.hit_renderer = self._glyph(
            Patches(
                xs="xs",
                ys="ys",
                fill_color=theme.HIT_FILL,
                fill_alpha=0.9,
                line_color=theme.HIT_LINE,
                line_width=3,
            ),
            self.hit_source,
            name="hits",
        )
        self.highlight_source = self._source({"xs": [], "ys": []})
        self.highlight_renderer = self._glyph(
            Patches(
                xs="xs",
                ys="ys",
                fill_color=theme.SELECTED_FILL,
                fill_alpha=1.0,
                line_color=theme.ROUTE,
                line_width=5,
            ),
            self.highlight_source,
            name="highlight",
        )
        self.route_source = self._source({"x": [], "y": []})
        self.route = self._glyph(
            Line(
                x="x",
                y="y",
                line_color=theme.ROUTE,
                line_width=7,
                line_alpha=0.9,
                line_cap="round",
                line_join="round",
            ),
            self.route_source,
            name="route",
        )
        # The start a white disc ringed in the route's colour, the end a solid diamond:
        # told apart by shape, not colour alone.
        self.route_ends = self._source({"x": [], "y": [], "marker": [], "fill": []})
        self._glyph(
            Scatter(
                x="x",
                y="y",
                marker="marker",
                size=24,
                fill_color="fill",
                line_color=theme.ROUTE,
                line_width=4,
            ),
            self.route_ends,
            name="route-ends",
        )

    def _draw_here(self, here: tuple[float, float], *, lang: i18n.Lang) -> None:
        """Mark the kiosk's own place: an icon and "You are here"."""
        kx, ky = self.frame.to_view(np.array([here[0]]), np.array([here[1]]))
        self.here_source.data = {
            "x": kx,
            "y": ky,
            "label": [i18n.text("you_are_here", lang)],
            "url": [self.icon_url("you_are_here")],
        }
        self._glyph(
            _icon_glyph(_HERE_PX),
            self.here_source,
            name="here",
        )
        self._label_set(
            self.here_source,
            "here",
            text="label",
            y_offset=-_HERE_OFFSET_PX,
            text_baseline="top",
            text_color=theme.ROUTE,
            background_fill_color=theme.WHITE,
            background_fill_alpha=0.9,
            name="here-label",
        )

    def _add_guides(self) -> None:
        """Add a scale bar, a north arrow and the icons' key."""
        self.scale_bar = add_scale_bar(self.figure)
        self.north = north_arrow(self.frame.angle_deg, self.lang)
        self.key = Div(text="", styles=_corner("top", "left"), css_classes=["map-key"])
        self.figure.elements = [self.north, self.key]
        self._guide_text()

    def _guide_text(self) -> None:
        """Write the north arrow and the icons' key in the view's language."""
        self.north.text = north_arrow_html(self.frame.angle_deg, self.lang)
        kinds = list(dict.fromkeys(self.amenity_source.data["kind"]))
        rows = [(self.icon_url(k), i18n.amenity_name(k, self.lang)) for k in kinds]
        if len(self.here_source.data["x"]):
            rows.insert(0, (self.icon_url("you_are_here"), i18n.text("you_are_here", self.lang)))
        self.key.text = resources.macro(
            "map.html", "key", i18n.text("map.legend", self.lang), rows, theme.WHITE
        )

    def set_here(
        self,
        here: tuple[float, float] | None,
        *,
        lang: i18n.Lang,
    ) -> None:
        """Move "You are here" to venue point ``here`` (a start the visitor picked).

        ``None`` hides it. The kiosk's start picker's hook: the marker is drawn as
        :meth:`_draw_here` draws a kiosk's, added to the figure on first use.
        """
        # Drawn at the start (a kiosk's) or by an earlier call: its glyphs are there.
        drawn = getattr(self, "_here_drawn", False) or len(self.here_source.data["x"]) > 0
        if here is None:
            if drawn:
                self.here_source.data = {"x": [], "y": [], "label": [], "url": []}
            return
        self._here_drawn = True
        if not drawn:
            self._draw_here(here, lang=lang)
            return
        kx, ky = self.frame.to_view(np.array([here[0]]), np.array([here[1]]))
        self.here_source.data = {
            "x": kx,
            "y": ky,
            "label": [i18n.text("you_are_here", lang)],
            "url": [self.icon_url("you_are_here")],
        }

    def set_lang(self, lang: i18n.Lang) -> None:
        """Relabel the legend, halls, the key and "You are here" in ``lang``."""
        self.lang = lang
        items: list[Any] = list(self.legend.items)
        for item, zone in zip(items, self.zone_renderers, strict=False):
            item.label = value(i18n.zone_name(zone, lang))
        for key, item in self._door_items:
            item.label = value(i18n.text(f"map.door.{key}", lang))
        if self.here_source.data["x"] is not None and len(self.here_source.data["x"]):
            self.here_source.patch({"label": [(0, i18n.text("you_are_here", lang))]})
        self.hall_source.data = self._hall_text(lang)
        self._guide_text()
        self._marks()
        # Exhibitor names in the language: only the labels' source is sent again.
        if not self.windowed:
            self.labels.data = _label_data(list(booth_data(self.venue, self.frame, lang).values()))
        elif self.sent_rows is not None:
            data = booth_window(self.venue).data(self.frame, self.sent_rows, lang)
            self.labels.data = _label_data(list(data.values()))

    def set_contrast(self, *, high: bool) -> None:
        """Draw for a high-contrast display (black outlines, white ground) or normally."""
        line = theme.HC_MAP_LINE
        self.figure.background_fill_color = theme.HC_MAP_GROUND if high else theme.MAP_GROUND
        self.figure.border_fill_color = theme.HC_BG if high else theme.WHITE
        self.legend.background_fill_color = theme.HC_BG if high else theme.WHITE
        self.legend.label_text_color = theme.HC_FG if high else theme.LEGEND_TEXT
        self.legend.inactive_fill_color = theme.HC_BG if high else theme.LEGEND_HIDDEN
        for r in self.hall_zone_renderers.values():
            r.glyph.line_color = line if high else theme.HALL_LINE
            r.glyph.line_width = 4 if high else 2
        for r in self.zone_renderers.values():
            r.glyph.line_color = line if high else theme.BOOTH_LINE
            r.glyph.line_width = 3 if high else 1
            r.glyph.fill_alpha = 1.0 if high else 0.85
        self.halls.glyph.line_width = 4 if high else 2
        halls: Any = self.label_sets["halls"]  # text_color is a mixin the stub lacks
        halls.text_color = line if high else theme.HALL_LABEL
        self.halls.glyph.line_color = line if high else theme.HALL_LINE

    # --- windowed drawing of large venues ------------------------------------------------
    def _on_view(self, _attr: str, _old: object, new: dict[str, Any]) -> None:
        try:
            box = (
                float(new["x0"][0]),
                float(new["x1"][0]),
                float(new["y0"][0]),
                float(new["y1"][0]),
            )
        except (KeyError, IndexError, TypeError, ValueError):
            return
        self.show_view(box)

    def show_view(self, box: tuple[float, float, float, float], *, booths: bool = True) -> None:
        """Send the booths of view ``(x0, x1, y0, y1)`` plus :data:`VIEW_MARGIN` (windowed).

        More than :data:`MAX_BOOTHS_SENT` booths there: none, and halls by dominant zone.
        Nothing is sent when the booths to show are those already shown; with ``booths``
        false, only a switch to halls by zone is (a fit, before the browser's report).
        """
        if not self.windowed:
            return
        x0, x1, y0, y1 = min(box[:2]), max(box[:2]), min(box[2:]), max(box[2:])
        if not all(map(math.isfinite, (x0, x1, y0, y1))):
            return
        self.view_box = (x0, x1, y0, y1)
        mx, my = (x1 - x0) * VIEW_MARGIN, (y1 - y0) * VIEW_MARGIN
        window = booth_window(self.venue)
        rows = window.query(self.frame, (x0 - mx, x1 + mx, y0 - my, y1 + my))
        overview = len(rows) > MAX_BOOTHS_SENT
        if overview:
            rows = rows[:0]
        elif not booths:
            return
        same = self.sent_rows is not None and np.array_equal(rows, self.sent_rows)
        if same and overview == self.overview:
            return
        if overview != self.overview:
            self._draw_hall_zones(overview=overview)
        self.overview = overview
        self.sent_rows = rows
        data = window.data(self.frame, rows, self.lang)
        for zone, renderer in self.zone_renderers.items():
            renderer.data_source.data = data[zone]  # type: ignore[attr-defined]  # a CDS
        self.labels.data = _label_data(list(data.values()))

    def _draw_hall_zones(self, *, overview: bool) -> None:
        window = booth_window(self.venue)
        geoms = np.asarray(self.venue.halls.geometry.values, dtype=object)
        for zone, renderer in self.hall_zone_renderers.items():
            rows = window.hall_zone.get(zone, []) if overview else []
            xs, ys = _rings(list(geoms[rows]), self.frame) if len(rows) else ([], [])
            src: Any = renderer.data_source
            if len(src.data["xs"]) or xs:
                src.data = {"xs": xs, "ys": ys}

    def booths_shown(self) -> list[str]:
        """Return the ids of the booths this session's map holds now."""
        return [
            str(b)
            for r in self.zone_renderers.values()
            for b in r.data_source.data["booth_id"]  # type: ignore[attr-defined]  # a CDS
        ]

    def set_venue(self, venue: Venue) -> None:
        """Draw the booths (and labels) of ``venue``, e.g. a newly published layout."""
        self.venue = venue
        if self.windowed:
            self.sent_rows, self.overview = None, None
            box = self.view_box
            if box is not None:
                self.show_view(box)
            return
        data = booth_data(venue, self.frame, self.lang)
        for zone, renderer in self.zone_renderers.items():
            src: Any = renderer.data_source
            src.data = data.get(zone, {k: list(v) for k, v in _EMPTY_BOOTHS.items()})
        self.labels.data = _label_data(list(data.values()))

    def highlight(self, booth_geoms: Sequence[object]) -> None:
        """Fill the chosen booth's polygons (venue coordinates); none clears it.

        Ids (``str``) instead light up those booths and amenities (as :meth:`highlight_ids`).
        """
        if booth_geoms and all(isinstance(g, str) for g in booth_geoms):
            self.highlight_ids([str(g) for g in booth_geoms])
            return
        xs, ys = _rings(list(booth_geoms), self.frame)
        self.highlight_source.data = {"xs": xs, "ys": ys}
        # The booths drawn, to label them: those whose geometry is the one given.
        tree = booth_window(self.venue)
        self._chosen = [
            int(i)
            for g in booth_geoms
            for i in tree.tree.query(g, predicate="intersects")
            if shapely.equals(tree.geoms[i], g)
        ]
        self._marks()

    def highlight_ids(self, ids: Iterable[str]) -> None:
        """Light up the booths and amenities ``ids`` (search hits, a browsed zone).

        Their booths are filled in the hit colour, their labels drawn before any other,
        their icons shown first; unknown ids are left out and none clears it.
        """
        want = tuple(dict.fromkeys(str(i) for i in ids))
        self.highlighted = want
        b = self.venue.booths
        booths = b[b[Col.BOOTH_ID].astype(str).isin(want)]
        xs, ys = _rings(list(booths.geometry), self.frame)
        self.hit_source.data = {"xs": xs, "ys": ys}
        am = self.venue.amenities
        lit = am[am[Col.AMENITY_ID].astype(str).isin(want)]
        px, py = self.frame.to_view(lit.geometry.x.to_numpy(), lit.geometry.y.to_numpy())
        self.hit_points.data = {"x": px, "y": py}
        self.amenity_source.data = self._amenity_data(frozenset(want))
        self._marks()

    def _marks(self) -> None:
        """Label the chosen booth and the lit booths, before any other label."""
        b = self.venue.booths
        ids = b[Col.BOOTH_ID].astype(str)
        rows: list[tuple[Any, str, str]] = [
            (b.iloc[i], theme.SELECTED_TEXT, theme.SELECTED_FILL) for i in self._chosen
        ]
        lit = b[ids.isin(self.highlighted)]
        rows += [(r, theme.HIT_TEXT, theme.HIT_FILL) for _, r in lit.iterrows()]
        pts = [r.geometry.centroid for r, _, _ in rows]
        x, y = self.frame.to_view(np.array([p.x for p in pts]), np.array([p.y for p in pts]))
        self.mark_source.data = {
            "x": x,
            "y": y,
            "text": [
                " · ".join(
                    t for t in (str(r[Col.BOOTH_ID]), i18n.pick(r, Col.EXHIBITOR, self.lang)) if t
                )
                for r, _, _ in rows
            ],
            "fg": [fg for _, fg, _ in rows],
            "bg": [bg for _, _, bg in rows],
        }

    def show_route(self, coords: Sequence[tuple[float, float]]) -> None:
        """Draw a route (venue coordinates) with its start and end; none clears it."""
        if not len(coords):
            self.route_source.data = {"x": [], "y": []}
            self.route_ends.data = {"x": [], "y": [], "marker": [], "fill": []}
            return
        c = np.asarray(coords, dtype=float)
        x, y = self.frame.to_view(c[:, 0], c[:, 1])
        self.route_source.data = {"x": x, "y": y}
        self.route_ends.data = {
            "x": x[[0, -1]],
            "y": y[[0, -1]],
            "marker": ["circle", "diamond"],
            "fill": [theme.WHITE, theme.ROUTE],
        }

    def fit(self, renderers: Sequence[GlyphRenderer], *, padding: float = 0.04) -> None:
        """Fit the view to ``renderers``' data, also after the visitor panned or zoomed.

        Before the first draw the ranges follow their renderers; after it (when a pan may
        have detached them) a browser-side callback sets the ranges to the same box, with
        the plot's aspect ratio kept.
        """
        xs: list[float] = []
        ys: list[float] = []
        for r in renderers:
            data: Any = r.data_source.data  # type: ignore[attr-defined]  # a CDS
            if "xs" in data:
                xs += [float(v) for arr in data["xs"] for v in arr]
                ys += [float(v) for arr in data["ys"] for v in arr]
            else:
                xs += [float(v) for v in data["x"]]
                ys += [float(v) for v in data["y"]]
        for rng in (self.x_range, self.y_range):
            rng.renderers = list(renderers)
            rng.range_padding = padding
        if xs and self.windowed:
            # The halls by zone go with a fit to a crowded view (the home view), so that
            # the first paint has them; booths around a route follow when the browser
            # reports its view, not held up in the route's message (tap to route took
            # 0.7-5.6 s at 74,000 booths with them in it).
            cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
            half = max(max(xs) - min(xs), max(ys) - min(ys), ROUTE_MIN_SPAN_M) * (0.5 + padding)
            self.show_view((cx - half, cx + half, cy - half, cy + half), booths=False)
        if xs:
            self._fit_source.data = {
                "x": [min(xs), max(xs)],
                "y": [min(ys), max(ys)],
                "pad": [padding, padding],
            }

    def _fit_callback(self) -> CustomJS:
        return fit_view_js(
            self._fit_source, self.figure, self.x_range, self.y_range, min_span_m=ROUTE_MIN_SPAN_M
        )

    def home(self) -> None:
        """Clear the route and the chosen booth and show the whole venue (hits stay lit)."""
        self.show_route([])
        self.highlight([])
        self.fit([self.halls], padding=0.04)
