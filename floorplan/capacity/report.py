"""Report a venue's capacity: per-hall figures and the problems of each hall, one record.

``floorplan capacity`` and the ``/staff`` page both show a :class:`CapacityReport`, so
that both show the same figures and the same problems. The figures come from
:func:`~floorplan.capacity.hall_capacity`; the problems from the rule engine
(:func:`floorplan.rules.capacity_report` builds the report with both): capacity measures,
the engine judges.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from floorplan import schema as S
from floorplan.capacity.hall import totals
from floorplan.capacity.profiles import Profile
from floorplan.capacity.results import CapacityTotal, HallCapacity
from floorplan.problems import Problem, RuleSet
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = ["CSV_COLUMNS", "CapacityReport", "problem_hall"]

#: The per-hall columns of the CSV report (keys of ``HallCapacity.to_dict``, and problems).
CSV_COLUMNS: Final = (
    "hall_id",
    "name",
    "zone",
    "profile",
    "gross_area_m2",
    "booth_area_m2",
    "circulation_area_m2",
    "exit_count",
    "exit_width_m",
    "blocked_width_m",
    "clear_width_m",
    "occupant_load",
    "egress_capacity",
    "capacity",
    "binding",
    "travel_limit_m",
    "travel_measure",
    "max_travel_straight_m",
    "max_travel_walk_m",
    "past_limit_m2",
    "evacuation_s",
    "problems",
)


def problem_hall(problem: Problem, venue: Venue) -> str | None:
    """Return the hall a problem is in: the hall it names, or the hall of its feature.

    ``None`` for a problem of the whole venue, or of a feature with no known hall.
    """
    if problem.layer == S.HALLS:
        return problem.id
    fid = problem.id
    if fid is None:
        return None
    layer = problem.layer
    if layer == S.EVENTS:
        ev = venue.events
        where = ev[ev[Col.EVENT_ID].astype(str) == str(fid)][Col.WHERE]
        if where.empty:
            return None
        fid = str(where.iloc[0])
        layer = S.BOOTHS if (venue.booths[Col.BOOTH_ID].astype(str) == fid).any() else S.AMENITIES
    if layer not in S.LAYER_ID:
        return None
    frame = venue.layer(layer)
    hit = frame[frame[S.LAYER_ID[layer]].astype(str) == str(fid)]
    if hit.empty or Col.HALL_ID not in hit:
        return None
    return str(hit[Col.HALL_ID].iloc[0])


@dataclass(frozen=True)
class CapacityReport:
    """A venue's capacity figures per hall with every problem of the venue, by hall.

    Attributes
    ----------
    profile, sprinklered
        The code profile the figures and the code rules follow, and its sprinkler setting.
    halls
        The figures of every hall (:class:`HallCapacity`).
    problems
        Every rule the venue breaks (the rule engine's ``all``), in report order.
    problem_halls
        The hall of each problem (``None``: the whole venue), aligned with ``problems``.
    """

    profile: Profile
    sprinklered: bool
    halls: tuple[HallCapacity, ...]
    problems: tuple[Problem, ...]
    problem_halls: tuple[str | None, ...]

    @classmethod
    def build(
        cls,
        venue: Venue,
        caps: Sequence[HallCapacity],
        problems: Sequence[Problem],
        *,
        profile: Profile,
        sprinklered: bool,
    ) -> CapacityReport:
        """Return the report of ``venue``'s figures ``caps`` and its ``problems``."""
        halls = tuple(problem_hall(p, venue) for p in problems)
        return cls(profile, sprinklered, tuple(caps), tuple(problems), halls)

    # ------------------------------------------------------------------ reading

    def hall(self, hall_id: str) -> HallCapacity | None:
        """Return the figures of hall ``hall_id`` (``None``: no such hall)."""
        return next((c for c in self.halls if c.hall_id == hall_id), None)

    def hall_problems(self, hall_id: str | None) -> tuple[Problem, ...]:
        """Return the problems of hall ``hall_id`` (``None``: of the whole venue)."""
        return tuple(
            p for p, h in zip(self.problems, self.problem_halls, strict=True) if h == hall_id
        )

    @property
    def zones(self) -> list[CapacityTotal]:
        """Return the totals per zone."""
        return totals(self.halls, by="zone")

    @property
    def venue_total(self) -> CapacityTotal | None:
        """Return the totals of the whole venue (``None`` without halls)."""
        whole = totals(self.halls, by="venue")
        return whole[0] if whole else None

    @property
    def code_breaches(self) -> tuple[Problem, ...]:
        """Return the code rules broken (errors and warnings): ``floorplan capacity`` exits 1."""
        return tuple(
            p for p in self.problems if p.rule.rule_set is RuleSet.CODE and p.severity.blocks
        )

    # ------------------------------------------------------------------ writing

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document of ``floorplan capacity --json``.

        Problems are under ``findings`` (each hall's, and the venue's), the key the
        document has always had for them.
        """
        whole = self.venue_total
        return {
            "profile": self.profile.to_dict(),
            "sprinklered": bool(self.sprinklered),
            "halls": [
                {**c.to_dict(), "findings": [p.to_dict() for p in self.hall_problems(c.hall_id)]}
                for c in self.halls
            ],
            "zones": [z.to_dict() for z in self.zones],
            "venue": whole.to_dict() if whole else None,
            # Every problem of the venue (the rule engine's, with severities).
            "findings": [p.to_dict() for p in self.problems],
        }

    def csv(self) -> str:
        """Return the per-hall figures as CSV text (with each hall's problem count)."""
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        w.writeheader()
        for c in self.halls:
            w.writerow({**c.to_dict(), "problems": len(self.hall_problems(c.hall_id))})
        return buf.getvalue()

    def lines(self) -> list[str]:
        """Return the text report of ``floorplan capacity``: figures, blocked exits, problems."""
        prof = self.profile
        limit, measure, _ = prof.travel(sprinklered=self.sprinklered)
        out = [
            f"{prof.name}: {prof.title}"
            + ("" if prof.verified else " (values not checked against the code's text)"),
            f"travel limit {limit:g} m ({measure.value})"
            + (" sprinklered" if self.sprinklered else ""),
            f"{'hall':<8} {'gross m²':>9} {'booths m²':>9} {'exits':>5} {'clear m':>7} "
            f"{'load':>7} {'egress':>7} {'capacity':>8} {'binds':<13} {'straight':>8} "
            f"{'walk':>7} {'evac s':>7} {'problems':>8}",
        ]
        for c in self.halls:
            a, load, t = c.areas, c.load, c.travel
            out.append(
                f"{c.hall_id:<8} {a.gross_m2:>9.0f} {a.booth_m2:>9.0f} {c.exit_count:>5} "
                f"{c.clear_width_m:>7.1f} {load.occupant_load:>7} {load.egress_capacity:>7} "
                f"{load.capacity:>8} {load.binding:<13} {_f(t.straight_m):>8} "
                f"{_f(t.walk_m):>7} {_f(c.evacuation_s):>7} "
                f"{len(self.hall_problems(c.hall_id)):>8}"
            )
        for z in self.zones:
            out.append(
                f"zone {z.name or '(none)'}: capacity {z.capacity} ({', '.join(z.hall_ids)})"
            )
        whole = self.venue_total
        if whole:
            out.append(f"venue: capacity {whole.capacity}, occupant load {whole.occupant_load}")
        for c in self.halls:
            for e in c.exits:
                if e.blocked_m > 0:
                    out.append(
                        f"  {c.hall_id}: {e.blocked_m:.2f} m of exit {e.opening_id} "
                        f"({e.width_m:g} m) is blocked by booth(s) {', '.join(e.blocked_by)} "
                        "and not counted"
                    )
        n = len(self.problems)
        out.append(f"{n} problem{'s' if n != 1 else ''}")
        out.extend(f"  {p.severity}: {p}" for p in self.problems)
        return out


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"
