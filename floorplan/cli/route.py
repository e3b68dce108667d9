"""The ``floorplan route`` command: the shortest walk between two places, as text or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from floorplan.cli._args import add_json_arg, add_venue_arg, at_least
from floorplan.errors import PlaceError

__all__ = ["add_parser", "parse_place", "run"]


def parse_place(text: str) -> str | tuple[float, float]:
    """Return ``"x,y"`` as a coordinate pair and anything else as an id."""
    parts = text.split(",")
    if len(parts) == 2:
        try:
            return float(parts[0]), float(parts[1])
        except ValueError:
            pass
    if not text.strip():
        msg = "an empty place; give an id or x,y"
        raise PlaceError(msg)
    return text


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``route`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "route",
        help="the shortest walk between two places",
        description="Print the shortest walk from one place to another. A place is a kiosk, "
        "booth, amenity or opening id, or x,y in the venue's CRS.",
    )
    p.add_argument("--from", dest="origin", required=True, metavar="A", help="where to start")
    p.add_argument("--to", dest="destination", required=True, metavar="B", help="where to go")
    p.add_argument(
        "--via", action="append", default=[], metavar="C", help="a place to pass (repeatable)"
    )
    p.add_argument("--accessible", action="store_true", help="use only step-free doors")
    p.add_argument(
        "--clearance",
        type=float,
        default=0.5,
        metavar="M",
        help="metres kept from booths, obstacles and walls (default 0.5)",
    )
    add_venue_arg(p)
    p.add_argument("--lang", default="en", choices=["en", "zh"], help="language of the steps")
    add_json_arg(p)
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Print the route; return 0 (a bad place or no route raises)."""
    at_least("--clearance", args.clearance, 0)
    origin = parse_place(args.origin)
    destination = parse_place(args.destination)
    via = [parse_place(v) for v in args.via]
    from floorplan.i18n import hall_name, text  # noqa: PLC0415
    from floorplan.io import load_venue  # noqa: PLC0415 - keep --help fast
    from floorplan.routing import Router  # noqa: PLC0415
    from floorplan.schema import Col  # noqa: PLC0415

    venue = load_venue(args.venue)
    router = Router(venue, clearance_m=args.clearance)
    route = router.route(origin, destination, via=via, accessible=args.accessible)
    if args.json:
        print(json.dumps(route.to_dict(args.lang), ensure_ascii=False, indent=2))
        return 0
    halls = {str(row[Col.HALL_ID]): row for _, row in venue.halls.iterrows()}
    names = [hall_name(halls[h], args.lang) if h in halls else h for h in route.halls]
    head = text(
        "route.head",
        args.lang,
        metres=f"{route.length_m:.1f}",
        minutes=f"{route.duration_s / 60:.1f}",
        halls=" → ".join(names),
    )
    print(head)
    for k, line in enumerate(route.steps_text(args.lang), 1):
        print(f"{k:>3}. {line}")
    return 0
