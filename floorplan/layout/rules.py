"""The distances a layout must keep (:class:`LayoutRules`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from floorplan.capacity import DEFAULT_PROFILE, Measure, Profile, load_profile
from floorplan.errors import EditError
from floorplan.schema import OpeningKind, parse_option
from floorplan.validate.floor import BOUNDARY_TOLERANCE_M, KEEP_CLEAR_M

__all__ = ["LayoutRules"]


@dataclass(frozen=True)
class LayoutRules:
    """The distances a layout must keep.

    Attributes
    ----------
    aisle_m
        Narrowest free gap between two booths (an aisle); touching booths form one stand.
    main_aisle_m
        Narrowest gap where the gap crosses one of ``main_aisles``.
    main_aisles
        Areas (venue CRS) that are main aisles; empty: every aisle is a plain one.
    keep_clear_m
        How far every booth keeps from the doors of ``keep_clear_kinds``: a booth in the
        strip this deep in front of an exit blocks it (``exit_blocked``, an error); one
        nearer than this to a door otherwise keeps it too little clear
        (``door_keep_clear``, a warning).
    keep_clear_kinds
        The door kinds kept clear.
    kiosk_clear_m
        How far booths keep from a kiosk, where visitors stand at its screen
        (``kiosk_keep_clear``, for information).
    check_code
        Check the fire-code rules of ``profile``: every hall has an exit of its own; no
        point of a hall's open floor is farther from its exits (entrances, exits,
        emergency exits; connections do not count) than the travel limit; the exits'
        clear width (less what booths block) lets out the hall's occupant load; no open
        floor is closed in where no exit can be reached. Off by default: it costs tens of
        milliseconds per edited hall; the rule engine (:mod:`floorplan.rules`) and the
        planner turn it on.
    profile
        The code profile (a name of :func:`floorplan.capacity.known_profiles` or a file).
        A profile measuring walking distance is checked in a straight line, which is never
        longer: only sure breaches are reported.
    sprinklered
        Use the profile's (longer) travel limit for sprinklered buildings.
    """

    aisle_m: float = 3.0
    main_aisle_m: float = 5.0
    main_aisles: tuple[BaseGeometry, ...] = ()
    keep_clear_m: float = KEEP_CLEAR_M
    keep_clear_kinds: tuple[OpeningKind, ...] = (
        OpeningKind.ENTRANCE,
        OpeningKind.EXIT,
        OpeningKind.EMERGENCY_EXIT,
    )
    kiosk_clear_m: float = 1.5
    check_code: bool = False
    profile: str | Profile = DEFAULT_PROFILE
    sprinklered: bool = False

    def __post_init__(self) -> None:
        for name in ("aisle_m", "main_aisle_m", "keep_clear_m", "kiosk_clear_m"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                msg = f"layout rule {name} must be a distance >= 0 in metres, got {value!r}"
                raise EditError(msg)
        kinds = tuple(parse_option(OpeningKind, k, what="door kind") for k in self.keep_clear_kinds)
        object.__setattr__(self, "keep_clear_kinds", kinds)
        for name in ("check_code", "sprinklered"):
            if not isinstance(getattr(self, name), bool):
                msg = f"layout rule {name} must be True or False, got {getattr(self, name)!r}"
                raise EditError(msg)
        if self.check_code and not isinstance(self.profile, Profile):
            # Unknown names raise OptionError listing the known profiles.
            object.__setattr__(self, "profile", load_profile(self.profile))

    @property
    def code_profile(self) -> Profile:
        """Return the code profile (loaded from its name or file if need be)."""
        return self.profile if isinstance(self.profile, Profile) else load_profile(self.profile)

    @property
    def travel_limit(self) -> tuple[float, Measure, str]:
        """Return the travel limit in metres, how the profile measures it, and its name."""
        prof = self.code_profile
        limit_m, measure, _ = prof.travel(sprinklered=self.sprinklered)
        return limit_m, measure, prof.name

    @property
    def reach_m(self) -> float:
        """Return the widest distance any local rule looks across."""
        main = self.main_aisle_m if self.main_aisles else 0.0
        return max(self.aisle_m, main, BOUNDARY_TOLERANCE_M)
