"""Write a venue as a DXF drawing for the venue's CAD team, on one layer per kind of thing.

Halls, booths (one layer per zone) with their numbers and exhibitors as text, columns
and other obstacles, and openings (doors, exits, emergency exits, connections) each get
their own layer, named so that :func:`~floorplan.io.dxf.import_dxf` reads them back with
its default map. A venue imported from a drawing goes back in that drawing's own
coordinates; any other venue in metres from a round corner of its extent. The placement
is stored in the drawing's custom properties, so importing the export needs no options.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely

from floorplan import schema as S
from floorplan.atomic import atomic_file, refuse_existing
from floorplan.errors import DrawingError
from floorplan.io.dxf.drawing import METRES_PER_UNIT, Units, insunits_code, parse_units
from floorplan.io.dxf.georef import Placement
from floorplan.io.dxf.importer import META_KEY, PROPERTY_CRS, PROPERTY_MATRIX
from floorplan.schema import Col

if TYPE_CHECKING:
    from ezdxf.layouts import Modelspace

    from floorplan.venue import Venue

__all__ = ["LAYERS", "export_dxf"]

#: Layer names of an export, and their colours (AutoCAD colour index).
LAYERS: Final[dict[str, int]] = {
    "HALL 展厅": 7,
    "CONCOURSE 大厅": 7,
    "HALL-NAME 展厅名": 7,
    "BOOTH-NO 展位号": 3,
    "EXHIBITOR 展商": 8,
    "COLUMN 柱": 4,
    "WALL 墙": 7,
    "DOOR 门": 2,
    "EXIT 出口": 6,
    "EMERGENCY-EXIT 安全出口": 1,
    "CONNECTION 连通": 5,
}
_OPENING_LAYER: Final = {
    S.OpeningKind.ENTRANCE.value: "DOOR 门",
    S.OpeningKind.EXIT.value: "EXIT 出口",
    S.OpeningKind.EMERGENCY_EXIT.value: "EMERGENCY-EXIT 安全出口",
    S.OpeningKind.CONNECTION.value: "CONNECTION 连通",
}


def booth_layer(zone: str) -> str:
    """Return the layer of a zone's booths (the importer's default map reads the zone)."""
    return f"BOOTH-{zone.upper()} 展位"


def obstacle_layer(kind: str) -> str:
    """Return the layer of an obstacle kind."""
    if kind == "column":
        return "COLUMN 柱"
    if kind == "wall":
        return "WALL 墙"
    return f"OBSTACLE-{kind.upper()}"


def export_dxf(
    venue: Venue, dst: str | Path, *, units: Units | str = Units.M, overwrite: bool = False
) -> Path:
    """Write ``venue`` as a DXF drawing at ``dst``, atomically.

    Parameters
    ----------
    venue
        The venue to write.
    dst
        The target ``.dxf`` path.
    units
        The drawing's units: ``m`` (default), ``mm``, ``cm``, ``in`` or ``ft``.
    overwrite
        Replace an existing ``dst``.

    Returns
    -------
    Path
        The written path.

    Raises
    ------
    FileExistsError
        When ``dst`` exists and ``overwrite`` is false.
    OptionError
        For unknown units.
    """
    import ezdxf  # noqa: PLC0415 - heavy, only when exporting

    chosen = parse_units(units)
    if chosen is Units.AUTO:
        msg = "export units must be given (m, mm, cm, in or ft), not auto"
        raise DrawingError(msg)
    target = Path(dst)
    refuse_existing(target, overwrite=overwrite)
    placement = _local_frame(venue)
    per_unit = METRES_PER_UNIT[chosen]
    doc = ezdxf.new("R2018", units=insunits_code(chosen))
    doc.header["$INSUNITS"] = insunits_code(chosen)
    doc.header.custom_vars.append(PROPERTY_CRS, venue.crs.to_string())
    doc.header.custom_vars.append(PROPERTY_MATRIX, json.dumps(list(placement.matrix)))
    if venue.name:
        doc.header.custom_vars.append("floorplan:venue", venue.name)
    zones = sorted({str(z) for z in venue.booths[Col.ZONE]})
    kinds = sorted({str(k) for k in venue.obstacles[Col.KIND]})
    for name in [*LAYERS, *map(booth_layer, zones), *map(obstacle_layer, kinds)]:
        if name not in doc.layers:
            doc.layers.add(name, color=LAYERS.get(name, 7))

    def local(geoms: Any) -> Any:
        return shapely.transform(placement.inverse(geoms), lambda xy: xy / per_unit)

    msp = doc.modelspace()
    _halls(msp, venue, local)
    _booths(msp, venue, local, text_unit=per_unit)
    _obstacles(msp, venue, local)
    _openings(msp, venue, local)
    with atomic_file(target) as tmp:
        doc.saveas(tmp)
    return target


def _local_frame(venue: Venue) -> Placement:
    """Return the placement of the drawing's frame: the source drawing's, or a round corner."""
    meta = venue.meta.get(META_KEY)
    if isinstance(meta, dict) and meta.get("crs") == venue.crs.to_string():
        matrix = meta.get("matrix")
        if isinstance(matrix, list) and len(matrix) == 6:
            values = tuple(float(v) for v in matrix)
            if all(math.isfinite(v) for v in values):
                return Placement(venue.crs, values, "the source drawing's frame")  # type: ignore[arg-type]
    xmin, ymin, _, _ = venue.halls.total_bounds
    origin = (math.floor(xmin / 100) * 100, math.floor(ymin / 100) * 100)
    return Placement.from_origin(venue.crs, origin)


def _rings(poly: Any) -> list[np.ndarray]:
    return [shapely.get_coordinates(r)[:-1] for r in (poly.exterior, *poly.interiors)]


def _outline(msp: Modelspace, poly: Any, layer: str) -> None:
    for part in shapely.get_parts(poly):
        if part.geom_type != "Polygon":
            continue
        for ring in _rings(part):
            msp.add_lwpolyline(ring.tolist(), close=True, dxfattribs={"layer": layer})


def _label(msp: Modelspace, text: str, at: Any, height: float, layer: str) -> None:
    mtext = msp.add_mtext(text, dxfattribs={"layer": layer, "char_height": height})
    mtext.set_location((float(at.x), float(at.y)), attachment_point=5)


def _halls(msp: Modelspace, venue: Venue, local: Any) -> None:
    geoms = local(np.asarray(venue.halls.geometry.values, dtype=object))
    halls = venue.halls
    rows = zip(halls[Col.HALL_ID], halls[Col.NAME], halls[Col.KIND], geoms, strict=True)
    for hid, name, kind, geom in rows:
        _outline(msp, geom, "CONCOURSE 大厅" if kind == S.HallKind.CONCOURSE else "HALL 展厅")
        size = math.sqrt(max(shapely.area(geom), 1e-9))
        # The id on the first line, the name below: the importer reads them back so.
        text = str(hid) if not name or name == hid else f"{hid}\\P{name}"
        _label(msp, text, shapely.point_on_surface(geom), size / 40, "HALL-NAME 展厅名")


def _booths(msp: Modelspace, venue: Venue, local: Any, *, text_unit: float) -> None:
    booths = venue.booths
    geoms = local(np.asarray(booths.geometry.values, dtype=object))
    for row, geom in zip(booths.itertuples(index=False), geoms, strict=True):
        _outline(msp, geom, booth_layer(str(getattr(row, Col.ZONE))))
        inside = shapely.maximum_inscribed_circle(geom, 0.05 / text_unit)
        centre = shapely.get_point(inside, 0)
        radius = shapely.length(inside)
        height = max(min(0.5 / text_unit, radius / 3), 0.05 / text_unit)
        _label(msp, str(getattr(row, Col.BOOTH_ID)), centre, height, "BOOTH-NO 展位号")
        names = [str(getattr(row, c) or "") for c in (Col.EXHIBITOR, Col.EXHIBITOR_ZH)]
        below = shapely.Point(centre.x, centre.y - 1.5 * height)
        for name in names:
            if name and name != "nan":
                spot = below if geom.contains(below) else centre
                _label(msp, name, spot, height * 0.6, "EXHIBITOR 展商")
                below = shapely.Point(below.x, below.y - height)


def _obstacles(msp: Modelspace, venue: Venue, local: Any) -> None:
    geoms = local(np.asarray(venue.obstacles.geometry.values, dtype=object))
    for kind, geom in zip(venue.obstacles[Col.KIND], geoms, strict=True):
        _outline(msp, geom, obstacle_layer(str(kind)))


def _openings(msp: Modelspace, venue: Venue, local: Any) -> None:
    geoms = local(np.asarray(venue.openings.geometry.values, dtype=object))
    for kind, geom in zip(venue.openings[Col.KIND], geoms, strict=True):
        layer = _OPENING_LAYER.get(str(kind), "DOOR 门")
        msp.add_lwpolyline(shapely.get_coordinates(geom).tolist(), dxfattribs={"layer": layer})
