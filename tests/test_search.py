"""Search: exact, prefix, typo-tolerant, pinyin, synonyms, grouping, degenerate input."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from floorplan.search import HitKind, SearchIndex, normalize

from _browser import XSS_NAME, ZH_NAME, kiosk_venue


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(kiosk_venue())


def _keys(hits, kind=None):  # type: ignore[no-untyped-def]
    return [h.key for h in hits if kind is None or h.kind is kind]


def test_first_character_suggests(index: SearchIndex) -> None:
    hits = index.search("a")
    assert hits
    assert "A-101" in _keys(hits, HitKind.EXHIBITOR)  # Acme Motors


def test_prefix_of_first_word_finds_exhibitor_first(index: SearchIndex) -> None:
    hits = index.search("Acme")
    assert hits[0].kind is HitKind.EXHIBITOR
    assert hits[0].key == "A-101"
    assert hits[0].label == "Acme Motors"


@pytest.mark.parametrize("typo", ["Acne Motors", "acme motrs", "ACME"])
def test_typos_and_case(index: SearchIndex, typo: str) -> None:
    assert "A-101" in _keys(index.search(typo), HitKind.EXHIBITOR)


@pytest.mark.parametrize("query", ["nengyuan", "neng yuan", "能源", "hbnykj", ZH_NAME])
def test_chinese_name_by_hanzi_and_pinyin(index: SearchIndex, query: str) -> None:
    assert "A-201" in _keys(index.search(query), HitKind.EXHIBITOR)


@pytest.mark.parametrize("query", ["toilet", "WC", "洗手间", "厕所", "restroom", "toilte"])
def test_amenity_synonyms(index: SearchIndex, query: str) -> None:
    assert set(_keys(index.search(query), HitKind.AMENITY)) == {"WC-A", "WC-B"}


def test_near_orders_equal_hits_by_distance(index: SearchIndex) -> None:
    assert _keys(index.search("toilet", near=(110.0, 30.0)), HitKind.AMENITY)[0] == "WC-B"
    assert _keys(index.search("toilet", near=(5.0, 30.0)), HitKind.AMENITY)[0] == "WC-A"


def test_booth_ids_products_zones_events(index: SearchIndex) -> None:
    assert index.search("A-102")[0].key == "A-102"
    assert index.search("a102")[0].key == "A-102"
    prod = [h for h in index.search("solar") if h.kind is HitKind.PRODUCT]
    assert prod[0].target == "A-201"
    assert "energy" in _keys(index.search("clean energy"), HitKind.ZONE)
    assert "energy" in _keys(index.search("enrgy"), HitKind.ZONE)
    ev = [h for h in index.search("forum") if h.kind is HitKind.EVENT]
    assert ev[0].key == "EV1"
    assert ev[0].target == "CAFE-1"


def test_hits_are_grouped_by_kind(index: SearchIndex) -> None:
    hits = index.search("battery")
    kinds = [h.kind for h in hits]
    # Each kind appears in one run: grouped.
    runs = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] is not k]
    assert len(runs) == len(set(runs))
    assert {HitKind.PRODUCT, HitKind.EVENT} <= set(kinds)


def test_markup_is_plain_data(index: SearchIndex) -> None:
    hits = index.search("<img")
    assert hits[0].label == XSS_NAME


def test_limit_and_empty_queries(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("a", limit=0) == []
    assert len(index.search("a", limit=3)) == 3
    assert index.search("zzzzqqqxx") == []


def test_unsold_booth_is_found_by_id_only(index: SearchIndex) -> None:
    # B-102 is the unsold booth (empty exhibitor) of the test venue.
    unsold = [h for h in index.search("B-102") if h.kind is HitKind.BOOTH]
    assert unsold[0].key == "B-102"
    assert unsold[0].label == ""


def test_empty_venue() -> None:
    v = kiosk_venue()
    v.booths = v.booths.iloc[0:0]
    v.amenities = v.amenities.iloc[0:0]
    v.events = v.events.iloc[0:0]
    idx = SearchIndex(v)
    assert _keys(idx.search("energy")) == ["energy"]  # only the zone itself
    assert idx.search("acme") == []


def test_unicode_names() -> None:
    v = kiosk_venue()
    extra = gpd.GeoDataFrame(
        [
            {
                "booth_id": "B-999",
                "hall_id": "B",
                "zone": "health",
                "exhibitor": "Schäfer & Groß AG",
                "exhibitor_zh": "舍费尔·格罗斯",
                "products": "",
                "geometry": box(100, 2, 102, 4),
            }
        ],
        crs=v.booths.crs,
    )
    v.booths = gpd.GeoDataFrame(
        [*v.booths.to_dict("records"), *extra.to_dict("records")], crs=v.booths.crs
    )
    idx = SearchIndex(v)
    assert "B-999" in _keys(idx.search("schäfer"), HitKind.EXHIBITOR)
    assert "B-999" in _keys(idx.search("SCHÄFER & GROSS"), HitKind.EXHIBITOR)
    assert "B-999" in _keys(idx.search("shefeier"), HitKind.EXHIBITOR)


def test_normalize() -> None:
    assert normalize("  Ａｃｍｅ\tMotors ") == "acme motors"
