"""Find exact shortest walking routes through a venue's aisles, and tours of many stops.

:class:`Router` is the face of routing; the work is done along its seams:

- :mod:`~floorplan.routing.graph`: each hall's walkable area and reduced visibility graph
  (:mod:`~floorplan.routing.visibility`), joined at the doors into one CSR graph, and
  rebuilt one hall at a time after an edit;
- :mod:`~floorplan.routing.places`: what a place id or ``(x, y)`` stands for;
- :mod:`~floorplan.routing.ends`: shortest-path trees and the cached last legs onto
  booths and doors;
- :mod:`~floorplan.routing.legs`: the shortest walk between two places, and walks through
  several joined leg by leg;
- :mod:`~floorplan.routing.tours`: the order of many stops;
- :mod:`~floorplan.routing.directions`: turn-by-turn steps in English and Chinese.

Inside a hall's polygonal domain the router finds the *Euclidean* shortest path: exact, no
raster, no navigation mesh. Why not per-hall all-pairs tables with a door overlay:
measured, a Dijkstra over the whole graph costs well under a millisecond on the bundled
venue and a few milliseconds on the 74,000-booth one (19,500 nodes); the cost of a query
was the geometry around its two ends (visibility tests, building targets), which the
caches and the raster rejection test (``visibility.Raster``) remove. Tables would cost
memory and slow down updates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from floorplan.errors import NoRouteError, OptionError, PlaceError
from floorplan.routing.directions import Step, StepKind
from floorplan.routing.ends import WARM_BOOTHS, EndsCache
from floorplan.routing.graph import WalkGraph
from floorplan.routing.legs import Legs
from floorplan.routing.places import Places
from floorplan.routing.route import Place, Route, Speeds
from floorplan.routing.tours import EXACT_TOUR_STOPS, MAX_TOUR_STOPS, tour, tour_order
from floorplan.venue import Venue

__all__ = [
    "EXACT_TOUR_STOPS",
    "MAX_TOUR_STOPS",
    "WARM_BOOTHS",
    "Place",
    "Route",
    "Router",
    "Speeds",
    "Step",
    "StepKind",
    "tour_order",
]


class Router:
    """Find exact shortest walking routes in a venue.

    Parameters
    ----------
    venue
        The venue (one projected metric CRS).
    clearance_m
        How far a walker keeps from booths, obstacles, walls and door jambs (>= 0).
    speeds
        Walking speeds for durations.

    Raises
    ------
    OptionError
        When ``clearance_m`` is negative or not a number.
    """

    def __init__(
        self, venue: Venue, *, clearance_m: float = 0.5, speeds: Speeds | None = None
    ) -> None:
        if not clearance_m >= 0:
            msg = f"clearance_m must be a number >= 0 (metres), got {clearance_m!r}"
            raise OptionError(msg)
        self.venue = venue
        self.clearance_m = float(clearance_m)
        self.speeds = speeds or Speeds()
        self._graph = WalkGraph(venue, self.clearance_m)
        self._places = Places(self._graph)
        self._ends = EndsCache(self._graph, self._places)
        self._legs = Legs(self._graph, self._places, self._ends, self.speeds)
        self._ends.warm(range(len(self._graph.hall_ids)))

    def update_hall(self, hall_id: str, venue: Venue | None = None) -> None:
        """Rebuild one hall's walkable area and graph after its booths moved.

        Parameters
        ----------
        hall_id
            The hall whose booths or obstacles changed.
        venue
            The edited venue (default: the router's own, edited in place).
        """
        g = self._graph
        if hall_id not in g.hall_index:
            msg = f"unknown hall {hall_id!r}; halls: {', '.join(g.hall_ids)}"
            raise PlaceError(msg)
        if venue is not None:
            self.venue = venue
        k = g.hall_index[hall_id]
        near = g.rebuild_hall(k, self.venue)
        self._places.index()
        if venue is not None:  # a new venue: any place may have changed
            self._places.forget()
            self._ends.forget()
            self._ends.warm(range(len(g.hall_ids)))
            return
        # Ends toward a target use nodes of its hall and of the halls next to it.
        self._places.forget(k)
        self._ends.forget({k})
        self._ends.warm(sorted(near))

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
            Places to pass, in order; each leg is the shortest between its ends, and a leg
            after a booth starts where the walker reached it.
        accessible
            Use only step-free doors and the accessible walking speed.

        Raises
        ------
        PlaceError
            When a place is unknown, inside a booth or obstacle, or outside every hall.
        NoRouteError
            When no walkable route joins two consecutive places.
        """
        return self._legs.walk([origin, *via, destination], accessible)

    def distance_m(self, origin: Place, destination: Place, *, accessible: bool = False) -> float:
        """Return the length of the shortest walk (see :meth:`route`)."""
        return self.route(origin, destination, accessible=accessible).length_m

    def nearest(
        self, origin: Place, candidates: Iterable[Place], *, accessible: bool = False
    ) -> Route:
        """Return the route from ``origin`` to the candidate nearest to walk to.

        Exact, without routing to every candidate: a walk is never shorter than the
        straight gap between the circles that hold everywhere its two ends may be, so the
        candidates are routed to nearest gap first, and the search stops once the next
        gap is no shorter than the best walk found (the nearest of 220 exits of the
        bundled venue costs a handful of routes, not 220). Ties keep the candidate given
        first. Candidates that cannot be walked to are passed over.

        Raises
        ------
        PlaceError
            When ``origin`` is unknown or not walkable, or there are no candidates.
        NoRouteError
            When no candidate can be walked to.
        """
        o_centre, o_radius = self._reach(origin)
        gaps: list[tuple[float, int, Place]] = []
        for k, place in enumerate(dict.fromkeys(candidates)):
            try:
                centre, radius = self._reach(place)
            except (PlaceError, NoRouteError):  # an unknown or unusable place: passed over
                continue
            gap = max(0.0, math.dist(o_centre, centre) - o_radius - radius)
            gaps.append((gap, k, place))
        if not gaps:
            msg = f"no place to look for the nearest of from {origin!r}"
            raise PlaceError(msg)
        gaps.sort(key=lambda g: (g[0], g[1]))
        best: Route | None = None
        for gap, _, place in gaps:
            if best is not None and gap >= best.length_m:
                break
            try:
                route = self.route(origin, place, accessible=accessible)
            except (PlaceError, NoRouteError):
                continue
            if best is None or route.length_m < best.length_m:
                best = route
        if best is None:
            how = " step-free" if accessible else ""
            msg = f"no{how} walkable route from {origin!r} to any of {len(gaps)} places"
            raise NoRouteError(msg)
        return best

    def _reach(self, place: Place) -> tuple[tuple[float, float], float]:
        """Return a circle ``(centre, radius)`` holding every point a route may end at."""
        target = self._places.resolve(place)
        parts = [target.segs.reshape(-1, 2)]
        if target.lead is not None:
            parts.append(np.asarray(target.lead, dtype=float).reshape(1, 2))
        if target.booth is not None:
            parts.append(np.asarray(target.booth.exterior.coords, dtype=float)[:, :2])
        pts = np.concatenate(parts)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        centre = (lo + hi) / 2
        radius = float(np.hypot(*(pts - centre).T).max()) if len(pts) else 0.0
        return (float(centre[0]), float(centre[1])), radius

    def tour(
        self,
        origin: Place,
        stops: Iterable[Place],
        *,
        return_to: Place | None = None,
        accessible: bool = False,
    ) -> Route:
        """Return the shortest walk from ``origin`` through every stop (to ``return_to``).

        Visiting a booth means walking to a point of its reachable edge (its outline grown
        by the clearance, where that is walkable floor), stepping onto the booth and back,
        and leaving from that point: the walk :meth:`route` draws through ``via`` stops.
        The order of the stops and where each is visited are chosen together
        (:mod:`~floorplan.routing.tours`): up to :data:`EXACT_TOUR_STOPS` stops the walk
        is the shortest over every order (Held-Karp over stops and visiting points);
        beyond, up to :data:`MAX_TOUR_STOPS`, nearest neighbour improved by 2-opt and
        Or-opt to a local optimum. The walk returned is the one optimised: its
        ``length_m`` is the length of its line and the sum of its ``legs`` (the routes
        between consecutive places); ``order`` lists the stops as walked.

        Raises
        ------
        PlaceError
            When a place is unknown or not walkable, or there are no stops or more than
            :data:`MAX_TOUR_STOPS`.
        NoRouteError
            When a stop (or ``return_to``) cannot be walked to from ``origin``.
        """
        return tour(self._legs, origin, list(stops), return_to=return_to, accessible=accessible)
