"""Rate crowding (Fruin's levels of service) from counts, and forecast peak concurrency."""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from floorplan.errors import (
    CountError,
    OptionError,
)
from floorplan.schema import Col

if TYPE_CHECKING:
    from floorplan.capacity.results import HallCapacity

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


@dataclass(frozen=True)
class Crowding:
    """People in a hall (or zone) now: density on the net floor, Fruin level, share of capacity."""

    name: str
    hall_ids: tuple[str, ...]
    count: int
    area_m2: float
    density_ppm2: float
    los: LOS
    capacity: int
    share_of_capacity: float | None

    @property
    def over_capacity(self) -> bool:
        """Whether more people are in than the capacity allows."""
        return self.count > self.capacity

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        d["hall_ids"] = list(self.hall_ids)
        d["los"] = str(self.los)
        d["density_ppm2"] = round(self.density_ppm2, 4)
        d["area_m2"] = round(self.area_m2, 2)
        if self.share_of_capacity is not None:
            d["share_of_capacity"] = round(self.share_of_capacity, 4)
        d["over_capacity"] = self.over_capacity
        return d


def _crowd(name: str, cs: Sequence[HallCapacity], count: int) -> Crowding:
    area = sum(c.areas.net_m2 for c in cs)
    dens = count / area if area > 0 else (math.inf if count else 0.0)
    cap = sum(c.load.capacity for c in cs)
    return Crowding(
        name,
        tuple(c.hall_id for c in cs),
        count,
        area,
        dens,
        fruin_los(dens) if math.isfinite(dens) else LOS.F,
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


#: The optional column of a counts CSV giving the reading's time of day (``HH:MM``).
TIME_COLUMN: Final = "time"


@dataclass(frozen=True)
class CountReading:
    """One good row of a counts CSV: a hall's count, and its time of day if given."""

    line: int
    hall_id: str
    count: int
    hour: float | None = None


@dataclass(frozen=True)
class BadCountRow:
    """One bad row of a counts CSV: the file, its line (the header is line 1), hall, rule."""

    where: str
    line: int
    hall_id: str
    rule: str

    def __str__(self) -> str:
        hall = self.hall_id or "(none)"
        return f"{self.where} row {self.line}, hall {hall}: {self.rule}"


def _hour(value: str) -> float:
    """Return ``HH:MM`` (or ``YYYY-MM-DD HH:MM[:SS]``) as hours after midnight.

    >>> _hour("09:30"), _hour("2023-11-28T17:45:00")
    (9.5, 17.75)
    """
    clock = value.strip().replace("T", " ").split(" ")[-1]
    parts = clock.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        msg = f"time must be HH:MM, got {value!r}"
        raise CountError(msg)
    h, m = int(parts[0]), int(parts[1])
    if h > 24 or m > 59 or (h == 24 and m):
        msg = f"time must be HH:MM, got {value!r}"
        raise CountError(msg)
    return h + m / 60


def _check_row(
    row: Mapping[str, Any], line: int, where: str, hall_ids: Sequence[str] | None
) -> CountReading | BadCountRow:
    hid = str(row.get(Col.HALL_ID) or "").strip()
    if not hid:
        return BadCountRow(where, line, "", "empty hall_id")
    if hall_ids is not None and hid not in hall_ids:
        return BadCountRow(where, line, hid, f"unknown hall (halls: {', '.join(hall_ids)})")
    try:
        count = parse_count(row.get("count"), hall_id=hid)
        raw = str(row.get(TIME_COLUMN) or "").strip()
        hour = _hour(raw) if raw else None
    except CountError as exc:
        return BadCountRow(where, line, hid, str(exc))
    return CountReading(line, hid, count, hour)


def check_counts_csv(
    text: str, *, where: str = "counts", hall_ids: Sequence[str] | None = None
) -> tuple[list[CountReading], list[BadCountRow]]:
    """Return every good reading of a counts CSV and every bad row, all of them.

    The CSV has a header with ``hall_id`` and ``count``, optionally ``time`` (``HH:MM``);
    other columns are left out. A caller applies the readings only when no row is bad
    (all or nothing), and lists every bad row: file, row number, hall id and rule.
    ``hall_ids``: the halls a count may name (``None``: any).
    """
    reader = csv.DictReader(text.splitlines())
    cols = reader.fieldnames or []
    missing = [c for c in (Col.HALL_ID, "count") if c not in cols]
    if missing:
        rule = f"the header needs columns hall_id and count, missing {', '.join(missing)}"
        return [], [BadCountRow(where, 1, "", rule)]
    good: list[CountReading] = []
    bad: list[BadCountRow] = []
    for line, row in enumerate(reader, start=2):
        checked = _check_row(row, line, where, hall_ids)
        if isinstance(checked, BadCountRow):
            bad.append(checked)
        else:
            good.append(checked)
    return good, bad


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


#: The bundled fair opens at 9:00 (for :data:`DEFAULT_OPEN_H` hours, to 17:00).
OPENS_AT_H: Final = 9.0


def day_curve(
    forecast: PeakForecast,
    caps: Sequence[HallCapacity],
    *,
    opens_at_h: float = OPENS_AT_H,
    step_h: float = 0.25,
) -> tuple[list[float], dict[str, list[int]]]:
    """Return the forecast's people in each hall over the opening hours.

    Assumed (no source, as the forecast's defaults): the people present rise from
    opening to the forecast peak at mid-day and fall to closing as a half sine (whose
    mean, 2/π ≈ 0.64 of its top, matches a peak factor of about 1.5), spread over the
    halls in proportion to their net floor area.

    Returns
    -------
    hours, people
        Times of day (hours after midnight) and each hall's people at those times.
    """
    steps = max(round(forecast.open_h / step_h), 1)
    hours = [opens_at_h + forecast.open_h * k / steps for k in range(steps + 1)]
    shape = [math.sin(math.pi * k / steps) for k in range(steps + 1)]
    area = sum(c.areas.net_m2 for c in caps)
    people = {
        c.hall_id: [
            round(forecast.peak * s * (c.areas.net_m2 / area if area > 0 else 0.0)) for s in shape
        ]
        for c in caps
    }
    return hours, people
