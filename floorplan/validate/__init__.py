"""Check a venue against the format's rules; share the floor primitives with the editor.

:func:`validate` runs every rule of the venue format (:mod:`floorplan.validate.rules`);
:mod:`floorplan.validate.floor` holds what the layout editor's incremental checks share
with it (the walkable floor, the hall lookup and the reachability graph).

This ``__init__`` imports nothing heavy: ``floorplan`` binds :func:`validate` at import
time (a lazy name would be shadowed by this subpackage once something imports it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from floorplan.problems import Problem, RuleCode

if TYPE_CHECKING:
    from floorplan.venue import Venue

__all__ = ["Problem", "RuleCode", "validate"]


def validate(venue: Venue) -> list[Problem]:
    """Return every rule ``venue`` breaks, layer by layer; an empty list means valid.

    The checks: geometry present, of the layer's type, finite, valid and non-empty;
    required properties present; ids unique; zones and kinds known; references to halls
    and places resolve; halls do not overlap; booths inside their hall, overlapping no
    booth or obstacle; doors on their hall's wall (connections on both halls' walls);
    kiosks and amenities inside their hall, kiosks on open floor; every booth reachable
    on foot from an entrance.
    """
    from floorplan.validate import rules  # noqa: PLC0415 - shapely and geopandas on first use

    return rules.validate(venue)
