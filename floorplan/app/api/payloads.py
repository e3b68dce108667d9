"""Build the JSON API's answers from one :class:`~floorplan.app.context.VenueSnapshot`.

Everything here is a pure function of a snapshot and the request's parameters: no
Tornado, no Bokeh session. What is costly and asked again and again (a layer as GeoJSON,
a route, a search) is kept per snapshot (:class:`SnapshotCache`, dropped with the
snapshot when a publish replaces it), so a publish never serves a stale answer.

Coordinates are WGS 84 longitude/latitude per RFC 7946 (rounded to 7 decimals, about a
centimetre) or, with ``crs=venue``, the venue's own projected metres (rounded to a
millimetre).
"""

from __future__ import annotations

import json
import math
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from floorplan import i18n
from floorplan.app.api.errors import ApiError
from floorplan.app.api.http import Lru
from floorplan.app.context import VenueSnapshot
from floorplan.app.theme import ZONE_COLOURS
from floorplan.errors import FloorplanError, NoRouteError, PlaceError
from floorplan.i18n import Lang
from floorplan.schema import (
    LAYER_ID,
    LAYERS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    AmenityKind,
    Col,
    Zone,
)
from floorplan.search import HitKind, SearchHit

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "MAX_VIA",
    "Crs",
    "SnapshotCache",
    "cache_of",
    "events_payload",
    "layer_payload",
    "layout_tag",
    "place_payload",
    "route_payload",
    "search_payload",
    "tour_payload",
    "venue_payload",
]

#: The most search hits one request may ask for (a larger ``limit`` is cut to this).
MAX_LIMIT: Final = 50
#: The longest search text accepted (a visitor types a few words, not a page).
MAX_QUERY_CHARS: Final = 200
#: The most ``via`` stops of one route.
MAX_VIA: Final = 10
#: Answers kept per snapshot for each kind of question (routes, searches).
_LRU_SIZE: Final = 4096
_WGS84_DECIMALS: Final = 7
_VENUE_DECIMALS: Final = 3


class Crs(StrEnum):
    """The coordinates an answer is given in."""

    WGS84 = "wgs84"
    VENUE = "venue"


@dataclass(eq=False)
class SnapshotCache:
    """What the API keeps of one snapshot: transformers and the answers already made."""

    snap: VenueSnapshot
    to_wgs84: Transformer
    from_wgs84: Transformer
    layers: Lru = field(default_factory=lambda: Lru(64))
    routes: Lru = field(default_factory=lambda: Lru(_LRU_SIZE))
    searches: Lru = field(default_factory=lambda: Lru(_LRU_SIZE))
    places: Lru = field(default_factory=lambda: Lru(_LRU_SIZE))
    fixed: Lru = field(default_factory=lambda: Lru(16))
    _rows: dict[str, dict[str, int]] = field(default_factory=dict)

    def row_of(self, layer: str, place_id: str) -> int | None:
        """Return the position of ``place_id`` in ``layer``'s frame (None when absent).

        One dict per layer, made on first use: a comparison over the whole column per
        request cost ~30 % of the server's CPU under the load test (py-spy).
        """
        rows = self._rows.get(layer)
        if rows is None:
            ids = getattr(self.snap.venue, layer)[LAYER_ID[layer]].astype(str)
            # First row wins, as the mask's ``[0]`` did (ids are unique in a valid venue).
            rows = {pid: i for i, pid in reversed(list(enumerate(ids)))}
            self._rows[layer] = rows
        return rows.get(place_id)


_CACHES: weakref.WeakKeyDictionary[VenueSnapshot, SnapshotCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_of(snap: VenueSnapshot) -> SnapshotCache:
    """Return the API's cache of ``snap`` (made on first use, dropped with the snapshot)."""
    with _CACHES_LOCK:
        found = _CACHES.get(snap)
        if found is None:
            crs = snap.venue.crs
            found = SnapshotCache(
                snap,
                Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
                Transformer.from_crs("EPSG:4326", crs, always_xy=True),
            )
            _CACHES[snap] = found
        return found


def layout_tag(snap: VenueSnapshot) -> str:
    """Return the tag of the layout served: ``v7`` for store version 7, ``file`` without one."""
    return f"v{snap.version}" if snap.version is not None else "file"


# --- coordinates -------------------------------------------------------------------------
def _xy_out(cache: SnapshotCache, crs: Crs, xy: np.ndarray) -> np.ndarray:
    """Return venue points ``xy`` (n, 2) in ``crs``, rounded."""
    if crs is Crs.VENUE:
        return np.round(xy, _VENUE_DECIMALS)
    lon, lat = cache.to_wgs84.transform(xy[:, 0], xy[:, 1])
    return np.round(np.column_stack([lon, lat]), _WGS84_DECIMALS)


def _point_out(cache: SnapshotCache, crs: Crs, x: float, y: float) -> list[float]:
    out = _xy_out(cache, crs, np.array([[x, y]], dtype=float))[0]
    return [float(out[0]), float(out[1])]


def _geoms_out(cache: SnapshotCache, crs: Crs, geoms: np.ndarray) -> list[str]:
    """Return geometries as GeoJSON geometry texts in ``crs``."""
    moved = shapely.transform(geoms, lambda xy: _xy_out(cache, crs, xy))
    return [str(g) for g in shapely.to_geojson(moved)]


# --- values ------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """Return a frame cell as a JSON value (NaN and NaT as null, timestamps in ISO 8601)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [c for c in frame.columns if c != "geometry"]
    return [
        {c: _plain(v) for c, v in zip(cols, row, strict=True)}
        for row in frame[cols].itertuples(index=False, name=None)
    ]


def _text(value: Any) -> str:
    value = _plain(value)
    return "" if value is None else str(value)


def _localised(row: dict[str, Any], col: str, lang: Lang) -> str:
    """Return ``row[col]`` in ``lang``: its ``_zh`` twin for Chinese when there is one."""
    return i18n.pick(row, col, lang)


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


# --- the venue ---------------------------------------------------------------------------
def venue_payload(snap: VenueSnapshot) -> bytes:
    """Return ``GET /api/v1/venue``: name, dates, levels, halls, zones, amenity kinds."""
    cache = cache_of(snap)
    return bytes(cache.fixed.get("venue", lambda: _dumps(_venue(cache))))


def _venue(cache: SnapshotCache) -> dict[str, Any]:
    snap = cache.snap
    venue = snap.venue
    halls = venue.halls
    minx, miny, maxx, maxy = (float(v) for v in halls.total_bounds)
    corners = _xy_out(cache, Crs.WGS84, np.array([[minx, miny], [maxx, maxy]], dtype=float))
    levels = sorted({int(v) for v in halls[Col.LEVEL].fillna(0)}) if len(halls) else []
    hall_rows = [
        {
            "id": _text(r[Col.HALL_ID]),
            # The name as the kiosk and the steps say it (its id when it has none).
            "name": {lang.value: i18n.hall_name(r, lang) for lang in Lang},
            "level": level,
            "level_name": {lang.value: i18n.level_name(level, lang) for lang in Lang},
            "kind": _text(r.get(Col.KIND)),
        }
        for r in _records(halls)
        for level in (int(_plain(r.get(Col.LEVEL)) or 0),)
    ]
    zones = [
        {
            "id": z.value,
            "name": {lang.value: i18n.zone_name(z.value, lang) for lang in Lang},
            "colour": ZONE_COLOURS[z],
        }
        for z in Zone
    ]
    kinds = [
        {"id": k.value, "name": {lang.value: i18n.amenity_name(k.value, lang) for lang in Lang}}
        for k in AmenityKind
    ]
    kiosks = [
        {
            "id": _text(r[Col.KIOSK_ID]),
            "hall": _text(r.get(Col.HALL_ID)),
            "heading_deg": float(_plain(r.get(Col.HEADING_DEG)) or 0.0),
        }
        for r in _records(venue.kiosks)
    ]
    return {
        "name": venue.name,
        "dates": list(venue.dates),
        "layout_version": snap.version,
        "layout_tag": layout_tag(snap),
        "crs": venue.crs.to_string(),
        "bbox": [float(v) for v in (*corners[0], *corners[1])],
        "levels": levels,
        "halls": hall_rows,
        "zones": zones,
        "amenity_kinds": kinds,
        "kiosks": kiosks,
        "counts": {name: len(getattr(venue, name)) for name in LAYERS}
        | {"events": len(venue.events)},
    }


def layer_payload(
    snap: VenueSnapshot,
    layer: str,
    *,
    crs: Crs,
    hall: str = "",
    fields: tuple[str, ...] = (),
) -> bytes:
    """Return ``GET /api/v1/layers/{layer}``: a GeoJSON FeatureCollection.

    ``hall`` keeps one hall's features; ``fields`` keeps only these properties (the id
    always), for a page that shows a few of them.

    Raises
    ------
    ApiError
        404 for a layer the format does not have or a hall the venue does not have; 400
        for a field the layer does not have.
    """
    if layer not in LAYERS:
        raise ApiError(404, f"unknown layer {layer!r}; layers: {', '.join(LAYERS)}", "layer")
    venue = snap.venue
    if hall and hall not in set(venue.halls[Col.HALL_ID].astype(str)):
        raise ApiError(404, f"unknown hall {hall!r}", "hall")
    # The frame's columns and the format's (a venue made in memory may lack optional ones).
    columns = list(
        dict.fromkeys(
            [c for c in getattr(venue, layer).columns if c != "geometry"]
            + [*REQUIRED_COLUMNS.get(layer, ()), *OPTIONAL_COLUMNS.get(layer, {})]
        )
    )
    unknown = [f for f in fields if f not in columns]
    if unknown:
        known = ", ".join(columns)
        raise ApiError(400, f"{layer} have no field {unknown[0]!r}; fields: {known}", "fields")
    cache = cache_of(snap)
    key = (layer, crs, hall, fields)
    return bytes(
        cache.layers.get(key, lambda: _layer(cache, layer, crs=crs, hall=hall, fields=fields))
    )


def _layer(
    cache: SnapshotCache, layer: str, *, crs: Crs, hall: str, fields: tuple[str, ...]
) -> bytes:
    frame = getattr(cache.snap.venue, layer)
    if hall and Col.HALL_ID in frame.columns:
        frame = frame[frame[Col.HALL_ID].astype(str) == hall]
    if fields:
        keep = list(dict.fromkeys((LAYER_ID[layer], *fields)))
        frame = frame[[c for c in frame.columns if c in keep or c == "geometry"]]
    geoms = _geoms_out(cache, crs, np.asarray(frame.geometry.values, dtype=object))
    id_col = LAYER_ID[layer]
    parts = [
        '{"type":"Feature","id":'
        + json.dumps(_text(props.get(id_col)), ensure_ascii=False)
        + ',"geometry":'
        + geom
        + ',"properties":'
        + _dumps(props).decode()
        + "}"
        for props, geom in zip(_records(frame), geoms, strict=True)
    ]
    head: dict[str, Any] = {
        "type": "FeatureCollection",
        "layer": layer,
        "layout_version": cache.snap.version,
    }
    if crs is Crs.VENUE:
        # RFC 7946 has no "crs" member; this foreign member (the 2008 form) says which.
        head["crs"] = {"type": "name", "properties": {"name": cache.snap.venue.crs.to_string()}}
    text = _dumps(head).decode()[:-1] + ',"features":[' + ",".join(parts) + "]}"
    return text.encode()


def events_payload(snap: VenueSnapshot, *, lang: Lang) -> bytes:
    """Return ``GET /api/v1/events``: the programme, each event with its place."""
    cache = cache_of(snap)
    return bytes(cache.fixed.get(("events", lang), lambda: _dumps(_events(cache, lang))))


def _events(cache: SnapshotCache, lang: Lang) -> dict[str, Any]:
    snap = cache.snap
    out = []
    events = snap.venue.events.sort_values(Col.STARTS) if len(snap.venue.events) else None
    for row in _records(events) if events is not None else []:
        where = _text(row.get(Col.WHERE))
        place = snap.places.get(where)
        out.append(
            {
                "id": _text(row[Col.EVENT_ID]),
                "title": _localised(row, Col.TITLE, lang),
                "starts": row.get(Col.STARTS),
                "ends": row.get(Col.ENDS),
                "where": where,
                "where_name": place_name(snap, where, lang),
                "point": _point_out(cache, Crs.WGS84, place[1], place[2]) if place else None,
            }
        )
    return {"layout_version": snap.version, "lang": lang.value, "events": out}


# --- places ------------------------------------------------------------------------------
def exhibitor_name(snap: VenueSnapshot, booth_id: str, lang: Lang) -> str:
    """Return the exhibitor of ``booth_id`` in ``lang`` ('' for an empty booth)."""
    if booth_id not in snap.booths.index:
        return ""
    row = snap.booths.loc[booth_id]
    en = _text(row.get(Col.EXHIBITOR))
    zh = _text(row.get(Col.EXHIBITOR_ZH))
    return (zh or en) if lang is Lang.ZH else (en or zh)


def _amenity_row(snap: VenueSnapshot, amenity_id: str) -> dict[str, Any] | None:
    at = cache_of(snap).row_of("amenities", amenity_id)
    return None if at is None else _records(snap.venue.amenities.iloc[[at]])[0]


def place_name(snap: VenueSnapshot, place_id: str, lang: Lang) -> str:
    """Return a short name of a place id in ``lang`` (the id itself when it has none)."""
    place = snap.places.get(place_id)
    if place is None:
        return place_id
    if place[0] == "booths":
        name = exhibitor_name(snap, place_id, lang)
        return f"{name} · {place_id}" if name else place_id
    if place[0] == "amenities":
        row = _amenity_row(snap, place_id) or {}
        kind = i18n.amenity_name(_text(row.get(Col.KIND)), lang)
        name = _localised(row, Col.NAME, lang)
        return f"{kind} · {name}" if name else kind
    return place_id


def place_payload(snap: VenueSnapshot, place_id: str, *, lang: Lang, crs: Crs) -> bytes:
    """Return ``GET /api/v1/places/{id}``: what a booth, amenity, door or kiosk is.

    Raises
    ------
    ApiError
        404 for an id that is no place of the venue.
    """
    place = snap.places.get(place_id)
    if place is None:
        raise ApiError(404, f"unknown place {place_id!r}", "id")
    cache = cache_of(snap)
    key = (place_id, lang, crs)
    return bytes(cache.places.get(key, lambda: _place(cache, place_id, lang=lang, crs=crs)))


def _place(cache: SnapshotCache, place_id: str, *, lang: Lang, crs: Crs) -> bytes:
    snap = cache.snap
    layer, x, y = snap.places[place_id]
    at = cache.row_of(layer, place_id)
    if at is None:  # pragma: no cover - every place is a row of its layer
        raise ApiError(404, f"unknown place {place_id!r}", "id")
    hit = getattr(snap.venue, layer).iloc[[at]]
    row = _records(hit)[0]
    geom = hit.geometry.to_numpy()
    out: dict[str, Any] = {
        "id": place_id,
        "layer": layer,
        "name": place_name(snap, place_id, lang),
        "point": _point_out(cache, crs, x, y),
        "geometry": json.loads(_geoms_out(cache, crs, geom)[0]),
        "properties": row,
        "layout_version": snap.version,
    }
    if layer == "booths":
        zone = _text(row.get(Col.ZONE))
        out["exhibitor"] = exhibitor_name(snap, place_id, lang)
        out["zone_name"] = i18n.zone_name(zone, lang) if zone in set(Zone) else zone
        out["products"] = [p.strip() for p in _text(row.get(Col.PRODUCTS)).split(";") if p.strip()]
        country = _text(row.get(Col.COUNTRY))
        out["country"] = i18n.country_name(country, lang) if country else ""
    return _dumps(out)


# --- search ------------------------------------------------------------------------------
def _hit_text(snap: VenueSnapshot, hit: SearchHit, lang: Lang) -> str:
    """Return the one-line label of a hit in ``lang`` (as the kiosk words it)."""
    if hit.kind is HitKind.ZONE:
        return i18n.zone_name(hit.key, lang)
    label = hit.label_in(lang)
    if hit.kind is HitKind.AMENITY:
        kind = i18n.amenity_name(hit.detail, lang)
        return f"{kind} · {label}" if label and hit.label != hit.detail else kind
    if hit.kind is HitKind.EXHIBITOR:
        return f"{exhibitor_name(snap, hit.target, lang) or label} · {hit.detail}"
    if hit.kind is HitKind.BOOTH:
        name = exhibitor_name(snap, hit.key, lang)
        return f"{hit.key} · {name}" if name else hit.key
    if hit.kind is HitKind.PRODUCT:
        return f"{label} — {exhibitor_name(snap, hit.target, lang) or hit.detail}"
    if hit.kind is HitKind.DOOR:
        return label
    return f"{label} · {place_name(snap, hit.target, lang)}"


def search_payload(
    snap: VenueSnapshot, text: str, *, lang: Lang, limit: int, near: str = ""
) -> bytes:
    """Return ``GET /api/v1/search``: the kiosk's hits for ``text``, best first.

    Raises
    ------
    ApiError
        404 when ``near`` names no place.
    """
    point = None
    if near:
        place = snap.places.get(near)
        if place is None:
            raise ApiError(404, f"unknown place {near!r}", "near")
        point = (place[1], place[2])
    cache = cache_of(snap)
    key = (text, lang, limit, near)
    return bytes(cache.searches.get(key, lambda: _search(cache, text, lang, limit, point)))


def _search(
    cache: SnapshotCache, text: str, lang: Lang, limit: int, near: tuple[float, float] | None
) -> bytes:
    snap = cache.snap
    hits = snap.search.search(text, limit=limit, near=near)
    out = []
    for hit in hits:
        place = snap.places.get(hit.target)
        out.append(
            {
                "kind": hit.kind.value,
                "key": hit.key,
                "text": _hit_text(snap, hit, lang),
                "label": hit.label,
                "label_zh": hit.label_zh,
                "detail": hit.detail,
                "target": hit.target or None,
                "score": hit.score,
                "point": _point_out(cache, Crs.WGS84, place[1], place[2]) if place else None,
            }
        )
    return _dumps(
        {"query": text, "lang": lang.value, "limit": limit, "layout_version": snap.version}
        | {"hits": out}
    )


# --- routes ------------------------------------------------------------------------------
def _place_arg(
    cache: SnapshotCache, value: str, parameter: str, crs: Crs
) -> str | tuple[float, float]:
    """Return a place id, or a point in the venue CRS from ``lon,lat`` (``x,y`` for venue).

    Raises
    ------
    ApiError
        404 for an id that is no place (and no coordinate pair).
    """
    if value in cache.snap.places:
        return value
    pair = _pair(value)
    if pair is None:
        raise ApiError(404, f"unknown place {value!r}", parameter)
    a, b = pair
    if crs is Crs.VENUE:
        return (a, b)
    if not (-180.0 <= a <= 180.0 and -90.0 <= b <= 90.0):
        raise ApiError(400, f"{parameter}={value!r} is no longitude,latitude", parameter)
    x, y = cache.from_wgs84.transform(a, b)
    return (float(x), float(y))


def _pair(value: str) -> tuple[float, float] | None:
    """Return ``"a,b"`` as two finite numbers, or ``None`` when it is not that."""
    parts = value.split(",")
    if len(parts) != 2:
        return None
    try:
        a, b = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    return (a, b) if math.isfinite(a) and math.isfinite(b) else None


def _route_dict(cache: SnapshotCache, route: Any, *, lang: Lang, crs: Crs) -> dict[str, Any]:
    coords = np.asarray(route.coords, dtype=float).reshape(-1, 2)
    line = _xy_out(cache, crs, coords).tolist()
    steps = [
        {
            "kind": s.kind.value,
            "distance_m": round(float(s.distance_m), 1),
            "text": s.text(lang),
            "point": _point_out(cache, crs, float(s.point[0]), float(s.point[1])),
            "landmark": s.landmark.landmark_id if s.landmark else None,
            "door": s.door_id or None,
        }
        for s in route.steps
    ]
    props: dict[str, Any] = {
        "from": route.origin,
        "to": route.destination,
        "accessible": route.accessible,
        "length_m": round(float(route.length_m), 1),
        "duration_s": round(float(route.duration_s), 1),
        "halls": list(route.halls),
        "steps": steps,
        "layout_version": cache.snap.version,
        "lang": lang.value,
        "crs": crs.value,
    }
    if route.order:
        props["order"] = list(route.order)
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": line}} | {
        "properties": props
    }


def _router(snap: VenueSnapshot) -> Any:
    if snap.router is None:
        raise ApiError(503, "route finding is not available on this server")
    return snap.router


def _walk(fn: Callable[[], Any]) -> Any:
    """Run a router call; its refusals become 422 answers with the router's reason."""
    try:
        return fn()
    except (NoRouteError, PlaceError, FloorplanError) as exc:  # the router's refusals
        raise ApiError(422, str(exc), code="no_route") from None


def route_payload(
    snap: VenueSnapshot,
    origin: str,
    destination: str,
    *,
    via: Sequence[str] = (),
    accessible: bool = False,
    lang: Lang = Lang.EN,
    crs: Crs = Crs.WGS84,
) -> bytes:
    """Return ``GET /api/v1/route``: the walk as a GeoJSON Feature with its steps.

    Raises
    ------
    ApiError
        404 for an unknown place, 422 when no walkable route joins them.
    """
    cache = cache_of(snap)
    a = _place_arg(cache, origin, "from", crs)
    b = _place_arg(cache, destination, "to", crs)
    stops = [_place_arg(cache, v, "via", crs) for v in via]
    key = (a, b, tuple(stops), accessible, lang, crs)

    def make() -> bytes:
        router = _router(snap)
        route = _walk(lambda: router.route(a, b, via=stops, accessible=accessible))
        return _dumps(_route_dict(cache, route, lang=lang, crs=crs))

    return bytes(cache.routes.get(key, make))


def tour_payload(
    snap: VenueSnapshot,
    origin: str,
    stops: Iterable[str],
    *,
    return_to: str = "",
    accessible: bool = False,
    lang: Lang = Lang.EN,
    crs: Crs = Crs.WGS84,
) -> bytes:
    """Return ``POST /api/v1/tour``: the shortest walk through every stop, in its order.

    Raises
    ------
    ApiError
        404 for an unknown place, 422 when a stop cannot be reached.
    """
    cache = cache_of(snap)
    a = _place_arg(cache, origin, "from", crs)
    points = [_place_arg(cache, s, "stops", crs) for s in stops]
    back = _place_arg(cache, return_to, "return_to", crs) if return_to else None
    router = _router(snap)
    route = _walk(lambda: router.tour(a, points, return_to=back, accessible=accessible))
    return _dumps(_route_dict(cache, route, lang=lang, crs=crs))
