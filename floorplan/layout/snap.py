"""Snap a drag of booths to their neighbours' edges, or else to a grid."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from floorplan.layout._shared import finite, geoms
from floorplan.layout.editor import LayoutEditor
from floorplan.schema import Col

__all__ = ["snap_move"]


def snap_move(
    editor: LayoutEditor,
    booth_ids: str | Sequence[str],
    dx_m: float,
    dy_m: float,
    *,
    grid_m: float = 0.5,
    edge_m: float = 0.5,
) -> tuple[float, float]:
    """Return a drag of ``(dx_m, dy_m)`` snapped to neighbours' edges or else the grid.

    The selection's bounding box, moved, snaps each axis to the nearest edge of another
    booth of its hall within ``edge_m`` (to butt booths together or line them up);
    otherwise its lower-left corner snaps to the ``grid_m`` grid.

    Raises
    ------
    EditError
        When a booth is unknown or a distance is not a finite number.
    """
    dx, dy = finite(dx_m, "dx_m"), finite(dy_m, "dy_m")
    grid, edge = finite(grid_m, "grid_m"), finite(edge_m, "edge_m")
    ids = editor._ids(booth_ids)
    booths = editor.venue.booths
    mine = booths[Col.BOOTH_ID].isin(ids).to_numpy()
    halls = set(booths[Col.HALL_ID][mine].astype(str))
    x0, y0, x1, y1 = shapely.total_bounds(geoms(booths)[mine])
    others = geoms(booths)[~mine & booths[Col.HALL_ID].astype(str).isin(halls).to_numpy()]
    moved = shapely.box(x0 + dx, y0 + dy, x1 + dx, y1 + dy)
    near = others[shapely.dwithin(others, moved, max(edge, 0.0) + 1e-9)] if len(others) else others
    bounds = shapely.bounds(near) if len(near) else np.zeros((0, 4))
    out = []
    for delta, lo, hi, cols in ((dx, x0, x1, (0, 2)), (dy, y0, y1, (1, 3))):
        edges = bounds[:, cols].ravel()
        best: tuple[float, float] | None = None  # (distance, snapped delta)
        for start in (lo, hi):
            if len(edges):
                diff = edges - (start + delta)
                k = int(np.argmin(np.abs(diff)))
                if abs(diff[k]) <= edge and (best is None or abs(diff[k]) < best[0]):
                    # edge - start, not delta + diff: exact when the edges line up
                    best = (abs(float(diff[k])), float(edges[k] - start))
        if best is not None:
            out.append(best[1])
        elif grid > 0:
            out.append(float(round((lo + delta) / grid) * grid - lo))
        else:
            out.append(delta)
    return out[0], out[1]
