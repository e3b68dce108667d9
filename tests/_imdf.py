"""A hand-made IMDF archive, written with json as another tool would, and ways to zip it.

Two buildings side by side (Hall A and Hall B, one level each, sharing a wall) with
booth-like rooms and their occupants, a walkway, a restroom and an elevator unit,
sections named after zones (and one that is not), doors of every kind, fixtures, a
kiosk, an amenity and a detail. Coordinates are made in local metres, shifted into
Beijing's UTM zone and turned into WGS 84 longitude/latitude.
"""

from __future__ import annotations

import copy
import io
import json
import uuid
import zipfile
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, box, mapping

ORIGIN = (461_000.0, 4_441_000.0)
_NS = uuid.UUID("0b5a3f5e-1c2d-4e6f-8a9b-0c1d2e3f4a5b")
_TO_LL = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)

Members = dict[str, Any]


def uid(name: str) -> str:
    """Return the UUID the hand-made archive gives the feature called ``name``."""
    return str(uuid.uuid5(_NS, name))


def lonlat(geom: Any) -> Any:
    """Return local-metre ``geom`` in WGS 84, polygons counter-clockwise."""

    def to_ll(xy: np.ndarray) -> np.ndarray:
        lon, lat = _TO_LL.transform(xy[:, 0] + ORIGIN[0], xy[:, 1] + ORIGIN[1])
        return np.column_stack([lon, lat])

    return shapely.orient_polygons(shapely.transform(geom, to_ll), exterior_cw=False)


def _geo(geom: Any) -> dict[str, Any]:
    # Through JSON, so that coordinates are lists as a file would hold them.
    geo: dict[str, Any] = json.loads(json.dumps(mapping(lonlat(geom))))
    return geo


def _point(geom: Any) -> dict[str, Any]:
    return _geo(geom.representative_point() if geom.geom_type != "Point" else geom)


def _feature(key: str, ftype: str, geom: Any, /, **props: Any) -> dict[str, Any]:
    return {
        "id": uid(key),
        "type": "Feature",
        "feature_type": ftype,
        "geometry": None if geom is None else _geo(geom),
        "properties": props,
    }


HALL_A = box(0, 0, 40, 30)
HALL_B = box(40, 0, 80, 30)
ROOMS = {
    "A-01": box(8, 8, 14, 14),
    "A-02": box(20, 8, 26, 14),
    "A-03": box(20, 18, 32, 24),
    "B-01": box(50, 8, 56, 14),
}
RESTROOM = box(34, 2, 38, 6)
ELEVATOR = box(34, 24, 38, 28)


def _units() -> list[dict[str, Any]]:
    units = [
        _feature(
            f"unit {name}",
            "unit",
            geom,
            category="unenclosedarea" if name == "A-03" else "room",
            restriction=None,
            accessibility=None,
            name={"en": name},
            alt_name=None,
            level_id=uid("level A" if name.startswith("A") else "level B"),
            display_point=_point(geom),
        )
        for name, geom in ROOMS.items()
    ]
    walk_a = HALL_A.difference(shapely.union_all([*list(ROOMS.values())[:3], RESTROOM, ELEVATOR]))
    walk_b = HALL_B.difference(ROOMS["B-01"])
    for name, geom, category, level in (
        ("walkway A", walk_a, "walkway", "level A"),
        ("walkway B", walk_b, "walkway", "level B"),
        ("restroom A", RESTROOM, "restroom.unisex", "level A"),
        ("elevator A", ELEVATOR, "elevator", "level A"),
    ):
        units.append(
            _feature(
                f"unit {name}",
                "unit",
                geom,
                category=category,
                restriction=None,
                accessibility=None,
                name={"en": "Restroom", "zh-Hans": "洗手间"} if "restroom" in name else None,
                alt_name=None,
                level_id=uid(level),
                display_point=_point(geom),
            )
        )
    return units


_OCCUPANTS = {
    "A-01": {"en": "Sinoparts Automotive", "zh-Hans": "华部汽车"},
    "A-02": {"en": "Müller Agrartechnik"},
    "B-01": {"zh-Hans": "清洁能源有限公司"},
}


def _occupants() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    anchors, occupants = [], []
    for room, name in _OCCUPANTS.items():
        anchors.append(
            _feature(
                f"anchor {room}",
                "anchor",
                ROOMS[room].centroid,
                address_id=None,
                unit_id=uid(f"unit {room}"),
            )
        )
        occupants.append(
            _feature(
                f"occupant {room}",
                "occupant",
                None,
                name=name,
                category="automotive",
                anchor_id=uid(f"anchor {room}"),
                hours=None,
                phone=None,
                website=None,
                validity=None,
                correlation_id=None,
            )
        )
    return anchors, occupants


_DOORS = {
    "door entrance": ((0, 12), (0, 16), "pedestrian.principal", "level A"),
    "door exit A": ((10, 30), (12, 30), "emergencyexit", "level A"),
    "door between": ((40, 12), (40, 15), "pedestrian", "level A"),
    "door exit B": ((80, 10), (80, 13), "emergencyexit", "level B"),
    "door service": ((60, 0), (62, 0), "service", "level B"),
    "door restroom": ((35, 6), (37, 6), "pedestrian", "level A"),
}


def _openings() -> list[dict[str, Any]]:
    return [
        _feature(
            name,
            "opening",
            LineString([a, b]),
            category=category,
            accessibility=None,
            access_control=None,
            door=None,
            name=None,
            alt_name=None,
            display_point=_point(LineString([a, b]).interpolate(0.5, normalized=True)),
            level_id=uid(level),
        )
        for name, (a, b, category, level) in _DOORS.items()
    ]


def _sections() -> list[dict[str, Any]]:
    spec = {
        "section auto": (box(6, 6, 16, 16), {"en": "Intelligent automobile chain"}, "level A"),
        "section agri": (box(18, 6, 33, 26), {"en": "Green agriculture chain"}, "level A"),
        "section energy": (
            box(48, 6, 58, 16),
            {"en": "Clean energy chain", "zh-Hans": "清洁能源链"},
            "level B",
        ),
        "section food": (box(60, 20, 70, 28), {"en": "Food court"}, "level B"),
    }
    return [
        _feature(
            name,
            "section",
            geom,
            category="exhibit",
            restriction=None,
            accessibility=None,
            address_id=None,
            name=label,
            alt_name=None,
            display_point=_point(geom),
            level_id=uid(level),
            parents=None,
            correlation_id=None,
        )
        for name, (geom, label, level) in spec.items()
    ]


def _skeleton() -> Members:
    venue_geom = shapely.union_all([HALL_A, HALL_B])
    members: Members = {
        "manifest.json": {
            "version": "1.0.0",
            "created": "2023-11-01T08:00:00Z",
            "generated_by": "hand-made test archive",
            "language": "en",
        },
        "address.geojson": [
            _feature(
                "address",
                "address",
                None,
                address="1 Expo Road",
                unit=None,
                locality="Beijing",
                province="CN-BJ",
                country="CN",
                postal_code="101300",
                postal_code_ext=None,
                postal_code_vanity=None,
            )
        ],
        "venue.geojson": [
            _feature(
                "venue",
                "venue",
                venue_geom,
                category="conventioncenter",
                restriction=None,
                name={"en": "Test Expo", "zh-Hans": "测试博览会"},
                alt_name=None,
                hours=None,
                phone=None,
                website=None,
                display_point=_point(venue_geom),
                address_id=uid("address"),
            )
        ],
    }
    buildings, footprints, levels = [], [], []
    for key, geom, name in (("A", HALL_A, "Hall A"), ("B", HALL_B, "Hall B")):
        buildings.append(
            _feature(
                f"building {key}",
                "building",
                None,
                name={"en": name},
                alt_name=None,
                category="unspecified",
                restriction=None,
                display_point=_point(geom),
                address_id=None,
            )
        )
        footprints.append(
            _feature(
                f"footprint {key}",
                "footprint",
                geom,
                category="ground",
                name=None,
                building_ids=[uid(f"building {key}")],
            )
        )
        levels.append(
            _feature(
                f"level {key}",
                "level",
                geom,
                category="unspecified",
                restriction=None,
                outdoor=False,
                ordinal=0,
                name={"en": name, "zh-Hans": f"{key}馆"},
                short_name={"en": key},
                display_point=_point(geom),
                address_id=None,
                building_ids=[uid(f"building {key}")],
            )
        )
    members["building.geojson"] = buildings
    members["footprint.geojson"] = footprints
    members["level.geojson"] = levels
    return members


def hand_made() -> Members:
    """Return the archive's members: ``manifest.json`` an object, the rest feature lists."""
    members = _skeleton()
    anchors, occupants = _occupants()
    members["unit.geojson"] = _units()
    members["anchor.geojson"] = anchors
    members["occupant.geojson"] = occupants
    members["opening.geojson"] = _openings()
    members["section.geojson"] = _sections()
    members["fixture.geojson"] = [
        _feature(
            "fixture column",
            "fixture",
            box(30, 14, 30.8, 14.8),
            category="obstruction",
            name=None,
            alt_name=None,
            anchor_id=None,
            level_id=uid("level A"),
            display_point=_point(box(30, 14, 30.8, 14.8)),
        ),
        _feature(
            "fixture desk",
            "fixture",
            box(9, 9, 10, 10),
            category="desk",
            name=None,
            alt_name=None,
            anchor_id=None,
            level_id=uid("level A"),
            display_point=_point(box(9, 9, 10, 10)),
        ),
    ]
    members["kiosk.geojson"] = [
        _feature(
            "kiosk",
            "kiosk",
            box(2.6, 13.6, 3.4, 14.4),
            name={"en": "K1"},
            alt_name=None,
            anchor_id=None,
            level_id=uid("level A"),
            display_point=_point(Point(3, 14)),
        )
    ]
    members["amenity.geojson"] = [
        _feature(
            "amenity info",
            "amenity",
            Point(37, 20),
            category="information",
            accessibility=None,
            name={"en": "Information"},
            alt_name=None,
            hours=None,
            phone=None,
            website=None,
            unit_ids=[uid("unit walkway A")],
            address_id=None,
            correlation_id=None,
        )
    ]
    members["detail.geojson"] = [
        _feature("detail", "detail", LineString([(2, 2), (6, 2)]), level_id=uid("level A"))
    ]
    return members


def find(members: Members, name: str) -> dict[str, Any]:
    """Return the feature called ``name`` (by its UUID) in any member."""
    fid = uid(name)
    for member, value in members.items():
        if member.endswith(".geojson"):
            for feat in value:
                if feat.get("id") == fid:
                    return feat
    raise KeyError(name)


def zip_members(members: Members, *, folder: str = "") -> bytes:
    """Return a ZIP of the members (feature lists wrapped as FeatureCollections)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, value in members.items():
            doc = (
                {"type": "FeatureCollection", "features": value}
                if isinstance(value, list)
                else value
            )
            data = doc if isinstance(doc, str | bytes) else json.dumps(doc)
            zf.writestr(folder + name, data)
    return buf.getvalue()


def unzip_members(data: bytes) -> Members:
    """Return the members of a ZIP: parsed JSON, FeatureCollections as their feature lists."""
    out: Members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            value = json.loads(zf.read(name))
            if isinstance(value, dict) and value.get("type") == "FeatureCollection":
                value = value["features"]
            out[name] = value
    return out


def clone(members: Members) -> Members:
    """Return a deep copy to break."""
    return copy.deepcopy(members)
