"""Importing IMDF: our own archives round-trip; another tool's maps and says what had no match."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

import floorplan
from floorplan import schema as S
from floorplan.errors import OptionError, VenueReadError
from floorplan.io.imdf import archive_bytes, import_imdf
from floorplan.problems import RuleCode

from _imdf import clone, find, hand_made, uid, zip_members
from conftest import Spec, write_spec

#: The round trip keeps every geometry within this (metres).
ONE_CM = 0.01


def assert_round_trip(a: floorplan.Venue, b: floorplan.Venue) -> None:
    """Same ids in every layer, same properties, geometries within 1 cm, same events."""
    for layer in S.LAYERS:
        fa, fb = a.layer(layer), b.layer(layer)
        id_col = S.LAYER_ID[layer]
        assert list(fa[id_col]) == list(fb[id_col]), layer
        cols = [c for c in fa.columns if c != "geometry"]
        assert set(cols) <= set(fb.columns), layer
        pd.testing.assert_frame_equal(
            pd.DataFrame(fa[cols]).reset_index(drop=True),
            pd.DataFrame(fb[cols]).reset_index(drop=True),
            check_dtype=False,
            obj=layer,
        )
        if len(fa):
            far = shapely.hausdorff_distance(fa.geometry.values, fb.geometry.values)
            assert float(np.max(far)) < ONE_CM, layer
            assert list(shapely.get_type_id(fa.geometry.values)) == list(
                shapely.get_type_id(fb.geometry.values)
            )
    assert a.crs == b.crs
    assert a.name == b.name
    assert a.dates == b.dates
    pd.testing.assert_frame_equal(
        a.events.reset_index(drop=True), b.events.reset_index(drop=True), check_dtype=False
    )


def test_catalogue_venues_round_trip(valid_spec: Spec, tmp_path: Path) -> None:
    venue = floorplan.load_venue(write_spec(valid_spec, tmp_path / "v"))
    result = import_imdf(archive_bytes(venue))
    assert result.ours
    assert result.unmatched == ()
    assert result.archive_problems == ()
    assert result.venue.problems == []
    assert_round_trip(venue, result.venue)


def test_the_bundled_venue_round_trips() -> None:
    venue = floorplan.load_venue()
    result = import_imdf(archive_bytes(venue))
    assert result.venue.problems == []
    assert_round_trip(venue, result.venue)
    assert len(result.venue.booths) == len(venue.booths) == 523


def test_edits_another_tool_made_to_our_archive_win(tmp_path: Path) -> None:
    from _imdf import unzip_members  # noqa: PLC0415

    venue = floorplan.load_venue()
    members = unzip_members(archive_bytes(venue))
    bid = str(venue.booths["booth_id"].iloc[0])
    target = floorplan.io.imdf.feature_id(venue, "occupant", bid)
    (occ,) = [o for o in members["occupant.geojson"] if o["id"] == target]
    occ["properties"]["name"] = {"en": "Renamed Ltd", "zh-Hans": "改名有限公司"}
    result = import_imdf(zip_members(members))
    row = result.venue.booths.set_index("booth_id").loc[bid]
    assert (row["exhibitor"], row["exhibitor_zh"]) == ("Renamed Ltd", "改名有限公司")


@pytest.fixture(scope="module")
def foreign() -> floorplan.io.imdf.ImdfImport:
    return import_imdf(zip_members(hand_made()))


def test_another_tools_archive_becomes_a_valid_venue(
    foreign: floorplan.io.imdf.ImdfImport,
) -> None:
    venue = foreign.venue
    assert not foreign.ours
    assert foreign.archive_problems == ()
    assert venue.problems == []
    assert venue.name == "Test Expo"
    assert venue.meta["address"]["country"] == "CN"
    assert list(venue.halls["hall_id"]) == ["A", "B"]
    assert list(venue.halls["name"]) == ["Hall A", "Hall B"]
    assert venue.crs.to_epsg() == 32650


def test_rooms_become_booths_with_bilingual_exhibitors_and_zones(
    foreign: floorplan.io.imdf.ImdfImport,
) -> None:
    booths = foreign.venue.booths.set_index("booth_id")
    assert list(booths.index) == ["A-01", "A-02", "A-03", "B-01"]
    assert booths.loc["A-01", ["exhibitor", "exhibitor_zh"]].tolist() == [
        "Sinoparts Automotive",
        "华部汽车",
    ]
    assert booths.loc["B-01", ["exhibitor", "exhibitor_zh"]].tolist() == ["", "清洁能源有限公司"]
    assert booths.loc["A-03", "exhibitor"] == ""
    assert booths["zone"].to_dict() == {
        "A-01": "automobile",
        "A-02": "agriculture",
        "A-03": "agriculture",
        "B-01": "energy",
    }
    assert booths["hall_id"].to_dict() == {"A-01": "A", "A-02": "A", "A-03": "A", "B-01": "B"}
    area = foreign.venue.booths.set_index("booth_id").geometry.area
    assert area["A-01"] == pytest.approx(36.0, rel=1e-6)


def test_doors_get_their_kinds_and_the_shared_wall_a_connection(
    foreign: floorplan.io.imdf.ImdfImport,
) -> None:
    doors = foreign.venue.openings
    kinds = sorted(zip(doors["hall_id"], doors["kind"], doors["connects"], strict=True))
    assert kinds == [
        ("A", "connection", "B"),
        ("A", "emergency_exit", ""),
        ("A", "entrance", ""),
        ("B", "emergency_exit", ""),
    ]
    assert sorted(doors["width_m"]) == pytest.approx([2.0, 3.0, 3.0, 4.0], abs=1e-3)


def test_restroom_units_kiosks_amenities_and_columns_map(
    foreign: floorplan.io.imdf.ImdfImport,
) -> None:
    venue = foreign.venue
    assert sorted(venue.amenities["kind"]) == ["info", "restroom"]
    restroom = venue.amenities[venue.amenities["kind"] == "restroom"].iloc[0]
    assert restroom["name"] == "Restroom"
    assert restroom["name_zh"] == "洗手间"
    assert list(venue.kiosks["kiosk_id"]) == ["K1"]
    assert list(venue.obstacles["kind"]) == ["obstruction"]


def test_what_had_no_counterpart_is_reported(foreign: floorplan.io.imdf.ImdfImport) -> None:
    got = {(u.file, u.id): u.reason for u in foreign.unmatched}
    assert got == {
        ("unit.geojson", uid("unit elevator A")): "no booth, floor or amenity like it",
        ("opening.geojson", uid("door service")): "not a door for people on foot",
        ("opening.geojson", uid("door restroom")): "not in a hall's wall (a door between rooms)",
        ("fixture.geojson", uid("fixture desk")): "inside booth A-01",
        ("section.geojson", uid("section food")): "its name names no zone",
        ("detail.geojson", uid("detail")): "the venue format has no details",
    }
    assert "elevator" in str(
        foreign.unmatched[[u.id for u in foreign.unmatched].index(uid("unit elevator A"))]
    )


def test_booths_no_section_places_get_the_default_zone_and_are_reported() -> None:
    members = hand_made()
    del members["section.geojson"]
    result = import_imdf(zip_members(members), default_zone="digital")
    assert set(result.venue.booths["zone"]) == {"digital"}
    reasons = [u.reason for u in result.unmatched if u.file == "unit.geojson"]
    assert reasons.count("no zone's section; zone digital") == 4
    with pytest.raises(OptionError, match="valid: automobile"):
        import_imdf(zip_members(members), default_zone="fashion")


def test_a_second_occupant_of_one_booth_is_reported() -> None:
    members = hand_made()
    find(members, "anchor A-02")["properties"]["unit_id"] = uid("unit A-01")
    result = import_imdf(zip_members(members))
    booths = result.venue.booths.set_index("booth_id")
    assert booths.loc["A-01", "exhibitor"] == "Sinoparts Automotive"
    assert booths.loc["A-02", "exhibitor"] == ""
    assert any("has an occupant already" in u.reason for u in result.unmatched)


def test_archive_problems_are_passed_on_but_do_not_stop_the_import() -> None:
    members = hand_made()
    find(members, "level A")["properties"]["outdoor"] = "no"
    result = import_imdf(zip_members(members))
    assert [p.rule for p in result.archive_problems] == [RuleCode.IMDF_BAD_VALUE]
    assert len(result.venue.halls) == 2


def test_unreadable_levels_stop_the_import() -> None:
    members = clone(hand_made())
    members["level.geojson"] = "[broken"
    with pytest.raises(VenueReadError, match="levels or units cannot be read"):
        import_imdf(zip_members(members))
