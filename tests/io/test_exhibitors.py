"""Exhibitor lists in CSV (three encodings) and spreadsheets, matched to booths by number."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

import floorplan
from floorplan.cli import main
from floorplan.errors import ExhibitorListError, OptionError
from floorplan.io.exhibitors import IssueKind, import_exhibitors, parse_columns

HEADER = ["展位号 Booth", "公司名称", "Company", "国家/地区", "展区", "展品 Products", "网址"]
ROWS = [
    [
        "E1-A01",
        "绿谷种业",
        "Green Valley Seeds",
        "中国",
        "农业",
        "种子、化肥",
        "https://gv.example",
    ],
    ["E1-A02", "", "Harbour Robotics", "Singapore", "digital", "robots; arms", ""],
    ["E1-A03, E1-A04", "华康医疗", "Huakang Medical", "中国", "health", "monitors", ""],
]


@pytest.fixture(scope="module")
def venue() -> floorplan.Venue:
    return floorplan.load_venue()


def _csv(rows: list[list[str]], *, sep: str = ",") -> str:
    out = io.StringIO()
    import csv  # noqa: PLC0415

    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "read_as"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("gb18030", "GB18030")],
)
def test_csv_in_each_encoding_fills_the_booths(
    tmp_path: Path, venue: floorplan.Venue, encoding: str, read_as: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(_csv([HEADER, *ROWS], sep=";").encode(encoding))
    result = import_exhibitors(path, venue)
    assert result.complete
    rep = result.report
    assert (rep.read_as, rep.rows, rep.matched, rep.booths_filled) == (read_as, 3, 3, 4)
    assert rep.columns == {
        "booth": "展位号 Booth",
        "exhibitor_zh": "公司名称",
        "exhibitor": "Company",
        "country": "国家/地区",
        "zone": "展区",
        "products": "展品 Products",
        "website": "网址",
    }
    b = result.venue.booths.set_index("booth_id")
    fields = ["exhibitor", "exhibitor_zh", "zone", "products", "website"]
    assert b.loc["E1-A01", fields].tolist() == [
        "Green Valley Seeds",
        "绿谷种业",
        "agriculture",
        "种子;化肥",
        "https://gv.example",
    ]
    assert b.loc["E1-A02", ["exhibitor_zh", "country", "zone", "products"]].tolist() == [
        "",
        "Singapore",
        "digital",
        "robots;arms",
    ]
    assert b.loc["E1-A04", "exhibitor"] == "Huakang Medical"
    # One company on two booths is allowed, and said.
    assert [(n.kind, n.booth) for n in rep.noted] == [(IssueKind.MANY_BOOTHS, "E1-A03")]
    # The venue given is left as it was; booths not named keep their values.
    assert venue.booths.set_index("booth_id").loc["E1-A01", "exhibitor"] != "Green Valley Seeds"
    untouched = venue.booths.set_index("booth_id").loc["E1-B01"]
    assert (b.loc["E1-B01", ["exhibitor", "zone"]] == untouched[["exhibitor", "zone"]]).all()


def test_xlsx_with_a_title_row_and_numbers_as_numbers(
    tmp_path: Path, venue: floorplan.Venue
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "展商名录"
    sheet.append(["2024 展商名录 Exhibitor list"])
    sheet.append(["Stand No.", "Company Name", "Country"])
    sheet.append(["E1-A01", "Sunrise Solar", "China"])
    sheet.append([None, None, None])
    sheet.append(["e1-a02", "Qinghe Battery", "China"])  # another case: still found
    path = tmp_path / "list.xlsx"
    book.save(path)
    result = import_exhibitors(path, venue)
    assert result.complete, result.report.to_text()
    assert result.report.read_as == "sheet '展商名录'"
    assert result.report.rows == 2
    b = result.venue.booths.set_index("booth_id")
    assert b.loc["E1-A02", "exhibitor"] == "Qinghe Battery"
    with pytest.raises(ExhibitorListError, match="no sheet 'Other'; sheets: 展商名录"):
        import_exhibitors(path, venue, sheet="Other")
    # The same bytes, uploaded: the name says it is a spreadsheet.
    same = import_exhibitors(path.read_bytes(), venue, name="upload.xlsx")
    assert same.report.booths_filled == 2


def test_every_bad_row_is_reported_and_nothing_else_is_lost(
    tmp_path: Path, venue: floorplan.Venue
) -> None:
    rows = [
        ["Booth", "Company", "Zone"],
        ["E1-A01", "Alpha", "energy"],
        ["ZZ-999", "Nowhere Ltd", ""],  # unknown booth
        ["E1-A01", "Beta", ""],  # a booth Alpha has
        ["", "Gamma", ""],  # no booth number
        ["E1-A05", "Delta", "fashion"],  # no such zone
        ["E1-A06", "Alpha", "能源"],  # Alpha's second booth
    ]
    path = tmp_path / "bad.csv"
    path.write_text(_csv(rows), "utf-8")
    result = import_exhibitors(path, venue)
    assert not result.complete
    got = [(r.row, r.kind) for r in result.report.rejected]
    assert got == [
        (3, IssueKind.UNKNOWN_BOOTH),
        (4, IssueKind.BOOTH_TAKEN),
        (5, IssueKind.NO_BOOTH),
        (6, IssueKind.BAD_ZONE),
    ]
    messages = [str(r) for r in result.report.rejected]
    assert messages[1] == "row 4: Beta: booth E1-A01 is already Alpha's (row 2)"
    assert "zone 'fashion' is not one of automobile" in messages[3]
    b = result.venue.booths.set_index("booth_id")
    assert b.loc[["E1-A01", "E1-A06"], "zone"].tolist() == ["energy", "energy"]
    assert result.report.to_dict()["complete"] is False


@pytest.mark.parametrize(
    ("columns", "rows", "message"),
    [
        (None, [["Company", "Country"], ["A", "B"]], "no column of a booth number"),
        ({"booth": "Nr"}, [["Booth", "Company"], ["E1-A01", "A"]], "no column of Nr"),
        ({"booth": "Booth", "website": "Web"}, [["Booth"], ["E1-A01"]], r"no column 'Web'"),
    ],
)
def test_lists_without_the_columns_are_refused(
    tmp_path: Path,
    venue: floorplan.Venue,
    columns: dict[str, str] | None,
    rows: list[list[str]],
    message: str,
) -> None:
    path = tmp_path / "l.csv"
    path.write_text(_csv(rows), "utf-8")
    with pytest.raises(ExhibitorListError, match=message):
        import_exhibitors(path, venue, columns=columns)


def test_named_columns_override_the_headers(tmp_path: Path, venue: floorplan.Venue) -> None:
    path = tmp_path / "l.csv"
    path.write_text(_csv([["Nr", "Firma", "Booth"], ["E1-A01", "Acme", "ignored"]]), "utf-8")
    result = import_exhibitors(path, venue, columns=parse_columns("booth=Nr, exhibitor=Firma"))
    assert result.venue.booths.set_index("booth_id").loc["E1-A01", "exhibitor"] == "Acme"
    with pytest.raises(OptionError, match="unknown column field 'boot'"):
        parse_columns("boot=Nr")
    with pytest.raises(OptionError, match="must be FIELD=HEADER"):
        parse_columns("booth")


def test_unreadable_lists(tmp_path: Path, venue: floorplan.Venue) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Booth,Company\nE1-A01,Caf\xe9 \x81\x82\xff\xfe\n".encode("latin-1"))
    with pytest.raises(ExhibitorListError, match="neither UTF-8 nor GB18030"):
        import_exhibitors(latin, venue)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ExhibitorListError, match="not a readable spreadsheet"):
        import_exhibitors(broken, venue)
    with pytest.raises(ExhibitorListError, match="cannot be read"):
        import_exhibitors(tmp_path / "missing.csv", venue)


def test_cli_is_all_or_nothing_unless_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "l.csv"
    path.write_text(_csv([["Booth", "Company"], ["E1-A01", "Acme"], ["ZZ-1", "Ghost"]]), "utf-8")
    out = tmp_path / "out.gpkg"
    assert main(["import", "exhibitors", str(path), str(out)]) == 1
    captured = capsys.readouterr()
    assert "rejected row 3: Ghost: booth 'ZZ-1' is not in the venue" in captured.out
    assert "nothing written" in captured.err
    assert "--partial" in captured.err
    assert not out.exists()
    assert main(["import", "exhibitors", str(path), str(out), "--partial", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["complete"] is False
    assert doc["written"] == str(out)
    written = floorplan.load_venue(out)
    assert written.booths.set_index("booth_id").loc["E1-A01", "exhibitor"] == "Acme"
    assert main(["import", "exhibitors", str(tmp_path / "none.csv"), str(tmp_path / "x")]) == 2
    assert main(["import", "exhibitors", str(path), str(tmp_path / "y"), "--columns", "nope"]) == 2


def test_the_sample_list_fills_the_sample_drawing(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    from floorplan.io.dxf import Georef, import_dxf  # noqa: PLC0415

    fair = import_dxf(repo / "halls" / "sample-hall.dxf", Georef("EPSG:32650", origin=(0, 0)))
    result = import_exhibitors(repo / "halls" / "sample-exhibitors.csv", fair.venue)
    assert result.complete, result.report.to_text()
    assert result.report.read_as == "UTF-8 with BOM"
    b = result.venue.booths.set_index("booth_id")
    assert b.loc["1B08", ["exhibitor", "country", "zone"]].tolist() == [
        "Andes Copper S.A.",
        "Chile",
        "energy",
    ]
    assert b.loc["1A02", "products"] == "光伏组件;逆变器"
