"""The ``floorplan generate`` command: write a synthetic venue of any size."""

from __future__ import annotations

import argparse
from typing import Any

from floorplan.cli._args import at_least

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``generate`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
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
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Generate and write the venue; return 0 (failures raise)."""
    at_least("--booths", args.booths, 1)
    if args.halls is not None:
        at_least("--halls", args.halls, 1)
    from floorplan.generate import generate_venue  # noqa: PLC0415 - keep --help fast
    from floorplan.io import write_venue  # noqa: PLC0415

    venue = generate_venue(booths=args.booths, halls=args.halls, seed=args.seed)
    out = write_venue(venue, args.out, overwrite=args.force)
    print(f"wrote {out} ({len(venue.booths)} booths in {len(venue.halls)} halls)")
    return 0
