"""Command-line options that several ``floorplan`` commands share."""

from __future__ import annotations

import argparse

__all__ = ["add_venue_arg"]


def add_venue_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--venue PATH`` (a GeoJSON folder or .gpkg; default the bundled venue)."""
    parser.add_argument(
        "--venue",
        metavar="PATH",
        help="a GeoJSON folder or .gpkg file (default: the bundled Chain Expo venue)",
    )
