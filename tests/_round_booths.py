"""Venues of many-sided booths in one hall: what made the router's work explode (issue 10).

Every feature keeps the format's rules (a booth has at most 256 coordinates), yet a hall of
fifty round booths of 64 corners has 3,200 corners: building the router once formed every
pair of them (five million) and the booths' last legs (ten million node-segment pairs).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, box

from floorplan.venue import Venue

CRS = "EPSG:32650"


def round_booths(
    n_booths: int,
    corners: int,
    *,
    radius_m: float = 2.0,
    pitch_m: float = 7.0,
    seed: int = 0,
    doors: bool = False,
) -> Venue:
    """Return a hall of ``n_booths`` regular ``corners``-gons on a jittered grid.

    Booths are ``R-000``...; a kiosk ``K1`` stands in a corner, beside the entrance. With
    ``doors`` a second hall (booths ``S-000``...) joins the first through two doors, one of
    them stepped. Every feature keeps the format's rules (``floorplan validate``).
    """
    rng = np.random.default_rng(seed)
    cols = int(np.ceil(np.sqrt(n_booths * 1.5)))
    rows = int(np.ceil(n_booths / cols))
    width, height = cols * pitch_m + 6, rows * pitch_m + 6
    booths = [
        _gon(
            3 + pitch_m / 2 + (k % cols) * pitch_m + rng.uniform(-0.5, 0.5),
            3 + pitch_m / 2 + (k // cols) * pitch_m + rng.uniform(-0.5, 0.5),
            radius_m,
            corners,
            rng.uniform(0, 2 * np.pi / corners),
        )
        for k in range(n_booths)
    ]
    halls = [("R", "Round", box(0, 0, width, height))]
    booth_rows = [(f"R-{k:03d}", "R", g) for k, g in enumerate(booths)]
    entrance = shapely.LineString([(0.5, 0), (2.5, 0)])
    openings: list[tuple[str, str, str, float, str | None, bool, object]] = [
        ("E1", "R", "entrance", 2.0, None, True, entrance)
    ]
    if doors:
        halls.append(("S", "Side", box(width, 0, width + 20, height)))
        for k in range(rows):
            y = 3 + pitch_m / 2 + k * pitch_m
            booth_rows.append((f"S-{k:03d}", "S", _gon(width + 10, y, radius_m, corners, 0.1 * k)))
        for name, y, free in (("D1", height * 0.3, True), ("D2", height * 0.7, False)):
            line = shapely.LineString([(width, y - 1.5), (width, y + 1.5)])
            openings.append((name, "R", "connection", 3.0, "S", free, line))
    return Venue(
        halls=gpd.GeoDataFrame(
            {
                "hall_id": [h for h, _, _ in halls],
                "name": [n for _, n, _ in halls],
                "level": [0] * len(halls),
                "kind": ["hall"] * len(halls),
            },
            geometry=[g for _, _, g in halls],
            crs=CRS,
        ),
        booths=gpd.GeoDataFrame(
            {
                "booth_id": [b for b, _, _ in booth_rows],
                "hall_id": [h for _, h, _ in booth_rows],
                "zone": ["digital"] * len(booth_rows),
                "exhibitor": [""] * len(booth_rows),
            },
            geometry=[g for _, _, g in booth_rows],
            crs=CRS,
        ),
        openings=gpd.GeoDataFrame(
            {
                "opening_id": [o[0] for o in openings],
                "hall_id": [o[1] for o in openings],
                "kind": [o[2] for o in openings],
                "width_m": [o[3] for o in openings],
                "connects": [o[4] for o in openings],
                "step_free": [o[5] for o in openings],
            },
            geometry=[o[6] for o in openings],
            crs=CRS,
        ),
        obstacles=gpd.GeoDataFrame(
            {"obstacle_id": [], "kind": [], "hall_id": []}, geometry=[], crs=CRS
        ),
        kiosks=gpd.GeoDataFrame(
            {"kiosk_id": ["K1"], "hall_id": ["R"], "heading_deg": [0.0]},
            geometry=[Point(1, 1)],
            crs=CRS,
        ),
        amenities=gpd.GeoDataFrame(
            {"amenity_id": [], "kind": [], "hall_id": []}, geometry=[], crs=CRS
        ),
        events=pd.DataFrame(columns=["event_id", "title", "starts", "ends", "where"]),
    )


def _gon(cx: float, cy: float, r: float, corners: int, phase: float) -> shapely.Polygon:
    t = phase + np.linspace(0, 2 * np.pi, corners, endpoint=False)
    return shapely.Polygon(np.c_[cx + r * np.cos(t), cy + r * np.sin(t)])
