"""Build the capacity report: the figures of :mod:`floorplan.capacity` and the engine's problems."""

from __future__ import annotations

from typing import Any

from floorplan.capacity import WALK_SAMPLES, CapacityReport, hall_capacity
from floorplan.rules.engine import Code, RuleChoice, check, code_of
from floorplan.venue import Venue

__all__ = ["capacity_report"]


def capacity_report(
    venue: Venue,
    *,
    code: Code | None = None,
    walk_samples: int = WALK_SAMPLES,
    with_field: bool = False,
    router: Any = None,
) -> CapacityReport:
    """Return ``venue``'s capacity report: per-hall figures and every problem, by hall.

    Parameters
    ----------
    venue
        The venue.
    code
        The profile and sprinkler setting (default: the venue's own, :func:`code_of`).
    walk_samples, with_field, router
        As :func:`floorplan.capacity.hall_capacity` takes them.

    Raises
    ------
    OptionError
        When the profile is unknown.
    """
    the_code = code or code_of(venue)
    profile = the_code.load()
    caps = hall_capacity(
        venue,
        profile=profile,
        sprinklered=the_code.sprinklered,
        walk_samples=walk_samples,
        with_field=with_field,
        router=router,
    )
    problems = check(venue, RuleChoice.ALL, code=the_code)
    return CapacityReport.build(
        venue, caps, problems, profile=profile, sprinklered=the_code.sprinklered
    )
