"""Geometry steps of a drawing import: close line soups into faces, find twins and groups.

>>> from shapely.geometry import LineString
>>> square = [LineString([(0, 0), (3, 0)]), LineString([(3, 0), (3, 3)]),
...           LineString([(3, 3), (0, 3)]), LineString([(0, 3), (0, 0.015)])]
>>> faces = close_linework(square, snap_m=0.02)
>>> len(faces.polygons), faces.gaps_closed, round(faces.polygons[0].area, 3)
(1, 1, 9.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import shapely
from shapely.geometry import LineString

__all__ = ["Faces", "close_linework", "thickness_m", "twins_and_groups"]

#: Two outlines sharing this share of the larger one's area are the same outline drawn
#: twice (a polyline and its hatch); sharing it of the smaller one's, one holds the other.
SAME_SHARE: Final = 0.99
#: The grid (1 µm) line work is snapped to before it is noded.
GRID_M: Final = 1e-6


@dataclass
class Faces:
    """Faces closed from line work, with what closing them took.

    ``dangling`` are pieces of line that close nothing (open outlines), for the report.
    """

    polygons: list[Any] = field(default_factory=list)
    gaps_closed: int = 0
    largest_gap_m: float = 0.0
    dangling: list[Any] = field(default_factory=list)


def close_linework(lines: Sequence[Any], *, snap_m: float) -> Faces:
    """Return the faces that ``lines`` enclose once gaps up to ``snap_m`` are bridged.

    Each line end that touches no other line but comes within ``snap_m`` of one is joined
    to that line's nearest point by a short connector; then the lines are noded (their
    union) and polygonised with shapely.
    """
    if not lines:
        return Faces()
    # Ends that CAD meant to coincide often differ in the 15th digit; on a micrometre grid
    # they meet, and the noding below cannot leave hair-thin gaps between them.
    geoms = shapely.set_precision(np.asarray(lines, dtype=object), GRID_M)
    geoms = geoms[~shapely.is_empty(geoms)]
    if len(geoms) == 0:
        return Faces()
    starts = shapely.get_point(geoms, 0)
    ends = shapely.get_point(geoms, -1)
    tips = np.concatenate([starts, ends])
    owner = np.concatenate([np.arange(len(geoms)), np.arange(len(geoms))])
    tree = shapely.STRtree(geoms)
    ti, li = tree.query(tips, predicate="dwithin", distance=snap_m)
    other = owner[ti] != li
    ti, li = ti[other], li[other]
    dist = shapely.distance(tips[ti], geoms[li])
    touching = np.zeros(len(tips), dtype=bool)
    touching[ti[dist <= 1e-9]] = True
    # A line's own other end (a closed ring drawn as one open polyline) also counts.
    touching |= np.concatenate([shapely.equals(starts, ends)] * 2)
    connectors: list[Any] = []
    largest = 0.0
    # An outline drawn as one open polyline whose ends almost meet closes on itself.
    gap = shapely.distance(starts, ends)
    own = (gap > 1e-9) & (gap <= snap_m) & (shapely.length(geoms) > 3 * snap_m)
    for k in np.flatnonzero(own).tolist():
        connectors.append(LineString([starts[k], ends[k]]))
        touching[k] = touching[k + len(geoms)] = True
        largest = max(largest, float(gap[k]))
    order = np.lexsort((dist, ti))
    seen: set[int] = set()
    links: set[tuple[tuple[float, ...], ...]] = set()
    for k in order.tolist():
        t = int(ti[k])
        if touching[t] or t in seen:
            continue
        seen.add(t)
        link = shapely.shortest_line(tips[t], geoms[li[k]])
        # Two ends facing each other across one gap each make the same link: count it once.
        key = tuple(sorted(tuple(np.round(c, 9)) for c in shapely.get_coordinates(link)))
        if key in links:
            continue
        links.add(key)
        connectors.append(link)
        largest = max(largest, float(dist[k]))
    everything = np.concatenate([geoms, np.asarray(connectors, dtype=object)])
    noded = shapely.union_all(everything, grid_size=GRID_M)
    polys, _cuts, dangles, _invalid = shapely.polygonize_full([noded])
    faces = [p for p in shapely.get_parts(polys) if p.area > 0]
    return Faces(
        polygons=faces,
        gaps_closed=len(connectors),
        largest_gap_m=largest,
        dangling=list(shapely.get_parts(dangles)),
    )


def thickness_m(geoms: Any) -> np.ndarray:
    """Return each polygon's mean thickness, ``2 · area / perimeter`` (a wall's width)."""
    area = shapely.area(geoms)
    length = shapely.length(geoms)
    return np.where(length > 0, 2 * area / np.maximum(length, 1e-12), 0.0)


def twins_and_groups(geoms: Sequence[Any]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Find outlines drawn twice and outlines around others.

    Returns
    -------
    twins
        ``{dropped: kept}``: a later outline that is the same as an earlier one.
    groups
        ``{outer: [inner, ...]}``: an outline that holds other (kept) outlines.
    """
    arr = np.asarray(geoms, dtype=object)
    if len(arr) < 2:
        return {}, {}
    tree = shapely.STRtree(arr)
    i, j = tree.query(arr, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if len(i) == 0:
        return {}, {}
    common = shapely.area(shapely.intersection(arr[i], arr[j]))
    ai, aj = shapely.area(arr[i]), shapely.area(arr[j])
    big, small = np.maximum(ai, aj), np.minimum(ai, aj)
    twins: dict[int, int] = {}
    same = common >= SAME_SHARE * big
    for a, b in zip(i[same].tolist(), j[same].tolist(), strict=True):
        twins.setdefault(b, twins.get(a, a))
    groups: dict[int, list[int]] = {}
    held = (common >= SAME_SHARE * small) & ~same & (small > 0)
    for a, b, sa, sb in zip(
        i[held].tolist(), j[held].tolist(), ai[held].tolist(), aj[held].tolist(), strict=True
    ):
        outer, inner = (a, b) if sa > sb else (b, a)
        if outer not in twins and inner not in twins:
            groups.setdefault(outer, []).append(inner)
    return twins, groups
