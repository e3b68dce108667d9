"""The ``floorplan import`` command: bring a venue in from another format.

Each format is a module with ``add_import(subparsers)``; adding a format is adding it to
:data:`FORMATS`.
"""

from __future__ import annotations

import argparse
from typing import Any

from floorplan.cli import dxf, exhibitors, imdf

__all__ = ["FORMATS", "add_parser"]

#: The formats ``floorplan import`` takes, in the order ``--help`` lists them.
FORMATS = (dxf, exhibitors, imdf)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``import`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "import",
        help="bring a venue in: a hall's CAD drawing (DXF), an exhibitor list, an IMDF archive",
        description="Bring a venue in from another format. Nothing is written when the "
        "input cannot be read; the write is atomic.",
    )
    sub = p.add_subparsers(dest="action", required=True, metavar="FORMAT")
    for fmt in FORMATS:
        fmt.add_import(sub)
    return p
