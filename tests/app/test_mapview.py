"""The shared floor map without a browser: doors, guides, hits, route ends, colours."""

from __future__ import annotations

import re

import numpy as np
import pytest

from floorplan import i18n
from floorplan.app import theme
from floorplan.app.context import VenueContext
from floorplan.app.kiosk import KioskPage
from floorplan.app.mapview import ROUTE_MIN_SPAN_M, MapFrame, MapView
from floorplan.app.resources import TEMPLATE_DIR
from floorplan.schema import Col

from _browser import kiosk_venue


def _luminance(colour: str) -> float:
    """Return WCAG 2's relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """Return WCAG 2's contrast ratio of colours ``a`` and ``b``."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _over(top: str, alpha: float, under: str) -> str:
    """Return ``top`` laid with opacity ``alpha`` over ``under``."""
    mix = [
        round(alpha * int(top[i : i + 2], 16) + (1 - alpha) * int(under[i : i + 2], 16))
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in mix)


def test_contrast_formula_matches_known_ratios() -> None:
    assert contrast(theme.BLACK, theme.WHITE) == pytest.approx(21.0)
    assert contrast("#777777", theme.WHITE) == pytest.approx(4.48, abs=0.01)
    assert _over(theme.BLACK, 0.5, theme.WHITE) == "#808080"


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        (theme.SELECTED_TEXT, theme.SELECTED_FILL),
        (theme.HIT_TEXT, theme.HIT_FILL),
        (theme.HALL_LABEL, theme.HALL_LABEL_BG),
        (theme.ROUTE, theme.WHITE),  # "You are here"
    ],
)
def test_map_text_colours_keep_wcag_aa(text: str, ground: str) -> None:
    assert contrast(text, ground) >= 4.5


@pytest.mark.parametrize("zone", sorted(theme.ZONE_COLOURS))
def test_booth_labels_keep_wcag_aa_over_every_zone(zone: str) -> None:
    # The label's light box is translucent: what shows through is the booth's colour.
    booth = _over(theme.ZONE_COLOURS[zone], 0.85, theme.HALL_FILL)
    ground = _over(theme.BOOTH_LABEL_BG, theme.BOOTH_LABEL_BG_ALPHA, booth)
    assert contrast(theme.BOOTH_LABEL, ground) >= 4.5


@pytest.mark.parametrize("zone", sorted(theme.ZONE_COLOURS))
def test_chosen_and_hit_booths_stand_out_from_every_zone(zone: str) -> None:
    # WCAG's 3:1 for graphics: a lit booth is told from its neighbours by its fill.
    booth = _over(theme.ZONE_COLOURS[zone], 0.85, theme.HALL_FILL)
    assert contrast(theme.SELECTED_FILL, booth) >= 3.0 or contrast(theme.ROUTE, booth) >= 3.0
    hit = _over(theme.HIT_FILL, 0.9, theme.HALL_FILL)
    assert contrast(hit, booth) >= 3.0 or contrast(theme.HIT_LINE, booth) >= 3.0


@pytest.fixture(scope="module")
def ctx() -> VenueContext:
    return VenueContext(kiosk_venue())


def _view(ctx: VenueContext, *, angle: float = 0.0, lang: i18n.Lang = i18n.Lang.EN) -> MapView:
    frame = MapFrame.facing(ctx.venue, angle)
    return MapView(ctx.venue, frame, lang=lang, icon_url=lambda k: f"/i/{k}.svg", here=(5, 5))


def test_doors_are_drawn_by_kind(ctx: VenueContext) -> None:
    view = _view(ctx)
    ops = ctx.venue.openings
    kinds = ops[Col.KIND].astype(str)
    drawn = {k: len(r.data_source.data["xs"]) for k, r in view.door_renderers.items()}
    assert drawn.get("entrance", 0) == int(kinds.isin(["entrance", "exit"]).sum())
    assert drawn.get("emergency_exit", 0) == int((kinds == "emergency_exit").sum())
    assert drawn.get("connection", 0) == int((kinds == "connection").sum())
    assert sum(drawn.values()) == len(ops) > 0
    labels = [item.label.value for item in view.legend.items]
    assert i18n.text("map.door.emergency_exit", "en") in labels


def test_north_arrow_turns_with_the_kiosk(ctx: VenueContext) -> None:
    up = _view(ctx, angle=0.0).north.text
    east = _view(ctx, angle=90.0).north.text
    assert "rotate(-0.0)" in up or "rotate(0.0)" in up
    # Facing east, north is on the screen's left: turned a quarter anticlockwise.
    assert "rotate(-90.0)" in east


def test_key_lists_the_venue_icons_in_the_language(ctx: VenueContext) -> None:
    view = _view(ctx)
    kinds = set(ctx.venue.amenities[Col.KIND].astype(str))
    for kind in kinds:
        assert i18n.amenity_name(kind, "en") in view.key.text
        assert f"/i/{kind}.svg" in view.key.text
    view.set_lang(i18n.Lang.ZH)
    for kind in kinds:
        assert i18n.amenity_name(kind, "zh") in view.key.text
    assert i18n.text("you_are_here", "zh") in view.key.text
    assert view.hall_source.data["text"] == [
        i18n.hall_name(r, "zh") for r in ctx.venue.halls.to_dict("records")
    ]


def test_booth_labels_follow_the_language(ctx: VenueContext) -> None:
    b = ctx.venue.booths
    zh = b[b[Col.EXHIBITOR_ZH].fillna("").str.strip() != ""]
    assert len(zh), "the test venue has an exhibitor with a Chinese name"
    bid, name_zh = str(zh.iloc[0][Col.BOOTH_ID]), str(zh.iloc[0][Col.EXHIBITOR_ZH])
    view = _view(ctx)
    row = list(view.labels.data["booth_id"]).index(bid)
    assert view.labels.data["exhibitor"][row] == zh.iloc[0][Col.EXHIBITOR]
    view.set_lang(i18n.Lang.ZH)
    row = list(view.labels.data["booth_id"]).index(bid)
    assert view.labels.data["exhibitor"][row] == name_zh
    # A booth with no Chinese name keeps its English one.
    en_only = b[(b[Col.EXHIBITOR_ZH].fillna("") == "") & (b[Col.EXHIBITOR].fillna("") != "")]
    other = str(en_only.iloc[0][Col.BOOTH_ID])
    row = list(view.labels.data["booth_id"]).index(other)
    assert view.labels.data["exhibitor"][row] == en_only.iloc[0][Col.EXHIBITOR]


def test_scale_bar_measures_metres_of_the_view(ctx: VenueContext) -> None:
    view = _view(ctx)
    assert view.scale_bar.range is view.x_range
    assert view.scale_bar.unit == "m"


def test_highlight_ids_lights_booths_and_amenities(ctx: VenueContext) -> None:
    view = _view(ctx)
    booths = ctx.venue.booths[Col.BOOTH_ID].astype(str).tolist()[:3]
    amenity = str(ctx.venue.amenities[Col.AMENITY_ID].iloc[-1])
    view.highlight_ids([*booths, amenity, "NOPE"])
    assert len(view.hit_source.data["xs"]) == 3
    assert len(view.hit_points.data["x"]) == 1
    # The lit amenity's icon is placed first; the lit booths are labelled first.
    assert view.amenity_source.data["amenity_id"][0] == amenity
    assert [t.split(" · ")[0] for t in view.mark_source.data["text"]] == booths
    assert set(view.mark_source.data["bg"]) == {theme.HIT_FILL}
    view.highlight_ids([])
    assert len(view.hit_source.data["xs"]) == 0
    assert len(view.mark_source.data["text"]) == 0


def test_chosen_booth_is_labelled_first_in_its_colours(ctx: VenueContext) -> None:
    view = _view(ctx)
    row = ctx.venue.booths.iloc[2]
    view.highlight_ids([str(ctx.venue.booths.iloc[0][Col.BOOTH_ID])])
    view.highlight([row.geometry])
    assert view.mark_source.data["text"][0].startswith(str(row[Col.BOOTH_ID]))
    assert view.mark_source.data["bg"][:2] == [theme.SELECTED_FILL, theme.HIT_FILL]
    # Ids given to highlight() light them up (the name the kiosk's flow may use).
    view.highlight([str(row[Col.BOOTH_ID])])
    assert view.highlighted == (str(row[Col.BOOTH_ID]),)


def test_route_has_a_start_and_an_end_and_a_view_not_too_small(ctx: VenueContext) -> None:
    view = _view(ctx)
    view.show_route([(10.0, 10.0), (12.0, 10.0), (12.0, 11.0)])
    ends = view.route_ends.data
    assert list(ends["marker"]) == ["circle", "diamond"]
    assert (ends["x"][0], ends["y"][0]) != (ends["x"][1], ends["y"][1])
    view.fit([view.route], padding=0.15)
    assert list(view._fit_source.data["x"]) == pytest.approx(
        [min(view.route_source.data["x"]), max(view.route_source.data["x"])]
    )
    code = view._fit_source.js_property_callbacks["change:data"][0]
    assert code.args["min_span"] == ROUTE_MIN_SPAN_M >= 30
    view.show_route([])
    assert len(view.route_ends.data["x"]) == 0


def test_booth_extents_follow_the_frame(ctx: VenueContext) -> None:
    # A turned map measures each booth's width across the screen, not across the venue.
    flat, turned = _view(ctx, angle=0.0), _view(ctx, angle=90.0)
    a, b = flat.labels.data, turned.labels.data
    i = list(a["booth_id"]).index(str(ctx.venue.booths.iloc[0][Col.BOOTH_ID]))
    j = list(b["booth_id"]).index(a["booth_id"][i])
    assert a["w"][i] == pytest.approx(b["h"][j])
    assert a["h"][i] == pytest.approx(b["w"][j])
    assert np.all(np.asarray(a["w"], dtype=float) > 0)


def test_new_search_and_events_clear_the_route(ctx: VenueContext) -> None:
    page = KioskPage(ctx, {"kiosk": "K1"}, base_url="http://x")
    booth = str(ctx.venue.booths.iloc[0][Col.BOOTH_ID])
    page.state.choose(booth)
    assert len(page.map.route_source.data["x"])
    page.state.show_events()
    assert len(page.map.route_source.data["x"]) == 0
    assert len(page.map.highlight_source.data["xs"]) == 0
    page.state.choose(booth)
    assert len(page.map.route_source.data["x"])
    hits = page.state.set_query("Acme")
    assert hits
    assert len(page.map.route_source.data["x"]) == 0
    # The hits are lit on the map.
    assert page.map.highlighted
    assert set(page.map.highlighted) <= {h.target for h in hits}


def test_no_colour_literal_in_the_map_template() -> None:
    text = (TEMPLATE_DIR / "map.html").read_text(encoding="utf-8")
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", text)


#: The figure method that makes each glyph the map draws.
_METHODS = {
    "Patches": "patches",
    "MultiLine": "multi_line",
    "Line": "line",
    "Scatter": "scatter",
    "ImageURL": "image_url",
}


@pytest.mark.parametrize("windowed", [False, True])
def test_renderers_look_as_the_figure_would_draw_them(ctx: VenueContext, windowed: bool) -> None:
    """The map's renderers have no unused glyphs, and each glyph is the figure's own."""
    from bokeh.models import ColumnDataSource  # noqa: PLC0415
    from bokeh.plotting import figure  # noqa: PLC0415

    view = MapView(
        ctx.venue,
        MapFrame(),
        lang=i18n.Lang.EN,
        icon_url=lambda k: f"/{k}.svg",
        here=(10.0, 10.0),
        window_above=0 if windowed else 10**9,
    )
    renderers = list(view.figure.renderers)
    assert {type(r.glyph).__name__ for r in renderers} == set(_METHODS)
    for r in renderers:
        # Nothing on the kiosk's map is selected and its legend hides (never mutes):
        # the browser's own ("auto") glyphs stand in, never drawn.
        assert (r.selection_glyph, r.nonselection_glyph, r.muted_glyph) == ("auto",) * 3
        assert r.hover_glyph is None
        given = r.glyph.properties_with_values(include_defaults=False)
        source = ColumnDataSource({k: [] for k in r.data_source.data})
        ref = getattr(figure(), _METHODS[type(r.glyph).__name__])(source=source, **given)
        want = ref.glyph.properties_with_values(include_defaults=True)
        got = r.glyph.properties_with_values(include_defaults=True)
        if r.name == "fit":  # never drawn (size 0, not visible): its colours do not show
            assert r.visible is False
            assert r.glyph.size == 0
            continue
        assert got == want, r.name
    # One selection policy for the whole map, and no axes or grids (they were hidden).
    policies = {id(r.data_source.selection_policy) for r in renderers}
    assert len(policies) == 1
    # ... of this map only: a Bokeh model belongs to one session's document.
    other = MapView(ctx.venue, MapFrame(), lang=i18n.Lang.EN, icon_url=lambda k: f"/{k}.svg")
    assert policies.isdisjoint(id(r.data_source.selection_policy) for r in other.figure.renderers)
    assert not view.figure.axis
    assert not view.figure.grid
