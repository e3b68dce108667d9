"""Kiosk page logic without a browser: KioskState, the map frame, the role check."""

from __future__ import annotations

import html as htmllib
from urllib.parse import parse_qs, urlsplit

import pytest
from shapely.affinity import rotate
from shapely.geometry import box as shapely_box

from floorplan import i18n
from floorplan.app.context import VenueContext
from floorplan.app.kiosk import KioskPage, KioskState
from floorplan.app.mapview import (
    MAX_BOOTHS_SENT,
    VIEW_MARGIN,
    WINDOW_ABOVE_BOOTHS,
    MapFrame,
    MapView,
)
from floorplan.generate import generate_venue
from floorplan.search import HitKind

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


def test_an_entrance_is_found_labelled_and_routed_to(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"kiosk": "K1", "lang": "zh"})
    hit = next(h for h in s.set_query("入口") if h.kind is HitKind.DOOR)
    assert hit.key == "A-E1"
    assert s.hit_label(hit) == "Hall A入口"  # the hall has no Chinese name here
    s.choose_hit(hit)
    assert (s.selected, s.mode) == ("A-E1", "card")
    assert s.route is not None


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
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("phone.example:5006", "/m")
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    # The phone page starts where the kiosk stands: "you are here".
    assert q == {"from": "K1", "to": "A-201", "lang": "zh"}
    # The same arguments open the same card on a kiosk page (they name the same places).
    other = KioskState(state.ctx)
    other.apply_args(q)
    assert other.card() == state.card()


def test_deep_link_keeps_the_start_and_step_free(state: KioskState) -> None:
    state.origin = "WC-B"
    state.accessible = True
    state.choose("A-101")
    q = {k: v[0] for k, v in parse_qs(urlsplit(state.deep_link("http://h")).query).items()}
    assert q == {"from": "WC-B", "to": "A-101", "lang": "en", "accessible": "1"}


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
    # The name is there as text: escaped markup that reads back as the name itself.
    assert "&lt;img src=x onerror=" in html
    assert XSS_NAME in htmllib.unescape(html)
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


def test_search_text_is_capped(state: KioskState) -> None:
    from floorplan.app.kiosk import MAX_QUERY_CHARS  # noqa: PLC0415

    hits = state.set_query("Acme Motors " + "x" * 1_000_000)  # a megabyte from a client
    assert len(state.query) == MAX_QUERY_CHARS
    assert state.query.startswith("Acme Motors")
    assert isinstance(hits, list)


# --- large venues: booths sent for the view only -------------------------------------------


@pytest.fixture(scope="module")
def large_ctx() -> VenueContext:
    # Just above the windowing threshold: big enough to window, quick to generate.
    return VenueContext(generate_venue(booths=WINDOW_ABOVE_BOOTHS + 500))


def _set_view(view: MapView, box: tuple[float, float, float, float]) -> None:
    # As the browser's debounced callback reports a settled view.
    view.view_source.data = {"x0": [box[0]], "x1": [box[1]], "y0": [box[2]], "y1": [box[3]]}


def _expected_in_box(
    ctx: VenueContext, frame: MapFrame, box: tuple[float, float, float, float]
) -> set[str]:
    # Independently of the STRtree: turn every booth with shapely.affinity, test each one.
    x0, x1, y0, y1 = box
    mx, my = (x1 - x0) * VIEW_MARGIN, (y1 - y0) * VIEW_MARGIN
    area = shapely_box(x0 - mx, y0 - my, x1 + mx, y1 + my)
    b = ctx.venue.booths
    return {
        str(bid)
        for bid, g in zip(b["booth_id"], b.geometry, strict=True)
        if rotate(g, frame.angle_deg, origin=(frame.cx, frame.cy)).intersects(area)
    }


def test_large_venue_first_paint_is_halls_by_zone(large_ctx: VenueContext) -> None:
    frame = MapFrame.facing(large_ctx.venue, 30.0)
    view = MapView(large_ctx.venue, frame, lang=i18n.Lang.EN, icon_url=str)
    assert view.windowed
    assert len(large_ctx.venue.booths) > WINDOW_ABOVE_BOOTHS
    assert view.booths_shown() == []
    assert len(view.labels.data["booth_id"]) == 0
    assert view.overview is True
    halls_drawn = sum(len(r.data_source.data["xs"]) for r in view.hall_zone_renderers.values())
    halls_with_booths = large_ctx.venue.booths["hall_id"].nunique()
    assert halls_drawn == halls_with_booths
    # The legend hides a zone's halls with its booths.
    assert all(len(item.renderers) == 2 for item in view.legend.items)


def test_large_venue_sends_the_booths_in_view(large_ctx: VenueContext) -> None:
    frame = MapFrame.facing(large_ctx.venue, 30.0)
    view = MapView(large_ctx.venue, frame, lang=i18n.Lang.EN, icon_url=str)
    booth = large_ctx.venue.booths.iloc[len(large_ctx.venue.booths) // 3]
    c = booth.geometry.centroid
    vx, vy = frame.to_view([c.x], [c.y])
    box = (vx[0] - 45.0, vx[0] + 45.0, vy[0] - 30.0, vy[0] + 30.0)
    _set_view(view, box)
    shown = view.booths_shown()
    expected = _expected_in_box(large_ctx, frame, box)
    assert str(booth["booth_id"]) in expected
    assert len(shown) == len(set(shown))
    assert set(shown) == expected
    assert sorted(view.labels.data["booth_id"]) == sorted(expected)
    assert view.overview is False
    assert all(len(r.data_source.data["xs"]) == 0 for r in view.hall_zone_renderers.values())
    # Each booth is drawn where the frame puts it: its label inside its outline.
    for r in view.zone_renderers.values():
        d = r.data_source.data
        for xs, ys, cx, cy in zip(d["xs"], d["ys"], d["cx"], d["cy"], strict=True):
            assert min(xs) <= cx <= max(xs)
            assert min(ys) <= cy <= max(ys)
    # Zooming out past the cap goes back to halls by zone.
    x0, y0, x1, y1 = large_ctx.venue.halls.total_bounds
    _set_view(view, (x0 - 1e4, x1 + 1e4, y0 - 1e4, y1 + 1e4))
    assert view.booths_shown() == []
    assert view.overview is True
    # An empty corner of the world: nothing, and no overview either.
    _set_view(view, (x0 - 5000.0, x0 - 4900.0, y0 - 5000.0, y0 - 4900.0))
    assert view.booths_shown() == []
    assert view.overview is False


def test_large_venue_tap_routes_and_highlights(large_ctx: VenueContext) -> None:
    kiosk = str(large_ctx.venue.kiosks["kiosk_id"].iloc[0])
    page = KioskPage(large_ctx, {"kiosk": kiosk}, base_url="http://x")
    assert page.map.booths_shown() == []
    k = large_ctx.snapshot.kiosk(kiosk)
    assert k is not None
    # The kiosk's own hall: a booth a route reaches.
    b = large_ctx.venue.booths
    hall = b[b.geometry.distance(shapely_box(k[0], k[1], k[0], k[1])) < 80.0]
    booth = hall.iloc[0]
    pt = booth.geometry.representative_point()
    assert page.state.tap(pt.x, pt.y) == booth["booth_id"]
    assert page.state.mode == "card"
    assert len(page.map.highlight_source.data["xs"]) == 1
    assert page.state.route is not None
    assert len(page.map.route_source.data["x"]) >= 2
    # The booths around the route follow once the browser reports the fitted view.
    fit = page.map._fit_source.data
    _set_view(page.map, (*fit["x"], *fit["y"]))
    assert str(booth["booth_id"]) in page.map.booths_shown()
    assert len(page.map.booths_shown()) <= MAX_BOOTHS_SENT


def test_small_venue_is_sent_whole(ctx: VenueContext) -> None:
    view = MapView(ctx.venue, MapFrame(), lang=i18n.Lang.EN, icon_url=str)
    assert not view.windowed
    assert sorted(view.booths_shown()) == sorted(ctx.venue.booths["booth_id"])
    _set_view(view, (0.0, 1.0, 0.0, 1.0))  # ignored: the whole venue stays
    assert len(view.booths_shown()) == len(ctx.venue.booths)
