"""Tests of floorplan.routing.tours: tours against brute force over every order, walked."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pytest
from shapely.geometry import LineString, Point

import floorplan
from floorplan.errors import NoRouteError, PlaceError
from floorplan.routing import MAX_TOUR_STOPS, Route, Router, tour_order
from floorplan.venue import Venue

from conftest import CATALOGUE, write_spec

REL = 1e-6


def brute_force(
    router: Router, origin: str, stops: Sequence[str], return_to: str | None = None
) -> tuple[float, list[str]]:
    """Return the shortest walk over every order of ``stops``, each walked as ``route`` does.

    ``router.route(origin, last, via=rest)`` walks leg by leg: each leg is the shortest
    from where the last one ended (beside the booth just reached) to the next place, and
    stepping back off a booth counts. Legs from one start to one place are the same in
    every order, so they are computed once; orders that are already longer are cut short.
    """
    booths = {str(b) for b in router.venue.booths["booth_id"]}
    legs: dict[tuple[object, str], Route] = {}

    def leg(start: object, place: str) -> Route:
        key = (start, place)
        if key not in legs:
            legs[key] = router.route(start, place)  # type: ignore[arg-type]
        return legs[key]

    best: list[object] = [math.inf, []]

    def walk(start: object, last: object, left: frozenset[int], acc: float, done: list[int]):
        if acc > best[0]:  # type: ignore[operator]
            return
        if not left:
            if return_to is not None:
                acc += _add(leg(start, return_to), last)
            if acc < best[0]:  # type: ignore[operator]
                best[:] = [acc, list(done)]
            return
        for k in sorted(left):
            lg = leg(start, stops[k])
            at = stops[k]
            if at in booths:  # the next leg starts beside the booth, where this one reached it
                at = lg.coords[-2] if router.clearance_m > 0 else lg.coords[-1]
            walk(at, lg.coords[-1], left - {k}, acc + _add(lg, last), [*done, k])

    walk(origin, None, frozenset(range(len(stops))), 0.0, [])
    return float(best[0]), [stops[k] for k in best[1]]  # type: ignore[arg-type, union-attr]


def _add(leg: Route, last: object) -> float:
    """Return a leg's length with the step back from where the last leg ended."""
    back = math.dist(last, leg.coords[0]) if last is not None else 0.0  # type: ignore[arg-type]
    return leg.length_m + (back if back > 1e-9 else 0.0)


def walked(router: Router, origin: str, order: list[str], return_to: str | None) -> float:
    """Return the length of ``route`` through the stops in ``order``."""
    if return_to is not None:
        return router.route(origin, return_to, via=order).length_m
    return router.route(origin, order[-1], via=order[:-1]).length_m


def assert_drawn(route: Route, n_legs: int) -> None:
    """Assert the length, the legs and the drawn line agree."""
    assert len(route.legs) == n_legs
    line = LineString(route.coords) if len(route.coords) > 1 else None
    drawn = line.length if line is not None else 0.0
    assert route.length_m == pytest.approx(drawn, rel=1e-9, abs=1e-9)
    assert route.length_m == pytest.approx(sum(g.length_m for g in route.legs), rel=1e-9)
    joined = list(route.legs[0].coords)
    for g in route.legs[1:]:
        assert g.coords[0] == joined[-1]  # each leg starts where the last one ended
        joined.extend(g.coords[1:])
    if n_legs > 1:
        assert joined == route.coords
    assert route.duration_s == pytest.approx(route.length_m / 1.3)


def assert_reaches(venue: Venue, route: Route, stops: Sequence[str]) -> None:
    """Assert each leg ends on its booth's boundary, in the order reported."""
    geoms = venue.booths.set_index("booth_id").geometry
    for g, stop in zip(route.legs, route.order, strict=False):
        assert g.destination == stop
        if stop in geoms.index:
            assert geoms[stop].exterior.distance(Point(g.coords[-1])) < 1e-6
    assert sorted(route.order) == sorted(stops)


def check_against_brute_force(
    router: Router, origin: str, stops: list[str], return_to: str | None = None
) -> float:
    """Compare a tour with every order walked; return how much shorter it is (a ratio)."""
    best, order = brute_force(router, origin, stops, return_to)
    # The brute force walks as route(via=...) does: checked on its best order.
    assert walked(router, origin, order, return_to) == pytest.approx(best, rel=1e-9)
    tour = router.tour(origin, stops, return_to=return_to)
    assert tour.length_m <= best * (1 + REL), (stops, tour.order, order)
    assert_drawn(tour, len(stops) + (return_to is not None))
    assert_reaches(router.venue, tour, stops)
    # Its own order walked leg by leg is never shorter: the tour picks where to visit.
    assert tour.length_m <= walked(router, origin, tour.order, return_to) * (1 + REL)
    return tour.length_m / best


# ------------------------------------------------------------------- venues


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Venue]:
    root = tmp_path_factory.mktemp("tours")
    return {
        name: floorplan.read_venue(write_spec(make(), root / name))
        for name, make in CATALOGUE.items()
    }


@pytest.fixture(scope="module")
def bundled() -> Router:
    return Router(floorplan.load_venue())


@pytest.mark.parametrize("clearance", [0.5, 0.0])
@pytest.mark.parametrize(
    ("name", "origin", "stops"),
    [
        ("tiny_hall", "K1", ["H1-A01", "H1-A02", "H1-A03"]),
        ("tiny_hall", "WC1", ["H1-A03", "H1-A01", "H1-A02", "K1"]),
        ("l_hall_columns", "KL", ["L-R1", "L-L1", "L-B1"]),
        ("touching_booths", "K1", ["T1", "T2", "T3", "T4"]),
        ("two_halls", "KA", ["B-1", "A-1", "B-WC"]),
    ],
)
def test_catalogue_tours_are_never_longer_than_any_order(
    catalogue: dict[str, Venue], name: str, origin: str, stops: list[str], clearance: float
) -> None:
    router = Router(catalogue[name], clearance_m=clearance)
    check_against_brute_force(router, origin, stops)
    check_against_brute_force(router, origin, stops, return_to=origin)


def test_booths_in_a_touching_ring_against_brute_force(catalogue: dict[str, Venue]) -> None:
    # Eight booths ringing a ninth: only their outer sides are reachable.
    router = Router(catalogue["walled_in"])
    ring = sorted(b for b in catalogue["walled_in"].booths["booth_id"] if b != "INNER")
    rng = np.random.default_rng(16)
    for k in (3, 5, 7):
        stops = [str(b) for b in rng.choice(ring, size=k, replace=False)]
        check_against_brute_force(router, "K1", stops, return_to="WC1" if k == 5 else None)


def test_bundled_tours_are_never_longer_than_any_order(bundled: Router) -> None:
    venue = bundled.venue
    bids = venue.booths["booth_id"].astype(str).to_numpy()
    halls = venue.booths["hall_id"].astype(str).to_numpy()
    kiosks = venue.kiosks["kiosk_id"].astype(str).tolist()
    rng = np.random.default_rng(9)
    ratios = []
    for case in range(15):
        k = 3 + case % 5  # 3 to 7 stops
        # Half from one hall (booths that see each other), half from anywhere.
        pool = bids[halls == rng.choice(np.unique(halls))] if case % 2 else bids
        stops = [str(b) for b in rng.choice(pool, size=min(k, len(pool)), replace=False)]
        origin = str(rng.choice(kiosks))
        ret = origin if case % 3 == 0 else None
        ratios.append(check_against_brute_force(bundled, origin, stops, return_to=ret))
    # Choosing where to visit each booth, not only the order, shortens some walks.
    assert min(ratios) < 1 - 1e-4


def test_tour_from_a_booth_and_back_to_a_point(bundled: Router) -> None:
    venue = bundled.venue
    stops = [str(b) for b in venue.booths["booth_id"].iloc[[3, 40, 41, 90]]]
    origin = str(venue.booths["booth_id"].iloc[5])
    best, _ = brute_force(bundled, origin, stops, return_to="W1-K1")
    tour = bundled.tour(origin, stops, return_to="W1-K1")
    assert tour.length_m <= best * (1 + REL)
    assert_drawn(tour, len(stops) + 1)
    assert tour.origin == origin
    assert tour.destination == "W1-K1"
    # The walk starts on the origin booth's boundary.
    geom = venue.booths.set_index("booth_id").geometry[origin]
    assert geom.exterior.distance(Point(tour.coords[0])) < 1e-6


@pytest.mark.parametrize("n", [12, MAX_TOUR_STOPS])
def test_long_tours_visit_every_stop_once_and_agree(bundled: Router, n: int) -> None:
    venue = bundled.venue
    rng = np.random.default_rng(n)
    stops = [str(b) for b in rng.choice(venue.booths["booth_id"].astype(str), n, replace=False)]
    tour = bundled.tour("W1-K1", stops)
    assert_drawn(tour, n)
    assert_reaches(venue, tour, stops)
    assert tour.length_m <= walked(bundled, "W1-K1", tour.order, None) * (1 + REL)
    # Not longer than nearest neighbour by walking distance, walked.
    left, order, here = set(stops), [], "W1-K1"
    while left:
        here = min(sorted(left), key=lambda s, h=here: bundled.distance_m(h, s))
        order.append(here)
        left.remove(here)
    assert tour.length_m <= walked(bundled, "W1-K1", order, None) * (1 + REL)


def test_one_stop_and_repeated_stops(catalogue: dict[str, Venue]) -> None:
    router = Router(catalogue["tiny_hall"])
    one = router.tour("K1", ["H1-A02"])
    assert one.length_m == pytest.approx(router.distance_m("K1", "H1-A02"), rel=1e-9)
    assert one.legs == [one]
    assert one.order == ["H1-A02"]
    twice = router.tour("K1", ["H1-A02", "H1-A02"])
    assert twice.order == ["H1-A02", "H1-A02"]
    # Visiting it again costs at least nothing and at most stepping onto it and back.
    step = Point(one.coords[-2]).distance(Point(one.coords[-1]))
    assert one.length_m <= twice.length_m <= one.length_m + 2 * step + 1e-9
    assert twice.length_m <= brute_force(router, "K1", ["H1-A02", "H1-A02"])[0] * (1 + REL)
    assert_drawn(twice, 2)


def test_step_free_tours_skip_stepped_doors(catalogue: dict[str, Venue]) -> None:
    router = Router(catalogue["two_halls"])
    with pytest.raises(NoRouteError, match="B-1"):
        router.tour("KA", ["A-1", "B-1"], accessible=True)
    tour = router.tour("KA", ["A-1", "B-1"])
    assert tour.order == ["A-1", "B-1"]
    assert tour.halls == ["A", "B"]


def test_tour_errors(catalogue: dict[str, Venue]) -> None:
    router = Router(catalogue["walled_in"])
    with pytest.raises(NoRouteError, match="from K1 to booth INNER"):
        router.tour("K1", ["R00", "INNER"])
    with pytest.raises(NoRouteError, match="from booth INNER"):
        router.tour("INNER", ["R00"])
    with pytest.raises(PlaceError, match="at least one stop"):
        router.tour("K1", [])
    with pytest.raises(PlaceError, match="at most 20 stops"):
        router.tour("K1", ["R00"] * 21)
    with pytest.raises(PlaceError, match="NOPE"):
        router.tour("K1", ["R00", "NOPE"])
    with pytest.raises(PlaceError, match="outside every hall"):
        router.tour((-50.0, -50.0), ["R00"])


# --------------------------------------------------------------- tour_order


def test_tour_order_is_optimal_up_to_eight_stops():
    rng = np.random.default_rng(7)
    for n in (3, 6, 8):
        pts = rng.uniform(0, 100, (n + 2, 2))
        dist = np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1))
        for end in (None, n + 1):

            def cost(seq, dist=dist, end=end):
                path = [0, *seq] + ([end] if end is not None else [])
                return sum(dist[a, b] for a, b in itertools.pairwise(path))

            order = tour_order(dist, n, end=end)
            best = min(cost(p) for p in itertools.permutations(range(1, n + 1)))
            assert cost(order) == pytest.approx(best)
            assert sorted(order) == list(range(1, n + 1))


def test_tour_order_beyond_eight_is_a_local_optimum():
    rng = np.random.default_rng(3)
    pts = rng.uniform(0, 100, (16, 2))
    dist = np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1))
    order = tour_order(dist, 15, end=None)
    assert sorted(order) == list(range(1, 16))

    def cost(seq):
        return sum(dist[a, b] for a, b in itertools.pairwise([0, *seq]))

    # No single reversal of a stretch shortens it.
    for i, j in itertools.combinations(range(len(order)), 2):
        cand = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
        assert cost(cand) >= cost(order) - 1e-9
    # And it beats plain nearest neighbour.
    assert cost(order) <= cost(_nearest_neighbour(dist, 15)) + 1e-9


def _nearest_neighbour(dist: np.ndarray, n: int) -> list[int]:
    left, seq, cur = set(range(1, n + 1)), [], 0
    while left:
        cur = min(left, key=lambda s, c=cur: dist[c, s])
        seq.append(cur)
        left.remove(cur)
    return seq


def _walk_cost(dist, groups, steps, walk, chosen):
    """Return a walk's cost summed by hand: steps onto places, then the walks between."""
    pts = [groups[i][a] for i, a in zip(walk, chosen, strict=True)]
    total = sum(dist[p, q] for p, q in itertools.pairwise(pts))
    inner = [steps[i][a] for i, a in zip(walk[1:-1], chosen[1:-1], strict=True)]
    return total + steps[walk[0]][chosen[0]] + 2 * sum(inner) + steps[walk[-1]][chosen[-1]]


def test_search_over_stops_and_points_is_exact_on_random_problems():
    from floorplan.routing.tours import _Problem  # noqa: PLC0415 - the search alone

    rng = np.random.default_rng(5)
    for trial in range(24):
        m = int(rng.integers(2, 6))
        has_end = trial % 2 == 0
        sizes = rng.integers(1, 4, size=m + 1 + has_end)
        xy = rng.uniform(0, 50, (int(sizes.sum()), 2))
        dist = np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        groups = [np.arange(bounds[k], bounds[k + 1]) for k in range(len(sizes))]
        steps = [rng.uniform(0, 3, len(g)) for g in groups]
        problem = _Problem.from_matrix(dist, groups, steps, m)
        order, chosen = problem.solve()
        walk = [0, *(k + 1 for k in order)] + ([m + 1] if has_end else [])
        found = _walk_cost(dist, groups, steps, walk, chosen)
        assert problem.cost(order)[0] == pytest.approx(found)
        best = math.inf
        for perm in itertools.permutations(range(1, m + 1)):
            w = [0, *perm] + ([m + 1] if has_end else [])
            for pick in itertools.product(*(range(len(groups[i])) for i in w)):
                best = min(best, _walk_cost(dist, groups, steps, w, list(pick)))
        assert found == pytest.approx(best, rel=1e-12)
        # The local search (used beyond eight stops) finds no better walk.
        local, _ = problem._local_search()
        assert sorted(local) == list(range(m))
        assert problem.cost(local)[0] >= best - 1e-9


def test_the_brute_force_can_fail(catalogue: dict[str, Venue]) -> None:
    # The check compares with the best order: a tour walked in the worst one is longer.
    router = Router(catalogue["tiny_hall"])
    stops = ["H1-A01", "H1-A02", "H1-A03"]
    best, _ = brute_force(router, "K1", stops)
    worst = max(walked(router, "K1", list(p), None) for p in itertools.permutations(stops))
    assert worst > best * (1 + REL)
