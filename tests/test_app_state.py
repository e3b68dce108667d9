"""Kiosk page logic without a browser: KioskState, the map frame, the role check."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from floorplan import i18n
from floorplan.app.context import VenueContext
from floorplan.app.kiosk import KioskPage, KioskState
from floorplan.app.mapview import MapFrame
from floorplan.app.server import _is_public, authorize
from floorplan.search import HitKind
from floorplan.users import add_user

from _browser import XSS_NAME, kiosk_venue


@pytest.fixture(scope="module")
def ctx() -> VenueContext:
    return VenueContext(kiosk_venue())


@pytest.fixture
def state(ctx: VenueContext) -> KioskState:
    s = KioskState(ctx)
    s.apply_args({"kiosk": "K1"})
    return s


def test_deep_link_args(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"kiosk": "K1", "to": "A-101", "lang": "zh", "accessible": "1"})
    assert (s.kiosk_id, s.selected, s.lang, s.accessible, s.mode) == (
        "K1",
        "A-101",
        "zh",
        True,
        "card",
    )
    assert s.route is not None
    assert s.route.length_m > 0
    card = s.card()
    assert card is not None
    assert card.title == "Acme Motors"
    assert "米" in card.distance
    assert card.steps


def test_bad_deep_link_is_a_notice(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"kiosk": "K9", "to": "NOPE", "lang": "xx"})
    assert s.kiosk_id == ""
    assert s.selected == ""
    assert "NOPE" in s.notice
    assert s.lang == "en"


def test_search_then_choose(state: KioskState) -> None:
    hits = state.set_query("acme")
    assert state.mode == "search"
    assert hits[0].kind is HitKind.EXHIBITOR
    state.choose_hit(hits[0])
    assert state.selected == "A-101"
    assert state.mode == "card"
    assert state.route is not None
    assert state.route.coords[0] == pytest.approx((30.0, 4.0), abs=0.6)
    state.set_query("")
    assert state.mode == "home"


def test_zone_hit_browses_zone(state: KioskState) -> None:
    zone = next(h for h in state.set_query("digital") if h.kind is HitKind.ZONE)
    state.choose_hit(zone)
    assert state.mode == "zone"
    assert [b for b, _ in state.zone_exhibitors("digital")] == ["A-202", "B-202"]  # "<" < "d"


def test_tap(state: KioskState) -> None:
    assert state.tap(75.0, 12.0) == "B-101"
    assert state.card().title == "Health First"  # type: ignore[union-attr]
    before = state.selected
    assert state.tap(1.0, 1.0) is None  # the aisle: nothing changes
    assert state.selected == before


def test_amenity_and_event_targets(state: KioskState) -> None:
    toilets = [h for h in state.set_query("toilet") if h.kind is HitKind.AMENITY]
    assert toilets[0].key == "WC-A"  # nearer to kiosk K1
    state.choose_hit(toilets[0])
    assert state.route is not None
    running, upcoming = state.events_now_next()
    assert list(running["event_id"]) == ["EV1"]  # outside fair days: the first event
    assert list(upcoming["event_id"]) == ["EV2"]


def test_accessible_toggle_reroutes(state: KioskState) -> None:
    state.choose("B-201")
    normal = state.route
    state.set_accessible(True)
    assert state.route is not normal
    assert state.route.accessible is True


def test_no_kiosk_no_route(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"to": "A-101"})
    assert s.selected == "A-101"
    assert s.route is None
    assert s.card().distance == ""  # type: ignore[union-attr]


def test_from_overrides_kiosk(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"kiosk": "K1", "from": "WC-B", "to": "B-202"})
    assert s.route is not None
    assert s.route.coords[0] == pytest.approx((117.0, 37.0), abs=1.0)


def test_deep_link_round_trip(state: KioskState) -> None:
    state.choose("A-201")
    state.lang = "zh"
    url = state.deep_link("http://phone.example:5006")
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert q == {"kiosk": "K1", "to": "A-201", "lang": "zh", "idle": "0"}
    other = KioskState(state.ctx)
    other.apply_args(q)
    assert other.card() == state.card()


def test_reset(state: KioskState) -> None:
    state.choose("A-101")
    state.lang = "zh"
    state.high_contrast = True
    state.reset()
    assert (state.selected, state.route, state.mode, state.lang, state.high_contrast) == (
        "",
        None,
        "home",
        "en",
        False,
    )
    assert state.kiosk_id == "K1"


def test_labels_are_text(state: KioskState) -> None:
    hit = state.set_query("<img")[0]
    assert state.hit_label(hit).startswith(XSS_NAME)


def test_page_escapes_markup(ctx: VenueContext) -> None:
    page = KioskPage(ctx, {"kiosk": "K1", "to": "A-202"}, base_url="http://x")
    html = "".join(str(getattr(o, "object", "")) for o in page.body.objects)
    assert XSS_NAME not in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html
    assert page.map.route_source.data["x"] is not None
    assert len(page.map.route_source.data["x"]) >= 2


def test_page_language_switch_relabels(ctx: VenueContext) -> None:
    page = KioskPage(ctx, {"kiosk": "K1"}, base_url="http://x")
    page.state.toggle_lang()
    assert page.home_btn.name == i18n.text("button.home", "zh")
    assert page.map.legend.items[0].label.value == i18n.zone_name("automobile", "zh")


def test_map_frame_turns_heading_up() -> None:
    frame = MapFrame(0.0, 0.0, 90.0)  # the kiosk faces east
    x, y = frame.to_view([10.0], [0.0])
    assert (x[0], y[0]) == pytest.approx((0.0, 10.0))  # east is up
    assert frame.to_venue(0.0, 10.0) == pytest.approx((10.0, 0.0))


def test_every_catalogue_string_has_both_languages() -> None:
    for key, (en, zh) in i18n.CATALOGUE.items():
        assert en.strip(), key
        assert zh.strip(), key


def test_roles(tmp_path: Path) -> None:
    users = tmp_path / "u.json"
    add_user(users, "pat", role="planner", password="longenough")
    add_user(users, "sam", role="staff", password="longenough")
    add_user(users, "ada", role="admin", password="longenough")
    assert authorize(users, {"user": "pat"}, "/planner")
    assert not authorize(users, {"user": "pat"}, "/staff")
    assert authorize(users, {"user": "sam"}, "/staff")
    assert authorize(users, {"user": "ada"}, "/staff")
    assert not authorize(users, {"user": "guest"}, "/planner")
    assert not authorize(users, None, "/staff")
    assert not authorize(users, {"user": "gone"}, "/planner")
    assert authorize(users, {"user": "guest"}, "/kiosk")
    assert _is_public("/kiosk?kiosk=K1&to=A-101")
    assert _is_public("/kiosk/ws")
    assert not _is_public("/planner")
    assert not _is_public("/staff/ws")
