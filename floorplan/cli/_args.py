"""Command-line options and checks that several ``floorplan`` commands share."""

from __future__ import annotations

import argparse
from typing import Any

from floorplan.errors import OptionError

__all__ = ["add_code_args", "add_json_arg", "add_venue_arg", "at_least", "code_for"]


def add_venue_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--venue PATH`` (a GeoJSON folder or .gpkg; default the bundled venue)."""
    parser.add_argument(
        "--venue",
        metavar="PATH",
        help="a GeoJSON folder or .gpkg file (default: the bundled Chain Expo venue)",
    )


def add_code_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--code NAME|FILE`` and ``--[no-]sprinklered`` (default: what the venue says)."""
    parser.add_argument(
        "--code",
        default=None,
        metavar="NAME",
        help="code profile: gb50016, ibc, uk, or the path of a .toml/.json profile "
        "(default: the venue's own, from venue.json's 'code', else gb50016)",
    )
    parser.add_argument(
        "--sprinklered",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the halls have automatic sprinklers: the profile's longer travel limit "
        "(default: as the venue says, else not)",
    )


def code_for(args: argparse.Namespace, venue: Any) -> Any:
    """Return the :class:`floorplan.rules.Code` of ``--code``/``--sprinklered`` over the venue's."""
    from floorplan.rules import code_of  # noqa: PLC0415 - keep --help fast

    return code_of(venue, profile=args.code, sprinklered=args.sprinklered)


def add_json_arg(parser: argparse.ArgumentParser, help_text: str = "print JSON") -> None:
    """Add ``--json``."""
    parser.add_argument("--json", action="store_true", help=help_text)


def at_least(option: str, value: float, least: float) -> None:
    """Raise :class:`OptionError` naming ``option`` when ``value`` is below ``least``."""
    if not value >= least:
        msg = f"{option} must be at least {least:g}, not {value:g}"
        raise OptionError(msg)
