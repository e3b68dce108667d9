"""The ``floorplan capacity`` command: hall capacity, exits and travel distances by code profile."""

from __future__ import annotations

import argparse
import json
import sys

from floorplan._cli_args import add_venue_arg
from floorplan.errors import FloorplanError

__all__ = ["add_capacity_parser", "run_capacity"]


def add_capacity_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``capacity`` to the command line's subcommands and return its parser."""
    p = subparsers.add_parser(
        "capacity",
        help="hall capacity, exit width, travel distance and evacuation time",
        description="Print per hall (and per zone and for the venue) the occupant load by "
        "a code profile, the egress capacity of its exits' clear width, the capacity (the "
        "smaller) and which limit binds, the farthest point from an exit in a straight line "
        "and walking, and the hydraulic evacuation time at capacity.",
    )
    add_venue_arg(p)
    p.add_argument(
        "--code",
        default="gb50016",
        metavar="NAME",
        help="code profile: gb50016 (default), ibc, uk, or the path of a .toml/.json profile",
    )
    p.add_argument(
        "--sprinklered",
        action="store_true",
        help="use the profile's travel limit for sprinklered buildings",
    )
    p.add_argument(
        "--walk-samples",
        type=int,
        default=200,
        metavar="N",
        help="points per hall whose walking distance is measured (default 200; 0: skip)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=run_capacity, command="capacity")
    return p


def run_capacity(args: argparse.Namespace) -> int:
    """Run ``floorplan capacity``; return 0, or 1 with a message for bad input."""
    from floorplan.capacity import hall_capacity, load_profile, totals  # noqa: PLC0415
    from floorplan.venue import load_venue  # noqa: PLC0415 - keep ``--help`` fast

    try:
        if args.walk_samples < 0:
            msg = f"--walk-samples must be >= 0, got {args.walk_samples}"
            raise FloorplanError(msg)
        profile = load_profile(args.code)
        venue = load_venue(args.venue)
        caps = hall_capacity(
            venue, profile=profile, sprinklered=args.sprinklered, walk_samples=args.walk_samples
        )
    except FloorplanError as exc:
        print(f"floorplan capacity: {exc}", file=sys.stderr)
        return 1
    zones = totals(caps, by="zone")
    whole = totals(caps, by="venue")[0] if caps else None
    if args.json:
        doc = {
            "profile": profile.to_dict(),
            "sprinklered": bool(args.sprinklered),
            "halls": [c.to_dict() for c in caps],
            "zones": [z.to_dict() for z in zones],
            "venue": whole.to_dict() if whole else None,
            "findings": [f.to_dict() for c in caps for f in c.findings],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    limit, measure, _ = profile.travel(sprinklered=args.sprinklered)
    print(
        f"{profile.name}: {profile.title}"
        + ("" if profile.verified else " (values not checked against the code's text)")
    )
    print(f"travel limit {limit:g} m ({measure.value}){' sprinklered' if args.sprinklered else ''}")
    head = (
        f"{'hall':<8} {'gross m²':>9} {'booths m²':>9} {'exits':>5} {'width m':>7} "
        f"{'load':>7} {'egress':>7} {'capacity':>8} {'binds':<13} {'straight':>8} "
        f"{'walk':>7} {'evac s':>7}"
    )
    print(head)

    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.1f}"

    for c in caps:
        print(
            f"{c.hall_id:<8} {c.gross_area_m2:>9.0f} {c.booth_area_m2:>9.0f} {c.exit_count:>5} "
            f"{c.exit_width_m:>7.1f} {c.occupant_load:>7} {c.egress_capacity:>7} "
            f"{c.capacity:>8} {c.binding:<13} {f(c.max_travel_straight_m):>8} "
            f"{f(c.max_travel_walk_m):>7} {f(c.evacuation_s):>7}"
        )
    for z in zones:
        print(f"zone {z.name or '(none)'}: capacity {z.capacity} ({', '.join(z.hall_ids)})")
    if whole:
        print(f"venue: capacity {whole.capacity}, occupant load {whole.occupant_load}")
    for c in caps:
        for p in c.findings:
            print(f"  {p}")
    return 0
