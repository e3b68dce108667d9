"""The ``floorplan validate`` command: check a venue against the format's rules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from floorplan.cli import imdf
from floorplan.cli._args import add_json_arg, add_venue_arg

if TYPE_CHECKING:
    from floorplan.venue import Venue

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``validate`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check a venue (or an IMDF archive) against the format's rules",
        description="Check a venue, or an IMDF archive (a .zip) against IMDF's structural "
        "rules. Exit 0 when valid, 1 when rules are broken, 2 when the input cannot be read.",
    )
    add_venue_arg(p)
    p.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="a venue or an IMDF archive (.zip) to check; the same as --venue PATH",
    )
    add_json_arg(p, 'print {"valid": bool, "problems": [...]} on stdout')
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Validate the venue and report; return 0 valid, 1 broken rules, 2 unreadable."""
    from floorplan.errors import OptionError, VenueReadError  # noqa: PLC0415
    from floorplan.io import load_venue  # noqa: PLC0415 - keep --help fast

    if args.path is not None:
        if args.venue is not None and args.venue != args.path:
            msg = "give the venue once: as PATH or as --venue PATH"
            raise OptionError(msg)
        args.venue = args.path
    if imdf.is_archive(args.venue):
        return imdf.run_validate(args.venue, as_json=args.json)

    venue: Venue | None = None
    try:
        venue = load_venue(args.venue, strict=False)
    except VenueReadError as exc:
        if not args.json:
            raise
        # --json promises JSON on stdout whatever happens.
        problems, code = exc.problems, 2
    else:
        problems = venue.problems
        code = 1 if problems else 0
    if args.json:
        report = {"valid": not problems, "problems": [p.to_dict() for p in problems]}
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif problems:
        where = args.venue or "the bundled venue"
        print(f"{where}: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
    elif venue is not None:
        print(
            f"{venue.name or args.venue}: valid ({len(venue.halls)} halls, "
            f"{len(venue.booths)} booths, {len(venue.openings)} openings, "
            f"{len(venue.kiosks)} kiosks, {len(venue.amenities)} amenities, "
            f"{len(venue.events)} events; CRS {venue.crs.to_string()})"
        )
    return code
