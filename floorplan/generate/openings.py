"""Openings: connection doors to the concourse, entrances, and emergency exits along the walls."""

from __future__ import annotations

import itertools
import math
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from floorplan.generate.plan import DOOR_M, Concourse, Hall, Rows, connection_vs
from floorplan.schema import Col, OpeningKind

__all__ = ["place_openings"]


_EXIT_WIDTHS_M = np.array([2.4, 3.0, 3.6, 4.0])


_EXIT_WIDTH_P = np.array([0.1, 0.2, 0.3, 0.4])


# GB 50016 asks for short escape distances (37.5 m with sprinklers): an exit every 20 m
# of wall keeps a 60 m wide hall's middle within reach.
_EXIT_STEP_M = 20.0


_CONCOURSE_DOOR_M = 5.0
#: The concourse's exits onto the roads between halls: one at each end of a road's
#: stretch of wall, on both sides, this wide and this far from the hall's corner. Set at
#: the ends, they reach the concourse in front of a hall's middle; there are as many as
#: its occupant load needs exit width.
_ROAD_EXIT_M = 4.0
_ROAD_EXIT_INSET_M = 1.0


def place_openings(
    rng: np.random.Generator, halls: list[Hall], concourses: list[Concourse]
) -> gpd.GeoDataFrame:
    """Return every hall's and concourse's doors: connections, entrances, emergency exits."""
    rows = Rows((Col.OPENING_ID, Col.HALL_ID, Col.KIND, Col.WIDTH_M, Col.CONNECTS, Col.STEP_FREE))

    def add(line: shapely.LineString, oid: str, hall_id: str, kind: OpeningKind, **kw: Any) -> None:
        width = round(float(shapely.length(line)), 3)
        connects = kw.get("connects", "")
        rows.add(line, oid, hall_id, kind.value, width, connects, kw.get("step_free", True))

    for hall in halls:
        plan = hall.plan
        half = min(DOOR_M, plan.width / 3) / 2
        for k, v in enumerate(connection_vs(hall), start=1):
            # The second door of every third hall has steps; the first never does.
            flat = not (k >= 2 and hall.index % 3 == 2)
            line = hall.line((0.0, v - half), (0.0, v + half))
            add(
                line,
                f"{hall.hall_id}-CN{k}",
                hall.hall_id,
                OpeningKind.CONNECTION,
                connects=hall.concourse,
                step_free=flat,
            )
        ring = plan.ring()
        n_exit = 0
        for (ua, va), (ub, vb) in zip(ring, ring[1:] + ring[:1], strict=True):
            if ua == 0.0 and ub == 0.0:
                continue  # the concourse wall
            length = math.hypot(ub - ua, vb - va)
            far = ua == plan.depth and ub == plan.depth
            n = max(1, round(length / _EXIT_STEP_M))
            if far and hall.entrance:
                n += n % 2  # an even count leaves the middle of the wall to the entrance
                mid_v = va + (vb - va) * 0.5
                line = hall.line((ua, mid_v - half), (ua, mid_v + half))
                add(line, f"{hall.hall_id}-EN1", hall.hall_id, OpeningKind.ENTRANCE)
            for t in ((k + 0.5) / n for k in range(n)):
                w = float(rng.choice(_EXIT_WIDTHS_M, p=_EXIT_WIDTH_P))
                flat = bool(rng.random() >= 0.08)
                ca = (ua + (ub - ua) * t, va + (vb - va) * t)
                du, dv = (ub - ua) / length * w / 2, (vb - va) / length * w / 2
                line = hall.line((ca[0] - du, ca[1] - dv), (ca[0] + du, ca[1] + dv))
                n_exit += 1
                add(
                    line,
                    f"{hall.hall_id}-EX{n_exit:02d}",
                    hall.hall_id,
                    OpeningKind.EMERGENCY_EXIT,
                    step_free=flat,
                )
    for i, c in enumerate(concourses):
        half = _CONCOURSE_DOOR_M / 2
        cw = c.x1 - c.x0
        k = 0
        for y, end in ((c.y0, "S"), (c.y1, "N")):
            for j, frac in enumerate((0.25, 0.75), start=1):
                xm = c.x0 + cw * frac
                line = shapely.LineString([(xm - half, y), (xm + half, y)])
                k += 1
                # One door of the main entrance has steps; its neighbour is step-free.
                flat = not (i == 0 and end == "S" and j == 2)
                add(line, f"{c.hall_id}-EN{k}", c.hall_id, OpeningKind.ENTRANCE, step_free=flat)
        n_exit = 0
        for y0 in _road_exits(c):
            for x in (c.x0, c.x1) if len(c.east_ys) >= 2 * len(c.row_spans) else (c.x0,):
                n_exit += 1
                line = shapely.LineString([(x, y0), (x, y0 + _ROAD_EXIT_M)])
                add(line, f"{c.hall_id}-EX{n_exit:02d}", c.hall_id, OpeningKind.EMERGENCY_EXIT)
    return rows.frame()


def _road_exits(c: Concourse) -> list[float]:
    """Return where (the south end) the concourse's exits in its side walls start.

    At both ends of each road between two rows of halls, and next to the first and the
    last row in the concourse's end halls, so that no stretch of concourse along a hall
    is longer than the hall is wide between exits.
    """
    first, last = c.row_spans[0][0], c.row_spans[-1][1]
    starts = [first - _ROAD_EXIT_INSET_M - _ROAD_EXIT_M]
    for (_, a), (b, _) in itertools.pairwise(c.row_spans):
        starts += [a + _ROAD_EXIT_INSET_M, b - _ROAD_EXIT_INSET_M - _ROAD_EXIT_M]
    starts.append(last + _ROAD_EXIT_INSET_M)
    return starts
