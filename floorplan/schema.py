"""Name the layers, columns, kinds and defaults of the venue format in one place.

Every loader, writer, validator and view refers to these constants rather than to
string literals, so that a renamed column is renamed once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final, TypeVar

from floorplan.errors import OptionError

__all__ = [
    "AMENITIES",
    "BOOTHS",
    "EVENTS",
    "GEOMETRY",
    "HALLS",
    "KIOSKS",
    "LAYERS",
    "LAYER_GEOMETRY",
    "LAYER_ID",
    "OBSTACLES",
    "OPENINGS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "REQUIRED_LAYERS",
    "AmenityKind",
    "Col",
    "HallKind",
    "OpeningKind",
    "Zone",
    "parse_option",
]

HALLS: Final = "halls"
BOOTHS: Final = "booths"
OPENINGS: Final = "openings"
OBSTACLES: Final = "obstacles"
KIOSKS: Final = "kiosks"
AMENITIES: Final = "amenities"
EVENTS: Final = "events"

#: The spatial layers, in the order they are read, written and reported.
LAYERS: Final[tuple[str, ...]] = (HALLS, BOOTHS, OPENINGS, OBSTACLES, KIOSKS, AMENITIES)
#: A venue without these cannot be read at all.
REQUIRED_LAYERS: Final[tuple[str, ...]] = (HALLS, BOOTHS)
GEOMETRY: Final = "geometry"


class Col:
    """Column (property) names of the venue format."""

    HALL_ID: Final = "hall_id"
    NAME: Final = "name"
    NAME_ZH: Final = "name_zh"
    LEVEL: Final = "level"
    KIND: Final = "kind"
    BOOTH_ID: Final = "booth_id"
    ZONE: Final = "zone"
    EXHIBITOR: Final = "exhibitor"
    EXHIBITOR_ZH: Final = "exhibitor_zh"
    COUNTRY: Final = "country"
    PRODUCTS: Final = "products"
    PRODUCTS_ZH: Final = "products_zh"
    WEBSITE: Final = "website"
    DESCRIPTION: Final = "description"
    OPEN_SIDES: Final = "open_sides"
    OPENING_ID: Final = "opening_id"
    WIDTH_M: Final = "width_m"
    CONNECTS: Final = "connects"
    STEP_FREE: Final = "step_free"
    ACCESSIBLE: Final = "accessible"
    OBSTACLE_ID: Final = "obstacle_id"
    KIOSK_ID: Final = "kiosk_id"
    HEADING_DEG: Final = "heading_deg"
    AMENITY_ID: Final = "amenity_id"
    EVENT_ID: Final = "event_id"
    TITLE: Final = "title"
    TITLE_ZH: Final = "title_zh"
    STARTS: Final = "starts"
    ENDS: Final = "ends"
    WHERE: Final = "where"


class Zone(StrEnum):
    """The six chain zones of the fair; every booth belongs to exactly one."""

    AUTOMOBILE = "automobile"
    AGRICULTURE = "agriculture"
    ENERGY = "energy"
    DIGITAL = "digital"
    HEALTH = "health"
    SERVICES = "services"


class HallKind(StrEnum):
    """What a hall polygon is: an exhibition hall or a concourse joining halls."""

    HALL = "hall"
    CONCOURSE = "concourse"


class OpeningKind(StrEnum):
    """What a door in a hall wall is for."""

    ENTRANCE = "entrance"
    EXIT = "exit"
    EMERGENCY_EXIT = "emergency_exit"
    CONNECTION = "connection"


class AmenityKind(StrEnum):
    """Amenity kinds the product knows icons and words for (others are allowed)."""

    RESTROOM = "restroom"
    CAFE = "cafe"
    INFO = "info"
    FIRST_AID = "first_aid"
    STAGE = "stage"
    MEETING_ROOM = "meeting_room"
    PRAYER_ROOM = "prayer_room"
    CLOAKROOM = "cloakroom"


#: The id column of each layer (obstacles' id is optional in the format).
LAYER_ID: Final[dict[str, str]] = {
    HALLS: Col.HALL_ID,
    BOOTHS: Col.BOOTH_ID,
    OPENINGS: Col.OPENING_ID,
    OBSTACLES: Col.OBSTACLE_ID,
    KIOSKS: Col.KIOSK_ID,
    AMENITIES: Col.AMENITY_ID,
    EVENTS: Col.EVENT_ID,
}

#: The geometry type each spatial layer must hold.
LAYER_GEOMETRY: Final[dict[str, str]] = {
    HALLS: "Polygon",
    BOOTHS: "Polygon",
    OPENINGS: "LineString",
    OBSTACLES: "Polygon",
    KIOSKS: "Point",
    AMENITIES: "Point",
}

#: Properties a feature must carry; a missing one is a ``missing_property`` problem.
REQUIRED_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    HALLS: (Col.HALL_ID,),
    BOOTHS: (Col.BOOTH_ID, Col.HALL_ID, Col.ZONE),
    OPENINGS: (Col.OPENING_ID, Col.HALL_ID, Col.KIND, Col.WIDTH_M),
    OBSTACLES: (Col.KIND, Col.HALL_ID),
    KIOSKS: (Col.KIOSK_ID, Col.HALL_ID),
    AMENITIES: (Col.AMENITY_ID, Col.KIND, Col.HALL_ID),
    EVENTS: (Col.EVENT_ID, Col.TITLE, Col.STARTS, Col.ENDS, Col.WHERE),
}

#: Optional properties and the value a missing one takes.
OPTIONAL_COLUMNS: Final[dict[str, dict[str, Any]]] = {
    HALLS: {Col.NAME: "", Col.NAME_ZH: "", Col.LEVEL: 0, Col.KIND: HallKind.HALL.value},
    BOOTHS: {
        Col.EXHIBITOR: "",
        Col.EXHIBITOR_ZH: "",
        Col.COUNTRY: "",
        Col.PRODUCTS: "",
        Col.PRODUCTS_ZH: "",
        Col.WEBSITE: "",
        Col.DESCRIPTION: "",
        Col.OPEN_SIDES: 1,
    },
    OPENINGS: {Col.CONNECTS: "", Col.STEP_FREE: True},
    OBSTACLES: {Col.OBSTACLE_ID: ""},
    KIOSKS: {Col.HEADING_DEG: 0.0},
    AMENITIES: {Col.NAME: "", Col.NAME_ZH: "", Col.ACCESSIBLE: False},
    EVENTS: {Col.TITLE_ZH: ""},
}


E = TypeVar("E", bound=StrEnum)


def parse_option(enum: type[E], value: str | E, *, what: str) -> E:
    """Return ``value`` as a member of ``enum`` or refuse it naming the valid ones.

    Parameters
    ----------
    enum
        The option's Enum class.
    value
        The value given by a caller or user.
    what
        What the option is called, for the message.

    Raises
    ------
    OptionError
        When ``value`` is not one of the enum's values.
    """
    try:
        return enum(value)
    except ValueError:
        valid = ", ".join(m.value for m in enum)
        msg = f"unknown {what} {value!r}; valid: {valid}"
        raise OptionError(msg) from None
