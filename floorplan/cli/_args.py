"""Command-line options and checks that several ``floorplan`` commands share."""

from __future__ import annotations

import argparse

from floorplan.errors import OptionError

__all__ = ["add_json_arg", "add_venue_arg", "at_least"]


def add_venue_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--venue PATH`` (a GeoJSON folder or .gpkg; default the bundled venue)."""
    parser.add_argument(
        "--venue",
        metavar="PATH",
        help="a GeoJSON folder or .gpkg file (default: the bundled Chain Expo venue)",
    )


def add_json_arg(parser: argparse.ArgumentParser, help_text: str = "print JSON") -> None:
    """Add ``--json``."""
    parser.add_argument("--json", action="store_true", help=help_text)


def at_least(option: str, value: float, least: float) -> None:
    """Raise :class:`OptionError` naming ``option`` when ``value`` is below ``least``."""
    if not value >= least:
        msg = f"{option} must be at least {least:g}, not {value:g}"
        raise OptionError(msg)
