"""Prepare a venue's frames for writing, the same way for every container."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from floorplan import schema as S
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = ["events_for_writing", "geometry_type", "meta_json"]


def geometry_type(layer: str, frame: gpd.GeoDataFrame) -> str:
    """Return the layer's geometry type to declare, ``Unknown`` when it holds others too."""
    declared = S.LAYER_GEOMETRY[layer]
    types = set(shapely.get_type_id(frame.geometry.values[~frame.geometry.isna()]).tolist())
    expected = {shapely.GeometryType[declared.upper()].value}
    return declared if types <= expected else "Unknown"


def events_for_writing(events: pd.DataFrame) -> pd.DataFrame:
    """Return the events with ISO 8601 text times (empty where a time is missing)."""
    out = events.copy()
    for col in (Col.STARTS, Col.ENDS):
        out[col] = ["" if pd.isna(v) else pd.Timestamp(v).isoformat() for v in events[col]]
    return out.fillna("")


def meta_json(venue: Venue) -> str:
    """Return ``venue.json``'s text: name, CRS, dates and any other keys the source had."""
    meta: dict[str, Any] = dict(venue.meta)
    meta.update({"name": venue.name, "crs": venue.crs.to_string(), "dates": list(venue.dates)})
    return json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True)
