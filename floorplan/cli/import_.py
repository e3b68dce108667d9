"""The ``floorplan import FORMAT`` command: read another tool's file as a venue.

Each format is a module with ``add_import(subparsers)``; the command loops over them, so
a new format is one module and one entry in :data:`FORMATS`.
"""

from __future__ import annotations

import argparse
from typing import Any

from floorplan.cli import imdf

__all__ = ["FORMATS", "add_parser"]

#: The formats ``import`` reads, in the order ``--help`` lists them.
FORMATS = (imdf,)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``import`` (with one subcommand per format) and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "import",
        help="read another tool's file as a venue (IMDF ...)",
        description="Read another tool's file and write it as a venue (a .gpkg file or a "
        "GeoJSON folder). Writes are atomic; what had no counterpart is listed.",
    )
    sub = p.add_subparsers(dest="action", required=True, metavar="FORMAT")
    for fmt in FORMATS:
        fmt.add_import(sub)
    return p
