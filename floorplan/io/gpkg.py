"""Read and write a venue as a GeoPackage: one layer per format layer, plus tables."""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from floorplan import schema as S
from floorplan.atomic import atomic_file
from floorplan.errors import VenueReadError
from floorplan.io._features import depth_within
from floorplan.io._frames import events_for_writing, geometry_type, meta_json
from floorplan.io._normalise import RawVenue
from floorplan.problems import Problem, RuleCode
from floorplan.validate.limits import MAX_PROPERTY_DEPTH
from floorplan.venue import Venue

__all__ = ["META_TABLE", "read_raw", "write"]

#: A one-row table holding venue.json's text, so a GeoPackage carries the same metadata.
META_TABLE = "venue"


def _unreadable(path: Path, layer: str, why: object) -> VenueReadError:
    msg = f"{path}: {('layer ' + repr(layer)) if layer else 'file'} cannot be read: {why}"
    return VenueReadError(msg, [Problem(layer, None, RuleCode.UNREADABLE, msg)])


def read_raw(path: Path) -> RawVenue:
    """Read the venue layers and tables of the GeoPackage at ``path``.

    Raises
    ------
    VenueReadError
        When the file is not a readable GeoPackage.
    """
    try:
        names = {str(row[0]) for row in pyogrio.list_layers(path)}
    except Exception as exc:
        raise _unreadable(path, "", exc) from None
    layers: dict[str, gpd.GeoDataFrame | None] = {}
    for layer in S.LAYERS:
        layers[layer] = _read(path, layer) if layer in names else None
    events = None
    if S.EVENTS in names:
        events = pd.DataFrame(_read(path, S.EVENTS))
        events = events.drop(columns=["geometry"], errors="ignore")
    meta: dict[str, object] = {}
    if META_TABLE in names:
        table = _read(path, META_TABLE)
        if len(table) and "json" in table.columns:
            meta = _meta(path, str(table["json"].iloc[0]))
    return RawVenue(where=str(path), layers=layers, events=events, meta=meta)


def _meta(path: Path, text: str) -> dict[str, object]:
    """Return the venue table's JSON object, as strictly as GeoJSON's venue.json."""
    too_deep = f"{path}: table {META_TABLE!r} is nested deeper than {MAX_PROPERTY_DEPTH} levels"
    try:
        loaded = json.loads(text)
    except RecursionError:
        problem = Problem(META_TABLE, None, RuleCode.TOO_DEEP, too_deep)
        raise VenueReadError(too_deep, [problem]) from None
    except ValueError as exc:  # JSONDecodeError, or an integer of over 4,300 digits
        raise _unreadable(path, META_TABLE, exc) from None
    if not isinstance(loaded, dict):
        raise _unreadable(path, META_TABLE, "its json column must hold a JSON object")
    if not depth_within(loaded, MAX_PROPERTY_DEPTH):
        raise VenueReadError(too_deep, [Problem(META_TABLE, None, RuleCode.TOO_DEEP, too_deep)])
    return loaded


def _read(path: Path, layer: str) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            # shapely warns of NaN coordinates in the WKB; validation reports them
            # (nonfinite_coordinates), with the feature's id, which the warning lacks.
            warnings.simplefilter("ignore", RuntimeWarning)
            return pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:
        raise _unreadable(path, layer, exc) from None


def write(venue: Venue, target: Path) -> None:
    """Write ``venue`` as a GeoPackage at ``target``, atomically."""
    with atomic_file(target) as tmp:
        for layer, frame in venue.layers().items():
            pyogrio.write_dataframe(
                frame,
                tmp,
                layer=layer,
                driver="GPKG",
                geometry_type=geometry_type(layer, frame),
            )
        pyogrio.write_dataframe(
            events_for_writing(venue.events), tmp, layer=S.EVENTS, driver="GPKG"
        )
        pyogrio.write_dataframe(
            pd.DataFrame({"json": [meta_json(venue)]}), tmp, layer=META_TABLE, driver="GPKG"
        )
        # Prove the file is whole before it replaces anything.
        with sqlite3.connect(tmp) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":  # pragma: no cover
                msg = f"GeoPackage {target} failed its integrity check"
                raise OSError(msg)
