"""Estimate how many people each hall may hold, how far its exits are, and how fast it empties.

Per hall the numbers follow a *code profile* (a data file in ``floorplan/capacity/profiles/``, or
one a user writes; each value carries the clause it comes from and a ``verified`` flag):

- **occupant load**: floor area (gross, or net of fixed obstacles, as the profile says)
  times persons per m², rounded up;
- **egress capacity**: the total clear width of the hall's entrances, exits and emergency
  exits (connections to other halls do not count) divided by the width per person,
  rounded down;
- **capacity**: the smaller of the two; ``binding`` says which;
- **travel distance**: the open floor's point farthest from every exit, in a straight line
  (:mod:`floorplan.capacity.farthest`, grid ≤ 0.5 m refined locally) and walking (the router,
  from a bounded set of sample points; always at least the straight-line figure, since
  the straight-line farthest point is one of the samples).

The *open floor* is the hall minus booths and obstacles: where a visitor stands and
where the router walks. Exact quotient arithmetic (:class:`fractions.Fraction`) keeps
the roundings exact; areas are first rounded to 1e-6 m² to drop floating-point noise.

The hydraulic evacuation model (SFPE) is in :mod:`floorplan.capacity.evacuation`, crowding
(Fruin's levels of service, peak concurrency) in :mod:`floorplan.capacity.crowding`, the
agent simulation in :mod:`floorplan.capacity.sim`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from floorplan.capacity import farthest as _farthest
from floorplan.capacity.evacuation import SFPE_BOUNDARY_M, Evacuation, hydraulic_evacuation
from floorplan.capacity.profiles import DEFAULT_PROFILE, AreaBasis, Measure, Profile, load_profile
from floorplan.errors import NoRouteError, OptionError, PlaceError
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col, OpeningKind
from floorplan.venue import Venue

#: Opening kinds that lead out of the building; connections lead to another hall.
EXIT_KINDS: Final = frozenset(
    {OpeningKind.ENTRANCE.value, OpeningKind.EXIT.value, OpeningKind.EMERGENCY_EXIT.value}
)
#: Clearance kept by walkers from walls and booths when measuring walking distance.
WALK_CLEARANCE_M: Final = 0.5
#: Walking distances are measured from at most this many grid samples per hall.
WALK_SAMPLES: Final = 200
#: Plus this many of the farthest straight-line points (the first is the farthest).
_FAR_SAMPLES: Final = 12
_AREA_DIGITS: Final = 6
#: Heat-map grid spacing for the staff page (the farthest point uses a finer grid).
HEAT_SPACING_M: Final = 2.0

# --------------------------------------------------------------------------- halls


class Binding(StrEnum):
    """Which limit sets a hall's capacity."""

    OCCUPANT_LOAD = "occupant_load"
    EGRESS_WIDTH = "egress_width"
    NO_EXIT = "no_exit"


@dataclass
class ExitInfo:
    """One exit of a hall with its share of the occupants (by walking catchment)."""

    opening_id: str
    kind: str
    width_m: float
    effective_width_m: float
    share: float = 0.0
    min_walk_m: float = 0.0
    max_walk_m: float = 0.0


@dataclass
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


@dataclass
class HallCapacity:
    """The capacity figures of one hall (see the module docstring for definitions)."""

    hall_id: str
    name: str
    kind: str
    zone: str
    profile: str
    gross_area_m2: float
    net_area_m2: float
    booth_area_m2: float
    circulation_area_m2: float
    exits: list[ExitInfo]
    exit_width_m: float
    occupant_load: int
    egress_capacity: int
    capacity: int
    binding: str
    travel_limit_m: float
    travel_measure: str
    max_travel_straight_m: float | None
    farthest_straight_xy: tuple[float, float] | None
    max_travel_walk_m: float | None
    farthest_walk_xy: tuple[float, float] | None
    past_limit_m2: float
    past_limit_points: list[tuple[float, float]]
    evacuation: Evacuation | None
    findings: list[Problem] = field(default_factory=list)
    travel_field: TravelField | None = None

    @property
    def exit_count(self) -> int:
        """Return the number of exits counted."""
        return len(self.exits)

    @property
    def evacuation_s(self) -> float | None:
        """Return the hydraulic evacuation time at capacity."""
        return self.evacuation.evacuation_s if self.evacuation else None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the heat-map field is left out)."""

        def r(x: float | None, n: int = 3) -> float | None:
            return None if x is None or not math.isfinite(x) else round(x, n)

        def pt(p: tuple[float, float] | None) -> list[float] | None:
            return None if p is None else [round(p[0], 3), round(p[1], 3)]

        return {
            "hall_id": self.hall_id,
            "name": self.name,
            "kind": self.kind,
            "zone": self.zone,
            "profile": self.profile,
            "gross_area_m2": r(self.gross_area_m2),
            "net_area_m2": r(self.net_area_m2),
            "booth_area_m2": r(self.booth_area_m2),
            "circulation_area_m2": r(self.circulation_area_m2),
            "exit_count": self.exit_count,
            "exit_width_m": r(self.exit_width_m),
            "exits": [
                {
                    "opening_id": e.opening_id,
                    "kind": e.kind,
                    "width_m": r(e.width_m),
                    "effective_width_m": r(e.effective_width_m),
                    "share": r(e.share, 4),
                    "max_walk_m": r(e.max_walk_m, 2),
                }
                for e in self.exits
            ],
            "occupant_load": self.occupant_load,
            "egress_capacity": self.egress_capacity,
            "capacity": self.capacity,
            "binding": self.binding,
            "travel_limit_m": r(self.travel_limit_m),
            "travel_measure": self.travel_measure,
            "max_travel_straight_m": r(self.max_travel_straight_m, 2),
            "farthest_straight_xy": pt(self.farthest_straight_xy),
            "max_travel_walk_m": r(self.max_travel_walk_m, 2),
            "farthest_walk_xy": pt(self.farthest_walk_xy),
            "past_limit_m2": r(self.past_limit_m2, 2),
            "past_limit_points": [pt(p) for p in self.past_limit_points],
            "evacuation_s": r(self.evacuation_s, 1),
            "evacuation": self.evacuation.to_dict() if self.evacuation else None,
            "findings": [f.to_dict() for f in self.findings],
        }


def _area(x: float) -> float:
    return round(float(x), _AREA_DIGITS)


def _ceil(q: Fraction) -> int:
    return math.ceil(q)


def _open_floor(hall: BaseGeometry, blocked: Sequence[BaseGeometry]) -> BaseGeometry:
    if not blocked:
        return hall
    return shapely.difference(hall, shapely.union_all(list(blocked)))


def _hall_zone(venue: Venue, hall_id: str) -> str:
    b = venue.booths
    if len(b) == 0:
        return ""
    mine = b[b[Col.HALL_ID].astype(str) == hall_id]
    if len(mine) == 0:
        return ""
    areas = mine.geometry.area.groupby(mine[Col.ZONE].astype(str)).sum()
    return str(areas.idxmax())


def _hall_venue(venue: Venue, hall_id: str) -> Venue:
    """Return a venue of one hall with only its exits as doors (for a small, fast router)."""

    def mine(frame: Any) -> Any:
        return frame[frame[Col.HALL_ID].astype(str) == hall_id] if len(frame) else frame

    ops = mine(venue.openings)
    if len(ops):
        ops = ops[ops[Col.KIND].astype(str).isin(EXIT_KINDS)]
    return Venue(
        halls=mine(venue.halls),
        booths=mine(venue.booths),
        openings=ops,
        obstacles=mine(venue.obstacles),
        kiosks=venue.kiosks.iloc[0:0],
        amenities=venue.amenities.iloc[0:0],
        events=venue.events.iloc[0:0],
        name=venue.name,
    )


def _walk_distances(
    router: Any,
    floor: BaseGeometry,
    pts: NDArray[np.float64],
    exits: list[ExitInfo],
    segs: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return each point's walking distance to its nearest exit and that exit's index.

    Exits are tried in order of straight-line distance; since a walk is never shorter
    than the straight line, the search stops once the next exit is farther in a straight
    line than the best walk found.
    """
    straight = _farthest.segment_distances(pts, segs)
    inner = floor.buffer(-0.05)
    out = np.full(len(pts), np.inf)
    best_exit = np.full(len(pts), -1, dtype=np.int64)
    for i, p in enumerate(pts):
        origin = (float(p[0]), float(p[1]))
        step = 0.0
        for k in np.argsort(straight[i]):
            if straight[i, k] >= out[i]:
                break
            try:
                length = router.route(origin, exits[k].opening_id).length_m
            except PlaceError:
                # On a booth's edge up to rounding: start a few centimetres inside the open
                # floor; the step counts, so the walk stays at least the straight line.
                if inner.is_empty or step > 0:
                    break
                q = shapely.get_coordinates(shapely.shortest_line(shapely.Point(p), inner))[1]
                step = float(np.hypot(*(q - p)))
                origin = (float(q[0]), float(q[1]))
                try:
                    length = router.route(origin, exits[k].opening_id).length_m
                except (PlaceError, NoRouteError):
                    continue
            except NoRouteError:
                continue
            if length + step < out[i]:
                out[i] = length + step
                best_exit[i] = k
    return out, best_exit


def _walk_samples(floor: BaseGeometry, n: int) -> NDArray[np.float64]:
    """Return about ``n`` points of an even grid over ``floor``."""
    if floor.is_empty or n <= 0:
        return np.zeros((0, 2))
    spacing = max(math.sqrt(floor.area / n), 0.5)
    pts = _farthest.grid_points(floor, spacing)
    while len(pts) > 1.3 * n:  # thin floors: the bounding box overestimates the count
        spacing *= 1.15
        pts = _farthest.grid_points(floor, spacing)
    return pts


def hall_capacity(
    venue: Venue,
    *,
    profile: Profile | str | Path = DEFAULT_PROFILE,
    sprinklered: bool = False,
    router: Any = None,
    walk_samples: int = WALK_SAMPLES,
    halls: Iterable[str] | None = None,
    spacing_m: float = _farthest.MAX_SPACING_M,
    with_field: bool = False,
) -> list[HallCapacity]:
    """Return the capacity figures of every hall of ``venue``.

    Parameters
    ----------
    venue
        The venue.
    profile
        A :class:`Profile`, a profile name or a profile file.
    sprinklered
        Use the profile's travel limit for sprinklered buildings.
    router
        A :class:`~floorplan.routing.Router` to measure walking distances with. Default:
        one small router per hall holding only that hall and its exits (a walk to an exit
        stays in its hall, and the small graph is several times faster to search).
    walk_samples
        Grid points per hall whose walking distance is measured (plus the farthest
        straight-line points). 0 skips walking distances.
    halls
        Only these hall ids (default: all).
    spacing_m
        Grid spacing of the straight-line farthest point search (≤ 0.5 m).
    with_field
        Keep the heat-map grid and walking samples in :attr:`HallCapacity.field`.

    Raises
    ------
    OptionError
        When the profile is unknown (the message lists the known ones) or a hall id is.
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    limit_m, measure, _ = prof.travel(sprinklered=sprinklered)
    all_ids = [str(h) for h in venue.halls[Col.HALL_ID]]
    wanted = all_ids if halls is None else list(halls)
    unknown = [h for h in wanted if h not in all_ids]
    if unknown:
        msg = f"unknown hall {unknown[0]!r}; halls: {', '.join(all_ids)}"
        raise OptionError(msg)
    out = []
    for hid in wanted:
        k = all_ids.index(hid)
        out.append(
            _one_hall(
                venue,
                k,
                prof=prof,
                limit_m=limit_m,
                measure=measure,
                router=router,
                walk_samples=walk_samples,
                spacing_m=spacing_m,
                with_field=with_field,
            )
        )
    return out


def _one_hall(
    venue: Venue,
    k: int,
    *,
    prof: Profile,
    limit_m: float,
    measure: Measure,
    router: Any,
    walk_samples: int,
    spacing_m: float,
    with_field: bool,
) -> HallCapacity:
    row = venue.halls.iloc[k]
    hid = str(row[Col.HALL_ID])
    hall = row.geometry
    name = str(row.get(Col.NAME, "") or hid)
    kind = str(row.get(Col.KIND, "") or "hall")

    def mine(frame: Any) -> list[BaseGeometry]:
        if len(frame) == 0:
            return []
        return list(frame.geometry.values[(frame[Col.HALL_ID].astype(str) == hid).to_numpy()])

    booths, obstacles = mine(venue.booths), mine(venue.obstacles)
    gross = _area(hall.area)
    fixed = shapely.intersection(hall, shapely.union_all(obstacles)) if obstacles else None
    net = _area(gross - (fixed.area if fixed is not None else 0.0))
    booth_area = _area(shapely.union_all(booths).area) if booths else 0.0
    circulation = _area(max(net - booth_area, 0.0))
    floor = _open_floor(hall, booths + obstacles)

    exits: list[ExitInfo] = []
    seg_list = []
    ops = venue.openings
    if len(ops):
        for _, o in ops[ops[Col.HALL_ID].astype(str) == hid].iterrows():
            okind = str(o[Col.KIND])
            if okind not in EXIT_KINDS:
                continue
            width = float(o[Col.WIDTH_M])
            eff = max(width - 2 * SFPE_BOUNDARY_M, 0.0)
            exits.append(ExitInfo(str(o[Col.OPENING_ID]), okind, width, eff))
            co = shapely.get_coordinates(o.geometry)
            seg_list.append([co[0], co[-1]])
    segs = np.asarray(seg_list, dtype=float).reshape(-1, 2, 2)
    exit_width = float(sum(Fraction(str(e.width_m)) for e in exits))

    area_basis = gross if prof.area_basis is AreaBasis.GROSS else net
    occupant_load = _ceil(Fraction(str(area_basis)) * prof.persons_per_m2)
    egress = math.floor(Fraction(str(exit_width)) / prof.width_per_person_m) if exits else 0
    findings: list[Problem] = []
    if not exits:
        binding = Binding.NO_EXIT
        capacity = 0
        findings.append(
            Problem(
                "halls",
                hid,
                RuleCode.NO_EXIT,
                f"hall {hid} has no entrance, exit or emergency exit (connections to other "
                "halls do not count): capacity 0",
            )
        )
    elif egress < occupant_load:
        binding, capacity = Binding.EGRESS_WIDTH, egress
    else:
        binding, capacity = Binding.OCCUPANT_LOAD, occupant_load

    far = (
        _farthest.farthest_point(floor, segs, spacing_m=spacing_m, limit_m=limit_m)
        if exits
        else None
    )
    straight = far.distance_m if far else None
    far_xy = far.xy if far else None

    walk_m: float | None = None
    walk_xy: tuple[float, float] | None = None
    tf: TravelField | None = None
    heat = _farthest.grid_points(floor, HEAT_SPACING_M) if exits else np.zeros((0, 2))
    heat_d = _farthest.segment_distances(heat, segs).min(axis=1) if len(heat) else np.zeros(0)
    past_points: list[tuple[float, float]] = []
    if exits and walk_samples > 0 and far is not None:
        sub = router
        if sub is None:
            from floorplan.routing import Router  # noqa: PLC0415 - routing is heavy

            sub = Router(_hall_venue(venue, hid), clearance_m=WALK_CLEARANCE_M)
        grid = _walk_samples(floor, walk_samples)
        # The farthest straight-line points: the first is the maximum itself, which makes
        # the walking maximum at least the straight-line one.
        top = heat[np.argsort(-heat_d)[: _FAR_SAMPLES - 1]] if len(heat) else np.zeros((0, 2))
        pts = np.concatenate([grid, np.asarray([far.xy]), top])
        wd, we = _walk_distances(sub, floor, pts, exits, segs)
        tf = TravelField(heat, heat_d, pts, wd, we, len(grid))
        reach = np.isfinite(wd)
        if reach.any():
            j = int(np.argmax(np.where(reach, wd, -1)))
            walk_m, walk_xy = float(wd[j]), (float(pts[j, 0]), float(pts[j, 1]))
        if not reach.all():
            bad = pts[~reach][0]
            walk_m = None
            findings.append(
                Problem(
                    "halls",
                    hid,
                    RuleCode.UNREACHABLE_FLOOR,
                    f"hall {hid}: open floor at ({bad[0]:.1f}, {bad[1]:.1f}) and "
                    f"{int((~reach).sum()) - 1} other sample(s) reach no exit on foot",
                )
            )
        _catchments(exits, wd, we, len(grid))
        if measure is Measure.WALK:
            past_points = [(float(x), float(y)) for x, y in pts[wd > limit_m]]
    elif exits:
        tf = TravelField(heat, heat_d, np.zeros((0, 2)), np.zeros(0), np.zeros(0, np.int64))
        _catchments_straight(exits, heat, heat_d, segs)
    if measure is Measure.STRAIGHT and len(heat):
        past_points = [(float(x), float(y)) for x, y in heat[heat_d > limit_m]]
    if measure is Measure.STRAIGHT:
        past_area = far.past_limit_m2 if far else 0.0
        worst = straight
    else:
        cell = HEAT_SPACING_M**2
        past_area = (
            float(len(past_points)) * cell
            if tf is None or tf.n_grid == 0
            else (
                float(np.count_nonzero(tf.walk_m[: tf.n_grid] > limit_m)) * floor.area / tf.n_grid
            )
        )
        worst = walk_m
    if worst is not None and worst > limit_m:
        findings.append(
            Problem(
                "halls",
                hid,
                RuleCode.TRAVEL_LIMIT,
                f"hall {hid}: the farthest point is {worst:.1f} m from an exit "
                f"({measure.value}), over the {prof.name} limit of {limit_m:g} m; "
                f"about {past_area:.0f} m² of floor is past it",
            )
        )
    cap = HallCapacity(
        hall_id=hid,
        name=name,
        kind=kind,
        zone=_hall_zone(venue, hid),
        profile=prof.name,
        gross_area_m2=gross,
        net_area_m2=net,
        booth_area_m2=booth_area,
        circulation_area_m2=circulation,
        exits=exits,
        exit_width_m=exit_width,
        occupant_load=occupant_load,
        egress_capacity=egress,
        capacity=capacity,
        binding=binding.value,
        travel_limit_m=limit_m,
        travel_measure=measure.value,
        max_travel_straight_m=straight,
        farthest_straight_xy=far_xy,
        max_travel_walk_m=walk_m,
        farthest_walk_xy=walk_xy,
        past_limit_m2=past_area,
        past_limit_points=past_points,
        evacuation=None,
        findings=findings,
        travel_field=tf,
    )
    if exits:
        cap.evacuation = hydraulic_evacuation(cap)
    if not with_field:
        cap.travel_field = None
    return cap


def _catchments(
    exits: list[ExitInfo], wd: NDArray[np.float64], we: NDArray[np.int64], n_grid: int
) -> None:
    """Set each exit's share of the floor (even-grid samples) and its walking extremes."""
    grid_e = we[:n_grid]
    reach = grid_e >= 0
    total = max(int(reach.sum()), 1)
    for i, e in enumerate(exits):
        e.share = float(np.count_nonzero(grid_e == i)) / total
        mine = wd[(we == i) & np.isfinite(wd)]
        e.min_walk_m = float(mine.min()) if len(mine) else 0.0
        e.max_walk_m = float(mine.max()) if len(mine) else 0.0


def _catchments_straight(
    exits: list[ExitInfo],
    pts: NDArray[np.float64],
    d: NDArray[np.float64],
    segs: NDArray[np.float64],
) -> None:
    """Set the catchments by straight-line distance (when walking is not measured)."""
    if len(pts) == 0:
        return
    near = np.argmin(_farthest.segment_distances(pts, segs), axis=1)
    for i, e in enumerate(exits):
        sel = near == i
        e.share = float(np.count_nonzero(sel)) / len(pts)
        e.min_walk_m = float(d[sel].min()) if sel.any() else 0.0
        e.max_walk_m = float(d[sel].max()) if sel.any() else 0.0


# --------------------------------------------------------------------------- totals


@dataclass
class CapacityTotal:
    """Sums over several halls: a zone (halls whose booth area is mostly that zone) or the venue."""

    name: str
    hall_ids: list[str]
    gross_area_m2: float
    booth_area_m2: float
    circulation_area_m2: float
    exit_width_m: float
    occupant_load: int
    egress_capacity: int
    capacity: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        for k in ("gross_area_m2", "booth_area_m2", "circulation_area_m2", "exit_width_m"):
            d[k] = round(d[k], 3)
        return d


def totals(caps: Sequence[HallCapacity], *, by: str = "zone") -> list[CapacityTotal]:
    """Return totals per zone (``by="zone"``) or one for the whole venue (``by="venue"``).

    A hall counts in the zone holding most of its booth area; halls without booths
    (concourses) count in a zone named ``""``. Capacities add because each hall empties
    through its own exits.
    """
    if by not in {"zone", "venue"}:
        msg = f"unknown grouping {by!r}; valid: zone, venue"
        raise OptionError(msg)
    groups: dict[str, list[HallCapacity]] = {}
    for c in caps:
        groups.setdefault(c.zone if by == "zone" else "venue", []).append(c)
    return [
        CapacityTotal(
            name=key,
            hall_ids=[c.hall_id for c in cs],
            gross_area_m2=sum(c.gross_area_m2 for c in cs),
            booth_area_m2=sum(c.booth_area_m2 for c in cs),
            circulation_area_m2=sum(c.circulation_area_m2 for c in cs),
            exit_width_m=sum(c.exit_width_m for c in cs),
            occupant_load=sum(c.occupant_load for c in cs),
            egress_capacity=sum(c.egress_capacity for c in cs),
            capacity=sum(c.capacity for c in cs),
        )
        for key, cs in groups.items()
    ]
