"""Give validation and the layout editor the same walkable floor, hall lookup and reachability.

These are the floor primitives that :func:`floorplan.validate.validate` and the layout
editor's incremental checks both call: a lookup of hall geometries by id, the walkable
parts of a hall's floor, the door graph that tells which parts are reached from outside,
the test of which small shapes touch which floor parts, and the keep-clear zone in front
of a door with the width of the door that booths standing in it block (which capacity
leaves out of an exit's clear width, and the floor rule ``exit_blocked`` reports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from floorplan import schema as S
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col

if TYPE_CHECKING:
    from floorplan.venue import Venue

__all__ = [
    "AREA_TOLERANCE_M2",
    "BOUNDARY_TOLERANCE_M",
    "KEEP_CLEAR_M",
    "PASSABLE_WIDTH_M",
    "HallIndex",
    "blocked_widths",
    "geoms_of",
    "is_missing",
    "keep_clear_zones",
    "reached_parts",
    "touching",
    "unreachable_problem",
    "walkable_parts",
]

#: Overlaps smaller than this (1 cm²) are numerical noise of touching shapes.
AREA_TOLERANCE_M2: Final = 1e-4
#: How far (5 cm) a door may stray from its wall line and still be "on" it.
BOUNDARY_TOLERANCE_M: Final = 0.05
#: The narrowest gap a person fits through sideways; narrower gaps do not connect floor.
PASSABLE_WIDTH_M: Final = 0.6
#: How deep the zone in front of a door is that booths keep clear (the layout rules'
#: default; capacity counts an exit's width blocked by booths in this zone as lost).
KEEP_CLEAR_M: Final = 3.0


def geoms_of(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Return the frame's geometries as a plain object array, for shapely's ufuncs.

    Handing shapely a GeometryArray routes every call through pandas' ufunc dispatch,
    which costs seconds on a venue of 74,000 booths.
    """
    return np.asarray(frame.geometry.values, dtype=object)


def is_missing(value: object) -> bool:
    """Return whether a property value is absent (None, empty text or NaN)."""
    return value is None or value == "" or (isinstance(value, float) and np.isnan(value))


class HallIndex:
    """Look up hall geometries by id, for the hall ids that are usable."""

    def __init__(self, halls: gpd.GeoDataFrame, usable: np.ndarray) -> None:
        self.geoms: dict[str, shapely.Geometry] = {}
        for fid, geom, ok in zip(halls[Col.HALL_ID], geoms_of(halls), usable, strict=True):
            if ok and not is_missing(fid) and fid not in self.geoms:
                self.geoms[str(fid)] = geom
        self.known = {str(v) for v in halls[Col.HALL_ID] if not is_missing(v)}

    def aligned(self, hall_ids: list[object]) -> tuple[np.ndarray, np.ndarray]:
        """Return hall geometries aligned with ``hall_ids`` and a mask of found ones."""
        geoms = np.array([self.geoms.get(str(h)) for h in hall_ids], dtype=object)
        found = np.array([g is not None for g in geoms], dtype=bool)
        return geoms, found


def walkable_parts(
    venue: Venue, halls: HallIndex, usable: dict[str, np.ndarray], r: float
) -> tuple[list[shapely.Geometry], list[str]]:
    """Return the walkable parts of every usable hall's floor and the hall of each.

    The floor is the hall shrunk by ``r`` minus booths and obstacles grown by ``r``.
    """
    blocks = [
        (venue.booths, usable[S.BOOTHS]),
        (venue.obstacles, usable[S.OBSTACLES]),
    ]
    grown: dict[str, list[np.ndarray]] = {}
    for frame, ok in blocks:
        idx = np.flatnonzero(ok)
        if len(idx) == 0:
            continue
        # Mitred offsets keep the vertex count of boxes at four; the floor test only
        # needs "at least r clear", which a mitre keeps.
        geoms = shapely.buffer(geoms_of(frame)[idx], r, join_style="mitre")
        hall_ids = frame[Col.HALL_ID].to_numpy()[idx].astype(str)
        halls_present, which = np.unique(hall_ids, return_inverse=True)
        order = np.argsort(which, kind="stable")
        bounds = np.searchsorted(which[order], np.arange(len(halls_present) + 1))
        for k, hall in enumerate(halls_present.tolist()):
            grown.setdefault(hall, []).append(geoms[order[bounds[k] : bounds[k + 1]]])
    parts: list[shapely.Geometry] = []
    part_hall: list[str] = []
    for hall, geom in halls.geoms.items():
        floor = shapely.buffer(geom, -r, join_style="mitre")
        if hall in grown:
            blocked = shapely.union_all(np.concatenate(grown[hall]))
            floor = shapely.difference(floor, blocked)
        pieces = shapely.get_parts(floor)
        pieces = pieces[~shapely.is_empty(pieces)]
        parts.extend(pieces.tolist())
        part_hall.extend([hall] * len(pieces))
    return parts, part_hall


def touching(small: np.ndarray, parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return index pairs (small, part) that intersect.

    The floor parts are few and huge (a hall's aisles with a hole per booth island); the
    tree is built on the small shapes and queried with the parts, so that each part is
    prepared once rather than tested raw against every booth (40× faster at 74,000 booths).
    """
    if len(small) == 0 or len(parts) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    ip, is_ = shapely.STRtree(small).query(parts, predicate="intersects")
    return is_, ip


def reached_parts(
    at_door: dict[int, list[int]],
    kinds: np.ndarray,
    n_parts: int,
    *,
    sources: frozenset[str] = frozenset({S.OpeningKind.ENTRANCE.value}),
) -> np.ndarray:
    """Return which floor parts can be walked to from outside the venue (or out of it).

    Parameters
    ----------
    at_door
        For each usable door (a row of ``openings``), the floor parts it touches.
    kinds
        The ``kind`` of every opening, by row.
    n_parts
        How many floor parts there are.
    sources
        The door kinds that join their parts to "outside": entrances by default (who can
        get in); the exit kinds for the parts whose occupants can get out.

    Doors of the ``sources`` kinds join their parts to a virtual node for "outside";
    connections join the parts on both sides; other doors join nothing.
    """
    source = n_parts
    rows: list[int] = []
    cols: list[int] = []
    for d, parts_at_door in at_door.items():
        if kinds[d] in sources:
            linked = [*parts_at_door, source]
        elif kinds[d] == S.OpeningKind.CONNECTION.value:
            linked = parts_at_door
        else:
            continue
        rows.extend(linked[:-1])
        cols.extend(linked[1:])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_parts + 1, n_parts + 1))
    _, labels = connected_components(graph, directed=False)
    reached: np.ndarray = labels[:n_parts] == labels[source]
    return reached


def unreachable_problem(booth_id: str) -> Problem:
    """Return the record of a booth no one can walk to."""
    return Problem(
        S.BOOTHS,
        booth_id,
        RuleCode.UNREACHABLE_BOOTH,
        f"booth {booth_id} cannot be reached on foot from any entrance (walled in by other "
        "booths, obstacles or walls, or its floor has no door; gaps under "
        f"{PASSABLE_WIDTH_M} m do not count)",
    )


def keep_clear_zones(doors: np.ndarray, halls: np.ndarray, depth_m: float) -> np.ndarray:
    """Return each door's keep-clear zone: the strip ``depth_m`` deep in front of it.

    ``doors`` are door lines on the walls of ``halls`` (aligned arrays); the zone is the
    door swept ``depth_m`` square into the hall (a flat-capped buffer cut to the hall),
    so a booth beside the door, off the strip, does not stand in it.

    >>> import shapely
    >>> z = keep_clear_zones(np.array([shapely.LineString([(4, 0), (6, 0)])]),
    ...                      np.array([shapely.box(0, 0, 10, 10)]), 3.0)
    >>> [round(v, 6) for v in z[0].bounds]
    [4.0, 0.0, 6.0, 3.0]
    """
    if len(doors) == 0:
        return np.zeros(0, dtype=object)
    swept = shapely.buffer(doors, depth_m, cap_style="flat")
    return np.asarray(shapely.intersection(swept, halls), dtype=object)


def blocked_widths(
    doors: np.ndarray, zones: np.ndarray, blockers: np.ndarray
) -> tuple[np.ndarray, list[list[int]]]:
    """Return how much of each door's width the blockers standing in its zone cover.

    A blocker's part inside a door's keep-clear zone casts a shadow on the door line (its
    projection onto it); the blocked width is the length of the union of those shadows.
    Returned: the blocked width of each door in metres, and the indices (into
    ``blockers``) of what blocks each.

    >>> import shapely
    >>> door = np.array([shapely.LineString([(0, 0), (4, 0)])])
    >>> zone = keep_clear_zones(door, np.array([shapely.box(-9, 0, 9, 9)]), 3.0)
    >>> w, who = blocked_widths(door, zone, np.array([shapely.box(1, 0.5, 2, 1.5),
    ...                                               shapely.box(1.5, 2, 3, 5)]))
    >>> float(w[0]), who[0]
    (2.0, [0, 1])
    """
    widths = np.zeros(len(doors))
    who: list[list[int]] = [[] for _ in range(len(doors))]
    if len(doors) == 0 or len(blockers) == 0:
        return widths, who
    usable = np.asarray(~shapely.is_missing(zones) & ~shapely.is_empty(zones), dtype=bool)
    rows = np.flatnonzero(usable)
    iz, ib = shapely.STRtree(blockers).query(zones[rows], predicate="intersects")
    if len(iz) == 0:
        return widths, who
    iz = rows[iz]
    pieces = shapely.intersection(zones[iz], blockers[ib])
    hit = shapely.area(pieces) > AREA_TOLERANCE_M2
    spans: dict[int, list[tuple[float, float]]] = {}
    for d, b, piece in zip(iz[hit].tolist(), ib[hit].tolist(), pieces[hit], strict=True):
        ends = shapely.get_coordinates(doors[d])[[0, -1]]
        length = float(np.hypot(*(ends[1] - ends[0])))
        if length <= 0:
            continue
        along = (shapely.get_coordinates(piece) - ends[0]) @ ((ends[1] - ends[0]) / length)
        lo, hi = float(np.clip(along.min(), 0, length)), float(np.clip(along.max(), 0, length))
        if hi - lo > BOUNDARY_TOLERANCE_M / 5:
            spans.setdefault(d, []).append((lo, hi))
            who[d].append(b)
    for d, intervals in spans.items():
        total, reach = 0.0, -np.inf
        for lo, hi in sorted(intervals):
            if hi > reach:
                total += hi - max(lo, reach)
                reach = hi
        widths[d] = total
        who[d] = sorted(set(who[d]))
    return widths, who
