"""Tours: the shortest walk from an origin through many stops (and back, if asked).

What visiting a booth means: walking to a point of its *reachable edge* (its outline
grown by the clearance, where that is walkable floor: the sides that face an aisle),
stepping from there onto the booth's boundary and back to the same point, and leaving
from that point for the next stop. This is the walk :meth:`Router.route` draws through
``via`` stops, so a tour is one of those walks. A door is visited on its crossing, a
point (kiosk, amenity, ``(x, y)``) at itself, or at the walkable point beside it when it
stands within the clearance of a wall (stepping to it and back).

Where a booth is best visited depends on where the walker comes from and goes next, so
the order and the visiting points are chosen together:

1. Each place gets candidate visiting points: the ends of the open stretches of its edge
   (corners), their middles (one aisle-facing point per side), the points where a
   shortest walk from any graph node reaches it (its cached ends), and the feet of
   straight walks from the other places' candidates (two rounds). These include every
   point a walk built leg by leg can reach the place at.
2. The exact walking distance between every two candidates: one Dijkstra per candidate
   (one batched scipy call), joined to the candidates' visible nodes as a route is, and
   the straight walk where it is walkable.
3. Up to :data:`EXACT_TOUR_STOPS` stops, Held-Karp dynamic programming over (set of stops
   visited, last stop, its visiting point): the optimum. Beyond, up to
   :data:`MAX_TOUR_STOPS`, nearest neighbour improved by 2-opt and Or-opt moves, each
   order costed with its best visiting points (a shortest path through the points).
4. The walk drawn is exactly that one: leg by leg from visiting point to visiting point,
   so the tour's length is the sum of its legs and the length of its line.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
import shapely
from numpy.typing import NDArray

from floorplan.errors import NoRouteError, PlaceError
from floorplan.routing.ends import feet
from floorplan.routing.graph import Array, WalkGraph
from floorplan.routing.legs import Legs
from floorplan.routing.places import Target
from floorplan.routing.route import Place, Route

__all__ = ["EXACT_TOUR_STOPS", "MAX_TOUR_STOPS", "tour", "tour_order"]

#: Exact search (Held-Karp over stops and visiting points) up to this many stops.
EXACT_TOUR_STOPS = 8
#: Most stops a tour takes (2-opt and Or-opt beyond the exact search).
MAX_TOUR_STOPS = 20
#: Rounds of feet of straight walks from other places' candidates.
_FEET_ROUNDS = 2
#: Most feet of straight walks added to one place (bounds the search on open floors).
_MAX_FEET = 48
#: Candidates whose Dijkstras run in one scipy call (bounds the distance rows' memory).
_DIJKSTRA_BATCH = 64
#: Points closer than this are one candidate.
_SAME_M = 1e-9

IntArray = NDArray[np.int64]


@dataclass
class _Visit:
    """A place of a tour and the points it may be visited at.

    ``step`` is, per point, the walk from the point onto the place and back again
    counted once: onto a booth's boundary, or to a point standing by a wall.
    """

    place: Place
    target: Target
    points: Array
    step: Array
    n_base: int  # the first points are the base candidates, the rest feet

    def at(self, p: Array) -> Array | None:
        """Return where the walker steps to from visiting point ``p`` (None: ``p`` itself)."""
        on = self.target.onto(p)
        if on is not None:
            return on
        return self.target.lead


def tour(
    legs: Legs,
    origin: Place,
    stops: Sequence[Place],
    *,
    return_to: Place | None,
    accessible: bool,
) -> Route:
    """Return the shortest walk from ``origin`` through every stop (see ``Router.tour``)."""
    stops = list(stops)
    if len(stops) > MAX_TOUR_STOPS:
        msg = f"a tour takes at most {MAX_TOUR_STOPS} stops, got {len(stops)}"
        raise PlaceError(msg)
    if not stops:
        msg = "a tour needs at least one stop"
        raise PlaceError(msg)
    places: list[Place] = [origin, *stops] + ([return_to] if return_to is not None else [])
    visits = [_visit(legs, p) for p in places]
    for k, v in enumerate(visits):
        if len(v.points) == 0:  # no side of it is on walkable floor
            to = f" to {v.target.label}" if k else ""
            msg = f"no walkable route from {visits[0].target.label}{to}"
            raise NoRouteError(msg)
    _add_feet(legs.graph, visits, accessible)
    dist, groups = _distances(legs.graph, visits, accessible)
    _check_reached(visits, dist, groups)
    problem = _Problem.from_matrix(dist, groups, [v.step for v in visits], len(stops))
    order, chosen = problem.solve()
    walk = [0, *(k + 1 for k in order)] + ([len(places) - 1] if return_to is not None else [])
    pts = [visits[i].points[a] for i, a in zip(walk, chosen, strict=True)]
    routes = [
        _draw_leg(legs, (visits[i], pts[k]), (visits[j], pts[k + 1]), accessible)
        for k, (i, j) in enumerate(itertools.pairwise(walk))
    ]
    if len(routes) == 1:
        route = routes[0]
        route.legs = [route]
    else:
        route = legs.join(routes, str(origin), str(places[walk[-1]]), accessible)
    route.order = [str(stops[k]) for k in order]
    return route


# ---------------------------------------------------------------- candidates


def _visit(legs: Legs, place: Place) -> _Visit:
    """Return a place with its candidate visiting points (before feet are added)."""
    target = legs.places.resolve(place)
    if target.is_point:
        pts = target.point[None, :]
    else:
        segs = target.segs
        pts = np.concatenate([segs[:, 0], segs[:, 1], segs.mean(axis=1)])
        if isinstance(place, str) and len(segs):
            pts = np.concatenate([pts, legs.ends.ends_of(place, target).end])
    pts = _distinct(pts)
    return _Visit(place, target, pts, _steps(target, pts), len(pts))


def _steps(target: Target, pts: Array) -> Array:
    """Return, per point, the walk from it onto the place (a booth's boundary, a lead)."""
    if target.booth is not None:
        return np.asarray(shapely.distance(shapely.points(pts), target.booth.exterior), float)
    if target.lead is not None:
        return np.hypot(*(pts - target.lead).T)
    return np.zeros(len(pts))


def _distinct(pts: Array) -> Array:
    """Return the points without repeats (closer than :data:`_SAME_M`), in first order."""
    if len(pts) <= 1:
        return pts
    keep: list[int] = []
    for k in range(len(pts)):
        if not keep or np.hypot(*(pts[keep] - pts[k]).T).min() > _SAME_M:
            keep.append(k)
    return pts[keep]


def _add_feet(graph: WalkGraph, visits: list[_Visit], accessible: bool) -> None:
    """Add to each booth or door the feet of straight walks from other places' points.

    A walk built leg by leg reaches a place straight from the previous visiting point
    when it sees it: at the foot of that point on the place's edge. Two rounds cover a
    foot of a foot (a zigzag across an aisle); each place takes at most
    :data:`_MAX_FEET` of them, nearest first.
    """
    fresh = [v.points for v in visits]
    for _ in range(_FEET_ROUNDS):
        added: list[Array] = []
        for j, v in enumerate(visits):
            found = np.zeros((0, 2))
            if not v.target.is_point and len(v.target.segs):
                room = _MAX_FEET - (len(v.points) - v.n_base)
                found = _feet_onto(graph, visits, fresh, j, accessible)[: max(room, 0)]
            added.append(found)
        for v, found in zip(visits, added, strict=True):
            if len(found):
                v.points = np.concatenate([v.points, found])
                v.step = _steps(v.target, v.points)
        fresh = added
        if not any(len(f) for f in added):
            return


def _feet_onto(
    graph: WalkGraph, visits: list[_Visit], fresh: list[Array], j: int, accessible: bool
) -> Array:
    """Return the new feet on place ``j`` of straight walks from the other places' points."""
    t = visits[j].target
    near = set(graph.next_halls(t.hall, accessible))
    found: list[Array] = []
    lengths: list[Array] = []
    for i, src in enumerate(fresh):
        h = visits[i].target.hall
        if i == j or len(src) == 0 or h not in near:
            continue
        a = np.repeat(src, t.segs.shape[0], axis=0)
        b = feet(src, t.segs).reshape(-1, 2)
        ok = graph.visible(a, b, h, t.hall, accessible)
        found.append(b[ok])
        lengths.append(np.hypot(*(b[ok] - a[ok]).T))
    if not found:
        return np.zeros((0, 2))
    cand = np.concatenate(found)[np.argsort(np.concatenate(lengths), kind="stable")]
    have = visits[j].points
    new = [p for p in _distinct(cand) if np.hypot(*(have - p).T).min() > _SAME_M]
    return np.asarray(new).reshape(-1, 2)


# ----------------------------------------------------------------- distances


def _distances(
    graph: WalkGraph, visits: list[_Visit], accessible: bool
) -> tuple[Array, list[IntArray]]:
    """Return the walking distance between every two candidates, and each place's rows.

    As a route does: from a point, straight to the graph nodes it sees (tangent), the
    shortest path through the graph, then straight from a node that sees the other
    point; or one straight walk when the two see each other.
    """
    pts = np.concatenate([v.points for v in visits])
    hall = np.concatenate([np.full(len(v.points), v.target.hall) for v in visits])
    sizes = [len(v.points) for v in visits]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    groups = [np.arange(bounds[k], bounds[k + 1]) for k in range(len(visits))]
    k = len(pts)
    src: list[tuple[IntArray, Array]] = [(np.zeros(0, np.int64), np.zeros(0))] * k
    for h in np.unique(hall):
        idx = np.flatnonzero(hall == h)
        for j, s in zip(idx, graph.sources_many(pts[idx], int(h), accessible), strict=True):
            src[j] = s
    # The last legs of every candidate, flat: walk to node, then on to the candidate.
    last_nodes = np.concatenate([s[0] for s in src])
    last_len = np.concatenate([s[1] for s in src])
    counts = np.array([len(s[0]) for s in src])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    dist = np.full((k, k), np.inf)
    for lo in range(0, k, _DIJKSTRA_BATCH):
        rows = graph.dijkstra_many(src[lo : lo + _DIJKSTRA_BATCH], accessible)
        if len(last_nodes) and has.any():
            vals = rows[:, last_nodes] + last_len
            dist[lo : lo + len(rows), has] = np.minimum.reduceat(vals, starts[has], axis=1)
    _straight(graph, pts, hall, dist, accessible)
    np.fill_diagonal(dist, 0.0)
    return dist, groups


def _straight(graph: WalkGraph, pts: Array, hall: IntArray, dist: Array, accessible: bool) -> None:
    """Lower ``dist`` to the straight walk between candidates that see each other."""
    for ha in np.unique(hall):
        for hb in graph.next_halls(int(ha), accessible):
            ia = np.flatnonzero(hall == ha)
            ib = np.flatnonzero(hall == hb)
            a, b = np.repeat(ia, len(ib)), np.tile(ib, len(ia))
            length = np.hypot(*(pts[a] - pts[b]).T)
            test = length < dist[a, b]
            a, b, length = a[test], b[test], length[test]
            if len(a) == 0:
                continue
            ok = graph.visible(pts[a], pts[b], int(ha), int(hb), accessible)
            dist[a[ok], b[ok]] = length[ok]


def _check_reached(visits: list[_Visit], dist: Array, groups: list[IntArray]) -> None:
    """Raise :class:`NoRouteError` naming the first place the origin cannot walk to."""
    start = groups[0]
    for v, g in zip(visits[1:], groups[1:], strict=True):
        if not np.isfinite(dist[np.ix_(start, g)]).any():
            msg = f"no walkable route from {visits[0].target.label} to {v.target.label}"
            raise NoRouteError(msg)


# -------------------------------------------------------------------- search


@dataclass
class _Problem:
    """Costs of a tour between places with several visiting points each.

    Place 0 is the start, 1..m the stops, m + 1 (when ``has_end``) the fixed last place.
    ``dist[i, a, j, b]`` is the walk from point ``a`` of place ``i`` to point ``b`` of
    place ``j`` (padded with inf); ``step[i, a]`` the step onto the place and back,
    counted once: twice at a stop, once at the start and at the last place.
    """

    dist: Array
    step: Array
    n_stops: int
    has_end: bool

    @classmethod
    def from_matrix(
        cls, dist: Array, groups: list[IntArray], steps: list[Array], n_stops: int
    ) -> _Problem:
        """Return the problem of places whose points are ``groups`` of a distance matrix."""
        n = len(groups)
        width = max(len(g) for g in groups)
        out = np.full((n, width, n, width), np.inf)
        step = np.zeros((n, width))  # padding: never reached, as its distances are inf
        for i, gi in enumerate(groups):
            step[i, : len(gi)] = steps[i]
            for j, gj in enumerate(groups):
                out[i, : len(gi), j, : len(gj)] = dist[np.ix_(gi, gj)]
        return cls(out, step, n_stops, has_end=n == n_stops + 2)

    def solve(self) -> tuple[list[int], list[int]]:
        """Return the stops in walking order (0-based) and the point of each place walked.

        The points run from the start's to the last place's, in walking order.
        """
        if self.n_stops <= EXACT_TOUR_STOPS:
            return self._held_karp()
        return self._local_search()

    # The walk's cost, step by step: start at a point of place 0 (one step), arrive at
    # each stop (its step twice), and finish (the last stop's second step taken back, or
    # the walk to the end's point and one step).

    def _arrive(self, f: Array, i: int, j: int) -> tuple[Array, IntArray]:
        """Return the best cost at each point of place ``j`` coming from ``f`` at ``i``."""
        tot = f[:, None] + self.dist[i, :, j, :]
        arg = np.argmin(tot, axis=0)
        return tot[arg, np.arange(tot.shape[1])] + 2 * self.step[j], arg

    def _finish(self, f: Array, last: int) -> tuple[Array, IntArray]:
        """Return the whole walk's cost per point of ``last``, and the end's point."""
        tail, arg = self._tail(last)
        return f + tail, arg

    def _tail(self, last: int) -> tuple[Array, IntArray]:
        """Return the cost of finishing from each point of ``last``, and the end's point."""
        if not self.has_end:
            return -self.step[last], np.zeros(self.step.shape[1], dtype=np.int64)
        end = self.n_stops + 1
        tot = self.dist[last, :, end, :] + self.step[end][None, :]
        arg = np.argmin(tot, axis=1)
        return tot[np.arange(len(tot)), arg], arg

    def cost(self, order: Sequence[int]) -> tuple[float, list[int]]:
        """Return the cost of visiting stops ``order`` (0-based) at their best points."""
        f = np.asarray(self.step[0], dtype=float)
        back: list[IntArray] = []
        prev = 0
        for s in order:
            f, arg = self._arrive(f, prev, s + 1)
            back.append(arg)
            prev = s + 1
        total, end_pt = self._finish(f, prev)
        a = int(np.argmin(total))
        best = float(total[a])
        pts = [a]
        for arg in reversed(back):
            a = int(arg[a])
            pts.append(a)
        pts.reverse()
        if self.has_end:
            pts.append(int(end_pt[pts[-1]]))
        return best, pts

    def _held_karp(self) -> tuple[list[int], list[int]]:
        """Return the optimal order and points: dynamic programming over subsets."""
        m = self.n_stops
        width = self.step.shape[1]
        full = (1 << m) - 1
        best = np.full((full + 1, m, width), np.inf)
        prev_stop = np.full((full + 1, m, width), -1, dtype=np.int64)
        prev_pt = np.zeros((full + 1, m, width), dtype=np.int64)
        for j in range(m):
            best[1 << j, j], prev_pt[1 << j, j] = self._arrive(self.step[0], 0, j + 1)
        for mask in range(1, full + 1):
            ins = [i for i in range(m) if mask >> i & 1]
            here = best[mask, ins]  # (k, width)
            if not np.isfinite(here).any():
                continue
            for j in range(m):
                if mask >> j & 1:
                    continue
                # From any stop of the set at any of its points: one flat argmin.
                tot = here[:, :, None] + self.dist[np.array(ins) + 1, :, j + 1, :]
                flat = tot.reshape(-1, width)
                arg = np.argmin(flat, axis=0)
                val = flat[arg, np.arange(width)] + 2 * self.step[j + 1]
                nm = mask | 1 << j
                better = val < best[nm, j]
                best[nm, j][better] = val[better]
                prev_stop[nm, j][better] = np.array(ins)[arg[better] // width]
                prev_pt[nm, j][better] = arg[better] % width
        return self._back_track(best[full], prev_stop, prev_pt)

    def _back_track(
        self, last: Array, prev_stop: IntArray, prev_pt: IntArray
    ) -> tuple[list[int], list[int]]:
        """Return the order and points of the best full walk of :meth:`_held_karp`."""
        m = self.n_stops
        totals = []
        ends = []
        for j in range(m):
            tot, end_pt = self._finish(last[j], j + 1)
            totals.append(tot)
            ends.append(end_pt)
        flat = np.asarray(totals)
        j, a = (int(x) for x in np.unravel_index(int(np.argmin(flat)), flat.shape))
        tail = [int(ends[j][a])] if self.has_end else []
        order: list[int] = []
        pts: list[int] = []
        mask = (1 << m) - 1
        while j >= 0:
            order.append(j)
            pts.append(a)
            pj, pa = int(prev_stop[mask, j, a]), int(prev_pt[mask, j, a])
            mask &= ~(1 << j)
            j, a = pj, pa
        pts.append(a)  # the start's point
        return order[::-1], pts[::-1] + tail

    def _local_search(self) -> tuple[list[int], list[int]]:
        """Return a locally optimal order: nearest neighbour, then 2-opt and Or-opt.

        A move changes one stretch of the order, so it is costed from the walk's cost up
        to the stretch and from it on (kept per position): only the stretch is walked.
        """
        m = self.n_stops
        # Place to place: the shortest walk between any of their points.
        near = self.dist.min(axis=(1, 3))
        seq: list[int] = []
        left = set(range(m))
        cur = 0
        while left:
            nxt = min(left, key=lambda s: (near[cur, s + 1], s))
            seq.append(nxt)
            left.remove(nxt)
            cur = nxt + 1
        while True:
            ahead, behind, best = self._sweeps(seq)
            for lo, hi, cand in _moves(seq):
                if self._stretch_cost(cand, lo, hi, ahead, behind) < best - 1e-9:
                    seq = cand
                    break
            else:
                break
        _, pts = self.cost(seq)
        return seq, pts

    def _next(self, f: Array, i: int, j: int) -> Array:
        """Return :meth:`_arrive`'s costs only."""
        return np.min(f[:, None] + self.dist[i, :, j, :], axis=0) + 2 * self.step[j]

    def _sweeps(self, seq: list[int]) -> tuple[list[Array], list[Array], float]:
        """Return the cost up to each position (per point), from it on, and the total."""
        ahead: list[Array] = []
        f, prev = np.asarray(self.step[0], dtype=float), 0
        for s in seq:
            f = self._next(f, prev, s + 1)
            ahead.append(f)
            prev = s + 1
        behind = [self._tail(prev)[0]]
        for k in range(len(seq) - 2, -1, -1):
            j = seq[k + 1] + 1
            rest = 2 * self.step[j] + behind[0]
            behind.insert(0, np.min(self.dist[seq[k] + 1, :, j, :] + rest[None, :], axis=1))
        return ahead, behind, float(np.min(ahead[-1] + behind[-1]))

    def _stretch_cost(
        self, cand: list[int], lo: int, hi: int, ahead: list[Array], behind: list[Array]
    ) -> float:
        """Return the cost of ``cand``, equal to the walk of :meth:`_sweeps` but on lo..hi."""
        f = ahead[lo - 1] if lo > 0 else np.asarray(self.step[0], dtype=float)
        prev = cand[lo - 1] + 1 if lo > 0 else 0
        for s in cand[lo : hi + 1]:
            f = self._next(f, prev, s + 1)
            prev = s + 1
        if hi == len(cand) - 1:
            return float(np.min(self._finish(f, prev)[0]))
        f = self._next(f, prev, cand[hi + 1] + 1)
        return float(np.min(f + behind[hi + 1]))


def _moves(seq: list[int]) -> Iterator[tuple[int, int, list[int]]]:
    """Yield 2-opt (reverse a stretch) and Or-opt (move 1-3 stops) variants of ``seq``.

    Each with the first and last position it changes.
    """
    m = len(seq)
    for i in range(m - 1):
        for j in range(i + 1, m):
            yield i, j, seq[:i] + seq[i : j + 1][::-1] + seq[j + 1 :]
    for size in (1, 2, 3):
        for i in range(m - size + 1):
            rest = seq[:i] + seq[i + size :]
            for k in range(len(rest) + 1):
                if k != i:
                    cand = rest[:k] + seq[i : i + size] + rest[k:]
                    yield min(i, k), max(i, k) + size - 1, cand


def tour_order(dist: Array, n_stops: int, *, end: int | None = None) -> list[int]:
    """Return the stop indices (1..n_stops) in the order minimising the walk.

    ``dist[i, j]`` is the walk from place i to j; place 0 is the start and ``end`` (if
    given) the fixed last place. Held-Karp (exact) up to :data:`EXACT_TOUR_STOPS` stops,
    nearest neighbour + 2-opt + Or-opt beyond: the search :meth:`Router.tour` runs, with
    one visiting point per place.
    """
    places = [0, *range(1, n_stops + 1)] + ([end] if end is not None else [])
    groups = [np.array([p]) for p in places]
    zero = [np.zeros(1) for _ in places]
    order, _ = _Problem.from_matrix(np.asarray(dist, float), groups, zero, n_stops).solve()
    return [k + 1 for k in order]


# ------------------------------------------------------------------- drawing


def _draw_leg(
    legs: Legs, start: tuple[_Visit, Array], stop: tuple[_Visit, Array], accessible: bool
) -> Route:
    """Return the leg from one visiting point to the next, with the steps onto places."""
    (a, pa), (b, pb) = start, stop
    # The visiting points, named in steps as the places they visit.
    here = replace(a.target, segs=np.array([[pa, pa]]), lead=None, booth=None)
    there = replace(b.target, segs=np.array([[pb, pb]]), lead=None, booth=None)
    tree = legs.ends.tree(here, accessible=accessible)
    best = legs.ends.best_end(tree, there, accessible)
    if best is None:  # pragma: no cover - the distances said it is reachable
        msg = f"no walkable route from {a.target.label} to {b.target.label}"
        raise NoRouteError(msg)
    _, last, end = best
    pts, halls = legs.tree_path(tree, last, end, b.target.hall)
    on_a, on_b = a.at(pa), b.at(pb)
    if on_a is not None:
        pts.insert(0, on_a)
        halls.insert(0, a.target.hall)
    if on_b is not None:
        pts.append(on_b)
        halls.append(b.target.hall)
    names = (str(a.place), str(b.place))
    return legs.finish(pts, halls, ends=(a.target, b.target), names=names, accessible=accessible)
