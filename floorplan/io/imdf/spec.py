"""State what IMDF 1.0.0 (OGC Community Standard 20-094) requires, as data.

The writer, the validator and the importer share these tables: feature types and their
files, each feature type's geometry types, its properties (which are required, of which
kind, which value set) and the features they refer to. The category value sets are those
of the standard's *Categories* page; occupant categories (over a thousand business types)
are checked by form only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = [
    "EXTENSION_FILE",
    "EXTENSION_ID",
    "IMDF_VERSION",
    "LANGUAGE_TAG",
    "MANIFEST_FILE",
    "OCCUPANT_CATEGORY_PATTERN",
    "REQUIRED_FILES",
    "FeatureType",
    "Kind",
    "Prop",
    "category_set",
    "file_name",
    "geometry_types",
    "properties",
]

IMDF_VERSION: Final = "1.0.0"
MANIFEST_FILE: Final = "manifest.json"
#: floorplan's extension: what IMDF has no feature or property for (see docs/imdf.md).
EXTENSION_ID: Final = "imdf:extension:floorplan:expo#1.0.0"
#: Not a ``.geojson`` file, so that IMDF readers that do not know it pass it by.
EXTENSION_FILE: Final = "floorplan.expo.json"


class FeatureType(StrEnum):
    """The feature types of IMDF 1.0.0, each kept in ``<feature_type>.geojson``."""

    ADDRESS = "address"
    AMENITY = "amenity"
    ANCHOR = "anchor"
    BUILDING = "building"
    DETAIL = "detail"
    FIXTURE = "fixture"
    FOOTPRINT = "footprint"
    GEOFENCE = "geofence"
    KIOSK = "kiosk"
    LEVEL = "level"
    OCCUPANT = "occupant"
    OPENING = "opening"
    RELATIONSHIP = "relationship"
    SECTION = "section"
    UNIT = "unit"
    VENUE = "venue"


def file_name(feature_type: FeatureType | str) -> str:
    """Return the archive member that holds features of ``feature_type``.

    >>> file_name(FeatureType.UNIT)
    'unit.geojson'
    """
    return f"{FeatureType(feature_type).value}.geojson"


#: Members an archive must have: the manifest and the venue's skeleton.
REQUIRED_FILES: Final[tuple[str, ...]] = (
    MANIFEST_FILE,
    *(
        file_name(t)
        for t in (
            FeatureType.ADDRESS,
            FeatureType.VENUE,
            FeatureType.BUILDING,
            FeatureType.FOOTPRINT,
            FeatureType.LEVEL,
            FeatureType.UNIT,
        )
    ),
)

_POLYGONAL = frozenset({"Polygon", "MultiPolygon"})
_GEOMETRY: Final[dict[FeatureType, frozenset[str | None]]] = {
    FeatureType.ADDRESS: frozenset({None}),
    FeatureType.BUILDING: frozenset({None}),
    FeatureType.OCCUPANT: frozenset({None}),
    FeatureType.AMENITY: frozenset({"Point"}),
    FeatureType.ANCHOR: frozenset({"Point"}),
    FeatureType.OPENING: frozenset({"LineString"}),
    FeatureType.DETAIL: frozenset({"LineString", "MultiLineString"}),
    FeatureType.RELATIONSHIP: frozenset({None, "Point", "LineString", *_POLYGONAL}),
    **dict.fromkeys(
        (
            FeatureType.VENUE,
            FeatureType.FOOTPRINT,
            FeatureType.LEVEL,
            FeatureType.SECTION,
            FeatureType.UNIT,
            FeatureType.FIXTURE,
            FeatureType.KIOSK,
            FeatureType.GEOFENCE,
        ),
        _POLYGONAL,
    ),
}


def geometry_types(feature_type: FeatureType) -> frozenset[str | None]:
    """Return the geometry types a feature of ``feature_type`` may have (``None``: null)."""
    return _GEOMETRY[feature_type]


class Kind(StrEnum):
    """What a property's value must be."""

    LABELS = "labels"  # {"en": "...", "zh-Hans": "..."}
    CATEGORY = "category"  # one of the property's value set
    CATEGORIES = "categories"  # a list of values of the value set
    TEXT = "text"
    BOOL = "bool"
    INTEGER = "integer"
    POINT = "point"  # a display point: a GeoJSON Point
    REF = "ref"  # a feature id of a given type
    REFS = "refs"  # a list of feature ids of a given type
    FEATURE_REF = "feature_ref"  # {"id": ..., "feature_type": ...}
    OBJECT = "object"  # a JSON object (door, validity)
    PATTERN = "pattern"  # text matching a regular expression


@dataclass(frozen=True)
class Prop:
    """One property of a feature type.

    ``required`` properties must be present and not null; others may be missing or null.
    ``values`` names the value set (:func:`category_set`) of a category property; ``to``
    the feature types a reference may point at; ``pattern`` the form of a text.
    """

    name: str
    kind: Kind
    required: bool = False
    values: str = ""
    to: tuple[FeatureType, ...] = ()
    pattern: str = ""
    non_empty: bool = False


_ANY_FEATURE = tuple(FeatureType)
_NAMES = (Prop("name", Kind.LABELS), Prop("alt_name", Kind.LABELS))
_LEVEL_REF = Prop("level_id", Kind.REF, required=True, to=(FeatureType.LEVEL,))
_ADDRESS_REF = Prop("address_id", Kind.REF, to=(FeatureType.ADDRESS,))
_RESTRICTION = Prop("restriction", Kind.CATEGORY, values="restriction")
_ACCESSIBILITY = Prop("accessibility", Kind.CATEGORIES, values="accessibility")
_DISPLAY = Prop("display_point", Kind.POINT)
_CONTACT = (Prop("hours", Kind.TEXT), Prop("phone", Kind.TEXT), Prop("website", Kind.TEXT))

#: Occupant categories: dotted lower-case words (the standard lists over a thousand).
OCCUPANT_CATEGORY_PATTERN: Final = r"[a-z0-9]+(\.[a-z0-9]+)*"

_PROPERTIES: Final[dict[FeatureType, tuple[Prop, ...]]] = {
    FeatureType.ADDRESS: (
        Prop("address", Kind.TEXT, required=True),
        Prop("unit", Kind.TEXT),
        Prop("locality", Kind.TEXT, required=True),
        Prop("province", Kind.PATTERN, pattern=r"[A-Z]{2}-[A-Z0-9]{1,3}"),
        Prop("country", Kind.PATTERN, required=True, pattern=r"[A-Z]{2}"),
        Prop("postal_code", Kind.TEXT),
        Prop("postal_code_ext", Kind.TEXT),
        Prop("postal_code_vanity", Kind.TEXT),
    ),
    FeatureType.VENUE: (
        Prop("category", Kind.CATEGORY, required=True, values="venue"),
        _RESTRICTION,
        Prop("name", Kind.LABELS, required=True),
        Prop("alt_name", Kind.LABELS),
        *_CONTACT,
        Prop("display_point", Kind.POINT, required=True),
        Prop("address_id", Kind.REF, required=True, to=(FeatureType.ADDRESS,)),
    ),
    FeatureType.BUILDING: (
        *_NAMES,
        Prop("category", Kind.CATEGORY, required=True, values="building"),
        _RESTRICTION,
        _DISPLAY,
        _ADDRESS_REF,
    ),
    FeatureType.FOOTPRINT: (
        Prop("category", Kind.CATEGORY, required=True, values="footprint"),
        Prop("name", Kind.LABELS),
        Prop("building_ids", Kind.REFS, required=True, to=(FeatureType.BUILDING,), non_empty=True),
    ),
    FeatureType.LEVEL: (
        Prop("category", Kind.CATEGORY, required=True, values="level"),
        _RESTRICTION,
        Prop("outdoor", Kind.BOOL, required=True),
        # Whether the ordinal is an integer is the level_ordinal rule's, not bad_value's.
        Prop("ordinal", Kind.INTEGER, required=True),
        Prop("name", Kind.LABELS, required=True),
        Prop("short_name", Kind.LABELS, required=True),
        _DISPLAY,
        _ADDRESS_REF,
        Prop("building_ids", Kind.REFS, to=(FeatureType.BUILDING,)),
    ),
    FeatureType.SECTION: (
        Prop("category", Kind.CATEGORY, required=True, values="section"),
        _RESTRICTION,
        _ACCESSIBILITY,
        _ADDRESS_REF,
        *_NAMES,
        _DISPLAY,
        _LEVEL_REF,
        Prop("parents", Kind.REFS, to=(FeatureType.SECTION,)),
        Prop("correlation_id", Kind.TEXT),
    ),
    FeatureType.UNIT: (
        Prop("category", Kind.CATEGORY, required=True, values="unit"),
        _RESTRICTION,
        _ACCESSIBILITY,
        *_NAMES,
        _LEVEL_REF,
        _DISPLAY,
    ),
    FeatureType.OPENING: (
        Prop("category", Kind.CATEGORY, required=True, values="opening"),
        _ACCESSIBILITY,
        Prop("access_control", Kind.CATEGORIES, values="access_control"),
        Prop("door", Kind.OBJECT),
        *_NAMES,
        _DISPLAY,
        _LEVEL_REF,
    ),
    FeatureType.FIXTURE: (
        Prop("category", Kind.CATEGORY, required=True, values="fixture"),
        *_NAMES,
        Prop("anchor_id", Kind.REF, to=(FeatureType.ANCHOR,)),
        _LEVEL_REF,
        _DISPLAY,
    ),
    FeatureType.AMENITY: (
        Prop("category", Kind.CATEGORY, required=True, values="amenity"),
        _ACCESSIBILITY,
        *_NAMES,
        *_CONTACT,
        Prop("unit_ids", Kind.REFS, required=True, to=(FeatureType.UNIT,), non_empty=True),
        _ADDRESS_REF,
        Prop("correlation_id", Kind.TEXT),
    ),
    FeatureType.KIOSK: (
        *_NAMES,
        Prop("anchor_id", Kind.REF, to=(FeatureType.ANCHOR,)),
        _LEVEL_REF,
        _DISPLAY,
    ),
    FeatureType.OCCUPANT: (
        Prop("name", Kind.LABELS, required=True),
        Prop("category", Kind.PATTERN, required=True, pattern=OCCUPANT_CATEGORY_PATTERN),
        Prop("anchor_id", Kind.REF, required=True, to=(FeatureType.ANCHOR,)),
        *_CONTACT,
        Prop("validity", Kind.OBJECT),
        Prop("correlation_id", Kind.TEXT),
    ),
    FeatureType.ANCHOR: (
        _ADDRESS_REF,
        Prop("unit_id", Kind.REF, required=True, to=(FeatureType.UNIT,)),
    ),
    FeatureType.DETAIL: (_LEVEL_REF,),
    FeatureType.GEOFENCE: (
        Prop("category", Kind.CATEGORY, required=True, values="geofence"),
        _RESTRICTION,
        _ACCESSIBILITY,
        *_NAMES,
        Prop("correlation_id", Kind.TEXT),
        _DISPLAY,
        Prop("building_ids", Kind.REFS, to=(FeatureType.BUILDING,)),
        Prop("level_ids", Kind.REFS, to=(FeatureType.LEVEL,)),
        Prop("parents", Kind.REFS, to=(FeatureType.GEOFENCE,)),
    ),
    FeatureType.RELATIONSHIP: (
        Prop("category", Kind.CATEGORY, required=True, values="relationship"),
        Prop("direction", Kind.CATEGORY, required=True, values="direction"),
        Prop("origin", Kind.FEATURE_REF, to=_ANY_FEATURE),
        Prop("intermediary", Kind.FEATURE_REF, to=_ANY_FEATURE),
        Prop("destination", Kind.FEATURE_REF, to=_ANY_FEATURE),
        Prop("hours", Kind.TEXT),
    ),
}


def properties(feature_type: FeatureType) -> tuple[Prop, ...]:
    """Return the properties the standard defines for ``feature_type``."""
    return _PROPERTIES[feature_type]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_RESTROOMS = (
    "restroom restroom.family restroom.female restroom.female.wheelchair restroom.male "
    "restroom.male.wheelchair restroom.transgender restroom.transgender.wheelchair "
    "restroom.unisex restroom.unisex.wheelchair restroom.wheelchair"
)
_PARKING = (
    "parking parking.bicycle parking.compact parking.ev parking.longterm parking.motorcycle "
    "parking.shortterm parking.waitingarea"
)

_CATEGORIES: Final[dict[str, frozenset[str]]] = {
    "venue": _words(
        "airport airport.intl aquarium businesscampus casino communitycenter conventioncenter "
        "governmentfacility healthcarefacility hotel museum parkingfacility resort retailstore "
        "shoppingcenter stadium stripmall theater themepark trainstation transitstation "
        "university"
    ),
    "building": _words("parking transit transit.bus transit.train unspecified"),
    "footprint": _words("aerial ground subterranean"),
    "level": _words(
        "arrivals arrivals.domestic arrivals.intl departures departures.domestic "
        "departures.intl parking transit unspecified"
    ),
    "unit": _words(
        "auditorium brick classroom column concrete conferenceroom drywall elevator escalator "
        "fieldofplay firstaid fitnessroom foodservice footbridge glass huddleroom kitchen "
        "laboratory library lobby lounge mailroom mothersroom movietheater movingwalkway "
        "nonpublic office opentobelow parking phoneroom platform privatelounge ramp recreation "
        f"{_RESTROOMS} road room serverroom shower smokingarea stairs steps storage structure "
        "terrace theater unenclosedarea unspecified vegetation waitingroom walkway "
        "walkway.island wood"
    ),
    "section": _words(
        "arcade baggageclaim baggageclaim.intl carrental carrental.dropoff checkin concessions "
        "cubicle dutyfree eatingdrinking entertainmentarea entertainmentarea.game "
        "entertainmentarea.music entertainmentarea.performance entertainmentarea.sport exhibit "
        "exhibition gambling gatearea gatearea.holding immigration immigration.schengen "
        f"information paidarea parkandride {_PARKING} platform postsecurity presecurity private "
        "recomposearea recreation rental retail retaildepartment road seating seatingrow "
        "security servicearea ticketing vegetation walkway"
    ),
    "opening": _words(
        "automobile bicycle emergencyexit pedestrian pedestrian.principal pedestrian.transit "
        "service"
    ),
    "fixture": _words(
        "baggagecarousel boardinggate.desk checkin.desk checkin.kiosk desk equipment furniture "
        "immigration.desk inspection.desk obstruction securityequipment stage vegetation wall"
    ),
    "amenity": _words(
        "amphitheater animalreliefarea arrivalgate atm babychanging baggagecarousel "
        "baggagecarousel.intl baggagecarts baggageclaim baggageclaim.oversize baggagerecheck "
        "baggagestorage boardinggate boardinggate.aircraft boardinggate.bus boardinggate.ferry "
        "boardinggate.train bus bus.muni bus.national businesscenter cabin caregiver carrental "
        "cashier changemachine checkin checkin.desk checkin.desk.oversizebaggage "
        "checkin.desk.transfer checkin.selfservice childplayarea coinlocker copymachine "
        "defibrillator drinkingfountain eatingdrinking elevator emergencyshelter entry "
        "escalator exhibit faregate faregate.oversized fieldofplay firealarmpullstation "
        "fireextinguisher firstaid fittingroom foodservice gatearea groundtransportation "
        "guestservices handsanitizerstation healthscreening hoteling immigration information "
        "information.bid information.carrental information.hotel information.mufid "
        "information.mufid.arrivals information.mufid.departures information.transit landmark "
        "library limo lostandfound mailbox meditation meetingpoint mobilityrescue mothersroom "
        f"movingwalkway paidarea parkandride {_PARKING} payphone pedestriancrossing "
        "peoplemover phone phone.emergency photobooth platform police powerchargingstation "
        "prayerroom prayerroom.buddhism prayerroom.christianity prayerroom.hinduism "
        "prayerroom.islam prayerroom.islam.female prayerroom.islam.male prayerroom.judaism "
        "prayerroom.shintoism prayerroom.sikh prayerroom.taoic privatelounge productreturn "
        f"rail.muni rail.national ramp reception.desk recreation {_RESTROOMS} rideshare seat "
        "seating security security.checkpoint security.inspection service shower shuttle "
        "sleepbox smokingarea stairs storage strollerrental studentadmissions studentservices "
        "swimmingpool swimmingpool.children swimmingpool.family taxi ticketing "
        "ticketing.airline ticketing.bus ticketing.bus.muni ticketing.bus.national "
        "ticketing.rail ticketing.rail.muni ticketing.rail.national ticketing.shuttle "
        "traintrack transit unspecified valet vendingmachine vendingmachine.trainticket "
        "wheelchairassist wifi yoga"
    ),
    "geofence": _words(
        "concourse geofence paidarea platform postsecurity presecurity terminal underconstruction"
    ),
    "relationship": _words("elevator escalator movingwalkway ramp stairs traversal traversal.path"),
    "direction": _words("directed undirected"),
    "restriction": _words("employeesonly restricted"),
    "accessibility": _words(
        "assisted.listening braille hearing hearingloop signlanginterpreter tactilepaving tdd "
        "trs volume wheelchair"
    ),
    "access_control": _words(
        "badgereader fingerprintreader guard keyaccess outofservice passwordaccess "
        "retinascanner voicerecognition"
    ),
}


def category_set(name: str) -> frozenset[str]:
    """Return the value set called ``name`` (``"unit"``, ``"opening"``, ``"accessibility"``...).

    >>> "emergencyexit" in category_set("opening")
    True
    """
    return _CATEGORIES[name]


#: BCP 47 language tags as LABELS keys and the manifest's language use them.
LANGUAGE_TAG: Final = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
