"""The staff page and its state over floorplan.capacity, without a browser."""

from __future__ import annotations

import asyncio
import csv
import io
import json
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
