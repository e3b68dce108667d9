"""Read, validate and write venues in the format's containers: a GeoJSON folder or a GeoPackage.

Each container has its own module (:mod:`floorplan.io.geojson`, :mod:`floorplan.io.gpkg`);
this module picks one by the path and turns what was read into a :class:`~floorplan.Venue`
with one projected metric CRS and the format's columns.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pyogrio.errors import DataLayerError, DataSourceError

from floorplan import schema as S
from floorplan.atomic import refuse_existing, why_write_failed
from floorplan.errors import VenueError, VenueReadError, WriteError
from floorplan.io import geojson, gpkg
from floorplan.io._features import text_flaw
from floorplan.io._normalise import RawVenue, build_venue
from floorplan.problems import Problem, RuleCode
from floorplan.validate import validate
from floorplan.venue import Venue, bundled_venue_path

__all__ = ["GPKG_SUFFIX", "load_venue", "read_venue", "write_venue"]

GPKG_SUFFIX = ".gpkg"
#: What the writers raise when a write cannot be done: the disk (OSError, SQLite, GDAL)
#: or text that no container can store (a lone surrogate, allowed past validation).
_WRITE_FAILURES = (OSError, sqlite3.Error, DataSourceError, DataLayerError, UnicodeEncodeError)


def read_venue(path: str | Path) -> Venue:
    """Read a venue without validating its rules (see :func:`floorplan.load_venue`).

    Problems found while reading (unknown CRS, values of the wrong type) are listed in
    the returned venue's ``problems``.

    Raises
    ------
    VenueReadError
        When the path does not exist, is of an unknown type, cannot be parsed, or lacks
        a required layer.
    """
    src = Path(path)
    raw: RawVenue
    if src.is_dir():
        raw = geojson.read_raw(src)
    elif not geojson.regular_file(src):  # raises for a broken link, a loop, a device
        msg = f"venue {src}: no such file or folder"
        raise VenueReadError(msg, [_read_problem("", RuleCode.NOT_FOUND, msg)])
    elif src.suffix.lower() == GPKG_SUFFIX:
        raw = gpkg.read_raw(src)
    else:
        msg = (
            f"venue {src}: unknown file type {src.suffix or '(none)'!r}; "
            "give a folder of GeoJSON layers or a .gpkg file"
        )
        raise VenueReadError(msg, [_read_problem("", RuleCode.UNKNOWN_FORMAT, msg)])
    venue = build_venue(raw)
    venue.source = src
    return venue


def write_venue(venue: Venue, dst: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``venue`` to a GeoPackage (``.gpkg``) or, for any other path, a GeoJSON folder.

    The write is atomic: everything goes to a temporary sibling first and is renamed
    into place at the end, so a failure leaves no half-written ``dst``.

    Parameters
    ----------
    venue
        The venue to write.
    dst
        The target path.
    overwrite
        Replace an existing ``dst``; without it an existing target is refused.

    Returns
    -------
    Path
        The written path.

    Raises
    ------
    FileExistsError
        When ``dst`` exists and ``overwrite`` is false.
    VenueError
        When ``dst`` is the venue's own source, or text cannot be stored (a NUL, which
        GDAL would cut the text at, or a lone surrogate).
    WriteError
        When writing fails (a full disk, no permission); nothing was written.
    """
    target = Path(dst)
    if venue.source is not None and target.resolve() == Path(venue.source).resolve():
        msg = f"refusing to write venue over its own source {target}"
        raise VenueError(msg)
    refuse_existing(target, overwrite=overwrite)
    if unstorable := _unstorable_text(venue):
        # GDAL would cut the text at a NUL on the way out: a changed venue, unsaid.
        n = len(unstorable)
        msg = f"refusing to write {target}: {n} text value{'s' if n != 1 else ''} cannot be stored"
        raise VenueError(msg, unstorable)
    try:
        if target.suffix.lower() == GPKG_SUFFIX:
            gpkg.write(venue, target)
        else:
            geojson.write(venue, target)
    except _WRITE_FAILURES as exc:
        msg = f"cannot write {target}: {why_write_failed(exc)}; nothing was written" + (
            " (the old one is as it was)" if target.exists() else ""
        )
        raise WriteError(msg) from None
    return target


def _unstorable_text(venue: Venue) -> list[Problem]:
    """Return a problem for each text value no container can store (a NUL, a surrogate)."""
    found: list[Problem] = []
    for layer in (*S.LAYERS, S.EVENTS):
        frame = venue.layer(layer)
        ids = frame[S.LAYER_ID[layer]].tolist()
        for col in frame.columns:
            values = frame[col].tolist()
            texts = [v for v in values if isinstance(v, str)]
            # One scan of the whole column; rows are looked at only when it finds a flaw.
            if not texts or text_flaw("".join(texts)) is None:
                continue
            for fid, value in zip(ids, values, strict=True):
                if isinstance(value, str) and (flaw := text_flaw(value)):
                    fid_text = None if not isinstance(fid, str) else fid
                    rule = RuleCode.BAD_ID if col == S.LAYER_ID[layer] else RuleCode.BAD_VALUE
                    msg = f"{layer} {fid_text or '?'}: {col} {flaw}"
                    found.append(Problem(layer, fid_text, rule, msg))
    return found


def _read_problem(layer: str, rule: RuleCode, message: str) -> Problem:
    return Problem(layer=layer, id=None, rule=rule, message=message)


def load_venue(path: str | Path | None = None, *, strict: bool = True) -> Venue:
    """Read a venue from a GeoJSON folder or a GeoPackage, then validate it.

    Parameters
    ----------
    path
        A folder of ``<layer>.geojson`` files or a ``.gpkg`` file; ``None`` reads the
        bundled Chain Expo venue.
    strict
        Raise when the venue breaks a rule. With ``False`` the venue is returned with
        its ``problems`` listed, for tools (the planner) that help mend it.

    Returns
    -------
    Venue
        Every layer in one projected metric CRS (lon/lat input goes to its UTM zone).

    Raises
    ------
    VenueReadError
        When the input cannot be read at all (no such path, unknown file type, broken
        file, a required layer missing), whatever ``strict`` says.
    VenueError
        When ``strict`` and the venue breaks a rule; ``problems`` lists them.
    """
    src = bundled_venue_path() if path is None else Path(path)
    venue = read_venue(src)
    venue.problems = [*venue.problems, *validate(venue)]
    if strict and venue.problems:
        n = len(venue.problems)
        msg = f"venue {src} breaks {n} rule{'s' if n != 1 else ''}"
        raise VenueError(msg, venue.problems)
    return venue
