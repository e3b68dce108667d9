"""The IMDF validator: a hand-made archive passes; each rule fails on its own broken one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from floorplan.errors import VenueReadError
from floorplan.io.imdf import validate_archive
from floorplan.problems import RuleCode, RuleSet

from _imdf import Members, clone, find, hand_made, uid, zip_members


@pytest.fixture(scope="module")
def good() -> Members:
    return hand_made()


def test_the_hand_made_archive_is_valid(good: Members) -> None:
    assert validate_archive(zip_members(good)) == []


def test_an_archive_zipped_in_a_folder_is_read(good: Members) -> None:
    assert validate_archive(zip_members(good, folder="expo/")) == []


def _drop_footprints(m: Members) -> None:
    del m["footprint.geojson"]


def _manifest_version(m: Members) -> None:
    m["manifest.json"]["version"] = "2.0.0"


def _id_not_uuid(m: Members) -> None:
    find(m, "door service")["id"] = "door-7"


def _duplicate_id(m: Members) -> None:
    find(m, "detail")["id"] = uid("door service")


def _feature_type_of_other_file(m: Members) -> None:
    find(m, "unit elevator A")["feature_type"] = "level"


def _category_dropped(m: Members) -> None:
    del find(m, "unit elevator A")["properties"]["category"]


def _unknown_category(m: Members) -> None:
    find(m, "unit elevator A")["properties"]["category"] = "booth"


def _opening_as_point(m: Members) -> None:
    door = find(m, "door service")
    door["geometry"] = {"type": "Point", "coordinates": door["geometry"]["coordinates"][0]}


def _ring_not_closed(m: Members) -> None:
    ring = find(m, "fixture column")["geometry"]["coordinates"][0]
    ring[-1] = [ring[-1][0] + 1e-5, ring[-1][1]]


def _ring_clockwise(m: Members) -> None:
    geom = find(m, "fixture column")["geometry"]
    geom["coordinates"][0] = geom["coordinates"][0][::-1]


def _anchor_to_a_level(m: Members) -> None:
    find(m, "anchor A-01")["properties"]["unit_id"] = uid("level A")


def _ordinal_not_integer(m: Members) -> None:
    find(m, "level B")["properties"]["ordinal"] = 0.5


def _display_point_elsewhere(m: Members) -> None:
    elevator = find(m, "unit elevator A")
    elevator["properties"]["display_point"] = find(m, "unit A-01")["properties"]["display_point"]


def _two_venues(m: Members) -> None:
    second = dict(m["venue.geojson"][0])
    second["id"] = uid("second venue")
    m["venue.geojson"].append(second)


#: One hand-made breakage per structural rule, and the only rule it may break.
CASES: dict[RuleCode, Callable[[Members], None]] = {
    RuleCode.IMDF_MISSING_FILE: _drop_footprints,
    RuleCode.IMDF_MANIFEST: _manifest_version,
    RuleCode.IMDF_FEATURE_ID: _id_not_uuid,
    RuleCode.IMDF_DUPLICATE_ID: _duplicate_id,
    RuleCode.IMDF_FEATURE_TYPE: _feature_type_of_other_file,
    RuleCode.IMDF_MISSING_PROPERTY: _category_dropped,
    RuleCode.IMDF_BAD_VALUE: _unknown_category,
    RuleCode.IMDF_GEOMETRY_TYPE: _opening_as_point,
    RuleCode.IMDF_INVALID_GEOMETRY: _ring_not_closed,
    RuleCode.IMDF_WINDING_ORDER: _ring_clockwise,
    RuleCode.IMDF_BAD_REFERENCE: _anchor_to_a_level,
    RuleCode.IMDF_LEVEL_ORDINAL: _ordinal_not_integer,
    RuleCode.IMDF_DISPLAY_POINT: _display_point_elsewhere,
    RuleCode.IMDF_VENUE_COUNT: _two_venues,
}


def test_every_imdf_rule_has_its_broken_archive() -> None:
    assert set(CASES) == {r for r in RuleCode if r.rule_set is RuleSet.IMDF}


@pytest.mark.parametrize("rule", list(CASES), ids=str)
def test_each_rule_fails_on_its_own_broken_archive(good: Members, rule: RuleCode) -> None:
    broken = clone(good)
    CASES[rule](broken)
    problems = validate_archive(zip_members(broken))
    assert problems, rule
    assert {p.rule for p in problems} == {rule}, [str(p) for p in problems]
    assert all(p.rule.rule_set is RuleSet.IMDF for p in problems)


def test_problems_name_the_file_and_the_feature(good: Members) -> None:
    broken = clone(good)
    _anchor_to_a_level(broken)
    (problem,) = validate_archive(zip_members(broken))
    assert problem.layer == "anchor.geojson"
    assert problem.id == uid("anchor A-01")
    assert "unit_id" in problem.message
    assert "names a level; it must name a unit" in problem.message


def test_overlapping_levels_of_one_building_and_ordinal_are_reported(good: Members) -> None:
    broken = clone(good)
    level_b = find(broken, "level B")
    level_b["properties"]["building_ids"] = [uid("building A")]
    level_b["geometry"] = find(broken, "level A")["geometry"]
    rules = {p.rule for p in validate_archive(zip_members(broken))}
    assert RuleCode.IMDF_LEVEL_ORDINAL in rules


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda m: find(m, "level A")["properties"].update(name={"en": ""}), "LABELS"),
        (lambda m: find(m, "level A")["properties"].update(outdoor="no"), "true or false"),
        (
            lambda m: find(m, "door service")["properties"].update(accessibility=["ramp"]),
            "accessibility",
        ),
        (lambda m: find(m, "address")["properties"].update(country="China"), "form"),
        (lambda m: find(m, "occupant A-01")["properties"].update(category="Car Parts"), "form"),
    ],
)
def test_bad_values_are_named(good: Members, edit: Callable[[Members], Any], needle: str) -> None:
    broken = clone(good)
    edit(broken)
    problems = validate_archive(zip_members(broken))
    assert {p.rule for p in problems} == {RuleCode.IMDF_BAD_VALUE}
    assert needle in problems[0].message


@pytest.mark.parametrize(
    ("coords", "why"),
    [
        ([[500000.0, 4400000.0], [500010.0, 4400000.0]], "not WGS 84"),
        ([[116.5, float("nan")], [116.6, 40.0]], "not finite"),
        ([[116.5, 40.0]], "two positions"),
        ([[116.5, "40"], [116.6, 40.0]], "other than numbers"),
    ],
)
def test_malformed_coordinates_are_invalid_geometry(
    good: Members, coords: list[Any], why: str
) -> None:
    broken = clone(good)
    find(broken, "detail")["geometry"]["coordinates"] = coords
    problems = validate_archive(zip_members(broken))
    assert [p.rule for p in problems] == [RuleCode.IMDF_INVALID_GEOMETRY]
    assert why in problems[0].message


def test_a_self_intersecting_polygon_is_invalid(good: Members) -> None:
    broken = clone(good)
    ring = find(broken, "fixture column")["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]
    rules = {p.rule for p in validate_archive(zip_members(broken))}
    assert RuleCode.IMDF_INVALID_GEOMETRY in rules


def test_a_member_that_is_not_json_is_unreadable_and_the_rest_still_checked(
    good: Members,
) -> None:
    broken = clone(good)
    broken["detail.geojson"] = "{not json"
    _manifest_version(broken)
    rules = [(p.layer, p.rule) for p in validate_archive(zip_members(broken))]
    assert ("detail.geojson", RuleCode.UNREADABLE) in rules
    assert ("manifest.json", RuleCode.IMDF_MANIFEST) in rules


def test_a_missing_manifest_is_a_missing_file(good: Members) -> None:
    broken = clone(good)
    del broken["manifest.json"]
    problems = validate_archive(zip_members(broken))
    assert [(p.layer, p.rule) for p in problems] == [("manifest.json", RuleCode.IMDF_MISSING_FILE)]


def test_what_is_not_a_zip_or_not_there_cannot_be_read(tmp_path: Any) -> None:
    with pytest.raises(VenueReadError) as info:
        validate_archive(b"PK but not really")
    assert info.value.problems[0].rule is RuleCode.UNKNOWN_FORMAT
    with pytest.raises(VenueReadError) as info:
        validate_archive(tmp_path / "nowhere.zip")
    assert info.value.problems[0].rule is RuleCode.NOT_FOUND
