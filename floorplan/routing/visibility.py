"""Build the walkable area of a hall and its reduced visibility graph (private to routing).

Why a visibility graph: in a polygonal domain the Euclidean shortest path between two
points is a polyline whose inner vertices are reflex vertices of the domain (corners of
obstacles that the walker bends around). Joining those vertices by every straight
segment that stays inside the domain gives a graph in which Dijkstra finds the exact
shortest path: no raster, no mesh. Only edges *tangent at both ends* (both neighbours of
each end vertex on one side of the line) can be part of a shortest path, so the others
are dropped before the (costly) containment test: the "reduced" visibility graph. The
pairs that may be tangent at both ends are found by the corners' normal cones
(:mod:`~floorplan.routing._tangents`) without forming every pair: a hall of fifty round
booths of 64 corners has 3,200 corners, five million pairs and 4,000 edges.

Visibility is tested with shapely 2's vectorised ``covered_by`` against the prepared,
slightly grown (``EPS_M``) walkable polygon. The tiny growth makes segments that graze a
corner or run along an edge count as inside despite rounding; it can cut a corner by at
most ``EPS_M`` (a micrometre), far below any tolerance that matters for walking.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from floorplan.routing._tangents import (
    SIN_EPS,
    all_pairs,
    find_corners,
    pairs_to_test,
)
from floorplan.routing._tangents import reaches_disc as tangent_reaches

__all__ = [
    "EPS_M",
    "Door",
    "HallGraph",
    "build_hall_graph",
    "cross_door_edges",
    "crossing_point",
    "door_crossing_ok",
    "pair_area",
    "segments_inside",
    "shorten_door",
    "tangent",
    "tangent_reaches",
    "walkable_area",
]

#: Growth of the visibility-test polygon; also the tolerance of "on the boundary".
EPS_M = 1e-7
#: Sine of the angle below which a vertex counts as collinear (not a corner).
_SIN_EPS = SIN_EPS
#: Pairs tested per vectorised batch, to bound memory on large halls.
_BATCH = 200_000
#: Finest raster cell of :class:`Raster`, and the most cells one raster may have.
_CELL_M = 0.25
_MAX_CELLS = 400_000
#: Sample points per segment in the first, coarse raster rejection.
_SAMPLES = 8
#: Most samples per segment in the second, finer rejection.
_DENSE = 48
#: Below this many segments the exact test runs alone.
_FEW = 24

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class Door:
    """A door in a hall wall, as the router sees it.

    Attributes
    ----------
    door_id
        The opening id (the first, when two records describe one connection).
    halls
        Index of the hall it belongs to and of the hall it connects (``-1``: outside).
    seg
        ``(2, 2)`` end points of the crossing: the door segment shortened by the
        clearance at each end, since a walker keeps that far from the jambs.
    line
        The full door segment, ``(2, 2)``.
    step_free, kind
        As in the venue's ``openings`` layer.
    """

    door_id: str
    halls: tuple[int, int]
    seg: Array
    line: Array
    step_free: bool
    kind: str
    ids: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        """Whether a walker fits through at this clearance."""
        return bool(np.isfinite(self.seg).all())


@dataclass
class HallGraph:
    """The walkable area of one hall and the visibility graph inside it.

    Attributes
    ----------
    free
        The walkable area (Polygon or MultiPolygon; may be empty).
    test
        ``free`` grown by :data:`EPS_M`, prepared, for visibility tests.
    xy
        ``(n, 2)`` graph nodes: reflex vertices of ``free`` (plus door jambs at zero
        clearance, which are reflex only once two halls are glued through the door).
    prev, next
        ``(n, 2)`` neighbours of each node along its ring, for the tangency test; NaN for
        jambs, which accept every direction.
    edges, lengths
        ``(m, 2)`` local node index pairs (``i < j``, sorted) and their lengths.
    """

    free: BaseGeometry
    test: BaseGeometry
    area: Area
    xy: Array
    prev: Array
    next: Array
    edges: IntArray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    lengths: Array = field(default_factory=lambda: np.zeros(0))


def walkable_area(
    hall: BaseGeometry,
    blocked: list[BaseGeometry],
    door_lines: list[Array],
    clearance_m: float,
) -> BaseGeometry:
    """Return the hall floor minus ``blocked``, keeping ``clearance_m`` from both.

    Offsets use mitre joins: the grown obstacles and shrunk hall stay polygons with few
    vertices (a round join would add arcs and so approximate). A mitred offset is the
    Minkowski sum with a square-ish shape rather than a disc, so clearance is kept *at
    least* ``clearance_m`` everywhere (up to ``sqrt(2)`` times that at corners), and the
    shortest path is exact in that polygonal region. Touching booths are united first so
    that they form one island a walker cannot squeeze between. Each door gets a corridor
    from its clearance-shortened segment to the shrunk floor, so the walkable areas of two
    halls meet exactly on the door's crossing segment.
    """
    c = float(clearance_m)
    block = shapely.union_all(blocked) if blocked else shapely.Polygon()
    if c <= 0:
        return shapely.difference(hall, block)
    floor = hall.buffer(-c, join_style="mitre")
    corridors = [
        _corridor(hall, line, c) for line in door_lines if shorten_door(line, c) is not None
    ]
    floor = shapely.union_all([floor, *corridors])
    grown = block.buffer(c, join_style="mitre") if not block.is_empty else block
    return shapely.difference(floor, grown)


def shorten_door(line: Array, c: float) -> Array | None:
    """Return the door segment shortened by ``c`` at each end, or None if nothing is left."""
    d = line[1] - line[0]
    n = float(np.hypot(*d))
    if n <= 2 * c + 1e-9:
        return None
    u = d / n
    return np.array([line[0] + u * c, line[1] - u * c])


def _corridor(hall: BaseGeometry, line: Array, c: float) -> BaseGeometry:
    """Return the rectangle from a door's crossing segment to depth ``c`` inside ``hall``."""
    seg = shorten_door(line, c)
    assert seg is not None
    d = seg[1] - seg[0]
    normal = np.array([-d[1], d[0]]) / np.hypot(*d)
    mid = seg.mean(axis=0)
    if not hall.contains(shapely.Point(mid + normal * min(c, 1e-3))):
        normal = -normal
    # A little deeper than c so that the union with the shrunk floor leaves no sliver.
    depth = c * 1.001 + 1e-6
    ring = [seg[0], seg[1], seg[1] + normal * depth, seg[0] + normal * depth]
    return shapely.Polygon(ring)


def tangent(xy: Array, prev: Array, nxt: Array, other: Array) -> NDArray[np.bool_]:
    """Return whether each line from ``xy[k]`` to ``other[k]`` is tangent at ``xy[k]``.

    Tangent means both ring neighbours lie on one side (or on the line); a shortest path
    only ever bends at a vertex along such a line. NaN neighbours (jambs) accept all.
    """
    w = other - xy
    lw = np.hypot(w[:, 0], w[:, 1])
    lw[lw == 0] = 1.0
    a = prev - xy
    b = nxt - xy
    la = np.hypot(a[:, 0], a[:, 1])
    lb = np.hypot(b[:, 0], b[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        sa = (w[:, 0] * a[:, 1] - w[:, 1] * a[:, 0]) / (lw * la)
        sb = (w[:, 0] * b[:, 1] - w[:, 1] * b[:, 0]) / (lw * lb)
    bad = ((sa > _SIN_EPS) & (sb < -_SIN_EPS)) | ((sa < -_SIN_EPS) & (sb > _SIN_EPS))
    return ~bad


class Raster:
    """Cells that lie wholly outside a walkable area, for a cheap exact rejection test.

    Most candidate segments of a visibility graph are blocked, and GEOS spends its time
    proving it (a long segment's bounding box meets hundreds of booths). A point of a
    segment that lies in a cell far from the walkable area proves the segment blocked
    with one array lookup, so sampling a few points per segment rejects nearly all of
    them before any exact test (own code: measured ~20x faster than the STRtree-only
    test on a dense hall). A cell is marked only when its centre is outside the area
    grown by more than the cell's half diagonal, so every point of it is outside: the
    filter never rejects a walkable segment, it only leaves fewer for the exact test.
    """

    def __init__(self, free: BaseGeometry) -> None:
        x0, y0, x1, y1 = free.bounds if not free.is_empty else (0.0, 0.0, 0.0, 0.0)
        area = max((x1 - x0) * (y1 - y0), 1.0)
        self.cell = max(_CELL_M, math.sqrt(area / _MAX_CELLS))
        # Round joins are drawn with chords inside the true arcs: grow a little more.
        grow = self.cell * math.sqrt(0.5) * 1.02 + 10 * EPS_M
        near = free.buffer(grow, quad_segs=8) if not free.is_empty else free
        bx0, by0, bx1, by1 = near.bounds if not near.is_empty else (x0, y0, x1, y1)
        self.x0, self.y0 = bx0, by0
        nx = max(1, math.ceil((bx1 - bx0) / self.cell))
        ny = max(1, math.ceil((by1 - by0) / self.cell))
        cx = bx0 + (np.arange(nx) + 0.5) * self.cell
        cy = by0 + (np.arange(ny) + 0.5) * self.cell
        gx, gy = np.meshgrid(cx, cy, indexing="ij")
        if near.is_empty:
            self.blocked = np.ones((nx, ny), dtype=bool)
        else:
            shapely.prepare(near)
            self.blocked = ~shapely.contains_xy(near, gx, gy)

    def hit(self, x: Array, y: Array) -> NDArray[np.bool_]:
        """Return whether each point is certainly outside the area (outside the grid too)."""
        i = np.floor((x - self.x0) / self.cell)
        j = np.floor((y - self.y0) / self.cell)
        nx, ny = self.blocked.shape
        inside = (i >= 0) & (i < nx) & (j >= 0) & (j < ny)
        out = np.ones(x.shape, dtype=bool)
        out[inside] = self.blocked[i[inside].astype(np.intp), j[inside].astype(np.intp)]
        return out


class Area:
    """A walkable area split for fast segment tests: a floor and the blocks in it.

    ``covered_by`` against one polygon with hundreds of holes costs time in the number
    of its vertices for every segment. Splitting it into its outline (few vertices,
    prepared) and its holes in an STRtree (shrunk by :data:`EPS_M`, so touching a corner
    or running along an edge is allowed) makes a batch of segment tests a bounding-box
    tree query plus a handful of exact tests: measured 20-50x faster on a dense hall.
    Before that, :class:`Raster` lookups at sample points reject most blocked segments.
    The area of two halls glued at a door reuses both halls' rasters: a point is
    certainly outside the union when it is certainly outside each.
    """

    def __init__(
        self,
        free: BaseGeometry,
        extra: list[BaseGeometry] = (),  # type: ignore[assignment]
        rasters: list[Raster] | None = None,
    ) -> None:
        parts = list(shapely.get_parts(free)) + list(extra)
        shells = [shapely.Polygon(p.exterior) for p in parts if not p.is_empty]
        self.floor = shapely.union_all(shells).buffer(EPS_M, join_style="mitre")
        shapely.prepare(self.floor)
        holes = [shapely.Polygon(r) for p in parts for r in p.interiors]
        holes = [h.buffer(-EPS_M, join_style="mitre") for h in holes]
        self.holes = np.asarray([h for h in holes if not h.is_empty], dtype=object)
        shapely.prepare(self.holes)
        self.tree = shapely.STRtree(self.holes)
        self.rasters = rasters if rasters is not None else [Raster(free)]

    def _blocked_at(self, x: Array, y: Array) -> NDArray[np.bool_]:
        out = self.rasters[0].hit(x, y)
        for r in self.rasters[1:]:
            out &= r.hit(x, y)
        return out

    def surely_blocked(self, a: Array, b: Array) -> NDArray[np.bool_]:
        """Return, per segment, True when a sample point of it lies outside the area.

        False means "maybe walkable": the exact test decides. First a few samples per
        segment (most blocked segments cross a booth over metres), then, for those
        left, samples half a cell apart (at most :data:`_DENSE` of them).
        """
        t = (np.arange(_SAMPLES) + 0.5) / _SAMPLES
        d = b - a
        x = a[:, None, 0] + t[None, :] * d[:, None, 0]
        y = a[:, None, 1] + t[None, :] * d[:, None, 1]
        out = np.asarray(self._blocked_at(x, y).any(axis=1), dtype=bool)
        left = np.flatnonzero(~out)
        if len(left) == 0:
            return out
        step = 0.5 * min(r.cell for r in self.rasters)
        length = np.hypot(d[left, 0], d[left, 1])
        # Capped: a long walkable leg would cost thousands of lookups, and its exact
        # test is cheaper than that.
        count = np.minimum(np.ceil(length / step).astype(np.int64) + 1, _DENSE)
        for lo, hi in _chunks(count, _BATCH * 4):
            idx = left[lo:hi]
            c = count[lo:hi]
            seg = np.repeat(np.arange(len(idx)), c)
            start = np.repeat(np.cumsum(c) - c, c)
            frac = (np.arange(int(c.sum())) - start + 0.5) / c[seg]
            src = idx[seg]
            hit = self._blocked_at(a[src, 0] + frac * d[src, 0], a[src, 1] + frac * d[src, 1])
            out[idx[np.unique(seg[hit])]] = True
        return out

    def covers(self, a: Array, b: Array) -> NDArray[np.bool_]:
        """Return whether each segment ``a[k]-b[k]`` lies in the area."""
        if len(a) < _FEW:  # the raster's fixed cost is more than it saves
            return self._exact(a, b)
        out = ~self.surely_blocked(a, b)
        idx = np.flatnonzero(out)
        if len(idx) == 0:
            return out
        out[idx] = self._exact(a[idx], b[idx])
        return out

    def _exact(self, a: Array, b: Array) -> NDArray[np.bool_]:
        lines = shapely.linestrings(np.stack([a, b], axis=1))
        same = (a == b).all(axis=1)
        if same.any():
            lines[same] = shapely.points(a[same])
        out = np.asarray(shapely.covered_by(lines, self.floor), dtype=bool)
        if len(self.holes) and out.any():
            idx = np.flatnonzero(out)
            hit = self.tree.query(lines[idx], predicate="intersects")
            out[idx[np.unique(hit[0])]] = False
        return out


def _chunks(count: IntArray, budget: int) -> list[tuple[int, int]]:
    """Return ``[lo, hi)`` runs of ``count`` whose sums stay near ``budget``."""
    ends = np.cumsum(count)
    cuts = np.searchsorted(ends, np.arange(budget, int(ends[-1]), budget), side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [len(count)]]))
    return list(itertools.pairwise(bounds.tolist()))


def segments_inside(a: Array, b: Array, area: Area) -> NDArray[np.bool_]:
    """Return whether each segment ``a[k]-b[k]`` lies in the walkable ``area``."""
    if len(a) == 0:
        return np.zeros(0, dtype=bool)
    return area.covers(a, b)


def door_crossing_ok(a: Array, b: Array, seg: Array) -> NDArray[np.bool_]:
    """Return whether each segment ``a-b`` crosses the line of ``seg`` within ``seg``.

    Together with containment in the union of the two halls' walkable areas this is what
    lets a straight walk pass a door, and only a door: at zero clearance the two halls'
    floors touch along the whole shared wall, so containment alone would let a route
    through the wall.
    """
    s0, s1 = seg
    d = s1 - s0
    e = b - a
    den = e[:, 0] * d[1] - e[:, 1] * d[0]
    r = s0 - a
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (r[:, 0] * d[1] - r[:, 1] * d[0]) / den  # along a-b
        s = (r[:, 0] * e[:, 1] - r[:, 1] * e[:, 0]) / den  # along the door
    tol = 1e-9
    return (np.abs(den) > 1e-12) & (t >= -tol) & (t <= 1 + tol) & (s >= -tol) & (s <= 1 + tol)


def crossing_point(a: Array, b: Array, seg: Array) -> Array:
    """Return where segment ``a-b`` crosses the line of ``seg`` (its middle if parallel).

    Plain algebra rather than a GEOS intersection: called for every door a route
    crosses, and building two LineStrings costs more than the route's other steps.
    """
    s0, s1 = seg
    d = s1 - s0
    e = b - a
    den = e[0] * d[1] - e[1] * d[0]
    if abs(den) <= 1e-12:
        return np.asarray(seg.mean(axis=0))
    r = s0 - a
    t = (r[0] * d[1] - r[1] * d[0]) / den
    return np.asarray(a + min(max(t, 0.0), 1.0) * e)


def build_hall_graph(free: BaseGeometry, jambs: Array, *, exhaustive: bool = False) -> HallGraph:
    """Return the reduced visibility graph of one hall's walkable area.

    Parameters
    ----------
    free
        The walkable area.
    jambs
        ``(k, 2)`` door jambs to add as nodes (zero clearance only; see :class:`HallGraph`).
    exhaustive
        Test every pair of nodes, even where :mod:`~floorplan.routing._tangents` would
        find the pairs that may be tangent at both ends: slower on halls of many-sided
        booths, the same graph (the tests' reference).
    """
    corners = find_corners(free).with_jambs(jambs)
    xy, prv, nxt = corners.xy, corners.prev, corners.next
    test = free.buffer(EPS_M, join_style="mitre") if not free.is_empty else free
    shapely.prepare(test)
    area = Area(free)
    graph = HallGraph(free=free, test=test, area=area, xy=xy, prev=prv, next=nxt)
    if len(xy) < 2:
        return graph
    chunks = all_pairs(len(xy), _BATCH) if exhaustive else pairs_to_test(corners, _BATCH)
    kept_e: list[IntArray] = [np.zeros((0, 2), dtype=np.int64)]
    for pairs in chunks:
        i, j = pairs[:, 0], pairs[:, 1]
        ok = tangent(xy[i], prv[i], nxt[i], xy[j]) & tangent(xy[j], prv[j], nxt[j], xy[i])
        i, j = i[ok], j[ok]
        vis = segments_inside(xy[i], xy[j], area)
        kept_e.append(np.stack([i[vis], j[vis]], axis=1))
    # One row per pair, in (i, j) order: the order testing every pair gives.
    edges = np.unique(np.concatenate(kept_e).astype(np.int64), axis=0)
    graph.edges = edges
    d = xy[edges[:, 0]] - xy[edges[:, 1]]
    graph.lengths = np.hypot(d[:, 0], d[:, 1])
    return graph


def cross_door_edges(
    ga: HallGraph, gb: HallGraph, door: Door, both: Area
) -> tuple[IntArray, Array]:
    """Return node pairs ``(i in a, j in b)`` that see each other through ``door``.

    ``both`` is :func:`pair_area` of the two halls.
    """
    na, nb = len(ga.xy), len(gb.xy)
    if na == 0 or nb == 0 or not door.usable:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    # Only nodes with a tangent line through the door can have an edge through it: for
    # round booths a few percent of them, so the pairs are not all formed.
    ia, ib = (_through(g, door.seg) for g in (ga, gb))
    out: list[IntArray] = [np.zeros((0, 2), dtype=np.int64)]
    step = max(1, _BATCH // max(len(ib), 1))
    for lo in range(0, len(ia), step):
        i = np.repeat(ia[lo : lo + step], len(ib))
        j = np.tile(ib, min(step, len(ia) - lo))
        a, b = ga.xy[i], gb.xy[j]
        ok = door_crossing_ok(a, b, door.seg)
        ok &= tangent(a, ga.prev[i], ga.next[i], b) & tangent(b, gb.prev[j], gb.next[j], a)
        i, j = i[ok], j[ok]
        vis = segments_inside(ga.xy[i], gb.xy[j], both)
        out.append(np.stack([i[vis], j[vis]], axis=1))
    pairs = np.concatenate(out).astype(np.int64)
    d = ga.xy[pairs[:, 0]] - gb.xy[pairs[:, 1]]
    return pairs, np.hypot(d[:, 0], d[:, 1])


def _through(g: HallGraph, seg: Array) -> IntArray:
    """Return the nodes of ``g`` from which a line tangent there can pass through ``seg``."""
    n = len(g.xy)
    centre = np.repeat(seg.mean(axis=0)[None, :], n, axis=0)
    radius = np.full(n, float(np.hypot(*(seg[1] - seg[0]))) / 2)
    return np.flatnonzero(tangent_reaches(g.xy, g.prev, g.next, centre, radius))


def _door_bridge(door: Door) -> BaseGeometry:
    """Return a hair-thin strip over a door's crossing, gluing two halls' floors there."""
    return shapely.LineString(door.seg).buffer(EPS_M, cap_style="flat", join_style="mitre")


def pair_area(ga: HallGraph, gb: HallGraph, doors: list[Door]) -> Area:
    """Return the walkable area of two halls glued at their ``doors``.

    One area per pair of halls, not per door: a venue of 70 halls has 1,700 doors, and
    the union of two halls' floors is the costly part. A segment is still tested against
    one door at a time (:func:`door_crossing_ok`), so it cannot pass a wall elsewhere.
    """
    return Area(
        shapely.union_all([ga.free, gb.free]),
        [_door_bridge(door) for door in doors],
        rasters=[*ga.area.rasters, *gb.area.rasters],
    )
