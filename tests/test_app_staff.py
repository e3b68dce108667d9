"""The staff page's views over floorplan.capacity (no browser: the log-in is in test_app_kiosk)."""

from __future__ import annotations

import csv
import io

from floorplan import capacity as C
from floorplan.app.context import VenueContext
from floorplan.app.staff import StaffPage, report_csv, report_html

from _browser import kiosk_venue


def test_staff_page_tables_and_bad_counts() -> None:
    venue = kiosk_venue()
    page = StaffPage(VenueContext(venue))
    page.view()
    # Hall A's one 4 m entrance binds (floor(4 / 0.65 × 100) = 615 < 1,800); B has no exit.
    assert "class='binding'>615<" in page.table.object
    assert "capacity 0" in page.findings.object
    page.count_inputs["A"].value = "-3"
    page._update_crowding()
    assert "must be &gt;= 0" in page.crowd_out.object
    page.count_inputs["A"].value = "abc"
    page._update_crowding()
    assert "not a number" in page.crowd_out.object
    page.count_inputs["A"].value = "2000"
    page._update_crowding()
    assert "crowding-table" in page.crowd_out.object
    page.f_open.value = "0"
    assert "open_h must be &gt; 0" in page.forecast_out.object
    rows = list(csv.DictReader(io.StringIO(report_csv(page.caps))))
    assert [r["hall_id"] for r in rows] == ["A", "B"]
    assert rows[1]["capacity"] == "0"
    doc = report_html(venue, page.caps, C.load_profile("gb50016"))
    assert "<svg" in doc
    assert "GB 50016" in doc
    # A name with markup is shown as text.
    assert "<img" not in page.table.object
