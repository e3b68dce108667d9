"""Define the exceptions floorplan raises; each also inherits the matching builtin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from floorplan.problems import Problem
    from floorplan.versions import VersionInfo

__all__ = [
    "CountError",
    "DrawingError",
    "EditError",
    "ExhibitorListError",
    "ExhibitorMatchError",
    "FloorplanError",
    "FontError",
    "NoRouteError",
    "OptionError",
    "PlaceError",
    "ProfileError",
    "PublishRefusedError",
    "SimUnavailableError",
    "StaleBaseError",
    "StoreError",
    "UserError",
    "VenueError",
    "VenueReadError",
    "WriteError",
]


class FloorplanError(Exception):
    """Base of every error floorplan raises on purpose."""


class FontError(FloorplanError, LookupError):
    """No font can print the text asked for (Chinese needs a CJK font installed)."""


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


class EditError(FloorplanError, ValueError):
    """An edit cannot be made (unknown booth, degenerate polygon, bad size); nothing changed."""


class StoreError(FloorplanError, ValueError):
    """A layout store cannot do what was asked (unknown version, bad message, other CRS)."""


class WriteError(FloorplanError, OSError):
    """A file cannot be written (a full disk, no permission, a file in the way).

    Nothing was written: the target, if it existed, is as it was. The message names the
    file and says what to do.
    """


class StaleBaseError(FloorplanError, RuntimeError):
    """A save was based on a version that is no longer the latest; nothing was written.

    Attributes
    ----------
    base
        The version the save was based on (``None``: none).
    latest
        The newest version in the store.
    author, saved_at, message
        Who saved ``latest``, when (ISO 8601, UTC) and with what message.
    """

    def __init__(self, base: int | None, latest: VersionInfo, *, path: Path | None = None) -> None:
        self.base = base
        self.latest = latest.version
        self.author = latest.author
        self.saved_at = latest.saved_at
        self.message = latest.message
        on = f"version {base}" if base is not None else "no version"
        where = f" in {path}" if path else ""
        super().__init__(
            f"not saved: this layout is based on {on}, but version {latest.version} was "
            f"saved since by {latest.author} at {latest.saved_at} ({latest.message!r}){where}; "
            f"reload version {latest.version} and redo the edits, or save as a copy"
        )


class PublishRefusedError(FloorplanError, RuntimeError):
    """A layout version was not published; nothing changed in the store.

    Either it breaks rules that block publishing (``problems`` lists the errors), or it
    has warnings nobody acknowledged (``needs_acknowledgement``; ``problems`` lists
    them), or the server could not build what kiosks need from it.
    """

    def __init__(
        self,
        message: str,
        problems: Sequence[Problem] = (),
        *,
        needs_acknowledgement: bool = False,
    ) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems)
        self.needs_acknowledgement = needs_acknowledgement

    def __str__(self) -> str:
        head = super().__str__()
        shown = [f"  {p.severity}: {p}" for p in self.problems[:20]]
        more = len(self.problems) - len(shown)
        tail = [f"  ... and {more} more"] if more > 0 else []
        return "\n".join([head, *shown, *tail])


class ProfileError(FloorplanError, ValueError):
    """A code profile file is missing a value, has an unknown unit, or cannot be read."""


class CountError(FloorplanError, ValueError):
    """A visitor count is negative, not a number, or names an unknown hall."""


class SimUnavailableError(FloorplanError, ImportError):
    """JuPedSim is not installed."""


class UserError(FloorplanError, ValueError):
    """A user name, role, password or user file is not acceptable."""


class DrawingError(FloorplanError, ValueError):
    """A CAD drawing cannot be imported: unreadable, DWG, empty, implausible units, unplaced.

    Also a layer map or control-point file that cannot be read. Nothing is written.
    """


class ExhibitorListError(FloorplanError, ValueError):
    """An exhibitor list cannot be read, or names no booth-number column."""


class ExhibitorMatchError(FloorplanError, LookupError):
    """Rows of an exhibitor list name unknown booths or share a booth; nothing was applied."""
