"""The distances a layout must keep (:class:`LayoutRules`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from floorplan.capacity import DEFAULT_PROFILE, Measure, Profile, load_profile
from floorplan.errors import EditError
from floorplan.schema import OpeningKind, parse_option
from floorplan.validate.floor import BOUNDARY_TOLERANCE_M

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
        How far every booth keeps from the doors of ``keep_clear_kinds``.
    keep_clear_kinds
        The door kinds kept clear.
    check_travel
        Check that no point of a hall's open floor is farther from the hall's exits
        (entrances, exits, emergency exits; connections do not count) than the code
        profile allows. Off by default: it costs tens of milliseconds per edited hall and
        the planner page turns it on.
    profile
        The code profile (a name of :func:`floorplan.capacity.known_profiles` or a file)
        whose travel limit applies. A profile measuring walking distance is checked in a
        straight line, which is never longer: only sure breaches are reported.
    sprinklered
        Use the profile's (longer) limit for sprinklered buildings.
    """

    aisle_m: float = 3.0
    main_aisle_m: float = 5.0
    main_aisles: tuple[BaseGeometry, ...] = ()
    keep_clear_m: float = 3.0
    keep_clear_kinds: tuple[OpeningKind, ...] = (
        OpeningKind.ENTRANCE,
        OpeningKind.EXIT,
        OpeningKind.EMERGENCY_EXIT,
    )
    check_travel: bool = False
    profile: str | Profile = DEFAULT_PROFILE
    sprinklered: bool = False

    def __post_init__(self) -> None:
        for name in ("aisle_m", "main_aisle_m", "keep_clear_m"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                msg = f"layout rule {name} must be a distance >= 0 in metres, got {value!r}"
                raise EditError(msg)
        kinds = tuple(parse_option(OpeningKind, k, what="door kind") for k in self.keep_clear_kinds)
        object.__setattr__(self, "keep_clear_kinds", kinds)
        for name in ("check_travel", "sprinklered"):
            if not isinstance(getattr(self, name), bool):
                msg = f"layout rule {name} must be True or False, got {getattr(self, name)!r}"
                raise EditError(msg)
        if self.check_travel and not isinstance(self.profile, Profile):
            # Unknown names raise OptionError listing the known profiles.
            object.__setattr__(self, "profile", load_profile(self.profile))

    @property
    def travel_limit(self) -> tuple[float, Measure, str]:
        """Return the travel limit in metres, how the profile measures it, and its name."""
        prof = self.profile if isinstance(self.profile, Profile) else load_profile(self.profile)
        limit_m, measure, _ = prof.travel(sprinklered=self.sprinklered)
        return limit_m, measure, prof.name

    @property
    def reach_m(self) -> float:
        """Return the widest distance any local rule looks across."""
        main = self.main_aisle_m if self.main_aisles else 0.0
        return max(self.aisle_m, main, BOUNDARY_TOLERANCE_M)
