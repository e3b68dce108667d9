"""The staff page and its state over floorplan.capacity, without a browser."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sys
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import floorplan
from floorplan import capacity as C
from floorplan.app import staff_state
from floorplan.app.context import VenueContext
from floorplan.app.staff import StaffPage, report_csv, report_html
from floorplan.app.staff_state import StaffState
from floorplan.capacity.sim import SimResult
from floorplan.cli import main

from _browser import in_own_thread, kiosk_venue
from conftest import unsafe_hall, write_spec


def run_loop(main: Callable[[], Coroutine[Any, Any, Any]]) -> None:
    """Run ``main()`` on an event loop of its own, as a server session's loop would.

    In a thread: a session-scoped Playwright browser may hold this thread's loop.
    """
    in_own_thread(lambda: asyncio.run(main()), timeout_s=300)


def test_staff_page_tables_and_bad_counts() -> None:
    venue = kiosk_venue()
    page = StaffPage(VenueContext(venue))
    page.view()
    # Both halls' 1,800 occupants (2,400 m² × 0.75) bind: A's 16 m and B's 12 m of exits
    # let out 2,461 and 1,846.
    assert page.table.object.count("class='binding'>1,800<") == 2
    assert "Problems (0)" in page.problems.object
    page.count_inputs["A"].value = "-3"
    page._update_crowding()
    assert "must be &gt;= 0" in page.crowd_out.object
    page.count_inputs["A"].value = "abc"
    page._update_crowding()
    assert "not a number" in page.crowd_out.object
    page.count_inputs["A"].value = "2000"
    page._update_crowding()
    assert "crowding-table" in page.crowd_out.object
    page.f_open.value = "0"
    assert "open_h must be &gt; 0" in page.forecast_out.object
    rows = list(csv.DictReader(io.StringIO(report_csv(page.state.report))))
    assert [r["hall_id"] for r in rows] == ["A", "B"]
    assert rows[1]["capacity"] == "1800"
    assert rows[1]["problems"] == "0"
    doc = report_html(venue, page.state.report)
    assert "<svg" in doc
    assert "GB 50016" in doc
    # A name with markup is shown as text.
    assert "<img" not in page.table.object


def test_staff_page_shows_the_problems_capacity_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_spec(unsafe_hall(), tmp_path / "unsafe")
    venue = floorplan.load_venue(folder)
    page = StaffPage(VenueContext(venue))
    # The venue's own code: gb50016 with sprinklers, as floorplan capacity takes it.
    assert (page.state.profile, page.state.sprinklered) == ("gb50016", True)
    assert main(["capacity", "--venue", str(folder), "--json", "--walk-samples", "200"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [p.to_dict() for p in page.state.problems] == doc["findings"]
    assert [c.to_dict() for c in page.state.caps] == [
        {k: v for k, v in h.items() if k != "findings"} for h in doc["halls"]
    ]
    assert "Problems (3)" in page.problems.object
    assert "exit_blocked" in page.problems.object
    # U-X stands 0.5 m in front of the 3 m exit U-EX: its width is not counted.
    (u,) = page.state.caps
    ex = next(e for e in u.exits if e.opening_id == "U-EX")
    assert (ex.blocked_m, ex.blocked_by, ex.clear_m) == (3.0, ("U-X",), 0.0)
    assert u.clear_width_m == pytest.approx(6.0)
    assert "data-problems='3'" in page.table.object


def test_page_shows_at_once_and_fills_in_when_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    calls: list[str] = []
    real = staff_state._compute

    def slow(*args: object) -> C.CapacityReport:
        calls.append("compute")
        assert gate.wait(60)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(staff_state, "_compute", slow)
    venue = kiosk_venue()
    scheduled: list[Callable[[], Coroutine[Any, Any, None]]] = []
    page = StaffPage(VenueContext(venue), schedule=scheduled.append)
    page.view()
    assert "capacity-computing" in page.table.object
    assert page.caps == ()
    assert page.sim_button.disabled
    assert page.csv_download.disabled
    assert page.crowd_button.disabled
    # One coroutine awaits the figures: no periodic callback polls them.
    assert scheduled == [page.state.wait_capacity]
    # Input while computing is kept, not an error.
    page.count_inputs["A"].value = "100"
    page._update_crowding()
    assert "capacity-computing" in page.table.object
    # A second session of the same venue waits on the same computation.
    other = StaffPage(VenueContext(venue), schedule=scheduled.append)
    assert other.state._future is page.state._future
    gate.set()
    run_loop(lambda: asyncio.wait_for(page.state.wait_capacity(), timeout=120))
    assert "class='binding'>1,800<" in page.table.object
    assert not page.sim_button.disabled
    assert not page.csv_download.disabled
    assert "crowding-table" in page.crowd_out.object
    assert ">100<" in page.crowd_out.object
    # A session opened now is filled at once, from the one computation.
    third = StaffPage(VenueContext(venue), schedule=scheduled.append)
    assert "class='binding'>1,800<" in third.table.object
    assert len(scheduled) == 2
    assert calls == ["compute"]


def test_a_replaced_computation_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    real = staff_state._compute

    def slow(*args: object) -> C.CapacityReport:
        assert gate.wait(60)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(staff_state, "_compute", slow)
    monkeypatch.setattr(staff_state, "CLOCK_S", 0.05)
    scheduled: list[Callable[[], Coroutine[Any, Any, None]]] = []
    state = StaffState(kiosk_venue(), schedule=scheduled.append)
    first = state._future

    async def scenario() -> None:
        waiting = asyncio.ensure_future(state.wait_capacity())
        # The clock ticks while the figures are computed.
        while state.elapsed_s == 0:
            await asyncio.sleep(0.01)
        state.sprinklered = True  # a new request: the first one's figures must not show
        assert state._future is not first
        gate.set()
        await asyncio.wait_for(waiting, timeout=120)
        assert state.caps == ()
        assert state.status == "computing"
        await asyncio.wait_for(state.wait_capacity(), timeout=120)

    run_loop(scenario)
    assert state.status == "ready"
    assert state.caps[0].travel.limit_m == C.load_profile("gb50016").travel(sprinklered=True)[0]
    assert first is not None
    assert first.done()
    assert not first.cancelled()  # shared by sessions: never cancelled by one of them


def test_simulation_is_awaited_with_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    state = StaffState(kiosk_venue())
    reported = threading.Event()
    state.param.watch(lambda e: e.new == 7 and reported.set(), "sim_left")

    def fake(venue: object, cap: C.HallCapacity, *, occupants: int, progress: Any) -> SimResult:
        # Report until the page has shown it (the coroutine may not be waiting yet).
        while not reported.is_set():
            progress(1.0, 7)
            if reported.wait(0.05):
                break
        return SimResult(cap.hall_id, occupants, 12.0, frames=((0.0, np.zeros((occupants, 2))),))

    monkeypatch.setattr("floorplan.capacity.sim.simulate_evacuation", fake)
    monkeypatch.setattr("floorplan.capacity.sim.jupedsim_available", lambda: True)
    state.sim_count = "abc"
    assert state.start_simulation() is None
    assert "not a number" in state.sim_error
    state.sim_count = "10"
    fut = state.start_simulation()
    assert fut is not None
    assert state.sim_running
    assert state.start_simulation() is None  # one run at a time
    run_loop(lambda: asyncio.wait_for(state.run_simulation(), timeout=60))
    assert reported.is_set()
    assert not state.sim_running
    assert state.sim_result is not None
    assert state.sim_result.evacuation_s == 12.0
    assert state.sim_hydraulic is not None
    assert state.sim_hydraulic.occupants == 10


def test_failed_computation_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> C.CapacityReport:
        msg = "hall A: no floor"
        raise C.CountError(msg)

    monkeypatch.setattr(staff_state, "_compute", broken)
    page = StaffPage(VenueContext(kiosk_venue()), schedule=None)
    assert "Capacity figures failed: hall A: no floor" in page.table.object
    assert page.sim_button.disabled


def test_animation_steps_through_recorded_frames() -> None:
    page = StaffPage(VenueContext(kiosk_venue()), schedule=None)
    assert not page.anim_player.visible
    rng = np.random.default_rng(3)
    frames = [(float(t), rng.uniform((1, 1), (59, 39), size=(30 - 10 * t, 2))) for t in range(3)]
    res = SimResult("A", 30, 3.0, frames=frames)
    page._show_result(res)
    assert page.anim_player.visible
    assert page.anim_pane.visible
    assert page.anim_player.end == 2
    assert len(page.anim_source.data["x"]) == 30
    assert "t = 0 s: 30 people inside" in page.anim_label.object
    page.anim_player.value = 2
    assert len(page.anim_source.data["x"]) == 10
    assert list(page.anim_source.data["y"]) == list(frames[2][1][:, 1])
    assert "t = 2 s: 10 people inside" in page.anim_label.object
    # The view is the simulated hall (A: 0-60 × 0-40), not the whole venue (0-120).
    assert page.anim_fig.x_range.end < 70
    # A second run starts again at its first frame.
    page._show_result(SimResult("A", 5, 1.0, frames=[(0.0, frames[0][1][:5])]))
    assert page.anim_player.value == 0
    assert len(page.anim_source.data["x"]) == 5
    assert page.anim_player.end == 1


# --------------------------------------------------------------------- a safety officer's page


def test_state_verdicts_for_a_compliant_and_an_over_capacity_hall() -> None:
    state = StaffState(kiosk_venue())
    vs = state.verdicts
    assert vs is not None
    assert [v.text("en") for v in vs.halls] == ["Within limits", "Within limits"]
    b = state.cap("B")
    assert b is not None
    state.set_counts({"A": "250", "B": str(b.load.capacity + 312)})
    vs = state.verdicts
    assert vs is not None
    hall_a, hall_b = vs.halls
    assert (hall_a.level, hall_b.level) == (C.Level.OK, C.Level.ALARM)
    assert hall_a.text("en").startswith("Within limits: 250 of ")
    assert hall_b.text("en") == "Over by 312 people"
    assert hall_b.text("zh") == "超员 312 人"
    assert vs.venue.level is C.Level.ALARM
    # The page shows them as banners: the alarm with its icon, role and both languages.
    page = StaffPage(VenueContext(kiosk_venue()))
    page.state.set_counts({"B": str(b.load.capacity + 312)})
    html = page.verdict_pane.object
    alarm = re.search(r"<div class='verdict verdict-alarm'[^>]*data-hall='B'.*?</div>", html)
    assert alarm is not None
    assert "role=alert" in alarm.group(0)
    assert "⚠" in alarm.group(0)
    assert "Over by 312 people" in alarm.group(0)
    assert "超员 312 人" in alarm.group(0)
    assert "data-hall='A' data-level='ok'" in html


def test_a_counts_csv_with_a_bad_row_changes_nothing() -> None:
    page = StaffPage(VenueContext(kiosk_venue()))
    st = page.state
    st.set_counts({"A": "40", "B": "50"})
    before = (dict(st.counts), list(st.crowd_halls), st.verdicts)
    bad = b"hall_id,count\nA,100\nB,100\nNOPE,3\nA,many\n"
    assert not st.load_counts_csv(bad, filename="door-counters.csv")
    # Not half-applied: A's and B's good rows are not taken either.
    assert (dict(st.counts), list(st.crowd_halls), st.verdicts) == before
    assert st.csv_errors == [
        "door-counters.csv row 4, hall NOPE: unknown hall (halls: A, B)",
        "door-counters.csv row 5, hall A: count for hall A is not a number: 'many'",
    ]
    assert "2 bad rows" in page.csv_errors.object
    assert "door-counters.csv row 4, hall NOPE" in page.csv_errors.object
    assert "row 5, hall A" in page.csv_errors.object
    # Not UTF-8 at all: refused whole, said why.
    assert not st.load_counts_csv(b"hall_id,count\nA,\xff\n", filename="x.csv")
    assert st.csv_errors[0].startswith("x.csv: not UTF-8")
    assert dict(st.counts) == before[0]
    # A good file is taken whole; its timed readings go to the chart; the list clears.
    good = b"hall_id,count,time\nA,100,10:00\nB,120,10:00\nA,130,11:30\n"
    assert st.load_counts_csv(good, filename="door-counters.csv")
    assert st.csv_errors == []
    assert page.csv_errors.object == ""
    assert (st.counts["A"], st.counts["B"]) == ("130", "120")
    assert [(r.hall_id, r.hour) for r in st.readings] == [("A", 10.0), ("B", 10.0), ("A", 11.5)]
    assert {r.name: r.count for r in st.crowd_halls} == {"A": 130, "B": 120}


def test_the_simulation_is_off_with_its_reason_without_jupedsim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if the sim extra were not installed: importing jupedsim fails.
    monkeypatch.setitem(sys.modules, "jupedsim", None)
    page = StaffPage(VenueContext(kiosk_venue()))
    st = page.state
    assert "JuPedSim is not installed" in st.sim_unavailable
    assert "floorplan[sim]" in st.sim_unavailable
    assert page.sim_button.disabled
    assert "JuPedSim is not installed" in page.sim_unavailable.object
    assert st.start_simulation() is None
    assert st.sim_error == st.sim_unavailable
    assert not st.sim_running
    # The rest of the page works.
    assert not page.csv_download.disabled
    assert not page.pdf_download.disabled


@pytest.mark.skipif(not C.jupedsim_available(), reason="JuPedSim not installed (the sim extra)")
def test_the_simulation_is_offered_with_jupedsim() -> None:
    page = StaffPage(VenueContext(kiosk_venue()))
    assert page.state.sim_unavailable == ""
    assert not page.sim_button.disabled
    assert page.sim_unavailable.object == ""


def test_plain_column_names_with_the_technical_ones_on_hover_and_minutes() -> None:
    page = StaffPage(VenueContext(kiosk_venue()))
    html = page.table.object
    assert "<th title='occupant_load: floor area × the profile&#39;s persons per m²'>" in html
    assert ">Floor holds (people)</th>" in html
    assert ">Time to leave (min)</th>" in html
    assert "binds" not in html
    a = page.state.cap("A")
    assert a is not None
    assert a.evacuation_s is not None
    assert f">{a.evacuation_s / 60:.1f} min</td>" in html
    assert f"title='{a.evacuation_s:.0f} s'" in html


def test_downloads_build_on_click_and_say_why_they_fail(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from floorplan.render.fonts import CJK_FONT_ENV, find_cjk_font  # noqa: PLC0415

    page = StaffPage(VenueContext(kiosk_venue()))
    got: list[io.BytesIO | None] = []

    def click(download: Any) -> io.BytesIO | None:
        got.clear()

        async def main() -> None:
            got.append(await download.callback())

        run_loop(main)
        return got[0]

    report = click(page.pdf_download)
    assert report is not None
    assert report.getvalue()[:5] == b"%PDF-"
    plans = click(page.escape_download)
    assert plans is not None
    assert b"/Count 2" in plans.getvalue()  # one escape plan per kiosk
    monkeypatch.setenv(CJK_FONT_ENV, str(tmp_path / "gone.ttf"))
    find_cjk_font.cache_clear()
    try:
        assert click(page.pdf_download) is None
        assert "The capacity report could not be made" in page.download_message.object
        assert "Chinese glyphs" in page.download_message.object
        assert "Traceback" not in page.download_message.object
        # The widget sends nothing rather than raising on a failed build.
        page.pdf_download._sync_data(None)
        assert page.pdf_download.data is None
    finally:
        monkeypatch.delenv(CJK_FONT_ENV)
        find_cjk_font.cache_clear()
    assert click(page.pdf_download) is not None
    assert page.download_message.object == ""


def test_the_day_chart_draws_forecast_counts_and_capacity() -> None:
    page = StaffPage(VenueContext(kiosk_venue()))
    fig = page.day_chart.object
    assert fig is not None
    names = [item.label["value"] for item in fig.legend[0].items]
    assert names == ["A", "B"]
    caps = {c.hall_id: c.load.capacity for c in page.caps}
    lines = [r for r in fig.renderers if type(r.glyph).__name__ == "Line"]
    flat = {tuple(r.data_source.data["y"]) for r in lines}
    assert (caps["A"], caps["A"]) in flat
    assert page.state.forecast is not None
    assert max(max(ys) for ys in flat) >= max(caps.values())  # forecast curves are there
    page.state.load_counts_csv(b"hall_id,count,time\nA,700,10:30\n", filename="c.csv")
    fig = page.day_chart.object
    dots = [r.data_source.data for r in fig.renderers if type(r.glyph).__name__ == "Scatter"]
    points = [(list(d["x"]), list(d["y"])) for d in dots]
    # A's reading at its time; B, not in the file, keeps its count (0) at the current time.
    assert points[0] == ([10.5], [700])
    assert points[1][1] == [0]
    assert len(points) == 2
