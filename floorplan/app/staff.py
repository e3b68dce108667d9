"""Serve the staff page: hall capacity, travel distances, evacuation and crowding.

:class:`~floorplan.app.staff_state.StaffState` holds the state and the logic; this module
only draws it: widgets bound to its parameters, HTML from ``templates/staff.html``,
Bokeh plots of the travel distances, the crowding and a simulation. The capacity
figures and a JuPedSim run come from worker threads; in a server session the state
awaits them on the session's event loop (``pn.state.execute``), so the page shows at
once and fills in when they are done. A finished run is shown as a density plot and as
an animation of the agents (a player over one frame a simulated second).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, LinearColorMapper
from bokeh.models.annotations import ColorBar
from bokeh.palettes import Viridis256
from bokeh.plotting import figure
from panel.io.document import unlocked

from floorplan import capacity as C
from floorplan.app import theme
from floorplan.app.context import VenueContext
from floorplan.app.resources import css, macro, render
from floorplan.app.staff_state import Scheduler, StaffState, capacities_future
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = ["StaffPage", "capacities_future", "report_csv", "report_html", "staff_page"]

#: The per-hall columns of the CSV report.
CSV_COLUMNS = C.report.CSV_COLUMNS

_STAFF_CSS = css("staff")


def _in_server_session() -> bool:
    doc = pn.state.curdoc
    return doc is not None and doc.session_context is not None


def capacity_table_html(report: C.CapacityReport) -> str:
    """Return the per-hall table with the binding limit's cell highlighted."""
    return macro("staff.html", "capacity_table", report)


def report_csv(report: C.CapacityReport) -> str:
    """Return the per-hall figures as CSV text (``floorplan capacity``'s report)."""
    return report.csv()


def _svg_map(venue: Venue, caps: Sequence[C.HallCapacity], size: int = 900) -> dict[str, Any]:
    """Return the report map's drawing: halls shaded by binding limit, farthest points."""
    x0, y0, x1, y1 = venue.halls.total_bounds
    s = size / max(x1 - x0, y1 - y0, 1.0)

    def tx(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * s, (y1 - y) * s

    by_id = {c.hall_id: c for c in caps}
    halls = []
    for hid, g in zip(venue.halls[Col.HALL_ID].astype(str), venue.halls.geometry, strict=True):
        c = by_id.get(hid)
        points = " ".join("{:.1f},{:.1f}".format(*tx(x, y)) for x, y in g.exterior.coords)
        far = c.travel.straight_xy if c else None
        halls.append(
            {
                "points": points,
                "fill": theme.BINDING
                if c and c.load.binding != C.Binding.OCCUPANT_LOAD
                else theme.UNBOUND_HALL,
                "label": f"{hid}: {c.load.capacity:,}" if c else hid,
                "label_xy": tx(*g.representative_point().coords[0]),
                "farthest": tx(*far) if far else None,
            }
        )
    return {
        "width": size,
        "height": (y1 - y0) * s,
        "halls": halls,
        "stroke": theme.OUTLINE,
        "dot": theme.ERROR,
    }


def report_html(venue: Venue, report: C.CapacityReport) -> str:
    """Return a printable HTML report: the table, the problems, the map, the profile's clauses."""
    profile = report.profile
    clauses = [
        ("occupant load", profile.occupant_load),
        ("exit width", profile.exit_width),
        ("travel limit", profile.travel_limit),
    ]
    return render(
        "report.html",
        venue_name=venue.name,
        profile=profile,
        clauses=clauses,
        report=report,
        map=_svg_map(venue, report.halls),
    )


class StaffPage:
    """One session's staff page: widgets and plots bound to a :class:`StaffState`.

    Parameters
    ----------
    ctx
        The server's shared venue context.
    schedule
        Runs the state's coroutines on the session's event loop (default: Panel's
        ``pn.state.execute`` in a server session; ``None`` elsewhere, as in a notebook
        or a test: the figures are then waited for at once).
    """

    def __init__(self, ctx: VenueContext, *, schedule: Scheduler | bool | None = True) -> None:
        self.ctx = ctx
        self.venue = ctx.venue
        locked = None
        if schedule is True:
            server = _in_server_session()
            schedule = pn.state.execute if server else None
            locked = partial(pn.state.execute, schedule=True) if server else None
        self.state = state = StaffState(self.venue, schedule=schedule or None, locked=locked)
        self._frames: list[tuple[float, np.ndarray]] = []
        self._build_capacity()
        self._build_simulation()
        self._build_crowding()
        state.param.watch(self._on_caps, ["status", "caps", "problems", "error", "elapsed_s"])
        state.param.watch(self._on_crowding, ["crowd_halls", "crowd_zones", "crowd_error"])
        state.param.watch(self._on_counts, "counts")
        state.param.watch(self._on_forecast, ["forecast", "forecast_error"])
        state.param.watch(self._on_sim, ["sim_running", "sim_t", "sim_left", "sim_error"])
        state.param.watch(self._on_sim_result, "sim_result")
        self._on_caps()
        self._on_crowding()
        self._on_forecast()

    # ------------------------------------------------------------------ widgets

    def _build_capacity(self) -> None:
        """Build the profile choice, the downloads, the table and the heat map."""
        st = self.state
        self.profile_select = pn.widgets.Select.from_param(st.param.profile, name="Code profile")
        self.sprinklered = pn.widgets.Checkbox.from_param(st.param.sprinklered, name="Sprinklered")
        self.table = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[_STAFF_CSS])
        self.totals = pn.pane.HTML("")
        self.problems = pn.pane.HTML("", stylesheets=[_STAFF_CSS])
        self.hydraulic = pn.pane.HTML("", stylesheets=[_STAFF_CSS])
        self.heat_source = ColumnDataSource({"x": [], "y": [], "d": []})
        self.past_source = ColumnDataSource({"x": [], "y": []})
        self.heat_fig = self._heat_figure()
        self.csv_download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(report_csv(st.report)),
            filename="capacity.csv",
            label="Download CSV",
        )
        self.html_download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(report_html(self.venue, st.report)),
            filename="capacity-report.html",
            label="Printable report",
        )

    def _build_simulation(self) -> None:
        """Build the simulation's inputs, progress, plots and the animation player."""
        st = self.state
        self.sim_hall = pn.widgets.Select.from_param(
            st.param.sim_hall, options=st.hall_ids, name="Hall"
        )
        self.sim_count = pn.widgets.TextInput.from_param(st.param.sim_count, name="Occupants")
        self.sim_button = pn.widgets.Button(name="Run simulation", button_type="primary")
        self.sim_button.on_click(lambda _e: self._start_simulation())
        self.sim_progress = pn.indicators.Progress(value=0, max=100, visible=False, width=300)
        self.sim_status = pn.pane.HTML("", stylesheets=[_STAFF_CSS])
        self.sim_plot = pn.pane.Bokeh(None)
        # The animation: recorded agent positions (one frame a simulated second).
        self.anim_source = ColumnDataSource({"x": [], "y": []})
        self.anim_fig = self._anim_figure()
        self.anim_pane = pn.pane.Bokeh(self.anim_fig, sizing_mode="stretch_width", visible=False)
        self.anim_player = self._player(1, visible=False)
        self.anim_label = pn.pane.HTML("")
        self.anim_row = pn.Row(self.anim_player, self.anim_label)

    def _build_crowding(self) -> None:
        """Build the counts, the crowding table and map, and the peak forecast inputs."""
        st = self.state
        self.count_inputs = {
            h: pn.widgets.TextInput(name=h, value=str(st.counts.get(h, "0")), width=110)
            for h in st.hall_ids
        }
        self.csv_input = pn.widgets.FileInput(accept=".csv")
        self.csv_input.param.watch(lambda e: e.new and st.load_counts_csv(bytes(e.new)), "value")
        self.crowd_button = pn.widgets.Button(name="Update crowding")
        self.crowd_button.on_click(lambda _e: self._update_crowding())
        self.crowd_out = pn.pane.HTML("", stylesheets=[_STAFF_CSS])
        self.hall_source = ColumnDataSource(
            {k: [] for k in ("xs", "ys", "colour", "label", "cx", "cy")}
        )
        self.crowd_fig = self._crowd_figure()
        self.f_daily = pn.widgets.TextInput.from_param(st.param.daily, name="Daily visitors")
        self.f_dwell = pn.widgets.TextInput.from_param(st.param.dwell, name="Dwell h")
        self.f_open = pn.widgets.TextInput.from_param(st.param.open_h, name="Opening h")
        self.f_peak = pn.widgets.TextInput.from_param(st.param.peak_factor, name="Peak factor")
        self.forecast_out = pn.pane.HTML("", stylesheets=[_STAFF_CSS])

    def _start_simulation(self) -> None:
        self.state.start_simulation()

    @property
    def caps(self) -> tuple[C.HallCapacity, ...]:
        """Return the figures shown (empty while computing)."""
        return tuple(self.state.caps)

    # ------------------------------------------------------------------ capacity

    def _on_caps(self, *_: object) -> None:
        st = self.state
        ready = st.status == "ready"
        for w in (self.csv_download, self.html_download, self.sim_button, self.crowd_button):
            w.disabled = not ready
        if st.status == "computing":
            self.table.object = macro(
                "staff.html",
                "computing",
                len(self.venue.halls),
                st.profile,
                st.sprinklered,
                st.elapsed_s,
            )
        elif st.status == "failed":
            self.table.object = macro("staff.html", "failed", st.error)
        else:
            self.table.object = capacity_table_html(st.report)
        whole = C.totals(st.caps, by="venue")
        self.totals.object = (
            macro("staff.html", "totals", C.totals(st.caps), whole[0] if whole else None)
            if ready
            else ""
        )
        self.problems.object = macro("staff.html", "problems", st.problems) if ready else ""
        self.hydraulic.object = macro("staff.html", "hydraulic", st.caps) if ready else ""
        self._draw_heat(st.caps)

    def _draw_heat(self, caps: Sequence[C.HallCapacity]) -> None:
        xs, ys, ds, px, py = [], [], [], [], []
        for c in caps:
            tf = c.travel_field
            if tf is None or len(tf.xy) == 0:
                continue
            xs.append(tf.xy[:, 0])
            ys.append(tf.xy[:, 1])
            ds.append(tf.straight_m)
            if c.travel.past_limit_points:
                arr = np.asarray(c.travel.past_limit_points)
                px.append(arr[:, 0])
                py.append(arr[:, 1])

        def cat(a: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(a) if a else np.zeros(0)

        # Raw Bokeh changes, also from the coroutine that awaited the figures: sent with
        # the document unlocked, as Panel does for its own widgets.
        with unlocked():
            self.heat_source.data = {"x": cat(xs), "y": cat(ys), "d": cat(ds)}
            self.past_source.data = {"x": cat(px), "y": cat(py)}

    def _base_figure(self, title: str) -> Any:
        fig = figure(
            title=title,
            match_aspect=True,
            sizing_mode="stretch_width",
            height=420,
            tools="pan,wheel_zoom,reset,hover",
            toolbar_location="above",
        )
        fig.axis.visible = False
        fig.grid.visible = False
        hx = [np.asarray(g.exterior.coords)[:, 0].tolist() for g in self.venue.halls.geometry]
        hy = [np.asarray(g.exterior.coords)[:, 1].tolist() for g in self.venue.halls.geometry]
        fig.patches(hx, hy, fill_color=None, line_color=theme.OUTLINE, line_width=2)
        if len(self.venue.booths):
            bx = [np.asarray(g.exterior.coords)[:, 0].tolist() for g in self.venue.booths.geometry]
            by = [np.asarray(g.exterior.coords)[:, 1].tolist() for g in self.venue.booths.geometry]
            fig.patches(
                bx,
                by,
                fill_color=theme.STAFF_BOOTH_FILL,
                fill_alpha=0.5,
                line_color=theme.STAFF_BOOTH_LINE,
            )
        return fig

    def _heat_figure(self) -> Any:
        fig = self._base_figure(
            "Straight-line distance to the nearest exit (m); red: past the limit"
        )
        mapper = LinearColorMapper(palette=Viridis256, low=0, high=60)
        fig.rect(
            "x",
            "y",
            width=C.HEAT_SPACING_M,
            height=C.HEAT_SPACING_M,
            source=self.heat_source,
            fill_color={"field": "d", "transform": mapper},
            line_color=None,
            alpha=0.8,
        )
        fig.scatter("x", "y", source=self.past_source, size=3, color=theme.ROUTE)
        fig.add_layout(ColorBar(color_mapper=mapper), "right")
        return fig

    # ------------------------------------------------------------------ crowding

    def _update_crowding(self) -> None:
        self.state.set_counts({h: str(w.value or "") for h, w in self.count_inputs.items()})

    def _on_counts(self, *_: object) -> None:
        for h, w in self.count_inputs.items():
            w.value = str(self.state.counts.get(h, w.value))

    def _on_crowding(self, *_: object) -> None:
        st = self.state
        if st.crowd_error:
            self.crowd_out.object = macro("staff.html", "error", st.crowd_error)
            return
        if not st.crowd_halls:
            self.crowd_out.object = ""
            return
        self.crowd_out.object = macro("staff.html", "crowding", [*st.crowd_halls, *st.crowd_zones])
        by_id = {r.name: r for r in st.crowd_halls}
        data: dict[str, list[Any]] = {k: [] for k in ("xs", "ys", "colour", "label", "cx", "cy")}
        halls = self.venue.halls
        for hid, g in zip(halls[Col.HALL_ID].astype(str), halls.geometry, strict=True):
            r = by_id[hid]
            c = np.asarray(g.exterior.coords)
            p = g.representative_point()
            for key, v in zip(
                data,
                (c[:, 0], c[:, 1], theme.LOS_COLOURS[r.los], f"{hid} {r.los}", p.x, p.y),
                strict=True,
            ):
                data[key].append(v)
        with unlocked():
            self.hall_source.data = dict(data)

    def _crowd_figure(self) -> Any:
        fig = figure(
            title="Crowding: Fruin level of service per hall",
            match_aspect=True,
            sizing_mode="stretch_width",
            height=360,
            tools="pan,wheel_zoom,reset",
            toolbar_location="above",
        )
        fig.axis.visible = False
        fig.grid.visible = False
        fig.patches(
            "xs",
            "ys",
            source=self.hall_source,
            fill_color="colour",
            line_color=theme.OUTLINE,
            fill_alpha=0.8,
        )
        fig.text(
            "cx",
            "cy",
            text="label",
            source=self.hall_source,
            text_align="center",
            text_baseline="middle",
        )
        return fig

    def _on_forecast(self, *_: object) -> None:
        st = self.state
        if st.forecast_error:
            self.forecast_out.object = macro("staff.html", "error", st.forecast_error)
        elif st.forecast is not None:
            self.forecast_out.object = macro("staff.html", "forecast", st.forecast)
        else:
            self.forecast_out.object = ""

    # ------------------------------------------------------------------ simulation

    def _on_sim(self, *_: object) -> None:
        st = self.state
        if st.sim_error:
            self.sim_status.object = macro("staff.html", "error", st.sim_error)
            return
        if not st.sim_running:
            return
        n = max(st.sim_n, 1)
        self.sim_progress.visible = True
        self.sim_progress.value = int(100 * (n - st.sim_left) / n)
        self.sim_status.object = (
            macro("staff.html", "sim_progress", st.sim_t, st.sim_left)
            if st.sim_t > 0
            else macro("staff.html", "sim_running", st.sim_n, st.sim_hall)
        )

    def _on_sim_result(self, *_: object) -> None:
        res, hyd = self.state.sim_result, self.state.sim_hydraulic
        if res is None:
            return
        hyd_s = hyd.evacuation_s if hyd is not None else None
        self.sim_status.object = macro("staff.html", "sim_result", res, hyd_s)
        self.sim_progress.value = 100
        self._show_result(res)

    def _show_result(self, res: C.SimResult) -> None:
        """Show a finished run: the density plot and the animation of its frames."""
        with unlocked():
            self._draw_result(res)

    def _draw_result(self, res: C.SimResult) -> None:
        self.sim_plot.object = self._density_plot(res)
        self._frames = list(res.frames)
        if not self._frames:
            self.anim_player.visible = self.anim_pane.visible = False
            self.anim_label.object = ""
            return
        hall = self.venue.halls[self.venue.halls[Col.HALL_ID].astype(str) == res.hall_id]
        x0, y0, x1, y1 = hall.total_bounds
        pad = 0.05 * max(x1 - x0, y1 - y0)
        self.anim_fig.x_range.start, self.anim_fig.x_range.end = x0 - pad, x1 + pad
        self.anim_fig.y_range.start, self.anim_fig.y_range.end = y0 - pad, y1 + pad
        self.anim_fig.title.text = f"Evacuation of {res.hall_id}: agents once a simulated second"
        # A new player per run: Panel's player view never redraws its slider for a new
        # ``end`` (panel/models/player.ts sets the slider's max only when rendered).
        self.anim_player = self._player(max(len(self._frames) - 1, 1), visible=True)
        self.anim_row[0] = self.anim_player
        self.anim_pane.visible = True
        self._show_frame(0)

    def _player(self, end: int, *, visible: bool) -> pn.widgets.Player:
        player = pn.widgets.Player(
            name="Time",
            start=0,
            end=end,
            value=0,
            interval=200,
            loop_policy="once",
            show_loop_controls=False,
            visible=visible,
            width=420,
        )
        player.param.watch(lambda e: self._show_frame(int(e.new)), "value")
        return player

    def _show_frame(self, i: int) -> None:
        if not self._frames:
            return
        t, xy = self._frames[min(max(i, 0), len(self._frames) - 1)]
        with unlocked():
            self.anim_source.data = {"x": xy[:, 0], "y": xy[:, 1]}
        self.anim_label.object = macro("staff.html", "anim_frame", i, t, len(xy))

    def _anim_figure(self) -> Any:
        fig = self._base_figure("Evacuation: agents once a simulated second")
        fig.scatter("x", "y", source=self.anim_source, size=4, color=theme.AGENT, name="agents")
        return fig

    def _density_plot(self, res: C.SimResult) -> Any:
        fig = self._base_figure(f"Where people were during the evacuation of {res.hall_id}")
        if res.frames:
            pts = np.concatenate([f[1] for f in res.frames if len(f[1])])
            if len(pts):
                fig.hexbin(pts[:, 0], pts[:, 1], size=1.5, palette="Viridis256")
        return fig

    # ------------------------------------------------------------------ layout

    def view(self) -> pn.viewable.Viewable:
        """Return the page layout."""
        user = str(pn.state.user or "") if pn.state.curdoc is not None else ""
        return pn.Column(
            pn.pane.HTML(macro("staff.html", "header", user)),
            pn.Row(self.profile_select, self.sprinklered, self.csv_download, self.html_download),
            self.table,
            self.totals,
            self.problems,
            pn.pane.Bokeh(self.heat_fig, sizing_mode="stretch_width"),
            pn.pane.HTML(macro("staff.html", "heading", "Evacuation")),
            self.hydraulic,
            pn.Row(self.sim_hall, self.sim_count, self.sim_button),
            self.sim_progress,
            self.sim_status,
            self.sim_plot,
            self.anim_row,
            self.anim_pane,
            pn.pane.HTML(macro("staff.html", "counts_hint")),
            pn.FlexBox(*self.count_inputs.values()),
            pn.Row(self.crowd_button, self.csv_input),
            self.crowd_out,
            pn.pane.Bokeh(self.crowd_fig, sizing_mode="stretch_width"),
            pn.pane.HTML(macro("staff.html", "heading", "Peak forecast")),
            pn.Row(self.f_daily, self.f_dwell, self.f_open, self.f_peak),
            self.forecast_out,
            sizing_mode="stretch_width",
            stylesheets=[theme.variables_css()],
        )


def staff_page(ctx: VenueContext) -> pn.viewable.Viewable:
    """Build the staff page for the current session (logged in as staff or admin)."""
    return StaffPage(ctx).view()
