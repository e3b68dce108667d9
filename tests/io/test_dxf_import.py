"""Import drawings built with ezdxf; check the venue against the geometry they were drawn with."""

from __future__ import annotations

import math
import re
from pathlib import Path

import ezdxf
import numpy as np
import pytest
import shapely
from ezdxf.math import Matrix44
from shapely.geometry import Polygon, box

from floorplan.errors import DrawingError
from floorplan.io.dxf import Georef, LayerMap, import_dxf, load_layer_map
from floorplan.io.dxf.georef import ControlPoint

from _drawings import Plan, simple_hall

ORIGIN = (460_000.0, 4_440_000.0)
HERE = Georef("EPSG:32650", origin=ORIGIN)


def local(geom: object) -> object:
    """Return a venue geometry back in the drawing's metres (the ORIGIN placement)."""
    return shapely.transform(geom, lambda xy: xy - np.array(ORIGIN))


def booths_by_id(result: object) -> dict[str, object]:
    v = result.venue  # type: ignore[attr-defined]
    return {b: local(g) for b, g in zip(v.booths["booth_id"], v.booths.geometry, strict=True)}


def test_simple_hall_is_valid_with_its_booths_numbers_openings_and_column(tmp_path: Path) -> None:
    path = simple_hall().save(tmp_path / "hall.dxf")
    result = import_dxf(path, HERE)
    v = result.venue
    assert result.valid, result.report.to_text()
    assert v.crs.to_epsg() == 32650
    booths = booths_by_id(result)
    assert sorted(booths) == ["A01", "A02", "A03", "B01", "B02", "B03"]
    assert shapely.equals_exact(booths["A02"].normalize(), box(13, 10, 16, 13).normalize(), 1e-9)
    assert {round(g.area, 9) for g in booths.values()} == {9.0}
    assert local(v.halls.geometry.iloc[0]).equals(box(0, 0, 40, 30))
    widths = dict(zip(v.openings["kind"], v.openings["width_m"], strict=True))
    assert widths == {"entrance": pytest.approx(2.0), "emergency_exit": pytest.approx(1.2)}
    column = v.obstacles[v.obstacles["kind"] == "column"].geometry.iloc[0]
    # A 0.4 m circle flattened with chords straying at most 1 cm: every vertex on the
    # circle, and at least the area of the regular polygon whose chords stray 1 cm.
    n = math.ceil(math.pi / math.acos(1 - 0.01 / 0.4))
    assert n / 2 * 0.16 * math.sin(2 * math.pi / n) <= column.area < math.pi * 0.16
    xy = shapely.get_coordinates(local(column)) - (30, 20)
    assert np.allclose(np.hypot(*xy.T), 0.4, atol=1e-3)
    rep = result.report
    assert rep.layers["BOOTH"].made["booths"] == 6
    assert rep.layers["BOOTH-NO"].made["booth numbers"] == 6
    assert rep.layers["DOOR"].made["openings"] == 1
    assert rep.layers["COLUMN"].made["columns"] == 1
    assert rep.made["booths"] == 6
    assert not rep.skipped


@pytest.mark.parametrize("units", ["mm", "cm", "m", "in", "ft"])
def test_units_from_insunits_give_the_same_metres(tmp_path: Path, units: str) -> None:
    result = import_dxf(simple_hall(units).save(tmp_path / f"{units}.dxf"), HERE)
    assert result.report.units == units
    assert result.venue.halls.area.iloc[0] == pytest.approx(1200.0, rel=1e-9)
    assert sorted(result.venue.booths.area.round(6)) == [9.0] * 6


def test_units_override_and_unitless_drawings(tmp_path: Path) -> None:
    # Drawn in cm but saying nothing: read as mm, the hall is 12 m² - plausible, but wrong.
    path = simple_hall("cm", insunits=0).save(tmp_path / "cm.dxf")
    assumed = import_dxf(path, HERE)
    assert "assumed millimetres" in assumed.report.units_how
    assert assumed.venue.halls.area.iloc[0] == pytest.approx(12.0)
    given = import_dxf(path, HERE, units="cm")
    assert given.venue.halls.area.iloc[0] == pytest.approx(1200.0)
    assert given.report.units_how == "--units cm"


@pytest.mark.parametrize(
    ("drawn", "says", "likely", "shown"),
    [("mm", 6, "mm", "1.2e+03 km²"), ("m", 4, "m", "0.0012 m²")],
)
def test_implausible_units_are_refused_naming_the_likely_ones(
    tmp_path: Path, drawn: str, says: int, likely: str, shown: str
) -> None:
    path = simple_hall(drawn, insunits=says).save(tmp_path / "x.dxf")
    pattern = rf"would be {re.escape(shown)}.*probably in {likely}.*--units {likely}"
    with pytest.raises(DrawingError, match=pattern):
        import_dxf(path, HERE)


def test_bulges_become_arcs_within_the_chord_error(tmp_path: Path) -> None:
    plan = Plan("mm")
    plan.rect(0, 0, 30, 30, "HALL")
    # A booth 4 m × 3 m with its east side bulging out as a half circle of radius 1.5 m.
    pts = [
        (*plan.p(5, 5), 0, 0, 0),
        (*plan.p(9, 5), 0, 0, 1),
        (*plan.p(9, 8), 0, 0, 0),
        (*plan.p(5, 8), 0, 0, 0),
    ]
    plan.msp.add_lwpolyline(pts, format="xyseb", close=True, dxfattribs={"layer": "BOOTH"})
    plan.mtext("R1", 6, 6.5, "BOOTH-NO")
    plan.line((1, 0), (3, 0), "DOOR")
    result = import_dxf(plan.save(tmp_path / "bulge.dxf"), HERE)
    booth = booths_by_id(result)["R1"]
    truth = box(5, 5, 9, 8).union(shapely.Point(9, 6.5).buffer(1.5, quad_segs=512))
    assert booth.area == pytest.approx(truth.area, rel=0.005)
    # Every vertex lies on the true outline, and no chord strays more than 1 cm (≤ 5 cm).
    assert shapely.hausdorff_distance(booth.boundary, truth.boundary) <= 0.011


def _booth_block(doc: ezdxf.document.Drawing) -> None:
    unit = doc.blocks.new("BOOTH_3x4")
    unit.add_lwpolyline([(0, 0), (3000, 0), (3000, 4000), (0, 4000)], close=True)  # layer 0
    unit.add_attdef("NO", (1500, 2000), dxfattribs={"height": 300})
    pair = doc.blocks.new("PAIR")
    pair.add_blockref("BOOTH_3x4", (0, 0)).add_auto_attribs({"NO": "P1"})
    # Mirrored in x, and rotated 90° further along: nested, rotated, mirrored references.
    pair.add_blockref("BOOTH_3x4", (10000, 0), dxfattribs={"xscale": -1})
    pair.add_blockref("BOOTH_3x4", (14000, 0), dxfattribs={"rotation": 90})


def test_nested_rotated_mirrored_scaled_blocks_explode_with_their_transform(
    tmp_path: Path,
) -> None:
    plan = Plan("mm")
    plan.rect(0, 0, 80, 80, "HALL")
    plan.line((30, 0), (33, 0), "DOOR")
    _booth_block(plan.doc)
    ref = plan.msp.add_blockref(
        "PAIR",
        (20000, 20000),
        dxfattribs={"layer": "BOOTH", "rotation": 30, "xscale": 1.5, "yscale": 1.5},
    )
    m = ref.matrix44()
    result = import_dxf(plan.save(tmp_path / "blocks.dxf"), HERE)
    geoms = list(booths_by_id(result).values())
    assert len(geoms) == 3

    def placed(inner: Matrix44) -> Polygon:
        corners = [(0, 0), (3000, 0), (3000, 4000), (0, 4000)]
        return Polygon([tuple(v)[:2] for v in (inner @ m).transform_vertices(corners)]).buffer(0)

    expected = [
        placed(Matrix44()),
        placed(Matrix44.scale(-1, 1, 1) @ Matrix44.translate(10000, 0, 0)),
        placed(Matrix44.z_rotate(math.pi / 2) @ Matrix44.translate(14000, 0, 0)),
    ]
    for want in expected:
        want_m = shapely.transform(want, lambda xy: xy / 1000)
        assert any(g.symmetric_difference(want_m).area < 1e-6 for g in geoms), want_m
    assert {round(g.area, 6) for g in geoms} == {27.0}  # 3 m × 4 m × 1.5²
    # The attribute on the nested reference numbered its booth; the others got made-up ids.
    assert "P1" in booths_by_id(result)
    assert sum(1 for b in booths_by_id(result) if "-U" in b) == 2


def test_line_soups_close_small_gaps_and_report_big_ones(tmp_path: Path) -> None:
    plan = Plan("mm")
    plan.rect(0, 0, 40, 30, "HALL")
    plan.line((1, 0), (3, 0), "DOOR")

    def soup(x: float, y: float, gap: float, number: str) -> None:
        corners = [(x, y), (x + 3, y), (x + 3, y + 3), (x, y + 3)]
        for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
            ux, uy = (b[0] - a[0]) / 3, (b[1] - a[1]) / 3
            plan.line(a, (b[0] - gap * ux, b[1] - gap * uy), "BOOTH")
        plan.mtext(number, x + 1.5, y + 1.5, "BOOTH-NO")

    soup(5, 5, 0.015, "S1")
    soup(15, 5, 0.0, "S2")
    soup(25, 5, 0.05, "S3")
    result = import_dxf(plan.save(tmp_path / "soup.dxf"), HERE)
    booths = booths_by_id(result)
    assert set(booths) == {"S1", "S2"}
    assert booths["S2"].area == pytest.approx(9.0)
    assert booths["S1"].area == pytest.approx(9.0, abs=4 * 0.015**2)
    reasons = result.report.layers["BOOTH"].skipped
    assert reasons["open_outline"] == 4  # the four lines of S3
    assert result.report.layers["BOOTH-NO"].skipped == {"text_outside_booths": 1}
    assert any("closed 4 gap(s)" in n and "1.5 cm" in n for n in result.report.notes)
    wider = import_dxf(tmp_path / "soup.dxf", HERE, snap_m=0.06)
    assert set(booths_by_id(wider)) == {"S1", "S2", "S3"}


def test_hatches_are_outlines_with_holes(tmp_path: Path) -> None:
    plan = Plan("m")
    plan.rect(0, 0, 40, 30, "HALL")
    plan.line((1, 0), (3, 0), "DOOR")
    hatch = plan.msp.add_hatch(dxfattribs={"layer": "BOOTH"})
    hatch.paths.add_polyline_path(plan.pts([(5, 5), (11, 5), (11, 11), (5, 11)]), flags=1)
    hatch.paths.add_polyline_path(plan.pts([(7, 7), (9, 7), (9, 9), (7, 9)]), flags=16)
    plan.mtext("H1", 6, 6, "BOOTH-NO")
    solid = plan.msp.add_solid(plan.pts([(20, 20), (20.5, 20), (20, 20.5), (20.5, 20.5)]))
    solid.dxf.layer = "COLUMN"
    result = import_dxf(plan.save(tmp_path / "hatch.dxf"), HERE)
    assert booths_by_id(result)["H1"].area == pytest.approx(36 - 4)
    column = result.venue.obstacles.geometry.iloc[0]
    assert column.area == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        (r"{\fSimHei|b1|i0|c134;\C3;A101}", "A101"),
        (r"\A1;{\H0.7x;B-07}", "B-07"),
        (r"\LC03\l", "C03"),
        (r"D04\PSunrise Solar", "D04"),
    ],
)
def test_mtext_formatting_codes_are_stripped(tmp_path: Path, raw: str, plain: str) -> None:
    plan = Plan("mm")
    plan.rect(0, 0, 20, 20, "HALL")
    plan.line((1, 0), (3, 0), "DOOR")
    plan.booth(5, 5, raw)
    result = import_dxf(plan.save(tmp_path / "codes.dxf"), HERE)
    assert list(result.venue.booths["booth_id"]) == [plain]
    if "Sunrise" in raw:
        assert result.venue.booths["exhibitor"].iloc[0] == "Sunrise Solar"


def test_text_codes_and_exhibitor_names_in_two_languages(tmp_path: Path) -> None:
    plan = Plan("mm")
    plan.rect(0, 0, 20, 20, "HALL")
    plan.line((1, 0), (3, 0), "DOOR")
    plan.rect(5, 5, 4, 4, "BOOTH")
    plan.text("%%uE12%%u", 7, 8, "BOOTH-NO")
    plan.text("北京智行汽车科技", 7, 7, "EXHIBITOR")
    plan.text("Zhixing Auto", 7, 6, "EXHIBITOR")
    booths = import_dxf(plan.save(tmp_path / "t.dxf"), HERE).venue.booths
    assert booths[["booth_id", "exhibitor", "exhibitor_zh"]].values.tolist() == [
        ["E12", "Zhixing Auto", "北京智行汽车科技"]
    ]


def test_chinese_layer_names_take_their_roles(tmp_path: Path) -> None:
    plan = Plan("mm")
    plan.rect(0, 0, 40, 30, "展厅轮廓")
    plan.booth(5, 5, "展1", layer="展位", text_layer="展位号")
    plan.booth(8, 5, "展2", layer="展台", text_layer="展位号")
    plan.circle(20, 20, 0.3, "柱子")
    plan.line((10, 0), (12, 0), "门")
    plan.line((10, 30), (11.5, 30), "安全出口")
    plan.rect(50, 50, 10, 5, "图框")  # a title block outside the hall, ignored
    result = import_dxf(plan.save(tmp_path / "zh.dxf"), HERE)
    assert result.valid, result.report.to_text()
    assert sorted(result.venue.booths["booth_id"]) == ["展1", "展2"]
    assert sorted(result.venue.openings["kind"]) == ["emergency_exit", "entrance"]
    roles = {n: r.role for n, r in result.report.layers.items()}
    assert roles == {
        "展厅轮廓": "hall",
        "展位": "booth",
        "展台": "booth",
        "展位号": "booth_number",
        "柱子": "column",
        "门": "door",
        "安全出口": "emergency_exit",
        "图框": "ignore",
    }


def test_a_hall_drawn_at_45_degrees_is_placed_square(tmp_path: Path) -> None:
    path = simple_hall(rotation_deg=45, offset=(100, -50)).save(tmp_path / "turned.dxf")
    turned = Georef("EPSG:32650", origin=ORIGIN, rotation_deg=-45)
    result = import_dxf(path, turned)
    assert result.valid, result.report.to_text()
    hall = result.venue.halls.geometry.iloc[0]
    c, s = math.cos(math.radians(-45)), math.sin(math.radians(-45))
    ox, oy = ORIGIN[0] + c * 100 - s * -50, ORIGIN[1] + s * 100 + c * -50
    assert hall.symmetric_difference(box(ox, oy, ox + 40, oy + 30)).area < 1e-6
    widths = sorted(result.venue.openings["width_m"])
    assert widths == pytest.approx([1.2, 2.0])
    assert sorted(result.venue.booths.area.round(6)) == [9.0] * 6


def test_control_points_place_the_drawing_and_report_residuals(tmp_path: Path) -> None:
    path = simple_hall("mm").save(tmp_path / "cp.dxf")
    turn = math.radians(30)

    def where(x: float, y: float) -> tuple[float, float]:
        return (
            ORIGIN[0] + math.cos(turn) * x - math.sin(turn) * y,
            ORIGIN[1] + math.sin(turn) * x + math.cos(turn) * y,
        )

    drawn = [(0, 0), (40, 0), (40, 30), (0, 30)]
    points = tuple(
        ControlPoint(f"C{k}", x * 1000, y * 1000, *where(x, y)) for k, (x, y) in enumerate(drawn)
    )
    result = import_dxf(path, Georef("EPSG:32650", control_points=points))
    placed = result.report.placement
    assert placed["rotation_deg"] == pytest.approx(30)
    assert placed["rms_m"] < 1e-6
    hall = result.venue.halls.geometry.iloc[0]
    assert hall.symmetric_difference(Polygon([where(x, y) for x, y in drawn])).area < 1e-6
    # A survey 5 cm off on one point: the fit spreads it; the report names each residual.
    noisy = (points[0], points[1], points[2], ControlPoint("C3", 0, 30000, *where(0.05, 30)))
    rough = import_dxf(path, Georef("EPSG:32650", control_points=noisy)).report.placement
    assert 0.01 < rough["rms_m"] < 0.05
    assert max(rough["residuals_m"], key=rough["residuals_m"].get) == "C3"


def test_control_points_that_disagree_with_the_units_are_refused(tmp_path: Path) -> None:
    path = simple_hall("m", insunits=4).save(tmp_path / "cp.dxf")  # metres, says mm
    points = (ControlPoint("a", 0, 0, *ORIGIN), ControlPoint("b", 40, 0, ORIGIN[0] + 40, ORIGIN[1]))
    with pytest.raises(DrawingError, match=r"stretch the drawing 1000 times.*--units m"):
        import_dxf(path, Georef("EPSG:32650", control_points=points))
    with pytest.raises(DrawingError, match="at least two"):
        import_dxf(path, Georef("EPSG:32650", control_points=points[:1]), units="m")


def test_a_lon_lat_origin_is_placed_in_its_utm_zone(tmp_path: Path) -> None:
    path = simple_hall().save(tmp_path / "ll.dxf")
    result = import_dxf(path, Georef("EPSG:4326", origin=(116.5547, 40.0839)))
    assert result.venue.crs.to_epsg() == 32650
    x, y = result.venue.halls.geometry.iloc[0].bounds[:2]
    assert (x, y) == pytest.approx((462035.8, 4437164.4), abs=0.5)


def _walled(plan: Plan, gaps: dict[str, tuple[float, float]], t: float = 0.3) -> None:
    """Draw a 50 m × 30 m hall's walls as double lines with jambs at each gap."""
    w, h = 50.0, 30.0
    sides = {
        "S": ((0, 0), (1, 0), w),
        "E": ((w, 0), (0, 1), h),
        "N": ((w, h), (-1, 0), w),
        "W": ((0, h), (0, -1), h),
    }
    for side, ((x0, y0), (dx, dy), length) in sides.items():
        nx, ny = dy, -dx
        cut = gaps.get(side)
        spans = [(-t, cut[0]), (cut[1], length + t)] if cut else [(-t, length + t)]
        for a, b in spans:
            ia, ib = max(a, 0), min(b, length)
            plan.line((x0 + dx * ia, y0 + dy * ia), (x0 + dx * ib, y0 + dy * ib), "WALL")
            plan.line(
                (x0 + dx * a + nx * t, y0 + dy * a + ny * t),
                (x0 + dx * b + nx * t, y0 + dy * b + ny * t),
                "WALL",
            )
        if cut:
            for s in cut:
                plan.line(
                    (x0 + dx * s, y0 + dy * s), (x0 + dx * s + nx * t, y0 + dy * s + ny * t), "WALL"
                )


def test_walls_give_the_hall_its_outer_ring_and_gaps_their_openings(tmp_path: Path) -> None:
    plan = Plan("mm")
    _walled(plan, {"S": (20, 24), "N": (38.5, 40), "E": (12, 14.5)})
    door = plan.doc.blocks.new("M1000")
    door.add_line((0, 0), (0, 1000))
    door.add_arc((0, 0), 1000, 0, 90)
    plan.msp.add_blockref(
        "M1000", plan.p(20, 0), dxfattribs={"layer": "DOOR", "xscale": 2, "yscale": 2}
    )
    # The fire exit swings out: the unit door mirrored, outside the north wall.
    plan.msp.add_blockref(
        "M1000",
        plan.p(11.5, 30.3),
        dxfattribs={"layer": "EXIT", "rotation": 180, "xscale": 1.5, "yscale": -1.5},
    )
    plan.booth(5, 5, "W1")
    result = import_dxf(plan.save(tmp_path / "walls.dxf"), HERE)
    v = result.venue
    assert result.valid, result.report.to_text()
    assert (
        local(v.halls.geometry.iloc[0]).symmetric_difference(box(-0.3, -0.3, 50.3, 30.3)).area
        < 1e-6
    )
    got = sorted(zip(v.openings["kind"], v.openings["width_m"].round(6), strict=True))
    # The east gap has no door drawn in it: an entrance, and a note saying so.
    assert got == [("entrance", 2.5), ("entrance", 4.0), ("exit", 1.5)]
    assert any("no door drawn" in n for n in result.report.notes)
    walls = v.obstacles[v.obstacles["kind"] == "wall"]
    assert len(walls) == 3
    assert walls.area.sum() == pytest.approx(2 * 0.3 * (50 + 30) + 4 * 0.09 - 0.3 * 8.0)


def test_a_door_over_a_continuous_wall_opens_its_width_and_cuts_the_wall(tmp_path: Path) -> None:
    plan = Plan("mm")
    _walled(plan, {})
    door = plan.doc.blocks.new("D")
    door.add_line((0, 0), (0, 1000))
    door.add_arc((0, 0), 1000, 0, 90)
    plan.msp.add_blockref(
        "D", plan.p(30, 0), dxfattribs={"layer": "门", "xscale": 1.8, "yscale": 1.8}
    )
    plan.booth(5, 5, "K1")
    result = import_dxf(plan.save(tmp_path / "cont.dxf"), HERE)
    assert result.valid, result.report.to_text()
    line = local(result.venue.openings.geometry.iloc[0])
    assert line.length == pytest.approx(1.8)
    assert line.distance(shapely.Point(30.9, -0.3)) < 1e-6


def test_two_halls_sharing_a_wall_get_a_connection(tmp_path: Path) -> None:
    plan = Plan("mm")
    plan.rect(0, 0, 30, 20, "HALL")
    plan.rect(30, 0, 30, 20, "HALL")
    plan.mtext("East", 45, 18, "HALL-NAME")
    plan.line((30, 8), (30, 11), "DOOR")
    plan.line((10, 0), (12, 0), "DOOR")
    plan.booth(40, 5, "E1")
    result = import_dxf(plan.save(tmp_path / "two.dxf"), HERE)
    assert result.valid, result.report.to_text()
    o = result.venue.openings.set_index("kind")
    assert o.loc["connection", "width_m"] == pytest.approx(3.0)
    assert {o.loc["connection", "hall_id"], o.loc["connection", "connects"]} == {"H1", "East"}


def test_the_report_says_what_was_skipped_and_why(tmp_path: Path) -> None:
    plan = simple_hall()
    plan.booth(20, 20, "A01")  # a number already used
    plan.mtext("Z99", 35, 5, "BOOTH-NO")  # text on open floor
    plan.booth(50, 50, "OUT1")  # a booth outside the hall
    plan.msp.add_point(plan.p(1, 1), dxfattribs={"layer": "BOOTH"})  # not an outline
    hatch = plan.msp.add_hatch(dxfattribs={"layer": "BOOTH-HATCH"})  # the same booth again
    hatch.paths.add_polyline_path(plan.pts([(10, 10), (13, 10), (13, 13), (10, 13)]))
    plan.rect(25, 20, 9, 6, "BOOTH")  # an island outline around three booths
    for k in range(3):
        plan.booth(25 + 3 * k, 20, f"I{k}")
    window = plan.doc.blocks.new("WIN1500")
    window.add_line((0, 0), (1500, 0))
    plan.msp.add_blockref("WIN1500", plan.p(30, 30), dxfattribs={"layer": "门窗"})
    result = import_dxf(plan.save(tmp_path / "skips.dxf"), HERE)
    skipped = {(s.layer, s.reason.value) for s in result.report.skipped}
    assert skipped == {
        ("BOOTH", "duplicate_booth_number"),
        ("BOOTH-NO", "text_outside_booths"),
        ("BOOTH", "booth_outside_hall"),
        ("BOOTH", "unsupported_entity"),
        ("BOOTH-HATCH", "duplicate_outline"),
        ("BOOTH", "enclosing_outline"),
        ("门窗", "window"),
    }
    dup = next(s for s in result.report.skipped if s.reason.value == "duplicate_booth_number")
    assert dup.at == (21500.0, 21500.0)  # drawing units, to find it in CAD
    assert "A01 is also the booth at" in dup.detail
    ids = set(result.venue.booths["booth_id"])
    assert {"A01", "I0", "I1", "I2", "H1-U1"} <= ids
    assert "OUT1" not in ids
    text = result.report.to_text()
    assert "booth number used by another booth" in text
    as_json = result.report.to_dict()
    assert {s["reason"] for s in as_json["skipped"]} >= {"window", "booth_outside_hall"}  # type: ignore[union-attr]


def test_rule_problems_are_validated_not_hidden(tmp_path: Path) -> None:
    plan = simple_hall()
    plan.booth(18.5, 10, "X1")  # overlaps A03 by 0.5 m × 3 m
    result = import_dxf(plan.save(tmp_path / "overlap.dxf"), HERE)
    assert not result.valid
    assert {p.rule.value for p in result.venue.problems} == {"booth_overlap"}
    assert result.report.problems == result.venue.problems


def test_bytes_import_like_the_file_and_a_map_renames_layers(tmp_path: Path) -> None:
    plan = Plan("mm")
    plan.rect(0, 0, 40, 30, "A-AREA")
    plan.booth(5, 5, "M1", layer="X-STANDS", text_layer="X-LABELS")
    plan.line((1, 0), (3, 0), "A-OPEN")
    path = plan.save(tmp_path / "mapped.dxf")
    layer_map = load_layer_map(
        text='[layers]\n"A-AREA" = "hall"\n"x-stands" = { role = "booth", zone = "energy" }\n'
        '"X-LABELS" = "booth_number"\n[patterns]\n"^A-OPEN" = "door"\n'
    )
    from_bytes = import_dxf(path.read_bytes(), HERE, layer_map=layer_map, name="upload.dxf")
    assert from_bytes.valid, from_bytes.report.to_text()
    assert from_bytes.venue.booths[["booth_id", "zone"]].values.tolist() == [["M1", "energy"]]
    assert from_bytes.report.source == "upload.dxf"
    with pytest.raises(DrawingError, match="no hall outline found"):
        import_dxf(path, HERE, layer_map=LayerMap.default())


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[layers]\n"A" = "booths"\n', r"unknown role in \[layers\] 'A' 'booths'; valid: hall"),
        ('[layers]\n"A" = { role = "booth", zone = "fashion" }\n', "unknown zone"),
        ("[option]\nx = 1\n", "unknown key 'option' in top level"),
        ("[layers\n", "cannot be read"),
        ('[patterns]\n"(" = "booth"\n', "missing"),
    ],
)
def test_bad_layer_maps_are_refused_naming_the_key(toml: str, message: str) -> None:
    with pytest.raises(DrawingError, match=message):
        load_layer_map(text=toml)


def test_an_unplaced_drawing_is_refused_saying_what_to_pass(tmp_path: Path) -> None:
    path = simple_hall().save(tmp_path / "hall.dxf")
    with pytest.raises(DrawingError, match=r"--crs EPSG:N --origin X,Y.*--control-points FILE"):
        import_dxf(path)
    with pytest.raises(DrawingError, match="--crs alone does not place"):
        import_dxf(path, Georef("EPSG:32650"))
    with pytest.raises(DrawingError, match="not a known CRS"):
        import_dxf(path, Georef("EPSG:999999", origin=(0, 0)))


def test_a_drawing_without_a_hall_is_refused(tmp_path: Path) -> None:
    plan = Plan("mm")
    plan.booth(5, 5, "A1")
    with pytest.raises(DrawingError, match="no hall outline found"):
        import_dxf(plan.save(tmp_path / "nohall.dxf"), HERE)


def test_minsert_grids_splines_and_ellipses(tmp_path: Path) -> None:
    plan = simple_hall()
    col = plan.doc.blocks.new("C400")
    col.add_lwpolyline([(-200, -200), (200, -200), (200, 200), (-200, 200)], close=True)
    # A 3 × 2 grid of columns as one MINSERT, 6 m apart.
    plan.msp.add_blockref(
        "C400",
        plan.p(4, 20),
        dxfattribs={
            "layer": "COLUMN",
            "column_count": 3,
            "row_count": 2,
            "column_spacing": 6000,
            "row_spacing": 6000,
        },
    )
    plan.msp.add_ellipse(
        plan.p(30, 8), major_axis=(2000, 0), ratio=0.5, dxfattribs={"layer": "STAGE"}
    )
    fit = [plan.p(34, 24), plan.p(37, 24), plan.p(37, 27), plan.p(34, 27), plan.p(34, 24)]
    plan.msp.add_spline(fit, dxfattribs={"layer": "STAGE"})
    result = import_dxf(plan.save(tmp_path / "grid.dxf"), HERE)
    assert result.valid, result.report.to_text()
    obstacles = result.venue.obstacles
    columns = obstacles[obstacles["kind"] == "column"]
    assert len(columns) == 7  # the grid and the hall's round column
    corners = sorted(
        tuple(round(v, 6) for v in local(g).centroid.coords[0]) for g in columns.geometry
    )
    assert (16.0, 26.0) in corners
    assert (4.0, 20.0) in corners
    stages = obstacles[obstacles["kind"] == "stage"].area.sort_values().tolist()
    assert stages[0] == pytest.approx(math.pi * 2 * 1, rel=0.01)  # the ellipse
    assert 9 < stages[1] < 9 * math.pi / 2  # a closed spline through a 3 m square's corners


def test_a_non_uniformly_scaled_round_column_becomes_an_ellipse(tmp_path: Path) -> None:
    plan = simple_hall()
    col = plan.doc.blocks.new("ROUND")
    col.add_circle((0, 0), 250)
    plan.msp.add_blockref(
        "ROUND", plan.p(5, 25), dxfattribs={"layer": "COLUMN", "xscale": 2, "rotation": 90}
    )
    result = import_dxf(plan.save(tmp_path / "oval.dxf"), HERE)
    ovals = [
        g
        for g in map(local, result.venue.obstacles.geometry)
        if g.distance(shapely.Point(5, 25)) == 0
    ]
    assert len(ovals) == 1
    oval = ovals[0]
    assert oval.area == pytest.approx(math.pi * 0.5 * 0.25, rel=0.03)
    minx, miny, maxx, maxy = oval.bounds  # turned 90°: the long axis runs north
    assert (maxx - minx, maxy - miny) == pytest.approx((0.5, 1.0), abs=0.002)


def test_a_door_line_across_a_wall_gap_opens_the_gap_jamb_to_jamb(tmp_path: Path) -> None:
    plan = Plan("mm")
    _walled(plan, {"S": (20, 23.2)})
    plan.line((20.1, -0.15), (23.1, -0.15), "DOOR")  # drawn 10 cm short of each jamb
    plan.booth(5, 5, "G1")
    result = import_dxf(plan.save(tmp_path / "gap.dxf"), HERE)
    assert result.valid, result.report.to_text()
    line = local(result.venue.openings.geometry.iloc[0])
    assert result.venue.openings["kind"].tolist() == ["entrance"]
    assert line.length == pytest.approx(3.2)
    assert line.distance(shapely.Point(21.6, -0.3)) < 1e-9
    assert not any("no door drawn" in n for n in result.report.notes)
