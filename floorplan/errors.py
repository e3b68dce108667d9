"""Define the exceptions floorplan raises; each also inherits the matching builtin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from floorplan.validate import Problem

__all__ = [
    "FloorplanError",
    "NoRouteError",
    "OptionError",
    "PlaceError",
    "VenueError",
    "VenueReadError",
]


class FloorplanError(Exception):
    """Base of every error floorplan raises on purpose."""


class OptionError(FloorplanError, ValueError):
    """An option value is not one of the valid ones (the message lists them)."""


class VenueError(FloorplanError, ValueError):
    """A venue breaks the format's rules; ``problems`` lists each broken rule.

    Parameters
    ----------
    message
        A one-line summary.
    problems
        The problem records (layer, id, rule, message) behind it.
    """

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems)

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        shown = [f"  {p}" for p in self.problems[:20]]
        more = len(self.problems) - len(shown)
        tail = [f"  ... and {more} more"] if more > 0 else []
        return "\n".join([head, *shown, *tail])


class VenueReadError(VenueError):
    """A venue cannot be read at all: no such path, unknown type, broken file, missing layer."""


class PlaceError(FloorplanError, ValueError):
    """A place given to the router is not a known id or not a walkable point."""


class NoRouteError(FloorplanError, LookupError):
    """No walkable route joins the places asked for."""
