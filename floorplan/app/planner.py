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
"""

from __future__ import annotations

import html
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
from floorplan.app.context import VenueContext
from floorplan.app.mapview import ZONE_COLOURS, fit_view_js, floor_figure
from floorplan.app.planner_state import ROTATE_STEP_DEG, PlannerState
from floorplan.schema import Col, Zone

__all__ = ["PlannerPage", "planner_page"]

_BUTTON_CSS = """
.bk-btn { min-height: 48px; font-size: 16px; padding: 6px 12px; touch-action: manipulation;
  white-space: normal; line-height: 1.2; }
"""
_INPUT_CSS = ".bk-input { min-height: 48px; font-size: 16px; }"
_SIDE_CSS = """
:host { height: 100%; overflow-y: auto; padding: 6px 10px;
  background: #f8f9fa; border-left: 1px solid #dee2e6; }
"""
_STATS_CSS = """
.stats { font-size: 15px; line-height: 1.5; padding: 4px 8px; }
.stats b { font-size: 16px; }
.chip { display: inline-block; margin-right: 12px; white-space: nowrap; }
.sw { display: inline-block; width: 14px; height: 14px; vertical-align: -2px;
  border: 1px solid #212529; margin-right: 4px; }
"""
_MSG_CSS = """
.ok { color: #14532d; font-size: 15px; } .err { color: #b00020; font-size: 15px; }
"""
#: Colours of the diff overlay (Okabe-Ito, told apart with colour-vision deficiencies).
DIFF_COLOURS = {
    "added": "#009E73",
    "removed": "#D55E00",
    "moved": "#0072B2",
    "moved_from": "#0072B2",
    "changed": "#E69F00",
}
_EMPTY: dict[str, Any] = {"xs": [], "ys": []}


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

    def __init__(self, ctx: VenueContext, *, author: str) -> None:
        self.ctx = ctx
        self.state = state = PlannerState(
            ctx.store,
            ctx.venue,
            author=author,
            on_publish=self._published,
        )
        self._sent: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._updating = False
        self._build_map()
        self._build_side()
        self.stats = pn.pane.HTML("", stylesheets=[_STATS_CSS], sizing_mode="stretch_width")
        self.stats.css_classes = ["planner-stats"]
        self.root = pn.Row(
            pn.Column(self.stats, self.map_pane, sizing_mode="stretch_both"),
            self.side,
            sizing_mode="stretch_both",
            css_classes=["planner-root"],
            stylesheets=[":host { height: 100vh; }"],
        )
        state.param.watch(self._on_revision, "revision")
        state.param.watch(self._on_selected, "selected")
        state.param.watch(self._on_focus, "focus")
        state.param.watch(self._on_diff, "diff")
        state.param.watch(self._on_message, ["notice", "error", "stale"])
        state.param.watch(self._on_versions, ["versions", "base", "unsaved", "published"])
        state.param.watch(self._on_hits, "hits")
        self._draw_booths()
        self._render_problems()
        self._render_stats()
        self._on_versions()
        self._on_message()

    # ------------------------------------------------------------------ the map

    def _build_map(self) -> None:
        venue = self.ctx.venue
        fig, self.x_range, self.y_range = floor_figure(toolbar_location="above")
        self.figure = fig
        self.halls = fig.patches(
            "xs",
            "ys",
            source=ColumnDataSource(_rings(list(venue.halls.geometry))),
            fill_color="#ffffff",
            line_color="#495057",
            line_width=2,
            name="halls",
        )
        if len(venue.obstacles):
            fig.patches(
                "xs",
                "ys",
                source=ColumnDataSource(_rings(list(venue.obstacles.geometry))),
                fill_color="#adb5bd",
                line_color="#6c757d",
            )
        pts = venue.halls.geometry.representative_point()
        fig.text(
            pts.x.to_numpy(),
            pts.y.to_numpy(),
            text=[
                str(n or h)
                for n, h in zip(venue.halls[Col.NAME], venue.halls[Col.HALL_ID], strict=True)
            ],
            text_align="center",
            text_font_size="18px",
            text_color="#343a40",
            text_alpha=0.4,
        )
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
        self.source = ColumnDataSource(
            {"xs": [], "ys": [], "booth_id": [], "exhibitor": [], "fill": [], "cx": [], "cy": []},
            name="planner-booths",
        )
        self.booths = fig.patches(
            "xs",
            "ys",
            source=self.source,
            fill_color="fill",
            fill_alpha=0.85,
            line_color="#212529",
            line_width=1,
            selection_fill_alpha=0.95,
            selection_line_color="#1d4ed8",
            selection_line_width=4,  # type: ignore[call-arg]  # Patches has it; the stub lags
            nonselection_fill_alpha=0.85,
            nonselection_line_alpha=1.0,
            name="booths",
        )
        fig.text(
            "cx",
            "cy",
            text="booth_id",
            source=self.source,
            text_align="center",
            text_baseline="middle",
            text_font_size="12px",
            name="booth-labels",
        )
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
            line_color="#d00000",
            line_width=4,
            line_dash=[6, 3],
            name="problems",
        )
        self.draw_tool = PolyDrawTool(
            renderers=[cast(Any, self.booths)], drag=True, empty_value="", description="Move booths"
        )
        self.vertex_source = ColumnDataSource({"x": [], "y": []}, name="planner-vertices")
        vertices = fig.scatter(
            "x",
            "y",
            source=self.vertex_source,
            size=16,
            fill_color="#ffffff",
            line_color="#1d4ed8",
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
        self._fit_source = ColumnDataSource({"x": [], "y": [], "pad": []})
        # Only a renderer puts the source into the document; without one its changes never
        # reach the browser. Its points lie inside the booths it zooms to.
        fig.scatter("x", "y", source=self._fit_source, size=0, visible=False, name="fit")
        self._fit_source.js_on_change(
            "data", fit_view_js(self._fit_source, fig, self.x_range, self.y_range, min_span_m=10.0)
        )
        self.map_pane = pn.pane.Bokeh(fig, sizing_mode="stretch_both")

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
            "fill": [ZONE_COLOURS.get(str(z), "#ced4da") for z in b[Col.ZONE]],
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
            angle_free = shapely.oriented_envelope(row["geometry"])
            x = shapely.get_coordinates(angle_free)
            w = float(np.hypot(*(x[1] - x[0])))
            d = float(np.hypot(*(x[2] - x[1])))
            self.width.value, self.depth.value = round(w, 2), round(d, 2)
            self.exhibitor.value = str(row.get(Col.EXHIBITOR) or "")
            self.zone.value = str(row.get(Col.ZONE) or Zone.SERVICES.value)
        names = ", ".join(s.selected[:6]) + (" …" if len(s.selected) > 6 else "")
        self.selection.object = (
            f"<b>Selected:</b> {html.escape(names)}" if s.selected else "<i>Nothing selected</i>"
        )

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
        parts = []
        if s.notice:
            parts.append(f"<p class='ok'>{html.escape(s.notice)}</p>")
        if s.error:
            parts.append(f"<p class='err'>{html.escape(s.error)}</p>")
        self.message.object = "".join(parts)
        self.stale_row.visible = s.stale

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
        if len(s.versions) > 1 and self.version_a.value == self.version_b.value:
            self.version_a.value = s.versions[-2].version
        rows = "".join(
            f"<tr><td>v{v.version}</td><td>{html.escape(v.author)}</td>"
            f"<td>{html.escape(v.saved_at[:16].replace('T', ' '))}</td>"
            f"<td>{html.escape(v.message)}</td>"
            f"<td>{'●' if v.version == s.published else ''}</td></tr>"
            for v in reversed(s.versions)
        )
        self.history.object = (
            "<table class='history'><tr><th>ver.</th><th>by</th><th>saved (UTC)</th>"
            f"<th>message</th><th>live</th></tr>{rows}</table>"
        )
        unsaved = f", {s.unsaved} unsaved edit(s)" if s.unsaved else ""
        live = f"; kiosks show v{s.published}" if s.published is not None else ""
        self.version_info.object = (
            f"<span class='version-info' data-base='{s.base}' data-published='{s.published}'>"
            f"Editing version {s.base}{unsaved}{live}</span>"
        )

    def _on_hits(self, *_: object) -> None:
        self.hits.objects = [
            self._button(label, lambda b=bid: self.state.select([b], zoom=True), css="hit")
            for bid, label in self.state.hits[:12]
        ]

    def _render_problems(self) -> None:
        s = self.state
        self.tabs[1] = (f"Problems ({len(s.problems)})", self.problem_list)
        items: list[Any] = []
        if not s.problems:
            items.append(pn.pane.HTML("<p class='ok'>No problems: the floor is safe.</p>"))
        for i, p in enumerate(s.problems[:80]):
            items.append(
                self._button(
                    f"{p.rule}: {p.message}",
                    lambda i=i: s.choose_problem(i),
                    css="problem",
                )
            )
        self.problem_list.objects = items

    def _render_stats(self) -> None:
        st = self.state.stats
        if st is None:
            return
        chips = "".join(
            f"<span class='chip'><span class='sw' style='background:{ZONE_COLOURS.get(z, '#ccc')}'>"
            f"</span>{html.escape(i18n.zone_name(z, i18n.Lang.EN))}: {int(v['booths'])} booths, "
            f"{int(v['sold'])} sold, {v['sold_m2']:.0f} / {v['unsold_m2']:.0f} m²</span>"
            for z, v in st.zones.items()
        )
        self.stats.object = (
            f"<div class='stats' data-booths='{st.booths}'><b>{st.booths} booths</b> · "
            f"sold {st.sold} ({st.sold_m2:.0f} m²) · unsold {st.unsold} ({st.unsold_m2:.0f} m²) · "
            f"net {st.net_m2:.0f} m² of gross {st.gross_m2:.0f} m² "
            f"({st.net_share:.0%})<br>{chips}</div>"
        )

    # ------------------------------------------------------------------ the side

    def _button(self, label: str, action: Any, *, css: str = "", **kw: Any) -> pn.widgets.Button:
        b = pn.widgets.Button(
            name=label,
            stylesheets=[_BUTTON_CSS],
            sizing_mode="stretch_width",
            css_classes=[css] if css else [],
            **kw,
        )
        b.on_click(lambda _e: action())
        return b

    def _build_side(self) -> None:
        s = self.state
        btn = self._button
        self.version_info = pn.pane.HTML("")
        self.message = pn.pane.HTML("", stylesheets=[_MSG_CSS], sizing_mode="stretch_width")
        self.search = pn.widgets.TextInput(
            placeholder="Search booth id or exhibitor", stylesheets=[_INPUT_CSS]
        )
        self.search.param.watch(lambda e: s.search(e.new or ""), "value_input")
        self.hits = pn.Column(sizing_mode="stretch_width")
        self.selection = pn.pane.HTML("<i>Nothing selected</i>")
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
        edit = pn.Column(
            self.search,
            self.hits,
            self.selection,
            pn.Row(
                btn(f"⟲ {ROTATE_STEP_DEG:g}°", lambda: s.rotate(ROTATE_STEP_DEG), css="rot-l"),
                btn(f"⟳ {ROTATE_STEP_DEG:g}°", lambda: s.rotate(-ROTATE_STEP_DEG), css="rot-r"),
                sizing_mode="stretch_width",
            ),
            pn.Row(
                self.angle,
                btn("Rotate by angle", lambda: s.rotate(float(self.angle.value or 0))),
                sizing_mode="stretch_width",
            ),
            pn.Row(self.width, self.depth, sizing_mode="stretch_width"),
            pn.Row(
                btn(
                    "Resize",
                    lambda: s.resize(float(self.width.value or 0), float(self.depth.value or 0)),
                    css="resize",
                ),
                btn("Add booth here", self._add_here, css="add"),
                sizing_mode="stretch_width",
            ),
            pn.Row(self.exhibitor, self.zone, sizing_mode="stretch_width"),
            btn(
                "Assign exhibitor and zone",
                lambda: s.assign(self.exhibitor.value or "", self.zone.value),
                css="assign",
            ),
            pn.Row(
                btn("Duplicate", s.duplicate, css="duplicate"),
                btn("Delete", s.remove, css="delete", button_type="danger"),
                sizing_mode="stretch_width",
            ),
            pn.Row(self.undo_btn, self.redo_btn, sizing_mode="stretch_width"),
            pn.pane.HTML(
                "<small>Tap a booth to select it (shift-tap adds); drag to move the "
                "selection (snaps to 0.5 m and to neighbours' edges); double-tap to draw a "
                "new booth, double-tap again to finish. Toolbar: <i>Edit vertices</i> "
                "(double-tap a booth, drag a corner), <i>Draw a booth rectangle</i> (drag "
                "a box; it snaps to 0.5 m), pan.</small>"
            ),
            sizing_mode="stretch_width",
        )
        self.problem_list = pn.Column(sizing_mode="stretch_width")
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
        self.version_a = pn.widgets.Select(name="Compare", options={}, **num)
        self.version_b = pn.widgets.Select(name="with", options={}, **num)
        self.clear_diff_btn = btn("Hide diff", s.clear_diff, css="hide-diff", visible=False)
        self.history = pn.pane.HTML(
            "",
            sizing_mode="stretch_width",
            stylesheets=[
                "table { font-size: 14px; border-collapse: collapse; width: 100%; }"
                "td, th { border-bottom: 1px solid #dee2e6; padding: 2px 4px; text-align: left; }"
            ],
        )
        legend = "".join(
            f"<span style='color:{DIFF_COLOURS[k]};font-weight:bold'>■ {k}</span> "
            for k in ("added", "removed", "moved", "changed")
        )
        versions = pn.Column(
            self.save_msg,
            self.save_btn,
            self.stale_row,
            pn.Row(
                self.version_open,
                btn("Open", self._open_version, css="open"),
                sizing_mode="stretch_width",
            ),
            self.publish_btn,
            pn.Row(self.version_a, self.version_b, sizing_mode="stretch_width"),
            pn.Row(
                btn("Show diff", self._compare, css="compare"),
                self.clear_diff_btn,
                sizing_mode="stretch_width",
            ),
            pn.pane.HTML(f"<small>{legend}</small>"),
            self.history,
            sizing_mode="stretch_width",
        )
        self.tabs = pn.Tabs(
            ("Edit", edit),
            ("Problems", self.problem_list),
            ("Versions", versions),
            sizing_mode="stretch_width",
            stylesheets=[".bk-tab { min-height: 48px; font-size: 16px; padding: 12px; }"],
        )
        user = html.escape(pn.state.user or "") if pn.state.curdoc is not None else ""
        self.side = pn.Column(
            pn.pane.HTML(
                f"<b>Floor planner</b> · {user} · <a href='/logout'>"
                f"{html.escape(i18n.text('logout', i18n.Lang.EN))}</a>"
            ),
            self.version_info,
            self.message,
            self.tabs,
            stylesheets=[_SIDE_CSS],
            css_classes=["planner-side"],
            width=480,
            sizing_mode="stretch_height",
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

    def _published(self, _version: int) -> None:
        # Kiosks of this server follow at once; other servers poll the store.
        self.ctx.poll_published(now=True)

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


def planner_page(ctx: VenueContext) -> pn.viewable.Viewable:
    """Build the planner page for the current session (logged in as planner or admin)."""
    if ctx.store is None:
        return pn.pane.Str("The planner needs a layout store (floorplan serve --store).")
    page = PlannerPage(ctx, author=str(pn.state.user or ""))
    if pn.state.curdoc is not None:
        pn.state.curdoc.title = "Floor planner"
    return page.view()
