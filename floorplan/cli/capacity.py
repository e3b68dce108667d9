"""The ``floorplan capacity`` command: hall capacity, exits and travel distances by code profile."""

from __future__ import annotations

import argparse
import json
from typing import Any

from floorplan.cli._args import add_code_args, add_json_arg, add_venue_arg, at_least, code_for

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``capacity`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "capacity",
        help="hall capacity, exit width, travel distance and evacuation time",
        description="Print per hall (and per zone and for the venue) the occupant load by "
        "a code profile, the egress capacity of its exits' clear width (less what booths "
        "in front of them block), the capacity (the smaller) and which limit binds, the "
        "farthest point from an exit in a straight line and walking, the hydraulic "
        "evacuation time at capacity, and every problem of the venue (the rule engine's "
        "format, floor and code rules), as the /staff page shows them. Exit 0 when no "
        "code rule is broken, 1 when a hall breaks one, 2 for unreadable input.",
    )
    add_venue_arg(p)
    add_code_args(p)
    p.add_argument(
        "--walk-samples",
        type=int,
        default=200,
        metavar="N",
        help="points per hall whose walking distance is measured (default 200; 0: skip)",
    )
    add_json_arg(p)
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Print the capacity report; return 0, or 1 when a hall breaks a code rule."""
    at_least("--walk-samples", args.walk_samples, 0)
    from floorplan.io import load_venue  # noqa: PLC0415 - keep --help fast
    from floorplan.rules import capacity_report  # noqa: PLC0415

    venue = load_venue(args.venue)
    report = capacity_report(venue, code=code_for(args, venue), walk_samples=args.walk_samples)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines()))
    return 1 if report.code_breaches else 0
