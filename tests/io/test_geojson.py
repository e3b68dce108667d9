"""The GeoJSON reader: exact where the input is GeoJSON, a reported problem where it is not.

Every case that issue 10 found accepted in silence (a feature that is the number 42, an id
with a NUL, a layer file that is a broken link, a folder or a link loop) is refused here
with a problem naming the file, the layer, the id and the rule, and ``convert`` refuses
to write it. A hypothesis fuzz test damages layer files at random and checks that the
answer is always a report (exit 1) or a clean refusal (exit 2), as JSON, never exit 3.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import floorplan
from floorplan import schema as S
from floorplan.cli import main
from floorplan.io import geojson
from floorplan.problems import RuleCode

from conftest import tiny_hall, write_spec


def _validate_json(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, dict[str, Any]]:
    code = main(["validate", "--venue", str(folder), "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out)


def _edit(folder: Path, layer: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / f"{layer}.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    rows = frame.astype(object).to_numpy().tolist()
    return [[None if pd.isna(v) else v for v in row] for row in rows]


@pytest.mark.parametrize("layer", S.LAYERS)
def test_reads_the_bundled_venue_exactly_as_gdal_does(layer: str) -> None:
    """The reader's own build gives the same geometries and values as GDAL's reader."""
    path = floorplan.bundled_venue_path() / f"{layer}.geojson"
    ours = geojson.read_raw(floorplan.bundled_venue_path()).layers[layer]
    gdal = pyogrio.read_dataframe(path)
    assert ours is not None
    assert ours.crs == gdal.crs
    assert len(ours) == len(gdal) > 0
    assert bool(np.all(shapely.equals_exact(ours.geometry.values, gdal.geometry.values, 0)))
    cols = [c for c in gdal.columns if c != "geometry"]
    assert [c for c in ours.columns if c != "geometry"] == cols
    assert _cells(ours[cols]) == _cells(gdal[cols])


# ------------------------------------------------- the silently accepted cases of issue 10


def _feature_42(folder: Path) -> None:
    _edit(folder, S.BOOTHS, lambda d: d["features"].__setitem__(0, 42))


def _nul_id(folder: Path) -> None:
    _edit(
        folder,
        S.BOOTHS,
        lambda d: d["features"][0]["properties"].__setitem__("booth_id", "W1\u0000A01"),
    )


def _obstacles(folder: Path) -> Path:
    path = folder / "obstacles.geojson"
    path.unlink()  # the tiny hall has an (empty) obstacles layer
    return path


def _dangling_link(folder: Path) -> None:
    _obstacles(folder).symlink_to(folder / "gone.geojson")


def _folder(folder: Path) -> None:
    _obstacles(folder).mkdir()


def _link_loop(folder: Path) -> None:
    _obstacles(folder).symlink_to("obstacles.geojson")


def _pipe(folder: Path) -> None:
    # Opening a pipe for reading would block forever: it must be refused unopened.
    os.mkfifo(_obstacles(folder))


SILENTLY_ACCEPTED: dict[str, tuple[Callable[[Path], None], RuleCode, str | None, int]] = {
    "features[0] = 42": (_feature_42, RuleCode.MALFORMED_FEATURE, None, 1),
    "an id with a NUL": (_nul_id, RuleCode.BAD_ID, "W1\u0000A01", 1),
    "obstacles a dangling symlink": (_dangling_link, RuleCode.NOT_A_FILE, None, 2),
    "obstacles a folder": (_folder, RuleCode.NOT_A_FILE, None, 2),
    "obstacles a symlink loop": (_link_loop, RuleCode.NOT_A_FILE, None, 2),
    "obstacles a named pipe": (_pipe, RuleCode.NOT_A_FILE, None, 2),
}


@pytest.mark.parametrize("case", sorted(SILENTLY_ACCEPTED))
def test_silently_accepted_cases_are_refused(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, rule, fid, exit_code = SILENTLY_ACCEPTED[case]
    folder = write_spec(tiny_hall(), tmp_path / "v")
    breaker(folder)
    code, report = _validate_json(capsys, folder)
    assert code == exit_code
    assert report["valid"] is False
    (hit,) = [p for p in report["problems"] if p["rule"] == rule]
    assert hit["id"] == fid  # the whole id, never cut at the NUL
    assert hit["layer"] in (S.BOOTHS, S.OBSTACLES)
    if rule is not RuleCode.BAD_ID:
        assert f"{hit['layer']}.geojson" in hit["message"]  # the file is named
    with pytest.raises(floorplan.VenueError, match=str(rule)):
        floorplan.load_venue(folder)
    dst = tmp_path / "out.gpkg"
    assert main(["convert", "--venue", str(folder), str(dst)]) == exit_code
    assert str(rule) in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v"]  # nothing written


def test_a_malformed_feature_is_left_out_and_said(tmp_path: Path) -> None:
    folder = write_spec(tiny_hall(), tmp_path / "v")
    _feature_42(folder)
    venue = floorplan.load_venue(folder, strict=False)
    assert list(venue.booths["booth_id"]) == ["H1-A02", "H1-A03"]
    (p,) = venue.problems
    assert p.message.endswith(
        "feature #1 of layer 'booths' is the number 42, not a GeoJSON Feature"
    )


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _drop_last_position(doc: dict[str, Any]) -> None:
    doc["features"][1]["geometry"]["coordinates"][0].pop()


GEOM = ["features", 1, "geometry"]
COORDS = [*GEOM, "coordinates"]
PROPS = ["features", 1, "properties"]

MALFORMED: dict[str, tuple[Callable[[dict[str, Any]], None], RuleCode, str]] = {
    "coordinates a string": (_set(COORDS, "abc"), RuleCode.MALFORMED_FEATURE, "polygon's rings"),
    "a ring of 2 positions": (
        _set(COORDS, [[[0.0, 0.0], [1.0, 1.0]]]),
        RuleCode.MALFORMED_FEATURE,
        "a ring has 2 positions",
    ),
    "an unclosed ring": (_drop_last_position, RuleCode.MALFORMED_FEATURE, "not closed"),
    "an unknown geometry type": (
        _set([*GEOM, "type"], "Polygoon"),
        RuleCode.MALFORMED_FEATURE,
        "'Polygoon'",
    ),
    "a boolean coordinate": (
        _set([*COORDS, 0, 1], [True, 4440008.0]),
        RuleCode.MALFORMED_FEATURE,
        "a coordinate is true",
    ),
    "a position of one number": (
        _set([*COORDS, 0, 1], [460020.0]),
        RuleCode.MALFORMED_FEATURE,
        "a position has 1 numbers",
    ),
    "a position of four numbers": (
        _set([*COORDS, 0, 1], [460020.0, 4440008.0, 0.0, 1.0]),
        RuleCode.MALFORMED_FEATURE,
        "a position has 4 numbers",
    ),
    "a geometry that is a list": (_set(GEOM, [1, 2]), RuleCode.MALFORMED_FEATURE, "an array"),
    "properties that are a list": (
        _set(["features", 1, "properties"], ["H1-A02"]),
        RuleCode.MALFORMED_FEATURE,
        "'properties' an array",
    ),
    "a feature of another type": (
        _set(["features", 1, "type"], "Feeture"),
        RuleCode.MALFORMED_FEATURE,
        "not a GeoJSON Feature",
    ),
    "a property named geometry": (
        _set([*PROPS, "geometry"], "x"),
        RuleCode.MALFORMED_FEATURE,
        "'geometry' that is reserved",
    ),
    "a NUL in an exhibitor's name": (
        _set([*PROPS, "exhibitor"], "Müller\u0000 AG"),
        RuleCode.BAD_VALUE,
        "NUL character",
    ),
    "a lone surrogate": (_set([*PROPS, "exhibitor"], "M\ud800"), RuleCode.BAD_VALUE, "surrogate"),
    "a property nested 40 deep": (
        _set([*PROPS, "notes"], json.loads("[" * 40 + "]" * 40)),
        RuleCode.TOO_DEEP,
        "nested deeper than 16 levels",
    ),
    "a Feature id that is an object": (
        _set(["features", 1, "id"], {"a": 1}),
        RuleCode.MALFORMED_FEATURE,
        "'id' that is an object",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_each_malformed_feature_is_a_problem_with_its_id(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, rule, words = MALFORMED[case]
    folder = write_spec(tiny_hall(), tmp_path / "v")
    _edit(folder, S.BOOTHS, change)
    code, report = _validate_json(capsys, folder)
    assert code == 1
    hits = [p for p in report["problems"] if p["rule"] == rule]
    assert len(hits) == 1, report
    expected_id = None if "properties" in case else "H1-A02"
    assert hits[0]["id"] == expected_id
    assert "booths.geojson: feature #2" in hits[0]["message"]
    assert words in hits[0]["message"]


def test_whole_file_damage_is_unreadable_with_the_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_spec(tiny_hall(), tmp_path / "v")
    deep = '{"type": "FeatureCollection", "features": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    (folder / "booths.geojson").write_text(deep, encoding="utf-8")
    code, report = _validate_json(capsys, folder)
    assert (code, [p["rule"] for p in report["problems"]]) == (2, [RuleCode.TOO_DEEP])
    (folder / "booths.geojson").write_text('{"type": "FeatureCollection", "features": 7}')
    code, report = _validate_json(capsys, folder)
    assert (code, [p["rule"] for p in report["problems"]]) == (2, [RuleCode.UNREADABLE])
    assert "'features' is the number 7" in report["problems"][0]["message"]
    (folder / "booths.geojson").write_text(
        '{"type": "FeatureCollection", "features": [9' + "9" * 5000 + "]}"
    )
    code, report = _validate_json(capsys, folder)
    assert code == 2
    assert "over 4,300 digits" in report["problems"][0]["message"]


def test_lenient_where_the_format_says_so(tmp_path: Path) -> None:
    """Z dropped, single-part multi-polygons taken apart, integers, a BOM, Feature ids."""
    folder = write_spec(tiny_hall(), tmp_path / "v")
    before = floorplan.load_venue(folder)

    def change(doc: dict[str, Any]) -> None:
        g0 = doc["features"][0]["geometry"]
        g0["coordinates"] = [[[x, y, 12.5] for x, y in g0["coordinates"][0]]]
        g1 = doc["features"][1]["geometry"]
        doc["features"][1]["geometry"] = {
            "type": "MultiPolygon",
            "coordinates": [g1["coordinates"]],
        }
        g2 = doc["features"][2]["geometry"]
        g2["coordinates"] = [[[int(x), int(y)] for x, y in g2["coordinates"][0]]]
        doc["features"][2]["id"] = "feature-3"

    _edit(folder, S.BOOTHS, change)
    path = folder / "booths.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    after = floorplan.load_venue(folder)
    a, b = before.booths.geometry.values, after.booths.geometry.values
    assert bool(np.all(shapely.equals_exact(a, b, 0)))
    assert list(after.booths["id"].fillna("")) == ["", "", "feature-3"]


def test_crs_member_that_names_nothing_is_a_problem(tmp_path: Path) -> None:
    folder = write_spec(tiny_hall(), tmp_path / "v")
    _edit(folder, S.BOOTHS, _set(["crs"], {"type": "name", "properties": {"name": "EPSG:0"}}))
    venue = floorplan.load_venue(folder, strict=False)
    rules = {(p.layer, p.rule) for p in venue.problems}
    assert (S.BOOTHS, RuleCode.BAD_CRS) in rules


# -------------------------------------------------------------------------- fuzzing

_TEXT = st.text(st.characters(blacklist_categories=()), max_size=12)  # NULs, surrogates too
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    _TEXT,
    st.sampled_from(["@@DEEP@@", "@@HUGE@@", "Feature", "Polygon", "Point", "LineString"]),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_TEXT, kids, max_size=4),
    max_leaves=10,
)
_FUZZED = (S.HALLS, S.BOOTHS, S.OPENINGS, S.KIOSKS, S.AMENITIES)


def _draw_path(draw: st.DrawFn, doc: Any) -> list[Any]:
    """Walk down from the root, mostly deeper, to some value; return the keys taken."""
    path: list[Any] = []
    node = doc
    features = doc.get("features") if isinstance(doc, dict) else None
    if isinstance(features, list) and features and draw(st.integers(0, 9)) < 8:
        # Mostly inside one feature: damage a layer's content more than its frame.
        path = ["features", draw(st.integers(0, len(features) - 1))]
        node = features[path[1]]
    while isinstance(node, dict | list) and node and draw(st.integers(0, 9)) < 8:
        key = draw(
            st.sampled_from(sorted(node, key=str))
            if isinstance(node, dict)
            else st.integers(0, len(node) - 1)
        )
        path.append(key)
        node = node[key]
    return path


def _damage(draw: st.DrawFn, doc: Any) -> Any:
    path = _draw_path(draw, doc)
    op = draw(st.sampled_from(["replace", "delete", "wrap", "retype", "rename"]))
    if not path:
        return draw(_VALUES) if op == "replace" else [doc] if op == "wrap" else doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key, value = path[-1], parent[path[-1]]
    if op == "replace":
        parent[key] = draw(_VALUES)
    elif op == "delete":
        del parent[key]
    elif op == "wrap":
        parent[key] = [value] if draw(st.booleans()) else {"x": value}
    elif op == "retype":
        parent[key] = json.dumps(value) if not isinstance(value, str) else [value]
    elif isinstance(parent, dict):
        parent[draw(_TEXT)] = parent.pop(key)
    return doc


@st.composite
def damaged_layers(draw: st.DrawFn) -> tuple[str, bytes]:
    """A layer of the tiny hall and its file's bytes after random structural damage."""
    layer = draw(st.sampled_from(_FUZZED))
    doc: Any = copy.deepcopy(_BASE_DOCS[layer])
    for _ in range(draw(st.integers(1, 4))):
        doc = _damage(draw, doc)
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), allow_nan=True)
    depth = draw(st.sampled_from([20, 2_000, 50_000]))
    text = text.replace('"@@DEEP@@"', "[" * depth + "]" * depth)
    text = text.replace(
        '"@@HUGE@@"', draw(st.sampled_from(["1e999", "-1e999", "9" * 5000, "2e308"]))
    )
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 19)) == 0:
        data = data + b"\xff\xfe"
    return layer, data


_BASE_DOCS: dict[str, Any] = {}


@pytest.fixture(scope="module")
def base_venue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_spec(tiny_hall(), tmp_path_factory.mktemp("fuzz") / "base")
    for layer in _FUZZED:
        _BASE_DOCS[layer] = json.loads((folder / f"{layer}.geojson").read_text("utf-8"))
    return folder


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(damage=damaged_layers())
def test_fuzzed_layers_give_a_report_or_a_clean_refusal(
    damage: tuple[str, bytes],
    base_venue: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    layer, data = damage
    folder = tmp_path_factory.mktemp("fz") / "v"
    shutil.copytree(base_venue, folder)
    (folder / f"{layer}.geojson").write_bytes(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["validate", "--venue", str(folder), "--json"])
    out, err = capsys.readouterr()
    assert [str(w.message) for w in caught] == []
    assert "Traceback" not in out + err
    assert code in (0, 1, 2), err  # never 3: an internal error
    report = json.loads(out)  # always JSON
    assert report["valid"] is (code == 0)
    assert bool(report["problems"]) is (code != 0)
    for p in report["problems"]:
        assert p["rule"] in {r.value for r in RuleCode} - {RuleCode.INTERNAL_ERROR}
        assert p["message"]
    if code == 2:
        with pytest.raises(floorplan.VenueReadError):
            floorplan.load_venue(folder, strict=False)
    event(f"exit {code}")
    shutil.rmtree(folder.parent)


def test_events_with_text_that_cannot_be_stored(tmp_path: Path) -> None:
    folder = write_spec(tiny_hall(), tmp_path / "v")
    csv = (
        "event_id,title,starts,ends,where\n"
        "EV1,Open\x00ing,2023-11-28T09:30,2023-11-28T11:00,H1-A03\n"
    )
    (folder / "events.csv").write_text(csv, encoding="utf-8")
    (p,) = floorplan.load_venue(folder, strict=False).problems
    assert (p.layer, p.id, p.rule) == (S.EVENTS, "EV1", RuleCode.BAD_VALUE)
    assert p.message.endswith(
        "events.csv: line 2 (event 'EV1'): 'title' holds a NUL character, at which "
        "GeoPackage and GDAL cut text"
    )
