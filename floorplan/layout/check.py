"""Check a whole layout once against the floor's rules (and the code's): the editor's checker.

:class:`~floorplan.layout.LayoutEditor` keeps its problems current edit by edit; a layout
checked once, as the rule engine (:mod:`floorplan.rules`) checks a saved version, gets
the same checker run from scratch, so both agree by construction.
"""

from __future__ import annotations

import dataclasses

from floorplan.layout._checks import Checker
from floorplan.layout.rules import LayoutRules
from floorplan.problems import Problem
from floorplan.venue import Venue

__all__ = ["check_layout"]


def check_layout(venue: Venue, rules: LayoutRules | None = None) -> list[Problem]:
    """Return every rule ``venue`` breaks under ``rules``, in report order.

    The format's rules (:func:`floorplan.validate.validate`, plus what reading the venue
    found), the floor's (aisles, exits and doors kept clear, kiosks and amenities on open
    floor, reachability, step-free reachability) and, with ``rules.check_code``, the code
    profile's. Unlike the editor it accepts any venue, duplicate booth ids included.
    """
    booths = venue.booths.reset_index(drop=True)
    return Checker(dataclasses.replace(venue, booths=booths), rules or LayoutRules()).problems()
