"""The code rules, checked live hall by hall: an exit of its own, travel, exit width.

Per edited hall the checker asks :class:`CodeCheck` for the hall's code problems:

- ``no_exit``: the hall has no entrance, exit or emergency exit of its own (connections
  to other halls do not count); the other code rules need one and are not checked;
- ``travel_distance``: open floor farther from the nearest exit than the profile's limit
  (:mod:`floorplan.layout._travel`, which keeps each hall's distance field);
- ``exit_width``: the hall's occupant load (its gross or net floor area, as the profile
  says, times the profile's density) needs more exit width than its exits give, less what
  booths standing in the exits' keep-clear zones block
  (:func:`floorplan.validate.floor.blocked_widths`, as :func:`floorplan.capacity.hall_capacity`
  counts it).

The occupant load and the exits do not depend on booths and are computed once per hall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import shapely

from floorplan import schema as S
from floorplan.capacity import EXIT_KINDS, Profile
from floorplan.capacity.profiles import AreaBasis
from floorplan.layout._shared import geoms
from floorplan.layout._travel import TravelCheck
from floorplan.layout.rules import LayoutRules
from floorplan.problems import Problem, RuleCode
from floorplan.schema import Col
from floorplan.validate.floor import blocked_widths, keep_clear_zones
from floorplan.venue import Venue

__all__ = ["CodeCheck", "HallExits"]


@dataclass(frozen=True, eq=False)
class HallExits:
    """What a hall's code rules need that booths do not change.

    Attributes
    ----------
    ids, lines, widths_m, zones
        The hall's exits (usable openings of the exit kinds): ids, door lines, clear
        widths as given (``width_m``) and keep-clear zones.
    area_m2, basis
        The floor area the occupant load applies to, and which one it is.
    occupants
        The occupant load of that area under the profile.
    """

    ids: np.ndarray
    lines: np.ndarray = field(repr=False)
    widths_m: np.ndarray
    zones: np.ndarray = field(repr=False)
    area_m2: float
    basis: AreaBasis
    occupants: int


class CodeCheck:
    """Check the code rules of one profile, hall by hall.

    Parameters
    ----------
    rules
        The layout rules (their profile, sprinkler setting and keep-clear depth).
    """

    def __init__(self, rules: LayoutRules) -> None:
        self.rules = rules
        self.profile: Profile = rules.code_profile
        self.travel = TravelCheck(rules)
        self._exits: dict[str, HallExits] = {}

    def exits(
        self,
        hall: str,
        venue: Venue,
        hall_geom: shapely.Geometry,
        *,
        obstacle_ok: np.ndarray,
        openings_ok: np.ndarray,
    ) -> HallExits:
        """Return hall ``hall``'s exits and occupant load (computed on first use)."""
        if hall not in self._exits:
            ops = venue.openings
            rows = np.flatnonzero(
                openings_ok
                & (ops[Col.HALL_ID].astype(str).to_numpy() == hall)
                & ops[Col.KIND].astype(str).isin(EXIT_KINDS).to_numpy()
            )
            lines = geoms(ops)[rows]
            zones = keep_clear_zones(
                lines, np.full(len(rows), hall_geom, dtype=object), self.rules.keep_clear_m
            )
            basis = self.profile.area_basis
            # Rounded as capacity rounds its areas, to drop floating-point noise.
            area = round(float(shapely.area(hall_geom)), 6)
            if basis is AreaBasis.NET:
                obstacles = venue.obstacles
                mine = (obstacles[Col.HALL_ID].astype(str).to_numpy() == hall) & obstacle_ok
                if mine.any():
                    fixed = shapely.union_all(geoms(obstacles)[mine])
                    area = round(
                        area - float(shapely.area(shapely.intersection(hall_geom, fixed))), 6
                    )
            self._exits[hall] = HallExits(
                ids=ops[Col.OPENING_ID].astype(str).to_numpy()[rows],
                lines=lines,
                widths_m=ops[Col.WIDTH_M].to_numpy(dtype=float)[rows],
                zones=zones,
                area_m2=area,
                basis=basis,
                occupants=self.profile.occupants(area),
            )
        return self._exits[hall]

    def no_exit(self, hall: str) -> Problem:
        """Return the problem of a hall without an exit of its own."""
        return Problem(
            S.HALLS,
            hall,
            RuleCode.NO_EXIT,
            f"hall {hall} has no entrance, exit or emergency exit of its own (connections to "
            "other halls do not count): no one in it can get out, and its capacity is 0",
            ids=(hall,),
        )

    def exit_width(
        self, hall: str, ex: HallExits, booths: np.ndarray, booth_ids: np.ndarray
    ) -> Problem | None:
        """Return the hall's exit-width problem, or None when its exits let its load out.

        ``booths`` are the hall's usable booth outlines and ``booth_ids`` their ids.
        """
        prof = self.profile
        blocked, who = blocked_widths(ex.lines, ex.zones, booths)
        lengths = shapely.length(ex.lines)
        clear = Fraction(0)
        lost_total = Fraction(0)
        blockers: set[str] = set()
        for k, width in enumerate(ex.widths_m.tolist()):
            length = float(lengths[k]) or width
            lost = min(width, round(float(blocked[k]) * width / length, 6))
            clear += Fraction(str(width)) - Fraction(str(lost))
            lost_total += Fraction(str(lost))
            blockers.update(str(booth_ids[i]) for i in who[k])
        egress = prof.egress(float(clear))
        if egress >= ex.occupants:
            return None
        need = float(ex.occupants * prof.width_per_person_m)
        blocked_text = ""
        if lost_total:
            names = ", ".join(sorted(blockers)[:3]) + (" …" if len(blockers) > 3 else "")
            blocked_text = f" ({float(lost_total):.2f} m more is blocked by booths {names})"
        return Problem(
            S.HALLS,
            hall,
            RuleCode.EXIT_WIDTH,
            f"hall {hall}: its occupant load of {ex.occupants:,} ({ex.area_m2:,.0f} m² "
            f"{ex.basis.value} floor at {float(prof.persons_per_m2):g} persons/m²) needs "
            f"{need:.2f} m of exit width under {prof.name}; its exits give "
            f"{float(clear):.2f} m clear{blocked_text}, enough for {egress:,}",
            ids=(hall,),
        )
