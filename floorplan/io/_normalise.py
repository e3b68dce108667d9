"""Turn layers as read from any container into a Venue: one CRS, the format's columns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pandas._libs.tslibs.nattype import NaTType
from pyproj import CRS
from pyproj.exceptions import CRSError

from floorplan import schema as S
from floorplan.errors import OptionError, VenueReadError
from floorplan.i18n import parse_levels
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col
from floorplan.validate.limits import INT_RANGE
from floorplan.venue import Venue

__all__ = ["RawVenue", "build_venue", "empty_layer"]

VENUE_LAYER = "venue"
#: venue.json's key naming the floors (see :func:`floorplan.i18n.parse_levels`).
LEVELS_KEY = "levels"
_INT_COLUMNS = {Col.LEVEL, Col.OPEN_SIDES}
_FLOAT_COLUMNS = {Col.WIDTH_M, Col.HEADING_DEG}
_BOOL_COLUMNS = {Col.STEP_FREE, Col.ACCESSIBLE}
_MULTIPOINT = shapely.GeometryType.MULTIPOINT.value
_MULTIPOLYGON = shapely.GeometryType.MULTIPOLYGON.value
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass
class RawVenue:
    """Layers as a container holds them, before projection and normalisation.

    ``layers`` maps a layer name to its frame, or to ``None`` when the container has
    no such layer (allowed for optional layers only).
    """

    where: str
    layers: dict[str, gpd.GeoDataFrame | None]
    events: pd.DataFrame | None
    meta: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def empty_layer(layer: str, crs: CRS | None) -> gpd.GeoDataFrame:
    """Return an empty frame of ``layer`` with the format's columns."""
    cols = [*S.REQUIRED_COLUMNS[layer], *S.OPTIONAL_COLUMNS[layer]]
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in dict.fromkeys(cols)},
        geometry=gpd.GeoSeries([], crs=crs),
        crs=crs,
    )


def build_venue(raw: RawVenue) -> Venue:
    """Project every layer to the venue CRS and give it the format's columns and types.

    Raises
    ------
    VenueReadError
        When a required layer is missing or no layer says what CRS it is in.
    """
    for layer in S.REQUIRED_LAYERS:
        if raw.layers.get(layer) is None:
            msg = f"{raw.where}: required layer {layer!r} is missing"
            raise VenueReadError(msg, [Problem(layer, None, RuleCode.MISSING_LAYER, msg)])
    problems = list(raw.problems)
    crs = _venue_crs(raw, problems)
    frames: dict[str, gpd.GeoDataFrame] = {}
    for layer in S.LAYERS:
        frame = raw.layers.get(layer)
        if frame is None:
            frames[layer] = empty_layer(layer, crs)
            continue
        frame = _project(layer, frame, crs, problems)
        frames[layer] = _normalise_columns(layer, frame, problems)
    events = _normalise_events(raw.events, problems)
    meta = dict(raw.meta)
    meta["crs"] = crs.to_string()
    try:
        parse_levels(meta.get(LEVELS_KEY))
    except OptionError as exc:
        problems.append(Problem(VENUE_LAYER, None, RuleCode.BAD_VALUE, str(exc)))
    dates = meta.get("dates") or ()
    return Venue(
        **frames,
        events=events,
        name=str(meta.get("name") or ""),
        dates=tuple(str(d) for d in dates) if isinstance(dates, list | tuple) else (),
        problems=problems,
        read_problems=tuple(problems),
        meta=meta,
    )


def _venue_crs(raw: RawVenue, problems: list[Problem]) -> CRS:
    """Choose the venue's projected CRS: venue.json's, else the halls', else their UTM zone."""
    given = raw.meta.get("crs")
    if given:
        try:
            if not isinstance(given, str):
                raise CRSError(given)
            crs = CRS.from_user_input(given)
        except CRSError:
            problems.append(
                Problem(
                    VENUE_LAYER, None, RuleCode.BAD_CRS, f"venue crs {given!r} is not a known CRS"
                )
            )
        else:
            if crs.is_projected:
                return crs
            problems.append(
                Problem(
                    VENUE_LAYER,
                    None,
                    RuleCode.BAD_CRS,
                    f"venue crs {given!r} is geographic; the venue CRS must be projected metres",
                )
            )
    halls = raw.layers[S.HALLS]
    assert halls is not None  # checked by the caller
    candidates = [halls, *(f for f in raw.layers.values() if f is not None)]
    for frame in candidates:
        if frame.crs is None:
            continue
        if frame.crs.is_projected:
            return CRS.from_user_input(frame.crs)
        if frame.crs.is_geographic and _lonlat_in_range(frame) and not frame.empty:
            finite = frame[~frame.geometry.isna() & ~frame.geometry.is_empty]
            finite = finite[_finite_mask(finite.geometry)]
            if not finite.empty:
                utm = finite.estimate_utm_crs()
                return CRS.from_user_input(utm)
    if all(f is None or f.crs is None for f in raw.layers.values()):
        msg = f"{raw.where}: no layer says which CRS it is in (and venue.json names none)"
        raise VenueReadError(msg, [Problem(S.HALLS, None, RuleCode.UNKNOWN_CRS, msg)])
    msg = f"{raw.where}: cannot choose a projected CRS from the layers' coordinates"
    raise VenueReadError(msg, [Problem(S.HALLS, None, RuleCode.BAD_CRS, msg)])


def _finite_mask(geoms: gpd.GeoSeries) -> np.ndarray:
    coords, index = shapely.get_coordinates(geoms.values, return_index=True)
    bad = np.zeros(len(geoms), dtype=bool)
    bad[index[~np.isfinite(coords).all(axis=1)]] = True
    return ~bad


def _lonlat_in_range(frame: gpd.GeoDataFrame) -> bool:
    coords = shapely.get_coordinates(frame.geometry.values)
    coords = coords[np.isfinite(coords).all(axis=1)]
    if coords.size == 0:
        return True
    return bool((np.abs(coords[:, 0]) <= 180).all() and (np.abs(coords[:, 1]) <= 90).all())


def _project(
    layer: str, frame: gpd.GeoDataFrame, crs: CRS, problems: list[Problem]
) -> gpd.GeoDataFrame:
    frame = frame.copy()
    # Single-part multi-geometries are what many GIS tools write for plain polygons:
    # take the part. Multi-part ones (and collections) stay, for validation to report.
    geoms = frame.geometry.values
    type_id = shapely.get_type_id(geoms)
    multi = (type_id >= _MULTIPOINT) & (type_id <= _MULTIPOLYGON)
    if multi.any():
        parts = shapely.get_num_geometries(geoms)
        single = multi & (parts == 1)
        geoms = geoms.copy()
        geoms[single] = shapely.get_geometry(geoms[single], 0)
    frame = frame.set_geometry(gpd.GeoSeries(shapely.force_2d(geoms), index=frame.index))
    frame = frame.set_crs(
        frame_crs := _declared_crs(frame, layer, crs, problems), allow_override=True
    )
    if frame_crs.equals(crs):
        return frame.set_crs(crs, allow_override=True)
    if frame_crs.is_geographic and not _lonlat_in_range(frame):
        problems.append(
            Problem(
                layer,
                None,
                RuleCode.BAD_COORDINATES,
                f"layer {layer!r} is read as lon/lat ({frame_crs.name}) but holds coordinates "
                "outside -180..180 / -90..90; a GeoJSON file in projected metres needs a "
                "'crs' member naming its CRS",
            )
        )
        return frame.set_crs(crs, allow_override=True)
    ok = _finite_mask(frame.geometry) & ~frame.geometry.isna()
    out = frame.copy()
    # Non-finite geometries cannot be projected; they keep their coordinates for the
    # validator to report.
    out.loc[ok, "geometry"] = frame.loc[ok].to_crs(crs).geometry
    return out.set_crs(crs, allow_override=True)


def _declared_crs(frame: gpd.GeoDataFrame, layer: str, crs: CRS, problems: list[Problem]) -> CRS:
    if frame.crs is not None:
        return CRS.from_user_input(frame.crs)
    problems.append(
        Problem(
            layer,
            None,
            RuleCode.UNKNOWN_CRS,
            f"layer {layer!r} names no CRS; assumed to be the venue's {crs.to_string()}",
        )
    )
    return crs


def _normalise_columns(
    layer: str, frame: gpd.GeoDataFrame, problems: list[Problem]
) -> gpd.GeoDataFrame:
    frame = frame.reset_index(drop=True)
    id_col = S.LAYER_ID[layer]
    for col in S.REQUIRED_COLUMNS[layer]:
        if col not in frame.columns:
            frame[col] = None
    for col, default in S.OPTIONAL_COLUMNS[layer].items():
        if col not in frame.columns:
            frame[col] = default
    ids: list[str | None] = [_text(v) for v in frame[id_col]]
    for col in frame.columns:
        if col == frame.geometry.name:
            continue
        default = S.OPTIONAL_COLUMNS[layer].get(col)
        if col in _INT_COLUMNS or col in _FLOAT_COLUMNS or col in _BOOL_COLUMNS:
            frame[col] = _coerce(
                layer, col, series=frame[col], ids=ids, default=default, problems=problems
            )
        elif col in S.REQUIRED_COLUMNS[layer] or col in S.OPTIONAL_COLUMNS[layer]:
            values = [_text(v) for v in frame[col]]
            if col in S.OPTIONAL_COLUMNS[layer]:
                values = [default if v is None else v for v in values]
            frame[col] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _text(value: object) -> str | None:
    """Return a property as text; ``None`` for a missing one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _coerce(
    layer: str,
    col: str,
    *,
    series: pd.Series,
    ids: list[str | None],
    default: Any,
    problems: list[Problem],
) -> pd.Series:
    out: list[Any] = []
    for value, fid in zip(series, ids, strict=True):
        text = _text(value)
        if text is None:
            out.append(default if default is not None else math.nan)
            continue
        parsed = _parse(col, value, text)
        if parsed is None:
            shown = text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."
            problems.append(
                Problem(
                    layer,
                    fid,
                    RuleCode.BAD_VALUE,
                    f"{layer} {fid}: {col} {shown!r} is not {_KIND_OF[col]}",
                )
            )
            parsed = default if default is not None else math.nan
        out.append(parsed)
    dtype = bool if col in _BOOL_COLUMNS else (float if col in _FLOAT_COLUMNS else None)
    if col in _INT_COLUMNS:
        return pd.Series(out, index=series.index, dtype="int64")
    return pd.Series(out, index=series.index, dtype=dtype)


_SHOWN_CHARS = 40
_INTEGER = f"an integer from {INT_RANGE[0]:,} to {INT_RANGE[1]:,}"
_KIND_OF = {
    Col.LEVEL: _INTEGER,
    Col.OPEN_SIDES: _INTEGER,
    Col.WIDTH_M: "a number of metres",
    Col.HEADING_DEG: "a number of degrees",
    Col.STEP_FREE: "true or false",
    Col.ACCESSIBLE: "true or false",
}


def _parse(col: str, value: object, text: str) -> Any:
    if col in _BOOL_COLUMNS:
        if isinstance(value, bool | np.bool_):
            return bool(value)
        low = text.strip().lower()
        return True if low in _TRUE else (False if low in _FALSE else None)
    try:
        number = float(text)
    except ValueError:
        return None
    if col in _INT_COLUMNS:
        # The range keeps the column a plain int64 (2**70 would overflow it).
        ok = number.is_integer() and INT_RANGE[0] <= number <= INT_RANGE[1]
        return int(number) if ok else None
    return number


def _normalise_events(events: pd.DataFrame | None, problems: list[Problem]) -> pd.DataFrame:
    cols = list(S.REQUIRED_COLUMNS[S.EVENTS])
    if events is None:
        frame = pd.DataFrame(
            {c: pd.Series(dtype=object) for c in [*cols, *S.OPTIONAL_COLUMNS[S.EVENTS]]}
        )
        frame[Col.STARTS] = pd.Series(dtype="datetime64[ns]")
        frame[Col.ENDS] = pd.Series(dtype="datetime64[ns]")
        return frame
    frame = events.reset_index(drop=True).copy()
    for col in cols:
        if col not in frame.columns:
            frame[col] = None
    ids = [_text(v) for v in frame[Col.EVENT_ID]]
    optional = S.OPTIONAL_COLUMNS[S.EVENTS]
    for col, default in optional.items():
        if col not in frame.columns:
            frame[col] = default
    for col in frame.columns:
        if col in (Col.STARTS, Col.ENDS):
            continue
        values = [_text(v) for v in frame[col]]
        if col in optional:
            values = [optional[col] if v is None else v for v in values]
        frame[col] = pd.Series(values, index=frame.index, dtype=object)
    for col in (Col.STARTS, Col.ENDS):
        frame[col] = _event_times(frame[col], col, ids=ids, problems=problems)
    return frame


def _event_times(
    series: pd.Series, col: str, *, ids: list[str | None], problems: list[Problem]
) -> pd.Series:
    """Return an event time column as naive timestamps; report the ones that do not parse."""
    stamps = []
    for value, fid in zip(series, ids, strict=True):
        text = _text(value)
        stamp: pd.Timestamp | NaTType = pd.NaT
        if text is not None:
            try:
                stamp = pd.Timestamp(text)
            except ValueError:
                problems.append(
                    Problem(
                        S.EVENTS,
                        fid,
                        RuleCode.BAD_VALUE,
                        f"events {fid}: {col} {text!r} is not an ISO 8601 time",
                    )
                )
        if isinstance(stamp, pd.Timestamp) and stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        stamps.append(stamp)
    return pd.to_datetime(pd.Series(stamps, index=series.index, dtype=object))
