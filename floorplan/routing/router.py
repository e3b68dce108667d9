"""Find exact shortest walking routes through a venue's aisles, and tours of many stops.

The walkable area of each hall is its floor minus booths and obstacles, keeping a
clearance from them and from the walls (see :func:`floorplan._visibility.walkable_area`).
Halls are glued only along their doors' crossing segments, so a route never passes a
wall two halls share. Inside that polygonal domain the router finds the *Euclidean*
shortest path on a reduced visibility graph (:mod:`floorplan._visibility`): exact, no
raster, no navigation mesh.

A query joins the origin to the graph nodes it sees (in its own hall and, through a door,
in the next), runs Dijkstra (scipy's C implementation, from one virtual source row added
to the CSR graph) and then picks the end: for a point, the best visible node; for a booth
or a door, ``argmin(dist[nodes] + legs)`` over the target's *ends*, the walkable last legs
from every node that sees it, computed once per target and cached (eagerly for all booths
up to :data:`WARM_BOOTHS`). Between two booths (or doors) the walk is the shortest from
boundary to boundary: one Dijkstra from all of the origin's ends at once. Kiosks do not
move: their shortest-path trees are computed once, so a kiosk query is only the end step.

Why not per-hall all-pairs tables with a door overlay: measured, a Dijkstra over the whole
graph costs well under a millisecond on the bundled venue and a few milliseconds on the
74,000-booth one (19,500 nodes); the cost of a query was the geometry around its two ends
(visibility tests, building targets), which the caches and the raster rejection test
(``_visibility.Raster``) remove. Tables would cost memory and slow down updates.

Each hall's graph is cached; :meth:`Router.update_hall` rebuilds one hall (and the edges
through its doors) after a planner moves a booth, and drops only the cached targets and
ends that used that hall.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from floorplan.errors import NoRouteError, PlaceError
from floorplan.i18n import Lang
from floorplan.routing import visibility as V
from floorplan.routing.directions import Crossing, Landmark, Step, StepKind, make_steps
from floorplan.schema import Col, OpeningKind
from floorplan.venue import Venue

__all__ = ["Route", "Router", "Speeds", "Step", "StepKind"]

Place = str | tuple[float, float]
Array = NDArray[np.float64]

#: Landmarks are mentioned only when this close to a turn.
_LANDMARK_M = 6.0
#: Turn points whose landmark is remembered.
_LANDMARK_CACHE = 200_000
#: Candidate ends tested per vectorised visibility batch.
_END_BATCH = 64
#: Booths' ends are computed when the router is built up to this many booths.
WARM_BOOTHS = 5_000
#: Booths whose ends are computed in one vectorised pass (bounds the arrays' size).
_WARM_BATCH = 64
#: Exact permutation search (Held-Karp) up to this many stops; 2-opt + Or-opt beyond.
EXACT_TOUR_STOPS = 8
MAX_TOUR_STOPS = 20


@dataclass(frozen=True)
class Speeds:
    """Walking speeds used to turn lengths into durations."""

    walk_speed_mps: float = 1.3
    accessible_speed_mps: float = 0.8


@dataclass
class Route:
    """A walk from an origin to a destination.

    Attributes
    ----------
    length_m, duration_s
        Length of ``coords`` and the time to walk it.
    coords
        The polyline in the venue CRS; its length is ``length_m``.
    halls
        Hall ids crossed, in order.
    steps
        Turn-by-turn instructions (:class:`Step`; ``step.text("zh")`` for Chinese).
    origin, destination
        The places as given.
    accessible
        Whether only step-free doors were used.
    legs
        For a route with ``via`` stops or a tour, the routes between consecutive places.
    order
        For a tour, the stops in the order walked.
    """

    length_m: float
    duration_s: float
    coords: list[tuple[float, float]]
    halls: list[str]
    steps: list[Step]
    origin: str = ""
    destination: str = ""
    accessible: bool = False
    legs: list[Route] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    def steps_text(self, lang: Lang | str = Lang.EN) -> list[str]:
        """Return the steps as sentences in ``lang`` (``"en"`` or ``"zh"``)."""
        return [s.text(lang) for s in self.steps]

    def to_dict(self, lang: Lang | str = Lang.EN) -> dict[str, Any]:
        """Return a JSON-ready dict: ``length_m``, ``duration_s``, ``coords``, ``steps``..."""
        out: dict[str, Any] = {
            "origin": self.origin,
            "destination": self.destination,
            "length_m": round(self.length_m, 3),
            "duration_s": round(self.duration_s, 1),
            "accessible": self.accessible,
            "halls": self.halls,
            "coords": [[round(x, 3), round(y, 3)] for x, y in self.coords],
            "steps": [
                {
                    "kind": s.kind.value,
                    "distance_m": round(s.distance_m, 2),
                    "text": s.text(lang),
                    "landmark": s.landmark.landmark_id if s.landmark else None,
                    "door": s.door_id or None,
                }
                for s in self.steps
            ],
        }
        if self.order:
            out["order"] = self.order
        return out


@dataclass
class _Target:
    """Where a route may start or end: a point or a set of segments (booth or door)."""

    label: str
    label_zh: str
    hall: int
    segs: Array  # (k, 2, 2); a point is one segment of length zero
    lead: Array | None = None  # the given point, when snapped into the walkable area
    booth: BaseGeometry | None = None  # final straight bit onto the booth's boundary

    @property
    def is_point(self) -> bool:
        return len(self.segs) == 1 and bool((self.segs[0, 0] == self.segs[0, 1]).all())

    @property
    def point(self) -> Array:
        return self.segs[0, 0]


@dataclass
class _Ends:
    """The last legs onto a booth or door from the graph nodes that see it.

    Per candidate: the node (as hall and index within the hall, so that rebuilding one
    hall leaves the others' entries valid), the straight leg's length, where it ends and
    the door it passes (-1: none; an accessible route skips stepped doors).
    """

    hall: NDArray[np.int64]
    local: NDArray[np.int64]
    leg: Array
    end: Array
    door: NDArray[np.int64]
    halls_used: tuple[int, ...]


@dataclass
class _Tree:
    """Shortest walking distances from one origin point to every graph node."""

    origin: Array
    hall: int
    dist: Array
    pred: NDArray[np.int32]


class Router:
    """Find exact shortest walking routes in a venue.

    Parameters
    ----------
    venue
        The venue (one projected metric CRS).
    clearance_m
        How far a walker keeps from booths, obstacles, walls and door jambs.
    speeds
        Walking speeds for durations.
    """

    def __init__(
        self, venue: Venue, *, clearance_m: float = 0.5, speeds: Speeds | None = None
    ) -> None:
        if not clearance_m >= 0:
            msg = f"clearance_m must be >= 0, got {clearance_m!r}"
            raise ValueError(msg)
        self.venue = venue
        self.clearance_m = float(clearance_m)
        self.speeds = speeds or Speeds()
        halls = venue.halls
        self._hall_ids = [str(h) for h in halls[Col.HALL_ID]]
        self._hall_index = {h: k for k, h in enumerate(self._hall_ids)}
        self._hall_geoms = np.asarray(halls.geometry.values)
        self._hall_names = [
            str(n) if isinstance(n, str) and n else h
            for h, n in zip(self._hall_ids, halls.get(Col.NAME, self._hall_ids), strict=True)
        ]
        self._doors = self._make_doors()
        self._graphs: list[V.HallGraph] = [self._build_hall(k) for k in range(len(halls))]
        self._pair_areas: dict[int, V.Area] = {}
        self._pairs: dict[tuple[int, int], V.Area] = {}
        self._cross: dict[int, tuple[NDArray[np.int64], Array]] = {}
        for d in range(len(self._doors)):
            self._build_door(d)
        self._assemble()
        self._index_places()
        self._trees: dict[tuple[str, bool], _Tree] = {}
        self._targets: dict[str, _Target] = {}
        self._ends: dict[str, _Ends] = {}
        self._warm(range(len(halls)))

    # ----------------------------------------------------------------- building

    def _make_doors(self) -> list[V.Door]:
        """Return the doors, one per physical opening (two records of one door merge)."""
        doors: list[V.Door] = []
        seen: dict[tuple[int, ...], int] = {}
        ops = self.venue.openings
        if len(ops) == 0:
            return doors
        for _, row in ops.iterrows():
            line = shapely.get_coordinates(row.geometry)
            line = np.array([line[0], line[-1]])
            hall = self._hall_index.get(str(row[Col.HALL_ID]), -1)
            if hall < 0:
                continue
            other = -1
            kind = str(row.get(Col.KIND, ""))
            if kind == OpeningKind.CONNECTION.value:
                other = self._hall_index.get(str(row.get(Col.CONNECTS, "") or ""), -1)
            step_free = row.get(Col.STEP_FREE, True)
            step_free = True if step_free is None or pd.isna(step_free) else bool(step_free)
            key = tuple(np.round(np.sort(line, axis=0).ravel(), 3).tolist())
            if key in seen:  # the same door described from the other hall
                door = doors[seen[key]]
                door.step_free = door.step_free and step_free
                door.ids = (*door.ids, str(row[Col.OPENING_ID]))
                if door.halls[1] < 0 and other >= 0:
                    door.halls = (door.halls[0], other)
                continue
            c = self.clearance_m
            short = V.shorten_door(line, c)
            seg = short if short is not None else np.full((2, 2), np.nan)
            oid = str(row[Col.OPENING_ID])
            seen[key] = len(doors)
            doors.append(V.Door(oid, (hall, other), seg, line, step_free, kind, (oid,)))
        return doors

    def _build_hall(self, k: int) -> V.HallGraph:
        hid = self._hall_ids[k]
        blocked: list[BaseGeometry] = []
        for frame in (self.venue.booths, self.venue.obstacles):
            if len(frame):
                blocked.extend(frame.geometry.values[(frame[Col.HALL_ID] == hid).to_numpy()])
        lines = [d.line for d in self._doors if k in d.halls]
        free = V.walkable_area(self._hall_geoms[k], blocked, lines, self.clearance_m)
        jambs = np.zeros((0, 2))
        if self.clearance_m <= 0:
            # At zero clearance the jambs are corners only of the glued floor of two halls.
            j = [d.seg for d in self._doors if k in d.halls and min(d.halls) >= 0]
            if j:
                jambs = np.concatenate(j)
        return V.build_hall_graph(free, jambs)

    def _build_door(self, d: int) -> None:
        door = self._doors[d]
        a, b = door.halls
        self._pair_areas.pop(d, None)
        self._cross.pop(d, None)
        if a < 0 or b < 0 or not door.usable:
            return
        ga, gb = self._graphs[a], self._graphs[b]
        key = (min(a, b), max(a, b))
        both = self._pairs.get(key)
        if both is None:
            doors = [x for x in self._doors if x.usable and (min(x.halls), max(x.halls)) == key]
            both = self._pairs[key] = V.pair_area(ga, gb, doors)
        self._pair_areas[d] = both
        self._cross[d] = V.cross_door_edges(ga, gb, door, both)

    def _assemble(self) -> None:
        """Join the halls' graphs and the door edges into one CSR graph (plus a spare row)."""
        self._hall_doors: dict[bool, dict[int, list[tuple[int, int]]]] = {False: {}, True: {}}
        for d in self._pair_areas:
            door = self._doors[d]
            a, b = door.halls
            for accessible in (False, True):
                if accessible and not door.step_free:
                    continue
                by_hall = self._hall_doors[accessible]
                by_hall.setdefault(a, []).append((d, b))
                if b != a:
                    by_hall.setdefault(b, []).append((d, a))
        self._stepped = np.array([not door.step_free for door in self._doors] + [False])
        self._landmarks: dict[tuple[float, float], Landmark | None] = {}
        sizes = [len(g.xy) for g in self._graphs]
        self._offset = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        n = int(self._offset[-1])
        self._n = n
        self._xy = np.concatenate([g.xy for g in self._graphs]) if n else np.zeros((0, 2))
        self._prev = np.concatenate([g.prev for g in self._graphs]) if n else self._xy
        self._next = np.concatenate([g.next for g in self._graphs]) if n else self._xy
        self._node_hall = np.repeat(np.arange(len(sizes)), sizes)
        rows, cols, vals = [], [], []
        for k, g in enumerate(self._graphs):
            rows.append(g.edges[:, 0] + self._offset[k])
            cols.append(g.edges[:, 1] + self._offset[k])
            vals.append(g.lengths)
        base = (np.concatenate(rows), np.concatenate(cols), np.concatenate(vals))
        self._csr: dict[bool, csr_matrix] = {}
        for accessible in (False, True):
            r, c, v = [base[0]], [base[1]], [base[2]]
            for d, (pairs, lengths) in self._cross.items():
                door = self._doors[d]
                if accessible and not door.step_free:
                    continue
                r.append(pairs[:, 0] + self._offset[door.halls[0]])
                c.append(pairs[:, 1] + self._offset[door.halls[1]])
                v.append(lengths)
            rr, cc, vv = np.concatenate(r), np.concatenate(c), np.concatenate(v)
            vv = np.maximum(vv, 1e-12)  # an explicit zero would read as "no edge"
            # Both directions; the extra last row is the per-query virtual source.
            m = csr_matrix(
                (np.concatenate([vv, vv]), (np.concatenate([rr, cc]), np.concatenate([cc, rr]))),
                shape=(n + 1, n + 1),
            )
            m.sum_duplicates()
            self._csr[accessible] = m

    def _index_places(self) -> None:
        v = self.venue
        self._booth_ids = [str(b) for b in v.booths[Col.BOOTH_ID]] if len(v.booths) else []
        self._booth_geoms = np.asarray(v.booths.geometry.values)
        self._booth_index = {b: k for k, b in enumerate(self._booth_ids)}
        self._booth_tree = shapely.STRtree(self._booth_geoms)
        self._obstacle_geoms = np.asarray(v.obstacles.geometry.values)
        self._kiosk_xy: dict[str, Array] = {}
        for _, row in v.kiosks.iterrows():
            self._kiosk_xy[str(row[Col.KIOSK_ID])] = shapely.get_coordinates(row.geometry)[0]
        self._amenity_xy: dict[str, tuple[Array, str, str]] = {}
        for _, row in v.amenities.iterrows():
            name = str(row.get(Col.NAME, "") or row.get(Col.KIND, ""))
            self._amenity_xy[str(row[Col.AMENITY_ID])] = (
                shapely.get_coordinates(row.geometry)[0],
                name,
                str(row.get("name_zh", "") or ""),
            )
        self._door_by_id = {i: d for d, door in enumerate(self._doors) for i in door.ids}
        marks_xy, self._marks = [], []
        for aid, (xy, name, name_zh) in self._amenity_xy.items():
            marks_xy.append(shapely.Point(xy))
            self._marks.append(Landmark(aid, name or aid, name_zh or name or aid))
        # Columns as lists: a pandas row lookup per booth costs more than a whole query.
        self._booth_ex = _texts(v.booths, Col.EXHIBITOR)
        self._booth_ex_zh = _texts(v.booths, Col.EXHIBITOR_ZH)
        self._booth_hall = [self._hall_index.get(h, -1) for h in _texts(v.booths, Col.HALL_ID)]
        for k, bid in enumerate(self._booth_ids):
            ex = self._booth_ex[k]
            ex_zh = self._booth_ex_zh[k] or ex
            marks_xy.append(self._booth_geoms[k])
            self._marks.append(Landmark(bid, f"{bid} {ex}".strip(), f"{bid} {ex_zh}".strip()))
        self._mark_tree = shapely.STRtree(marks_xy)

    def update_hall(self, hall_id: str, venue: Venue | None = None) -> None:
        """Rebuild one hall's walkable area and graph after its booths moved.

        Parameters
        ----------
        hall_id
            The hall whose booths or obstacles changed.
        venue
            The edited venue (default: the router's own, edited in place).
        """
        if hall_id not in self._hall_index:
            msg = f"unknown hall {hall_id!r}; halls: {', '.join(self._hall_ids)}"
            raise PlaceError(msg)
        if venue is not None:
            self.venue = venue
        k = self._hall_index[hall_id]
        self._graphs[k] = self._build_hall(k)
        self._pairs = {key: a for key, a in self._pairs.items() if k not in key}
        for d, door in enumerate(self._doors):
            if k in door.halls:
                self._build_door(d)
        self._assemble()
        self._index_places()
        if venue is not None:  # a new venue: any place may have changed
            self._targets, self._ends = {}, {}
            self._warm(range(len(self._graphs)))
            return
        # Ends toward a target use nodes of its hall and of the halls next to it.
        near = {k}
        for d in self._pair_areas:
            if k in self._doors[d].halls:
                near.update(self._doors[d].halls)
        self._targets = {p: t for p, t in self._targets.items() if t.hall != k}
        self._ends = {p: e for p, e in self._ends.items() if k not in e.halls_used}
        self._warm(sorted(near))

    def _warm(self, halls: Iterable[int]) -> None:
        """Compute the kiosks' trees, and booths' ends in ``halls`` on a venue not too big.

        Kiosks do not move: their shortest-path trees are computed here, once, so that a
        kiosk query is only the last step. Booths' ends (:meth:`_ends_of`) cost about a
        millisecond each: computed here up to :data:`WARM_BOOTHS` booths (the bundled
        venue: 0.3 s), lazily on first use beyond (74,000 booths would take minutes).
        """
        self._trees = {}
        for kid in self._kiosk_xy:
            self._trees[(kid, False)] = self._tree(self._resolve(kid), accessible=False)
        if len(self._booth_ids) > WARM_BOOTHS:
            return
        wanted = set(halls)
        by_hall: dict[int, list[tuple[str, _Target]]] = {}
        for bid in self._booth_ids:
            if bid in self._ends:
                continue
            try:
                target = self._resolve(bid)
            except (PlaceError, NoRouteError):
                continue  # the query will say why
            if target.hall in wanted:
                by_hall.setdefault(target.hall, []).append((bid, target))
        for todo in by_hall.values():
            for lo in range(0, len(todo), _WARM_BATCH):
                part = todo[lo : lo + _WARM_BATCH]
                self._ends_many([b for b, _ in part], [x for _, x in part])

    # ------------------------------------------------------------------ places

    def _hall_of(self, xy: Array, what: str) -> int:
        inside = shapely.covers(self._hall_geoms, shapely.Point(xy))
        if not inside.any():
            msg = f"place {what} at ({xy[0]:.2f}, {xy[1]:.2f}) is outside every hall"
            raise PlaceError(msg)
        return int(np.flatnonzero(inside)[0])

    def _resolve(self, place: Place) -> _Target:
        """Return the target a place id or ``(x, y)`` stands for (cached for ids)."""
        if isinstance(place, str):
            hit = self._targets.get(place)
            if hit is not None:
                return hit
            target = self._resolve_id(place)
            self._targets[place] = target
            return target
        try:
            xy = np.array([float(place[0]), float(place[1])])
        except (TypeError, ValueError, IndexError):
            msg = f"a place is an id or (x, y); got {place!r}"
            raise PlaceError(msg) from None
        label = f"({xy[0]:.1f}, {xy[1]:.1f})"
        return self._point_target(xy, label, label)

    def _resolve_id(self, place: str) -> _Target:
        if place in self._booth_index:
            return self._booth_target(place)
        if place in self._kiosk_xy:
            return self._point_target(self._kiosk_xy[place], place, place)
        if place in self._amenity_xy:
            xy, name, name_zh = self._amenity_xy[place]
            en = f"{name} ({place})" if name else place
            return self._point_target(xy, en, f"{name_zh or name} ({place})")
        if place in self._door_by_id:
            return self._door_target(place)
        msg = f"unknown place {place!r}: not a booth, kiosk, amenity or opening id"
        raise PlaceError(msg)

    def _point_target(self, xy: Array, label: str, label_zh: str) -> _Target:
        hall = self._hall_of(xy, label)
        pt = shapely.Point(xy)
        hit = self._booth_tree.query(pt, predicate="within")
        # A point on a booth's boundary (up to rounding) is where a route to it ends.
        hit = [h for h in hit if self._booth_geoms[h].boundary.distance(pt) > V.EPS_M]
        if hit:
            bid = self._booth_ids[int(hit[0])]
            msg = f"place {label} is inside booth {bid}"
            raise PlaceError(msg)
        if len(self._obstacle_geoms) and shapely.contains_properly(self._obstacle_geoms, pt).any():
            msg = f"place {label} is inside an obstacle"
            raise PlaceError(msg)
        free = self._graphs[hall].free
        lead = None
        if not shapely.covers(self._graphs[hall].test, pt):
            # Within the clearance of a wall or booth (an amenity on a wall): walk from
            # the nearest walkable point.
            if free.is_empty:
                msg = f"place {label} has no walkable floor around it"
                raise NoRouteError(msg)
            near = shapely.get_coordinates(shapely.shortest_line(pt, free))[1]
            lead, xy = xy, near
        segs = np.array([[xy, xy]])
        return _Target(label, label_zh, hall, segs, lead)

    def _booth_target(self, bid: str) -> _Target:
        k = self._booth_index[bid]
        booth = self._booth_geoms[k]
        hall = self._booth_hall[k]
        if hall < 0:
            hall = self._hall_of(shapely.get_coordinates(booth.representative_point())[0], bid)
        c = self.clearance_m
        grown = booth.buffer(c, join_style="mitre") if c > 0 else booth
        ring = shapely.get_coordinates(shapely.orient_polygons(grown).exterior)
        lines = shapely.linestrings(np.stack([ring[:-1], ring[1:]], axis=1))
        parts = shapely.get_parts(shapely.intersection(lines, self._graphs[hall].test))
        segs = [
            np.stack([co[:-1], co[1:]], axis=1)
            for co in (shapely.get_coordinates(p) for p in parts if p.geom_type == "LineString")
            if len(co) >= 2
        ]
        arr = np.concatenate(segs) if segs else np.zeros((0, 2, 2))
        ex = self._booth_ex[k]
        ex_zh = self._booth_ex_zh[k] or ex
        en = f"booth {bid}" + (f" ({ex})" if ex else "")
        zh = f"{bid}号展位" + (f"（{ex_zh}）" if ex_zh else "")
        return _Target(en, zh, hall, arr, booth=booth if c > 0 else None)

    def _door_target(self, oid: str) -> _Target:
        door = self._doors[self._door_by_id[oid]]
        if not door.usable:
            msg = f"door {oid} is narrower than twice the clearance {self.clearance_m} m"
            raise NoRouteError(msg)
        return _Target(f"door {oid}", f"{oid}号门", door.halls[0], door.seg[None, :, :])

    # ------------------------------------------------------------------ queries

    def _doors_of(self, hall: int, accessible: bool) -> list[tuple[int, int]]:
        """Return ``(door index, other hall)`` for the usable doors out of ``hall``."""
        return self._hall_doors[accessible].get(hall, [])

    def _visible(
        self, src: Array, dst: Array, hall_src: int, hall_dst: int, accessible: bool
    ) -> NDArray[np.bool_]:
        """Return whether each segment ``src[k]-dst[k]`` is walkable (halls given)."""
        if hall_src == hall_dst:
            return V.segments_inside(src, dst, self._graphs[hall_src].area)
        ok = np.zeros(len(src), dtype=bool)
        for d, other in self._doors_of(hall_src, accessible):
            if other != hall_dst:
                continue
            cand = ~ok & V.door_crossing_ok(src, dst, self._doors[d].seg)
            if cand.any():
                ok[cand] = V.segments_inside(src[cand], dst[cand], self._pair_areas[d])
        return ok

    def _tree(self, origin: _Target, *, accessible: bool) -> _Tree:
        """Run Dijkstra from a point origin over the whole graph."""
        p = origin.point
        hall = origin.hall
        halls = [hall] + [o for _, o in self._doors_of(hall, accessible)]
        nodes_l, dists_l = [], []
        for h in dict.fromkeys(halls):
            lo, hi = self._offset[h], self._offset[h + 1]
            idx = np.arange(lo, hi)
            if len(idx) == 0:
                continue
            src = np.repeat(p[None, :], len(idx), axis=0)
            ok = V.tangent(self._xy[idx], self._prev[idx], self._next[idx], src)
            idx = idx[ok]
            vis = self._visible(src[: len(idx)], self._xy[idx], hall, h, accessible)
            idx = idx[vis]
            nodes_l.append(idx)
            dists_l.append(np.hypot(*(self._xy[idx] - p).T))
        nodes = np.concatenate(nodes_l) if nodes_l else np.zeros(0, dtype=np.int64)
        dists = np.concatenate(dists_l) if dists_l else np.zeros(0)
        dist, pred = self._dijkstra(nodes, dists, accessible)
        return _Tree(p, hall, dist, pred)

    def _dijkstra(
        self, nodes: NDArray[np.int64], dists: Array, accessible: bool
    ) -> tuple[Array, NDArray[np.int32]]:
        """Return distances and predecessors from a virtual source joined to ``nodes``.

        One Dijkstra over the whole venue graph (scipy's C code). Measured on the
        74,000-booth venue (19,500 nodes, 350,000 edges) it costs a few milliseconds, so
        per-hall all-pairs tables and a door overlay would save little and cost memory
        and update time; the queries' cost is in the geometry around the two ends.
        """
        n = self._n
        base = self._csr[accessible]
        if len(nodes) == 0:
            return np.full(n, np.inf), np.full(n, -9999, dtype=np.int32)
        # Several legs may reach one node: keep the shortest (CSR would add them up).
        order = np.lexsort((dists, nodes))
        nodes, dists = nodes[order], dists[order]
        first = np.ones(len(nodes), dtype=bool)
        first[1:] = nodes[1:] != nodes[:-1]
        nodes, dists = nodes[first], dists[first]
        dists = np.maximum(dists, 1e-12)  # an explicit zero would read as "no edge"
        indptr = base.indptr.copy()
        indptr[-1] = indptr[-2] + len(nodes)
        m = csr_matrix(
            (
                np.concatenate([base.data, dists]),
                np.concatenate([base.indices, nodes.astype(base.indices.dtype)]),
                indptr,
            ),
            shape=(n + 1, n + 1),
        )
        dist, pred = dijkstra(m, directed=True, indices=n, return_predecessors=True)
        return dist[:n], pred[:n]

    def _origin_tree(self, place: Place, origin: _Target, accessible: bool) -> _Tree:
        key = (place, accessible) if isinstance(place, str) else None
        if key is not None and key in self._trees:
            return self._trees[key]
        tree = self._tree(origin, accessible=accessible)
        if key is not None and key[0] in self._kiosk_xy:
            self._trees[key] = tree
        return tree

    def _best_end(
        self, tree: _Tree, target: _Target, accessible: bool
    ) -> tuple[float, int, Array] | None:
        """Return ``(length, last node or -1 for the origin, end point)`` or None.

        Candidates pair every reached node near the target (and the origin) with the
        point of each target segment nearest to it; they are tried in order of length, so
        the first walkable one is the shortest route.
        """
        t = target.hall
        halls = [t] + [o for _, o in self._doors_of(t, accessible)]
        srcs, costs, hall_of, node_of = [], [], [], []
        for h in dict.fromkeys(halls):
            idx = np.arange(self._offset[h], self._offset[h + 1])
            idx = idx[np.isfinite(tree.dist[idx])]
            srcs.append(self._xy[idx])
            costs.append(tree.dist[idx])
            hall_of.append(np.full(len(idx), h))
            node_of.append(idx)
        if tree.hall in halls:
            srcs.append(tree.origin[None, :])
            costs.append(np.zeros(1))
            hall_of.append(np.array([tree.hall]))
            node_of.append(np.array([-1]))
        src = np.concatenate(srcs)
        cost = np.concatenate(costs)
        shall = np.concatenate(hall_of)
        snode = np.concatenate(node_of)
        segs = target.segs
        if len(src) == 0 or len(segs) == 0:
            return None
        foot = _feet(src, segs)
        total = cost[:, None] + np.hypot(*(foot - src[:, None, :]).transpose(2, 0, 1))
        order = np.argsort(total, axis=None)
        n_seg = len(segs)
        for lo in range(0, len(order), _END_BATCH):
            chunk = order[lo : lo + _END_BATCH]
            ci, cj = chunk // n_seg, chunk % n_seg
            ok = np.ones(len(chunk), dtype=bool)
            nodes = snode[ci]
            is_node = nodes >= 0
            if is_node.any():
                k = nodes[is_node]
                ok[is_node] = V.tangent(
                    self._xy[k], self._prev[k], self._next[k], foot[ci[is_node], cj[is_node]]
                )
            for h in np.unique(shall[ci]):
                sel = ok & (shall[ci] == h)
                if sel.any():
                    ok[sel] = self._visible(
                        src[ci[sel]], foot[ci[sel], cj[sel]], int(h), t, accessible
                    )
            if ok.any():
                first = int(np.flatnonzero(ok)[0])
                i, j = ci[first], cj[first]
                return float(total[i, j]), int(snode[i]), foot[i, j]
        return None

    def _ends_of(self, key: str, target: _Target) -> _Ends:
        """Return (and cache) the last legs onto a booth or door from every node.

        From a node the walk ends at the nearest point of one of the target's segments
        (the foot of the perpendicular, or a segment end) if that leg is walkable and
        tangent at the node. The legs do not depend on the origin, so they are computed
        once per target and a query is ``argmin(dist[nodes] + legs)``: no geometry.
        """
        hit = self._ends.get(key)
        if hit is None:
            self._ends_many([key], [target])
            hit = self._ends[key]
        return hit

    def _ends_many(self, keys: list[str], targets: list[_Target]) -> None:
        """Compute the ends of several targets of one hall in one vectorised pass."""
        t = targets[0].hall
        segs = np.concatenate([x.segs for x in targets]) if targets else np.zeros((0, 2, 2))
        owner = np.repeat(np.arange(len(targets)), [len(x.segs) for x in targets])
        doors = self._doors_of(t, accessible=False)
        halls = list(dict.fromkeys([t] + [o for _, o in doors]))
        cols: list[list[Any]] = [[] for _ in range(6)]  # owner, hall, local, src, end, door

        def keep(vis: NDArray[np.bool_], h: int, d: int, *arrs: Any) -> None:
            ow, ii, a, end = (x[vis] for x in arrs)
            vals = (ow, np.full(len(ii), h), ii, a, end, np.full(len(ii), d))
            for col, val in zip(cols, vals, strict=True):
                col.append(val)

        for h in halls:
            lo, hi = int(self._offset[h]), int(self._offset[h + 1])
            if hi == lo or len(segs) == 0:
                continue
            src = self._xy[lo:hi]
            foot = _feet(src, segs)
            ii, jj = np.divmod(np.arange(foot.shape[0] * foot.shape[1]), foot.shape[1])
            end = foot[ii, jj]
            g = lo + ii
            ok = V.tangent(self._xy[g], self._prev[g], self._next[g], end)
            ii, jj, end = ii[ok], jj[ok], end[ok]
            a = src[ii]
            ow = owner[jj]
            if h == t:
                vis = V.segments_inside(a, end, self._graphs[t].area)
                keep(vis, h, -1, ow, ii, a, end)
            for d, other in doors:
                if other != h:
                    continue
                vis = V.door_crossing_ok(a, end, self._doors[d].seg)
                vis[vis] = V.segments_inside(a[vis], end[vis], self._pair_areas[d])
                keep(vis, h, d, ow, ii, a, end)
        if cols[0]:
            ow_a, hall_a, local, door_a = (
                np.concatenate(cols[k]).astype(np.int64) for k in (0, 1, 2, 5)
            )
            src_a, end_a = np.concatenate(cols[3]), np.concatenate(cols[4])
        else:
            ow_a = hall_a = local = door_a = np.zeros(0, dtype=np.int64)
            src_a = end_a = np.zeros((0, 2))
        leg = np.hypot(*(end_a - src_a).T) if len(end_a) else np.zeros(0)
        for k, key in enumerate(keys):
            m = ow_a == k
            self._ends[key] = _Ends(hall_a[m], local[m], leg[m], end_a[m], door_a[m], tuple(halls))

    def _best_end_cached(
        self, tree: _Tree, target: _Target, ends: _Ends, accessible: bool
    ) -> tuple[float, int, Array] | None:
        """Return what :meth:`_best_end` returns, from the target's cached last legs."""
        best: tuple[float, int, Array] | None = None
        if len(ends.leg):
            glob = self._offset[ends.hall] + ends.local
            total = tree.dist[glob] + ends.leg
            if accessible:
                total[self._stepped[ends.door]] = np.inf  # door -1 reads the last: False
            k = int(np.argmin(total))
            if np.isfinite(total[k]):
                best = float(total[k]), int(glob[k]), ends.end[k]
        # Straight from the origin, when it is near: only legs shorter than the best.
        t = target.hall
        if tree.hall != t and tree.hall not in [o for _, o in self._doors_of(t, accessible)]:
            return best
        foot = _feet(tree.origin[None, :], target.segs)[0]
        length = np.hypot(*(foot - tree.origin).T)
        order = np.argsort(length)
        if best is not None:
            order = order[length[order] < best[0]]
        if len(order) == 0:
            return best
        src = np.repeat(tree.origin[None, :], len(order), axis=0)
        ok = self._visible(src, foot[order], tree.hall, t, accessible)
        if ok.any():
            j = int(order[int(np.argmax(ok))])
            return float(length[j]), -1, foot[j]
        return best

    def _path(self, tree: _Tree, last: int) -> list[int]:
        nodes = []
        k = last
        while k >= 0 and k < self._n:
            nodes.append(k)
            k = int(tree.pred[k])
        return nodes[::-1]

    def _leg(self, origin: Place, destination: Place, accessible: bool) -> Route:
        o = self._resolve(origin)
        t = self._resolve(destination)
        if not o.is_point:
            # A booth or door as origin: walk the reverse way from a point destination
            # and turn round.
            if t.is_point:
                back = self._leg_targets(destination, t, origin, o, accessible)
                return self._reversed(back, str(origin), str(destination), o, t)
            # Between two booths (or doors), both are ids: see _leg_between.
            return self._leg_between(str(origin), o, str(destination), t, accessible)
        return self._leg_targets(origin, o, destination, t, accessible)

    def _leg_between(
        self, origin: str, o: _Target, destination: str, t: _Target, accessible: bool
    ) -> Route:
        """Return the shortest walk between two booths (or doors): boundary to boundary.

        Exact over both boundaries: one Dijkstra from all the origin's last legs (its
        cached ends, read backwards) at once, then the destination's ends; and the
        straight walks between the two, tried only when shorter.
        """
        eo, et = self._ends_of(origin, o), self._ends_of(destination, t)
        keep = ~self._stepped[eo.door] if accessible else np.ones(len(eo.leg), dtype=bool)
        glob_o = (self._offset[eo.hall] + eo.local)[keep]
        dist, pred = self._dijkstra(glob_o, eo.leg[keep], accessible)
        best: tuple[float, int, Array, Array] | None = None
        if len(et.leg):
            glob_t = self._offset[et.hall] + et.local
            total = dist[glob_t] + et.leg
            if accessible:
                total[self._stepped[et.door]] = np.inf
            k = int(np.argmin(total))
            if np.isfinite(total[k]):
                first = self._path(_Tree(o.point, o.hall, dist, pred), int(glob_t[k]))[0]
                legs = np.flatnonzero(glob_o == first)
                j = int(legs[np.argmin(eo.leg[keep][legs])])
                start = eo.end[keep][j]
                best = float(total[k]), int(glob_t[k]), start, et.end[k]
        direct = self._direct(o, t, accessible, best[0] if best else math.inf)
        if direct is not None:
            best = (direct[0], -1, direct[1], direct[2])
        if best is None:
            how = " step-free" if accessible else ""
            msg = f"no{how} walkable route from {o.label} to {t.label}"
            raise NoRouteError(msg)
        _, last, start, end = best
        pts: list[Array] = [start]
        halls = [o.hall]
        if last >= 0:
            for k in self._path(_Tree(start, o.hall, dist, pred), last):
                pts.append(self._xy[k])
                halls.append(int(self._node_hall[k]))
        pts.append(end)
        halls.append(t.hall)
        if o.booth is not None:
            pts.insert(0, self._onto(start, o.booth))
            halls.insert(0, o.hall)
        if t.booth is not None:
            pts.append(self._onto(end, t.booth))
            halls.append(t.hall)
        return self._finish(pts, halls, o, t, origin, destination, accessible)

    def _direct(
        self, o: _Target, t: _Target, accessible: bool, limit: float
    ) -> tuple[float, Array, Array] | None:
        """Return the shortest straight walk between two sets of segments under ``limit``.

        The closest points of two segments include an end of one of them, so the
        candidates are every segment end of one side with its nearest point on the other.
        """
        if o.hall != t.hall and o.hall not in [h for _, h in self._doors_of(t.hall, accessible)]:
            return None
        pa = o.segs.reshape(-1, 2)
        pb = t.segs.reshape(-1, 2)
        if len(pa) == 0 or len(pb) == 0:
            return None
        fa = _feet(pa, t.segs).reshape(-1, 2)  # ends of o onto t
        fb = _feet(pb, o.segs).reshape(-1, 2)  # ends of t onto o
        src = np.concatenate([np.repeat(pa, len(t.segs), axis=0), fb])
        dst = np.concatenate([fa, np.repeat(pb, len(o.segs), axis=0)])
        length = np.hypot(*(dst - src).T)
        order = np.argsort(length)
        order = order[length[order] < limit]
        if len(order) == 0:
            return None
        ok = self._visible(src[order], dst[order], o.hall, t.hall, accessible)
        if not ok.any():
            return None
        j = int(order[int(np.argmax(ok))])
        return float(length[j]), src[j], dst[j]

    @staticmethod
    def _onto(pt: Array, booth: BaseGeometry) -> Array:
        """Return the point of a booth's boundary nearest to ``pt``."""
        line = shapely.shortest_line(shapely.Point(pt), booth.exterior)
        return np.asarray(shapely.get_coordinates(line)[1])

    def _leg_targets(
        self, origin: Place, o: _Target, destination: Place, t: _Target, accessible: bool
    ) -> Route:
        tree = self._origin_tree(origin, o, accessible) if o.is_point else None
        if tree is None:  # pragma: no cover - callers pass point origins
            raise AssertionError
        if isinstance(destination, str) and not t.is_point:
            best = self._best_end_cached(tree, t, self._ends_of(destination, t), accessible)
        else:
            best = self._best_end(tree, t, accessible)
        if best is None:
            how = " step-free" if accessible else ""
            msg = (
                f"no{how} walkable route from {o.label} to {t.label} "
                f"(clearance {self.clearance_m:g} m)"
            )
            raise NoRouteError(msg)
        _, last, end = best
        pts = [tree.origin]
        halls = [o.hall]
        for k in self._path(tree, last) if last >= 0 else []:
            pts.append(self._xy[k])
            halls.append(int(self._node_hall[k]))
        pts.append(end)
        halls.append(t.hall)
        if o.lead is not None:
            pts.insert(0, o.lead)
            halls.insert(0, o.hall)
        if t.lead is not None:
            pts.append(t.lead)
            halls.append(t.hall)
        if t.booth is not None:
            on = shapely.get_coordinates(
                shapely.shortest_line(shapely.Point(end), t.booth.exterior)
            )[1]
            pts.append(on)
            halls.append(t.hall)
        return self._finish(pts, halls, o, t, str(origin), str(destination), accessible)

    def _finish(  # noqa: PLR0917 - private, called from two places
        self,
        pts: list[Array],
        halls: list[int],
        o: _Target,
        t: _Target,
        origin: str,
        destination: str,
        accessible: bool,
    ) -> Route:
        coords: list[tuple[float, float]] = []
        crossings: list[Crossing] = []
        hall_seq: list[str] = []
        # Drop repeated points (a jamb is a node of both halls at zero clearance).
        keep = [0] + [k for k in range(1, len(pts)) if math.dist(pts[k], pts[k - 1]) > 1e-9]
        if len(keep) < len(pts):
            halls = [halls[k] for k in keep]
            pts = [pts[k] for k in keep]
        for k, (p, h) in enumerate(zip(pts, halls, strict=True)):
            if k > 0 and h != halls[k - 1]:
                cross = self._crossing(pts[k - 1], p, halls[k - 1], h, accessible)
                if cross is not None:
                    d, x = cross
                    xy = (float(x[0]), float(x[1]))
                    if not coords or math.dist(coords[-1], xy) > 1e-9:
                        coords.append(xy)
                    crossings.append(
                        Crossing(len(coords) - 1, d, self._hall_ids[h], self._hall_names[h])
                    )
            pt = (float(p[0]), float(p[1]))
            if not coords or math.dist(coords[-1], pt) > 1e-9:
                coords.append(pt)
            if not hall_seq or hall_seq[-1] != self._hall_ids[h]:
                hall_seq.append(self._hall_ids[h])
        if len(coords) == 1:
            coords.append(coords[0])
        arr = np.asarray(coords)
        length = float(np.hypot(*np.diff(arr, axis=0).T).sum())
        speed = self.speeds.accessible_speed_mps if accessible else self.speeds.walk_speed_mps
        steps = make_steps(
            coords,
            crossings,
            self._landmark_at,
            origin=(o.label, o.label_zh),
            destination=(t.label, t.label_zh),
        )
        return Route(
            length, length / speed, coords, hall_seq, steps, origin, destination, accessible
        )

    def _crossing(
        self, a: Array, b: Array, ha: int, hb: int, accessible: bool
    ) -> tuple[str, Array] | None:
        for d, other in self._doors_of(ha, accessible):
            if other != hb:
                continue
            seg = self._doors[d].seg
            if V.door_crossing_ok(a[None, :], b[None, :], seg)[0]:
                return self._doors[d].door_id, V.crossing_point(a, b, seg)
        return None

    def _reversed(
        self, back: Route, origin: str, destination: str, o: _Target, t: _Target
    ) -> Route:
        coords = back.coords[::-1]
        accessible = back.accessible
        pts = [np.asarray(c) for c in coords]
        halls = [self._hall_of_point(p, o.hall) for p in pts]
        return self._finish(pts, halls, o, t, origin, destination, accessible)

    def _hall_of_point(self, p: Array, default: int) -> int:
        inside = np.flatnonzero(shapely.covers(self._hall_geoms, shapely.Point(p)))
        if len(inside) == 0:
            return default
        if default in inside:
            return default
        return int(inside[0])

    def _landmark_at(self, pt: tuple[float, float]) -> Landmark | None:
        # Turns are at graph nodes, so the same points come back query after query.
        if pt in self._landmarks:
            return self._landmarks[pt]
        hit = self._mark_tree.query_nearest(shapely.Point(pt), max_distance=_LANDMARK_M)
        mark = self._marks[int(hit[0])] if len(hit) else None
        if len(self._landmarks) < _LANDMARK_CACHE:
            self._landmarks[pt] = mark
        return mark

    # ------------------------------------------------------------------ public

    def route(
        self,
        origin: Place,
        destination: Place,
        *,
        via: Sequence[Place] = (),
        accessible: bool = False,
    ) -> Route:
        """Return the shortest walk from ``origin`` to ``destination``.

        Parameters
        ----------
        origin, destination
            A kiosk, booth, amenity or opening id, or ``(x, y)`` in the venue CRS. A route
            to a booth ends on its boundary, at the nearest reachable point.
        via
            Places to pass, in order; each leg is the shortest between its ends.
        accessible
            Use only step-free doors and the accessible walking speed.

        Raises
        ------
        PlaceError
            When a place is unknown, inside a booth or obstacle, or outside every hall.
        NoRouteError
            When no walkable route joins two consecutive places.
        """
        places = [origin, *via, destination]
        legs: list[Route] = []
        start: Place = origin
        for nxt in places[1:]:
            leg = self._leg(start, nxt, accessible)
            if legs and math.dist(legs[-1].coords[-1], leg.coords[0]) > 1e-9:
                # Stepping back off the booth just reached belongs to the next leg, so
                # that the legs add up to the whole.
                leg.coords.insert(0, legs[-1].coords[-1])
                leg.length_m += math.dist(leg.coords[0], leg.coords[1])
                speed = self._speed(accessible)
                leg.duration_s = leg.length_m / speed
            legs.append(leg)
            # The next leg starts where this one ended (on a booth's boundary: from the
            # walkable point beside it).
            start = self._leg_start(nxt, leg)
        if len(legs) == 1:
            return legs[0]
        return self._join(legs, str(origin), str(destination), accessible)

    def _leg_start(self, place: Place, leg: Route) -> Place:
        if isinstance(place, str) and place in self._booth_index:
            k = -2 if self.clearance_m > 0 and len(leg.coords) >= 2 else -1
            return leg.coords[k]
        return place

    def _speed(self, accessible: bool) -> float:
        return self.speeds.accessible_speed_mps if accessible else self.speeds.walk_speed_mps

    def _join(self, legs: list[Route], origin: str, destination: str, accessible: bool) -> Route:
        coords = list(legs[0].coords)
        halls = list(legs[0].halls)
        steps = list(legs[0].steps)
        for leg in legs[1:]:
            # After a booth the next leg starts from the walkable point beside it: the
            # walker steps back off the booth's boundary, and that counts in the length.
            coords.extend(leg.coords[1:] if coords[-1] == leg.coords[0] else leg.coords)
            halls.extend(h for h in leg.halls if not halls or halls[-1] != h)
            steps.extend(leg.steps[1:])
        arr = np.asarray(coords)
        length = float(np.hypot(*np.diff(arr, axis=0).T).sum())
        speed = self.speeds.accessible_speed_mps if accessible else self.speeds.walk_speed_mps
        return Route(
            length, length / speed, coords, halls, steps, origin, destination, accessible, legs
        )

    def distance_m(self, origin: Place, destination: Place, *, accessible: bool = False) -> float:
        """Return the length of the shortest walk (see :meth:`route`)."""
        return self.route(origin, destination, accessible=accessible).length_m

    def tour(
        self,
        origin: Place,
        stops: Iterable[Place],
        *,
        return_to: Place | None = None,
        accessible: bool = False,
    ) -> Route:
        """Return the shortest walk from ``origin`` through every stop (to ``return_to``).

        Up to :data:`EXACT_TOUR_STOPS` stops the order is optimal (Held-Karp dynamic
        programming on the walking-distance matrix); beyond, up to
        :data:`MAX_TOUR_STOPS`, nearest neighbour improved by 2-opt and Or-opt to a local
        optimum. The result's ``legs`` are the routes between consecutive places and
        ``order`` the stops as walked.
        """
        stops = list(stops)
        if len(stops) > MAX_TOUR_STOPS:
            msg = f"a tour takes at most {MAX_TOUR_STOPS} stops, got {len(stops)}"
            raise PlaceError(msg)
        if not stops:
            msg = "a tour needs at least one stop"
            raise PlaceError(msg)
        places: list[Place] = [origin, *stops] + ([return_to] if return_to is not None else [])
        n = len(places)
        dist = np.zeros((n, n))
        for i, j in itertools.permutations(range(n), 2):
            if i == n - 1 and return_to is not None:
                dist[i, j] = math.inf
                continue
            dist[i, j] = self._leg(places[i], places[j], accessible).length_m
        end = n - 1 if return_to is not None else None
        order = tour_order(dist, len(stops), end=end)
        seq = [places[k] for k in order]
        if return_to is not None:
            route = self.route(origin, return_to, via=seq, accessible=accessible)
        else:
            route = self.route(origin, seq[-1], via=seq[:-1], accessible=accessible)
        route.order = [str(places[k]) for k in order]
        if len(route.legs) == 0:
            route.legs = [route]
        return route


def _feet(src: Array, segs: Array) -> Array:
    """Return the point of each segment nearest to each source, ``(n_src, n_seg, 2)``."""
    a = segs[None, :, 0, :]
    d = segs[None, :, 1, :] - a
    dd = (d**2).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(dd > 0, ((src[:, None, :] - a) * d).sum(-1) / dd, 0.0)
    return np.asarray(a + np.clip(s, 0, 1)[..., None] * d)


def _texts(frame: pd.DataFrame, col: str) -> list[str]:
    """Return a column as text, ``""`` for empty cells or a missing column."""
    if col not in frame.columns:
        return [""] * len(frame)
    return [str(x or "") for x in frame[col].tolist()]


def tour_order(dist: Array, n_stops: int, *, end: int | None = None) -> list[int]:
    """Return the stop indices (1..n_stops) in the order minimising the walk.

    ``dist[i, j]`` is the walk from place i to j; place 0 is the start and ``end`` (if
    given) the fixed last place. Held-Karp (exact) up to :data:`EXACT_TOUR_STOPS` stops,
    nearest neighbour + 2-opt + Or-opt beyond.
    """
    stops = list(range(1, n_stops + 1))

    def cost(seq: Sequence[int]) -> float:
        path = [0, *seq] + ([end] if end is not None else [])
        return float(sum(dist[a, b] for a, b in itertools.pairwise(path)))

    if n_stops <= EXACT_TOUR_STOPS:
        return _held_karp(dist, stops, end)
    # Nearest neighbour start.
    seq: list[int] = []
    left = set(stops)
    cur = 0
    while left:
        nxt = min(left, key=lambda s: dist[cur, s])
        seq.append(nxt)
        left.remove(nxt)
        cur = nxt
    best = cost(seq)
    improved = True
    while improved:
        improved = False
        # 2-opt: reverse a stretch (costs may be asymmetric, so evaluate whole paths).
        for i in range(len(seq) - 1):
            for j in range(i + 1, len(seq)):
                cand = seq[:i] + seq[i : j + 1][::-1] + seq[j + 1 :]
                c = cost(cand)
                if c < best - 1e-9:
                    seq, best, improved = cand, c, True
        # Or-opt: move a run of 1-3 stops elsewhere.
        for size in (1, 2, 3):
            for i in range(len(seq) - size + 1):
                run = seq[i : i + size]
                rest = seq[:i] + seq[i + size :]
                for j in range(len(rest) + 1):
                    cand = rest[:j] + run + rest[j:]
                    c = cost(cand)
                    if c < best - 1e-9:
                        seq, best, improved = cand, c, True
                        break
    return seq


def _held_karp(dist: Array, stops: list[int], end: int | None) -> list[int]:
    """Return the optimal stop order by dynamic programming over subsets."""
    n = len(stops)
    full = (1 << n) - 1
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for k, s in enumerate(stops):
        best[(1 << k, k)] = (float(dist[0, s]), -1)
    for mask in range(1, full + 1):
        for k in range(n):
            if not mask & (1 << k) or (mask, k) not in best:
                continue
            c, _ = best[(mask, k)]
            for j in range(n):
                if mask & (1 << j):
                    continue
                nm = mask | (1 << j)
                nc = c + float(dist[stops[k], stops[j]])
                if (nm, j) not in best or nc < best[(nm, j)][0]:
                    best[(nm, j)] = (nc, k)
    tail = [
        best[(full, k)][0] + (float(dist[stops[k], end]) if end is not None else 0.0)
        for k in range(n)
    ]
    k = int(np.argmin(tail))
    mask = full
    order = []
    while k >= 0:
        order.append(stops[k])
        _, prev = best[(mask, k)]
        mask &= ~(1 << k)
        k = prev
    return order[::-1]
