"""Every rule of the format, broken once, through the library and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyogrio
import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

import floorplan
from floorplan.cli import main
from floorplan.problems import RuleCode

from conftest import CATALOGUE, Spec, booth, door, tiny_hall, write_spec


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(["validate", *argv, "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out), err


def _rules(report: dict) -> set[str]:
    return {p["rule"] for p in report["problems"]}


def test_catalogue_venues_are_valid(
    valid_spec: Spec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_spec(valid_spec, tmp_path / "v")
    code, report, _ = run_cli(capsys, "--venue", str(folder))
    assert (code, report["valid"], report["problems"], report["rules"]) == (0, True, [], "format")


def test_lonlat_venue_loads_clean_in_utm(tiny_lonlat: Path, tiny: Path) -> None:
    ll = floorplan.load_venue(tiny_lonlat)
    xy = floorplan.load_venue(tiny)
    assert ll.crs.is_projected
    assert ll.crs.to_epsg() == 32650  # Beijing lies in UTM zone 50N
    # Projected back, lon/lat loses only far-below-millimetre rounding.
    a = ll.booths.geometry.values
    b = xy.booths.geometry.values
    assert max(x.hausdorff_distance(y) for x, y in zip(a, b, strict=True)) < 1e-3


def test_outside_venue_with_odd_shapes_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A venue written by someone else: a courtyard hall, a concourse, string-typed values,
    MultiPolygon booths of one part, a pentagon booth, extra properties, unicode."""
    hall = Polygon([(0, 0), (80, 0), (80, 50), (0, 50)], [[(50, 20), (65, 20), (65, 35), (50, 35)]])
    doc = {
        "halls": [
            ({"hall_id": "N1", "name": "北馆", "level": "1"}, hall),
            ({"hall_id": "CC", "kind": "concourse"}, box(-20, 0, 0, 50)),
        ],
        "booths": [
            (
                {
                    "booth_id": "N1-001",
                    "hall_id": "N1",
                    "zone": "energy",
                    "exhibitor": "Énergie Solaire Côte d'Azur",
                    "stand_builder": "x",
                },
                MultiPolygon([box(10, 10, 20, 16)]),
            ),
            (
                {
                    "booth_id": "N1-002",
                    "hall_id": "N1",
                    "zone": "health",
                    "exhibitor": "健康 ☺",
                    "open_sides": "3",
                },
                Polygon([(30, 10), (40, 10), (42, 15), (35, 20), (28, 15)]),
            ),
        ],
        "openings": [
            (
                {"opening_id": "CC-IN", "hall_id": "CC", "kind": "entrance", "width_m": "6"},
                LineString([(-20, 20), (-20, 26)]),
            ),
            (
                {
                    "opening_id": "N1-C1",
                    "hall_id": "N1",
                    "kind": "connection",
                    "connects": "CC",
                    "width_m": 4,
                    "step_free": "false",
                },
                LineString([(0, 30), (0, 34)]),
            ),
            (
                {"opening_id": "N1-E1", "hall_id": "N1", "kind": "emergency_exit", "width_m": 2.5},
                LineString([(80, 10), (80, 12.5)]),
            ),
        ],
    }
    layers = {}
    for layer, feats in doc.items():
        layers[layer] = [(p, g) for p, g in feats]
    spec = Spec(layers=layers, meta={"crs": "EPSG:32650"})
    folder = write_spec(spec, tmp_path / "outside")
    code, report, _ = run_cli(capsys, "--venue", str(folder))
    assert report["problems"] == []
    assert code == 0
    venue = floorplan.load_venue(folder)
    assert venue.halls.set_index("hall_id").loc["N1", "level"] == 1
    assert not bool(venue.openings.set_index("opening_id").loc["N1-C1", "step_free"])
    assert venue.booths.geometry.iloc[0].geom_type == "Polygon"
    assert "stand_builder" in venue.booths.columns


Breaker = Callable[[Spec, Path], None]


def _set_geom(layer: str, fid: str, geom: object) -> Breaker:
    def apply(spec: Spec, _: Path) -> None:
        spec.replace(layer, fid, geom)

    return apply


def _set_props(layer: str, fid: str, **props: object) -> Breaker:
    def apply(spec: Spec, _: Path) -> None:
        spec.replace(layer, fid, **props)

    return apply


def _drop_prop(layer: str, fid: str, prop: str) -> Breaker:
    def apply(spec: Spec, _: Path) -> None:
        p, g = spec.find(layer, fid)
        spec.replace(layer, fid, g)
        del p[prop]
        spec.layers[layer] = [
            (p if q.get("booth_id") == fid else q, h) for q, h in spec.layers[layer]
        ]

    return apply


def _add(layer: str, feature: tuple[dict, object]) -> Breaker:
    def apply(spec: Spec, _: Path) -> None:
        spec.layers[layer].append(feature)

    return apply


BROKEN: dict[str, tuple[Breaker, str, str | None]] = {
    "bowtie polygon": (
        _set_geom("booths", "H1-A01", Polygon([(8, 8), (14, 14), (14, 8), (8, 14)])),
        RuleCode.INVALID_GEOMETRY,
        "H1-A01",
    ),
    "duplicate id": (
        _add("booths", booth("H1-A02", box(30, 2, 34, 5))),
        RuleCode.DUPLICATE_ID,
        "H1-A02",
    ),
    "unknown zone": (
        _set_props("booths", "H1-A02", zone="fashion"),
        RuleCode.UNKNOWN_ZONE,
        "H1-A02",
    ),
    "booth outside its hall": (
        _set_geom("booths", "H1-A02", box(36, 8, 44, 14)),
        RuleCode.BOOTH_OUTSIDE_HALL,
        "H1-A02",
    ),
    "overlapping booths": (
        _set_geom("booths", "H1-A02", box(12, 8, 18, 14)),
        RuleCode.BOOTH_OVERLAP,
        "H1-A01",
    ),
    "missing property": (
        _drop_prop("booths", "H1-A02", "zone"),
        RuleCode.MISSING_PROPERTY,
        "H1-A02",
    ),
    "opening off its hall's boundary": (
        _set_geom("openings", "H1-E1", LineString([(30, 3), (30, 5)])),
        RuleCode.OPENING_OFF_BOUNDARY,
        "H1-E1",
    ),
    "point where a polygon belongs": (
        _set_geom("booths", "H1-A02", Point(22, 10)),
        RuleCode.GEOMETRY_TYPE,
        "H1-A02",
    ),
    "null geometry": (_set_geom("booths", "H1-A02", None), RuleCode.NULL_GEOMETRY, "H1-A02"),
    "unknown hall": (_set_props("booths", "H1-A02", hall_id="H9"), RuleCode.UNKNOWN_HALL, "H1-A02"),
    "booth on a column": (
        _add(
            "obstacles",
            ({"obstacle_id": "C1", "kind": "column", "hall_id": "H1"}, box(13, 13, 15, 15)),
        ),
        RuleCode.OBSTACLE_OVERLAP,
        "H1-A01",
    ),
    "kiosk inside a booth": (
        _set_geom("kiosks", "K1", Point(10, 10)),
        RuleCode.KIOSK_BLOCKED,
        "K1",
    ),
    "amenity outside its hall": (
        _set_geom("amenities", "WC1", Point(50, 27)),
        RuleCode.POINT_OUTSIDE_HALL,
        "WC1",
    ),
    "connection to nowhere": (
        _add("openings", door("H1-C9", (10, 30), (13, 30), kind="connection", connects="H7")),
        RuleCode.BAD_CONNECTION,
        "H1-C9",
    ),
    "non-positive door width": (
        _set_props("openings", "H1-E1", width_m=0),
        RuleCode.BAD_VALUE,
        "H1-E1",
    ),
    "text where a number belongs": (
        _set_props("openings", "H1-E1", width_m="wide"),
        RuleCode.BAD_VALUE,
        "H1-E1",
    ),
    "unknown opening kind": (
        _set_props("openings", "H1-E1", kind="window"),
        RuleCode.UNKNOWN_KIND,
        "H1-E1",
    ),
    "empty polygon": (_set_geom("booths", "H1-A02", Polygon()), RuleCode.EMPTY_GEOMETRY, "H1-A02"),
    "zero-area polygon": (
        _set_geom("booths", "H1-A02", Polygon([(20, 8), (26, 8), (26, 8.0000001), (20, 8)])),
        RuleCode.EMPTY_GEOMETRY,
        "H1-A02",
    ),
    "no entrance": (_set_props("openings", "H1-D1", kind="exit"), RuleCode.NO_ENTRANCE, None),
    "unknown event place": (
        lambda s, _: s.events[0].update(where="NOWHERE"),
        RuleCode.UNKNOWN_PLACE,
        "EV1",
    ),
    "event ending before it starts": (
        lambda s, _: s.events[0].update(ends="2023-11-28T08:00"),
        RuleCode.BAD_VALUE,
        "EV1",
    ),
    "geographic venue crs": (lambda s, _: s.meta.update(crs="EPSG:4326"), RuleCode.BAD_CRS, None),
    "unknown venue crs": (lambda s, _: s.meta.update(crs="EPSG:999999"), RuleCode.BAD_CRS, None),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_rule_is_reported(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, rule, fid = BROKEN[case]
    spec = tiny_hall()
    breaker(spec, tmp_path)
    folder = write_spec(spec, tmp_path / "broken")
    code, report, _ = run_cli(capsys, "--venue", str(folder))
    assert code == 1
    assert report["valid"] is False
    hits = [p for p in report["problems"] if p["rule"] == rule]
    assert hits, report
    assert fid is None or fid in {p["id"] for p in hits}
    for p in report["problems"]:
        assert set(p) >= {"layer", "id", "rule", "message"}
        assert p["message"]
    with pytest.raises(floorplan.VenueError, match=str(rule)) as info:
        floorplan.load_venue(folder)
    assert rule in {p.rule for p in info.value.problems}
    lenient = floorplan.load_venue(folder, strict=False)
    assert rule in {p.rule for p in lenient.problems}


def test_overlap_names_both_booths(tmp_path: Path) -> None:
    spec = tiny_hall()
    spec.replace("booths", "H1-A02", box(12, 8, 18, 14))
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"), strict=False)
    (p,) = [p for p in venue.problems if p.rule == RuleCode.BOOTH_OVERLAP]
    assert set(p.ids) == {"H1-A01", "H1-A02"}
    assert "H1-A01" in p.message
    assert "H1-A02" in p.message
    assert p.message.endswith("by 12.00 m²")  # 2 m × 6 m


def test_walled_in_booth_is_unreachable(tmp_path: Path) -> None:
    venue = floorplan.load_venue(write_spec(CATALOGUE["walled_in"](), tmp_path / "w"), strict=False)
    unreachable = {p.id for p in venue.problems if p.rule == RuleCode.UNREACHABLE_BOOTH}
    assert unreachable == {"INNER"}


def test_narrow_gap_does_not_count_as_a_way_in(tmp_path: Path) -> None:
    def ring_with_slot(width_m: float) -> Spec:
        # Split the ring's right-hand booth to leave a slot from INNER to the aisle.
        spec = CATALOGUE["walled_in"]()
        spec.replace("booths", "R21", box(20, 13, 25, 15.5 - width_m / 2))
        spec.layers["booths"].append(booth("R21b", box(20, 15.5 + width_m / 2, 25, 18)))
        return spec

    venue = floorplan.load_venue(write_spec(ring_with_slot(0.4), tmp_path / "w"), strict=False)
    assert {p.id for p in venue.problems} == {"INNER"}
    venue = floorplan.load_venue(write_spec(ring_with_slot(1.0), tmp_path / "w2"), strict=False)
    assert venue.problems == []


def test_halls_connect_only_through_doors(tmp_path: Path) -> None:
    spec = CATALOGUE["two_halls"]()
    spec.layers["openings"] = [o for o in spec.layers["openings"] if o[0]["opening_id"] != "AB-1"]
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"), strict=False)
    # The shared wall is closed: hall B has no entrance and no door to A.
    assert {p.id for p in venue.problems if p.rule == RuleCode.UNREACHABLE_BOOTH} == {"B-1"}


def test_connection_must_lie_on_both_walls(tmp_path: Path) -> None:
    spec = CATALOGUE["two_halls"]()
    spec.replace("openings", "AB-1", LineString([(0, 14), (0, 17)]))
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"), strict=False)
    assert "AB-1" in {p.id for p in venue.problems if p.rule == RuleCode.BAD_CONNECTION}


def test_overlapping_halls(tmp_path: Path) -> None:
    spec = CATALOGUE["two_halls"]()
    spec.replace("halls", "B", box(25, 0, 60, 20))
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"), strict=False)
    (p,) = [p for p in venue.problems if p.rule == RuleCode.HALL_OVERLAP]
    assert set(p.ids) == {"A", "B"}


def test_empty_hall_is_fine_but_no_halls_is_not(tmp_path: Path) -> None:
    spec = tiny_hall()
    spec.layers["halls"].append(({"hall_id": "H2"}, box(0, 30, 40, 60)))
    assert floorplan.load_venue(write_spec(spec, tmp_path / "a")).halls.shape[0] == 2
    spec = tiny_hall()
    spec.layers = {"halls": [], "booths": []}
    spec.events = []
    with pytest.raises(floorplan.VenueError, match="empty_layer"):
        floorplan.load_venue(write_spec(spec, tmp_path / "b"))


def test_nan_coordinates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_spec(tiny_hall(), tmp_path / "nan")
    text = (folder / "booths.geojson").read_text()
    doc = json.loads(text)
    doc["features"][1]["geometry"]["coordinates"][0][1] = [float("nan"), 8.0]
    (folder / "booths.geojson").write_text(json.dumps(doc))  # writes a bare NaN token
    code, report, _ = run_cli(capsys, "--venue", str(folder))
    assert code in (1, 2)
    assert not report["valid"]
    assert _rules(report) & {
        RuleCode.NONFINITE_COORDINATES,
        RuleCode.UNREADABLE,
        RuleCode.INVALID_GEOMETRY,
    }


def test_projected_coordinates_without_crs_member(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tiny_hall()
    spec.meta = {}
    folder = write_spec(spec, tmp_path / "nocrs")
    for f in folder.glob("*.geojson"):
        doc = json.loads(f.read_text())
        doc.pop("crs")
        f.write_text(json.dumps(doc))
    code, report, _ = run_cli(capsys, "--venue", str(folder))
    assert code in (1, 2)
    assert _rules(report) & {RuleCode.BAD_COORDINATES, RuleCode.BAD_CRS}
    assert any("crs" in p["message"] for p in report["problems"])


def _write(path: Path, text: str, result: Path) -> Path:
    path.write_text(text)
    return result


def _unlink(path: Path, result: Path) -> Path:
    path.unlink()
    return result


UNREADABLE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "truncated JSON": (
        lambda d: _write(d / "booths.geojson", (d / "booths.geojson").read_text()[:200], d),
        RuleCode.UNREADABLE,
    ),
    "missing halls layer": (lambda d: _unlink(d / "halls.geojson", d), RuleCode.MISSING_LAYER),
    "unknown file type": (
        lambda d: _write(d.parent / "v.shp", "x", d.parent / "v.shp"),
        RuleCode.UNKNOWN_FORMAT,
    ),
    "no such path": (lambda d: d / "nowhere", RuleCode.NOT_FOUND),
    "not a feature collection": (
        lambda d: _write(d / "halls.geojson", '{"type": "Feature"}', d),
        RuleCode.UNREADABLE,
    ),
    "broken venue.json": (lambda d: _write(d / "venue.json", "{name:", d), RuleCode.UNREADABLE),
    "not a geopackage": (
        lambda d: _write(d.parent / "x.gpkg", "hello", d.parent / "x.gpkg"),
        RuleCode.UNREADABLE,
    ),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_input_exits_2_with_json(
    case: str, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, rule = UNREADABLE[case]
    target = make(tiny)
    code, report, _ = run_cli(capsys, "--venue", str(target))
    assert code == 2
    assert report["valid"] is False
    assert [p["rule"] for p in report["problems"]] == [rule]
    with pytest.raises(floorplan.VenueReadError, match=str(target.name)):
        floorplan.load_venue(target)


def test_text_report_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tiny_hall()
    spec.replace("booths", "H1-A02", zone="fashion")
    folder = write_spec(spec, tmp_path / "v")
    assert main(["validate", "--venue", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "unknown_zone" in err
    assert "H1-A02" in err


def test_layer_without_crs_in_a_geopackage(tiny: Path, tmp_path: Path) -> None:
    venue = floorplan.load_venue(tiny)
    venue.meta = {}
    dst = floorplan.write_venue(venue, tmp_path / "v.gpkg")
    booths = venue.booths.set_crs(None, allow_override=True)
    pyogrio.write_dataframe(booths, dst, layer="booths", driver="GPKG")
    back = floorplan.load_venue(dst, strict=False)
    assert [(p.layer, p.rule) for p in back.problems] == [("booths", RuleCode.UNKNOWN_CRS)]
    # Assumed to be in the venue's CRS, the geometry is where it was.
    assert back.booths.geometry.iloc[0].equals(venue.booths.geometry.iloc[0])
    with pytest.raises(floorplan.VenueError, match="names no CRS"):
        floorplan.load_venue(dst)


def test_no_crs_anywhere_is_unreadable(tiny: Path, tmp_path: Path) -> None:
    venue = floorplan.load_venue(tiny)
    dst = tmp_path / "v.gpkg"
    for layer in ("halls", "booths"):
        frame = venue.layer(layer).set_crs(None, allow_override=True)
        pyogrio.write_dataframe(frame, dst, layer=layer, driver="GPKG")
    with pytest.raises(floorplan.VenueReadError, match="no layer says which CRS"):
        floorplan.load_venue(dst)
