"""Hold the capacity figures of a hall as frozen, nested records.

:func:`floorplan.capacity.hall_capacity` returns one :class:`HallCapacity` per hall:

- who it is: ``hall_id``, ``name``, ``kind``, ``zone``, ``profile``;
- :class:`Areas`: gross, net (less fixed obstacles), booths, circulation;
- ``exits``: a tuple of :class:`ExitInfo` (clear width, catchment share, walks);
- :class:`Load`: occupant load, egress capacity, capacity and the :class:`Binding` limit;
- :class:`Travel`: the travel limit, how it is measured, the farthest points in a
  straight line and walking, and the floor past the limit;
- the hydraulic :class:`~floorplan.capacity.evacuation.Evacuation` at capacity;
- ``travel_field``: the heat-map grid (:class:`TravelField`), kept only on request.

``HallCapacity.to_dict()`` is the flat record of ``floorplan capacity --json`` (its keys
are what other tools read, and stay as they were before the records were nested; keys
added since come after them). The hall's problems (``findings``) are the rule engine's,
added by :class:`~floorplan.capacity.report.CapacityReport`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from floorplan.capacity.profiles import Measure
from floorplan.schema import OpeningKind

if TYPE_CHECKING:
    from floorplan.capacity.evacuation import Evacuation

__all__ = [
    "Areas",
    "Binding",
    "CapacityTotal",
    "ExitInfo",
    "HallCapacity",
    "Load",
    "Travel",
    "TravelField",
]


class Binding(StrEnum):
    """Which limit sets a hall's capacity."""

    OCCUPANT_LOAD = "occupant_load"
    EGRESS_WIDTH = "egress_width"
    NO_EXIT = "no_exit"


@dataclass(frozen=True)
class Areas:
    """A hall's floor areas in m² (rounded to 1e-6 m² to drop floating-point noise).

    Attributes
    ----------
    gross_m2
        The hall's polygon.
    net_m2
        Less fixed obstacles (columns, stairs): where people may be.
    booth_m2
        Under booths.
    circulation_m2
        Net less booths: aisles and open floor.
    """

    gross_m2: float
    net_m2: float
    booth_m2: float
    circulation_m2: float


@dataclass(frozen=True)
class ExitInfo:
    """One exit of a hall with its share of the occupants (by walking catchment).

    Attributes
    ----------
    opening_id, kind, width_m
        The opening, its kind (entrance, exit, emergency exit) and width.
    effective_width_m
        The clear width (the width less what booths block) less the SFPE boundary layer
        on each side.
    share
        The share of the open floor whose nearest exit (on foot) this is.
    min_walk_m, max_walk_m
        The shortest and longest walk to it within its catchment.
    blocked_m, blocked_by
        The width that booths standing in the exit's keep-clear zone block (their
        shadow on the door), and those booths' ids. Capacity counts only the rest.
    """

    opening_id: str
    kind: OpeningKind
    width_m: float
    effective_width_m: float
    share: float = 0.0
    min_walk_m: float = 0.0
    max_walk_m: float = 0.0
    blocked_m: float = 0.0
    blocked_by: tuple[str, ...] = ()

    @property
    def clear_m(self) -> float:
        """Return the width left clear: the width less what booths in front of it block."""
        return max(self.width_m - self.blocked_m, 0.0)


@dataclass(frozen=True)
class Load:
    """How many people a hall may hold, and which limit says so.

    Attributes
    ----------
    occupant_load
        Floor area (gross or net, as the profile says) times persons per m², rounded up.
    egress_capacity
        The exits' total clear width (less what booths block) over the width per person,
        rounded down (0 for none).
    capacity
        The smaller of the two (0 without an exit).
    binding
        Which of them sets the capacity.
    """

    occupant_load: int
    egress_capacity: int
    capacity: int
    binding: Binding


@dataclass(frozen=True)
class Travel:
    """How far a hall's occupants are from an exit, against the profile's limit.

    Attributes
    ----------
    limit_m, measure
        The profile's travel limit and whether it is measured in a straight line or
        walking.
    straight_m, straight_xy
        The open floor's point farthest from every exit in a straight line, and its
        distance (``None`` for a hall without an exit).
    walk_m, walk_xy
        The walking sample farthest from its nearest exit; ``walk_m`` is ``None`` when
        walks were not measured or some sample reaches no exit (``walk_xy`` then still
        names the farthest sample that does).
    past_limit_m2, past_limit_points
        Floor farther than the limit by the profile's measure, and sample points there.
    unreached_points
        Walking samples from which no exit can be reached on clear floor (the walkers
        keep their clearance; the rule engine's ``unreachable_floor`` asks less).
    """

    limit_m: float
    measure: Measure
    straight_m: float | None = None
    straight_xy: tuple[float, float] | None = None
    walk_m: float | None = None
    walk_xy: tuple[float, float] | None = None
    past_limit_m2: float = 0.0
    past_limit_points: tuple[tuple[float, float], ...] = ()
    unreached_points: tuple[tuple[float, float], ...] = ()

    @property
    def worst_m(self) -> float | None:
        """Return the farthest distance by the profile's own measure."""
        return self.straight_m if self.measure is Measure.STRAIGHT else self.walk_m

    @property
    def over_limit(self) -> bool:
        """Whether some floor is farther from an exit than the limit allows."""
        worst = self.worst_m
        return worst is not None and worst > self.limit_m


@dataclass(frozen=True, eq=False)
class TravelField:
    """Distances to the nearest exit over a hall, for the heat map (not in ``to_dict``).

    Attributes
    ----------
    xy, straight_m
        Grid points (``HEAT_SPACING_M``) of the open floor and their straight distance.
    walk_xy, walk_m, walk_exit
        The walking samples, their walking distance and the index of their nearest
        exit (in :attr:`HallCapacity.exits`; -1 and ``inf`` when none is reachable).
    n_grid
        How many of the walking samples come from the even grid (the rest are the
        farthest straight-line points, which would bias the catchment shares).
    """

    xy: NDArray[np.float64]
    straight_m: NDArray[np.float64]
    walk_xy: NDArray[np.float64]
    walk_m: NDArray[np.float64]
    walk_exit: NDArray[np.int64]
    n_grid: int = 0


def _r(x: float | None, n: int = 3) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, n)


def _pt(p: tuple[float, float] | None) -> list[float] | None:
    return None if p is None else [round(p[0], 3), round(p[1], 3)]


@dataclass(frozen=True)
class HallCapacity:
    """The capacity figures of one hall (see :mod:`floorplan.capacity.hall` for definitions)."""

    hall_id: str
    name: str
    kind: str
    zone: str
    profile: str
    areas: Areas
    exits: tuple[ExitInfo, ...]
    load: Load
    travel: Travel
    evacuation: Evacuation | None = None
    travel_field: TravelField | None = None

    @property
    def exit_count(self) -> int:
        """Return the number of exits counted."""
        return len(self.exits)

    @property
    def exit_width_m(self) -> float:
        """Return the exits' total width (summed exactly, as the egress capacity is)."""
        return float(sum(Fraction(str(e.width_m)) for e in self.exits))

    @property
    def blocked_width_m(self) -> float:
        """Return the exit width that booths block (left out of the egress capacity)."""
        return float(sum(Fraction(str(e.blocked_m)) for e in self.exits))

    @property
    def clear_width_m(self) -> float:
        """Return the exits' total clear width: what the egress capacity counts."""
        return float(sum(Fraction(str(e.width_m)) - Fraction(str(e.blocked_m)) for e in self.exits))

    @property
    def evacuation_s(self) -> float | None:
        """Return the hydraulic evacuation time at capacity."""
        return self.evacuation.evacuation_s if self.evacuation else None

    def to_dict(self) -> dict[str, Any]:
        """Return the flat JSON record of ``floorplan capacity --json`` (no heat map)."""
        a, load, t = self.areas, self.load, self.travel
        return {
            "hall_id": self.hall_id,
            "name": self.name,
            "kind": self.kind,
            "zone": self.zone,
            "profile": self.profile,
            "gross_area_m2": _r(a.gross_m2),
            "net_area_m2": _r(a.net_m2),
            "booth_area_m2": _r(a.booth_m2),
            "circulation_area_m2": _r(a.circulation_m2),
            "exit_count": self.exit_count,
            "exit_width_m": _r(self.exit_width_m),
            "exits": [
                {
                    "opening_id": e.opening_id,
                    "kind": str(e.kind),
                    "width_m": _r(e.width_m),
                    "effective_width_m": _r(e.effective_width_m),
                    "share": _r(e.share, 4),
                    "max_walk_m": _r(e.max_walk_m, 2),
                    "blocked_m": _r(e.blocked_m),
                    "blocked_by": list(e.blocked_by),
                }
                for e in self.exits
            ],
            "occupant_load": load.occupant_load,
            "egress_capacity": load.egress_capacity,
            "capacity": load.capacity,
            "binding": str(load.binding),
            "travel_limit_m": _r(t.limit_m),
            "travel_measure": str(t.measure),
            "max_travel_straight_m": _r(t.straight_m, 2),
            "farthest_straight_xy": _pt(t.straight_xy),
            "max_travel_walk_m": _r(t.walk_m, 2),
            "farthest_walk_xy": _pt(t.walk_xy),
            "past_limit_m2": _r(t.past_limit_m2, 2),
            "past_limit_points": [_pt(p) for p in t.past_limit_points],
            "evacuation_s": _r(self.evacuation_s, 1),
            "evacuation": self.evacuation.to_dict() if self.evacuation else None,
            # Added since: after the keys other tools read, in their old order.
            "blocked_width_m": _r(self.blocked_width_m),
            "clear_width_m": _r(self.clear_width_m),
            "unreached_points": [_pt(p) for p in t.unreached_points],
        }


@dataclass(frozen=True)
class CapacityTotal:
    """Sums over several halls: a zone (halls whose booth area is mostly that zone) or the venue."""

    name: str
    hall_ids: tuple[str, ...]
    gross_area_m2: float
    booth_area_m2: float
    circulation_area_m2: float
    exit_width_m: float
    occupant_load: int
    egress_capacity: int
    capacity: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d: dict[str, Any] = asdict(self)
        d["hall_ids"] = list(self.hall_ids)
        for k in ("gross_area_m2", "booth_area_m2", "circulation_area_m2", "exit_width_m"):
            d[k] = round(d[k], 3)
        return d
