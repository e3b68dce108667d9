"""The ``floorplan validate`` command: check a venue against named rule sets."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from floorplan.cli import imdf
from floorplan.cli._args import add_code_args, add_json_arg, add_venue_arg, code_for
from floorplan.problems import Problem, RuleCode

if TYPE_CHECKING:
    from floorplan.venue import Venue

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``validate`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check a venue against the format's, the floor's or a fire code's rules "
        "(or an IMDF archive against IMDF's)",
        description="Check a venue against rule sets: the format's (the default), the "
        "floor's (aisles, exits and doors kept clear, kiosks and amenities on open floor, "
        "step-free reachability), a fire code's (an exit per hall, travel distance, exit "
        "width for the occupant load, no floor closed in), or all; or an IMDF archive "
        "(a .zip) against IMDF's structural rules. Every problem has a severity: error, "
        "warning or info. Exit 0 when no rule of those sets is broken (info aside), 1 when "
        "one is (an error or a warning), 2 when the input cannot be read.",
    )
    add_venue_arg(p)
    p.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="a venue or an IMDF archive (.zip) to check; the same as --venue PATH",
    )
    p.add_argument(
        "--rules",
        default="format",
        metavar="SET",
        help="which rules: format (default), floor, code or all",
    )
    add_code_args(p)
    add_json_arg(
        p,
        'print {"valid": bool, "rules": SET, "code": ..., "problems": [...]} on stdout',
    )
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
    from floorplan.rules import RuleChoice, blocking, check  # noqa: PLC0415
    from floorplan.schema import parse_option  # noqa: PLC0415

    if args.path is not None:
        if args.venue is not None and args.venue != args.path:
            msg = "give the venue once: as PATH or as --venue PATH"
            raise OptionError(msg)
        args.venue = args.path
    choice = parse_option(RuleChoice, args.rules, what="rule set")
    if imdf.is_archive(args.venue):
        if choice is not RuleChoice.FORMAT or args.code or args.sprinklered is not None:
            msg = "--rules, --code and --sprinklered check venues; an IMDF archive has IMDF's rules"
            raise OptionError(msg)
        return imdf.run_validate(args.venue, as_json=args.json)

    code: Any = None
    try:
        venue = load_venue(args.venue, strict=False)
        if choice in (RuleChoice.CODE, RuleChoice.ALL):
            code = code_for(args, venue)
        problems = check(venue, choice, code=code)
    except Exception as exc:
        if args.json:
            _print_json(_failure_problems(exc), choice, code, valid=False)
        raise
    failed = bool(blocking(problems))
    if args.json:
        _print_json(problems, choice, code, valid=not failed)
    else:
        _print(args.venue, venue, choice, code, problems)
    return 1 if failed else 0


def _print_json(problems: Sequence[Problem], choice: Any, code: Any, *, valid: bool) -> None:
    report = {
        "valid": valid,
        "rules": str(choice),
        "code": None
        if code is None
        else {"profile": code.profile, "sprinklered": code.sprinklered},
        "problems": [p.to_dict() for p in problems],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


def _failure_problems(exc: Exception) -> list[Problem]:
    from floorplan.errors import VenueError  # noqa: PLC0415

    if isinstance(exc, VenueError) and exc.problems:
        return exc.problems
    rule = RuleCode.UNREADABLE if isinstance(exc, VenueError) else RuleCode.INTERNAL_ERROR
    return [Problem("", None, rule, f"{type(exc).__name__}: {exc}")]


def _print(
    where: str | None, venue: Venue, choice: Any, code: Any, problems: list[Problem]
) -> None:
    """Print the text report: problems on stderr, a valid venue's summary on stdout."""
    from floorplan.rules import blocking, by_severity  # noqa: PLC0415

    checked = ("all rules" if choice == "all" else f"the {choice} rules") + (
        f" ({code.describe()})" if code is not None else ""
    )
    if blocking(problems):
        tally = ", ".join(f"{len(ps)} {s}" for s, ps in by_severity(problems).items() if ps)
        print(
            f"{where or 'the bundled venue'}: {len(problems)} problem(s) ({tally}) under {checked}",
            file=sys.stderr,
        )
        for p in problems:
            print(f"  {p.severity}: {p}", file=sys.stderr)
        return
    print(
        f"{venue.name or where}: valid under {checked} ({len(venue.halls)} halls, "
        f"{len(venue.booths)} booths, {len(venue.openings)} openings, "
        f"{len(venue.kiosks)} kiosks, {len(venue.amenities)} amenities, "
        f"{len(venue.events)} events; CRS {venue.crs.to_string()})"
    )
    for p in problems:  # information only
        print(f"  {p.severity}: {p}")
