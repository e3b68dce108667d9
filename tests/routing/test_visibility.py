"""Tests of floorplan.routing.visibility: the cone search finds every pair testing all finds.

The reduced visibility graph keeps the segments between corners that are tangent at both
ends and walkable. The fast build forms only the pairs :mod:`floorplan.routing._tangents`
finds by the corners' normal cones; the exhaustive build (``exhaustive=True``) forms every
pair, as the router did before. These tests check, on random and on degenerate floors,
that every pair ``tangent`` accepts at both ends is among the candidates, and that both
builds give the same graph, door edges and booths' last legs.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import Polygon, box

from floorplan.routing import Router
from floorplan.routing import _tangents as T
from floorplan.routing import visibility as V

from _round_booths import round_booths

HALLS = {
    "box": box(0, 0, 60, 40),
    # A concave outline: its inner corners are corners of the floor too.
    "ell": Polygon([(0, 0), (60, 0), (60, 18), (34, 18), (34, 40), (0, 40)]),
}


def _tangent_both(c: T.Corners, pairs: np.ndarray) -> np.ndarray:
    i, j = pairs[:, 0], pairs[:, 1]
    return V.tangent(c.xy[i], c.prev[i], c.next[i], c.xy[j]) & V.tangent(
        c.xy[j], c.prev[j], c.next[j], c.xy[i]
    )


def missing_pairs(free: shapely.Geometry, jambs: np.ndarray) -> set[tuple[int, int]]:
    """Return the pairs tangent at both ends that the cone search does not offer."""
    c = T.find_corners(free).with_jambs(jambs)
    everything = np.concatenate([np.zeros((0, 2), dtype=np.int64), *T.all_pairs(len(c.xy), 10**5)])
    want = everything[_tangent_both(c, everything)]
    got = np.concatenate([np.zeros((0, 2), dtype=np.int64), *T.candidate_pairs(c, 10**5)])
    return set(map(tuple, want.tolist())) - set(map(tuple, got.tolist()))


def assert_same_graph(free: shapely.Geometry, jambs: np.ndarray) -> V.HallGraph:
    assert missing_pairs(free, jambs) == set()
    fast = V.build_hall_graph(free, jambs)
    slow = V.build_hall_graph(free, jambs, exhaustive=True)
    assert np.array_equal(fast.edges, slow.edges)
    assert np.array_equal(fast.lengths, slow.lengths)
    return fast


def _shape(spec: tuple[str, float, float, float, int, float]):
    kind, x, y, size, corners, turn = spec
    if kind == "gon":
        t = np.linspace(0, 2 * np.pi, corners, endpoint=False) + turn
        return Polygon(np.c_[x + size * np.cos(t), y + size * np.sin(t)])
    if kind == "box":
        return affinity.rotate(box(x, y, x + size * 1.6, y + size), turn, use_radians=True)
    if kind == "grid":  # axis-aligned on whole metres: touching corners, edges in line
        x, y, s = round(x), round(y), max(1, round(size))
        return box(x, y, x + s, y + s)
    ell = Polygon([(0, 0), (3, 0), (3, 1), (1, 1), (1, 3), (0, 3)])
    return affinity.translate(
        affinity.rotate(affinity.scale(ell, size / 2, size / 2), turn, use_radians=True), x, y
    )


shapes = st.tuples(
    st.sampled_from(["gon", "gon", "box", "grid", "ell"]),
    st.floats(4, 56),
    st.floats(4, 36),
    st.floats(0.6, 4),
    st.integers(3, 48),
    st.floats(0, 6.3),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(HALLS)),
    st.lists(shapes, min_size=1, max_size=14),
    st.sampled_from([0.0, 0.25, 0.5]),
    st.integers(0, 3),
)
def test_cone_search_misses_no_tangent_pair(hall_name, specs, clearance, n_jambs):
    # Overlapping shapes merge into non-convex islands with pockets; "grid" boxes touch
    # at corners and line up edge to edge: the ties where rounding could lose a pair.
    hall = HALLS[hall_name]
    blocked = [g for g in (_shape(s) for s in specs) if g.is_valid and hall.contains(g)]
    free = V.walkable_area(hall, blocked, [], clearance)
    rng = np.random.default_rng(len(specs))
    jambs = rng.uniform([1, 1], [59, 39], (n_jambs, 2))
    assert_same_graph(free, jambs)


@pytest.mark.parametrize(
    "blocked",
    [
        [box(10, 10, 14, 12), box(16, 10, 20, 12), box(22, 10, 26, 12)],  # tops in line
        [box(10, 10, 14, 14), box(14, 14, 18, 18)],  # touching at one corner
        [box(0, 10, 5, 15), box(55, 0, 60, 6)],  # touching the walls
        # A U-shaped island with a booth in its pocket.
        [
            Polygon(
                [(10, 10), (30, 10), (30, 30), (26, 30), (26, 14), (14, 14), (14, 30), (10, 30)]
            ),
            box(18, 20, 22, 24),
        ],
        # A vertex that turns by a hair, and a sliver of a triangle.
        [
            Polygon([(10, 10), (20, 10 + 1e-8), (30, 10), (30, 20), (10, 20)]),
            Polygon([(40, 10), (50, 10.001), (40, 10.002)]),
        ],
    ],
)
@pytest.mark.parametrize("clearance", [0.0, 0.5])
def test_degenerate_floors_keep_every_edge(blocked, clearance):
    for hall in HALLS.values():
        free = V.walkable_area(hall, [g for g in blocked if hall.contains(g)], [], clearance)
        graph = assert_same_graph(free, np.zeros((0, 2)))
        assert len(graph.edges) > 0


def test_round_booths_hall_has_the_exhaustive_graph():
    venue = round_booths(24, 64, pitch_m=6.0)
    hall = venue.halls.geometry.iloc[0]
    for clearance in (0.0, 0.5):
        free = V.walkable_area(hall, list(venue.booths.geometry), [], clearance)
        graph = assert_same_graph(free, np.zeros((0, 2)))
        # Tangent-at-both pairs are a tiny share of all pairs: what the search saves.
        n = len(graph.xy)
        assert len(graph.edges) < 0.01 * n * (n - 1) / 2


def test_the_missing_pair_check_can_fail(monkeypatch):
    free = V.walkable_area(HALLS["box"], [box(10, 10, 14, 12), box(16, 10, 20, 12)], [], 0.0)
    assert missing_pairs(free, np.zeros((0, 2))) == set()
    # Cones narrowed instead of widened: pairs along edges in line are lost.
    monkeypatch.setattr(T, "_SLACK", -1e-3)
    assert missing_pairs(free, np.zeros((0, 2)))


def test_reaches_disc_never_rejects_a_tangent_direction():
    rng = np.random.default_rng(4)
    venue = round_booths(6, 7, pitch_m=6.0)
    free = V.walkable_area(venue.halls.geometry.iloc[0], list(venue.booths.geometry), [], 0.3)
    c = T.find_corners(free)
    k = 20_000
    who = rng.integers(0, len(c.xy), k)
    centre = rng.uniform(-5, 30, (k, 2))
    radius = rng.uniform(0, 3, k)
    reach = T.reaches_disc(c.xy[who], c.prev[who], c.next[who], centre, radius)
    assert reach.any()
    assert not reach.all()
    for _ in range(8):  # points of each disc, tangent from its corner: never a rejected disc
        ang = rng.uniform(0, 2 * np.pi, k)
        pts = (
            centre
            + (radius * np.sqrt(rng.uniform(0, 1, k)))[:, None] * np.c_[np.cos(ang), np.sin(ang)]
        )
        tangent = V.tangent(c.xy[who], c.prev[who], c.next[who], pts)
        assert not (tangent & ~reach).any()


@pytest.mark.parametrize("clearance", [0.0, 0.5])
def test_door_edges_and_last_legs_equal_the_unfiltered_ones(monkeypatch, clearance):
    venue = round_booths(12, 16, pitch_m=6.0, doors=True)
    fast = Router(venue, clearance_m=clearance)
    monkeypatch.setattr(V, "tangent_reaches", lambda xy, *_: np.ones(len(xy), dtype=bool))
    monkeypatch.setattr(
        V, "build_hall_graph", functools.partial(V.build_hall_graph, exhaustive=True)
    )
    slow = Router(venue, clearance_m=clearance)
    assert fast._graph._cross.keys() == slow._graph._cross.keys()
    assert any(len(p) for p, _ in fast._graph._cross.values())
    for d, (pairs, lengths) in fast._graph._cross.items():
        assert np.array_equal(pairs, slow._graph._cross[d][0])
        assert np.array_equal(lengths, slow._graph._cross[d][1])
    for acc in (False, True):
        assert (fast._graph.csr[acc] != slow._graph.csr[acc]).nnz == 0
    booths = [str(b) for b in venue.booths.booth_id]
    assert fast._ends.ends.keys() == slow._ends.ends.keys() == set(booths)
    for key, ends in fast._ends.ends.items():
        other = slow._ends.ends[key]
        for field in ("hall", "local", "leg", "end", "door"):
            assert np.array_equal(getattr(ends, field), getattr(other, field)), (key, field)
