"""Export venues as DXF and import them back: the same booths, halls, openings and obstacles."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import pytest
import shapely

import floorplan
from floorplan.io.dxf import Georef, export_dxf, import_dxf
from floorplan.io.dxf.importer import PROPERTY_CRS, PROPERTY_MATRIX

from _drawings import simple_hall


@pytest.fixture(scope="module")
def bundled() -> floorplan.Venue:
    return floorplan.load_venue()


@pytest.mark.parametrize("units", ["m", "mm"])
def test_export_then_import_gives_the_same_venue(
    tmp_path: Path, bundled: floorplan.Venue, units: str
) -> None:
    path = export_dxf(bundled, tmp_path / "expo.dxf", units=units)
    result = import_dxf(path)  # placed by the drawing's own properties
    back = result.venue
    assert result.valid, result.report.to_text()
    assert back.crs == bundled.crs
    a = bundled.booths.set_index("booth_id")
    b = back.booths.set_index("booth_id")
    assert sorted(a.index) == sorted(b.index)
    ratio = b.area / a.area.reindex(b.index)
    assert ratio.between(0.999, 1.001).all()
    # Not just the area: the same place, to a tenth of a millimetre.
    moved = shapely.hausdorff_distance(b.geometry.values, a.geometry.reindex(b.index).values)
    assert moved.max() < 1e-4
    for col in ("zone", "hall_id", "exhibitor", "exhibitor_zh"):
        assert (b[col] == a[col].reindex(b.index)).all(), col
    halls_a = bundled.halls.set_index("hall_id")[["name", "kind"]].sort_index()
    halls_b = back.halls.set_index("hall_id")[["name", "kind"]].sort_index()
    assert halls_a.equals(halls_b)
    for layer, col in (("openings", "kind"), ("obstacles", "kind")):
        counts_a = getattr(bundled, layer)[col].value_counts().to_dict()
        assert getattr(back, layer)[col].value_counts().to_dict() == counts_a
    widths_a = sorted(bundled.openings["width_m"].round(3))
    assert sorted(back.openings["width_m"].round(3)) == widths_a
    connections = back.openings[back.openings["kind"] == "connection"]
    assert (connections["connects"] != "").all()


def test_the_export_uses_the_drawing_units_layers_and_a_round_local_origin(
    tmp_path: Path, bundled: floorplan.Venue
) -> None:
    path = export_dxf(bundled, tmp_path / "expo.dxf", units="mm")
    doc = ezdxf.readfile(path)
    assert doc.header["$INSUNITS"] == 4
    assert doc.header.custom_vars.get(PROPERTY_CRS) == "EPSG:32650"
    layers = {e.dxf.layer for e in doc.modelspace()}
    wanted = ["HALL 展厅", "CONCOURSE 大厅", "BOOTH-NO 展位号", "COLUMN 柱", "CONNECTION 连通"]
    assert {*wanted, "EMERGENCY-EXIT 安全出口", "BOOTH-ENERGY 展位"} <= layers
    xmin, ymin = bundled.halls.total_bounds[:2]
    matrix = [float(v) for v in doc.header.custom_vars.get(PROPERTY_MATRIX)[1:-1].split(",")]
    assert matrix[4] % 100 == 0
    assert matrix[5] % 100 == 0
    assert 0 <= xmin - matrix[4] < 100
    assert 0 <= ymin - matrix[5] < 100
    # Local millimetres: small numbers a CAD program draws without loss.
    extents = [v for e in doc.modelspace().query("LWPOLYLINE") for p in e for v in p[:2]]
    assert min(extents) >= 0
    assert max(extents) < 1e7


def test_an_imported_drawing_goes_back_in_its_own_coordinates(tmp_path: Path) -> None:
    drawing = simple_hall(rotation_deg=30, offset=(500, 200)).save(tmp_path / "plan.dxf")
    imported = import_dxf(
        drawing, Georef("EPSG:32650", origin=(460_000, 4_440_000), rotation_deg=-30)
    )
    path = export_dxf(imported.venue, tmp_path / "back.dxf", units="mm")
    original = ezdxf.readfile(drawing).modelspace().query('LWPOLYLINE[layer=="HALL"]').first
    exported = ezdxf.readfile(path).modelspace().query("LWPOLYLINE").first
    assert exported.dxf.layer == "HALL 展厅"
    a = shapely.Polygon([p[:2] for p in original])
    b = shapely.Polygon([p[:2] for p in exported])
    assert a.symmetric_difference(b).area < 1e-3 * a.area
    again = import_dxf(path)
    assert sorted(again.venue.booths["booth_id"]) == sorted(imported.venue.booths["booth_id"])


def test_export_is_atomic_and_refuses_to_overwrite(
    tmp_path: Path, bundled: floorplan.Venue
) -> None:
    target = tmp_path / "expo.dxf"
    target.write_text("keep me")
    with pytest.raises(FileExistsError, match="already exists and was left as it is"):
        export_dxf(bundled, target)
    assert target.read_text() == "keep me"
    export_dxf(bundled, target, overwrite=True)
    assert target.read_bytes().rstrip().endswith(b"EOF")
    assert [p.name for p in tmp_path.iterdir()] == ["expo.dxf"]
