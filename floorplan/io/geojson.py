"""Read and write a venue as a folder of GeoJSON files, one per layer.

Each layer file is parsed once, strictly, and every feature checked and built by
:mod:`floorplan.io._features`; anything that is not what the format says is a problem
naming the file, the layer, the feature and the rule, never skipped or changed quietly.
Writing goes through GDAL (pyogrio), atomically.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError

from floorplan import schema as S
from floorplan.atomic import atomic_dir
from floorplan.errors import VenueReadError
from floorplan.io._features import LayerBuilder, depth_within, describe, text_flaw
from floorplan.io._frames import events_for_writing, geometry_type, meta_json
from floorplan.io._normalise import VENUE_LAYER, RawVenue
from floorplan.problems import Problem, RuleCode
from floorplan.validate.limits import MAX_PROPERTY_DEPTH
from floorplan.venue import Venue

__all__ = ["EVENTS_FILE", "META_FILE", "read_raw", "regular_file", "write"]

EVENTS_FILE = "events.csv"
META_FILE = "venue.json"
SUFFIX = ".geojson"
#: RFC 7946: a GeoJSON file without the older 'crs' member is longitude/latitude on WGS 84.
_RFC7946_CRS: Final = "EPSG:4326"
#: Longest CRS name taken from a 'crs' member (the longest WKT names are far shorter).
_CRS_NAME_CHARS: Final = 1000


def read_raw(folder: Path) -> RawVenue:
    """Read every layer file in ``folder``; a missing optional layer is ``None``.

    Features that are not GeoJSON, or hold text that cannot be stored, are left out of
    their layer and listed in the result's ``problems``.

    Raises
    ------
    VenueReadError
        When a file is not valid JSON or not a FeatureCollection, is nested too deeply,
        is not a regular file (a folder, a broken link), or events.csv / venue.json
        cannot be parsed.
    """
    layers: dict[str, gpd.GeoDataFrame | None] = {}
    problems: list[Problem] = []
    for layer in S.LAYERS:
        path = folder / f"{layer}{SUFFIX}"
        layers[layer] = _read_layer(layer, path, problems) if regular_file(path, layer) else None
    events = _read_events(folder / EVENTS_FILE, problems)
    meta = _read_meta(folder / META_FILE, problems)
    return RawVenue(where=str(folder), layers=layers, events=events, meta=meta, problems=problems)


def regular_file(path: Path, layer: str = "") -> bool:
    """Return whether ``path`` is a regular file to read; ``False`` when nothing is there.

    Raises
    ------
    VenueReadError
        With rule ``not_a_file`` when something other than a regular file is there: a
        folder, a link to nothing or to itself, a device or a pipe (which would block).
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if not os.path.lexists(path):
            return False
        what = f"a symbolic link to {str(path.readlink())!r}, which does not exist"
    except OSError as exc:
        loop = " (a symbolic link loop)" if exc.errno == errno.ELOOP else ""
        what = f"not openable: {exc.strerror or exc}{loop}"
    else:
        if stat.S_ISREG(mode):
            return True
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device or pipe)"
    which = f"layer {layer!r}" if layer else "the venue"
    msg = f"{path}: {which} is {what}; it must be a file" + (" (or absent)" if layer else "")
    raise VenueReadError(msg, [Problem(layer, None, RuleCode.NOT_A_FILE, msg)])


def _unreadable(layer: str, path: Path, why: object) -> VenueReadError:
    msg = f"{path}: layer {layer!r} cannot be read: {why}"
    return VenueReadError(msg, [Problem(layer, None, RuleCode.UNREADABLE, msg)])


def parse_json(layer: str, path: Path) -> Any:
    """Return the parsed JSON document at ``path``.

    Raises
    ------
    VenueReadError
        When the file cannot be read, is not UTF-8 JSON, or nests too deeply for the
        parser (rule ``too_deep``).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        why = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise _unreadable(layer, path, why) from None
    except OSError as exc:
        raise _unreadable(layer, path, exc.strerror or exc) from None
    try:
        return json.loads(text)
    except RecursionError:
        msg = (
            f"{path}: layer {layer!r} is nested too deeply to read (a layer needs 8 levels "
            f"of arrays and objects, and properties at most {MAX_PROPERTY_DEPTH} more)"
        )
        raise VenueReadError(msg, [Problem(layer, None, RuleCode.TOO_DEEP, msg)]) from None
    except json.JSONDecodeError as exc:
        raise _unreadable(layer, path, exc) from None
    except ValueError:  # Python refuses to parse integers of over 4,300 digits
        raise _unreadable(layer, path, "it holds a number of over 4,300 digits") from None


def _read_layer(layer: str, path: Path, problems: list[Problem]) -> gpd.GeoDataFrame:
    doc = parse_json(layer, path)
    if type(doc) is not dict or doc.get("type") != "FeatureCollection":
        raise _unreadable(layer, path, "not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if type(features) is not list:
        raise _unreadable(layer, path, f"its 'features' is {describe(features)}, not an array")
    builder = LayerBuilder(layer, path)
    for position, feature in enumerate(features):
        builder.add(position, feature)
    frame = builder.frame(_crs_member(layer, path, doc, problems))
    problems.extend(builder.problems)
    return frame


def _crs_member(layer: str, path: Path, doc: dict[str, Any], problems: list[Problem]) -> CRS | None:
    """Return the CRS a file declares: its legacy 'crs' member, else RFC 7946's lon/lat."""
    member = doc.get("crs")
    if member is None:
        return CRS.from_user_input(_RFC7946_CRS)
    props = member.get("properties") if type(member) is dict else None
    name: object = None
    if type(props) is dict:
        name = props.get("name") if member.get("type") == "name" else None
        if member.get("type") == "EPSG" and type(props.get("code")) is int:
            name = f"EPSG:{props['code']}"
    if isinstance(name, str) and len(name) <= _CRS_NAME_CHARS:
        try:
            return CRS.from_user_input(name)
        except CRSError:
            pass
    shown = json.dumps(member, ensure_ascii=False) if depth_within(member, 8) else "nested"
    msg = (
        f"{path}: layer {layer!r} has a 'crs' member naming no known CRS "
        f"({shown if len(shown) <= 120 else shown[:117] + '...'})"
    )
    problems.append(Problem(layer, None, RuleCode.BAD_CRS, msg))
    return None


def _read_events(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    if not regular_file(path, S.EVENTS):
        return None
    try:
        events = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _unreadable(S.EVENTS, path, exc) from None
    except OSError as exc:
        raise _unreadable(S.EVENTS, path, exc.strerror or exc) from None
    ids = events[S.LAYER_ID[S.EVENTS]].tolist() if S.LAYER_ID[S.EVENTS] in events else []
    for col in events.columns:
        values = events[col].tolist()
        # One scan of the column; rows are looked at only when it finds a flaw. Ids are
        # validation's (rule bad_id).
        if col == S.LAYER_ID[S.EVENTS] or text_flaw("".join(map(str, values))) is None:
            continue
        for row, value in enumerate(values):
            if flaw := text_flaw(str(value)):
                fid = str(ids[row]) if ids else None
                msg = f"{path}: line {row + 2} (event {fid!r}): {col!r} {flaw}"
                problems.append(Problem(S.EVENTS, fid, RuleCode.BAD_VALUE, msg))
    return events


def _read_meta(path: Path, problems: list[Problem]) -> dict[str, object]:
    if not regular_file(path, VENUE_LAYER):
        return {}
    meta = parse_json(VENUE_LAYER, path)
    if not isinstance(meta, dict):
        raise _unreadable(VENUE_LAYER, path, "venue.json must hold a JSON object")
    if not depth_within(meta, MAX_PROPERTY_DEPTH):
        msg = f"{path}: venue.json is nested deeper than {MAX_PROPERTY_DEPTH} levels"
        raise VenueReadError(msg, [Problem(VENUE_LAYER, None, RuleCode.TOO_DEEP, msg)])
    try:
        json.dumps(meta, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        msg = f"{path}: venue.json holds a lone surrogate (\\ud800-\\udfff), which is not text"
        problems.append(Problem(VENUE_LAYER, None, RuleCode.BAD_VALUE, msg))
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
