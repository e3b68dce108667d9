"""The venue's walking graph: each hall's visibility graph, joined at the doors, as one CSR.

The walkable area of each hall is its floor minus booths and obstacles, keeping a
clearance from them and from the walls (:func:`~floorplan.routing.visibility.walkable_area`).
Halls are glued only along their doors' crossing segments, so a walk never passes a wall
two halls share. Every hall's graph is kept apart (node ``i`` of hall ``k`` is global node
``offset[k] + i``) so that :meth:`WalkGraph.rebuild_hall` redoes one hall, and the edges
through its doors, after a planner moved a booth.

Two CSR matrices are kept, one for everyone and one without stepped doors, each with one
spare last row: a query adds its origin's edges there and runs one Dijkstra
(:meth:`WalkGraph.dijkstra`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from floorplan.routing import visibility as V
from floorplan.schema import Col, OpeningKind
from floorplan.venue import Venue

__all__ = ["Array", "WalkGraph"]

Array = NDArray[np.float64]


class WalkGraph:
    """The walking graph of a venue at one clearance.

    Parameters
    ----------
    venue
        The venue (one projected metric CRS).
    clearance_m
        How far a walker keeps from booths, obstacles, walls and door jambs (>= 0).

    Attributes
    ----------
    hall_ids, hall_names, hall_index, hall_geoms
        The halls, in the venue's order.
    doors
        One :class:`~floorplan.routing.visibility.Door` per physical opening.
    graphs
        Each hall's walkable area and visibility graph.
    n, xy, prev, next, node_hall, offset
        The global nodes (``n`` of them), their ring neighbours, their hall, and where each
        hall's nodes start.
    csr
        The graph with both directions of every edge, by "step-free only".
    stepped
        Per door (plus one last ``False`` for "no door"), whether it has steps.
    """

    def __init__(self, venue: Venue, clearance_m: float) -> None:
        self.venue = venue
        self.clearance_m = clearance_m
        halls = venue.halls
        self.hall_ids = [str(h) for h in halls[Col.HALL_ID]]
        self.hall_index = {h: k for k, h in enumerate(self.hall_ids)}
        self.hall_geoms = np.asarray(halls.geometry.values)
        self.hall_names = [
            str(n) if isinstance(n, str) and n else h
            for h, n in zip(self.hall_ids, halls.get(Col.NAME, self.hall_ids), strict=True)
        ]
        self.doors = self._make_doors()
        self.graphs: list[V.HallGraph] = [self._build_hall(k) for k in range(len(halls))]
        self.pair_areas: dict[int, V.Area] = {}
        self._pairs: dict[tuple[int, int], V.Area] = {}
        self._cross: dict[int, tuple[NDArray[np.int64], Array]] = {}
        for d in range(len(self.doors)):
            self._build_door(d)
        self._assemble()

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
            hall = self.hall_index.get(str(row[Col.HALL_ID]), -1)
            if hall < 0:
                continue
            other = -1
            kind = str(row.get(Col.KIND, ""))
            if kind == OpeningKind.CONNECTION.value:
                other = self.hall_index.get(str(row.get(Col.CONNECTS, "") or ""), -1)
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
        hid = self.hall_ids[k]
        blocked: list[BaseGeometry] = []
        for frame in (self.venue.booths, self.venue.obstacles):
            if len(frame):
                blocked.extend(frame.geometry.values[(frame[Col.HALL_ID] == hid).to_numpy()])
        lines = [d.line for d in self.doors if k in d.halls]
        free = V.walkable_area(self.hall_geoms[k], blocked, lines, self.clearance_m)
        jambs = np.zeros((0, 2))
        if self.clearance_m <= 0:
            # At zero clearance the jambs are corners only of the glued floor of two halls.
            j = [d.seg for d in self.doors if k in d.halls and min(d.halls) >= 0]
            if j:
                jambs = np.concatenate(j)
        return V.build_hall_graph(free, jambs)

    def _build_door(self, d: int) -> None:
        door = self.doors[d]
        a, b = door.halls
        self.pair_areas.pop(d, None)
        self._cross.pop(d, None)
        if a < 0 or b < 0 or not door.usable:
            return
        ga, gb = self.graphs[a], self.graphs[b]
        key = (min(a, b), max(a, b))
        both = self._pairs.get(key)
        if both is None:
            doors = [x for x in self.doors if x.usable and (min(x.halls), max(x.halls)) == key]
            both = self._pairs[key] = V.pair_area(ga, gb, doors)
        self.pair_areas[d] = both
        self._cross[d] = V.cross_door_edges(ga, gb, door, both)

    def _assemble(self) -> None:
        """Join the halls' graphs and the door edges into one CSR graph (plus a spare row)."""
        self._hall_doors: dict[bool, dict[int, list[tuple[int, int]]]] = {False: {}, True: {}}
        for d in self.pair_areas:
            door = self.doors[d]
            a, b = door.halls
            for accessible in (False, True):
                if accessible and not door.step_free:
                    continue
                by_hall = self._hall_doors[accessible]
                by_hall.setdefault(a, []).append((d, b))
                if b != a:
                    by_hall.setdefault(b, []).append((d, a))
        self.stepped = np.array([not door.step_free for door in self.doors] + [False])
        sizes = [len(g.xy) for g in self.graphs]
        self.offset = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        n = int(self.offset[-1])
        self.n = n
        self.xy = np.concatenate([g.xy for g in self.graphs]) if n else np.zeros((0, 2))
        self.prev = np.concatenate([g.prev for g in self.graphs]) if n else self.xy
        self.next = np.concatenate([g.next for g in self.graphs]) if n else self.xy
        self.node_hall = np.repeat(np.arange(len(sizes)), sizes)
        self.csr = {accessible: self._csr(accessible) for accessible in (False, True)}

    def _csr(self, accessible: bool) -> csr_matrix:
        """Return the graph (both directions) with a spare last row for a query's origin."""
        n = self.n
        r = [g.edges[:, 0] + self.offset[k] for k, g in enumerate(self.graphs)]
        c = [g.edges[:, 1] + self.offset[k] for k, g in enumerate(self.graphs)]
        v = [g.lengths for g in self.graphs]
        for d, (pairs, lengths) in self._cross.items():
            door = self.doors[d]
            if accessible and not door.step_free:
                continue
            r.append(pairs[:, 0] + self.offset[door.halls[0]])
            c.append(pairs[:, 1] + self.offset[door.halls[1]])
            v.append(lengths)
        rr, cc, vv = np.concatenate(r), np.concatenate(c), np.concatenate(v)
        vv = np.maximum(vv, 1e-12)  # an explicit zero would read as "no edge"
        # Both directions; the extra last row is the per-query virtual source.
        m = csr_matrix(
            (np.concatenate([vv, vv]), (np.concatenate([rr, cc]), np.concatenate([cc, rr]))),
            shape=(n + 1, n + 1),
        )
        m.sum_duplicates()
        return m

    def rebuild_hall(self, k: int, venue: Venue) -> set[int]:
        """Rebuild hall ``k`` (and its doors' edges) from ``venue``; return the halls near it.

        The halls near it are ``k`` and the halls through its doors: the ones whose cached
        last legs may use its nodes.
        """
        self.venue = venue
        self.graphs[k] = self._build_hall(k)
        self._pairs = {key: a for key, a in self._pairs.items() if k not in key}
        for d, door in enumerate(self.doors):
            if k in door.halls:
                self._build_door(d)
        self._assemble()
        near = {k}
        for d in self.pair_areas:
            if k in self.doors[d].halls:
                near.update(self.doors[d].halls)
        return near

    # ------------------------------------------------------------------ queries

    def doors_of(self, hall: int, accessible: bool) -> list[tuple[int, int]]:
        """Return ``(door index, other hall)`` for the usable doors out of ``hall``."""
        return self._hall_doors[accessible].get(hall, [])

    def next_halls(self, hall: int, accessible: bool) -> list[int]:
        """Return ``hall`` and the halls through its usable doors, without repeats."""
        return list(dict.fromkeys([hall] + [o for _, o in self.doors_of(hall, accessible)]))

    def visible(
        self, src: Array, dst: Array, hall_src: int, hall_dst: int, accessible: bool
    ) -> NDArray[np.bool_]:
        """Return whether each segment ``src[k]-dst[k]`` is walkable (halls given)."""
        if hall_src == hall_dst:
            return V.segments_inside(src, dst, self.graphs[hall_src].area)
        ok = np.zeros(len(src), dtype=bool)
        for d, other in self.doors_of(hall_src, accessible):
            if other != hall_dst:
                continue
            cand = ~ok & V.door_crossing_ok(src, dst, self.doors[d].seg)
            if cand.any():
                ok[cand] = V.segments_inside(src[cand], dst[cand], self.pair_areas[d])
        return ok

    def tangent(self, nodes: NDArray[np.int64], other: Array) -> NDArray[np.bool_]:
        """Return whether a straight walk from each node to ``other`` may bend round it."""
        return V.tangent(self.xy[nodes], self.prev[nodes], self.next[nodes], other)

    def sources(self, p: Array, hall: int, accessible: bool) -> tuple[NDArray[np.int64], Array]:
        """Return the nodes a point of ``hall`` walks to straight, and those walks' lengths."""
        nodes_l, dists_l = [], []
        for h in dict.fromkeys([hall] + [o for _, o in self.doors_of(hall, accessible)]):
            lo, hi = self.offset[h], self.offset[h + 1]
            idx = np.arange(lo, hi)
            if len(idx) == 0:
                continue
            src = np.repeat(p[None, :], len(idx), axis=0)
            idx = idx[self.tangent(idx, src)]
            vis = self.visible(src[: len(idx)], self.xy[idx], hall, h, accessible)
            idx = idx[vis]
            nodes_l.append(idx)
            dists_l.append(np.hypot(*(self.xy[idx] - p).T))
        nodes = np.concatenate(nodes_l) if nodes_l else np.zeros(0, dtype=np.int64)
        dists = np.concatenate(dists_l) if dists_l else np.zeros(0)
        return nodes, dists

    def sources_many(
        self, points: Array, hall: int, accessible: bool
    ) -> list[tuple[NDArray[np.int64], Array]]:
        """Return :meth:`sources` for several points of one hall, tested in one batch."""
        k = len(points)
        nodes_l: list[list[NDArray[np.int64]]] = [[] for _ in range(k)]
        dists_l: list[list[Array]] = [[] for _ in range(k)]
        for h in self.next_halls(hall, accessible):
            lo, hi = int(self.offset[h]), int(self.offset[h + 1])
            if hi == lo or k == 0:
                continue
            which, idx = np.divmod(np.arange(k * (hi - lo)), hi - lo)
            idx = idx + lo
            src = points[which]
            ok = self.tangent(idx, src)
            which, idx, src = which[ok], idx[ok], src[ok]
            vis = self.visible(src, self.xy[idx], hall, h, accessible)
            which, idx, src = which[vis], idx[vis], src[vis]
            length = np.hypot(*(self.xy[idx] - src).T)
            starts = np.searchsorted(which, np.arange(k + 1))
            for j in range(k):
                a, b = starts[j], starts[j + 1]
                nodes_l[j].append(idx[a:b])
                dists_l[j].append(length[a:b])
        return [
            (
                np.concatenate(n) if n else np.zeros(0, dtype=np.int64),
                np.concatenate(d) if d else np.zeros(0),
            )
            for n, d in zip(nodes_l, dists_l, strict=True)
        ]

    def dijkstra(
        self, nodes: NDArray[np.int64], dists: Array, accessible: bool
    ) -> tuple[Array, NDArray[np.int32]]:
        """Return distances and predecessors from a virtual source joined to ``nodes``.

        One Dijkstra over the whole venue graph (scipy's C code). Measured on the
        74,000-booth venue (19,500 nodes, 350,000 edges) it costs a few milliseconds, so
        per-hall all-pairs tables and a door overlay would save little and cost memory
        and update time; the queries' cost is in the geometry around the two ends.
        """
        n = self.n
        base = self.csr[accessible]
        if len(nodes) == 0:
            return np.full(n, np.inf), np.full(n, -9999, dtype=np.int32)
        # Several legs may reach one node: keep the shortest.
        nodes, dists = _shortest_per_node(nodes, dists)
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

    def dijkstra_many(
        self, sources: Iterable[tuple[NDArray[np.int64], Array]], accessible: bool
    ) -> Array:
        """Return the distances from several virtual sources at once, ``(k, n)``.

        Each source is ``(nodes, lengths)`` as :meth:`sources` returns them; one scipy call
        runs the k Dijkstras (sources reach nothing but their own nodes: no row points at
        them, so one source never walks through another).
        """
        base = self.csr[accessible]
        n = self.n
        srcs = [_shortest_per_node(nodes, dists) for nodes, dists in sources]
        k = len(srcs)
        if k == 0:
            return np.zeros((0, n))
        # The base rows, then one row per source (the base's spare row is dropped).
        counts = np.array([len(nodes) for nodes, _ in srcs], dtype=np.int64)
        indptr = np.concatenate([base.indptr[: n + 1], base.indptr[n] + np.cumsum(counts)])
        m = csr_matrix(
            (
                np.concatenate([base.data[: base.indptr[n]], *(d for _, d in srcs)]),
                np.concatenate(
                    [
                        base.indices[: base.indptr[n]],
                        *(nd.astype(base.indices.dtype) for nd, _ in srcs),
                    ]
                ),
                indptr,
            ),
            shape=(n + k, n + k),
        )
        dist = dijkstra(m, directed=True, indices=np.arange(n, n + k))
        return np.asarray(dist[:, :n])

    def path(self, pred: NDArray[np.int32], last: int) -> list[int]:
        """Return the global nodes from the source's first to ``last`` (predecessors given)."""
        nodes = []
        k = last
        while k >= 0 and k < self.n:
            nodes.append(k)
            k = int(pred[k])
        return nodes[::-1]

    def crossing(
        self, a: Array, b: Array, ha: int, hb: int, accessible: bool
    ) -> tuple[str, Array] | None:
        """Return the door a straight walk from hall ``ha`` to ``hb`` takes, and where."""
        for d, other in self.doors_of(ha, accessible):
            if other != hb:
                continue
            seg = self.doors[d].seg
            if V.door_crossing_ok(a[None, :], b[None, :], seg)[0]:
                return self.doors[d].door_id, V.crossing_point(a, b, seg)
        return None

    def hall_of_point(self, p: Array, default: int) -> int:
        """Return the hall covering ``p`` (``default`` when it is one of them, or none is)."""
        inside = np.flatnonzero(shapely.covers(self.hall_geoms, shapely.Point(p)))
        if len(inside) == 0:
            return default
        if default in inside:
            return default
        return int(inside[0])


def _shortest_per_node(nodes: NDArray[np.int64], dists: Array) -> tuple[NDArray[np.int64], Array]:
    """Return each node once with its shortest length (CSR would add repeats up)."""
    order = np.lexsort((dists, nodes))
    nodes, dists = nodes[order], dists[order]
    first = np.ones(len(nodes), dtype=bool)
    first[1:] = nodes[1:] != nodes[:-1]
    # An explicit zero would read as "no edge".
    return nodes[first], np.maximum(dists[first], 1e-12)
