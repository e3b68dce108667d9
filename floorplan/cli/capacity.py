"""The ``floorplan capacity`` command: hall capacity, exits and travel distances by code profile."""

from __future__ import annotations

import argparse
import json
from typing import Any

from floorplan.cli._args import add_json_arg, add_venue_arg, at_least

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``capacity`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
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
    add_json_arg(p)
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Print the capacity report; return 0 (bad input raises)."""
    at_least("--walk-samples", args.walk_samples, 0)
    from floorplan.capacity import hall_capacity, load_profile, totals  # noqa: PLC0415
    from floorplan.io import load_venue  # noqa: PLC0415 - keep --help fast

    profile = load_profile(args.code)
    venue = load_venue(args.venue)
    caps = hall_capacity(
        venue, profile=profile, sprinklered=args.sprinklered, walk_samples=args.walk_samples
    )
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
        a, load, t = c.areas, c.load, c.travel
        print(
            f"{c.hall_id:<8} {a.gross_m2:>9.0f} {a.booth_m2:>9.0f} {c.exit_count:>5} "
            f"{c.exit_width_m:>7.1f} {load.occupant_load:>7} {load.egress_capacity:>7} "
            f"{load.capacity:>8} {load.binding:<13} {f(t.straight_m):>8} "
            f"{f(t.walk_m):>7} {f(c.evacuation_s):>7}"
        )
    for z in zones:
        print(f"zone {z.name or '(none)'}: capacity {z.capacity} ({', '.join(z.hall_ids)})")
    if whole:
        print(f"venue: capacity {whole.capacity}, occupant load {whole.occupant_load}")
    for c in caps:
        for p in c.findings:
            print(f"  {p}")
    return 0
