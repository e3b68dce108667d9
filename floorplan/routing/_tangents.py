"""Find the pairs of a hall's corners that can be tangent at both ends (private to routing).

The reduced visibility graph keeps a segment between two corners only when it is tangent
at both (:func:`~floorplan.routing.visibility.tangent`). Testing every pair costs time and
memory in the square of a hall's corners, and round booths have many: fifty booths of 64
corners make 3,200 corners and five million pairs, of which about 4,000 are tangent at
both ends. This module finds a small superset of the tangent pairs without looking at
every pair, so that building a hall's graph costs in the number of pairs of obstacles and
their common tangents instead.

Why it is exact: take a corner ``u`` of an obstacle's convex hull whose two ring edges run
along that hull (a *clean* corner). A line through ``u`` is tangent there exactly when it
supports the hull at ``u``, that is when one of its two normals lies in ``u``'s *normal
cone* (from the outward normal of one edge to that of the other). So a line through clean
corners ``u`` and ``v`` of two obstacles is tangent at both exactly when a normal of it lies
in ``u``'s cone and in ``v``'s cone or in its opposite. The cones of one hull split the
circle of directions in order, so the corners ``v`` of another hull whose cone meets
``u``'s cone (or its opposite) form a short run found by binary search: one or two for a
round obstacle. Every candidate then goes through the same ``tangent`` test and
visibility test as before, so the graph keeps the edges that testing every pair keeps.
Cones are widened by :data:`_SLACK` radians, far more than ``tangent``'s tolerance and the
rounding of the angles, so a pair that test accepts is never missed.

Corners that are not clean (in or beside a pocket of a non-convex obstacle, on the hall's
outline, door jambs at zero clearance) are paired with every other corner, as before:
there are few of them in a real hall.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

__all__ = ["Corners", "all_pairs", "candidate_pairs", "find_corners", "reaches_disc"]

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Sine of the angle below which a vertex counts as collinear (not a corner).
SIN_EPS = 1e-9
#: Radians added to each side of every cone and angular test (``tangent`` allows ~1e-9).
_SLACK = 1e-7
#: Relative tolerance of "this ring edge runs along the hull".
_ALONG = 1e-12
#: Each obstacle's search keys get their own stretch of the number line (> 8 pi).
_OFF = 32.0
_TWO_PI = 2.0 * math.pi


@dataclass(frozen=True)
class _Table:
    """The normal cones of the convex hulls of a hall's obstacles, for binary search.

    One entry per hull corner: its node, its obstacle (``slot``) and its cone
    ``[start, start + width]`` (radians, ``start`` in ``[0, 2 pi)``). ``keys`` holds every
    cone's start three times (shifted by ``-2 pi, 0, 2 pi``) plus ``slot * _OFF``, sorted,
    so a cone of any obstacle containing any angle is one ``searchsorted`` away.
    """

    node: IntArray
    slot: IntArray
    start: Array
    width: Array
    keys: Array
    key_entry: IntArray
    centre: Array
    radius: Array

    def overlaps(
        self, slot: IntArray, lo: Array, hi: Array
    ) -> tuple[IntArray, IntArray, Array, Array]:
        """Return the cones of obstacle ``slot[q]`` meeting ``[lo[q], hi[q]]``, for each q.

        ``lo`` lies in ``[0, 2 pi)`` and ``hi - lo`` below ``pi``. Returns the query of
        each hit, its entry, and the entry's cone in the query's frame of angles.
        """
        base = slot * _OFF
        first = np.searchsorted(self.keys, base + lo - _SLACK, side="right") - 1
        last = np.searchsorted(self.keys, base + hi + _SLACK, side="right") - 1
        count = np.maximum(last - first + 1, 0)
        q = np.repeat(np.arange(len(lo)), count)
        step = np.arange(len(q)) - np.repeat(np.cumsum(count) - count, count)
        k = first[q] + step
        entry = self.key_entry[k]
        cone_lo = self.keys[k] - base[q]
        return q, entry, cone_lo, cone_lo + self.width[entry]


@dataclass(frozen=True)
class Corners:
    """A hall's corners (the graph's nodes) and the convex hulls of its obstacles.

    Attributes
    ----------
    xy, prev, next
        ``(n, 2)`` corners and their ring neighbours (NaN for door jambs).
    clean
        Whether each corner is a hull corner whose ring edges run along its hull, so that
        its tangent lines are exactly the hull's support lines there.
    table
        The hulls' normal cones (see :class:`_Table`).
    """

    xy: Array
    prev: Array
    next: Array
    clean: BoolArray
    table: _Table

    def with_jambs(self, jambs: Array) -> Corners:
        """Return these corners plus door jambs (nodes that accept every direction)."""
        if len(jambs) == 0:
            return self
        nan = np.full_like(jambs, np.nan)
        return Corners(
            xy=np.concatenate([self.xy, jambs]),
            prev=np.concatenate([self.prev, nan]),
            next=np.concatenate([self.next, nan]),
            clean=np.concatenate([self.clean, np.zeros(len(jambs), dtype=bool)]),
            table=self.table,
        )


def _turns(pts: Array) -> tuple[Array, Array, Array]:
    """Return each ring vertex's neighbours and the sine of its turn (< 0: a right turn)."""
    prv = np.roll(pts, 1, axis=0)
    nxt = np.roll(pts, -1, axis=0)
    a = pts - prv
    b = nxt - pts
    la = np.hypot(a[:, 0], a[:, 1])
    lb = np.hypot(b[:, 0], b[:, 1])
    ok = (la > 0) & (lb > 0)
    sin = np.zeros(len(pts))
    sin[ok] = (a[ok, 0] * b[ok, 1] - a[ok, 1] * b[ok, 0]) / (la[ok] * lb[ok])
    return prv, nxt, sin


def find_corners(free: BaseGeometry) -> Corners:
    """Return the reflex vertices of ``free`` (corners of obstacles) and their hulls.

    The corners come in the order of the rings of ``free`` (oriented: exterior
    anticlockwise, holes clockwise), each with its ring neighbours: interior on the left,
    a right turn bends around an obstacle's corner.
    """
    xs, ps, ns, cleans = [], [], [], []
    tables: list[tuple[IntArray, Array, Array, Array]] = []
    count = 0
    oriented = shapely.orient_polygons(free, exterior_cw=False)
    for poly in shapely.get_parts(oriented):
        for r, ring in enumerate(shapely.get_rings(poly)):
            pts = shapely.get_coordinates(ring)[:-1]
            if len(pts) < 3:
                continue
            prv, nxt, sin = _turns(pts)
            keep = sin < -SIN_EPS
            idx = np.flatnonzero(keep)
            xs.append(pts[keep])
            ps.append(prv[keep])
            ns.append(nxt[keep])
            clean = np.zeros(len(idx), dtype=bool)
            hull = _hull_of_hole(pts, sin, keep) if r > 0 and len(idx) >= 3 else None
            cones = _cones(pts[hull[0]]) if hull is not None else None
            if hull is not None and cones is not None:
                pos, ok = hull
                local = np.searchsorted(idx, pos)
                clean[local[ok]] = True
                tables.append((count + local, pts[pos], *cones))
            cleans.append(clean)
            count += len(idx)
    if not xs:
        empty = np.zeros((0, 2))
        return Corners(empty, empty, empty, np.zeros(0, dtype=bool), _make_table([]))
    table = _make_table(tables)
    return Corners(
        np.concatenate(xs), np.concatenate(ps), np.concatenate(ns), np.concatenate(cleans), table
    )


def _hull_of_hole(pts: Array, sin: Array, keep: BoolArray) -> tuple[IntArray, BoolArray] | None:
    """Return a hole's hull corners (ring positions, anticlockwise) and which are clean.

    The hole's ring runs clockwise around its obstacle (interior of ``free`` on the left),
    so the obstacle's anticlockwise neighbours of position ``p`` are ``p - 1`` (next) and
    ``p + 1`` (previous). None when the hull cannot be matched to the ring (repeated
    points, a hull of fewer than three corners): its corners are then paired with all.
    """
    n = len(pts)
    if not (sin > SIN_EPS).any():  # convex: every corner is a clean hull corner
        pos = np.flatnonzero(keep)[::-1]
        return (pos, np.ones(len(pos), dtype=bool)) if len(pos) >= 3 else None
    where: dict[tuple[float, float], int] = {}
    for p, xy in enumerate(map(tuple, pts.tolist())):
        if xy in where:
            return None  # a ring touching itself: leave it to the exhaustive pairing
        where[xy] = p
    hull = shapely.orient_polygons(shapely.convex_hull(shapely.multipoints(pts)))
    if hull.geom_type != "Polygon":
        return None
    hp = [where.get(xy, -1) for xy in map(tuple, shapely.get_coordinates(hull.exterior)[:-1])]
    if -1 in hp:
        return None
    hpos = np.asarray(hp, dtype=np.int64)
    hnext, hprev = np.roll(hpos, -1), np.roll(hpos, 1)
    ok = _along(pts[hpos], pts[(hpos - 1) % n], pts[hnext]) & _along(
        pts[hpos], pts[(hpos + 1) % n], pts[hprev]
    )
    corner = keep[hpos]
    if corner.sum() < 3:
        return None
    return hpos[corner], ok[corner]


def _along(u: Array, r: Array, h: Array) -> BoolArray:
    """Return whether each ring edge ``u-r`` runs along the hull edge ``u-h`` (within it)."""
    er, eh = r - u, h - u
    lr, lh = np.hypot(er[:, 0], er[:, 1]), np.hypot(eh[:, 0], eh[:, 1])
    cross = er[:, 0] * eh[:, 1] - er[:, 1] * eh[:, 0]
    dot = er[:, 0] * eh[:, 0] + er[:, 1] * eh[:, 1]
    return np.asarray(
        (np.abs(cross) <= _ALONG * lr * lh) & (dot > 0) & (lr <= lh * (1 + _ALONG)), dtype=bool
    )


def _cones(pts: Array) -> tuple[Array, Array] | None:
    """Return the normal cones ``(start, width)`` of a convex polygon's corners.

    ``pts`` run anticlockwise; the cone of corner k runs from the outward normal of the
    edge before it to that of the edge after it. None when the corners do not turn once
    round in strictly convex steps (rounding): they are then paired with every corner.
    """
    edge = np.roll(pts, -1, axis=0) - pts
    # Outward normal of an anticlockwise edge (dx, dy) is (dy, -dx).
    phi = np.arctan2(-edge[:, 0], edge[:, 1])
    start = np.roll(phi, 1) % _TWO_PI
    width = (phi - np.roll(phi, 1)) % _TWO_PI
    if (width >= math.pi - 1e-9).any() or abs(width.sum() - _TWO_PI) > 1e-6:
        return None
    return start, width


def _make_table(hulls: list[tuple[IntArray, Array, Array, Array]]) -> _Table:
    """Return the search table of the hulls: (nodes, corners anticlockwise, cones)."""
    nodes: list[IntArray] = []
    slots: list[IntArray] = []
    starts: list[Array] = []
    widths: list[Array] = []
    centres: list[Array] = []
    radii: list[float] = []
    for nd, pts, start, width in hulls:
        centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
        nodes.append(nd)
        slots.append(np.full(len(nd), len(centres)))
        starts.append(start)
        widths.append(width)
        centres.append(centre)
        radii.append(float(np.hypot(*(pts - centre).T).max()))
    if not nodes:
        z = np.zeros(0)
        zi = np.zeros(0, dtype=np.int64)
        return _Table(zi, zi, z, z, z, zi, np.zeros((0, 2)), z)
    node = np.concatenate(nodes)
    slot = np.concatenate(slots)
    start = np.concatenate(starts)
    entry = np.arange(len(node))
    keys = np.concatenate([slot * _OFF + start + j * _TWO_PI for j in (-1, 0, 1)])
    key_entry = np.concatenate([entry] * 3)
    order = np.argsort(keys, kind="stable")
    return _Table(
        node,
        slot,
        start,
        np.concatenate(widths),
        keys[order],
        key_entry[order],
        np.asarray(centres),
        np.asarray(radii),
    )


def _cone_lines_meet_disc(
    u: Array, lo: Array, width: Array, centre: Array, radius: Array
) -> BoolArray:
    """Return whether some line through ``u`` with normal in ``[lo, lo + width]`` meets a disc.

    A line with normal at angle t passes at ``D |cos(t - g)|`` from the centre (``D`` and
    ``g`` the distance and direction from ``u`` to it): zero when the range holds a
    right angle to ``g``, else smallest at an end of the range.
    """
    d = centre - u
    dist = np.hypot(d[:, 0], d[:, 1])
    g = np.arctan2(d[:, 1], d[:, 0])
    lo = lo - _SLACK
    width = width + 2 * _SLACK
    right = ((math.pi / 2 - (lo - g)) % math.pi) <= width
    near = np.minimum(np.abs(np.cos(lo - g)), np.abs(np.cos(lo + width - g))) * dist
    tol = 1e-9 * (dist + radius) + 1e-9
    return np.asarray((dist <= radius + tol) | right | (near <= radius + tol), dtype=bool)


def _normal_within(u: Array, v: Array, lo: Array, hi: Array) -> BoolArray:
    """Return whether a normal of line ``u-v`` lies in ``[lo, hi]`` (mod pi, with slack)."""
    d = v - u
    nu = np.arctan2(-d[:, 0], d[:, 1])
    lo = lo - _SLACK
    span = hi - lo + _SLACK
    same = (d[:, 0] == 0) & (d[:, 1] == 0)
    return np.asarray(same | (((nu - lo) % math.pi) <= span), dtype=bool)


def _clean_pairs(c: Corners, budget: int) -> Iterator[IntArray]:
    """Yield candidate pairs of clean corners of two different obstacles (see the module)."""
    t = c.table
    k = len(t.radius)
    entries = np.flatnonzero(c.clean[t.node]) if len(t.node) else np.zeros(0, dtype=np.int64)
    if k < 2 or len(entries) == 0:
        return
    step = max(1, budget // k)
    slots = np.arange(k)
    for lo in range(0, len(entries), step):
        e = entries[lo : lo + step]
        ei, s = np.nonzero(t.slot[e][:, None] < slots[None, :])
        e = e[ei]
        u = c.xy[t.node[e]]
        ok = _cone_lines_meet_disc(u, t.start[e], t.width[e], t.centre[s], t.radius[s])
        e, s, u = e[ok], s[ok], u[ok]
        found = []
        for shift in (0.0, math.pi):
            a = (t.start[e] + shift) % _TWO_PI
            q, hit, cone_lo, cone_hi = t.overlaps(s, a, a + t.width[e])
            v = t.node[hit]
            keep = c.clean[v]
            q, v, cone_lo, cone_hi = q[keep], v[keep], cone_lo[keep], cone_hi[keep]
            lo_j = np.maximum(a[q], cone_lo)
            hi_j = np.minimum(a[q] + t.width[e][q], cone_hi)
            keep = _normal_within(u[q], c.xy[v], lo_j, hi_j)
            found.append(np.stack([t.node[e][q][keep], v[keep]], axis=1))
        yield np.concatenate(found)


def _hull_edges(c: Corners) -> IntArray:
    """Return pairs of clean corners that follow each other around one hull."""
    t = c.table
    if len(t.node) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    # Entries of one obstacle are consecutive and anticlockwise; wrap within the obstacle.
    nxt = np.arange(1, len(t.node) + 1)
    last = np.flatnonzero(np.r_[t.slot[1:] != t.slot[:-1], True])
    first = np.r_[0, last[:-1] + 1]
    nxt[last] = first
    a, b = t.node, t.node[nxt]
    ok = c.clean[a] & c.clean[b]
    return np.stack([a[ok], b[ok]], axis=1)


def _rows(rows: IntArray, n: int, keep_col: BoolArray | None, budget: int) -> Iterator[IntArray]:
    """Yield pairs ``(min, max)`` of each of ``rows`` with every other node (filtered).

    A column ``j`` is paired with row ``i`` when ``keep_col[j]`` or ``j > i``, so that a
    pair of two rows comes once (all columns with ``keep_col`` None: ``j > i`` only).
    """
    step = max(1, budget // max(n, 1))
    cols = np.arange(n)
    for lo in range(0, len(rows), step):
        r = rows[lo : lo + step]
        m = cols[None, :] > r[:, None]
        if keep_col is not None:
            m |= keep_col[None, :] & (cols[None, :] != r[:, None])
        ri, j = np.nonzero(m)
        i = r[ri]
        yield np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)


def candidate_pairs(c: Corners, budget: int) -> Iterator[IntArray]:
    """Yield pairs ``(i, j)``, ``i < j``, of corners that may be tangent at both ends.

    Chunks of at most about ``budget`` pairs (a pair may come twice; the caller keeps it
    once). Every pair that :func:`all_pairs` yields and
    :func:`~floorplan.routing.visibility.tangent` accepts at both ends is among them.
    """
    n = len(c.xy)
    for pairs in _clean_pairs(c, budget):
        yield np.sort(pairs, axis=1)
    yield np.sort(_hull_edges(c), axis=1)
    yield from _rows(np.flatnonzero(~c.clean), n, c.clean, budget)


def all_pairs(n: int, budget: int) -> Iterator[IntArray]:
    """Yield every pair ``(i, j)``, ``i < j``, of ``n`` corners, in chunks of about ``budget``."""
    yield from _rows(np.arange(n), n, None, budget)


def reaches_disc(xy: Array, prev: Array, nxt: Array, centre: Array, radius: Array) -> BoolArray:
    """Return whether a line from each corner tangent there can reach a disc.

    Per pair ``k``: whether some point of the disc ``(centre[k], radius[k])`` lies in a
    direction from ``xy[k]`` that :func:`~floorplan.routing.visibility.tangent` accepts
    (both ring neighbours on one side). A necessary condition, cheap to test for a corner
    and a whole booth before testing the booth's segments one by one.
    """
    a, b = prev - xy, nxt - xy
    al = np.arctan2(a[:, 1], a[:, 0])
    be = np.arctan2(b[:, 1], b[:, 0])
    psi = (be - al) % _TWO_PI
    # The neighbours span the arc [s0, s0 + bad] (< pi); lines inside it or its opposite
    # separate them. Tangent lines: the arc [s0 + bad, s0 + pi] and its opposite.
    s0 = np.where(psi <= math.pi, al, be)
    bad = np.where(psi <= math.pi, psi, _TWO_PI - psi)
    good_lo = s0 + bad - _SLACK
    good_w = math.pi - bad + 2 * _SLACK
    d = centre - xy
    dist = np.hypot(d[:, 0], d[:, 1])
    g = np.arctan2(d[:, 1], d[:, 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.arcsin(np.minimum(1.0, radius * (1 + 1e-9) / dist)) + _SLACK
    disc_lo = g - half
    meet = (((disc_lo - good_lo) % math.pi) <= good_w) | (
        ((good_lo - disc_lo) % math.pi) <= 2 * half
    )
    free = ~np.isfinite(a).all(axis=1) | ~np.isfinite(b).all(axis=1)
    return np.asarray(
        free | (dist <= radius * (1 + 1e-9) + 1e-9) | (2 * half >= math.pi) | meet, dtype=bool
    )
