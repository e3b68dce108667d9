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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import shapely
from bokeh.core.properties import value
from bokeh.models import ColumnDataSource, CustomJS, DataRange1d
from bokeh.models.annotations import Legend, LegendItem
from bokeh.models.renderers import GlyphRenderer
from bokeh.plotting import figure

from floorplan import i18n
from floorplan.app import theme
from floorplan.app.resources import custom_js
from floorplan.app.theme import ZONE_COLOURS
from floorplan.schema import Col, Zone

if TYPE_CHECKING:
    from bokeh.plotting import figure as Figure

    from floorplan.venue import Venue

__all__ = [
    "MAX_BOOTHS_SENT",
    "VIEW_MARGIN",
    "WINDOW_ABOVE_BOOTHS",
    "ZONE_COLOURS",
    "BoothWindow",
    "MapFrame",
    "MapView",
    "booth_data",
    "fit_view_js",
    "floor_figure",
]

#: Below these view widths (metres) booth numbers, then exhibitor names are drawn.
BOOTH_ID_SPAN_M = 220.0
EXHIBITOR_SPAN_M = 110.0
#: Venues with more booths than this are sent to the browser windowed (what is in view).
WINDOW_ABOVE_BOOTHS = 5000
#: More booths than this in view (plus margin): halls by dominant zone instead of booths.
MAX_BOOTHS_SENT = 5000
#: The margin sent around the view on each side, as a fraction of the view's width/height.
VIEW_MARGIN = 0.25
_LABEL_KEYS = ("cx", "cy", "booth_id", "exhibitor")
_EMPTY_BOOTHS: dict[str, Any] = {"xs": [], "ys": [], **{k: [] for k in _LABEL_KEYS}}


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


@lru_cache(maxsize=16)
def booth_data(venue: Venue, frame: MapFrame) -> dict[str, dict[str, Any]]:
    """Return per-zone column data of the booths in ``frame`` (shared by sessions)."""
    out: dict[str, dict[str, Any]] = {}
    for zone, frame_z in venue.zones.items():
        xs, ys = _rings(list(frame_z.geometry), frame)
        cent = frame_z.geometry.centroid
        cx, cy = frame.to_view(cent.x.to_numpy(), cent.y.to_numpy())
        out[zone] = {
            "xs": xs,
            "ys": ys,
            "booth_id": frame_z[Col.BOOTH_ID].astype(str).tolist(),
            "exhibitor": frame_z[Col.EXHIBITOR].fillna("").astype(str).tolist(),
            "cx": cx,
            "cy": cy,
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
        self.exhibitor = b[Col.EXHIBITOR].fillna("").astype(str).to_numpy(dtype=object)
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

    def data(self, frame: MapFrame, rows: np.ndarray) -> dict[str, dict[str, Any]]:
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
            out[z.value] = {
                "xs": np.split(vx, cuts),
                "ys": np.split(vy, cuts),
                "booth_id": self.booth_id[sel].tolist(),
                "exhibitor": self.exhibitor[sel].tolist(),
                "cx": cx,
                "cy": cy,
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
    x_range = DataRange1d(range_padding=0.04)
    y_range = DataRange1d(range_padding=0.04)
    fig = figure(
        x_range=x_range,
        y_range=y_range,
        match_aspect=True,
        sizing_mode="stretch_both",
        tools="pan,wheel_zoom,reset",
        active_scroll="wheel_zoom",
        toolbar_location=toolbar_location,
        output_backend="canvas",
        min_border=0,
        name="floormap",
    )
    fig.axis.visible = False
    fig.grid.visible = False
    fig.background_fill_color = theme.MAP_GROUND
    return fig, x_range, y_range


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


class MapView:
    """One session's floor-plan figure and the sources it updates.

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
        self.window_above = window_above
        #: Whether booths are sent for the view only (a large venue).
        self.windowed = len(venue.booths) > window_above
        #: The view box last asked for ``(x0, x1, y0, y1)``, and the booth rows sent for it.
        self.view_box: tuple[float, float, float, float] | None = None
        self.sent_rows: np.ndarray | None = None
        #: Whether halls stand in for booths (too many in view); ``None``: nothing sent yet.
        self.overview: bool | None = None
        fig, self.x_range, self.y_range = floor_figure(toolbar_location=None)
        fig.outline_line_color = None
        self.figure: Figure = fig
        # Drawn bottom to top: floor, booths (and their legend), labels, icons, the route.
        self._draw_floor()
        initial = (
            {z.value: dict(_EMPTY_BOOTHS) for z in Zone}
            if self.windowed
            else booth_data(venue, frame)
        )
        self._draw_booths(initial)
        self._add_legend(lang)
        self._draw_labels(initial)
        self._follow_view()
        self._draw_amenities(icon_url)
        self._draw_route()
        self._fit_source = ColumnDataSource({"x": [], "y": [], "pad": []})
        self._fit_source.js_on_change("data", self._fit_callback())
        self.here_source = ColumnDataSource({"x": [], "y": [], "label": [], "url": []})
        if here is not None:
            self._draw_here(here, lang=lang, icon_url=icon_url)
        self.home()

    # --- building the figure -------------------------------------------------------------
    def _draw_floor(self) -> None:
        """Draw the halls and the obstacles in them."""
        hx, hy = _rings(list(self.venue.halls.geometry), self.frame)
        self.halls = self.figure.patches(
            hx,
            hy,
            fill_color=theme.HALL_FILL,
            line_color=theme.HALL_LINE,
            line_width=2,
            name="halls",
        )
        if len(self.venue.obstacles):
            ox, oy = _rings(list(self.venue.obstacles.geometry), self.frame)
            self.figure.patches(
                ox, oy, fill_color=theme.OBSTACLE_FILL, line_color=theme.OBSTACLE_LINE
            )

    def _draw_booths(self, initial: dict[str, dict[str, Any]]) -> None:
        """Draw the booths, one renderer per zone (and halls by zone for a windowed venue)."""
        fig = self.figure
        # Windowed: halls filled by their dominant zone while no booths are sent, one
        # renderer per zone so that the legend hides a zone's halls with its booths.
        self.hall_zone_renderers: dict[str, GlyphRenderer] = {}
        if self.windowed:
            for z in Zone:
                self.hall_zone_renderers[z.value] = fig.patches(
                    "xs",
                    "ys",
                    source=ColumnDataSource({"xs": [], "ys": []}),
                    fill_color=ZONE_COLOURS[z.value],
                    fill_alpha=0.6,
                    line_color=theme.HALL_LINE,
                    line_width=2,
                    name=f"hall-zone-{z.value}",
                )
        self.zone_renderers: dict[str, GlyphRenderer] = {}
        for zone, data in initial.items():
            self.zone_renderers[zone] = fig.patches(
                "xs",
                "ys",
                source=ColumnDataSource(data),
                fill_color=ZONE_COLOURS[zone],
                fill_alpha=0.85,
                line_color=theme.BOOTH_LINE,
                line_width=1,
                name=f"zone-{zone}",
            )

    def _add_legend(self, lang: i18n.Lang) -> None:
        """Add the zone legend; a tap on a zone hides its booths."""
        self.legend = Legend(
            items=[
                LegendItem(
                    label=value(i18n.zone_name(z, lang)),
                    renderers=[r, *[h for h in [self.hall_zone_renderers.get(z)] if h]],
                )
                for z, r in self.zone_renderers.items()
            ],
            click_policy="hide",
            orientation="horizontal",
            ncols=3,
            glyph_height=36,
            glyph_width=36,
            label_height=36,
            label_text_font_size="18px",
            spacing=8,
            padding=8,  # type: ignore[arg-type]  # an int is valid; the stub lags
            margin=0,
            border_line_color=None,
            background_fill_alpha=1.0,
            inactive_fill_alpha=0.6,
            inactive_fill_color=theme.LEGEND_HIDDEN,
        )
        # Below the plot area, not in it: a route fitted to the view is never under it.
        self.figure.add_layout(self.legend, "below")

    def _draw_labels(self, initial: dict[str, dict[str, Any]]) -> None:
        """Label the halls always; booth ids and exhibitor names once zoomed in enough."""
        fig, venue = self.figure, self.venue
        hall_pts = venue.halls.geometry.representative_point()
        hlx, hly = self.frame.to_view(hall_pts.x.to_numpy(), hall_pts.y.to_numpy())
        names = [
            str(n) or str(h)
            for n, h in zip(venue.halls[Col.NAME], venue.halls[Col.HALL_ID], strict=True)
        ]
        self.hall_labels = fig.text(
            hlx,
            hly,
            text=names,
            text_align="center",
            text_baseline="middle",
            text_font_size="20px",
            text_font_style="bold",
            text_color=theme.HALL_LABEL,
            text_alpha=0.6,
        )
        # One label source for all zones: fewer models to send and for the browser to build.
        self.labels = labels = ColumnDataSource(_label_data(list(initial.values())))
        common: dict[str, Any] = {"source": labels, "text_align": "center", "visible": False}
        # The zoom toggle takes lists of renderers: one of each kind today.
        ids = [
            fig.text(
                "cx", "cy", text="booth_id", text_baseline="bottom", text_font_size="13px", **common
            )
        ]
        names_r = [
            fig.text(
                "cx", "cy", text="exhibitor", text_baseline="top", text_font_size="12px", **common
            )
        ]
        toggle = custom_js(
            "label-zoom",
            xr=self.x_range,
            ids=ids,
            names=names_r,
            id_span=BOOTH_ID_SPAN_M,
            name_span=EXHIBITOR_SPAN_M,
        )
        self.x_range.js_on_change("start", toggle)
        self.x_range.js_on_change("end", toggle)

    def _follow_view(self) -> None:
        """Have the browser report its settled view (windowed venues only)."""
        #: The browser's settled view ``x0, x1, y0, y1`` (windowed venues only).
        self.view_source = ColumnDataSource(
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

    def _draw_amenities(self, icon_url: Callable[[str], str]) -> None:
        """Draw an icon for each amenity (restroom, café, ...)."""
        am = self.venue.amenities
        if not len(am):
            return
        ax, ay = self.frame.to_view(am.geometry.x.to_numpy(), am.geometry.y.to_numpy())
        self.amenity_source = ColumnDataSource(
            {"x": ax, "y": ay, "url": [icon_url(str(k)) for k in am[Col.KIND]]}
        )
        self.figure.image_url(
            url="url",
            x="x",
            y="y",
            w=36,
            h=36,
            w_units="screen",
            h_units="screen",
            anchor="center",
            source=self.amenity_source,
        )

    def _draw_route(self) -> None:
        """Add the (empty) chosen-booth outline, the route line and the route's end."""
        fig = self.figure
        self.highlight_source = ColumnDataSource({"xs": [], "ys": []})
        self.highlight_renderer = fig.patches(
            "xs",
            "ys",
            source=self.highlight_source,
            fill_color=theme.ROUTE,
            fill_alpha=0.35,
            line_color=theme.ROUTE,
            line_width=5,
            name="highlight",
        )
        self.route_source = ColumnDataSource({"x": [], "y": []})
        self.route = fig.line(
            "x",
            "y",
            source=self.route_source,
            line_color=theme.ROUTE,
            line_width=7,
            line_alpha=0.9,
            line_cap="round",
            line_join="round",
            name="route",
        )
        self.route_ends = ColumnDataSource({"x": [], "y": []})
        fig.scatter(
            "x",
            "y",
            source=self.route_ends,
            size=18,
            fill_color=theme.ROUTE,
            line_color=theme.WHITE,
            line_width=3,
        )

    def _draw_here(
        self, here: tuple[float, float], *, lang: i18n.Lang, icon_url: Callable[[str], str]
    ) -> None:
        """Mark the kiosk's own place: an icon and "You are here"."""
        kx, ky = self.frame.to_view(np.array([here[0]]), np.array([here[1]]))
        self.here_source.data = {
            "x": kx,
            "y": ky,
            "label": [i18n.text("you_are_here", lang)],
            "url": [icon_url("you_are_here")],
        }
        self.figure.image_url(
            url="url",
            x="x",
            y="y",
            w=44,
            h=44,
            w_units="screen",
            h_units="screen",
            anchor="center",
            source=self.here_source,
        )
        self.figure.text(
            "x",
            "y",
            text="label",
            source=self.here_source,
            y_offset=26,
            text_align="center",
            text_baseline="top",
            text_font_size="18px",
            text_font_style="bold",
            text_color=theme.ROUTE,
            background_fill_color=theme.WHITE,
            background_fill_alpha=0.85,
        )  # type: ignore[call-arg]  # Text has them; the stub lags

    def set_lang(self, lang: i18n.Lang) -> None:
        """Relabel the legend and "You are here" in ``lang``."""
        items: list[Any] = list(self.legend.items)
        for item, zone in zip(items, self.zone_renderers, strict=True):
            item.label = value(i18n.zone_name(zone, lang))
        if self.here_source.data["x"] is not None and len(self.here_source.data["x"]):
            self.here_source.patch({"label": [(0, i18n.text("you_are_here", lang))]})

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
        self.hall_labels.glyph.text_color = line if high else theme.HALL_LABEL
        self.hall_labels.glyph.text_alpha = 1.0 if high else 0.6
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
        data = window.data(self.frame, rows)
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
        data = booth_data(venue, self.frame)
        for zone, renderer in self.zone_renderers.items():
            src: Any = renderer.data_source
            src.data = data.get(zone, {k: list(v) for k, v in _EMPTY_BOOTHS.items()})
        self.labels.data = _label_data(list(data.values()))

    def highlight(self, booth_geoms: Sequence[object]) -> None:
        """Outline these booth polygons (venue coordinates); none clears it."""
        xs, ys = _rings(list(booth_geoms), self.frame)
        self.highlight_source.data = {"xs": xs, "ys": ys}

    def show_route(self, coords: Sequence[tuple[float, float]]) -> None:
        """Draw a route (venue coordinates) and fit the view to it; none clears it."""
        if not len(coords):
            self.route_source.data = {"x": [], "y": []}
            self.route_ends.data = {"x": [], "y": []}
            return
        c = np.asarray(coords, dtype=float)
        x, y = self.frame.to_view(c[:, 0], c[:, 1])
        self.route_source.data = {"x": x, "y": y}
        self.route_ends.data = {"x": x[[-1]], "y": y[[-1]]}

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
            half = max(max(xs) - min(xs), max(ys) - min(ys), 20.0) * (0.5 + padding)
            self.show_view((cx - half, cx + half, cy - half, cy + half), booths=False)
        if xs:
            self._fit_source.data = {
                "x": [min(xs), max(xs)],
                "y": [min(ys), max(ys)],
                "pad": [padding, padding],
            }

    def _fit_callback(self) -> CustomJS:
        return fit_view_js(
            self._fit_source, self.figure, self.x_range, self.y_range, min_span_m=20.0
        )

    def home(self) -> None:
        """Clear route and highlight and show the whole venue."""
        self.show_route([])
        self.highlight([])
        self.fit([self.halls], padding=0.04)
