"""Bring a hall's CAD drawing (DXF) in as a venue, and hand a venue back as a DXF.

- :func:`import_dxf`: a drawing (path or bytes) and a :class:`LayerMap` → a
  :class:`DxfImport` (the venue, validated, and an :class:`ImportReport`);
- :func:`export_dxf`: a venue → a DXF drawing for the venue's CAD team;
- :func:`open_drawing`, :func:`list_layers`: what a drawing's layers hold, to write a map;
- :class:`Georef`, :class:`Placement`, :func:`read_control_points`: where a drawing lies.

Everything is read with ezdxf; nothing here prints.
"""

from __future__ import annotations

from floorplan.io.dxf.drawing import LayerInfo, Units, list_layers, open_drawing, parse_units
from floorplan.io.dxf.export import export_dxf
from floorplan.io.dxf.georef import ControlPoint, Placement, read_control_points
from floorplan.io.dxf.importer import DxfImport, Georef, import_dxf
from floorplan.io.dxf.layermap import LayerMap, LayerRule, Role, load_layer_map
from floorplan.io.dxf.report import ImportReport, LayerReport, Skipped, SkipReason

__all__ = [
    "ControlPoint",
    "DxfImport",
    "Georef",
    "ImportReport",
    "LayerInfo",
    "LayerMap",
    "LayerReport",
    "LayerRule",
    "Placement",
    "Role",
    "SkipReason",
    "Skipped",
    "Units",
    "export_dxf",
    "import_dxf",
    "list_layers",
    "load_layer_map",
    "open_drawing",
    "parse_units",
    "read_control_points",
]
