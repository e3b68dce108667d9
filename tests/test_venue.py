"""The Venue model: layers, CRS, zones, copies, and the bundled venue."""

from __future__ import annotations

from pathlib import Path

import pytest

import floorplan
from floorplan.schema import Zone

from conftest import tiny_hall, two_halls, write_spec


def test_layers_have_format_columns_and_defaults(tiny: Path) -> None:
    venue = floorplan.load_venue(tiny)
    assert venue.name == "Tiny hall"
    assert venue.dates == ("2023-11-28",)
    assert venue.halls["level"].tolist() == [0]
    assert venue.halls["kind"].tolist() == ["hall"]
    assert venue.openings["step_free"].tolist() == [True, True]
    assert venue.obstacles.empty
    assert list(venue.events["event_id"]) == ["EV1"]
    assert str(venue.events["starts"].dtype).startswith("datetime64")
    assert venue.crs.to_epsg() == 32650
    for frame in venue.layers().values():
        assert frame.crs == venue.crs


def test_zones_group_booths_in_zone_order(tiny: Path) -> None:
    venue = floorplan.load_venue(tiny)
    zones = venue.zones
    assert list(zones) == [z.value for z in Zone]
    assert list(zones["automobile"]["booth_id"]) == ["H1-A01"]
    assert zones["digital"].empty
    assert sum(len(f) for f in zones.values()) == len(venue.booths)


def test_copy_is_independent(tiny: Path) -> None:
    venue = floorplan.load_venue(tiny)
    other = venue.copy()
    other.booths.loc[0, "exhibitor"] = "Changed"
    other.meta["name"] = "x"
    assert venue.booths.loc[0, "exhibitor"] == "Sinoparts Automotive"
    assert "x" not in venue.meta.values()


def test_layer_lookup_rejects_unknown_names(tiny: Path) -> None:
    venue = floorplan.load_venue(tiny)
    assert venue.layer("booths") is venue.booths
    with pytest.raises(floorplan.OptionError, match="valid: halls, booths"):
        venue.layer("stands")


def test_unicode_survives_loading(tmp_path: Path) -> None:
    venue = floorplan.load_venue(write_spec(two_halls(), tmp_path / "v"))
    assert venue.amenities["name"].tolist() == ["洗手间"]
    assert venue.booths.set_index("booth_id").loc["B-1", "zone"] == "digital"


def test_lenient_load_keeps_problems_and_features(tmp_path: Path) -> None:
    spec = tiny_hall()
    spec.replace("booths", "H1-A01", zone="fashion")
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"), strict=False)
    assert not venue.is_valid
    assert len(venue.booths) == 3
    assert [p.id for p in venue.problems] == ["H1-A01"]
    assert "fashion" in repr(venue.problems)
