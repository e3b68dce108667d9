"""Read and write venues in the format's containers: a GeoJSON folder or a GeoPackage.

Each container has its own module (:mod:`floorplan.io.geojson`, :mod:`floorplan.io.gpkg`);
this module picks one by the path and turns what was read into a :class:`~floorplan.Venue`
with one projected metric CRS and the format's columns.
"""

from __future__ import annotations

from pathlib import Path

from floorplan.errors import VenueReadError
from floorplan.io._normalise import RawVenue, build_venue
from floorplan.validate import Problem
from floorplan.venue import Venue

__all__ = ["GPKG_SUFFIX", "read_venue", "write_venue"]

GPKG_SUFFIX = ".gpkg"


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
    from floorplan.io import geojson, gpkg  # noqa: PLC0415 - they import this package

    src = Path(path)
    raw: RawVenue
    if src.is_dir():
        raw = geojson.read_raw(src)
    elif src.is_file() and src.suffix.lower() == GPKG_SUFFIX:
        raw = gpkg.read_raw(src)
    elif not src.exists():
        msg = f"venue {src}: no such file or folder"
        raise VenueReadError(msg, [_read_problem("", "not_found", msg)])
    else:
        msg = (
            f"venue {src}: unknown file type {src.suffix or '(none)'!r}; "
            "give a folder of GeoJSON layers or a .gpkg file"
        )
        raise VenueReadError(msg, [_read_problem("", "unknown_format", msg)])
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
        When ``dst`` is the venue's own source.
    """
    from floorplan.io import geojson, gpkg  # noqa: PLC0415

    target = Path(dst)
    if venue.source is not None and target.resolve() == Path(venue.source).resolve():
        from floorplan.errors import VenueError  # noqa: PLC0415

        msg = f"refusing to write venue over its own source {target}"
        raise VenueError(msg)
    if target.exists() and not overwrite:
        msg = f"{target} exists; pass overwrite=True (CLI: --force) to replace it"
        raise FileExistsError(msg)
    if target.suffix.lower() == GPKG_SUFFIX:
        gpkg.write(venue, target)
    else:
        geojson.write(venue, target)
    return target


def _read_problem(layer: str, rule: str, message: str) -> Problem:
    return Problem(layer=layer, id=None, rule=rule, message=message)
