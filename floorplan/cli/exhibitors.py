"""``floorplan import exhibitors``: fill a venue's booths from an exhibitor list."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from floorplan.atomic import refuse_existing
from floorplan.cli._args import add_json_arg, add_venue_arg

__all__ = ["add_import", "run_import"]


def add_import(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``exhibitors`` to ``floorplan import``'s formats and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "exhibitors",
        help="fill booths from an exhibitor list (CSV, XLSX)",
        description="Match each row of an exhibitor list to a booth of the venue by booth "
        "number and write the venue with the rows' company names (EN, ZH), country, zone, "
        "products and website. CSV in UTF-8, UTF-8 with BOM or GB18030; XLSX, XLS, ODS. "
        "All or nothing: a row naming an unknown booth, or a booth another company has, "
        "stops the import (exit 1, nothing written) unless --partial.",
    )
    p.add_argument("list", metavar="LIST", help="the exhibitor list (.csv, .xlsx, .xls, .ods)")
    p.add_argument("out", metavar="OUT", help="target .gpkg file or folder")
    add_venue_arg(p)
    p.add_argument(
        "--columns",
        metavar="MAP",
        help="name columns the headers leave unclear: booth=HEADER,exhibitor=HEADER,... "
        "(fields: booth, exhibitor, exhibitor_zh, country, zone, products, website)",
    )
    p.add_argument("--sheet", metavar="NAME", help="the spreadsheet's sheet (default: first)")
    p.add_argument(
        "--partial", action="store_true", help="apply the rows that match; report the rest"
    )
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    add_json_arg(p, "print the report as JSON on stdout")
    p.set_defaults(handler=run_import)
    return p


def run_import(args: argparse.Namespace) -> int:
    """Import the list; return 0 (failures raise)."""
    from floorplan.errors import ExhibitorMatchError  # noqa: PLC0415
    from floorplan.io import load_venue, write_venue  # noqa: PLC0415 - keep --help fast
    from floorplan.io.exhibitors import import_exhibitors, parse_columns  # noqa: PLC0415

    out = Path(args.out)
    refuse_existing(out, overwrite=args.force)
    columns = parse_columns(args.columns) if args.columns else None
    venue = load_venue(args.venue, strict=False)
    result = import_exhibitors(args.list, venue, columns=columns, sheet=args.sheet)
    written = None
    if result.complete or args.partial:
        written = str(write_venue(result.venue, out, overwrite=args.force))
    if args.json:
        doc = {"complete": result.complete, "written": written, "report": result.report.to_dict()}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(result.report.to_text())
        if written:
            print(f"wrote {written}")
    if written is None:
        n = len(result.report.rejected)
        msg = (
            f"{n} row{'s' if n != 1 else ''} of {args.list} match no free booth; nothing "
            "written (mend the list, or pass --partial to apply the rows that match)"
        )
        raise ExhibitorMatchError(msg)
    return 0
