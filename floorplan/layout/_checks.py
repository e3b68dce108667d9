"""The layout editor's incremental checker: re-check only what an edit can have changed.

After each edit the checker re-checks:

- the edited booths against their neighbours (found with an STRtree within the widest
  aisle): overlaps with booths and obstacles, lying outside the hall (validate's own
  ``check_booths`` run on that small neighbourhood), aisles narrower than the minimum,
  exits blocked (a booth in the keep-clear strip in front of one) and doors kept too
  little clear, kiosks and amenities covered, booths crowding a kiosk;
- the walkable floor of the edited halls only (:func:`floorplan.validate.floor.walkable_parts`);
  the door graph joining the halls' floor parts is tiny and is rebuilt whole, so a booth
  blocking a connection door in one hall makes the booths behind it, in the next hall,
  unreachable;
- events' places, when booths are added or removed;
- with ``LayoutRules(check_code=True)``, the code rules of the edited halls
  (:mod:`floorplan.layout._code`: an exit of their own, travel distance, exit width) and,
  from the same door graph, open floor from which no exit can be reached.

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
from floorplan.capacity import EXIT_KINDS
from floorplan.layout._code import CodeCheck
from floorplan.layout._shared import geoms
from floorplan.layout.rules import LayoutRules
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col, OpeningKind
from floorplan.validate import validate
from floorplan.validate.floor import (
    BOUNDARY_TOLERANCE_M,
    PASSABLE_WIDTH_M,
    HallIndex,
    blocked_widths,
    keep_clear_zones,
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
#: Closed-in open floor smaller than this (a sliver between booths) is no one's place.
MIN_POCKET_M2: Final = 1.0
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
        # What reading the venue found and checking it again cannot (venue.read_problems).
        full = [*venue.read_problems, *validate(venue)]
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
        self._zones: dict[tuple[int, str], BaseGeometry] = {}
        kiosks = venue.kiosks
        self.kiosk_rows = np.flatnonzero(check_features(S.KIOSKS, kiosks, []))
        self.kiosk_tree = shapely.STRtree(geoms(kiosks)[self.kiosk_rows])
        amenities = venue.amenities
        self.amenity_rows = np.flatnonzero(check_features(S.AMENITIES, amenities, []))
        self.amenity_tree = shapely.STRtree(geoms(amenities)[self.amenity_rows])
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
        self.code: dict[str, list[Problem]] = {}
        self.pockets: list[Problem] = []
        self.code_check = CodeCheck(rules) if rules.check_code else None
        self.travel_s = 0.0
        all_ids = set(venue.booths[Col.BOOTH_ID].astype(str))
        self.update(venue, all_ids, set(self.halls.geoms), events=True, started=t0)

    def problems(self) -> list[Problem]:
        present = set(self.venue.booths[Col.BOOTH_ID].astype(str))
        static = [p for p in self.static if p.layer != S.BOOTHS or p.id in present]
        code = [p for hall in self.code.values() for p in hall]
        out = [*static, *self.local, *self.reach, *self.events, *code, *self.pockets]
        return sorted(out, key=lambda p: p.sort_key)

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
        booth_ids = booth_ids | self._filled_aisles(booth_ids)
        self.local = [p for p in self.local if not booth_ids.intersection(_ids_of(p))]
        dirty = np.flatnonzero(np.isin(self.ids, list(booth_ids)))
        if len(dirty):
            self.local.extend(self._check_local(dirty))
        for hall in halls & set(self.halls.geoms):
            self.parts[hall] = self._floor(hall)
        self.reach = self._check_reach()
        if self.code_check is not None:
            self.pockets = self._check_pockets()
            t1 = time.perf_counter()
            for hall in halls & set(self.halls.geoms):
                self.code[hall] = self._check_code(hall, self.code_check)
            self.travel_s = time.perf_counter() - t1
        if events:
            self.events = []
            check_events(venue, self.events)
            self.events = [p for p in self.events if p.rule == RuleCode.UNKNOWN_PLACE]
        self.last_s = time.perf_counter() - t0

    def _filled_aisles(self, booth_ids: set[str]) -> set[str]:
        """Return the booths of narrow-aisle problems whose gap an edited booth now fills.

        A booth that arrives (or comes back by an undo) between two others makes their gap
        no aisle, though neither of them was edited: their problem must be re-tested, or
        the live check would keep one that a full check no longer finds.
        """
        index = {b: i for i, b in enumerate(self.ids.tolist())}
        now = [self.geoms[index[b]] for b in booth_ids if b in index]
        shapes = [g for g in now if g is not None and not g.is_empty]
        if not shapes:
            return set()
        filled = shapely.union_all(shapes)
        out: set[str] = set()
        for p in self.local:
            ends = [index.get(i) for i in p.ids]
            if p.rule != RuleCode.NARROW_AISLE or len(ends) != 2 or None in ends:
                continue
            a, b = ends
            line = shapely.shortest_line(self.geoms[a], self.geoms[b])
            if shapely.intersects(line, filled):
                out.update(p.ids)
        return out

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
        """Report booths in front of an exit (blocking it) or too near a door.

        A booth standing in the keep-clear strip in front of an exit, entrance or
        emergency exit blocks part of its width: ``exit_blocked``. A booth nearer than
        the keep-clear distance to a door but off that strip (beside it), or in front of
        a door that is no exit, keeps the door too little clear: ``door_keep_clear``.
        """
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
            hall = str(self.hall_of[b])
            if hall not in door_halls or hall not in self.halls.geoms:
                continue
            line = ops.geometry.iloc[d]
            kind = str(ops[Col.KIND].iloc[d])
            blocked, _ = blocked_widths(
                np.array([line]), np.array([self._zone(d, hall)]), np.array([self.geoms[b]])
            )
            bid = str(self.ids[b])
            if blocked[0] > 0 and kind in EXIT_KINDS:
                width = float(ops[Col.WIDTH_M].iloc[d])
                lost = min(width, float(blocked[0]) * width / (line.length or width))
                out.append(
                    Problem(
                        S.BOOTHS,
                        bid,
                        RuleCode.EXIT_BLOCKED,
                        f"booth {bid} stands in front of {kind.replace('_', ' ')} {oid}, "
                        f"blocking {lost:.2f} m of its {width:g} m width; keep "
                        f"{rules.keep_clear_m:g} m clear in front of exits",
                        ids=(bid, oid),
                    )
                )
                continue
            dist = float(shapely.distance(self.geoms[b], line))
            out.append(
                Problem(
                    S.BOOTHS,
                    bid,
                    RuleCode.DOOR_KEEP_CLEAR,
                    f"booth {bid} stands {dist:.2f} m from {kind.replace('_', ' ')} {oid}; "
                    f"keep {rules.keep_clear_m:g} m clear",
                    ids=(bid, oid),
                )
            )
        return out

    def _zone(self, door: int, hall: str) -> BaseGeometry:
        """Return door row ``door``'s keep-clear strip on hall ``hall``'s side (cached)."""
        key = (door, hall)
        if key not in self._zones:
            line = np.array([self.venue.openings.geometry.iloc[door]], dtype=object)
            hall_geom = np.array([self.halls.geoms[hall]], dtype=object)
            self._zones[key] = keep_clear_zones(line, hall_geom, self.rules.keep_clear_m)[0]
        return self._zones[key]

    def _kiosks(self, dirty: np.ndarray) -> list[Problem]:
        """Report kiosks and amenities inside booths, and booths crowding a kiosk."""
        ok = dirty[self.usable[dirty]]
        if len(ok) == 0:
            return []
        out = []
        kiosks = self.venue.kiosks
        if len(self.kiosk_rows):
            clear = self.rules.kiosk_clear_m
            ib, ik = self.kiosk_tree.query(self.geoms[ok], predicate="dwithin", distance=clear)
            k_hall = kiosks[Col.HALL_ID].astype(str).to_numpy()
            for b, k in zip(ok[ib].tolist(), self.kiosk_rows[ik].tolist(), strict=True):
                kid, bid = str(kiosks[Col.KIOSK_ID].iloc[k]), str(self.ids[b])
                point = kiosks.geometry.iloc[k]
                if shapely.contains(self.geoms[b], point):
                    out.append(
                        Problem(
                            S.KIOSKS,
                            kid,
                            RuleCode.KIOSK_BLOCKED,
                            f"kiosk {kid} stands inside booth {bid}; it must be on open floor",
                            ids=(kid, bid),
                        )
                    )
                elif k_hall[k] == self.hall_of[b]:
                    dist = float(shapely.distance(self.geoms[b], point))
                    out.append(
                        Problem(
                            S.KIOSKS,
                            kid,
                            RuleCode.KIOSK_KEEP_CLEAR,
                            f"booth {bid} stands {dist:.2f} m from kiosk {kid}; keep {clear:g} m "
                            "clear where visitors stand at its screen",
                            ids=(kid, bid),
                        )
                    )
        if len(self.amenity_rows):
            am = self.venue.amenities
            ib, ia = self.amenity_tree.query(self.geoms[ok], predicate="contains")
            for b, a in zip(ok[ib].tolist(), self.amenity_rows[ia].tolist(), strict=True):
                aid, bid = str(am[Col.AMENITY_ID].iloc[a]), str(self.ids[b])
                out.append(
                    Problem(
                        S.AMENITIES,
                        aid,
                        RuleCode.AMENITY_BLOCKED,
                        f"amenity {aid} ({am[Col.KIND].iloc[a]}) stands inside booth {bid}; "
                        "visitors cannot reach it",
                        ids=(aid, bid),
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
            part_m2=shapely.area(parts_arr) if len(parts) else np.zeros(0),
            part_xy=shapely.get_coordinates(shapely.point_on_surface(parts_arr))
            if len(parts)
            else np.zeros((0, 2)),
        )

    def _door_graph(self) -> tuple[dict[str, int], dict[int, list[int]], int]:
        """Return each hall's first part number, the parts at each door, and the part count."""
        offsets: dict[str, int] = {}
        n = 0
        for hall, floor in self.parts.items():
            offsets[hall] = n
            n += floor.n_parts
        at_door: dict[int, list[int]] = {}
        for hall, floor in self.parts.items():
            for d, p in zip(floor.door_rows.tolist(), floor.door_parts.tolist(), strict=True):
                at_door.setdefault(d, []).append(offsets[hall] + p)
        return offsets, at_door, n

    def _check_pockets(self) -> list[Problem]:
        """Report open floor closed in by booths, from which no exit can be reached.

        The door graph of the reachability rule, with the exit kinds (entrances, exits,
        emergency exits) as the way out; a hall without an exit of its own is
        ``no_exit``'s. Pockets under :data:`MIN_POCKET_M2` are slivers, not floor.
        """
        ops = self.venue.openings
        kinds = ops[Col.KIND].astype(str).to_numpy()
        offsets, at_door, n = self._door_graph()
        out_ = reached_parts(at_door, kinds, n, sources=EXIT_KINDS)
        has_exit = set(
            ops[Col.HALL_ID]
            .astype(str)
            .to_numpy()[self.openings_ok & np.isin(kinds, list(EXIT_KINDS))]
        )
        out: list[Problem] = []
        for hall, floor in self.parts.items():
            if hall not in has_exit or floor.n_parts == 0:
                continue
            stuck = ~out_[offsets[hall] : offsets[hall] + floor.n_parts]
            stuck &= floor.part_m2 >= MIN_POCKET_M2
            if not stuck.any():
                continue
            area = float(floor.part_m2[stuck].sum())
            x, y = floor.part_xy[stuck][np.argmax(floor.part_m2[stuck])]
            out.append(
                Problem(
                    S.HALLS,
                    hall,
                    RuleCode.UNREACHABLE_FLOOR,
                    f"hall {hall}: {area:.0f} m² of open floor in {int(stuck.sum())} "
                    f"place(s) (the largest around ({x:.1f}, {y:.1f})) is closed in by booths "
                    "or obstacles: no exit can be reached from it",
                    ids=(hall,),
                )
            )
        return out

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
        offsets, at_door, n = self._door_graph()
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

    def _check_code(self, hall: str, code: CodeCheck) -> list[Problem]:
        """Return hall ``hall``'s code problems: no exit, or travel distance and exit width."""
        ex = code.exits(
            hall,
            self.venue,
            self.halls.geoms[hall],
            obstacle_ok=self.obstacle_ok,
            openings_ok=self.openings_ok,
        )
        if len(ex.ids) == 0:
            return [code.no_exit(hall)]
        f = code.travel.field(
            hall,
            self.venue,
            self.halls.geoms[hall],
            obstacle_ok=self.obstacle_ok,
            openings_ok=self.openings_ok,
        )
        mine = np.flatnonzero((self.hall_of == hall) & self.usable)
        found = [
            code.travel.check(hall, f, self.geoms[mine]),
            code.exit_width(hall, ex, self.geoms[mine], self.ids[mine]),
        ]
        return [p for p in found if p is not None]


@dataclass
class HallFloor:
    """A hall's walkable floor parts and the doors and booths touching each."""

    n_parts: int
    door_rows: np.ndarray
    door_parts: np.ndarray
    booth_ids: np.ndarray
    booth_parts: np.ndarray = field(repr=False)
    #: Each part's area and a point inside it (for the closed-in floor rule).
    part_m2: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    part_xy: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 2)))


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
