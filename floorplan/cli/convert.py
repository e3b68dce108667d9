"""The ``floorplan convert`` command: write a venue as a GeoPackage or a GeoJSON folder."""

from __future__ import annotations

import argparse
from typing import Any

from floorplan.cli._args import add_venue_arg

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``convert`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
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
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Convert the venue; return 0 (failures raise)."""
    from floorplan.io import load_venue, write_venue  # noqa: PLC0415 - keep --help fast

    venue = load_venue(args.venue, strict=not args.allow_problems)
    out = write_venue(venue, args.dst, overwrite=args.force)
    print(f"wrote {out} ({len(venue.booths)} booths, {len(venue.halls)} halls)")
    return 0
