"""The layout editor's incremental checker: re-check only what an edit can have changed.

After each edit the checker re-checks:

- the edited booths against their neighbours (found with an STRtree within the widest
  aisle): overlaps with booths and obstacles, lying outside the hall (validate's own
  ``check_booths`` run on that small neighbourhood), aisles narrower than the minimum,
  the keep-clear distance to doors, kiosks covered;
- the walkable floor of the edited halls only (:func:`floorplan.validate.floor.walkable_parts`);
  the door graph joining the halls' floor parts is tiny and is rebuilt whole, so a booth
  blocking a connection door in one hall makes the booths behind it, in the next hall,
  unreachable;
- events' places, when booths are added or removed;
- with ``LayoutRules(check_travel=True)``, the travel distance of the edited halls
  (:mod:`floorplan.layout._travel`), one problem per hall.

Everything else a venue can break (doors off walls, bad CRS, ...) does not depend on
booths and is taken once from :func:`floorplan.validate.validate`. The floor primitives
are validate's public ones (:mod:`floorplan.validate.floor`), so that both agree.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from floorplan import schema as S
from floorplan.layout._shared import geoms
from floorplan.layout._travel import TravelCheck
from floorplan.layout.rules import LayoutRules
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col, OpeningKind
from floorplan.validate import validate
from floorplan.validate.floor import (
    BOUNDARY_TOLERANCE_M,
    PASSABLE_WIDTH_M,
    HallIndex,
    reached_parts,
    touching,
    unreachable_problem,
    walkable_parts,
)
from floorplan.validate.rules import check_booths, check_events, check_features
from floorplan.venue import Venue

__all__ = ["Checker", "HallFloor"]

#: Rules of :func:`validate` that depend on booths and that the editor re-checks itself.
RECHECKED: Final = frozenset(
    {
        RuleCode.BOOTH_OUTSIDE_HALL,
        RuleCode.BOOTH_OVERLAP,
        RuleCode.OBSTACLE_OVERLAP,
        RuleCode.UNREACHABLE_BOOTH,
        RuleCode.KIOSK_BLOCKED,
        RuleCode.UNKNOWN_PLACE,
    }
)
GEOMETRY_RULES: Final = frozenset(
    {
        RuleCode.NULL_GEOMETRY,
        RuleCode.EMPTY_GEOMETRY,
        RuleCode.GEOMETRY_TYPE,
        RuleCode.NONFINITE_COORDINATES,
        RuleCode.INVALID_GEOMETRY,
    }
)


class Checker:
    """Hold a layout's problems and re-check only what an edit touched."""

    def __init__(self, venue: Venue, rules: LayoutRules) -> None:
        t0 = time.perf_counter()
        self.rules = rules
        self.venue = venue
        full = validate(venue)
        self.static = [
            p
            for p in full
            if p.rule not in RECHECKED and not (p.layer == S.BOOTHS and p.rule in GEOMETRY_RULES)
        ]
        self.halls = HallIndex(venue.halls, check_features(S.HALLS, venue.halls, []))
        obstacles = venue.obstacles
        self.obstacle_ok = check_features(S.OBSTACLES, obstacles, [])
        self.obstacle_tree = shapely.STRtree(geoms(obstacles))
        ops = venue.openings
        self.openings_ok = check_features(S.OPENINGS, ops, [])
        kinds = ops[Col.KIND].astype(str).to_numpy()
        clear = np.isin(kinds, [k.value for k in rules.keep_clear_kinds]) & self.openings_ok
        self.doors = np.flatnonzero(clear)
        self.door_tree = shapely.STRtree(geoms(ops)[self.doors])
        kiosks = venue.kiosks
        self.kiosk_rows = np.flatnonzero(check_features(S.KIOSKS, kiosks, []))
        self.kiosk_tree = shapely.STRtree(geoms(kiosks)[self.kiosk_rows])
        # Kiosks standing in an obstacle stay so whatever the booths do.
        in_obstacle = {
            str(p.id)
            for p in full
            if p.rule == RuleCode.KIOSK_BLOCKED
            and len(self.obstacle_tree.query(_kiosk_point(kiosks, p.id), predicate="within"))
        }
        self.static.extend(
            p for p in full if p.rule == RuleCode.KIOSK_BLOCKED and str(p.id) in in_obstacle
        )
        self.local: list[Problem] = []
        self.events: list[Problem] = []
        self.reach: list[Problem] = []
        self.parts: dict[str, HallFloor] = {}
        self.travel: dict[str, Problem | None] = {}
        self.travel_check = TravelCheck(rules)
        self.travel_s = 0.0
        all_ids = set(venue.booths[Col.BOOTH_ID].astype(str))
        self.update(venue, all_ids, set(self.halls.geoms), events=True, started=t0)

    def problems(self) -> list[Problem]:
        present = set(self.venue.booths[Col.BOOTH_ID].astype(str))
        static = [p for p in self.static if p.layer != S.BOOTHS or p.id in present]
        travel = [p for p in self.travel.values() if p is not None]
        out = [*static, *self.local, *self.reach, *self.events, *travel]
        return sorted(out, key=lambda p: (str(p.rule), p.ids or (p.id or "",), p.message))

    def update(
        self,
        venue: Venue,
        booth_ids: set[str],
        halls: set[str],
        *,
        events: bool,
        old: Sequence[BaseGeometry] = (),
        started: float | None = None,
    ) -> None:
        """Re-check booths ``booth_ids`` and halls ``halls`` after an edit.

        ``old`` are the edited booths' former shapes: their former neighbours are
        re-checked too, since a booth that moves away can open a narrow gap between them.
        """
        t0 = time.perf_counter() if started is None else started
        self.venue = venue
        self.booths = venue.booths
        self.geoms = geoms(venue.booths)
        self.ids = venue.booths[Col.BOOTH_ID].astype(str).to_numpy()
        self.hall_of = venue.booths[Col.HALL_ID].astype(str).to_numpy()
        self.usable = check_features(S.BOOTHS, venue.booths, [])
        self.tree = shapely.STRtree(_masked(self.geoms, self.usable))
        was = [g for g in old if g is not None]
        if was:
            near = self.tree.query(was, predicate="dwithin", distance=self.rules.reach_m)[1]
            booth_ids = booth_ids | set(self.ids[near].tolist())
        self.local = [p for p in self.local if not booth_ids.intersection(_ids_of(p))]
        dirty = np.flatnonzero(np.isin(self.ids, list(booth_ids)))
        if len(dirty):
            self.local.extend(self._check_local(dirty))
        for hall in halls & set(self.halls.geoms):
            self.parts[hall] = self._floor(hall)
        self.reach = self._check_reach()
        if self.rules.check_travel:
            t1 = time.perf_counter()
            for hall in halls & set(self.halls.geoms):
                self.travel[hall] = self._check_travel(hall)
            self.travel_s = time.perf_counter() - t1
        if events:
            self.events = []
            check_events(venue, self.events)
            self.events = [p for p in self.events if p.rule == RuleCode.UNKNOWN_PLACE]
        self.last_s = time.perf_counter() - t0

    # ------------------------------------------------------------ local rules

    def _check_local(self, dirty: np.ndarray) -> list[Problem]:
        rules = self.rules
        near_d, near_n = self.tree.query(
            self.geoms[dirty], predicate="dwithin", distance=rules.reach_m
        )
        sub = np.union1d(dirty, near_n)
        o_hit = np.unique(
            self.obstacle_tree.query(_masked(self.geoms[dirty], self.usable[dirty]))[1]
        )
        sub_venue = dataclasses.replace(
            self.venue,
            booths=self.booths.iloc[sub],
            obstacles=self.venue.obstacles.iloc[o_hit],
        )
        found: list[Problem] = []
        usable = {
            S.BOOTHS: check_features(S.BOOTHS, sub_venue.booths, found),
            S.OBSTACLES: self.obstacle_ok[o_hit],
        }
        check_booths(sub_venue, self.halls, usable, found)
        dirty_ids = set(self.ids[dirty].tolist())
        out = [p for p in found if dirty_ids.intersection(_ids_of(p))]
        pairs = [(dirty[a], b) for a, b in zip(near_d.tolist(), near_n.tolist(), strict=True)]
        out.extend(self._aisles(pairs))
        out.extend(self._keep_clear(dirty))
        out.extend(self._kiosks(dirty))
        return out

    def _aisles(self, pairs: list[tuple[int, int]]) -> list[Problem]:
        """Report free gaps between two booths of a hall narrower than an aisle.

        A gap counts only where it is open floor: the shortest line between the two
        booths is tested against the other booths and obstacles, so booths of one stand
        (touching through a third booth) or with a wall between them do not count.
        """
        rules = self.rules
        seen: set[tuple[int, int]] = set()
        keep: list[tuple[int, int]] = []
        for a, b in pairs:
            key = (min(a, b), max(a, b))
            if a == b or key in seen or not (self.usable[a] and self.usable[b]):
                continue
            if self.hall_of[a] != self.hall_of[b]:
                continue
            seen.add(key)
            keep.append(key)
        if not keep:
            return []
        ia = np.array([k[0] for k in keep])
        ib = np.array([k[1] for k in keep])
        gap = shapely.distance(self.geoms[ia], self.geoms[ib])
        limit = np.full(len(keep), rules.aisle_m)
        cand = np.flatnonzero((gap > BOUNDARY_TOLERANCE_M) & (gap < rules.reach_m))
        if len(cand) == 0:
            return []
        lines = shapely.shortest_line(self.geoms[ia[cand]], self.geoms[ib[cand]])
        if rules.main_aisles:
            main = shapely.union_all(list(rules.main_aisles))
            limit[cand[shapely.intersects(lines, main)]] = rules.main_aisle_m
        out: list[Problem] = []
        o_geoms = geoms(self.venue.obstacles)
        for k, line in zip(cand.tolist(), lines.tolist(), strict=True):
            if gap[k] >= limit[k]:
                continue
            a, b = int(ia[k]), int(ib[k])
            fillers = [
                self.geoms[i]
                for i in self.tree.query(line, predicate="intersects").tolist()
                if i not in (a, b)
            ]
            fillers += [o_geoms[i] for i in self.obstacle_tree.query(line).tolist()]
            if fillers:
                free = shapely.difference(
                    line, shapely.union_all(shapely.buffer(fillers, BOUNDARY_TOLERANCE_M / 5))
                )
                if shapely.length(free) <= BOUNDARY_TOLERANCE_M:
                    continue
            # In frame order, so that a pair reads the same whichever booth was edited.
            fa, fb = str(self.ids[a]), str(self.ids[b])
            out.append(
                Problem(
                    S.BOOTHS,
                    fa,
                    RuleCode.NARROW_AISLE,
                    f"the aisle between booth {fa} and booth {fb} is {gap[k]:.2f} m wide; "
                    f"it must be at least {limit[k]:g} m",
                    ids=(fa, fb),
                )
            )
        return out

    def _keep_clear(self, dirty: np.ndarray) -> list[Problem]:
        rules = self.rules
        if len(self.doors) == 0 or rules.keep_clear_m <= 0:
            return []
        ok = dirty[self.usable[dirty]]
        ib, idoor = self.door_tree.query(
            self.geoms[ok], predicate="dwithin", distance=rules.keep_clear_m
        )
        ops = self.venue.openings
        out: list[Problem] = []
        for b, d in zip(ok[ib].tolist(), self.doors[idoor].tolist(), strict=True):
            oid = str(ops[Col.OPENING_ID].iloc[d])
            door_halls = {str(ops[Col.HALL_ID].iloc[d]), str(ops[Col.CONNECTS].iloc[d])}
            if self.hall_of[b] not in door_halls:
                continue
            dist = float(shapely.distance(self.geoms[b], ops.geometry.iloc[d]))
            kind = str(ops[Col.KIND].iloc[d]).replace("_", " ")
            bid = str(self.ids[b])
            out.append(
                Problem(
                    S.BOOTHS,
                    bid,
                    RuleCode.DOOR_KEEP_CLEAR,
                    f"booth {bid} stands {dist:.2f} m from {kind} {oid}; keep "
                    f"{rules.keep_clear_m:g} m clear",
                    ids=(bid, oid),
                )
            )
        return out

    def _kiosks(self, dirty: np.ndarray) -> list[Problem]:
        ok = dirty[self.usable[dirty]]
        if len(self.kiosk_rows) == 0 or len(ok) == 0:
            return []
        ib, ik = self.kiosk_tree.query(self.geoms[ok], predicate="contains")
        kiosks = self.venue.kiosks
        out = []
        for b, k in zip(ok[ib].tolist(), self.kiosk_rows[ik].tolist(), strict=True):
            kid = str(kiosks[Col.KIOSK_ID].iloc[k])
            bid = str(self.ids[b])
            out.append(
                Problem(
                    S.KIOSKS,
                    kid,
                    RuleCode.KIOSK_BLOCKED,
                    f"kiosk {kid} stands inside booth {bid}; it must be on open floor",
                    ids=(kid, bid),
                )
            )
        return out

    # ----------------------------------------------------------- reachability

    def _floor(self, hall: str) -> HallFloor:
        """Return the walkable floor parts of one hall and what touches them."""
        r = PASSABLE_WIDTH_M / 2
        reach = r + BOUNDARY_TOLERANCE_M
        b_rows = np.flatnonzero((self.hall_of == hall) & self.usable)
        obstacles = self.venue.obstacles
        o_rows = np.flatnonzero(
            (obstacles[Col.HALL_ID].astype(str).to_numpy() == hall) & self.obstacle_ok
        )
        one = self.venue.halls.iloc[0:0]
        sub = dataclasses.replace(
            self.venue, booths=self.booths.iloc[b_rows], obstacles=obstacles.iloc[o_rows]
        )
        index = HallIndex(one, np.zeros(0, dtype=bool))
        index.geoms = {hall: self.halls.geoms[hall]}
        usable = {S.BOOTHS: np.ones(len(b_rows), bool), S.OBSTACLES: np.ones(len(o_rows), bool)}
        parts, _ = walkable_parts(sub, index, usable, r)
        parts_arr = np.asarray(parts, dtype=object)
        ops = self.venue.openings
        o_hall = ops[Col.HALL_ID].astype(str).to_numpy()
        o_conn = ops[Col.CONNECTS].astype(str).to_numpy()
        doors = np.flatnonzero(self.openings_ok & ((o_hall == hall) | (o_conn == hall)))
        hit_d, hit_p = touching(shapely.buffer(geoms(ops)[doors], reach), parts_arr)
        hit_b, hit_bp = touching(shapely.buffer(self.geoms[b_rows], reach), parts_arr)
        return HallFloor(
            n_parts=len(parts),
            door_rows=doors[hit_d],
            door_parts=hit_p,
            booth_ids=self.ids[b_rows][hit_b],
            booth_parts=hit_bp,
        )

    def _check_reach(self) -> list[Problem]:
        """Report booths no one can walk to, and booths with no step-free way in.

        The same graph as validate's reachability rule: floor parts joined through
        connection doors, entrances joined to a virtual source outside.
        """
        ops = self.venue.openings
        kinds = ops[Col.KIND].astype(str).to_numpy()
        entrances = self.openings_ok & (kinds == OpeningKind.ENTRANCE.value)
        if not entrances.any() or not len(self.ids):
            return []
        step_free = np.array([_step_free(v) for v in ops[Col.STEP_FREE]], dtype=bool)
        offsets: dict[str, int] = {}
        n = 0
        for hall, floor in self.parts.items():
            offsets[hall] = n
            n += floor.n_parts
        at_door: dict[int, list[int]] = {}
        for hall, floor in self.parts.items():
            for d, p in zip(floor.door_rows.tolist(), floor.door_parts.tolist(), strict=True):
                at_door.setdefault(d, []).append(offsets[hall] + p)
        level_doors = {d: parts for d, parts in at_door.items() if step_free[d]}
        reached = {
            False: reached_parts(at_door, kinds, n),
            True: reached_parts(level_doors, kinds, n),
        }
        walk: set[str] = set()
        level: set[str] = set()
        for hall, floor in self.parts.items():
            at = offsets[hall] + floor.booth_parts
            walk.update(floor.booth_ids[reached[False][at]].tolist())
            level.update(floor.booth_ids[reached[True][at]].tolist())
        out: list[Problem] = []
        for bid, hall, ok in zip(
            self.ids.tolist(), self.hall_of.tolist(), self.usable.tolist(), strict=True
        ):
            if not ok or hall not in self.halls.geoms:
                continue
            if bid not in walk:
                out.append(unreachable_problem(bid))
            elif bid not in level:
                out.append(
                    Problem(
                        S.BOOTHS,
                        bid,
                        RuleCode.NO_STEP_FREE_ROUTE,
                        f"booth {bid} can be reached only through doors with steps; "
                        "wheelchair users cannot get to it",
                    )
                )
        return out

    # ------------------------------------------------------------ travel distance

    def _check_travel(self, hall: str) -> Problem | None:
        """Return hall ``hall``'s travel-distance problem, or None when within the limit."""
        f = self.travel_check.field(
            hall,
            self.venue,
            self.halls.geoms[hall],
            obstacle_ok=self.obstacle_ok,
            openings_ok=self.openings_ok,
        )
        mine = np.flatnonzero((self.hall_of == hall) & self.usable)
        return self.travel_check.check(hall, f, self.geoms[mine])


@dataclass
class HallFloor:
    """A hall's walkable floor parts and the doors and booths touching each."""

    n_parts: int
    door_rows: np.ndarray
    door_parts: np.ndarray
    booth_ids: np.ndarray
    booth_parts: np.ndarray = field(repr=False)


# ------------------------------------------------------------------ helpers


def _kiosk_point(kiosks: gpd.GeoDataFrame, kiosk_id: object) -> BaseGeometry:
    return kiosks.geometry[(kiosks[Col.KIOSK_ID] == kiosk_id).to_numpy()].iloc[0]


def _step_free(value: object) -> bool:
    """Read a door's ``step_free`` as the format does: missing means step-free."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return bool(value)


def _masked(geoms: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Return ``geoms`` with the unusable ones set to None (trees skip them, keep indices)."""
    out = geoms.copy()
    out[~ok] = None
    return out


def _ids_of(p: Problem) -> tuple[str, ...]:
    return tuple(str(i) for i in p.ids) or ((str(p.id),) if p.id is not None else ())
