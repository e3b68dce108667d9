"""The ``floorplan export`` command: hand a venue out in another format.

Each format is a module with ``add_export(subparsers)``; adding a format is adding it to
:data:`FORMATS`.
"""

from __future__ import annotations

import argparse
from typing import Any

from floorplan.cli import dxf, imdf

__all__ = ["FORMATS", "add_parser"]

#: The formats ``floorplan export`` writes, in the order ``--help`` lists them.
FORMATS = (dxf, imdf)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``export`` to the command line's subcommands and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="hand a venue out: a DXF drawing for the CAD team, an IMDF archive",
        description="Write a venue in another format. The write is atomic; an existing "
        "target is replaced only with --force.",
    )
    sub = p.add_subparsers(dest="action", required=True, metavar="FORMAT")
    for fmt in FORMATS:
        fmt.add_export(sub)
    return p
