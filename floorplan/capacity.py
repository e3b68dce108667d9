"""Estimate how many people each hall may hold, how far its exits are, and how fast it empties.

Per hall the numbers follow a *code profile* (a data file in ``floorplan/profiles/``, or
one a user writes; each value carries the clause it comes from and a ``verified`` flag):

- **occupant load**: floor area (gross, or net of fixed obstacles, as the profile says)
  times persons per m², rounded up;
- **egress capacity**: the total clear width of the hall's entrances, exits and emergency
  exits (connections to other halls do not count) divided by the width per person,
  rounded down;
- **capacity**: the smaller of the two; ``binding`` says which;
- **travel distance**: the open floor's point farthest from every exit, in a straight line
  (:mod:`floorplan._farthest`, grid ≤ 0.5 m refined locally) and walking (the router,
  from a bounded set of sample points; always at least the straight-line figure, since
  the straight-line farthest point is one of the samples).

The *open floor* is the hall minus booths and obstacles: where a visitor stands and
where the router walks. Exact quotient arithmetic (:class:`fractions.Fraction`) keeps
the roundings exact; areas are first rounded to 1e-6 m² to drop floating-point noise.

The hydraulic evacuation model (SFPE) and crowding (Fruin's levels of service, peak
concurrency) are below; the agent simulation is in :mod:`floorplan._sim`.
"""

from __future__ import annotations

import csv
import json
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from floorplan import _farthest
from floorplan.errors import (
    CountError,
    NoRouteError,
    OptionError,
    PlaceError,
    ProfileError,
)
from floorplan.schema import Col, OpeningKind
from floorplan.validate import Problem
from floorplan.venue import Venue

__all__ = [
    "DEFAULT_PROFILE",
    "EXIT_KINDS",
    "LOS",
    "CapacityTotal",
    "CountError",
    "Crowding",
    "Evacuation",
    "ExitInfo",
    "HallCapacity",
    "PeakForecast",
    "Profile",
    "ProfileError",
    "ProfileValue",
    "crowding",
    "forecast_peak",
    "fruin_los",
    "hall_capacity",
    "hydraulic_evacuation",
    "known_profiles",
    "load_profile",
    "parse_count",
    "read_counts_csv",
    "totals",
]

DEFAULT_PROFILE: Final = "gb50016"
#: Opening kinds that lead out of the building; connections lead to another hall.
EXIT_KINDS: Final = frozenset(
    {OpeningKind.ENTRANCE.value, OpeningKind.EXIT.value, OpeningKind.EMERGENCY_EXIT.value}
)
#: SFPE hydraulic model: free walking speed, maximum specific flow, boundary layer.
SFPE_SPEED_MPS: Final = 1.19
SFPE_MAX_FLOW_PSPM: Final = 1.3
SFPE_BOUNDARY_M: Final = 0.15
#: Clearance kept by walkers from walls and booths when measuring walking distance.
WALK_CLEARANCE_M: Final = 0.5
#: Walking distances are measured from at most this many grid samples per hall.
WALK_SAMPLES: Final = 200
#: Plus this many of the farthest straight-line points (the first is the farthest).
_FAR_SAMPLES: Final = 12
_AREA_DIGITS: Final = 6
#: Heat-map grid spacing for the staff page (the farthest point uses a finer grid).
HEAT_SPACING_M: Final = 2.0

_PROFILE_DIR = "profiles"
_PROFILE_EXTS = (".toml", ".json")

# --------------------------------------------------------------------------- errors


# --------------------------------------------------------------------------- profiles

# Conversions to metres, square metres and persons, as exact fractions.
_FT: Final = Fraction(3048, 10000)
_IN: Final = Fraction(254, 10000)
_DENSITY_UNITS: Final[dict[str, tuple[Fraction, bool]]] = {
    # unit: (factor to m², whether the value is area per person rather than persons per area)
    "persons/m2": (Fraction(1), False),
    "m2/person": (Fraction(1), True),
    "ft2/person": (_FT * _FT, True),
}
_WIDTH_UNITS: Final[dict[str, Fraction]] = {
    # unit: metres of exit width per person for a value of 1
    "m/100 persons": Fraction(1, 100),
    "m/person": Fraction(1),
    "mm/person": Fraction(1, 1000),
    "in/person": _IN,
}
_LENGTH_UNITS: Final[dict[str, Fraction]] = {"m": Fraction(1), "ft": _FT}


class Measure(StrEnum):
    """How a profile's travel limit is measured."""

    STRAIGHT = "straight"
    WALK = "walk"


class AreaBasis(StrEnum):
    """Which floor area a profile's occupant load applies to."""

    GROSS = "gross"
    NET = "net"


@dataclass(frozen=True)
class ProfileValue:
    """One value of a code profile with where it comes from."""

    value: float
    unit: str
    clause: str
    verified: bool
    note: str = ""
    measure: str = ""
    basis: str = ""


@dataclass(frozen=True)
class Profile:
    """A code profile: occupant density, exit width per person, travel limits.

    Attributes
    ----------
    name, title, source
        The profile's short name (as ``--code`` takes it), a title and the code cited.
    occupant_load, exit_width, travel_limit, travel_limit_sprinklered
        The values with their clauses (the sprinklered limit may be missing).
    path
        The file it was read from.
    """

    name: str
    title: str
    source: str
    occupant_load: ProfileValue
    exit_width: ProfileValue
    travel_limit: ProfileValue
    travel_limit_sprinklered: ProfileValue | None = None
    path: Path | None = None

    @property
    def persons_per_m2(self) -> Fraction:
        """Return the occupant density as an exact fraction."""
        factor, per_person = _DENSITY_UNITS[self.occupant_load.unit]
        v = Fraction(str(self.occupant_load.value))
        return 1 / (v * factor) if per_person else v / factor

    @property
    def width_per_person_m(self) -> Fraction:
        """Return the exit width needed per person, in metres, as an exact fraction."""
        return Fraction(str(self.exit_width.value)) * _WIDTH_UNITS[self.exit_width.unit]

    @property
    def area_basis(self) -> AreaBasis:
        """Return which floor area the occupant load applies to."""
        return AreaBasis(self.occupant_load.basis or AreaBasis.GROSS.value)

    def travel(self, *, sprinklered: bool) -> tuple[float, Measure, ProfileValue]:
        """Return the travel limit in metres, how it is measured, and the value it comes from."""
        pv = self.travel_limit
        if sprinklered and self.travel_limit_sprinklered is not None:
            pv = self.travel_limit_sprinklered
        metres = float(Fraction(str(pv.value)) * _LENGTH_UNITS[pv.unit])
        return metres, Measure(pv.measure or Measure.STRAIGHT.value), pv

    @property
    def verified(self) -> bool:
        """Whether every value was checked against the code's own text."""
        vals = [self.occupant_load, self.exit_width, self.travel_limit]
        if self.travel_limit_sprinklered is not None:
            vals.append(self.travel_limit_sprinklered)
        return all(v.verified for v in vals)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the profile."""
        out = asdict(self)
        out["path"] = str(self.path) if self.path else None
        return out


def _profile_dir() -> Path:
    return Path(str(resources.files("floorplan"))) / _PROFILE_DIR


def known_profiles() -> list[str]:
    """Return the names of the profiles shipped with floorplan."""
    return sorted(p.stem for p in _profile_dir().iterdir() if p.suffix in _PROFILE_EXTS)


def _value(doc: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> Any:
    raw = doc.get(key)
    if raw is None:
        if not required:
            return None
        msg = f"profile {where}: missing [{key}]"
        raise ProfileError(msg)
    if not isinstance(raw, Mapping):
        msg = f"profile {where}: [{key}] must be a table with value, unit, clause, verified"
        raise ProfileError(msg)
    for k in ("value", "unit", "clause", "verified"):
        if k not in raw:
            msg = f"profile {where}: [{key}] has no {k!r}"
            raise ProfileError(msg)
    value = raw["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        msg = f"profile {where}: [{key}] value must be a positive number, got {value!r}"
        raise ProfileError(msg)
    if not isinstance(raw["verified"], bool):
        msg = f"profile {where}: [{key}] verified must be true or false, got {raw['verified']!r}"
        raise ProfileError(msg)
    return ProfileValue(
        float(value),
        str(raw["unit"]),
        str(raw["clause"]),
        raw["verified"],
        str(raw.get("note", "")),
        str(raw.get("measure", "")),
        str(raw.get("basis", "")),
    )


def _check_unit(pv: ProfileValue, units: Iterable[str], key: str, where: str) -> None:
    units = list(units)
    if pv.unit not in units:
        msg = f"profile {where}: [{key}] unknown unit {pv.unit!r}; valid: {', '.join(units)}"
        raise ProfileError(msg)


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> Profile:
    """Return a code profile by name (one shipped with floorplan) or from a file.

    Parameters
    ----------
    name_or_path
        A known profile name (see :func:`known_profiles`) or the path of a ``.toml`` or
        ``.json`` file laid out like ``floorplan/profiles/gb50016.toml``.

    Raises
    ------
    OptionError
        When a name is neither a known profile nor an existing file (lists the known ones).
    ProfileError
        When the file is unreadable or a value is missing or malformed.
    """
    text = str(name_or_path)
    path = Path(text)
    if text in known_profiles():
        path = next(
            _profile_dir() / f"{text}{ext}"
            for ext in _PROFILE_EXTS
            if (_profile_dir() / f"{text}{ext}").is_file()
        )
    elif not (path.suffix.lower() in _PROFILE_EXTS and path.is_file()):
        msg = (
            f"unknown code profile {text!r}; known: {', '.join(known_profiles())} "
            "(or the path of a .toml or .json profile file)"
        )
        raise OptionError(msg)
    where = str(path)
    try:
        raw = path.read_bytes()
        doc = (
            tomllib.loads(raw.decode("utf-8"))
            if path.suffix.lower() == ".toml"
            else json.loads(raw)
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        msg = f"profile {where}: cannot read it: {exc}"
        raise ProfileError(msg) from None
    if not isinstance(doc, Mapping):
        msg = f"profile {where}: the top level must be a table"
        raise ProfileError(msg)
    occ = _value(doc, "occupant_load", where)
    _check_unit(occ, _DENSITY_UNITS, "occupant_load", where)
    if occ.basis and occ.basis not in {b.value for b in AreaBasis}:
        msg = f"profile {where}: [occupant_load] unknown basis {occ.basis!r}; valid: gross, net"
        raise ProfileError(msg)
    width = _value(doc, "exit_width", where)
    _check_unit(width, _WIDTH_UNITS, "exit_width", where)
    travel = _value(doc, "travel_limit", where)
    sprink = _value(doc, "travel_limit_sprinklered", where, required=False)
    for key, pv in (("travel_limit", travel), ("travel_limit_sprinklered", sprink)):
        if pv is None:
            continue
        _check_unit(pv, _LENGTH_UNITS, key, where)
        if pv.measure and pv.measure not in {m.value for m in Measure}:
            msg = f"profile {where}: [{key}] unknown measure {pv.measure!r}; valid: straight, walk"
            raise ProfileError(msg)
    return Profile(
        name=str(doc.get("name") or path.stem),
        title=str(doc.get("title", "")),
        source=str(doc.get("source", "")),
        occupant_load=occ,
        exit_width=width,
        travel_limit=travel,
        travel_limit_sprinklered=sprink,
        path=path,
    )


# --------------------------------------------------------------------------- halls


class Binding(StrEnum):
    """Which limit sets a hall's capacity."""

    OCCUPANT_LOAD = "occupant_load"
    EGRESS_WIDTH = "egress_width"
    NO_EXIT = "no_exit"


@dataclass
class ExitInfo:
    """One exit of a hall with its share of the occupants (by walking catchment)."""

    opening_id: str
    kind: str
    width_m: float
    effective_width_m: float
    share: float = 0.0
    min_walk_m: float = 0.0
    max_walk_m: float = 0.0


@dataclass
class TravelField:
    """Distances to the nearest exit over a hall, for the heat map (not in ``to_dict``).

    Attributes
    ----------
    xy, straight_m
        Grid points (``HEAT_SPACING_M``) of the open floor and their straight distance.
    walk_xy, walk_m, walk_exit
        The walking samples, their walking distance and the index of their nearest
        exit (in :attr:`HallCapacity.exits`; -1 and ``inf`` when none is reachable).
    n_grid
        How many of the walking samples come from the even grid (the rest are the
        farthest straight-line points, which would bias the catchment shares).
    """

    xy: NDArray[np.float64]
    straight_m: NDArray[np.float64]
    walk_xy: NDArray[np.float64]
    walk_m: NDArray[np.float64]
    walk_exit: NDArray[np.int64]
    n_grid: int = 0


@dataclass
class HallCapacity:
    """The capacity figures of one hall (see the module docstring for definitions)."""

    hall_id: str
    name: str
    kind: str
    zone: str
    profile: str
    gross_area_m2: float
    net_area_m2: float
    booth_area_m2: float
    circulation_area_m2: float
    exits: list[ExitInfo]
    exit_width_m: float
    occupant_load: int
    egress_capacity: int
    capacity: int
    binding: str
    travel_limit_m: float
    travel_measure: str
    max_travel_straight_m: float | None
    farthest_straight_xy: tuple[float, float] | None
    max_travel_walk_m: float | None
    farthest_walk_xy: tuple[float, float] | None
    past_limit_m2: float
    past_limit_points: list[tuple[float, float]]
    evacuation: Evacuation | None
    findings: list[Problem] = field(default_factory=list)
    travel_field: TravelField | None = None

    @property
    def exit_count(self) -> int:
        """Return the number of exits counted."""
        return len(self.exits)

    @property
    def evacuation_s(self) -> float | None:
        """Return the hydraulic evacuation time at capacity."""
        return self.evacuation.evacuation_s if self.evacuation else None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the heat-map field is left out)."""

        def r(x: float | None, n: int = 3) -> float | None:
            return None if x is None or not math.isfinite(x) else round(x, n)

        def pt(p: tuple[float, float] | None) -> list[float] | None:
            return None if p is None else [round(p[0], 3), round(p[1], 3)]

        return {
            "hall_id": self.hall_id,
            "name": self.name,
            "kind": self.kind,
            "zone": self.zone,
            "profile": self.profile,
            "gross_area_m2": r(self.gross_area_m2),
            "net_area_m2": r(self.net_area_m2),
            "booth_area_m2": r(self.booth_area_m2),
            "circulation_area_m2": r(self.circulation_area_m2),
            "exit_count": self.exit_count,
            "exit_width_m": r(self.exit_width_m),
            "exits": [
                {
                    "opening_id": e.opening_id,
                    "kind": e.kind,
                    "width_m": r(e.width_m),
                    "effective_width_m": r(e.effective_width_m),
                    "share": r(e.share, 4),
                    "max_walk_m": r(e.max_walk_m, 2),
                }
                for e in self.exits
            ],
            "occupant_load": self.occupant_load,
            "egress_capacity": self.egress_capacity,
            "capacity": self.capacity,
            "binding": self.binding,
            "travel_limit_m": r(self.travel_limit_m),
            "travel_measure": self.travel_measure,
            "max_travel_straight_m": r(self.max_travel_straight_m, 2),
            "farthest_straight_xy": pt(self.farthest_straight_xy),
            "max_travel_walk_m": r(self.max_travel_walk_m, 2),
            "farthest_walk_xy": pt(self.farthest_walk_xy),
            "past_limit_m2": r(self.past_limit_m2, 2),
            "past_limit_points": [pt(p) for p in self.past_limit_points],
            "evacuation_s": r(self.evacuation_s, 1),
            "evacuation": self.evacuation.to_dict() if self.evacuation else None,
            "findings": [f.to_dict() for f in self.findings],
        }


def _area(x: float) -> float:
    return round(float(x), _AREA_DIGITS)


def _ceil(q: Fraction) -> int:
    return math.ceil(q)


def _open_floor(hall: BaseGeometry, blocked: Sequence[BaseGeometry]) -> BaseGeometry:
    if not blocked:
        return hall
    return shapely.difference(hall, shapely.union_all(list(blocked)))


def _hall_zone(venue: Venue, hall_id: str) -> str:
    b = venue.booths
    if len(b) == 0:
        return ""
    mine = b[b[Col.HALL_ID].astype(str) == hall_id]
    if len(mine) == 0:
        return ""
    areas = mine.geometry.area.groupby(mine[Col.ZONE].astype(str)).sum()
    return str(areas.idxmax())


def _hall_venue(venue: Venue, hall_id: str) -> Venue:
    """Return a venue of one hall with only its exits as doors (for a small, fast router)."""

    def mine(frame: Any) -> Any:
        return frame[frame[Col.HALL_ID].astype(str) == hall_id] if len(frame) else frame

    ops = mine(venue.openings)
    if len(ops):
        ops = ops[ops[Col.KIND].astype(str).isin(EXIT_KINDS)]
    return Venue(
        halls=mine(venue.halls),
        booths=mine(venue.booths),
        openings=ops,
        obstacles=mine(venue.obstacles),
        kiosks=venue.kiosks.iloc[0:0],
        amenities=venue.amenities.iloc[0:0],
        events=venue.events.iloc[0:0],
        name=venue.name,
    )


def _walk_distances(
    router: Any,
    floor: BaseGeometry,
    pts: NDArray[np.float64],
    exits: list[ExitInfo],
    segs: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return each point's walking distance to its nearest exit and that exit's index.

    Exits are tried in order of straight-line distance; since a walk is never shorter
    than the straight line, the search stops once the next exit is farther in a straight
    line than the best walk found.
    """
    straight = _farthest.segment_distances(pts, segs)
    inner = floor.buffer(-0.05)
    out = np.full(len(pts), np.inf)
    best_exit = np.full(len(pts), -1, dtype=np.int64)
    for i, p in enumerate(pts):
        origin = (float(p[0]), float(p[1]))
        step = 0.0
        for k in np.argsort(straight[i]):
            if straight[i, k] >= out[i]:
                break
            try:
                length = router.route(origin, exits[k].opening_id).length_m
            except PlaceError:
                # On a booth's edge up to rounding: start a few centimetres inside the open
                # floor; the step counts, so the walk stays at least the straight line.
                if inner.is_empty or step > 0:
                    break
                q = shapely.get_coordinates(shapely.shortest_line(shapely.Point(p), inner))[1]
                step = float(np.hypot(*(q - p)))
                origin = (float(q[0]), float(q[1]))
                try:
                    length = router.route(origin, exits[k].opening_id).length_m
                except (PlaceError, NoRouteError):
                    continue
            except NoRouteError:
                continue
            if length + step < out[i]:
                out[i] = length + step
                best_exit[i] = k
    return out, best_exit


def _walk_samples(floor: BaseGeometry, n: int) -> NDArray[np.float64]:
    """Return about ``n`` points of an even grid over ``floor``."""
    if floor.is_empty or n <= 0:
        return np.zeros((0, 2))
    spacing = max(math.sqrt(floor.area / n), 0.5)
    pts = _farthest.grid_points(floor, spacing)
    while len(pts) > 1.3 * n:  # thin floors: the bounding box overestimates the count
        spacing *= 1.15
        pts = _farthest.grid_points(floor, spacing)
    return pts


def hall_capacity(
    venue: Venue,
    *,
    profile: Profile | str | Path = DEFAULT_PROFILE,
    sprinklered: bool = False,
    router: Any = None,
    walk_samples: int = WALK_SAMPLES,
    halls: Iterable[str] | None = None,
    spacing_m: float = _farthest.MAX_SPACING_M,
    with_field: bool = False,
) -> list[HallCapacity]:
    """Return the capacity figures of every hall of ``venue``.

    Parameters
    ----------
    venue
        The venue.
    profile
        A :class:`Profile`, a profile name or a profile file.
    sprinklered
        Use the profile's travel limit for sprinklered buildings.
    router
        A :class:`~floorplan.routing.Router` to measure walking distances with. Default:
        one small router per hall holding only that hall and its exits (a walk to an exit
        stays in its hall, and the small graph is several times faster to search).
    walk_samples
        Grid points per hall whose walking distance is measured (plus the farthest
        straight-line points). 0 skips walking distances.
    halls
        Only these hall ids (default: all).
    spacing_m
        Grid spacing of the straight-line farthest point search (≤ 0.5 m).
    with_field
        Keep the heat-map grid and walking samples in :attr:`HallCapacity.field`.

    Raises
    ------
    OptionError
        When the profile is unknown (the message lists the known ones) or a hall id is.
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    limit_m, measure, _ = prof.travel(sprinklered=sprinklered)
    all_ids = [str(h) for h in venue.halls[Col.HALL_ID]]
    wanted = all_ids if halls is None else list(halls)
    unknown = [h for h in wanted if h not in all_ids]
    if unknown:
        msg = f"unknown hall {unknown[0]!r}; halls: {', '.join(all_ids)}"
        raise OptionError(msg)
    out = []
    for hid in wanted:
        k = all_ids.index(hid)
        out.append(
            _one_hall(
                venue,
                k,
                prof=prof,
                limit_m=limit_m,
                measure=measure,
                router=router,
                walk_samples=walk_samples,
                spacing_m=spacing_m,
                with_field=with_field,
            )
        )
    return out


def _one_hall(
    venue: Venue,
    k: int,
    *,
    prof: Profile,
    limit_m: float,
    measure: Measure,
    router: Any,
    walk_samples: int,
    spacing_m: float,
    with_field: bool,
) -> HallCapacity:
    row = venue.halls.iloc[k]
    hid = str(row[Col.HALL_ID])
    hall = row.geometry
    name = str(row.get(Col.NAME, "") or hid)
    kind = str(row.get(Col.KIND, "") or "hall")

    def mine(frame: Any) -> list[BaseGeometry]:
        if len(frame) == 0:
            return []
        return list(frame.geometry.values[(frame[Col.HALL_ID].astype(str) == hid).to_numpy()])

    booths, obstacles = mine(venue.booths), mine(venue.obstacles)
    gross = _area(hall.area)
    fixed = shapely.intersection(hall, shapely.union_all(obstacles)) if obstacles else None
    net = _area(gross - (fixed.area if fixed is not None else 0.0))
    booth_area = _area(shapely.union_all(booths).area) if booths else 0.0
    circulation = _area(max(net - booth_area, 0.0))
    floor = _open_floor(hall, booths + obstacles)

    exits: list[ExitInfo] = []
    seg_list = []
    ops = venue.openings
    if len(ops):
        for _, o in ops[ops[Col.HALL_ID].astype(str) == hid].iterrows():
            okind = str(o[Col.KIND])
            if okind not in EXIT_KINDS:
                continue
            width = float(o[Col.WIDTH_M])
            eff = max(width - 2 * SFPE_BOUNDARY_M, 0.0)
            exits.append(ExitInfo(str(o[Col.OPENING_ID]), okind, width, eff))
            co = shapely.get_coordinates(o.geometry)
            seg_list.append([co[0], co[-1]])
    segs = np.asarray(seg_list, dtype=float).reshape(-1, 2, 2)
    exit_width = float(sum(Fraction(str(e.width_m)) for e in exits))

    area_basis = gross if prof.area_basis is AreaBasis.GROSS else net
    occupant_load = _ceil(Fraction(str(area_basis)) * prof.persons_per_m2)
    egress = math.floor(Fraction(str(exit_width)) / prof.width_per_person_m) if exits else 0
    findings: list[Problem] = []
    if not exits:
        binding = Binding.NO_EXIT
        capacity = 0
        findings.append(
            Problem(
                "halls",
                hid,
                "no_exit",
                f"hall {hid} has no entrance, exit or emergency exit (connections to other "
                "halls do not count): capacity 0",
            )
        )
    elif egress < occupant_load:
        binding, capacity = Binding.EGRESS_WIDTH, egress
    else:
        binding, capacity = Binding.OCCUPANT_LOAD, occupant_load

    far = (
        _farthest.farthest_point(floor, segs, spacing_m=spacing_m, limit_m=limit_m)
        if exits
        else None
    )
    straight = far.distance_m if far else None
    far_xy = far.xy if far else None

    walk_m: float | None = None
    walk_xy: tuple[float, float] | None = None
    tf: TravelField | None = None
    heat = _farthest.grid_points(floor, HEAT_SPACING_M) if exits else np.zeros((0, 2))
    heat_d = _farthest.segment_distances(heat, segs).min(axis=1) if len(heat) else np.zeros(0)
    past_points: list[tuple[float, float]] = []
    if exits and walk_samples > 0 and far is not None:
        sub = router
        if sub is None:
            from floorplan.routing import Router  # noqa: PLC0415 - routing is heavy

            sub = Router(_hall_venue(venue, hid), clearance_m=WALK_CLEARANCE_M)
        grid = _walk_samples(floor, walk_samples)
        # The farthest straight-line points: the first is the maximum itself, which makes
        # the walking maximum at least the straight-line one.
        top = heat[np.argsort(-heat_d)[: _FAR_SAMPLES - 1]] if len(heat) else np.zeros((0, 2))
        pts = np.concatenate([grid, np.asarray([far.xy]), top])
        wd, we = _walk_distances(sub, floor, pts, exits, segs)
        tf = TravelField(heat, heat_d, pts, wd, we, len(grid))
        reach = np.isfinite(wd)
        if reach.any():
            j = int(np.argmax(np.where(reach, wd, -1)))
            walk_m, walk_xy = float(wd[j]), (float(pts[j, 0]), float(pts[j, 1]))
        if not reach.all():
            bad = pts[~reach][0]
            walk_m = None
            findings.append(
                Problem(
                    "halls",
                    hid,
                    "unreachable_floor",
                    f"hall {hid}: open floor at ({bad[0]:.1f}, {bad[1]:.1f}) and "
                    f"{int((~reach).sum()) - 1} other sample(s) reach no exit on foot",
                )
            )
        _catchments(exits, wd, we, len(grid))
        if measure is Measure.WALK:
            past_points = [(float(x), float(y)) for x, y in pts[wd > limit_m]]
    elif exits:
        tf = TravelField(heat, heat_d, np.zeros((0, 2)), np.zeros(0), np.zeros(0, np.int64))
        _catchments_straight(exits, heat, heat_d, segs)
    if measure is Measure.STRAIGHT and len(heat):
        past_points = [(float(x), float(y)) for x, y in heat[heat_d > limit_m]]
    if measure is Measure.STRAIGHT:
        past_area = far.past_limit_m2 if far else 0.0
        worst = straight
    else:
        cell = HEAT_SPACING_M**2
        past_area = (
            float(len(past_points)) * cell
            if tf is None or tf.n_grid == 0
            else (
                float(np.count_nonzero(tf.walk_m[: tf.n_grid] > limit_m)) * floor.area / tf.n_grid
            )
        )
        worst = walk_m
    if worst is not None and worst > limit_m:
        findings.append(
            Problem(
                "halls",
                hid,
                "travel_limit",
                f"hall {hid}: the farthest point is {worst:.1f} m from an exit "
                f"({measure.value}), over the {prof.name} limit of {limit_m:g} m; "
                f"about {past_area:.0f} m² of floor is past it",
            )
        )
    cap = HallCapacity(
        hall_id=hid,
        name=name,
        kind=kind,
        zone=_hall_zone(venue, hid),
        profile=prof.name,
        gross_area_m2=gross,
        net_area_m2=net,
        booth_area_m2=booth_area,
        circulation_area_m2=circulation,
        exits=exits,
        exit_width_m=exit_width,
        occupant_load=occupant_load,
        egress_capacity=egress,
        capacity=capacity,
        binding=binding.value,
        travel_limit_m=limit_m,
        travel_measure=measure.value,
        max_travel_straight_m=straight,
        farthest_straight_xy=far_xy,
        max_travel_walk_m=walk_m,
        farthest_walk_xy=walk_xy,
        past_limit_m2=past_area,
        past_limit_points=past_points,
        evacuation=None,
        findings=findings,
        travel_field=tf,
    )
    if exits:
        cap.evacuation = hydraulic_evacuation(cap)
    if not with_field:
        cap.travel_field = None
    return cap


def _catchments(
    exits: list[ExitInfo], wd: NDArray[np.float64], we: NDArray[np.int64], n_grid: int
) -> None:
    """Set each exit's share of the floor (even-grid samples) and its walking extremes."""
    grid_e = we[:n_grid]
    reach = grid_e >= 0
    total = max(int(reach.sum()), 1)
    for i, e in enumerate(exits):
        e.share = float(np.count_nonzero(grid_e == i)) / total
        mine = wd[(we == i) & np.isfinite(wd)]
        e.min_walk_m = float(mine.min()) if len(mine) else 0.0
        e.max_walk_m = float(mine.max()) if len(mine) else 0.0


def _catchments_straight(
    exits: list[ExitInfo],
    pts: NDArray[np.float64],
    d: NDArray[np.float64],
    segs: NDArray[np.float64],
) -> None:
    """Set the catchments by straight-line distance (when walking is not measured)."""
    if len(pts) == 0:
        return
    near = np.argmin(_farthest.segment_distances(pts, segs), axis=1)
    for i, e in enumerate(exits):
        sel = near == i
        e.share = float(np.count_nonzero(sel)) / len(pts)
        e.min_walk_m = float(d[sel].min()) if sel.any() else 0.0
        e.max_walk_m = float(d[sel].max()) if sel.any() else 0.0


# --------------------------------------------------------------------------- totals


@dataclass
class CapacityTotal:
    """Sums over several halls: a zone (halls whose booth area is mostly that zone) or the venue."""

    name: str
    hall_ids: list[str]
    gross_area_m2: float
    booth_area_m2: float
    circulation_area_m2: float
    exit_width_m: float
    occupant_load: int
    egress_capacity: int
    capacity: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        for k in ("gross_area_m2", "booth_area_m2", "circulation_area_m2", "exit_width_m"):
            d[k] = round(d[k], 3)
        return d


def totals(caps: Sequence[HallCapacity], *, by: str = "zone") -> list[CapacityTotal]:
    """Return totals per zone (``by="zone"``) or one for the whole venue (``by="venue"``).

    A hall counts in the zone holding most of its booth area; halls without booths
    (concourses) count in a zone named ``""``. Capacities add because each hall empties
    through its own exits.
    """
    if by not in {"zone", "venue"}:
        msg = f"unknown grouping {by!r}; valid: zone, venue"
        raise OptionError(msg)
    groups: dict[str, list[HallCapacity]] = {}
    for c in caps:
        groups.setdefault(c.zone if by == "zone" else "venue", []).append(c)
    return [
        CapacityTotal(
            name=key,
            hall_ids=[c.hall_id for c in cs],
            gross_area_m2=sum(c.gross_area_m2 for c in cs),
            booth_area_m2=sum(c.booth_area_m2 for c in cs),
            circulation_area_m2=sum(c.circulation_area_m2 for c in cs),
            exit_width_m=sum(c.exit_width_m for c in cs),
            occupant_load=sum(c.occupant_load for c in cs),
            egress_capacity=sum(c.egress_capacity for c in cs),
            capacity=sum(c.capacity for c in cs),
        )
        for key, cs in groups.items()
    ]


# --------------------------------------------------------------------------- evacuation


@dataclass
class Evacuation:
    """A hydraulic (SFPE) evacuation estimate for one hall.

    Attributes
    ----------
    occupants
        People in the hall at the start.
    travel_s
        The walk of the person farthest from their nearest exit, at the free speed.
    queue_s
        The longest queue discharge: occupants of an exit's catchment over its flow
        (specific flow × effective width).
    evacuation_s
        The time the last person leaves: per exit, the farthest walker's travel time plus
        the queue's discharge time at that exit; the latest exit (the issue's "travel time
        to the nearest exit plus queueing time at the exits").
    lower_s
        A lower bound: per exit, the later of the farthest walker's arrival and the first
        arrival plus the queue's discharge (walking and queueing fully overlapped).
    upper_s
        The whole-hall sum ``travel_s + queue_s`` (the longest walk and the longest queue,
        possibly at different exits): an upper bound.
    per_exit_s
        ``evacuation_s`` of each exit, by opening id.
    """

    occupants: int
    travel_s: float
    queue_s: float
    evacuation_s: float
    lower_s: float
    upper_s: float
    per_exit_s: dict[str, float]
    speed_mps: float = SFPE_SPEED_MPS
    flow_pspm: float = SFPE_MAX_FLOW_PSPM
    boundary_m: float = SFPE_BOUNDARY_M

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        for k in ("travel_s", "queue_s", "evacuation_s", "lower_s", "upper_s"):
            d[k] = round(d[k], 1)
        d["per_exit_s"] = {k: round(v, 1) for k, v in self.per_exit_s.items()}
        return d


def hydraulic_evacuation(
    cap: HallCapacity,
    occupants: int | None = None,
    *,
    speed_mps: float = SFPE_SPEED_MPS,
    flow_pspm: float = SFPE_MAX_FLOW_PSPM,
    boundary_m: float = SFPE_BOUNDARY_M,
) -> Evacuation:
    """Return the SFPE hydraulic evacuation estimate of a hall.

    Each occupant walks at ``speed_mps`` to the exit nearest on foot (the catchments of
    :func:`hall_capacity`; occupants spread evenly over the open floor). An exit passes at
    most ``flow_pspm`` persons per second per metre of effective width (clear width less
    ``boundary_m`` each side). An exit is clear after its farthest walker's travel time
    plus its queue's discharge time (occupants of its catchment over its flow); the hall
    is clear when its last exit is. ``lower_s`` and ``upper_s`` bracket that estimate.

    Parameters
    ----------
    cap
        A hall's figures from :func:`hall_capacity`.
    occupants
        People in the hall (default: its capacity).

    Raises
    ------
    CountError
        When ``occupants`` is negative or not a whole number.
    """
    n = cap.capacity if occupants is None else parse_count(occupants, hall_id=cap.hall_id)
    per_exit: dict[str, float] = {}
    lower = 0.0
    travel = 0.0
    queue = 0.0
    for e in cap.exits:
        ni = n * e.share
        width = max(e.width_m - 2 * boundary_m, 0.0)
        flow = flow_pspm * width
        q = math.inf if ni > 0 and flow <= 0 else ni / flow if ni > 0 else 0.0
        walk_last = e.max_walk_m / speed_mps if ni > 0 else 0.0
        walk_first = e.min_walk_m / speed_mps if ni > 0 else 0.0
        per_exit[e.opening_id] = walk_last + q
        lower = max(lower, walk_last, walk_first + q)
        travel = max(travel, walk_last)
        queue = max(queue, q)
    if not cap.exits:
        inf = math.inf if n > 0 else 0.0
        return Evacuation(n, inf, inf, inf, inf, inf, {}, speed_mps, flow_pspm, boundary_m)
    evac = max(per_exit.values()) if per_exit else 0.0
    return Evacuation(
        n, travel, queue, evac, lower, travel + queue, per_exit, speed_mps, flow_pspm, boundary_m
    )


# --------------------------------------------------------------------------- crowding


class LOS(StrEnum):
    """Fruin's walkway levels of service."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


#: Fruin (1971), walkways: lowest area per person (m²) of levels A to E; below E's is F.
FRUIN_M2_PER_PERSON: Final[tuple[tuple[LOS, float], ...]] = (
    (LOS.A, 3.25),
    (LOS.B, 2.32),
    (LOS.C, 1.39),
    (LOS.D, 0.93),
    (LOS.E, 0.46),
)


def fruin_los(density_ppm2: float) -> LOS:
    """Return Fruin's walkway level of service (A best, F worst) for a density in persons/m².

    Raises
    ------
    CountError
        When the density is negative or not a number.
    """
    d = _non_negative("density", density_ppm2, unit="persons per m²")
    if d == 0:
        return LOS.A
    per_person = 1.0 / d
    for level, least in FRUIN_M2_PER_PERSON:
        if per_person >= least:
            return level
    return LOS.F


def _non_negative(name: str, value: Any, *, unit: str = "") -> float:
    """Return ``value`` as a finite float >= 0, or refuse it naming ``name`` and ``unit``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        of_unit = f" of {unit}" if unit else ""
        msg = f"{name} must be a number{of_unit}, got {value!r}"
        raise CountError(msg) from None
    if not math.isfinite(number) or number < 0:
        in_unit = f" {unit}" if unit else ""
        msg = f"{name} must be a finite number >= 0{in_unit}, got {value!r}"
        raise CountError(msg)
    return number


def parse_count(value: Any, *, hall_id: str = "") -> int:
    """Return a visitor count as an int, refusing negative, fractional and non-numeric ones.

    Raises
    ------
    CountError
        Naming the hall and the value.
    """
    where = f" for hall {hall_id}" if hall_id else ""
    if isinstance(value, bool):
        msg = f"count{where} must be a whole number >= 0, got {value!r}"
        raise CountError(msg)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            num = float(text)
        except ValueError:
            msg = f"count{where} is not a number: {value!r}"
            raise CountError(msg) from None
    elif isinstance(value, int | float | np.integer | np.floating):
        num = float(value)
    else:
        msg = f"count{where} is not a number: {value!r}"
        raise CountError(msg)
    if not math.isfinite(num) or num != int(num):
        msg = f"count{where} must be a whole number >= 0, got {value!r}"
        raise CountError(msg)
    if num < 0:
        msg = f"count{where} must be >= 0, got {value!r}"
        raise CountError(msg)
    return int(num)


@dataclass
class Crowding:
    """People in a hall (or zone) now: density on the net floor, Fruin level, share of capacity."""

    name: str
    hall_ids: list[str]
    count: int
    area_m2: float
    density_ppm2: float
    los: str
    capacity: int
    share_of_capacity: float | None

    @property
    def over_capacity(self) -> bool:
        """Whether more people are in than the capacity allows."""
        return self.count > self.capacity

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        d["density_ppm2"] = round(self.density_ppm2, 4)
        d["area_m2"] = round(self.area_m2, 2)
        if self.share_of_capacity is not None:
            d["share_of_capacity"] = round(self.share_of_capacity, 4)
        d["over_capacity"] = self.over_capacity
        return d


def _crowd(name: str, cs: Sequence[HallCapacity], count: int) -> Crowding:
    area = sum(c.net_area_m2 for c in cs)
    dens = count / area if area > 0 else (math.inf if count else 0.0)
    cap = sum(c.capacity for c in cs)
    return Crowding(
        name,
        [c.hall_id for c in cs],
        count,
        area,
        dens,
        (fruin_los(dens) if math.isfinite(dens) else LOS.F).value,
        cap,
        count / cap if cap > 0 else None,
    )


def crowding(
    caps: Sequence[HallCapacity], counts: Mapping[str, Any], *, by: str = "hall"
) -> list[Crowding]:
    """Return density and Fruin level per hall (``by="hall"``) or per zone (``by="zone"``).

    Density is counted on each hall's net floor (booths included: visitors stand in
    them). Halls missing from ``counts`` count as empty.

    Raises
    ------
    CountError
        When a count is negative or not a number, or names an unknown hall.
    """
    by_id = {c.hall_id: c for c in caps}
    unknown = [h for h in counts if h not in by_id]
    if unknown:
        msg = f"count for unknown hall {unknown[0]!r}; halls: {', '.join(by_id)}"
        raise CountError(msg)
    parsed = {h: parse_count(v, hall_id=h) for h, v in counts.items()}
    if by == "hall":
        return [_crowd(c.hall_id, [c], parsed.get(c.hall_id, 0)) for c in caps]
    if by != "zone":
        msg = f"unknown grouping {by!r}; valid: hall, zone"
        raise OptionError(msg)
    groups: dict[str, list[HallCapacity]] = {}
    for c in caps:
        groups.setdefault(c.zone, []).append(c)
    return [_crowd(z, cs, sum(parsed.get(c.hall_id, 0) for c in cs)) for z, cs in groups.items()]


def read_counts_csv(path: str | Path) -> dict[str, int]:
    """Return counts per hall from a CSV of counter readings.

    The CSV has a header with ``hall_id`` and ``count`` (other columns, such as a time,
    are kept out). Several readings of one hall: the last one in the file counts.

    Raises
    ------
    CountError
        When the file lacks a column, or a row's count is bad (naming the line and hall).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read counts from {p}: {exc}"
        raise CountError(msg) from None
    return parse_counts_csv(text, where=str(p))


def parse_counts_csv(text: str, *, where: str = "counts") -> dict[str, int]:
    """Return counts per hall from CSV text (see :func:`read_counts_csv`)."""
    reader = csv.DictReader(text.splitlines())
    cols = reader.fieldnames or []
    missing = [c for c in (Col.HALL_ID, "count") if c not in cols]
    if missing:
        msg = f"{where}: the header needs columns hall_id and count, missing {', '.join(missing)}"
        raise CountError(msg)
    out: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        hid = str(row.get(Col.HALL_ID) or "").strip()
        if not hid:
            msg = f"{where} line {line}: empty hall_id"
            raise CountError(msg)
        try:
            out[hid] = parse_count(row.get("count"), hall_id=hid)
        except CountError as exc:
            msg = f"{where} line {line}: {exc}"
            raise CountError(msg) from None
    return out


@dataclass(frozen=True)
class PeakForecast:
    """Peak concurrency forecast from daily visitors, dwell time and opening hours."""

    daily_visitors: float
    dwell_h: float
    open_h: float
    peak_factor: float
    average: float
    peak: int
    capacity: int | None
    share_of_capacity: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


#: The bundled event: about 150,000 visits over five days.
BUNDLED_VISITORS: Final = 150_000
BUNDLED_DAYS: Final = 5
#: Assumed by the floorplan team (no source): a 3 h visit, 9:00-17:00, peak 1.5 × mean.
DEFAULT_DWELL_H: Final = 3.0
DEFAULT_OPEN_H: Final = 8.0
DEFAULT_PEAK_FACTOR: Final = 1.5


def forecast_peak(
    daily_visitors: float | str = BUNDLED_VISITORS / BUNDLED_DAYS,
    dwell_h: float | str = DEFAULT_DWELL_H,
    *,
    open_h: float | str = DEFAULT_OPEN_H,
    peak_factor: float | str = DEFAULT_PEAK_FACTOR,
    capacity: int | None = None,
) -> PeakForecast:
    """Return the forecast peak number of visitors present at once.

    By Little's law the mean number present is arrivals per hour × dwell hours
    (``daily_visitors / open_h × dwell_h``, dwell capped at the opening hours); the peak
    is that times ``peak_factor``, rounded up.

    Raises
    ------
    CountError
        When a figure is negative, zero where it divides, or not a number.
    """
    vals = {}
    for key, v in (
        ("daily_visitors", daily_visitors),
        ("dwell_h", dwell_h),
        ("open_h", open_h),
        ("peak_factor", peak_factor),
    ):
        vals[key] = _non_negative(key, v)
    if vals["open_h"] <= 0:
        msg = f"open_h must be > 0, got {open_h!r}"
        raise CountError(msg)
    mean = vals["daily_visitors"] / vals["open_h"] * min(vals["dwell_h"], vals["open_h"])
    peak = math.ceil(round(mean * vals["peak_factor"], 6))
    share = peak / capacity if capacity else None
    return PeakForecast(
        vals["daily_visitors"],
        vals["dwell_h"],
        vals["open_h"],
        vals["peak_factor"],
        mean,
        peak,
        capacity,
        share,
    )
