"""Writing venues as IMDF archives: valid, WGS 84 counter-clockwise, stable ids, atomic."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

import floorplan
from floorplan.io.imdf import EXTENSION_FILE, EXTENSION_ID, archive_bytes, validate_archive
from floorplan.io.imdf import writer as imdf_writer
from floorplan.io.imdf.writer import feature_id, write_imdf

from _imdf import unzip_members
from conftest import Spec, tiny_hall, write_spec

WHEN = datetime(2023, 11, 28, 9, 0, tzinfo=UTC)


def load(spec: Spec, tmp_path: Path) -> floorplan.Venue:
    return floorplan.load_venue(write_spec(spec, tmp_path / "v"))


@pytest.fixture(scope="module")
def bundled() -> floorplan.Venue:
    return floorplan.load_venue()


@pytest.fixture(scope="module")
def bundled_members(bundled: floorplan.Venue) -> dict[str, Any]:
    return unzip_members(archive_bytes(bundled, created=WHEN))


def test_every_catalogue_venue_exports_a_valid_archive(valid_spec: Spec, tmp_path: Path) -> None:
    venue = load(valid_spec, tmp_path)
    assert validate_archive(archive_bytes(venue)) == []


def test_the_bundled_venue_exports_a_valid_archive(bundled: floorplan.Venue) -> None:
    assert validate_archive(archive_bytes(bundled)) == []


def test_coordinates_are_lonlat_and_polygons_counter_clockwise(
    bundled_members: dict[str, Any],
) -> None:
    for name, feats in bundled_members.items():
        if not name.endswith(".geojson"):
            continue
        for feat in feats:
            if feat["geometry"] is None:
                continue
            geom = shape(feat["geometry"])
            xy = shapely.get_coordinates(geom)
            # The bundled venue is in Beijing.
            assert np.all((xy[:, 0] > 116) & (xy[:, 0] < 117)), name
            assert np.all((xy[:, 1] > 39.5) & (xy[:, 1] < 40.5)), name
            for poly in shapely.get_parts(geom):
                if poly.geom_type == "Polygon":
                    assert poly.exterior.is_ccw, (name, feat["id"])
                    assert not any(r.is_ccw for r in poly.interiors), (name, feat["id"])


def test_booths_exhibitors_and_doors_map_to_their_features(
    bundled: floorplan.Venue, bundled_members: dict[str, Any]
) -> None:
    units = {f["id"]: f for f in bundled_members["unit.geojson"]}
    booths = bundled.booths
    for bid, exhibitor, zh in zip(
        booths["booth_id"], booths["exhibitor"], booths["exhibitor_zh"], strict=True
    ):
        unit = units[feature_id(bundled, "booth", bid)]
        assert unit["properties"]["category"] == "room"
        assert unit["properties"]["name"] == {"en": bid}
        occupants = [
            o
            for o in bundled_members["occupant.geojson"]
            if o["id"] == feature_id(bundled, "occupant", bid)
        ]
        if not exhibitor:
            assert occupants == []
            continue
        (occ,) = occupants
        assert occ["properties"]["name"] == (
            {"en": exhibitor, "zh-Hans": zh} if zh else {"en": exhibitor}
        )
        anchors = {a["id"]: a for a in bundled_members["anchor.geojson"]}
        assert anchors[occ["properties"]["anchor_id"]]["properties"]["unit_id"] == unit["id"]
    walkways = [u for u in units.values() if u["properties"]["category"] == "walkway"]
    assert len(walkways) == len(bundled.halls)
    categories = {o["id"]: o["properties"]["category"] for o in bundled_members["opening.geojson"]}
    for oid, kind in zip(bundled.openings["opening_id"], bundled.openings["kind"], strict=True):
        want = {"entrance": "pedestrian.principal", "emergency_exit": "emergencyexit"}
        assert categories[feature_id(bundled, "opening", oid)] == want.get(kind, "pedestrian")
    assert {f["properties"]["category"] for f in bundled_members["fixture.geojson"]} <= {
        "obstruction",
        "stage",
        "wall",
    }


def test_units_of_one_level_do_not_overlap(bundled_members: dict[str, Any]) -> None:
    by_level: dict[str, list[Any]] = {}
    for unit in bundled_members["unit.geojson"]:
        by_level.setdefault(unit["properties"]["level_id"], []).append(shape(unit["geometry"]))
    for geoms in by_level.values():
        total = sum(g.area for g in geoms)
        assert shapely.union_all(geoms).area == pytest.approx(total, rel=1e-9)


def test_zones_become_bilingual_sections(bundled_members: dict[str, Any]) -> None:
    names = {
        tuple(sorted(s["properties"]["name"].items())) for s in bundled_members["section.geojson"]
    }
    assert (("en", "Clean energy chain"), ("zh-Hans", "清洁能源链")) in names
    assert {s["properties"]["category"] for s in bundled_members["section.geojson"]} == {"exhibit"}


def test_ids_are_stable_across_exports_and_bytes_identical(tmp_path: Path) -> None:
    a = archive_bytes(load(tiny_hall(), tmp_path / "a"), created=WHEN)
    b = archive_bytes(load(tiny_hall(), tmp_path / "b"), created=WHEN)
    assert a == b
    later = unzip_members(archive_bytes(load(tiny_hall(), tmp_path / "c")))
    ids_a = {f["id"] for n, fs in unzip_members(a).items() if n.endswith(".geojson") for f in fs}
    ids_c = {f["id"] for n, fs in later.items() if n.endswith(".geojson") for f in fs}
    assert ids_a == ids_c


def test_ids_follow_our_ids_and_the_venue(tmp_path: Path) -> None:
    venue = load(tiny_hall(), tmp_path)
    other = venue.copy()
    other.name = "Another fair"
    assert feature_id(venue, "booth", "H1-A01") == feature_id(venue, "booth", "H1-A01")
    assert feature_id(venue, "booth", "H1-A01") != feature_id(venue, "booth", "H1-A02")
    assert feature_id(venue, "booth", "H1-A01") != feature_id(other, "booth", "H1-A01")
    assert feature_id(venue, "booth", "H1-A01") != feature_id(venue, "occupant", "H1-A01")


def test_manifest_and_extension_carry_events_and_details(tmp_path: Path) -> None:
    venue = load(tiny_hall(), tmp_path)
    members = unzip_members(archive_bytes(venue, created=WHEN))
    assert members["manifest.json"] == {
        "version": "1.0.0",
        "created": "2023-11-28T09:00:00Z",
        "generated_by": "floorplan",
        "language": "en",
        "extensions": [EXTENSION_ID],
    }
    ext = members[EXTENSION_FILE]
    assert [e["event_id"] for e in ext["events"]] == ["EV1"]
    (booth,) = [b for b in ext["booths"].values() if b["booth_id"] == "H1-A01"]
    assert booth["products"] == "brakes;axles"
    assert booth["country"] == "China"
    (kiosk,) = ext["kiosks"].values()
    assert kiosk["heading_deg"] == 90
    assert ext["venue"]["crs"] == "EPSG:32650"


def test_chinese_names_of_halls_and_amenities_are_used_when_present(tmp_path: Path) -> None:
    spec = tiny_hall()
    spec.replace("halls", "H1", name_zh="一号馆")
    spec.replace("amenities", "WC1", name_zh="洗手间")
    spec.meta["address"] = {"address": "88 Yuxiang Rd", "locality": "Beijing", "country": "CN"}
    members = unzip_members(archive_bytes(load(spec, tmp_path)))
    (level,) = members["level.geojson"]
    assert level["properties"]["name"] == {"en": "Hall 1", "zh-Hans": "一号馆"}
    (amenity,) = members["amenity.geojson"]
    assert amenity["properties"]["name"] == {"en": "Restroom", "zh-Hans": "洗手间"}
    assert amenity["properties"]["category"] == "restroom"
    (address,) = members["address.geojson"]
    assert address["properties"]["country"] == "CN"
    assert address["properties"]["locality"] == "Beijing"


def test_kiosks_are_small_squares_around_their_point(tmp_path: Path) -> None:
    venue = load(tiny_hall(), tmp_path)
    (kiosk,) = unzip_members(archive_bytes(venue))["kiosk.geojson"]
    square = shape(kiosk["geometry"])
    point = shape(kiosk["properties"]["display_point"])
    assert square.contains(point)
    assert square.centroid.distance(point) < 1e-9


def test_an_existing_target_is_refused_and_a_failed_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venue = load(tiny_hall(), tmp_path)
    target = tmp_path / "out.zip"
    target.write_bytes(b"keep")
    with pytest.raises(FileExistsError, match="exists"):
        write_imdf(venue, target)
    assert target.read_bytes() == b"keep"
    write_imdf(venue, target, overwrite=True)
    assert validate_archive(target) == []

    def boom(*_: object, **__: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imdf_writer, "archive_bytes", boom)
    fresh = tmp_path / "fresh.zip"
    with pytest.raises(RuntimeError):
        write_imdf(venue, fresh)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.zip", "v"]
