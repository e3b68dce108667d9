"""The ``floorplan export FORMAT`` command: write a venue in another tool's format.

Each format is a module with ``add_export(subparsers)``; the command loops over them, so
a new format is one module and one entry in :data:`FORMATS`.
"""

from __future__ import annotations

import argparse
from typing import Any

from floorplan.cli import imdf

__all__ = ["FORMATS", "add_parser"]

#: The formats ``export`` writes, in the order ``--help`` lists them.
FORMATS = (imdf,)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``export`` (with one subcommand per format) and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="write a venue in another tool's format (IMDF ...)",
        description="Write a venue in another tool's format. Writes are atomic.",
    )
    sub = p.add_subparsers(dest="action", required=True, metavar="FORMAT")
    for fmt in FORMATS:
        fmt.add_export(sub)
    return p
