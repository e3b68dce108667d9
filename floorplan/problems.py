"""Name every rule a venue, a layout or a hall can break, and the record of one breach.

This module imports nothing else of floorplan: validation, the layout editor, capacity,
the readers and the error classes all share :class:`Problem` and :class:`RuleCode`.

>>> p = Problem("booths", "A-01", RuleCode.BOOTH_OVERLAP, "booth A-01 overlaps A-02",
...             ids=("A-01", "A-02"))
>>> str(p)
'[booths/A-01] booth_overlap: booth A-01 overlaps A-02'
>>> p.to_dict()["ids"]
['A-01', 'A-02']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Problem", "RuleCode", "RuleSet"]


class RuleSet(StrEnum):
    """The families of rules: the venue format's, a safe floor's, a fire code's, IMDF's."""

    FORMAT = "format"
    FLOOR = "floor"
    CODE = "code"
    IMDF = "imdf"


class RuleCode(StrEnum):
    """Every rule floorplan checks, as reports and JSON name it.

    The venue format's rules (reading, geometry, properties, references, reachability),
    the floor rules the layout editor keeps, and the fire-code rules of a capacity
    profile share this one enum, so one report can mix them.
    """

    # Reading a venue
    NOT_FOUND = "not_found"
    UNKNOWN_FORMAT = "unknown_format"
    UNREADABLE = "unreadable"
    NOT_A_FILE = "not_a_file"
    TOO_DEEP = "too_deep"
    MISSING_LAYER = "missing_layer"
    #: Not a rule: floorplan itself failed (a bug); named so that JSON reports stay whole.
    INTERNAL_ERROR = "internal_error"
    BAD_CRS = "bad_crs"
    UNKNOWN_CRS = "unknown_crs"
    BAD_COORDINATES = "bad_coordinates"
    # Each feature on its own
    MALFORMED_FEATURE = "malformed_feature"
    NULL_GEOMETRY = "null_geometry"
    EMPTY_GEOMETRY = "empty_geometry"
    GEOMETRY_TYPE = "geometry_type"
    NONFINITE_COORDINATES = "nonfinite_coordinates"
    COORDINATE_RANGE = "coordinate_range"
    TOO_MANY_VERTICES = "too_many_vertices"
    INVALID_GEOMETRY = "invalid_geometry"
    MISSING_PROPERTY = "missing_property"
    BAD_VALUE = "bad_value"
    BAD_ID = "bad_id"
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_ZONE = "unknown_zone"
    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_HALL = "unknown_hall"
    EMPTY_LAYER = "empty_layer"
    # Features against each other
    HALL_OVERLAP = "hall_overlap"
    BOOTH_OUTSIDE_HALL = "booth_outside_hall"
    BOOTH_OVERLAP = "booth_overlap"
    OBSTACLE_OVERLAP = "obstacle_overlap"
    OPENING_OFF_BOUNDARY = "opening_off_boundary"
    BAD_CONNECTION = "bad_connection"
    POINT_OUTSIDE_HALL = "point_outside_hall"
    KIOSK_BLOCKED = "kiosk_blocked"
    NO_ENTRANCE = "no_entrance"
    UNREACHABLE_BOOTH = "unreachable_booth"
    UNKNOWN_PLACE = "unknown_place"
    # Floor rules of a layout
    NARROW_AISLE = "narrow_aisle"
    DOOR_KEEP_CLEAR = "door_keep_clear"
    NO_STEP_FREE_ROUTE = "no_step_free_route"
    TRAVEL_DISTANCE = "travel_distance"
    # Fire-code rules of a hall
    NO_EXIT = "no_exit"
    UNREACHABLE_FLOOR = "unreachable_floor"
    TRAVEL_LIMIT = "travel_limit"
    # Structural rules of an IMDF archive (floorplan.io.imdf)
    IMDF_MISSING_FILE = "imdf_missing_file"
    IMDF_MANIFEST = "imdf_manifest"
    IMDF_FEATURE_ID = "imdf_feature_id"
    IMDF_DUPLICATE_ID = "imdf_duplicate_id"
    IMDF_FEATURE_TYPE = "imdf_feature_type"
    IMDF_MISSING_PROPERTY = "imdf_missing_property"
    IMDF_BAD_VALUE = "imdf_bad_value"
    IMDF_GEOMETRY_TYPE = "imdf_geometry_type"
    IMDF_INVALID_GEOMETRY = "imdf_invalid_geometry"
    IMDF_WINDING_ORDER = "imdf_winding_order"
    IMDF_BAD_REFERENCE = "imdf_bad_reference"
    IMDF_LEVEL_ORDINAL = "imdf_level_ordinal"
    IMDF_DISPLAY_POINT = "imdf_display_point"
    IMDF_VENUE_COUNT = "imdf_venue_count"

    @property
    def rule_set(self) -> RuleSet:
        """Return the family this rule belongs to.

        >>> RuleCode.BOOTH_OVERLAP.rule_set, RuleCode.NARROW_AISLE.rule_set
        (<RuleSet.FORMAT: 'format'>, <RuleSet.FLOOR: 'floor'>)
        >>> RuleCode.IMDF_BAD_REFERENCE.rule_set
        <RuleSet.IMDF: 'imdf'>
        """
        if self.value.startswith("imdf_"):
            return RuleSet.IMDF
        return _RULE_SETS.get(self, RuleSet.FORMAT)


_RULE_SETS: dict[RuleCode, RuleSet] = {
    RuleCode.NARROW_AISLE: RuleSet.FLOOR,
    RuleCode.DOOR_KEEP_CLEAR: RuleSet.FLOOR,
    RuleCode.NO_STEP_FREE_ROUTE: RuleSet.FLOOR,
    RuleCode.TRAVEL_DISTANCE: RuleSet.CODE,
    RuleCode.NO_EXIT: RuleSet.CODE,
    RuleCode.UNREACHABLE_FLOOR: RuleSet.CODE,
    RuleCode.TRAVEL_LIMIT: RuleSet.CODE,
}


@dataclass(frozen=True)
class Problem:
    """One broken rule: which layer, which feature, which rule, and what is wrong.

    ``id`` is the feature's id (``None`` for a whole layer or file); ``ids`` lists every
    feature involved (both booths of an overlap), starting with ``id``.
    """

    layer: str
    id: str | None
    rule: RuleCode
    message: str
    ids: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """Return the record as the JSON report has it."""
        return {
            "layer": self.layer,
            "id": self.id,
            "rule": str(self.rule),
            "message": self.message,
            "ids": list(self.ids or ((self.id,) if self.id is not None else ())),
        }

    def __str__(self) -> str:
        return f"[{self.layer}{'/' + self.id if self.id else ''}] {self.rule}: {self.message}"
