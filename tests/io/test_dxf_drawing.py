"""Open drawings: every bad file gets a message naming it and saying what to do."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import pytest

from floorplan.errors import DrawingError, OptionError
from floorplan.io.dxf import Georef, LayerMap, import_dxf, list_layers, open_drawing
from floorplan.io.dxf.drawing import Units, drawing_units

from _drawings import simple_hall

HERE = Georef("EPSG:32650", origin=(460_000.0, 4_440_000.0))


def test_binary_dxf_imports_like_ascii(tmp_path: Path) -> None:
    plan = simple_hall()
    ascii_ = import_dxf(plan.save(tmp_path / "a.dxf"), HERE)
    binary = import_dxf(plan.save(tmp_path / "b.dxf", fmt="bin"), HERE)
    assert (tmp_path / "b.dxf").read_bytes().startswith(b"AutoCAD Binary DXF")
    assert list(binary.venue.booths["booth_id"]) == list(ascii_.venue.booths["booth_id"])
    assert binary.venue.booths.geometry.geom_equals(ascii_.venue.booths.geometry).all()


def _corrupt(data: bytes) -> bytes:
    text = data.decode()
    at = text.index("LWPOLYLINE") + 40
    return (text[:at] + "\nnot a group code\nxx\n" + text[at:]).encode()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        (
            "plan.dwg",
            lambda d: b"AC1032" + bytes(200),
            "this is a DWG file.*Save As.*DXF.*LibreCAD",
        ),
        ("renamed.dxf", lambda d: b"AC1027" + bytes(200), "this is a DWG file"),
        ("empty.dxf", lambda d: b"", "the file is empty"),
        ("photo.dxf", lambda d: b"\x89PNG\r\n\x1a\n" + bytes(100), "not a DXF file"),
        ("cut.dxf", lambda d: d[: len(d) // 2], "truncated.*EOF marker"),
        ("cut-bin.dxf", None, "truncated"),
        ("broken.dxf", _corrupt, "corrupt and cannot be read"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    tmp_path: Path, name: str, make: object, message: str
) -> None:
    plan = simple_hall()
    if make is None:
        data = plan.save(tmp_path / "full.dxf", fmt="bin").read_bytes()
        data = data[: len(data) * 2 // 3]
    else:
        data = make(plan.save(tmp_path / "full.dxf").read_bytes())  # type: ignore[operator]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DrawingError, match=message) as info:
        import_dxf(path, HERE)
    assert name in str(info.value)
    # The same from bytes, as an upload: named as the upload was.
    with pytest.raises(DrawingError, match=message):
        import_dxf(data, HERE, name=name)


def test_missing_file_and_empty_model_space(tmp_path: Path) -> None:
    with pytest.raises(DrawingError, match=r"nope\.dxf: no such file"):
        open_drawing(tmp_path / "nope.dxf")
    doc = ezdxf.new("R2018")
    doc.paperspace().add_line((0, 0), (1, 1))
    doc.saveas(tmp_path / "paper.dxf")
    with pytest.raises(DrawingError, match=r"model space is empty; its 1 entities are on paper"):
        open_drawing(tmp_path / "paper.dxf")
    ezdxf.new("R2018").saveas(tmp_path / "blank.dxf")
    with pytest.raises(DrawingError, match=r"model space is empty$"):
        open_drawing(tmp_path / "blank.dxf")


def test_units_come_from_insunits_unless_given(tmp_path: Path) -> None:
    doc = open_drawing(simple_hall("cm").save(tmp_path / "cm.dxf"))
    assert drawing_units(doc) == (Units.CM, "$INSUNITS 5 (cm)")
    assert drawing_units(doc, "ft") == (Units.FT, "--units ft")
    doc.header["$INSUNITS"] = 14  # decimetres: not taken
    with pytest.raises(DrawingError, match=r"\$INSUNITS is 14.*pass --units"):
        drawing_units(doc)
    with pytest.raises(OptionError, match="unknown units 'yards'; valid: auto, mm"):
        drawing_units(doc, "yards")


def test_list_layers_counts_every_layer_by_entity_type(tmp_path: Path) -> None:
    plan = simple_hall()
    plan.doc.layers.add("EMPTY-LAYER")
    block = plan.doc.blocks.new("COL")
    block.add_circle((0, 0), 300)
    for x in (5, 10):
        plan.msp.add_blockref("COL", plan.p(x, 25), dxfattribs={"layer": "COLUMN"})
    infos = {
        i.name: i
        for i in list_layers(open_drawing(plan.save(tmp_path / "l.dxf")), LayerMap.default())
    }
    assert infos["BOOTH"].counts == {"LWPOLYLINE": 6}
    assert infos["BOOTH-NO"].counts == {"MTEXT": 6}
    assert infos["COLUMN"].counts == {"CIRCLE": 1, "INSERT": 2}
    assert infos["COLUMN"].blocks == {"COL": 2}
    assert infos["EMPTY-LAYER"].total == 0
    assert (infos["EMPTY-LAYER"].role, infos["EMPTY-LAYER"].rule_source) == ("ignore", "unmapped")
    assert infos["BOOTH"].role == "booth"
