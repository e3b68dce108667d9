"""Printed plans: every booth number and Chinese name in the PDF's text, fonts embedded,
page count and size, labels that never overlap, SVG/PNG by suffix."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import floorplan
from floorplan.errors import OptionError
from floorplan.render import Paper, PrintLang, PrintOptions, plan_pages, plan_pdf, print_plan
from floorplan.render.directory import directory_pages, pinyin_key, sort_key_en
from floorplan.render.document import Document
from floorplan.render.page import RC

from conftest import tiny_hall, write_spec

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")
# Without poppler-utils these skip on a developer's machine, and fail under CI=true.
needs_poppler = pytest.mark.skipif(
    not POPPLER and not os.environ.get("CI"), reason="poppler-utils (pdftotext) not installed"
)
WHEN = date(2023, 11, 28)


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_info(path: Path) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)


def fonts(path: Path) -> list[list[str]]:
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in done.stdout.splitlines()[2:]]


@pytest.fixture(scope="module")
def venue() -> floorplan.Venue:
    return floorplan.load_venue()


@pytest.fixture(scope="module")
def w1_a1(venue: floorplan.Venue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "w1.pdf"
    print_plan(venue, out, hall="W1", options=PrintOptions(paper=Paper.A1, printed_on=WHEN))
    return out


@needs_poppler
def test_a_hall_plan_holds_every_booth_number_and_chinese_name(
    venue: floorplan.Venue, w1_a1: Path
) -> None:
    text = squeeze(pdf_text(w1_a1))
    booths = venue.booths[venue.booths["hall_id"] == "W1"]
    assert len(booths) > 50
    for bid in booths["booth_id"]:
        assert bid in text, bid
    for name in booths["exhibitor_zh"]:
        if name:
            assert squeeze(name) in text, name
    assert "WestHall1" in text
    assert "2023-11-28" in text


@needs_poppler
def test_the_plan_is_one_a1_page_with_its_font_embedded(w1_a1: Path) -> None:
    info = pdf_info(w1_a1)
    assert info["Pages"].strip() == "1"
    assert "(A1)" in info["Page size"]
    rows = fonts(w1_a1)
    assert rows
    assert all(r[-5] == "yes" for r in rows), rows  # "emb" column
    assert any("WenQuanYi" in r[0] or "Noto" in r[0] for r in rows)


@needs_poppler
def test_all_prints_the_venue_every_hall_and_the_directory(
    venue: floorplan.Venue, tmp_path: Path
) -> None:
    out = tmp_path / "all.pdf"
    options = PrintOptions(paper=Paper.A4, lang=PrintLang.BOTH, printed_on=WHEN)
    print_plan(venue, out, all_halls=True, options=options)
    directory = directory_pages(Document(venue, options))
    assert len(directory) >= 2
    info = pdf_info(out)
    assert int(info["Pages"]) == 1 + len(venue.halls) + len(directory)
    assert "(A4)" in info["Page size"]
    text = pdf_text(out)
    for name in venue.booths["exhibitor"]:
        if name:
            assert squeeze(name) in squeeze(text), name


@needs_poppler
def test_the_directory_is_alphabetical_and_by_pinyin(tmp_path: Path) -> None:
    spec = tiny_hall()
    spec.replace("booths", "H1-A01", exhibitor="Zeta Motors", exhibitor_zh="北京汽车")
    spec.replace("booths", "H1-A02", exhibitor="Alpha Farms", exhibitor_zh="上海农业")
    spec.replace("booths", "H1-A03", exhibitor="Müller Agrar", exhibitor_zh="成都能源")
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"))
    out = tmp_path / "dir.pdf"
    print_plan(venue, out, all_halls=True, options=PrintOptions(printed_on=WHEN))
    text = pdf_text(out)
    directory = text[text.index("Exhibitors A–Z") :]
    en = [directory.index(n) for n in ("Alpha Farms", "Müller Agrar", "Zeta Motors")]
    assert en == sorted(en)
    pinyin = text[text.index("Exhibitors by pinyin") :]
    zh = [pinyin.index(n) for n in ("北京汽车", "成都能源", "上海农业")]
    assert zh == sorted(zh)


def test_sort_keys() -> None:
    assert sorted(["zeta", "Älvsjö", "Abc"], key=sort_key_en) == ["Abc", "Älvsjö", "zeta"]
    assert sorted(["重庆", "安徽", "北京"], key=pinyin_key) == ["安徽", "北京", "重庆"]


@pytest.mark.parametrize("paper", [Paper.A4, Paper.A3, Paper.A1])
def test_labels_never_overlap(venue: floorplan.Venue, paper: Paper) -> None:
    pages, _ = plan_pages(venue, hall="W1", options=PrintOptions(paper=paper))
    with mpl.rc_context(RC):
        fig = pages[0](1, 1)
        renderer = FigureCanvasAgg(fig).get_renderer()
        boxes = [
            (t.get_gid(), t.get_window_extent(renderer))
            for t in fig.axes[0].texts
            if (t.get_gid() or "").split(":")[0] in {"booth", "name", "leader", "hall"}
        ]
    assert len(boxes) > 60
    clashes = [
        (ga, gb)
        for (ga, a), (gb, b) in itertools.combinations(boxes, 2)
        if ga.split(":")[1] != gb.split(":")[1]
        and min(a.x1, b.x1) - max(a.x0, b.x0) > 0.1
        and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.1
    ]
    assert clashes == []
    if paper is Paper.A4:
        assert any(g.startswith("leader:") for g, _ in boxes)  # small sheets move names out


def test_every_booth_gets_its_number_on_an_a1_hall_plan(venue: floorplan.Venue) -> None:
    pages, _ = plan_pages(venue, hall="E2", options=PrintOptions(paper=Paper.A1))
    fig = pages[0](1, 1)
    numbered = {t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("booth:")}
    numbered |= {
        t.get_text().split()[0]
        for t in fig.axes[0].texts
        if (t.get_gid() or "").startswith("leader:")
    }
    assert set(venue.booths[venue.booths["hall_id"] == "E2"]["booth_id"]) <= numbered


def test_svg_and_png_by_suffix_one_file_per_page(tmp_path: Path) -> None:
    venue = floorplan.load_venue(write_spec(tiny_hall(), tmp_path / "v"))
    svg = print_plan(venue, tmp_path / "h1.svg", hall="H1")
    assert [p.name for p in svg] == ["h1.svg"]
    assert svg[0].read_text().lstrip().startswith("<?xml")
    pngs = print_plan(
        venue, tmp_path / "all.png", all_halls=True, options=PrintOptions(paper=Paper.A4)
    )
    names = [p.name for p in pngs]
    assert names[:2] == ["all-venue.png", "all-H1.png"]
    assert names[2:]
    assert all(n.startswith("all-directory-") for n in names[2:])
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_pdf_bytes_for_downloads_and_bad_requests(venue: floorplan.Venue) -> None:
    data = plan_pdf(venue, hall="C")
    assert data[:5] == b"%PDF-"
    with pytest.raises(OptionError, match="unknown hall 'X9'; halls: W1"):
        plan_pdf(venue, hall="X9")
    with pytest.raises(OptionError, match="not both"):
        plan_pdf(venue, hall="W1", all_halls=True)
    with pytest.raises(OptionError, match=r"valid: \.pdf, \.svg, \.png"):
        print_plan(venue, "plan.docx")


def test_an_existing_file_is_kept_without_overwrite(venue: floorplan.Venue, tmp_path: Path) -> None:
    out = tmp_path / "keep.pdf"
    out.write_text("mine")
    with pytest.raises(FileExistsError):
        print_plan(venue, out, hall="W1", overwrite=False)
    assert out.read_text() == "mine"


@needs_poppler
def test_chinese_only_and_english_only_text(venue: floorplan.Venue, tmp_path: Path) -> None:
    zh = tmp_path / "zh.pdf"
    print_plan(venue, zh, hall="W3", options=PrintOptions(lang=PrintLang.ZH, paper=Paper.A2))
    text = pdf_text(zh)
    assert "展馆平面图" in text
    assert "Hall plan" not in text
    en = tmp_path / "en.pdf"
    print_plan(venue, en, hall="W3", options=PrintOptions(lang=PrintLang.EN, paper=Paper.A2))
    text = pdf_text(en)
    assert "Hall plan" in text
    assert "展馆平面图" not in text


def test_the_layout_version_names_the_layout(venue: floorplan.Venue) -> None:
    a = Document(venue, PrintOptions()).version()
    assert a == Document(venue.copy(), PrintOptions()).version()
    moved = venue.copy()
    moved.booths.loc[moved.booths.index[0], "exhibitor"] = "Someone Else Ltd"
    assert Document(moved, PrintOptions()).version() != a
    assert Document(venue, PrintOptions(layout_version="v12")).version() == "v12"
