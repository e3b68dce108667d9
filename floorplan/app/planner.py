"""Serve the floor planner: edit booths on the map, check the floor, save, compare, publish.

:class:`~floorplan.app.planner_state.PlannerState` holds the logic; this module draws it.
Dragging uses Bokeh's ``PolyDrawTool`` on the booths' source: the browser moves the
patches while the pointer moves (no round trip per frame) and sends the source once on
release; the page diffs it against what it last sent, snaps the drag on the Python side
(``snap_move``) and redraws from the editor. We chose it over pan events and a CustomJS
ghost because it is Bokeh's own tested gesture code: tap selects, shift-tap adds to the
selection, a drag moves every selected booth, double-tap draws a new polygon and
Backspace deletes, the same in headless Chromium as with a finger. The toolbar's
"Edit vertices" (Bokeh's ``PolyEditTool`` on the same source: double-tap a booth to show
its corners, drag one) ends in ``reshape``: a change that moves every vertex alike is a
drag, any other one a new outline. "Draw a booth rectangle" (a ``BoxSelectTool`` on an
empty renderer, so it selects nothing) sends the dragged box's geometry event, which
becomes a new booth snapped to the 0.5 m grid. Venue text reaches the page as widget
labels or HTML-escaped, never as markup.

Under the booths the map draws what they must keep clear: every door coloured by kind
with the keep-clear strip in front of it, kiosks with the space at their screens, and
amenities. Publishing asks first when it must (save the edits, or acknowledge warnings),
a button rolls back to the version published before, and the side panel says what the
kiosks show, pushed by the server's watcher.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import panel as pn
import shapely
from bokeh.events import Event, SelectionGeometry
from bokeh.models import (
    BoxSelectTool,
    ColumnDataSource,
    PolyDrawTool,
    PolyEditTool,
)
from panel.io.document import unlocked

from floorplan import i18n
from floorplan.app import theme
from floorplan.app.connection import watch_connection
from floorplan.app.context import VenueContext
from floorplan.app.mapview import add_scale_bar, fit_view_js, floor_figure, north_arrow
from floorplan.app.planner_drafts import DraftKeeper
from floorplan.app.planner_io import ImportKind, ImportPreview
from floorplan.app.planner_io_view import ImportTab
from floorplan.app.planner_state import ROTATE_STEP_DEG, PlannerState
from floorplan.app.resources import css, macro
from floorplan.app.theme import DIFF_COLOURS, OPENING_COLOURS, ZONE_COLOURS
from floorplan.i18n import Lang
from floorplan.io.store import changed_booths
from floorplan.layout import booth_size
from floorplan.schema import Col, Zone
from floorplan.validate.floor import keep_clear_zones

__all__ = ["PlannerPage", "planner_page", "session_lang"]

# Style sheets (floorplan/app/static), by URL.
_BUTTON_CSS = css("planner-button")
_INPUT_CSS = css("planner-input")
_MSG_CSS = css("planner-message")
_EMPTY: dict[str, Any] = {"xs": [], "ys": []}
#: Problems listed at most in the Problems tab (its title counts them all).
_PROBLEMS_SHOWN = 200


def _rings(geoms: Sequence[Any], *, closed: bool = True) -> dict[str, Any]:
    """Return the outer rings as patch coordinates.

    ``closed=False`` leaves out the repeat of the first vertex, so that each corner is one
    vertex to edit.
    """
    xs, ys = [], []
    for g in geoms:
        poly = g if g.geom_type == "Polygon" else max(g.geoms, key=lambda p: p.area)
        c = shapely.get_coordinates(poly.exterior)
        if not closed:
            c = c[:-1]
        xs.append(c[:, 0].tolist())
        ys.append(c[:, 1].tolist())
    return {"xs": xs, "ys": ys}


class PlannerPage:
    """One session's planner page: the editable map and the tools around it.

    Parameters
    ----------
    ctx
        The shared venue context (its ``store`` is where layouts are saved).
    author
        The logged-in user.
    """

    def __init__(
        self,
        ctx: VenueContext,
        *,
        author: str,
        version: int | None = None,
        lang: Lang = Lang.EN,
    ) -> None:
        self.ctx = ctx
        self.lang = lang
        self.state = state = PlannerState(
            ctx.store,
            ctx.venue,
            author=author,
            version=version,
            publisher=ctx.publish_version,
        )
        self._sent: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._updating = False
        self._build_map()
        self._build_side()
        self.stats = pn.pane.HTML(
            "", stylesheets=[css("planner-stats")], sizing_mode="stretch_width"
        )
        self.stats.css_classes = ["planner-stats"]
        self.root = pn.Row(
            pn.Column(self.stats, self.map_pane, sizing_mode="stretch_both"),
            self.side,
            sizing_mode="stretch_both",
            css_classes=["planner-root"],
            stylesheets=[theme.variables_css(), css("planner-root")],
        )
        state.param.watch(self._on_revision, "revision")
        state.param.watch(self._on_selected, "selected")
        state.param.watch(self._on_focus, "focus")
        state.param.watch(self._on_diff, "diff")
        state.param.watch(self._on_message, ["notice", "error", "stale", "confirm"])
        state.param.watch(
            self._on_versions, ["versions", "base", "unsaved", "published", "previous", "kiosks"]
        )
        state.param.watch(self._draw_fixtures, "base")
        state.param.watch(self._fill_floor, "base")
        state.param.watch(self._on_hits, "hits")
        self._draw_booths()
        self._draw_fixtures()
        self._render_problems()
        self._render_stats()
        self._on_versions()
        self._on_message()
        self._build_drafts(author)

    # ------------------------------------------------------------------ the map

    def _build_map(self) -> None:
        fig, self.x_range, self.y_range = floor_figure(toolbar_location="above")
        self.figure = fig
        # Drawn bottom to top: floor, what must stay clear, old places of a diff, booths,
        # new places, problems.
        self._draw_floor()
        self._add_fixture_layers()
        self.diff_sources = {k: ColumnDataSource(dict(_EMPTY)) for k in DIFF_COLOURS}
        for kind in ("moved_from", "removed"):
            fig.patches(
                "xs",
                "ys",
                source=self.diff_sources[kind],
                fill_color=DIFF_COLOURS[kind],
                fill_alpha=0.15 if kind == "moved_from" else 0.45,
                line_color=DIFF_COLOURS[kind],
                line_dash="dashed",
                line_width=2,
                name=f"diff-{kind}",
            )
        self._draw_booth_layer()
        for kind in ("added", "moved", "changed"):
            fig.patches(
                "xs",
                "ys",
                source=self.diff_sources[kind],
                fill_alpha=0.0,
                line_color=DIFF_COLOURS[kind],
                line_width=5,
                name=f"diff-{kind}",
            )
        self.problem_source = ColumnDataSource(dict(_EMPTY))
        fig.patches(
            "xs",
            "ys",
            source=self.problem_source,
            fill_alpha=0.0,
            line_color=theme.ROUTE,
            line_width=4,
            line_dash=[6, 3],
            name="problems",
        )
        self._add_preview_layers()
        self._add_tools()
        self._fit_source = ColumnDataSource({"x": [], "y": [], "pad": []})
        # Only a renderer puts the source into the document; without one its changes never
        # reach the browser. Its points lie inside the booths it zooms to.
        fig.scatter("x", "y", source=self._fit_source, size=0, visible=False, name="fit")
        self._fit_source.js_on_change(
            "data", fit_view_js(self._fit_source, fig, self.x_range, self.y_range, min_span_m=10.0)
        )
        # The kiosks' scale bar and north arrow (the planner's map is never turned).
        self.scale_bar = add_scale_bar(fig)
        fig.elements = [north_arrow(0.0, self.lang)]
        self.map_pane = pn.pane.Bokeh(fig, sizing_mode="stretch_both")

    def _draw_floor(self) -> None:
        """Add the halls, their obstacles and their names (filled by :meth:`_fill_floor`)."""
        fig = self.figure
        self.hall_source = ColumnDataSource(dict(_EMPTY))
        self.halls = fig.patches(
            "xs",
            "ys",
            source=self.hall_source,
            fill_color=theme.HALL_FILL,
            line_color=theme.HALL_LINE,
            line_width=2,
            name="halls",
        )
        self.obstacle_source = ColumnDataSource(dict(_EMPTY))
        fig.patches(
            "xs",
            "ys",
            source=self.obstacle_source,
            fill_color=theme.OBSTACLE_FILL,
            line_color=theme.OBSTACLE_LINE,
            name="obstacles",
        )
        self.hall_name_source = ColumnDataSource({"x": [], "y": [], "text": []})
        fig.text(
            "x",
            "y",
            text="text",
            source=self.hall_name_source,
            text_align="center",
            text_font_size="18px",
            text_color=theme.HALL_LABEL,
            text_alpha=0.4,
            name="hall-names",
        )
        self._fill_floor()

    def _fill_floor(self, *_: object) -> None:
        """Draw the open layout's halls, obstacles and hall names (an import changes them)."""
        venue = self.state.venue
        pts = venue.halls.geometry.representative_point()
        names = [
            str(n or h)
            for n, h in zip(venue.halls[Col.NAME], venue.halls[Col.HALL_ID], strict=True)
        ]
        with unlocked():
            self.hall_source.data = _rings(list(venue.halls.geometry))
            self.obstacle_source.data = _rings(list(venue.obstacles.geometry))
            self.hall_name_source.data = {
                "x": pts.x.tolist(),
                "y": pts.y.tolist(),
                "text": names,
            }

    def _add_preview_layers(self) -> None:
        """Add the layers an import's preview is drawn on, over everything else."""
        fig = self.figure
        self.preview_hall_source = ColumnDataSource(dict(_EMPTY))
        fig.patches(
            "xs",
            "ys",
            source=self.preview_hall_source,
            fill_alpha=0.0,
            line_color=theme.IMPORT_PREVIEW,
            line_width=3,
            line_dash="dashed",
            name="preview-halls",
        )
        self.preview_source = ColumnDataSource({**_EMPTY, "booth_id": [], "cx": [], "cy": []})
        fig.patches(
            "xs",
            "ys",
            source=self.preview_source,
            fill_color=theme.IMPORT_PREVIEW,
            fill_alpha=0.35,
            line_color=theme.IMPORT_PREVIEW,
            line_width=2,
            name="preview-booths",
        )
        fig.text(
            "cx",
            "cy",
            text="booth_id",
            source=self.preview_source,
            text_align="center",
            text_baseline="middle",
            text_font_size="11px",
            name="preview-labels",
        )

    def show_preview(self, preview: ImportPreview | None) -> None:
        """Draw an import's preview over the map (``None``: take it away).

        A drawing's booths are drawn instead of the open layout's (hidden meanwhile), with
        its halls dashed; a list's preview outlines the booths it fills. The map zooms to it.
        """
        booths: dict[str, Any] = {**_EMPTY, "booth_id": [], "cx": [], "cy": []}
        halls: dict[str, Any] = dict(_EMPTY)
        replaces = preview is not None and preview.kind is ImportKind.DXF
        if preview is not None:
            b = preview.venue.booths
            if not replaces:
                filled = changed_booths(self.state.venue, preview.venue)
                b = b[b[Col.BOOTH_ID].astype(str).isin(filled)]
            else:
                halls = _rings(list(preview.venue.halls.geometry))
            cent = b.geometry.representative_point()
            booths = {
                **_rings(list(b.geometry)),
                "booth_id": b[Col.BOOTH_ID].astype(str).tolist(),
                "cx": cent.x.tolist(),
                "cy": cent.y.tolist(),
            }
        with unlocked():
            self.preview_source.data = booths
            self.preview_hall_source.data = halls
            self.booths.visible = self.booth_labels.visible = not replaces
        if preview is not None and len(preview.venue.halls):
            x0, y0, x1, y1 = (float(v) for v in preview.venue.halls.total_bounds)
            self.state.focus = (x0, y0, x1, y1)

    def _add_fixture_layers(self) -> None:
        """Add the layers of doors, keep-clear zones, kiosks and amenities (filled later)."""
        fig = self.figure
        self.clear_source = ColumnDataSource({"xs": [], "ys": [], "what": []})
        fig.patches(
            "xs",
            "ys",
            source=self.clear_source,
            fill_color=theme.KEEP_CLEAR,
            fill_alpha=0.18,
            line_color=theme.KEEP_CLEAR,
            line_dash="dotted",
            line_width=1,
            name="keep-clear",
        )
        self.door_source = ColumnDataSource({"xs": [], "ys": [], "colour": [], "door": []})
        fig.multi_line(
            "xs", "ys", source=self.door_source, line_color="colour", line_width=6, name="doors"
        )
        self.point_source = ColumnDataSource(
            {"x": [], "y": [], "colour": [], "marker": [], "label": []}
        )
        fig.scatter(
            "x",
            "y",
            source=self.point_source,
            marker="marker",
            size=14,
            fill_color="colour",
            line_color=theme.WHITE,
            name="kiosks-amenities",
        )

    def _draw_fixtures(self, *_: object) -> None:
        """Draw the open layout's doors with their keep-clear strips, kiosks and amenities."""
        venue, rules = self.state.venue, self.state.rules
        halls = dict(zip(venue.halls[Col.HALL_ID].astype(str), venue.halls.geometry, strict=True))
        ops = venue.openings
        doors: dict[str, Any] = {"xs": [], "ys": [], "colour": [], "door": []}
        zones: list[Any] = []
        what: list[str] = []
        kept = {str(k) for k in rules.keep_clear_kinds}
        for oid, kind, line, own, other in zip(
            ops[Col.OPENING_ID].astype(str),
            ops[Col.KIND].astype(str),
            ops.geometry,
            ops[Col.HALL_ID].astype(str),
            ops[Col.CONNECTS].fillna("").astype(str),
            strict=True,
        ):
            c = shapely.get_coordinates(line)
            doors["xs"].append(c[:, 0].tolist())
            doors["ys"].append(c[:, 1].tolist())
            doors["colour"].append(OPENING_COLOURS.get(kind, theme.MUTED))
            doors["door"].append(oid)
            if kind not in kept:
                continue
            for hall in (own, other):
                if hall in halls:
                    zones.extend(
                        keep_clear_zones(
                            np.array([line]), np.array([halls[hall]]), rules.keep_clear_m
                        )
                    )
                    what.append(oid)
        points: dict[str, Any] = {k: [] for k in ("x", "y", "colour", "marker", "label")}
        for kid, pt in zip(
            venue.kiosks[Col.KIOSK_ID].astype(str), venue.kiosks.geometry, strict=True
        ):
            zones.append(pt.buffer(rules.kiosk_clear_m))
            what.append(kid)
            for key, value in zip(points, (pt.x, pt.y, theme.KIOSK, "square", kid), strict=True):
                points[key].append(value)
        am = venue.amenities
        for aid, pt in zip(am[Col.AMENITY_ID].astype(str), am.geometry, strict=True):
            for key, value in zip(
                points, (pt.x, pt.y, theme.AMENITY, "triangle", aid), strict=True
            ):
                points[key].append(value)
        keep = [(w, z) for w, z in zip(what, zones, strict=True) if not z.is_empty]
        with unlocked():
            self.door_source.data = doors
            self.clear_source.data = {**_rings([z for _, z in keep]), "what": [w for w, _ in keep]}
            self.point_source.data = points

    def _draw_booth_layer(self) -> None:
        """Add the editable booths (the source the tools change) and their labels."""
        self.source = ColumnDataSource(
            {"xs": [], "ys": [], "booth_id": [], "exhibitor": [], "fill": [], "cx": [], "cy": []},
            name="planner-booths",
        )
        self.booths = self.figure.patches(
            "xs",
            "ys",
            source=self.source,
            fill_color="fill",
            fill_alpha=0.85,
            line_color=theme.BOOTH_LINE,
            line_width=1,
            selection_fill_alpha=0.95,
            selection_line_color=theme.SELECTION,
            selection_line_width=4,  # type: ignore[call-arg]  # Patches has it; the stub lags
            nonselection_fill_alpha=0.85,
            nonselection_line_alpha=1.0,
            name="booths",
        )
        self.booth_labels = self.figure.text(
            "cx",
            "cy",
            text="booth_id",
            source=self.source,
            text_align="center",
            text_baseline="middle",
            text_font_size="12px",
            name="booth-labels",
        )

    def _add_tools(self) -> None:
        """Add the move, vertex and rectangle tools and listen to what they change."""
        fig = self.figure
        self.draw_tool = PolyDrawTool(
            renderers=[cast(Any, self.booths)], drag=True, empty_value="", description="Move booths"
        )
        self.vertex_source = ColumnDataSource({"x": [], "y": []}, name="planner-vertices")
        vertices = fig.scatter(
            "x",
            "y",
            source=self.vertex_source,
            size=16,
            fill_color=theme.WHITE,
            line_color=theme.SELECTION,
            line_width=3,
            name="vertices",
        )
        self.vertex_tool = PolyEditTool(
            renderers=[cast(Any, self.booths)],
            vertex_renderer=cast(Any, vertices),
            description="Edit vertices (double-tap a booth, drag a corner)",
        )
        # An empty renderer for the box tool to select from: it only draws the box.
        nothing = fig.scatter("x", "y", source=ColumnDataSource({"x": [], "y": []}))
        self.box_tool = BoxSelectTool(
            renderers=[cast(Any, nothing)],
            description="Draw a booth rectangle",
            select_every_mousemove=False,
        )
        fig.add_tools(self.draw_tool, self.vertex_tool, self.box_tool)
        fig.on_event(SelectionGeometry, self._on_box)
        fig.toolbar.active_drag = self.draw_tool
        fig.toolbar.active_tap = self.draw_tool
        self.source.on_change("data", self._on_source_data)
        self.source.selected.on_change("indices", self._on_indices)

    def _draw_booths(self) -> None:
        """Send the open layout's booths to the browser (the source the tool edits)."""
        b = self.state.venue.booths
        ids = b[Col.BOOTH_ID].astype(str).tolist()
        rings = _rings(list(b.geometry), closed=False)
        cent = b.geometry.centroid
        data = {
            **rings,
            "booth_id": ids,
            "exhibitor": b[Col.EXHIBITOR].fillna("").astype(str).tolist(),
            "fill": [ZONE_COLOURS.get(str(z), theme.UNZONED) for z in b[Col.ZONE]],
            "cx": cent.x.tolist(),
            "cy": cent.y.tolist(),
        }
        self._sent = {
            bid: (np.asarray(x), np.asarray(y))
            for bid, x, y in zip(ids, rings["xs"], rings["ys"], strict=True)
        }
        self._updating = True
        try:
            self.source.data = data
            self._set_indices()
            probs = self.state.problem_booths()
            self.problem_source.data = _rings(
                [g for bid, g in zip(ids, b.geometry, strict=True) if bid in probs]
            )
        finally:
            self._updating = False

    def _set_indices(self) -> None:
        ids = list(self.source.data["booth_id"])
        pos = {bid: i for i, bid in enumerate(ids)}
        want = [pos[b] for b in self.state.selected if b in pos]
        if list(self.source.selected.indices) != want:
            self.source.selected.indices = want

    # --------------------------------------------------- browser → state

    def _on_indices(self, _attr: str, _old: Any, new: Any) -> None:
        if self._updating:
            return
        ids = list(self.source.data["booth_id"])
        chosen = [str(ids[i]) for i in new if 0 <= i < len(ids) and ids[i]]
        if chosen != self.state.selected:
            self.state.selected = chosen

    def _on_source_data(self, _attr: str, _old: Any, new: dict[str, Any]) -> None:
        """Turn what the draw tool did in the browser into editor actions."""
        if self._updating:
            return
        ids = [str(b) for b in new.get("booth_id", [])]
        xs, ys = new.get("xs", []), new.get("ys", [])
        drawn = [i for i, b in enumerate(ids) if not b]
        gone = [b for b in self._sent if b not in set(ids)]
        moved, reshaped = self._changes(ids, xs, ys)
        s = self.state
        if reshaped:
            bid, coords = next(iter(reshaped.items()))
            s.reshape(bid, coords)
        elif moved:
            dx, dy = next(iter(moved.values()))  # one drag moves the selection together
            s.drag(list(moved), dx, dy)
        elif drawn:
            i = drawn[-1]
            coords = list(zip(xs[i], ys[i], strict=True))
            if s.add_booth(coords) is None:
                s.revision += 1  # redraw without the refused outline
        elif gone:
            s.select(gone)
            s.remove()
        else:
            s.revision += 1

    def _changes(
        self, ids: list[str], xs: Sequence[Any], ys: Sequence[Any]
    ) -> tuple[dict[str, tuple[float, float]], dict[str, list[tuple[float, float]]]]:
        """Return the booths moved whole (by how much) and those given a new outline."""
        moved: dict[str, tuple[float, float]] = {}
        reshaped: dict[str, list[tuple[float, float]]] = {}
        for i, bid in enumerate(ids):
            if not bid or bid not in self._sent:
                continue
            ox, oy = self._sent[bid]
            nx, ny = np.asarray(xs[i], dtype=float), np.asarray(ys[i], dtype=float)
            if nx.shape != ox.shape:
                reshaped[bid] = list(zip(nx.tolist(), ny.tolist(), strict=True))
                continue
            ddx, ddy = nx - ox, ny - oy
            if not (np.abs(ddx).max(initial=0) > 1e-9 or np.abs(ddy).max(initial=0) > 1e-9):
                continue
            if np.ptp(ddx) > 1e-6 or np.ptp(ddy) > 1e-6:  # vertices moved apart: a new outline
                reshaped[bid] = list(zip(nx.tolist(), ny.tolist(), strict=True))
            else:
                moved[bid] = (float(np.mean(ddx)), float(np.mean(ddy)))
        return moved, reshaped

    def _on_box(self, event: Event) -> None:
        """Add a booth over the box dragged with the rectangle tool."""
        if not isinstance(event, SelectionGeometry):
            return
        g: dict[str, Any] = dict(cast(Any, event.geometry) or {})
        if not event.final or g.get("type") != "rect":
            return
        try:
            x0, y0, x1, y1 = (float(g[k]) for k in ("x0", "y0", "x1", "y1"))
        except (KeyError, TypeError, ValueError):
            return
        self.state.draw_rectangle(x0, y0, x1, y1, zone=self.zone.value)

    # --------------------------------------------------- state → browser

    def _on_revision(self, *_: object) -> None:
        with unlocked():
            self._draw_booths()
        self._render_problems()
        self._render_stats()
        self.undo_btn.disabled = not self.state.can_undo
        self.redo_btn.disabled = not self.state.can_redo

    def _on_selected(self, *_: object) -> None:
        s = self.state
        with unlocked():
            self._updating = True
            try:
                self._set_indices()
            finally:
                self._updating = False
        if len(s.selected) == 1:
            row = s.booth(s.selected[0])
            # Along the booth's own axes, as the editor resizes it: width the longest side.
            w, d = booth_size(row["geometry"])
            self.width.value, self.depth.value = round(w, 2), round(d, 2)
            self.exhibitor.value = str(row.get(Col.EXHIBITOR) or "")
            self.zone.value = str(row.get(Col.ZONE) or Zone.SERVICES.value)
        names = ", ".join(s.selected[:6]) + (" …" if len(s.selected) > 6 else "")
        self.selection.object = macro("planner.html", "selection", names if s.selected else "")

    def _on_focus(self, *_: object) -> None:
        f = self.state.focus
        if f is None:
            return
        with unlocked():
            self._fit_source.data = {"x": [f[0], f[2]], "y": [f[1], f[3]], "pad": [0.3] * 2}

    def _on_diff(self, *_: object) -> None:
        d = self.state.diff
        with unlocked():
            for kind, src in self.diff_sources.items():
                src.data = _rings(getattr(d, kind)) if d is not None else dict(_EMPTY)
        self.clear_diff_btn.visible = d is not None

    def _on_message(self, *_: object) -> None:
        s = self.state
        self.message.object = macro("planner.html", "message", s.notice, s.error)
        self.stale_row.visible = s.stale
        question = s.confirm
        self.confirm_row.visible = question is not None
        if question is not None:
            self.confirm_text.object = macro(
                "planner.html", "confirm", question.text, list(question.problems)
            )
            self.confirm_yes.name = (
                "Save and publish" if question.kind == "save" else "Acknowledge and publish"
            )

    def _on_versions(self, *_: object) -> None:
        s = self.state
        options = {
            f"v{v.version} · {v.message[:40]}"
            + (" · published" if v.version == s.published else ""): v.version
            for v in reversed(s.versions)
        }
        for w in (self.version_a, self.version_b, self.version_open):
            keep = w.value
            w.options = options
            w.value = keep if keep in options.values() else next(iter(options.values()), None)
        self.version_open.value = s.base
        self.publish_btn.name = f"Publish version {s.base} to kiosks"
        self.rollback_btn.visible = s.previous is not None
        if s.previous is not None:
            self.rollback_btn.name = f"Roll back to version {s.previous}"
        if len(s.versions) > 1 and self.version_a.value == self.version_b.value:
            self.version_a.value = s.versions[-2].version
        self.history.object = macro(
            "planner.html", "history", list(reversed(s.versions)), s.published
        )
        self.version_info.object = macro(
            "planner.html", "version_info", s.base, s.unsaved, s.published, s.kiosks
        )

    def _on_hits(self, *_: object) -> None:
        self.hits.objects = [
            self._button(label, lambda b=bid: self.state.select([b], zoom=True), css="hit")
            for bid, label in self.state.hits[:12]
        ]

    def _render_problems(self) -> None:
        """List the problems; the tab's title counts the very list shown, at once.

        The tab gets a new column each time: Panel sends a tab's new title to the browser
        only with a new object (the same object under a new title kept the old title).
        """
        s = self.state
        problems = list(s.problems)
        items: list[Any] = []
        if not problems:
            items.append(pn.pane.HTML(macro("planner.html", "no_problems")))
        for i, p in enumerate(problems[:_PROBLEMS_SHOWN]):
            items.append(
                self._button(
                    f"{p.severity} · {p.rule}: {p.message}",
                    lambda i=i: s.choose_problem(i),
                    css=f"problem problem-{p.severity}",
                )
            )
        if len(problems) > _PROBLEMS_SHOWN:
            more = len(problems) - _PROBLEMS_SHOWN
            items.append(pn.pane.Str(f"… and {more} more (floorplan layouts show lists them)"))
        self.problem_list = pn.Column(*items, sizing_mode="stretch_width")
        self.tabs[1] = (f"Problems ({len(problems)})", self.problem_list)

    def _render_stats(self) -> None:
        st = self.state.stats
        if st is None:
            return
        zones = [
            (ZONE_COLOURS.get(z, theme.UNZONED), i18n.zone_name(z, i18n.Lang.EN), v)
            for z, v in st.zones.items()
        ]
        self.stats.object = macro("planner.html", "stats", st, zones)

    # ------------------------------------------------------------------ the side

    def _button(self, label: str, action: Any, *, css: str = "", **kw: Any) -> pn.widgets.Button:
        b = pn.widgets.Button(
            name=label,
            stylesheets=[_BUTTON_CSS],
            sizing_mode="stretch_width",
            css_classes=css.split(),
            **kw,
        )
        b.on_click(lambda _e: action())
        return b

    def _build_side(self) -> None:
        self.version_info = pn.pane.HTML("")
        self.message = pn.pane.HTML("", stylesheets=[_MSG_CSS], sizing_mode="stretch_width")
        self.problem_list = pn.Column(sizing_mode="stretch_width")
        self.io_tab = ImportTab(self)
        self.tabs = pn.Tabs(
            ("Edit", self._edit_tab()),
            ("Problems", self.problem_list),
            ("Versions", self._versions_tab()),
            sizing_mode="stretch_width",
            stylesheets=[css("planner-tabs")],
        )
        user = str(pn.state.user or "") if pn.state.curdoc is not None else ""
        logout = i18n.text("logout", i18n.Lang.EN)
        self.side = pn.Column(
            pn.pane.HTML(macro("planner.html", "header", user, logout)),
            self.version_info,
            self.message,
            self.tabs,
            # Below the tabs, not a tab: Bokeh stacks a tabs' panels in one place, and this
            # tall one, hidden, was laid over the Problems list and took its clicks.
            pn.Card(
                self.io_tab.view(),
                title="Import / export",
                collapsed=True,
                sizing_mode="stretch_width",
                css_classes=["import-export"],
            ),
            stylesheets=[css("planner-side")],
            css_classes=["planner-side"],
            width=480,
            sizing_mode="stretch_height",
        )

    def _edit_tab(self) -> pn.Column:
        """Return the tab that finds, selects and edits booths."""
        s, btn = self.state, self._button
        self.search = pn.widgets.TextInput(
            placeholder="Search booth id or exhibitor", stylesheets=[_INPUT_CSS]
        )
        self.search.param.watch(lambda e: s.search(e.new or ""), "value_input")
        self.hits = pn.Column(sizing_mode="stretch_width")
        self.selection = pn.pane.HTML(macro("planner.html", "selection", ""))
        num = {"stylesheets": [_INPUT_CSS], "sizing_mode": "stretch_width"}
        self.angle = pn.widgets.FloatInput(name="Angle °", value=ROTATE_STEP_DEG, **num)
        self.width = pn.widgets.FloatInput(name="Width m", value=3.0, start=0.5, step=0.5, **num)
        self.depth = pn.widgets.FloatInput(name="Depth m", value=3.0, start=0.5, step=0.5, **num)
        self.exhibitor = pn.widgets.TextInput(name="Exhibitor", **num)
        self.zone = pn.widgets.Select(
            name="Zone", options=[z.value for z in Zone], value=Zone.SERVICES.value, **num
        )
        self.undo_btn = btn("Undo", s.undo, css="undo")
        self.redo_btn = btn("Redo", s.redo, css="redo")
        self.undo_btn.disabled = self.redo_btn.disabled = True
        row = {"sizing_mode": "stretch_width"}
        return pn.Column(
            self.search,
            self.hits,
            self.selection,
            pn.Row(
                btn(f"⟲ {ROTATE_STEP_DEG:g}°", lambda: s.rotate(ROTATE_STEP_DEG), css="rot-l"),
                btn(f"⟳ {ROTATE_STEP_DEG:g}°", lambda: s.rotate(-ROTATE_STEP_DEG), css="rot-r"),
                **row,
            ),
            pn.Row(
                self.angle,
                btn("Rotate by angle", lambda: s.rotate(float(self.angle.value or 0))),
                **row,
            ),
            pn.Row(self.width, self.depth, **row),
            pn.Row(
                btn(
                    "Resize",
                    lambda: s.resize(float(self.width.value or 0), float(self.depth.value or 0)),
                    css="resize",
                ),
                btn("Add booth here", self._add_here, css="add"),
                **row,
            ),
            pn.Row(self.exhibitor, self.zone, **row),
            btn(
                "Assign exhibitor and zone",
                lambda: s.assign(self.exhibitor.value or "", self.zone.value),
                css="assign",
            ),
            pn.Row(
                btn("Duplicate", s.duplicate, css="duplicate"),
                btn("Delete", s.remove, css="delete", button_type="danger"),
                **row,
            ),
            pn.Row(self.undo_btn, self.redo_btn, **row),
            pn.pane.HTML(macro("planner.html", "help")),
            **row,
        )

    def _versions_tab(self) -> pn.Column:
        """Return the tab that saves, opens, publishes and compares versions."""
        s, btn = self.state, self._button
        num = {"stylesheets": [_INPUT_CSS], "sizing_mode": "stretch_width"}
        self.save_msg = pn.widgets.TextInput(placeholder="What changed?", **num)
        self.save_btn = btn("Save", self._save, css="save", button_type="primary")
        self.stale_row = pn.Row(
            btn("Reload latest (drop my edits)", s.reload_latest, css="reload"),
            btn("Save as a copy", lambda: self._save(as_copy=True), css="save-copy"),
            sizing_mode="stretch_width",
            visible=False,
        )
        self.version_open = pn.widgets.Select(name="Version", options={}, **num)
        self.publish_btn = btn("Publish", s.publish, css="publish", button_type="success")
        self.rollback_btn = btn("Roll back", s.rollback, css="rollback", visible=False)
        self.confirm_text = pn.pane.HTML("", stylesheets=[_MSG_CSS], sizing_mode="stretch_width")
        self.confirm_yes = btn(
            "Publish",
            lambda: s.answer(True, message=self.save_msg.value or ""),
            css="confirm-yes",
            button_type="warning",
        )
        self.confirm_row = pn.Column(
            self.confirm_text,
            pn.Row(
                self.confirm_yes,
                btn("Cancel", lambda: s.answer(False), css="confirm-no"),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
            visible=False,
        )
        self.version_a = pn.widgets.Select(name="Compare", options={}, **num)
        self.version_b = pn.widgets.Select(name="with", options={}, **num)
        self.clear_diff_btn = btn("Hide diff", s.clear_diff, css="hide-diff", visible=False)
        self.history = pn.pane.HTML(
            "", sizing_mode="stretch_width", stylesheets=[css("planner-history")]
        )
        legend = macro("planner.html", "diff_legend", ["added", "removed", "moved", "changed"])
        return pn.Column(
            self.save_msg,
            self.save_btn,
            self.stale_row,
            pn.Row(
                self.version_open,
                btn("Open", self._open_version, css="open"),
                sizing_mode="stretch_width",
            ),
            self.publish_btn,
            self.confirm_row,
            self.rollback_btn,
            pn.Row(self.version_a, self.version_b, sizing_mode="stretch_width"),
            pn.Row(
                btn("Show diff", self._compare, css="compare"),
                self.clear_diff_btn,
                sizing_mode="stretch_width",
            ),
            pn.pane.HTML(legend, stylesheets=[_MSG_CSS]),
            self.history,
            sizing_mode="stretch_width",
        )

    # ------------------------------------------------------------------ actions

    def _add_here(self) -> None:
        s = self.state
        if s.selected:
            x0, y0, x1, _ = s.booth_geometry(s.selected[0]).bounds
            x, y = x1 + 1.0, y0
        else:
            xr, yr = self.x_range, self.y_range
            if xr.start is None or yr.start is None:
                x0, y0, x1, y1 = s.venue.halls.total_bounds
                x, y = (x0 + x1) / 2, (y0 + y1) / 2
            else:
                x = (float(cast(float, xr.start)) + float(cast(float, xr.end))) / 2
                y = (float(cast(float, yr.start)) + float(cast(float, yr.end))) / 2
        x, y = round(x * 2) / 2, round(y * 2) / 2
        s.add_rectangle(
            x,
            y,
            float(self.width.value or 3.0),
            float(self.depth.value or 3.0),
            zone=self.zone.value,
        )

    def _save(self, *, as_copy: bool = False) -> None:
        if self.state.save(self.save_msg.value or "", as_copy=as_copy) is not None:
            self.save_msg.value = ""

    def _open_version(self) -> None:
        if self.version_open.value is not None:
            self.state.open_version(int(self.version_open.value))

    def _compare(self) -> None:
        a, b = self.version_a.value, self.version_b.value
        if a is not None and b is not None:
            self.state.compare(int(a), int(b))

    def view(self) -> pn.viewable.Viewable:
        """Return the page's root layout."""
        return self.root

    # ------------------------------------------------------------------ drafts

    def _build_drafts(self, author: str) -> None:
        """Autosave the edits as a draft; offer the user's last draft back first, if any.

        The offer is a dialog over the whole page (nothing else takes a click until it is
        answered, so that no new edit overwrites the draft on offer).
        """
        self.drafts = DraftKeeper(self.state, author=author, lang=self.lang)
        t = i18n.text
        self.draft_text = pn.pane.HTML("", sizing_mode="stretch_width")
        box = pn.Column(
            self.draft_text,
            pn.Row(
                self._button(
                    t("draft.restore", self.lang),
                    self._restore_draft,
                    css="draft-restore",
                    button_type="primary",
                ),
                self._button(
                    t("draft.discard", self.lang), self._discard_draft, css="draft-discard"
                ),
                sizing_mode="stretch_width",
            ),
            stylesheets=[css("planner-draft-box")],
            width=640,
        )
        self.draft_offer = pn.Column(
            box, stylesheets=[css("planner-draft")], css_classes=["draft-dialog"], visible=False
        )
        self.root.append(self.draft_offer)
        self._show_draft_offer(self.drafts.offer() is not None)

    def _show_draft_offer(self, show: bool) -> None:
        question, detail = self.drafts.question()
        self.draft_text.object = macro("draft.html", "offer", question, detail) if show else ""
        self.draft_offer.visible = show

    def _restore_draft(self) -> None:
        if self.drafts.restore():
            self._show_draft_offer(False)

    def _discard_draft(self) -> None:
        self.drafts.discard()
        self._show_draft_offer(False)


def session_lang() -> Lang:
    """Return the planner's language: ``?lang=`` if given, else the browser's first choice."""
    args = pn.state.session_args or {}
    given = (args.get("lang") or [b""])[0].decode("utf-8", "replace")
    if given in {x.value for x in Lang}:
        return Lang(given)
    accept = str((pn.state.headers or {}).get("Accept-Language", "")).strip().lower()
    return Lang.ZH if accept.startswith("zh") else Lang.EN


def _watch_connection(doc: Any, lang: Lang) -> None:
    """Show a banner and block Save and Publish while the server is away, then reload."""
    t = i18n.text
    watch_connection(
        doc,
        reload_url="/planner",
        title=t("conn.planner", lang),
        details=[t("conn.planner_detail", lang)],
        block=["save", "save-copy", "publish", "reload", "open"],
    )


def planner_page(ctx: VenueContext) -> pn.viewable.Viewable:
    """Build the planner page for the current session (logged in as planner or admin)."""
    if ctx.store is None:
        return pn.pane.Str("The planner needs a layout store (floorplan serve --store).")
    args = pn.state.session_args if pn.state.curdoc is not None else {}
    raw = (args.get("version") or [b""])[0]
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    version = int(text) if text.isdigit() else None
    lang = session_lang() if pn.state.curdoc is not None else Lang.EN
    page = PlannerPage(ctx, author=str(pn.state.user or ""), version=version, lang=lang)
    doc = pn.state.curdoc
    if doc is not None:
        doc.title = "Floor planner"
        _watch_connection(doc, lang)
        if doc.session_context is not None:
            # The server's watcher pushes what the kiosks show as it changes.
            token = ctx.subscribe_status(doc, page.state.show_kiosks)
            doc.on_session_destroyed(lambda _session: ctx.unsubscribe(token))
    return page.view()
