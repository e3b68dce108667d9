"""IMDF for ``floorplan export imdf`` and ``floorplan import imdf`` (and ``validate IN.zip``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from floorplan.cli._args import add_json_arg, add_venue_arg

if TYPE_CHECKING:
    from floorplan.problems import Problem

__all__ = ["add_export", "add_import", "is_archive", "run_export", "run_import", "run_validate"]

#: The suffix that makes ``floorplan validate`` check an IMDF archive, not a venue.
ARCHIVE_SUFFIX = ".zip"
#: Unmatched features listed one by one on the terminal before a count says the rest.
_SHOWN = 20


def is_archive(path: str | None) -> bool:
    """Return whether ``path`` names an IMDF archive (a ``.zip`` file).

    >>> is_archive("expo.zip"), is_archive("expo.gpkg"), is_archive(None)
    (True, False, False)
    """
    return path is not None and Path(path).suffix.lower() == ARCHIVE_SUFFIX


def add_export(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``export imdf`` and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "imdf",
        help="an IMDF 1.0.0 archive (.zip) for indoor-map tools",
        description="Write the venue as an IMDF 1.0.0 archive (OGC 20-094): WGS 84, UUIDs "
        "stable across exports, floorplan's extension for events and details. Atomic.",
    )
    add_venue_arg(p)
    p.add_argument("out", metavar="OUT.zip", help="the archive to write")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--allow-problems", action="store_true", help="export a venue that breaks rules")
    p.set_defaults(handler=run_export)
    return p


def add_import(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``import imdf`` and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "imdf",
        help="an IMDF archive (.zip), ours or another tool's",
        description="Read an IMDF archive as a venue and write it to OUT (.gpkg or a "
        "GeoJSON folder). Lists every feature that had no counterpart. Exit 1 when the "
        "result breaks the venue format's rules (write it anyway with --allow-problems).",
    )
    p.add_argument("src", metavar="IN.zip", help="the IMDF archive")
    p.add_argument("out", metavar="OUT", help="target .gpkg file or folder")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--allow-problems", action="store_true", help="write a venue that breaks rules")
    p.add_argument(
        "--default-zone",
        default="services",
        metavar="ZONE",
        help="zone of booths no section names a zone for (default: services)",
    )
    add_json_arg(p, "print a JSON report of counts and unmatched features")
    p.set_defaults(handler=run_import)
    return p


def run_export(args: argparse.Namespace) -> int:
    """Export the venue as an IMDF archive; return 0 (failures raise)."""
    from floorplan.io import load_venue  # noqa: PLC0415 - keep --help fast
    from floorplan.io.imdf import write_imdf  # noqa: PLC0415

    venue = load_venue(args.venue, strict=not args.allow_problems)
    out = write_imdf(venue, args.out, overwrite=args.force)
    print(
        f"wrote {out}: IMDF 1.0.0, {len(venue.halls)} levels, {len(venue.booths)} booth "
        f"units, {int((venue.booths['exhibitor'].fillna('') != '').sum())} occupants"
    )
    if not isinstance(venue.meta.get("address"), dict):
        print(
            "note: venue.json has no 'address'; the archive's address says country 'XX' "
            "(unknown) and the venue's name as locality",
            file=sys.stderr,
        )
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import an IMDF archive as a venue; return 0, or 1 when it breaks rules."""
    from floorplan.errors import VenueError  # noqa: PLC0415 - keep --help fast
    from floorplan.io import write_venue  # noqa: PLC0415
    from floorplan.io.imdf import import_imdf  # noqa: PLC0415

    result = import_imdf(args.src, default_zone=args.default_zone)
    venue = result.venue
    if venue.problems and not args.allow_problems:
        msg = (
            f"{args.src} imported as a venue that breaks {len(venue.problems)} rule(s); "
            "nothing written (pass --allow-problems to write it to mend elsewhere)"
        )
        raise VenueError(msg, venue.problems)
    out = write_venue(venue, args.out, overwrite=args.force)
    counts = {name: len(frame) for name, frame in venue.layers().items()}
    counts["events"] = len(venue.events)
    if args.json:
        report = {
            "written": str(out),
            "ours": result.ours,
            "counts": counts,
            "unmatched": [vars(u) for u in result.unmatched],
            "archive_problems": [p.to_dict() for p in result.archive_problems],
            "venue_problems": [p.to_dict() for p in venue.problems],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"wrote {out}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    _say(f"{len(result.archive_problems)} IMDF rule(s) broken", result.archive_problems)
    _say(f"{len(result.unmatched)} feature(s) had no counterpart", result.unmatched)
    return 0


def _say(head: str, items: tuple[Any, ...]) -> None:
    if not items:
        return
    print(head + ":", file=sys.stderr)
    for item in items[:_SHOWN]:
        print(f"  {item}", file=sys.stderr)
    if len(items) > _SHOWN:
        print(f"  ... and {len(items) - _SHOWN} more (--json lists all)", file=sys.stderr)


def run_validate(path: str, *, as_json: bool) -> int:
    """Validate an IMDF archive like a venue; return 0 valid, 1 broken rules, 2 unreadable."""
    from floorplan.errors import VenueReadError  # noqa: PLC0415 - keep --help fast
    from floorplan.io.imdf import validate_archive  # noqa: PLC0415
    from floorplan.problems import RuleCode  # noqa: PLC0415

    problems: list[Problem]
    try:
        problems = validate_archive(path)
    except VenueReadError as exc:
        if not as_json:
            raise
        problems = exc.problems
    unreadable = {RuleCode.NOT_FOUND, RuleCode.UNKNOWN_FORMAT, RuleCode.UNREADABLE}
    code = 2 if any(p.rule in unreadable for p in problems) else (1 if problems else 0)
    if as_json:
        report = {"valid": not problems, "problems": [p.to_dict() for p in problems]}
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif problems:
        print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
    else:
        print(f"{path}: a valid IMDF 1.0.0 archive")
    return code
