"""The travel-distance rule, checked live: each hall's distance field to its exits, kept.

Each hall's straight-line distance field lives on the 0.5 m grid of
:mod:`floorplan.capacity.farthest` (hall minus obstacles: booths do not move exits, they
only cover floor), so after an edit only the grid points past the limit are tested against
the new open floor, plus the open floor's boundary, then refined locally as
:func:`floorplan.capacity.farthest.farthest_point` does. That keeps the full 0.5 m grid
live (``benchmarks/bench_layout.py`` measures it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from floorplan import schema as S
from floorplan.capacity import EXIT_KINDS, Measure, farthest
from floorplan.layout._shared import geoms
from floorplan.layout.rules import LayoutRules
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = ["TravelCheck", "TravelField"]


class TravelCheck:
    """Check halls' travel distance against the rules' limit, keeping each hall's field.

    Parameters
    ----------
    rules
        The layout rules (their profile's travel limit).
    """

    def __init__(self, rules: LayoutRules) -> None:
        self.rules = rules
        self.fields: dict[str, TravelField] = {}

    def field(
        self,
        hall: str,
        venue: Venue,
        hall_geom: BaseGeometry,
        *,
        obstacle_ok: np.ndarray,
        openings_ok: np.ndarray,
    ) -> TravelField:
        """Return hall ``hall``'s static distance field (built on first use).

        ``obstacle_ok`` and ``openings_ok`` say which obstacles and openings have usable
        geometry.
        """
        if hall not in self.fields:
            obstacles = venue.obstacles
            mine = (obstacles[Col.HALL_ID].astype(str).to_numpy() == hall) & obstacle_ok
            base = hall_geom
            if mine.any():
                base = shapely.difference(base, shapely.union_all(geoms(obstacles)[mine]))
            ops = venue.openings
            exits = (
                openings_ok
                & (ops[Col.HALL_ID].astype(str).to_numpy() == hall)
                & ops[Col.KIND].astype(str).isin(EXIT_KINDS).to_numpy()
            )
            ends = [shapely.get_coordinates(g)[[0, -1]] for g in geoms(ops)[exits]]
            segs = np.asarray(ends, dtype=float).reshape(-1, 2, 2)
            spacing = farthest.MAX_SPACING_M
            low = self.low(spacing)
            grid = farthest.grid_points(base, spacing) if len(segs) else np.zeros((0, 2))
            grid = grid[_may_exceed(grid, segs, low)]
            dist = _nearest_m(grid, segs)
            keep = dist > low
            order = np.argsort(-dist[keep], kind="stable")
            edge = farthest.boundary_points(base, spacing / 2) if len(segs) else grid[:0]
            edge_d = _nearest_m(edge, segs)
            self.fields[hall] = TravelField(
                base,
                segs,
                ops[Col.OPENING_ID].astype(str).to_numpy()[exits],
                grid[keep][order],
                dist[keep][order],
                edge[edge_d > low],
                edge_d[edge_d > low],
                spacing,
            )
        return self.fields[hall]

    def low(self, spacing_m: float) -> float:
        """Return the distance below which a sample cannot matter to the travel rule.

        Only points past the limit matter, less the grid's reach, so that the local
        refinement can still find a maximum that lies between grid points.
        """
        return self.rules.travel_limit[0] - spacing_m / math.sqrt(2)

    def check(self, hall: str, f: TravelField, booths: np.ndarray) -> Problem | None:
        """Return hall ``hall``'s travel-distance problem, or None when within the limit.

        ``f`` is the hall's field and ``booths`` the geometries of its (usable) booths.
        A hall without an exit of its own is ``no_exit``'s, not this rule's.
        """
        limit_m, measure, name = self.rules.travel_limit
        if len(f.segs) == 0:
            return None  # no_exit says it (floorplan.layout._code)
        floor = f.base
        if len(booths):
            floor = shapely.difference(floor, shapely.union_all(booths))
        if floor.is_empty:
            return None
        shapely.prepare(floor)
        pts, dist, past_m2 = self._samples(floor, f, booths)
        if len(pts) == 0:
            return None
        best_d, best_xy, best_exit = _refine(floor, f.segs, pts, dist, f.spacing_m)
        if best_d <= limit_m:
            return None
        how = "in a straight line"
        if measure is Measure.WALK:
            how = "in a straight line, so at least as far walking"
        return Problem(
            S.HALLS,
            hall,
            RuleCode.TRAVEL_DISTANCE,
            f"hall {hall}: open floor at ({best_xy[0]:.1f}, {best_xy[1]:.1f}) is {best_d:.1f} m "
            f"from the nearest exit ({f.exit_ids[best_exit]}) {how}; the {name} limit is "
            f"{limit_m:g} m; about {past_m2:.0f} m² of floor is past it",
            ids=(hall,),
        )

    def _samples(
        self, floor: BaseGeometry, f: TravelField, booths: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """Return the samples of open floor that may lie past the limit, and more.

        Returned: the samples, their distances to the nearest exit, and the grid's area
        past the limit.
        """
        limit_m = self.rules.travel_limit[0]
        low = self.low(f.spacing_m)
        on_floor = shapely.contains_xy(floor, f.grid[:, 0], f.grid[:, 1])
        grid, gd = f.grid[on_floor], f.dist[on_floor]
        # The open floor's boundary: the hall's walls and obstacles (sampled once) where
        # still open, and the outlines of the booths that may reach past the limit.
        walls = shapely.intersects_xy(floor, f.edge[:, 0], f.edge[:, 1])
        near = booths[_may_exceed_geoms(booths, f.segs, low)]
        rings = shapely.get_rings(near) if len(near) else np.zeros(0, dtype=object)
        edge = shapely.get_coordinates(shapely.segmentize(rings, f.spacing_m / 2))
        ed = _nearest_m(edge, f.segs)
        edge, ed = edge[ed > low], ed[ed > low]
        on_edge = shapely.intersects_xy(floor, edge[:, 0], edge[:, 1])
        pts = np.concatenate([grid, f.edge[walls], edge[on_edge]])
        dist = np.concatenate([gd, f.edge_d[walls], ed[on_edge]])
        past_m2 = float(np.count_nonzero(gd > limit_m)) * f.spacing_m**2
        return pts, dist, past_m2


@dataclass
class TravelField:
    """A hall's floor without booths, its exits, and its grid sorted by distance to them."""

    base: BaseGeometry
    segs: np.ndarray
    exit_ids: np.ndarray
    grid: np.ndarray = field(repr=False)
    dist: np.ndarray = field(repr=False)
    edge: np.ndarray = field(repr=False)
    edge_d: np.ndarray = field(repr=False)
    spacing_m: float


def _may_exceed(
    points: np.ndarray, segs: np.ndarray, low: float, cell_m: float = 4.0
) -> np.ndarray:
    """Return which points may lie farther than ``low`` from every segment.

    The distance is 1-Lipschitz: a point is at most half a cell's diagonal farther than
    the centre of its ``cell_m`` cell, so only the centres need measuring first; this
    cuts the exact measurement (the editor's start-up cost) to the far part of a hall.
    """
    if len(points) == 0 or len(segs) == 0:
        return np.ones(len(points), dtype=bool)
    lo = points.min(axis=0)
    cell = np.floor((points - lo) / cell_m).astype(np.int64)
    nx, ny = cell.max(axis=0) + 1
    cx, cy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    centres = lo + (np.column_stack([cx.ravel(), cy.ravel()]) + 0.5) * cell_m
    centre_d = _nearest_m(centres, segs)
    return np.asarray(centre_d[cell[:, 0] * ny + cell[:, 1]] + cell_m / math.sqrt(2) > low)


def _may_exceed_geoms(geoms: np.ndarray, segs: np.ndarray, low: float) -> np.ndarray:
    """Return which geometries may hold a point farther than ``low`` from every segment."""
    if len(geoms) == 0:
        return np.zeros(0, dtype=bool)
    centres = shapely.get_coordinates(shapely.centroid(geoms))
    radius = shapely.hausdorff_distance(shapely.centroid(geoms), geoms)
    return np.asarray(_nearest_m(centres, segs) + radius > low, dtype=bool)


def _nearest_m(points: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """Return each point's distance to the nearest segment, in batches."""
    out = np.empty(len(points))
    if len(segs) == 0:
        out.fill(np.inf)
        return out
    step = 50_000
    for lo in range(0, len(points), step):
        out[lo : lo + step] = farthest.segment_distances(points[lo : lo + step], segs).min(1)
    return out


def _refine(
    floor: BaseGeometry, segs: np.ndarray, pts: np.ndarray, dist: np.ndarray, spacing_m: float
) -> tuple[float, tuple[float, float], int]:
    """Return the farthest point near the best samples: distance, point, nearest segment.

    The same local search as :func:`floorplan.capacity.farthest.farthest_point` (a grid ten times
    finer around the 24 best distinct samples), on samples the caller has filtered.
    """
    picked: list[int] = []
    # A point beating the best sample lies within half a grid diagonal of a sample no
    # more than that below the best (1-Lipschitz); only those samples need refining.
    top = float(dist.max()) - spacing_m / math.sqrt(2)
    for k in np.argsort(-dist, kind="stable").tolist():
        if dist[k] < top:
            break
        if len(picked) >= 24:
            break
        if all(math.hypot(*(pts[k] - pts[j])) > spacing_m for j in picked):
            picked.append(k)
    fine = spacing_m / 10
    offs = np.arange(-spacing_m, spacing_m + fine / 2, fine)
    ox, oy = np.meshgrid(offs, offs)
    local = np.column_stack([ox.ravel(), oy.ravel()])
    cand = (pts[picked][:, None, :] + local[None, :, :]).reshape(-1, 2)
    cand = cand[shapely.intersects_xy(floor, cand[:, 0], cand[:, 1])]
    allp = np.concatenate([pts[picked], cand])
    d = farthest.segment_distances(allp, segs)
    near = np.argmin(d, axis=1)
    nd = d[np.arange(len(d)), near]
    best = int(np.argmax(nd))
    return float(nd[best]), (float(allp[best, 0]), float(allp[best, 1])), int(near[best])
