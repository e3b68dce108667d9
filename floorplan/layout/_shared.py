"""Small helpers the layout modules share."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np

from floorplan.errors import EditError

__all__ = ["finite", "geoms"]


def geoms(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Return a frame's geometries as an object array."""
    return np.asarray(frame.geometry.values, dtype=object)


def finite(value: object, name: str) -> float:
    """Return ``value`` as a float, or raise :class:`EditError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        msg = f"{name} must be a number, got {value!r}"
        raise EditError(msg)
    if not math.isfinite(float(value)):
        msg = f"{name} must be a finite number, got {value!r}"
        raise EditError(msg)
    return float(value)
