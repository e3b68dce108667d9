"""floorplan: exhibition floor plans, hall navigation, layout planning and capacity.

The core (everything outside :mod:`floorplan.app`) is plain Python on shapely and
geopandas; the Panel pages in :mod:`floorplan.app` are thin views over it. Names are
loaded on first use (PEP 562), so ``import floorplan`` and the command line's ``--help``
stay fast:

>>> import floorplan
>>> "Router" in floorplan.__all__
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Bound now, not lazily: the subpackage of the same name would shadow a lazy function as
# soon as anything imported it. Its __init__ is light (the rules load on first call).
from floorplan.validate import validate

__version__ = "0.1.0"

#: Each public name and the module that defines it.
_WHERE: dict[str, str] = {
    # errors
    "CountError": "floorplan.errors",
    "DrawingError": "floorplan.errors",
    "EditError": "floorplan.errors",
    "ExhibitorListError": "floorplan.errors",
    "ExhibitorMatchError": "floorplan.errors",
    "FloorplanError": "floorplan.errors",
    "FontError": "floorplan.errors",
    "NoRouteError": "floorplan.errors",
    "OptionError": "floorplan.errors",
    "PlaceError": "floorplan.errors",
    "ProfileError": "floorplan.errors",
    "PublishRefusedError": "floorplan.errors",
    "SimUnavailableError": "floorplan.errors",
    "StaleBaseError": "floorplan.errors",
    "StoreError": "floorplan.errors",
    "UserError": "floorplan.errors",
    "VenueError": "floorplan.errors",
    "VenueReadError": "floorplan.errors",
    "WriteError": "floorplan.errors",
    # records
    "Problem": "floorplan.problems",
    "RuleCode": "floorplan.problems",
    "RuleSet": "floorplan.problems",
    "Severity": "floorplan.problems",
    "KioskStatus": "floorplan.versions",
    "Publication": "floorplan.versions",
    "VersionInfo": "floorplan.versions",
    "Zone": "floorplan.schema",
    # venues
    "Venue": "floorplan.venue",
    "bundled_venue_path": "floorplan.venue",
    "load_venue": "floorplan.io",
    "read_venue": "floorplan.io",
    "write_venue": "floorplan.io",
    "generate_venue": "floorplan.generate",
    # bringing a fair in and handing it back
    "import_dxf": "floorplan.io.dxf",
    "export_dxf": "floorplan.io.dxf",
    "import_exhibitors": "floorplan.io.exhibitors",
    # routing and search
    "Route": "floorplan.routing",
    "Router": "floorplan.routing",
    "Speeds": "floorplan.routing",
    "SearchIndex": "floorplan.search",
    # layout planning
    "LayoutEditor": "floorplan.layout",
    "LayoutRules": "floorplan.layout",
    "LayoutStore": "floorplan.io",
    # one rule engine and the publish gate
    "Code": "floorplan.rules",
    "PublishGate": "floorplan.rules",
    "RuleChoice": "floorplan.rules",
    "check_rules": "floorplan.rules",
    "capacity_report": "floorplan.rules",
    # capacity
    "CapacityReport": "floorplan.capacity",
    "HallCapacity": "floorplan.capacity",
    "Profile": "floorplan.capacity",
    "hall_capacity": "floorplan.capacity",
    "load_profile": "floorplan.capacity",
    "totals": "floorplan.capacity",
}

__all__ = [
    "CapacityReport",
    "Code",
    "CountError",
    "DrawingError",
    "EditError",
    "ExhibitorListError",
    "ExhibitorMatchError",
    "FloorplanError",
    "FontError",
    "HallCapacity",
    "KioskStatus",
    "LayoutEditor",
    "LayoutRules",
    "LayoutStore",
    "NoRouteError",
    "OptionError",
    "PlaceError",
    "Problem",
    "Profile",
    "ProfileError",
    "Publication",
    "PublishGate",
    "PublishRefusedError",
    "Route",
    "Router",
    "RuleChoice",
    "RuleCode",
    "RuleSet",
    "SearchIndex",
    "Severity",
    "SimUnavailableError",
    "Speeds",
    "StaleBaseError",
    "StoreError",
    "UserError",
    "Venue",
    "VenueError",
    "VenueReadError",
    "VersionInfo",
    "WriteError",
    "Zone",
    "__version__",
    "bundled_venue_path",
    "capacity_report",
    "check_rules",
    "export_dxf",
    "generate_venue",
    "hall_capacity",
    "import_dxf",
    "import_exhibitors",
    "load_profile",
    "load_venue",
    "read_venue",
    "totals",
    "validate",
    "write_venue",
]


def __getattr__(name: str) -> Any:
    """Import the module behind a public name on first use."""
    where = _WHERE.get(name)
    if where is None:
        msg = f"module 'floorplan' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from floorplan.capacity import (
        CapacityReport,
        HallCapacity,
        Profile,
        hall_capacity,
        load_profile,
        totals,
    )
    from floorplan.errors import (
        CountError,
        DrawingError,
        EditError,
        ExhibitorListError,
        ExhibitorMatchError,
        FloorplanError,
        FontError,
        NoRouteError,
        OptionError,
        PlaceError,
        ProfileError,
        PublishRefusedError,
        SimUnavailableError,
        StaleBaseError,
        StoreError,
        UserError,
        VenueError,
        VenueReadError,
    )
    from floorplan.generate import generate_venue
    from floorplan.io import LayoutStore, load_venue, read_venue, write_venue
    from floorplan.io.dxf import export_dxf, import_dxf
    from floorplan.io.exhibitors import import_exhibitors
    from floorplan.layout import LayoutEditor, LayoutRules
    from floorplan.problems import Problem, RuleCode, RuleSet, Severity
    from floorplan.routing import Route, Router, Speeds
    from floorplan.rules import Code, PublishGate, RuleChoice, capacity_report, check_rules
    from floorplan.schema import Zone
    from floorplan.search import SearchIndex
    from floorplan.venue import Venue, bundled_venue_path
    from floorplan.versions import KioskStatus, Publication, VersionInfo
