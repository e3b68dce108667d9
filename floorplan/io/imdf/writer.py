"""Write a venue as an IMDF 1.0.0 archive.

Each hall becomes a building with its footprint and one level; booths become units
(``room``) with an occupant and an anchor for each exhibitor; the floor around them a
``walkway`` unit; zones become sections; doors openings; obstacles fixtures; kiosks and
amenities their IMDF features. Ids are UUIDs derived from our ids (:func:`feature_id`),
so that exporting the same venue twice gives the same ids. Everything IMDF has no place
for (events, booth details, door widths, kiosk headings, the venue's own CRS) goes into
floorplan's extension file, keyed by the UUID of the feature that carries the geometry.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from numpy.typing import NDArray
from pyproj import Transformer

from floorplan import schema as S
from floorplan.atomic import refuse_existing
from floorplan.i18n import Lang, amenity_name, text
from floorplan.io._frames import events_for_writing
from floorplan.io.imdf.archive import archive_zip, write_zip
from floorplan.io.imdf.spec import (
    EXTENSION_FILE,
    EXTENSION_ID,
    IMDF_VERSION,
    MANIFEST_FILE,
    FeatureType,
    file_name,
)
from floorplan.schema import Col, OpeningKind
from floorplan.venue import Venue

__all__ = [
    "AMENITY_CATEGORY",
    "KIOSK_SIDE_M",
    "NAMESPACE",
    "OBSTACLE_FEATURE",
    "OPENING_CATEGORY",
    "ZONE_OCCUPANT_CATEGORY",
    "archive_bytes",
    "feature_id",
    "labels",
    "write_imdf",
]

#: The namespace of every UUID floorplan derives (uuid5), fixed forever.
NAMESPACE = uuid.UUID("6f1c2b8e-4d0a-5e3b-9c71-2a5d8e0f4b19")
#: IMDF kiosks are polygons; ours are points. The footprint written is a square this wide.
KIOSK_SIDE_M = 0.8
#: Sections are the zone's booths in a hall, closed over aisles up to twice this wide.
_SECTION_CLOSE_M = 1.5
#: Chinese labels: the BCP 47 tag IMDF LABELS use for Simplified Chinese.
ZH_TAG = "zh-Hans"

OPENING_CATEGORY: dict[str, str] = {
    OpeningKind.ENTRANCE.value: "pedestrian.principal",
    OpeningKind.EXIT.value: "pedestrian",
    OpeningKind.EMERGENCY_EXIT.value: "emergencyexit",
    OpeningKind.CONNECTION.value: "pedestrian",
}
AMENITY_CATEGORY: dict[str, str] = {
    "restroom": "restroom",
    "cafe": "foodservice",
    "info": "information",
    "first_aid": "firstaid",
    "stage": "amphitheater",
    "meeting_room": "businesscenter",
    "prayer_room": "prayerroom",
    "cloakroom": "baggagestorage",
    "fire_extinguisher": "fireextinguisher",
    "fire_alarm": "firealarmpullstation",
    "defibrillator": "defibrillator",
    "assembly_point": "meetingpoint",
    "atm": "atm",
    "wifi": "wifi",
}
#: Obstacle kind -> (feature type, category). Restrooms drawn as areas are units.
OBSTACLE_FEATURE: dict[str, tuple[FeatureType, str]] = {
    "column": (FeatureType.FIXTURE, "obstruction"),
    "wall": (FeatureType.FIXTURE, "wall"),
    "stage": (FeatureType.FIXTURE, "stage"),
    "service": (FeatureType.FIXTURE, "obstruction"),
    "furniture": (FeatureType.FIXTURE, "furniture"),
    "restroom": (FeatureType.UNIT, "restroom"),
}
#: The business an exhibitor of each zone is in, from IMDF's occupant categories.
ZONE_OCCUPANT_CATEGORY: dict[str, str] = {
    S.Zone.AUTOMOBILE.value: "automotive",
    S.Zone.AGRICULTURE.value: "farm",
    S.Zone.ENERGY.value: "utilities",
    S.Zone.DIGITAL.value: "informationtechnology",
    S.Zone.HEALTH.value: "healthcare",
    S.Zone.SERVICES.value: "professionalservices",
}
BOOTH_UNIT_CATEGORY = "room"
WALKWAY_UNIT_CATEGORY = "walkway"
#: Optional Chinese names, read when a venue has them (halls, amenities, the venue).
NAME_ZH = "name_zh"


def feature_id(venue: Venue, kind: str, our_id: str) -> str:
    """Return the UUID of the IMDF feature made from ``our_id`` (a booth id, a hall id...).

    ``kind`` says what is made (``"booth"``, ``"occupant"``, ``"level"``...); the venue's
    name keeps two venues' features apart. The same inputs give the same UUID.
    """
    key = venue.name or "venue"
    return str(uuid.uuid5(NAMESPACE, f"{key}\x1f{kind}\x1f{our_id}"))


def labels(en: object, zh: object = "") -> dict[str, str] | None:
    """Return IMDF LABELS for an English and a Chinese name (``None`` when both are empty).

    >>> labels("Hall 1", "一号馆")
    {'en': 'Hall 1', 'zh-Hans': '一号馆'}
    >>> labels("", None) is None
    True
    """
    out: dict[str, str] = {}
    for tag, value in (("en", en), (ZH_TAG, zh)):
        if isinstance(value, str) and value.strip():
            out[tag] = value.strip()
    return out or None


def archive_bytes(venue: Venue, *, created: datetime | None = None) -> bytes:
    """Return the IMDF archive of ``venue`` as the bytes of a ZIP file.

    Parameters
    ----------
    venue
        The venue (any projected CRS; the archive is in WGS 84 longitude/latitude).
    created
        The manifest's creation time (default: now, UTC).
    """
    return archive_zip(_Writer(venue).members(created or datetime.now(UTC)))


def write_imdf(
    venue: Venue, dst: str | Path, *, overwrite: bool = False, created: datetime | None = None
) -> Path:
    """Write the IMDF archive of ``venue`` to ``dst`` atomically and return the path.

    Raises
    ------
    FileExistsError
        When ``dst`` exists and ``overwrite`` is false.
    """
    target = Path(dst)
    refuse_existing(target, overwrite=overwrite)
    return write_zip(archive_bytes(venue, created=created), target, overwrite=overwrite)


def _text_of(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _column(frame: pd.DataFrame, col: str) -> list[str]:
    """Return ``col`` as text, empty where missing (the whole column may be missing)."""
    if col not in frame.columns:
        return [""] * len(frame)
    return [_text_of(v) for v in frame[col]]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the frame's non-geometry columns as JSON-ready records."""
    plain = pd.DataFrame(frame.drop(columns=S.GEOMETRY, errors="ignore"))
    if plain.columns.empty:
        return [{} for _ in range(len(plain))]
    records: list[dict[str, Any]] = json.loads(
        plain.to_json(orient="records", date_format="iso", double_precision=15, force_ascii=False)
    )
    return records


class _Writer:
    """Build the archive's members for one venue."""

    def __init__(self, venue: Venue) -> None:
        self.venue = venue
        self.to_ll = Transformer.from_crs(venue.crs, "EPSG:4326", always_xy=True)
        self.files: dict[FeatureType, list[str]] = {t: [] for t in FeatureType}
        self.ext: dict[str, Any] = {"extension": EXTENSION_ID}
        halls = venue.halls
        self.hall_ids = [str(h) for h in halls[Col.HALL_ID]]
        self.level_of = {h: self.fid("level", h) for h in self.hall_ids}
        self.walkway_of: dict[str, str] = {}

    def fid(self, kind: str, our_id: str) -> str:
        return feature_id(self.venue, kind, our_id)

    # ------------------------------------------------------------ geometry

    def lonlat(self, geoms: Sequence[Any] | NDArray[Any]) -> NDArray[Any]:
        """Return geometries in WGS 84, polygons counter-clockwise (RFC 7946).

        Degrees are written at full precision: rounding them (even to 1e-9°, 0.1 mm)
        moves a booth's corner that sits on its neighbour's side off that side, and the
        imported booths then overlap by more than the format's tolerance.
        """
        arr = np.asarray(geoms, dtype=object)
        if arr.size == 0:
            return arr

        def project(xy: NDArray[np.float64]) -> NDArray[np.float64]:
            lon, lat = self.to_ll.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([lon, lat])

        out = shapely.transform(arr, project)
        return np.asarray(shapely.orient_polygons(out, exterior_cw=False), dtype=object)

    def points(self, geoms: Sequence[Any] | NDArray[Any]) -> list[dict[str, Any]]:
        """Return display points (GeoJSON Points) for geometries' representative points."""
        arr = np.asarray(geoms, dtype=object)
        if arr.size == 0:
            return []
        inside = shapely.point_on_surface(arr)
        xy = self.lonlat(inside)
        coords = shapely.get_coordinates(xy)
        return [{"type": "Point", "coordinates": [float(x), float(y)]} for x, y in coords]

    def add(
        self,
        ftype: FeatureType,
        ids: Iterable[str],
        geoms: Sequence[Any] | NDArray[Any] | None,
        props: Iterable[dict[str, Any]],
    ) -> None:
        """Append features to their file (geometry in the venue CRS, or None)."""
        ids = list(ids)
        if geoms is None:
            texts: list[str] = ["null"] * len(ids)
        else:
            texts = [str(t) for t in shapely.to_geojson(self.lonlat(geoms))] if ids else []
        dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        for fid, geom, prop in zip(ids, texts, props, strict=True):
            self.files[ftype].append(
                f'{{"id":"{fid}","type":"Feature","feature_type":"{ftype.value}",'
                f'"geometry":{geom},"properties":{dump(prop)}}}'
            )

    # ------------------------------------------------------------ members

    def members(self, created: datetime) -> dict[str, str]:
        self.write_venue()
        self.write_halls()
        self.write_booths()
        self.write_sections()
        self.write_openings()
        self.write_obstacles()
        self.write_kiosks()
        self.write_amenities()
        self.ext["events"] = _records(events_for_writing(self.venue.events))
        manifest = {
            "version": IMDF_VERSION,
            "created": created.astimezone(UTC)
            .replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z"),
            "generated_by": "floorplan",
            "language": "en",
            "extensions": [EXTENSION_ID],
        }
        out = {MANIFEST_FILE: json.dumps(manifest, indent=2) + "\n"}
        for ftype in FeatureType:
            feats = self.files[ftype]
            if not feats and ftype not in _ALWAYS_WRITTEN:
                continue
            body = ",\n".join(feats)
            out[file_name(ftype)] = '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"
        out[EXTENSION_FILE] = json.dumps(self.ext, ensure_ascii=False, separators=(",", ":")) + "\n"
        return out

    def write_venue(self) -> None:
        venue = self.venue
        meta = dict(venue.meta)
        meta.update({"name": venue.name, "crs": venue.crs.to_string(), "dates": list(venue.dates)})
        self.ext["venue"] = json.loads(json.dumps(meta, default=str))
        given = meta.get("address")
        addr: dict[str, Any] = given if isinstance(given, dict) else {}
        address_id = self.fid("address", "")
        self.add(
            FeatureType.ADDRESS,
            [address_id],
            None,
            [
                {
                    "address": str(addr.get("address") or venue.name or "venue"),
                    "unit": addr.get("unit"),
                    "locality": str(addr.get("locality") or venue.name or "unknown"),
                    "province": addr.get("province"),
                    # "XX": ISO 3166's code for an unknown country, until venue.json says.
                    "country": str(addr.get("country") or "XX"),
                    "postal_code": addr.get("postal_code"),
                    "postal_code_ext": None,
                    "postal_code_vanity": None,
                }
            ],
        )
        ground = shapely.union_all(venue.halls.geometry.values)
        self.add(
            FeatureType.VENUE,
            [self.fid("venue", "")],
            [ground],
            [
                {
                    "category": "conventioncenter",
                    "restriction": None,
                    "name": labels(venue.name or "Venue", meta.get(NAME_ZH)),
                    "alt_name": None,
                    "hours": meta.get("hours"),
                    "phone": meta.get("phone"),
                    "website": meta.get("website"),
                    "display_point": self.points([ground])[0],
                    "address_id": address_id,
                }
            ],
        )

    def write_halls(self) -> None:
        halls = self.venue.halls
        geoms = halls.geometry.values
        names = _column(halls, Col.NAME)
        names_zh = _column(halls, NAME_ZH)
        points = self.points(geoms)
        buildings = [self.fid("building", h) for h in self.hall_ids]
        hall_labels = [
            labels(n or h, z) for h, n, z in zip(self.hall_ids, names, names_zh, strict=True)
        ]
        self.add(
            FeatureType.BUILDING,
            buildings,
            None,
            (
                {
                    "name": lab,
                    "alt_name": None,
                    "category": "unspecified",
                    "restriction": None,
                    "display_point": pt,
                    "address_id": None,
                }
                for lab, pt in zip(hall_labels, points, strict=True)
            ),
        )
        self.add(
            FeatureType.FOOTPRINT,
            [self.fid("footprint", h) for h in self.hall_ids],
            geoms,
            ({"category": "ground", "name": None, "building_ids": [b]} for b in buildings),
        )
        ordinals = [int(v) if _text_of(v) else 0 for v in halls.get(Col.LEVEL, [0] * len(halls))]
        self.add(
            FeatureType.LEVEL,
            [self.level_of[h] for h in self.hall_ids],
            geoms,
            (
                {
                    "category": "unspecified",
                    "restriction": None,
                    "outdoor": False,
                    "ordinal": ordinal,
                    "name": lab,
                    "short_name": labels(h),
                    "display_point": pt,
                    "address_id": None,
                    "building_ids": [b],
                }
                for h, lab, ordinal, pt, b in zip(
                    self.hall_ids, hall_labels, ordinals, points, buildings, strict=True
                )
            ),
        )
        self.ext[S.HALLS] = dict(zip(self.level_of.values(), _records(halls), strict=True))

    def write_booths(self) -> None:
        booths = self.venue.booths
        ids = [str(b) for b in booths[Col.BOOTH_ID]]
        halls = [str(h) for h in booths[Col.HALL_ID]]
        units = [self.fid("booth", b) for b in ids]
        points = self.points(booths.geometry.values)
        self.add(
            FeatureType.UNIT,
            units,
            booths.geometry.values,
            (
                {
                    "category": BOOTH_UNIT_CATEGORY,
                    "restriction": None,
                    "accessibility": None,
                    "name": labels(b),
                    "alt_name": None,
                    "level_id": self.level_of.get(h),
                    "display_point": pt,
                }
                for b, h, pt in zip(ids, halls, points, strict=True)
            ),
        )
        self.ext[S.BOOTHS] = dict(zip(units, _records(booths), strict=True))
        self.write_walkways()
        sold = [
            k
            for k, (en, zh) in enumerate(
                zip(_column(booths, Col.EXHIBITOR), _column(booths, Col.EXHIBITOR_ZH), strict=True)
            )
            if en.strip() or zh.strip()
        ]
        exhibitors = _column(booths, Col.EXHIBITOR)
        exhibitors_zh = _column(booths, Col.EXHIBITOR_ZH)
        zones = _column(booths, Col.ZONE)
        anchors = [self.fid("anchor", ids[k]) for k in sold]
        anchor_points = shapely.point_on_surface(np.asarray(booths.geometry.values)[sold])
        self.add(
            FeatureType.ANCHOR,
            anchors,
            anchor_points,
            ({"address_id": None, "unit_id": units[k]} for k in sold),
        )
        self.add(
            FeatureType.OCCUPANT,
            [self.fid("occupant", ids[k]) for k in sold],
            None,
            (
                {
                    "name": labels(exhibitors[k], exhibitors_zh[k]),
                    "category": ZONE_OCCUPANT_CATEGORY.get(zones[k], "professionalservices"),
                    "anchor_id": anchor,
                    "hours": None,
                    "phone": None,
                    "website": None,
                    "validity": None,
                    "correlation_id": None,
                }
                for k, anchor in zip(sold, anchors, strict=True)
            ),
        )

    def write_walkways(self) -> None:
        """Write each hall's floor outside booths (and restroom areas) as a walkway unit."""
        booths = self.venue.booths
        obstacles = self.venue.obstacles
        cut = [booths]
        kinds = _column(obstacles, Col.KIND)
        is_unit = [
            OBSTACLE_FEATURE.get(k, (FeatureType.FIXTURE,))[0] is FeatureType.UNIT for k in kinds
        ]
        if any(is_unit):
            cut.append(obstacles[is_unit])
        taken = pd.concat([pd.DataFrame(f[[Col.HALL_ID, S.GEOMETRY]]) for f in cut])
        by_hall = {str(h): list(g[S.GEOMETRY]) for h, g in taken.groupby(Col.HALL_ID, sort=False)}
        ids, geoms = [], []
        for hall_id, hall in zip(self.hall_ids, self.venue.halls.geometry.values, strict=True):
            inside = by_hall.get(hall_id, [])
            floor = shapely.difference(hall, shapely.union_all(inside)) if inside else hall
            floor = _polygonal(floor)
            if floor is None:
                continue
            ids.append(hall_id)
            geoms.append(floor)
            self.walkway_of[hall_id] = self.fid("walkway", hall_id)
        points = self.points(geoms)
        self.add(
            FeatureType.UNIT,
            [self.walkway_of[h] for h in ids],
            geoms,
            (
                {
                    "category": WALKWAY_UNIT_CATEGORY,
                    "restriction": None,
                    "accessibility": None,
                    "name": None,
                    "alt_name": None,
                    "level_id": self.level_of[h],
                    "display_point": pt,
                }
                for h, pt in zip(ids, points, strict=True)
            ),
        )

    def write_sections(self) -> None:
        """Write one section per zone and hall: the zone's booths closed over the aisles."""
        booths = self.venue.booths
        hall_geom = dict(zip(self.hall_ids, self.venue.halls.geometry.values, strict=True))
        keys, geoms, zones = [], [], []
        for (hall_id, zone), group in booths.groupby([Col.HALL_ID, Col.ZONE], sort=True):
            grown = shapely.buffer(group.geometry.values, _SECTION_CLOSE_M, join_style="mitre")
            closed = shapely.buffer(shapely.union_all(grown), -_SECTION_CLOSE_M, join_style="mitre")
            hall = hall_geom.get(str(hall_id))
            area = _polygonal(shapely.intersection(closed, hall) if hall is not None else closed)
            if area is None:
                continue
            keys.append((str(hall_id), str(zone)))
            geoms.append(area)
            zones.append(str(zone))
        points = self.points(geoms)
        self.add(
            FeatureType.SECTION,
            [self.fid("section", f"{z}@{h}") for h, z in keys],
            geoms,
            (
                {
                    "category": "exhibit",
                    "restriction": None,
                    "accessibility": None,
                    "address_id": None,
                    "name": _zone_labels(z),
                    "alt_name": None,
                    "display_point": pt,
                    "level_id": self.level_of.get(h),
                    "parents": None,
                    "correlation_id": None,
                }
                for (h, z), pt in zip(keys, points, strict=True)
            ),
        )

    def write_openings(self) -> None:
        openings = self.venue.openings
        ids = [self.fid("opening", str(o)) for o in openings[Col.OPENING_ID]]
        geoms = openings.geometry.values
        mids = shapely.line_interpolate_point(np.asarray(geoms), 0.5, normalized=True)
        points = self.points(mids)
        kinds = _column(openings, Col.KIND)
        step_free = [_truthy(v) for v in openings.get(Col.STEP_FREE, [True] * len(openings))]
        halls = _column(openings, Col.HALL_ID)
        self.add(
            FeatureType.OPENING,
            ids,
            geoms,
            (
                {
                    "category": OPENING_CATEGORY.get(k, "pedestrian"),
                    "accessibility": ["wheelchair"] if free else None,
                    "access_control": None,
                    "door": None,
                    "name": None,
                    "alt_name": None,
                    "display_point": pt,
                    "level_id": self.level_of.get(h),
                }
                for k, free, h, pt in zip(kinds, step_free, halls, points, strict=True)
            ),
        )
        self.ext[S.OPENINGS] = dict(zip(ids, _records(openings), strict=True))

    def write_obstacles(self) -> None:
        obstacles = self.venue.obstacles
        kinds = _column(obstacles, Col.KIND)
        halls = _column(obstacles, Col.HALL_ID)
        own = _column(obstacles, Col.OBSTACLE_ID)
        ids = [
            self.fid("obstacle", o or f"{h}#{k}")
            for k, (o, h) in enumerate(zip(own, halls, strict=True))
        ]
        points = self.points(obstacles.geometry.values)
        records = _records(obstacles)
        for ftype in (FeatureType.FIXTURE, FeatureType.UNIT):
            rows = [
                k
                for k, kind in enumerate(kinds)
                if OBSTACLE_FEATURE.get(kind, (FeatureType.FIXTURE,))[0] is ftype
            ]
            self.add(
                ftype,
                [ids[k] for k in rows],
                np.asarray(obstacles.geometry.values)[rows],
                (self._obstacle_props(ftype, kinds[k], halls[k], points[k]) for k in rows),
            )
        self.ext[S.OBSTACLES] = dict(zip(ids, records, strict=True))

    def _obstacle_props(
        self, ftype: FeatureType, kind: str, hall: str, point: dict[str, Any]
    ) -> dict[str, Any]:
        category = OBSTACLE_FEATURE.get(kind, (FeatureType.FIXTURE, "obstruction"))[1]
        props: dict[str, Any] = {"category": category}
        if ftype is FeatureType.UNIT:
            props.update({"restriction": None, "accessibility": None})
        else:
            props["anchor_id"] = None
        props.update(
            {
                "name": None,
                "alt_name": None,
                "level_id": self.level_of.get(hall),
                "display_point": point,
            }
        )
        return props

    def write_kiosks(self) -> None:
        kiosks = self.venue.kiosks
        ids = [self.fid("kiosk", str(k)) for k in kiosks[Col.KIOSK_ID]]
        headings = [
            float(h) if _text_of(h) else 0.0
            for h in kiosks.get(Col.HEADING_DEG, [0.0] * len(kiosks))
        ]
        half = KIOSK_SIDE_M / 2
        squares = [
            shapely.affinity.rotate(
                shapely.box(p.x - half, p.y - half, p.x + half, p.y + half),
                -h if math.isfinite(h) else 0.0,
                origin=(p.x, p.y),
            )
            for p, h in zip(kiosks.geometry.values, headings, strict=True)
        ]
        points = self.points(kiosks.geometry.values)
        halls = _column(kiosks, Col.HALL_ID)
        self.add(
            FeatureType.KIOSK,
            ids,
            squares,
            (
                {
                    "name": labels(str(k)),
                    "alt_name": None,
                    "anchor_id": None,
                    "level_id": self.level_of.get(h),
                    "display_point": pt,
                }
                for k, h, pt in zip(kiosks[Col.KIOSK_ID], halls, points, strict=True)
            ),
        )
        self.ext[S.KIOSKS] = dict(zip(ids, _records(kiosks), strict=True))

    def write_amenities(self) -> None:
        amenities = self.venue.amenities
        ids = [self.fid("amenity", str(a)) for a in amenities[Col.AMENITY_ID]]
        kinds = _column(amenities, Col.KIND)
        names = _column(amenities, Col.NAME)
        names_zh = _column(amenities, NAME_ZH)
        units = self._units_under(amenities)
        self.add(
            FeatureType.AMENITY,
            ids,
            amenities.geometry.values,
            (
                {
                    "category": AMENITY_CATEGORY.get(k, "unspecified"),
                    "accessibility": None,
                    "name": labels(n or amenity_name(k, Lang.EN), z),
                    "alt_name": None,
                    "hours": None,
                    "phone": None,
                    "website": None,
                    "unit_ids": u,
                    "address_id": None,
                    "correlation_id": None,
                }
                for k, n, z, u in zip(kinds, names, names_zh, units, strict=True)
            ),
        )
        self.ext[S.AMENITIES] = dict(zip(ids, _records(amenities), strict=True))

    def _units_under(self, amenities: gpd.GeoDataFrame) -> list[list[str]]:
        """Return, per amenity, the unit it stands in: a booth, else its hall's walkway."""
        booths = self.venue.booths
        hit = gpd.sjoin(
            amenities[[S.GEOMETRY]], booths[[Col.BOOTH_ID, S.GEOMETRY]], predicate="within"
        )
        in_booth = {int(i): str(b) for i, b in zip(hit.index, hit[Col.BOOTH_ID], strict=True)}
        out: list[list[str]] = []
        for k, hall in enumerate(_column(amenities, Col.HALL_ID)):
            booth = in_booth.get(int(amenities.index[k]))
            if booth is not None:
                out.append([self.fid("booth", booth)])
            elif hall in self.walkway_of:
                out.append([self.walkway_of[hall]])
            else:
                # A hall filled with booths has no walkway: the level's first booth stands in.
                first = booths[booths[Col.HALL_ID] == hall][Col.BOOTH_ID]
                out.append([self.fid("booth", str(first.iloc[0]))] if len(first) else [])
        return out


_ALWAYS_WRITTEN = frozenset(
    {
        FeatureType.ADDRESS,
        FeatureType.VENUE,
        FeatureType.BUILDING,
        FeatureType.FOOTPRINT,
        FeatureType.LEVEL,
        FeatureType.UNIT,
    }
)


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in {"false", "0", "no", "n", "f"}
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return bool(value)


def _polygonal(geom: Any) -> Any | None:
    """Return the polygons of ``geom`` as a Polygon or MultiPolygon (None when none)."""
    if geom is None or shapely.is_empty(geom):
        return None
    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 1e-6]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _zone_labels(zone: str) -> dict[str, str] | None:
    try:
        return labels(text(f"zone.{zone}", Lang.EN), text(f"zone.{zone}", Lang.ZH))
    except ValueError:
        return labels(zone)
