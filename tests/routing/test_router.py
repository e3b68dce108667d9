"""Tests of floorplan.routing: exact lengths against an independent brute force, and more."""

from __future__ import annotations

import itertools
import json
import math
import re

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, box

from floorplan.cli import main
from floorplan.errors import FloorplanError, NoRouteError, OptionError, PlaceError
from floorplan.routing import Router
from floorplan.venue import Venue

CRS = "EPSG:32650"


def make_venue(  # noqa: PLR0917 - a compact fixture builder
    halls, booths=(), openings=(), obstacles=(), kiosks=(), amenities=()
) -> Venue:
    """Build a small venue from tuples (see the callers for the columns)."""

    def gdf(rows, cols):
        if not rows:
            return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=CRS)
        return gpd.GeoDataFrame(
            [r[:-1] for r in rows], columns=cols, geometry=[r[-1] for r in rows], crs=CRS
        )

    return Venue(
        halls=gdf(list(halls), ["hall_id", "name", "level", "kind"]),
        booths=gdf(
            [(b, h, "digital", e, ez, g) for b, h, e, ez, g in booths],
            ["booth_id", "hall_id", "zone", "exhibitor", "exhibitor_zh"],
        ),
        openings=gdf(
            list(openings), ["opening_id", "hall_id", "kind", "width_m", "connects", "step_free"]
        ),
        obstacles=gdf(list(obstacles), ["kind", "hall_id"]),
        kiosks=gdf(list(kiosks), ["kiosk_id", "hall_id", "heading_deg"]),
        amenities=gdf(list(amenities), ["amenity_id", "kind", "name", "hall_id"]),
        events=pd.DataFrame(columns=["event_id", "title", "starts", "ends", "where"]),
    )


def l_hall_venue() -> Venue:
    """An L-shaped hall with columns, a rotated booth, an L-shaped booth and a row of three."""
    hall = Polygon([(0, 0), (60, 0), (60, 30), (30, 30), (30, 60), (0, 60)])
    rotated = affinity.rotate(box(38, 10, 48, 16), 30, origin="centroid")
    l_booth = Polygon([(8, 8), (20, 8), (20, 12), (12, 12), (12, 24), (8, 24)])
    row = [box(5 + 4 * k, 35, 9 + 4 * k, 40) for k in range(3)]  # three touching in a row
    booths = [
        ("R1", "L", "Rota", "", rotated),
        ("L1", "L", "Ell", "", l_booth),
        *[(f"T{k}", "L", f"Row{k}", "", g) for k, g in enumerate(row)],
    ]
    columns = [("column", "L", box(x, y, x + 1, y + 1)) for x, y in [(25, 10), (25, 20), (15, 45)]]
    return make_venue(
        [("L", "Hall L", 0, "hall", hall)],
        booths,
        obstacles=columns,
        kiosks=[("K1", "L", 0.0, Point(2, 2))],
        amenities=[("WC", "restroom", "Toilets", "L", Point(55, 25))],
    )


def two_halls_venue(*, step_free_short: bool = False) -> Venue:
    """Halls W and E joined by a concourse C below them, and a direct stepped door W-E."""
    w = box(0, 20, 40, 60)
    e = box(40, 20, 80, 60)
    c = box(0, 0, 80, 20)
    booths = [
        ("W-01", "W", "West", "西方", box(10, 30, 30, 50)),
        ("E-01", "E", "东方展商", "东方展商", box(50, 30, 70, 50)),
    ]
    openings = [
        ("W-D1", "W", "connection", 4.0, "C", True, LineString([(8, 20), (12, 20)])),
        ("E-D1", "E", "connection", 4.0, "C", True, LineString([(68, 20), (72, 20)])),
        # A short cut with a step between the halls.
        ("W-E1", "W", "connection", 3.0, "E", step_free_short, LineString([(40, 54), (40, 57)])),
    ]
    return make_venue(
        [
            ("W", "Hall W", 0, "hall", w),
            ("E", "Hall E", 0, "hall", e),
            ("C", "Concourse", 0, "concourse", c),
        ],
        booths,
        openings,
        kiosks=[("K-W", "W", 0.0, Point(5, 55))],
        amenities=[("WC-E", "restroom", "洗手间", "E", Point(75, 55))],
    )


# ------------------------------------------------------------ independent brute force


def brute_length(venue: Venue, a, b) -> float:
    """Shortest walk at zero clearance by a full visibility graph (all vertices, all pairs).

    Independent of the router: every vertex of every hall's floor (minus booths and
    obstacles) and every door end is a node; a segment is an edge when one hall's floor
    covers it, or when two halls' floors together cover it and it passes their door;
    networkx runs Dijkstra.
    """
    blocked = shapely.union_all([*venue.booths.geometry.values, *venue.obstacles.geometry.values])
    free = {
        row.hall_id: row.geometry.difference(blocked).buffer(1e-7)
        for row in venue.halls.itertuples()
    }
    doors = [
        (row.hall_id, row.connects, row.geometry)
        for row in venue.openings.itertuples()
        if row.kind == "connection"
    ]
    pts = [tuple(p) for g in free.values() for p in shapely.get_coordinates(g.buffer(-1e-7))]
    pts += [tuple(p) for _, _, g in doors for p in shapely.get_coordinates(g)]
    # A node is a point *in a hall*: where walls meet, the halls' corners touch, but a
    # walker must not slip from one hall to the other through that point.
    nodes = [(p, h) for p in dict.fromkeys([tuple(a), tuple(b), *pts]) for h in free]
    nodes = [(p, h) for p, h in nodes if free[h].covers(Point(p))]
    graph = nx.Graph()
    graph.add_nodes_from([*nodes, "A", "B"])
    for p, h in nodes:
        if p in (tuple(a), tuple(b)):
            graph.add_edge("A" if p == tuple(a) else "B", (p, h), weight=0.0)
    for (p, hp), (q, hq) in itertools.combinations(nodes, 2):
        seg = LineString([p, q])
        if hp == hq:
            ok = p != q and free[hp].covers(seg)
        else:
            ok = any(
                {h1, h2} == {hp, hq} and seg.intersects(g) and free[h1].union(free[h2]).covers(seg)
                for h1, h2, g in doors
            )
        if ok:
            graph.add_edge((p, hp), (q, hq), weight=math.dist(p, q))
    return nx.dijkstra_path_length(graph, "A", "B")


def assert_walkable(venue: Venue, coords, *, skip=()):
    """Assert a polyline enters no booth, obstacle or the outside of the halls."""
    line = LineString(coords)
    for gdf in (venue.booths, venue.obstacles):
        for _, row in gdf.iterrows():
            if row.get("booth_id") in skip:
                continue
            assert not line.intersects(row.geometry.buffer(-1e-6)), row.get("booth_id")
    halls = shapely.union_all(venue.halls.geometry.values).buffer(1e-6)
    assert halls.covers(line)


def assert_length(route):
    arr = np.asarray(route.coords)
    assert math.isclose(np.hypot(*np.diff(arr, axis=0).T).sum(), route.length_m, abs_tol=1e-9)


# ------------------------------------------------------------------------ tests


@pytest.mark.parametrize(
    ("a", "b"),
    [((2, 2), (55, 25)), ((2, 58), (58, 2)), ((10, 30), (45, 20))],
)
def test_l_hall_matches_brute_force(a, b):
    venue = l_hall_venue()
    route = Router(venue, clearance_m=0).route(a, b)
    expected = brute_length(venue, a, b)
    assert route.length_m == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert_length(route)
    assert_walkable(venue, route.coords)


@pytest.mark.parametrize(
    ("a", "b"), [((5, 55), (75, 55)), ((20, 25), (60, 55)), ((5, 5), (45, 58))]
)
def test_two_halls_and_concourse_match_brute_force(a, b):
    venue = two_halls_venue(step_free_short=True)
    route = Router(venue, clearance_m=0).route(a, b)
    assert route.length_m == pytest.approx(brute_length(venue, a, b), rel=1e-9, abs=1e-6)
    assert_walkable(venue, route.coords)


def test_routes_never_cross_a_shared_wall():
    # Without the door W-E1 between them, W to E must go round by the concourse.
    venue = two_halls_venue()
    venue.openings = venue.openings[venue.openings["opening_id"] != "W-E1"]
    route = Router(venue, clearance_m=0).route((39, 40), (41, 40))
    assert route.halls == ["W", "C", "E"]
    assert route.length_m > 40
    assert route.length_m == pytest.approx(brute_length(venue, (39, 40), (41, 40)), abs=1e-6)


def test_stepped_door_used_only_when_not_accessible():
    venue = two_halls_venue(step_free_short=False)
    router = Router(venue, clearance_m=0.5)
    plain = router.route("K-W", "WC-E")
    step_free = router.route("K-W", "WC-E", accessible=True)
    assert plain.halls == ["W", "E"]
    assert any(s.door_id == "W-E1" for s in plain.steps)
    assert step_free.halls == ["W", "C", "E"]
    assert all(s.door_id != "W-E1" for s in step_free.steps)
    assert step_free.length_m > plain.length_m
    assert step_free.duration_s == pytest.approx(step_free.length_m / 0.8)
    assert plain.duration_s == pytest.approx(plain.length_m / 1.3)


@pytest.mark.parametrize("clearance", [0.0, 0.5])
def test_route_to_booth_ends_on_its_boundary(clearance):
    venue = l_hall_venue()
    router = Router(venue, clearance_m=clearance)
    for bid in ["R1", "L1", "T1"]:
        route = router.route("K1", bid)
        booth = venue.booths.set_index("booth_id").geometry[bid]
        end = Point(route.coords[-1])
        assert booth.exterior.distance(end) < 1e-6
        assert_walkable(venue, route.coords)
        assert_length(route)


def test_route_to_booth_at_zero_clearance_is_nearest_reachable_point():
    venue = l_hall_venue()
    router = Router(venue, clearance_m=0)
    booth = venue.booths.set_index("booth_id").geometry["R1"]
    route = router.route((55, 5), "R1")
    # Brute force: the walk to many points along the boundary, none shorter.
    ring = booth.exterior
    samples = [ring.interpolate(t, normalized=True) for t in np.linspace(0, 1, 41)[:-1]]
    best = min(router.route((55, 5), (p.x, p.y)).length_m for p in samples)
    assert route.length_m <= best + 1e-6


def test_clearance_is_kept():
    venue = l_hall_venue()
    router = Router(venue, clearance_m=0.5)
    route = router.route((2, 2), (55, 25))
    line = LineString(route.coords)
    for geom in [*venue.booths.geometry, *venue.obstacles.geometry]:
        assert line.distance(geom) >= 0.5 - 1e-6
    assert line.distance(venue.halls.geometry.iloc[0].exterior) >= 0.5 - 1e-6
    # A larger clearance can only make the walk longer.
    assert route.length_m >= Router(venue, clearance_m=0).route((2, 2), (55, 25)).length_m


def test_walled_in_booth_raises_no_route_naming_it():
    inner = box(20, 20, 24, 24)
    ring = box(16, 16, 28, 28).difference(box(17, 17, 27, 27))
    venue = make_venue(
        [("H", "Hall", 0, "hall", box(0, 0, 50, 50))],
        [("IN-1", "H", "Inside", "", inner), ("WALL-1", "H", "Fence", "", ring)],
    )
    with pytest.raises(NoRouteError, match="IN-1"):
        Router(venue, clearance_m=0).route((2, 2), "IN-1")


def test_place_errors():
    venue = l_hall_venue()
    router = Router(venue, clearance_m=0.5)
    with pytest.raises(PlaceError, match="inside booth R1"):
        router.route((43, 13), "K1")
    with pytest.raises(PlaceError, match="outside every hall"):
        router.route("K1", (45, 45))
    with pytest.raises(PlaceError, match="NOPE"):
        router.route("K1", "NOPE")


@pytest.mark.parametrize("bad", [-1, -0.01, float("nan")])
def test_bad_clearance_is_an_option_error_naming_it(bad):
    venue = l_hall_venue()
    with pytest.raises(OptionError, match=re.escape(repr(bad))) as info:
        Router(venue, clearance_m=bad)
    # One of the house's errors (exit 2 from the CLI), and still a ValueError for callers.
    assert isinstance(info.value, FloorplanError)
    assert isinstance(info.value, ValueError)
    assert "clearance_m" in str(info.value)


def test_moving_a_booth_changes_the_route():
    venue = make_venue(
        [("H", "Hall", 0, "hall", box(0, 0, 40, 20))],
        [("B1", "H", "x", "", box(18, 0, 22, 15))],
    )
    router = Router(venue, clearance_m=0)
    before = router.route((2, 2), (38, 2)).length_m
    assert before > 36
    venue.booths.loc[0, "geometry"] = box(18, 5, 22, 20)
    router.update_hall("H")
    after = router.route((2, 2), (38, 2)).length_m
    assert after == pytest.approx(36.0)


def test_router_tour_with_return():
    venue = l_hall_venue()
    router = Router(venue, clearance_m=0.5)
    tour = router.tour("K1", ["WC", "R1", "T2"], return_to="K1")
    assert sorted(tour.order) == ["R1", "T2", "WC"]
    assert len(tour.legs) == 4
    assert tour.length_m == pytest.approx(sum(leg.length_m for leg in tour.legs))
    assert_length(tour)


def test_steps_in_english_and_chinese_with_unicode_names():
    venue = two_halls_venue(step_free_short=True)
    route = Router(venue, clearance_m=0.5).route("K-W", "E-01")
    en = route.steps_text("en")
    zh = route.steps_text("zh")
    assert en[0] == "From the kiosk in Hall W"
    assert "go through the entrance to Hall E" in " ".join(en)
    assert "W-E1" not in " ".join(en + zh)  # a door is named by where it leads
    assert "东方展商" in en[-1]
    assert "到达E-01号展位（东方展商）" in zh[-1]
    assert zh[0] == "从Hall W的问询机出发"  # the halls have no Chinese names


def test_cli_json_and_errors(tmp_path, monkeypatch, capsys):
    venue = two_halls_venue(step_free_short=True)
    monkeypatch.setattr("floorplan.io.load_venue", lambda _path=None: venue)
    assert main(["route", "--from", "5,55", "--to", "WC-E", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"length_m", "duration_s", "coords", "steps"} <= out.keys()
    assert out["length_m"] == pytest.approx(LineString(out["coords"]).length, abs=0.01)
    # A start inside a booth is a bad place (exit 2), as an unknown id is.
    assert main(["route", "--from", "15,35", "--to", "WC-E"]) == 2
    assert "inside booth W-01" in capsys.readouterr().err


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(2, 44), st.integers(2, 34), st.integers(1, 8), st.integers(1, 8)),
        min_size=1,
        max_size=7,
    ),
    st.integers(0, 1000),
)
def test_random_boxes_match_brute_force(boxes, seed):
    hall = box(0, 0, 50, 40)
    geoms = shapely.union_all([box(x, y, x + w, y + h) for x, y, w, h in boxes])
    parts = [g for g in shapely.get_parts(geoms) if hall.contains(g)]
    booths = [(f"B{k}", "H", "", "", g) for k, g in enumerate(parts)]
    venue = make_venue([("H", "Hall", 0, "hall", hall)], booths)
    rng = np.random.default_rng(seed)
    free = hall.difference(geoms)
    pts = []
    while len(pts) < 2:
        p = rng.uniform([0.5, 0.5], [49.5, 39.5])
        if free.contains(Point(p)):
            pts.append(tuple(p))
    router = Router(venue, clearance_m=0)
    try:
        got = router.route(pts[0], pts[1]).length_m
    except NoRouteError:
        with pytest.raises(nx.NetworkXNoPath):
            brute_length(venue, pts[0], pts[1])
        return
    assert got == pytest.approx(brute_length(venue, pts[0], pts[1]), abs=1e-6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.floats(5, 45), st.floats(5, 35), st.floats(1, 4), st.integers(5, 16), st.floats(0, 1)
        ),
        min_size=1,
        max_size=5,
    ),
    st.integers(0, 1000),
)
def test_random_round_booths_match_brute_force(gons, seed):
    # Many-sided booths, overlapping ones merged: the corners the cone search pairs up.
    hall = box(0, 0, 50, 40)
    shapes = []
    for x, y, r, n, turn in gons:
        t = np.linspace(0, 2 * np.pi, n, endpoint=False) + turn
        shapes.append(Polygon(np.c_[x + r * np.cos(t), y + r * np.sin(t)]))
    geoms = shapely.union_all(shapes)
    parts = [g for g in shapely.get_parts(geoms) if hall.contains(g)]
    booths = [(f"B{k}", "H", "", "", g) for k, g in enumerate(parts)]
    venue = make_venue([("H", "Hall", 0, "hall", hall)], booths)
    rng = np.random.default_rng(seed)
    free = hall.difference(geoms)
    pts = []
    while len(pts) < 2:
        p = rng.uniform([0.5, 0.5], [49.5, 39.5])
        if free.contains(Point(p)):
            pts.append(tuple(p))
    try:
        got = Router(venue, clearance_m=0).route(pts[0], pts[1]).length_m
    except NoRouteError:  # a point shut in by a ring of merged booths
        with pytest.raises(nx.NetworkXNoPath):
            brute_length(venue, pts[0], pts[1])
        return
    assert got == pytest.approx(brute_length(venue, pts[0], pts[1]), abs=1e-6)


# ------------------------------------------------------- fast paths against slow ones


@pytest.mark.parametrize("clearance", [0.0, 0.5])
def test_raster_filter_never_rejects_a_walkable_segment(clearance):
    venue = l_hall_venue()
    router = Router(venue, clearance_m=clearance)
    area = router._graph.graphs[0].area
    rng = np.random.default_rng(11)
    a = rng.uniform(-2, 62, (4000, 2))
    # Half of them between graph nodes: the segments a build really tests.
    xy = router._graph.xy
    b = np.concatenate([rng.uniform(-2, 62, (2000, 2)), xy[rng.integers(0, len(xy), 2000)]])
    a[2000:] = xy[rng.integers(0, len(xy), 2000)]
    fast = area.covers(a, b)
    exact = area._exact(a, b)
    assert fast.any()
    assert (fast == exact).all()
    assert area.surely_blocked(a, b).sum() > 0.5 * (~exact).sum()  # it does filter


def test_cached_ends_equal_the_plain_search():
    venue = l_hall_venue()
    for clearance in (0.0, 0.5):
        router = Router(venue, clearance_m=clearance)
        origins = [(2.0, 2.0), (55.0, 5.0), (2.0, 58.0), (28.0, 28.0)]
        for xy, bid in itertools.product(origins, ["R1", "L1", "T0", "T1", "T2"]):
            o = router._places.resolve(xy)
            tree = router._ends.tree(o, accessible=False)
            t = router._places.resolve(bid)
            got = router._ends.best_end_cached(tree, t, router._ends.ends_of(bid, t), False)
            want = router._ends.best_end(tree, t, False)
            assert (got is None) == (want is None)
            if want is not None:
                assert got[0] == pytest.approx(want[0], abs=1e-9)


def test_cached_ends_through_doors_and_step_free():
    venue = two_halls_venue(step_free_short=False)
    router = Router(venue, clearance_m=0.5)
    for xy, place, acc in itertools.product(
        [(5, 55), (45, 55), (60, 10)], ["W-01", "E-01", "W-E1", "E-D1"], [False, True]
    ):
        tree = router._ends.tree(router._places.resolve(xy), accessible=acc)
        t = router._places.resolve(place)
        got = router._ends.best_end_cached(tree, t, router._ends.ends_of(place, t), acc)
        want = router._ends.best_end(tree, t, acc)
        assert got is not None
        assert want is not None
        assert got[0] == pytest.approx(want[0], abs=1e-9)


@pytest.mark.parametrize("clearance", [0.0, 0.5])
def test_booth_to_booth_is_the_shortest_walk_between_boundaries(clearance):
    venue = l_hall_venue()
    router = Router(venue, clearance_m=clearance)
    geoms = venue.booths.set_index("booth_id").geometry
    for a, b in [("R1", "L1"), ("T0", "R1"), ("L1", "T2")]:
        route = router.route(a, b)
        assert geoms[a].exterior.distance(Point(route.coords[0])) < 1e-6
        assert geoms[b].exterior.distance(Point(route.coords[-1])) < 1e-6
        assert_length(route)
        assert_walkable(venue, route.coords)
        back = router.route(b, a)
        assert back.length_m == pytest.approx(route.length_m, abs=1e-6)
        if clearance > 0:
            # Optimal between the booths grown by the clearance, then a step onto each
            # booth (as a walk to a booth ends): not compared with raw boundary points.
            continue
        # No start on a's boundary gives a shorter walk to b.
        ring = geoms[a].exterior
        starts = [ring.interpolate(t, normalized=True) for t in np.linspace(0, 1, 25)[:-1]]
        walks = []
        for p in starts:
            try:
                walks.append(router.route((p.x, p.y), b).length_m)
            except (NoRouteError, PlaceError):
                continue
        assert walks
        assert route.length_m <= min(walks) + 1e-6


def test_update_hall_matches_a_fresh_router():
    venue = two_halls_venue(step_free_short=True)
    router = Router(venue, clearance_m=0.5)
    before = router.route("K-W", "W-D1").length_m
    venue.booths.loc[0, "geometry"] = box(2, 40, 30, 52)  # W-01 moves across the hall
    router.update_hall("W")
    fresh = Router(venue, clearance_m=0.5)
    pairs = [("K-W", "E-01"), ("K-W", "W-01"), ("W-01", "E-01"), ((5, 25), "WC-E")]
    for a, b in pairs:
        for acc in (False, True):
            got = router.route(a, b, accessible=acc).length_m
            assert got == pytest.approx(fresh.route(a, b, accessible=acc).length_m, abs=1e-9)
    # The kiosk's cached tree was rebuilt: the booth now stands in its way.
    assert router.route("K-W", "W-D1").length_m > before + 1


@pytest.mark.slow
def test_generated_venue_matches_exact_only_reference(monkeypatch):
    from floorplan.generate import generate_venue  # noqa: PLC0415
    from floorplan.routing import ends as routing  # noqa: PLC0415
    from floorplan.routing import visibility as _visibility  # noqa: PLC0415

    venue = generate_venue(booths=2000)
    fast = Router(venue, clearance_m=0.5)
    # The reference: every visibility test exact (no raster), every end searched lazily.
    monkeypatch.setattr(_visibility, "_FEW", 10**9)
    monkeypatch.setattr(routing, "WARM_BOOTHS", 0)
    slow = Router(venue, clearance_m=0.5)
    assert slow._graph.csr[False].nnz == fast._graph.csr[False].nnz
    rng = np.random.default_rng(5)
    bids = [str(b) for b in venue.booths.booth_id]
    kids = [str(k) for k in venue.kiosks.kiosk_id]
    pairs = [tuple(rng.choice(bids, 2, replace=False)) for _ in range(4)]
    pairs += [(str(rng.choice(kids)), str(rng.choice(bids))) for _ in range(4)]
    for a, b in pairs:
        tree = slow._ends.tree(slow._places.resolve(a), accessible=False) if a in kids else None
        t = slow._places.resolve(b)
        got = fast.route(str(a), str(b)).length_m
        assert got == pytest.approx(slow.route(str(a), str(b)).length_m, abs=1e-9)
        if tree is not None:  # and against the plain search of the end
            want = slow._ends.best_end(tree, t, False)
            assert want is not None
            assert fast._ends.best_end_cached(
                fast._ends.trees[(a, False)],
                fast._places.resolve(b),
                fast._ends.ends_of(b, fast._places.resolve(b)),
                False,
            )[0] == pytest.approx(want[0], abs=1e-9)


@pytest.fixture(scope="module")
def bundled_router() -> Router:
    from floorplan import load_venue  # noqa: PLC0415

    return Router(load_venue())


@pytest.mark.parametrize(("origin", "target"), [("E2-K1", "W3-A05"), ("W1-K1", "W2-A12")])
def test_steps_read_as_a_person_would_follow_them(
    bundled_router: Router, origin: str, target: str
) -> None:
    from floorplan.routing.directions import MIN_TURN_GAP_M, StepKind  # noqa: PLC0415

    route = bundled_router.route(origin, target)
    turns = [s for s in route.steps[1:] if s.kind not in (StepKind.ENTER, StepKind.ARRIVE)]
    # No two instructions a step apart, and no "after 0 m" in either language.
    assert all(s.distance_m >= MIN_TURN_GAP_M for s in turns[1:])
    for lang in ("en", "zh"):
        text = " ".join(route.steps_text(lang))
        assert "After 0 m" not in text
        assert not re.search(r"(?<!\d)0米后", text)
    # The step distances still add up to the walk.
    assert sum(s.distance_m for s in route.steps) == pytest.approx(route.length_m, rel=1e-9)
