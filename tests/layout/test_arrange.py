"""Tests of floorplan.arrange: filling a hall from a booth list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

import floorplan
from floorplan.errors import EditError, OptionError
from floorplan.layout import LayoutEditor, LayoutRules
from floorplan.layout.arrange import arrange, read_booth_list

from conftest import ORIGIN, Spec, door, write_spec

OX, OY = ORIGIN


def empty_hall() -> Spec:
    """An empty 70 × 45 m hall with a column, an entrance, an exit and an emergency exit."""
    return Spec(
        layers={
            "halls": [({"hall_id": "E", "name": "Empty"}, box(0, 0, 70, 45))],
            "booths": [],
            "openings": [
                door("E-IN", (0, 20), (0, 25), hall="E"),
                door("E-EX", (70, 20), (70, 24), hall="E", kind="exit"),
                door("E-EM", (30, 45), (33, 45), hall="E", kind="emergency_exit"),
            ],
            "obstacles": [
                ({"obstacle_id": "C1", "kind": "column", "hall_id": "E"}, box(35, 22, 36, 23))
            ],
            "kiosks": [({"kiosk_id": "KE", "hall_id": "E"}, Point(2, 22))],
            "amenities": [],
        },
        meta={"name": "Empty hall", "crs": "EPSG:32650"},
    )


@pytest.fixture
def hall(tmp_path: Path) -> floorplan.Venue:
    return floorplan.read_venue(write_spec(empty_hall(), tmp_path / "e"))


def _csv(tmp_path: Path, rows: list[tuple[str, str, object, object]]) -> Path:
    frame = pd.DataFrame(rows, columns=["exhibitor", "zone", "width_m", "depth_m"])
    path = tmp_path / "booths.csv"
    frame.to_csv(path, index=False)
    return path


def test_fills_in_zone_blocks_and_keeps_every_rule(tmp_path: Path, hall: floorplan.Venue) -> None:
    rows = [(f"Auto {i}", "automobile", 6, 4) for i in range(8)]
    rows += [(f"数字 {i}", "digital", 3, 3) for i in range(10)]
    rows += [(f"Health {i}", "health", 4, 3) for i in range(6)]
    result = arrange(hall, "E", _csv(tmp_path, rows))
    assert len(result.placed) == len(rows)
    assert result.unplaced == []
    assert LayoutEditor(result.venue).problems() == []
    booths = result.venue.booths
    assert set(booths["zone"]) == {"automobile", "digital", "health"}
    sizes = sorted(
        (round(g.bounds[2] - g.bounds[0], 6), round(g.bounds[3] - g.bounds[1], 6))
        for g in booths.geometry
    )
    assert sizes == sorted([(6.0, 4.0)] * 8 + [(3.0, 3.0)] * 10 + [(4.0, 3.0)] * 6)
    assert "数字 0" in set(booths["exhibitor"])
    # Each zone's booths form a block: its hull holds no booth of another zone.
    for zone, frame in booths.groupby("zone"):
        hull = shapely.union_all(list(frame.geometry)).convex_hull
        others = booths[booths["zone"] != zone]
        assert not any(hull.intersection(g).area > 1e-6 for g in others.geometry), zone
    assert len(hall.booths) == 0  # the input venue is untouched


def test_reports_what_does_not_fit(tmp_path: Path, hall: floorplan.Venue) -> None:
    rows = [("Giant", "energy", 80, 10)] + [(f"S{i}", "energy", 6, 6) for i in range(60)]
    result = arrange(hall, "E", _csv(tmp_path, rows))
    assert result.unplaced[0]["exhibitor"] == "Giant"
    assert result.unplaced[0]["row"] == 1
    assert "no free spot" in result.unplaced[0]["reason"]
    assert 0 < len(result.placed) < 60
    assert len(result.placed) + len(result.unplaced) == 61
    assert LayoutEditor(result.venue).problems() == []


def test_drawn_area_and_existing_booths(tmp_path: Path, hall: floorplan.Venue) -> None:
    ed = LayoutEditor(hall)
    ed.add("OLD", box(OX + 5, OY + 5, OX + 11, OY + 9), hall_id="E", zone="services")
    area = box(OX, OY, OX + 35, OY + 45)
    rows = [(f"A{i}", "agriculture", 3, 3) for i in range(12)]
    result = arrange(ed.venue, "E", _csv(tmp_path, rows), area=area)
    new = result.venue.booths[result.venue.booths["booth_id"].isin(result.placed)]
    assert len(new) == 12
    assert all(area.covers(g) for g in new.geometry)
    assert result.placed[0] == "E-N001"
    assert LayoutEditor(result.venue).problems() == []


def test_wider_aisles(tmp_path: Path, hall: floorplan.Venue) -> None:
    rows = [(f"A{i}", "agriculture", 3, 3) for i in range(20)]
    rules = LayoutRules(aisle_m=5.0)
    result = arrange(hall, "E", _csv(tmp_path, rows), rules=rules)
    assert LayoutEditor(result.venue, rules=rules).problems() == []


def test_empty_list(tmp_path: Path, hall: floorplan.Venue) -> None:
    result = arrange(hall, "E", _csv(tmp_path, []))
    assert (result.placed, result.unplaced, len(result.venue.booths)) == ([], [], 0)


@pytest.mark.parametrize(
    ("rows", "error", "match"),
    [
        ([("A", "energy", -3, 3)], EditError, "row 1: width_m '-3' must be a positive"),
        ([("A", "energy", 3, 3), ("B", "energy", 3, "deep")], EditError, "row 2: depth_m 'deep'"),
        ([("A", "food", 3, 3)], OptionError, "row 1: unknown zone 'food'; valid: automobile"),
    ],
)
def test_bad_lists(
    tmp_path: Path,
    hall: floorplan.Venue,
    rows: list[tuple[str, str, object, object]],
    error: type,
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        arrange(hall, "E", _csv(tmp_path, rows))


def test_bad_arguments(tmp_path: Path, hall: floorplan.Venue) -> None:
    path = _csv(tmp_path, [("A", "energy", 3, 3)])
    with pytest.raises(EditError, match="unknown hall 'X'; halls: E"):
        arrange(hall, "X", path)
    with pytest.raises(EditError, match="does not overlap hall E"):
        arrange(hall, "E", path, area=box(0, 0, 1, 1))
    with pytest.raises(EditError, match="block_m must be a positive"):
        arrange(hall, "E", path, block_m=0)
    with pytest.raises(EditError, match="lacks column"):
        read_booth_list(pd.DataFrame({"exhibitor": ["A"]}))
    with pytest.raises(EditError, match="cannot be read"):
        read_booth_list(tmp_path / "missing.csv")
