"""The ``floorplan print`` command: hall plans, the exhibitor directory and escape plans."""

from __future__ import annotations

import argparse
from typing import Any

from floorplan.cli._args import add_venue_arg

__all__ = ["add_parser", "run"]

_PAPERS = ("A0", "A1", "A2", "A3", "A4")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``print`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "print",
        help="print hall plans, the exhibitor directory or escape plans (PDF/SVG/PNG)",
        description="Print the venue as a vector PDF (or .svg/.png by OUT's suffix, one "
        "file per page): the whole venue by default, one hall with --hall, every hall and "
        "the exhibitor directory with --all, or escape plans for kiosks with --escape-plan. "
        "Chinese needs a CJK font (fonts-wqy-microhei). Writes are atomic.",
    )
    add_venue_arg(p)
    p.add_argument("out", metavar="OUT", help="the file to write: .pdf, .svg or .png")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--hall", metavar="ID", help="print this hall's plan")
    what.add_argument(
        "--all",
        action="store_true",
        dest="all_halls",
        help="print the venue, every hall, then the exhibitor directory",
    )
    what.add_argument(
        "--escape-plan",
        metavar="KIOSK_ID",
        help="print the escape plan of this kiosk ('all': one per kiosk)",
    )
    p.add_argument(
        "--paper", type=str.upper, choices=_PAPERS, default="A3", help="sheet size (default A3)"
    )
    p.add_argument(
        "--lang",
        type=str.lower,
        choices=("en", "zh", "both"),
        default="both",
        help="language of the text (default: both)",
    )
    p.add_argument("--layout-version", metavar="TEXT", help="what the title block calls the layout")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--allow-problems", action="store_true", help="print a venue that breaks rules")
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Print what was asked; return 0 (failures raise)."""
    from floorplan.io import load_venue  # noqa: PLC0415 - keep --help fast
    from floorplan.render import (  # noqa: PLC0415
        Paper,
        PrintLang,
        PrintOptions,
        output_format,
        print_escape_plans,
        print_plan,
    )

    output_format(args.out)  # refuse an unknown suffix before loading anything
    venue = load_venue(args.venue, strict=not args.allow_problems)
    options = PrintOptions(
        paper=Paper(args.paper), lang=PrintLang(args.lang), layout_version=args.layout_version
    )
    overwrite = bool(args.force)
    if args.escape_plan is not None:
        kiosks = None if args.escape_plan.lower() == "all" else [args.escape_plan]
        written = print_escape_plans(venue, args.out, kiosks, options=options, overwrite=overwrite)
    else:
        written = print_plan(
            venue,
            args.out,
            hall=args.hall,
            all_halls=args.all_halls,
            options=options,
            overwrite=overwrite,
        )
    for path in written:
        print(f"wrote {path}")
    return 0
