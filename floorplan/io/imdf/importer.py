"""Turn an IMDF archive into a venue, saying what had no counterpart in the venue format.

The archive's geometry and names are authoritative. Levels become halls; units become
booths (``room``, ``unenclosedarea``, ``unspecified`` and any unit an occupant is
anchored to), restroom-like units become amenities, columns obstacles; occupants give
the booths' exhibitors (``en`` and ``zh-Hans`` labels); sections give zones where their
names match one; openings become doors (``emergencyexit`` -> ``emergency_exit``,
``pedestrian.principal`` -> ``entrance``, a door on the wall two halls share ->
``connection``); fixtures obstacles; kiosks and amenities their layers.

An archive floorplan wrote carries its extension (:data:`~floorplan.io.imdf.spec.EXTENSION_FILE`):
every property of the venue format keyed by the UUID of the feature that carries the
geometry, and the events. With it, ids and every detail come back as they were; without
it ids are derived from names (or UUIDs) and the defaults of the format fill the rest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape

from floorplan import schema as S
from floorplan.errors import VenueReadError
from floorplan.i18n import Lang, text
from floorplan.io._normalise import RawVenue, build_venue, empty_layer
from floorplan.io.imdf.archive import Archive, read_archive
from floorplan.io.imdf.spec import EXTENSION_ID, FeatureType, file_name
from floorplan.io.imdf.validator import validate_read
from floorplan.io.imdf.writer import AMENITY_CATEGORY, NAME_ZH, ZH_TAG
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col, OpeningKind, Zone
from floorplan.validate import validate
from floorplan.venue import Venue

__all__ = ["ImdfImport", "Unmatched", "import_imdf"]

#: Unit categories read as booths (besides any unit an occupant is anchored to).
BOOTH_CATEGORIES = frozenset({"room", "unenclosedarea", "unspecified"})
#: Unit categories that are the hall's open floor: the hall itself stands for them.
FLOOR_CATEGORIES = frozenset({"walkway", "walkway.island", "lobby"})
#: Unit categories that are an obstacle of the same kind.
OBSTACLE_CATEGORIES = frozenset({"column", "structure"})
#: Unit categories that are an amenity (at the unit's inside point), and its kind.
UNIT_AMENITY = {
    "restroom": "restroom",
    "firstaid": "first_aid",
    "foodservice": "cafe",
    "conferenceroom": "meeting_room",
    "auditorium": "stage",
}
#: Amenity categories -> amenity kinds, beyond the reverse of the writer's table.
_AMENITY_KIND = {
    **{v: k for k, v in AMENITY_CATEGORY.items()},
    "eatingdrinking": "cafe",
    "guestservices": "info",
}
#: A door lies on a hall's wall when it is this close to it (as the format's rule says).
_ON_WALL_M = 0.05
_FOOT_DOORS = frozenset(
    {"emergencyexit", "pedestrian.principal", "pedestrian", "pedestrian.transit"}
)
_ZH_TAGS = (ZH_TAG, "zh", "zh-CN", "zh-Hans-CN", "zh-SG")


@dataclass(frozen=True)
class Unmatched:
    """An IMDF feature the venue format has no counterpart for, or that could not be used."""

    file: str
    id: str
    category: str
    reason: str

    def __str__(self) -> str:
        what = f" ({self.category})" if self.category else ""
        return f"{self.file}/{self.id}{what}: {self.reason}"


@dataclass(frozen=True)
class ImdfImport:
    """The result of :func:`import_imdf`.

    Attributes
    ----------
    venue
        The venue; ``venue.problems`` lists the venue-format rules it breaks.
    unmatched
        Features with no counterpart in the venue format (or unusable), one record each.
    archive_problems
        The IMDF structural rules the archive breaks (it is imported all the same).
    ours
        Whether the archive carried floorplan's extension.
    """

    venue: Venue
    unmatched: tuple[Unmatched, ...]
    archive_problems: tuple[Problem, ...]
    ours: bool


def import_imdf(src: str | Path | bytes, *, default_zone: str = Zone.SERVICES.value) -> ImdfImport:
    """Read the IMDF archive ``src`` as a venue.

    Parameters
    ----------
    src
        The archive's path, or its bytes.
    default_zone
        The zone of a booth no section names a zone for (each such booth is reported).

    Raises
    ------
    VenueReadError
        When the archive cannot be read, or its levels or units cannot.
    OptionError
        When ``default_zone`` is not a zone.
    """
    zone = S.parse_option(Zone, default_zone, what="zone").value
    archive = read_archive(src)
    problems = validate_read(archive)
    fatal = [
        p
        for p in problems
        if p.rule in (RuleCode.UNREADABLE, RuleCode.IMDF_MISSING_FILE)
        and p.layer in (file_name(FeatureType.LEVEL), file_name(FeatureType.UNIT))
    ]
    if fatal:
        msg = f"IMDF archive {archive.where}: its levels or units cannot be read"
        raise VenueReadError(msg, fatal)
    importer = _Importer(archive, zone)
    venue = importer.build()
    venue.problems = [*venue.problems, *validate(venue)]
    return ImdfImport(venue, tuple(importer.unmatched), tuple(problems), importer.ext is not None)


@dataclass
class _Feat:
    """A feature of the archive with its geometry in the venue's CRS."""

    fid: str
    ftype: FeatureType
    props: dict[str, Any]
    geom: Any

    @property
    def category(self) -> str:
        value = self.props.get("category")
        return value if isinstance(value, str) else ""

    def ref(self, name: str) -> str:
        value = self.props.get(name)
        return value if isinstance(value, str) else ""


@dataclass
class _Layer:
    """Rows of one venue layer being built: records and geometries."""

    records: list[dict[str, Any]] = field(default_factory=list)
    geoms: list[Any] = field(default_factory=list)

    def add(self, record: dict[str, Any], geom: Any) -> None:
        self.records.append(record)
        self.geoms.append(geom)


class _Importer:
    def __init__(self, archive: Archive, default_zone: str) -> None:
        self.archive = archive
        self.default_zone = default_zone
        ext = archive.extension
        self.ext = ext if isinstance(ext, dict) and ext.get("extension") == EXTENSION_ID else None
        self.unmatched: list[Unmatched] = []
        self.layers = {layer: _Layer() for layer in S.LAYERS}
        self.crs = self._crs()
        to_xy = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)

        def project(ll: np.ndarray) -> np.ndarray:
            x, y = to_xy.transform(ll[:, 0], ll[:, 1])
            return np.column_stack([x, y])

        self.project = project
        self.feats = {t: self._parse(t) for t in FeatureType}
        self.by_id = {f.fid: f for feats in self.feats.values() for f in feats}
        self.hall_of_level: dict[str, str] = {}
        self.booth_of_unit: dict[str, int] = {}

    # ------------------------------------------------------------ reading

    def _crs(self) -> CRS:
        given = (self.ext or {}).get("venue", {}).get("crs")
        if given:
            try:
                crs = CRS.from_user_input(given)
            except Exception:
                crs = None
            if crs is not None and crs.is_projected:
                return crs
        shapes = [
            shape(f["geometry"])
            for f in self.archive.of(FeatureType.LEVEL)
            if isinstance(f, dict) and isinstance(f.get("geometry"), dict)
        ]
        try:
            utm = gpd.GeoSeries(shapes, crs="EPSG:4326").estimate_utm_crs()
        except (ValueError, RuntimeError, AttributeError, TypeError):
            msg = f"IMDF archive {self.archive.where}: cannot place its levels on the Earth"
            raise VenueReadError(
                msg, [Problem("level.geojson", None, RuleCode.BAD_CRS, msg)]
            ) from None
        return CRS.from_user_input(utm)

    def _parse(self, ftype: FeatureType) -> list[_Feat]:
        out = []
        for raw in self.archive.of(ftype):
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            given = raw.get("properties")
            props: dict[str, Any] = given if isinstance(given, dict) else {}
            geom = None
            if isinstance(raw.get("geometry"), dict):
                try:
                    geom = shapely.transform(shape(raw["geometry"]), self.project)
                except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                    self.skip(
                        ftype, raw["id"], str(props.get("category") or ""), "unusable geometry"
                    )
                    continue
                if not shapely.is_valid(geom):
                    geom = shapely.make_valid(geom)
            out.append(_Feat(raw["id"], ftype, props, geom))
        return out

    def skip(self, ftype: FeatureType, fid: str, category: str, reason: str) -> None:
        self.unmatched.append(Unmatched(file_name(ftype), fid, category, reason))

    def record(self, layer: str, fid: str) -> dict[str, Any] | None:
        """Return the extension's record of the venue feature carried by IMDF feature ``fid``."""
        if self.ext is None:
            return None
        table = self.ext.get(layer)
        rec = table.get(fid) if isinstance(table, dict) else None
        return dict(rec) if isinstance(rec, dict) else None

    # ------------------------------------------------------------ building

    def build(self) -> Venue:
        self.halls()
        self.units()
        self.occupants()
        self.openings()
        self.fixtures()
        self.kiosks()
        self.amenities()
        self.leftovers()
        layers: dict[str, gpd.GeoDataFrame | None] = {}
        for name, layer in self.layers.items():
            if layer.records:
                layers[name] = gpd.GeoDataFrame(
                    pd.DataFrame(layer.records), geometry=layer.geoms, crs=self.crs
                )
            else:
                layers[name] = empty_layer(name, self.crs)
        raw = RawVenue(
            where=self.archive.where, layers=layers, events=self.events(), meta=self.meta()
        )
        return build_venue(raw)

    def meta(self) -> dict[str, Any]:
        if self.ext is not None and isinstance(self.ext.get("venue"), dict):
            meta = dict(self.ext["venue"])
        else:
            meta = {}
            venues = self.feats[FeatureType.VENUE]
            if venues:
                name = venues[0].props.get("name")
                meta["name"] = _label(name, ("en",)) or _label(name, None)
                if zh := _label(name, _ZH_TAGS):
                    meta[NAME_ZH] = zh
            addresses = self.feats[FeatureType.ADDRESS]
            if addresses:
                meta["address"] = {
                    k: v for k, v in addresses[0].props.items() if isinstance(v, str) and v
                }
        meta["crs"] = self.crs.to_string()
        return meta

    def events(self) -> pd.DataFrame | None:
        rows = (self.ext or {}).get("events")
        if not isinstance(rows, list) or not rows:
            return None
        return pd.DataFrame([r for r in rows if isinstance(r, dict)])

    def halls(self) -> None:
        levels = self.feats[FeatureType.LEVEL]
        short = [_label(f.props.get("short_name"), ("en",)) for f in levels]
        unique_short = {s for s, n in Counter(short).items() if s and n == 1}
        used: set[str] = set()
        for k, feat in enumerate(levels):
            poly = self._one_polygon(feat)
            if poly is None:
                continue
            rec = self.record(S.HALLS, feat.fid)
            if rec is None:
                name = _label(feat.props.get("name"), ("en",)) or _label(
                    feat.props.get("name"), None
                )
                hall_id = short[k] if short[k] in unique_short else (name or f"L{k + 1}")
                rec = {
                    Col.HALL_ID: _unique(hall_id, used),
                    Col.NAME: name,
                    Col.LEVEL: feat.props.get("ordinal", 0),
                    Col.KIND: S.HallKind.HALL.value,
                }
                if zh := _label(feat.props.get("name"), _ZH_TAGS):
                    rec[NAME_ZH] = zh
            used.add(str(rec.get(Col.HALL_ID)))
            self.hall_of_level[feat.fid] = str(rec.get(Col.HALL_ID))
            self.layers[S.HALLS].add(rec, poly)

    def _one_polygon(self, feat: _Feat) -> Any | None:
        if feat.geom is None:
            self.skip(feat.ftype, feat.fid, feat.category, "no usable geometry")
            return None
        parts = [p for p in shapely.get_parts(feat.geom) if p.geom_type == "Polygon"]
        if not parts:
            self.skip(feat.ftype, feat.fid, feat.category, "not a polygon")
            return None
        if len(parts) > 1:
            self.skip(
                feat.ftype,
                feat.fid,
                feat.category,
                f"{len(parts) - 1} smaller part(s) dropped: the format's features are one polygon",
            )
        return max(parts, key=lambda p: p.area)

    def hall_of(self, feat: _Feat) -> str | None:
        hall = self.hall_of_level.get(feat.ref("level_id"))
        if hall is None:
            self.skip(feat.ftype, feat.fid, feat.category, "its level is not a hall read")
        return hall

    def units(self) -> None:
        anchored = {
            self.by_id[a].ref("unit_id")
            for o in self.feats[FeatureType.OCCUPANT]
            if (a := o.ref("anchor_id")) in self.by_id
        }
        used: set[str] = set()
        sections = self._zone_sections()
        for feat in self.feats[FeatureType.UNIT]:
            booth = self.record(S.BOOTHS, feat.fid)
            obstacle = self.record(S.OBSTACLES, feat.fid)
            known = booth is not None or obstacle is not None
            if booth is not None or (
                not known and (feat.category in BOOTH_CATEGORIES or feat.fid in anchored)
            ):
                self._booth(feat, booth, used, sections)
            elif obstacle is not None or feat.category in OBSTACLE_CATEGORIES:
                self._obstacle(feat, obstacle)
            elif feat.category in FLOOR_CATEGORIES:
                continue  # the hall's floor stands for it
            elif kind := UNIT_AMENITY.get(feat.category.split(".")[0]):
                self._unit_amenity(feat, kind)
            else:
                self.skip(feat.ftype, feat.fid, feat.category, "no booth, floor or amenity like it")

    def _booth(
        self,
        feat: _Feat,
        rec: dict[str, Any] | None,
        used: set[str],
        sections: list[tuple[Any, str]],
    ) -> None:
        poly = self._one_polygon(feat)
        if poly is None:
            return
        if rec is None:
            hall = self.hall_of(feat)
            if hall is None:
                return
            name = _label(feat.props.get("name"), ("en",)) or _label(feat.props.get("name"), None)
            rec = {
                Col.BOOTH_ID: _unique(name or f"B-{feat.fid[:8]}", used),
                Col.HALL_ID: hall,
                Col.ZONE: self._zone_at(feat, poly, sections),
            }
        used.add(str(rec.get(Col.BOOTH_ID)))
        # The occupants say who exhibits; a booth nobody occupies is not let.
        rec[Col.EXHIBITOR] = ""
        rec[Col.EXHIBITOR_ZH] = ""
        self.booth_of_unit[feat.fid] = len(self.layers[S.BOOTHS].records)
        self.layers[S.BOOTHS].add(rec, poly)

    def _zone_sections(self) -> list[tuple[Any, str]]:
        """Return (geometry, zone) of the sections whose names name a zone."""
        names: dict[str, str] = {}
        for zone in Zone:
            for lang in (Lang.EN, Lang.ZH):
                names[text(f"zone.{zone.value}", lang).casefold()] = zone.value
            names[zone.value] = zone.value
        out = []
        for feat in self.feats[FeatureType.SECTION]:
            labels = feat.props.get("name")
            found = {
                names[v.strip().casefold()]
                for v in (labels.values() if isinstance(labels, dict) else ())
                if isinstance(v, str) and v.strip().casefold() in names
            }
            if len(found) == 1 and feat.geom is not None:
                out.append((feat.geom, found.pop()))
            else:
                self.skip(feat.ftype, feat.fid, feat.category, "its name names no zone")
        return out

    def _zone_at(self, feat: _Feat, poly: Any, sections: list[tuple[Any, str]]) -> str:
        inside = poly.representative_point()
        for geom, zone in sections:
            if geom.covers(inside):
                return zone
        self.skip(
            feat.ftype, feat.fid, feat.category, f"no zone's section; zone {self.default_zone}"
        )
        return self.default_zone

    def _obstacle(self, feat: _Feat, rec: dict[str, Any] | None) -> None:
        poly = self._one_polygon(feat)
        if poly is None:
            return
        if rec is None:
            hall = self.hall_of(feat)
            if hall is None:
                return
            rec = {
                Col.OBSTACLE_ID: _label(feat.props.get("name"), None) or f"F-{feat.fid[:8]}",
                Col.KIND: feat.category.replace(".", "_") or "obstacle",
                Col.HALL_ID: hall,
            }
        self.layers[S.OBSTACLES].add(rec, poly)

    def _unit_amenity(self, feat: _Feat, kind: str) -> None:
        hall = self.hall_of(feat)
        if hall is None or feat.geom is None:
            return
        name = _label(feat.props.get("name"), ("en",)) or ""
        rec = {
            Col.AMENITY_ID: f"U-{feat.fid[:8]}",
            Col.KIND: kind,
            Col.HALL_ID: hall,
            Col.NAME: name,
        }
        if zh := _label(feat.props.get("name"), _ZH_TAGS):
            rec[NAME_ZH] = zh
        self.layers[S.AMENITIES].add(rec, feat.geom.representative_point())

    def occupants(self) -> None:
        booths = self.layers[S.BOOTHS].records
        taken: set[int] = set()
        for feat in self.feats[FeatureType.OCCUPANT]:
            anchor = self.by_id.get(feat.ref("anchor_id"))
            row = self.booth_of_unit.get(anchor.ref("unit_id")) if anchor else None
            if row is None:
                self.skip(feat.ftype, feat.fid, feat.category, "not anchored to a booth")
                continue
            if row in taken:
                self.skip(
                    feat.ftype,
                    feat.fid,
                    feat.category,
                    f"booth {booths[row][Col.BOOTH_ID]} has an occupant already",
                )
                continue
            taken.add(row)
            names = feat.props.get("name")
            booths[row][Col.EXHIBITOR] = _label(names, ("en",)) or (
                "" if _label(names, _ZH_TAGS) else _label(names, None)
            )
            booths[row][Col.EXHIBITOR_ZH] = _label(names, _ZH_TAGS)

    def openings(self) -> None:
        halls = self.layers[S.HALLS]
        walls = [shapely.boundary(g) for g in halls.geoms]
        hall_ids = [str(r[Col.HALL_ID]) for r in halls.records]
        for feat in self.feats[FeatureType.OPENING]:
            rec = self.record(S.OPENINGS, feat.fid)
            if feat.geom is None or feat.geom.geom_type != "LineString":
                self.skip(feat.ftype, feat.fid, feat.category, "not a line")
                continue
            if rec is None:
                rec = self._door(feat, walls, hall_ids)
                if rec is None:
                    continue
            self.layers[S.OPENINGS].add(rec, feat.geom)

    def _door(self, feat: _Feat, walls: list[Any], hall_ids: list[str]) -> dict[str, Any] | None:
        category = feat.category
        if category not in _FOOT_DOORS:
            self.skip(feat.ftype, feat.fid, category, "not a door for people on foot")
            return None
        on = [
            h
            for h, w in zip(hall_ids, walls, strict=True)
            if w.buffer(_ON_WALL_M).covers(feat.geom)
        ]
        home = self.hall_of_level.get(feat.ref("level_id"))
        if not on:
            self.skip(feat.ftype, feat.fid, category, "not in a hall's wall (a door between rooms)")
            return None
        hall = home if home in on else on[0]
        others = [h for h in on if h != hall]
        if category == "emergencyexit":
            kind = OpeningKind.EMERGENCY_EXIT
        elif others:
            kind = OpeningKind.CONNECTION
        else:
            kind = OpeningKind.ENTRANCE
        access = feat.props.get("accessibility")
        return {
            Col.OPENING_ID: _label(feat.props.get("name"), None) or f"D-{feat.fid[:8]}",
            Col.HALL_ID: hall,
            Col.KIND: kind.value,
            Col.WIDTH_M: round(float(feat.geom.length), 3),
            Col.CONNECTS: others[0] if kind is OpeningKind.CONNECTION else "",
            Col.STEP_FREE: not isinstance(access, list) or "wheelchair" in access or not access,
        }

    def fixtures(self) -> None:
        booths = self.layers[S.BOOTHS]
        tree = shapely.STRtree(booths.geoms) if booths.geoms else None
        for feat in self.feats[FeatureType.FIXTURE]:
            rec = self.record(S.OBSTACLES, feat.fid)
            if rec is None and tree is not None and feat.geom is not None:
                hits = tree.query(feat.geom.representative_point(), predicate="within")
                if len(hits):
                    booth = booths.records[int(hits[0])][Col.BOOTH_ID]
                    self.skip(feat.ftype, feat.fid, feat.category, f"inside booth {booth}")
                    continue
            self._obstacle(feat, rec)

    def kiosks(self) -> None:
        used: set[str] = set()
        for feat in self.feats[FeatureType.KIOSK]:
            point = self._display_point(feat)
            if point is None:
                continue
            rec = self.record(S.KIOSKS, feat.fid)
            if rec is None:
                hall = self.hall_of(feat)
                if hall is None:
                    continue
                name = _label(feat.props.get("name"), None)
                rec = {
                    Col.KIOSK_ID: _unique(name or f"K-{feat.fid[:8]}", used),
                    Col.HALL_ID: hall,
                    Col.HEADING_DEG: 0.0,
                }
            used.add(str(rec.get(Col.KIOSK_ID)))
            self.layers[S.KIOSKS].add(rec, point)

    def _display_point(self, feat: _Feat) -> Any | None:
        dp = feat.props.get("display_point")
        if isinstance(dp, dict) and isinstance(dp.get("coordinates"), list):
            try:
                return shapely.transform(shape(dp), self.project)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                pass
        if feat.geom is None:
            self.skip(feat.ftype, feat.fid, feat.category, "no usable geometry")
            return None
        return feat.geom.centroid

    def amenities(self) -> None:
        for feat in self.feats[FeatureType.AMENITY]:
            if feat.geom is None or feat.geom.geom_type != "Point":
                self.skip(feat.ftype, feat.fid, feat.category, "not a point")
                continue
            rec = self.record(S.AMENITIES, feat.fid)
            if rec is None:
                rec = self._amenity(feat)
                if rec is None:
                    continue
            self.layers[S.AMENITIES].add(rec, feat.geom)

    def _amenity(self, feat: _Feat) -> dict[str, Any] | None:
        units = feat.props.get("unit_ids")
        unit = self.by_id.get(units[0]) if isinstance(units, list) and units else None
        hall = self.hall_of_level.get(unit.ref("level_id")) if unit else None
        if hall is None:
            hall = next(
                (
                    str(r[Col.HALL_ID])
                    for r, g in zip(
                        self.layers[S.HALLS].records, self.layers[S.HALLS].geoms, strict=True
                    )
                    if g.covers(feat.geom)
                ),
                None,
            )
        if hall is None:
            self.skip(feat.ftype, feat.fid, feat.category, "stands in no hall")
            return None
        category = feat.category
        kind = _AMENITY_KIND.get(category) or _AMENITY_KIND.get(category.split(".")[0])
        rec = {
            Col.AMENITY_ID: f"A-{feat.fid[:8]}",
            Col.KIND: kind or category.replace(".", "_") or "other",
            Col.HALL_ID: hall,
            Col.NAME: _label(feat.props.get("name"), ("en",)),
        }
        if zh := _label(feat.props.get("name"), _ZH_TAGS):
            rec[NAME_ZH] = zh
        return rec

    def leftovers(self) -> None:
        """Report every feature of a type the venue format has no layer for."""
        for ftype in (FeatureType.DETAIL, FeatureType.GEOFENCE, FeatureType.RELATIONSHIP):
            for feat in self.feats[ftype]:
                self.skip(ftype, feat.fid, feat.category, f"the venue format has no {ftype.value}s")


def _label(labels: object, tags: tuple[str, ...] | None) -> str:
    """Return the first non-empty name of LABELS among ``tags`` (any tag for None)."""
    if not isinstance(labels, dict):
        return ""
    keys = tags if tags is not None else tuple(labels)
    for tag in keys:
        value = labels.get(tag)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _unique(wanted: str, used: set[str]) -> str:
    if wanted not in used:
        return wanted
    n = 2
    while f"{wanted}-{n}" in used:
        n += 1
    return f"{wanted}-{n}"
