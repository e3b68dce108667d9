"""Obstacles: columns on the centre lines of wide aisles, stages and service shafts."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import shapely

from floorplan.generate.plan import Concourse, Hall, Plan, Rows, Style
from floorplan.schema import Col

__all__ = ["place_obstacles"]


_COLUMN_M = 0.8


_COLUMN_STEP_M = 30.0


def _column_spots(plan: Plan, style: Style) -> list[tuple[float, float]]:
    """Return a column grid on the centre lines of the aisles at least 5 m wide."""
    v_gaps = [(a + b) / 2 for a, b, _ in plan.band_gaps if b - a >= 5.0]
    u_gaps = [(a + b) / 2 for a, b, _ in plan.block_gaps if b - a >= 5.0]
    u_all = list(u_gaps)
    for a, b in plan.cols:
        m = max(1, round((b - a) / _COLUMN_STEP_M))
        u_all += [a + (b - a) * k / m for k in range(1, m)]
    v_all = v_gaps + [(a + b) / 2 for a, b in plan.bands]
    spots = {(round(u, 3), round(v, 3)) for u in u_all for v in v_gaps}
    spots |= {(round(u, 3), round(v, 3)) for u in u_gaps for v in v_all}
    if plan.notch is not None:
        nu, nv = plan.notch
        lim_u = plan.depth - nu - style.perimeter_m
        lim_v = plan.width - nv - style.perimeter_m
        spots = {(u, v) for u, v in spots if u < lim_u or v < lim_v}
    return sorted(spots)


def _activity(plan: Plan) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """Return the stage and the service shaft of the reserved block, as u0, v0, u1, v1."""
    if plan.reserved is None:
        return None
    u0, u1, v0, v1, _ = plan.blocks[plan.reserved]
    vc = (v0 + v1) / 2
    half = min(7.0, (v1 - v0) / 2 - 2.0)
    stage = (u1 - 6.0, vc - half, u1, vc + half)
    shaft = (u0, v0, u0 + 3.0, v0 + 2.5)
    return stage, shaft


def place_obstacles(
    halls: list[Hall], concourses: list[Concourse], style: Style
) -> gpd.GeoDataFrame:
    """Return the columns of halls with columns, and every stage and service shaft."""
    rows = Rows((Col.OBSTACLE_ID, Col.KIND, Col.HALL_ID))
    h = _COLUMN_M / 2
    for hall in halls:
        if hall.columns:
            spots = np.asarray(_column_spots(hall.plan, style), dtype=float).reshape(-1, 2)
            rects = np.column_stack(
                [spots[:, 0] - h, spots[:, 1] - h, spots[:, 0] + h, spots[:, 1] + h]
            )
            for k, g in enumerate(hall.boxes(np.round(rects, 3)), start=1):
                rows.add(g, f"{hall.hall_id}-COL{k:03d}", "column", hall.hall_id)
        act = _activity(hall.plan)
        if act is not None:
            stage, shaft = (hall.boxes(np.round(np.array([r]), 3))[0] for r in act)
            rows.add(stage, f"{hall.hall_id}-STG1", "stage", hall.hall_id)
            rows.add(shaft, f"{hall.hall_id}-SVC1", "service", hall.hall_id)
    for c in concourses:
        y_top = c.row_spans[-1][1]
        stage = shapely.box(c.x0, y_top + 5.0, c.x0 + 5.0, c.y1 - 5.0)
        rows.add(stage, f"{c.hall_id}-STG1", "stage", c.hall_id)
        xc = (c.x0 + c.x1) / 2
        for k, ((_, a), (b, _)) in enumerate(itertools.pairwise(c.row_spans), start=1):
            yc = (a + b) / 2
            shaft = shapely.box(xc - 2.0, yc - 2.0, xc + 2.0, yc + 2.0)
            rows.add(shaft, f"{c.hall_id}-SVC{k}", "service", c.hall_id)
    return rows.frame()
