"""Draw a venue's layers onto a page through a :class:`~floorplan.render.paper.MapFrame`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path as MplPath

from floorplan.render.page import INK, Page
from floorplan.render.paper import MapFrame
from floorplan.schema import OpeningKind, Zone

__all__ = [
    "DOOR_COLOURS",
    "ZONE_COLOURS",
    "draw_doors",
    "draw_polygons",
    "geoms_mm",
    "paths_mm",
    "points_mm",
]

#: Zone fills: light tints that keep black type readable (print-safe).
ZONE_COLOURS: Final[dict[str, str]] = {
    Zone.AUTOMOBILE.value: "#b9cce3",
    Zone.AGRICULTURE.value: "#c4e0b7",
    Zone.ENERGY.value: "#f7e0a3",
    Zone.DIGITAL.value: "#dcc6e0",
    Zone.HEALTH.value: "#f4bfc0",
    Zone.SERVICES.value: "#c3e3e0",
}
OTHER_ZONE = "#dddddd"
DOOR_COLOURS: Final[dict[str, str]] = {
    OpeningKind.ENTRANCE.value: "#1a7f3c",
    OpeningKind.EXIT.value: "#1a7f3c",
    OpeningKind.EMERGENCY_EXIT.value: "#008c4a",
    OpeningKind.CONNECTION.value: "#2166ac",
}
HALL_FILL = "#f6f4ef"
OBSTACLE_FILL = "#3a3a3a"


def geoms_mm(geoms: Sequence[Any] | np.ndarray, frame: MapFrame) -> np.ndarray:
    """Return shapely geometries turned into paper millimetres."""
    arr = np.asarray(geoms, dtype=object)
    if arr.size == 0:
        return arr
    return np.asarray(shapely.transform(arr, frame.to_mm), dtype=object)


def points_mm(geoms: Sequence[Any] | np.ndarray, frame: MapFrame) -> np.ndarray:
    """Return points' (x, y) in paper millimetres, shape (n, 2)."""
    arr = np.asarray(geoms, dtype=object)
    if arr.size == 0:
        return np.zeros((0, 2))
    return frame.to_mm(shapely.get_coordinates(arr))


def _ring_path(coords: np.ndarray) -> tuple[list[Any], list[int]]:
    verts = [*coords[:-1].tolist(), coords[0].tolist()]
    codes = [int(MplPath.MOVETO)] + [int(MplPath.LINETO)] * (len(coords) - 2)
    codes.append(int(MplPath.CLOSEPOLY))
    return verts, codes


def paths_mm(geoms_in_mm: Sequence[Any] | np.ndarray) -> list[MplPath]:
    """Return matplotlib paths (holes included) of polygons already in millimetres."""
    out = []
    for geom in geoms_in_mm:
        verts: list[Any] = []
        codes: list[int] = []
        for poly in shapely.get_parts(geom):
            if poly.geom_type != "Polygon":
                continue
            for ring in (poly.exterior, *poly.interiors):
                v, c = _ring_path(np.asarray(ring.coords))
                verts += v
                codes += c
        out.append(MplPath(np.asarray(verts, dtype=float).reshape(-1, 2), codes))
    return out


def draw_polygons(
    page: Page,
    geoms_in_mm: Sequence[Any] | np.ndarray,
    *,
    facecolors: Sequence[str] | str,
    edgecolor: str = INK,
    linewidth_mm: float = 0.2,
    zorder: int = 2,
    hatch: str | None = None,
    gid: str | None = None,
) -> None:
    """Draw polygons (already in mm) as one collection."""
    if len(geoms_in_mm) == 0:
        return
    coll = PathCollection(
        paths_mm(geoms_in_mm),
        facecolors=facecolors,
        edgecolors=edgecolor,
        linewidths=linewidth_mm / 0.3528,
        zorder=zorder,
    )
    if hatch:
        coll.set_hatch(hatch)
    if gid:
        coll.set_gid(gid)
    page.ax.add_collection(coll)


def draw_doors(
    page: Page, lines_mm: Sequence[Any] | np.ndarray, kinds: Sequence[str], *, width_mm: float
) -> None:
    """Draw doors as thick strokes coloured by kind."""
    if len(lines_mm) == 0:
        return
    segs = [np.asarray(g.coords) for g in lines_mm]
    colours = [DOOR_COLOURS.get(k, INK) for k in kinds]
    page.ax.add_collection(
        LineCollection(
            segs, colors=colours, linewidths=width_mm / 0.3528, capstyle="butt", zorder=5
        )
    )
