"""Estimate how many people each hall may hold, how far its exits are, and how fast it empties.

Per hall the numbers follow a *code profile* (a data file in ``floorplan/capacity/profiles/``, or
one a user writes; each value carries the clause it comes from and a ``verified`` flag):

- **occupant load**: floor area (gross, or net of fixed obstacles, as the profile says)
  times persons per m², rounded up;
- **egress capacity**: the total clear width of the hall's entrances, exits and emergency
  exits (connections to other halls do not count) divided by the width per person,
  rounded down; an exit's clear width leaves out what booths standing in its keep-clear
  zone block (:func:`floorplan.validate.floor.blocked_widths`: their shadow on the door),
  and the exit reports that width and those booths;
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

These are figures. Whether a hall breaks a code rule (too far from an exit, too little
exit width for its occupant load) is decided once, by the rule engine's code rules
(:mod:`floorplan.rules`), which :mod:`floorplan.capacity.report` shows beside the figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from floorplan.capacity import farthest as _farthest
from floorplan.capacity.evacuation import SFPE_BOUNDARY_M, hydraulic_evacuation
from floorplan.capacity.profiles import DEFAULT_PROFILE, AreaBasis, Measure, Profile, load_profile
from floorplan.capacity.results import (
    Areas,
    Binding,
    CapacityTotal,
    ExitInfo,
    HallCapacity,
    Load,
    Travel,
    TravelField,
)
from floorplan.errors import NoRouteError, OptionError, PlaceError
from floorplan.schema import Col, OpeningKind
from floorplan.validate.floor import KEEP_CLEAR_M, blocked_widths, keep_clear_zones
from floorplan.venue import Venue

__all__ = ["EXIT_KINDS", "HEAT_SPACING_M", "WALK_CLEARANCE_M", "WALK_SAMPLES", "hall_capacity"]

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


def _area(x: float) -> float:
    return round(float(x), _AREA_DIGITS)


def _open_floor(hall: BaseGeometry, blocked: Sequence[BaseGeometry]) -> BaseGeometry:
    if not blocked:
        return hall
    return shapely.difference(hall, shapely.union_all(list(blocked)))


def _in_hall(frame: Any, hall_id: str) -> list[BaseGeometry]:
    """Return the geometries of ``frame``'s rows in hall ``hall_id``."""
    if len(frame) == 0:
        return []
    return list(frame.geometry.values[(frame[Col.HALL_ID].astype(str) == hall_id).to_numpy()])


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
    exits: Sequence[ExitInfo],
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
        Keep the heat-map grid and walking samples in :attr:`HallCapacity.travel_field`.

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
    how = _How(prof, limit_m, measure, router, walk_samples, spacing_m, with_field)
    return [_one_hall(venue, all_ids.index(hid), how) for hid in wanted]


@dataclass(frozen=True)
class _How:
    """How every hall of one :func:`hall_capacity` call is measured."""

    prof: Profile
    limit_m: float
    measure: Measure
    router: Any
    walk_samples: int
    spacing_m: float
    with_field: bool


@dataclass(frozen=True, eq=False)
class _Floor:
    """One hall's open floor and exits: what the travel figures are measured over."""

    hall_id: str
    floor: BaseGeometry
    exits: tuple[ExitInfo, ...]
    #: The exits as ``(k, 2, 2)`` segments (first and last vertex of each opening).
    segs: NDArray[np.float64]


def _one_hall(venue: Venue, k: int, how: _How) -> HallCapacity:
    row = venue.halls.iloc[k]
    hid = str(row[Col.HALL_ID])
    booths, obstacles = _in_hall(venue.booths, hid), _in_hall(venue.obstacles, hid)
    areas = _areas(row.geometry, booths, obstacles)
    exits, segs = _exits(venue, hid, row.geometry)
    where = _Floor(hid, _open_floor(row.geometry, booths + obstacles), exits, segs)
    load = _load(areas, exits, how.prof)
    travel, exits, field = _travel(venue, where, how)
    cap = HallCapacity(
        hall_id=hid,
        name=str(row.get(Col.NAME, "") or hid),
        kind=str(row.get(Col.KIND, "") or "hall"),
        zone=_hall_zone(venue, hid),
        profile=how.prof.name,
        areas=areas,
        exits=exits,
        load=load,
        travel=travel,
        travel_field=field if how.with_field else None,
    )
    return replace(cap, evacuation=hydraulic_evacuation(cap)) if exits else cap


def _areas(
    hall: BaseGeometry, booths: Sequence[BaseGeometry], obstacles: Sequence[BaseGeometry]
) -> Areas:
    """Return the hall's gross, net (less fixed obstacles), booth and circulation areas."""
    gross = _area(hall.area)
    fixed = shapely.intersection(hall, shapely.union_all(obstacles)) if obstacles else None
    net = _area(gross - (fixed.area if fixed is not None else 0.0))
    booth_area = _area(shapely.union_all(booths).area) if booths else 0.0
    return Areas(gross, net, booth_area, _area(max(net - booth_area, 0.0)))


def _exits(
    venue: Venue, hall_id: str, hall: BaseGeometry
) -> tuple[tuple[ExitInfo, ...], NDArray[np.float64]]:
    """Return the hall's exits (connections to other halls do not count) and their segments.

    Each exit carries the width that booths of the hall standing in its keep-clear zone
    block, and which booths those are.
    """
    ops = venue.openings
    if len(ops) == 0:
        return (), np.zeros((0, 2, 2))
    mine = ops[
        (ops[Col.HALL_ID].astype(str) == hall_id).to_numpy()
        & ops[Col.KIND].astype(str).isin(EXIT_KINDS).to_numpy()
    ]
    lines = np.asarray(mine.geometry.values, dtype=object)
    b = venue.booths
    in_hall = (b[Col.HALL_ID].astype(str) == hall_id).to_numpy() if len(b) else np.zeros(0, bool)
    booth_geoms = np.asarray(b.geometry.values, dtype=object)[in_hall]
    booth_ids = b[Col.BOOTH_ID].astype(str).to_numpy()[in_hall] if len(b) else np.zeros(0)
    zones = keep_clear_zones(lines, np.full(len(lines), hall, dtype=object), KEEP_CLEAR_M)
    blocked, who = blocked_widths(lines, zones, booth_geoms)
    exits: list[ExitInfo] = []
    seg_list = []
    for k, (_, o) in enumerate(mine.iterrows()):
        width = float(o[Col.WIDTH_M])
        # The shadow is measured along the drawn line; width_m may differ from its length.
        length = float(o.geometry.length) or width
        lost = min(width, round(float(blocked[k]) * width / length, 6))
        eff = max(width - lost - 2 * SFPE_BOUNDARY_M, 0.0)
        by = tuple(str(booth_ids[i]) for i in who[k])
        kind = OpeningKind(str(o[Col.KIND]))
        exits.append(
            ExitInfo(str(o[Col.OPENING_ID]), kind, width, eff, blocked_m=lost, blocked_by=by)
        )
        co = shapely.get_coordinates(o.geometry)
        seg_list.append([co[0], co[-1]])
    return tuple(exits), np.asarray(seg_list, dtype=float).reshape(-1, 2, 2)


def _load(areas: Areas, exits: Sequence[ExitInfo], prof: Profile) -> Load:
    """Return the occupant load, the egress capacity of the clear exit width, and which binds."""
    basis = areas.gross_m2 if prof.area_basis is AreaBasis.GROSS else areas.net_m2
    occupant_load = prof.occupants(basis)
    width = sum(Fraction(str(e.width_m)) - Fraction(str(e.blocked_m)) for e in exits)
    egress = prof.egress(float(width)) if exits else 0
    if not exits:
        return Load(occupant_load, egress, 0, Binding.NO_EXIT)
    if egress < occupant_load:
        return Load(occupant_load, egress, egress, Binding.EGRESS_WIDTH)
    return Load(occupant_load, egress, occupant_load, Binding.OCCUPANT_LOAD)


# --------------------------------------------------------------------------- travel


@dataclass(frozen=True, eq=False)
class _Walks:
    """The walking samples of a hall: points, distance and nearest exit of each."""

    pts: NDArray[np.float64]
    dist_m: NDArray[np.float64]
    exit: NDArray[np.int64]
    n_grid: int


def _travel(
    venue: Venue, where: _Floor, how: _How
) -> tuple[Travel, tuple[ExitInfo, ...], TravelField | None]:
    """Return the travel figures, the exits with their catchments and the heat map."""
    travel = Travel(how.limit_m, how.measure)
    if not where.exits:
        return travel, where.exits, None
    far = _farthest.farthest_point(
        where.floor, where.segs, spacing_m=how.spacing_m, limit_m=how.limit_m
    )
    heat = _farthest.grid_points(where.floor, HEAT_SPACING_M)
    heat_d = _farthest.segment_distances(heat, where.segs).min(axis=1) if len(heat) else np.zeros(0)
    if far is not None:
        travel = replace(travel, straight_m=far.distance_m, straight_xy=far.xy)
    if how.walk_samples > 0 and far is not None:
        walks = _walk(venue, where, how=how, heat=heat, heat_d=heat_d, far_xy=far.xy)
        exits = _catchments(where.exits, walks)
        travel = _walk_extremes(travel, walks)
    else:
        walks = _Walks(np.zeros((0, 2)), np.zeros(0), np.zeros(0, np.int64), 0)
        exits = _catchments_straight(where.exits, heat, heat_d, where.segs)
    field = TravelField(heat, heat_d, walks.pts, walks.dist_m, walks.exit, walks.n_grid)
    travel = _past_limit(travel, where.floor, field, far.past_limit_m2 if far else 0.0)
    return travel, exits, field


def _walk(
    venue: Venue,
    where: _Floor,
    *,
    how: _How,
    heat: NDArray[np.float64],
    heat_d: NDArray[np.float64],
    far_xy: tuple[float, float],
) -> _Walks:
    """Measure the walks to the nearest exit from an even grid and the farthest points."""
    router = how.router
    if router is None:
        from floorplan.routing import Router  # noqa: PLC0415 - routing is heavy

        router = Router(_hall_venue(venue, where.hall_id), clearance_m=WALK_CLEARANCE_M)
    grid = _walk_samples(where.floor, how.walk_samples)
    # The farthest straight-line points: the first is the maximum itself, which makes
    # the walking maximum at least the straight-line one.
    top = heat[np.argsort(-heat_d)[: _FAR_SAMPLES - 1]] if len(heat) else np.zeros((0, 2))
    pts = np.concatenate([grid, np.asarray([far_xy]), top])
    dist, nearest = _walk_distances(router, where.floor, pts, where.exits, where.segs)
    return _Walks(pts, dist, nearest, len(grid))


def _walk_extremes(travel: Travel, walks: _Walks) -> Travel:
    """Set the farthest walk; samples that reach no exit are counted (and leave no maximum)."""
    reach = np.isfinite(walks.dist_m)
    if reach.any():
        j = int(np.argmax(np.where(reach, walks.dist_m, -1)))
        xy = (float(walks.pts[j, 0]), float(walks.pts[j, 1]))
        travel = replace(travel, walk_m=float(walks.dist_m[j]), walk_xy=xy)
    if reach.all():
        return travel
    bad = tuple((float(x), float(y)) for x, y in walks.pts[~reach])
    return replace(travel, walk_m=None, unreached_points=bad)


def _past_limit(
    travel: Travel, floor: BaseGeometry, field: TravelField, straight_past_m2: float
) -> Travel:
    """Set the floor past the limit by the profile's measure, and sample points there."""
    limit = travel.limit_m
    if travel.measure is Measure.STRAIGHT:
        pts = field.xy[field.straight_m > limit] if len(field.xy) else np.zeros((0, 2))
        area = straight_past_m2
    else:
        pts = field.walk_xy[field.walk_m > limit]
        n = field.n_grid
        area = (
            float(len(pts)) * HEAT_SPACING_M**2
            if n == 0
            else float(np.count_nonzero(field.walk_m[:n] > limit)) * floor.area / n
        )
    points = tuple((float(x), float(y)) for x, y in pts)
    return replace(travel, past_limit_m2=area, past_limit_points=points)


def _catchments(exits: Sequence[ExitInfo], walks: _Walks) -> tuple[ExitInfo, ...]:
    """Return the exits with their share of the floor (even-grid samples) and walk extremes."""
    wd, we = walks.dist_m, walks.exit
    grid_e = we[: walks.n_grid]
    total = max(int((grid_e >= 0).sum()), 1)
    out = []
    for i, e in enumerate(exits):
        mine = wd[(we == i) & np.isfinite(wd)]
        out.append(
            replace(
                e,
                share=float(np.count_nonzero(grid_e == i)) / total,
                min_walk_m=float(mine.min()) if len(mine) else 0.0,
                max_walk_m=float(mine.max()) if len(mine) else 0.0,
            )
        )
    return tuple(out)


def _catchments_straight(
    exits: Sequence[ExitInfo],
    pts: NDArray[np.float64],
    d: NDArray[np.float64],
    segs: NDArray[np.float64],
) -> tuple[ExitInfo, ...]:
    """Return the exits with catchments by straight-line distance (walks not measured)."""
    if len(pts) == 0:
        return tuple(exits)
    near = np.argmin(_farthest.segment_distances(pts, segs), axis=1)
    out = []
    for i, e in enumerate(exits):
        sel = near == i
        out.append(
            replace(
                e,
                share=float(np.count_nonzero(sel)) / len(pts),
                min_walk_m=float(d[sel].min()) if sel.any() else 0.0,
                max_walk_m=float(d[sel].max()) if sel.any() else 0.0,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------- totals


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
            hall_ids=tuple(c.hall_id for c in cs),
            gross_area_m2=sum(c.areas.gross_m2 for c in cs),
            booth_area_m2=sum(c.areas.booth_m2 for c in cs),
            circulation_area_m2=sum(c.areas.circulation_m2 for c in cs),
            exit_width_m=sum(c.exit_width_m for c in cs),
            occupant_load=sum(c.load.occupant_load for c in cs),
            egress_capacity=sum(c.load.egress_capacity for c in cs),
            capacity=sum(c.load.capacity for c in cs),
        )
        for key, cs in groups.items()
    ]
