"""floorplan: exhibition floor plans, hall navigation, layout planning and capacity.

The core (everything outside :mod:`floorplan.app`) is plain Python on shapely and
geopandas; the Panel pages in :mod:`floorplan.app` are thin views over it.
"""

from __future__ import annotations

from floorplan.errors import (
    EditError,
    FloorplanError,
    NoRouteError,
    OptionError,
    PlaceError,
    StaleBaseError,
    StoreError,
    VenueError,
    VenueReadError,
)
from floorplan.generate import generate_venue
from floorplan.io import read_venue, write_venue
from floorplan.layout import LayoutEditor, LayoutRules
from floorplan.schema import Zone
from floorplan.store import LayoutStore
from floorplan.validate import Problem, Rule, validate
from floorplan.venue import Venue, bundled_venue_path, load_venue

__version__ = "0.1.0"

__all__ = [
    "EditError",
    "FloorplanError",
    "LayoutEditor",
    "LayoutRules",
    "LayoutStore",
    "NoRouteError",
    "OptionError",
    "PlaceError",
    "Problem",
    "Rule",
    "StaleBaseError",
    "StoreError",
    "Venue",
    "VenueError",
    "VenueReadError",
    "Zone",
    "__version__",
    "bundled_venue_path",
    "generate_venue",
    "load_venue",
    "read_venue",
    "validate",
    "write_venue",
]
