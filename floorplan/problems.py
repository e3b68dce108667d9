"""Name every rule a venue, a layout or a hall can break, and the record of one breach.

This module imports nothing else of floorplan: validation, the layout editor, capacity,
the readers and the error classes all share :class:`Problem` and :class:`RuleCode`.

>>> p = Problem("booths", "A-01", RuleCode.BOOTH_OVERLAP, "booth A-01 overlaps A-02",
...             ids=("A-01", "A-02"))
>>> str(p)
'[booths/A-01] booth_overlap: booth A-01 overlaps A-02'
>>> p.to_dict()["ids"], p.severity
(['A-01', 'A-02'], <Severity.ERROR: 'error'>)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Problem", "RuleCode", "RuleSet", "Severity"]


class RuleSet(StrEnum):
    """The families of rules: the venue format's, a safe floor's, a fire code's, IMDF's."""

    FORMAT = "format"
    FLOOR = "floor"
    CODE = "code"
    IMDF = "imdf"


class Severity(StrEnum):
    """How much a broken rule matters, as the publish gate and the exit codes read it.

    ``error`` blocks publishing a layout (and fails ``floorplan validate``); ``warning``
    fails ``validate`` too, and a layout with one is published only with an explicit
    acknowledgement, stored with the publication; ``info`` is shown and blocks nothing.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def blocks(self) -> bool:
        """Whether a problem of this severity fails a check (an error or a warning)."""
        return self is not Severity.INFO


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
    EXIT_BLOCKED = "exit_blocked"
    DOOR_KEEP_CLEAR = "door_keep_clear"
    KIOSK_KEEP_CLEAR = "kiosk_keep_clear"
    AMENITY_BLOCKED = "amenity_blocked"
    NO_STEP_FREE_ROUTE = "no_step_free_route"
    # Fire-code rules of a hall, under a capacity profile
    NO_EXIT = "no_exit"
    TRAVEL_DISTANCE = "travel_distance"
    EXIT_WIDTH = "exit_width"
    UNREACHABLE_FLOOR = "unreachable_floor"
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
    def severity(self) -> Severity:
        """Return how much breaking this rule matters (the one table that decides it).

        >>> RuleCode.KIOSK_BLOCKED.severity, RuleCode.NARROW_AISLE.severity
        (<Severity.ERROR: 'error'>, <Severity.WARNING: 'warning'>)
        """
        return _SEVERITIES.get(self, Severity.ERROR)

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
    RuleCode.EXIT_BLOCKED: RuleSet.FLOOR,
    RuleCode.DOOR_KEEP_CLEAR: RuleSet.FLOOR,
    RuleCode.KIOSK_KEEP_CLEAR: RuleSet.FLOOR,
    RuleCode.AMENITY_BLOCKED: RuleSet.FLOOR,
    RuleCode.NO_STEP_FREE_ROUTE: RuleSet.FLOOR,
    RuleCode.NO_EXIT: RuleSet.CODE,
    RuleCode.TRAVEL_DISTANCE: RuleSet.CODE,
    RuleCode.EXIT_WIDTH: RuleSet.CODE,
    RuleCode.UNREACHABLE_FLOOR: RuleSet.CODE,
}

#: Every rule not named here is an error: it makes a layout unsafe or unusable (a kiosk
#: that cannot load it, a booth no one reaches, an exit too narrow or too far).
_SEVERITIES: dict[RuleCode, Severity] = {
    # An organiser's guideline: a narrower aisle may be accepted knowingly.
    RuleCode.NARROW_AISLE: Severity.WARNING,
    # A booth near a door but not in front of it (in front of an exit: exit_blocked).
    RuleCode.DOOR_KEEP_CLEAR: Severity.WARNING,
    # Wheelchair users cannot reach a booth: published only when someone says so.
    RuleCode.NO_STEP_FREE_ROUTE: Severity.WARNING,
    # An event at a booth the planner removed: events are not edited in the planner.
    RuleCode.UNKNOWN_PLACE: Severity.WARNING,
    # A booth close to a kiosk's screen: visitors queue there.
    RuleCode.KIOSK_KEEP_CLEAR: Severity.INFO,
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
            "severity": str(self.severity),
            "rule_set": str(self.rule.rule_set),
        }

    @property
    def severity(self) -> Severity:
        """Return how much this problem matters (decided by its rule alone)."""
        return self.rule.severity

    @property
    def sort_key(self) -> tuple[str, tuple[str, ...], str]:
        """Return the order every report lists problems in: by rule, features, message."""
        return (str(self.rule), self.ids or (self.id or "",), self.message)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Return what identifies the problem across checks: rule, feature and features.

        The message is left out: it may quote measured distances, which an acknowledgement
        of the problem must not depend on.
        """
        return (str(self.rule), self.layer, tuple(self.ids or ((self.id,) if self.id else ())))

    def __str__(self) -> str:
        return f"[{self.layer}{'/' + self.id if self.id else ''}] {self.rule}: {self.message}"
