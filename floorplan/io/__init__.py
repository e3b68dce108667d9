"""Read and write venues and keep the planner's layout versions.

- :mod:`~floorplan.io.files`: :func:`load_venue`, :func:`read_venue`, :func:`write_venue`
  for GeoJSON folders (:mod:`~floorplan.io.geojson`) and GeoPackages
  (:mod:`~floorplan.io.gpkg`);
- :mod:`~floorplan.io.store`: :class:`LayoutStore`, the versioned GeoPackage of layouts.
"""

from __future__ import annotations

from floorplan.io.files import GPKG_SUFFIX, load_venue, read_venue, write_venue
from floorplan.io.store import (
    STORE_ENV,
    LayoutDiff,
    LayoutStore,
    VersionInfo,
    default_store_path,
    diff_venues,
    store_for_venue,
)

__all__ = [
    "GPKG_SUFFIX",
    "STORE_ENV",
    "LayoutDiff",
    "LayoutStore",
    "VersionInfo",
    "default_store_path",
    "diff_venues",
    "load_venue",
    "read_venue",
    "store_for_venue",
    "write_venue",
]
