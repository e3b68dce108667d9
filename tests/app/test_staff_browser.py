"""Drive the staff page in Debian's Chromium against a real ``floorplan serve`` subprocess.

The venue is the kiosk's small two-hall venue with hall B's exits cut to one: hall A
keeps every exit (within every limit), hall B has one 4 m emergency exit in its far
wall (its exit width binds, its far corner is past the travel limit). Expected figures
come from :mod:`floorplan.capacity` and ``floorplan capacity --json`` on the same files.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from floorplan import capacity as C
from floorplan.capacity.sim import jupedsim_available
from floorplan.io import load_venue
from floorplan.schema import Col
from floorplan.users import add_user

from _browser import (
    Server,
    in_own_thread,
    kiosk_venue,
    launch_chromium,
    log_in,
    write_geojson_folder,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "staff horse battery"
#: ``td.binding``'s background in the page's style sheet (#ffe08a).
BINDING_RGB = "rgb(255, 224, 138)"
#: The CSV's figures compared with ``floorplan capacity --json`` (numbers as numbers).
NUMERIC = (
    "gross_area_m2",
    "booth_area_m2",
    "circulation_area_m2",
    "exit_count",
    "exit_width_m",
    "occupant_load",
    "egress_capacity",
    "capacity",
    "travel_limit_m",
    "max_travel_straight_m",
    "max_travel_walk_m",
    "past_limit_m2",
    "evacuation_s",
)
TEXT = ("hall_id", "name", "zone", "profile", "binding", "travel_measure")


@pytest.fixture(scope="module")
def venue_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venue = kiosk_venue()
    ops = venue.openings
    venue.openings = ops[~ops[Col.OPENING_ID].isin(["B-X2", "B-X3"])]
    return write_geojson_folder(venue, tmp_path_factory.mktemp("staff") / "venue")


@pytest.fixture(scope="module")
def server(venue_dir: Path) -> Iterator[Server]:
    users = venue_dir.parent / "users.json"
    add_user(users, "sam", role="staff", password=PASSWORD)
    srv = Server("--venue", str(venue_dir), "--users", str(users))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def caps(venue_dir: Path) -> list[C.HallCapacity]:
    return C.hall_capacity(load_venue(venue_dir), with_field=True)


def _on_staff_page(server: Server, check: Callable[[Page], None]) -> None:
    """Log in as staff in a fresh Chromium, wait for the capacity table, run ``check``."""

    def run() -> None:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                context = browser.new_context(
                    viewport={"width": 1600, "height": 1000}, accept_downloads=True
                )
                page = context.new_page()
                log_in(page, server.url, "sam", PASSWORD, next_path="/staff")
                # The table is filled once the figures are computed (in a worker thread).
                page.locator("#capacity-table").wait_for(timeout=40_000)
                check(page)
            finally:
                browser.close()

    in_own_thread(run)


def test_table_highlights_binding_limit(server: Server, caps: list[C.HallCapacity]) -> None:
    _on_staff_page(server, lambda page: _table_highlights_binding_limit(page, caps))


def _table_highlights_binding_limit(page: Page, caps: list[C.HallCapacity]) -> None:
    table = page.locator("#capacity-table")
    for c in caps:
        row = table.locator(f"tr[data-hall='{c.hall_id}']")
        expect(row).to_contain_text(c.name)
        # Plain words for the limit; the technical name on hover.
        expect(row).to_have_attribute("data-binding", str(c.load.binding))
        words = {"occupant_load": "floor area", "egress_width": "exit width"}
        expect(row.locator(f"td[title='{c.load.binding}']")).to_have_text(words[c.load.binding])
        expect(row.locator("td b")).to_have_text(f"{c.load.capacity:,}")
        binding = row.locator("td.binding")
        expect(binding).to_have_count(1)
        # The highlighted cell is the limit that binds, and it shows that limit's figure.
        load = c.load
        limit = load.occupant_load if load.binding == "occupant_load" else load.egress_capacity
        expect(binding).to_have_text(f"{limit:,}")
        colour = binding.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == BINDING_RGB
        # The other limit is not highlighted.
        other = load.egress_capacity if load.binding == "occupant_load" else load.occupant_load
        plain = row.locator("td:not(.binding)", has_text=f"{other:,}")
        assert plain.count() >= 1
    # Hall A's floor binds, hall B's one exit does.
    assert [c.load.binding for c in caps] == ["occupant_load", "egress_width"]


def test_crowd_count_shows_density_and_level(server: Server, caps: list[C.HallCapacity]) -> None:
    _on_staff_page(server, lambda page: _crowd_count_shows_density_and_level(page, caps))


def _crowd_count_shows_density_and_level(page: Page, caps: list[C.HallCapacity]) -> None:
    count = 900
    expected = {r.name: r for r in C.crowding(caps, {"B": count})}["B"]
    box = page.get_by_label("B", exact=True)
    box.fill(str(count))
    box.press("Enter")
    page.get_by_role("button", name="Update crowding").click()
    first = page.locator("td:first-child", has_text=re.compile("^B$"))
    row = page.locator("#crowding-table tr").filter(has=first)
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text(f"{count:,}", timeout=20_000)
    expect(cells.nth(2)).to_have_text(f"{expected.density_ppm2:.2f}")
    expect(cells.nth(3)).to_have_attribute("data-los", str(expected.los))
    expect(cells.nth(3)).to_have_attribute("title", f"Fruin LOS {expected.los}")
    assert expected.over_capacity  # 900 > hall B's 615: the share is shown in red
    colour = cells.nth(5).evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(176, 0, 32)"


def test_csv_report_matches_cli(server: Server, venue_dir: Path, tmp_path: Path) -> None:
    _on_staff_page(server, lambda page: _csv_report_matches_cli(page, venue_dir, tmp_path))


def _csv_report_matches_cli(page: Page, venue_dir: Path, tmp_path: Path) -> None:
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "capacity.csv"
    path = tmp_path / "capacity.csv"
    download.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))

    exe = Path(sys.executable).with_name("floorplan")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "floorplan"]
    out = subprocess.run(
        [*cmd, "capacity", "--venue", str(venue_dir), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 1, out.stderr  # hall B's far corner: a code rule is broken
    halls = json.loads(out.stdout)["halls"]
    assert [r["hall_id"] for r in rows] == [h["hall_id"] for h in halls] == ["A", "B"]
    for row, hall in zip(rows, halls, strict=True):
        for col in TEXT:
            assert row[col] == str(hall[col]), (hall["hall_id"], col)
        for col in NUMERIC:
            want = hall[col]
            if want is None:
                assert row[col] == "", (hall["hall_id"], col)
            else:
                assert float(row[col]) == pytest.approx(want, abs=1e-3), (hall["hall_id"], col)


def test_simulation_runs_with_progress_and_plot(server: Server) -> None:
    if not jupedsim_available():
        pytest.skip("JuPedSim not installed (pip install 'floorplan[sim]')")
    _on_staff_page(server, _simulation_runs_with_progress_and_plot)


def _simulation_runs_with_progress_and_plot(page: Page) -> None:
    page.get_by_label("Occupants", exact=True).fill("40")
    page.get_by_label("Occupants", exact=True).press("Enter")
    page.get_by_role("button", name="Run simulation").click()
    bar = page.locator("progress")
    bar.wait_for(timeout=20_000)
    result = page.locator("#sim-result")
    expect(result).to_contain_text("JuPedSim:", timeout=45_000)
    expect(result).to_contain_text("for 40 people (0 stuck)")
    assert bar.get_attribute("value") == "100"
    assert bar.get_attribute("max") == "100"
    title = "Where people were during the evacuation of A"
    page.wait_for_function(
        """(title) => {
          const d = Bokeh.documents[0];
          for (const m of d.all_models) {
            if (m.type === 'Title' && m.text === title) return true;
          }
          return false;
        }""",
        arg=title,
        timeout=20_000,
    )
    # The animation: a time slider over the recorded positions, one frame a second.
    label = page.locator(".anim-frame")
    expect(label).to_contain_text("t = 0 s: 40 people inside")
    slider = page.locator("input[type=range]")
    expect(slider).to_have_count(1)
    last = int(slider.evaluate("e => e.max"))
    assert last >= 2
    slider.fill(str(last))
    expect(label).to_have_attribute("data-frame", str(last), timeout=20_000)
    expect(label).to_contain_text(f"t = {last} s")
    found = re.search(r"s: (\d+) people", label.inner_text())
    assert found is not None
    inside = int(found.group(1))
    assert inside < 40


def _pdf(path: Path) -> tuple[str, int]:
    """Return a PDF's text (pdftotext) and its page count (pdfinfo)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found is not None
    return text, int(found.group(1))


def test_verdicts_and_an_over_capacity_alarm(server: Server, caps: list[C.HallCapacity]) -> None:
    _on_staff_page(server, lambda page: _verdicts_and_an_over_capacity_alarm(page, caps))


def _verdicts_and_an_over_capacity_alarm(page: Page, caps: list[C.HallCapacity]) -> None:
    a, b = caps
    verdicts = page.locator("#verdicts")
    hall_a = verdicts.locator(".verdict[data-hall='A']")
    hall_b = verdicts.locator(".verdict[data-hall='B']")
    expect(hall_a).to_have_attribute("data-level", "ok")
    expect(hall_a.locator("[lang=en]")).to_have_text("Within limits")
    expect(hall_a.locator("[lang=zh]")).to_have_text("符合限值")
    # Hall B's far corner is past the limit before anyone is counted.
    expect(hall_b).to_have_attribute("data-level", "alarm")
    expect(hall_b.locator("[lang=en]")).to_contain_text("Too far to an exit")
    for hall, n in (("A", 100), ("B", b.load.capacity + 312)):
        box = page.get_by_label(hall, exact=True)
        box.fill(str(n))
        box.press("Enter")
    page.get_by_role("button", name="Update crowding").click()
    expect(hall_b.locator("[lang=en]")).to_contain_text("Over by 312 people", timeout=20_000)
    expect(hall_b.locator("[lang=zh]")).to_contain_text("超员 312 人")
    expect(hall_a.locator("[lang=en]")).to_have_text(
        f"Within limits: 100 of {a.load.capacity:,} people"
    )
    # An alarm looks like one: an alert with an icon, white on red, in the first screen.
    expect(hall_b).to_have_attribute("role", "alert")
    expect(hall_b.locator(".verdict-icon")).to_have_text("⚠")
    colours = hall_b.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    )
    assert colours == ["rgb(176, 0, 32)", "rgb(255, 255, 255)"]
    where = hall_b.bounding_box()
    assert where is not None
    assert where["y"] + where["height"] <= 1000
    venue = verdicts.locator(".verdict[data-hall='']")
    expect(venue).to_have_attribute("data-level", "alarm")
    expect(venue.locator("[lang=en]")).to_contain_text("1 of 2 halls need action: B")
    # The chart of people against capacity, with the counts just entered.
    page.wait_for_function(
        """() => {
          for (const m of Bokeh.documents[0].all_models) {
            if (m.name === 'day-chart') return true;
          }
          return false;
        }""",
        timeout=20_000,
    )


def test_downloads_of_the_capacity_report_and_escape_plans(
    server: Server, caps: list[C.HallCapacity], tmp_path: Path
) -> None:
    _on_staff_page(server, lambda page: _downloads(page, caps, tmp_path))


def _downloads(page: Page, caps: list[C.HallCapacity], tmp_path: Path) -> None:
    files = {}
    for label, name in (
        ("Capacity report (PDF)", "capacity-report.pdf"),
        ("Escape plans (PDF)", "escape-plans.pdf"),
    ):
        with page.expect_download(timeout=90_000) as info:
            page.get_by_role("button", name=label).click()
        download = info.value
        assert download.suggested_filename == name
        files[name] = tmp_path / name
        download.save_as(files[name])
    text, pages = _pdf(files["capacity-report.pdf"])
    assert pages == 1
    for c in caps:
        assert c.name in text
        row = next(
            line.split()
            for line in text.splitlines()
            if line.startswith(c.hall_id + " ") and "·" not in line
        )
        assert row[7] == f"{c.load.capacity:,}"
    assert "Too far to an exit" in text
    assert "Checked by" in text
    text, pages = _pdf(files["escape-plans.pdf"])
    assert pages == 2  # one plan per kiosk: K1 in hall A, K2 in hall B
    assert "Kiosk K1, Hall A" in text
    assert "Kiosk K2, Hall B" in text
    expect(page.locator("#download-error")).to_have_count(0)


def test_a_counts_file_with_bad_rows_changes_nothing(server: Server, tmp_path: Path) -> None:
    _on_staff_page(server, lambda page: _counts_file(page, tmp_path))


def _counts_file(page: Page, tmp_path: Path) -> None:
    bad = tmp_path / "door-counters.csv"
    bad.write_text("hall_id,count,time\nA,120,10:00\nZZ,5,10:00\nB,lots,10:00\n", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(bad)
    errors = page.locator("#csv-errors")
    expect(errors).to_have_attribute("data-count", "2", timeout=20_000)
    items = errors.locator("li")
    expect(items.nth(0)).to_have_text(
        "door-counters.csv row 3, hall ZZ: unknown hall (halls: A, B)"
    )
    expect(items.nth(1)).to_contain_text("door-counters.csv row 4, hall B: count for hall B")
    expect(errors).to_contain_text("Nothing changed")
    # A's good row was not applied: its box still says 0 and no verdict counts anyone.
    expect(page.get_by_label("A", exact=True)).to_have_value("0")
    expect(page.locator(".verdict[data-hall='A'] [lang=en]")).to_have_text("Within limits")
    good = tmp_path / "door-counters-2.csv"
    good.write_text("hall_id,count,time\nA,120,10:00\nB,30,10:00\n", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(good)
    expect(errors).to_have_count(0, timeout=20_000)
    expect(page.get_by_label("A", exact=True)).to_have_value("120")
    expect(page.locator(".verdict[data-hall='A'] [lang=en]")).to_contain_text(
        "Within limits: 120 of"
    )
