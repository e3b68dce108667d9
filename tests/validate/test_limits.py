"""The format's bounds on input: vertices, coordinates, ids and numbers.

Issue 10 found one round booth of 3,000 vertices taking ``route`` 8.6 s and 1.6 GB, and
12,000 vertices 86 s and 20 GB, while ``validate`` called them valid; ``open_sides:
2**70`` ended in an internal error with nothing on stdout; an id with a NUL was cut
short; NaN and huge coordinates printed RuntimeWarnings with library paths.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

import floorplan
from floorplan import schema as S
from floorplan.cli import main
from floorplan.layout import LayoutEditor
from floorplan.problems import RuleCode
from floorplan.routing import Router
from floorplan.validate.limits import MAX_ID_CHARS, MAX_VERTICES

from conftest import ORIGIN, tiny_hall, write_spec

EXE = shutil.which("floorplan") or str(Path(sys.executable).with_name("floorplan"))


def round_booth(vertices: int, *, cx: float = 23.0, cy: float = 11.0, r: float = 2.9) -> Polygon:
    """A round booth drawn with ``vertices`` coordinates (the closing one included)."""
    angles = [2 * math.pi * k / (vertices - 1) for k in range(vertices - 1)]
    return Polygon([(cx + r * math.cos(a), cy + r * math.sin(a)) for a in angles])


def _with_booth(tmp_path: Path, geom: Any, name: str = "v") -> Path:
    spec = tiny_hall()
    spec.replace("booths", "H1-A02", geom)
    return write_spec(spec, tmp_path / name)


def _rules(venue: floorplan.Venue) -> set[tuple[str | None, str]]:
    return {(p.id, str(p.rule)) for p in venue.problems}


# ------------------------------------------------------------------------ vertices


@pytest.mark.parametrize("vertices", [3_000, 12_000])
def test_the_round_booths_of_the_issue_are_refused(vertices: int, tmp_path: Path) -> None:
    folder = _with_booth(tmp_path, round_booth(vertices))
    with pytest.raises(floorplan.VenueError, match="too_many_vertices") as info:
        floorplan.load_venue(folder)
    (p,) = info.value.problems
    assert (p.layer, p.id, p.rule) == (S.BOOTHS, "H1-A02", RuleCode.TOO_MANY_VERTICES)
    assert f"has {vertices:,} vertices" in p.message
    assert f"at most {MAX_VERTICES[S.BOOTHS]}" in p.message


@pytest.mark.parametrize("vertices", [3_000, 12_000])
def test_route_on_such_a_venue_exits_with_the_rule(vertices: int, tmp_path: Path) -> None:
    folder = _with_booth(tmp_path, round_booth(vertices))
    done = subprocess.run(
        [EXE, "route", "--venue", str(folder), "--from", "K1", "--to", "WC1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,  # today's code needs 86 s and 20 GB for 12,000 vertices
    )
    assert done.returncode == 1
    assert "too_many_vertices" in done.stderr
    assert "H1-A02" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("layer", "make"),
    [
        (S.BOOTHS, round_booth),
        (S.OBSTACLES, lambda n: round_booth(n, cx=34.0, cy=4.0, r=1.5)),
        (S.HALLS, lambda n: Polygon(_wavy_rect(n))),
        (S.OPENINGS, lambda n: LineString([(0, 12 + 4 * k / (n - 1)) for k in range(n)])),
    ],
)
def test_the_limit_is_exact(layer: str, make: Any, tmp_path: Path) -> None:
    limit = MAX_VERTICES[layer]
    fid = {S.BOOTHS: "H1-A02", S.OBSTACLES: "OB1", S.HALLS: "H1", S.OPENINGS: "H1-D1"}[layer]
    for n, refused in ((limit, False), (limit + 1, True)):
        spec = tiny_hall()
        geom = make(n)
        assert shapely.get_num_coordinates(geom) == n
        if layer == S.OBSTACLES:
            props = {"obstacle_id": fid, "kind": "column", "hall_id": "H1"}
            spec.layers[S.OBSTACLES] = [(props, geom)]
        else:
            spec.replace(layer, fid, geom)
        venue = floorplan.load_venue(write_spec(spec, tmp_path / f"{layer}{n}"), strict=False)
        assert ((fid, "too_many_vertices") in _rules(venue)) is refused, venue.problems
        assert refused or venue.problems == []


def _wavy_rect(n: int) -> list[tuple[float, float]]:
    """The tiny hall's 40 × 30 m outline, its top wall drawn with ``n - 3`` points."""
    top = n - 3
    xs = [40 - 40 * k / (top - 1) for k in range(top)]
    return [(0.0, 0.0), (40.0, 0.0), *[(x, 30.0) for x in xs]]


def test_a_booth_at_the_limit_is_valid_and_routes(tmp_path: Path) -> None:
    folder = _with_booth(tmp_path, round_booth(MAX_VERTICES[S.BOOTHS]))
    router = Router(floorplan.load_venue(folder))
    route = router.route("K1", "H1-A02")
    assert route.length_m > 0


def test_the_editor_reports_a_reshaped_booth_beyond_the_limit(tmp_path: Path) -> None:
    editor = LayoutEditor(floorplan.load_venue(write_spec(tiny_hall(), tmp_path / "v")))
    shift = np.asarray(ORIGIN)
    editor.reshape("H1-A02", shapely.transform(round_booth(3_000), lambda xy: xy + shift))
    hits = [p for p in editor.problems() if p.rule is RuleCode.TOO_MANY_VERTICES]
    assert [p.id for p in hits] == ["H1-A02"]
    editor.undo()
    assert editor.problems() == []


# --------------------------------------------------------------------- coordinates


BAD_COORDS = {"NaN": math.nan, "infinity": math.inf, "1e300": 1e300, "1e9": 1e9}
EXPECTED = {
    "NaN": RuleCode.NONFINITE_COORDINATES,
    "infinity": RuleCode.NONFINITE_COORDINATES,
    "1e300": RuleCode.COORDINATE_RANGE,
    "1e9": RuleCode.COORDINATE_RANGE,
}


def _break_coordinates(folder: Path, value: float) -> None:
    """Put ``value`` into one feature of every geometry layer, as JSON (NaN as a token)."""
    for layer, row in ((S.BOOTHS, 1), (S.HALLS, 0), (S.OPENINGS, 0), (S.KIOSKS, 0)):
        path = folder / f"{layer}.geojson"
        doc = json.loads(path.read_text())
        geom = doc["features"][row]["geometry"]
        if geom["type"] == "Point":
            geom["coordinates"] = [value, value]
        elif geom["type"] == "LineString":
            geom["coordinates"][1] = [value, 4_440_014.0]
        else:
            geom["coordinates"][0][1] = [value, 4_440_008.0]
        path.write_text(json.dumps(doc))


@pytest.mark.parametrize("case", sorted(BAD_COORDS))
@pytest.mark.parametrize("container", ["GeoJSON", "GeoPackage"])
def test_bad_coordinates_are_problems_without_warnings(
    case: str, container: str, tmp_path: Path
) -> None:
    folder = write_spec(tiny_hall(), tmp_path / "v")
    _break_coordinates(folder, BAD_COORDS[case])
    source: Path = folder
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if container == "GeoPackage":
            venue = floorplan.load_venue(folder, strict=False)
            source = floorplan.write_venue(venue, tmp_path / "v.gpkg")
        venue = floorplan.load_venue(source, strict=False)
    assert [f"{w.category.__name__}: {w.message}" for w in caught] == []
    found = {(p.layer, p.rule) for p in venue.problems}
    for layer in (S.BOOTHS, S.HALLS, S.OPENINGS):
        assert (layer, EXPECTED[case]) in found, venue.problems
    # A NaN point is an empty point in WKB: the GeoPackage cannot tell them apart.
    point_rules = {EXPECTED[case]} | ({RuleCode.EMPTY_GEOMETRY} if case == "NaN" else set())
    assert found & {(S.KIOSKS, r) for r in point_rules}, venue.problems


def test_the_cli_prints_no_warnings_for_bad_coordinates(tmp_path: Path) -> None:
    for case, value in BAD_COORDS.items():
        folder = write_spec(tiny_hall(), tmp_path / case)
        _break_coordinates(folder, value)
        done = subprocess.run(
            [EXE, "validate", "--venue", str(folder)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        assert "Warning" not in done.stderr, done.stderr
        assert "site-packages" not in done.stderr
        assert str(EXPECTED[case]) in done.stderr


# ----------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("fid", "refused"),
    [
        ("W1\u0000A01", "U+0000"),
        ("W1\nA01", "U+000A"),
        ("W1\tA01", "U+0009"),
        ("W1\u007fA01", "U+007F"),
        ("W1\u0085A01", "U+0085"),
        ("W1\u2028A01", "U+2028"),
        ("A" * (MAX_ID_CHARS + 1), "at most 128"),
        ("北馆-A01", None),
        ("Halle 3 / Stand 12", None),
        ("A" * MAX_ID_CHARS, None),
    ],
)
def test_id_characters(fid: str, refused: str | None, tmp_path: Path) -> None:
    spec = tiny_hall()
    spec.replace("booths", "H1-A02", booth_id=fid)
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"), strict=False)
    hits = [p for p in venue.problems if p.rule is RuleCode.BAD_ID]
    if refused is None:
        assert venue.problems == []
        assert fid in set(venue.booths["booth_id"])
    else:
        (p,) = hits
        assert p.id == fid  # whole, never cut at a NUL
        assert refused in p.message


# ------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "case",
    [
        (S.BOOTHS, "H1-A02", "open_sides", 2**70, "is not an integer from"),
        (S.BOOTHS, "H1-A02", "open_sides", 7, "must be 0 to 4"),
        (S.HALLS, "H1", "level", 2**40, "is not an integer from"),
        (S.HALLS, "H1", "level", 2.5, "is not an integer from"),
        (S.OPENINGS, "H1-D1", "width_m", 1e6, "at most 1000"),
        (S.OPENINGS, "H1-D1", "width_m", "nan", "positive number"),
        (S.OPENINGS, "H1-D1", "width_m", -2, "positive number"),
        (S.KIOSKS, "K1", "heading_deg", 1e300, "from -360 to 360"),
        (S.KIOSKS, "K1", "heading_deg", "inf", "from -360 to 360"),
    ],
)
def test_numbers_out_of_range_are_bad_values(
    case: tuple[str, str, str, object, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layer, fid, prop, value, words = case
    spec = tiny_hall()
    spec.replace(layer, fid, **{prop: value})
    folder = write_spec(spec, tmp_path / "v")
    code = main(["validate", "--venue", str(folder), "--json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    problems = json.loads(out)["problems"]
    (bad,) = [p for p in problems if p["rule"] == "bad_value"]
    assert bad["id"] == fid
    assert words in bad["message"]
    # A NaN width is also a missing one (NaN is how a missing number reads).
    assert {p["rule"] for p in problems} <= {"bad_value", "missing_property"}


def test_points_have_no_vertex_limit_but_their_type(tmp_path: Path) -> None:
    """A kiosk of many points is a geometry_type problem, whatever its size."""
    spec = tiny_hall()
    spec.replace("kiosks", "K1", shapely.MultiPoint([Point(1 + k / 1e6, 1) for k in range(1000)]))
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"), strict=False)
    assert _rules(venue) == {("K1", "geometry_type")}
