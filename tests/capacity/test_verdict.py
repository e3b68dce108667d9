"""Verdicts in plain words from the capacity report; counts CSVs checked row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

import floorplan
from floorplan import capacity as C
from floorplan.rules import capacity_report
from floorplan.schema import Col

from _browser import kiosk_venue
from conftest import unsafe_hall, write_spec


@pytest.fixture(scope="module")
def report() -> C.CapacityReport:
    """The kiosk venue's report: two halls that keep every rule."""
    return capacity_report(kiosk_venue(), walk_samples=50)


def test_a_compliant_venue_is_within_limits(report: C.CapacityReport) -> None:
    vs = C.judge(report)
    assert [v.hall_id for v in vs.halls] == ["A", "B"]
    for v in (vs.venue, *vs.halls):
        assert v.level is C.Level.OK
        assert v.reasons == ()
        assert v.text("en") == "Within limits"
        assert v.text("zh") == "符合限值"


def test_a_hall_over_capacity_says_by_how_many(report: C.CapacityReport) -> None:
    a = report.hall("A")
    assert a is not None
    vs = C.judge(report, {"A": a.load.capacity + 312, "B": 10})
    hall_a = vs.hall("A")
    assert hall_a is not None
    assert hall_a.level is C.Level.ALARM
    assert hall_a.text("en") == "Over by 312 people"
    assert hall_a.text("zh") == "超员 312 人"
    hall_b = vs.hall("B")
    assert hall_b is not None
    b = report.hall("B")
    assert b is not None
    assert hall_b.text("en") == f"Within limits: 10 of {b.load.capacity:,} people"
    assert vs.venue.level is C.Level.ALARM
    assert vs.venue.text("en") == "1 of 2 halls need action: A"
    # Exactly at capacity is within it.
    at = C.judge(report, {"A": a.load.capacity}).hall("A")
    assert at is not None
    assert at.level is C.Level.OK


def test_the_venue_over_when_its_halls_together_are(report: C.CapacityReport) -> None:
    whole = report.venue_total
    assert whole is not None
    counts = {c.hall_id: c.load.capacity for c in report.halls}
    counts["B"] += 5
    vs = C.judge(report, counts, forecast_peak=whole.capacity + 1000)
    assert vs.venue.lines("en") == [
        "Over by 5 people",
        "1 of 2 halls need action: B",
        "Forecast peak over by 1,000 people",
    ]
    # A venue not counted in every hall is not judged by count.
    part = C.judge(report, {"A": 1})
    assert part.venue.text("en") == "Within limits"


def test_blocked_exits_and_far_floor_are_named(tmp_path: Path) -> None:
    venue = floorplan.load_venue(write_spec(unsafe_hall(), tmp_path / "unsafe"))
    report = capacity_report(venue, walk_samples=50)
    (u,) = report.halls
    vs = C.judge(report)
    (v,) = vs.halls
    assert v.level is C.Level.ALARM
    lines = v.lines("en")
    assert f"Exits blocked: {u.blocked_width_m:.1f} m of exit width behind booths" in lines
    assert u.travel.worst_m is not None
    limit = f"{u.travel.limit_m:g}"
    assert f"Too far to an exit: {u.travel.worst_m:.1f} m where the limit is {limit} m" in lines
    # The other code problem (exit width) is counted, the ones named are not repeated.
    named = {"exit_blocked", "travel_distance", "no_exit"}
    rest = [p for p in report.hall_problems("U") if p.severity.blocks and p.rule not in named]
    assert rest
    assert any(line.startswith(f"{len(rest)} more problem(s) to fix") for line in lines)
    assert "出口被挡" in v.text("zh")
    assert vs.venue.text("en") == "1 of 1 halls need action: U"


def test_a_hall_without_exit() -> None:
    venue = kiosk_venue()
    ops = venue.openings
    venue.openings = ops[ops[Col.HALL_ID] != "B"]
    report = capacity_report(venue, walk_samples=0)
    v = C.judge(report).hall("B")
    assert v is not None
    assert v.lines("en")[0] == "No exit: nobody may be in this hall"
    assert v.level is C.Level.ALARM


def test_counts_csv_lists_every_bad_row() -> None:
    text = (
        "hall_id,count,time\n"
        "A,12,09:30\n"
        "Z,3,\n"  # unknown hall
        "B,-1,\n"  # negative
        ",4,\n"  # no hall
        "B,7,25:10\n"  # bad time
        "B,8,2023-11-28T17:45:00\n"
    )
    good, bad = C.check_counts_csv(text, where="counts.csv", hall_ids=["A", "B"])
    assert [(r.line, r.hall_id, r.count, r.hour) for r in good] == [
        (2, "A", 12, 9.5),
        (7, "B", 8, 17.75),
    ]
    assert [(b.line, b.hall_id) for b in bad] == [(3, "Z"), (4, "B"), (5, ""), (6, "B")]
    assert str(bad[0]) == "counts.csv row 3, hall Z: unknown hall (halls: A, B)"
    assert "must be >= 0" in bad[1].rule
    assert bad[2].rule == "empty hall_id"
    assert "HH:MM" in bad[3].rule


def test_counts_csv_without_its_columns() -> None:
    good, bad = C.check_counts_csv("hall,people\nA,3\n", where="x.csv")
    assert good == []
    assert [(b.line, b.rule) for b in bad] == [
        (1, "the header needs columns hall_id and count, missing hall_id, count")
    ]


def test_day_curve_peaks_at_the_forecast(report: C.CapacityReport) -> None:
    f = C.forecast_peak(8000, 3, open_h=8, peak_factor=1.5)
    hours, people = C.day_curve(f, report.halls, opens_at_h=9.0, step_h=0.5)
    assert hours[0] == 9.0
    assert hours[-1] == 17.0
    mid = len(hours) // 2
    assert hours[mid] == 13.0
    # The halls' people add up to the forecast peak at mid-day (each rounded), none at
    # opening and closing, and each hall's share follows its floor.
    total = sum(p[mid] for p in people.values())
    assert abs(total - f.peak) <= len(people)
    assert all(p[0] == 0 and p[-1] == 0 for p in people.values())
    assert max(max(p) for p in people.values()) == max(p[mid] for p in people.values())
