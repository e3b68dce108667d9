"""Capacity by code profile, travel distances, hydraulic evacuation, crowding, and the CLI."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from floorplan import capacity as C
from floorplan.capacity import farthest
from floorplan.cli import main
from floorplan.errors import CountError, OptionError, ProfileError
from floorplan.io import load_venue
from floorplan.problems import RuleCode
from floorplan.rules import Code, capacity_report, check

from conftest import ORIGIN, Spec, booth, door, write_spec


def exits_venue() -> Spec:
    """Three halls: A (two exits and a connection), B (one 1.3 m exit), N (no exit at all).

    A is 40 × 30 m with two booths; B 30 × 30 m with a column; N 20 × 20 m reached only
    through a connection from A.
    """
    return Spec(
        layers={
            "halls": [
                ({"hall_id": "A", "name": "Hall A"}, box(0, 0, 40, 30)),
                ({"hall_id": "B", "name": "Hall B", "kind": "hall"}, box(40, 0, 70, 30)),
                ({"hall_id": "N", "name": "No-exit hall"}, box(0, 30, 20, 50)),
            ],
            "booths": [
                booth("A-1", box(8, 8, 14, 14), hall="A", zone="energy"),
                booth("A-2", box(20, 8, 32, 24), hall="A", zone="energy"),
                booth("B-1", box(50, 10, 60, 20), hall="B", zone="digital"),
                booth("N-1", box(5, 40, 10, 45), hall="N", zone="health"),
            ],
            "openings": [
                door("A-EN", (0, 12), (0, 16), hall="A", kind="entrance"),
                door("A-EX", (40, 3), (40, 5.6), hall="A", kind="emergency_exit"),
                door("AB", (40, 20), (40, 23), hall="A", kind="connection", connects="B"),
                door("AN", (5, 30), (8, 30), hall="A", kind="connection", connects="N"),
                door("B-EX", (70, 14), (70, 15.3), hall="B", kind="exit"),
            ],
            "obstacles": [
                ({"obstacle_id": "COL", "kind": "column", "hall_id": "B"}, box(44, 24, 46, 26)),
            ],
            "kiosks": [],
            "amenities": [],
        },
        meta={"name": "Exits venue", "crs": "EPSG:32650"},
    )


@pytest.fixture(scope="module")
def venue_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(exits_venue(), tmp_path_factory.mktemp("cap") / "exits")


@pytest.fixture(scope="module")
def caps(venue_path: Path) -> dict[str, C.HallCapacity]:
    venue = load_venue(venue_path)
    return {c.hall_id: c for c in C.hall_capacity(venue, with_field=True)}


def brute_farthest(floor: Polygon, lines: list[LineString], step: float = 0.1) -> float:
    """Farthest floor point from the exits by a dense grid, independent of floorplan."""
    x0, y0, x1, y1 = floor.bounds
    xs, ys = np.meshgrid(np.arange(x0, x1 + step / 2, step), np.arange(y0, y1 + step / 2, step))
    pts = shapely.points(xs.ravel(), ys.ravel())
    pts = pts[shapely.covers(floor, pts)]
    return float(shapely.distance(pts, shapely.MultiLineString(lines)).max())


def shifted(geom: object) -> object:
    return shapely.transform(geom, lambda xy: xy + ORIGIN)


def test_gb50016_arithmetic(caps: dict[str, C.HallCapacity]) -> None:
    a, b = caps["A"], caps["B"]
    assert a.areas.gross_m2 == pytest.approx(1200.0)
    assert a.load.occupant_load == 900  # 1200 × 0.75
    # Connections AB and AN do not count: 4.0 + 2.6 m.
    assert a.exit_width_m == pytest.approx(6.6)
    assert {e.opening_id for e in a.exits} == {"A-EN", "A-EX"}
    assert a.load.egress_capacity == 1015  # floor(6.6 / 0.65 × 100) = floor(1015.38)
    assert (a.load.capacity, a.load.binding) == (900, "occupant_load")
    assert a.areas.booth_m2 == pytest.approx(36 + 192)
    assert a.areas.circulation_m2 == pytest.approx(1200 - 228)
    # 900 × 0.75 = 675; 1.3 / 0.65 × 100 is exactly 200, which floats round to 199.99...
    assert b.load.occupant_load == 675
    assert b.load.egress_capacity == 200
    assert (b.load.capacity, b.load.binding) == (200, "egress_width")
    assert b.areas.net_m2 == pytest.approx(896.0)  # the column is not floor


def test_ceil_of_occupant_load(tmp_path: Path) -> None:
    spec = exits_venue()
    spec.replace("halls", "B", box(40, 0, 70, 30.1))  # 903 m² × 0.75 = 677.25
    spec.replace("halls", "A", box(0, 0, 40, 30.1))
    spec.replace("halls", "N", box(0, 30.1, 20, 50))
    spec.replace("openings", "AN", LineString([(5, 30.1), (8, 30.1)]))
    venue = load_venue(write_spec(spec, tmp_path / "v"))
    b = C.hall_capacity(venue, halls=["B"], walk_samples=0)[0]
    assert b.load.occupant_load == 678


def test_hall_without_exit_is_capacity_zero_and_a_code_problem(
    caps: dict[str, C.HallCapacity], venue_path: Path
) -> None:
    n = caps["N"]
    assert n.exits == ()
    assert n.load.capacity == 0
    assert n.load.binding == "no_exit"
    assert n.travel.straight_m is None
    # The figures say capacity 0; the rule engine says why, once, for the hall.
    report = capacity_report(load_venue(venue_path), walk_samples=0)
    (p,) = report.hall_problems("N")
    assert (p.rule, p.severity) == (RuleCode.NO_EXIT, "error")
    assert "hall N has no entrance, exit or emergency exit" in p.message
    d = n.to_dict()
    assert d["capacity"] == 0
    assert d["evacuation_s"] is None
    json.dumps(d)


def test_straight_farthest_matches_brute_force(caps: dict[str, C.HallCapacity]) -> None:
    spec = exits_venue()
    for hid, exit_ids in (("A", ["A-EN", "A-EX"]), ("B", ["B-EX"])):
        hall = shifted(spec.find("halls", hid)[1])
        blocked = [
            shifted(g)
            for p, g in spec.layers["booths"] + spec.layers["obstacles"]
            if p["hall_id"] == hid
        ]
        floor = hall.difference(shapely.union_all(blocked))
        lines = [shifted(spec.find("openings", o)[1]) for o in exit_ids]
        brute = brute_farthest(floor, lines)
        got = caps[hid].travel.straight_m
        assert got is not None
        assert abs(got - brute) <= 1.0, (hid, got, brute)
        # The reported point is on the floor and that far from the exits.
        xy = shapely.Point(caps[hid].travel.straight_xy)
        assert floor.buffer(1e-6).covers(xy)
        assert shapely.MultiLineString(lines).distance(xy) == pytest.approx(got, abs=1e-6)


def test_walking_never_shorter_than_straight(caps: dict[str, C.HallCapacity]) -> None:
    for hid in ("A", "B"):
        c = caps[hid]
        assert c.travel.walk_m is not None
        assert c.travel.straight_m is not None
        assert c.travel.walk_m >= c.travel.straight_m - 1e-9
        tf = c.travel_field
        assert tf is not None
        straight = farthest.segment_distances(tf.walk_xy, _exit_segs(c)).min(axis=1)
        assert (tf.walk_m >= straight - 1e-6).all()


def _exit_segs(c: C.HallCapacity) -> np.ndarray:
    spec = exits_venue()
    segs = [
        shapely.get_coordinates(shifted(spec.find("openings", e.opening_id)[1])) for e in c.exits
    ]
    return np.asarray(segs)


def test_booth_blocks_walk_so_walk_is_longer(caps: dict[str, C.HallCapacity]) -> None:
    # Behind booth A-2 (20..32 × 8..24) walkers detour: somewhere the walk exceeds the line.
    tf = caps["A"].travel_field
    assert tf is not None
    straight = farthest.segment_distances(tf.walk_xy, _exit_segs(caps["A"])).min(axis=1)
    assert (tf.walk_m - straight).max() > 1.0


def test_travel_limit_finding_and_sprinklers(venue_path: Path) -> None:
    venue = load_venue(venue_path)
    plain = C.hall_capacity(venue, halls=["A"], walk_samples=0)[0]
    sprink = C.hall_capacity(venue, halls=["A"], walk_samples=0, sprinklered=True)[0]
    assert plain.travel.limit_m == 30.0
    assert sprink.travel.limit_m == 37.5
    far = plain.travel.straight_m
    assert far is not None
    for code, limit in ((Code("gb50016"), 30.0), (Code("gb50016", sprinklered=True), 37.5)):
        found = [p for p in check(venue, "code", code=code) if p.id == "A"]
        assert bool([p for p in found if p.rule == RuleCode.TRAVEL_DISTANCE]) == (far > limit)
    assert sprink.travel.past_limit_m2 <= plain.travel.past_limit_m2


def test_ibc_units(venue_path: Path) -> None:
    venue = load_venue(venue_path)
    a = C.hall_capacity(venue, profile="ibc", halls=["A"], walk_samples=0)[0]
    # 1200 m² / (30 ft² = 2.7870912 m²) = 430.56 → 431; 6.6 m / 0.2 in (5.08 mm) = 1299.2
    assert a.load.occupant_load == 431
    assert a.load.egress_capacity == 1299
    assert a.travel.limit_m == pytest.approx(200 * 0.3048)
    assert a.travel.measure == "walk"


def test_unknown_profile_lists_known_ones(venue_path: Path) -> None:
    with pytest.raises(OptionError, match=r"unknown code profile 'nfpa'.*gb50016, ibc, uk"):
        C.load_profile("nfpa")
    venue = load_venue(venue_path)
    with pytest.raises(OptionError, match="known: gb50016, ibc, uk"):
        C.hall_capacity(venue, profile="nope")


def test_profiles_cite_clauses() -> None:
    for name in C.known_profiles():
        p = C.load_profile(name)
        for v in (p.occupant_load, p.exit_width, p.travel_limit):
            assert v.clause
            assert isinstance(v.verified, bool)


def test_user_profile_file(tmp_path: Path, venue_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        'name = "mine"\n'
        '[occupant_load]\nvalue = 2\nunit = "m2/person"\nclause = "house rule 1"\nverified = true\n'
        '[exit_width]\nvalue = 10\nunit = "mm/person"\nclause = "house rule 2"\nverified = true\n'
        '[travel_limit]\nvalue = 25\nunit = "m"\nmeasure = "walk"\n'
        'clause = "r3"\nverified = true\n',
        "utf-8",
    )
    venue = load_venue(venue_path)
    a = C.hall_capacity(venue, profile=f, halls=["A"], walk_samples=0)[0]
    assert a.profile == "mine"
    assert a.load.occupant_load == 600  # 1200 / 2
    assert a.load.egress_capacity == 660  # 6.6 m / 10 mm
    assert a.load.capacity == 600


def test_broken_profile_file(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('[occupant_load]\nvalue = 2\nunit = "furlongs"\nclause = "x"\nverified = false\n')
    with pytest.raises(ProfileError, match=r"missing \[exit_width\]|unknown unit 'furlongs'"):
        C.load_profile(f)
    g = tmp_path / "neg.json"
    g.write_text(
        json.dumps(
            {"occupant_load": {"value": -1, "unit": "m2/person", "clause": "", "verified": False}}
        )
    )
    with pytest.raises(ProfileError, match="positive number, got -1"):
        C.load_profile(g)


def test_hydraulic_single_exit(caps: dict[str, C.HallCapacity]) -> None:
    b = caps["B"]
    ev = C.hydraulic_evacuation(b, 200)
    (e,) = b.exits
    assert e.share == pytest.approx(1.0)
    assert e.effective_width_m == pytest.approx(1.0)  # 1.3 - 2 × 0.15
    queue = 200 / (1.3 * 1.0)
    assert ev.queue_s == pytest.approx(queue)
    assert ev.travel_s == pytest.approx(e.max_walk_m / 1.19)
    assert ev.evacuation_s == pytest.approx(e.max_walk_m / 1.19 + queue)
    assert ev.lower_s == pytest.approx(max(e.max_walk_m / 1.19, e.min_walk_m / 1.19 + queue))
    assert ev.lower_s <= ev.evacuation_s <= ev.upper_s
    assert ev.upper_s == pytest.approx(ev.travel_s + ev.queue_s)
    assert C.hydraulic_evacuation(b, 0).evacuation_s == 0.0
    with pytest.raises(CountError, match="must be >= 0"):
        C.hydraulic_evacuation(b, -5)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (-1, "must be >= 0"),
        ("-3", "must be >= 0"),
        ("abc", "not a number: 'abc'"),
        (2.5, "whole number"),
        (float("nan"), "whole number"),
        (None, "not a number"),
        (True, "whole number"),
    ],
)
def test_bad_counts_rejected(caps: dict[str, C.HallCapacity], value: object, match: str) -> None:
    with pytest.raises(CountError, match=match):
        C.crowding(list(caps.values()), {"A": value})


def test_crowding_and_fruin(caps: dict[str, C.HallCapacity]) -> None:
    rows = {r.name: r for r in C.crowding(list(caps.values()), {"A": "1,200", "B": 0})}
    a = rows["A"]
    assert a.count == 1200
    assert a.density_ppm2 == pytest.approx(1200 / 1200)
    assert a.los == "D"  # 1 m² per person: 0.93 ≤ 1.0 < 1.39
    assert a.over_capacity
    assert rows["B"].los == "A"
    assert rows["N"].count == 0
    zones = {r.name: r for r in C.crowding(list(caps.values()), {"A": 10}, by="zone")}
    assert zones["energy"].count == 10
    with pytest.raises(CountError, match="unknown hall 'Z'"):
        C.crowding(list(caps.values()), {"Z": 1})
    assert [C.fruin_los(d) for d in (0.3, 0.35, 0.5, 0.8, 1.5, 3)] == list("ABCDEF")
    with pytest.raises(CountError, match=r"got -0\.1"):
        C.fruin_los(-0.1)


def test_counts_csv(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text("time,hall_id,count\n09:00,A,10\n10:00,A,25\n10:00,B,3\n", "utf-8")
    assert C.read_counts_csv(f) == {"A": 25, "B": 3}
    f.write_text("hall_id,count\nA,ten\n", "utf-8")
    with pytest.raises(CountError, match="line 2: count for hall A is not a number"):
        C.read_counts_csv(f)
    f.write_text("hall,n\nA,1\n", "utf-8")
    with pytest.raises(CountError, match="missing hall_id, count"):
        C.read_counts_csv(f)


def test_forecast_peak() -> None:
    f = C.forecast_peak()  # 150,000 over 5 days, 3 h of 8 h, ×1.5
    assert f.average == pytest.approx(30_000 / 8 * 3)
    assert f.peak == math.ceil(30_000 / 8 * 3 * 1.5)
    g = C.forecast_peak(1000, 2, open_h=10, peak_factor=2, capacity=100)
    assert g.peak == 400
    assert g.share_of_capacity == pytest.approx(4.0)
    with pytest.raises(CountError, match="daily_visitors must be a finite number >= 0"):
        C.forecast_peak(-1)
    with pytest.raises(CountError, match="open_h must be > 0"):
        C.forecast_peak(10, open_h=0)


def test_totals(caps: dict[str, C.HallCapacity]) -> None:
    allc = list(caps.values())
    (v,) = C.totals(allc, by="venue")
    assert v.capacity == 900 + 200 + 0
    assert v.occupant_load == 900 + 675 + 300
    zones = {z.name: z for z in C.totals(allc)}
    assert zones["energy"].hall_ids == ("A",)
    with pytest.raises(OptionError, match="valid: zone, venue"):
        C.totals(allc, by="planet")


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json(venue_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(
        ["capacity", "--venue", str(venue_path), "--code", "gb50016", "--json"], capsys
    )
    assert code == 1  # hall N has no exit (B's 1.3 m exit lets out 200 of 675, too)
    doc = json.loads(out)
    halls = {h["hall_id"]: h for h in doc["halls"]}
    for key in (
        "gross_area_m2",
        "booth_area_m2",
        "occupant_load",
        "exit_width_m",
        "egress_capacity",
        "capacity",
        "binding",
        "max_travel_straight_m",
        "max_travel_walk_m",
        "evacuation_s",
    ):
        assert key in halls["A"]
    assert halls["A"]["capacity"] == 900
    assert halls["B"]["capacity"] == 200
    assert halls["N"]["capacity"] == 0
    assert any(f["rule"] == "no_exit" and f["id"] == "N" for f in doc["findings"])
    assert [f["rule"] for f in halls["N"]["findings"]] == ["no_exit"]
    assert {f["severity"] for f in doc["findings"]} <= {"error", "warning", "info"}
    assert doc["venue"]["capacity"] == 1100


def test_cli_text_and_unknown_profile(venue_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(["capacity", "--venue", str(venue_path), "--walk-samples", "0"], capsys)
    assert code == 1
    assert "egress_width" in out
    assert "error: [halls/N] no_exit" in out
    code, out, err = _cli(["capacity", "--venue", str(venue_path), "--code", "xyz"], capsys)
    assert code == 2
    assert out == ""
    assert "unknown code profile 'xyz'" in err
    assert "gb50016, ibc, uk" in err
    assert "Traceback" not in err
    code, _, err = _cli(["capacity", "--venue", str(venue_path / "missing")], capsys)
    assert code == 2
    assert "Traceback" not in err


#: The keys of ``floorplan capacity --json``'s hall records: other tools read them.
HALL_KEYS = [
    "hall_id",
    "name",
    "kind",
    "zone",
    "profile",
    "gross_area_m2",
    "net_area_m2",
    "booth_area_m2",
    "circulation_area_m2",
    "exit_count",
    "exit_width_m",
    "exits",
    "occupant_load",
    "egress_capacity",
    "capacity",
    "binding",
    "travel_limit_m",
    "travel_measure",
    "max_travel_straight_m",
    "farthest_straight_xy",
    "max_travel_walk_m",
    "farthest_walk_xy",
    "past_limit_m2",
    "past_limit_points",
    "evacuation_s",
    "evacuation",
    # added since, after the old keys
    "blocked_width_m",
    "clear_width_m",
    "unreached_points",
]


def test_results_are_frozen_nested_records(caps: dict[str, C.HallCapacity]) -> None:
    a = caps["A"]
    assert isinstance(a.load.binding, C.Binding)
    assert isinstance(a.exits, tuple)
    for record in (a, a.areas, a.load, a.travel, a.exits[0], a.evacuation):
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.hall_id = "X"  # type: ignore[misc,union-attr]
    # The flat JSON record keeps the keys (and order) it had before the nesting.
    d = a.to_dict()
    assert list(d) == HALL_KEYS
    assert list(d["exits"][0]) == [
        "opening_id",
        "kind",
        "width_m",
        "effective_width_m",
        "share",
        "max_walk_m",
        "blocked_m",
        "blocked_by",
    ]
    assert (d["binding"], d["travel_measure"]) == ("occupant_load", "straight")
    assert d["max_travel_straight_m"] == round(a.travel.straight_m or 0, 2)
    assert d["farthest_walk_xy"] == [round(v, 3) for v in a.travel.walk_xy or ()]
    assert d["exit_width_m"] == pytest.approx(6.6)
    json.dumps(d)


def test_travel_over_limit_follows_the_measure() -> None:
    straight = C.Travel(30.0, C.Measure.STRAIGHT, straight_m=31.0, walk_m=20.0)
    assert straight.worst_m == 31.0
    assert straight.over_limit
    walk = C.Travel(30.0, C.Measure.WALK, straight_m=31.0, walk_m=29.0)
    assert walk.worst_m == 29.0
    assert not walk.over_limit
    # Walks not measured (or some floor reaches no exit): no maximum to hold to the limit.
    assert not C.Travel(30.0, C.Measure.WALK, straight_m=31.0).over_limit
