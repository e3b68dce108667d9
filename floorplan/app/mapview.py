"""Build the Bokeh floor-plan figure the pages share: halls, booths by zone, icons, a route.

Geometry is turned about the venue's centre so that a kiosk's facing direction is up on
its screen (:class:`MapFrame`); everything drawn goes through the same frame, and taps
come back through its inverse.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from bokeh.core.properties import value
from bokeh.models import ColumnDataSource, CustomJS, DataRange1d
from bokeh.models.annotations import Legend, LegendItem
from bokeh.models.renderers import GlyphRenderer
from bokeh.plotting import figure

from floorplan import i18n
from floorplan.schema import Col, Zone

if TYPE_CHECKING:
    from bokeh.plotting import figure as Figure

    from floorplan.venue import Venue

__all__ = ["ZONE_COLOURS", "MapFrame", "MapView"]

#: Okabe-Ito: told apart with every common colour-vision deficiency.
ZONE_COLOURS: dict[str, str] = {
    Zone.AUTOMOBILE: "#0072B2",
    Zone.AGRICULTURE: "#009E73",
    Zone.ENERGY: "#E69F00",
    Zone.DIGITAL: "#56B4E9",
    Zone.HEALTH: "#CC79A7",
    Zone.SERVICES: "#F0E442",
}
#: Below these view widths (metres) booth numbers, then exhibitor names are drawn.
BOOTH_ID_SPAN_M = 220.0
EXHIBITOR_SPAN_M = 110.0


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
    xs, ys = [], []
    for g in geoms:
        poly = g if g.geom_type == "Polygon" else max(g.geoms, key=lambda p: p.area)
        c = np.asarray(poly.exterior.coords)
        vx, vy = frame.to_view(c[:, 0], c[:, 1])
        xs.append(vx)
        ys.append(vy)
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
    """

    def __init__(
        self,
        venue: Venue,
        frame: MapFrame,
        *,
        lang: i18n.Lang,
        icon_url: Callable[[str], str],
        here: tuple[float, float] | None = None,
    ) -> None:
        self.venue = venue
        self.frame = frame
        self.x_range = DataRange1d(range_padding=0.04)
        self.y_range = DataRange1d(range_padding=0.04)
        fig = figure(
            x_range=self.x_range,
            y_range=self.y_range,
            match_aspect=True,
            sizing_mode="stretch_both",
            tools="pan,wheel_zoom,reset",
            active_scroll="wheel_zoom",
            toolbar_location=None,
            output_backend="canvas",
            min_border=0,
            name="floormap",
        )
        fig.axis.visible = False
        fig.grid.visible = False
        fig.outline_line_color = None
        fig.background_fill_color = "#e9ecef"
        self.figure: Figure = fig

        hx, hy = _rings(list(venue.halls.geometry), frame)
        self.halls = fig.patches(
            hx, hy, fill_color="#ffffff", line_color="#495057", line_width=2, name="halls"
        )
        if len(venue.obstacles):
            ox, oy = _rings(list(venue.obstacles.geometry), frame)
            fig.patches(ox, oy, fill_color="#adb5bd", line_color="#6c757d")

        self.zone_renderers: dict[str, GlyphRenderer] = {}
        for zone, data in booth_data(venue, frame).items():
            src = ColumnDataSource(data)
            self.zone_renderers[zone] = fig.patches(
                "xs",
                "ys",
                source=src,
                fill_color=ZONE_COLOURS[zone],
                fill_alpha=0.85,
                line_color="#212529",
                line_width=1,
                name=f"zone-{zone}",
            )
        self.legend = Legend(
            items=[
                LegendItem(label=value(i18n.zone_name(z, lang)), renderers=[r])
                for z, r in self.zone_renderers.items()
            ],
            click_policy="hide",
            location="top_left",
            glyph_height=40,
            glyph_width=40,
            label_height=40,
            label_text_font_size="18px",
            spacing=8,
            padding=10,  # type: ignore[arg-type]  # an int is valid; the stub lags
            background_fill_alpha=0.9,
            inactive_fill_alpha=0.6,
            inactive_fill_color="#dee2e6",
        )
        fig.add_layout(self.legend)

        # Hall names always; booth ids and exhibitor names once zoomed in enough.
        hall_pts = venue.halls.geometry.representative_point()
        hlx, hly = frame.to_view(hall_pts.x.to_numpy(), hall_pts.y.to_numpy())
        names = [
            str(n) or str(h)
            for n, h in zip(venue.halls[Col.NAME], venue.halls[Col.HALL_ID], strict=True)
        ]
        fig.text(
            hlx,
            hly,
            text=names,
            text_align="center",
            text_baseline="middle",
            text_font_size="20px",
            text_font_style="bold",
            text_color="#343a40",
            text_alpha=0.6,
        )
        # One label source for all zones: fewer models to send and for the browser to build.
        all_data = list(booth_data(venue, frame).values())
        labels = ColumnDataSource(
            {
                k: np.concatenate(
                    [
                        np.asarray(d[k], dtype=object if k in {"booth_id", "exhibitor"} else float)
                        for d in all_data
                    ]
                )
                if all_data
                else []
                for k in ("cx", "cy", "booth_id", "exhibitor")
            }
        )
        id_labels, name_labels = [], []
        for src in [labels]:
            id_labels.append(
                fig.text(
                    "cx",
                    "cy",
                    text="booth_id",
                    source=src,
                    text_align="center",
                    text_baseline="bottom",
                    text_font_size="13px",
                    visible=False,
                )
            )
            name_labels.append(
                fig.text(
                    "cx",
                    "cy",
                    text="exhibitor",
                    source=src,
                    text_align="center",
                    text_baseline="top",
                    text_font_size="12px",
                    visible=False,
                )
            )
        toggle = CustomJS(
            args={
                "xr": self.x_range,
                "ids": id_labels,
                "names": name_labels,
                "id_span": BOOTH_ID_SPAN_M,
                "name_span": EXHIBITOR_SPAN_M,
            },
            code="""
            const span = Math.abs(xr.end - xr.start);
            for (const r of ids) { r.visible = span < id_span; }
            for (const r of names) { r.visible = span < name_span; }
            """,
        )
        self.x_range.js_on_change("start", toggle)
        self.x_range.js_on_change("end", toggle)

        if len(venue.amenities):
            am = venue.amenities
            ax, ay = frame.to_view(am.geometry.x.to_numpy(), am.geometry.y.to_numpy())
            self.amenity_source = ColumnDataSource(
                {"x": ax, "y": ay, "url": [icon_url(str(k)) for k in am[Col.KIND]]}
            )
            fig.image_url(
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

        self.highlight_source = ColumnDataSource({"xs": [], "ys": []})
        self.highlight_renderer = fig.patches(
            "xs",
            "ys",
            source=self.highlight_source,
            fill_color="#d00000",
            fill_alpha=0.35,
            line_color="#d00000",
            line_width=5,
            name="highlight",
        )
        self.route_source = ColumnDataSource({"x": [], "y": []})
        self.route = fig.line(
            "x",
            "y",
            source=self.route_source,
            line_color="#d00000",
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
            fill_color="#d00000",
            line_color="#ffffff",
            line_width=3,
        )

        self._fit_source = ColumnDataSource({"x": [], "y": [], "pad": []})
        self._fit_source.js_on_change("data", self._fit_callback())
        self.here_source = ColumnDataSource({"x": [], "y": [], "label": [], "url": []})
        if here is not None:
            kx, ky = frame.to_view(np.array([here[0]]), np.array([here[1]]))
            self.here_source.data = {
                "x": kx,
                "y": ky,
                "label": [i18n.text("you_are_here", lang)],
                "url": [icon_url("you_are_here")],
            }
            fig.image_url(
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
            fig.text(
                "x",
                "y",
                text="label",
                source=self.here_source,
                y_offset=26,
                text_align="center",
                text_baseline="top",
                text_font_size="18px",
                text_font_style="bold",
                text_color="#d00000",
                background_fill_color="#ffffff",
                background_fill_alpha=0.85,
            )  # type: ignore[call-arg]  # Text has them; the stub lags
        self.home()

    def set_lang(self, lang: i18n.Lang) -> None:
        """Relabel the legend and "You are here" in ``lang``."""
        items: list[Any] = list(self.legend.items)
        for item, zone in zip(items, self.zone_renderers, strict=True):
            item.label = value(i18n.zone_name(zone, lang))
        if self.here_source.data["x"] is not None and len(self.here_source.data["x"]):
            self.here_source.patch({"label": [(0, i18n.text("you_are_here", lang))]})

    def set_contrast(self, *, high: bool) -> None:
        """Draw for a high-contrast display (black outlines, white ground) or normally."""
        self.figure.background_fill_color = "#ffffff" if high else "#e9ecef"
        for r in self.zone_renderers.values():
            r.glyph.line_color = "#000000" if high else "#212529"
            r.glyph.line_width = 3 if high else 1
            r.glyph.fill_alpha = 1.0 if high else 0.85
        self.halls.glyph.line_width = 4 if high else 2
        self.halls.glyph.line_color = "#000000" if high else "#495057"

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
        if xs:
            self._fit_source.data = {
                "x": [min(xs), max(xs)],
                "y": [min(ys), max(ys)],
                "pad": [padding, padding],
            }

    def _fit_callback(self) -> CustomJS:
        return CustomJS(
            args={
                "src": self._fit_source,
                "xr": self.x_range,
                "yr": self.y_range,
                "fig": self.figure,
            },
            code="""
            const [x0, x1] = src.data.x, [y0, y1] = src.data.y;
            if (x0 === undefined) { return; }
            const pad = 1 + 2 * src.data.pad[0];
            let w = Math.max(x1 - x0, 20) * pad, h = Math.max(y1 - y0, 20) * pad;
            const W = fig.inner_width || 1, H = fig.inner_height || 1;
            if (w / h < W / H) { w = h * W / H; } else { h = w * H / W; }
            const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
            xr.setv({start: cx - w / 2, end: cx + w / 2});
            yr.setv({start: cy - h / 2, end: cy + h / 2});
            """,
        )

    def home(self) -> None:
        """Clear route and highlight and show the whole venue."""
        self.show_route([])
        self.highlight([])
        self.fit([self.halls], padding=0.04)
