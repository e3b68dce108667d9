"""Tests of the synthetic venue generator and of the bundled Chain Expo venue it made."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from floorplan import schema as S
from floorplan.errors import OptionError
from floorplan.generate import generate_venue
from floorplan.i18n import country_code, country_name, parse_levels
from floorplan.schema import Col, HallKind, OpeningKind, Zone
from floorplan.validate import validate
from floorplan.venue import Venue, bundled_venue_path


@pytest.fixture(scope="module")
def bundled() -> Venue:
    return generate_venue()


@pytest.fixture(scope="module")
def small() -> Venue:
    return generate_venue(booths=10, halls=1, seed=7)


@pytest.fixture(scope="module")
def scaled() -> Venue:
    return generate_venue(booths=5000, seed=11)


@pytest.fixture(params=["bundled", "small", "scaled"])
def any_venue(request: pytest.FixtureRequest) -> Venue:
    venue: Venue = request.getfixturevalue(request.param)
    return venue


def _hall_geoms(venue: Venue, hall_ids: pd.Series) -> np.ndarray:
    by_id = dict(zip(venue.halls[Col.HALL_ID], venue.halls.geometry, strict=True))
    return np.array([by_id[h] for h in hall_ids], dtype=object)


def _exhibition_halls(venue: Venue) -> pd.DataFrame:
    return venue.halls[venue.halls[Col.KIND] == HallKind.HALL.value]


# --- determinism and arguments ---------------------------------------------------------


def test_same_arguments_give_the_same_venue(bundled: Venue) -> None:
    again = generate_venue()
    for name, frame in bundled.layers().items():
        assert_geodataframe_equal(frame, again.layer(name), check_less_precise=False)
    pd.testing.assert_frame_equal(bundled.events, again.events)
    assert (bundled.name, bundled.dates, bundled.meta) == (again.name, again.dates, again.meta)


def test_another_seed_gives_another_venue(bundled: Venue) -> None:
    other = generate_venue(seed=1)
    assert set(other.booths[Col.EXHIBITOR]) != set(bundled.booths[Col.EXHIBITOR])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"booths": 0}, "booths must be a whole number"),
        ({"booths": 2.5}, "booths must be a whole number"),
        ({"booths": True}, "booths must be a whole number"),
        ({"booths": 10, "halls": 0}, "halls must be None or a whole number"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(OptionError, match=match):
        generate_venue(**kwargs)  # type: ignore[arg-type]


# --- rules every generated venue keeps -------------------------------------------------


def test_the_validator_accepts_it(any_venue: Venue) -> None:
    assert validate(any_venue) == []


def test_geometries_are_valid_with_unique_ids(any_venue: Venue) -> None:
    for name, frame in any_venue.layers().items():
        geoms = frame.geometry.to_numpy()
        assert shapely.is_valid(geoms).all(), name
        assert not shapely.is_empty(geoms).any(), name
        assert (shapely.get_type_id(geoms) == _TYPE_ID[S.LAYER_GEOMETRY[name]]).all(), name
        ids = frame[S.LAYER_ID[name]]
        assert ids.map(lambda x: isinstance(x, str) and x != "").all(), name
        assert ids.is_unique, name
    assert any_venue.events[Col.EVENT_ID].is_unique
    assert any_venue.crs.to_epsg() == 32650


_TYPE_ID = {"Point": 0, "LineString": 1, "Polygon": 3}


def test_booths_lie_in_their_halls_and_overlap_nothing(any_venue: Venue) -> None:
    booths = any_venue.booths.geometry.to_numpy()
    assert shapely.within(booths, _hall_geoms(any_venue, any_venue.booths[Col.HALL_ID])).all()
    tree = shapely.STRtree(booths)
    a, b = tree.query(booths, predicate="intersects")
    pairs = a != b
    shared = shapely.area(shapely.intersection(booths[a[pairs]], booths[b[pairs]]))
    assert shared.max(initial=0.0) < 1e-6  # touching is fine, overlapping is not
    obstacles = any_venue.obstacles.geometry.to_numpy()
    o, b = tree.query(obstacles, predicate="intersects")
    assert shapely.area(shapely.intersection(obstacles[o], booths[b])).max(initial=0.0) < 1e-6
    assert shapely.within(obstacles, _hall_geoms(any_venue, any_venue.obstacles[Col.HALL_ID])).all()


def test_halls_touch_only_along_shared_walls(any_venue: Venue) -> None:
    halls = any_venue.halls.geometry.to_numpy()
    a, b = shapely.STRtree(halls).query(halls, predicate="intersects")
    pairs = a < b
    assert len(a[pairs]) > 0
    assert (shapely.area(shapely.intersection(halls[a[pairs]], halls[b[pairs]])) == 0).all()


def test_openings_lie_on_their_hall_walls(any_venue: Venue) -> None:
    ops = any_venue.openings
    lines = ops.geometry.to_numpy()
    walls = shapely.boundary(_hall_geoms(any_venue, ops[Col.HALL_ID]))
    assert shapely.covers(shapely.buffer(walls, 1e-6), lines).all()
    np.testing.assert_allclose(ops[Col.WIDTH_M], shapely.length(lines), atol=1e-3)
    conn = ops[ops[Col.KIND] == OpeningKind.CONNECTION.value]
    other = shapely.boundary(_hall_geoms(any_venue, conn[Col.CONNECTS]))
    assert shapely.covers(shapely.buffer(other, 1e-6), conn.geometry.to_numpy()).all()


def test_booths_keep_three_metres_clear_of_doors(any_venue: Venue) -> None:
    tree = shapely.STRtree(any_venue.booths.geometry.to_numpy())
    near, _ = tree.query(any_venue.openings.geometry.to_numpy(), predicate="dwithin", distance=3.0)
    assert len(near) == 0


def test_every_hall_has_a_step_free_way_in(any_venue: Venue) -> None:
    ops = any_venue.openings
    flat_conn = ops[(ops[Col.KIND] == OpeningKind.CONNECTION.value) & ops[Col.STEP_FREE]]
    assert set(_exhibition_halls(any_venue)[Col.HALL_ID]) <= set(flat_conn[Col.HALL_ID])
    conc = any_venue.halls[any_venue.halls[Col.KIND] == HallKind.CONCOURSE.value]
    flat_in = ops[(ops[Col.KIND] == OpeningKind.ENTRANCE.value) & ops[Col.STEP_FREE]]
    assert set(conc[Col.HALL_ID]) <= set(flat_in[Col.HALL_ID])


@pytest.mark.parametrize(("layer", "clear_m"), [(S.KIOSKS, 1.0), (S.AMENITIES, 0.0)])
def test_points_stand_on_open_floor(any_venue: Venue, layer: str, clear_m: float) -> None:
    frame = any_venue.layer(layer)
    pts = frame.geometry.to_numpy()
    assert shapely.within(pts, _hall_geoms(any_venue, frame[Col.HALL_ID])).all()
    blockers = np.concatenate(
        [any_venue.booths.geometry.to_numpy(), any_venue.obstacles.geometry.to_numpy()]
    )
    hit, _ = shapely.STRtree(blockers).query(pts, predicate="dwithin", distance=clear_m)
    assert len(hit) == 0


def test_every_hall_has_kiosks_exits_and_restrooms(any_venue: Venue) -> None:
    halls = set(_exhibition_halls(any_venue)[Col.HALL_ID])
    assert set(any_venue.kiosks[Col.HALL_ID]) == set(any_venue.halls[Col.HALL_ID])
    assert any_venue.kiosks[Col.HEADING_DEG].between(0, 360).all()
    ops = any_venue.openings
    exits = ops[ops[Col.KIND] == OpeningKind.EMERGENCY_EXIT.value]
    assert (exits.groupby(Col.HALL_ID).size().reindex(sorted(halls), fill_value=0) >= 2).all()
    assert exits[Col.WIDTH_M].between(1.5, 4.0).all()
    restrooms = any_venue.amenities[any_venue.amenities[Col.KIND] == "restroom"]
    assert halls <= set(restrooms[Col.HALL_ID])


def test_events_happen_at_booths_and_amenities(any_venue: Venue) -> None:
    ev = any_venue.events
    assert list(ev.columns) == [
        Col.EVENT_ID, Col.TITLE, Col.TITLE_ZH, Col.STARTS, Col.ENDS, Col.WHERE,
    ]  # fmt: skip
    places = set(any_venue.booths[Col.BOOTH_ID]) | set(any_venue.amenities[Col.AMENITY_ID])
    assert ev[Col.WHERE].isin(places).all()
    assert (ev[Col.ENDS] > ev[Col.STARTS]).all()
    days = ev[Col.STARTS].dt.strftime("%Y-%m-%d")
    assert set(days) <= set(any_venue.dates)
    launches = ev[ev[Col.WHERE].isin(set(any_venue.booths[Col.BOOTH_ID]))]
    sold = any_venue.booths.set_index(Col.BOOTH_ID)[Col.EXHIBITOR]
    assert (sold[launches[Col.WHERE]] != "").all()


def test_zones_and_stages_follow_the_walk(any_venue: Venue) -> None:
    booths = any_venue.booths
    assert set(booths[Col.ZONE]) <= {z.value for z in Zone}
    stages = booths["chain_stage"]
    assert (stages[booths[Col.ZONE] == Zone.SERVICES.value] == "").all()
    chains = booths[booths[Col.ZONE] != Zone.SERVICES.value]
    assert set(chains["chain_stage"]) <= {"upstream", "midstream", "downstream"}


# --- the bundled Chain Expo ------------------------------------------------------------


def test_bundled_models_the_first_chain_expo(bundled: Venue) -> None:
    assert bundled.name == "Chain Expo 2023 (model venue)"
    assert bundled.dates == (
        "2023-11-28", "2023-11-29", "2023-11-30", "2023-12-01", "2023-12-02",
    )  # fmt: skip
    halls = _exhibition_halls(bundled)
    assert len(halls) >= 6
    assert (bundled.halls[Col.KIND] == HallKind.CONCOURSE.value).sum() == 1
    assert 100_000 <= halls.area.sum() <= 130_000
    notched = shapely.area(halls.geometry) < shapely.area(shapely.envelope(halls.geometry)) - 1
    assert notched.any()
    booths = bundled.booths
    exhibitors = booths.loc[booths[Col.EXHIBITOR] != "", Col.EXHIBITOR]
    assert exhibitors.is_unique
    assert len(exhibitors) == 515
    assert set(booths[Col.ZONE]) == {z.value for z in Zone}
    sold = booths[booths[Col.EXHIBITOR] != ""]
    abroad = (sold[Col.COUNTRY] != "CN").mean()
    assert 0.24 <= abroad <= 0.28
    assert (sold[Col.EXHIBITOR_ZH] != "").all()
    assert sold[Col.PRODUCTS].str.contains(";").any()
    assert (sold[Col.DESCRIPTION] != "").all()
    names = " ".join(sold[Col.EXHIBITOR])
    assert any(ch in names for ch in "éüöäßñçøå")
    assert sold[Col.EXHIBITOR_ZH].str.contains(r"[\u4e00-\u9fff]").all()


def test_bundled_booths_vary_in_size_and_shape(bundled: Venue) -> None:
    geoms = bundled.booths.geometry.to_numpy()
    area = shapely.area(geoms)
    assert 30 <= area.min() <= 45
    assert area.max() > 1000
    rect_share = area / shapely.area(shapely.envelope(geoms))
    assert (rect_share < 0.99).sum() >= 20  # L-shapes, trapezoids, cut corners
    assert set(bundled.booths[Col.OPEN_SIDES]) == {1, 2, 3, 4}
    islands = bundled.booths[bundled.booths[Col.OPEN_SIDES] == 4]
    assert (islands.area > 1000).any()


def test_bundled_aisles_are_wide(bundled: Venue) -> None:
    """Booths touching each other form blocks; aisles between blocks are 3 m or more."""
    booths = bundled.booths.geometry.to_numpy()
    blocks = shapely.get_parts(shapely.union_all(booths))
    assert len(blocks) < len(booths) / 5
    a, b = shapely.STRtree(blocks).query(blocks, predicate="dwithin", distance=2.999)
    assert (a == b).all()
    widths = shapely.distance(blocks[:, None], blocks[None, :])
    np.fill_diagonal(widths, np.inf)
    assert ((widths >= 6.0) & (widths <= 10.0)).any()  # main aisles of 6-10 m
    walls = shapely.boundary(_hall_geoms(bundled, bundled.booths[Col.HALL_ID]))
    assert shapely.distance(booths, walls).min() >= 3.0


def test_bundled_stages_run_upstream_to_downstream(bundled: Venue) -> None:
    booths = bundled.booths
    entry = bundled.openings[bundled.openings[Col.KIND] == OpeningKind.CONNECTION.value]
    door = entry.groupby(Col.HALL_ID).geometry.first()
    depth = shapely.distance(booths.geometry.to_numpy(), door[booths[Col.HALL_ID]].to_numpy())
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    chains = booths[Col.ZONE] != Zone.SERVICES.value
    mean = pd.Series(depth[chains]).groupby(booths.loc[chains, "chain_stage"].to_numpy()).mean()
    assert list(mean.sort_values().index) == sorted(order, key=order.__getitem__)


def test_bundled_has_the_fixed_things_a_visitor_looks_for(bundled: Venue) -> None:
    kinds = set(bundled.amenities[Col.KIND])
    assert {"restroom", "info", "first_aid", "cafe", "stage", "meeting_room"} <= kinds
    assert {"prayer_room", "cloakroom"} <= kinds
    obstacles = set(bundled.obstacles[Col.KIND])
    assert {"column", "stage", "service"} <= obstacles
    cols = bundled.obstacles[bundled.obstacles[Col.KIND] == "column"]
    assert np.allclose(cols.area, 0.64, atol=1e-3)
    halls = set(_exhibition_halls(bundled)[Col.HALL_ID])
    assert 0 < len(set(cols[Col.HALL_ID])) < len(halls)  # some halls are column-free
    ops = bundled.openings
    assert (~ops[Col.STEP_FREE]).any()
    assert (ops[Col.KIND] == OpeningKind.ENTRANCE.value).sum() >= 4


def test_bundled_exits_are_never_far(bundled: Venue) -> None:
    ops = bundled.openings
    halls = _exhibition_halls(bundled)
    for hall_id, geom in zip(halls[Col.HALL_ID], halls.geometry, strict=True):
        exits = ops[(ops[Col.HALL_ID] == hall_id) & (ops[Col.KIND] != OpeningKind.CONNECTION)]
        minx, miny, maxx, maxy = geom.bounds
        xs, ys = np.meshgrid(np.arange(minx, maxx, 5.0), np.arange(miny, maxy, 5.0))
        pts = shapely.points(xs.ravel(), ys.ravel())
        pts = pts[shapely.contains(geom, pts)]
        far = shapely.distance(pts[:, None], exits.geometry.to_numpy()[None, :]).min(axis=1)
        assert far.max() < 50.0, hall_id


def test_bundled_events_cover_the_five_days(bundled: Venue) -> None:
    ev = bundled.events
    assert len(ev) >= 20
    titles = ev[Col.TITLE]
    assert titles.str.startswith("Opening Forum").sum() == 1
    assert titles.str.endswith("Chain Forum").sum() == 6
    assert titles.str.startswith("Product launch").sum() >= 20
    rooms = set(bundled.amenities.loc[bundled.amenities[Col.KIND] == "meeting_room", "amenity_id"])
    assert ev.loc[titles.str.startswith("Matchmaking"), Col.WHERE].isin(rooms).all()
    assert ev[Col.STARTS].dt.day.nunique() == 5


def test_committed_bundled_files_match_the_generator(bundled: Venue) -> None:
    folder = bundled_venue_path()
    for name, frame in bundled.layers().items():
        stored = pyogrio.read_dataframe(folder / f"{name}.geojson")
        assert stored.crs is not None, name
        assert stored.crs.to_epsg() == 32650, name
        id_col = S.LAYER_ID[name]
        assert stored[id_col].tolist() == frame[id_col].tolist(), name
        gap = shapely.hausdorff_distance(stored.geometry.to_numpy(), frame.geometry.to_numpy())
        assert gap.max(initial=0.0) <= 1e-3, name
    stored_booths = pyogrio.read_dataframe(folder / "booths.geojson")
    for col in (
        Col.ZONE, Col.EXHIBITOR, Col.EXHIBITOR_ZH, Col.COUNTRY, Col.PRODUCTS_ZH, "chain_stage",
    ):  # fmt: skip
        assert stored_booths[col].fillna("").tolist() == bundled.booths[col].tolist(), col
    for layer in (S.HALLS, S.AMENITIES):
        stored = pyogrio.read_dataframe(folder / f"{layer}.geojson")
        assert stored[Col.NAME_ZH].tolist() == bundled.layer(layer)[Col.NAME_ZH].tolist(), layer
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    assert events[Col.EVENT_ID].tolist() == bundled.events[Col.EVENT_ID].tolist()
    assert events[Col.TITLE_ZH].tolist() == bundled.events[Col.TITLE_ZH].tolist()
    assert pd.to_datetime(events[Col.STARTS]).tolist() == bundled.events[Col.STARTS].tolist()
    meta = json.loads((folder / "venue.json").read_text(encoding="utf-8"))
    assert meta["name"] == bundled.name
    assert meta["crs"] == "EPSG:32650"
    assert tuple(meta["dates"]) == bundled.dates
    assert meta["levels"] == bundled.meta["levels"]


# --- other sizes -----------------------------------------------------------------------


def test_small_venue_with_one_hall(small: Venue) -> None:
    assert len(_exhibition_halls(small)) == 1
    assert len(small.booths) == 10
    assert small.booths[Col.EXHIBITOR].is_unique
    assert len(small.kiosks) >= 2


def test_scaled_venue_uses_small_standard_booths(scaled: Venue) -> None:
    booths = scaled.booths
    assert len(booths) == 5000
    assert (booths[Col.EXHIBITOR] != "").sum() == 5000 - 5000 // 101
    assert booths.loc[booths[Col.EXHIBITOR] != "", Col.EXHIBITOR].is_unique
    area = booths.area
    assert area.min() >= 9.0 - 1e-6
    assert area.max() <= 37.0
    floor = _exhibition_halls(scaled).area.sum()
    assert 15 <= floor / len(booths) <= 30
    assert len(scaled.events) > len(generate_venue(booths=600).events)


@pytest.mark.parametrize(
    ("booths", "halls"), [(1, None), (3, 5), (40, 7), (61, None), (122, 2), (1600, None)]
)
def test_odd_sizes_stay_valid(booths: int, halls: int | None) -> None:
    venue = generate_venue(booths=booths, halls=halls)
    assert validate(venue) == []
    assert len(venue.booths) == booths
    if halls is not None:
        assert len(_exhibition_halls(venue)) == halls


# --- names in both languages -----------------------------------------------------------

_HAN = r"[\u4e00-\u9fff]"


def test_what_a_visitor_reads_is_in_chinese_too(any_venue: Venue) -> None:
    halls = any_venue.halls
    assert halls[Col.NAME_ZH].str.contains(_HAN).all()
    assert halls[Col.NAME_ZH].is_unique
    amenities = any_venue.amenities
    assert amenities[Col.NAME_ZH].str.contains(_HAN).all()
    assert not amenities[Col.NAME].str.contains(r"\b[WEC]\d?-").any()  # no ids in names
    assert any_venue.events[Col.TITLE_ZH].str.contains(_HAN).all()
    sold = any_venue.booths[any_venue.booths[Col.EXHIBITOR] != ""]
    en = sold[Col.PRODUCTS].str.split(";")
    zh = sold[Col.PRODUCTS_ZH].str.split(";")
    assert (en.str.len() == zh.str.len()).all()  # one Chinese word per product, in order
    assert zh.explode().str.contains(_HAN).all()
    levels = parse_levels(any_venue.meta["levels"])
    assert set(halls[Col.LEVEL]) <= set(levels)
    assert all(en and zh for en, zh in levels.values())


def test_countries_are_iso_codes_named_by_cldr(any_venue: Venue) -> None:
    sold = any_venue.booths[any_venue.booths[Col.EXHIBITOR] != ""]
    codes = set(sold[Col.COUNTRY])
    assert all(re.fullmatch("[A-Z]{2}", c) for c in codes)
    assert all(country_code(c) == c for c in codes)  # every one a country CLDR knows
    abroad = sold[sold[Col.COUNTRY] != "CN"]
    if len(abroad):
        # A foreign company's Chinese name says where it is from, in CLDR's words.
        home = [country_name(c, "zh") for c in abroad[Col.COUNTRY]]
        assert all(h in n for h, n in zip(home, abroad[Col.EXHIBITOR_ZH], strict=True))


def test_bundled_names_as_a_chinese_visitor_reads_them(bundled: Venue) -> None:
    halls = dict(zip(bundled.halls[Col.HALL_ID], bundled.halls[Col.NAME_ZH], strict=True))
    assert (halls["E1"], halls["W2"], halls["C"]) == ("东1馆", "西2馆", "中央廊道")
    restrooms = bundled.amenities[bundled.amenities[Col.KIND] == "restroom"]
    assert restrooms[Col.NAME_ZH].str.endswith("洗手间").all()
    assert restrooms[Col.ACCESSIBLE].all()
    others = bundled.amenities[bundled.amenities[Col.KIND] != "restroom"]
    assert not others[Col.ACCESSIBLE].any()
    pairs = {
        (e, z)
        for es, zs in zip(
            bundled.booths[Col.PRODUCTS], bundled.booths[Col.PRODUCTS_ZH], strict=True
        )
        for e, z in zip(es.split(";"), zs.split(";"), strict=True)
        if e
    }
    assert ("lidar sensors", "激光雷达") in pairs
    assert len({e for e, _ in pairs}) == len(pairs)  # each product has one Chinese name
