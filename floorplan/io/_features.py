"""Check parsed GeoJSON features one by one and build a layer's frame from them.

Every feature is either taken exactly as written or reported as a problem naming the
file, the layer, the feature (its id, else its position) and the rule; none is dropped,
cut or changed on the quiet. GDAL's GeoJSON reader, used before, skipped items that are
not Feature objects, cut text at a NUL character and turned unparsable geometries into
nulls without a word; and it parsed every file a second time after the strict parse.
Building from the one strict parse costs less: on 74,000 booths the checks and the build
take 0.8-1.0 s of CPU where pyogrio's reading took 1.1 s (so ``read`` in RESULTS.md is no
slower for all the checking).

Geometries are made in bulk with :func:`shapely.from_ragged_array`, one call per
geometry type; the rare ones that need care (empty parts, Z coordinates, integers too
large for a float, geometry collections) one by one with :func:`shapely.geometry.shape`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape

from floorplan import schema as S
from floorplan.problems import Problem, RuleCode
from floorplan.validate.limits import MAX_PROPERTY_DEPTH

__all__ = ["LayerBuilder", "depth_within", "describe", "text_flaw"]

#: How many array levels a geometry type's ``coordinates`` hold above a position.
_DEPTH: Final = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
#: Positions a line needs, and a ring (GeoJSON, RFC 7946 §3.1.4 and §3.1.6).
_LINE_MIN: Final = 2
_RING_MIN: Final = 4
#: Integers beyond this many bits do not fit in a float (they overflow to infinity).
_FLOAT_BITS: Final = 1023


def describe(value: object) -> str:
    """Return a short description of a JSON value, for messages.

    >>> describe(42), describe([1]), describe(None), describe("x" * 40)
    ('the number 42', 'an array', 'null', 'a string')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = repr(value)
        return f"the number {text if len(text) <= 24 else text[:20] + '…'}"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def text_flaw(text: str) -> str | None:
    r"""Return why ``text`` cannot be stored as written (a NUL, a lone surrogate), else None.

    >>> text_flaw("W1-A01"), text_flaw("W1\x00A01")
    (None, 'holds a NUL character, at which GeoPackage and GDAL cut text')
    """
    if "\x00" in text:
        return "holds a NUL character, at which GeoPackage and GDAL cut text"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"
    return None


def depth_within(value: Any, limit: int) -> bool:
    """Return whether a JSON value nests no deeper than ``limit`` (iteratively).

    >>> depth_within([1, [2, {"a": 3}]], 3), depth_within([[[[]]]], 3)
    (True, False)
    """
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return True


# ----------------------------------------------------------------- coordinates


class _BadGeometryError(Exception):
    """A geometry that is not GeoJSON; the message says what is wrong."""


def _number_needs_care(value: object) -> bool:
    if type(value) is float:
        return False
    if type(value) is int:
        return value.bit_length() > _FLOAT_BITS
    raise _BadGeometryError(f"a coordinate is {describe(value)}, not a number")


def _position(pos: object) -> bool:
    """Check one position; return whether it needs care (Z, a huge integer)."""
    if type(pos) is not list:
        raise _BadGeometryError(f"a position is {describe(pos)}, not an array of 2 or 3 numbers")
    if not 2 <= len(pos) <= 3:  # x, y and an optional z
        why = f"a position has {len(pos)} numbers; it needs 2 (x, y) or 3 (x, y, z)"
        raise _BadGeometryError(why)
    care = False
    for v in pos:
        care |= _number_needs_care(v)
    return care or len(pos) == 3


def _same_xy(a: list[Any], b: list[Any]) -> bool:
    """Return whether two positions have the same x and y (NaN equal to NaN)."""
    return all(x == y or (_missing(x) and _missing(y)) for x, y in zip(a[:2], b[:2], strict=True))


def _positions(seq: object, least: int, *, ring: bool = False) -> bool:
    """Check an array of positions; return whether it needs care (empty, Z, huge)."""
    if type(seq) is not list:
        raise _BadGeometryError(f"an array of positions is {describe(seq)}")
    if ring and len(seq) < least:
        raise _BadGeometryError(f"a ring has {len(seq)} positions; it needs at least {least}")
    if 0 < len(seq) < least:
        raise _BadGeometryError(f"a line has {len(seq)} position; it needs at least {least}")
    care = not seq
    for pos in seq:
        # The common case, two floats, without a call per position.
        if type(pos) is list and len(pos) == 2 and type(pos[0]) is type(pos[1]) is float:
            continue
        care |= _position(pos)
    if ring and not _same_xy(seq[0], seq[-1]):
        raise _BadGeometryError("a ring is not closed (its first and last positions differ)")
    return care


def _arrays(seq: object, what: str) -> list[Any]:
    if type(seq) is not list:
        raise _BadGeometryError(f"{what} is {describe(seq)}, not an array")
    return seq


def _check_coordinates(kind: str, coords: object) -> bool:
    """Check ``coordinates`` of a geometry ``kind``; return whether it needs care."""
    if kind == "Point":
        return coords == [] or _position(coords)
    if kind in ("LineString", "MultiPoint"):
        return _positions(coords, _LINE_MIN if kind == "LineString" else 0)
    if kind == "Polygon":
        parts, check = _arrays(coords, "a polygon's rings"), _ring
    elif kind == "MultiLineString":
        parts, check = _arrays(coords, "a multi-line's lines"), _line
    else:
        parts, check = _arrays(coords, "a multi-polygon's polygons"), _polygon
    care = not parts
    for part in parts:  # every part, not only up to the first that needs care
        care |= check(part)
    return care


def _ring(seq: object) -> bool:
    return _positions(seq, _RING_MIN, ring=True)


def _line(seq: object) -> bool:
    return _positions(seq, _LINE_MIN)


def _polygon(seq: object) -> bool:
    return _check_coordinates("Polygon", seq)


def _check_geometry(geom: dict[str, Any], *, nested: bool = False) -> bool:
    kind = geom.get("type")
    if kind == "GeometryCollection" and not nested:
        members = _arrays(geom.get("geometries"), "a collection's 'geometries'")
        for m in members:
            if type(m) is not dict:
                raise _BadGeometryError(f"a member of a geometry collection is {describe(m)}")
            _check_geometry(m, nested=True)
        return True
    if not isinstance(kind, str) or kind not in _DEPTH:
        known = ", ".join(_DEPTH)
        raise _BadGeometryError(f"geometry type {str(kind)[:40]!r} is none of GeoJSON's ({known})")
    if "coordinates" not in geom:
        raise _BadGeometryError(f"a {kind} has no 'coordinates'")
    return _check_coordinates(kind, geom["coordinates"])


def _clean(value: Any, depth: int) -> Any:
    """Return coordinates as 2-D floats (Z dropped, huge integers as infinity)."""
    if depth == 0:
        if not value:
            return value
        return [_as_float(value[0]), _as_float(value[1])]
    return [_clean(v, depth - 1) for v in value]


def _as_float(v: float) -> float:
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _careful_shape(geom: dict[str, Any]) -> Any:
    kind = geom["type"]
    if kind == "GeometryCollection":
        return shapely.GeometryCollection([_careful_shape(m) for m in geom["geometries"]])
    return shape({"type": kind, "coordinates": _clean(geom["coordinates"], _DEPTH[kind])})


@dataclass
class _Ragged:
    """Coordinates and offsets of one geometry type, for one from_ragged_array call."""

    depth: int
    rows: list[int] = field(default_factory=list)
    coords: list[Any] = field(default_factory=list)
    offsets: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.offsets = [[0] for _ in range(self.depth)]

    def add(self, row: int, coords: Any) -> None:
        self.rows.append(row)
        self._walk(coords, self.depth)

    def _walk(self, node: Any, depth: int) -> None:
        if depth == 0:
            self.coords.append(node)
            return
        if depth == 1:
            self.coords.extend(node)
            self.offsets[0].append(len(self.coords))
            return
        for child in node:
            self._walk(child, depth - 1)
        self.offsets[depth - 1].append(len(self.offsets[depth - 2]) - 1)

    def build(self, kind: str) -> np.ndarray:
        xy = np.asarray(self.coords, dtype=float).reshape(-1, 2)
        offsets = tuple(np.asarray(o, dtype=np.int64) for o in self.offsets) or None
        geometry_type = shapely.GeometryType[kind.upper()]
        built: np.ndarray = shapely.from_ragged_array(geometry_type, xy, offsets)
        return built


# ------------------------------------------------------------------ features


@dataclass
class LayerBuilder:
    """Collect a layer's features, report each one that is not GeoJSON, build the frame.

    Features are checked as they are added; property values, which are many, are
    checked a column at a time when the frame is built.

    Parameters
    ----------
    layer
        The format layer (``booths``).
    path
        The file, for messages.
    """

    layer: str
    path: Path
    problems: list[Problem] = field(default_factory=list)
    _rows: list[dict[str, Any]] = field(default_factory=list)
    _where: list[tuple[int, str | None]] = field(default_factory=list)
    _keys: set[str] = field(default_factory=set)
    _ragged: dict[str, _Ragged] = field(default_factory=dict)
    _careful: dict[int, Any] = field(default_factory=dict)

    def add(self, position: int, feature: object) -> None:
        """Check the feature at 0-based ``position``; keep it, or report why not."""
        props = feature.get("properties") if type(feature) is dict else None
        fid = _id_of(props, S.LAYER_ID[self.layer])
        if type(feature) is not dict or feature.get("type") != "Feature":
            what = f"a {str(feature.get('type'))[:40]!r}" if type(feature) is dict else ""
            self._report(position, fid, f"is {what or describe(feature)}, not a GeoJSON Feature")
            return
        if props is None:
            props = {}
        elif type(props) is not dict:
            self._report(position, fid, f"has 'properties' {describe(props)}, not an object")
            return
        geom = feature.get("geometry")
        if not self._keys_ok(position, fid, props) or not self._geometry_ok(position, fid, geom):
            return
        own = feature.get("id")
        if own is not None and "id" not in props:
            if isinstance(own, bool) or not isinstance(own, str | int | float):
                self._report(position, fid, f"has an 'id' that is {describe(own)}")
                return
            # GDAL kept a Feature's own id as a property named 'id'; so does this reader.
            props = {**props, "id": own}
        index = len(self._rows)
        if geom is not None and index not in self._careful:
            ragged = self._ragged.setdefault(geom["type"], _Ragged(_DEPTH[geom["type"]]))
            ragged.add(index, geom["coordinates"])
        self._rows.append(props)
        self._where.append((position, fid))

    def _keys_ok(self, position: int, fid: str | None, props: dict[str, Any]) -> bool:
        for key in props.keys() - self._keys:
            why = "is reserved" if key == S.GEOMETRY else text_flaw(key)
            if why:
                self._report(position, fid, f"has a property named {key[:40]!r} that {why}")
                return False
            self._keys.add(key)
        return True

    def _geometry_ok(self, position: int, fid: str | None, geom: object) -> bool:
        if geom is None:
            return True
        if type(geom) is not dict:
            self._report(position, fid, f"has 'geometry' {describe(geom)}, not an object")
            return False
        try:
            care = _check_geometry(geom)
        except _BadGeometryError as bad:
            self._report(position, fid, f"has a geometry that is not GeoJSON: {bad}")
            return False
        if care:
            try:
                self._careful[len(self._rows)] = _careful_shape(geom)
            except (GEOSException, ValueError, TypeError) as exc:
                self._report(position, fid, f"has a geometry that cannot be built: {exc}")
                return False
        return True

    def _report(
        self,
        position: int,
        fid: str | None,
        what: str,
        *,
        rule: RuleCode = RuleCode.MALFORMED_FEATURE,
    ) -> None:
        name = f"feature #{position + 1}" + (f" ({fid!r})" if fid is not None else "")
        msg = f"{self.path}: {name} of layer {self.layer!r} {what}"
        self.problems.append(Problem(self.layer, fid, rule, msg))

    def frame(self, crs: Any) -> gpd.GeoDataFrame:
        """Return the kept features as a frame in ``crs`` (``None``: unknown).

        Property values are checked here, a column at a time: arrays and objects become
        their JSON text (too deep ones are reported and left out), mixed columns get one
        type, and text that cannot be stored (a NUL, a lone surrogate) is reported.
        """
        n = len(self._rows)
        geoms = np.full(n, None, dtype=object)
        for kind, ragged in self._ragged.items():
            geoms[np.asarray(ragged.rows, dtype=np.intp)] = ragged.build(kind)
        for index, geom in self._careful.items():
            geoms[index] = geom
        attrs = pd.DataFrame.from_records(self._rows, index=pd.RangeIndex(n))
        for col in attrs.columns:
            if attrs[col].dtype == object:
                attrs[col] = _one_type(self._flatten(str(col), attrs[col]))
            if col != S.LAYER_ID[self.layer]:  # ids: validation's rule bad_id, any container
                self._check_text(str(col), attrs[col])
        return gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)

    def _flatten(self, col: str, series: pd.Series) -> pd.Series:
        """Return the column with arrays and objects as JSON text (too deep: reported)."""
        values = series.tolist()
        nested = [i for i, v in enumerate(values) if isinstance(v, dict | list)]
        if not nested:
            return series
        for i in nested:
            if depth_within(values[i], MAX_PROPERTY_DEPTH):
                # Arrays and objects are not values of the format; kept as their JSON text.
                values[i] = json.dumps(values[i], ensure_ascii=False)
                continue
            position, fid = self._where[i]
            why = f"has property {col!r} nested deeper than {MAX_PROPERTY_DEPTH} levels"
            self._report(position, fid, why, rule=RuleCode.TOO_DEEP)
            values[i] = None
        return pd.Series(values, index=series.index, dtype=object)

    def _check_text(self, col: str, series: pd.Series) -> None:
        texts = [v for v in series.tolist() if isinstance(v, str)]
        # One scan of the whole column in C; rows are looked at only when it finds a flaw.
        if not texts or text_flaw("".join(texts)) is None:
            return
        for i, value in enumerate(series.tolist()):
            if isinstance(value, str) and (flaw := text_flaw(value)):
                position, fid = self._where[i]
                self._report(position, fid, f"property {col!r} {flaw}", rule=RuleCode.BAD_VALUE)


def _id_of(props: object, id_col: str) -> str | None:
    if type(props) is not dict:
        return None
    value = props.get(id_col)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return None


def _missing(value: object) -> bool:
    return value is None or (type(value) is float and math.isnan(value))


def _one_type(series: pd.Series) -> pd.Series:
    """Give a column of mixed JSON types one type, as GDAL did: numbers, else text.

    Columns of one type (text, booleans with gaps) stay as they are; numbers become
    floats; any other mix becomes text (JSON's spelling for non-text values).
    """
    kinds = frozenset(type(v) for v in series if not _missing(v))
    if len(kinds) <= 1 and kinds != {int}:
        return series
    if kinds <= {int, float}:  # with integers beyond int64, which pandas keeps as objects
        return pd.Series(
            [math.nan if _missing(v) else _as_float(v) for v in series], index=series.index
        ).astype(float)
    return pd.Series(
        [
            None if _missing(v) else v if isinstance(v, str) else json.dumps(v)
            for v in series.tolist()
        ],
        index=series.index,
        dtype=object,
    )
