"""Import a hall's CAD drawing (DXF) as a venue, with a report of what was made and skipped.

:func:`import_dxf` takes a path or the file's bytes and returns a :class:`DxfImport`: the
venue (validated: its ``problems`` list every broken rule) and the
:class:`~.report.ImportReport`. It prints nothing and writes nothing; the command line
and the planner page decide what to do with the result.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import pandas as pd

from floorplan import schema as S
from floorplan.errors import DrawingError
from floorplan.io._normalise import RawVenue, build_venue, empty_layer
from floorplan.io.dxf.build import BuildOptions, Local, build_local
from floorplan.io.dxf.drawing import (
    METRES_PER_UNIT,
    Units,
    check_hall_area,
    drawing_units,
    open_drawing,
    units_of_scale,
)
from floorplan.io.dxf.entities import extract
from floorplan.io.dxf.georef import SCALE_TOLERANCE, ControlPoint, Placement, parse_crs
from floorplan.io.dxf.layermap import LayerMap
from floorplan.io.dxf.report import ImportReport
from floorplan.validate import validate

if TYPE_CHECKING:
    from ezdxf.document import Drawing

    from floorplan.venue import Venue

__all__ = ["PROPERTY_CRS", "PROPERTY_MATRIX", "DxfImport", "Georef", "import_dxf"]

#: Custom drawing properties that ``floorplan export dxf`` writes, so that its drawings
#: import back without placement options.
PROPERTY_CRS: Final = "floorplan:crs"
PROPERTY_MATRIX: Final = "floorplan:matrix"
#: The ``venue.json`` key holding where an imported venue came from.
META_KEY: Final = "dxf_import"


@dataclass(frozen=True)
class Georef:
    """Where a drawing lies: a CRS and either an origin (and rotation) or control points.

    ``origin`` is where the drawing's 0,0 lies, in the CRS (lon,lat for a geographic
    CRS, which is then replaced by its UTM zone); ``rotation_deg`` turns the drawing's x
    axis counter-clockwise from east. ``control_points`` have drawing-unit ``x, y``.
    """

    crs: str
    origin: tuple[float, float] | None = None
    rotation_deg: float = 0.0
    control_points: tuple[ControlPoint, ...] = field(default=())


@dataclass(frozen=True)
class DxfImport:
    """An imported drawing: the venue and the report. ``venue.problems`` are its broken rules."""

    venue: Venue
    report: ImportReport

    @property
    def valid(self) -> bool:
        """Whether the imported venue keeps every rule."""
        return not self.venue.problems


def import_dxf(
    source: str | Path | bytes,
    georef: Georef | None = None,
    *,
    layer_map: LayerMap | None = None,
    units: Units | str = Units.AUTO,
    name: str | None = None,
    snap_m: float = 0.02,
    gap_m: float = 6.0,
    chord_m: float = 0.01,
) -> DxfImport:
    """Read a DXF drawing and make a venue of it.

    Parameters
    ----------
    source
        The drawing's path, or its bytes (an upload).
    georef
        Where the drawing lies. ``None`` uses the placement a drawing exported by
        floorplan carries, and refuses any other drawing.
    layer_map
        What each layer holds (default: common English and Chinese layer names).
    units
        ``auto`` reads ``$INSUNITS``; or ``mm``, ``cm``, ``m``, ``in``, ``ft``.
    name
        What to call the drawing in messages (default: the path, or ``drawing.dxf``).
    snap_m
        Gaps in line work up to this are closed (default 2 cm).
    gap_m
        Gaps in the walls up to this are bridged to find a hall's outline (default 6 m).
    chord_m
        Arcs and circles become polylines straying at most this far (default 1 cm).

    Returns
    -------
    DxfImport
        The venue, validated (``venue.problems``), and the report.

    Raises
    ------
    DrawingError
        When the drawing cannot be read (DWG, corrupt, truncated, empty), has no hall,
        has implausible units, or cannot be placed.
    """
    label = name or (Path(source).name if not isinstance(source, bytes) else "drawing.dxf")
    if not 0 < snap_m <= 1 or not 0 < chord_m <= 0.05 or not 0 <= gap_m <= 50:
        msg = "snap_m must be in (0, 1], chord_m in (0, 0.05] and gap_m in [0, 50] metres"
        raise DrawingError(msg)
    doc = open_drawing(source, name=label)
    chosen, how = drawing_units(doc, units)
    scale = METRES_PER_UNIT[chosen]
    placement = _placement(doc, georef, scale, label)
    report = ImportReport(
        source=label,
        dxf_version=f"{doc.dxfversion} ({doc.acad_release})",
        units=chosen.value,
        units_how=how,
        placement=placement.to_dict(),
        snap_m=snap_m,
    )
    layer_map = layer_map or LayerMap.default()
    ex = extract(doc.modelspace(), layer_map, report, metres_per_unit=scale, chord_m=chord_m)
    opts = BuildOptions(snap_m=snap_m, gap_m=gap_m, metres_per_unit=scale)

    def check(area_m2: float) -> None:
        check_hall_area(area_m2 * placement.scale**2, chosen, how, where=label)

    local = build_local(ex, layer_map, report, opts, check)
    venue = _venue(local, placement, label, chosen)
    venue.problems = [*venue.problems, *validate(venue)]
    report.problems = list(venue.problems)
    report.made = _made(venue)
    return DxfImport(venue, report)


def _placement(doc: Drawing, georef: Georef | None, scale: float, label: str) -> Placement:
    if georef is None:
        return _drawn_placement(doc, label)
    if georef.origin is not None and georef.control_points:
        msg = "give either an origin (and rotation) or control points, not both"
        raise DrawingError(msg)
    if georef.origin is not None:
        return Placement.from_origin(georef.crs, georef.origin, rotation_deg=georef.rotation_deg)
    if not georef.control_points:
        msg = (
            f"{label}: --crs alone does not place the drawing: add --origin X,Y (and "
            "--rotation DEG), or --control-points FILE"
        )
        raise DrawingError(msg)
    pts = [
        ControlPoint(p.name, p.x * scale, p.y * scale, p.east, p.north)
        for p in georef.control_points
    ]
    fit = Placement.from_control_points(georef.crs, pts)
    if abs(fit.scale - 1) > SCALE_TOLERANCE:
        implied = units_of_scale(scale * fit.scale)
        hint = (
            f"; the drawing looks to be in {implied.value}: pass --units {implied.value}"
            if implied is not None
            else ""
        )
        msg = (
            f"{label}: the control points stretch the drawing {fit.scale:.4g} times; "
            f"its units or the points are wrong{hint}"
        )
        raise DrawingError(msg)
    return fit


def _drawn_placement(doc: Drawing, label: str) -> Placement:
    custom = doc.header.custom_vars
    crs, matrix = custom.get(PROPERTY_CRS), custom.get(PROPERTY_MATRIX)
    if crs and matrix:
        try:
            values = [float(v) for v in json.loads(matrix)]
        except (ValueError, TypeError):
            values = []
        if len(values) == 6 and all(math.isfinite(v) for v in values):
            a, b, d, e, xoff, yoff = values
            return Placement(
                parse_crs(crs),
                (a, b, d, e, xoff, yoff),
                f"the placement the drawing carries (written by floorplan) in {crs}",
                rotation_deg=math.degrees(math.atan2(d, a)),
                scale=math.hypot(a, d),
            )
    msg = (
        f"{label}: the drawing is in local coordinates; say where it lies with "
        "--crs EPSG:N --origin X,Y [--rotation DEG] (where the drawing's 0,0 lies and how "
        "far its x axis turns from east), or --crs EPSG:N --control-points FILE (two or "
        "more points: x,y in the drawing, east,north in the CRS)"
    )
    raise DrawingError(msg)


def _frame(layer: str, records: list[dict[str, Any]], placement: Placement) -> gpd.GeoDataFrame:
    if not records:
        return empty_layer(layer, placement.crs)
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in records])
    geoms = placement.apply([r["geometry"] for r in records])
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms), crs=placement.crs)


def _venue(local: Local, placement: Placement, label: str, units: Units) -> Venue:
    layers: dict[str, gpd.GeoDataFrame | None] = {
        S.HALLS: _frame(S.HALLS, local.halls, placement),
        S.BOOTHS: _frame(S.BOOTHS, local.booths, placement),
        S.OPENINGS: _frame(S.OPENINGS, local.openings, placement),
        S.OBSTACLES: _frame(S.OBSTACLES, local.obstacles, placement),
        S.KIOSKS: None,
        S.AMENITIES: None,
    }
    meta = {
        "name": Path(label).stem,
        "crs": placement.crs.to_string(),
        META_KEY: {"source": label, "units": units.value, **placement.to_dict()},
    }
    raw = RawVenue(where=label, layers=layers, events=None, meta=meta)
    return build_venue(raw)


def _made(venue: Venue) -> dict[str, int]:
    made = {"halls": len(venue.halls), "booths": len(venue.booths)}
    for kind, n in venue.openings[S.Col.KIND].value_counts().items():
        made[f"openings ({kind})"] = int(n)
    for kind, n in venue.obstacles[S.Col.KIND].value_counts().items():
        made[f"obstacles ({kind})"] = int(n)
    return made
