"""Serve the staff page: hall capacity, travel distances, evacuation and crowding.

Everything is computed by :mod:`floorplan.capacity` (once per server, venue, profile and
sprinkler setting, shared by every session). Both the capacity figures (7-20 s for the
bundled venue on two shared cores) and the JuPedSim run go to worker threads so that the
page shows at once and stays live; a periodic callback on the session's own thread polls
them and fills the page in when they are done. A finished run is shown as a density plot
and as an animation of the agents (a player over one frame a simulated second).
"""

from __future__ import annotations

import html
import io
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, LinearColorMapper
from bokeh.models.annotations import ColorBar
from bokeh.palettes import Viridis256
from bokeh.plotting import figure

from floorplan import capacity as C
from floorplan.app.context import VenueContext
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = ["capacities_future", "staff_page"]

#: One simulation at a time per server: the machine's cores are shared.
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="floorplan-sim")
_LOS_COLOURS = {
    "A": "#1a9850",
    "B": "#91cf60",
    "C": "#d9ef8b",
    "D": "#fee08b",
    "E": "#fc8d59",
    "F": "#d73027",
}
#: Capacity figures are computed here, one venue/profile at a time, apart from the sims.
_CAP_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="floorplan-capacity")
_CAP_LOCK = threading.Lock()
_CapKey = tuple[Venue, str, bool]
_CAP_FUTURES: OrderedDict[_CapKey, Future[tuple[C.HallCapacity, ...]]] = OrderedDict()
#: Computations kept (done or running): a few profiles × sprinkler settings × venues.
_CAP_KEEP: Final = 8
#: How often a session looks whether its capacity figures or its simulation are done.
_POLL_MS: Final = 250


def _compute(venue: Venue, profile: str, sprinklered: bool) -> tuple[C.HallCapacity, ...]:
    return tuple(C.hall_capacity(venue, profile=profile, sprinklered=sprinklered, with_field=True))


def capacities_future(
    venue: Venue, profile: str = C.DEFAULT_PROFILE, *, sprinklered: bool = False
) -> Future[tuple[C.HallCapacity, ...]]:
    """Return the shared computation of ``venue``'s figures, started in a worker if new.

    Every session asking for the same venue, profile and sprinkler setting gets the same
    future, so the figures are computed once per server (a failure is kept too: it
    would fail again).
    """
    key = (venue, profile, sprinklered)
    with _CAP_LOCK:
        fut = _CAP_FUTURES.get(key)
        if fut is None:
            fut = _CAP_POOL.submit(_compute, venue, profile, sprinklered)
            _CAP_FUTURES[key] = fut
            while len(_CAP_FUTURES) > _CAP_KEEP:
                _CAP_FUTURES.popitem(last=False)
        else:
            _CAP_FUTURES.move_to_end(key)
        return fut


def _in_server_session() -> bool:
    doc = pn.state.curdoc
    return doc is not None and doc.session_context is not None


def _esc(x: object) -> str:
    return html.escape(str(x))


def _num(x: float | None, fmt: str = "{:.1f}") -> str:
    return "–" if x is None or not math.isfinite(x) else fmt.format(x)


def _share(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def capacity_table_html(caps: Sequence[C.HallCapacity]) -> str:
    """Return the per-hall table with the binding limit's cell highlighted."""
    rows = []
    for c in caps:
        load_cls = " class='binding'" if c.load.binding == "occupant_load" else ""
        egress_cls = " class='binding'" if c.load.binding in {"egress_width", "no_exit"} else ""
        over = (
            c.travel.straight_m is not None
            and c.travel.measure == "straight"
            and (c.travel.straight_m > c.travel.limit_m)
        )
        walk_over = (
            c.travel.walk_m is not None
            and c.travel.measure == "walk"
            and (c.travel.walk_m > c.travel.limit_m)
        )
        rows.append(
            f"<tr data-hall='{_esc(c.hall_id)}'><td>{_esc(c.hall_id)}</td><td>{_esc(c.name)}</td>"
            f"<td>{c.areas.gross_m2:,.0f}</td><td>{c.areas.booth_m2:,.0f}</td>"
            f"<td>{c.areas.circulation_m2:,.0f}</td><td>{c.exit_count}</td>"
            f"<td>{c.exit_width_m:.1f}</td><td{load_cls}>{c.load.occupant_load:,}</td>"
            f"<td{egress_cls}>{c.load.egress_capacity:,}</td><td><b>{c.load.capacity:,}</b></td>"
            f"<td>{_esc(c.load.binding)}</td>"
            f"<td{' class=over' if over else ''}>{_num(c.travel.straight_m)}</td>"
            f"<td{' class=over' if walk_over else ''}>{_num(c.travel.walk_m)}</td>"
            f"<td>{_num(c.evacuation_s, '{:.0f}')}</td></tr>"
        )
    head = (
        "<tr><th>hall</th><th>name</th><th>gross m²</th><th>booths m²</th><th>circulation m²</th>"
        "<th>exits</th><th>exit width m</th><th>occupant load</th><th>egress capacity</th>"
        "<th>capacity</th><th>binds</th><th>farthest straight m</th><th>farthest walk m</th>"
        "<th>evacuation s</th></tr>"
    )
    style = (
        "<style>table.cap{border-collapse:collapse}table.cap td,table.cap th{border:1px solid "
        "#ccc;padding:3px 6px;text-align:right}td.binding{background:#ffe08a;font-weight:bold}"
        "td.over{color:#b00020;font-weight:bold}</style>"
    )
    return f"{style}<table class='cap' id='capacity-table'>{head}{''.join(rows)}</table>"


def report_csv(caps: Sequence[C.HallCapacity]) -> str:
    """Return the per-hall figures as CSV text."""
    import csv  # noqa: PLC0415

    cols = [
        "hall_id",
        "name",
        "zone",
        "profile",
        "gross_area_m2",
        "booth_area_m2",
        "circulation_area_m2",
        "exit_count",
        "exit_width_m",
        "occupant_load",
        "egress_capacity",
        "capacity",
        "binding",
        "travel_limit_m",
        "travel_measure",
        "max_travel_straight_m",
        "max_travel_walk_m",
        "past_limit_m2",
        "evacuation_s",
    ]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
    w.writeheader()
    for c in caps:
        w.writerow(c.to_dict())
    return buf.getvalue()


def _svg_map(venue: Venue, caps: Sequence[C.HallCapacity], size: int = 900) -> str:
    """Return an SVG of the halls (shaded by binding limit) and their farthest points."""
    x0, y0, x1, y1 = venue.halls.total_bounds
    s = size / max(x1 - x0, y1 - y0, 1.0)

    def tx(x: float, y: float) -> str:
        return f"{(x - x0) * s:.1f},{(y1 - y) * s:.1f}"

    parts = []
    by_id = {c.hall_id: c for c in caps}
    for hid, g in zip(venue.halls[Col.HALL_ID].astype(str), venue.halls.geometry, strict=True):
        c = by_id.get(hid)
        fill = "#ffe08a" if c and c.load.binding != "occupant_load" else "#e8f0fe"
        pts = " ".join(tx(x, y) for x, y in np.asarray(g.exterior.coords))
        parts.append(f"<polygon points='{pts}' fill='{fill}' stroke='#333'/>")
        cx, cy = g.representative_point().coords[0]
        label = f"{hid}: {c.load.capacity:,}" if c else hid
        parts.append(
            f"<text x='{(cx - x0) * s:.1f}' y='{(y1 - cy) * s:.1f}' font-size='14' "
            f"text-anchor='middle'>{_esc(label)}</text>"
        )
        if c and c.travel.straight_xy:
            fx, fy = c.travel.straight_xy
            parts.append(
                f"<circle cx='{(fx - x0) * s:.1f}' cy='{(y1 - fy) * s:.1f}' r='4' fill='#b00020'/>"
            )
    h = (y1 - y0) * s
    head = f"<svg xmlns='http://www.w3.org/2000/svg' width='{size}' height='{h:.0f}'>"
    return f"{head}{''.join(parts)}</svg>"


def report_html(venue: Venue, caps: Sequence[C.HallCapacity], profile: C.Profile) -> str:
    """Return a printable HTML report: the table, the map and the profile's clauses."""
    clauses = "".join(
        f"<li>{_esc(k)}: {v.value:g} {_esc(v.unit)} — {_esc(v.clause)}"
        f"{'' if v.verified else ' <i>(not checked against the code text)</i>'}</li>"
        for k, v in (
            ("occupant load", profile.occupant_load),
            ("exit width", profile.exit_width),
            ("travel limit", profile.travel_limit),
        )
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Capacity report</title>"
        "<style>body{font-family:sans-serif}@media print{button{display:none}}</style></head>"
        f"<body><h1>Capacity report: {_esc(venue.name)}</h1>"
        f"<p>Profile {_esc(profile.name)}: {_esc(profile.title)}</p><ul>{clauses}</ul>"
        f"{capacity_table_html(caps)}<h2>Map</h2>{_svg_map(venue, caps)}"
        "<p>Red dots: each hall's point farthest from an exit in a straight line. Yellow "
        "halls: capacity limited by exit width.</p></body></html>"
    )


class StaffPage:
    """One session's staff page.

    Parameters
    ----------
    ctx
        The server's shared venue context.
    background
        Compute the capacity figures in a worker thread and show a "computing" state
        until a periodic callback finds them done (default: when in a server session;
        otherwise, as in a notebook or a test, wait for them here).
    """

    def __init__(self, ctx: VenueContext, *, background: bool | None = None) -> None:
        self.ctx = ctx
        self.background = _in_server_session() if background is None else background
        self._cap_future: Future[tuple[C.HallCapacity, ...]] | None = None
        self._cap_started = 0.0
        self._cap_poll: Any = None
        self.venue = ctx.venue
        self.profile_select = pn.widgets.Select(
            name="Code profile", options=C.known_profiles(), value=C.DEFAULT_PROFILE
        )
        self.sprinklered = pn.widgets.Checkbox(name="Sprinklered", value=False)
        self.table = pn.pane.HTML("", sizing_mode="stretch_width")
        self.totals = pn.pane.HTML("")
        self.findings = pn.pane.HTML("")
        self.heat_source = ColumnDataSource({"x": [], "y": [], "d": []})
        self.past_source = ColumnDataSource({"x": [], "y": []})
        self.hall_source = ColumnDataSource({"xs": [], "ys": [], "colour": [], "label": []})
        self.heat_fig = self._heat_figure()
        self.crowd_fig = self._crowd_figure()
        hall_ids = [str(h) for h in self.venue.halls[Col.HALL_ID]]
        self.sim_hall = pn.widgets.Select(name="Hall", options=hall_ids)
        self.sim_count = pn.widgets.TextInput(name="Occupants", value="500")
        self.sim_button = pn.widgets.Button(name="Run simulation", button_type="primary")
        self.sim_progress = pn.indicators.Progress(value=0, max=100, visible=False, width=300)
        self.sim_status = pn.pane.HTML("")
        self.sim_plot = pn.pane.Bokeh(None)
        # The animation: recorded agent positions (one frame a simulated second).
        self.anim_source = ColumnDataSource({"x": [], "y": []})
        self.anim_fig = self._anim_figure()
        self.anim_pane = pn.pane.Bokeh(self.anim_fig, sizing_mode="stretch_width", visible=False)
        self.anim_player = self._player(1, visible=False)
        self.anim_label = pn.pane.HTML("")
        self.anim_row = pn.Row(self.anim_player, self.anim_label)
        self._frames: list[tuple[float, np.ndarray]] = []
        self.sim_button.on_click(self._start_sim)
        self._future: Future[Any] | None = None
        self._sim_state: dict[str, Any] = {}
        self._poll: Any = None
        self.hydraulic = pn.pane.HTML("")
        self.count_inputs = {
            h: pn.widgets.TextInput(name=h, value="0", width=110) for h in hall_ids
        }
        self.csv_input = pn.widgets.FileInput(accept=".csv")
        self.crowd_button = pn.widgets.Button(name="Update crowding")
        self.crowd_out = pn.pane.HTML("")
        self.crowd_button.on_click(self._update_crowding)
        self.csv_input.param.watch(self._load_csv, "value")
        self.f_daily = pn.widgets.TextInput(
            name="Daily visitors", value=str(C.BUNDLED_VISITORS // C.BUNDLED_DAYS)
        )
        self.f_dwell = pn.widgets.TextInput(name="Dwell h", value=str(C.DEFAULT_DWELL_H))
        self.f_open = pn.widgets.TextInput(name="Opening h", value=str(C.DEFAULT_OPEN_H))
        self.f_peak = pn.widgets.TextInput(name="Peak factor", value=str(C.DEFAULT_PEAK_FACTOR))
        self.forecast_out = pn.pane.HTML("")
        for w in (self.f_daily, self.f_dwell, self.f_open, self.f_peak):
            w.param.watch(lambda *_: self._forecast(), "value")
        self.csv_download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(report_csv(self.caps)),
            filename="capacity.csv",
            label="Download CSV",
        )
        self.html_download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(
                report_html(self.venue, self.caps, C.load_profile(self.profile_select.value))
            ),
            filename="capacity-report.html",
            label="Printable report",
        )
        self.profile_select.param.watch(lambda *_: self._recompute(), "value")
        self.sprinklered.param.watch(lambda *_: self._recompute(), "value")
        self.caps: tuple[C.HallCapacity, ...] = ()
        self._recompute()

    # ------------------------------------------------------------------ capacity

    def _recompute(self) -> None:
        fut = capacities_future(
            self.venue, self.profile_select.value, sprinklered=bool(self.sprinklered.value)
        )
        self._cap_future = fut
        if fut.done() or not self.background:
            self._cap_done(fut)
            return
        self._cap_started = time.monotonic()
        self._set_computing()
        if self._cap_poll is None and _in_server_session():
            self._cap_poll = pn.state.add_periodic_callback(self._poll_caps, period=_POLL_MS)

    def _set_computing(self) -> None:
        """Show that the figures are being computed; disable what needs them."""
        self.caps = ()
        self._computing_note()
        for w in (self.csv_download, self.html_download, self.sim_button, self.crowd_button):
            w.disabled = True
        for pane in (self.totals, self.findings, self.hydraulic, self.crowd_out):
            pane.object = ""
        self.forecast_out.object = ""
        self.heat_source.data = {"x": [], "y": [], "d": []}
        self.past_source.data = {"x": [], "y": []}

    def _computing_note(self) -> None:
        secs = time.monotonic() - self._cap_started
        self.table.object = (
            "<p class='computing' id='capacity-computing'>Computing the capacity figures of "
            f"{len(self.venue.halls)} halls ({_esc(self.profile_select.value)}"
            f"{', sprinklered' if self.sprinklered.value else ''})… {secs:.0f} s. The first "
            "time for a venue and profile takes a while; this page fills in by itself.</p>"
        )

    def _poll_caps(self) -> None:
        fut = self._cap_future
        if fut is None or not fut.done():
            self._computing_note()  # the elapsed seconds
            return
        if self._cap_poll is not None:
            self._cap_poll.stop()
            self._cap_poll = None
        self._cap_done(fut)

    def _cap_done(self, fut: Future[tuple[C.HallCapacity, ...]]) -> None:
        try:
            caps = fut.result()
        except Exception as exc:  # shown to the user, never a traceback
            self.caps = ()
            for w in (self.csv_download, self.html_download, self.sim_button, self.crowd_button):
                w.disabled = True
            self.table.object = (
                f"<p class='error' style='color:#b00020'>Capacity figures failed: {_esc(exc)}</p>"
            )
            return
        for w in (self.csv_download, self.html_download, self.sim_button, self.crowd_button):
            w.disabled = False
        self._apply(caps)

    def _apply(self, caps: tuple[C.HallCapacity, ...]) -> None:
        """Fill the page with ``caps``."""
        self.caps = caps
        self.table.object = capacity_table_html(self.caps)
        zones = C.totals(self.caps)
        whole = C.totals(self.caps, by="venue")
        self.totals.object = (
            "<p>"
            + "; ".join(f"zone {_esc(z.name or '(no booths)')}: {z.capacity:,}" for z in zones)
            + (f"</p><p><b>Venue capacity {whole[0].capacity:,}</b></p>" if whole else "</p>")
        )
        items = [f"<li>{_esc(f.message)}</li>" for c in self.caps for f in c.findings]
        self.findings.object = f"<ul class='findings'>{''.join(items)}</ul>" if items else ""
        xs, ys, ds, px, py = [], [], [], [], []
        for c in self.caps:
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
        cat = lambda a: np.concatenate(a) if a else np.zeros(0)  # noqa: E731
        self.heat_source.data = {"x": cat(xs), "y": cat(ys), "d": cat(ds)}
        self.past_source.data = {"x": cat(px), "y": cat(py)}
        self.hydraulic.object = self._hydraulic_html()
        self._update_crowding()
        self._forecast()

    def _hydraulic_html(self) -> str:
        rows = "".join(
            f"<tr><td>{_esc(c.hall_id)}</td><td>{c.evacuation.occupants:,}</td>"
            f"<td>{c.evacuation.travel_s:.0f}</td><td>{c.evacuation.queue_s:.0f}</td>"
            f"<td><b>{c.evacuation.evacuation_s:.0f}</b></td>"
            f"<td>{c.evacuation.lower_s:.0f}</td></tr>"
            for c in self.caps
            if c.evacuation is not None
        )
        return (
            "<table class='cap'><tr><th>hall</th><th>occupants</th><th>walk s</th>"
            "<th>queue s</th><th>evacuation s</th><th>lower bound s</th></tr>"
            f"{rows}</table><p>SFPE hydraulic model at capacity: 1.19 m/s, 1.3 persons/s per "
            "metre of effective width (clear width less 0.15 m each side).</p>"
        )

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
        fig.patches(hx, hy, fill_color=None, line_color="#333", line_width=2)
        if len(self.venue.booths):
            bx = [np.asarray(g.exterior.coords)[:, 0].tolist() for g in self.venue.booths.geometry]
            by = [np.asarray(g.exterior.coords)[:, 1].tolist() for g in self.venue.booths.geometry]
            fig.patches(bx, by, fill_color="#cccccc", fill_alpha=0.5, line_color="#999")
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
        fig.scatter("x", "y", source=self.past_source, size=3, color="#d00000")
        fig.add_layout(ColorBar(color_mapper=mapper), "right")
        return fig

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
            line_color="#333",
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

    # ------------------------------------------------------------------ crowding

    def _load_csv(self, event: Any) -> None:
        if not event.new:
            return
        try:
            counts = C.parse_counts_csv(bytes(event.new).decode("utf-8-sig"), where="upload")
            for h, n in counts.items():
                if h not in self.count_inputs:
                    msg = f"upload: count for unknown hall {h!r}"
                    raise C.CountError(msg)
                self.count_inputs[h].value = str(n)
        except (C.CountError, UnicodeDecodeError) as exc:
            self.crowd_out.object = f"<p class='error'>{_esc(exc)}</p>"
            return
        self._update_crowding()

    def _update_crowding(self, *_: Any) -> None:
        if not self.caps:
            return
        counts = {h: w.value for h, w in self.count_inputs.items()}
        try:
            halls = C.crowding(self.caps, counts)
            zones = C.crowding(self.caps, counts, by="zone")
        except C.CountError as exc:
            self.crowd_out.object = f"<p class='error' style='color:#b00020'>{_esc(exc)}</p>"
            return
        by_id = {r.name: r for r in halls}
        xs, ys, col, lab, cx, cy = [], [], [], [], [], []
        for hid, g in zip(
            self.venue.halls[Col.HALL_ID].astype(str), self.venue.halls.geometry, strict=True
        ):
            r = by_id[hid]
            c = np.asarray(g.exterior.coords)
            xs.append(c[:, 0])
            ys.append(c[:, 1])
            col.append(_LOS_COLOURS[r.los])
            lab.append(f"{hid} {r.los}")
            p = g.representative_point()
            cx.append(p.x)
            cy.append(p.y)
        self.hall_source.data = {
            "xs": xs,
            "ys": ys,
            "colour": col,
            "label": lab,
            "cx": cx,
            "cy": cy,
        }
        rows = "".join(
            f"<tr><td>{_esc(r.name or '(none)')}</td><td>{r.count:,}</td>"
            f"<td>{r.density_ppm2:.2f}</td><td>{r.los}</td><td>{r.capacity:,}</td>"
            f"<td{' style=color:#b00020' if r.over_capacity else ''}>"
            f"{_share(r.share_of_capacity)}"
            "</td></tr>"
            for r in [*halls, *zones]
        )
        self.crowd_out.object = (
            "<table class='cap' id='crowding-table'><tr><th>hall / zone</th><th>count</th>"
            "<th>persons/m²</th><th>LOS</th><th>capacity</th><th>of capacity</th></tr>"
            f"{rows}</table>"
        )

    def _forecast(self) -> None:
        if not self.caps:
            return
        whole = C.totals(self.caps, by="venue")
        try:
            f = C.forecast_peak(
                self.f_daily.value or "",
                self.f_dwell.value or "",
                open_h=self.f_open.value or "",
                peak_factor=self.f_peak.value or "",
                capacity=whole[0].capacity if whole else None,
            )
        except C.CountError as exc:
            self.forecast_out.object = f"<p style='color:#b00020'>{_esc(exc)}</p>"
            return
        share = (
            ""
            if f.share_of_capacity is None
            else f" ({100 * f.share_of_capacity:.0f} % of capacity)"
        )
        self.forecast_out.object = (
            f"<p>Forecast peak concurrency: <b>{f.peak:,}</b>{share}; mean {f.average:,.0f}.</p>"
        )

    # ------------------------------------------------------------------ simulation

    def _start_sim(self, *_: Any) -> None:
        from floorplan.capacity.sim import jupedsim_available, simulate_evacuation  # noqa: PLC0415

        if self._future is not None and not self._future.done():
            return
        if not jupedsim_available():
            self.sim_status.object = (
                "<p>JuPedSim is not installed: pip install 'floorplan[sim]'</p>"
            )
            return
        hid = self.sim_hall.value
        cap = next((c for c in self.caps if c.hall_id == hid), None)
        if cap is None:  # the figures are still being computed
            return
        try:
            n = C.parse_count(self.sim_count.value, hall_id=hid)
        except C.CountError as exc:
            self.sim_status.object = f"<p style='color:#b00020'>{_esc(exc)}</p>"
            return
        state: dict[str, Any] = {"t": 0.0, "left": n, "n": n, "cap": cap}
        self._sim_state = state

        def progress(t: float, left: int) -> None:
            state["t"], state["left"] = t, left

        self._future = _POOL.submit(
            simulate_evacuation, self.venue, cap, occupants=n, progress=progress
        )
        self.sim_progress.visible = True
        self.sim_progress.value = 0
        self.sim_status.object = f"<p>Simulating {n:,} people in {_esc(hid)}…</p>"
        self._poll = pn.state.add_periodic_callback(self._poll_sim, period=2 * _POLL_MS)

    def _poll_sim(self) -> None:
        st = self._sim_state
        n = max(int(st.get("n", 1)), 1)
        self.sim_progress.value = int(100 * (n - int(st.get("left", n))) / n)
        fut = self._future
        if fut is None or not fut.done():
            self.sim_status.object = (
                f"<p>Simulated {st.get('t', 0):.0f} s, "
                f"{st.get('left', 0):,} people still inside</p>"
            )
            return
        if self._poll is not None:
            self._poll.stop()
            self._poll = None
        try:
            res = fut.result()
        except Exception as exc:  # shown to the user, never a traceback
            self.sim_status.object = f"<p style='color:#b00020'>Simulation failed: {_esc(exc)}</p>"
            return
        # The figures the run started from (the profile may have changed since).
        cap = st["cap"]
        hyd = C.hydraulic_evacuation(cap, res.occupants)
        sim_t = "did not finish" if res.evacuation_s is None else f"{res.evacuation_s:.0f} s"
        self.sim_status.object = (
            f"<p id='sim-result'>JuPedSim: {sim_t} for {res.occupants:,} people "
            f"({res.stuck} stuck); hydraulic model: {hyd.evacuation_s:.0f} s. The hydraulic "
            "model walks everyone at 1.19 m/s and lets exits pass their full flow at once; "
            "agents accelerate, slow in crowds and bunch at doors.</p>"
        )
        self.sim_progress.value = 100
        self._show_result(res)

    def _show_result(self, res: Any) -> None:
        """Show a finished run: the density plot and the animation of its frames."""
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
        self.anim_source.data = {"x": xy[:, 0], "y": xy[:, 1]}
        self.anim_label.object = (
            f"<p class='anim-frame' data-frame='{i}'>t = {t:.0f} s: {len(xy):,} people inside</p>"
        )

    def _anim_figure(self) -> Any:
        fig = self._base_figure("Evacuation: agents once a simulated second")
        fig.scatter("x", "y", source=self.anim_source, size=4, color="#d7301f", name="agents")
        return fig

    def _density_plot(self, res: Any) -> Any:
        fig = self._base_figure(f"Where people were during the evacuation of {res.hall_id}")
        if res.frames:
            pts = np.concatenate([f[1] for f in res.frames if len(f[1])])
            if len(pts):
                fig.hexbin(pts[:, 0], pts[:, 1], size=1.5, palette="Viridis256")
        return fig

    def view(self) -> pn.viewable.Viewable:
        """Return the page layout."""
        counts = pn.FlexBox(*self.count_inputs.values())
        return pn.Column(
            pn.pane.HTML(
                f"<h1>Staff: capacity and evacuation</h1><p>{_esc(pn.state.user or '')} · "
                "<a href='/logout'>Log out</a></p>"
            ),
            pn.Row(self.profile_select, self.sprinklered, self.csv_download, self.html_download),
            self.table,
            self.totals,
            self.findings,
            pn.pane.Bokeh(self.heat_fig, sizing_mode="stretch_width"),
            pn.pane.HTML("<h2>Evacuation</h2>"),
            self.hydraulic,
            pn.Row(self.sim_hall, self.sim_count, self.sim_button),
            self.sim_progress,
            self.sim_status,
            self.sim_plot,
            self.anim_row,
            self.anim_pane,
            pn.pane.HTML(
                "<h2>Crowding now</h2><p>Counts per hall, or a CSV with columns hall_id,count:</p>"
            ),
            counts,
            pn.Row(self.crowd_button, self.csv_input),
            self.crowd_out,
            pn.pane.Bokeh(self.crowd_fig, sizing_mode="stretch_width"),
            pn.pane.HTML("<h2>Peak forecast</h2>"),
            pn.Row(self.f_daily, self.f_dwell, self.f_open, self.f_peak),
            self.forecast_out,
            sizing_mode="stretch_width",
        )


def staff_page(ctx: VenueContext) -> pn.viewable.Viewable:
    """Build the staff page for the current session (logged in as staff or admin)."""
    return StaffPage(ctx).view()
