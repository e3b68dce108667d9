"""The ``floorplan validate`` command: check a venue against the format's rules."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from floorplan.cli import imdf
from floorplan.cli._args import add_json_arg, add_venue_arg
from floorplan.problems import Problem, RuleCode

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
    """Validate the venue and report; return 0 valid, 1 broken rules (failures raise).

    With ``--json`` stdout is JSON whatever happens: when the venue cannot be read (or
    floorplan fails), the report lists why before the error goes on to :func:`main`,
    which says it on stderr and picks the exit code (2 unreadable, 3 internal).
    """
    from floorplan.errors import OptionError  # noqa: PLC0415
    from floorplan.io import load_venue  # noqa: PLC0415 - keep --help fast

    if args.path is not None:
        if args.venue is not None and args.venue != args.path:
            msg = "give the venue once: as PATH or as --venue PATH"
            raise OptionError(msg)
        args.venue = args.path
    if imdf.is_archive(args.venue):
        return imdf.run_validate(args.venue, as_json=args.json)

    try:
        venue = load_venue(args.venue, strict=False)
    except Exception as exc:
        if args.json:
            _print_json(_failure_problems(exc))
        raise
    problems = venue.problems
    if args.json:
        _print_json(problems)
    elif problems:
        where = args.venue or "the bundled venue"
        print(f"{where}: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
    else:
        print(
            f"{venue.name or args.venue}: valid ({len(venue.halls)} halls, "
            f"{len(venue.booths)} booths, {len(venue.openings)} openings, "
            f"{len(venue.kiosks)} kiosks, {len(venue.amenities)} amenities, "
            f"{len(venue.events)} events; CRS {venue.crs.to_string()})"
        )
    return 1 if problems else 0


def _print_json(problems: Sequence[Problem]) -> None:
    report = {"valid": not problems, "problems": [p.to_dict() for p in problems]}
    print(json.dumps(report, ensure_ascii=False, indent=2))


def _failure_problems(exc: Exception) -> list[Problem]:
    from floorplan.errors import VenueError  # noqa: PLC0415

    if isinstance(exc, VenueError) and exc.problems:
        return exc.problems
    rule = RuleCode.UNREADABLE if isinstance(exc, VenueError) else RuleCode.INTERNAL_ERROR
    return [Problem("", None, rule, f"{type(exc).__name__}: {exc}")]
