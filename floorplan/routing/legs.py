"""Legs: the shortest walk between two places, drawn as a :class:`Route`; and legs joined.

A leg from a point walks its shortest-path tree to the target's best end
(:class:`~floorplan.routing.ends.EndsCache`). Between two booths (or doors) the walk is
the shortest from boundary to boundary: one Dijkstra from all of the origin's ends at once.
A booth or door as origin with a point as destination is walked backwards and turned round.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from floorplan.errors import NoRouteError
from floorplan.routing.directions import Crossing, make_steps
from floorplan.routing.ends import EndsCache, Tree, feet
from floorplan.routing.graph import Array, WalkGraph
from floorplan.routing.places import Places, Target
from floorplan.routing.route import Place, Route, Speeds

__all__ = ["Legs"]


class Legs:
    """Draw legs and walks through several places.

    Parameters
    ----------
    graph, places, ends
        The walking graph, its places and the ends cache.
    speeds
        Walking speeds for durations.
    """

    def __init__(self, graph: WalkGraph, places: Places, ends: EndsCache, speeds: Speeds) -> None:
        self.graph = graph
        self.places = places
        self.ends = ends
        self.speeds = speeds

    def walk(self, places: Sequence[Place], accessible: bool) -> Route:
        """Return the walk through ``places`` in order, each leg the shortest between its ends.

        Each leg after a booth starts where the previous one reached it: the walker steps
        back off the booth's boundary to the walkable point beside it, and that step is the
        first bit of the next leg, so that the legs add up to the whole.
        """
        legs: list[Route] = []
        start: Place = places[0]
        for nxt in places[1:]:
            leg = self.leg(start, nxt, accessible)
            if legs and math.dist(legs[-1].coords[-1], leg.coords[0]) > 1e-9:
                leg.coords.insert(0, legs[-1].coords[-1])
                leg.length_m += math.dist(leg.coords[0], leg.coords[1])
                leg.duration_s = leg.length_m / self.speeds.of(accessible)
            legs.append(leg)
            start = self._leg_start(nxt, leg)
        if len(legs) == 1:
            return legs[0]
        return self.join(legs, str(places[0]), str(places[-1]), accessible)

    def _leg_start(self, place: Place, leg: Route) -> Place:
        """Return where the leg after ``leg`` starts: beside the booth just reached."""
        if self.places.is_booth(place):
            k = -2 if self.graph.clearance_m > 0 and len(leg.coords) >= 2 else -1
            return leg.coords[k]
        return place

    def join(self, legs: list[Route], origin: str, destination: str, accessible: bool) -> Route:
        """Return one route made of consecutive legs (kept as its ``legs``)."""
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
        speed = self.speeds.of(accessible)
        return Route(
            length, length / speed, coords, halls, steps, origin, destination, accessible, legs
        )

    def leg(self, origin: Place, destination: Place, accessible: bool) -> Route:
        """Return the shortest walk from one place to another."""
        o = self.places.resolve(origin)
        t = self.places.resolve(destination)
        if not o.is_point:
            # A booth or door as origin: walk the reverse way from a point destination
            # and turn round.
            if t.is_point:
                back = self._from_point(destination, t, origin, o, accessible)
                return self._reversed(back, str(origin), str(destination), o, t)
            # Between two booths (or doors), both are ids: see _between.
            return self._between(str(origin), o, str(destination), t, accessible)
        return self._from_point(origin, o, destination, t, accessible)

    def _between(
        self, origin: str, o: Target, destination: str, t: Target, accessible: bool
    ) -> Route:
        """Return the shortest walk between two booths (or doors): boundary to boundary.

        Exact over both boundaries: one Dijkstra from all the origin's last legs (its
        cached ends, read backwards) at once, then the destination's ends; and the
        straight walks between the two, tried only when shorter.
        """
        g = self.graph
        eo, et = self.ends.ends_of(origin, o), self.ends.ends_of(destination, t)
        keep = ~g.stepped[eo.door] if accessible else np.ones(len(eo.leg), dtype=bool)
        glob_o = (g.offset[eo.hall] + eo.local)[keep]
        dist, pred = g.dijkstra(glob_o, eo.leg[keep], accessible)
        best: tuple[float, int, Array, Array] | None = None
        if len(et.leg):
            glob_t = g.offset[et.hall] + et.local
            total = dist[glob_t] + et.leg
            if accessible:
                total[g.stepped[et.door]] = np.inf
            k = int(np.argmin(total))
            if np.isfinite(total[k]):
                first = g.path(pred, int(glob_t[k]))[0]
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
            for k in g.path(pred, last):
                pts.append(g.xy[k])
                halls.append(int(g.node_hall[k]))
        pts.append(end)
        halls.append(t.hall)
        on_o, on_t = o.onto(start), t.onto(end)
        if on_o is not None:
            pts.insert(0, on_o)
            halls.insert(0, o.hall)
        if on_t is not None:
            pts.append(on_t)
            halls.append(t.hall)
        return self.finish(
            pts, halls, ends=(o, t), names=(origin, destination), accessible=accessible
        )

    def _direct(
        self, o: Target, t: Target, accessible: bool, limit: float
    ) -> tuple[float, Array, Array] | None:
        """Return the shortest straight walk between two sets of segments under ``limit``.

        The closest points of two segments include an end of one of them, so the
        candidates are every segment end of one side with its nearest point on the other.
        """
        g = self.graph
        if o.hall != t.hall and o.hall not in [h for _, h in g.doors_of(t.hall, accessible)]:
            return None
        pa = o.segs.reshape(-1, 2)
        pb = t.segs.reshape(-1, 2)
        if len(pa) == 0 or len(pb) == 0:
            return None
        fa = feet(pa, t.segs).reshape(-1, 2)  # ends of o onto t
        fb = feet(pb, o.segs).reshape(-1, 2)  # ends of t onto o
        src = np.concatenate([np.repeat(pa, len(t.segs), axis=0), fb])
        dst = np.concatenate([fa, np.repeat(pb, len(o.segs), axis=0)])
        length = np.hypot(*(dst - src).T)
        order = np.argsort(length)
        order = order[length[order] < limit]
        if len(order) == 0:
            return None
        ok = g.visible(src[order], dst[order], o.hall, t.hall, accessible)
        if not ok.any():
            return None
        j = int(order[int(np.argmax(ok))])
        return float(length[j]), src[j], dst[j]

    def _from_point(
        self, origin: Place, o: Target, destination: Place, t: Target, accessible: bool
    ) -> Route:
        """Return the shortest walk from a point place to any place."""
        tree = self.ends.origin_tree(origin, o, accessible)
        if isinstance(destination, str) and not t.is_point:
            best = self.ends.best_end_cached(tree, t, self.ends.ends_of(destination, t), accessible)
        else:
            best = self.ends.best_end(tree, t, accessible)
        if best is None:
            how = " step-free" if accessible else ""
            msg = (
                f"no{how} walkable route from {o.label} to {t.label} "
                f"(clearance {self.graph.clearance_m:g} m)"
            )
            raise NoRouteError(msg)
        _, last, end = best
        pts, halls = self.tree_path(tree, last, end, t.hall)
        if o.lead is not None:
            pts.insert(0, o.lead)
            halls.insert(0, o.hall)
        if t.lead is not None:
            pts.append(t.lead)
            halls.append(t.hall)
        on = t.onto(end)
        if on is not None:
            pts.append(on)
            halls.append(t.hall)
        names = (str(origin), str(destination))
        return self.finish(pts, halls, ends=(o, t), names=names, accessible=accessible)

    def tree_path(
        self, tree: Tree, last: int, end: Array, end_hall: int
    ) -> tuple[list[Array], list[int]]:
        """Return the points and their halls from a tree's origin through ``last`` to ``end``."""
        g = self.graph
        pts = [tree.origin]
        halls = [tree.hall]
        for k in g.path(tree.pred, last) if last >= 0 else []:
            pts.append(g.xy[k])
            halls.append(int(g.node_hall[k]))
        pts.append(end)
        halls.append(end_hall)
        return pts, halls

    def finish(
        self,
        pts: list[Array],
        halls: list[int],
        *,
        ends: tuple[Target, Target],
        names: tuple[str, str],
        accessible: bool,
    ) -> Route:
        """Return the route along ``pts`` (each in its hall), with the doors and steps.

        ``ends`` are the origin's and destination's targets (for the steps' names),
        ``names`` the places as given.
        """
        g = self.graph
        o, t = ends
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
                cross = g.crossing(pts[k - 1], p, halls[k - 1], h, accessible)
                if cross is not None:
                    d, x = cross
                    xy = (float(x[0]), float(x[1]))
                    if not coords or math.dist(coords[-1], xy) > 1e-9:
                        coords.append(xy)
                    en, zh = self.places.hall_words[h]
                    crossings.append(Crossing(len(coords) - 1, d, g.hall_ids[h], en, zh))
            pt = (float(p[0]), float(p[1]))
            if not coords or math.dist(coords[-1], pt) > 1e-9:
                coords.append(pt)
            if not hall_seq or hall_seq[-1] != g.hall_ids[h]:
                hall_seq.append(g.hall_ids[h])
        if len(coords) == 1:
            coords.append(coords[0])
        arr = np.asarray(coords)
        length = float(np.hypot(*np.diff(arr, axis=0).T).sum())
        steps = make_steps(
            coords,
            crossings,
            self.places.landmark_at,
            origin=o.says,
            destination=t.says,
        )
        origin, destination = names
        return Route(
            length,
            length / self.speeds.of(accessible),
            coords,
            hall_seq,
            steps,
            origin,
            destination,
            accessible,
        )

    def _reversed(self, back: Route, origin: str, destination: str, o: Target, t: Target) -> Route:
        coords = back.coords[::-1]
        pts = [np.asarray(c) for c in coords]
        halls = [self.graph.hall_of_point(p, o.hall) for p in pts]
        return self.finish(
            pts, halls, ends=(o, t), names=(origin, destination), accessible=back.accessible
        )
