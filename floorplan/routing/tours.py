"""Tours: the order of many stops that makes the shortest walk."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from floorplan.errors import PlaceError
from floorplan.routing.graph import Array
from floorplan.routing.legs import Legs
from floorplan.routing.route import Place, Route

__all__ = ["EXACT_TOUR_STOPS", "MAX_TOUR_STOPS", "tour", "tour_order"]

#: Exact permutation search (Held-Karp) up to this many stops; 2-opt + Or-opt beyond.
EXACT_TOUR_STOPS = 8
MAX_TOUR_STOPS = 20


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
    n = len(places)
    dist = np.zeros((n, n))
    for i, j in itertools.permutations(range(n), 2):
        if i == n - 1 and return_to is not None:
            dist[i, j] = math.inf
            continue
        dist[i, j] = legs.leg(places[i], places[j], accessible).length_m
    end = n - 1 if return_to is not None else None
    order = tour_order(dist, len(stops), end=end)
    seq = [places[k] for k in order]
    if return_to is not None:
        route = legs.walk([origin, *seq, return_to], accessible)
    else:
        route = legs.walk([origin, *seq], accessible)
    route.order = [str(places[k]) for k in order]
    if len(route.legs) == 0:
        route.legs = [route]
    return route


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
