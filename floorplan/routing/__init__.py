"""Find the shortest walk between places of a venue, with turn-by-turn directions.

:class:`Router` is the face: it builds a reduced visibility graph per hall
(:mod:`~floorplan.routing.visibility`), joins the halls at their doors
(:mod:`~floorplan.routing.graph`), and answers routes, distances and tours
(:mod:`~floorplan.routing.legs`, :mod:`~floorplan.routing.tours`);
:mod:`~floorplan.routing.directions` turns a path into steps in English or Chinese.
"""

from __future__ import annotations

from floorplan.errors import NoRouteError, PlaceError
from floorplan.routing.directions import Step, StepKind
from floorplan.routing.route import Place, Route, Speeds
from floorplan.routing.router import Router
from floorplan.routing.tours import EXACT_TOUR_STOPS, MAX_TOUR_STOPS, tour_order

__all__ = [
    "EXACT_TOUR_STOPS",
    "MAX_TOUR_STOPS",
    "NoRouteError",
    "Place",
    "PlaceError",
    "Route",
    "Router",
    "Speeds",
    "Step",
    "StepKind",
    "tour_order",
]
