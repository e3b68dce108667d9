"""Run floorplan from the command line: validate, convert, generate, route, serve, users."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from floorplan._cli_args import add_venue_arg
from floorplan._cli_capacity import add_capacity_parser
from floorplan._cli_layouts import add_layouts_parser
from floorplan._cli_route import add_route_parser
from floorplan._cli_serve import add_serve_parser, add_users_parser
from floorplan.errors import FloorplanError, VenueError, VenueReadError

__all__ = ["EXIT_BROKEN", "EXIT_OK", "EXIT_UNREADABLE", "main"]

EXIT_OK = 0
#: The input was read but breaks rules, or the request cannot be met (no route, ...).
EXIT_BROKEN = 1
#: The input cannot be read at all (or the command line is wrong, as argparse does).
EXIT_UNREADABLE = 2
#: Something went wrong that is floorplan's fault, not the input's.
EXIT_INTERNAL = 3

Handler = Callable[[argparse.Namespace], int]


def _cmd_validate(args: argparse.Namespace) -> int:
    from floorplan.venue import load_venue  # noqa: PLC0415 - keep --help fast

    try:
        venue = load_venue(args.venue, strict=False)
    except VenueReadError as exc:
        problems = exc.problems
        code = EXIT_UNREADABLE
    else:
        problems = venue.problems
        code = EXIT_BROKEN if problems else EXIT_OK
    if args.json:
        report = {"valid": not problems, "problems": [p.to_dict() for p in problems]}
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif problems:
        where = args.venue or "the bundled venue"
        print(f"{where}: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
    else:
        v = venue
        print(
            f"{v.name or args.venue}: valid ({len(v.halls)} halls, {len(v.booths)} booths, "
            f"{len(v.openings)} openings, {len(v.kiosks)} kiosks, {len(v.amenities)} "
            f"amenities, {len(v.events)} events; CRS {v.crs.to_string()})"
        )
    return code


def _cmd_convert(args: argparse.Namespace) -> int:
    from floorplan.io import write_venue  # noqa: PLC0415
    from floorplan.venue import load_venue  # noqa: PLC0415

    venue = load_venue(args.venue, strict=not args.allow_problems)
    try:
        out = write_venue(venue, args.dst, overwrite=args.force)
    except FileExistsError as exc:
        print(f"floorplan convert: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    print(f"wrote {out} ({len(venue.booths)} booths, {len(venue.halls)} halls)")
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from floorplan.generate import generate_venue  # noqa: PLC0415
    from floorplan.io import write_venue  # noqa: PLC0415

    if args.booths < 1:
        print(
            f"floorplan generate: --booths must be at least 1, not {args.booths}", file=sys.stderr
        )
        return EXIT_UNREADABLE
    if args.halls is not None and args.halls < 1:
        print(f"floorplan generate: --halls must be at least 1, not {args.halls}", file=sys.stderr)
        return EXIT_UNREADABLE
    venue = generate_venue(booths=args.booths, halls=args.halls, seed=args.seed)
    try:
        out = write_venue(venue, args.out, overwrite=args.force)
    except FileExistsError as exc:
        print(f"floorplan generate: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    print(f"wrote {out} ({len(venue.booths)} booths in {len(venue.halls)} halls)")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``floorplan`` command."""
    parser = argparse.ArgumentParser(
        prog="floorplan",
        description="Exhibition floor plans: validate and convert venues, find routes, "
        "serve the kiosk, planner and staff pages.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "validate",
        help="check a venue against the format's rules",
        description="Check a venue. Exit 0 when valid, 1 when rules are broken, 2 when "
        "the input cannot be read.",
    )
    add_venue_arg(p)
    p.add_argument(
        "--json", action="store_true", help='print {"valid": bool, "problems": [...]} on stdout'
    )
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser(
        "convert",
        help="write a venue as a GeoPackage (.gpkg) or a GeoJSON folder",
        description="Write the venue to DST: a .gpkg path writes a GeoPackage, any other "
        "path a folder of GeoJSON layers. Atomic; the source is never touched.",
    )
    add_venue_arg(p)
    p.add_argument("dst", metavar="DST", help="target .gpkg file or folder")
    p.add_argument("--force", action="store_true", help="replace DST if it exists")
    p.add_argument(
        "--allow-problems",
        action="store_true",
        help="convert a venue that breaks rules (to mend it elsewhere)",
    )
    p.set_defaults(handler=_cmd_convert)

    p = sub.add_parser(
        "generate",
        help="write a synthetic venue of any size",
        description="Write a synthetic venue made by the generator of the bundled one. "
        "The defaults make the bundled Chain Expo venue.",
    )
    p.add_argument("out", metavar="OUT", help="target .gpkg file or folder")
    p.add_argument("--booths", type=int, default=515, help="number of booths (default 515)")
    p.add_argument(
        "--halls",
        type=int,
        default=None,
        help="number of halls (default: chosen from the booth count)",
    )
    p.add_argument("--seed", type=int, default=2023, help="random seed (default 2023)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(handler=_cmd_generate)

    # The other commands live beside their feature; each module keeps heavy imports
    # inside its handler so that `floorplan --help` stays fast.
    add_route_parser(sub)
    add_serve_parser(sub)
    add_users_parser(sub)
    add_layouts_parser(sub)
    add_capacity_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (never raise, never a traceback)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except VenueReadError as exc:
        print(f"floorplan {args.command}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except (FloorplanError, VenueError) as exc:
        print(f"floorplan {args.command}: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    except OSError as exc:
        print(f"floorplan {args.command}: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("FLOORPLAN_DEBUG"):
            traceback.print_exc()
        print(
            f"floorplan {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(set FLOORPLAN_DEBUG=1 to see where)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
