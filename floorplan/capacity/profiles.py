"""Load fire-code profiles: occupant density, exit width per person and travel limits.

A profile is a data file (``floorplan/capacity/profiles/*.toml`` or one a user writes);
each value carries the clause it comes from and a ``verified`` flag.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Final

from floorplan.errors import (
    OptionError,
    ProfileError,
)

DEFAULT_PROFILE: Final = "gb50016"

_PROFILE_DIR = "profiles"
_PROFILE_EXTS = (".toml", ".json")

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

    def occupants(self, area_m2: float) -> int:
        """Return the occupant load of ``area_m2`` of floor (of the profile's basis), rounded up.

        Exact quotient arithmetic keeps the rounding exact.

        >>> load_profile("gb50016").occupants(100.0)
        75
        """
        return math.ceil(Fraction(str(area_m2)) * self.persons_per_m2)

    def egress(self, width_m: float) -> int:
        """Return how many people ``width_m`` of clear exit width lets out, rounded down.

        >>> load_profile("gb50016").egress(6.5)
        1000
        """
        return math.floor(Fraction(str(float(width_m))) / self.width_per_person_m)

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
    return Path(str(resources.files("floorplan.capacity"))) / _PROFILE_DIR


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
