"""``floorplan import dxf`` and ``floorplan export dxf``: a hall's CAD drawing in and out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from floorplan.atomic import refuse_existing
from floorplan.cli._args import add_json_arg, add_venue_arg
from floorplan.errors import OptionError

if TYPE_CHECKING:
    from floorplan.io.dxf import DxfImport, Georef, LayerInfo

__all__ = ["add_export", "add_import", "run_export", "run_import"]

_UNITS = "auto, mm, cm, m, in, ft"


def add_import(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``dxf`` to ``floorplan import``'s formats and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "dxf",
        help="import a hall's CAD drawing (DXF) as a venue",
        description="Make a venue of a DXF drawing: halls, booths with their numbers, "
        "columns, walls, doors and exits, by a layer map (default: common English and "
        "Chinese layer names). Prints a report of what was made and skipped per layer, "
        "then validates. Exit 0 valid (written), 1 rules broken (written only with "
        "--allow-problems), 2 the drawing cannot be read or placed (nothing written).",
    )
    p.add_argument("drawing", metavar="DRAWING.dxf", help="the drawing (ASCII or binary DXF)")
    p.add_argument("out", metavar="OUT", nargs="?", help="target .gpkg file or folder")
    p.add_argument("--map", metavar="MAP.toml", help="the layer map (see docs/import.md)")
    p.add_argument("--units", default="auto", help=f"drawing units: {_UNITS} (default auto)")
    p.add_argument("--crs", metavar="EPSG:N", help="the CRS to place the drawing in")
    p.add_argument("--origin", metavar="X,Y", help="where the drawing's 0,0 lies in the CRS")
    p.add_argument(
        "--rotation",
        metavar="DEG",
        type=float,
        default=0.0,
        help="how far the drawing's x axis turns counter-clockwise from east (default 0)",
    )
    p.add_argument(
        "--control-points",
        metavar="FILE",
        help="CSV of x,y (drawing) and east,north (CRS), two or more rows",
    )
    p.add_argument(
        "--snap",
        metavar="M",
        type=float,
        default=0.02,
        help="close gaps in line work up to this many metres (default 0.02)",
    )
    p.add_argument(
        "--list-layers",
        action="store_true",
        help="print every layer with its entity counts and its role under the map, and stop",
    )
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument(
        "--allow-problems", action="store_true", help="write OUT even when rules are broken"
    )
    add_json_arg(p, "print the report as JSON on stdout")
    p.set_defaults(handler=run_import)
    return p


def add_export(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``dxf`` to ``floorplan export``'s formats and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "dxf",
        help="write the venue as a DXF drawing",
        description="Write halls, booths with their numbers and exhibitors, columns and "
        "other obstacles, and openings on their own layers, for the venue's CAD team. A "
        "venue imported from a drawing goes back in that drawing's coordinates.",
    )
    add_venue_arg(p)
    p.add_argument("out", metavar="OUT.dxf", help="the drawing to write")
    p.add_argument("--units", default="m", help="drawing units: m (default), mm, cm, in or ft")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument(
        "--allow-problems",
        action="store_true",
        help="export a venue that breaks rules (to mend it in CAD)",
    )
    p.set_defaults(handler=run_export)
    return p


def _georef(args: argparse.Namespace) -> Georef | None:
    from floorplan.io.dxf import Georef, read_control_points  # noqa: PLC0415
    from floorplan.io.dxf.georef import parse_origin  # noqa: PLC0415

    placed = args.origin is not None or args.control_points is not None
    if args.crs is None:
        if placed:
            msg = "--origin and --control-points need --crs EPSG:N (the CRS they are in)"
            raise OptionError(msg)
        return None
    origin = parse_origin(args.origin) if args.origin is not None else None
    points = tuple(read_control_points(args.control_points)) if args.control_points else ()
    return Georef(args.crs, origin=origin, rotation_deg=args.rotation, control_points=points)


def run_import(args: argparse.Namespace) -> int:
    """Import the drawing; return 0 valid, 1 rules broken (failures raise)."""
    from floorplan.errors import DrawingError, VenueError  # noqa: PLC0415
    from floorplan.io import write_venue  # noqa: PLC0415 - keep --help fast
    from floorplan.io.dxf import import_dxf, list_layers, load_layer_map, open_drawing  # noqa: PLC0415

    try:
        layer_map = load_layer_map(args.map)
        if args.list_layers:
            _print_layers(list_layers(open_drawing(args.drawing), layer_map), args.json)
            return 0
        if not args.out:
            msg = "give OUT (a .gpkg file or a folder), or --list-layers"
            raise OptionError(msg)
        out = Path(args.out)
        refuse_existing(out, overwrite=args.force)
        result = import_dxf(
            args.drawing, _georef(args), layer_map=layer_map, units=args.units, snap_m=args.snap
        )
    except DrawingError as exc:
        if args.json:  # --json promises JSON on stdout whatever happens
            print(json.dumps({"valid": False, "written": None, "error": str(exc)}))
        raise
    written = None
    if result.valid or args.allow_problems:
        written = str(write_venue(result.venue, out, overwrite=args.force))
    _print_report(result, written, as_json=args.json)
    if result.valid:
        return 0
    if written is None:
        n = len(result.venue.problems)
        msg = (
            f"the imported venue breaks {n} rule{'s' if n != 1 else ''}; nothing written "
            "(mend the drawing or the map, or pass --allow-problems)"
        )
        raise VenueError(msg)
    return 1


def _print_report(result: DxfImport, written: str | None, *, as_json: bool) -> None:
    if as_json:
        doc = {"valid": result.valid, "written": written, "report": result.report.to_dict()}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    print(result.report.to_text())
    if written:
        v = result.venue
        print(
            f"wrote {written} ({len(v.halls)} halls, {len(v.booths)} booths, "
            f"{len(v.openings)} openings, {len(v.obstacles)} obstacles)"
        )


def _print_layers(infos: list[LayerInfo], as_json: bool) -> None:
    if as_json:
        print(json.dumps([i.to_dict() for i in infos], ensure_ascii=False, indent=2))
        return
    for info in infos:
        counts = ", ".join(f"{n} {kind}" for kind, n in info.counts.items()) or "empty"
        blocks = ", ".join(f"{name}×{n}" for name, n in info.blocks.items())
        role = info.role if info.rule_source != "unmapped" else "ignore (not in the map)"
        line = f"{info.name}\t{role}\t{counts}" + (f"\tblocks: {blocks}" if blocks else "")
        print(line)


def run_export(args: argparse.Namespace) -> int:
    """Export the venue as DXF; return 0 (failures raise)."""
    from floorplan.io import load_venue  # noqa: PLC0415 - keep --help fast
    from floorplan.io.dxf import export_dxf  # noqa: PLC0415

    venue = load_venue(args.venue, strict=not args.allow_problems)
    out = export_dxf(venue, args.out, units=args.units, overwrite=args.force)
    print(
        f"wrote {out} ({len(venue.halls)} halls, {len(venue.booths)} booths, "
        f"{len(venue.openings)} openings, {len(venue.obstacles)} obstacles; units {args.units})",
        file=sys.stdout,
    )
    return 0
