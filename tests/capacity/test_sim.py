"""The JuPedSim evacuation of a small room (skipped without the ``sim`` extra)."""

from __future__ import annotations

import itertools
import sys

import pytest
from shapely.geometry import box

from floorplan import capacity as C
from floorplan.capacity.sim import FRAME_EVERY_S, jupedsim_available, simulate_evacuation
from floorplan.errors import SimUnavailableError
from floorplan.io import load_venue

from conftest import Spec, booth, door, write_spec

needs_jps = pytest.mark.skipif(
    not jupedsim_available(), reason="JuPedSim not installed (pip install 'floorplan[sim]')"
)


def small_room() -> Spec:
    """A 12 × 10 m room with one booth and two exits on opposite walls."""
    return Spec(
        layers={
            "halls": [({"hall_id": "R", "name": "Room"}, box(0, 0, 12, 10))],
            "booths": [booth("R-1", box(5, 4, 7, 6), hall="R")],
            "openings": [
                door("R-EN", (0, 4), (0, 6), hall="R", kind="entrance"),
                door("R-EX", (12, 4.5), (12, 5.5), hall="R", kind="emergency_exit"),
            ],
            "obstacles": [],
            "kiosks": [],
            "amenities": [],
        },
        meta={"name": "Room", "crs": "EPSG:32650"},
    )


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, C.HallCapacity]:
    venue = load_venue(write_spec(small_room(), tmp_path_factory.mktemp("sim") / "room"))
    return venue, C.hall_capacity(venue, with_field=True)[0]


@needs_jps
def test_fifty_agents_leave(room: tuple[object, C.HallCapacity]) -> None:
    venue, cap = room
    seen: list[tuple[float, int]] = []
    res = simulate_evacuation(venue, cap, occupants=50, progress=lambda t, n: seen.append((t, n)))
    assert res.stuck == 0
    assert res.evacuation_s is not None
    # Nobody is faster than walking straight at 1.19 m/s from the farthest start...
    assert res.evacuation_s > 0
    # ...and 50 people through 3 m of doors take at least the hydraulic queue at full flow.
    hyd = C.hydraulic_evacuation(cap, 50)
    assert res.evacuation_s >= 0.5 * hyd.queue_s
    assert seen
    assert seen[-1][1] == 0
    assert [n for _, n in seen] == sorted((n for _, n in seen), reverse=True)
    assert res.frames
    assert res.frames[0][1].shape == (50, 2)
    # One frame per simulated second (the animation's time steps), fewer people in each.
    times = [t for t, _ in res.frames]
    assert times[0] == 0.0
    assert all(abs(b - a - FRAME_EVERY_S) < 0.05 for a, b in itertools.pairwise(times))
    assert len(res.frames) >= int(res.evacuation_s) - 1
    sizes = [len(xy) for _, xy in res.frames]
    assert sizes == sorted(sizes, reverse=True)


@needs_jps
def test_bad_count(room: tuple[object, C.HallCapacity]) -> None:
    venue, cap = room
    with pytest.raises(C.CountError, match="must be >= 0"):
        simulate_evacuation(venue, cap, occupants=-1)
    assert simulate_evacuation(venue, cap, occupants=0).evacuation_s == 0.0


def test_missing_jupedsim_is_a_clear_error(
    room: tuple[object, C.HallCapacity], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jupedsim", None)
    venue, cap = room
    with pytest.raises(SimUnavailableError, match="pip install"):
        simulate_evacuation(venue, cap, occupants=5)
