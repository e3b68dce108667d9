"""Kiosk page logic without a browser: KioskState, the map frame, the role check."""

from __future__ import annotations

import html as htmllib
from urllib.parse import parse_qs, urlsplit

import pytest
from pyproj import Transformer
from shapely.affinity import rotate
from shapely.geometry import box as shapely_box

from floorplan import i18n
from floorplan.app.context import VenueContext
from floorplan.app.kiosk import KioskPage, KioskState, format_point
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
    zone_items = [i for i in view.legend.items if i.renderers[0].name.startswith("zone-")]
    assert len(zone_items) == len(view.zone_renderers)
    assert all(len(item.renderers) == 2 for item in zone_items)


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


# --- no kiosk: the start picker, one-tap nearest, distances, long lists -------------------
def test_no_kiosk_opens_the_start_picker_and_a_tap_on_the_floor_starts_routes(
    ctx: VenueContext,
) -> None:
    s = KioskState(ctx)
    s.apply_args({})
    assert (s.mode, s.has_start) == ("start", False)
    assert s.tap(5.0, 20.0) == "5.0,20.0"  # an aisle of hall A
    assert s.mode == "home"
    assert s.start_point == (5.0, 20.0)
    assert s.start_name() == "The point you tapped in Hall A"
    s.choose("B-202")
    assert s.route is not None
    assert s.route.coords[0] == pytest.approx((5.0, 20.0), abs=0.6)
    # The QR code's link starts where the kiosk does.
    # The QR code's phone page asks the API, which reads a point as lon,lat (WGS84).
    q = {k: v[0] for k, v in parse_qs(urlsplit(s.deep_link("http://x")).query).items()}
    lon, lat = map(float, q["from"].split(","))
    back = Transformer.from_crs("EPSG:4326", ctx.venue.crs, always_xy=True)
    assert back.transform(lon, lat) == pytest.approx((5.0, 20.0), abs=0.05)
    # The kiosk's own link form (venue metres) starts the same route.
    phone = KioskState(ctx)
    phone.apply_args({**q, "from": format_point(s.start_point)})
    assert phone.route is not None
    assert phone.route.length_m == pytest.approx(s.route.length_m)


def test_start_picker_tap_on_a_booth_or_off_the_floor(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"to": "B-101"})
    assert (s.mode, s.route) == ("card", None)  # a card, and no start yet
    s.open_start()
    assert s.tap(-5.0, -5.0) is None  # outside every hall
    assert "not walkable" in s.notice
    assert s.tap(45.5, 18.5) is None  # the column
    assert s.tap(12.0, 10.0) == "A-101"  # a booth: the visitor stands at it
    assert (s.origin, s.mode, s.selected) == ("A-101", "card", "B-101")  # back to the card
    assert s.route is not None
    assert s.route.origin == "A-101"


def test_start_picker_search_picks_the_start_not_the_destination(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"lang": "zh"})
    hits = s.set_query("Café")
    assert s.mode == "start"  # the picker stays open while searching
    s.choose_hit(next(h for h in hits if h.target == "CAFE-1"))
    assert (s.origin, s.selected, s.mode) == ("CAFE-1", "", "home")
    s.choose("A-101")
    assert s.route is not None
    assert s.route.origin == "CAFE-1"


def test_unknown_kiosk_notice_stays_and_offers_the_picker(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"kiosk": "NOPE", "to": "A-101"})
    assert "NOPE" in s.kiosk_notice
    assert s.kiosk_id == ""
    s.choose("B-101")  # a card opens: the notice stays
    assert "NOPE" in s.kiosk_notice
    s.open_start()
    s.set_start("K2")
    assert s.route is not None
    assert "NOPE" in s.kiosk_notice


def _nearest_by_every_route(s: KioskState, ids: list[str]) -> tuple[str, float]:
    router = s.snap.router
    lengths = {i: router.route(s.route_start, i).length_m for i in ids}
    best = min(lengths, key=lengths.__getitem__)
    return best, lengths[best]


@pytest.mark.parametrize("start", ["K1", "K2", "B-202", "A-E1"])
def test_one_tap_nearest_restroom_is_the_shortest_walk(ctx: VenueContext, start: str) -> None:
    s = KioskState(ctx)
    s.apply_args({"from": start})
    restrooms = s.quick_targets("restroom")
    assert sorted(restrooms) == ["WC-A", "WC-B"]
    place = s.go_nearest("restroom")
    best, length = _nearest_by_every_route(s, restrooms)
    assert place == best
    assert (s.selected, s.mode) == (best, "card")
    assert s.route.length_m == pytest.approx(length)


def test_one_tap_buttons_say_why_they_are_off(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({})
    assert s.quick_reason("restroom") == i18n.text("quick.no_start", "en")
    assert s.go_nearest("restroom") == ""
    assert s.selected == ""
    s.set_start("K1")
    assert s.quick_reason("restroom") == ""
    assert s.quick_reason("first_aid") == i18n.text("quick.none", "en")  # none in this venue
    assert s.quick_reason("info") == i18n.text("quick.none", "en")
    # Exits: the entrance is the way out in normal use, not an emergency exit.
    assert s.quick_targets("exit") == ["A-E1"]
    assert s.go_nearest("exit") == "A-E1"
    assert s.go_nearest("food") == "CAFE-1"


def test_hit_distances_are_the_routes_in_the_page_language(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"kiosk": "K1", "lang": "zh"})
    length = s.snap.router.route("K1", "B-202").length_m
    text = s.distance_text("B-202")
    assert text.startswith(f"{round(length)} 米 · ")
    assert text.endswith(" 分钟")
    s.lang = "en"
    assert s.distance_text("B-202").startswith(f"{round(length)} m · ")
    assert s.distance_text("K1") == ""  # the start itself
    none = KioskState(ctx)
    none.apply_args({})
    assert none.distance_text("B-202") == ""


def test_search_and_zone_light_up_booths(state: KioskState) -> None:
    hits = state.set_query("digital dragon")
    assert state.highlighted[0] == "B-202"
    assert state.highlighted == list(dict.fromkeys(h.target for h in hits if h.target[1:2] == "-"))
    assert all(b in state.snap.booths.index for b in state.highlighted)
    state.browse_zone("digital")
    assert state.highlighted == ["A-202", "B-202"]
    state.choose("A-101")
    assert state.highlighted == []


def test_chinese_names_in_chinese_mode(ctx: VenueContext) -> None:
    s = KioskState(ctx)
    s.apply_args({"kiosk": "K1", "lang": "zh"})
    assert s.exhibitor_name("A-201") == "华北能源科技"
    assert s.place_name("A-E1") == "Hall A入口"  # no Chinese hall name: the English one
    assert s.place_name("WC-A") == "洗手间 · Restroom A"
    assert s.place_name("K2") == "Hall B导览机 K2"


def test_show_all_lists_every_zone_exhibitor() -> None:
    venue = generate_venue(booths=200, seed=3)
    c = VenueContext(venue)
    page = KioskPage(c, {"kiosk": str(venue.kiosks["kiosk_id"].iloc[0])}, base_url="http://x")
    s = page.state
    zone = max(
        ("automobile", "agriculture", "energy", "digital", "health", "services"),
        key=lambda z: len(s.zone_exhibitors(z)),
    )
    n = len(s.zone_exhibitors(zone))
    assert n > 24, n  # long enough to be cut
    s.browse_zone(zone)

    def listed() -> int:
        return sum("zone-exhibitor" in o.css_classes for o in page.body.objects)

    assert listed() == 24
    button = next(o for o in page.body.objects if "show-all" in o.css_classes)
    assert str(n) in button.name
    s.show_all = True
    assert listed() == n


def test_show_all_lists_every_hit(ctx: VenueContext) -> None:
    venue = generate_venue(booths=200, seed=3)
    c = VenueContext(venue)
    page = KioskPage(c, {"kiosk": str(venue.kiosks["kiosk_id"].iloc[0])}, base_url="http://x")
    s = page.state
    hits = s.set_query("exit")
    full = c.snapshot.search.search("exit", limit=1000)
    assert len(hits) == len(full) > 12  # the whole list, not a first screenful

    def listed() -> int:
        return sum("hit" in o.css_classes for o in page.body.objects)

    assert listed() == 12
    s.show_all = True
    assert listed() == len(hits)
    assert any("show-all" in o.css_classes for o in page.body.objects) is False  # shown all
    small = KioskPage(ctx, {"kiosk": "K1"}, base_url="http://x")
    assert 0 < len(small.state.set_query("Acme")) <= 12  # a short list has no button
    assert not any("show-all" in o.css_classes for o in small.body.objects)


@pytest.mark.parametrize("venue", ["ctx", "large_ctx"])
def test_kiosk_documents_pass_bokeh_validation(venue: str, request: pytest.FixtureRequest) -> None:
    """The checks ``floorplan serve`` skips per session find nothing in any kiosk view."""
    import panel as pn  # noqa: PLC0415
    from bokeh.core.validation.check import check_integrity  # noqa: PLC0415
    from bokeh.document import Document  # noqa: PLC0415
    from panel.io.state import set_curdoc  # noqa: PLC0415

    ctx: VenueContext = request.getfixturevalue(venue)
    kiosk = str(ctx.venue.kiosks["kiosk_id"].iloc[0])
    booth = str(ctx.venue.booths["booth_id"].iloc[0])
    zone = str(ctx.venue.booths["zone"].iloc[0])
    pn.extension(notifications=False)
    doc = Document()
    with set_curdoc(doc):
        page = KioskPage(ctx, {"kiosk": kiosk, "to": booth}, base_url="http://x")
        page.view().server_doc(doc)
        assert page.map.windowed is (venue == "large_ctx")
        issues = [check_integrity(list(doc.models))]
        s = page.state
        for act in (
            lambda: s.set_query("a"),
            lambda: s.browse_zone(zone),
            s.show_events,
            s.open_start,
            s.toggle_lang,
            lambda: setattr(s, "high_contrast", True),
        ):
            act()
            issues.append(check_integrity(list(doc.models)))
    assert all(not i.error and not i.warning for i in issues), issues
