"""Check an IMDF archive against the structural rules of IMDF 1.0.0 (ours or another tool's).

Each rule has its own :class:`~floorplan.problems.RuleCode` (``imdf_*``, rule set
``imdf``); a problem names the archive member (``unit.geojson``), the feature's id and
what is wrong:

- ``imdf_missing_file``: the manifest and the venue's skeleton files are present;
- ``imdf_manifest``: the manifest has ``version`` 1.0.0, a ``created`` date-time and a
  ``language`` tag;
- ``imdf_feature_id``, ``imdf_duplicate_id``: every feature has a UUID ``id``, unique
  in the archive;
- ``imdf_feature_type``: every feature is a GeoJSON Feature whose ``feature_type``
  names its file;
- ``imdf_missing_property``, ``imdf_bad_value``: required properties are present and
  every value is of its kind (LABELS, categories of the spec's value sets, booleans...);
- ``imdf_geometry_type``: geometry types per feature type (null for unlocated ones);
- ``imdf_invalid_geometry``: coordinates are finite longitude/latitude, rings closed
  with four positions or more, polygons valid with area;
- ``imdf_winding_order``: exterior rings counter-clockwise, holes clockwise (RFC 7946);
- ``imdf_bad_reference``: every reference names a feature of the right type (unit ->
  level, anchor -> unit, occupant -> anchor, opening -> level, amenity -> units...);
- ``imdf_level_ordinal``: ordinals are integers, and one building's levels of the same
  ordinal do not overlap;
- ``imdf_display_point``: display points lie on their feature;
- ``imdf_venue_count``: exactly one venue.
"""

from __future__ import annotations

import math
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely
from shapely.geometry import shape

from floorplan.io.imdf.archive import Archive, read_archive
from floorplan.io.imdf.spec import (
    IMDF_VERSION,
    LANGUAGE_TAG,
    MANIFEST_FILE,
    REQUIRED_FILES,
    FeatureType,
    Kind,
    Prop,
    category_set,
    file_name,
    geometry_types,
    properties,
)
from floorplan.problems import Problem, RuleCode

__all__ = ["validate_archive", "validate_read"]

#: A display point may sit this far (degrees, about 1 mm) outside its feature's outline.
_ON_FEATURE_DEG = 1e-8


def validate_archive(src: str | Path | bytes | Archive) -> list[Problem]:
    """Return every structural rule the IMDF archive ``src`` breaks (``[]``: valid).

    Members that cannot be read are reported with the rule ``unreadable``.

    Raises
    ------
    VenueReadError
        When ``src`` does not exist or is not a ZIP file.
    """
    archive = src if isinstance(src, Archive) else read_archive(src)
    return validate_read(archive)


def validate_read(archive: Archive) -> list[Problem]:
    """Return the problems of an archive already read (reading problems first)."""
    check = _Check(archive)
    check.run()
    return [*archive.problems, *check.problems]


@dataclass
class _Feature:
    """One feature as read, with what later rules need."""

    file: str
    ftype: FeatureType
    fid: str | None
    raw: dict[str, Any]
    props: dict[str, Any]
    geom: Any = None  # shapely geometry when the geometry is well formed


@dataclass
class _Check:
    archive: Archive
    problems: list[Problem] = field(default_factory=list)
    feats: list[_Feature] = field(default_factory=list)
    by_id: dict[str, _Feature] = field(default_factory=dict)

    def add(self, file: str, fid: str | None, rule: RuleCode, message: str) -> None:
        where = f"{file}/{fid}" if fid else file
        self.problems.append(Problem(file, fid, rule, f"{where}: {message}"))

    def run(self) -> None:
        self.files()
        self.manifest()
        for ftype, raws in self.archive.features.items():
            for raw in raws:
                self.feature(ftype, raw)
        self.venue_count()
        for feat in self.feats:
            self.props(feat)
        self.display_points()
        self.ordinals()

    # ------------------------------------------------------------ archive

    def files(self) -> None:
        unreadable = {p.layer for p in self.archive.problems}
        for name in REQUIRED_FILES:
            if name not in self.archive.members and name not in unreadable:
                self.add(name, None, RuleCode.IMDF_MISSING_FILE, "the archive has no such member")

    def manifest(self) -> None:
        m = self.archive.manifest
        if m is None:
            return
        bad = []
        if m.get("version") != IMDF_VERSION:
            bad.append(f"version must be {IMDF_VERSION!r}, not {m.get('version')!r}")
        created = m.get("created")
        if not isinstance(created, str) or not _is_datetime(created):
            bad.append(f"created must be an RFC 3339 date-time, not {created!r}")
        lang = m.get("language")
        if not isinstance(lang, str) or not LANGUAGE_TAG.fullmatch(lang):
            bad.append(f"language must be a BCP 47 tag, not {lang!r}")
        ext = m.get("extensions")
        if ext is not None and not (isinstance(ext, list) and all(isinstance(e, str) for e in ext)):
            bad.append("extensions must be null or a list of extension names")
        gen = m.get("generated_by")
        if gen is not None and not isinstance(gen, str):
            bad.append("generated_by must be null or text")
        for message in bad:
            self.add(MANIFEST_FILE, None, RuleCode.IMDF_MANIFEST, message)

    def venue_count(self) -> None:
        if FeatureType.VENUE not in self.archive.features:
            return
        n = sum(1 for f in self.feats if f.ftype is FeatureType.VENUE)
        if n != 1:
            self.add(
                file_name(FeatureType.VENUE),
                None,
                RuleCode.IMDF_VENUE_COUNT,
                f"an archive describes exactly one venue; this one has {n}",
            )

    # ------------------------------------------------------------ each feature

    def feature(self, ftype: FeatureType, raw: object) -> None:
        name = file_name(ftype)
        if not isinstance(raw, dict):
            self.add(
                name, None, RuleCode.IMDF_FEATURE_TYPE, "a member of features is not an object"
            )
            return
        fid = raw.get("id")
        shown = str(fid) if isinstance(fid, str | int) else None
        if not isinstance(fid, str) or not _is_uuid(fid):
            self.add(name, shown, RuleCode.IMDF_FEATURE_ID, f"id {fid!r} is not a UUID")
        elif fid in self.by_id:
            other = self.by_id[fid]
            self.add(
                name, fid, RuleCode.IMDF_DUPLICATE_ID, f"id is used again (first in {other.file})"
            )
        if raw.get("type") != "Feature":
            self.add(name, shown, RuleCode.IMDF_FEATURE_TYPE, "type must be 'Feature'")
        if raw.get("feature_type") != ftype.value:
            self.add(
                name,
                shown,
                RuleCode.IMDF_FEATURE_TYPE,
                f"feature_type {raw.get('feature_type')!r} in {name} (must be {ftype.value!r})",
            )
        props = raw.get("properties")
        if not isinstance(props, dict):
            self.add(name, shown, RuleCode.IMDF_MISSING_PROPERTY, "properties must be an object")
            props = {}
        feat = _Feature(name, ftype, shown, raw, props)
        feat.geom = self.geometry(feat, raw.get("geometry", "missing"))
        self.feats.append(feat)
        if isinstance(fid, str) and fid not in self.by_id:
            self.by_id[fid] = feat

    def geometry(self, feat: _Feature, geom: object) -> Any:
        allowed = geometry_types(feat.ftype)
        gtype = geom.get("type") if isinstance(geom, dict) else None
        if geom is None or geom == "missing":
            if None not in allowed:
                self.add(
                    feat.file,
                    feat.fid,
                    RuleCode.IMDF_GEOMETRY_TYPE,
                    f"geometry is missing; a {feat.ftype.value} is a {_kinds(allowed)}",
                )
            return None
        if gtype not in allowed:
            self.add(
                feat.file,
                feat.fid,
                RuleCode.IMDF_GEOMETRY_TYPE,
                f"geometry is a {gtype or 'malformed object'}; a {feat.ftype.value} "
                f"is {_kinds(allowed)}",
            )
            return None
        assert isinstance(geom, dict)
        why = _coordinates_problem(str(gtype), geom.get("coordinates"))
        if why:
            self.add(feat.file, feat.fid, RuleCode.IMDF_INVALID_GEOMETRY, why)
            return None
        shp = shape(geom)
        if gtype in ("Polygon", "MultiPolygon"):
            if not shapely.is_valid(shp) or shp.area <= 0:
                reason = shapely.is_valid_reason(shp) if not shapely.is_valid(shp) else "no area"
                self.add(feat.file, feat.fid, RuleCode.IMDF_INVALID_GEOMETRY, f"polygon {reason}")
                return None
            winding = _winding_problem(geom)
            if winding:
                self.add(feat.file, feat.fid, RuleCode.IMDF_WINDING_ORDER, winding)
        return shp

    def props(self, feat: _Feature) -> None:
        for prop in properties(feat.ftype):
            value = feat.props.get(prop.name)
            if value is None:
                if prop.required:
                    self.add(
                        feat.file,
                        feat.fid,
                        RuleCode.IMDF_MISSING_PROPERTY,
                        f"required property {prop.name!r} is "
                        f"{'null' if prop.name in feat.props else 'missing'}",
                    )
                continue
            if prop.name == "ordinal" and feat.ftype is FeatureType.LEVEL:
                continue  # the level_ordinal rule's
            if prop.kind in (Kind.REF, Kind.REFS, Kind.FEATURE_REF):
                self.references(feat, prop, value)
                continue
            why = _value_problem(prop, value)
            if why:
                self.add(feat.file, feat.fid, RuleCode.IMDF_BAD_VALUE, f"{prop.name}: {why}")

    def references(self, feat: _Feature, prop: Prop, value: object) -> None:
        if prop.kind is Kind.REFS:
            if not isinstance(value, list) or (prop.non_empty and not value):
                what = "a non-empty list" if prop.non_empty else "a list"
                self.add(
                    feat.file,
                    feat.fid,
                    RuleCode.IMDF_BAD_VALUE,
                    f"{prop.name} must be {what} of ids",
                )
                return
            targets: list[object] = list(value)
        elif prop.kind is Kind.FEATURE_REF:
            if not isinstance(value, dict):
                self.add(
                    feat.file,
                    feat.fid,
                    RuleCode.IMDF_BAD_VALUE,
                    f"{prop.name} must be an object with id and feature_type",
                )
                return
            targets = [value.get("id")]
        else:
            targets = [value]
        for target in targets:
            hit = self.by_id.get(target) if isinstance(target, str) else None
            if hit is None or hit.ftype not in prop.to:
                got = _a(hit.ftype.value) if hit else "no feature"
                want = (
                    " or ".join(_a(t.value) for t in prop.to) if len(prop.to) < 4 else "a feature"
                )
                self.add(
                    feat.file,
                    feat.fid,
                    RuleCode.IMDF_BAD_REFERENCE,
                    f"{prop.name} {target!r} names {got}; it must name {want}",
                )

    # ------------------------------------------------------------ across features

    def display_points(self) -> None:
        """Check that each display point lies on its (polygonal) feature."""
        pairs: list[tuple[_Feature, Any]] = []
        for feat in self.feats:
            dp = feat.props.get("display_point")
            if dp is None or _value_problem(Prop("display_point", Kind.POINT), dp):
                continue
            if feat.geom is not None and feat.geom.geom_type in ("Polygon", "MultiPolygon"):
                pairs.append((feat, shapely.Point(dp["coordinates"][:2])))
        if not pairs:
            return
        geoms = np.array([f.geom for f, _ in pairs], dtype=object)
        pts = np.array([p for _, p in pairs], dtype=object)
        near = shapely.dwithin(geoms, pts, _ON_FEATURE_DEG)
        for (feat, pt), ok in zip(pairs, near, strict=True):
            if not ok:
                self.add(
                    feat.file,
                    feat.fid,
                    RuleCode.IMDF_DISPLAY_POINT,
                    f"display_point ({pt.x:.7f}, {pt.y:.7f}) lies outside the feature",
                )

    def ordinals(self) -> None:
        groups: dict[tuple[str, int], list[_Feature]] = defaultdict(list)
        for feat in self.feats:
            if feat.ftype is not FeatureType.LEVEL or "ordinal" not in feat.props:
                continue
            ordinal = feat.props["ordinal"]
            if ordinal is None:
                continue  # missing_property says so
            if (
                isinstance(ordinal, bool)
                or not isinstance(ordinal, int | float)
                or (isinstance(ordinal, float) and not ordinal.is_integer())
            ):
                self.add(
                    feat.file,
                    feat.fid,
                    RuleCode.IMDF_LEVEL_ORDINAL,
                    f"ordinal {ordinal!r} is not an integer",
                )
                continue
            for building in feat.props.get("building_ids") or [None]:
                groups[(str(building), int(ordinal))].append(feat)
        for (_, ordinal), levels in groups.items():
            for a, b in _overlapping(levels):
                self.add(
                    b.file,
                    b.fid,
                    RuleCode.IMDF_LEVEL_ORDINAL,
                    f"level overlaps level {a.fid} of the same building and ordinal {ordinal}",
                )


def _overlapping(levels: list[_Feature]) -> Iterator[tuple[_Feature, _Feature]]:
    shaped = [f for f in levels if f.geom is not None]
    for i, a in enumerate(shaped):
        for b in shaped[i + 1 :]:
            if shapely.intersection(a.geom, b.geom).area > 1e-12:
                yield a, b


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeio' else 'a'} {word}"  # a unit, an opening


def _kinds(allowed: frozenset[str | None]) -> str:
    names = sorted("null" if t is None else t for t in allowed)
    return " or ".join(names)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


def _position_problem(pos: object) -> str | None:
    if not isinstance(pos, list) or not 2 <= len(pos) <= 3:
        return f"position {pos!r} is not [longitude, latitude]"
    if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in pos):
        return f"position {pos!r} holds something other than numbers"
    lon, lat = float(pos[0]), float(pos[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return f"position {pos!r} is not finite"
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return f"position {pos!r} is not WGS 84 longitude/latitude"
    return None


def _ring_problem(ring: object) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return "a polygon ring needs four positions or more"
    for pos in ring:
        why = _position_problem(pos)
        if why:
            return why
    if ring[0][:2] != ring[-1][:2]:
        return "a polygon ring is not closed (its last position is not its first)"
    return None


def _coordinates_problem(gtype: str, coords: object) -> str | None:
    """Return why ``coords`` are not well-formed coordinates of a ``gtype`` (None if they are)."""
    if gtype == "Point":
        return _position_problem(coords)
    if not isinstance(coords, list):
        return "coordinates must be a list"
    if gtype == "LineString":
        if len(coords) < 2:
            return "a line needs two positions or more"
        return next((w for w in map(_position_problem, coords) if w), None)
    if gtype == "MultiLineString":
        return next((w for w in (_coordinates_problem("LineString", c) for c in coords) if w), None)
    if gtype == "Polygon":
        if not coords:
            return "a polygon needs a ring"
        return next((w for w in map(_ring_problem, coords) if w), None)
    if gtype == "MultiPolygon":
        if not coords:
            return "a multipolygon needs a polygon"
        return next((w for w in (_coordinates_problem("Polygon", c) for c in coords) if w), None)
    return f"unsupported geometry type {gtype}"


def _signed_area(ring: list[list[float]]) -> float:
    xy = np.asarray([p[:2] for p in ring], dtype=float)
    x, y = xy[:, 0], xy[:, 1]
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2


def _winding_problem(geom: dict[str, Any]) -> str | None:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    for poly in polys:
        if _signed_area(poly[0]) < 0:
            return "exterior ring is clockwise; RFC 7946 wants it counter-clockwise"
        if any(_signed_area(hole) > 0 for hole in poly[1:]):
            return "a hole is counter-clockwise; RFC 7946 wants holes clockwise"
    return None


def _labels_problem(_prop: Prop, value: object) -> str | None:
    if not isinstance(value, dict) or not value:
        return "must be LABELS: an object of language tags to names"
    for tag, name in value.items():
        if not LANGUAGE_TAG.fullmatch(str(tag)) or not isinstance(name, str) or not name:
            return f"LABELS entry {tag!r}: {name!r} is not a language tag and a name"
    return None


def _category_problem(prop: Prop, value: object) -> str | None:
    ok = isinstance(value, str) and value in category_set(prop.values)
    return None if ok else f"{value!r} is not one of IMDF's {prop.values} categories"


def _categories_problem(prop: Prop, value: object) -> str | None:
    allowed = category_set(prop.values)
    ok = isinstance(value, list) and all(isinstance(v, str) and v in allowed for v in value)
    return None if ok else f"{value!r} is not a list of IMDF's {prop.values} categories"


def _text_problem(prop: Prop, value: object) -> str | None:
    if not isinstance(value, str):
        return f"{value!r} is not text"
    if prop.kind is Kind.PATTERN and not re.fullmatch(prop.pattern, value):
        return f"{value!r} is not of the form {prop.pattern}"
    return None


def _bool_problem(_prop: Prop, value: object) -> str | None:
    return None if isinstance(value, bool) else f"{value!r} is not true or false"


def _integer_problem(_prop: Prop, value: object) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return None if ok else f"{value!r} is not an integer"


def _point_problem(_prop: Prop, value: object) -> str | None:
    if not isinstance(value, dict) or value.get("type") != "Point":
        return "must be a GeoJSON Point"
    return _position_problem(value.get("coordinates"))


def _object_problem(_prop: Prop, value: object) -> str | None:
    return None if isinstance(value, dict) else "must be an object"


#: How a value of each kind of property is checked.
_VALUE_CHECKS: Final[dict[Kind, Callable[[Prop, object], str | None]]] = {
    Kind.LABELS: _labels_problem,
    Kind.CATEGORY: _category_problem,
    Kind.CATEGORIES: _categories_problem,
    Kind.TEXT: _text_problem,
    Kind.PATTERN: _text_problem,
    Kind.BOOL: _bool_problem,
    Kind.INTEGER: _integer_problem,
    Kind.POINT: _point_problem,
    Kind.OBJECT: _object_problem,
}


def _value_problem(prop: Prop, value: object) -> str | None:
    """Return why ``value`` is not a value of ``prop`` (None when it is)."""
    check = _VALUE_CHECKS.get(prop.kind)
    return check(prop, value) if check else None
