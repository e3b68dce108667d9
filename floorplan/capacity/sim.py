"""Simulate a hall's evacuation with JuPedSim (the optional ``sim`` extra).

The walkable geometry is the hall's open floor (hall minus booths and obstacles), the
same the capacity figures use. Each exit is an exit stage: a strip 0.4 m deep along the
door, inside the hall. Agents (collision-free speed model, desired speed 1.19 m/s as in
the SFPE hydraulic model, radius 0.2 m) start spread at random over the floor and head
for the exit nearest on foot (the catchment of the nearest walking sample of
:func:`floorplan.capacity.hall_capacity`).

JuPedSim is imported lazily: without it :func:`simulate_evacuation` raises
:class:`SimUnavailableError` saying how to install it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from floorplan.capacity.crowding import parse_count
from floorplan.capacity.evacuation import SFPE_SPEED_MPS
from floorplan.capacity.hall import HallCapacity
from floorplan.errors import FloorplanError, SimUnavailableError
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = ["SimResult", "SimUnavailableError", "jupedsim_available", "simulate_evacuation"]

#: JuPedSim's recommended step.
DT_S: Final = 0.01
_EXIT_DEPTH_M: Final = 0.4
_RADIUS_M: Final = 0.2
#: Position snapshots for the animation, every this many simulated seconds.
FRAME_EVERY_S: Final = 1.0
INSTALL_HINT: Final = "pip install 'floorplan[sim]' (or: pip install jupedsim)"


def jupedsim_available() -> bool:
    """Return whether JuPedSim can be imported."""
    try:
        import jupedsim  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class SimResult:
    """The outcome of one simulated evacuation.

    Attributes
    ----------
    hall_id, occupants
        The hall and the agents placed in it.
    evacuation_s
        When the last agent left (``None`` when some were still inside at ``max_time_s``).
    remaining
        ``(time_s, agents still inside)`` once a simulated second.
    frames
        ``(time_s, (n, 2) positions)`` every :data:`FRAME_EVERY_S`, for an animation or a
        density plot.
    stuck
        Agents still inside when the simulation stopped.
    """

    hall_id: str
    occupants: int
    evacuation_s: float | None
    remaining: tuple[tuple[float, int], ...] = ()
    frames: tuple[tuple[float, NDArray[np.float64]], ...] = ()
    stuck: int = 0
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary (no frames)."""
        return {
            "hall_id": self.hall_id,
            "occupants": self.occupants,
            "evacuation_s": None if self.evacuation_s is None else round(self.evacuation_s, 1),
            "stuck": self.stuck,
            "wall_s": round(self.wall_s, 1),
        }


def _floor(venue: Venue, hall_id: str) -> BaseGeometry:
    halls = venue.halls
    hall = halls.geometry.values[(halls[Col.HALL_ID].astype(str) == hall_id).to_numpy()][0]
    blocked = []
    for frame in (venue.booths, venue.obstacles):
        if len(frame):
            blocked.extend(frame.geometry.values[(frame[Col.HALL_ID].astype(str) == hall_id)])
    floor = shapely.difference(hall, shapely.union_all(blocked)) if blocked else hall
    # Slivers between shapes that almost touch trip JuPedSim's mesh: close them.
    floor = shapely.make_valid(
        floor.buffer(-0.01, join_style="mitre").buffer(0.01, join_style="mitre")
    )
    parts = [p for p in shapely.get_parts(floor) if p.geom_type == "Polygon"]
    return max(parts, key=lambda p: p.area) if parts else shapely.Polygon()


def _exit_strip(line: NDArray[np.float64], floor: BaseGeometry) -> BaseGeometry | None:
    a, b = line[0], line[-1]
    d = b - a
    n = np.array([-d[1], d[0]]) / np.hypot(*d)
    mid = (a + b) / 2
    if not floor.buffer(1e-6).contains(shapely.Point(mid + n * 0.05)):
        n = -n
    strip = shapely.Polygon([a, b, b + n * _EXIT_DEPTH_M, a + n * _EXIT_DEPTH_M])
    part = shapely.intersection(strip, floor)
    polys = [p for p in shapely.get_parts(part) if p.geom_type == "Polygon" and p.area > 0.01]
    return max(polys, key=lambda p: p.area) if polys else None


def simulate_evacuation(
    venue: Venue,
    cap: HallCapacity,
    *,
    occupants: int,
    seed: int = 1,
    max_time_s: float = 1800.0,
    progress: Callable[[float, int], None] | None = None,
    frames: bool = True,
) -> SimResult:
    """Run a JuPedSim evacuation of one hall and return when the last agent left.

    Parameters
    ----------
    venue
        The venue.
    cap
        The hall's figures from :func:`floorplan.capacity.hall_capacity` with
        ``with_field=True`` (its walking samples set each agent's exit).
    occupants
        Agents to place (whole number ≥ 0).
    seed
        Seed of the agents' start positions.
    max_time_s
        Stop after this much simulated time.
    progress
        Called once a simulated second with ``(elapsed_s, agents left)``.
    frames
        Keep position snapshots.

    Raises
    ------
    SimUnavailableError
        When JuPedSim is not installed.
    CountError
        When ``occupants`` is negative or not a whole number.
    FloorplanError
        When the hall has no usable exit or no floor.
    """
    import time  # noqa: PLC0415

    n = parse_count(occupants, hall_id=cap.hall_id)
    try:
        import jupedsim as jps  # noqa: PLC0415 - optional, heavy
    except ImportError:
        msg = f"the evacuation simulation needs JuPedSim: {INSTALL_HINT}"
        raise SimUnavailableError(msg) from None
    t0 = time.perf_counter()
    floor, strips = _floor_and_exits(venue, cap)
    sim = jps.Simulation(model=jps.CollisionFreeSpeedModel(), geometry=floor, dt=DT_S)
    if n == 0:
        return SimResult(cap.hall_id, 0, 0.0, wall_s=time.perf_counter() - t0)
    _add_agents(jps, sim, floor, cap=cap, strips=strips, n=n, seed=seed)
    remaining, shots = _run(sim, max_time_s=max_time_s, progress=progress, frames=frames)
    stuck = int(sim.agent_count())
    # Agents leave within the last simulated second; refining with that second's steps is
    # not worth it: report the end of that second (±1 s).
    end_s = float(sim.elapsed_time()) if stuck == 0 else None
    return SimResult(
        cap.hall_id, n, end_s, remaining, shots, stuck, wall_s=time.perf_counter() - t0
    )


def _add_agents(
    jps: Any,
    sim: Any,
    floor: BaseGeometry,
    *,
    cap: HallCapacity,
    strips: dict[int, Any],
    n: int,
    seed: int,
) -> None:
    """Spread ``n`` agents over the floor, each heading for its exit's strip."""
    stage: dict[int, tuple[int, int]] = {}
    for i, strip in strips.items():
        sid = sim.add_exit_stage(strip)
        stage[i] = (sid, sim.add_journey(jps.JourneyDescription([sid])))
    pos = np.asarray(
        jps.distribute_by_number(
            polygon=floor,
            number_of_agents=n,
            distance_to_agents=2.2 * _RADIUS_M,
            distance_to_polygon=_RADIUS_M + 0.05,
            seed=seed,
        )
    )
    for p, i in zip(pos, _assign_exits(pos, cap, strips), strict=True):
        sid, jid = stage[int(i)]
        sim.add_agent(
            jps.CollisionFreeSpeedModelAgentParameters(
                position=(float(p[0]), float(p[1])),
                journey_id=jid,
                stage_id=sid,
                desired_speed=SFPE_SPEED_MPS,
                radius=_RADIUS_M,
            )
        )


def _floor_and_exits(venue: Venue, cap: HallCapacity) -> tuple[BaseGeometry, dict[int, Any]]:
    """Return the hall's walkable floor and an exit strip per usable exit (by exit index)."""
    floor = _floor(venue, cap.hall_id)
    if floor.is_empty:
        msg = f"hall {cap.hall_id} has no open floor to simulate"
        raise FloorplanError(msg)
    ops = venue.openings.set_index(Col.OPENING_ID, drop=False)
    strips: dict[int, BaseGeometry] = {}
    for i, e in enumerate(cap.exits):
        line = shapely.get_coordinates(ops.loc[e.opening_id].geometry)
        strip = _exit_strip(line, floor)
        if strip is not None:
            strips[i] = strip
    if not strips:
        msg = f"hall {cap.hall_id} has no exit an agent can reach"
        raise FloorplanError(msg)
    return floor, strips


def _run(
    sim: Any,
    *,
    max_time_s: float,
    progress: Callable[[float, int], None] | None,
    frames: bool,
) -> tuple[tuple[tuple[float, int], ...], tuple[tuple[float, NDArray[np.float64]], ...]]:
    """Step ``sim`` a simulated second at a time; return agents left per second and frames."""
    remaining: list[tuple[float, int]] = []
    shots: list[tuple[float, NDArray[np.float64]]] = []
    steps_per_s = round(1.0 / DT_S)
    next_frame = 0.0
    while sim.agent_count() > 0 and sim.elapsed_time() < max_time_s:
        t = sim.elapsed_time()
        if frames and t >= next_frame - DT_S / 2:  # elapsed time sums float steps
            xy = np.array([a.position for a in sim.agents()], dtype=float).reshape(-1, 2)
            shots.append((t, xy))
            next_frame += FRAME_EVERY_S
        sim.iterate(steps_per_s)
        left = sim.agent_count()
        remaining.append((sim.elapsed_time(), left))
        if progress is not None:
            progress(sim.elapsed_time(), left)
    return tuple(remaining), tuple(shots)


def _assign_exits(
    pos: NDArray[np.float64], cap: HallCapacity, strips: dict[int, BaseGeometry]
) -> NDArray[np.int64]:
    """Return each agent's exit: that of its nearest walking sample, else the nearest strip."""
    usable = np.array(sorted(strips))
    centres = np.array([shapely.get_coordinates(strips[i].centroid)[0] for i in usable])
    straight = usable[cKDTree(centres).query(pos)[1]]
    tf = cap.travel_field
    if tf is None or len(tf.walk_xy) == 0:
        return straight.astype(np.int64)
    ok = np.isin(tf.walk_exit, usable)
    if not ok.any():
        return straight.astype(np.int64)
    near = cKDTree(tf.walk_xy[ok]).query(pos)[1]
    return np.asarray(tf.walk_exit[ok][near], dtype=np.int64)
