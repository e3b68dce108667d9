"""Read and write a venue as a folder of GeoJSON files, one per layer."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from floorplan import schema as S
from floorplan.atomic import atomic_dir
from floorplan.errors import VenueReadError
from floorplan.io._frames import events_for_writing, geometry_type, meta_json
from floorplan.io._normalise import RawVenue
from floorplan.problems import Problem, RuleCode
from floorplan.venue import Venue

__all__ = ["EVENTS_FILE", "META_FILE", "read_raw", "write"]

EVENTS_FILE = "events.csv"
META_FILE = "venue.json"
SUFFIX = ".geojson"


def read_raw(folder: Path) -> RawVenue:
    """Read every layer file in ``folder``; a missing optional layer is ``None``.

    Raises
    ------
    VenueReadError
        When a file is not valid GeoJSON, or events.csv / venue.json cannot be parsed.
    """
    layers: dict[str, gpd.GeoDataFrame | None] = {}
    for layer in S.LAYERS:
        path = folder / f"{layer}{SUFFIX}"
        layers[layer] = _read_layer(layer, path) if path.is_file() else None
    events = _read_events(folder / EVENTS_FILE)
    meta = _read_meta(folder / META_FILE)
    return RawVenue(where=str(folder), layers=layers, events=events, meta=meta)


def _unreadable(layer: str, path: Path, why: object) -> VenueReadError:
    msg = f"{path}: layer {layer!r} cannot be read: {why}"
    return VenueReadError(msg, [Problem(layer, None, RuleCode.UNREADABLE, msg)])


def _read_layer(layer: str, path: Path) -> gpd.GeoDataFrame:
    # GDAL would accept a truncated file as an empty layer in some cases; parse it
    # strictly first so a broken file is refused, never half-read.
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable(layer, path, exc) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise _unreadable(layer, path, "not a GeoJSON FeatureCollection")
    try:
        with warnings.catch_warnings():
            # GDAL warns of mixed-type columns; the validator reports them per feature.
            warnings.simplefilter("ignore", UserWarning)
            frame = pyogrio.read_dataframe(path)
    except Exception as exc:
        raise _unreadable(layer, path, exc) from None
    return frame


def _read_events(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _unreadable(S.EVENTS, path, exc) from None


def _read_meta(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable("venue", path, exc) from None
    if not isinstance(meta, dict):
        raise _unreadable("venue", path, "venue.json must hold a JSON object")
    return meta


def write(venue: Venue, target: Path) -> None:
    """Write ``venue`` as a GeoJSON folder at ``target``, atomically."""
    with atomic_dir(target) as tmp:
        for layer, frame in venue.layers().items():
            # Projected coordinates with a legacy 'crs' member, as the format allows:
            # writing lon/lat would round metres and lose the exact geometry.
            pyogrio.write_dataframe(
                frame,
                tmp / f"{layer}{SUFFIX}",
                driver="GeoJSON",
                geometry_type=geometry_type(layer, frame),
                layer_options={"RFC7946": "NO", "WRITE_NAME": "NO"},
            )
        events_for_writing(venue.events).to_csv(tmp / EVENTS_FILE, index=False, encoding="utf-8")
        (tmp / META_FILE).write_text(meta_json(venue) + "\n", encoding="utf-8")
