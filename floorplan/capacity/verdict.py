"""Judge a capacity report in a safety officer's words: one verdict per hall and the venue.

A :class:`Verdict` says "Within limits", "Over by 312 people" or "Exits blocked: 2.4 m of
exit width behind booths" (in English or Chinese) from a
:class:`~floorplan.capacity.report.CapacityReport` (the figures and the problems that
``floorplan capacity`` prints) and, optionally, the people counted in each hall and the
forecast peak. Nothing is recomputed: the verdict reads the report.

>>> Reason("verdict.over", (("n", "312"),)).text("en")
'Over by 312 people'
>>> Reason("verdict.over", (("n", "312"),)).text("zh")
'超员 312 人'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from floorplan.capacity.report import CapacityReport
from floorplan.capacity.results import Binding, HallCapacity
from floorplan.i18n import Lang, text
from floorplan.problems import Problem, RuleCode, Severity

__all__ = ["Level", "Reason", "Verdict", "Verdicts", "hall_verdict", "judge", "venue_verdict"]

#: Rules a verdict already names in its own words (not repeated as "more problems").
_NAMED_RULES = frozenset({RuleCode.NO_EXIT, RuleCode.EXIT_BLOCKED, RuleCode.TRAVEL_DISTANCE})


class Level(StrEnum):
    """How loud a verdict is: fine, to look at, or to act on now."""

    OK = "ok"
    WARNING = "warning"
    ALARM = "alarm"


@dataclass(frozen=True)
class Reason:
    """One finding of a verdict: a catalogue key and its fields (as text)."""

    key: str
    fields: tuple[tuple[str, str], ...] = ()

    def text(self, lang: Lang | str = Lang.EN) -> str:
        """Return the finding in ``lang``."""
        return text(self.key, lang, **dict(self.fields))


@dataclass(frozen=True)
class Verdict:
    """The verdict on one hall (``hall_id``) or on the whole venue (``hall_id`` ``None``).

    Attributes
    ----------
    hall_id
        The hall judged; ``None`` for the venue.
    level
        ``ok`` with no finding, else the loudest finding's level.
    reasons
        What is wrong, loudest first; empty when within limits.
    ok
        What is said when nothing is wrong ("Within limits", with the count if known).
    """

    hall_id: str | None
    level: Level
    reasons: tuple[Reason, ...]
    ok: Reason = Reason("verdict.ok")

    def lines(self, lang: Lang | str = Lang.EN) -> list[str]:
        """Return each finding in ``lang`` (the "within limits" sentence when none)."""
        return [r.text(lang) for r in self.reasons] or [self.ok.text(lang)]

    def text(self, lang: Lang | str = Lang.EN) -> str:
        """Return the verdict as one sentence in ``lang``."""
        return ("；" if str(lang) == Lang.ZH else "; ").join(self.lines(lang))


@dataclass(frozen=True)
class Verdicts:
    """The venue's verdict and each hall's, in the report's hall order."""

    venue: Verdict
    halls: tuple[Verdict, ...]

    def hall(self, hall_id: str) -> Verdict | None:
        """Return the verdict on ``hall_id`` (``None``: no such hall)."""
        return next((v for v in self.halls if v.hall_id == hall_id), None)


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _m(value: float) -> str:
    return f"{value:.1f}"


def _problem_reason(problems: Sequence[Problem], key: str) -> tuple[Reason, Level] | None:
    rest = [p for p in problems if p.severity.blocks and p.rule not in _NAMED_RULES]
    if not rest:
        return None
    rules = ", ".join(dict.fromkeys(str(p.rule) for p in rest))
    level = Level.ALARM if any(p.severity is Severity.ERROR for p in rest) else Level.WARNING
    return Reason(key, (("n", str(len(rest))), ("rules", rules))), level


def hall_verdict(report: CapacityReport, cap: HallCapacity, count: int | None = None) -> Verdict:
    """Return the verdict on one hall of ``report``, with ``count`` people in it if known."""
    found: list[tuple[Reason, Level]] = []
    load = cap.load
    if load.binding is Binding.NO_EXIT:
        found.append((Reason("verdict.no_exit"), Level.ALARM))
    if count is not None and count > load.capacity:
        found.append((Reason("verdict.over", (("n", _n(count - load.capacity)),)), Level.ALARM))
    if cap.blocked_width_m > 0:
        found.append((Reason("verdict.blocked", (("m", _m(cap.blocked_width_m)),)), Level.ALARM))
    worst = cap.travel.worst_m
    if cap.travel.over_limit and worst is not None:
        fields = (("worst", _m(worst)), ("limit", f"{cap.travel.limit_m:g}"))
        found.append((Reason("verdict.travel", fields), Level.ALARM))
    more = _problem_reason(report.hall_problems(cap.hall_id), "verdict.problems")
    if more:
        found.append(more)
    ok = Reason("verdict.ok")
    if count is not None:
        ok = Reason("verdict.ok_count", (("count", _n(count)), ("capacity", _n(load.capacity))))
    return _verdict(cap.hall_id, found, ok)


def _verdict(hall_id: str | None, found: list[tuple[Reason, Level]], ok: Reason) -> Verdict:
    order = {Level.ALARM: 0, Level.WARNING: 1, Level.OK: 2}
    found.sort(key=lambda f: order[f[1]])  # stable: alarms first, each in the order found
    level = found[0][1] if found else Level.OK
    return Verdict(hall_id, level, tuple(r for r, _ in found), ok)


def venue_verdict(
    report: CapacityReport,
    halls: Sequence[Verdict],
    *,
    count: int | None = None,
    forecast_peak: int | None = None,
) -> Verdict:
    """Return the verdict on the whole venue from its halls' verdicts and its own problems."""
    found: list[tuple[Reason, Level]] = []
    whole = report.venue_total
    capacity = whole.capacity if whole else 0
    if count is not None and count > capacity:
        found.append((Reason("verdict.over", (("n", _n(count - capacity)),)), Level.ALARM))
    if forecast_peak is not None and forecast_peak > capacity:
        over = (("n", _n(forecast_peak - capacity)),)
        found.append((Reason("verdict.forecast_over", over), Level.WARNING))
    acting = [v for v in halls if v.level is not Level.OK]
    if acting:
        ids = ", ".join(str(v.hall_id) for v in acting)
        fields = (("k", str(len(acting))), ("n", str(len(halls))), ("ids", ids))
        loud = Level.ALARM if any(v.level is Level.ALARM for v in acting) else Level.WARNING
        found.append((Reason("verdict.halls", fields), loud))
    own = _problem_reason(report.hall_problems(None), "verdict.venue_problems")
    if own:
        found.append(own)
    ok = Reason("verdict.ok")
    if count is not None:
        ok = Reason("verdict.ok_count", (("count", _n(count)), ("capacity", _n(capacity))))
    return _verdict(None, found, ok)


def judge(
    report: CapacityReport,
    counts: Mapping[str, int] | None = None,
    *,
    forecast_peak: int | None = None,
) -> Verdicts:
    """Return the verdicts on every hall of ``report`` and on the venue.

    Parameters
    ----------
    report
        The capacity report (:func:`floorplan.rules.capacity_report`).
    counts
        People counted per hall id, if known (a hall not in it is not judged by count;
        the venue is judged by count only when every hall is counted).
    forecast_peak
        The forecast peak of people in the venue at once, if known.
    """
    counts = counts or {}
    halls = tuple(hall_verdict(report, c, counts.get(c.hall_id)) for c in report.halls)
    counted = bool(report.halls) and all(c.hall_id in counts for c in report.halls)
    total = sum(counts[c.hall_id] for c in report.halls) if counted else None
    venue = venue_verdict(report, halls, count=total, forecast_peak=forecast_peak)
    return Verdicts(venue, halls)
