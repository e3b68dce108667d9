"""Estimate how fast a hall empties with the SFPE hydraulic model."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

from floorplan.capacity.crowding import parse_count

if TYPE_CHECKING:
    from floorplan.capacity.results import HallCapacity


#: SFPE hydraulic model: free walking speed, maximum specific flow, boundary layer.
SFPE_SPEED_MPS: Final = 1.19
SFPE_MAX_FLOW_PSPM: Final = 1.3
SFPE_BOUNDARY_M: Final = 0.15

# --------------------------------------------------------------------------- evacuation


@dataclass(frozen=True)
class Evacuation:
    """A hydraulic (SFPE) evacuation estimate for one hall.

    Attributes
    ----------
    occupants
        People in the hall at the start.
    travel_s
        The walk of the person farthest from their nearest exit, at the free speed.
    queue_s
        The longest queue discharge: occupants of an exit's catchment over its flow
        (specific flow × effective width).
    evacuation_s
        The time the last person leaves: per exit, the farthest walker's travel time plus
        the queue's discharge time at that exit; the latest exit (the issue's "travel time
        to the nearest exit plus queueing time at the exits").
    lower_s
        A lower bound: per exit, the later of the farthest walker's arrival and the first
        arrival plus the queue's discharge (walking and queueing fully overlapped).
    upper_s
        The whole-hall sum ``travel_s + queue_s`` (the longest walk and the longest queue,
        possibly at different exits): an upper bound.
    per_exit_s
        ``evacuation_s`` of each exit, by opening id.
    """

    occupants: int
    travel_s: float
    queue_s: float
    evacuation_s: float
    lower_s: float
    upper_s: float
    per_exit_s: dict[str, float]
    speed_mps: float = SFPE_SPEED_MPS
    flow_pspm: float = SFPE_MAX_FLOW_PSPM
    boundary_m: float = SFPE_BOUNDARY_M

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        for k in ("travel_s", "queue_s", "evacuation_s", "lower_s", "upper_s"):
            d[k] = round(d[k], 1)
        d["per_exit_s"] = {k: round(v, 1) for k, v in self.per_exit_s.items()}
        return d


def hydraulic_evacuation(
    cap: HallCapacity,
    occupants: int | None = None,
    *,
    speed_mps: float = SFPE_SPEED_MPS,
    flow_pspm: float = SFPE_MAX_FLOW_PSPM,
    boundary_m: float = SFPE_BOUNDARY_M,
) -> Evacuation:
    """Return the SFPE hydraulic evacuation estimate of a hall.

    Each occupant walks at ``speed_mps`` to the exit nearest on foot (the catchments of
    :func:`hall_capacity`; occupants spread evenly over the open floor). An exit passes at
    most ``flow_pspm`` persons per second per metre of effective width (clear width less
    ``boundary_m`` each side). An exit is clear after its farthest walker's travel time
    plus its queue's discharge time (occupants of its catchment over its flow); the hall
    is clear when its last exit is. ``lower_s`` and ``upper_s`` bracket that estimate.

    Parameters
    ----------
    cap
        A hall's figures from :func:`hall_capacity`.
    occupants
        People in the hall (default: its capacity).

    Raises
    ------
    CountError
        When ``occupants`` is negative or not a whole number.
    """
    n = cap.load.capacity if occupants is None else parse_count(occupants, hall_id=cap.hall_id)
    per_exit: dict[str, float] = {}
    lower = 0.0
    travel = 0.0
    queue = 0.0
    for e in cap.exits:
        ni = n * e.share
        width = max(e.clear_m - 2 * boundary_m, 0.0)
        flow = flow_pspm * width
        q = math.inf if ni > 0 and flow <= 0 else ni / flow if ni > 0 else 0.0
        walk_last = e.max_walk_m / speed_mps if ni > 0 else 0.0
        walk_first = e.min_walk_m / speed_mps if ni > 0 else 0.0
        per_exit[e.opening_id] = walk_last + q
        lower = max(lower, walk_last, walk_first + q)
        travel = max(travel, walk_last)
        queue = max(queue, q)
    if not cap.exits:
        inf = math.inf if n > 0 else 0.0
        return Evacuation(n, inf, inf, inf, inf, inf, {}, speed_mps, flow_pspm, boundary_m)
    evac = max(per_exit.values()) if per_exit else 0.0
    return Evacuation(
        n, travel, queue, evac, lower, travel + queue, per_exit, speed_mps, flow_pspm, boundary_m
    )
