"""The planner page's view without a browser: what it draws and says from its state."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import shapely

from floorplan.app.context import VenueContext
from floorplan.app.planner import PlannerPage
from floorplan.app.planner_io_view import ImportTab
from floorplan.io.store import LayoutStore
from floorplan.layout import booth_size
from floorplan.rules import PublishGate

from _browser import in_own_thread, kiosk_venue


@pytest.fixture
def page(tmp_path: Path) -> PlannerPage:
    store = LayoutStore(tmp_path / "layouts.gpkg", gate=PublishGate())
    return PlannerPage(VenueContext(kiosk_venue(), store=store), author="pat")


def test_doors_kiosks_and_amenities_are_drawn_with_what_they_keep_clear(
    page: PlannerPage,
) -> None:
    venue = kiosk_venue()
    doors = page.door_source.data
    assert sorted(doors["door"]) == sorted(venue.openings["opening_id"])
    clear = page.clear_source.data
    # One strip per exit kind (the connection is no exit), one circle per kiosk.
    exits = venue.openings[venue.openings["kind"] != "connection"]["opening_id"]
    assert sorted(clear["what"]) == sorted([*exits, "K1", "K2"])
    strip = clear["what"].index("A-E1")  # the entrance 28..32 at y=0: its 3 m strip
    xs, ys = clear["xs"][strip], clear["ys"][strip]
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx((28, 32, 0, 3))
    points = page.point_source.data
    assert sorted(points["label"]) == sorted(["K1", "K2", *venue.amenities["amenity_id"]])


def test_map_has_the_kiosks_scale_bar_and_north_arrow(page: PlannerPage) -> None:
    assert page.scale_bar in page.figure.center
    assert page.scale_bar.range is page.figure.x_range
    (arrow,) = page.figure.elements
    assert "map-north" in arrow.css_classes
    assert "rotate(-0.0)" in arrow.text or "rotate(0.0)" in arrow.text


def test_problems_tab_title_counts_the_list_it_shows(page: PlannerPage) -> None:
    s = page.state
    assert page.tabs._names[1] == "Problems (0)"
    s.select(["A-101"])
    s.move_selected(0.0, 15.0)  # onto A-102
    s.select(["B-101"])
    s.move_selected(0.0, 15.0)  # onto B-102
    n = len(s.problems)
    assert n >= 2
    assert page.tabs._names[1] == f"Problems ({n})"
    assert len(page.problem_list.objects) == n
    assert page.tabs[1] is page.problem_list  # a new object: Panel sends the new title
    assert all("error · booth_overlap" in b.name for b in page.problem_list.objects[:2])
    s.undo()
    assert page.tabs._names[1] == f"Problems ({len(s.problems)})"
    assert len(page.problem_list.objects) == len(s.problems)


def test_resize_fields_follow_the_booths_own_axes(page: PlannerPage) -> None:
    s = page.state
    s.select(["A-101"])  # 12 m along x, 8 m along y
    assert (page.width.value, page.depth.value) == (12.0, 8.0)
    s.rotate(90.0)  # now its long side runs north
    assert booth_size(s.booth_geometry("A-101")) == pytest.approx((12.0, 8.0))
    s.select([])
    s.select(["A-101"])
    assert (page.width.value, page.depth.value) == (12.0, 8.0)
    before = s.booth_geometry("A-101")
    assert s.resize(page.width.value, page.depth.value)  # as shown: no turn, no change
    assert shapely.equals_exact(s.booth_geometry("A-101"), before, 1e-6)


def test_publish_questions_and_rollback_are_shown(page: PlannerPage) -> None:
    s = page.state
    assert not page.confirm_row.visible
    assert not page.rollback_btn.visible
    s.select(["A-101"])
    s.move_selected(0.0, 2.0)
    page.publish_btn.clicks += 1
    assert page.confirm_row.visible
    assert page.confirm_yes.name == "Save and publish"
    assert "not saved" in page.confirm_text.object
    assert "1 booth changed, not saved" in page.version_info.object
    s.answer(True, message="north")
    assert not page.confirm_row.visible
    assert "data-published='2'" in page.version_info.object
    assert "published v2; no kiosk session open" in page.version_info.object
    s.publish(1)
    assert page.rollback_btn.visible
    assert page.rollback_btn.name == "Roll back to version 2"


def test_import_preview_is_drawn_instead_of_the_booths_then_saved_and_drawn(
    page: PlannerPage,
) -> None:
    tab = page.io_tab
    data = (Path(__file__).resolve().parents[2] / "halls" / "sample-hall.dxf").read_bytes()
    preview = tab.state.upload_dxf(data, "sample-hall.dxf", tab.options())
    assert preview is not None, tab.state.error
    drawn = page.preview_source.data
    assert sorted(drawn["booth_id"]) == sorted(preview.venue.booths["booth_id"])
    assert len(page.preview_hall_source.data["xs"]) == len(preview.venue.halls)
    assert not page.booths.visible  # the drawing's booths instead of the open layout's
    assert not page.booth_labels.visible
    assert tab.accept_btn in tab.answer.objects[1]
    assert f"{preview.booths} booths" in tab.report.object
    assert "Import report" in tab.report.object
    assert page.state.focus == pytest.approx(tuple(preview.venue.halls.total_bounds))
    tab.accept_msg.value = "drawing"
    tab.accept_btn.clicks += 1
    assert page.state.base == 2
    assert tab.answer.objects == []
    assert page.booths.visible
    assert page.preview_source.data["booth_id"] == []
    # The map now draws the new version: its halls, obstacles and booths.
    assert page.hall_name_source.data["text"] == [
        str(n or h)
        for n, h in zip(preview.venue.halls["name"], preview.venue.halls["hall_id"], strict=True)
    ]
    assert len(page.obstacle_source.data["xs"]) == len(preview.venue.obstacles)
    assert sorted(page.source.data["booth_id"]) == sorted(preview.venue.booths["booth_id"])
    assert "saved as version 2" in tab.message.object


def test_a_list_preview_outlines_only_the_booths_it_fills(page: PlannerPage) -> None:
    tab = page.io_tab
    csv = b"booth,company\nA-101,Acme\n"
    assert tab.state.upload_exhibitors(csv, "<b>list</b>.csv") is not None, tab.state.error
    assert page.preview_source.data["booth_id"] == ["A-101"]
    assert page.booths.visible
    assert "&lt;b&gt;list&lt;/b&gt;.csv" in tab.report.object  # escaped, never markup
    assert "<b>list" not in tab.report.object
    tab.discard_btn.clicks += 1
    assert page.preview_source.data["booth_id"] == []
    assert page.state.base == 1


def _upload(tab: ImportTab, name: str, data: bytes) -> None:
    """Choose a file as the browser does and await the handler.

    In a thread of its own: an earlier browser test may leave this thread's event loop
    marked running, and ``asyncio.run`` refuses to start inside one.
    """

    def go() -> None:
        tab.upload.filename = name
        tab.upload.param.update(value=data)
        asyncio.run(tab._on_upload())

    in_own_thread(go, timeout_s=300)


def _read_again(tab: ImportTab) -> None:
    in_own_thread(lambda: asyncio.run(tab._on_upload()), timeout_s=300)


def test_upload_handler_reads_in_a_worker_and_shows_a_bad_file(page: PlannerPage) -> None:
    tab = page.io_tab
    _upload(tab, "broken.dxf", b"0\nSECTION\n")
    assert tab.state.error.startswith("not imported: broken.dxf")
    assert "broken.dxf" in tab.message.object
    assert tab.state.busy == ""


def test_read_again_rereads_the_upload_with_new_options(page: PlannerPage) -> None:
    tab = page.io_tab
    data = (Path(__file__).resolve().parents[2] / "halls" / "sample-hall.dxf").read_bytes()
    _upload(tab, "sample-hall.dxf", data)
    first = tab.state.preview
    assert first is not None, tab.state.error
    x0, y0 = tab.state.default_origin()
    # The field shows the default origin exactly (4440856, not 4.44086e+06).
    assert tab.origin.value == f"{x0:.0f},{y0:.0f}"
    assert abs(first.venue.halls.total_bounds[1] - y0) < 1.0  # walls reach just past 0,0
    tab.origin.value = f"{x0 + 1000:g},{y0}"
    _read_again(tab)
    second = tab.state.preview
    assert second is not None, tab.state.error
    dx = second.venue.halls.total_bounds[0] - first.venue.halls.total_bounds[0]
    assert dx == pytest.approx(1000.0, abs=0.01)
    tab.origin.value = "east,north"
    _read_again(tab)
    assert tab.state.preview is None
    assert "east,north" in tab.state.error
