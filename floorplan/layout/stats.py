"""Counts and areas of a layout: booths sold and unsold, net and gross area, per zone."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from floorplan import schema as S
from floorplan.layout._shared import geoms
from floorplan.schema import Col, Zone
from floorplan.venue import Venue

__all__ = ["LayoutStats", "layout_stats"]


@dataclass(frozen=True)
class LayoutStats:
    """Counts and areas of a layout, whole and per zone.

    Attributes
    ----------
    booths, sold, unsold
        Booth counts (sold: with an exhibitor).
    sold_m2, unsold_m2
        Booth area sold and not sold.
    net_m2, gross_m2
        Booth area (net exhibition area) and the floor of the exhibition halls (gross,
        concourses left out).
    zones
        Per zone: ``{"booths", "sold", "sold_m2", "unsold_m2"}``.
    """

    booths: int
    sold: int
    unsold: int
    sold_m2: float
    unsold_m2: float
    net_m2: float
    gross_m2: float
    zones: dict[str, dict[str, float]]

    @property
    def net_share(self) -> float:
        """Return net over gross area (0 for a venue without hall floor)."""
        return self.net_m2 / self.gross_m2 if self.gross_m2 > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the stats as JSON reports have them."""
        return {**dataclasses.asdict(self), "net_share": round(self.net_share, 4)}


def layout_stats(venue: Venue) -> LayoutStats:
    """Return booth counts and sold, unsold, net and gross areas of ``venue``."""
    booths = venue.booths
    area = shapely.area(geoms(booths)).astype(float) if len(booths) else np.zeros(0)
    area = np.nan_to_num(area)
    exhibitor = booths[Col.EXHIBITOR].to_numpy()
    sold = np.array([isinstance(e, str) and bool(e.strip()) for e in exhibitor], dtype=bool)
    halls = venue.halls
    is_hall = (halls[Col.KIND].astype(str) == S.HallKind.HALL.value).to_numpy()
    gross = float(np.nansum(shapely.area(geoms(halls)[is_hall]))) if len(halls) else 0.0
    zones: dict[str, dict[str, float]] = {}
    zone_of = booths[Col.ZONE].astype(str).to_numpy()
    for z in [*(m.value for m in Zone), *sorted(set(zone_of) - {m.value for m in Zone})]:
        mask = zone_of == z
        if not mask.any():
            continue
        zones[z] = {
            "booths": int(mask.sum()),
            "sold": int((mask & sold).sum()),
            "sold_m2": round(float(area[mask & sold].sum()), 2),
            "unsold_m2": round(float(area[mask & ~sold].sum()), 2),
        }
    return LayoutStats(
        booths=len(booths),
        sold=int(sold.sum()),
        unsold=int((~sold).sum()),
        sold_m2=round(float(area[sold].sum()), 2),
        unsold_m2=round(float(area[~sold].sum()), 2),
        net_m2=round(float(area.sum()), 2),
        gross_m2=round(gross, 2),
        zones=zones,
    )
