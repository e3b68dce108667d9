"""Escape plans: the router's routes to the two nearest exits, step-free noted, turned to
the kiosk's heading, bilingual, one page per kiosk."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import floorplan
from floorplan.errors import PlaceError
from floorplan.render import (
    Paper,
    PrintOptions,
    escape_plan_pages,
    escape_plans_pdf,
    escape_routes,
    print_escape_plans,
)
from floorplan.render.escape import EXIT_KINDS, plan_frame

from conftest import door, tiny_hall, two_halls, write_spec

# Without poppler-utils these skip on a developer's machine, and fail under CI=true.
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") and not os.environ.get("CI"), reason="poppler-utils not installed"
)


@pytest.fixture(scope="module")
def venue() -> floorplan.Venue:
    return floorplan.load_venue()


@pytest.fixture(scope="module")
def router(venue: floorplan.Venue) -> floorplan.Router:
    return floorplan.Router(venue)


def test_routes_are_the_routers_to_the_two_nearest_exits(
    venue: floorplan.Venue, router: floorplan.Router
) -> None:
    exits = venue.openings[venue.openings["kind"].isin(EXIT_KINDS)]["opening_id"].tolist()
    for kiosk in ("W1-K1", "C-K2", "E3-K2"):
        routes = escape_routes(router, kiosk)
        assert len(routes) == 2
        fresh = floorplan.Router(venue)
        lengths = sorted((fresh.route(kiosk, e).length_m, e) for e in exits)
        assert [r.exit_id for r in routes] == [e for _, e in lengths[:2]]
        for r in routes:
            again = fresh.route(kiosk, r.exit_id)
            assert r.route.coords == again.coords
            assert r.route.length_m == pytest.approx(again.length_m)


def test_the_drawn_route_is_the_routers_route(
    venue: floorplan.Venue, router: floorplan.Router
) -> None:
    pages, _ = escape_plan_pages(venue, ["W2-K1"], router=router)
    fig = pages[0](1, 1)
    routes = escape_routes(router, "W2-K1")
    frame = plan_frame(venue, "W2-K1", routes, PrintOptions())
    heading = float(venue.kiosks.set_index("kiosk_id").loc["W2-K1", "heading_deg"])
    assert frame.angle_deg == heading
    for r in routes:
        (line,) = [ln for ln in fig.axes[0].lines if ln.get_gid() == f"route:{r.exit_id}"]
        drawn = np.column_stack(line.get_data())
        assert np.allclose(frame.to_m(drawn), np.asarray(r.route.coords), atol=1e-6)


def test_step_free_is_noted(tmp_path: Path) -> None:
    venue = floorplan.load_venue(write_spec(two_halls(), tmp_path / "v"))
    routes = {r.exit_id: r for r in escape_routes(floorplan.Router(venue), "KB")}
    assert routes["B-E1"].step_free is True
    assert routes["A-E1"].step_free is False  # through the stepped connection


@needs_poppler
def test_a_step_free_way_out_is_shown_when_the_nearest_have_steps(tmp_path: Path) -> None:
    spec = tiny_hall()
    spec.layers["openings"] += [
        door("H1-E2", (0, 20), (0, 22), kind="emergency_exit", step_free=False),
        door("H1-E3", (3, 30), (5, 30), kind="emergency_exit", step_free=False),
    ]
    venue = floorplan.load_venue(write_spec(spec, tmp_path / "v"))
    out = tmp_path / "k1.pdf"
    print_escape_plans(venue, out, ["K1"])
    text = re.sub(
        r"\s+",
        " ",
        subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout,
    )
    assert "has steps" in text
    assert "Nearest step-free way out: emergency exit H1-E1" in text
    assert "最近的无台阶出口" in text


@needs_poppler
def test_all_escape_plans_one_page_per_kiosk(
    venue: floorplan.Venue, router: floorplan.Router, tmp_path: Path
) -> None:
    out = tmp_path / "escape.pdf"
    print_escape_plans(venue, out, router=router, options=PrintOptions(paper=Paper.A3))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+16", info)
    assert "(A3)" in info
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    for kiosk in venue.kiosks["kiosk_id"]:
        assert f"Kiosk {kiosk}" in text
    assert text.count("You are here") >= 16
    assert text.count("您在这里") >= 16
    assert "疏散示意图" in text
    fonts = subprocess.run(
        ["pdffonts", str(out)], capture_output=True, text=True, check=True
    ).stdout
    assert "yes" in fonts.splitlines()[2]


def test_unknown_kiosks_are_refused(venue: floorplan.Venue) -> None:
    with pytest.raises(PlaceError, match="unknown kiosk 'K99'; kiosks: W1-K1"):
        escape_plans_pdf(venue, ["K99"])


def test_escape_plan_bytes_for_the_staff_page(
    venue: floorplan.Venue, router: floorplan.Router
) -> None:
    data = escape_plans_pdf(venue, ["C-K1", "C-K2"], router=router)
    assert data[:5] == b"%PDF-"
    assert b"/Count 2" in data
